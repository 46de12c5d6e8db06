//! `thematic anonymise …`: find the identifiers in the study's transcripts, review them in
//! `anonymisation/review.csv` (or the browser), and replace the accepted ones.

use std::process::ExitCode;

use crate::context::Context;
use crate::error::Result;

pub mod apply;
pub mod guard;
mod scan;

const EXAMPLES: &str = "\
Anonymising is three steps. `scan` finds candidates and writes anonymisation/review.csv,
one row per distinct term with a decision (replace, review or keep) and a replacement;
you review that file (in a spreadsheet, an editor or `thematic serve`); `apply` replaces
every term decided `replace` across the study. A re-scan keeps your decisions. What the
scan cannot see (a rare job in a small town, an unusual event) a person still has to
read for: see docs/anonymisation.md.

Examples:
  $ thematic anonymise scan
  $ thematic anonymise scan --list --format csv --output candidates.csv
  $ thematic anonymise apply --dry-run";

/// `thematic anonymise`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// The anonymise subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Find identifiers in every transcript and write anonymisation/review.csv.
    Scan(scan::Args),
    /// Replace every term decided `replace` across the study; the key goes outside it.
    Apply(apply::ApplyArgs),
}

/// Runs `thematic anonymise …`.
pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    match &args.command {
        Command::Scan(a) => scan::run(ctx, a),
        Command::Apply(a) => apply::run(ctx, a),
    }
}
