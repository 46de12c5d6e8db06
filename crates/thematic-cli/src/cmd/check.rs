//! `thematic check`: verify every coding against its transcript, theme and coder.

use std::process::ExitCode;

use serde_json::json;

use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, Table, emit_table};

/// `thematic check`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Reads every coder's codings and checks each coding: its transcript exists and still holds the
quoted words at the coding's offsets, in the coding's turn; its theme exists, is codable and
not retired; its id is unique; it is not orphaned by a transcript correction. Files in
codings/ that are not a valid coder name are reported too (they are otherwise ignored). A
linked recording that is missing or changed since it was linked, and a sync time on a turn
start that a transcript update moved, are warnings naming the `thematic media` command that
resolves them.

Prints one row per finding (nothing when all is well) and a summary on standard error.
A study whose making was cut short (a killed `thematic init DIR --from FILE.qdpx`, which
leaves unfinished.toml in it) is an error, named with the command that finishes it.
Exits 1 when there is an error; warnings (retired themes, duplicate codings, an incomplete
row left by an interrupted write) do not fail the check. JSON keys: severity, kind, file,
line, coder, coding, transcript, message.

With --identifiers, every term decided `replace` in anonymisation/review.csv that is still
written in a transcript (by turn), a codings file, a memo or participants.csv is an error
(kind `identifier`, naming the term and its kind): run `thematic anonymise apply`, or edit
the line. The change log is history and is never rewritten: what it names is a warning.
A name accepted with capitals (May, Will) is replaced only where it has them, so the
ordinary word stays; each such name also written in lower case in a transcript is one
warning, with how often and where first, to read and decide.

Examples:
  $ thematic check
  $ thematic check --identifiers
  $ thematic check --format csv --output check.csv")]
pub struct Args {
    /// Also list every identifier accepted in anonymisation/review.csv that is still
    /// written in the study (transcripts, codings, memos, participants.csv; the change log
    /// as warnings).
    #[arg(long)]
    pub identifiers: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    ctx.reports_unfinished();
    let study = ctx.study()?;
    let mut report = study.check()?;
    if args.identifiers {
        study.check_identifiers(&mut report)?;
    }
    let mut table = Table::new(&[
        ("severity", "Severity"),
        ("kind", "Kind"),
        ("file", "File"),
        ("line", "Line"),
        ("coder", "Coder"),
        ("coding", "Coding"),
        ("transcript", "Transcript"),
        ("message", "What is wrong"),
    ])
    .machine_only(&["file", "line"]);
    for f in &report.findings {
        table.push(vec![
            json!(f.severity.as_str()),
            json!(f.kind),
            json!(study.shown(&f.file)),
            json!(f.line),
            json!(f.coder),
            json!(f.coding),
            json!(f.transcript),
            json!(f.message),
        ]);
    }
    // A clean study prints nothing on a terminal, but `[]` / a header for machines and
    // a file when one is asked for.
    if !table.is_empty()
        || args.output.format != crate::output::OutputFormat::Table
        || args.output.output.is_some()
    {
        emit_table(&args.output, &table)?;
    }
    let errors = report.errors();
    let warnings = report.findings.len() - errors;
    crate::cmd::status(&format!(
        "checked {} codings by {} coder{}: {errors} error{}, {warnings} warning{}",
        report.codings,
        report.coders,
        if report.coders == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    ));
    // An unfinished operation is the finding that matters most; say how to finish it last,
    // where it is seen.
    for u in study.unfinished_all().unwrap_or_default() {
        crate::cmd::status(&format!(
            "{} did not finish: to finish it, run `{}` in the study",
            u.what(),
            u.finish_command()
        ));
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
