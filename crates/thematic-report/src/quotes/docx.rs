//! The quote table as a Word document.

use super::QuoteTable;
use super::format::typographic_quotes;
use crate::export::docx::{Column, Docx, Run, TEXT_WIDTH, TableRow};

impl QuoteTable {
    /// The quote table as a Word document (`.docx`), laid out as a journal prints a table:
    /// a caption ("Table 1" and the title), a three-line table (rules above and below the
    /// table and under the header, no others) of Theme, Quote and Participant whose header
    /// row repeats on every page, and a note under it saying whose codings these are. Each
    /// group is a bold row across the table, kept with the row after it. Quotes are set in
    /// typographic marks (“ ”, with the speaker's own double quotes as ‘ ’ inside them, and
    /// apostrophes as ’). No row breaks across a page. The same table always gives the same
    /// bytes.
    ///
    /// Every row names its theme: the first of a theme's rows in black, the rows after it
    /// in grey. A writer cannot know where Word will break the pages (that depends on the
    /// reader's fonts, page size and edits), so a "(continued)" row cannot be placed, and a
    /// vertically merged theme cell does not help: Word and LibreOffice print a merged
    /// cell's text once, on the page where the merge starts, leaving the cells on the next
    /// page blank. A name in every row is the one layout in which no row that opens a page
    /// leaves its theme unnamed, whatever the page breaks; the grey keeps the table reading
    /// as grouped, and an author who wants the journal's look deletes the grey names once
    /// the pages are final.
    pub fn to_docx(&self) -> Vec<u8> {
        let mut d = Docx::new(&self.title);
        let theme_w = TEXT_WIDTH * 22 / 100;
        let who_w = TEXT_WIDTH * 17 / 100;
        let columns = [
            Column::left("Theme", theme_w),
            Column::left("Quote", TEXT_WIDTH - theme_w - who_w),
            Column::left("Participant", who_w),
        ];
        let mut rows: Vec<TableRow> = Vec::with_capacity(self.len() + self.themes.len());
        for (_, new, t) in self.sections() {
            for a in new {
                rows.push(TableRow::Banner(vec![Run::bold(typographic_quotes(
                    &a.label, false,
                ))]));
            }
            let label = typographic_quotes(&t.theme.label, false);
            for (i, q) in t.quotes.iter().enumerate() {
                let theme = if i == 0 {
                    Run::plain(label.as_str())
                } else {
                    Run::muted(label.as_str())
                };
                rows.push(TableRow::Cells(vec![
                    vec![theme],
                    vec![Run::plain(format!(
                        "“{}”",
                        typographic_quotes(&q.text, true)
                    ))],
                    vec![Run::plain(typographic_quotes(&q.attribution, false))],
                ]));
            }
        }
        d.three_line_table(
            &[
                Run::bold("Table 1\n"),
                Run::italic(typographic_quotes(&self.title, false)),
            ],
            &columns,
            &rows,
        );
        d.paragraph(&[
            Run::italic("Note. "),
            Run::plain(format!("{}.", typographic_quotes(&self.about(), false))),
        ]);
        d.to_bytes()
    }
}
