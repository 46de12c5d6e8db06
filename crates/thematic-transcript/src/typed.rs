//! The labelled-text engine: typed transcripts, Markdown, Word, Otter and Rev exports all
//! come down to lines with speaker labels (spec §9–10). Steps: label candidates per line,
//! document-level confirmation (the frequency rule), the header zone, then turns, where an
//! unlabelled paragraph continues the current turn.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::assemble::RawTurn;
use crate::labels::{Candidate, Speech, candidate, is_known_role, speaker_key};
use crate::model::{Warning, WarningKind};
use crate::options::Options;

/// Keys that make a `Key: value` line before the first turn header metadata.
const HEADER_KEYS: &[&str] = &[
    "project",
    "study",
    "title",
    "interview",
    "interview id",
    "interview no",
    "interview number",
    "date",
    "time",
    "location",
    "place",
    "duration",
    "length",
    "interviewer",
    "interviewers",
    "participant",
    "participant id",
    "respondent",
    "transcriber",
    "transcribed by",
    "transcription",
    "present",
    "attendees",
    "recording",
    "file",
    "site",
    "mode",
    "language",
];

#[allow(clippy::unwrap_used)] // constant pattern
static TRAILER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\*\*|#+ *)?(?:END OF (?:THE )?(?:INTERVIEW|TAPE|RECORDING|TRANSCRIPT|TRANSCRIPTION)\b|Transcribed by https?://otter\.ai\b|\S.* (?:stopped transcription|hat die Transkription beendet|a arrêté la transcription|ha detenido la transcripción|heeft de transcriptie gestopt)\s*$)").unwrap()
});
#[allow(clippy::unwrap_used)]
static STAMP_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[({#]?(\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)[\])}#]?$").unwrap()
});
#[allow(clippy::unwrap_used)]
static CA_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,4}[ \t]+").unwrap());
#[allow(clippy::unwrap_used)]
static HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\*\*)?([A-Za-z][A-Za-z .]{0,30}?)(?:\*\*)?\s*[:：]\s*(.*)$").unwrap()
});

/// What [`parse_labelled`] found.
#[derive(Debug, Default)]
pub(crate) struct Labelled {
    pub header: Vec<(String, String)>,
    pub turns: Vec<RawTurn>,
    pub warnings: Vec<Warning>,
}

struct Line {
    start: usize,
    end: usize,
    number: usize,
}

/// Reads labelled text. `first_line` is the 1-based source line of `text`'s first line (the
/// line numbers of DOCX paragraphs are paragraph numbers).
pub(crate) fn parse_labelled(text: &str, options: &Options) -> Labelled {
    let lines = split_lines(text);
    let cands = candidates(text, &lines);

    // Step 4: the frequency rule. Count by key; iterate lines (not the map) for determinism.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for c in cands.iter().flatten() {
        *counts.entry(speaker_key(&c.label)).or_default() += 1;
    }
    let headers = header_shaped(&cands, &counts);
    let accepted = |c: &Candidate| {
        let key = speaker_key(&c.label);
        counts.get(&key).copied().unwrap_or(0) >= 2
            || is_known_role(&key)
            || options.is_interviewer(&key)
            || (headers && is_header(c))
    };

    let mut out = Labelled::default();
    let body_start = header_zone(text, &lines, &cands, &accepted, &mut out);

    let mut turns = Turns::new(&mut out);
    let mut ended_at: Option<usize> = None;
    let mut i = body_start;
    while i < lines.len() {
        let line = &lines[i];
        let s = &text[line.start..line.end];
        if s.trim().is_empty() {
            i += 1;
            continue;
        }
        if TRAILER.is_match(s.trim_start()) {
            ended_at = Some(i);
            break;
        }
        // A line holding only a time stamp dates the turn that follows it.
        if let Some(m) = STAMP_ONLY.captures(s.trim())
            && cands[i].is_none()
            && let Some(c) =
                crate::timestamp::parse_clock(&m[1], crate::timestamp::FractionRule::Decimal)
        {
            turns.pending_time = Some(c.ms);
            i += 1;
            continue;
        }
        match cands[i].as_ref().filter(|c| accepted(c)) {
            Some(c) => turns.label(c, line, s),
            None => turns.speech(cands[i].as_ref(), line, s),
        }
        i += 1;
    }
    turns.finish();
    if let Some(end) = ended_at {
        for line in &lines[end + 1..] {
            let s = &text[line.start..line.end];
            if !s.trim().is_empty() && !TRAILER.is_match(s.trim_start()) {
                out.warnings.push(unplaced(line.number, s));
            }
        }
    }
    // Trim trailing whitespace inside each span.
    for t in &mut out.turns {
        let span = &text[t.bytes.0..t.bytes.1];
        t.bytes.1 = t.bytes.0 + span.trim_end().len();
    }
    if out.turns.is_empty() {
        fallback_paragraphs(text, &lines, body_start, &mut out);
    }
    out
}

/// A label alone on its line with a time (Otter's `Name  2:26`, Teams' `Name   0:03`,
/// `**Name**  0:00`, `[Name] 11:02:09`): the shape of a speaker header.
fn is_header(c: &Candidate) -> bool {
    c.speech == Speech::Below && (c.time.is_some() || c.wall_clock)
}

/// Whether the file labels its turns with speaker headers: three or more header lines, and
/// at least two speakers heading several turns each. Then a header is a speaker even when
/// its speaker speaks once (an Otter guest's one answer), as the shape itself says so.
fn header_shaped(cands: &[Option<Candidate>], counts: &HashMap<String, usize>) -> bool {
    let headers: Vec<&Candidate> = cands.iter().flatten().filter(|c| is_header(c)).collect();
    if headers.len() < 3 {
        return false;
    }
    let mut recurring: Vec<String> = headers
        .iter()
        .map(|c| speaker_key(&c.label))
        .filter(|k| counts.get(k).copied().unwrap_or(0) >= 2)
        .collect();
    recurring.sort();
    recurring.dedup();
    recurring.len() >= 2
}

/// Steps 2–3 for every line: its label candidate, if any. Conversation-analysis transcripts
/// number every line, so there the numbers are looked past; an indented line has none.
fn candidates(text: &str, lines: &[Line]) -> Vec<Option<Candidate>> {
    let ca = ca_mode(text, lines);
    lines
        .iter()
        .map(|l| {
            let s = &text[l.start..l.end];
            let skip = if ca {
                CA_NUMBER.find(s).map_or(0, |m| m.end())
            } else {
                0
            };
            let rest = &s[skip..];
            if rest.trim().is_empty() || rest.starts_with([' ', '\t']) {
                return None;
            }
            let mut c = candidate(rest)?;
            if let Speech::Inline(at) = &mut c.speech {
                *at += skip;
            }
            Some(c)
        })
        .collect()
}

/// The turns of the body as its lines are read: the open turn, and what carries over to
/// the next label.
struct Turns<'o> {
    out: &'o mut Labelled,
    /// The turn being read.
    current: Option<RawTurn>,
    /// The time of a stand-alone time stamp line, for the next turn.
    pending_time: Option<i64>,
    wall_clock_warned: bool,
}

impl<'o> Turns<'o> {
    /// No turns yet.
    fn new(out: &'o mut Labelled) -> Self {
        Turns {
            out,
            current: None,
            pending_time: None,
            wall_clock_warned: false,
        }
    }

    /// A line `s` with an accepted label `c`: ends the open turn and starts the label's, its
    /// speech inline or below. Wall-clock times are said once to be left out.
    fn label(&mut self, c: &Candidate, line: &Line, s: &str) {
        self.out.turns.extend(self.current.take());
        if c.wall_clock && !self.wall_clock_warned {
            self.wall_clock_warned = true;
            self.out.warnings.push(Warning {
                line: line.number,
                kind: WarningKind::WallClock,
                message: "the times beside the speakers are times of day, not offsets into the \
                          recording, so turns are left without times"
                    .into(),
            });
        }
        let (start, end) = match c.speech {
            Speech::Inline(at) => {
                let rest = &s[at..];
                let skip = rest.len() - rest.trim_start().len();
                (line.start + at + skip, line.end)
            }
            // Speech starts on the next non-blank line that is not itself a label.
            Speech::Below => (line.end, line.end),
        };
        self.current = Some(RawTurn {
            speaker: Some(c.label.clone()),
            qualifier: c.qualifier.clone(),
            start_ms: c.time.map(|t| t.ms).or(self.pending_time.take()),
            end_ms: None,
            bytes: (start, end),
            line: line.number,
        });
    }

    /// A line `s` of speech: it extends the open turn, or is text outside any turn. A label
    /// candidate `cand` that was not accepted is suggested in a warning.
    fn speech(&mut self, cand: Option<&Candidate>, line: &Line, s: &str) {
        if let Some(c) = cand {
            self.out.warnings.push(Warning {
                line: line.number,
                kind: WarningKind::SpeakerSuggestion,
                message: format!(
                    "\"{}\" looks like a speaker label but appears only once, so it is \
                     read as speech; add it to the study's interviewers or relabel it \
                     if it is a speaker",
                    c.label
                ),
            });
        }
        match self.current.as_mut() {
            Some(turn) => {
                if turn.bytes.0 == turn.bytes.1 {
                    turn.bytes.0 = line.start;
                }
                turn.bytes.1 = line.end;
            }
            None => self.out.warnings.push(unplaced(line.number, s)),
        }
    }

    /// Ends the open turn.
    fn finish(self) {
        self.out.turns.extend(self.current);
    }
}

fn unplaced(line: usize, s: &str) -> Warning {
    let preview: String = s.trim().chars().take(40).collect();
    Warning {
        line,
        kind: WarningKind::UnplacedText,
        message: format!(
            "text outside any turn (\"{preview}\"): kept in the transcript, not in a turn"
        ),
    }
}

/// Whether most non-blank lines start with a line number (a conversation-analysis transcript).
fn ca_mode(text: &str, lines: &[Line]) -> bool {
    let (mut numbered, mut total) = (0usize, 0usize);
    for l in lines.iter().take(200) {
        let s = &text[l.start..l.end];
        if s.trim().is_empty() {
            continue;
        }
        total += 1;
        numbered += usize::from(CA_NUMBER.is_match(s));
    }
    total >= 3 && numbered * 10 >= total * 9
}

/// Step 5: leading paragraphs of `Key: value` metadata and short title lines. Returns the
/// index of the first line after the header zone.
fn header_zone(
    text: &str,
    lines: &[Line],
    cands: &[Option<Candidate>],
    accepted: &dyn Fn(&Candidate) -> bool,
    out: &mut Labelled,
) -> usize {
    let mut i = 0;
    let mut body = 0;
    while i < lines.len() {
        // One paragraph: lines[i..j].
        while i < lines.len() && text[lines[i].start..lines[i].end].trim().is_empty() {
            i += 1;
        }
        let mut j = i;
        while j < lines.len() && !text[lines[j].start..lines[j].end].trim().is_empty() {
            j += 1;
        }
        if i == j {
            return lines.len().min(body.max(i));
        }
        let mut entries = Vec::new();
        for k in i..j {
            let s = text[lines[k].start..lines[k].end].trim();
            if let Some(entry) = header_entry(s) {
                // "Interviewer: RA" is metadata; "Interviewer: Hello there" is the first turn.
                if cands[k].as_ref().is_some_and(accepted) && !looks_like_name(&entry.1) {
                    return i;
                }
                entries.push(entry);
            } else if cands[k].as_ref().is_none_or(|c| !accepted(c))
                && s.split_whitespace().count() <= 12
                && !s.ends_with(['.', '?', '!'])
                && !TRAILER.is_match(s)
            {
                entries.push((String::new(), s.trim_start_matches(['#', ' ']).to_string()));
            } else {
                return i;
            }
        }
        out.header.extend(entries);
        i = j;
        body = j;
    }
    body
}

/// A name or initials (`RA`, `Ruth Adeyemi`, `Dr. R. Adeyemi`): a few capitalised words.
fn looks_like_name(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && !value.contains(['?', '!', ','])
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
}

fn header_entry(line: &str) -> Option<(String, String)> {
    let c = HEADER_LINE.captures(line)?;
    let key = c[1].trim();
    let value = c[2].trim().trim_start_matches("**").trim();
    let lower = key.to_lowercase();
    let known = HEADER_KEYS.contains(&lower.as_str());
    if known && value.split_whitespace().count() <= 6 && !value.ends_with(['?', '.']) {
        Some((key.to_string(), value.to_string()))
    } else {
        None
    }
}

/// No turns at all: one turn per paragraph, without a speaker, and say so.
fn fallback_paragraphs(text: &str, lines: &[Line], from: usize, out: &mut Labelled) {
    let mut i = from;
    while i < lines.len() {
        if text[lines[i].start..lines[i].end].trim().is_empty() {
            i += 1;
            continue;
        }
        let first = &lines[i];
        let mut last = first;
        while i < lines.len() && !text[lines[i].start..lines[i].end].trim().is_empty() {
            last = &lines[i];
            i += 1;
        }
        let span = &text[first.start..last.end];
        out.turns.push(RawTurn {
            speaker: None,
            qualifier: None,
            start_ms: None,
            end_ms: None,
            bytes: (first.start, first.start + span.trim_end().len()),
            line: first.number,
        });
    }
    out.warnings.retain(|w| w.kind != WarningKind::UnplacedText);
    out.warnings.push(Warning {
        line: 1,
        kind: WarningKind::NoTurns,
        message: "no speaker labels were recognised, so each paragraph is a turn without a \
                  speaker; label turns as `Interviewer: …` / `P6: …` to get speakers"
            .into(),
    });
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::with_capacity(text.len() / 60 + 1);
    let mut start = 0;
    for (number, piece) in text.split('\n').enumerate() {
        let end = start + piece.len();
        lines.push(Line {
            start,
            end,
            number: number + 1,
        });
        start = end + 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Labelled, Vec<(Option<String>, String)>) {
        let l = parse_labelled(text, &Options::default());
        let turns = l
            .turns
            .iter()
            .map(|t| (t.speaker.clone(), text[t.bytes.0..t.bytes.1].to_string()))
            .collect();
        (l, turns)
    }

    #[test]
    fn header_turns_and_trailer() {
        let text = "Interview ID: P06\nInterviewer: RA\nDate: 3 March 2022\n\n\
            [00:00:05] Interviewer: Thanks for joining.\n\n\
            [00:00:09] P06: Happy to.\n\nSecond paragraph.\n\nEND OF INTERVIEW\n";
        let (l, turns) = parse(text);
        assert_eq!(l.header[0], ("Interview ID".to_string(), "P06".to_string()));
        assert_eq!(l.header[1], ("Interviewer".to_string(), "RA".to_string()));
        assert_eq!(turns.len(), 2);
        assert_eq!(
            turns[1],
            (Some("P06".into()), "Happy to.\n\nSecond paragraph.".into())
        );
        assert_eq!(l.turns[0].start_ms, Some(5_000));
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    }

    #[test]
    fn a_short_first_turn_is_not_taken_for_header_metadata() {
        let (l, turns) =
            parse("Interviewer: Hello there\n\nP6: Hi.\n\nInterviewer: Shall we start?\n");
        assert!(l.header.is_empty(), "{:?}", l.header);
        assert_eq!(turns[0], (Some("Interviewer".into()), "Hello there".into()));
    }

    #[test]
    fn label_on_its_own_line() {
        let (_, turns) = parse("Ruth:\nHow are you?\n\nP06:\nFine thanks.\n\nRuth:\nGood.\n");
        assert_eq!(turns.len(), 3);
        assert_eq!(turns[0], (Some("Ruth".into()), "How are you?".into()));
        assert_eq!(turns[1], (Some("P06".into()), "Fine thanks.".into()));
    }

    #[test]
    fn prose_colon_seen_once_is_a_suggestion_not_a_turn() {
        let (l, turns) =
            parse("I: What helps?\nP6: Mostly listening.\nQ3: was a good quarter.\nI: Right.\n");
        assert_eq!(turns.len(), 3);
        assert!(turns[1].1.contains("Q3: was a good quarter."));
        assert!(
            l.warnings
                .iter()
                .any(|w| w.kind == WarningKind::SpeakerSuggestion && w.line == 3)
        );
    }

    /// An Otter guest who answers once is a speaker: the file heads every turn with
    /// `Name  m:ss`, so the header's shape says it is a label (issue #21).
    #[test]
    fn otter_guest_who_speaks_once() {
        let text = "Emma  2:20  \nSo welcome, Tailor. How are you doing\n\n\
                    Tailor  2:26  \ntoday? Thank you. Glad to be on.\n\n\
                    Sidney  2:32  \njust like geek out for a minute.\n\n\
                    Emma  4:01  \nwe'll keep you in our thoughts.\n\n\
                    Sidney  4:10  \nAgreed.\n";
        let (l, turns) = parse(text);
        let who: Vec<_> = turns.iter().map(|t| t.0.as_deref().unwrap_or("")).collect();
        assert_eq!(who, ["Emma", "Tailor", "Sidney", "Emma", "Sidney"]);
        assert_eq!(turns[1].1, "today? Thank you. Glad to be on.");
        // 2:26 is 146 s.
        assert_eq!(l.turns[1].start_ms, Some(146_000));
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        // Without the other headers' evidence a lone header stays speech, with a warning.
        let (l, turns) = parse("Some notes here.\n\nTailor  2:26\ntoday? Thank you.\n");
        assert!(turns.iter().all(|t| t.0.is_none()));
        assert!(
            l.warnings
                .iter()
                .any(|w| w.kind == WarningKind::SpeakerSuggestion && w.message.contains("Tailor"))
        );
    }

    #[test]
    fn no_labels_falls_back_to_paragraphs() {
        let (l, turns) = parse("Just some prose.\n\nAnother paragraph here.\n");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].0, None);
        assert!(l.warnings.iter().any(|w| w.kind == WarningKind::NoTurns));
    }
}
