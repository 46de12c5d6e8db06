//! `thematic codebook …`: look at, check, refine and exchange the study's codebook, develop
//! themes from codes, and record the thematic map's history.

use std::path::PathBuf;
use std::process::ExitCode;

use thematic_codebook::Codebook;
use thematic_study::Study;

use crate::context::Context;
use crate::error::{CliError, Result};

mod define;
mod edit;
mod exchange;
mod history;
mod lint;
mod show;
mod themes;
mod versions;

const EXAMPLES: &str = "\
The codebook is the TOML file named in thematic.toml (docs/codebook-format.md). Every
command that changes it keeps your comments, validates the result before writing, writes
atomically, and records the change in changelog.csv. No command loses a coding: a merge
moves every coder's codings, and a retired theme keeps its codings for history.

Examples:
  $ thematic codebook show
  $ thematic codebook lint
  $ thematic codebook add \"Peer support\" --parent the-approach --definition \"…\"
  $ thematic codebook add \"someone to talk to\" --unsorted
  $ thematic codebook rename goal-orientation \"Goal- and action-orientated\"
  $ thematic codebook move peer-support --parent patients-role
  $ thematic codebook merge empowerment active-engagement
  $ thematic codebook retire peer-support
  $ thematic codebook recolour peer-support \"#0072b2\"
  $ thematic codebook define peer-support --definition \"…\" --exclude \"…\"

Developing themes (the command-line side of the browser's theme board):
  $ thematic codebook theme \"Talking it through\" --note \"P1 and P4 both describe this\"
  $ thematic codebook move asking-questions --parent talking-it-through
  $ thematic codebook share what-matters talking-it-through
  $ thematic codebook unshare what-matters talking-it-through
  $ thematic codebook split talking-it-through \"Being heard\" what-matters
  $ thematic codebook merge-theme being-heard talking-it-through
  $ thematic codebook discard talking-it-through
  $ thematic codebook define talking-it-through --title \"…\" --concept \"…\" --defined

The map's history:
  $ thematic codebook snapshot \"Candidate themes\" --note \"before review\"
  $ thematic codebook versions
  $ thematic codebook diff \"Candidate themes\"
  $ thematic map --version \"Candidate themes\" --output candidate-themes.svg

Exchange:
  $ thematic codebook export --format docx --output appendix-codebook.docx
  $ thematic codebook import nvivo-codebook.qdc --use";

/// `thematic codebook`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// The codebook subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The theme tree, with counts of codings, participants and coders.
    Show(show::Args),
    /// Check the codebook and advise: unused themes, near-duplicates, codable groups.
    Lint(lint::Args),
    /// Add a theme (or group, with --group).
    Add(edit::AddArgs),
    /// Change a theme's label; its id stays.
    Rename(edit::RenameArgs),
    /// Put a theme under another parent.
    Move(edit::MoveArgs),
    /// Merge one theme into another: every coding of SOURCE becomes TARGET.
    Merge(edit::MergeArgs),
    /// Retire a theme: kept for history, hidden when coding.
    Retire(edit::RetireArgs),
    /// Give a theme a display colour, or remove it.
    Recolour(edit::RecolourArgs),
    /// Set a theme's title, central concept, definition, scope and boundaries; mark it
    /// defined or a candidate.
    Define(define::DefineArgs),
    /// Add a candidate theme (a theme that holds codes, not coded itself).
    Theme(themes::ThemeArgs),
    /// Put a code in a second candidate theme as well.
    Share(themes::ShareArgs),
    /// Take a code out of a theme it also sat in.
    Unshare(themes::UnshareArgs),
    /// Split a theme: a new theme beside it takes some of its codes.
    Split(themes::SplitArgs),
    /// Merge one candidate theme into another (no coding changes).
    MergeTheme(themes::MergeThemeArgs),
    /// Discard a candidate theme: retired, its codes go to "Miscellaneous".
    Discard(themes::DiscardArgs),
    /// Record the structure as a named version of the thematic map.
    Snapshot(versions::SnapshotArgs),
    /// The versions recorded, oldest first.
    Versions(versions::VersionsArgs),
    /// What changed in the structure between two versions, with the extracts touched.
    Diff(versions::DiffArgs),
    /// Import a REFI-QDA codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA or QualCoder.
    Import(exchange::ImportArgs),
    /// Export the codebook: REFI-QDA .qdc, Markdown, CSV, Word or TOML.
    Export(exchange::ExportArgs),
    /// The change log: who changed which theme, when, and how.
    History(history::Args),
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    match &args.command {
        Command::Show(a) => show::run(ctx, a),
        Command::Lint(a) => lint::run(ctx, a),
        Command::Add(a) => edit::add(ctx, a),
        Command::Rename(a) => edit::rename(ctx, a),
        Command::Move(a) => edit::move_(ctx, a),
        Command::Merge(a) => edit::merge(ctx, a),
        Command::Retire(a) => edit::retire(ctx, a),
        Command::Recolour(a) => edit::recolour(ctx, a),
        Command::Define(a) => define::define(ctx, a),
        Command::Theme(a) => themes::theme(ctx, a),
        Command::Share(a) => themes::share(ctx, a),
        Command::Unshare(a) => themes::unshare(ctx, a),
        Command::Split(a) => themes::split(ctx, a),
        Command::MergeTheme(a) => themes::merge_theme(ctx, a),
        Command::Discard(a) => themes::discard(ctx, a),
        Command::Snapshot(a) => versions::snapshot(ctx, a),
        Command::Versions(a) => versions::versions(ctx, a),
        Command::Diff(a) => versions::diff(ctx, a),
        Command::Import(a) => exchange::import(ctx, a),
        Command::Export(a) => exchange::export(ctx, a),
        Command::History(a) => history::run(ctx, a),
    }
}

/// `--codebook FILE`: read a codebook file directly instead of the study's.
#[derive(Debug, Clone, clap::Args)]
pub struct Source {
    /// Use this codebook file instead of the study's (no study needed; no counts).
    #[arg(long, value_name = "FILE")]
    pub codebook: Option<PathBuf>,
}

/// The codebook asked for, and the study when it came from one.
pub fn load(ctx: &Context, source: &Source) -> Result<(Codebook, Option<Study>)> {
    match &source.codebook {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::user(format!("{}: {e}", path.display())))?;
            let book =
                Codebook::from_toml(&text, &path.display().to_string()).map_err(codebook_error)?;
            Ok((book, None))
        }
        None => {
            let study = ctx.study()?;
            let book = study.codebook()?;
            Ok((book, Some(study)))
        }
    }
}

/// A codebook that does not load, as a CLI error listing every problem.
pub fn codebook_error(e: thematic_codebook::CodebookError) -> CliError {
    crate::error::codebook_errors("the codebook has errors", &e)
}
