//! `thematic status`: where the analysis stands, per coder and for the study, and
//! `--mark-read` for transcripts read outside the browser.

use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_study::{Progress, Study};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, OutputFormat, Table, emit};

const EXAMPLES: &str = "\
Where the analysis stands, counted from the study's files (nothing is scored):

  per coder (the suggestion coder `auto` left out): transcripts read to their last turn and
  started, transcripts coded (at least one coding), turns coded, codings, memos and entries
  of the reflexive journal;
  for the study: codes, codes still unsorted (in the Unsorted group or at the top level),
  candidate themes, defined themes (`defined = true`), codes in Miscellaneous, codes shared
  between themes, snapshots of the map (the latest named), and the phase these point to.

\"Read\" is recorded, not guessed: the browser workspace (`thematic serve`) notes the furthest
turn each coder scrolls to in reading/<coder>.csv, and a transcript counts as read when that
is its last turn. For transcripts read on paper or in another program, --mark-read records
them read for the acting coder (--coder, else THEMATIC_CODER, else default_coder) and logs
`read` in changelog.csv; when an id is not in the study nothing is marked.

Output: a phase line and two tables (coders; codes and themes). --format json gives one object
(keys: study, transcripts, transcripts_coded, transcripts_read, coders [coder,
transcripts_read, transcripts_started, transcripts_coded, turns_coded, codings, memos,
journal, last_read], themes [codes, unsorted, miscellaneous, shared, candidates, defined: each
{id, label, codes}], snapshots [count, latest {name, folder, recorded, coder}], phase [name,
summary]), the same as the browser's GET /api/status. --format csv and html give one long
table, a row per number: coder (empty for the study's), measure, value, of (the total it is
out of), detail. It reads the transcript and turn of every coding once: 0.25 s on 2,000
interviews with 600,000 codings.

Examples:
  $ thematic status
  Small study · coding: 12 of 18 transcripts coded
  ...
  $ thematic status --coder KW --format json
  $ thematic status --mark-read P3 P4 --coder KW
  $ thematic status --format csv --output progress.csv";

/// `thematic status`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Only this coder's row; with --mark-read, who read them.
    #[arg(long)]
    pub coder: Option<String>,
    /// Record these transcripts as read to the end by the acting coder (read outside the
    /// browser).
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub mark_read: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    if !args.mark_read.is_empty() {
        mark_read(ctx, args, &study)?;
    }
    let mut progress = study.progress()?;
    if let Some(coder) = &args.coder {
        let names: Vec<String> = progress.coders.iter().map(|c| c.coder.clone()).collect();
        if !names.contains(coder) {
            let close = thematic_codebook::closest(coder, names.iter().map(String::as_str));
            let hint = match (close, names.is_empty()) {
                (Some(c), _) => format!("did you mean \"{c}\"?"),
                (None, true) => "nobody has coded, read or written a memo yet".to_string(),
                (None, false) => format!("the coders are: {}", names.join(", ")),
            };
            return Err(CliError::user(format!(
                "\"{coder}\" has no codings, reading record or memos in this study"
            ))
            .hint(hint));
        }
        progress.coders.retain(|c| c.coder == *coder);
    }
    let bytes = match args.output.format {
        OutputFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&progress)?;
            v.push(b'\n');
            v
        }
        OutputFormat::Csv | OutputFormat::Html => {
            long_table(&progress).render(args.output.format)?
        }
        OutputFormat::Table | OutputFormat::Md => {
            let md = args.output.format == OutputFormat::Md;
            let mut out = if md {
                format!(
                    "**{}** · {}\n\n",
                    md_escape(&progress.study),
                    phase_line(&progress)
                )
            } else {
                format!(
                    "{} · {}\n\n",
                    crate::term::sanitize(&progress.study),
                    phase_line(&progress)
                )
            };
            out.push_str(&String::from_utf8_lossy(
                &coders_table(&progress).render(args.output.format)?,
            ));
            out.push('\n');
            out.push_str(&String::from_utf8_lossy(
                &themes_table(&progress).render(args.output.format)?,
            ));
            out.into_bytes()
        }
    };
    emit(&args.output, &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// Marks every transcript of `--mark-read` read by the acting coder, after checking that
/// each is in the study.
fn mark_read(ctx: &Context, args: &Args, study: &Study) -> Result<()> {
    let coder = crate::cmd::code::acting_coder(ctx, args.coder.as_deref(), study)?;
    for id in &args.mark_read {
        study.transcript_path(id)?;
    }
    for id in &args.mark_read {
        let done = study.mark_read(&coder, id)?;
        let id = crate::term::sanitize(id);
        crate::cmd::status(&if done.finished_now {
            format!("marked {id} read by {coder} ({} turns)", done.reading.turns)
        } else {
            format!("{id} was read by {coder} already; nothing changed")
        });
    }
    Ok(())
}

/// `coding: 12 of 18 transcripts coded`.
fn phase_line(p: &Progress) -> String {
    format!("{}: {}", p.phase.name, p.phase.summary)
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

/// One row per coder.
fn coders_table(p: &Progress) -> Table {
    let n = p.transcripts;
    let read = format!("Read (of {n})");
    let coded = format!("Coded (of {n})");
    let mut table = Table::new(&[
        ("coder", "Coder"),
        ("transcripts_read", &read),
        ("transcripts_started", "Started"),
        ("transcripts_coded", &coded),
        ("turns_coded", "Turns coded"),
        ("codings", "Codings"),
        ("memos", "Memos"),
        ("journal", "Journal"),
    ]);
    for c in &p.coders {
        table.push(vec![
            json!(c.coder),
            json!(c.transcripts_read),
            json!(c.transcripts_started),
            json!(c.transcripts_coded),
            json!(c.turns_coded),
            json!(c.codings),
            json!(c.memos),
            json!(c.journal),
        ]);
    }
    table
}

/// How many theme labels a cell of the table names.
const SHOWN: usize = 4;

/// The codes and themes, a row per number.
fn themes_table(p: &Progress) -> Table {
    let t = &p.themes;
    let mut table = Table::new(&[
        ("measure", "Codes and themes"),
        ("value", "Count"),
        ("detail", "Detail"),
    ]);
    // A few labels, so the table stays readable with sixty candidate themes.
    let labels = |v: &[thematic_study::ThemeRef]| {
        let mut shown: Vec<&str> = v.iter().take(SHOWN).map(|r| r.label.as_str()).collect();
        let more = v.len().saturating_sub(SHOWN);
        let more = format!("and {more} more (--format json lists them)");
        if v.len() > SHOWN {
            shown.push(&more);
        }
        shown.join(", ")
    };
    let rows: [(&str, usize, String); 7] = [
        ("Codes", t.codes, String::new()),
        (
            "Unsorted codes",
            t.unsorted,
            "in Unsorted or at the top level".into(),
        ),
        (
            "Candidate themes",
            t.candidates.len(),
            labels(&t.candidates),
        ),
        ("Defined themes", t.defined.len(), labels(&t.defined)),
        ("Codes in Miscellaneous", t.miscellaneous, String::new()),
        (
            "Shared codes",
            t.shared,
            if t.shared > 0 {
                "in more than one theme: resolve before defining".into()
            } else {
                String::new()
            },
        ),
        ("Snapshots", p.snapshots.count, latest(p)),
    ];
    for (measure, value, detail) in rows {
        table.push(vec![json!(measure), json!(value), json!(detail)]);
    }
    table
}

/// `latest: "first map", 2026-12-07 by KW`.
fn latest(p: &Progress) -> String {
    p.snapshots.latest.as_ref().map_or_else(String::new, |v| {
        format!(
            "latest: \"{}\", {} by {}",
            v.name,
            v.recorded.get(..10).unwrap_or(&v.recorded),
            v.coder
        )
    })
}

/// Every number as a row: `coder, measure, value, of, detail`.
fn long_table(p: &Progress) -> Table {
    let mut table = Table::new(&[
        ("coder", "Coder"),
        ("measure", "Measure"),
        ("value", "Value"),
        ("of", "Of"),
        ("detail", "Detail"),
    ])
    .titled(&format!("Progress: {}", p.study));
    let mut row = |coder: &str, measure: &str, value: Value, of: Value, detail: String| {
        table.push(vec![json!(coder), json!(measure), value, of, json!(detail)]);
    };
    let n = p.transcripts;
    row(
        "",
        "phase",
        json!(p.phase.name),
        Value::Null,
        p.phase.summary.clone(),
    );
    row("", "transcripts", json!(n), Value::Null, String::new());
    row(
        "",
        "transcripts_coded",
        json!(p.transcripts_coded),
        json!(n),
        String::new(),
    );
    row(
        "",
        "transcripts_read",
        json!(p.transcripts_read),
        json!(n),
        String::new(),
    );
    for c in &p.coders {
        for (measure, value, of) in [
            ("transcripts_read", c.transcripts_read, Some(n)),
            ("transcripts_started", c.transcripts_started, Some(n)),
            ("transcripts_coded", c.transcripts_coded, Some(n)),
            ("turns_coded", c.turns_coded, None),
            ("codings", c.codings, None),
            ("memos", c.memos, None),
            ("journal", c.journal, None),
        ] {
            row(&c.coder, measure, json!(value), json!(of), String::new());
        }
    }
    let t = &p.themes;
    let ids = |v: &[thematic_study::ThemeRef]| {
        v.iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    row("", "codes", json!(t.codes), Value::Null, String::new());
    row(
        "",
        "unsorted",
        json!(t.unsorted),
        json!(t.codes),
        String::new(),
    );
    row(
        "",
        "candidate_themes",
        json!(t.candidates.len()),
        Value::Null,
        ids(&t.candidates),
    );
    row(
        "",
        "defined_themes",
        json!(t.defined.len()),
        Value::Null,
        ids(&t.defined),
    );
    row(
        "",
        "miscellaneous",
        json!(t.miscellaneous),
        json!(t.codes),
        String::new(),
    );
    row("", "shared", json!(t.shared), json!(t.codes), String::new());
    row(
        "",
        "snapshots",
        json!(p.snapshots.count),
        Value::Null,
        latest(p),
    );
    table
}
