//! `thematic matrix`: themes × participants, with each theme's prevalence.

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_report::tables::{PaperColumn, PaperRow, PaperTable, ThemeMatrix};

use crate::cmd::exports::CoderArgs;
use crate::cmd::paper_output::PaperOutput;
use crate::context::Context;
use crate::error::Result;
use crate::output::{Table, round};

const EXAMPLES: &str = "\
A row per codable theme (codebook order) and a column per participant (every transcript,
coded or not, P2 before P10). Each cell is the number of the theme's codings in that
participant's transcript, or with --cells quotes the coded words themselves, each as
\"[turn] words\" (a framework matrix). Prevalence is the number of participants with at least
one coding of the theme, out of N, every participant: \"12 of 18 (67%)\". Codings of groups,
retired themes and orphaned codings are left out. Whose codings: as for `thematic quotes`
(the acting coder's unless --coder, --consensus or --all-coders). Reads codings and the
codebook only.

Examples:
  $ thematic matrix
  $ thematic matrix --all-coders --format csv --output matrix.csv
  $ thematic matrix --cells quotes --coder KW --format html --output framework.html
  $ thematic matrix --output matrix.docx      (also .tex, .xlsx: as a paper prints it)
  $ thematic plot matrix --output matrix.svg";

/// What the cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cells {
    /// The number of codings.
    Count,
    /// The coded words, each with its turn.
    Quotes,
}

/// `thematic matrix`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub coders: CoderArgs,
    /// What each cell holds.
    #[arg(long, value_enum, default_value_t = Cells::Count)]
    pub cells: Cells,
    #[command(flatten)]
    pub output: PaperOutput,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    // Refuse a file this command cannot write before reading anything.
    args.output.format()?;
    let study = ctx.study()?;
    let selection = args.coders.selection(ctx, &study)?;
    let m = thematic_report::tables::theme_matrix(&study, &selection)?;
    args.output.emit(
        || matrix_table(&m, args.cells),
        || matrix_paper(&m, args.cells),
    )?;
    crate::cmd::status(&format!(
        "{} theme(s) × {} participant(s), {}",
        m.rows.len(),
        m.participants.len(),
        m.source
    ));
    Ok(ExitCode::SUCCESS)
}

/// The matrix as a table. Keys: `theme`, `label`, `group`, one per participant (its id),
/// `codings` (in the row), `prevalence` (participants with the theme), `participants` (N)
/// and `prevalence_percent`; people see the label, the participants, `Codings` and
/// `Prevalence` ("12 of 18 (67%)").
pub fn matrix_table(m: &ThemeMatrix, cells: Cells) -> Table {
    let mut cols: Vec<(&str, &str)> = vec![
        ("theme", "Theme id"),
        ("label", "Theme"),
        ("group", "Group"),
    ];
    cols.extend(m.participants.iter().map(|p| (p.as_str(), p.as_str())));
    cols.extend([
        ("codings", "Codings"),
        ("prevalence", "Participants with the theme"),
        ("participants", "N"),
        ("prevalence_percent", "%"),
        ("prevalence_shown", "Prevalence"),
    ]);
    let mut table = Table::new(&cols)
        .machine_only(&[
            "theme",
            "group",
            "prevalence",
            "participants",
            "prevalence_percent",
        ])
        .human_only(&["prevalence_shown"])
        .titled(match cells {
            Cells::Count => "Themes by participant",
            Cells::Quotes => "Framework matrix",
        });
    let n = m.participants.len();
    for r in &m.rows {
        let mut row = vec![
            json!(r.theme.id),
            json!(r.theme.label),
            r.group.as_ref().map_or(Value::Null, |g| json!(g.id)),
        ];
        for cell in &r.cells {
            row.push(match cells {
                Cells::Count => json!(cell.len()),
                Cells::Quotes => json!(
                    cell.iter()
                        .map(|q| format!("[{}] {}", q.turn, q.text))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            });
        }
        let k = r.prevalence();
        let pct = (n > 0).then(|| round(k as f64 * 100.0 / n as f64, 1));
        row.extend([
            json!(r.total()),
            json!(k),
            json!(n),
            json!(pct),
            json!(match pct {
                Some(p) => format!("{k} of {n} ({p:.0}%)"),
                None => format!("{k} of {n}"),
            }),
        ]);
        table.push(row);
    }
    table
}

/// The matrix as a paper prints it: a row per theme under its group's heading, a column per
/// participant, the codings in the row and the prevalence ("10 (56%)"), a note saying what
/// the cells count, N and whose codings. Wide matrices go on a landscape page in Word.
pub fn matrix_paper(m: &ThemeMatrix, cells: Cells) -> PaperTable {
    let n = m.participants.len();
    let counts = cells == Cells::Count;
    let mut columns = vec![PaperColumn::text("Theme", if counts { 6 } else { 3 })];
    columns.extend(m.participants.iter().map(|p| {
        if counts {
            PaperColumn::number(p.as_str(), 1)
        } else {
            PaperColumn::text(p.as_str(), 4)
        }
    }));
    columns.push(PaperColumn::number("n", 1));
    columns.push(PaperColumn::text("Prevalence", 3));
    let mut rows = Vec::new();
    let mut group: Option<&str> = None;
    for r in &m.rows {
        let g = r.group.as_ref().map(|g| g.label.as_str());
        if g != group {
            if let Some(label) = g {
                rows.push(PaperRow::Group(label.to_string()));
            }
            group = g;
        }
        let mut line = vec![r.theme.label.clone()];
        for cell in &r.cells {
            line.push(match cells {
                Cells::Count => cell.len().to_string(),
                Cells::Quotes => cell
                    .iter()
                    .map(|q| format!("[{}] {}", q.turn, q.text))
                    .collect::<Vec<_>>()
                    .join("\n"),
            });
        }
        let k = r.prevalence();
        line.push(r.total().to_string());
        line.push(if n > 0 {
            format!(
                "{k} ({}%)",
                thematic_report::tables::fixed(k as f64 * 100.0 / n as f64, 0)
            )
        } else {
            k.to_string()
        });
        // Not indented under the group's heading: a label that wraps would start its
        // second line further left than its first.
        rows.push(PaperRow::Cells(line));
    }
    let what = match cells {
        Cells::Count => {
            "Each cell is the number of codings of the theme in what the participant says; n is \
             the theme's codings"
        }
        Cells::Quotes => {
            "Each cell holds the words coded with the theme in what the participant says, each \
             after its turn number; n is the theme's codings"
        }
    };
    PaperTable {
        caption: match cells {
            Cells::Count => "Themes by participant".into(),
            Cells::Quotes => "Framework matrix".into(),
        },
        columns,
        rows,
        note: format!(
            "{what}. Prevalence is the number (%) of participants with at least one coding of \
             the theme, of N = {n}. Codings: {}.",
            m.source
        ),
    }
}
