//! `thematic codebook define`: a theme's words (title, central organising concept,
//! definition, scope and boundaries) and whether it is defined or still a candidate.

use std::process::ExitCode;

use thematic_codebook::{Codebook, TextField, ThemeText};
use thematic_study::MemoAbout;

use super::edit::Who;
use super::themes::Note;
use crate::context::Context;
use crate::error::{CliError, Result};

/// `thematic codebook define`
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("text").required(true).multiple(true)),
    after_long_help = "\
Sets a theme's longer title (--title; the label stays its short name), its central
organising concept (--concept: the one idea its codes share), what it captures
(--definition), its scope (--include: when to use it) and its boundaries (--exclude: what it
is not, and which neighbouring theme to use instead). Only the texts given change; an empty
one (\"\") removes it. A text with line breaks is written as a \"\"\" string; the file's
comments and other keys stay as they are. Logged as `define`.

--defined marks the theme defined and named (phase 5 of reflexive thematic analysis);
--candidate makes it a candidate again (logged as `status`). A theme that shares a code
with another theme (see `thematic codebook share`) cannot be defined: the error names the
shared codes and the commands that resolve them. --note writes why to your reflexive
journal.

Examples:
  $ thematic codebook define peer-support \\
      --definition \"Support from others who share the patient's situation.\" \\
      --exclude \"Support from staff: use therapeutic-alliance.\"
    peer-support: definition added, exclude added
  $ thematic codebook define peer-support --include \"$(cat include.txt)\"
  $ thematic codebook define peer-support --exclude \"\"
  $ thematic codebook define talking-it-through --title \"Talking it through: being asked, not told\" \\
      --concept \"Change starts when the patient does the talking.\" --defined
    talking-it-through: defined; title added, concept added")]
pub struct DefineArgs {
    /// The theme's id.
    pub id: String,
    /// A longer title, as the paper prints it (the label stays its short name).
    #[arg(long, group = "text", value_name = "TEXT")]
    pub title: Option<String>,
    /// The central organising concept: the one idea the theme's codes share.
    #[arg(long, group = "text", value_name = "TEXT")]
    pub concept: Option<String>,
    /// What the theme captures.
    #[arg(long, group = "text", value_name = "TEXT")]
    pub definition: Option<String>,
    /// When to use it (its scope).
    #[arg(long, group = "text", value_name = "TEXT")]
    pub include: Option<String>,
    /// When not to use it (its boundaries), and which neighbouring theme to use instead.
    #[arg(long, group = "text", value_name = "TEXT")]
    pub exclude: Option<String>,
    /// Mark the theme defined and named; refused while it shares a code with another theme.
    #[arg(long, group = "text", conflicts_with = "candidate")]
    pub defined: bool,
    /// Make the theme a candidate again.
    #[arg(long, group = "text")]
    pub candidate: bool,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn define(ctx: &Context, args: &DefineArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let note = args.note.note.as_deref();
    let mut said: Vec<String> = Vec::new();
    // The status first: when it is refused, nothing has changed.
    let status = match (args.defined, args.candidate) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    if let Some(defined) = status {
        let book = study.codebook()?;
        let was = study
            .set_theme_defined(&args.id, defined, note, &who)
            .map_err(|e| {
                let err = CliError::from(e);
                match resolve_hint(&book, &args.id) {
                    Some(h) if defined => err.hint(h),
                    _ => err,
                }
            })?;
        said.push(
            match (was, defined) {
                (true, true) => "already defined",
                (false, true) => "defined",
                (true, false) => "a candidate again",
                (false, false) => "already a candidate",
            }
            .to_string(),
        );
    }
    let text = ThemeText {
        title: args.title.clone(),
        concept: args.concept.clone(),
        definition: args.definition.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
    };
    if !text.is_empty() {
        let old = study.define_theme(&args.id, &text, &who)?;
        let changes: Vec<String> = TextField::ALL
            .into_iter()
            .filter_map(|f| {
                let was = old.get(f)?.trim();
                let now = text.get(f).unwrap_or_default().trim();
                let what = match (was.is_empty(), now.is_empty()) {
                    (true, true) => "not set",
                    (true, false) => "added",
                    (false, true) => "removed",
                    (false, false) if was == now => "unchanged",
                    (false, false) => "changed",
                };
                Some(format!("{} {what}", f.key()))
            })
            .collect();
        let changes = changes.join(", ");
        // With a status change the note went to the journal with it.
        if status.is_none()
            && let Some(note) = note.map(str::trim).filter(|n| !n.is_empty())
        {
            study.add_memo(
                &who,
                MemoAbout::Journal,
                &format!("*define {}: {changes}.*\n\n{note}", args.id),
            )?;
        }
        said.push(changes);
    }
    crate::cmd::status(&format!("{}: {}", args.id, said.join("; ")));
    Ok(ExitCode::SUCCESS)
}

/// How to resolve the codes that keep theme `id` from being defined: for each code in it
/// that sits in another theme too, the `unshare` and `move` commands that leave it in one.
fn resolve_hint(book: &Codebook, id: &str) -> Option<String> {
    let mut ways: Vec<String> = Vec::new();
    for m in book.members(id).filter(|m| book.is_shared(&m.id)) {
        if m.parent.as_deref() == Some(id) {
            // Under `id`, also in others: leave the others, or go to one of them.
            for other in m
                .also_in
                .iter()
                .filter(|a| book.get(a).is_some_and(|t| !t.retired))
            {
                ways.push(format!(
                    "`thematic codebook unshare {0} {other}` (keeps it in {id} only) or `thematic codebook move {0} --parent {other}` (puts it in {other} only)",
                    m.id
                ));
            }
        } else {
            let place = m.parent.as_deref().unwrap_or("the top level");
            ways.push(format!(
                "`thematic codebook unshare {0} {id}` (keeps it in {place} only) or `thematic codebook move {0} --parent {id}` (puts it in {id} only)",
                m.id
            ));
        }
    }
    if ways.is_empty() {
        return None;
    }
    Some(format!(
        "put each shared code in one theme, then define it again: {}",
        ways.join("; ")
    ))
}
