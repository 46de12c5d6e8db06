//! `thematic codebook history`

use std::process::ExitCode;

use serde_json::json;

use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, Table, emit_table};

/// `thematic codebook history`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The study's changelog.csv, oldest first: every add, rename, move, merge, retire and import
(coding actions are in `thematic log`).
JSON keys: when, who, action, theme, detail.

Examples:
  $ thematic codebook history
  $ thematic codebook history --theme empowerment --format md")]
pub struct Args {
    /// Only changes to this theme id.
    #[arg(long, value_name = "ID")]
    pub theme: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let mut table = Table::new(&[
        ("when", "When"),
        ("who", "Who"),
        ("action", "Action"),
        ("theme", "Theme"),
        ("detail", "Detail"),
    ]);
    for c in study.changes()? {
        if args.theme.as_ref().is_some_and(|t| *t != c.theme)
            || crate::cmd::log::CODING_ACTIONS.contains(&c.action.as_str())
        {
            continue;
        }
        table.push(vec![
            json!(c.when),
            json!(c.who),
            json!(c.action),
            json!(c.theme),
            json!(c.detail),
        ]);
    }
    emit_table(&args.output, &table)?;
    Ok(ExitCode::SUCCESS)
}
