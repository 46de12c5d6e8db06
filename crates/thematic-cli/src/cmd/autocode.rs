//! `thematic autocode`: run the codebook's search rules and file the hits as suggestions.

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde_json::json;
use thematic_index::SuggestUnit;
use thematic_study::{Coding, Status, new_coding_id, now_rfc3339};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};

pub use thematic_study::SUGGESTION_CODER;

/// `thematic autocode`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Runs each theme's search rules from the codebook (keywords: stemmed words; phrases: exact
word sequences; patterns: case-insensitive regular expressions) over the participants'
turns, and files every sentence (or, with --unit turn, every turn) that matches as a
suggestion in codings/auto.csv with status `suggested`. Suggestions are not codings: they
do not count in agreement unless the coder `auto` is named (--coders KW,auto), and they
appear in your codings only when you accept them with `thematic suggestions review`.
Running autocode again adds only new suggestions: anything already suggested, accepted or
rejected is not suggested twice. Prints the count per theme. Uses the search index
(built on first use).

Examples:
  $ thematic autocode
  $ thematic autocode --theme goal-orientation --theme what-matters --dry-run
  $ thematic suggestions review --theme goal-orientation")]
pub struct Args {
    /// Only these themes (repeatable; default: every codable theme with rules).
    #[arg(long = "theme", value_name = "THEME")]
    pub themes: Vec<String>,
    /// File the suggestions under this coder.
    #[arg(long, default_value = SUGGESTION_CODER)]
    pub coder: String,
    /// Suggest the matching sentence, or the whole turn.
    #[arg(long, value_enum, default_value_t = UnitArg::Sentence)]
    pub unit: UnitArg,
    /// Count what would be suggested; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--unit`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    /// The sentence holding the match.
    Sentence,
    /// The whole turn.
    Turn,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let codebook = study.codebook()?;
    crate::cmd::exports::check_themes(&study, &args.themes)?;
    for t in &args.themes {
        if codebook.get(t).is_some_and(|e| e.rules.is_empty()) {
            return Err(CliError::user(format!(
                "theme \"{t}\" has no search rules (keywords, phrases, patterns)"
            ))
            .hint("add some in the codebook; see docs/codebook-format.md"));
        }
    }
    let (index, _) = crate::progress::open_index(&study, false, true)?;
    let unit = match args.unit {
        UnitArg::Sentence => SuggestUnit::Sentence,
        UnitArg::Turn => SuggestUnit::Turn,
    };
    let found = index.suggest(&codebook, &args.themes, unit)?;
    let when = now_rfc3339();
    let fresh: Vec<Coding> = found
        .into_iter()
        .map(|s| Coding {
            id: new_coding_id(),
            coder: args.coder.clone(),
            transcript: s.transcript,
            turn: s.turn,
            start: s.start,
            end: s.end,
            theme: s.theme,
            text: s.text,
            memo: format!("autocode: {}", s.rules),
            created: when.clone(),
            status: Status::Suggested,
        })
        .collect();
    let key = |c: &Coding| (c.transcript.clone(), c.start, c.end, c.theme.clone());
    let add = |file: &mut thematic_study::CodingsFile| {
        let have: std::collections::HashSet<_> = file.codings.iter().map(key).collect();
        let new: Vec<Coding> = fresh
            .iter()
            .filter(|c| !have.contains(&key(c)))
            .cloned()
            .collect();
        let changed = !new.is_empty() && !args.dry_run;
        if changed {
            file.codings.extend(new.iter().cloned());
        }
        Ok((new, changed))
    };
    let new = if args.dry_run {
        let mut file = study.codings_of(&args.coder)?;
        add(&mut file)?.0
    } else {
        study.update_codings(&args.coder, add)?
    };
    if !args.dry_run && !new.is_empty() {
        study.log_change(
            &ctx.who(None, &study),
            "autocode",
            "",
            &format!("{} suggestions filed under {}", new.len(), args.coder),
        )?;
    }
    let mut per_theme: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &fresh {
        per_theme.entry(&c.theme).or_default().0 += 1;
    }
    for c in &new {
        per_theme.entry(&c.theme).or_default().1 += 1;
    }
    let mut table = Table::new(&[
        ("theme", "Theme"),
        ("matches", "Sentences matched"),
        ("new", "New suggestions"),
    ]);
    for e in codebook.codable() {
        if let Some((m, n)) = per_theme.get(e.id.as_str()) {
            table.push(vec![json!(e.id), json!(m), json!(n)]);
        }
    }
    emit_table(&args.output, &table)?;
    crate::cmd::status(&format!(
        "{} {} new suggestion{} under coder {}; review them with `thematic suggestions review`",
        if args.dry_run { "would file" } else { "filed" },
        new.len(),
        if new.len() == 1 { "" } else { "s" },
        args.coder
    ));
    Ok(ExitCode::SUCCESS)
}
