//! `thematic map`: the thematic map figure, of the codebook as it is or of a recorded
//! version.

use std::path::PathBuf;
use std::process::ExitCode;

use thematic_codebook::{MapOptions, map_dot, map_mermaid, map_svg};

use crate::cmd::codebook::{Source, load};
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::emit_to;

/// Map formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A figure, ready for a paper.
    Svg,
    /// The SVG figure rendered as PNG (needs --output).
    Png,
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
out unless --include-retired (then drawn dashed). A code that also sits in a second
candidate theme is joined to it (dashed in DOT, dotted in Mermaid, 'also in' in the SVG).
PNG is that SVG rendered at --dpi (default 144) with the built-in DejaVu Sans, and needs
--output; --outline-text writes the SVG's text as outlines in that font. Without --format, the --output file's extension chooses (.svg, .png, .dot or .gv,
.mmd); any other file, and standard output, get SVG.
--counts adds each theme's codings and participants (all coders) under its label.

--version NAME draws a version recorded with `thematic codebook snapshot` (its name, its
folder or its number; `thematic codebook versions` lists them), so the map of each stage
of the analysis can be exported. With --counts, a version's map shows the codings each
entry had when the version was recorded (participants are not recorded with a version).

Examples:
  $ thematic map --output thematic-map.svg
  $ thematic map --counts --output thematic-map.svg
  $ thematic map --format dot | dot -Tpdf > thematic-map.pdf
  $ thematic map --format mermaid --output map.mmd
  $ thematic map --version \"Candidate themes\" --output map-candidate-themes.png
  $ thematic map --version 2 --format mermaid";

/// `thematic map`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES, disable_version_flag = true)]
pub struct Args {
    /// Output format (default: from the --output file's extension, else svg).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show counts of codings and participants under each label.
    #[arg(long)]
    pub counts: bool,
    /// Figure width in points (SVG, PNG).
    #[arg(long, default_value_t = 493, value_parser = clap::value_parser!(u32).range(200..=2000))]
    pub width: u32,
    /// PNG resolution in dots per inch (144 sharp on a slide, 300 for print).
    #[arg(long, default_value_t = 144, value_parser = clap::value_parser!(u32).range(36..=1200))]
    pub dpi: u32,
    /// SVG: draw the text as outlines in the built-in font, so the map looks the same in
    /// every viewer (the text is then no longer editable).
    #[arg(long)]
    pub outline_text: bool,
    /// Draw retired themes too (dashed outlines).
    #[arg(long)]
    pub include_retired: bool,
    /// Draw this recorded version of the map (a name, folder or number from `thematic
    /// codebook versions`) instead of the codebook as it is now.
    #[arg(long, value_name = "NAME", conflicts_with = "codebook")]
    pub version: Option<String>,
    #[command(flatten)]
    pub source: Source,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let format = crate::output::choose(
        &[
            (Format::Svg, &["svg"]),
            (Format::Png, &["png"]),
            (Format::Dot, &["dot", "gv"]),
            (Format::Mermaid, &["mmd", "mermaid"]),
        ],
        args.format,
        args.output.as_deref(),
    )?
    .unwrap_or(Format::Svg);
    if format == Format::Png && args.output.is_none() {
        return Err(
            CliError::user("a PNG needs --output FILE").hint("e.g. --output thematic-map.png")
        );
    }
    let mut opts = MapOptions {
        width: args.width,
        ..MapOptions::default()
    };
    let book = match &args.version {
        Some(name) => {
            let study = ctx.study()?;
            let version = study.version(name)?;
            if args.counts {
                // The codings recorded with the version, not today's.
                let counts = &version.info.extracts;
                for e in &version.codebook.entries {
                    let n = thematic_codebook::extracts_in(&version.codebook, &e.id, counts);
                    opts.notes.insert(e.id.clone(), format!("{n} codings"));
                }
            }
            version.codebook
        }
        None => {
            let (book, study) = load(ctx, &args.source)?;
            if args.counts
                && let Some(s) = &study
            {
                opts.notes.extend(thematic_report::map_notes(s, &book)?);
            }
            book
        }
    };
    let view = if args.include_retired {
        book.clone()
    } else {
        book.current()
    };
    let bytes = match format {
        Format::Svg if args.outline_text => {
            thematic_report::plots::outline_text(&map_svg(&view, &opts))?.into_bytes()
        }
        Format::Svg => map_svg(&view, &opts).into_bytes(),
        Format::Png => {
            thematic_report::plots::svg_to_png(&map_svg(&view, &opts), args.dpi as f32 / 72.0)?
        }
        Format::Dot => map_dot(&view, &opts).into_bytes(),
        Format::Mermaid => map_mermaid(&view, &opts).into_bytes(),
    };
    emit_to(args.output.as_deref(), &bytes)?;
    if let Some(p) = &args.output {
        crate::cmd::status(&format!("wrote {}", p.display()));
    }
    Ok(ExitCode::SUCCESS)
}
