//! `thematic star`: star a coding as an illustrative extract of a theme (it then comes
//! first in `thematic quotes`), take a star off, or list the stars.

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde_json::json;
use thematic_study::{Coding, Star, Study};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};

const EXAMPLES: &str = "\
Stars a coding as an illustrative extract of a theme: the extract the paper will quote
for it (phase 5 of reflexive thematic analysis, defining and naming themes). Starred
extracts come first in their theme in `thematic quotes` and every quote table export
(with --per-theme N they are taken first and count towards N), in the browser's quote view
and in a theme's review; the rest keep their order. Every author's stars count.

The star is the acting coder's (THEMATIC_CODER, else default_coder; --by names another),
kept in stars/<author>.csv (columns: coder, coding, transcript, theme, when) and logged in
changelog.csv as `star` or `unstar`. The coding is one of yours unless --coder names whose
it is; --theme names the theme it illustrates (a candidate theme holding its code, or the
code itself, the default). Coding ids are in codings/<coder>.csv, `thematic show --codings`
and the browser. Reads the coder's codings file once.

--list prints the author's stars (--all: every author's) with the words of each; JSON
keys: by, coder, coding, transcript, theme, when, code, text (code and text are empty for a
star whose coding was removed).

Examples:
  $ thematic star c-5f2a9c01d3e7
  $ thematic star c-5f2a9c01d3e7 --theme the-approach
  $ thematic star c-77aa01b2c3d4 --coder CG --theme what-matters
  $ thematic star c-5f2a9c01d3e7 --remove
  $ thematic star --list --all --format csv";

/// `thematic star`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// The coding's id (c-…).
    #[arg(value_name = "CODING-ID", required_unless_present = "list")]
    pub coding: Option<String>,
    /// Whose coding it is (default: the acting coder's).
    #[arg(long, value_name = "WHOSE")]
    pub coder: Option<String>,
    /// The theme it illustrates (default: the coding's own code); with --remove, only the
    /// star for this theme.
    #[arg(long, value_name = "ID")]
    pub theme: Option<String>,
    /// Take the star off instead (for every theme, unless --theme).
    #[arg(long, conflicts_with = "list")]
    pub remove: bool,
    /// Star as this author (default: the acting coder).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// List the stars instead.
    #[arg(long, conflicts_with = "coding")]
    pub list: bool,
    /// With --list: every author's stars.
    #[arg(long, requires = "list")]
    pub all: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let by = || -> Result<String> {
        ctx.coder(args.by.as_deref(), &study).ok_or_else(|| {
            CliError::user("who is starring? no coder given")
                .hint("pass --by NAME, set THEMATIC_CODER, or set default_coder in thematic.toml")
        })
    };
    if args.list {
        let stars = if args.all {
            study.all_stars()?
        } else {
            study.stars_of(&by()?)?
        };
        return list(&study, &stars, &args.output);
    }
    let Some(id) = args.coding.as_deref() else {
        return Err(
            CliError::user("name the coding to star").hint("e.g. thematic star c-5f2a9c01d3e7")
        );
    };
    let author = by()?;
    let coder = match &args.coder {
        Some(c) => c.clone(),
        None => author.clone(),
    };
    if args.remove {
        let n = study.unstar(&author, &coder, id, args.theme.as_deref())?;
        if n == 0 {
            return Err(CliError::user(format!(
                "{author} has no star on {coder}'s coding {id}{}",
                args.theme
                    .as_deref()
                    .map(|t| format!(" for \"{t}\""))
                    .unwrap_or_default()
            ))
            .hint("`thematic star --list` lists your stars"));
        }
        crate::cmd::status(&format!("took {n} star(s) off {id} ({coder})"));
        return Ok(ExitCode::SUCCESS);
    }
    let coding = study
        .codings_of(&coder)?
        .codings
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| thematic_study::StudyError::UnknownCoding {
            coder: coder.clone(),
            id: id.to_string(),
        })?;
    let theme = args.theme.clone().unwrap_or_else(|| coding.theme.clone());
    let added = study.star_coding(&author, &coding, &theme)?;
    crate::cmd::status(&if added {
        format!(
            "starred {id} ({coder}, {} turn {}) for {theme}: it comes first in `thematic quotes`",
            coding.transcript, coding.turn
        )
    } else {
        format!("{id} was starred for {theme} already; nothing changed")
    });
    Ok(ExitCode::SUCCESS)
}

/// The stars as a table, each with its coding's code and words when it is still there.
fn list(study: &Study, stars: &[Star], output: &OutputArgs) -> Result<ExitCode> {
    let mut files: BTreeMap<String, Vec<Coding>> = BTreeMap::new();
    for s in stars {
        if !files.contains_key(&s.coder) {
            files.insert(s.coder.clone(), study.codings_of(&s.coder)?.codings);
        }
    }
    let mut table = Table::new(&[
        ("by", "By"),
        ("coder", "Coder"),
        ("coding", "Coding"),
        ("transcript", "Transcript"),
        ("theme", "Theme"),
        ("when", "Starred"),
        ("code", "Code"),
        ("text", "Text"),
    ]);
    for s in stars {
        let coding = files
            .get(&s.coder)
            .and_then(|v| v.iter().find(|c| c.id == s.coding));
        table.push(vec![
            json!(s.by),
            json!(s.coder),
            json!(s.coding),
            json!(s.transcript),
            json!(s.theme),
            json!(s.when),
            json!(coding.map(|c| c.theme.as_str()).unwrap_or("")),
            json!(coding.map(|c| c.text.as_str()).unwrap_or("")),
        ]);
    }
    emit_table(output, &table)?;
    Ok(ExitCode::SUCCESS)
}
