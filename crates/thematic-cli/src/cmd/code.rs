//! `thematic code` and `thematic uncode`: tag an excerpt with a theme, or take a tag away.

use std::process::ExitCode;

use thematic_study::{Added, Coding, new_coding_id, now_rfc3339};

use crate::context::Context;
use crate::error::{CliError, Result};

const EXAMPLES: &str = "\
Codes part of one turn (numbers as in `thematic show`) with one theme, for the acting coder
(--coder, else THEMATIC_CODER, else default_coder in thematic.toml). Without --text or
--chars the whole turn is coded. --text must occur in the turn exactly as written (the first
occurrence is taken); --chars A-B counts code points from the start of the turn, end
exclusive. The new coding's id is printed on standard output; coding the same span with the
same theme again changes nothing. Each coding is appended to codings/<coder>.csv in one
write, flushed to disk, under the coder's lock, so several `thematic code`
processes for one coder can run at once.

Examples:
  $ thematic show P6 --turns 4
  $ thematic code P6 --turn 4 --theme what-matters
  $ thematic code P6 --turn 4 --text \"what matters to them\" --theme what-matters --memo \"key\"
  $ thematic code P6 --turn 4 --chars 0-42 --theme goal-orientation --coder AB
  $ thematic uncode c-5f2a9c01d3e7";

/// `thematic code`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Transcript id.
    pub transcript: String,
    /// The turn (1-based, as numbered by `thematic show`).
    #[arg(long)]
    pub turn: usize,
    /// The exact words to code, as they occur in the turn.
    #[arg(long, conflicts_with = "chars")]
    pub text: Option<String>,
    /// Code points A to B (end exclusive) counted from the start of the turn's text.
    #[arg(long, value_name = "A-B")]
    pub chars: Option<String>,
    /// The theme id.
    #[arg(long)]
    pub theme: String,
    /// Code as this coder.
    #[arg(long)]
    pub coder: Option<String>,
    /// A memo on the coding.
    #[arg(long)]
    pub memo: Option<String>,
}

/// `thematic uncode`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Removes one of the acting coder's codings (another coder's codings are theirs to remove).

Examples:
  $ thematic uncode c-5f2a9c01d3e7
  $ thematic uncode c-5f2a9c01d3e7 --coder AB")]
pub struct UncodeArgs {
    /// The coding's id (printed by `thematic code`).
    pub id: String,
    /// The coder whose coding it is.
    #[arg(long)]
    pub coder: Option<String>,
}

pub fn acting_coder(
    ctx: &Context,
    explicit: Option<&str>,
    study: &thematic_study::Study,
) -> Result<String> {
    ctx.coder(explicit, study).ok_or_else(|| {
        CliError::user("who is coding? no coder given")
            .hint("pass --coder NAME, set THEMATIC_CODER, or set default_coder in thematic.toml")
    })
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coder = acting_coder(ctx, args.coder.as_deref(), &study)?;
    let book = study.codebook()?;
    let theme = thematic_study::codable_theme(&book, &args.theme)?;
    let transcript = study.transcript(&args.transcript)?;
    let n = transcript.turns.len();
    let turn = args
        .turn
        .checked_sub(1)
        .and_then(|i| transcript.turns.get(i))
        .ok_or_else(|| {
            CliError::user(format!(
                "{} has turns 1 to {n}; there is no turn {}",
                args.transcript, args.turn
            ))
        })?;
    let turn_text: Vec<char> = transcript
        .text
        .chars()
        .skip(turn.start)
        .take(turn.end - turn.start)
        .collect();
    let (rel_start, rel_end) = match (&args.text, &args.chars) {
        (Some(words), _) => {
            let needle: Vec<char> = words.chars().collect();
            if needle.is_empty() {
                return Err(CliError::user("--text is empty"));
            }
            let found = turn_text
                .windows(needle.len())
                .position(|w| w == needle.as_slice())
                .ok_or_else(|| {
                    let preview: String = turn_text.iter().take(80).collect();
                    CliError::user(format!(
                        "\"{words}\" does not occur in turn {} of {}",
                        args.turn, args.transcript
                    ))
                    .hint(format!(
                        "the turn begins \"{}{}\"; copy the words exactly (see `thematic show {} --turns {}`)",
                        crate::term::sanitize(&preview),
                        if turn_text.len() > 80 { "…" } else { "" },
                        args.transcript,
                        args.turn
                    ))
                })?;
            (found, found + needle.len())
        }
        (None, Some(range)) => {
            let bad = || {
                CliError::user(format!("invalid --chars \"{range}\"")).hint(format!(
                    "use A-B with 0 <= A < B <= {} (the turn's length)",
                    turn_text.len()
                ))
            };
            let (a, b) = range.split_once('-').ok_or_else(bad)?;
            let (a, b): (usize, usize) = (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            );
            if a >= b || b > turn_text.len() {
                return Err(bad());
            }
            (a, b)
        }
        (None, None) => (0, turn_text.len()),
    };
    let quoted: String = turn_text[rel_start..rel_end].iter().collect();
    let (start, end) = (turn.start + rel_start, turn.start + rel_end);
    let coding = Coding {
        id: new_coding_id(),
        coder: coder.clone(),
        transcript: args.transcript.clone(),
        turn: args.turn,
        start,
        end,
        theme: theme.id.clone(),
        text: quoted.clone(),
        memo: args.memo.clone().unwrap_or_default(),
        created: now_rfc3339(),
        status: Default::default(),
    };
    // Placed against the transcript as it is under the coder's lock: moved to where its
    // words are now if `thematic transcripts update` replaced the text meanwhile.
    let (added, written) = study.code_placed(&coding)?;
    let (id, added) = match added {
        Added::New => (coding.id.clone(), true),
        Added::Existing(id) => (id, false),
    };
    let (turn_no, start, end) = (written.turn, written.start, written.end);
    if added && (start, end) != (coding.start, coding.end) {
        crate::cmd::status(&format!(
            "{} was updated while this coding was being made; its words were found unchanged in turn {turn_no} [{start}-{end}] and coded there",
            args.transcript
        ));
    }
    crate::output::emit_to(None, format!("{id}\n").as_bytes())?;
    let short: String = quoted.chars().take(60).collect();
    crate::cmd::status(&if added {
        format!(
            "coded {} turn {turn_no} [{start}-{end}] as {} for {coder}: \"{}{}\"",
            args.transcript,
            theme.id,
            crate::term::sanitize(&short),
            if quoted.chars().count() > 60 {
                "…"
            } else {
                ""
            }
        )
    } else {
        format!("already coded ({id}); nothing changed")
    });
    Ok(ExitCode::SUCCESS)
}

pub fn uncode(ctx: &Context, args: &UncodeArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coder = acting_coder(ctx, args.coder.as_deref(), &study)?;
    match study.uncode(&coder, &args.id)? {
        Some(c) => {
            crate::cmd::status(&format!(
                "removed {} ({} turn {}, {}) from {coder}'s codings",
                c.id, c.transcript, c.turn, c.theme
            ));
            Ok(ExitCode::SUCCESS)
        }
        None => Err(
            CliError::user(format!("{coder} has no coding \"{}\"", args.id)).hint(
                "ids are printed by `thematic code`; each coder removes only their own codings",
            ),
        ),
    }
}
