//! `thematic transcripts [--summary]`: list the study's transcripts, or summarise lengths.

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_study::MediaState;
use thematic_transcript::Transcript;

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table, round};

const EXAMPLES: &str = "\
The list has one row per transcript: id, participant, format, turns, words, speakers and
duration, and the recording linked to it (`thematic media`), if any; a recording that is
missing or changed is also named on standard error. JSON keys: id, participant, format,
turns, words, speakers, duration_ms, media (the recording's path as the study keeps it, null
when none), media_status (ok, missing or changed; null when none).

--summary gives the \"interview length ranged from … (M, SD)\" figures of a methods section:
one row each for duration (minutes) and words, with n, min, max, mean and sample SD
(n − 1 denominator). JSON keys: measure, n, min, max, mean, sd.

Examples:
  $ thematic transcripts
  $ thematic transcripts --summary
  $ thematic transcripts --format csv --output transcripts.csv
  $ thematic transcripts update P6 ~/corrected/P6.docx";

/// `thematic transcripts`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<TranscriptsCommand>,
    /// Summarise durations and word counts instead of listing.
    #[arg(long)]
    pub summary: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `thematic transcripts …` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TranscriptsCommand {
    /// Replace a transcript with a corrected file and re-anchor every coding of it.
    Update(crate::cmd::update::Args),
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    if let Some(TranscriptsCommand::Update(a)) = &args.command {
        return crate::cmd::update::run(ctx, a);
    }
    let study = ctx.study()?;
    let mut rows: Vec<(String, Transcript)> = Vec::new();
    let mut failed = 0usize;
    for (id, path, result) in study.load_transcripts()? {
        match result {
            Ok(t) => rows.push((id, t)),
            Err(e) => {
                failed += 1;
                crate::cmd::status(&format!("warning: {}: {e}", path.display()));
            }
        }
    }
    let table = if args.summary {
        summary(&rows)
    } else {
        list(&rows, &study.media_links()?)
    };
    emit_table(&args.output, &table)?;
    if failed > 0 {
        return Err(
            CliError::user(format!("{failed} transcript file(s) could not be read"))
                .hint("run `thematic parse FILE` on each to see why"),
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list(rows: &[(String, Transcript)], media: &[thematic_study::MediaLink]) -> Table {
    let mut table = Table::new(&[
        ("id", "ID"),
        ("participant", "Participant"),
        ("format", "Format"),
        ("turns", "Turns"),
        ("words", "Words"),
        ("speakers", "Speakers"),
        ("duration_ms", "Duration"),
        ("media", "Recording"),
        ("media_status", "Recording status"),
    ])
    .machine_only(&["media_status"]);
    for (id, t) in rows {
        let link = media.iter().find(|m| m.transcript == *id);
        let state = link.map(|m| m.state());
        if let (Some(m), Some(MediaState::Missing(why) | MediaState::Changed(why))) = (link, &state)
        {
            crate::cmd::status(&crate::term::sanitize(&format!(
                "warning: the recording of {id}, {}, is {}: {why}; `thematic check` says what to do",
                m.stored,
                state.as_ref().map_or("", MediaState::as_str)
            )));
        }
        let participant = t.participant_key();
        let duration = json!(t.duration_ms());
        table.push(vec![
            json!(id),
            json!(participant),
            json!(t.format.as_str()),
            json!(t.turns.len()),
            json!(t.word_count()),
            json!(t.speakers()),
            duration,
            json!(link.map(|m| &m.stored)),
            json!(state.as_ref().map(MediaState::as_str)),
        ]);
    }
    table
}

/// n, min, max, mean and sample SD of `values`.
pub fn describe(values: &[f64]) -> Option<(usize, f64, f64, f64, Option<f64>)> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sd = (n > 1)
        .then(|| (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
    Some((n, min, max, mean, sd))
}

/// The `--summary` table of a study (used by the demo too).
pub fn summary_for(study: &thematic_study::Study) -> Result<Table> {
    let rows: Vec<(String, Transcript)> = study
        .transcripts()?
        .into_iter()
        .map(|t| (t.id, t.transcript))
        .collect();
    Ok(summary(&rows))
}

fn summary(rows: &[(String, Transcript)]) -> Table {
    let mut table = Table::new(&[
        ("measure", "Measure"),
        ("n", "n"),
        ("min", "Min"),
        ("max", "Max"),
        ("mean", "Mean"),
        ("sd", "SD"),
    ]);
    let minutes: Vec<f64> = rows
        .iter()
        .filter_map(|(_, t)| t.duration_ms())
        .map(|ms| ms as f64 / 60_000.0)
        .collect();
    let words: Vec<f64> = rows.iter().map(|(_, t)| t.word_count() as f64).collect();
    for (name, values, places) in [("duration_minutes", minutes, 1), ("words", words, 1)] {
        match describe(&values) {
            Some((n, min, max, mean, sd)) => table.push(vec![
                json!(name),
                json!(n),
                json!(round(min, places)),
                json!(round(max, places)),
                json!(round(mean, places)),
                json!(sd.map(|s| round(s, places))),
            ]),
            None => table.push(vec![
                json!(name),
                json!(0),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ]),
        }
    }
    table
}
