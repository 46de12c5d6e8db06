//! The quote table as a Word document.

use super::QuoteTable;
use crate::export::docx::{Docx, Run, TEXT_WIDTH, TableRow};

impl QuoteTable {
    /// The quote table as a Word document (`.docx`): the title, a line saying whose codings
    /// these are, and a table of Theme, Quote and Participant whose header repeats on every
    /// page. Each group is a shaded row across the table; a theme's label is on its first
    /// quote's row. The same table always gives the same bytes.
    pub fn to_docx(&self) -> Vec<u8> {
        let mut d = Docx::new(&self.title);
        d.heading(0, &self.title);
        d.paragraph(&[Run::italic(format!("{}.", self.about()))]);
        let theme_w = TEXT_WIDTH * 22 / 100;
        let who_w = TEXT_WIDTH * 16 / 100;
        let widths = [theme_w, TEXT_WIDTH - theme_w - who_w, who_w];
        let mut rows: Vec<TableRow> = Vec::with_capacity(self.len() + self.themes.len());
        for (_, new, t) in self.sections() {
            for a in new {
                rows.push(TableRow::Banner(vec![Run::bold(a.label.as_str())]));
            }
            for (i, q) in t.quotes.iter().enumerate() {
                let label = if i == 0 { t.theme.label.as_str() } else { "" };
                rows.push(TableRow::Cells(vec![
                    vec![Run::plain(label)],
                    vec![Run::plain(q.text.as_str())],
                    vec![Run::plain(q.attribution.as_str())],
                ]));
            }
        }
        d.table_with(&widths, &["Theme", "Quote", "Participant"], &rows);
        d.to_bytes()
    }
}
