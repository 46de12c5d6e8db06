//! `thematic sheet export|import`: coding sheets for coding in a spreadsheet.

use std::path::PathBuf;
use std::process::ExitCode;

use thematic_exchange::sheet::SheetUnit;

use crate::context::Context;
use crate::error::{CliError, Result};

/// `thematic sheet`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
A coding sheet has one row per participant turn (or sentence) with its text, and one column
per codable theme. Mark a cell with x (or X, 1, yes, y, true, ✓) to code that row with that
theme; clear it (or write 0, no, n, false) to uncode it; `~` (written on export where a
coding only partly overlaps the row) leaves things as they are. Import checks every row's
text against the transcript and refuses a sheet from another study or a stale one, naming
each problem by row and column; nothing is written unless the whole sheet is sound.

Examples:
  $ thematic sheet export --coder KW --format xlsx --output kw-sheet.xlsx
  $ thematic sheet export --coder KW --unit sentence --transcript P6 --transcript P7 --format csv -o kw.csv
  $ thematic sheet import kw-sheet.xlsx --dry-run
  $ thematic sheet import kw.csv --coder KW")]
pub struct Args {
    #[command(subcommand)]
    pub command: SheetCommand,
}

/// The sheet subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SheetCommand {
    /// Write a coding sheet (CSV or Excel).
    Export(ExportArgs),
    /// Turn a marked sheet into codings.
    Import(ImportArgs),
}

/// Sheet file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    /// Comma-separated values, UTF-8 with a byte-order mark (opens in Excel).
    Csv,
    /// An Excel workbook (also opens in LibreOffice).
    Xlsx,
}

/// Sheet rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unit {
    /// One row per participant turn.
    Turn,
    /// One row per sentence of a participant turn.
    Sentence,
}

/// `thematic sheet export`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Identifiers accepted in anonymisation/review.csv but not yet applied are refused:
--anonymise writes their replacements (a sheet to read; import refuses it, since its rows
no longer match the transcripts), --allow-identifiers writes them as they are.

Examples:
  $ thematic sheet export --coder KW --format xlsx --output kw-sheet.xlsx
  $ thematic sheet export --coder KW --unit sentence --format csv > kw.csv")]
pub struct ExportArgs {
    /// Whose codings the sheet shows (and receives on import).
    #[arg(long)]
    pub coder: Option<String>,
    /// One row per turn or per sentence.
    #[arg(long, value_enum, default_value_t = Unit::Turn)]
    pub unit: Unit,
    /// Only this transcript (repeatable; default: all).
    #[arg(long, value_name = "ID")]
    pub transcript: Vec<String>,
    /// File format (default: from the --output file's extension, .csv or .xlsx; else csv).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<SheetFormat>,
    /// Write to this file (written atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub guard: crate::cmd::anonymise::guard::GuardArgs,
}

/// `thematic sheet import`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Prints the ids of the codings added (one per line) and a summary on standard error.

Examples:
  $ thematic sheet import kw-sheet.xlsx
  $ thematic sheet import kw.csv --coder KW --dry-run")]
pub struct ImportArgs {
    /// The marked sheet (.csv, .xlsx; .ods, .xls and .xlsb are read too).
    pub file: PathBuf,
    /// The coder: a CSV sheet needs one (--coder, else THEMATIC_CODER, else default_coder);
    /// an Excel sheet names its own.
    #[arg(long)]
    pub coder: Option<String>,
    /// Check the sheet and report what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    match &args.command {
        SheetCommand::Export(a) => export(ctx, a),
        SheetCommand::Import(a) => import(ctx, a),
    }
}

fn export(ctx: &Context, args: &ExportArgs) -> Result<ExitCode> {
    let format = crate::output::choose(
        &[(SheetFormat::Csv, &["csv"]), (SheetFormat::Xlsx, &["xlsx"])],
        args.format,
        args.output.as_deref(),
    )?
    .unwrap_or(SheetFormat::Csv);
    let study = ctx.study()?;
    let coder = crate::cmd::code::acting_coder(ctx, args.coder.as_deref(), &study)?;
    let unit = match args.unit {
        Unit::Turn => SheetUnit::Turn,
        Unit::Sentence => SheetUnit::Sentence,
    };
    if format == SheetFormat::Xlsx && args.output.is_none() && crate::term::stdout_is_terminal() {
        return Err(
            CliError::user("an Excel sheet is binary and stdout is a terminal")
                .hint("add --output FILE.xlsx"),
        );
    }
    let mut sheet = thematic_exchange::sheet::coding_sheet(&study, &coder, unit, &args.transcript)?;
    sheet.screen(
        &thematic_study::Guard::from_study(&study)?,
        args.guard.mode(),
    )?;
    let bytes = match format {
        SheetFormat::Csv => sheet.to_csv(),
        SheetFormat::Xlsx => sheet.to_xlsx()?,
    };
    crate::output::emit_to(args.output.as_deref(), &bytes)?;
    crate::cmd::status(&format!(
        "coding sheet for {coder}: {} row(s) × {} theme(s){}",
        sheet.rows.len(),
        sheet.themes.len(),
        args.output
            .as_ref()
            .map(|p| format!(" → {}", p.display()))
            .unwrap_or_default()
    ));
    Ok(ExitCode::SUCCESS)
}

fn import(ctx: &Context, args: &ImportArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coder = args.coder.clone().or_else(|| {
        // An explicit THEMATIC_CODER or default_coder is only a fallback for CSV sheets;
        // an Excel sheet names its own coder.
        let is_csv = args
            .file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("tsv"));
        if is_csv {
            ctx.coder(None, &study)
        } else {
            None
        }
    });
    let report = if args.dry_run {
        thematic_exchange::sheet::import_sheet_dry_run(&study, &args.file, coder.as_deref())?
    } else {
        thematic_exchange::sheet::import_sheet(&study, &args.file, coder.as_deref())?
    };
    let mut ids = String::new();
    for c in &report.added {
        ids.push_str(&c.id);
        ids.push('\n');
    }
    crate::output::emit_to(None, ids.as_bytes())?;
    if !args.dry_run && (!report.added.is_empty() || !report.removed.is_empty()) {
        study.log_change(
            &report.coder,
            "sheet-import",
            "",
            &format!(
                "{}: {} coding(s) added, {} removed",
                args.file.file_name().unwrap_or_default().to_string_lossy(),
                report.added.len(),
                report.removed.len()
            ),
        )?;
    }
    crate::cmd::status(&format!(
        "{}{}: {} coding(s) added, {} removed, {} cell(s) unchanged",
        if args.dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        report.coder,
        report.added.len(),
        report.removed.len(),
        report.unchanged
    ));
    for c in &report.removed {
        crate::cmd::status(&format!(
            "  removed {} ({} turn {}, {})",
            c.id, c.transcript, c.turn, c.theme
        ));
    }
    Ok(ExitCode::SUCCESS)
}
