//! `thematic matrix`: themes × participants, with each theme's prevalence.

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_report::tables::ThemeMatrix;

use crate::cmd::exports::{CoderArgs, TableOutput};
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
    pub output: TableOutput,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let selection = args.coders.selection(ctx, &study)?;
    let m = thematic_report::tables::theme_matrix(&study, &selection)?;
    args.output.emit(&matrix_table(&m, args.cells))?;
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
