//! `thematic transcripts update ID NEWFILE`: a corrected transcript, codings re-anchored.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use thematic_study::Anchor;

use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, Table, emit_table};

/// `thematic transcripts update`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Replaces transcript ID with NEWFILE (any supported format; stored byte for byte) and moves
every coder's codings of it onto the corrected text:
  kept      the same words are still at the same place, in the same turn;
  moved     the words were found again: exactly (nearest to the old place in the matching
            turn, else anywhere if unique) or, within the matching turn, at least 80%
            similar (e.g. a corrected typo inside the coded words);
  orphaned  the words were not found. The coding is kept, flagged `orphaned` in the status
            column with its old offsets and words, for you to resolve: `thematic check`
            lists orphans, `thematic code` recodes the passage, `thematic uncode` removes
            the orphan.
Nothing is ever deleted. Prints one row per coding of the acting coder (--all-coders: of
everyone, which breaks blind coding); JSON keys: coder, coding, theme, outcome,
old_turn, old_start, old_end, turn, start, end, similarity, text, reason. --dry-run shows the
outcome and writes nothing.

Examples:
  $ thematic transcripts update P6 ~/corrected/P6.docx --dry-run
  $ thematic transcripts update P6 ~/corrected/P6.docx")]
pub struct Args {
    /// The transcript id.
    pub id: String,
    /// The corrected transcript file.
    pub file: PathBuf,
    /// Show what would happen; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Who is doing it (recorded in the change log); only this coder's codings are listed.
    #[arg(long)]
    pub coder: Option<String>,
    /// List every coder's codings (all are re-anchored either way).
    #[arg(long)]
    pub all_coders: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    study.transcript(&args.id)?; // did-you-mean for an unknown id
    let who = ctx.who(args.coder.as_deref(), &study);
    let report = study.update_transcript(&args.id, &args.file, &who, args.dry_run)?;
    let mut table = Table::new(&[
        ("coder", "Coder"),
        ("coding", "Coding"),
        ("theme", "Theme"),
        ("outcome", "Outcome"),
        ("old_turn", "Old turn"),
        ("old_start", "Old start"),
        ("old_end", "Old end"),
        ("turn", "Turn"),
        ("start", "Start"),
        ("end", "End"),
        ("similarity", "Similarity"),
        ("text", "Text"),
        ("reason", "Why"),
    ])
    .machine_only(&["old_start", "old_end", "start", "end"]);
    let me = ctx.coder(args.coder.as_deref(), &study);
    let mut hidden = 0usize;
    for u in &report.codings {
        let c = &u.before;
        // Blind coding: other coders' codings are counted, not shown.
        if !args.all_coders && me.as_deref() != Some(c.coder.as_str()) {
            hidden += 1;
            continue;
        }
        let (outcome, turn, start, end, similarity, text, reason) = match &u.anchor {
            Anchor::Kept => (
                "kept",
                c.turn,
                c.start,
                c.end,
                json!(1.0),
                c.text.clone(),
                String::new(),
            ),
            Anchor::Moved {
                turn,
                start,
                end,
                text,
                similarity,
            } => (
                "moved",
                *turn,
                *start,
                *end,
                json!((similarity * 1000.0).round() / 1000.0),
                text.clone(),
                String::new(),
            ),
            Anchor::Orphaned { reason } => (
                "orphaned",
                c.turn,
                c.start,
                c.end,
                json!(null),
                c.text.clone(),
                reason.clone(),
            ),
        };
        table.push(vec![
            json!(c.coder),
            json!(c.id),
            json!(c.theme),
            json!(outcome),
            json!(c.turn),
            json!(c.start),
            json!(c.end),
            json!(turn),
            json!(start),
            json!(end),
            similarity,
            json!(text),
            json!(reason),
        ]);
    }
    emit_table(&args.output, &table)?;
    if hidden > 0 {
        crate::cmd::status(&format!(
            "{hidden} coding(s) by other coders were re-anchored too but are not listed (--all-coders lists them)"
        ));
    }
    let (kept, moved, orphaned) = report.counts();
    crate::cmd::status(&format!(
        "{}{}: {kept} coding(s) kept, {moved} moved, {orphaned} orphaned{}",
        if args.dry_run {
            "dry run, nothing written: "
        } else {
            "updated "
        },
        args.id,
        if orphaned > 0 && !args.dry_run {
            " (kept and flagged; `thematic check` lists them)"
        } else {
            ""
        }
    ));
    Ok(ExitCode::SUCCESS)
}
