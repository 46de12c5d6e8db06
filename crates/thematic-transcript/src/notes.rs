//! Inline notes inside turns: transcription conventions such as `[inaudible 00:12:40]`,
//! `[crosstalk]`, `(pause)`, `(2.5)`, `((coughs))` and bracketed time stamps. They stay in the
//! text (offsets never shift); this lists where they are and what they say.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::timestamp::{FractionRule, parse_clock};

/// What an inline note records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Speech that could not be heard (`[inaudible]`, `[unclear]`, `[indistinct]`).
    Inaudible,
    /// Overlapping speech (`[crosstalk]`, `[overlapping]`).
    Crosstalk,
    /// A pause, named or timed (`(pause)`, `(2.5)`, `(.)`).
    Pause,
    /// Non-verbal sound or action (`[laughs]`, `((coughs))`, `[sighs]`).
    Nonverbal,
    /// A time stamp inside a turn (`[00:12:03]`).
    Timestamp,
    /// Anonymisation or an editorial insertion (`[name]`, `[redacted]`, `[MI techniques]`).
    Editorial,
}

/// One inline note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The index of the turn it lies in (0-based).
    pub turn: usize,
    /// What it records.
    pub kind: NoteKind,
    /// Start in the transcript text, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// The note as written, brackets included.
    pub text: String,
    /// A time given inside the note (`[inaudible 00:12:40]` → 760000).
    pub time_ms: Option<i64>,
}

#[allow(clippy::unwrap_used)] // constant pattern
static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(\([^()\n]{1,60}\)\)|\[[^\[\]\n]{1,60}\]|\((?:pause|long pause|short pause|silence|laughs|laughter|laughing|sighs|coughs|crying|inaudible|unclear|crosstalk|\.|\d{1,2}(?:\.\d)?)\)").unwrap()
});
#[allow(clippy::unwrap_used)]
static TIME_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?").unwrap());

fn kind_of(inner: &str) -> NoteKind {
    let lower = inner.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["inaudible", "unclear", "indistinct", "unintelligible"]) {
        NoteKind::Inaudible
    } else if has(&["crosstalk", "overlap", "overtalk", "talking over"]) {
        NoteKind::Crosstalk
    } else if has(&["pause", "silence"]) || lower == "." || lower.parse::<f64>().is_ok() {
        NoteKind::Pause
    } else if TIME_IN
        .find(&lower)
        .is_some_and(|m| m.as_str().len() == lower.trim().len())
    {
        NoteKind::Timestamp
    } else if has(&[
        "laugh", "sigh", "cough", "cry", "crying", "smil", "nod", "clap", "gestur", "noise",
        "phone", "door",
    ]) {
        NoteKind::Nonverbal
    } else {
        NoteKind::Editorial
    }
}

/// Finds the inline notes of `turn` (index `index`) whose byte span is `bytes` in `text`;
/// `char_start` is the turn's start in code points.
pub(crate) fn notes_in(
    text: &str,
    index: usize,
    bytes: (usize, usize),
    char_start: usize,
) -> Vec<Note> {
    let span = &text[bytes.0..bytes.1];
    if !span.contains(['[', '(']) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (mut last_byte, mut last_char) = (0usize, char_start);
    for m in NOTE.find_iter(span) {
        let start = last_char + span[last_byte..m.start()].chars().count();
        let end = start + m.as_str().chars().count();
        last_byte = m.end();
        last_char = end;
        let inner = m.as_str().trim_matches(['[', ']', '(', ')']);
        out.push(Note {
            turn: index,
            kind: kind_of(inner),
            start,
            end,
            text: m.as_str().to_string(),
            time_ms: TIME_IN
                .find(inner)
                .and_then(|t| parse_clock(t.as_str(), FractionRule::Decimal))
                .map(|c| c.ms),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_conventions_with_offsets_and_times() {
        let text = "P6: It was [inaudible 00:12:40] and (pause) then ((coughs)) [crosstalk] é [Name] (2.5)";
        let start = 4;
        let notes = notes_in(text, 0, (start, text.len()), start);
        let kinds: Vec<NoteKind> = notes.iter().map(|n| n.kind).collect();
        assert_eq!(
            kinds,
            [
                NoteKind::Inaudible,
                NoteKind::Pause,
                NoteKind::Nonverbal,
                NoteKind::Crosstalk,
                NoteKind::Editorial,
                NoteKind::Pause
            ]
        );
        assert_eq!(notes[0].time_ms, Some(760_000));
        for n in &notes {
            let by_chars: String = text.chars().skip(n.start).take(n.end - n.start).collect();
            assert_eq!(by_chars, n.text);
        }
    }
}
