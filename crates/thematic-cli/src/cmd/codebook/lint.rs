//! `thematic codebook lint`

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde_json::json;
use thematic_codebook::{Codebook, advise};

use super::{Source, codebook_error};
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};

/// `thematic codebook lint`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Errors (the codebook cannot be used) are listed with file:line:column and make the command
fail. Advice does not, unless --strict:
  missing-definition  a theme without a definition
  codable-group       an entry with themes below it that can itself be coded
  near-duplicate      labels that differ only in case, plurals, word order or a typo
  unused              a codable theme no coder has used (once there are codings)
  retired-in-use      codings still on a retired theme
  group-in-use        codings on an entry that is not codable
  unknown-theme       codings whose theme is not in the codebook (an error)
JSON keys: severity, location, theme, rule, message.

Examples:
  $ thematic codebook lint
  $ thematic codebook lint --strict
  $ thematic codebook lint --codebook codebooks/draft.toml --format json")]
pub struct Args {
    #[command(flatten)]
    pub source: Source,
    /// Fail (exit 1) on advice too, not only on errors.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let mut table = Table::new(&[
        ("severity", "Severity"),
        ("location", "Location"),
        ("theme", "Theme"),
        ("rule", "Rule"),
        ("message", "Message"),
    ]);
    // Read the file ourselves so errors become rows, not a failure before the report.
    let (path, shown, study) = match &args.source.codebook {
        Some(p) => (p.clone(), p.display().to_string(), None),
        None => {
            let s = ctx.study()?;
            let p = s.codebook_path();
            let shown = s.shown(&p);
            (p, shown, Some(s))
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::user(format!("{}: {e}", path.display())))?;
    // (Missing definitions come back as `missing-definition` advice below.)
    let book = match Codebook::from_toml(&text, &shown) {
        Ok(x) => x,
        Err(e) => {
            if args.output.format == crate::output::OutputFormat::Table {
                return Err(codebook_error(e));
            }
            for d in &e.diagnostics {
                table.push(vec![
                    json!("error"),
                    json!(format!("{}:{}:{}", d.path, d.line, d.column)),
                    json!(null),
                    json!("invalid"),
                    json!(d.message),
                ]);
            }
            emit_table(&args.output, &table)?;
            return Ok(ExitCode::from(1));
        }
    };
    let mut errors = 0usize;
    let usage = match &study {
        Some(s) => {
            let files = s.all_codings()?;
            let mut usage: BTreeMap<String, usize> = BTreeMap::new();
            let mut unknown: BTreeMap<String, (usize, String, usize)> = BTreeMap::new();
            for f in &files {
                for c in &f.codings {
                    *usage.entry(c.theme.clone()).or_default() += 1;
                    if book.get(&c.theme).is_none() {
                        let u = unknown.entry(c.theme.clone()).or_insert((
                            0,
                            format!("codings/{}.csv", f.coder),
                            0,
                        ));
                        u.0 += 1;
                    }
                }
            }
            for (theme, (n, file, _)) in &unknown {
                errors += 1;
                let hint =
                    thematic_codebook::closest(theme, book.entries.iter().map(|e| e.id.as_str()))
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                table.push(vec![
                    json!("error"),
                    json!(file),
                    json!(theme),
                    json!("unknown-theme"),
                    json!(format!(
                        "{n} coding(s) use \"{theme}\", which is not in the codebook{hint}; add it back or fix the codings"
                    )),
                ]);
            }
            (!files.iter().all(|f| f.codings.is_empty())).then_some(usage)
        }
        None => None,
    };
    let advice = advise(&book, usage.as_ref());
    for a in &advice {
        table.push(vec![
            json!("advice"),
            json!(format!("{shown}:{}", a.line)),
            json!(a.theme),
            json!(a.rule),
            json!(a.message),
        ]);
    }
    let failing = errors > 0 || (args.strict && !advice.is_empty());
    if table.is_empty() {
        // A file asked for is written even when empty (a header, `[]`).
        if args.output.output.is_some() {
            emit_table(&args.output, &table)?;
        }
        crate::cmd::status(&format!(
            "{shown}: {} entries, no problems found",
            book.entries.len()
        ));
    } else {
        emit_table(&args.output, &table)?;
        crate::cmd::status(&format!(
            "{shown}: {errors} error(s), {} piece(s) of advice",
            advice.len()
        ));
    }
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
