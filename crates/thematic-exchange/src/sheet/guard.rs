//! The identifier guard on a coding sheet: every row's words and speaker pass through the
//! study's [`Guard`] before the sheet is written (see `thematic_study::Guard`).

use thematic_study::{Guard, GuardMode, StudyError, refusal};

use super::Sheet;

impl Sheet {
    /// Passes every row's text and speaker through `guard`: with [`GuardMode::Refuse`],
    /// fails naming each accepted identifier's kind and row when there is one; with
    /// [`GuardMode::Anonymise`], pseudonymises them in this sheet only (such a sheet is for
    /// reading: its rows no longer match the transcripts, so importing it back is refused);
    /// with [`GuardMode::Allow`], leaves the sheet as it is.
    pub fn screen(&mut self, guard: &Guard, mode: GuardMode) -> Result<(), StudyError> {
        let mut leaks = Vec::new();
        for (i, row) in self.rows.iter_mut().enumerate() {
            // Row 1 of the spreadsheet is the header.
            let place = |what: &str| {
                format!(
                    "the {what} of row {} ({}, turn {})",
                    i + 2,
                    row.transcript,
                    row.turn
                )
            };
            let (text, speaker) = (place("text"), place("speaker"));
            guard.screen(mode, &mut row.text, || text, &mut leaks);
            guard.screen(mode, &mut row.speaker, || speaker, &mut leaks);
        }
        if leaks.is_empty() {
            Ok(())
        } else {
            Err(refusal("the coding sheet", &leaks))
        }
    }
}
