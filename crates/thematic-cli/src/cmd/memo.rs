//! `thematic memo add|list`: memos on themes, transcripts and codings, and the reflexive
//! journal, in `memos/<coder>.md`.

use std::io::Read;
use std::process::ExitCode;

use serde_json::json;
use thematic_study::{MemoAbout, Study};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};

/// `thematic memo`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Memos are dated Markdown, one file per coder: memos/<coder>.md. Each memo is a heading
`## <when> · <about> · <id>` followed by its text, so the file reads well in any Markdown
viewer and diffs cleanly in git; edit the text freely, keep the headings.

Examples:
  $ thematic memo add --theme what-matters \"Value, not technique? See P6, P11.\"
  $ thematic memo add --transcript P6 \"Long pauses before talking about referrals.\"
  $ thematic memo add --coding c-5f2a9c01d3e7 \"Borderline: also goal orientation.\"
  $ thematic memo add \"Journal: my housing background shapes how I read P3.\"
  $ echo \"from a file\" | thematic memo add --theme empowerment -
  $ thematic memo list --theme what-matters --format md")]
pub struct Args {
    #[command(subcommand)]
    pub command: MemoCommand,
}

/// The memo subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum MemoCommand {
    /// Write a memo (the journal when no --theme, --transcript or --coding is given).
    Add(AddArgs),
    /// List memos.
    List(ListArgs),
}

/// `thematic memo add`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  $ thematic memo add --theme what-matters \"Value, not technique?\"
  $ thematic memo add \"Journal entry.\"")]
pub struct AddArgs {
    /// About this theme.
    #[arg(long, group = "about")]
    pub theme: Option<String>,
    /// About this transcript.
    #[arg(long, group = "about")]
    pub transcript: Option<String>,
    /// About this coding (one of yours).
    #[arg(long, group = "about")]
    pub coding: Option<String>,
    /// Write as this coder.
    #[arg(long)]
    pub coder: Option<String>,
    /// The memo's text (Markdown); `-` reads it from standard input.
    pub text: String,
}

/// `thematic memo list`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Lists the acting coder's memos (--all-coders: everyone's), oldest first. JSON keys: when,
coder, about, target, id, text.

Examples:
  $ thematic memo list
  $ thematic memo list --journal
  $ thematic memo list --all-coders --theme empowerment --format json")]
pub struct ListArgs {
    /// Only memos about this theme.
    #[arg(long, group = "about")]
    pub theme: Option<String>,
    /// Only memos about this transcript.
    #[arg(long, group = "about")]
    pub transcript: Option<String>,
    /// Only memos about this coding.
    #[arg(long, group = "about")]
    pub coding: Option<String>,
    /// Only journal entries.
    #[arg(long, group = "about")]
    pub journal: bool,
    /// This coder's memos.
    #[arg(long, conflicts_with = "all_coders")]
    pub coder: Option<String>,
    /// Every coder's memos.
    #[arg(long)]
    pub all_coders: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    match &args.command {
        MemoCommand::Add(a) => add(ctx, a),
        MemoCommand::List(a) => list(ctx, a),
    }
}

fn add(ctx: &Context, args: &AddArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coder = crate::cmd::code::acting_coder(ctx, args.coder.as_deref(), &study)?;
    let about = about(&study, &coder, args)?;
    let text = if args.text == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            CliError::user(format!("cannot read the memo from standard input: {e}"))
        })?;
        s
    } else {
        args.text.clone()
    };
    if text.trim().is_empty() {
        return Err(CliError::user("the memo is empty")
            .hint("give its text, or `-` to read it from standard input"));
    }
    let memo = study.add_memo(&coder, about, &text)?;
    crate::output::emit_to(None, format!("{}\n", memo.id).as_bytes())?;
    crate::cmd::status(&format!(
        "memo {} added to {}",
        memo.id,
        study.shown(&study.memos_path(&coder)?)
    ));
    Ok(ExitCode::SUCCESS)
}

/// What the memo is about, checked against the study.
fn about(study: &Study, coder: &str, args: &AddArgs) -> Result<MemoAbout> {
    let about = match (&args.theme, &args.transcript, &args.coding) {
        (Some(theme), _, _) => MemoAbout::Theme(theme.clone()),
        (_, Some(id), _) => MemoAbout::Transcript(id.clone()),
        (_, _, Some(id)) => MemoAbout::Coding(id.clone()),
        _ => MemoAbout::Journal,
    };
    study.check_memo_about(coder, &about)?;
    Ok(about)
}

fn list(ctx: &Context, args: &ListArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coders = if args.all_coders {
        study.memo_coders()?
    } else {
        match ctx.coder(args.coder.as_deref(), &study) {
            Some(c) => vec![c],
            None => {
                return Err(CliError::user("whose memos? no coder given").hint(
                    "pass --coder NAME or --all-coders, set THEMATIC_CODER, or set default_coder in thematic.toml",
                ));
            }
        }
    };
    let mut table = Table::new(&[
        ("when", "When"),
        ("coder", "Coder"),
        ("about", "About"),
        ("target", "Target"),
        ("id", "Id"),
        ("text", "Text"),
    ]);
    let mut memos = Vec::new();
    for coder in coders {
        memos.extend(study.memos_of(&coder)?);
    }
    memos.sort_by(|a, b| a.when.cmp(&b.when).then(a.coder.cmp(&b.coder)));
    for m in memos {
        let keep = match (&args.theme, &args.transcript, &args.coding, args.journal) {
            (Some(t), _, _, _) => m.about == MemoAbout::Theme(t.clone()),
            (_, Some(t), _, _) => m.about == MemoAbout::Transcript(t.clone()),
            (_, _, Some(c), _) => m.about == MemoAbout::Coding(c.clone()),
            (_, _, _, true) => m.about == MemoAbout::Journal,
            _ => true,
        };
        if keep {
            table.push(vec![
                json!(m.when),
                json!(m.coder),
                json!(m.about.kind()),
                json!(m.about.target()),
                json!(m.id),
                json!(m.text),
            ]);
        }
    }
    emit_table(&args.output, &table)?;
    Ok(ExitCode::SUCCESS)
}
