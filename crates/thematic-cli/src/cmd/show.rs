//! `thematic show ID [--turns A-B]`: a transcript with turn numbers and speakers.

use std::fmt::Write as _;
use std::process::ExitCode;

use thematic_transcript::{Role, format_hms};

use thematic_study::Coding;

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::emit_to;
use crate::render::marked::{Mark, Style, render};
use crate::term::sanitize;

const EXAMPLES: &str = "\
Each turn is printed as `[n] hh:mm:ss Speaker: text`; interviewer turns are dimmed on a colour
terminal. Text from the file is escaped so it cannot control the terminal.

Codings are marked in the text as [theme]coded words[/theme] (on a colour terminal, the coded
words take the theme's colour), and listed under their turn with their ids. For blind coding
only the acting coder's codings are shown (--coder, else THEMATIC_CODER, else default_coder);
--all-coders shows everyone's, each marker naming its coder.

Examples:
  $ thematic show P6
  $ thematic show P6 --turns 10-20
  $ thematic show P6 --coder KW
  $ thematic show P6 --all-coders --turns 4";

/// `thematic show`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Transcript id.
    pub id: String,
    /// Only these turns (1-based, inclusive): `10-20`, `5`, `30-`.
    #[arg(long, value_name = "A-B")]
    pub turns: Option<String>,
    /// Show this coder's codings.
    #[arg(long, conflicts_with = "all_coders")]
    pub coder: Option<String>,
    /// Show every coder's codings (breaks blind coding).
    #[arg(long)]
    pub all_coders: bool,
    /// Show the text only, without codings.
    #[arg(long, conflicts_with_all = ["coder", "all_coders"])]
    pub no_codings: bool,
    /// Write to this file (.txt) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Parses `A-B`, `A`, `A-` into an inclusive range.
pub fn parse_range(s: &str) -> Option<(usize, usize)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: usize = a.trim().parse().ok()?;
    let b: usize = if b.trim().is_empty() {
        usize::MAX
    } else {
        b.trim().parse().ok()?
    };
    (a >= 1 && a <= b).then_some((a, b))
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    // The one rule for --output: `show` writes plain text only.
    crate::output::choose(
        &[(crate::output::Plain::Text, &["txt", "text"])],
        None,
        args.output.as_deref(),
    )?;
    let study = ctx.study()?;
    let range = match &args.turns {
        Some(r) => parse_range(r).ok_or_else(|| {
            CliError::user(format!("invalid --turns \"{r}\""))
                .hint("use A-B, A or A-, e.g. --turns 10-20")
        })?,
        None => (1, usize::MAX),
    };
    let t = study.transcript(&args.id)?;
    let dim = crate::term::colour_stdout() && args.output.is_none();
    let codings = shown_codings(ctx, &study, args)?;
    let book = if codings.is_empty() {
        None
    } else {
        study.codebook().ok()
    };
    let style = if dim { Style::Colour } else { Style::Brackets };
    let mut out = String::new();
    for (i, turn) in t
        .turns
        .iter()
        .enumerate()
        .filter(|(i, _)| (range.0..=range.1).contains(&(i + 1)))
    {
        let time = turn
            .start_ms
            .map(|ms| format!("{} ", format_hms(ms)))
            .unwrap_or_default();
        let speaker = turn.speaker.as_deref().unwrap_or("(no speaker)");
        let mut here: Vec<&Coding> = codings
            .iter()
            .filter(|c| c.start < turn.end && c.end > turn.start)
            .collect();
        here.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let marks: Vec<Mark<'_>> = here
            .iter()
            .map(|c| Mark {
                coding: c,
                colour: book
                    .as_ref()
                    .and_then(|b| b.get(&c.theme))
                    .and_then(|e| e.colour.as_deref()),
            })
            .collect();
        let body = if marks.is_empty() {
            sanitize(turn.text(&t.text)).into_owned()
        } else {
            render(
                turn.text(&t.text),
                turn.start,
                &marks,
                style,
                args.all_coders,
            )
        };
        let line = format!("[{}] {time}{}: {body}", i + 1, sanitize(speaker));
        if dim && turn.role == Role::Interviewer && marks.is_empty() {
            let _ = writeln!(out, "\x1b[2m{line}\x1b[0m");
        } else {
            let _ = writeln!(out, "{line}");
        }
        for c in &here {
            let memo = if c.memo.is_empty() {
                String::new()
            } else {
                format!(" — {}", sanitize(&c.memo))
            };
            let note = format!(
                "      {} {} [{}-{}] {}{memo}",
                c.id, c.theme, c.start, c.end, c.coder
            );
            if dim {
                let _ = writeln!(out, "\x1b[2m{note}\x1b[0m");
            } else {
                let _ = writeln!(out, "{note}");
            }
        }
    }
    emit_to(args.output.as_deref(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The codings `show` marks: none with --no-codings; everyone's with --all-coders; else the
/// acting coder's (none, with a note, when no coder is known).
fn shown_codings(ctx: &Context, study: &thematic_study::Study, args: &Args) -> Result<Vec<Coding>> {
    if args.no_codings {
        return Ok(Vec::new());
    }
    let files = if args.all_coders {
        study.all_codings()?
    } else {
        match ctx.coder(args.coder.as_deref(), study) {
            Some(coder) => vec![study.codings_of(&coder)?],
            None => {
                if !study.coders()?.is_empty() {
                    crate::cmd::status(
                        "note: codings are hidden because no coder is set; pass --coder NAME or --all-coders",
                    );
                }
                Vec::new()
            }
        }
    };
    let mut out = Vec::new();
    for file in files {
        if let Some(torn) = &file.incomplete {
            crate::cmd::status(&format!(
                "warning: {}",
                torn.warning(&study.codings_path(&file.coder)?)
            ));
        }
        // Orphaned codings no longer point at their words; `thematic check` lists them.
        out.extend(
            file.codings
                .into_iter()
                .filter(|c| c.transcript == args.id && c.is_anchored()),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("10-20"), Some((10, 20)));
        assert_eq!(parse_range("5"), Some((5, 5)));
        assert_eq!(parse_range("30-"), Some((30, usize::MAX)));
        assert_eq!(parse_range("0-3"), None);
        assert_eq!(parse_range("9-3"), None);
    }
}
