//! `thematic log`: the change log — coding actions and codebook changes, newest last.

use std::process::ExitCode;

use serde_json::json;

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};

/// Actions on codings (as opposed to the codebook); these are the acting coder's own unless
/// `--all-coders` is given.
pub const CODING_ACTIONS: &[&str] = &[
    "code",
    "uncode",
    "recode",
    "sheet-import",
    "reanchor",
    "merge-study",
    "autocode",
    "accept",
    "reject",
    "memo",
    "undo",
    "redo",
    "dismiss",
    // How far a coder read, and the extracts an author starred, are theirs too: shown to
    // others they would say what others coded.
    "read",
    "star",
    "unstar",
];

/// `thematic log`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The study's change log (changelog.csv), oldest first: who did what, when. Coding actions
(code, uncode, recode, memo, undo, redo, sheet-import, reanchor, merge-study, …) are shown for
the acting coder only — as blind coding requires — unless --all-coders is given; codebook
changes (add, rename, move, merge, retire, restore, import) are shown to everyone. JSON keys:
when, who, action, theme, detail (the log's `data` column, what undo needs, is not shown).

Examples:
  $ thematic log
  $ thematic log --last 20
  $ thematic log --all-coders --action code --since 2026-11-01
  $ thematic log --theme what-matters --format csv --output log.csv")]
pub struct Args {
    /// Show this coder's coding actions.
    #[arg(long, conflicts_with = "all_coders")]
    pub coder: Option<String>,
    /// Show every coder's coding actions.
    #[arg(long)]
    pub all_coders: bool,
    /// Only this action (code, uncode, add, rename, merge, …).
    #[arg(long)]
    pub action: Option<String>,
    /// Only changes concerning this theme id.
    #[arg(long, value_name = "ID")]
    pub theme: Option<String>,
    /// Only changes on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only the last N entries (after the other filters).
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Change-log rows as a table (JSON keys: when, who, action, theme, detail); shared with
/// `thematic codebook history`.
pub fn changes_table(changes: impl IntoIterator<Item = thematic_study::Change>) -> Table {
    let mut table = Table::new(&[
        ("when", "When"),
        ("who", "Who"),
        ("action", "Action"),
        ("theme", "Theme"),
        ("detail", "Detail"),
    ]);
    for c in changes {
        table.push(vec![
            json!(c.when),
            json!(c.who),
            json!(c.action),
            json!(c.theme),
            json!(c.detail),
        ]);
    }
    table
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let since = match &args.since {
        Some(d) => Some(d.parse::<jiff::civil::Date>().map_err(|_| {
            CliError::user(format!("invalid --since \"{d}\"")).hint("use a date like 2026-11-01")
        })?),
        None => None,
    };
    let me = ctx.coder(args.coder.as_deref(), &study);
    let mut rows = Vec::new();
    for c in study.changes()? {
        let coding_action = CODING_ACTIONS.contains(&c.action.as_str());
        if coding_action && !args.all_coders && me.as_deref() != Some(c.who.as_str()) {
            continue;
        }
        if args.action.as_ref().is_some_and(|a| *a != c.action)
            || args.theme.as_ref().is_some_and(|t| *t != c.theme)
        {
            continue;
        }
        if let Some(since) = since {
            let day = c
                .when
                .get(..10)
                .and_then(|d| d.parse::<jiff::civil::Date>().ok());
            if day.is_none_or(|d| d < since) {
                continue;
            }
        }
        rows.push(c);
    }
    if let Some(n) = args.last {
        rows.drain(..rows.len().saturating_sub(n));
    }
    let table = changes_table(rows);
    emit_table(&args.output, &table)?;
    if me.is_none() && !args.all_coders {
        crate::cmd::status(
            "note: coding actions are hidden because no coder is set; pass --coder NAME or --all-coders",
        );
    }
    Ok(ExitCode::SUCCESS)
}
