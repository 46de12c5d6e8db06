//! A table as a paper prints it, written as Word (`.docx`), LaTeX (`.tex`), Excel (`.xlsx`)
//! or HTML: a caption above, a header row, rows (some of them group headings, some indented
//! under one) and a note below. Table 1, the matrix, co-occurrence and agreement tables are
//! each laid out once as a [`PaperTable`] and written by these four writers.
//!
//! - Word: the booktabs-style [`Docx::three_line_table`] (rules above and below the table and
//!   under the header only; the header repeats on every page), then the note in a smaller
//!   paragraph; a landscape page when the columns are wider than a portrait page.
//! - LaTeX: a `longtable` with `booktabs` rules, its header repeated after page breaks,
//!   caption in `\caption`, note under the table; needs
//!   `\usepackage{array,booktabs,longtable}`.
//! - Excel: one sheet laid out as printed (caption in A1, header in bold with a rule under
//!   it, numbers as numbers with as many decimals as printed, the note under the table).
//! - HTML: a standalone page with `<table>` (caption in `<caption>`, header in `<thead>`,
//!   the note in a `<p class="note">`), well-formed XML.
//!
//! The same table always gives the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
use thematic_codebook::xml_escape as esc;
use thematic_study::StudyError;

#[cfg(doc)]
use crate::export::docx::fit_header_words;
use crate::export::docx::{Column, Docx, Run, TEXT_WIDTH, TableRow};

/// The four paper formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperFormat {
    /// Word (`.docx`).
    Docx,
    /// A LaTeX fragment (`.tex`).
    Tex,
    /// An Excel workbook (`.xlsx`).
    Xlsx,
    /// A standalone HTML page (`.html`).
    Html,
}

impl PaperFormat {
    /// The format a file extension names (`docx`, `tex`, `xlsx`, `html`/`htm`), any case.
    pub fn from_extension(ext: &str) -> Option<PaperFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "docx" => Some(PaperFormat::Docx),
            "tex" | "latex" => Some(PaperFormat::Tex),
            "xlsx" => Some(PaperFormat::Xlsx),
            "html" | "htm" => Some(PaperFormat::Html),
            _ => None,
        }
    }
}

/// How a column is aligned and how wide it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperColumn {
    /// The header.
    pub header: String,
    /// Numbers: aligned right.
    pub numeric: bool,
    /// The share of the width, relative to the other columns' weights.
    pub weight: u32,
    /// Lines never wrap: the column is as wide as its longest line (figures with their
    /// interval, "0.89 [0.62, 1.00]" split only where the cell has a line break).
    pub whole_lines: bool,
}

impl PaperColumn {
    /// A text column with this share of the width.
    pub fn text(header: impl Into<String>, weight: u32) -> PaperColumn {
        PaperColumn {
            header: header.into(),
            numeric: false,
            weight,
            whole_lines: false,
        }
    }
    /// A column of figures with words or brackets ("0.89\n[0.62, 1.00]"), aligned left,
    /// each line kept whole.
    pub fn figures(header: impl Into<String>) -> PaperColumn {
        PaperColumn {
            whole_lines: true,
            ..PaperColumn::text(header, 1)
        }
    }
    /// A column of numbers, aligned right.
    pub fn number(header: impl Into<String>, weight: u32) -> PaperColumn {
        PaperColumn {
            numeric: true,
            ..PaperColumn::text(header, weight)
        }
    }
}

/// A row of a [`PaperTable`].
#[derive(Debug, Clone, PartialEq)]
pub enum PaperRow {
    /// One cell per column.
    Cells(Vec<String>),
    /// Like `Cells`, its first cell indented (a category under its attribute).
    Indented(Vec<String>),
    /// A heading across the table (an attribute, a group of themes).
    Group(String),
}

/// A table laid out for a paper.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperTable {
    /// The caption ("Participant characteristics"), printed after "Table N. " when numbered.
    pub caption: String,
    /// The columns.
    pub columns: Vec<PaperColumn>,
    /// The rows.
    pub rows: Vec<PaperRow>,
    /// The note under the table ("Note. …"); empty for none.
    pub note: String,
}

impl PaperTable {
    /// The table in `format`.
    pub fn render(&self, format: PaperFormat) -> Result<Vec<u8>, StudyError> {
        Ok(match format {
            PaperFormat::Docx => self.to_docx(),
            PaperFormat::Tex => self.to_latex().into_bytes(),
            PaperFormat::Xlsx => self.to_xlsx().map_err(|e| {
                StudyError::Export(format!("the workbook could not be written: {e}"))
            })?,
            PaperFormat::Html => self.to_html().into_bytes(),
        })
    }

    fn cells(row: &PaperRow) -> (&[String], bool) {
        match row {
            PaperRow::Cells(c) => (c, false),
            PaperRow::Indented(c) => (c, true),
            PaperRow::Group(_) => (&[], false),
        }
    }

    /// The table as a Word document (see the module docs).
    pub fn to_docx(&self) -> Vec<u8> {
        // A landscape A4 page's text: 29.7 cm less two 2.54 cm margins.
        const LANDSCAPE_WIDTH: u32 = 16838 - 2 * 1440;
        let (widths, landscape) = self.docx_widths(TEXT_WIDTH, LANDSCAPE_WIDTH);
        let cols: Vec<Column> = self
            .columns
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                if c.numeric {
                    Column::right(c.header.as_str(), w)
                } else {
                    Column::left(c.header.as_str(), w)
                }
            })
            .collect();
        let rows: Vec<TableRow> = self
            .rows
            .iter()
            .map(|r| match r {
                PaperRow::Group(g) => TableRow::Banner(vec![Run::italic(g.as_str())]),
                _ => {
                    let (cells, indent) = Self::cells(r);
                    TableRow::Cells(
                        cells
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let text = if i == 0 && indent {
                                    format!("\u{2003}{c}")
                                } else {
                                    c.clone()
                                };
                                vec![Run::plain(text)]
                            })
                            .collect(),
                    )
                }
            })
            .collect();
        let mut d = Docx::new(&self.caption);
        if landscape {
            d.landscape();
        }
        d.three_line_table(&[Run::italic(self.caption.as_str())], &cols, &rows);
        if !self.note.is_empty() {
            d.paragraph(&[Run::italic("Note. "), Run::plain(self.note.as_str())]);
        }
        d.to_bytes()
    }

    /// Column widths for Word, and whether the page must be landscape: a column of numbers
    /// is as wide as its header's longest word and its widest number need (bold 10 pt,
    /// estimated as generously as [`fit_header_words`] does, so no header word breaks); the
    /// text columns share the rest by weight, none narrower than its longest word. When
    /// that does not fit the `portrait` width, the page turns.
    fn docx_widths(&self, portrait: u32, landscape: u32) -> (Vec<u32>, bool) {
        // 0.7 em of 10 pt a character of a bold header, and the cell's padding.
        let header_need = |h: &str| {
            h.split_whitespace()
                .map(|w| w.chars().count() as u32)
                .max()
                .unwrap_or(0)
                * 140
                + 210
        };
        let longest_word = |i: usize| {
            let whole = self.columns[i].whole_lines;
            self.rows
                .iter()
                .filter_map(|r| Self::cells(r).0.get(i))
                .flat_map(|c| {
                    if whole {
                        c.lines().collect::<Vec<_>>()
                    } else {
                        c.split_whitespace().collect()
                    }
                })
                .map(|w| w.chars().count() as u32)
                .max()
                .unwrap_or(0)
        };
        // Digits are wide in the fonts Word and LibreOffice fall back to (DejaVu Sans: 0.64
        // em), so columns of numbers and figures get 0.65 em a character; words 0.5 em.
        let need: Vec<u32> = (0..self.columns.len())
            .map(|i| {
                let c = &self.columns[i];
                let per_char = if c.numeric || c.whole_lines { 130 } else { 100 };
                header_need(&c.header).max(longest_word(i) * per_char + 210)
            })
            .collect();
        let fixed_width = |c: &PaperColumn| c.numeric || c.whole_lines;
        let sum = |numeric: bool| -> u32 {
            (0..self.columns.len())
                .filter(|&i| fixed_width(&self.columns[i]) == numeric)
                .map(|i| need[i])
                .sum()
        };
        let (fixed, text_min) = (sum(true), sum(false));
        let turn = fixed + text_min > portrait;
        let width = if turn { landscape } else { portrait };
        let weights: u32 = self
            .columns
            .iter()
            .filter(|c| !fixed_width(c))
            .map(|c| c.weight.max(1))
            .sum::<u32>()
            .max(1);
        let spare = width.saturating_sub(fixed + text_min);
        let widths = self
            .columns
            .iter()
            .zip(&need)
            .map(|(c, &n)| {
                if fixed_width(c) {
                    n
                } else {
                    n + spare * c.weight.max(1) / weights
                }
            })
            .collect();
        (widths, turn)
    }

    /// The table as a LaTeX fragment (see the module docs). A table too wide for a 10 pt
    /// line is set in `\footnotesize`, or `\scriptsize`, with less space between columns.
    pub fn to_latex(&self) -> String {
        let n = self.columns.len().max(1);
        // The longest line of each column's cells and header, in characters.
        let longest: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| Self::cells(r).0.get(i))
                    .flat_map(|c| c.lines())
                    .chain(std::iter::once(self.columns[i].header.as_str()))
                    .map(|l| l.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // Numbers right-aligned; figures on one line at their own width; text on one line
        // when the table then fits the line, else ragged right in paragraph columns sharing
        // what the others leave, by weight. Widths are estimated at half an em a character;
        // a table that does not fit at 10 pt is set smaller (footnotesize, then scriptsize,
        // with less space between columns).
        let has_break = |i: usize| {
            self.rows
                .iter()
                .any(|r| Self::cells(r).0.get(i).is_some_and(|t| t.contains('\n')))
        };
        let is_text = |i: usize| !self.columns[i].numeric && !self.columns[i].whole_lines;
        // (size command, line width in em of that size, space between columns in em).
        const SIZES: [(&str, f64, f64); 3] = [
            ("", 34.5, 1.2),
            ("\\footnotesize", 43.0, 0.75),
            ("\\scriptsize", 49.0, 0.6),
        ];
        let width = |i: usize, sep: f64, text_cap: f64| {
            // Text averages under half an em a character; figures and bold headers more.
            if is_text(i) {
                (longest[i] as f64 * 0.48).min(text_cap) + sep
            } else {
                longest[i] as f64 * 0.55 + sep
            }
        };
        let size = SIZES
            .iter()
            .find(|(_, line, sep)| {
                (0..self.columns.len())
                    .map(|i| width(i, *sep, 8.0))
                    .sum::<f64>()
                    <= *line
            })
            .unwrap_or(&SIZES[2]);
        let (size_cmd, line_em, sep) = *size;
        let total: f64 = (0..self.columns.len())
            .map(|i| width(i, sep, f64::MAX))
            .sum();
        let crowded = total > line_em;
        let wraps = |i: usize| is_text(i) && (crowded || longest[i] > SHORT_TEXT || has_break(i));
        let fixed: f64 = (0..self.columns.len())
            .filter(|&i| !wraps(i))
            .map(|i| width(i, sep, f64::MAX))
            .sum();
        let wrapping = (0..self.columns.len()).filter(|&i| wraps(i)).count() as f64;
        let room = ((line_em - fixed - wrapping * sep) / line_em - 0.04).clamp(0.12, 0.9);
        let weights: u32 = (0..self.columns.len())
            .filter(|&i| wraps(i))
            .map(|i| self.columns[i].weight.max(1))
            .sum::<u32>()
            .max(1);
        let spec: String = (0..self.columns.len())
            .map(|i| {
                let c = &self.columns[i];
                if c.numeric {
                    "r".to_string()
                } else if c.whole_lines {
                    // About half an em a character of figures.
                    let em = longest[i] as f64 * 0.5 + 0.6;
                    format!(">{{\\raggedright\\arraybackslash}}p{{{em:.1}em}}")
                } else if wraps(i) {
                    let share = room * f64::from(c.weight.max(1)) / f64::from(weights);
                    format!(">{{\\raggedright\\arraybackslash}}p{{{share:.3}\\linewidth}}")
                } else {
                    "l".to_string()
                }
            })
            .collect();
        let header = self
            .columns
            .iter()
            .map(|c| format!("\\textbf{{{}}}", tex(&c.header)))
            .collect::<Vec<_>>()
            .join(" & ");
        let mut s = format!(
            "% {}. Written by thematic. Needs \\usepackage{{array,booktabs,longtable}} in the preamble.\n\
             \\begin{{longtable}}{{@{{}}{spec}@{{}}}}\n\\caption{{{}}}\\\\\n\\toprule\n{header} \\\\\n\\midrule\n\\endfirsthead\n\
             \\toprule\n{header} \\\\\n\\midrule\n\\endhead\n\\bottomrule\n\\endfoot\n",
            tex(&self.caption),
            tex(&self.caption)
        );
        let small = !size_cmd.is_empty();
        if small {
            s = format!(
                "{{{size_cmd}\\setlength{{\\tabcolsep}}{{{:.1}em}}\n{s}",
                sep / 2.0
            );
        }
        for r in &self.rows {
            match r {
                PaperRow::Group(g) => s.push_str(&format!(
                    "\\multicolumn{{{n}}}{{@{{}}l@{{}}}}{{\\textit{{{}}}}} \\\\\n",
                    tex(g)
                )),
                _ => {
                    let (cells, indent) = Self::cells(r);
                    let mut line: Vec<String> = cells.iter().map(|c| tex(c)).collect();
                    line.resize(n, String::new());
                    if indent {
                        line[0] = format!("\\quad {}", line[0]);
                    }
                    s.push_str(&format!("{} \\\\\n", line.join(" & ")));
                }
            }
        }
        s.push_str("\\end{longtable}\n");
        if small {
            s.push_str("}\n");
        }
        if !self.note.is_empty() {
            s.push_str(&format!(
                "\\vspace{{-\\baselineskip}}\n{{\\footnotesize\\noindent\\textit{{Note.}} {}\\par}}\n",
                tex(&self.note)
            ));
        }
        s
    }

    /// The table as an Excel workbook (see the module docs).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        wb.set_properties(
            &DocProperties::new()
                .set_title(&self.caption)
                .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
        );
        let ws = wb.add_worksheet();
        ws.set_name("table")?;
        let caption = Format::new().set_italic();
        let header = Format::new()
            .set_bold()
            .set_border_top(FormatBorder::Medium)
            .set_border_bottom(FormatBorder::Thin);
        let group = Format::new().set_italic();
        let indent = Format::new().set_indent(1);
        let wrap = Format::new()
            .set_text_wrap()
            .set_align(rust_xlsxwriter::FormatAlign::Top);
        ws.write_string_with_format(0, 0, &self.caption, &caption)?;
        let mut total_width = 0.0;
        for (c, col) in self.columns.iter().enumerate() {
            let f = if col.numeric {
                header
                    .clone()
                    .set_align(rust_xlsxwriter::FormatAlign::Right)
            } else {
                header.clone()
            };
            ws.write_string_with_format(1, c as u16, &col.header, &f)?;
            // As wide as the longest line (and the header), in characters, up to 50: text
            // longer than that wraps.
            let longest = self
                .rows
                .iter()
                .filter_map(|r| Self::cells(r).0.get(c))
                .flat_map(|t| t.lines())
                .chain(std::iter::once(col.header.as_str()))
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0);
            let width = (longest as f64 * 1.1 + 2.0).clamp(6.0, 50.0);
            ws.set_column_width(c as u16, width)?;
            total_width += width;
        }
        // Printed one page wide; turned when wider than a portrait page (about 90 characters).
        ws.set_print_fit_to_pages(1, 0);
        if total_width > 90.0 {
            ws.set_landscape();
        }
        let mut r = 2u32;
        for row in &self.rows {
            match row {
                PaperRow::Group(g) => {
                    ws.write_string_with_format(r, 0, g, &group)?;
                }
                _ => {
                    let (cells, ind) = Self::cells(row);
                    // A cell of several lines (a value and its interval) makes the row taller.
                    let lines = cells.iter().map(|t| t.lines().count()).max().unwrap_or(1);
                    if lines > 1 {
                        ws.set_row_height(r, 15.0 * lines as f64)?;
                    }
                    for (c, text) in cells.iter().enumerate() {
                        let f = if c == 0 && ind { &indent } else { &wrap };
                        match number(text) {
                            Some((x, places)) if self.columns.get(c).is_some_and(|k| k.numeric) => {
                                let fmt = if places == 0 {
                                    "0".to_string()
                                } else {
                                    format!("0.{}", "0".repeat(places))
                                };
                                ws.write_number_with_format(
                                    r,
                                    c as u16,
                                    x,
                                    &Format::new()
                                        .set_num_format(fmt)
                                        .set_align(rust_xlsxwriter::FormatAlign::Top),
                                )?;
                            }
                            _ => {
                                ws.write_string_with_format(r, c as u16, text, f)?;
                            }
                        }
                    }
                }
            }
            r += 1;
        }
        // The bottom rule.
        let last = Format::new().set_border_top(FormatBorder::Medium);
        for c in 0..self.columns.len() {
            ws.write_blank(r, c as u16, &last)?;
        }
        if !self.note.is_empty() {
            // Across the table's width, wrapped, the row as tall as its lines.
            let note = format!("Note. {}", self.note);
            let last = self.columns.len().saturating_sub(1) as u16;
            let lines = (note.chars().count() as f64 / (total_width * 0.95).max(20.0)).ceil();
            if last > 0 {
                ws.merge_range(r + 1, 0, r + 1, last, &note, &wrap)?;
            } else {
                ws.write_string_with_format(r + 1, 0, &note, &wrap)?;
            }
            ws.set_row_height(r + 1, 15.0 * lines.max(1.0))?;
        }
        wb.save_to_buffer()
    }

    /// The table as a standalone HTML page (see the module docs).
    pub fn to_html(&self) -> String {
        let mut s = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<title>{}</title>\n\
             <style>body{{font-family:Georgia,serif;margin:2em}}table{{border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000}}\
             caption{{text-align:left;font-style:italic;padding-bottom:.4em}}th{{border-bottom:1px solid #000;text-align:left;vertical-align:bottom}}\
             th,td{{padding:.2em .6em;vertical-align:top}}.n{{text-align:right}}.indent{{padding-left:1.8em}}.group{{font-style:italic;padding-top:.5em}}\
             .note{{font-size:.9em}}</style>\n</head>\n<body>\n<table>\n<caption>{}</caption>\n<thead><tr>",
            esc(&self.caption),
            esc(&self.caption)
        );
        for c in &self.columns {
            let class = if c.numeric { " class=\"n\"" } else { "" };
            s.push_str(&format!("<th{class}>{}</th>", esc(&c.header)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            match r {
                PaperRow::Group(g) => s.push_str(&format!(
                    "<tr><td class=\"group\" colspan=\"{}\">{}</td></tr>\n",
                    self.columns.len().max(1),
                    esc(g)
                )),
                _ => {
                    let (cells, indent) = Self::cells(r);
                    s.push_str("<tr>");
                    for (i, c) in cells.iter().enumerate() {
                        let class =
                            match (i, indent, self.columns.get(i).is_some_and(|k| k.numeric)) {
                                (0, true, _) => " class=\"indent\"",
                                (_, _, true) => " class=\"n\"",
                                _ => "",
                            };
                        s.push_str(&format!(
                            "<td{class}>{}</td>",
                            esc(c).replace('\n', "<br />")
                        ));
                    }
                    s.push_str("</tr>\n");
                }
            }
        }
        s.push_str("</tbody>\n</table>\n");
        if !self.note.is_empty() {
            s.push_str(&format!(
                "<p class=\"note\"><em>Note.</em> {}</p>\n",
                esc(&self.note)
            ));
        }
        s.push_str("</body>\n</html>\n");
        s
    }
}

/// Text columns whose lines are all this short are set on one line in LaTeX (`l`).
const SHORT_TEXT: usize = 45;

/// A cell that is a plain number ("12", "0.812", "-3") and its decimals.
fn number(s: &str) -> Option<(f64, usize)> {
    let t = s.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !ok || (digits.contains('.') && frac.is_empty()) {
        return None;
    }
    t.parse().ok().map(|x| (x, frac.len()))
}

/// LaTeX text, escaped as every table's text is ([`crate::export::latex::escape`]).
fn tex(s: &str) -> String {
    crate::export::latex::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PaperTable {
        PaperTable {
            caption: "Participant characteristics & more".into(),
            columns: vec![
                PaperColumn::text("Characteristic", 3),
                PaperColumn::number("n", 1),
            ],
            rows: vec![
                PaperRow::Group("Gender".into()),
                PaperRow::Indented(vec!["Female".into(), "16".into()]),
                PaperRow::Cells(vec!["Age <years>".into(), "47.25".into()]),
            ],
            note: "N = 18; 50% κ".into(),
        }
    }

    #[test]
    fn numbers_are_read_with_their_decimals() {
        assert_eq!(number("47.25"), Some((47.25, 2)));
        assert_eq!(number("-3"), Some((-3.0, 0)));
        for not in ["", "1.", "1e3", "12 (67%)", "n/a", "0.8 [0.7, 0.9]"] {
            assert_eq!(number(not), None, "{not}");
        }
    }

    #[test]
    fn latex_and_html_escape_and_keep_the_note() {
        let t = sample();
        let tex = t.to_latex();
        assert!(
            tex.contains("\\caption{Participant characteristics \\& more}"),
            "{tex}"
        );
        assert!(tex.contains("\\quad Female & 16 \\\\"), "{tex}");
        assert!(tex.contains("N = 18; 50\\% $\\kappa$"), "{tex}");
        assert_eq!(
            tex.matches("\\toprule").count(),
            2,
            "first page and later pages"
        );
        let html = t.to_html();
        assert!(html.contains("<td class=\"indent\">Female</td><td class=\"n\">16</td>"));
        assert!(html.contains("Age &lt;years&gt;"));
        assert_eq!(t.to_docx(), t.to_docx(), "deterministic");
    }
}
