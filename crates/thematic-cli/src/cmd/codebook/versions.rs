//! `thematic codebook snapshot | versions | diff`: the thematic map's history.

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_codebook::{ChangeKind, Codebook, StructureChange, UNSORTED_ID, summarize};
use thematic_study::{CURRENT, Study, VersionInfo};

use super::edit::Who;
use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, OutputFormat, Table, emit, emit_table};

/// `thematic codebook snapshot`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Records the codebook's structure as it is now, with a name and a note: a copy of the
codebook file, byte for byte, and the number of codings (all coders) of each entry, in
versions/NN-slug/ (codebook.toml and version.toml, plain files to commit with git). NN
numbers the versions in the order they were recorded. A name already used (in any case) is
refused, and so is `current`, which names the structure as it is now. The snapshot is
logged in changelog.csv.

Examples:
  $ thematic codebook snapshot \"Candidate themes\" --note \"before review\"
    recorded version \"Candidate themes\" in versions/01-candidate-themes: 13 entries
    (4 themes, 9 codes), 212 codings; note: before review
  $ thematic codebook snapshot \"Final themes\"")]
pub struct SnapshotArgs {
    /// The version's name, e.g. \"Candidate themes\".
    pub name: String,
    /// What this version is, and why it is recorded now.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

pub fn snapshot(ctx: &Context, args: &SnapshotArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let who = ctx.who(args.who.coder.as_deref(), &study);
    let info = study.snapshot(&args.name, args.note.as_deref().unwrap_or(""), &who)?;
    let summary = read_book(&study, &info).map_or_else(
        |e| format!("its codebook does not load: {e}"),
        |book| {
            let s = Shape::of(&book);
            format!(
                "{} entries ({} themes, {} codes)",
                book.entries.len(),
                s.themes,
                s.codes
            )
        },
    );
    let mut line = format!(
        "recorded version \"{}\" in {}/{}: {summary}, {} codings",
        info.name,
        thematic_study::VERSIONS_DIR,
        info.folder,
        total(&info)
    );
    if !info.note.is_empty() {
        line.push_str(&format!("; note: {}", info.note));
    }
    crate::cmd::status(&line);
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook versions`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The versions recorded with `thematic codebook snapshot`, oldest first. `themes` counts the
current entries that cannot be coded (overarching themes, candidate themes, groups; not
\"Unsorted\"), `defined` those of them marked defined, `codes` the current codable entries,
and `codings` every coder's codings when the version was recorded.
JSON keys: number, folder, name, recorded, coder, note, themes, defined, codes, codings.

Examples:
  $ thematic codebook versions
  $ thematic codebook versions --format md")]
pub struct VersionsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn versions(ctx: &Context, args: &VersionsArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let all = study.versions()?;
    let mut table = Table::new(&[
        ("number", "#"),
        ("folder", "Folder"),
        ("name", "Name"),
        ("recorded", "Recorded"),
        ("coder", "Coder"),
        ("note", "Note"),
        ("themes", "Themes"),
        ("defined", "Defined"),
        ("codes", "Codes"),
        ("codings", "Codings"),
    ])
    .titled("Versions of the thematic map");
    for info in &all {
        let number = info
            .folder
            .split('-')
            .next()
            .and_then(|n| n.parse::<u64>().ok());
        let shape = match read_book(&study, info) {
            Ok(book) => Some(Shape::of(&book)),
            Err(e) => {
                // One broken version does not hide the others.
                crate::cmd::status(&format!("warning: {}: {e}", info.folder));
                None
            }
        };
        table.push(vec![
            json!(number),
            json!(info.folder),
            json!(info.name),
            json!(info.recorded),
            json!(info.coder),
            json!(info.note),
            json!(shape.as_ref().map(|s| s.themes)),
            json!(shape.as_ref().map(|s| s.defined)),
            json!(shape.as_ref().map(|s| s.codes)),
            json!(total(info)),
        ]);
    }
    emit_table(&args.output, &table)?;
    if all.is_empty() {
        crate::cmd::status(
            "no versions yet: record one with `thematic codebook snapshot NAME --note TEXT`",
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook diff`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
What changed in the structure from version A to version B (B defaults to `current`, the
codebook as it is now). A version is named by its name, its folder (01-candidate-themes)
or its number (1). Themes are matched by id, which never changes, so a renamed or moved
theme is recognised. Each change is one of: created, renamed, moved, merged, split, retired
(discarded), restored, shared (the other candidate themes a code sits in changed), defined,
undefined (a candidate again), redefined (title, concept, definition, include or exclude
changed), removed (deleted from the file by hand). A theme that was renamed and moved has
two rows. Merges and splits are read from merged_into and split_from, which the commands
write.

`extracts` counts codings (all coders) that the change touches: for a code, its codings;
for a theme, those of everything in it (below it and the codes that also sit in it), as
they were when version B was recorded, and for a retired, merged or removed theme as they
were in version A. A summary line goes to standard error; with no changes it says so, and
the exit code is 0 either way.

The JSON is an array of changes: id, label, codable, kind, the kind's own keys (parent;
from, to; into; added, removed; fields), extracts, what (the change in words) and labels
(the label of every id the change names, as in version B, else A).

Examples:
  $ thematic codebook diff \"Candidate themes\"
    (a table: Change, Entry, What, Extracts; then on standard error:)
    \"Candidate themes\" (01-candidate-themes) -> current: 1 moved, 1 renamed
  $ thematic codebook diff 1 2 --format md
  $ thematic codebook diff candidate-themes final-themes --format json")]
pub struct DiffArgs {
    /// The earlier version: a name, folder or number.
    pub a: String,
    /// The later version (default: `current`, the codebook as it is now).
    #[arg(default_value = CURRENT)]
    pub b: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn diff(ctx: &Context, args: &DiffArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let (va, vb, changes) = study.version_diff(&args.a, &args.b)?;
    let (a, b) = (&va.codebook, &vb.codebook);
    let label = |id: &str| {
        b.get(id)
            .or_else(|| a.get(id))
            .map_or_else(|| id.to_string(), |e| e.label.clone())
    };
    if args.output.format == OutputFormat::Json {
        let rows: Vec<Value> = changes
            .iter()
            .map(|c| {
                let mut v = serde_json::to_value(c)?;
                let labels: BTreeMap<String, String> = named_ids(c)
                    .into_iter()
                    .map(|id| (id.to_string(), label(id)))
                    .collect();
                if let Value::Object(m) = &mut v {
                    m.insert("what".into(), json!(c.describe(a, b)));
                    m.insert("labels".into(), json!(labels));
                }
                Ok(v)
            })
            .collect::<Result<_>>()?;
        let mut bytes = serde_json::to_vec_pretty(&rows)?;
        bytes.push(b'\n');
        emit(&args.output, &bytes)?;
    } else {
        let mut table = Table::new(&[
            ("kind", "Change"),
            ("entry", "Entry"),
            ("id", "Id"),
            ("label", "Label"),
            ("codable", "Codable"),
            ("what", "What"),
            ("extracts", "Extracts"),
        ])
        .human_only(&["entry"])
        .machine_only(&["id", "label", "codable"])
        .titled(&format!(
            "Changes from {} to {}",
            name_of(&va.info),
            name_of(&vb.info)
        ));
        for c in &changes {
            table.push(vec![
                json!(c.kind_name()),
                json!(format!("{} ({})", c.label, c.id)),
                json!(c.id),
                json!(c.label),
                json!(c.codable),
                json!(c.describe(a, b)),
                json!(c.extracts),
            ]);
        }
        // An empty table says nothing a person needs; files and pipes get the header.
        let for_people = matches!(args.output.format, OutputFormat::Table | OutputFormat::Md);
        if !changes.is_empty() || !for_people || args.output.output.is_some() {
            emit_table(&args.output, &table)?;
        }
    }
    crate::cmd::status(&format!(
        "{} -> {}: {}",
        name_of(&va.info),
        name_of(&vb.info),
        summarize(&changes)
    ));
    Ok(ExitCode::SUCCESS)
}

/// Every id a change names besides its own entry's, and its own, in order.
fn named_ids(c: &StructureChange) -> Vec<&str> {
    let mut ids: Vec<&str> = vec![c.id.as_str()];
    match &c.kind {
        ChangeKind::Created { parent } => ids.extend(parent.as_deref()),
        ChangeKind::Moved { from, to } => {
            ids.extend(from.as_deref());
            ids.extend(to.as_deref());
        }
        ChangeKind::Merged { into } => ids.push(into),
        ChangeKind::Split { into } => ids.extend(into.iter().map(String::as_str)),
        ChangeKind::Shared { added, removed } => {
            ids.extend(added.iter().chain(removed).map(String::as_str));
        }
        ChangeKind::Renamed { .. }
        | ChangeKind::Retired
        | ChangeKind::Restored
        | ChangeKind::Defined
        | ChangeKind::Undefined
        | ChangeKind::Redefined { .. }
        | ChangeKind::Removed => {}
    }
    ids.dedup();
    ids
}

/// A version as people name it: `"Candidate themes" (01-candidate-themes)`, or `current`.
fn name_of(info: &VersionInfo) -> String {
    if info.folder.is_empty() {
        CURRENT.to_string()
    } else {
        format!("\"{}\" ({})", info.name, info.folder)
    }
}

/// Codings (all coders) when the version was recorded.
fn total(info: &VersionInfo) -> usize {
    info.extracts.values().sum()
}

/// A version's codebook, read from its folder; when it does not load, the first problem,
/// for the caller to report (one broken version is not fatal to a listing).
fn read_book(study: &Study, info: &VersionInfo) -> std::result::Result<Codebook, String> {
    let path = study
        .versions_dir()
        .join(&info.folder)
        .join("codebook.toml");
    let shown = study.shown(&path);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{shown}: {e}"))?;
    Codebook::from_toml(&text, &shown).map_err(|e| {
        e.diagnostics.first().map_or_else(
            || format!("{shown}: not a valid codebook"),
            |d| d.to_string(),
        )
    })
}

/// What a structure holds, for listings.
struct Shape {
    /// Current entries that cannot be coded, but for "Unsorted".
    themes: usize,
    /// Of those, the ones marked defined.
    defined: usize,
    /// Current codable entries.
    codes: usize,
}

impl Shape {
    fn of(book: &Codebook) -> Shape {
        let current = || book.entries.iter().filter(|e| !e.retired);
        let themes = || current().filter(|e| !e.codable && e.id != UNSORTED_ID);
        Shape {
            themes: themes().count(),
            defined: themes().filter(|e| e.defined).count(),
            codes: current().filter(|e| e.codable).count(),
        }
    }
}
