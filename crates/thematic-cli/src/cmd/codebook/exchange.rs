//! `thematic codebook import | export`: REFI-QDA .qdc and the formats of a paper's appendix.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use thematic_codebook::{from_qdc, to_qdc};
use thematic_report::export;
use thematic_study::atomic_write;

use super::{Source, codebook_error, load};
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::emit_to;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// REFI-QDA codebook exchange (NVivo, ATLAS.ti, MAXQDA, QualCoder).
    Qdc,
    /// Markdown, for an appendix.
    Md,
    /// One row per entry.
    Csv,
    /// Word, for an appendix.
    Docx,
    /// thematic's own format.
    Toml,
}

/// `thematic codebook export`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
qdc is the REFI-QDA codebook (QDA-XML 1.0) that NVivo, ATLAS.ti, MAXQDA and QualCoder
import. Each code's Description carries its definition, when to use it, when not to,
examples, search rules and its thematic id, so a codebook that goes out and comes back keeps
its ids, tree, labels, guidance, examples, colours and rules (the codebook's own name and
description have no place in the format).
GUIDs are derived from ids: exporting again gives the same GUIDs.
md and docx lay the codebook out for a paper's appendix: a heading per theme, nested as in
the tree, with definition, inclusion and exclusion notes and example quotes.
Retired themes are left out unless --include-retired. Exports are deterministic.

Examples:
  $ thematic codebook export --format qdc --output codebook.qdc
  $ thematic codebook export --format md > appendix-codebook.md
  $ thematic codebook export --format docx --output appendix-codebook.docx")]
pub struct ExportArgs {
    /// The format (default: from the --output file's extension).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write to this file (atomically) instead of standard output; .qdc, .md, .csv, .docx
    /// or .toml.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Include retired themes.
    #[arg(long)]
    pub include_retired: bool,
    #[command(flatten)]
    pub source: Source,
}

/// What `codebook export` writes, by extension.
const EXPORT_FORMATS: &[(Format, &[&str])] = &[
    (Format::Qdc, &["qdc"]),
    (Format::Md, &["md", "markdown"]),
    (Format::Csv, &["csv"]),
    (Format::Docx, &["docx"]),
    (Format::Toml, &["toml"]),
];

pub fn export(ctx: &Context, args: &ExportArgs) -> Result<ExitCode> {
    let format = crate::output::choose(EXPORT_FORMATS, args.format, args.output.as_deref())?
        .ok_or_else(|| {
            CliError::user(
                "which format? give --format, or an --output file whose extension names one",
            )
            .hint("e.g. --output codebook.qdc, or --format md")
        })?;
    let (book, _) = load(ctx, &args.source)?;
    if book.current().entries.is_empty() && !args.include_retired {
        return Err(
            CliError::user("the codebook has no current themes to export")
                .hint("add themes with `thematic codebook add`, or pass --include-retired"),
        );
    }
    let bytes = match format {
        Format::Qdc => to_qdc(
            &book,
            concat!("thematic ", env!("CARGO_PKG_VERSION")),
            args.include_retired,
        )
        .into_bytes(),
        Format::Md => export::codebook_markdown(&book, args.include_retired).into_bytes(),
        Format::Csv => export::codebook_csv(&book, args.include_retired),
        Format::Docx => {
            if args.output.is_none() && std::io::stdout().is_terminal() {
                return Err(CliError::user(
                    "a Word file is binary; it will not be written to the terminal",
                )
                .hint("add --output codebook.docx"));
            }
            export::codebook_docx(&book, args.include_retired)
        }
        Format::Toml => {
            let b = if args.include_retired {
                book.clone()
            } else {
                book.current()
            };
            b.to_toml().into_bytes()
        }
    };
    emit_to(args.output.as_deref(), &bytes)?;
    if let Some(p) = &args.output {
        crate::cmd::status(&format!("wrote {}", p.display()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `thematic codebook import`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Reads a REFI-QDA codebook (.qdc), or the codebook inside a project (.qde), leniently:
namespace variants, GUIDs in braces and colours as #rgb, #rrggbb or #aarrggbb are all
accepted. Ids are taken from a \"Thematic id:\" line when the file came from thematic, else
made from the labels. Code sets have no place in a thematic codebook and are reported, not
kept. The result is written as codebooks/NAME.toml (NAME from the file name; --output to
choose), never over an existing file unless --force. --use makes it the study's codebook,
refused while codings use themes the new codebook lacks.

Examples:
  $ thematic codebook import nvivo-export.qdc
  $ thematic codebook import nvivo-export.qdc --use
  $ thematic codebook import atlas.qdc --output ~/codebooks/atlas.toml")]
pub struct ImportArgs {
    /// The .qdc (or project.qde) file.
    pub file: PathBuf,
    /// Where to write the TOML codebook (default: codebooks/NAME.toml in the study).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Make it the study's codebook.
    #[arg(long)]
    pub r#use: bool,
    /// Overwrite an existing file; with --use, switch even if codings use missing themes.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub who: super::edit::Who,
}

pub fn import(ctx: &Context, args: &ImportArgs) -> Result<ExitCode> {
    // A codebook is written as TOML only.
    crate::output::choose(&[(Format::Toml, &["toml"])], None, args.output.as_deref())?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError::user(format!("{}: {e}", args.file.display())))?;
    if let Some(kind @ crate::cmd::door::Kind::RefiProject) =
        crate::cmd::door::sniff(&args.file, &bytes)
    {
        return Err(crate::cmd::door::wrong_door(
            &args.file,
            kind,
            "a codebook (.qdc)",
        ));
    }
    let stem = args
        .file
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let (book, warnings) = from_qdc(&bytes, &stem, &args.file.display().to_string())
        .map_err(|e| codebook_error(e).context(format!("cannot import {}", args.file.display())))?;
    for w in &warnings {
        crate::cmd::status(&w.to_string());
    }
    if book.entries.is_empty() {
        return Err(CliError::user(format!(
            "{} holds no codes",
            args.file.display()
        )));
    }
    // What we write must load: check before anything is written.
    let toml = book.to_toml();
    thematic_codebook::Codebook::from_toml(&toml, "imported codebook").map_err(|e| {
        codebook_error(e).context(format!(
            "cannot import {}: the result would not be a valid codebook",
            args.file.display()
        ))
    })?;
    let study = if args.output.is_none() || args.r#use {
        Some(ctx.study().map_err(|e| {
            e.hint("outside a study, say where the codebook goes: --output FILE.toml")
        })?)
    } else {
        None
    };
    let out = match (&args.output, &study) {
        (Some(p), _) => p.clone(),
        (None, Some(s)) => {
            let name = Some(thematic_codebook::slugify(&stem))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "imported".into());
            s.root().join("codebooks").join(format!("{name}.toml"))
        }
        (None, None) => return Err(CliError::internal("no output path and no study")),
    };
    if out.exists() && !args.force {
        return Err(CliError::user(format!("{} already exists", out.display()))
            .hint("choose another name with --output, or replace it with --force"));
    }
    if let (true, Some(s)) = (args.r#use, &study) {
        let missing: Vec<String> = {
            let mut m: Vec<String> = s
                .all_codings()?
                .iter()
                .flat_map(|f| f.codings.iter().map(|c| c.theme.clone()))
                .filter(|t| book.get(t).is_none())
                .collect();
            m.sort();
            m.dedup();
            m
        };
        if !missing.is_empty() && !args.force {
            return Err(CliError::user(format!(
                "codings use {} theme(s) the imported codebook lacks: {}",
                missing.len(),
                missing.join(", ")
            ))
            .hint("import without --use, add those themes to it, then switch; or --force to switch anyway"));
        }
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    atomic_write(&out, toml.as_bytes())?;
    crate::cmd::status(&format!(
        "imported {} codes from {} into {}",
        book.entries.len(),
        args.file.display(),
        out.display()
    ));
    if let Some(s) = &study {
        let who = ctx.who(args.who.coder.as_deref(), s);
        let shown = s.shown(&out);
        s.log_change(
            &who,
            "import",
            "",
            &format!(
                "imported {} codes from {} into {shown}{}",
                book.entries.len(),
                args.file.display(),
                if args.r#use {
                    "; now the study's codebook"
                } else {
                    ""
                }
            ),
        )?;
        if args.r#use {
            s.clone().set_codebook(&shown)?;
            crate::cmd::status(&format!("thematic.toml now uses {shown}"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
