//! `thematic codebook show`

use std::process::ExitCode;

use serde_json::json;
use thematic_study::{theme_counts, theme_counts_by};

use super::{Source, load};
use crate::context::Context;
use crate::error::Result;
use crate::output::{OutputArgs, Table, emit_table};

/// `thematic codebook show`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
One row per entry, in tree order. A group's counts include the themes below it. Coding is
blind, so the counts are the acting coder's own codings (--coder, else THEMATIC_CODER, else
default_coder in thematic.toml); --all-coders counts every coder's, and so do studies with
no acting coder.
While themes are developed, the table marks a theme that is defined and named
\"(defined)\", and a code that sits in a second candidate theme as well \"(also in: …)\",
to resolve before that theme is defined.
JSON keys: label, id, parent, depth, codable, retired, definition, codings, participants,
coders, defined, also_in.

Examples:
  $ thematic codebook show
  $ thematic codebook show --coder KW
  $ thematic codebook show --all-coders
  $ thematic codebook show --format json
  $ thematic codebook show --codebook codebooks/draft.toml")]
pub struct Args {
    #[command(flatten)]
    pub source: Source,
    /// Count only this coder's codings. Default: the acting coder (THEMATIC_CODER, else
    /// default_coder in thematic.toml); with none, every coder's.
    #[arg(long, value_name = "CODER")]
    pub coder: Option<String>,
    /// Count every coder's codings, which breaks blind coding.
    #[arg(long, conflicts_with = "coder")]
    pub all_coders: bool,
    /// Show retired themes too.
    #[arg(long)]
    pub include_retired: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let (book, study) = load(ctx, &args.source)?;
    let files = match &study {
        Some(s) if args.all_coders => s.all_codings()?,
        Some(s) => match (&args.coder, ctx.coder(None, s)) {
            (Some(c), _) => {
                s.check_coder(c)?;
                vec![s.codings_of(c)?]
            }
            // The acting coder may have no codings yet: then every count is 0.
            (None, Some(me)) => vec![s.codings_of(&me)?],
            (None, None) => s.all_codings()?,
        },
        None => Vec::new(),
    };
    // Participants as who speaks: a focus group's named speakers count one each.
    let counts = match &study {
        Some(s) => theme_counts_by(&book, &files, &s.attribution()?),
        None => theme_counts(&book, &files),
    };
    let mut table = Table::new(&[
        ("label", "Theme"),
        ("id", "Id"),
        ("parent", "Parent"),
        ("depth", "Depth"),
        ("codable", "Codable"),
        ("retired", "Retired"),
        ("definition", "Definition"),
        ("codings", "Codings"),
        ("participants", "Participants"),
        ("coders", "Coders"),
        ("defined", "Defined"),
        ("also_in", "Also in"),
    ])
    .machine_only(&[
        "parent",
        "depth",
        "codable",
        "retired",
        "definition",
        "defined",
        "also_in",
    ]);
    let human = args.output.format == crate::output::OutputFormat::Table
        || args.output.format == crate::output::OutputFormat::Md;
    for e in book.tree_order() {
        if e.retired && !args.include_retired {
            continue;
        }
        let depth = book.depth(&e.id);
        let c = counts.get(&e.id).cloned().unwrap_or_default();
        let mut label = e.label.clone();
        if human {
            label = format!("{}{label}", "  ".repeat(depth));
            if !e.codable {
                label.push_str(" (group)");
            }
            if e.defined {
                label.push_str(" (defined)");
            }
            if e.retired {
                label.push_str(" (retired)");
            }
            let also: Vec<&str> = e
                .also_in
                .iter()
                .filter_map(|a| book.get(a).filter(|t| !t.retired))
                .map(|t| t.label.as_str())
                .collect();
            if !also.is_empty() {
                label.push_str(&format!(" (also in: {})", also.join(", ")));
            }
        }
        table.push(vec![
            json!(label),
            json!(e.id),
            json!(e.parent),
            json!(depth),
            json!(e.codable),
            json!(e.retired),
            json!(e.definition),
            json!(c.codings),
            json!(c.participants),
            json!(c.coders),
            json!(e.defined),
            json!(e.also_in),
        ]);
    }
    emit_table(&args.output, &table)?;
    if book.entries.is_empty() {
        // A new study's codebook: say what to do rather than leave an empty table.
        crate::cmd::status(
            "the codebook has no themes yet: make codes as you read, in the browser (thematic serve) or with thematic codebook add LABEL --unsorted",
        );
    }
    Ok(ExitCode::SUCCESS)
}
