//! The index schema: one document per turn.
//!
//! | field | what | how |
//! |---|---|---|
//! | `transcript` | transcript id | raw, stored, fast |
//! | `participant` | the participant who speaks: the speaker's row in `participants.csv` (a focus group), else the transcript id | lowercased keyword, stored, fast (as written) |
//! | `turn`, `start`, `end` | turn number, span in code points | stored (turn also indexed) |
//! | `speaker` | speaker key | lowercased keyword, fast (as written) |
//! | `speaker_shown` | speaker key as written | stored |
//! | `role` | interviewer / participant / other | raw, stored |
//! | `time` | start time in ms, when known | stored |
//! | `theme` | themes coded on the turn, any coder | lowercased keyword, fast |
//! | `coded` | `coder/theme` pairs | raw, fast |
//! | `coded_by` | coders with a coding on the turn, and `*` when anyone has one | raw |
//! | `text` | the utterance, English-stemmed | positions, stored |
//! | `exact` | the utterance, lowercased words, not stemmed | positions |
//! | `spans` | the codings overlapping the turn (JSON) | stored only |
//! | `ph` | placeholders for prefix and fuzzy words (never filled) | raw |
//! | one per participant attribute | `location`, `age`, … | keyword, or f64 when numeric |

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};

/// Names of the fixed fields; an attribute with one of these names is indexed as
/// `attr_<name>`.
pub(crate) const FIXED: &[&str] = &[
    "transcript",
    "participant",
    "turn",
    "start",
    "end",
    "speaker",
    "speaker_shown",
    "role",
    "time",
    "theme",
    "coded",
    "coded_by",
    "text",
    "exact",
    "spans",
    "ph",
    "uncoded",
];

/// The tokenizer of keyword fields: the whole value, lowercased.
pub(crate) const KEYWORD: &str = "keyword";

/// One participant attribute as a field.
#[derive(Debug, Clone)]
pub(crate) struct AttrField {
    /// The column name in `participants.csv`.
    pub name: String,
    /// The field's name in the schema (see [`attr_field_name`]).
    pub field_name: String,
    /// The field.
    pub field: Field,
    /// Whether every value is a number (an f64 field: ranges work).
    pub numeric: bool,
}

/// The fields of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub transcript: Field,
    pub participant: Field,
    pub turn: Field,
    pub start: Field,
    pub end: Field,
    pub speaker: Field,
    pub speaker_shown: Field,
    pub role: Field,
    pub time: Field,
    pub theme: Field,
    pub coded: Field,
    pub coded_by: Field,
    pub text: Field,
    pub exact: Field,
    pub spans: Field,
    pub ph: Field,
    pub attrs: Vec<AttrField>,
}

/// The field name for an attribute column: lowercase letters, digits and `_`.
pub(crate) fn attr_field_name(name: &str) -> String {
    let mut out: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty()
        || FIXED.contains(&out.as_str())
        || out.starts_with(|c: char| c.is_ascii_digit())
    {
        out = format!("attr_{out}");
    }
    out
}

/// Builds the schema for a study whose participants have `attrs` (name, numeric).
pub(crate) fn build(attrs: &[(String, bool)]) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let keyword = |fast: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD)
                .set_index_option(IndexRecordOption::Basic),
        );
        if fast { o.set_fast("raw") } else { o }
    };
    let prose = |tokenizer: &str| {
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
    };
    let stored_u64 = NumericOptions::default().set_stored();
    let transcript = b.add_text_field("transcript", STRING | STORED | FAST);
    let participant = b.add_text_field("participant", keyword(true).set_stored());
    let turn = b.add_u64_field("turn", NumericOptions::default().set_stored().set_indexed());
    let start = b.add_u64_field("start", stored_u64.clone());
    let end = b.add_u64_field("end", stored_u64);
    let speaker = b.add_text_field("speaker", keyword(true));
    let speaker_shown = b.add_text_field("speaker_shown", STORED);
    let role = b.add_text_field("role", STRING | STORED);
    let time = b.add_i64_field("time", NumericOptions::default().set_stored());
    let theme = b.add_text_field("theme", keyword(true));
    let coded = b.add_text_field("coded", STRING | FAST);
    let coded_by = b.add_text_field("coded_by", STRING);
    let text = b.add_text_field(
        "text",
        TextOptions::default()
            .set_stored()
            .set_indexing_options(prose("en_stem")),
    );
    let exact = b.add_text_field(
        "exact",
        TextOptions::default().set_indexing_options(prose("default")),
    );
    let spans = b.add_text_field("spans", STORED);
    let ph = b.add_text_field("ph", STRING);
    let mut attr_fields = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for (name, numeric) in attrs {
        let mut field_name = attr_field_name(name);
        while taken.contains(&field_name) {
            field_name.push('_');
        }
        taken.push(field_name.clone());
        let field = if *numeric {
            b.add_f64_field(&field_name, INDEXED | FAST)
        } else {
            b.add_text_field(&field_name, keyword(false))
        };
        attr_fields.push(AttrField {
            name: name.clone(),
            field_name: field_name.clone(),
            field,
            numeric: *numeric,
        });
    }
    let fields = Fields {
        transcript,
        participant,
        turn,
        start,
        end,
        speaker,
        speaker_shown,
        role,
        time,
        theme,
        coded,
        coded_by,
        text,
        exact,
        spans,
        ph,
        attrs: attr_fields,
    };
    (b.build(), fields)
}

/// Registers our tokenizers on an index (they are not stored in it).
pub(crate) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        KEYWORD,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// The attributes of a participants table with whether each is numeric: every non-empty
/// value parses as a number, and there is at least one.
pub(crate) fn attributes(p: &thematic_study::Participants) -> Vec<(String, bool)> {
    p.attributes
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values = p.values(i);
            let numeric = !values.is_empty() && values.iter().all(|v| v.parse::<f64>().is_ok());
            (name.clone(), numeric)
        })
        .collect()
}
