//! The counts under each theme of the thematic map, as `thematic map --counts` and the
//! server's map show them.

use std::collections::BTreeMap;

use thematic_codebook::Codebook;

use crate::counts::theme_counts;
use crate::error::StudyError;
use crate::study::Study;

impl Study {
    /// Per theme of `book`, everyone's counts as a map note: `"N codings · M participants"`.
    pub fn map_notes(&self, book: &Codebook) -> Result<BTreeMap<String, String>, StudyError> {
        Ok(theme_counts(book, &self.all_codings()?)
            .into_iter()
            .map(|(id, c)| {
                let note = format!("{} codings · {} participants", c.codings, c.participants);
                (id, note)
            })
            .collect())
    }
}
