//! `thematic search QUERY`: keyword-in-context search over every turn.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::json;
use thematic_index::{CountBy, Scope, SearchHit, SearchQuery};

use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, OutputFormat, Table, emit, emit_table};
use crate::term;

const HELP: &str = "\
Searches the text of every turn and prints each matching turn as a keyword-in-context line,
grouped by transcript (best transcripts first, turns in order) or, with --flat, as one
ranked list. Participants' turns only unless --all-speakers or the query names a speaker or
role.

Query syntax:
  goal                 stemmed: also goals, goal-setting (--exact turns stemming off)
  small goals          both words (words are ANDed)
  \"what matters\"       a phrase
  walking OR gardening either word;  goal NOT funding, goal -funding: without funding
  motivat*             words starting with motivat (motivated, motivation, …)
  listen~1             words within 1 edit (listen, listens, lisen); ~2 for two
  speaker:P6  role:interviewer  participant:P6  transcript:P6
  theme:goal-orientation   turns coded with the theme or a theme under it, by anyone
                       (or by --coder C only)
  uncoded              turns nobody (or --coder C) has coded yet
  location:rural  gender:female  age:[40 TO 50]   any column of participants.csv

Builds or updates the index (.thematic/index) on first use; after that a search takes a few
milliseconds. JSON keys: transcript, participant, turn, speaker, role, time, start, end
(the first hit, in code points of the transcript text), text (the whole turn), snippet,
hits, score.

Examples:
  $ thematic search \"what matters\"
  $ thematic search 'goal* theme:goal-orientation location:rural' --flat --limit 50
  $ thematic search 'uncoded listen' --coder KW
  $ thematic search motivation --count-by participant
  $ thematic search trust --format json --output trust.json";

/// `thematic search`
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// The query (see below for the syntax).
    pub query: String,
    /// Match words exactly as written (no stemming).
    #[arg(long)]
    pub exact: bool,
    /// Include the interviewer's (and everyone else's) turns.
    #[arg(long)]
    pub all_speakers: bool,
    /// theme: and uncoded refer to this coder's codings (default: anyone's).
    #[arg(long)]
    pub coder: Option<String>,
    /// Show at most this many turns (0: all).
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
    /// Characters of context each side of the hit.
    #[arg(long, default_value_t = 50)]
    pub context: usize,
    /// One ranked list instead of grouping by transcript.
    #[arg(long)]
    pub flat: bool,
    /// Count matching turns by transcript, participant, theme or speaker instead.
    #[arg(long, value_enum)]
    pub count_by: Option<CountArg>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--count-by`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CountArg {
    /// Matching turns per transcript.
    Transcript,
    /// Matching turns per participant.
    Participant,
    /// Matching turns per theme coded on them.
    Theme,
    /// Matching turns per speaker.
    Speaker,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    if let Some(c) = &args.coder {
        // The error says what a coder name may hold, with an example.
        study.codings_path(c)?;
    }
    let codebook = study.codebook()?;
    let (index, _) = crate::progress::open_index(&study, false, true)?;
    let q = SearchQuery {
        query: args.query.clone(),
        scope: Scope {
            exact: args.exact,
            all_speakers: args.all_speakers,
            coder: args.coder.clone(),
        },
        limit: args.limit,
        context: args.context,
    };
    if let Some(by) = args.count_by {
        let (by, header) = match by {
            CountArg::Transcript => (CountBy::Transcript, "Transcript"),
            CountArg::Participant => (CountBy::Participant, "Participant"),
            CountArg::Theme => (CountBy::Theme, "Theme"),
            CountArg::Speaker => (CountBy::Speaker, "Speaker"),
        };
        let counts = index.count_by(&codebook, &q, by)?;
        let key = header.to_lowercase();
        let mut table = Table::new(&[(key.as_str(), header), ("turns", "Matching turns")]);
        for (name, n) in counts {
            table.push(vec![json!(name), json!(n)]);
        }
        emit_table(&args.output, &table)?;
        return Ok(ExitCode::SUCCESS);
    }
    let results = index.search(&codebook, &q)?;
    let shown = results.hits.len();
    if args.output.format == OutputFormat::Table {
        let colour = args.output.output.is_none() && term::colour_stdout();
        let text = if args.flat {
            flat(&results.hits, colour)
        } else {
            grouped(&results.hits, colour)
        };
        emit(&args.output, text.as_bytes())?;
    } else {
        emit_table(&args.output, &table(&results.hits, args.output.format))?;
    }
    crate::cmd::status(&if results.total == 0 {
        "no turn matches".to_string()
    } else if shown < results.total {
        format!(
            "{} matching turns; {shown} shown (--limit 0 shows all)",
            results.total
        )
    } else {
        format!(
            "{} matching turn{}",
            results.total,
            if results.total == 1 { "" } else { "s" }
        )
    });
    Ok(ExitCode::SUCCESS)
}

/// The snippet with its hits marked: bold colour on a terminal, `**…**` otherwise.
fn marked(h: &SearchHit, colour: bool) -> String {
    let chars: Vec<char> = term::sanitize(&h.snippet).chars().collect();
    let (open, close) = if colour {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let mut out = String::new();
    let mut at = 0;
    for &(a, b) in &h.marks {
        if a < at || b > chars.len() {
            continue;
        }
        out.extend(&chars[at..a]);
        out.push_str(open);
        out.extend(&chars[a..b]);
        out.push_str(close);
        at = b;
    }
    out.extend(&chars[at.min(chars.len())..]);
    out.replace('\n', " ")
}

fn time(h: &SearchHit) -> String {
    h.time_ms
        .map(thematic_transcript::format_hms)
        .unwrap_or_default()
}

fn grouped(hits: &[SearchHit], colour: bool) -> String {
    // Transcripts in order of their best hit; turns in order within each.
    let mut order: Vec<&str> = Vec::new();
    for h in hits {
        if !order.contains(&h.transcript.as_str()) {
            order.push(&h.transcript);
        }
    }
    let mut out = String::new();
    for t in order {
        let mut mine: Vec<&SearchHit> = hits.iter().filter(|h| h.transcript == t).collect();
        mine.sort_by_key(|h| h.turn);
        let _ = writeln!(
            out,
            "{} ({} turn{})",
            term::sanitize(t),
            mine.len(),
            if mine.len() == 1 { "" } else { "s" }
        );
        for h in mine {
            let _ = writeln!(
                out,
                "  {:>4}  {:>8}  {}: {}",
                h.turn,
                time(h),
                term::sanitize(&h.speaker),
                marked(h, colour)
            );
        }
        out.push('\n');
    }
    out
}

fn flat(hits: &[SearchHit], colour: bool) -> String {
    let mut out = String::new();
    for h in hits {
        let _ = writeln!(
            out,
            "{:<10} {:>4}  {}: {}",
            term::sanitize(&h.transcript),
            h.turn,
            term::sanitize(&h.speaker),
            marked(h, colour)
        );
    }
    out
}

fn table(hits: &[SearchHit], format: OutputFormat) -> Table {
    let mut table = Table::new(&[
        ("transcript", "Transcript"),
        ("participant", "Participant"),
        ("turn", "Turn"),
        ("speaker", "Speaker"),
        ("role", "Role"),
        ("time", "Time"),
        ("start", "Start"),
        ("end", "End"),
        ("text", "Text"),
        ("snippet", "In context"),
        ("hits", "Hits"),
        ("score", "Score"),
    ])
    .machine_only(&["text", "hits", "start", "end", "role"])
    .titled("Search results");
    for h in hits {
        let snippet = if format == OutputFormat::Md {
            marked(h, false)
        } else {
            h.snippet.clone()
        };
        table.push(vec![
            json!(h.transcript),
            json!(h.participant),
            json!(h.turn),
            json!(h.speaker),
            json!(h.role),
            json!(time(h)),
            json!(h.start),
            json!(h.end),
            json!(h.text),
            json!(snippet),
            json!(h.hits),
            json!(crate::output::round(f64::from(h.score), 3)),
        ]);
    }
    table
}
