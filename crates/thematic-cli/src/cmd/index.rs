//! `thematic index [--rebuild]`: build or update the search index.

use std::process::ExitCode;

use crate::context::Context;
use crate::error::Result;

/// `thematic index`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The search index lives in .thematic/index/ and is a cache: `thematic search` and
`thematic autocode` build or update it on first use, so this command is only needed to
build it ahead of time, or to start again from scratch (--rebuild). Updating re-indexes
just the transcripts whose file or codings changed; an index from another version of
thematic, or one that is damaged, is rebuilt. Building the index of 2,000 interviews takes
a few seconds. Safe to delete: it is rebuilt when needed.

Examples:
  $ thematic index
  $ thematic index --rebuild")]
pub struct Args {
    /// Build the index from scratch.
    #[arg(long)]
    pub rebuild: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let started = std::time::Instant::now();
    let (index, fresh) = crate::progress::open_index(&study, args.rebuild, false)?;
    let what = match (&fresh.rebuilt, fresh.indexed, fresh.removed) {
        (Some(_), n, _) => format!("built: {n} transcript{}", plural(n)),
        (None, 0, 0) => "up to date".to_string(),
        (None, n, r) => format!(
            "updated: {n} transcript{} re-indexed, {r} removed",
            plural(n)
        ),
    };
    crate::cmd::status(&format!(
        "search index {what}; {} turns; {:.2} s ({})",
        index.turns(),
        started.elapsed().as_secs_f64(),
        study.shown(&study.cache_dir().join(thematic_index::INDEX_DIR)),
    ));
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
