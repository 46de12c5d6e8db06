//! Speaker-label candidates on a line (spec §10, steps 2–3).
//!
//! Shapes, tried in order:
//! - A: label and time alone on a line, speech below (`Speaker 1  0:03`, `Name (00:15):`,
//!   Teams DOCX `Adeyemi, Ruth   0:03`, Otter, and Otter exports pasted into Markdown with a
//!   single space, `Kelly 0:00`);
//! - B: a bracketed label (`[SPEAKER_00]: …`);
//! - C: an inline label with an optional time before, within or after it
//!   (`[00:12:03] Interviewer: …`, `Interviewer [00:12:09]: …`, `S01: [00:00:12] …`);
//! - D: a label alone on a line ending with a colon (`INTERVIEWER:`), speech below;
//! - E: a Markdown-bold label, with a time and/or colon or alone, speech inline or below
//!   (`**Ali** [00:00:00] Today…`, `**Emma**  0:00`, `**Lindsey** [00:00]`).

use std::sync::LazyLock;

use regex::Regex;

use crate::timestamp::{Clock, FractionRule, parse_clock};

const TS: &str = r"-?\d{1,3}(?::-?\d{1,2}){1,2}(?:[.,]-?\d{1,3})?";
const LABEL: &str = r"[^\s:：\[\]{}<>][^:：\[\]{}<>\n]{0,62}?";

#[allow(clippy::unwrap_used)] // the patterns are constants, checked by the tests
static SHAPE_A: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?P<label>{LABEL})(?:[ \t\u{{a0}}]+|[ \t]*[\[(])(?P<ts>{TS})[\])]?[ \t]*[:：]?[ \t]*$"
    ))
    .unwrap()
});
#[allow(clippy::unwrap_used)]
static SHAPE_E: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?P<label>[^*_\s:：\[\]{{}}<>][^*_:：\[\]{{}}<>\n]{{0,62}}?)(?:\*\*|__)[ \t\u{{a0}}]*(?P<colon>[:：])?[ \t\u{{a0}}]*(?:[\[(](?P<ts1>{TS})[\])]|(?P<ts2>{TS})(?:[ \t\u{{a0}}]|$))?[ \t\u{{a0}}]*[:：]?[ \t\u{{a0}}]*"
    ))
    .unwrap()
});
#[allow(clippy::unwrap_used)]
static SHAPE_B: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[{](?P<label>[^\]}\n:：]{1,63})[\]}][:：]?[ \t]+(?P<rest>\S)").unwrap()
});
#[allow(clippy::unwrap_used)]
static SHAPE_C: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[\[(](?P<ts1>{TS})[\])][ \t]*)?(?P<label>{LABEL})[ \t\u{{a0}}]*(?:[\[(](?P<ts2>{TS})[\])][ \t]*)?(?:\*\*|__)?[:：](?:\*\*|__)?[ \t\u{{a0}}]*(?:[\[(](?P<ts3>{TS})[\])][ \t]*)?"
    ))
    .unwrap()
});
#[allow(clippy::unwrap_used)]
static WALL_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\[(?P<label>[^\]\n:]{1,63})\][ \t]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?[ \t]*$",
    )
    .unwrap()
});
#[allow(clippy::unwrap_used)]
static KNOWN_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(I|R|P|Q|A|IV|IR|IE|Int|Res|Interviewer|Interviewee|Respondent|Participant|Moderator|Facilitator|Co-facilitator|Researcher|Unknown Speaker|Several participants|All|\?|P\s?\d+|Participant\s?\d+|Speaker\s?\d+|SPEAKER_\d+|S\d{2}|R\d+)$",
    )
    .unwrap()
});
#[allow(clippy::unwrap_used)]
static ABBREVIATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sr|St)\.|[A-Z]\.)\s").unwrap());

/// Words that end in a colon in ordinary prose and are never speakers.
const STOP_WORDS: &[&str] = &[
    "note", "nb", "n.b.", "re", "ps", "p.s.", "subject", "see", "example", "warning", "tip",
    "answer", "question", "summary", "update", "edit", "source", "link", "url", "email", "tel",
];
/// Transcription conventions that appear in brackets at the start of a line (and are never
/// a `(Name)` line in captions).
pub(crate) const CONVENTIONS: &[&str] = &[
    "inaudible",
    "crosstalk",
    "laughs",
    "laughter",
    "laughing",
    "pause",
    "silence",
    "unclear",
    "overlapping",
    "overtalk",
    "coughs",
    "sighs",
    "music",
    "noise",
    "indistinct",
    "redacted",
    "break",
    "end",
    "start",
    "background noise",
    "applause",
];

/// Where a candidate's speech starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speech {
    /// On the same line, at this byte offset into the line.
    Inline(usize),
    /// On the following lines (the label stands alone).
    Below,
}

/// A label candidate found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The label as written, without a qualifier, trimmed.
    pub label: String,
    /// A trailing parenthetical qualifier.
    pub qualifier: Option<String>,
    /// The time given with the label.
    pub time: Option<Clock>,
    /// Where the speech starts.
    pub speech: Speech,
    /// The time is a time of day (Zoom local captions), not an offset: not used as a time.
    pub wall_clock: bool,
}

/// Finds a label candidate at the start of `line`, after the plausibility rules. Leading
/// zero-width characters and Markdown bold (`**Interviewer:**`) are looked through.
pub fn candidate(line: &str) -> Option<Candidate> {
    let skip = line.len()
        - line
            .trim_start_matches(['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'])
            .len();
    let bold = line[skip..].starts_with("**") || line[skip..].starts_with("__");
    let skip = skip + usize::from(bold) * 2;
    let mut c = if bold {
        bold_candidate(&line[skip..]).or_else(|| candidate_at(&line[skip..]))?
    } else {
        candidate_at(&line[skip..])?
    };
    if let Speech::Inline(at) = &mut c.speech {
        *at += skip;
    }
    Some(c)
}

/// Shape E, after the opening `**`: the label, the closing `**`, then a colon and/or a time,
/// or nothing (the label alone on its line). A bold name followed by prose without a colon
/// or a time is not a label.
fn bold_candidate(line: &str) -> Option<Candidate> {
    let c = SHAPE_E.captures(line)?;
    let whole = c.get(0)?;
    let rest = &line[whole.end()..];
    let ts = c.name("ts1").or(c.name("ts2"));
    let time = ts.and_then(|m| parse_clock(m.as_str(), FractionRule::Decimal));
    let speech = if rest.trim().is_empty() {
        Speech::Below
    } else if ts.is_some() || c.name("colon").is_some() {
        Speech::Inline(whole.end())
    } else {
        return None;
    };
    plausible(&c["label"], time, speech, rest)
}

fn candidate_at(line: &str) -> Option<Candidate> {
    // Cheap prefilter: every shape has a colon, a bracket, or ends in a digit.
    let head = &line[..floor_char_boundary(line, 96)];
    let has_colon = head.contains([':', '：']);
    let bracketed = line.starts_with(['[', '{']);
    if !has_colon
        && !bracketed
        && !line
            .trim_end()
            .ends_with(|c: char| c.is_ascii_digit() || c == ')')
    {
        return None;
    }
    if let Some(c) = SHAPE_A.captures(line) {
        let time = parse_clock(&c["ts"], FractionRule::Decimal);
        if let Some(cand) = plausible(&c["label"], time, Speech::Below, "") {
            return Some(cand);
        }
    }
    if bracketed {
        if let Some(c) = WALL_CLOCK.captures(line)
            && let Some(mut cand) = plausible(&c["label"], None, Speech::Below, "")
        {
            cand.wall_clock = true;
            return Some(cand);
        }
        if let Some(c) = SHAPE_B.captures(line) {
            let label = c["label"].trim();
            let convention = CONVENTIONS.iter().any(|w| label.eq_ignore_ascii_case(w));
            if (!convention && !label.contains(' ')) || KNOWN_ROLE.is_match(label) {
                let end = c.name("rest").map_or(0, |m| m.start());
                if let Some(cand) = plausible(label, None, Speech::Inline(end), &line[end..]) {
                    return Some(cand);
                }
            }
        }
    }
    if has_colon && let Some(c) = SHAPE_C.captures(line) {
        let whole = c.get(0)?;
        let rest = &line[whole.end()..];
        let ts = c.name("ts1").or(c.name("ts2")).or(c.name("ts3"));
        let time = ts.and_then(|m| parse_clock(m.as_str(), FractionRule::Decimal));
        let speech = if rest.trim().is_empty() {
            Speech::Below
        } else {
            Speech::Inline(whole.end())
        };
        return plausible(&c["label"], time, speech, rest);
    }
    None
}

/// The largest char boundary at or below `i` (`str::floor_char_boundary` needs Rust 1.91).
pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Step 3: reject implausible labels; strip a qualifier.
fn plausible(label: &str, time: Option<Clock>, speech: Speech, rest: &str) -> Option<Candidate> {
    let label = label.trim_matches(|c: char| c.is_whitespace());
    if label.is_empty() || label.chars().count() > 63 {
        return None;
    }
    // A colon that belongs to a time ("At 10:30: we met", "10:30"): the rest starts with digits.
    if rest.len() >= 2 && rest.as_bytes()[0].is_ascii_digit() && rest.as_bytes()[1].is_ascii_digit()
    {
        return None;
    }
    if label
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace())
        && label != "?"
    {
        return None;
    }
    let lower = label.to_lowercase();
    if matches!(
        lower.rsplit(' ').next(),
        Some("http" | "https" | "ftp" | "mailto" | "file")
    ) && rest.starts_with("//")
    {
        return None;
    }
    if STOP_WORDS.contains(&lower.as_str())
        || lower.starts_with("rule ")
        || lower.starts_with("step ")
        || lower.starts_with("at ")
    {
        return None;
    }
    let (base, qualifier) = split_qualifier(label);
    if base.is_empty() || base.split_whitespace().count() > 5 {
        return None;
    }
    if base != "?" && base.ends_with(['.', '!', '?', ',', ';']) {
        let stem = &base[..base.len() - 1];
        if !is_initial(stem) && !ABBREVIATION.is_match(&format!("{base} ")) {
            return None;
        }
    }
    for punct in [". ", "! ", "? "] {
        if let Some(i) = base.find(punct)
            && !ABBREVIATION.is_match(&base[..i + 2])
            && !is_initial(&base[..i])
        {
            return None;
        }
    }
    Some(Candidate {
        label: base.to_string(),
        qualifier: qualifier.map(str::to_string),
        time,
        speech,
        wall_clock: false,
    })
}

fn is_initial(word_before: &str) -> bool {
    let last = word_before.rsplit(' ').next().unwrap_or("");
    last.len() == 1 && last.chars().all(|c| c.is_uppercase())
}

/// `Participant 06 (Guest)` → (`Participant 06`, `Guest`).
pub fn split_qualifier(label: &str) -> (&str, Option<&str>) {
    if let Some(open) = label.rfind(" (")
        && label.ends_with(')')
        && open > 0
    {
        let inner = &label[open + 2..label.len() - 1];
        if !inner.contains(['(', ')']) {
            return (label[..open].trim_end(), Some(inner));
        }
    }
    (label, None)
}

/// Whether `label` passes the plausibility rules for a speaker label (used where the split
/// point is already known, as in `Name: text` caption cues).
pub fn plausible_label(label: &str) -> bool {
    plausible(label, None, Speech::Below, "").is_some()
}

/// Whether `label` is a known role label (`Interviewer`, `P6`, `SPEAKER_00` …).
pub fn is_known_role(label: &str) -> bool {
    KNOWN_ROLE.is_match(label)
}

/// The normalized key for grouping speakers: spaces collapsed (including no-break spaces),
/// curly apostrophes folded to `'`, trimmed.
pub fn speaker_key(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for word in label.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.push(match c {
                '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => continue,
                c => c,
            });
        }
    }
    out
}

/// For the alias check: `P6`, `P06`, `Participant 6` all give `Some(6)`.
pub fn participant_number(key: &str) -> Option<u32> {
    let lower = key.to_lowercase();
    let digits = lower
        .strip_prefix("participant")
        .or_else(|| lower.strip_prefix('p'))?
        .trim_start_matches([' ', '_', '-']);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(line: &str) -> Option<String> {
        candidate(line).map(|c| c.label)
    }

    #[test]
    fn inline_labels() {
        assert_eq!(label("Interviewer: So tell me"), Some("Interviewer".into()));
        assert_eq!(label("P6: Yeah"), Some("P6".into()));
        assert_eq!(label("Participant 6:\tWell"), Some("Participant 6".into()));
        assert_eq!(label("P6 : spaced"), Some("P6".into()));
        assert_eq!(label("Ruth Adeyemi: hello"), Some("Ruth Adeyemi".into()));
        assert_eq!(label("Dr. Okafor: hello"), Some("Dr. Okafor".into()));
        assert_eq!(label("P6：fullwidth"), Some("P6".into()));
        assert_eq!(label("**Interviewer:** So"), Some("Interviewer".into()));
        assert_eq!(label("\u{200b}P6: hidden space"), Some("P6".into()));
    }

    #[test]
    fn timestamps_before_within_and_after() {
        let c = candidate("[00:12:03] Interviewer: So").unwrap();
        assert_eq!(
            (c.label.as_str(), c.time.map(|t| t.ms)),
            ("Interviewer", Some(723_000))
        );
        let c = candidate("Interviewer [00:12:09]: So").unwrap();
        assert_eq!(c.time.map(|t| t.ms), Some(729_000));
        let c = candidate("S01: [00:00:12] So").unwrap();
        assert_eq!(
            (c.label.as_str(), c.time.map(|t| t.ms)),
            ("S01", Some(12_000))
        );
    }

    #[test]
    fn label_alone_with_time() {
        let c = candidate("Speaker 1  0:03").unwrap();
        assert_eq!((c.label.as_str(), c.speech), ("Speaker 1", Speech::Below));
        let c = candidate("Adeyemi, Ruth   1:02:26").unwrap();
        assert_eq!(c.label, "Adeyemi, Ruth");
        assert_eq!(c.time.map(|t| t.ms), Some(3_746_000));
        let c = candidate("Speaker 2 (00:15):").unwrap();
        assert_eq!((c.label.as_str(), c.speech), ("Speaker 2", Speech::Below));
        assert_eq!(
            candidate("INTERVIEWER:").map(|c| c.speech),
            Some(Speech::Below)
        );
        // An Otter export pasted into Markdown keeps one space before the time.
        let c = candidate("Kelly 0:00  ").unwrap();
        assert_eq!((c.label.as_str(), c.speech), ("Kelly", Speech::Below));
    }

    /// Shape E: Markdown-bold labels as podcast sites publish Otter exports.
    #[test]
    fn bold_labels() {
        let c = candidate("**Emma**  0:27  ").unwrap();
        // "Emma", not "Emma**"; 0:27 is 27,000 ms.
        assert_eq!(
            (c.label.as_str(), c.speech, c.time.map(|t| t.ms)),
            ("Emma", Speech::Below, Some(27_000))
        );
        let line = "**Ali** [00:00:33] I'm Ali.";
        let c = candidate(line).unwrap();
        // Speech starts after "**Ali** [00:00:33] ", byte 19.
        assert_eq!(
            (c.label.as_str(), c.speech, c.time.map(|t| t.ms)),
            ("Ali", Speech::Inline(19), Some(33_000))
        );
        assert_eq!(&line[19..], "I'm Ali.");
        let c = candidate("**Lindsey** [00:00]").unwrap();
        assert_eq!((c.label.as_str(), c.speech), ("Lindsey", Speech::Below));
        let c = candidate("**Unknown Speaker**  0:00  ").unwrap();
        assert_eq!(c.label, "Unknown Speaker");
        assert_eq!(label("**Interviewer:** So"), Some("Interviewer".into()));
        assert_eq!(label("**Interviewer**: So"), Some("Interviewer".into()));
        // A bold name in prose is not a label.
        assert_eq!(
            label("**Courtland Allen** , the founder of Indie Hackers"),
            None
        );
    }

    #[test]
    fn prose_colons_are_not_labels() {
        for line in [
            "Note: the recorder was paused",
            "At 10:30: we met the team",
            "10:30 is when",
            "See https://example.org for more",
            "https://example.org: a site",
            "Rule one: always listen",
            "I went to the surgery and then I said to her: look",
            "It was great. Then he said: no",
            "[inaudible] and then",
        ] {
            assert_eq!(label(line), None, "{line}");
        }
    }

    /// Found by `cargo fuzz run parse_auto`: a bracketed label followed by a multi-byte
    /// character used to slice inside that character.
    #[test]
    fn bracketed_label_before_multibyte_text() {
        let c = candidate("[P06] \u{ff}\u{ff} hello").unwrap();
        assert_eq!(c.label, "P06");
        assert_eq!(c.speech, Speech::Inline(6));
        assert!(candidate("[[turn] \u{201a}ayem").is_none_or(|c| c.label.len() < 63));
    }

    #[test]
    fn qualifiers_are_split() {
        let c = candidate("Participant 06 (Guest): hi").unwrap();
        assert_eq!(
            (c.label.as_str(), c.qualifier.as_deref()),
            ("Participant 06", Some("Guest"))
        );
    }

    #[test]
    fn keys_fold_spaces_and_apostrophes() {
        assert_eq!(speaker_key("Mary\u{a0} O\u{2019}Brien "), "Mary O'Brien");
        assert_eq!(participant_number("P06"), Some(6));
        assert_eq!(participant_number("Participant 6"), Some(6));
        assert_eq!(participant_number("Paul"), None);
    }
}
