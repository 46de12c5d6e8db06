//! `thematic anonymise scan`: every transcript scanned for identifiers, the candidates
//! merged into `anonymisation/review.csv`, a summary by kind printed.

use std::process::ExitCode;

use serde_json::json;
use thematic_anonymise::{Decision, Kind, Review};

use crate::cmd::status;
use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, Table, emit_table};

const EXAMPLES: &str = "\
Reads every transcript and finds candidate identifiers:
  - speakers' and participants' names (speaker labels, participants.csv: the speaker
    column and columns such as `name`), which become the participant's id ([P03]);
  - people's names: after a title (Dr, Mrs, Mr, Ms, Miss, Prof), after a relation
    (\"my husband Tom\"), after \"called\", or on the shipped first-name and surname lists;
  - places and organisations: the study's own list (anonymisation/terms.csv, columns
    term,kind), the shipped list of UK and US places, and capitalised runs ending in
    Hospital, Surgery, Road, Street, …;
  - e-mail and web addresses, UK and US phone numbers, UK postcodes, US ZIP codes, full
    dates and dates of birth, NHS numbers (check digit), National Insurance numbers
    (format and prefix rules) and other long numbers.
Placeholders already in the text ([Name 3], [Town], <redacted>) are left alone.

Writes anonymisation/review.csv (columns term,kind,rule,count,example,decision,
replacement,note): `replace` is prefilled for patterns and known names, `review` for
guesses from lists and capitals. Run it again after editing transcripts: your decisions,
replacements and notes stay, new terms are added, and terms no longer found stay with
count 0. Takes a few seconds per thousand transcripts (it parses every one).

Prints a summary by kind (columns kind, terms, found, new, replace, review, keep), or with
--list one row per term (term, kind, rule, count, decision, replacement, example).

Example:
  $ thematic anonymise scan
   Kind          Terms  Found  New  Replace  Review  Keep
   name             14     52   14        6       8     0
   place             3      9    3        1       2     0
   phone             1      1    1        1       0     0
  anonymisation/review.csv: 18 term(s), 18 new; 8 replace, 10 review, 0 keep
  $ thematic anonymise scan --list --format csv --output candidates.csv";

/// `thematic anonymise scan`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// One row per term instead of the summary by kind.
    #[arg(long)]
    pub list: bool,
    /// Who is scanning (recorded in the change log).
    #[arg(long)]
    pub coder: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.coder.as_deref(), &study);
    let previous = study.read_anonymisation_review()?;
    let result = study.rescan_identifiers(&who)?;
    for (id, why) in &result.skipped {
        status(&format!("warning: transcript {id} skipped: {why}"));
    }
    let table = if args.list {
        list(&result.review)
    } else {
        summary(&previous, &result.review)
    };
    emit_table(&args.output, &table)?;
    let (replace, review, keep) = result.review.decided();
    status(&format!(
        "{}: {} term(s) in {} transcript(s), {} new{}; {replace} replace, {review} review, \
         {keep} keep",
        study.shown(&study.anonymisation_review_path()),
        result.review.len(),
        result.transcripts,
        result.new_terms,
        if result.vanished > 0 {
            format!(", {} no longer found (kept, count 0)", result.vanished)
        } else {
            String::new()
        },
    ));
    if review > 0 {
        status(
            "next: read the `review` rows (guesses) and decide replace or keep, then \
             `thematic anonymise apply --dry-run`",
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One row per kind that has terms: terms, occurrences, new terms, decisions.
fn summary(previous: &Review, review: &Review) -> Table {
    let mut table = Table::new(&[
        ("kind", "Kind"),
        ("terms", "Terms"),
        ("found", "Found"),
        ("new", "New"),
        ("replace", "Replace"),
        ("review", "Review"),
        ("keep", "Keep"),
    ]);
    for kind in Kind::ALL {
        let rows: Vec<_> = review.rows().iter().filter(|r| r.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        let n = |d: Decision| rows.iter().filter(|r| r.decision == d).count();
        table.push(vec![
            json!(kind.as_str()),
            json!(rows.len()),
            json!(rows.iter().map(|r| r.count).sum::<usize>()),
            json!(
                rows.iter()
                    .filter(|r| previous.get(&r.term).is_none())
                    .count()
            ),
            json!(n(Decision::Replace)),
            json!(n(Decision::Review)),
            json!(n(Decision::Keep)),
        ]);
    }
    table
}

/// Every term, as in review.csv.
fn list(review: &Review) -> Table {
    let mut table = Table::new(&[
        ("term", "Term"),
        ("kind", "Kind"),
        ("rule", "Rule"),
        ("count", "Count"),
        ("decision", "Decision"),
        ("replacement", "Replacement"),
        ("example", "Example"),
    ]);
    for r in review.rows() {
        table.push(vec![
            json!(r.term),
            json!(r.kind.as_str()),
            json!(r.rule.as_str()),
            json!(r.count),
            json!(r.decision.as_str()),
            json!(r.replacement),
            json!(r.example),
        ]);
    }
    table
}
