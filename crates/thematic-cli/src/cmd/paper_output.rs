//! `--format` and `--output` of the tables a paper prints (`participants --summary`,
//! `matrix`, `cooccur`, `agree`): the terminal and data formats of every table, and Word,
//! LaTeX, Excel and a print-ready HTML page laid out by
//! [`thematic_report::tables::PaperTable`].

use std::path::PathBuf;

use thematic_report::tables::{PaperFormat, PaperTable};

use crate::error::Result;
use crate::output::{OutputFormat, Table, emit_to};

/// A format a paper table can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaperTableFormat {
    /// A table for reading on a terminal.
    Table,
    /// Comma-separated values with a header row of the JSON keys.
    Csv,
    /// A JSON array of objects.
    Json,
    /// A Markdown (GitHub) pipe table.
    Md,
    /// A standalone HTML page laid out as the paper prints the table (caption, note).
    Html,
    /// Word: a three-line table with its caption and note.
    Docx,
    /// A LaTeX longtable with booktabs rules (needs array, booktabs, longtable).
    Tex,
    /// Excel: one sheet laid out as printed, numbers as numbers.
    Xlsx,
}

/// Each format with the extensions that name it (the first is the one hints show).
pub const PAPER_TABLE_FORMATS: &[(PaperTableFormat, &[&str])] = &[
    (PaperTableFormat::Table, &["txt", "text"]),
    (PaperTableFormat::Csv, &["csv"]),
    (PaperTableFormat::Json, &["json"]),
    (PaperTableFormat::Md, &["md", "markdown"]),
    (PaperTableFormat::Html, &["html", "htm"]),
    (PaperTableFormat::Docx, &["docx"]),
    (PaperTableFormat::Tex, &["tex", "latex"]),
    (PaperTableFormat::Xlsx, &["xlsx"]),
];

/// `--format` and `--output` of a paper table.
#[derive(Debug, Clone, clap::Args)]
pub struct PaperOutput {
    /// Output format (default: from the --output file's extension: .txt, .csv, .json, .md,
    /// .html, .docx, .tex, .xlsx; else a table).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<PaperTableFormat>,
    /// Write to this file (atomically) instead of standard output; its extension names the
    /// format.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl PaperOutput {
    /// The format to write: `--format`, else the `--output` file's extension, else a table;
    /// refused when the extension names no format or contradicts `--format`.
    pub fn format(&self) -> Result<PaperTableFormat> {
        Ok(
            crate::output::choose(PAPER_TABLE_FORMATS, self.format, self.output.as_deref())?
                .unwrap_or(PaperTableFormat::Table),
        )
    }

    /// The layout the format wants: a data format of [`Table`], or a paper format.
    pub fn target(&self) -> Result<Target> {
        Ok(match self.format()? {
            PaperTableFormat::Table => Target::Data(OutputFormat::Table),
            PaperTableFormat::Csv => Target::Data(OutputFormat::Csv),
            PaperTableFormat::Json => Target::Data(OutputFormat::Json),
            PaperTableFormat::Md => Target::Data(OutputFormat::Md),
            PaperTableFormat::Html => Target::Paper(PaperFormat::Html),
            PaperTableFormat::Docx => Target::Paper(PaperFormat::Docx),
            PaperTableFormat::Tex => Target::Paper(PaperFormat::Tex),
            PaperTableFormat::Xlsx => Target::Paper(PaperFormat::Xlsx),
        })
    }

    /// Writes `table` in a data format, or the paper layout `paper` makes in a paper format,
    /// saying where on standard error when it is a file.
    pub fn emit(
        &self,
        table: impl FnOnce() -> Table,
        paper: impl FnOnce() -> PaperTable,
    ) -> Result<()> {
        let bytes = match self.target()? {
            Target::Data(f) => table().render(f)?,
            Target::Paper(f) => paper().render(f)?,
        };
        self.write(&bytes)
    }

    /// Writes `bytes` to the output, saying where on standard error when it is a file.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        emit_to(self.output.as_deref(), bytes)?;
        if let Some(p) = &self.output {
            crate::cmd::status(&format!("wrote {}", p.display()));
        }
        Ok(())
    }
}

/// What a paper table is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The command's [`Table`] in a data or terminal format.
    Data(OutputFormat),
    /// The paper layout.
    Paper(PaperFormat),
}
