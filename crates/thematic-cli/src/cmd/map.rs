//! `thematic map`: the thematic map figure.

use std::path::PathBuf;
use std::process::ExitCode;

use thematic_codebook::{MapOptions, map_dot, map_mermaid, map_svg};

use crate::cmd::codebook::{Source, load};
use crate::context::Context;
use crate::error::Result;
use crate::output::emit_to;

/// Map formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A figure, ready for a paper.
    Svg,
    /// Graphviz source (`dot -Tpdf`).
    Dot,
    /// Mermaid source (renders in GitHub/GitLab Markdown).
    Mermaid,
}

const EXAMPLES: &str = "\
The SVG is drawn like the seed paper's Figure 1: the overarching theme on top, the groups
side by side beneath it, each group's themes stacked under it, codes indented below their
theme. It is 493 pt wide (a two-column journal page, 174 mm; --width 241 for one column),
labels wrap to fit, theme labels are 9 pt or larger (counts 7 pt). Retired themes are left
out unless --include-retired (then drawn dashed).
--counts adds each theme's codings and participants (all coders) under its label.

Examples:
  $ thematic map --output thematic-map.svg
  $ thematic map --counts --output thematic-map.svg
  $ thematic map --format dot | dot -Tpdf > thematic-map.pdf
  $ thematic map --format mermaid --output map.mmd";

/// `thematic map`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Svg)]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show counts of codings and participants under each label.
    #[arg(long)]
    pub counts: bool,
    /// Figure width in points (SVG).
    #[arg(long, default_value_t = 493, value_parser = clap::value_parser!(u32).range(200..=2000))]
    pub width: u32,
    /// Draw retired themes too (dashed outlines).
    #[arg(long)]
    pub include_retired: bool,
    #[command(flatten)]
    pub source: Source,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let (book, study) = load(ctx, &args.source)?;
    let mut opts = MapOptions {
        width: args.width,
        ..MapOptions::default()
    };
    if args.counts
        && let Some(s) = &study
    {
        opts.notes.extend(thematic_report::map_notes(s, &book)?);
    }
    let view = if args.include_retired {
        book.clone()
    } else {
        book.current()
    };
    let text = match args.format {
        Format::Svg => map_svg(&view, &opts),
        Format::Dot => map_dot(&view, &opts),
        Format::Mermaid => map_mermaid(&view, &opts),
    };
    emit_to(args.output.as_deref(), text.as_bytes())?;
    if let Some(p) = &args.output {
        crate::cmd::status(&format!("wrote {}", p.display()));
    }
    Ok(ExitCode::SUCCESS)
}
