//! `thematic show ID [--turns A-B]`: a transcript with turn numbers and speakers.

use std::fmt::Write as _;
use std::process::ExitCode;

use thematic_transcript::{Role, format_hms};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::emit_to;
use crate::term::sanitize;

const EXAMPLES: &str = "\
Each turn is printed as `[n] hh:mm:ss Speaker: text`; interviewer turns are dimmed on a colour
terminal. Text from the file is escaped so it cannot control the terminal.

Examples:
  $ thematic show P6
  $ thematic show P6 --turns 10-20";

/// `thematic show`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Transcript id.
    pub id: String,
    /// Only these turns (1-based, inclusive): `10-20`, `5`, `30-`.
    #[arg(long, value_name = "A-B")]
    pub turns: Option<String>,
    /// Write to this file instead of standard output.
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
    let study = ctx.study()?;
    let range = match &args.turns {
        Some(r) => parse_range(r).ok_or_else(|| {
            CliError::user(format!("invalid --turns \"{r}\""))
                .hint("use A-B, A or A-, e.g. --turns 10-20")
        })?,
        None => (1, usize::MAX),
    };
    let t = crate::context::transcript(&study, &args.id)?;
    let dim = crate::term::colour_stdout() && args.output.is_none();
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
        let line = format!(
            "[{}] {time}{}: {}",
            i + 1,
            sanitize(speaker),
            sanitize(turn.text(&t.text))
        );
        if dim && turn.role == Role::Interviewer {
            let _ = writeln!(out, "\x1b[2m{line}\x1b[0m");
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    emit_to(args.output.as_deref(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
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
