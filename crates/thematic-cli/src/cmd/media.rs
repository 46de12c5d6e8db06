//! `thematic media link|unlink|list|sync`: the recordings linked to transcripts, and the
//! sync times of turns without times of their own.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use thematic_study::{MEDIA_TYPES, MediaState, Study};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};
use crate::term::sanitize;

const EXAMPLES: &str = "\
A recording (audio or video: .m4a .mp3 .wav .ogg .webm .mp4 .mov) linked to a transcript is
played in the browser's reader (`thematic serve`), in step with the transcript. The study
keeps its path in media.csv (relative to the study folder when the file is inside it), its
size and a fingerprint of its two ends, so `thematic check` notices a recording that was
moved, cut or replaced. Recordings are large and sensitive: by default they stay where they
are; --copy copies the file into media/<id>.<ext> inside the study. Recordings never leave
the machine unless you ask: the browser plays them from this computer, and exports leave
them out except `thematic export FILE.qdpx --with-media`, which puts them in the project.
`thematic import` links a recording with the transcript's file name beside it.

`list` shows every link and whether the file is as linked: ok, missing or changed. JSON
keys: transcript, kind, mime, path, size, modified, status, synced (the number of sync
times).

`sync` sets the time a turn starts in the recording, for a transcript without times (a
typed Word file); the reader's \"this turn starts now\" does the same. The time is kept in
sync.csv, never written into the transcript. The turn is its number in `thematic show`
(--turn) or its start in code points (--at, as `thematic check` names it); the time is
seconds, mm:ss or hh:mm:ss, with decimals. --clear takes the time away.

Examples:
  $ thematic media link P6 ~/recordings/P6.m4a
  $ thematic media link P6 ~/recordings/P6.m4a --copy
  $ thematic media list --format json
  $ thematic media sync P6 --turn 12 00:14:05.5
  $ thematic media unlink P6";

/// `thematic media`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: MediaCommand,
}

/// `thematic media …` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum MediaCommand {
    /// Link an audio or video recording to a transcript (replaces an earlier link).
    Link(LinkArgs),
    /// Take a transcript's recording link away (the file itself is left alone).
    Unlink(UnlinkArgs),
    /// List the linked recordings and whether each is missing or changed.
    List(ListArgs),
    /// Set or clear the time a turn starts in the recording.
    Sync(SyncArgs),
}

/// `thematic media link`
#[derive(Debug, clap::Args)]
pub struct LinkArgs {
    /// The transcript id.
    pub id: String,
    /// The recording.
    pub file: PathBuf,
    /// Copy the recording into the study's media/ folder and link the copy.
    #[arg(long)]
    pub copy: bool,
}

/// `thematic media unlink`
#[derive(Debug, clap::Args)]
pub struct UnlinkArgs {
    /// The transcript id.
    pub id: String,
}

/// `thematic media list`
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `thematic media sync`
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["turn", "at"])))]
pub struct SyncArgs {
    /// The transcript id.
    pub id: String,
    /// The turn, by its number in `thematic show`.
    #[arg(long, value_name = "N")]
    pub turn: Option<usize>,
    /// The turn, by its start in code points (as `thematic check` names it).
    #[arg(long, value_name = "CODE-POINT")]
    pub at: Option<usize>,
    /// When the turn starts in the recording: seconds, mm:ss or hh:mm:ss (decimals allowed).
    #[arg(required_unless_present = "clear", conflicts_with = "clear")]
    pub time: Option<String>,
    /// Take the turn's sync time away.
    #[arg(long)]
    pub clear: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(None, &study);
    match &args.command {
        MediaCommand::Link(a) => link(&study, a, &who),
        MediaCommand::Unlink(a) => {
            match study.unlink_media(&a.id, &who)? {
                Some(gone) => crate::cmd::status(&sanitize(&format!(
                    "unlinked {} from {} (the file itself is left where it is)",
                    gone.stored, a.id
                ))),
                None => crate::cmd::status(&sanitize(&format!(
                    "{} has no recording linked; nothing to do",
                    a.id
                ))),
            }
            Ok(ExitCode::SUCCESS)
        }
        MediaCommand::List(a) => {
            emit_table(&a.output, &list(&study)?)?;
            Ok(ExitCode::SUCCESS)
        }
        MediaCommand::Sync(a) => sync(&study, a, &who),
    }
}

fn link(study: &Study, a: &LinkArgs, who: &str) -> Result<ExitCode> {
    let link = study.link_media(&a.id, &a.file, a.copy, who).map_err(|e| {
        let hint = match &e {
            thematic_study::StudyError::Invalid { .. } => Some(format!(
                "link an audio or video file: .{}",
                MEDIA_TYPES
                    .iter()
                    .map(|t| t.0)
                    .collect::<Vec<_>>()
                    .join(", .")
            )),
            _ => None,
        };
        let err = CliError::from(e);
        match hint {
            Some(h) => err.hint(h),
            None => err,
        }
    })?;
    crate::cmd::status(&sanitize(&format!(
        "linked {} {} ({}, {}) to {}{}",
        link.kind.as_str(),
        link.stored,
        link.mime,
        human_size(link.size),
        a.id,
        if a.copy {
            ", copied into the study"
        } else {
            ""
        }
    )));
    Ok(ExitCode::SUCCESS)
}

/// The `list` table.
pub fn list(study: &Study) -> Result<Table> {
    let mut table = Table::new(&[
        ("transcript", "Transcript"),
        ("kind", "Kind"),
        ("mime", "Type"),
        ("path", "Path"),
        ("size", "Size"),
        ("modified", "Modified"),
        ("status", "Status"),
        ("synced", "Synced turns"),
    ])
    .machine_only(&["mime", "modified"]);
    let synced = study.all_sync_times()?;
    for link in study.media_links()? {
        let state = link.state();
        if let MediaState::Missing(why) | MediaState::Changed(why) = &state {
            crate::cmd::status(&sanitize(&format!(
                "warning: the recording of {} is {}: {why}",
                link.transcript,
                state.as_str()
            )));
        }
        table.push(vec![
            json!(link.transcript),
            json!(link.kind.as_str()),
            json!(link.mime),
            json!(link.stored),
            json!(link.size),
            json!(link.modified),
            json!(state.as_str()),
            json!(
                synced
                    .iter()
                    .filter(|s| s.transcript == link.transcript)
                    .count()
            ),
        ]);
    }
    Ok(table)
}

fn sync(study: &Study, a: &SyncArgs, who: &str) -> Result<ExitCode> {
    let turn_start = match (a.turn, a.at) {
        (Some(n), _) => {
            let t = study.transcript(&a.id)?;
            let turn = n
                .checked_sub(1)
                .and_then(|i| t.turns.get(i))
                .ok_or_else(|| {
                    CliError::user(format!(
                        "{} has {} turns; there is no turn {n}",
                        a.id,
                        t.turns.len()
                    ))
                    .hint(format!("`thematic show {}` numbers its turns", a.id))
                })?;
            turn.start
        }
        (None, Some(at)) => at,
        (None, None) => {
            return Err(CliError::user(
                "name the turn with --turn N or --at CODE-POINT",
            ));
        }
    };
    let ms = match &a.time {
        Some(t) if !a.clear => Some(parse_time(t).ok_or_else(|| {
            CliError::user(format!("\"{t}\" is not a time"))
                .hint("give seconds (75.5), mm:ss (01:15.5) or hh:mm:ss (00:01:15.5)")
        })?),
        _ => None,
    };
    let now = study.set_sync_time(&a.id, turn_start, ms, who)?;
    crate::cmd::status(&sanitize(&match now {
        Some(ms) => format!("{} turn at {turn_start} starts at {}", a.id, clock(ms)),
        None => format!("{} turn at {turn_start} has no sync time", a.id),
    }));
    Ok(ExitCode::SUCCESS)
}

/// Milliseconds of `75.5`, `01:15.5` or `00:01:15.5`; `None` for anything else.
pub fn parse_time(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let (last, whole) = parts.split_last()?;
    let seconds: f64 = last
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 0.0)?;
    if !whole.is_empty() && seconds >= 60.0 {
        return None;
    }
    let mut total: i64 = 0;
    for (i, p) in whole.iter().enumerate() {
        let v: i64 = p.parse().ok().filter(|v| *v >= 0)?;
        // minutes below 60 when hours are given
        if whole.len() == 2 && i == 1 && v >= 60 {
            return None;
        }
        total = total.checked_mul(60)?.checked_add(v)?;
    }
    let ms = (total as f64 * 60.0 + seconds) * 1000.0;
    (ms <= i64::MAX as f64 / 2.0).then(|| ms.round() as i64)
}

/// `hh:mm:ss.mmm`.
fn clock(ms: i64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `12.3 MB`, `512 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64;
    let mut unit = "";
    for u in UNITS {
        v /= 1000.0;
        unit = u;
        if v < 1000.0 {
            break;
        }
    }
    format!("{v:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_as_seconds_minutes_and_hours() {
        assert_eq!(parse_time("75.5"), Some(75_500));
        assert_eq!(parse_time("01:15.5"), Some(75_500));
        // 1 h 2 min 3.25 s = 3600 + 120 + 3.25 s = 3,723,250 ms
        assert_eq!(parse_time("01:02:03.25"), Some(3_723_250));
        assert_eq!(parse_time("0"), Some(0));
        assert_eq!(parse_time("1:75"), None, "seconds past 59 after minutes");
        assert_eq!(parse_time("1:75:00"), None, "minutes past 59 after hours");
        assert_eq!(parse_time("-3"), None);
        assert_eq!(parse_time("1::2"), None);
        assert_eq!(parse_time("a"), None);
        assert_eq!(clock(3_723_250), "01:02:03.250");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(1_500_000), "1.5 MB");
        assert_eq!(human_size(1_073_741_824), "1.1 GB");
    }
}
