//! `thematic codebook history`

use std::process::ExitCode;

use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, emit_table};

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
    let changes = study.changes()?.into_iter().filter(|c| {
        args.theme.as_ref().is_none_or(|t| *t == c.theme)
            && !crate::cmd::log::CODING_ACTIONS.contains(&c.action.as_str())
    });
    let table = crate::cmd::log::changes_table(changes);
    emit_table(&args.output, &table)?;
    Ok(ExitCode::SUCCESS)
}
