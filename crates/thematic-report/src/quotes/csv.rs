//! The quote table as CSV: one row per quote, the columns of [`QUOTE_KEYS`].

use super::{QUOTE_KEYS, QuoteTable};
use thematic_codebook::neutralized as neutralize;

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
            let (turn, start, end, words) = (
                q.turn.to_string(),
                q.start.to_string(),
                q.end.to_string(),
                q.words.to_string(),
            );
            let coders = q.coders.join(", ");
            let fields = [
                neutralize(&t.theme.id),
                neutralize(&t.theme.label),
                neutralize(group.map_or("", |g| &g.id)),
                neutralize(group.map_or("", |g| &g.label)),
                neutralize(&q.participant),
                neutralize(&q.transcript),
                turn.as_str().into(),
                start.as_str().into(),
                end.as_str().into(),
                words.as_str().into(),
                neutralize(&q.text),
                neutralize(&q.attribution),
                neutralize(&coders),
            ];
            let _ = w.write_record(fields.iter().map(|f| f.as_bytes()));
        }
        w.into_inner().unwrap_or_default()
    }
}
