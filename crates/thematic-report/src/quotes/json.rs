//! The quote table as JSON: an array of objects, one per quote, in table order.

use serde_json::{Map, Value, json};

use super::{Quote, QuoteTable, ThemeQuotes};

/// The keys of each quote, in order (also the CSV and Excel columns):
///
/// | key | value |
/// |---|---|
/// | `theme` | the theme's id |
/// | `theme_label` | its label |
/// | `group` | the id of its nearest group (a non-codable ancestor), or `null` (`""` in CSV) |
/// | `group_label` | that group's label, or `null` |
/// | `participant` | the participant's id (the transcript's id, as in `participants.csv`) |
/// | `transcript` | the transcript's id |
/// | `turn` | the 1-based turn |
/// | `start`, `end` | where the quoted words lie in the transcript's text, in code points (end exclusive) |
/// | `words` | words in `text` |
/// | `text` | the quote as shown (verbatim; with `--trim`, `…` marks left-out words) |
/// | `attribution` | what follows the quote, e.g. `P6` or `P6, female, rural` |
/// | `coders` | the coders who coded it (an array; in CSV joined with `, `) |
pub const QUOTE_KEYS: [&str; 13] = [
    "theme",
    "theme_label",
    "group",
    "group_label",
    "participant",
    "transcript",
    "turn",
    "start",
    "end",
    "words",
    "text",
    "attribution",
    "coders",
];

impl QuoteTable {
    /// The quotes as a JSON array of objects with the keys of [`QUOTE_KEYS`], pretty-printed,
    /// ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let rows: Vec<Value> = self.rows().map(|(t, q)| quote_json(t, q)).collect();
        // Serialising values built from strings and numbers cannot fail.
        let mut out = serde_json::to_vec_pretty(&rows).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// One quote of theme `t` as a JSON object with the keys of [`QUOTE_KEYS`]: a row of
/// [`QuoteTable::to_json`], also for those who page through a table.
pub fn quote_json(t: &ThemeQuotes, q: &Quote) -> Value {
    let values = [
        json!(t.theme.id),
        json!(t.theme.label),
        t.group.as_ref().map_or(Value::Null, |g| json!(g.id)),
        t.group.as_ref().map_or(Value::Null, |g| json!(g.label)),
        json!(q.participant),
        json!(q.transcript),
        json!(q.turn),
        json!(q.start),
        json!(q.end),
        json!(q.words),
        json!(q.text),
        json!(q.attribution),
        json!(q.coders),
    ];
    Value::Object(
        QUOTE_KEYS
            .iter()
            .map(|k| k.to_string())
            .zip(values)
            .collect::<Map<String, Value>>(),
    )
}
