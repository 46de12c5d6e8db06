//! `--allow-identifiers` and `--anonymise`: what the exports (`quotes`, `export`, `sheet
//! export`) do with an identifier accepted in `anonymisation/review.csv` but not yet
//! applied. The guard itself is `thematic_study::Guard`, one for every export.

use thematic_study::GuardMode;

/// The two switches every export that writes transcript words takes.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct GuardArgs {
    /// Write accepted-but-unapplied identifiers as they are (refused by default).
    #[arg(long)]
    pub allow_identifiers: bool,
    /// Replace accepted identifiers in this output only (the study is not changed).
    #[arg(long)]
    pub anonymise: bool,
}

impl GuardArgs {
    /// The mode these switches ask for.
    pub fn mode(self) -> GuardMode {
        GuardMode::from_flags(self.allow_identifiers, self.anonymise)
    }
}
