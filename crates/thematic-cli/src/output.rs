//! Tabular output in every format: `--format table|csv|json|md` and `--output FILE`.
//!
//! A command builds one [`Table`]: columns with a JSON key and a header, rows of JSON values.
//! The same table renders as a terminal table (comfy-table), CSV (header row = the keys),
//! JSON (an array of objects with those keys, in column order) or a Markdown pipe table.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use comfy_table::ContentArrangement;
use serde_json::{Map, Value};

use crate::error::{CliError, Result};
use crate::term;

/// The output formats of tabular commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table for reading on a terminal.
    Table,
    /// Comma-separated values with a header row of the JSON keys.
    Csv,
    /// A JSON array of objects.
    Json,
    /// A Markdown (GitHub) pipe table.
    Md,
    /// A standalone HTML page with the table (for printing or a meeting handout).
    Html,
}

/// `--format` and `--output`, shared by every tabular command.
///
/// The format is `--format`, else the one the `--output` file's extension names, else a
/// terminal table. [`choose`] is applied while the command line is parsed, so a file this
/// command cannot write (`--output table.docx`) is refused before anything is computed.
#[derive(Debug, Clone)]
pub struct OutputArgs {
    /// The format to write, resolved from `--format` and the `--output` extension.
    pub format: OutputFormat,
    /// Write to this file instead of standard output (written atomically).
    pub output: Option<PathBuf>,
}

/// What the tabular commands can write: each format with the extensions that name it.
pub const TABLE_FORMATS: &[(OutputFormat, &[&str])] = &[
    (OutputFormat::Table, &["txt", "text"]),
    (OutputFormat::Csv, &["csv"]),
    (OutputFormat::Json, &["json"]),
    (OutputFormat::Md, &["md", "markdown"]),
    (OutputFormat::Html, &["html", "htm"]),
];

/// `--format` and `--output` as typed, before [`choose`] resolves them.
#[derive(Debug, Clone, Args)]
struct RawOutputArgs {
    /// Output format (default: from the --output file's extension: .txt, .csv, .json, .md,
    /// .html; else a table).
    #[arg(long, short = 'f', value_enum)]
    format: Option<OutputFormat>,
    /// Write to this file instead of standard output (written atomically); its extension
    /// names the format.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

impl clap::FromArgMatches for OutputArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> std::result::Result<Self, clap::Error> {
        let raw = RawOutputArgs::from_arg_matches(matches)?;
        let format = choose(TABLE_FORMATS, raw.format, raw.output.as_deref())
            .map_err(|e| {
                // clap adds "error: " itself, and the usage after.
                let text = e.render();
                let text = text.strip_prefix("error: ").unwrap_or(&text);
                clap::Error::raw(clap::error::ErrorKind::ValueValidation, text)
            })?
            .unwrap_or(OutputFormat::Table);
        Ok(OutputArgs {
            format,
            output: raw.output,
        })
    }

    fn update_from_arg_matches(
        &mut self,
        matches: &clap::ArgMatches,
    ) -> std::result::Result<(), clap::Error> {
        *self = OutputArgs::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for OutputArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        RawOutputArgs::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        RawOutputArgs::augment_args_for_update(cmd)
    }
}

/// The one rule for `--output`: a command writes the format its output file's extension
/// names, or refuses before computing anything.
///
/// `writes` lists each format the command can write with the extensions (lower case, no
/// dot) that name it. Without `--output`, or with a file that has no extension, the result
/// is `asked` (the command's own default when `None`). With an extension: the format it
/// names; refused when no format of `writes` has it (the error lists what the command can
/// write) or when `asked` is a different format.
pub fn choose<F: Copy + PartialEq + std::fmt::Debug>(
    writes: &[(F, &[&str])],
    asked: Option<F>,
    output: Option<&Path>,
) -> Result<Option<F>> {
    let Some(ext) = output.and_then(extension) else {
        return Ok(asked);
    };
    let can_write = || {
        writes
            .iter()
            .map(|(_, exts)| format!(".{}", exts[0]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(&(named, _)) = writes.iter().find(|(_, exts)| exts.contains(&ext.as_str())) else {
        return Err(CliError::user(format!(
            "cannot write a .{ext} file: this command can write {}",
            can_write()
        ))
        .hint("name the --output file with one of those extensions"));
    };
    match asked {
        Some(f) if f != named => Err(CliError::user(format!(
            "--format {} contradicts the .{ext} extension of the --output file",
            name_of(f)
        ))
        .hint(format!(
            "leave out --format (the extension names the format), or name the file .{}; \
             this command can write {}",
            writes
                .iter()
                .find(|(g, _)| *g == f)
                .map_or("", |(_, exts)| exts[0]),
            can_write()
        ))),
        _ => Ok(Some(named)),
    }
}

/// The one format of commands that write something other than a table: plain text
/// (`thematic show`) or a manual page (`thematic man`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Plain {
    /// Plain text.
    Text,
    /// A roff manual page.
    Roff,
}

/// A format's name as `--format` takes it (the variant's name in lower case).
fn name_of<F: std::fmt::Debug>(f: F) -> String {
    format!("{f:?}").to_ascii_lowercase()
}

/// A file's extension in lower case.
pub fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// A table of results.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<(String, String)>,
    rows: Vec<Vec<Value>>,
    /// Keys of columns left out of the table and Markdown renderings (long text that only
    /// machines want in every row).
    machine_only: Vec<String>,
    /// Keys of columns left out of CSV and JSON (combined cells for people, such as
    /// "0.81 [0.77, 0.85]", whose parts have their own machine columns).
    human_only: Vec<String>,
    /// A title for standalone renderings (HTML).
    title: String,
}

impl Table {
    /// A table with these `(json_key, header)` columns.
    pub fn new(columns: &[(&str, &str)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(k, h)| (k.to_string(), h.to_string()))
                .collect(),
            rows: Vec::new(),
            machine_only: Vec::new(),
            human_only: Vec::new(),
            title: String::new(),
        }
    }

    /// Leaves these columns out of CSV and JSON (the table, Markdown and HTML keep them).
    pub fn human_only(mut self, keys: &[&str]) -> Table {
        self.human_only = keys.iter().map(|k| k.to_string()).collect();
        self
    }

    /// Sets the title used by the HTML rendering.
    pub fn titled(mut self, title: &str) -> Table {
        self.title = title.to_string();
        self
    }

    fn machine_columns(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|&i| !self.human_only.contains(&self.columns[i].0))
            .collect()
    }

    /// Leaves these columns out of the table and Markdown renderings (CSV and JSON keep them).
    pub fn machine_only(mut self, keys: &[&str]) -> Table {
        self.machine_only = keys.iter().map(|k| k.to_string()).collect();
        self
    }

    /// Leaves these columns out of the table and Markdown renderings too, besides those
    /// already left out (for a compact terminal table).
    pub fn also_machine_only(mut self, keys: &[&str]) -> Table {
        self.machine_only.extend(keys.iter().map(|k| k.to_string()));
        self
    }

    fn shown(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|&i| !self.machine_only.contains(&self.columns[i].0))
            .collect()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds a row (one value per column).
    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// Adds a row given as `(json_key, value)` cells, in any order: each column takes the
    /// cell with its key, and a column without one is empty (`null`).
    pub fn push_named(&mut self, cells: Vec<(String, Value)>) {
        debug_assert!(
            cells
                .iter()
                .all(|(k, _)| self.columns.iter().any(|(c, _)| c == k)),
            "a cell without a column"
        );
        let mut cells: BTreeMap<String, Value> = cells.into_iter().collect();
        let row = self
            .columns
            .iter()
            .map(|(k, _)| cells.remove(k).unwrap_or(Value::Null))
            .collect();
        self.rows.push(row);
    }

    /// Renders in `format`.
    pub fn render(&self, format: OutputFormat) -> Result<Vec<u8>> {
        Ok(match format {
            OutputFormat::Table => self.render_table().into_bytes(),
            OutputFormat::Csv => self.render_csv()?,
            OutputFormat::Json => {
                let mut v = serde_json::to_vec_pretty(&self.to_json())?;
                v.push(b'\n');
                v
            }
            OutputFormat::Md => self.render_md().into_bytes(),
            OutputFormat::Html => self.render_html().into_bytes(),
        })
    }

    fn render_html(&self) -> String {
        let esc = thematic_codebook::xml_escape;
        let shown = self.shown();
        let mut s =
            String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.push_str(&format!("<title>{}</title>\n", esc(&self.title)));
        s.push_str(
            "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}\
             th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}\
             th{background:#f3f3f3}td.n{text-align:right}</style>\n</head>\n<body>\n",
        );
        if !self.title.is_empty() {
            s.push_str(&format!("<h1>{}</h1>\n", esc(&self.title)));
        }
        s.push_str("<table>\n<thead><tr>");
        for &i in &shown {
            s.push_str(&format!("<th>{}</th>", esc(&self.columns[i].1)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            s.push_str("<tr>");
            for &i in &shown {
                let class = if row[i].is_number() {
                    " class=\"n\""
                } else {
                    ""
                };
                s.push_str(&format!(
                    "<td{class}>{}</td>",
                    esc(&human(&self.columns[i].0, &row[i])).replace('\n', "<br>")
                ));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table>\n</body>\n</html>\n");
        s
    }

    /// The rows as JSON objects keyed by column key.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|row| {
                    let mut m = Map::new();
                    for i in self.machine_columns() {
                        m.insert(self.columns[i].0.clone(), row[i].clone());
                    }
                    Value::Object(m)
                })
                .collect(),
        )
    }

    fn render_table(&self) -> String {
        let mut t = comfy_table::Table::new();
        // Only a rule under the header: quiet, and easy to read back or diff.
        t.load_preset(if term::stdout_is_terminal() {
            "     ─             "
        } else {
            "     -             "
        });
        t.set_content_arrangement(if term::stdout_is_terminal() {
            ContentArrangement::Dynamic
        } else {
            ContentArrangement::Disabled
        });
        let shown = self.shown();
        t.set_header(shown.iter().map(|&i| self.columns[i].1.as_str()));
        for row in &self.rows {
            t.add_row(
                shown
                    .iter()
                    .map(|&i| term::sanitize(&human(&self.columns[i].0, &row[i])).into_owned()),
            );
        }
        if let Some(row0) = self.rows.first() {
            for (col, &i) in shown.iter().enumerate() {
                if row0[i].is_number()
                    && let Some(c) = t.column_mut(col)
                {
                    c.set_cell_alignment(comfy_table::CellAlignment::Right);
                }
            }
        }
        let mut s = t.to_string();
        s.push('\n');
        s
    }

    fn render_csv(&self) -> Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let cols = self.machine_columns();
        w.write_record(cols.iter().map(|&i| self.columns[i].0.as_str()))?;
        for row in &self.rows {
            w.write_record(cols.iter().map(|&i| match &row[i] {
                Value::String(s) => neutralize_formula(s),
                other => display(other),
            }))?;
        }
        w.into_inner()
            .map_err(|e| crate::error::CliError::internal(format!("writing CSV: {e}")))
    }

    fn render_md(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('\n', "<br>");
        let shown = self.shown();
        let mut s = String::new();
        s.push_str(&format!(
            "| {} |\n",
            shown
                .iter()
                .map(|&i| esc(&self.columns[i].1))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        s.push_str(&format!(
            "|{}|\n",
            shown
                .iter()
                .map(
                    |&i| if self.rows.first().is_some_and(|r| r[i].is_number()) {
                        "---:"
                    } else {
                        "---"
                    }
                )
                .collect::<Vec<_>>()
                .join("|")
        ));
        for row in &self.rows {
            let cells: Vec<String> = shown
                .iter()
                .map(|&i| esc(&human(&self.columns[i].0, &row[i])))
                .collect();
            s.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        s
    }
}

/// A cell for people (table and Markdown): durations (`*_ms` columns) as `hh:mm:ss`.
fn human(key: &str, v: &Value) -> String {
    match (key.ends_with("_ms"), v.as_i64()) {
        (true, Some(ms)) => thematic_transcript::format_hms(ms),
        _ => display(v),
    }
}

/// A value as a table cell: strings bare, `null` empty, numbers as written.
pub fn display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(display).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the
/// start) gets a leading apostrophe, the OWASP advice for CSV injection.
pub fn neutralize_formula(s: &str) -> String {
    thematic_codebook::neutralize(s)
}

/// Writes `bytes` to `--output` (atomically) or to standard output.
pub fn emit(args: &OutputArgs, bytes: &[u8]) -> Result<()> {
    emit_to(args.output.as_deref(), bytes)
}

/// Writes `bytes` to `output` (atomically) or, without one, to standard output.
pub fn emit_to(output: Option<&std::path::Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => thematic_study::atomic_write(path, bytes).map_err(Into::into),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Renders `table` as `args` asks and writes it.
pub fn emit_table(args: &OutputArgs, table: &Table) -> Result<()> {
    emit(args, &table.render(args.format)?)
}

/// Rounds to `places` decimals, for display-friendly JSON numbers.
pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Table {
        let mut t = Table::new(&[("id", "ID"), ("turns", "Turns"), ("note", "Note")]);
        t.push(vec![json!("P6"), json!(12), json!("a|b")]);
        t.push(vec![json!("=cmd"), json!(3), Value::Null]);
        t
    }

    #[test]
    fn csv_json_and_markdown() {
        let t = sample();
        let csv = String::from_utf8(t.render(OutputFormat::Csv).unwrap()).unwrap();
        assert_eq!(csv, "id,turns,note\nP6,12,a|b\n'=cmd,3,\n");
        let json: Value = serde_json::from_slice(&t.render(OutputFormat::Json).unwrap()).unwrap();
        assert_eq!(json[0], json!({"id": "P6", "turns": 12, "note": "a|b"}));
        let md = String::from_utf8(t.render(OutputFormat::Md).unwrap()).unwrap();
        assert_eq!(md.lines().nth(1), Some("|---|---:|---|"));
        assert!(md.contains("| P6 | 12 | a\\|b |"));
    }
}
