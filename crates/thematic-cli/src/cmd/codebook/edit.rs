//! `thematic codebook add | rename | move | merge | retire | recolour`

use std::process::ExitCode;

use thematic_codebook::{Codebook, NewEntry, Placement, UnsortedGroup};

use super::themes::Note;
use crate::context::Context;
use crate::error::{CliError, Result};

/// `--coder`: who the change is recorded under.
#[derive(Debug, Clone, clap::Args)]
pub struct Who {
    /// Record the change under this name (default: THEMATIC_CODER, then default_coder in
    /// thematic.toml, then your login name).
    #[arg(long, value_name = "CODER")]
    pub coder: Option<String>,
}

/// `thematic codebook add`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The id is made from the label (\"Peer support\" → peer-support) unless --id is given; it
never changes afterwards. The new entry goes after the last entry under its parent; without
--parent it is a root, at the end of the file.

--unsorted makes a code the way the browser workspace does while you code: the label is the
words as given (white space tidied, at most 80 characters, so a quote can be the label:
in-vivo coding), the code gets a colour none of its siblings has, and it goes into the
\"Unsorted\" group (id unsorted), which is added at the top of the codebook the first time.
If a current code already has that label (in any case), nothing is added and its id is
printed, so running it twice makes one code.

Examples:
  $ thematic codebook add \"Peer support\" --parent the-approach
  $ thematic codebook add \"Barriers\" --group
  $ thematic codebook add \"Waiting lists\" --id waiting --parent barriers \\
      --definition \"Delays before support starts.\" --colour \"#c0392b\"
  $ thematic codebook add \"someone to talk to\" --unsorted
    added \"someone to talk to\" as someone-to-talk-to under unsorted (colour #0072b2)")]
pub struct AddArgs {
    /// The label.
    pub label: String,
    /// The id (a lowercase slug); made from the label when left out.
    #[arg(long)]
    pub id: Option<String>,
    /// The parent's id (a root when left out).
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    /// A code in the "Unsorted" group, with a colour of its own, as the browser makes it;
    /// an existing code with this label is kept instead.
    #[arg(
        long,
        conflicts_with_all = ["id", "parent", "group", "definition", "include", "exclude", "colour"]
    )]
    pub unsorted: bool,
    /// A group: organises themes, cannot be coded itself.
    #[arg(long)]
    pub group: bool,
    /// What the theme captures.
    #[arg(long)]
    pub definition: Option<String>,
    /// When to use it.
    #[arg(long)]
    pub include: Option<String>,
    /// When not to use it.
    #[arg(long)]
    pub exclude: Option<String>,
    /// Display colour, #rgb or #rrggbb.
    #[arg(long)]
    pub colour: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

pub fn add(ctx: &Context, args: &AddArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    if args.unsorted {
        let code = study.create_code(&args.label, None, &who)?;
        match code.unsorted {
            Some(UnsortedGroup::Created) => {
                crate::cmd::status("added the \"Unsorted\" group (unsorted) at the top");
            }
            Some(UnsortedGroup::Restored) => {
                crate::cmd::status("the \"Unsorted\" group (unsorted) is current again");
            }
            None => {}
        }
        crate::cmd::status(&if code.existed {
            format!(
                "\"{}\" is already a code: {}; nothing added",
                code.label, code.id
            )
        } else {
            format!(
                "added \"{}\" as {} under {} (colour {})",
                code.label,
                code.id,
                code.parent.as_deref().unwrap_or("(root)"),
                code.colour.as_deref().unwrap_or("none")
            )
        });
        return Ok(ExitCode::SUCCESS);
    }
    let id = study.add_theme(
        &NewEntry {
            id: args.id.clone(),
            label: args.label.clone(),
            parent: args.parent.clone(),
            codable: !args.group,
            definition: args.definition.clone(),
            include: args.include.clone(),
            exclude: args.exclude.clone(),
            colour: args.colour.clone(),
        },
        &who,
    )?;
    crate::cmd::status(&format!("added \"{}\" as {id}", args.label.trim()));
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook rename`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Only the label changes; the id, and so every coding, stays as it is.

Examples:
  $ thematic codebook rename goal-orientation \"Goal- and action-orientated\"")]
pub struct RenameArgs {
    /// The theme's id.
    pub id: String,
    /// The new label.
    pub label: String,
    #[command(flatten)]
    pub who: Who,
}

pub fn rename(ctx: &Context, args: &RenameArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let old = study.rename_theme(&args.id, &args.label, &who)?;
    crate::cmd::status(&format!(
        "{}: \"{old}\" -> \"{}\"",
        args.id,
        args.label.trim()
    ));
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook move`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The theme keeps its id, its codings and everything below it. A move that would put a theme
under itself or one of its own descendants is refused. Moving a code into a theme it also
sat in (see `thematic codebook share`) leaves it there only: the way to resolve a shared
code before its theme is defined. --note writes why to your reflexive journal.

Examples:
  $ thematic codebook move peer-support --parent patients-role
  $ thematic codebook move barriers --root
  $ thematic codebook move what-matters --parent talking-it-through --note \"fits here best\"")]
pub struct MoveArgs {
    /// The theme's id.
    pub id: String,
    /// The new parent's id.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "root",
        conflicts_with = "root"
    )]
    pub parent: Option<String>,
    /// Make it a root (no parent).
    #[arg(long)]
    pub root: bool,
    #[command(flatten)]
    pub note: Note,
    #[command(flatten)]
    pub who: Who,
}

pub fn move_(ctx: &Context, args: &MoveArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let old = study.place_code(
        &args.id,
        args.parent.as_deref(),
        Placement::Move,
        args.note.note.as_deref(),
        &who,
    )?;
    crate::cmd::status(&format!(
        "{}: parent {} -> {}",
        args.id,
        old.as_deref().unwrap_or("(root)"),
        args.parent.as_deref().unwrap_or("(root)")
    ));
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook merge`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Every coding of SOURCE, for every coder, becomes a coding of TARGET; themes under SOURCE
move under TARGET; SOURCE is retired (kept for history). A moved coding that becomes
identical to one the same coder already has on TARGET (same transcript and span) is folded
into it and its memo kept. The codebook and all codings files are locked while this runs,
and changelog.csv records the merge with its counts, for the write-up.

Examples:
  $ thematic codebook merge empowerment active-engagement --dry-run
  $ thematic codebook merge empowerment active-engagement")]
pub struct MergeArgs {
    /// The theme merged away.
    pub source: String,
    /// The theme that takes its codings.
    pub target: String,
    /// Say what would happen, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub who: Who,
}

pub fn merge(ctx: &Context, args: &MergeArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    if args.dry_run {
        let book = study.codebook()?;
        // Run the codebook checks on a copy, without writing.
        let path = study.codebook_path();
        let text = std::fs::read_to_string(&path)?;
        let mut ed = thematic_codebook::CodebookEditor::open(&text, &study.shown(&path))
            .map_err(super::codebook_error)?;
        let outcome = ed.merge(&args.source, &args.target).map_err(|e| {
            let err = CliError::user(format!("{}: {e}", study.shown(&path)));
            with_merge_hint(err, &book, &args.source, &args.target)
        })?;
        let mut per = Vec::new();
        let mut total = 0;
        for f in study.all_codings()? {
            let n = f.codings.iter().filter(|c| c.theme == args.source).count();
            if n > 0 {
                per.push(format!("{} {n}", f.coder));
                total += n;
            }
        }
        let label = |id: &str| book.get(id).map_or(id.to_string(), |e| e.label.clone());
        crate::cmd::status(&format!(
            "would move {total} coding(s) from \"{}\" to \"{}\"{}{}; nothing changed (drop --dry-run to merge)",
            label(&args.source),
            label(&args.target),
            if per.is_empty() {
                String::new()
            } else {
                format!(" ({})", per.join(", "))
            },
            if outcome.reparented.is_empty() {
                String::new()
            } else {
                format!(
                    " and put {} under \"{}\"",
                    outcome.reparented.join(", "),
                    args.target
                )
            }
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let report = study
        .merge_themes(&args.source, &args.target, &who)
        .map_err(|e| match study.codebook() {
            Ok(book) => with_merge_hint(e.into(), &book, &args.source, &args.target),
            Err(_) => e.into(),
        })?;
    let per: Vec<String> = report
        .moved
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    crate::cmd::status(&format!(
        "merged {} into {}: {} coding(s) moved{}{}; {} retired",
        args.source,
        args.target,
        report.total(),
        if per.is_empty() {
            String::new()
        } else {
            format!(" ({})", per.join(", "))
        },
        if report.folded.is_empty() {
            String::new()
        } else {
            format!(", {} folded into identical codings", report.folded.len())
        },
        args.source
    ));
    Ok(ExitCode::SUCCESS)
}

/// A merge refused because TARGET cannot be coded: say what was probably meant. Two
/// themes are merged with `merge-theme`; a code goes into a theme with `move`.
fn with_merge_hint(err: CliError, book: &Codebook, source: &str, target: &str) -> CliError {
    let (Some(s), Some(t)) = (book.get(source), book.get(target)) else {
        return err;
    };
    if t.codable || t.retired || s.retired {
        return err;
    }
    if s.codable {
        err.hint(format!(
            "to put the code in that theme, move it: `thematic codebook move {source} --parent {target}`"
        ))
    } else {
        err.hint(format!(
            "both are themes, which hold codes but have no codings: `thematic codebook merge-theme {source} {target}` puts what \"{source}\" holds in \"{target}\""
        ))
    }
}

/// `thematic codebook retire`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
A retired theme stays in the codebook with `retired = true`: its codings are kept and still
count where they are shown, but it is hidden when coding, from coding sheets and from the
map. --undo brings it back.

Examples:
  $ thematic codebook retire peer-support
  $ thematic codebook retire peer-support --undo")]
pub struct RetireArgs {
    /// The theme's id.
    pub id: String,
    /// Make a retired theme current again.
    #[arg(long)]
    pub undo: bool,
    #[command(flatten)]
    pub who: Who,
}

pub fn retire(ctx: &Context, args: &RetireArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let used = study.retire_theme(&args.id, !args.undo, &who)?;
    crate::cmd::status(&if args.undo {
        format!("{} is current again ({used} coding(s))", args.id)
    } else {
        format!("{} retired; its {used} coding(s) are kept", args.id)
    });
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook recolour`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The colour marks the theme's codings in `thematic show`, the browser workspace and the
thematic map. It is written as lowercase #rrggbb (#c39 becomes #cc3399); anything but #rgb
or #rrggbb is refused. --none removes it.

Examples:
  $ thematic codebook recolour peer-support \"#0072b2\"
    peer-support: colour (none) -> #0072b2
  $ thematic codebook recolour peer-support --none")]
pub struct RecolourArgs {
    /// The theme's id.
    pub id: String,
    /// The colour, #rgb or #rrggbb.
    #[arg(required_unless_present = "none", conflicts_with = "none")]
    pub colour: Option<String>,
    /// Remove the colour.
    #[arg(long)]
    pub none: bool,
    #[command(flatten)]
    pub who: Who,
}

pub fn recolour(ctx: &Context, args: &RecolourArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let old = study.recolour_theme(&args.id, args.colour.as_deref(), &who)?;
    let new = study
        .codebook()?
        .get(&args.id)
        .and_then(|e| e.colour.clone());
    crate::cmd::status(&format!(
        "{}: colour {} -> {}",
        args.id,
        old.as_deref().unwrap_or("(none)"),
        new.as_deref().unwrap_or("(none)")
    ));
    Ok(ExitCode::SUCCESS)
}
