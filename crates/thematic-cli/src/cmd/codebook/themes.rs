//! `thematic codebook theme | share | unshare | split | merge-theme | discard`: developing
//! themes from codes, the command-line side of the browser's theme board.

use std::process::ExitCode;

use thematic_codebook::{MISC_ID, MISC_LABEL, Placement};

use super::edit::Who;
use crate::context::Context;
use crate::error::Result;

/// `--note TEXT`: a line for the reflexive journal.
#[derive(Debug, Clone, clap::Args)]
pub struct Note {
    /// Why: written to your reflexive journal (memos/CODER.md) with what was done.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `thematic codebook theme`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Adds a candidate theme: an entry that cannot be coded (codable = false) and holds codes,
with a colour its siblings do not have. Put codes in it with `thematic codebook move CODE
--parent THEME` (there only) or `thematic codebook share CODE THEME` (there as well). It
stays a candidate until `thematic codebook define THEME --defined`. Logged as `add`.

Examples:
  $ thematic codebook theme \"Talking it through\" --note \"P1 and P4 both describe this\"
    added candidate theme \"Talking it through\" as talking-it-through (top level)
  $ thematic codebook theme \"Being heard\" --parent talking-it-through")]
pub struct ThemeArgs {
    /// The theme's label (its short name).
    pub label: String,
    /// The theme it sits under (the top level when left out).
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn theme(ctx: &Context, args: &ThemeArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let id = study.create_theme(
        &args.label,
        args.parent.as_deref(),
        args.note.note.as_deref(),
        &who,
    )?;
    crate::cmd::status(&format!(
        "added candidate theme \"{}\" as {id} ({})",
        args.label.trim(),
        args.parent
            .as_deref()
            .map_or_else(|| "top level".to_string(), |p| format!("under {p}"))
    ));
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook share`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
While themes are candidates a code may sit in more than one: CODE keeps its place (its
parent) and sits in THEME as well (written as also_in in the codebook). The map draws it in
both; `thematic codebook show` marks it \"also in\". Resolve it before THEME is defined:
`thematic codebook unshare CODE THEME` takes it out again, and `thematic codebook move CODE
--parent THEME` puts it in THEME only. No coding changes. Logged as `share`.

Examples:
  $ thematic codebook share what-matters talking-it-through
    what-matters: also in talking-it-through (its place: the-approach)
  $ thematic codebook define talking-it-through --defined
    (refused: the error names what-matters, and the hint the unshare and move that resolve it)")]
pub struct ShareArgs {
    /// The code's id.
    pub code: String,
    /// The candidate theme it sits in as well.
    pub theme: String,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn share(ctx: &Context, args: &ShareArgs) -> Result<ExitCode> {
    place(ctx, args, Placement::AlsoIn)
}

/// `thematic codebook unshare`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Takes CODE out of a theme it also sat in (see `thematic codebook share`); it keeps its
place (its parent). To take it out of its parent instead, move it. Logged as `share`.

Examples:
  $ thematic codebook unshare what-matters talking-it-through
    what-matters: no longer also in talking-it-through (its place: the-approach)")]
pub struct UnshareArgs {
    /// The code's id.
    pub code: String,
    /// The theme it leaves.
    pub theme: String,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn unshare(ctx: &Context, args: &UnshareArgs) -> Result<ExitCode> {
    let share = ShareArgs {
        code: args.code.clone(),
        theme: args.theme.clone(),
        note: args.note.clone(),
        who: args.who.clone(),
    };
    place(ctx, &share, Placement::Leave)
}

fn place(ctx: &Context, args: &ShareArgs, how: Placement) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let parent = study.place_code(
        &args.code,
        Some(&args.theme),
        how,
        args.note.note.as_deref(),
        &who,
    )?;
    let what = if how == Placement::AlsoIn {
        "also in"
    } else {
        "no longer also in"
    };
    crate::cmd::status(&format!(
        "{}: {what} {} (its place: {})",
        args.code,
        args.theme,
        parent.as_deref().unwrap_or("top level")
    ));
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook split`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Splits THEME in two: a new candidate theme LABEL beside it (same parent), recorded with
split_from = THEME, takes the codes named. Each must be in THEME: under it (it moves under
the new theme) or also in it (it then sits in the new theme instead). The rest stay. No
coding changes. Logged as `split`.

Examples:
  $ thematic codebook split talking-it-through \"Being heard\" what-matters patient-stories
    split talking-it-through: \"Being heard\" (being-heard) takes what-matters, patient-stories")]
pub struct SplitArgs {
    /// The theme split.
    pub theme: String,
    /// The new theme's label.
    pub label: String,
    /// The codes (or sub-themes) the new theme takes.
    #[arg(required = true, value_name = "CODE")]
    pub codes: Vec<String>,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn split(ctx: &Context, args: &SplitArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let new = study.split_theme(
        &args.theme,
        &args.label,
        &args.codes,
        args.note.note.as_deref(),
        &who,
    )?;
    crate::cmd::status(&format!(
        "split {}: \"{}\" ({new}) takes {}",
        args.theme,
        args.label.trim(),
        args.codes.join(", ")
    ));
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook merge-theme`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Merges candidate theme SOURCE into TARGET, neither of them a code: what sat in SOURCE sits
in TARGET (codes and sub-themes under it, and codes that also sat in it), and SOURCE is
retired with merged_into = TARGET, kept for history. Themes are not coded, so no coding
changes. To merge two codes, and move their codings, use `thematic codebook merge`. Logged
as `merge-theme`.

Examples:
  $ thematic codebook merge-theme being-heard talking-it-through --note \"one idea, not two\"
    merged being-heard into talking-it-through: moved patient-stories, what-matters; being-heard retired")]
pub struct MergeThemeArgs {
    /// The theme merged away.
    pub source: String,
    /// The theme that takes what it held.
    pub target: String,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn merge_theme(ctx: &Context, args: &MergeThemeArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let out = study.merge_theme(&args.source, &args.target, args.note.note.as_deref(), &who)?;
    let moved = if out.reparented.is_empty() {
        "nothing under it to move".to_string()
    } else {
        format!("moved {}", out.reparented.join(", "))
    };
    crate::cmd::status(&format!(
        "merged {} into {}: {moved}; {} retired",
        args.source, args.target, args.source
    ));
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook discard`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Discards a candidate theme: it is retired (kept in the codebook for history, drawn on no
map), and nothing in it is abandoned: its codes and sub-themes move to the candidate theme
\"Miscellaneous\" (id miscellaneous, made at the top level the first time), as Braun and
Clarke advise, and codes that also sat in it no longer do. A code cannot be discarded:
retire it (`thematic codebook retire`). No coding changes. Logged as `discard`.

Examples:
  $ thematic codebook discard talking-it-through --note \"too thin: carried by P1 alone\"
    discarded talking-it-through (retired, kept for history); moved to Miscellaneous: asking-questions")]
pub struct DiscardArgs {
    /// The candidate theme's id.
    pub theme: String,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn discard(ctx: &Context, args: &DiscardArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let moved = study.discard_theme(&args.theme, args.note.note.as_deref(), &who)?;
    let rest = if moved.is_empty() {
        "it held nothing".to_string()
    } else if args.theme == thematic_codebook::UNSORTED_ID {
        format!("moved to the top level: {}", moved.join(", "))
    } else {
        format!("moved to {MISC_LABEL} ({MISC_ID}): {}", moved.join(", "))
    };
    crate::cmd::status(&format!(
        "discarded {} (retired, kept for history); {rest}",
        args.theme
    ));
    Ok(ExitCode::SUCCESS)
}
