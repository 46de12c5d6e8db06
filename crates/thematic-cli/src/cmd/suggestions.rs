//! `thematic suggestions list|review|accept|reject`: go through autocode's suggestions.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};
use std::process::ExitCode;

use serde_json::json;
use thematic_study::{Coding, Status, Study, new_coding_id, now_rfc3339};

use crate::cmd::autocode::SUGGESTION_CODER;
use crate::cmd::code::acting_coder;
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};
use crate::term;

/// `thematic suggestions`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Suggestions are filed by `thematic autocode` under the coder `auto` (codings/auto.csv).
`review` shows each pending suggestion in its context and asks: a = accept (the coding is
copied into your own codings and the suggestion marked accepted), r = reject (marked
rejected, never suggested again), s = skip (left for later), q = quit. Each answer is written
at once, so quitting or closing the terminal loses nothing. It reads answers line by line
from standard input, so it can be scripted. `accept` and `reject` take suggestion ids (from
`list`) or --all with the filters.

Examples:
  $ thematic suggestions list --theme goal-orientation
  $ thematic suggestions review --theme goal-orientation --coder KW
  $ thematic suggestions accept c-3f1e2a9b7c01 c-77aa01b2c3d4 --coder KW
  $ thematic suggestions reject --all --theme what-matters")]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// List pending suggestions.
    List {
        #[command(flatten)]
        filter: Filter,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Go through pending suggestions one by one.
    Review {
        #[command(flatten)]
        filter: Filter,
        /// Accept into this coder's codings (default: the acting coder).
        #[arg(long)]
        coder: Option<String>,
    },
    /// Accept suggestions into your codings.
    Accept {
        /// Suggestion ids.
        ids: Vec<String>,
        /// Every pending suggestion that passes the filters.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        filter: Filter,
        /// Accept into this coder's codings (default: the acting coder).
        #[arg(long)]
        coder: Option<String>,
    },
    /// Reject suggestions.
    Reject {
        /// Suggestion ids.
        ids: Vec<String>,
        /// Every pending suggestion that passes the filters.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        filter: Filter,
    },
}

/// Which suggestions.
#[derive(Debug, Clone, clap::Args)]
pub struct Filter {
    /// Only this theme (repeatable).
    #[arg(long = "theme", value_name = "THEME")]
    pub themes: Vec<String>,
    /// Only this transcript.
    #[arg(long)]
    pub transcript: Option<String>,
    /// The coder holding the suggestions.
    #[arg(long = "from", default_value = SUGGESTION_CODER, value_name = "CODER")]
    pub from: String,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    match &args.command {
        Sub::List { filter, output } => {
            let mut table = Table::new(&[
                ("id", "Id"),
                ("theme", "Theme"),
                ("transcript", "Transcript"),
                ("turn", "Turn"),
                ("start", "Start"),
                ("end", "End"),
                ("text", "Suggested text"),
                ("rules", "Why"),
            ])
            .machine_only(&["start", "end"]);
            for c in pending(&study, filter)? {
                table.push(vec![
                    json!(c.id),
                    json!(c.theme),
                    json!(c.transcript),
                    json!(c.turn),
                    json!(c.start),
                    json!(c.end),
                    json!(c.text),
                    json!(c.memo.trim_start_matches("autocode: ")),
                ]);
            }
            emit_table(output, &table)?;
        }
        Sub::Review { filter, coder } => {
            let me = acting_coder(ctx, coder.as_deref(), &study)?;
            review(&study, filter, &me)?;
        }
        Sub::Accept {
            ids,
            all,
            filter,
            coder,
        } => {
            let me = acting_coder(ctx, coder.as_deref(), &study)?;
            let chosen = choose(&study, filter, ids, *all)?;
            // Two files change (the coder's codings, then the suggestions): a run cut short
            // between them is reported by `thematic check`, with the same command, which
            // skips what was already accepted, to finish it.
            let intent = study.begin(thematic_study::Unfinished::new(
                "suggestions accept",
                accept_args(filter, ids, *all, &me),
                &me,
                "suggestions already copied into the coder's codings may still be marked pending",
            ))?;
            decide_all(&study, &chosen, Some(&me))?;
            intent.done(&study)?;
            crate::cmd::status(&format!(
                "accepted {} suggestion(s) into {me}'s codings",
                chosen.len()
            ));
        }
        Sub::Reject { ids, all, filter } => {
            let chosen = choose(&study, filter, ids, *all)?;
            decide_all(&study, &chosen, None)?;
            crate::cmd::status(&format!("rejected {} suggestion(s)", chosen.len()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Pending suggestions passing `filter`, in codebook, transcript and position order.
fn pending(study: &Study, filter: &Filter) -> Result<Vec<Coding>> {
    let book = study.codebook()?;
    crate::cmd::exports::check_themes(study, &filter.themes)?;
    let order: HashMap<String, usize> = book
        .tree_order()
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    let mut out: Vec<Coding> = study
        .codings_of(&filter.from)?
        .codings
        .into_iter()
        .filter(|c| c.status == Status::Suggested)
        .filter(|c| filter.themes.is_empty() || filter.themes.contains(&c.theme))
        .filter(|c| {
            filter
                .transcript
                .as_ref()
                .is_none_or(|t| *t == c.transcript)
        })
        .collect();
    out.sort_by(|a, b| {
        order
            .get(&a.theme)
            .cmp(&order.get(&b.theme))
            .then_with(|| thematic_study::natural_cmp(&a.transcript, &b.transcript))
            .then(a.start.cmp(&b.start))
    });
    Ok(out)
}

/// The arguments of `thematic` that accept the same suggestions again.
fn accept_args(filter: &Filter, ids: &[String], all: bool, me: &str) -> Vec<String> {
    let mut out = vec!["suggestions".to_string(), "accept".to_string()];
    out.extend(ids.iter().cloned());
    if all {
        out.push("--all".into());
    }
    for t in &filter.themes {
        out.extend(["--theme".into(), t.clone()]);
    }
    if let Some(t) = &filter.transcript {
        out.extend(["--transcript".into(), t.clone()]);
    }
    if filter.from != SUGGESTION_CODER {
        out.extend(["--from".into(), filter.from.clone()]);
    }
    out.extend(["--coder".into(), me.to_string()]);
    out
}

fn choose(study: &Study, filter: &Filter, ids: &[String], all: bool) -> Result<Vec<Coding>> {
    let pending = pending(study, filter)?;
    if all {
        return Ok(pending);
    }
    if ids.is_empty() {
        return Err(CliError::user(
            "name the suggestions (ids from `thematic suggestions list`) or pass --all",
        ));
    }
    // A suggestion already decided is skipped with a note, not refused, so the same
    // command run again (to finish one cut short) does the rest.
    let decided: HashMap<String, Status> = study
        .codings_of(&filter.from)?
        .codings
        .into_iter()
        .filter(|c| matches!(c.status, Status::Accepted | Status::Rejected))
        .map(|c| (c.id, c.status))
        .collect();
    let mut chosen = Vec::new();
    for id in ids {
        if let Some(status) = decided.get(id) {
            crate::cmd::status(&format!(
                "suggestion {id} was already {}; skipped",
                if *status == Status::Accepted {
                    "accepted"
                } else {
                    "rejected"
                }
            ));
            continue;
        }
        chosen.push(id);
    }
    chosen
        .into_iter()
        .map(|id| {
            pending
                .iter()
                .find(|c| c.id == *id)
                .cloned()
                .ok_or_else(|| {
                    CliError::user(format!(
                        "no pending suggestion {id} in codings/{}.csv",
                        filter.from
                    ))
                    .hint("`thematic suggestions list` shows the pending ones")
                })
        })
        .collect()
}

/// The coding of `me` an accepted suggestion becomes.
fn accepted(s: &Coding, me: &str) -> Coding {
    Coding {
        id: new_coding_id(),
        coder: me.to_string(),
        memo: format!(
            "accepted suggestion {} ({})",
            s.id,
            s.memo.trim_start_matches("autocode: ")
        ),
        created: now_rfc3339(),
        status: Status::Ok,
        ..s.clone()
    }
}

/// Accepts (into `into`'s codings) or rejects the chosen suggestions (all of one coder,
/// `choose`'s): one rewrite of `into`'s codings, one of the suggestions' file, and a
/// change-log row per suggestion.
fn decide_all(study: &Study, chosen: &[Coding], into: Option<&str>) -> Result<()> {
    let Some(first) = chosen.first() else {
        return Ok(());
    };
    if let Some(me) = into {
        let codings: Vec<Coding> = chosen.iter().map(|s| accepted(s, me)).collect();
        // Checked against the codebook as it is now, under the coder's lock: a suggestion
        // filed before its theme was retired or merged away is refused, not accepted.
        study.code_all(me, &codings)?;
    }
    let status = if into.is_some() {
        Status::Accepted
    } else {
        Status::Rejected
    };
    let ids: HashSet<&str> = chosen.iter().map(|s| s.id.as_str()).collect();
    study.update_codings(&first.coder, |file| {
        let mut changed = false;
        for c in &mut file.codings {
            if ids.contains(c.id.as_str()) && c.status == Status::Suggested {
                c.status = status;
                changed = true;
            }
        }
        Ok(((), changed))
    })?;
    let details: Vec<String> = chosen.iter().map(Coding::log_detail).collect();
    let rows: Vec<(&str, &str)> = chosen
        .iter()
        .zip(&details)
        .map(|(s, d)| (s.theme.as_str(), d.as_str()))
        .collect();
    study.log_changes(
        into.unwrap_or(&first.coder),
        if into.is_some() { "accept" } else { "reject" },
        &rows,
    )?;
    Ok(())
}

/// Accepts (into `into`'s codings) or rejects one suggestion, writing both files at once.
fn decide(study: &Study, s: &Coding, into: Option<&str>) -> Result<()> {
    if let Some(me) = into {
        study.add_coding(&accepted(s, me))?;
    }
    let status = if into.is_some() {
        Status::Accepted
    } else {
        Status::Rejected
    };
    study.update_codings(&s.coder, |file| {
        let mut changed = false;
        for c in &mut file.codings {
            if c.id == s.id && c.status == Status::Suggested {
                c.status = status;
                changed = true;
            }
        }
        Ok(((), changed))
    })?;
    study.log_change(
        into.unwrap_or(&s.coder),
        if into.is_some() { "accept" } else { "reject" },
        &s.theme,
        &s.log_detail(),
    )?;
    Ok(())
}

fn review(study: &Study, filter: &Filter, me: &str) -> Result<()> {
    let list = pending(study, filter)?;
    let book = study.codebook()?;
    let mut transcripts: HashMap<String, thematic_transcript::Transcript> = HashMap::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let (mut accepted, mut rejected) = (0, 0);
    let mut err = std::io::stderr().lock();
    for (i, s) in list.iter().enumerate() {
        if !transcripts.contains_key(&s.transcript) {
            let t = study.transcript(&s.transcript)?;
            transcripts.insert(s.transcript.clone(), t);
        }
        let t = &transcripts[&s.transcript];
        let label = book
            .get(&s.theme)
            .map_or(s.theme.as_str(), |e| e.label.as_str());
        let context = t
            .turns
            .get(s.turn.saturating_sub(1))
            .map(|turn| {
                marked(
                    turn.text(&t.text),
                    s.start.saturating_sub(turn.start),
                    s.end.saturating_sub(turn.start),
                )
            })
            .unwrap_or_else(|| s.text.clone());
        writeln!(
            err,
            "\n[{}/{}] {} — {} turn {} — {}\n  {}\naccept (a), reject (r), skip (s), quit (q)? ",
            i + 1,
            list.len(),
            label,
            s.transcript,
            s.turn,
            s.memo.trim_start_matches("autocode: "),
            term::sanitize(&context).replace('\n', "\n  ")
        )?;
        err.flush()?;
        let answer = match lines.next() {
            Some(line) => line?.trim().to_lowercase(),
            None => "q".into(),
        };
        match answer.as_str() {
            "a" | "accept" | "y" => {
                decide(study, s, Some(me))?;
                accepted += 1;
            }
            "r" | "reject" | "n" => {
                decide(study, s, None)?;
                rejected += 1;
            }
            "q" | "quit" => break,
            _ => {}
        }
    }
    crate::cmd::status(&format!(
        "accepted {accepted}, rejected {rejected}; {} still pending",
        pending(study, filter)?.len()
    ));
    Ok(())
}

/// The turn with the suggested words between » and «.
fn marked(text: &str, a: usize, b: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let a = a.min(chars.len());
    let b = b.clamp(a, chars.len());
    format!(
        "{}»{}«{}",
        chars[..a].iter().collect::<String>(),
        chars[a..b].iter().collect::<String>(),
        chars[b..].iter().collect::<String>()
    )
}
