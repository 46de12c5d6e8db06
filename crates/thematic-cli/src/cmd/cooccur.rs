//! `thematic cooccur`: how often two themes are coded in the same turn or transcript.

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_report::tables::{CooccurUnit, Cooccurrence, PaperColumn, PaperRow, PaperTable};

use crate::cmd::exports::CoderArgs;
use crate::cmd::paper_output::PaperOutput;
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{Table, round};

const EXAMPLES: &str = "\
One row per pair of codable themes (codebook order): the units with each theme, the units
with both, and the Jaccard index, both ÷ (units with A + units with B − both): the share of
the units with either theme that have both (0 = never together, 1 = always together; empty
when neither occurs).

A unit is a turn (the turn each coding lies in) or, with --unit transcript, a whole
transcript. --window N (turns only) lets a coding mark N turns either side of its own too,
so themes coded up to N turns apart co-occur; it parses the transcripts to know where each
ends. Codings of groups, retired themes and orphaned codings are left out. Whose codings:
as for `thematic quotes`.

Examples:
  $ thematic cooccur
  $ thematic cooccur --unit transcript --all-coders
  $ thematic cooccur --window 2 --format csv --output cooccur.csv
  $ thematic cooccur --output cooccur.docx    (also .tex, .xlsx: as a paper prints it)
  $ thematic plot cooccur --output cooccur.png";

/// `--unit`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unit {
    /// A turn.
    Turn,
    /// A whole transcript.
    Transcript,
}

/// The unit options shared with `thematic plot cooccur`.
#[derive(Debug, Clone, clap::Args)]
pub struct UnitArgs {
    /// The unit two themes co-occur in.
    #[arg(long, value_enum, default_value_t = Unit::Turn)]
    pub unit: Unit,
    /// Turns either side of a coding that count as together with it (turn units only).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub window: usize,
}

impl UnitArgs {
    /// The unit and window, refusing a window with transcript units.
    pub fn get(&self) -> Result<(CooccurUnit, usize)> {
        match self.unit {
            Unit::Turn => Ok((CooccurUnit::Turn, self.window)),
            Unit::Transcript if self.window > 0 => Err(CliError::user(
                "--window counts turns, so it needs --unit turn",
            )),
            Unit::Transcript => Ok((CooccurUnit::Transcript, 0)),
        }
    }
}

/// `thematic cooccur`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub coders: CoderArgs,
    #[command(flatten)]
    pub unit: UnitArgs,
    #[command(flatten)]
    pub output: PaperOutput,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let (unit, window) = args.unit.get()?;
    // Refuse a file this command cannot write before reading anything.
    args.output.format()?;
    let study = ctx.study()?;
    let selection = args.coders.selection(ctx, &study)?;
    let c = thematic_report::tables::cooccurrence(&study, &selection, unit, window)?;
    args.output
        .emit(|| cooccur_table(&c), || cooccur_paper(&c))?;
    crate::cmd::status(&format!(
        "{} unit(s) ({}s{}) with a theme, {}",
        c.total_units,
        unit.as_str(),
        if window > 0 {
            format!(", window ±{window}")
        } else {
            String::new()
        },
        c.source
    ));
    Ok(ExitCode::SUCCESS)
}

/// One row per pair of themes. Keys: `theme_a`, `label_a`, `theme_b`, `label_b`,
/// `units_a`, `units_b`, `both`, `jaccard` (four decimals, `null` when neither occurs).
pub fn cooccur_table(c: &Cooccurrence) -> Table {
    let mut table = Table::new(&[
        ("theme_a", "Theme A id"),
        ("label_a", "Theme A"),
        ("theme_b", "Theme B id"),
        ("label_b", "Theme B"),
        ("units_a", "Units A"),
        ("units_b", "Units B"),
        ("both", "Both"),
        ("jaccard", "Jaccard"),
    ])
    .machine_only(&["theme_a", "theme_b"])
    .titled("Theme co-occurrence");
    for (a, b) in c.pairs() {
        table.push(vec![
            json!(c.themes[a].id),
            json!(c.themes[a].label),
            json!(c.themes[b].id),
            json!(c.themes[b].label),
            json!(c.units[a]),
            json!(c.units[b]),
            json!(c.both[a][b]),
            c.jaccard(a, b).map_or(Value::Null, |j| json!(round(j, 4))),
        ]);
    }
    table
}

/// The co-occurrence table as a paper prints it: one row per pair of themes that occur
/// together at least once (pairs never together are counted in the note), the units with
/// each, with both, and the Jaccard index to two decimals; a note saying what a unit is and
/// how the index is computed.
pub fn cooccur_paper(c: &Cooccurrence) -> PaperTable {
    let unit = match c.unit {
        CooccurUnit::Turn if c.window > 0 => format!(
            "a turn, with a coding marking {} turn(s) either side of its own",
            c.window
        ),
        CooccurUnit::Turn => "a turn".to_string(),
        CooccurUnit::Transcript => "a transcript".to_string(),
    };
    let units = match c.unit {
        CooccurUnit::Turn => "turns",
        CooccurUnit::Transcript => "transcripts",
    };
    let mut rows = Vec::new();
    let mut apart = 0;
    for (a, b) in c.pairs() {
        if c.both[a][b] == 0 {
            apart += 1;
            continue;
        }
        rows.push(PaperRow::Cells(vec![
            c.themes[a].label.clone(),
            c.themes[b].label.clone(),
            c.units[a].to_string(),
            c.units[b].to_string(),
            c.both[a][b].to_string(),
            c.jaccard(a, b)
                .map_or(String::new(), |j| thematic_report::tables::fixed(j, 2)),
        ]));
    }
    PaperTable {
        caption: "Theme co-occurrence".into(),
        columns: vec![
            PaperColumn::text("Theme A", 4),
            PaperColumn::text("Theme B", 4),
            PaperColumn::number("A", 1),
            PaperColumn::number("B", 1),
            PaperColumn::number("Both", 1),
            PaperColumn::number("Jaccard", 1),
        ],
        rows,
        note: format!(
            "A unit is {unit}; A, B and Both count the {units} coded with theme A, theme B and \
             both, of {} {units} with a theme. Jaccard = Both / (A + B − Both), 0 when never \
             together, 1 when always. {apart} pair(s) of themes never together are left out. \
             Codings: {}.",
            c.total_units, c.source
        ),
    }
}
