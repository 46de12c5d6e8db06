//! `thematic quotes`: illustrative quotes, theme by theme, for a paper's results section.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use thematic_report::quotes::{PARTICIPANT_FIELD, QuoteFormat, QuoteOptions, QuoteTable};

use crate::cmd::exports::{CoderArgs, check_attributes, check_participants, check_themes};
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::emit_to;

const EXAMPLES: &str = "\
Writes verbatim quotes theme by theme, in codebook order under the group headings, each
with its participant: the results section of a thematic analysis, or its quote table.

Whose codings: the acting coder's (THEMATIC_CODER, else default_coder), because coding is
blind; --coder C (or --coder A,B to pool several: a passage they coded identically is one
quote naming both), --consensus A,B (only the words all of them coded with the theme: the
overlap of their codings) or --all-coders (everyone but `auto`, pooled).

How quotes are chosen and ordered (the same study always gives the same table):
  - Orphaned codings and codings of retired or unknown themes are left out.
  - --theme (a group stands for the themes under it), --participant and --where filter
    first; then --trim; then --min-words/--max-words count the words as shown.
  - --per-theme N takes each theme's quotes in rounds: no participant gives a second quote
    before every participant with a quote of the theme has given one. Themes go in
    codebook order; in a round, participants quoted least so far in the table go first,
    then those with more quotes of the theme, then by id (P2 before P10). A participant's
    quotes go by most coders, then most words, then position.
  - Shown by participant (P2 before P10), then by position in the transcript.

Text is exactly as coded. --trim cuts a quote back to whole sentences of its turn and
writes … where words were left out (or where the sentence goes on, for a quote inside one
sentence). The attribution is the participant's id, or what --attribution names:
--attribution participant,gender,location gives \"P6, female, rural\". No other attribute of
any participant is written.

Formats (--format, else the --output file's extension; Markdown by default): md (headings
and block quotes), csv (formula-safe; --excel adds a byte-order mark), tex (a booktabs
longtable to \\input; needs \\usepackage{array,booktabs,longtable}), html (a standalone
page), docx, xlsx (both need --output) and json (keys: theme, theme_label, group,
group_label, participant, transcript, turn, start, end, words, text, attribution, coders).
Reads only codings, the codebook and participants.csv (--trim also parses the quoted
transcripts).

Identifiers accepted in anonymisation/review.csv but not yet applied are refused (nothing
is written; the error names each one's kind and quote): --anonymise writes their
replacements in this table only, --allow-identifiers writes them as they are.

Examples:
  $ thematic quotes
  $ thematic quotes --per-theme 3 --max-words 60 --trim --output quotes.docx
  $ thematic quotes --consensus KW,CG --theme the-approach --format tex -o quotes.tex
  $ thematic quotes --where location=rural,town --attribution participant,gender,location
  $ thematic quotes --coder KW --participant P6 --format csv --excel -o p6.csv";

/// `--format`: the quote table formats, as the study crate names and describes them.
fn quote_format() -> impl TypedValueParser<Value = QuoteFormat> {
    PossibleValuesParser::new(
        QuoteFormat::ALL.map(|f| PossibleValue::new(f.name()).help(f.description())),
    )
    .try_map(|name| QuoteFormat::from_name(&name).ok_or("not a quote format"))
}

/// `thematic quotes`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub coders: CoderArgs,
    /// At most N quotes per theme, spread across participants.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub per_theme: Option<u32>,
    /// Leave out quotes of fewer words.
    #[arg(long, value_name = "N")]
    pub min_words: Option<usize>,
    /// Leave out quotes of more words.
    #[arg(long, value_name = "N")]
    pub max_words: Option<usize>,
    /// Only this theme (repeatable; a group stands for the themes under it).
    #[arg(long, value_name = "ID")]
    pub theme: Vec<String>,
    /// Only this participant (repeatable).
    #[arg(long, value_name = "ID")]
    pub participant: Vec<String>,
    /// Only participants whose attribute (a participants.csv column) has one of the values
    /// (repeatable; every one must match).
    #[arg(long = "where", value_name = "ATTR=V[,V…]", value_parser = parse_where)]
    pub filters: Vec<(String, Vec<String>)>,
    /// Cut quotes back to whole sentences, marking left-out words with …
    #[arg(long)]
    pub trim: bool,
    /// What follows each quote: `participant` and participants.csv columns.
    #[arg(long, value_delimiter = ',', value_name = "FIELDS", default_value = PARTICIPANT_FIELD)]
    pub attribution: Vec<String>,
    /// File format (default: from the --output file's extension, else md).
    #[arg(long, short = 'f', value_parser = quote_format())]
    pub format: Option<QuoteFormat>,
    /// CSV: start with a byte-order mark, so Excel reads the file as UTF-8.
    #[arg(long)]
    pub excel: bool,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub guard: crate::cmd::anonymise::guard::GuardArgs,
}

fn parse_where(s: &str) -> std::result::Result<(String, Vec<String>), String> {
    let (name, values) = s
        .split_once('=')
        .ok_or_else(|| format!("expected ATTR=VALUE, e.g. gender=female, not \"{s}\""))?;
    let values: Vec<String> = values
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if name.trim().is_empty() || values.is_empty() {
        return Err(format!(
            "expected ATTR=VALUE, e.g. gender=female, not \"{s}\""
        ));
    }
    Ok((name.trim().to_string(), values))
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    // The one rule for --output (crate::output::choose).
    let format = crate::output::choose(
        &[
            (QuoteFormat::Md, &["md", "markdown"]),
            (QuoteFormat::Csv, &["csv"]),
            (QuoteFormat::Tex, &["tex", "latex"]),
            (QuoteFormat::Html, &["html", "htm"]),
            (QuoteFormat::Docx, &["docx"]),
            (QuoteFormat::Xlsx, &["xlsx"]),
            (QuoteFormat::Json, &["json"]),
        ],
        args.format,
        args.output.as_deref(),
    )?
    .unwrap_or(QuoteFormat::Md);
    if format.is_binary() && args.output.is_none() {
        return Err(CliError::user("Word and Excel files need --output FILE")
            .hint("e.g. --output quotes.docx"));
    }
    let study = ctx.study()?;
    let selection = args.coders.selection(ctx, &study)?;
    check_themes(&study, &args.theme)?;
    check_participants(&study, &args.participant)?;
    let participants = study.participants()?;
    check_attributes(
        &study,
        &participants,
        args.filters.iter().map(|(n, _)| n.as_str()),
        &[],
    )?;
    check_attributes(
        &study,
        &participants,
        args.attribution.iter().map(String::as_str),
        &[PARTICIPANT_FIELD],
    )?;
    check_values(&participants, &args.filters)?;
    if let (Some(a), Some(b)) = (args.min_words, args.max_words)
        && a > b
    {
        return Err(CliError::user(format!(
            "--min-words {a} is more than --max-words {b}: no quote can pass"
        )));
    }
    let options = QuoteOptions {
        coders: selection,
        themes: args.theme.clone(),
        participants: args.participant.clone(),
        attributes: args.filters.clone(),
        min_words: args.min_words,
        max_words: args.max_words,
        per_theme: args.per_theme.map(|n| n as usize),
        trim: args.trim,
        attribution: args.attribution.clone(),
    };
    let mut table = thematic_report::quotes::quote_table(&study, &options)?;
    table.screen(
        &thematic_study::Guard::from_study(&study)?,
        args.guard.mode(),
    )?;
    let bytes = table.render(format, args.excel)?;
    emit_to(args.output.as_deref(), &bytes)?;
    crate::cmd::status(&report(&table, args.output.as_deref()));
    Ok(ExitCode::SUCCESS)
}

/// "24 quote(s) from 11 participant(s) under 9 theme(s), coder KW → quotes.docx"
fn report(table: &QuoteTable, output: Option<&std::path::Path>) -> String {
    let mut people: Vec<&str> = table.rows().map(|(_, q)| q.participant.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    let mut s = format!(
        "{} quote(s) from {} participant(s) under {} theme(s), {}",
        table.len(),
        people.len(),
        table.themes.len(),
        table.source
    );
    if table.left_out > 0 {
        s.push_str(&format!(
            "; {} coding(s) of retired or unknown themes left out (`thematic check` lists them)",
            table.left_out
        ));
    }
    if let Some(p) = output {
        s.push_str(&format!(" → {}", p.display()));
    }
    s
}

/// Every value of a `--where` filter must occur in participants.csv.
fn check_values(
    participants: &thematic_study::Participants,
    filters: &[(String, Vec<String>)],
) -> Result<()> {
    for (name, values) in filters {
        let Some(col) = participants.attributes.iter().position(|a| a == name) else {
            continue;
        };
        let mut present: Vec<&str> = participants.values(col);
        present.sort_unstable();
        present.dedup();
        for v in values {
            if !present.contains(&v.as_str()) {
                return Err(CliError::user(format!(
                    "no participant has {name} = \"{v}\" in participants.csv"
                ))
                .hint(format!("{name} takes the values: {}", present.join(", "))));
            }
        }
    }
    Ok(())
}
