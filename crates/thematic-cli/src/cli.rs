//! The command line: global options and the subcommands. Each subcommand's arguments live in
//! its own module under `cmd/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

const ABOUT: &str = "Reflexive thematic analysis of interview transcripts: import, code, search, \
measure agreement, export quote tables.";

const EXAMPLES: &str = "\
Examples:
  Build and analyse the sample study (18 link-worker interviews):
    $ thematic demo

  Start a study, import transcripts, list them:
    $ thematic init my-study --codebook social-prescribing-mechanisms
    $ cd my-study
    $ thematic import ~/interviews/
    $ thematic transcripts --summary

  Tables and figures for the paper:
    $ thematic participants --summary --output table1.md
    $ thematic quotes --per-theme 3 --trim --output quotes.docx
    $ thematic plot prevalence --output prevalence.svg

A study is the folder holding `thematic.toml`; commands find it from any subfolder, or take
`--study DIR`. Exit codes: 0 success, 1 a problem with the input, 2 an internal error.";

/// `thematic`
#[derive(Debug, Parser)]
#[command(name = "thematic", version, about = ABOUT, after_long_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    /// The study folder (default: the nearest folder at or above the current one that holds
    /// thematic.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub study: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the sample study and show what thematic makes of it.
    Demo(cmd::demo::Args),
    /// Create a new study folder.
    Init(cmd::init::Args),
    /// Show what the parser makes of transcript files (no study needed).
    Parse(cmd::parse::Args),
    /// Copy transcripts into the study, or import a REFI-QDA project (.qdpx).
    Import(cmd::import::Args),
    /// Write the whole study as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA,
    /// QualCoder.
    Export(cmd::qdpx::ExportArgs),
    /// List the study's transcripts, or summarise their lengths.
    Transcripts(cmd::transcripts::Args),
    /// Print a transcript with turn numbers and speakers.
    Show(cmd::show::Args),
    /// Link audio or video recordings to transcripts, list them, set turns' sync times.
    Media(cmd::media::Args),
    /// Code an excerpt of a turn with a theme.
    Code(cmd::code::Args),
    /// Remove one of your codings.
    Uncode(cmd::code::UncodeArgs),
    /// Undo your last coding action (code, uncode, theme change, theme added, memo).
    Undo(cmd::undo::Args),
    /// Redo what you last undid.
    Redo(cmd::undo::RedoArgs),
    /// Search every turn: keyword in context, filters, counts.
    Search(cmd::search::Args),
    /// Run the codebook's search rules and file the hits as suggestions.
    Autocode(cmd::autocode::Args),
    /// Review autocode's suggestions: accept into your codings, or reject.
    Suggestions(cmd::suggestions::Args),
    /// Build or update the search index (done automatically on first use).
    Index(cmd::index::Args),
    /// Inter-coder agreement per theme, and the disagreements to discuss.
    Agree(cmd::agree::Args),
    /// Agreement statistics on any ratings file (no study needed).
    Reliability(cmd::reliability::Args),
    /// Verify every coding against its transcript, theme and coder.
    Check(cmd::check::Args),
    /// Code in a spreadsheet: export a coding sheet, import the marks.
    Sheet(cmd::sheet::Args),
    /// Write and list memos and the reflexive journal.
    Memo(cmd::memo::Args),
    /// Bring codings and memos across from a copy of the study.
    Merge(cmd::merge::Args),
    /// The change log: coding actions and codebook changes.
    Log(cmd::log::Args),
    /// Where the analysis stands: transcripts read and coded per coder, codes and themes.
    Status(cmd::status::Args),
    /// Look at, check, refine and exchange the codebook.
    Codebook(cmd::codebook::Args),
    /// Code in the browser: a local web workspace over the study.
    Serve(cmd::serve::Args),
    /// Draw the thematic map (SVG, DOT or Mermaid).
    Map(cmd::map::Args),
    /// Illustrative quotes theme by theme, for a paper (Markdown, CSV, LaTeX, HTML, Word,
    /// Excel, JSON).
    Quotes(cmd::quotes::Args),
    /// Star a coding as an illustrative extract of a theme (it comes first in `thematic
    /// quotes`), take the star off, or list the stars.
    Star(cmd::star::Args),
    /// The participants, or their characteristics summarised (a paper's Table 1).
    Participants(cmd::participants::Args),
    /// Find identifiers (names, places, e-mail, phone, postcodes, NHS numbers, …), review
    /// them, replace them across the study.
    Anonymise(cmd::anonymise::Args),
    /// Themes × participants: counts or quotes, with each theme's prevalence.
    Matrix(cmd::matrix::Args),
    /// Theme co-occurrence in turns or transcripts: counts and Jaccard index.
    Cooccur(cmd::cooccur::Args),
    /// Figures: prevalence bars, matrix and co-occurrence heatmaps (SVG or PNG).
    Plot(cmd::plot::Args),
    /// Print a shell completion script.
    Completions(cmd::completions::Args),
    /// Print the manual page (roff).
    Man(cmd::completions::ManArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_a_worked_example() {
        for sub in Cli::command().get_subcommands() {
            let help = sub
                .get_after_long_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                help.contains("$ thematic "),
                "`thematic {}` has no worked example",
                sub.get_name()
            );
        }
    }
}
