//! The quote table as CSV: one row per quote, the columns of [`QUOTE_KEYS`].

use super::{QUOTE_KEYS, QuoteTable};
use crate::export::neutralize;

impl QuoteTable {
    /// The quotes as CSV, header first (the keys of [`QUOTE_KEYS`]), one row per quote in
    /// table order. Safe to open in a spreadsheet: a text cell beginning with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return gets a leading `'`, so it is never run as a formula.
    /// With `excel`, the file starts with a UTF-8 byte-order mark, which Excel needs to read
    /// the text as UTF-8 when the file is opened by double-clicking.
    pub fn to_csv(&self, excel: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.len() * 160);
        if excel {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut w = csv::Writer::from_writer(out);
        // Writing into memory cannot fail.
        let _ = w.write_record(QUOTE_KEYS);
        for (t, q) in self.rows() {
            let group = t.group.as_ref();
            let _ = w.write_record([
                neutralize(&t.theme.id),
                neutralize(&t.theme.label),
                neutralize(group.map_or("", |g| &g.id)),
                neutralize(group.map_or("", |g| &g.label)),
                neutralize(&q.participant),
                neutralize(&q.transcript),
                q.turn.to_string(),
                q.start.to_string(),
                q.end.to_string(),
                q.words.to_string(),
                neutralize(&q.text),
                neutralize(&q.attribution),
                q.coders.join(", "),
            ]);
        }
        w.into_inner().unwrap_or_default()
    }
}
