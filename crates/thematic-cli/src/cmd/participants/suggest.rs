//! `thematic participants suggest`: participants.csv rows for the speakers of focus groups.

use std::process::ExitCode;

use serde_json::json;

use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, OutputFormat, Table, emit_table};
use crate::term::sanitize;

const EXAMPLES: &str = "\
A transcript with more than one speaker who is not an interviewer (a focus group, a couple
interviewed together) is one participant until participants.csv says who its speakers are.
This proposes a row for each speaker no row names yet: participant, transcript, speaker.
The participant id proposed is an existing participant whose id is the speaker label
(speakers labelled P3, P7), else the transcript and the label (FG1-Ann). Edit the ids to
link a speaker to a participant interviewed elsewhere (a participant can speak in several
transcripts), and give attributes on any one of their rows.

Who is an interviewer: the speaker labels in thematic.toml `interviewers` (by default
Interviewer, I, Moderator, Facilitator, Researcher, …). A moderator listed among the
speakers needs adding there.

Prints the rows as CSV (the columns participants.csv takes); --write adds them to
participants.csv, keeping every row it has (atomically, under its lock, logged), adding the
`transcript` and `speaker` columns if it has none. Reads every transcript's turns (cached).

Examples:
  $ thematic participants suggest
  $ thematic participants suggest --write
  $ thematic participants suggest --format json";

/// `thematic participants suggest`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Add the rows to participants.csv, keeping every row it has.
    #[arg(long)]
    pub write: bool,
    /// Output format of the rows.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Csv)]
    pub format: OutputFormat,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let table = study.participants()?;
    let shared = study.shared_transcripts()?;
    let mut taken = Vec::new();
    let mut rows: Vec<[String; 3]> = Vec::new();
    for s in &shared {
        let interviewers = if s.interviewers.is_empty() {
            String::new()
        } else {
            format!("; interviewers: {}", s.interviewers.join(", "))
        };
        crate::cmd::status(&sanitize(&format!(
            "{}: {} speakers who are not interviewers ({}){interviewers}; {} without a row",
            s.transcript,
            s.speakers.len(),
            s.speakers.join(", "),
            s.unplaced.len()
        )));
        rows.extend(s.proposals(&table, &mut taken));
    }
    if shared.is_empty() {
        crate::cmd::status(
            "no transcript has more than one speaker who is not an interviewer: each is one \
             participant, its id",
        );
    } else if rows.is_empty() {
        crate::cmd::status("every speaker of these transcripts has a row in participants.csv");
    }
    if args.write && !rows.is_empty() {
        let who = ctx.who(None, &study);
        let added = study.add_participant_rows(&who, &rows)?;
        crate::cmd::status(&format!(
            "added {} row(s) to {}; edit their participant ids to link a speaker to a \
             participant interviewed elsewhere, then `thematic check`",
            added.len(),
            study.shown(&study.participants_path())
        ));
        rows = added;
    }
    let mut out = Table::new(&[
        ("participant", "Participant"),
        ("transcript", "Transcript"),
        ("speaker", "Speaker"),
    ])
    .titled("Proposed participants");
    for [p, t, s] in &rows {
        out.push(vec![json!(p), json!(t), json!(s)]);
    }
    let output = OutputArgs {
        format: args.format,
        output: None,
    };
    emit_table(&output, &out)?;
    Ok(ExitCode::SUCCESS)
}
