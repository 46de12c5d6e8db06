//! `thematic merge OTHER_STUDY`: bring codings and memos across from a copy of the study.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use thematic_study::Study;

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};

/// `thematic merge`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
For teams that code on separate copies of a study without git: brings the other copy's
codings and memos (every coder's, or --coder's) into this study. A merge is a union:
codings and memos this study lacks are added (a coding of the same span and theme under
another id counts as present); nothing here is removed or changed, so an uncode made only
in the other copy is not carried over. A coding with the same id but other content is
reported as a conflict and this study's version is kept.

Refused, with nothing written, when a transcript the incoming codings use is missing here or
reads differently in the two copies, or when they use a theme this codebook lacks.

Prints one row per coder: coder, added, already, memos, conflicts.

Examples:
  $ thematic merge ../study-copy-AB --dry-run
  $ thematic merge ../study-copy-AB --coder AB")]
pub struct Args {
    /// The other study folder.
    pub other: PathBuf,
    /// Only this coder's codings and memos (repeatable).
    #[arg(long)]
    pub coder: Vec<String>,
    /// Report what would be merged; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let other = Study::open(&args.other).map_err(|e| {
        CliError::from(e).context(format!("cannot open the study in {}", args.other.display()))
    })?;
    if other.root().canonicalize().ok() == study.root().canonicalize().ok() {
        return Err(CliError::user("that is this study").hint("name the other copy's folder"));
    }
    let who = ctx.who(None, &study);
    let report = study.merge_from(&other, &args.coder, &who, args.dry_run)?;
    let mut table = Table::new(&[
        ("coder", "Coder"),
        ("added", "Codings added"),
        ("already", "Already here"),
        ("memos", "Memos added"),
        ("conflicts", "Conflicts (kept ours)"),
    ]);
    let mut coders: std::collections::BTreeSet<&String> = report.codings.keys().collect();
    coders.extend(report.already.keys());
    coders.extend(report.memos.keys());
    coders.extend(report.conflicts.iter().map(|(c, _)| c));
    for c in coders {
        let conflicts: Vec<&str> = report
            .conflicts
            .iter()
            .filter(|(k, _)| k == c)
            .map(|(_, id)| id.as_str())
            .collect();
        table.push(vec![
            json!(c),
            json!(report.codings.get(c).copied().unwrap_or(0)),
            json!(report.already.get(c).copied().unwrap_or(0)),
            json!(report.memos.get(c).copied().unwrap_or(0)),
            json!(conflicts.join(" ")),
        ]);
    }
    emit_table(&args.output, &table)?;
    let added: usize = report.codings.values().sum();
    let memos: usize = report.memos.values().sum();
    crate::cmd::status(&format!(
        "{}{added} coding(s) and {memos} memo(s) merged from {}{}",
        if args.dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        args.other.display(),
        if report.conflicts.is_empty() {
            String::new()
        } else {
            format!(
                "; {} conflict(s): same id, different content — this study's version kept",
                report.conflicts.len()
            )
        }
    ));
    Ok(ExitCode::SUCCESS)
}
