//! `thematic plot`: figures of prevalence, the matrix and co-occurrence, as SVG or PNG.

use std::path::PathBuf;
use std::process::ExitCode;

use thematic_report::plots::{cooccur_svg, matrix_svg, prevalence_svg, svg_to_png};

use crate::cmd::cooccur::UnitArgs;
use crate::cmd::exports::CoderArgs;
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::emit_to;

const EXAMPLES: &str = "\
Draws a figure for a paper or a slide, 493 pt wide (a two-column journal page):
  prevalence  a bar per codable theme (codebook order, under its group): the participants
              with at least one coding of it, out of every participant (n/N)
  matrix      a heatmap of themes × participants, each cell shaded by its number of
              codings (darkest = the largest) and showing it
  cooccur     a heatmap of themes × themes (numbered in codebook order), each cell shaded
              by the Jaccard index of the pair and showing it; the diagonal (grey) gives
              each theme's units. --unit and --window as for `thematic cooccur`.
The numbers are those of `thematic matrix` and `thematic cooccur`. Whose codings: as for
`thematic quotes` (the acting coder's unless --coder, --consensus or --all-coders).

SVG (default) is written by thematic, text kept as text (editable), the same data giving the
same file; --outline-text draws the text as outlines in the built-in DejaVu Sans instead, so
the figure looks the same in every viewer. PNG (--output FILE.png or --format png) is that SVG
rendered at --dpi (default 144; 300 for print) with the built-in DejaVu Sans, never the
computer's fonts, and needs --output.

Examples:
  $ thematic plot prevalence --output prevalence.svg
  $ thematic plot prevalence --outline-text --output prevalence-outlined.svg
  $ thematic plot matrix --all-coders --dpi 300 --output matrix.png
  $ thematic plot cooccur --unit transcript --output cooccur.svg";

/// The figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A bar chart of each theme's prevalence.
    Prevalence,
    /// A heatmap of themes × participants.
    Matrix,
    /// A heatmap of theme co-occurrence.
    Cooccur,
}

/// Figure formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FigureFormat {
    /// SVG.
    Svg,
    /// PNG, rendered from the SVG.
    Png,
}

/// `thematic plot`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// The figure.
    #[arg(value_enum)]
    pub kind: Kind,
    #[command(flatten)]
    pub coders: CoderArgs,
    #[command(flatten)]
    pub unit: UnitArgs,
    /// File format (default: from the --output file's extension, else svg).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<FigureFormat>,
    /// Write to this file (atomically) instead of standard output; .svg or .png.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// PNG resolution in dots per inch (144 sharp on a slide, 300 for print).
    #[arg(long, default_value_t = 144, value_parser = clap::value_parser!(u32).range(36..=1200))]
    pub dpi: u32,
    /// SVG: draw the text as outlines in the built-in font, so the figure looks the same in
    /// every viewer (the text is then no longer editable).
    #[arg(long)]
    pub outline_text: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let format = crate::output::choose(
        &[(FigureFormat::Svg, &["svg"]), (FigureFormat::Png, &["png"])],
        args.format,
        args.output.as_deref(),
    )?
    .unwrap_or(FigureFormat::Svg);
    if format == FigureFormat::Png && args.output.is_none() {
        return Err(CliError::user("a PNG needs --output FILE").hint("e.g. --output figure.png"));
    }
    if args.kind != Kind::Cooccur
        && (args.unit.window > 0 || args.unit.unit != crate::cmd::cooccur::Unit::Turn)
    {
        return Err(CliError::user(
            "--unit and --window are for `thematic plot cooccur`",
        ));
    }
    let study = ctx.study()?;
    let selection = args.coders.selection(ctx, &study)?;
    let svg = match args.kind {
        Kind::Prevalence => {
            prevalence_svg(&thematic_report::tables::theme_matrix(&study, &selection)?)
        }
        Kind::Matrix => matrix_svg(&thematic_report::tables::theme_matrix(&study, &selection)?),
        Kind::Cooccur => {
            let (unit, window) = args.unit.get()?;
            cooccur_svg(&thematic_report::tables::cooccurrence(
                &study, &selection, unit, window,
            )?)
        }
    };
    let bytes = match format {
        FigureFormat::Svg if args.outline_text => {
            thematic_report::plots::outline_text(&svg)?.into_bytes()
        }
        FigureFormat::Svg => svg.into_bytes(),
        FigureFormat::Png => svg_to_png(&svg, args.dpi as f32 / 72.0)?,
    };
    emit_to(args.output.as_deref(), &bytes)?;
    if let Some(p) = &args.output {
        crate::cmd::status(&format!("wrote {}", p.display()));
    }
    Ok(ExitCode::SUCCESS)
}
