//! `thematic agree`: inter-coder agreement per theme, and the disagreements to discuss.

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_agreement::{Estimate, Resample, Resampling};
use thematic_report::{
    AgreeData, AgreeOptions, AgreementRow, TableOptions, UnitKind, agreement_rows,
};
use thematic_study::Study;

use crate::cmd::paper_output::{PaperOutput, PaperTableFormat, Target};
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputFormat, Table};
use thematic_report::tables::{PaperColumn, PaperRow, PaperTable, fixed};

const EXAMPLES: &str = "\
Agreement of two or more coders, theme by theme: for each unit, did each coder apply the
theme? Rows give the units, how many each coder applied the theme to, percent agreement,
Cohen's κ (two coders), Krippendorff's α (nominal), Gwet's AC1 with bootstrap intervals,
and Scott's π, Fleiss' κ and Brennan–Prediger κ in CSV/JSON. The last row, \"(all themes)\",
pools every theme's units (each unit × theme one yes/no decision).

Units (--unit, default from `default_unit` in thematic.toml):
  turn       participant turns, plus any other turn someone coded; a theme applies when a
             coding of it overlaps the turn
  sentence   the sentences of those turns (Unicode sentence boundaries)
  char       every character of those turns, the NVivo way; the pooled rows weight each
             transcript by its length in characters (they are pooled over all characters),
             --by transcript gives each transcript's own values
  segment    each coded segment is a unit, matched when every other coder has a segment of
             the theme overlapping it by at least --overlap (intersection over union), the
             MAXQDA / QDA Miner way; reports percent agreement, and for the pooled row
             Brennan–Prediger κn with q = the number of themes in the table (MAXQDA's
             convention); κ, α and AC1 are not defined without units nobody coded

Conventions:
  - A coder with no coding in a transcript did not code it: their ratings of its units are
    missing (not \"not applied\"). Units need two ratings to count for agreement.
  - A group theme stands for its whole subtree. Orphaned codings are left out.
  - q = 2 (applied, not applied) for Brennan–Prediger and AC1.
  - When a statistic is 0/0 — e.g. neither coder ever applied the theme, so chance agreement
    is 1 — it is printed as n/a (JSON null) and the note says why; AC1 and Brennan–Prediger
    are 1 in that case.
  - Intervals: a percentile bootstrap that resamples whole transcripts (a cluster
    bootstrap; Davison & Hinkley 1997, §3.8; Field & Welsh 2007): each resample draws as
    many transcripts as were coded, with replacement, pools their units and computes every
    statistic again. Transcripts are what a study samples; the turns, sentences and
    characters of one interview are not independent, so resampling them gives intervals
    that narrow as the units get finer. With few transcripts (under about ten) the
    intervals are coarse. --resamples and --seed make them reproducible. Intervals are
    given for pooled rows only, not per transcript; the `resampling` column of CSV/JSON
    says which method was used.
  - --resample units keeps the older method: units are resampled as if independent, and α
    uses Krippendorff's bootstrap (Hayes & Krippendorff 2007). At character units it gives
    intervals far too narrow: on the sample study (`thematic demo`), κ over all themes is
    0.778 [0.774, 0.782] resampling characters and 0.778 [0.717, 0.835] resampling
    transcripts. Use it to compare with other programs, not to report.
  - Coders default to everyone with codings except `auto` (search suggestions).

--disagreements lists, theme by theme, the units (or character stretches, or segments)
where the coders differ: transcript, turn, speaker, the text, and who applied the theme —
the agenda of a consensus meeting. Use --format md or html for a handout.

Examples:
  $ thematic agree
  $ thematic agree --coders KW,AB --unit sentence --theme what-matters --theme empowerment
  $ thematic agree --unit char --by transcript --format csv --output char-agreement.csv
  $ thematic agree --unit segment --overlap 0.8
  $ thematic agree --unit turn --resample units --resamples 2000 --seed 7
  $ thematic agree --disagreements --theme what-matters --format html --output agenda.html";

/// `thematic agree`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// The coders to compare, comma-separated (default: all but `auto`).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub coders: Vec<String>,
    /// The unit of agreement.
    #[arg(long, value_enum)]
    pub unit: Option<Unit>,
    /// Only this theme (repeatable; a group stands for its subtree).
    #[arg(long, value_name = "ID")]
    pub theme: Vec<String>,
    /// Segment units: the least overlap (intersection over union, 0–1) that matches.
    #[arg(long, default_value_t = 0.9, value_name = "SHARE")]
    pub overlap: f64,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95, value_name = "LEVEL")]
    pub ci: f64,
    /// Bootstrap resamples (0: no intervals).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub resamples: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// What the bootstrap resamples: whole transcripts, or units as if independent.
    #[arg(long, value_enum, default_value_t = ResampleArg::Transcripts, value_name = "WHAT")]
    pub resample: ResampleArg,
    /// Also give each transcript's values.
    #[arg(long, value_enum, value_name = "transcript")]
    pub by: Option<By>,
    /// List the places where the coders differ instead of the statistics.
    #[arg(long)]
    pub disagreements: bool,
    /// On the terminal, every column (each coder's count, AC1, the intervals of every
    /// statistic, notes); the default is a compact table that fits 100 columns.
    #[arg(long)]
    pub wide: bool,
    #[command(flatten)]
    pub output: PaperOutput,
}

/// `--unit`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unit {
    /// Turns.
    Turn,
    /// Sentences.
    Sentence,
    /// Characters.
    Char,
    /// Coded segments.
    Segment,
}

/// `--resample`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResampleArg {
    /// Whole transcripts, with replacement (a cluster bootstrap), for every statistic.
    Transcripts,
    /// Units, as if independent; Krippendorff's bootstrap for α.
    Units,
}

impl ResampleArg {
    fn resample(self) -> Resample {
        match self {
            ResampleArg::Transcripts => Resample::Clusters,
            ResampleArg::Units => Resample::Units,
        }
    }
}

/// The `resampling` cell: what the row's intervals resampled, empty without intervals.
fn resampling_name(r: Option<Resample>) -> &'static str {
    match r {
        Some(Resample::Clusters) => "transcripts",
        Some(Resample::Units) => "units",
        None => "",
    }
}

/// `--by`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// One row per transcript and theme.
    Transcript,
}

/// The agreement options `args` ask for in `study`, and the unit.
fn options(study: &Study, args: &Args) -> Result<(AgreeOptions, UnitKind)> {
    let unit = match args.unit {
        Some(Unit::Turn) => UnitKind::Turn,
        Some(Unit::Sentence) => UnitKind::Sentence,
        Some(Unit::Char) => UnitKind::Char,
        Some(Unit::Segment) => UnitKind::Segment,
        None => thematic_report::default_unit(study),
    };
    if !((0.0..=1.0).contains(&args.overlap) && 0.0 < args.ci && args.ci < 1.0) {
        return Err(CliError::user(
            "--overlap must be between 0 and 1 and --ci between 0 and 1 (e.g. 0.95)",
        ));
    }
    let coders = coders(study, &args.coders)?;
    let themes = themes(study, &args.theme)?;
    let options = AgreeOptions {
        coders,
        themes,
        unit,
        overlap: args.overlap,
        // Resampling transcripts needs the counts of each.
        by_transcript: !args.disagreements
            && (args.by.is_some()
                || (args.resample == ResampleArg::Transcripts && args.resamples > 0)),
        disagreements: args.disagreements,
        disagreement_text: args.disagreements,
    };
    Ok((options, unit))
}

/// The statistics table for `args` (what `thematic agree` prints), for the demo.
pub fn statistics_for(study: &Study, args: &Args) -> Result<Table> {
    let (options, _) = options(study, args)?;
    let data = thematic_report::agreement_data(study, &options)?;
    Ok(statistics(&data, args, &rows(&data, &options, args)))
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    // Refuse a file this command cannot write before computing anything.
    let format = args.output.format()?;
    if args.disagreements
        && matches!(
            format,
            PaperTableFormat::Docx | PaperTableFormat::Tex | PaperTableFormat::Xlsx
        )
    {
        return Err(CliError::user(
            "--disagreements is a list to discuss, not a paper table: it can write .txt, .csv, .json, .md or .html",
        )
        .hint("leave out --disagreements for the agreement table in Word, LaTeX or Excel"));
    }
    let study = ctx.study()?;
    let (options, unit) = options(&study, args)?;
    let data = thematic_report::agreement_data(&study, &options)?;
    if args.disagreements {
        let table = disagreements(&study, &data);
        let data_format = match args.output.target()? {
            Target::Data(f) => f,
            Target::Paper(_) => OutputFormat::Html,
        };
        args.output.write(&table.render(data_format)?)?;
        crate::cmd::status(&format!(
            "{} disagreement(s) between {} over {} transcript(s), {} units",
            data.disagreements.len(),
            data.coders.join(", "),
            data.transcripts,
            options.unit.as_str()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let rows = rows(&data, &options, args);
    args.output.emit(
        || statistics(&data, args, &rows),
        || statistics_paper(&study, &data, &options, args, &rows),
    )?;
    let intervals = match args.resample {
        _ if args.resamples == 0 || unit == UnitKind::Segment => "",
        ResampleArg::Transcripts => "; intervals resample transcripts",
        ResampleArg::Units => "; intervals resample units as if independent",
    };
    crate::cmd::status(&format!(
        "{} coders ({}), {} units, {} transcript(s){}{intervals}",
        data.coders.len(),
        data.coders.join(", "),
        options.unit.as_str(),
        data.transcripts,
        if unit == UnitKind::Char {
            "; pooled rows are over all characters (length-weighted)"
        } else {
            ""
        }
    ));
    Ok(ExitCode::SUCCESS)
}

fn coders(study: &Study, asked: &[String]) -> Result<Vec<String>> {
    let all = study.coders()?;
    let coders: Vec<String> = if asked.is_empty() {
        all.iter()
            .filter(|c| *c != thematic_study::SUGGESTION_CODER)
            .cloned()
            .collect()
    } else {
        for c in asked {
            if !all.contains(c) {
                return Err(thematic_study::StudyError::unknown_coder(c, &all).into());
            }
        }
        asked.to_vec()
    };
    if coders.len() < 2 {
        return Err(CliError::user(format!(
            "agreement needs two coders; {} chosen, and this study has codings by {}",
            coders.len(),
            if all.is_empty() {
                "nobody".to_string()
            } else {
                all.join(", ")
            }
        ))
        .hint("each coder codes the same transcripts blind, e.g. `thematic code … --coder AB`"));
    }
    Ok(coders)
}

fn themes(study: &Study, asked: &[String]) -> Result<Vec<String>> {
    let book = study.codebook()?;
    if asked.is_empty() {
        return Ok(book.current().codable().map(|e| e.id.clone()).collect());
    }
    crate::cmd::exports::check_themes(study, asked)?;
    Ok(asked.to_vec())
}

/// A column of the statistics table: JSON key, header, and how to read it off a row.
type Column<T> = (&'static str, &'static str, T);
/// Reads an estimate (with its interval) off a row.
type EstimateOf = fn(&AgreementRow) -> &Estimate;
/// Reads a point estimate off a row.
type PointOf = fn(&AgreementRow) -> Option<f64>;

/// The estimates shown with intervals: JSON key, column header and the row's estimate.
const ESTIMATES: [Column<EstimateOf>; 4] = [
    ("percent_agreement", "% agree", |r| &r.percent_agreement),
    ("cohen_kappa", "κ", |r| &r.cohen_kappa),
    ("krippendorff_alpha", "α", |r| &r.krippendorff_alpha),
    ("gwet_ac1", "AC1", |r| &r.gwet_ac1),
];

/// The point estimates without intervals: JSON key, column header and the row's value.
const POINTS: [Column<PointOf>; 3] = [
    ("scott_pi", "π", |r| r.scott_pi),
    ("fleiss_kappa", "Fleiss κ", |r| r.fleiss_kappa),
    ("brennan_prediger", "BP κ", |r| r.brennan_prediger),
];

/// The rows of the agreement table `args` ask for.
fn rows(data: &AgreeData, options: &AgreeOptions, args: &Args) -> Vec<AgreementRow> {
    let resampling = (args.resamples > 0).then_some(Resampling {
        resamples: args.resamples,
        seed: args.seed,
    });
    agreement_rows(
        data,
        options,
        &TableOptions {
            resampling,
            confidence: args.ci,
            resample: args.resample.resample(),
            transcript_rows: args.by.is_some(),
        },
    )
}

fn statistics(data: &AgreeData, args: &Args, rows: &[AgreementRow]) -> Table {
    let mut table = statistics_table(data, args.by.is_some());
    for r in rows {
        table.push_named(cells(r, &data.coders));
    }
    let terminal = matches!(args.output.format(), Ok(PaperTableFormat::Table));
    if terminal && !args.wide {
        // Compact: theme, units, % agree, κ with its interval, α (about 75 columns for
        // theme ids of 26 characters); `--wide` shows the rest.
        let mut hidden: Vec<String> = [
            "percent_agreement_shown",
            "krippendorff_alpha_shown",
            "gwet_ac1_shown",
            "note",
        ]
        .map(String::from)
        .to_vec();
        hidden.extend(data.coders.iter().map(|c| format!("applied_{c}")));
        let hidden: Vec<&str> = hidden.iter().map(String::as_str).collect();
        table = table.also_machine_only(&hidden);
    } else {
        table = table.also_machine_only(&["percent_point", "alpha_point"]);
    }
    table
}

/// The agreement table as a paper prints it: a row per theme (its label) over every
/// transcript (and each transcript's rows first with `--by transcript`), the units,
/// percent agreement as a percentage, κ, α and AC1 to two decimals with their intervals
/// when computed; a note naming each statistic, the unit of analysis and how the intervals
/// were computed.
fn statistics_paper(
    study: &Study,
    data: &AgreeData,
    options: &AgreeOptions,
    args: &Args,
    rows: &[AgreementRow],
) -> PaperTable {
    let book = study.codebook().ok();
    let label = |id: &str| {
        book.as_ref()
            .and_then(|b| b.get(id))
            .map_or_else(|| id.to_string(), |e| e.label.clone())
    };
    let by = args.by.is_some();
    let ci = |e: &Estimate, percent: bool| -> String {
        let f = |x: f64| {
            if percent {
                fixed(x * 100.0, 1)
            } else {
                fixed(x, 2)
            }
        };
        match (e.value, e.interval) {
            (None, _) => "n/a".into(),
            // The interval under the value keeps the columns narrow.
            (Some(v), Some((lo, hi))) if percent => {
                format!("{}%\n[{}, {}]", f(v), f(lo), f(hi))
            }
            (Some(v), None) if percent => format!("{}%", f(v)),
            (Some(v), Some((lo, hi))) => format!("{}\n[{}, {}]", f(v), f(lo), f(hi)),
            (Some(v), None) => f(v),
        }
    };
    let mut columns = vec![PaperColumn::text("Theme", 5)];
    if by {
        columns.push(PaperColumn::text("Transcript", 2));
    }
    columns.extend([
        PaperColumn::number("Units", 1),
        PaperColumn::figures("Agreement"),
        PaperColumn::figures("κ"),
        PaperColumn::figures("α"),
        PaperColumn::figures("AC1"),
    ]);
    let mut table_rows = Vec::new();
    for r in rows {
        let theme = if r.theme == thematic_report::ALL_THEMES {
            "All themes (pooled)".to_string()
        } else {
            label(&r.theme)
        };
        let mut line = vec![theme];
        if by {
            line.push(if r.transcript.is_empty() {
                "All".into()
            } else {
                r.transcript.clone()
            });
        }
        line.extend([
            r.units.to_string(),
            ci(&r.percent_agreement, true),
            ci(&r.cohen_kappa, false),
            ci(&r.krippendorff_alpha, false),
            ci(&r.gwet_ac1, false),
        ]);
        table_rows.push(PaperRow::Cells(line));
    }
    let unit = match options.unit {
        UnitKind::Turn => {
            "a turn (participant turns and any other turn someone coded); a theme applies to a turn when a coding of it overlaps the turn"
        }
        UnitKind::Sentence => "a sentence of those turns",
        UnitKind::Char => {
            "a character of those turns (pooled rows weight each transcript by its length)"
        }
        UnitKind::Segment => {
            "a coded segment, matched when the other coders have a segment of the same theme overlapping it enough"
        }
    };
    let kappa = if data.coders.len() > 2 {
        "Conger's κ (Cohen's κ for more than two coders)"
    } else {
        "κ = Cohen's κ"
    };
    let intervals = rows.iter().any(|r| r.resampling.is_some());
    let how = if intervals {
        format!(
            " Brackets: {}% confidence intervals from {} bootstrap resamples of {} (seed {}).",
            fixed(args.ci * 100.0, 0),
            args.resamples,
            match args.resample {
                ResampleArg::Transcripts => "whole transcripts",
                ResampleArg::Units => "units, as if independent",
            },
            args.seed
        )
    } else {
        String::new()
    };
    PaperTable {
        caption: "Inter-coder agreement".into(),
        columns,
        rows: table_rows,
        note: format!(
            "Coders: {} over {} transcript(s). The unit of analysis is {unit}; Units counts them. \
             Agreement = percent agreement, the share of units on which the coders agree that \
             the theme applies or does not; {kappa}; α = Krippendorff's α (nominal); AC1 = \
             Gwet's AC1.{how}",
            data.coders.join(", "),
            data.transcripts
        ),
    }
}

/// The columns of the statistics table: those for machines (CSV, JSON) and those for people.
fn statistics_table(data: &AgreeData, transcript_rows: bool) -> Table {
    let mut cols: Vec<(String, String)> = vec![
        ("theme".into(), "Theme".into()),
        ("transcript".into(), "Transcript".into()),
        ("units".into(), "Units".into()),
        ("pairable_units".into(), "Pairable".into()),
    ];
    for c in &data.coders {
        cols.push((format!("applied_{c}"), format!("{c} applied")));
    }
    // Each estimate has machine columns (value, low, high) and one column for people,
    // "0.812 [0.771, 0.850]".
    let mut machine: Vec<String> = ["pairable_units"].map(String::from).to_vec();
    machine.extend(POINTS.iter().map(|(key, _, _)| key.to_string()));
    let mut human: Vec<String> = Vec::new();
    for (key, head, _) in ESTIMATES {
        cols.push((key.into(), head.into()));
        cols.push((format!("{key}_low"), format!("{head} low")));
        cols.push((format!("{key}_high"), format!("{head} high")));
        cols.push((format!("{key}_shown"), head.into()));
        machine.extend([key.to_string(), format!("{key}_low"), format!("{key}_high")]);
        human.push(format!("{key}_shown"));
    }
    for (key, head, _) in POINTS {
        cols.push((key.into(), head.into()));
    }
    // The compact terminal table's points (see `statistics`).
    cols.insert(
        cols.iter()
            .position(|(k, _)| k == "percent_agreement")
            .unwrap_or(0),
        ("percent_point".into(), "% agree".into()),
    );
    cols.push(("alpha_point".into(), "α".into()));
    human.extend(["percent_point".to_string(), "alpha_point".to_string()]);
    cols.push(("resampling".into(), "Resampled".into()));
    machine.push("resampling".into());
    cols.push(("note".into(), "Note".into()));
    if !transcript_rows {
        machine.push("transcript".into());
    }
    let col_refs: Vec<(&str, &str)> = cols.iter().map(|(k, h)| (k.as_str(), h.as_str())).collect();
    let machine: Vec<&str> = machine.iter().map(String::as_str).collect();
    let human: Vec<&str> = human.iter().map(String::as_str).collect();
    Table::new(&col_refs)
        .machine_only(&machine)
        .human_only(&human)
        .titled("Inter-coder agreement")
}

/// A row's cells, by column key.
fn cells(r: &AgreementRow, coders: &[String]) -> Vec<(String, Value)> {
    let mut c: Vec<(String, Value)> = vec![
        ("theme".into(), json!(r.theme)),
        ("transcript".into(), json!(r.transcript)),
        ("units".into(), json!(r.units)),
        ("pairable_units".into(), json!(r.pairable_units)),
    ];
    for (coder, n) in coders.iter().zip(&r.applied) {
        c.push((format!("applied_{coder}"), json!(n)));
    }
    for (key, _, estimate) in ESTIMATES {
        let e = estimate(r);
        c.push((key.into(), round(e.value)));
        c.push((format!("{key}_low"), round(e.interval.map(|i| i.0))));
        c.push((format!("{key}_high"), round(e.interval.map(|i| i.1))));
        let people = if key == "percent_agreement" {
            shown_percent(e)
        } else {
            shown(e)
        };
        c.push((format!("{key}_shown"), json!(people)));
    }
    for (key, _, value) in POINTS {
        c.push((key.into(), round(value(r))));
    }
    c.push((
        "percent_point".into(),
        json!(r.percent_agreement.value.map_or("n/a".into(), percent)),
    ));
    c.push((
        "alpha_point".into(),
        json!(
            r.krippendorff_alpha
                .value
                .map_or("n/a".into(), |v| format!("{v:.2}"))
        ),
    ));
    c.push(("resampling".into(), json!(resampling_name(r.resampling))));
    c.push(("note".into(), json!(r.note)));
    c
}

fn round(x: Option<f64>) -> Value {
    json!(thematic_report::round4(x))
}

/// The estimate as people read it: `0.812 [0.771, 0.850]`, or `n/a`.
fn shown(e: &Estimate) -> String {
    match (e.value, e.interval) {
        (None, _) => "n/a".into(),
        (Some(v), Some((lo, hi))) => format!("{v:.3} [{lo:.3}, {hi:.3}]"),
        (Some(v), None) => format!("{v:.3}"),
    }
}

/// A proportion as a percentage to one decimal: `0.996` → `99.6%`.
fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// Percent agreement as people read it: `99.6% [99.1, 100.0]`, or `n/a`.
fn shown_percent(e: &Estimate) -> String {
    match (e.value, e.interval) {
        (None, _) => "n/a".into(),
        (Some(v), Some((lo, hi))) => {
            format!("{} [{:.1}, {:.1}]", percent(v), lo * 100.0, hi * 100.0)
        }
        (Some(v), None) => percent(v),
    }
}

fn disagreements(study: &Study, data: &AgreeData) -> Table {
    let book = study.codebook().ok();
    let mut table = Table::new(&[
        ("theme", "Theme"),
        ("label", "Label"),
        ("transcript", "Transcript"),
        ("turn", "Turn"),
        ("speaker", "Speaker"),
        ("start", "Start"),
        ("end", "End"),
        ("text", "Text"),
        ("applied_by", "Applied by"),
        ("not_applied_by", "Not applied by"),
    ])
    .machine_only(&["label", "start", "end"])
    .titled("Disagreements to discuss");
    for d in &data.disagreements {
        let who = |want: bool| d.coders_who(&data.coders, want).join(", ");
        let label = book
            .as_ref()
            .and_then(|b| b.get(&d.theme))
            .map(|e| e.label.clone())
            .unwrap_or_default();
        table.push(vec![
            json!(d.theme),
            json!(label),
            json!(d.transcript),
            json!(d.turn),
            json!(d.speaker),
            json!(d.start),
            json!(d.end),
            json!(d.text),
            json!(who(true)),
            json!(who(false)),
        ]);
    }
    table
}
