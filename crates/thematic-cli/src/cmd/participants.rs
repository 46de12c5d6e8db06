//! `thematic participants`: the participants and their characteristics, or the "Table 1"
//! summary of them; `thematic participants suggest`: rows for the speakers of focus groups.

mod suggest;

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_report::tables::{ParticipantsSummary, Summary};
use thematic_study::Participants;

use crate::cmd::exports::{TableOutput, check_attributes};
use crate::context::Context;
use crate::error::Result;
use crate::output::{Table, round};

const EXAMPLES: &str = "\
Lists participants.csv: one row per participant with their attributes, and, when rows name
transcripts and speakers, where each speaks (`speaks_in`: FG1: Ann; P3-interview). With
--summary, the participant characteristics of a paper's Table 1: for a numeric attribute
(every value a number) its n, range, mean and sample standard deviation (n − 1
denominator); for any other, the count and percentage of each value. N is every participant
of participants.csv, once however many rows (transcripts and speakers) they have;
percentages are of N, one decimal, and an empty or NA value is counted as \"(missing)\" so
they add up to 100. Categories go most frequent first. --categorical ATTR treats a column
of numbers (a site or year group) as categories. Reads participants.csv only.

`thematic participants suggest` proposes a row for each speaker of a transcript with more
than one speaker who is not an interviewer (a focus group), so quotes, the matrix and
prevalence count each of them; `--write` adds them.

Examples:
  $ thematic participants
  $ thematic participants --summary
  $ thematic participants --summary --categorical site --output table1.md
  $ thematic participants --summary --format csv > table1.csv
  $ thematic participants suggest --write";

/// `thematic participants`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<ParticipantsCommand>,
    /// Summarise the attributes: counts and percentages, or range, mean and SD.
    #[arg(long)]
    pub summary: bool,
    /// With --summary: treat this attribute as categories even if its values are numbers
    /// (repeatable).
    #[arg(long, value_name = "ATTR", requires = "summary")]
    pub categorical: Vec<String>,
    #[command(flatten)]
    pub output: TableOutput,
}

/// `thematic participants …` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ParticipantsCommand {
    /// Propose participants.csv rows for the speakers of focus groups (transcripts with more
    /// than one speaker who is not an interviewer).
    Suggest(suggest::Args),
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    if let Some(ParticipantsCommand::Suggest(a)) = &args.command {
        return suggest::run(ctx, a);
    }
    let study = ctx.study()?;
    let participants = study.participants()?;
    check_attributes(
        &study,
        &participants,
        args.categorical.iter().map(String::as_str),
        &[],
    )?;
    let table = if args.summary {
        summary_table(&ParticipantsSummary::of(&participants, &args.categorical))
    } else {
        list_table(&participants)
    };
    args.output.emit(&table)?;
    Ok(ExitCode::SUCCESS)
}

/// One row per participant; with a `speaks_in` column (`FG1: Ann; P3-interview`) when
/// rows name transcripts.
pub fn list_table(p: &Participants) -> Table {
    let mut cols: Vec<(&str, &str)> = vec![("participant", "Participant")];
    cols.extend(p.attributes.iter().map(|a| (a.as_str(), a.as_str())));
    let placed = p.places_speakers();
    if placed {
        cols.push(("speaks_in", "Speaks in"));
    }
    let mut table = Table::new(&cols).titled("Participants");
    for (id, values) in &p.rows {
        let mut row = vec![json!(id)];
        row.extend(values.iter().map(|v| json!(v)));
        row.resize(1 + p.attributes.len(), Value::Null);
        if placed {
            let places: Vec<String> = p
                .speakers
                .iter()
                .filter(|s| s.participant == *id)
                .map(|s| {
                    if s.speaker.is_empty() {
                        s.transcript.clone()
                    } else {
                        format!("{}: {}", s.transcript, s.speaker)
                    }
                })
                .collect();
            row.push(json!(places.join("; ")));
        }
        table.push(row);
    }
    table
}

/// The "Table 1": a row for N, then for each attribute its summary row(s).
///
/// Keys: `attribute`, `value` (the category, `(missing)`, or empty for a numeric summary),
/// `n`, `percent` (of N), `min`, `max`, `mean`, `sd` (sample SD); people see
/// `Characteristic` and `n (%) or range, M (SD)` instead.
pub fn summary_table(s: &ParticipantsSummary) -> Table {
    let mut table = Table::new(&[
        ("characteristic", "Characteristic"),
        ("shown", "n (%) or range, M (SD)"),
        ("attribute", "Attribute"),
        ("value", "Value"),
        ("n", "n"),
        ("percent", "%"),
        ("min", "Min"),
        ("max", "Max"),
        ("mean", "Mean"),
        ("sd", "SD"),
    ])
    .human_only(&["characteristic", "shown"])
    .machine_only(&[
        "attribute",
        "value",
        "n",
        "percent",
        "min",
        "max",
        "mean",
        "sd",
    ])
    .titled("Participant characteristics");
    let n_all = s.n;
    let pct = |k: usize| (n_all > 0).then(|| round(k as f64 * 100.0 / n_all as f64, 1));
    let null = Value::Null;
    table.push(vec![
        json!("Participants"),
        json!(format!("N = {n_all}")),
        json!("participants"),
        json!(""),
        json!(n_all),
        null.clone(),
        null.clone(),
        null.clone(),
        null.clone(),
        null.clone(),
    ]);
    let category = |table: &mut Table, attr: &str, value: &str, k: usize| {
        let shown = match pct(k) {
            Some(p) => format!("{k} ({p:.1}%)"),
            None => k.to_string(),
        };
        table.push(vec![
            json!(format!("{attr}: {value}")),
            json!(shown),
            json!(attr),
            json!(value),
            json!(k),
            json!(pct(k)),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ]);
    };
    for a in &s.attributes {
        match &a.summary {
            Summary::Numeric(x) => {
                // Machines get two decimals (papers print one or two); people get M and SD
                // to two decimals too, as Table 1s often do.
                let sd = x.sd.map(|v| round(v, 2));
                let mut shown = format!("{}–{}, M = {:.2}", number(x.min), number(x.max), x.mean);
                if let Some(v) = sd {
                    shown.push_str(&format!(" (SD = {v:.2})"));
                }
                table.push(vec![
                    json!(format!("{} (n = {})", a.name, x.n)),
                    json!(shown),
                    json!(a.name),
                    json!(""),
                    json!(x.n),
                    Value::Null,
                    json!(x.min),
                    json!(x.max),
                    json!(round(x.mean, 2)),
                    json!(sd),
                ]);
            }
            Summary::Categorical(cats) => {
                for c in cats {
                    category(&mut table, &a.name, &c.value, c.n);
                }
            }
        }
        if a.missing > 0 {
            category(&mut table, &a.name, "(missing)", a.missing);
        }
    }
    table
}

/// A number as people write it: `42`, `42.5`.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
