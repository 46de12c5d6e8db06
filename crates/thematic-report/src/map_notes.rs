//! The counts under each theme of the thematic map, as `thematic map --counts` and the
//! server's map show them.

use std::collections::BTreeMap;

use thematic_codebook::Codebook;

use thematic_study::Study;
use thematic_study::StudyError;
use thematic_study::{ThemeCounts, theme_counts_by};

/// Per theme of `book`, everyone's counts as a map note: `"N codings · M participants"`
/// (participants as who speaks, [`Study::attribution`]).
pub fn map_notes(study: &Study, book: &Codebook) -> Result<BTreeMap<String, String>, StudyError> {
    let who = study.attribution()?;
    Ok(map_notes_of(theme_counts_by(
        book,
        &study.all_codings()?,
        &who,
    )))
}

/// The map notes of counts already made (by [`theme_counts_by`] or
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
