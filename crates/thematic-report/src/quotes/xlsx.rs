//! The quote table as an Excel workbook.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::format::typographic_quotes;
use super::{QUOTE_KEYS, QuoteTable};
use thematic_study::StudyError;

/// The most UTF-16 code units Excel keeps in one cell.
const MAX_CELL: usize = 32_767;

impl QuoteTable {
    /// The quote table as an Excel workbook (`.xlsx`), three worksheets:
    ///
    /// - `quotes`, the data: the columns of [`QUOTE_KEYS`] (numbers as numbers, coders
    ///   joined with `, `), the header row frozen, a filter on every column and the quote
    ///   column wide and wrapped.
    /// - `table`, laid out to print, what goes in the paper: a caption, then Theme, Quote
    ///   (in typographic marks) and Participant, each group a bold row across, every row
    ///   naming its theme (grey after the theme's first row, as in the Word table), three
    ///   rules (above and below the header, below the table), quotes wrapped; A4 landscape,
    ///   fitted to the page's width, the header row printed on every page, "Page N of M" in
    ///   the footer, and a note under the table saying whose codings. No ids or offsets.
    /// - `about`: which study, whose codings and how many quotes.
    ///
    /// Cells are text, never formulas. The same table always gives the same bytes (the
    /// creation date is fixed at 2000-01-01).
    ///
    /// Fails when a quote is longer than a spreadsheet cell holds (32,767 UTF-16 code units).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, StudyError> {
        if let Some((t, q)) = self
            .rows()
            .find(|(_, q)| q.text.encode_utf16().count() > MAX_CELL)
        {
            return Err(StudyError::Export(format!(
                "a quote of \"{}\" from {} turn {} is longer than a spreadsheet cell holds \
                     (32,767 characters); use --max-words, or write CSV",
                t.theme.id, q.transcript, q.turn
            )));
        }
        self.workbook()
            .map_err(|e| StudyError::Export(format!("the workbook could not be written: {e}")))
    }

    fn workbook(&self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        wb.set_properties(
            &DocProperties::new()
                .set_title(format!("{}: {}", self.title, self.study))
                .set_subject(&self.source)
                .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
        );
        let ws = wb.add_worksheet();
        ws.set_name("quotes")?;
        self.write_quotes(ws)?;
        let ws = wb.add_worksheet();
        ws.set_name("table")?;
        self.write_print_table(ws)?;
        let ws = wb.add_worksheet();
        ws.set_name("about")?;
        let bold = Format::new().set_bold();
        ws.set_column_width(0, 12.0)?;
        ws.set_column_width(1, 60.0)?;
        let quotes = self.len().to_string();
        for (r, (k, v)) in [
            ("title", self.title.as_str()),
            ("study", self.study.as_str()),
            ("codings", self.source.as_str()),
            ("quotes", quotes.as_str()),
            ("written by", "thematic quotes"),
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_string_with_format(r as u32, 0, k, &bold)?;
            ws.write_string(r as u32, 1, v)?;
        }
        wb.save_to_buffer()
    }

    fn write_quotes(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let header = Format::new()
            .set_bold()
            .set_background_color(0xE7E6E6)
            .set_border_bottom(FormatBorder::Thin);
        let top = Format::new().set_align(FormatAlign::Top);
        let wrap = top.clone().set_text_wrap();
        let widths = [
            16.0, 24.0, 16.0, 24.0, 10.0, 10.0, 6.0, 8.0, 8.0, 7.0, 80.0, 16.0, 10.0,
        ];
        for (col, (key, width)) in QUOTE_KEYS.iter().zip(widths).enumerate() {
            ws.write_string_with_format(0, col as u16, *key, &header)?;
            ws.set_column_width(col as u16, width)?;
        }
        let mut r = 0u32;
        for (t, q) in self.rows() {
            r = r.checked_add(1).ok_or(XlsxError::RowColumnLimitError)?;
            let group = t.group.as_ref();
            let texts: [(u16, &str); 9] = [
                (0, &t.theme.id),
                (1, &t.theme.label),
                (2, group.map_or("", |g| &g.id)),
                (3, group.map_or("", |g| &g.label)),
                (4, &q.participant),
                (5, &q.transcript),
                (10, &q.text),
                (11, &q.attribution),
                (12, &q.coders.join(", ")),
            ];
            for (col, v) in texts {
                let f = if col == 10 || col == 1 || col == 3 {
                    &wrap
                } else {
                    &top
                };
                ws.write_string_with_format(r, col, v, f)?;
            }
            for (col, n) in [(6u16, q.turn), (7, q.start), (8, q.end), (9, q.words)] {
                ws.write_number_with_format(r, col, n as f64, &top)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, r, QUOTE_KEYS.len() as u16 - 1)?;
        Ok(())
    }

    /// The `table` worksheet: the quote table as it is printed (see [`QuoteTable::to_xlsx`]).
    fn write_print_table(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let top = Format::new().set_align(FormatAlign::Top).set_text_wrap();
        let grey = top.clone().set_font_color(0x767676);
        let header = Format::new()
            .set_bold()
            .set_border_top(FormatBorder::Medium)
            .set_border_bottom(FormatBorder::Thin);
        let group = Format::new().set_bold().set_align(FormatAlign::Bottom);
        let last = |f: &Format| f.clone().set_border_bottom(FormatBorder::Medium);
        let widths = [24.0, 90.0, 14.0];
        for (col, w) in widths.into_iter().enumerate() {
            ws.set_column_width(col as u16, w)?;
        }
        ws.write_string_with_format(
            0,
            0,
            format!("Table 1. {}", typographic_quotes(&self.title, false)),
            &Format::new().set_bold(),
        )?;
        for (col, h) in ["Theme", "Quote", "Participant"].into_iter().enumerate() {
            ws.write_string_with_format(1, col as u16, h, &header)?;
        }
        let mut r = 1u32;
        let total = self.len();
        let mut done = 0;
        for (_, new, t) in self.sections() {
            for a in new {
                r = r.checked_add(1).ok_or(XlsxError::RowColumnLimitError)?;
                ws.merge_range(r, 0, r, 2, &typographic_quotes(&a.label, false), &group)?;
                ws.set_row_height(r, 21.0)?;
            }
            let label = typographic_quotes(&t.theme.label, false);
            for (i, q) in t.quotes.iter().enumerate() {
                r = r.checked_add(1).ok_or(XlsxError::RowColumnLimitError)?;
                done += 1;
                let at_end = done == total;
                let pick = |f: &Format| if at_end { last(f) } else { f.clone() };
                let theme_f = if i == 0 { pick(&top) } else { pick(&grey) };
                let quote = format!("“{}”", typographic_quotes(&q.text, true));
                // Neither Excel nor LibreOffice fits a row's height to wrapped text in a
                // file they did not write, so the height is set from the lines each cell
                // needs. A column `w` wide holds `w` zeros of Calibri 11; an average line of
                // text, narrower, about 1.1 `w` characters (a little under, so a row errs
                // on space to spare rather than overlap).
                let lines = [(&label, widths[0] * 1.1), (&quote, widths[1] * 1.1)]
                    .into_iter()
                    .map(|(text, w)| wrapped_lines(text, w))
                    .max()
                    .unwrap_or(1);
                ws.set_row_height(r, 15.0 * lines as f64 + 2.0)?;
                ws.write_string_with_format(r, 0, &label, &theme_f)?;
                ws.write_string_with_format(r, 1, &quote, &pick(&top))?;
                ws.write_string_with_format(
                    r,
                    2,
                    typographic_quotes(&q.attribution, false),
                    &pick(&top),
                )?;
            }
        }
        r = r.checked_add(2).ok_or(XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(
            r,
            0,
            format!("Note. {}.", typographic_quotes(&self.about(), false)),
            &Format::new().set_italic(),
        )?;
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(1, 1)?;
        ws.set_footer("&CPage &P of &N");
        ws.set_freeze_panes(2, 0)?;
        Ok(())
    }
}

/// The lines `text` takes when wrapped at `width` characters, breaking between words (a
/// word longer than the line takes lines of its own).
fn wrapped_lines(text: &str, width: f64) -> usize {
    let width = width.max(1.0) as usize;
    text.split('\n')
        .map(|para| {
            let mut lines = 1;
            let mut used = 0;
            for word in para.split_whitespace() {
                let n = word.chars().count();
                if used > 0 && used + 1 + n > width {
                    lines += 1;
                    used = 0;
                }
                if used == 0 {
                    lines += n.saturating_sub(1) / width;
                    used = if n % width == 0 { width } else { n % width };
                } else {
                    used += 1 + n;
                }
            }
            lines
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    #[test]
    fn lines_are_counted_as_words_wrap() {
        // "aaa bbb" fits in 7; "aaa bbb ccc" at 7 wraps before "ccc".
        assert_eq!(wrapped_lines("aaa bbb", 7.0), 1);
        assert_eq!(wrapped_lines("aaa bbb ccc", 7.0), 2);
        assert_eq!(wrapped_lines("one\n\ntwo", 10.0), 3);
        // A 15-letter word in a 7-wide column takes 3 lines.
        assert_eq!(wrapped_lines("abcdefghijklmno", 7.0), 3);
        assert_eq!(wrapped_lines("", 7.0), 1);
        // A 14-letter word fills 2 lines exactly; the next word starts a third.
        assert_eq!(wrapped_lines("abcdefghijklmn x", 7.0), 3);
    }
}
