//! The counts under each theme of the thematic map, as `thematic map --counts` and the
//! server's map show them.

use std::collections::BTreeMap;

use thematic_codebook::Codebook;

use thematic_study::Study;
use thematic_study::StudyError;
use thematic_study::{ThemeCounts, theme_counts};

/// Per theme of `book`, everyone's counts as a map note: `"N codings · M participants"`.
pub fn map_notes(study: &Study, book: &Codebook) -> Result<BTreeMap<String, String>, StudyError> {
    Ok(map_notes_of(theme_counts(book, &study.all_codings()?)))
}

/// The map notes of counts already made (by [`theme_counts`] or
/// [`theme_counts_of`](thematic_study::theme_counts_of)).
pub fn map_notes_of(counts: BTreeMap<String, ThemeCounts>) -> BTreeMap<String, String> {
    counts
        .into_iter()
        .map(|(id, c)| {
            let note = format!("{} codings · {} participants", c.codings, c.participants);
            (id, note)
        })
        .collect()
}
