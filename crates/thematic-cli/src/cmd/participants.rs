//! `thematic participants`: the participants and their characteristics, or the "Table 1"
//! summary of them; `thematic participants suggest`: rows for the speakers of focus groups.

mod suggest;

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_report::tables::{PaperColumn, PaperRow, PaperTable, ParticipantsSummary, Table1};
use thematic_study::{Participants, Study};

use crate::cmd::exports::check_attributes;
use crate::cmd::paper_output::PaperOutput;
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
of numbers (a site or year group) as categories. Reads participants.csv and thematic.toml.

How each attribute is printed comes from the [participants] section of thematic.toml:
  [participants]
  age = { label = \"Age\", unit = \"years\", decimals = 0 }
  gender = { label = \"Gender\", order = [\"male\", \"female\"], values = { male = \"Male\" } }
The mean gets `decimals` places (default 1) and the SD one more (sd_decimals overrides),
so the rows read \"Age: range 33–60 years, M = 47 (SD = 8.4)\". --output table1.docx,
.tex, .xlsx or .html writes the table as a paper prints it (caption, note).

`thematic participants suggest` proposes a row for each speaker of a transcript with more
than one speaker who is not an interviewer (a focus group), so quotes, the matrix and
prevalence count each of them; `--write` adds them.

Examples:
  $ thematic participants
  $ thematic participants --summary
  $ thematic participants --summary --categorical site --output table1.md
  $ thematic participants --summary --format csv > table1.csv
  $ thematic participants --summary --output table1.docx
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
    pub output: PaperOutput,
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
    // Refuse a file this command cannot write before reading anything.
    args.output.format()?;
    let study = ctx.study()?;
    let participants = study.participants()?;
    check_attributes(
        &study,
        &participants,
        args.categorical.iter().map(String::as_str),
        &[],
    )?;
    if !args.summary {
        let table = list_table(&participants);
        args.output.emit(|| table.clone(), || list_paper(&table))?;
        return Ok(ExitCode::SUCCESS);
    }
    warn_unknown_attributes(&study, &participants);
    let t1 = table1(&study, &participants, &args.categorical);
    args.output
        .emit(|| summary_table(&t1), || table1_paper(&t1))?;
    Ok(ExitCode::SUCCESS)
}

/// Table 1 of `participants` as the study's `[participants]` section shows it, with the
/// attributes named in `categorical` (and those marked `categorical = true`) as categories.
pub fn table1(study: &Study, participants: &Participants, categorical: &[String]) -> Table1 {
    let display = &study.config().participants;
    let mut categorical = categorical.to_vec();
    categorical.extend(
        display
            .iter()
            .filter(|(_, d)| d.categorical)
            .map(|(name, _)| name.clone()),
    );
    Table1::of(
        &ParticipantsSummary::of(participants, &categorical),
        display,
    )
}

/// A warning for each `[participants]` entry that names no column of participants.csv, and
/// for each `order` value no participant has.
fn warn_unknown_attributes(study: &Study, participants: &Participants) {
    let config = study.root().join(thematic_study::CONFIG_FILE);
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    let shown = study.shown(&config);
    for (name, d) in &study.config().participants {
        let line = thematic_study::StudyConfig::participants_line(&text, name);
        let Some(col) = participants.attributes.iter().position(|a| a == name) else {
            let near = thematic_codebook::closest(
                name,
                participants.attributes.iter().map(String::as_str),
            )
            .map_or(String::new(), |n| format!("did you mean \"{n}\"? "));
            crate::cmd::status(&format!(
                "warning: {shown}:{line}: [participants] names \"{name}\", which is not a column of participants.csv; {near}its columns are: {}",
                participants.attributes.join(", ")
            ));
            continue;
        };
        for value in &d.order {
            let present = participants
                .rows
                .iter()
                .any(|(_, v)| v.get(col).is_some_and(|x| x.trim() == value));
            if !present {
                crate::cmd::status(&format!(
                    "warning: {shown}:{line}: [participants] {name}: no participant has the value \"{value}\" named in its order"
                ));
            }
        }
    }
}

/// The participant list as a paper table (every column as written).
fn list_paper(table: &Table) -> PaperTable {
    let json = table.to_json();
    let rows = json.as_array().cloned().unwrap_or_default();
    let keys: Vec<String> = rows
        .first()
        .and_then(|r| r.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    PaperTable {
        caption: "Participants".into(),
        columns: keys
            .iter()
            .map(|k| PaperColumn::text(k.as_str(), 1))
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                PaperRow::Cells(
                    keys.iter()
                        .map(|k| crate::output::display(&r[k.as_str()]))
                        .collect(),
                )
            })
            .collect(),
        note: String::new(),
    }
}

/// Table 1 as a paper prints it: an attribute's categories indented under its name, a
/// numeric attribute on one row.
pub fn table1_paper(t: &Table1) -> PaperTable {
    let mut rows = vec![PaperRow::Cells(vec![
        "Participants".into(),
        format!("N = {}", t.n),
    ])];
    for a in &t.attributes {
        match &a.numeric {
            Some((_, shown)) => rows.push(PaperRow::Cells(vec![a.label.clone(), shown.clone()])),
            None => rows.push(PaperRow::Group(a.label.clone())),
        }
        for l in &a.lines {
            rows.push(PaperRow::Indented(vec![l.label.clone(), l.shown.clone()]));
        }
    }
    PaperTable {
        caption: "Participant characteristics".into(),
        columns: vec![
            PaperColumn::text("Characteristic", 1),
            PaperColumn::text("n (%) or range, M (SD)", 2),
        ],
        rows,
        note: format!(
            "N = {}. Percentages are of N; M = mean, SD = sample standard deviation.",
            t.n
        ),
    }
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

/// The "Table 1": a row for N, then for each attribute its summary row(s), named as the
/// study's `[participants]` section says.
///
/// Keys: `attribute`, `value` (the category as written, `(missing)`, or empty for a numeric
/// summary), `n`, `percent` (of N, one decimal), `min`, `max`, `mean`, `sd` (sample SD, two
/// decimals); people see `Characteristic` ("Age", "Gender: Female") and
/// `n (%) or range, M (SD)` ("range 33–60 years, M = 47 (SD = 8.4)") instead.
pub fn summary_table(t: &Table1) -> Table {
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
    let null = Value::Null;
    table.push(vec![
        json!("Participants"),
        json!(format!("N = {}", t.n)),
        json!("participants"),
        json!(""),
        json!(t.n),
        null.clone(),
        null.clone(),
        null.clone(),
        null.clone(),
        null.clone(),
    ]);
    for a in &t.attributes {
        if let Some((x, shown)) = &a.numeric {
            table.push(vec![
                json!(a.label),
                json!(shown),
                json!(a.name),
                json!(""),
                json!(x.n),
                Value::Null,
                json!(x.min),
                json!(x.max),
                json!(round(x.mean, 2)),
                json!(x.sd.map(|v| round(v, 2))),
            ]);
        }
        for l in &a.lines {
            table.push(vec![
                json!(format!("{}: {}", a.label, l.label)),
                json!(l.shown),
                json!(a.name),
                json!(l.value),
                json!(l.n),
                json!(l.percent.map(|p| round(p, 1))),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ]);
        }
    }
    table
}
