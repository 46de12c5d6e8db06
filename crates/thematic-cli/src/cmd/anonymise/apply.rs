//! `thematic anonymise apply`: the accepted identifiers replaced across the study, the key
//! and log written outside it.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use thematic_study::{ApplyOptions, ApplyReport, KeyPlace};

use crate::cmd::status;
use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, Table, emit_table};
use crate::term::sanitize;

/// `thematic anonymise apply`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Replaces every term decided `replace` in anonymisation/review.csv, everywhere in the study,
with its replacement (the same term always gets the same one: [Name 3], [Town], or the
pseudonym you wrote). It goes through the path of `thematic transcripts update`: every
coding is re-anchored onto the new text (kept, moved or, failing that, orphaned and listed
by `thematic check`), nothing is deleted, each change is logged.

In speaker labels and header lines the brackets are left off ([Name 3] is written Name 3),
so a label stays a label; the `speaker` column of participants.csv gets the same, and its
other columns (participant ids, attributes; not `transcript`) the replacement. Memos and
codings files are not rewritten: what still names a term afterwards is listed at the end
(and by `thematic check --identifiers`), and the exports refuse it.

The key (key.csv: each original and its replacement) and a log of every change (log.csv:
when, who, file, position, before, after) are written OUTSIDE the study, by default beside
it in <study>-anonymisation-key/, since they undo the anonymisation; --key DIR chooses the
folder, and a folder inside the study is refused unless --key-inside-study. The original
transcript files go there too only with --keep-originals. Keep that folder as your ethics
approval says; it never goes into exports, .qdpx projects or sheets.

Prints one row per change (file, transcript, line, turn, offset, kind, before, after, with
some context); JSON keys: file, transcript, line, turn, offset, kind, before, after,
context. The turn is the 1-based turn of the words changed, `label` for a speaker's label,
and empty (null in JSON) for a header line, participants.csv or thematic.toml. --dry-run shows every change and what would happen to the codings, and writes
nothing.

Examples:
  $ thematic anonymise scan
  $ thematic anonymise apply --dry-run
  $ thematic anonymise apply --key ~/secure/pilot-key --keep-originals
  $ thematic check --identifiers")]
pub struct ApplyArgs {
    /// Show every change and what would happen to the codings; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The folder for the key, the log and any originals (default: beside the study,
    /// STUDY-anonymisation-key, STUDY being the study folder's name).
    #[arg(long, value_name = "DIR")]
    pub key: Option<PathBuf>,
    /// Allow --key to name a folder inside the study (it would be shared with the study).
    #[arg(long)]
    pub key_inside_study: bool,
    /// Copy each transcript file (and participants.csv) into the key folder's originals/
    /// before changing it.
    #[arg(long)]
    pub keep_originals: bool,
    /// Who is doing it (recorded in the change log and the key's log).
    #[arg(long)]
    pub coder: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &ApplyArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let options = ApplyOptions {
        who: ctx.who(args.coder.as_deref(), &study),
        dry_run: args.dry_run,
        key: match &args.key {
            Some(dir) => KeyPlace::Dir(dir.clone()),
            None => KeyPlace::Beside,
        },
        key_inside_study: args.key_inside_study,
        keep_originals: args.keep_originals,
    };
    let report = study.apply_anonymisation(&options)?;
    let mut table = Table::new(&[
        ("file", "File"),
        ("transcript", "Transcript"),
        ("line", "Line"),
        ("turn", "Turn"),
        ("offset", "Offset"),
        ("kind", "Kind"),
        ("before", "Before"),
        ("after", "After"),
        ("context", "In context"),
    ])
    .machine_only(&["file", "offset", "before", "after"]);
    for c in &report.changes {
        table.push(vec![
            json!(c.at.file),
            json!(c.at.transcript),
            json!(c.at.line),
            match (c.turn, c.label) {
                (0, true) => json!("label"),
                (0, false) => json!(null),
                (turn, _) => json!(turn),
            },
            json!(c.at.offset),
            json!(c.kind),
            json!(c.at.before),
            json!(c.at.after),
            json!(format!(
                "…{}[{} → {}]{}…",
                c.left, c.at.before, c.at.after, c.right
            )),
        ]);
    }
    emit_table(&args.output, &table)?;
    summarise(&report, args.dry_run);
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The totals, what could not be done and what still names a term, on stderr.
fn summarise(report: &ApplyReport, dry_run: bool) {
    if report.accepted.is_empty() {
        status(
            "nothing to apply: no term in anonymisation/review.csv is decided `replace` \
             (run `thematic anonymise scan`, then review the file)",
        );
        return;
    }
    let (kept, moved, orphaned) = report.counts();
    let in_file = |name: &str| {
        report
            .changes
            .iter()
            .filter(|c| c.at.transcript.is_empty() && c.at.file == name)
            .count()
    };
    let (in_participants, in_config) = (in_file("participants.csv"), in_file("thematic.toml"));
    status(&format!(
        "{}{} occurrence(s) of {} term(s) {} in {} transcript(s){}; codings: {kept} kept, \
         {moved} moved, {orphaned} orphaned{}",
        if dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        report.changes.len(),
        report.terms_replaced(),
        if dry_run {
            "would be replaced"
        } else {
            "replaced"
        },
        report.updates.len(),
        match (in_participants, in_config) {
            (0, 0) => String::new(),
            (p, 0) => format!(" and {p} in participants.csv"),
            (0, c) => format!(" and {c} in thematic.toml's interviewers"),
            (p, c) => format!(", {p} in participants.csv and {c} in thematic.toml's interviewers"),
        },
        if orphaned > 0 && !dry_run {
            " (kept and flagged; `thematic check` lists them)"
        } else {
            ""
        }
    ));
    if let Some(dir) = &report.key_dir {
        status(&format!(
            "{} {} (outside the study; keep it safe, never share it with the study)",
            if dry_run {
                "the key and log would go to"
            } else {
                "key and log →"
            },
            dir.display()
        ));
    }
    for f in &report.failed {
        status(&format!(
            "error: {} was not changed: {}",
            f.transcript,
            sanitize(&f.reason)
        ));
    }
    for c in &report.skipped {
        status(&format!(
            "warning: {}{} (a header or trailer line): the {} \"{}\" was left as it is, since \
             {} would not read back with the same turns with it replaced; edit the file and \
             use `thematic transcripts update {}`",
            sanitize(&c.at.file),
            if c.at.line > 0 {
                format!(":{}", c.at.line)
            } else {
                String::new()
            },
            c.kind,
            sanitize(&c.at.before),
            c.at.transcript,
            c.at.transcript
        ));
    }
    for f in &report.leftovers {
        let file = f.file.display().to_string();
        status(&format!(
            "{}: {}{}{} still names the {} \"{}\"{}",
            if f.history { "note" } else { "warning" },
            sanitize(&file),
            if f.line > 0 {
                format!(":{}", f.line)
            } else {
                String::new()
            },
            if f.turn > 0 {
                format!(" (turn {})", f.turn)
            } else {
                String::new()
            },
            f.kind,
            sanitize(&f.term),
            if f.history {
                " (the change log is history, not rewritten)"
            } else {
                "; edit it by hand (`thematic check --identifiers` lists what is left)"
            }
        ));
    }
}
