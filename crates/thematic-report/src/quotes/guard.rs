//! The identifier guard on a quote table: every quote's words and attribution pass through
//! the study's [`Guard`] before the table is written (see `thematic_study::Guard`).

use thematic_study::{Guard, GuardMode, StudyError, refusal};

use super::QuoteTable;

impl QuoteTable {
    /// Passes every quote's words and attribution through `guard`: with
    /// [`GuardMode::Refuse`], fails naming each accepted identifier's kind and quote when
    /// there is one; with [`GuardMode::Anonymise`], pseudonymises them in this table only;
    /// with [`GuardMode::Allow`], leaves the table as it is.
    pub fn screen(&mut self, guard: &Guard, mode: GuardMode) -> Result<(), StudyError> {
        let mut leaks = Vec::new();
        for theme in &mut self.themes {
            for q in &mut theme.quotes {
                let place = |what: &str| {
                    format!(
                        "the {what} of a quote of {}, turn {} (theme {})",
                        q.transcript, q.turn, theme.theme.id
                    )
                };
                let (words, attribution) = (place("words"), place("attribution"));
                guard.screen(mode, &mut q.text, || words, &mut leaks);
                guard.screen(mode, &mut q.attribution, || attribution, &mut leaks);
            }
        }
        if leaks.is_empty() {
            Ok(())
        } else {
            Err(refusal("the quote table", &leaks))
        }
    }
}
