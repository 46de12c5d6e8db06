//! `thematic undo` and `thematic redo`: take back your last coding action, or put it back.

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_study::{Effect, Undone};

use crate::context::Context;
use crate::error::Result;

const UNDO_EXAMPLES: &str = "\
Undoes the acting coder's last action that is not undone yet (--coder, else THEMATIC_CODER,
else default_coder): a coding made (`code`), removed (`uncode`) or given another theme, a
theme added (`codebook add`; it is retired, and only while nobody has coded with it), or a
memo (`memo add`; it is taken out of memos/<coder>.md). Run it again to go further back.
Only your own actions count. Undo changes nothing and says what changed when what it would
change was changed since, by another coder, another process or a hand edit. A removed coding
comes back exactly as it was: id, words, memo and created time. Undo does not reach back past
a change to many codings at once (a sheet import, a codebook merge, a transcript update, a
study merge). Each undo is a row of changelog.csv, and `thematic redo` reverses it until you
do something new. It reads only the end of the change log. Bringing a coding back appends one
row, as `thematic code` does (about 30 ms on a 2,000-interview study with a 47 MB codings
file); taking one out, or changing its theme back, rewrites the codings file as `thematic
uncode` does (about 190 ms there).

Prints one line saying what was undone; --format json prints it as an object (keys: step,
action, when, coder, effect, summary, coding, theme, from, memo, note).

Examples:
  $ thematic code P6 --turn 4 --theme what-matters
  c-5f2a9c01d3e7
  $ thematic undo
  undid code (2026-12-07T10:00:00Z): removed coding c-5f2a9c01d3e7 (what-matters, P6 turn 4 [401-447])
  $ thematic redo
  redid code (2026-12-07T10:00:00Z): restored coding c-5f2a9c01d3e7 (what-matters, P6 turn 4 [401-447])
  $ thematic undo --coder AB --format json";

const REDO_EXAMPLES: &str = "\
Reverses the acting coder's last `thematic undo` (or Ctrl+Z in the browser), as long as they
have done nothing new since: a new coding action clears what can be redone, as in an editor.
Like undo, it refuses, changing nothing, when what it would change was changed since, and
says what changed. Prints one line; --format json prints an object with the keys of `thematic
undo`.

Examples:
  $ thematic undo
  $ thematic redo
  $ thematic redo --coder AB";

/// `thematic undo`
#[derive(Debug, clap::Args)]
#[command(after_long_help = UNDO_EXAMPLES)]
pub struct Args {
    /// Undo this coder's action.
    #[arg(long)]
    pub coder: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `thematic redo`
#[derive(Debug, clap::Args)]
#[command(after_long_help = REDO_EXAMPLES)]
pub struct RedoArgs {
    /// Redo this coder's undo.
    #[arg(long)]
    pub coder: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How the outcome is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line for reading.
    Text,
    /// A JSON object.
    Json,
}

pub fn undo(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coder = crate::cmd::code::acting_coder(ctx, args.coder.as_deref(), &study)?;
    print(&study.undo(&coder)?, &coder, args.format)
}

pub fn redo(ctx: &Context, args: &RedoArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coder = crate::cmd::code::acting_coder(ctx, args.coder.as_deref(), &study)?;
    print(&study.redo(&coder)?, &coder, args.format)
}

fn print(done: &Undone, coder: &str, format: Format) -> Result<ExitCode> {
    let out = match format {
        Format::Text => format!("{}\n", crate::term::sanitize(&done.to_string())),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&to_json(done, coder))?;
            text.push('\n');
            text
        }
    };
    crate::output::emit_to(None, out.as_bytes())?;
    if let (Format::Text, Some(note)) = (format, &done.note) {
        crate::cmd::status(&format!("note: {}", crate::term::sanitize(note)));
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON object of `--format json`.
fn to_json(done: &Undone, coder: &str) -> Value {
    let memo = match &done.effect {
        Effect::MemoRemoved { memo } | Effect::MemoRestored { memo } => json!(memo.id),
        _ => Value::Null,
    };
    let from = match &done.effect {
        Effect::Rethemed { from, .. } => json!(from),
        _ => Value::Null,
    };
    json!({
        "step": done.step.as_str(),
        "action": done.action,
        "when": done.when,
        "coder": coder,
        "effect": done.effect.kind(),
        "summary": done.to_string(),
        "coding": done.effect.coding(),
        "theme": done.effect.theme(),
        "from": from,
        "memo": memo,
        "note": done.note,
    })
}
