//! WebVTT and SRT (spec §4, §5, §7.2). Hand-written: every subtitle crate tested in the spec
//! fails a case real transcripts contain (a BOM, legacy Teams times, hours ≥ 24, comma/dot
//! mix-ups) or loses cues silently, and none extracts speakers.

use std::sync::LazyLock;

use regex::Regex;

use crate::cues::{Cue, decode_entities};
use crate::labels::split_qualifier;
use crate::model::{Format, Warning, WarningKind};
use crate::speakers::Found;
use crate::timestamp::{FractionRule, parse_clock};

#[allow(clippy::unwrap_used)] // constant patterns
static TIMING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<a>-?[\d:.,-]+)\s*-->\s*(?P<b>-?[\d:.,-]+)(?P<rest>.*)$").unwrap()
});
#[allow(clippy::unwrap_used)]
static VOICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<v(?:\.[^ \t>]*)?[ \t]+([^>]*)>").unwrap());
#[allow(clippy::unwrap_used)]
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"</?[a-zA-Z][^>]*>|<\d[^>]*>").unwrap());
#[allow(clippy::unwrap_used)]
static GUID_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:/\d+-\d+)?$")
        .unwrap()
});
#[allow(clippy::unwrap_used)]
static UNPADDED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-?\d+:-?\d:|^-?\d+:-?\d+:-?\d(?:[.,]|$)").unwrap());

/// Whether `s` may be a timing line: its first non-blank character is one [`TIMING`] allows
/// there (a digit, `-`, `:`, `.` or `,`) and it holds a `>`. Every line of a file is asked whether it is a timing line (a payload ends
/// at one), so this cheap test keeps the regex off the lines of speech.
fn maybe_timing(s: &str) -> bool {
    s.trim_start()
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b':' | b'.' | b','))
        && s.as_bytes().contains(&b'>')
}

/// Whether `s` is a timing line (`00:00:01.000 --> 00:00:04.000`).
fn is_timing(s: &str) -> bool {
    maybe_timing(s) && TIMING.is_match(s)
}

/// The parts of timing line `s`, when it is one.
fn timing(s: &str) -> Option<regex::Captures<'_>> {
    if maybe_timing(s) {
        TIMING.captures(s)
    } else {
        None
    }
}

/// What a caption file held.
#[derive(Debug, Default)]
pub(crate) struct Captions {
    pub format: Option<Format>,
    pub header: Vec<(String, String)>,
    pub cues: Vec<Cue>,
    pub warnings: Vec<Warning>,
}

struct Line<'a> {
    n: usize,
    s: &'a str,
}

/// Reads WebVTT (`srt = false`) or SRT (`srt = true`).
pub(crate) fn parse_captions(text: &str, srt: bool) -> Captions {
    let lines: Vec<Line<'_>> = text
        .split('\n')
        .enumerate()
        .map(|(i, s)| Line { n: i + 1, s })
        .collect();
    let mut out = Captions::default();
    let body = read_header(&lines, &mut out.header);
    let legacy = !srt
        && lines
            .iter()
            .filter_map(|l| timing(l.s))
            .take(50)
            .any(|c| UNPADDED.is_match(&c["a"]));
    let mut reader = CueReader {
        lines,
        srt,
        rule: if legacy {
            FractionRule::IntegerMs
        } else {
            FractionRule::Decimal
        },
        out,
        tally: Tally::default(),
        unnamed: Vec::new(),
    };
    reader.read_cues(body);
    reader.name_from_prefixes();
    let CueReader { mut out, tally, .. } = reader;
    out.format = Some(dialect(srt, legacy, &tally));
    if out.format == Some(Format::TeamsVtt) && tally.voices == 0 && tally.cues > 0 {
        out.warnings.push(Warning {
            line: 1,
            kind: WarningKind::MissingVoiceTags,
            message: "a Teams transcript without <v> voice tags: no speakers are known; the Teams \
                      .docx download of the same meeting usually has them"
                .into(),
        });
    }
    out
}

/// Reads the WEBVTT header block (also tolerated at the top of an SRT file): the title on
/// the `WEBVTT` line and `Key: value` lines up to the first blank or timing line. Returns
/// the index of the first line after it.
fn read_header(lines: &[Line<'_>], header: &mut Vec<(String, String)>) -> usize {
    if !lines
        .first()
        .is_some_and(|l| l.s.trim_start().starts_with("WEBVTT"))
    {
        return 0;
    }
    let title = lines[0].s.trim_start()["WEBVTT".len()..].trim();
    if !title.is_empty() {
        header.push(("WEBVTT".into(), title.to_string()));
    }
    let mut i = 1;
    while i < lines.len() && !lines[i].s.trim().is_empty() && !lines[i].s.contains("-->") {
        if let Some((k, v)) = lines[i].s.split_once(':') {
            header.push((k.trim().to_string(), v.trim().to_string()));
        }
        i += 1;
    }
    i
}

/// Counts that tell the caption dialects apart.
#[derive(Debug, Default)]
struct Tally {
    /// Cue identifiers that are GUIDs (Teams).
    ids_guid: usize,
    /// Cue identifiers that are whole numbers (Zoom).
    ids_int: usize,
    /// Cues with a `<v>` voice tag.
    voices: usize,
    /// Cues whose speaker came from a `Name:` prefix.
    name_prefix: usize,
    /// Cues with a timing line.
    cues: usize,
}

/// Which caption format the file is, from what its cues held.
fn dialect(srt: bool, legacy: bool, t: &Tally) -> Format {
    if srt {
        Format::Srt
    } else if legacy {
        Format::TeamsVttLegacy
    } else if t.voices > 0 || t.ids_guid * 2 > t.cues {
        Format::TeamsVtt
    } else if t.ids_int > 0 && t.name_prefix * 2 >= t.cues && t.cues > 0 {
        Format::ZoomVtt
    } else {
        Format::Vtt
    }
}

/// Reads the cues after the header, line by line, into `out`.
struct CueReader<'t> {
    lines: Vec<Line<'t>>,
    srt: bool,
    /// How the fraction of a second is read (legacy Teams times count milliseconds).
    rule: FractionRule,
    out: Captions,
    tally: Tally,
    /// Cues without a voice tag: names come from `Name:` prefixes or `(Name)` lines.
    unnamed: Vec<Unnamed>,
}

/// A cue without a voice tag, remembered for naming.
struct Unnamed {
    /// Index into `out.cues`.
    index: usize,
    /// The length in bytes of its text's first line (tags removed, trimmed).
    first_len: usize,
    /// Whether more text follows the first line.
    more: bool,
}

impl<'t> CueReader<'t> {
    /// Reads blocks from line `i` to the end: cues, skipped NOTE/STYLE/REGION blocks and
    /// stray text.
    fn read_cues(&mut self, mut i: usize) {
        while i < self.lines.len() {
            let s = self.lines[i].s;
            if s.trim().is_empty() {
                i += 1;
                continue;
            }
            let first = s.trim();
            // NOTE, STYLE and REGION blocks: skipped to the next blank line.
            if !self.srt
                && (first == "NOTE"
                    || first.starts_with("NOTE ")
                    || first.starts_with("NOTE\t")
                    || first == "STYLE"
                    || first == "REGION")
            {
                i = self.block_end(i);
                continue;
            }
            // Optional identifier line, then the timing line.
            let (id, timing_at, c) = if let Some(c) = timing(s) {
                (None, i, c)
            } else if let Some(c) = self.lines.get(i + 1).and_then(|l| timing(l.s)) {
                (Some(first), i + 1, c)
            } else if !self.srt && self.tally.cues == 0 && self.header_leftover(i) {
                i = self.block_end(i);
                continue;
            } else {
                i = self.unplaced(i);
                continue;
            };
            if let Some(id) = id {
                if GUID_ID.is_match(id) {
                    self.tally.ids_guid += 1;
                } else if id.bytes().all(|b| b.is_ascii_digit()) {
                    self.tally.ids_int += 1;
                }
            }
            match self.cue(timing_at, &c) {
                Some(next) => i = next,
                None => break,
            }
        }
    }

    /// Before the first cue, a block that belongs to the header: old-style `Region:` lines
    /// (kept as header entries) or the rest of a STYLE block's CSS after a blank line inside
    /// it (`background-image: …;` / `}`), which is not speech.
    fn header_leftover(&mut self, i: usize) -> bool {
        let end = self.block_end(i);
        let block: Vec<&str> = self.lines[i..end].iter().map(|l| l.s.trim()).collect();
        if block.iter().all(|l| l.starts_with("Region:")) {
            for l in &block {
                self.out
                    .header
                    .push(("Region".into(), l["Region:".len()..].trim().to_string()));
            }
            return true;
        }
        block.iter().all(|l| {
            l.starts_with("::cue")
                || l.ends_with([';', '{', '}'])
                || *l == "}"
                || l.starts_with('}')
        })
    }

    /// The index of the first blank line at or after `i` (or the end).
    fn block_end(&self, mut i: usize) -> usize {
        while i < self.lines.len() && !self.lines[i].s.trim().is_empty() {
            i += 1;
        }
        i
    }

    /// Text at line `i` that is not part of a cue: kept, with a warning, as a cue without
    /// speaker or time. Returns the index of the line after the block.
    fn unplaced(&mut self, mut i: usize) -> usize {
        let at = self.lines[i].n;
        self.out.warnings.push(Warning {
            line: at,
            kind: WarningKind::UnplacedText,
            message: format!(
                "text that is not part of a cue (\"{}\"): kept as a turn without speaker or time",
                self.lines[i].s.trim().chars().take(40).collect::<String>()
            ),
        });
        let mut block = Vec::new();
        while i < self.lines.len() && !self.lines[i].s.trim().is_empty() {
            block.push(self.lines[i].s.trim());
            i += 1;
        }
        self.out.cues.push(Cue {
            speaker: None,
            qualifier: None,
            start_ms: None,
            end_ms: None,
            text: block.join(" "),
            line: at,
        });
        i
    }

    /// The cue whose timing line is `timing_at`: its times, then one cue per voice in its
    /// payload (an empty cue is skipped with a warning); `c` is the timing line's parts.
    /// Returns the index of the line after the payload.
    fn cue(&mut self, timing_at: usize, c: &regex::Captures<'_>) -> Option<usize> {
        let n = self.lines[timing_at].n;
        let start = time(&c["a"], self.rule, self.srt, n, &mut self.out.warnings);
        let end = time(&c["b"], self.rule, self.srt, n, &mut self.out.warnings);
        let (payload, next) = self.payload(timing_at + 1);
        self.tally.cues += 1;
        let raw = payload.join("\n");
        if raw.contains("<v") {
            self.tally.voices += 1;
        }
        let pieces = voice_pieces(&raw);
        if pieces.iter().all(|(_, t)| t.trim().is_empty()) {
            self.out.warnings.push(Warning {
                line: n,
                kind: WarningKind::EmptyCue,
                message: "a cue with a time but no text: skipped".into(),
            });
            return Some(next);
        }
        for (voice, body) in pieces {
            self.push_piece(voice, &body, (start, end), n);
        }
        Some(next)
    }

    /// A cue's payload from line `j`: to the next blank line, or (a missing blank line, with a
    /// warning) the next timing line or identifier. Returns the lines and the index after.
    fn payload(&mut self, mut j: usize) -> (Vec<&'t str>, usize) {
        let lines = &self.lines;
        let mut payload: Vec<&'t str> = Vec::new();
        while j < lines.len() && !lines[j].s.trim().is_empty() {
            let next_is_timing = is_timing(lines[j].s)
                || (j + 1 < lines.len()
                    && is_timing(lines[j + 1].s)
                    && !payload.is_empty()
                    && looks_like_id(lines[j].s));
            if next_is_timing {
                self.out.warnings.push(Warning {
                    line: lines[j].n,
                    kind: WarningKind::MissingBlankLine,
                    message: "a new cue starts without a blank line before it; read as a new cue"
                        .into(),
                });
                break;
            }
            payload.push(lines[j].s.trim_end());
            j += 1;
        }
        (payload, j)
    }

    /// One voice's text of a cue, tags removed and lines joined, as a cue of its own; without
    /// a voice it is remembered for naming from a `Name:` prefix.
    fn push_piece(
        &mut self,
        voice: Option<&str>,
        body: &str,
        times: (Option<i64>, Option<i64>),
        line: usize,
    ) {
        let body = decode_entities(&TAG.replace_all(body, ""));
        let lines: Vec<&str> = body
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let (speaker, qualifier) = match voice {
            Some(v) => {
                let (base, q) = split_qualifier(v.trim());
                (Some(base.to_string()), q.map(str::to_string))
            }
            None => {
                self.unnamed.push(Unnamed {
                    index: self.out.cues.len(),
                    first_len: lines.first().map_or(0, |l| l.len()),
                    more: lines.len() > 1,
                });
                (None, None)
            }
        };
        let body = lines.join(" ");
        self.out.cues.push(Cue {
            speaker,
            qualifier,
            start_ms: times.0,
            end_ms: times.1,
            text: body,
            line,
        });
    }

    /// Names the cues without a voice tag from their `(Name)` lines or `Name:` prefixes,
    /// where the file bears them out (see [`crate::speakers`]), and lets unlabelled cues
    /// continue the turn above them in files that label only a turn's first cue.
    fn name_from_prefixes(&mut self) {
        let cues = &mut self.out.cues;
        let found: Vec<Found<'_>> = self
            .unnamed
            .iter()
            .map(|u| Found {
                text: cues[u.index].text.as_str(),
                first: &cues[u.index].text[..u.first_len],
                more: u.more,
                line: cues[u.index].line,
            })
            .collect();
        let named = crate::speakers::name_cues(&found);
        let mut by_prefix = 0usize;
        for (u, naming) in self.unnamed.iter().zip(named.names) {
            if let Some((speaker, qualifier, rest)) = naming {
                self.tally.name_prefix += 1;
                by_prefix += 1;
                let cue = &mut cues[u.index];
                cue.speaker = Some(speaker);
                cue.qualifier = qualifier;
                cue.text = rest;
            }
        }
        self.out.warnings.extend(named.warnings);
        if by_prefix >= 2 && by_prefix * 2 < self.unnamed.len() {
            continue_turns(cues, &self.unnamed, by_prefix, &mut self.out.warnings);
        }
    }
}

/// In a file whose labels start turns (fewer than half of its cues carry one), each cue
/// without a label continues the speaker of the cue above it; said once in a warning.
fn continue_turns(
    cues: &mut [Cue],
    unnamed: &[Unnamed],
    labelled: usize,
    warnings: &mut Vec<Warning>,
) {
    let mut last: Option<(String, Option<String>)> = None;
    let mut continued = 0usize;
    let mut first_line = 0usize;
    let mut u = unnamed.iter().map(|u| u.index).peekable();
    for (i, cue) in cues.iter_mut().enumerate() {
        let is_unnamed = u.peek() == Some(&i);
        if is_unnamed {
            u.next();
        }
        match (&cue.speaker, &last) {
            (Some(s), _) => last = Some((s.clone(), cue.qualifier.clone())),
            (None, Some((s, q))) if is_unnamed => {
                cue.speaker = Some(s.clone());
                cue.qualifier = q.clone();
                continued += 1;
                if first_line == 0 {
                    first_line = cue.line;
                }
            }
            _ => {}
        }
    }
    if continued > 0 {
        warnings.push(Warning {
            line: first_line,
            kind: WarningKind::ContinuedTurns,
            message: format!(
                "{continued} cue(s) without a speaker label continue the turn of the labelled \
                 cue above them: only {labelled} of {} cues name a speaker, so this file \
                 names the speaker on the first cue of a turn",
                unnamed.len()
            ),
        });
    }
}

fn looks_like_id(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && (s.bytes().all(|b| b.is_ascii_digit()) || GUID_ID.is_match(s))
}

fn time(
    s: &str,
    rule: FractionRule,
    srt: bool,
    line: usize,
    warnings: &mut Vec<Warning>,
) -> Option<i64> {
    let Some(c) = parse_clock(s, rule) else {
        warnings.push(Warning {
            line,
            kind: WarningKind::InvalidTimestamp,
            message: format!("\"{s}\" is not a time; the cue is kept without it"),
        });
        return None;
    };
    let wrong = if srt { '.' } else { ',' };
    // Each of these is said once per file, at its first occurrence.
    let noted = [
        (c.separator == Some(wrong), WarningKind::SeparatorMismatch),
        (c.ambiguous_fraction, WarningKind::AmbiguousFraction),
        (c.over_59, WarningKind::MinutesOver59),
    ];
    for kind in noted.iter().filter(|(seen, _)| *seen).map(|(_, k)| *k) {
        if warnings.iter().any(|w| w.kind == kind) {
            continue;
        }
        let message = match kind {
            WarningKind::SeparatorMismatch => {
                format!(
                    "\"{s}\" uses '{wrong}' before the milliseconds; read as milliseconds anyway"
                )
            }
            WarningKind::AmbiguousFraction => {
                format!("\"{s}\" has a 1–2 digit fraction; read as a decimal fraction of a second")
            }
            _ => format!("\"{s}\" has minutes or seconds of 60 or more; accepted as written"),
        };
        warnings.push(Warning {
            line,
            kind,
            message,
        });
    }
    Some(c.ms)
}

/// Splits a cue payload into (voice, text) pieces: one per `<v>` span, or one with no voice.
fn voice_pieces(raw: &str) -> Vec<(Option<&str>, String)> {
    let mut out = Vec::new();
    let mut last_end = 0;
    let mut current: Option<&str> = None;
    for m in VOICE.captures_iter(raw) {
        let whole = m.get(0).map_or(0..0, |g| g.range());
        let before = &raw[last_end..whole.start];
        if current.is_some() || !before.trim().is_empty() {
            out.push((current, before.replace("</v>", "")));
        }
        current = m.get(1).map(|g| g.as_str());
        last_end = whole.end;
    }
    out.push((current, raw[last_end..].replace("</v>", "")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_voices_and_zoom_prefixes() {
        let teams = "WEBVTT\n\n3f1c9a2e-1111-2222-3333-444455556666/12-0\n00:00:05.120 --> 00:00:09.340\n<v Adeyemi, Ruth>Hello &amp; welcome.</v>\n";
        let c = parse_captions(teams, false);
        assert_eq!(c.format, Some(Format::TeamsVtt));
        assert_eq!(c.cues[0].speaker.as_deref(), Some("Adeyemi, Ruth"));
        assert_eq!(c.cues[0].text, "Hello & welcome.");
        let zoom = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nRuth Adeyemi: Hi there\n\n2\n00:00:02.500 --> 00:00:04.000\nP06: Hello\n";
        let c = parse_captions(zoom, false);
        assert_eq!(c.format, Some(Format::ZoomVtt));
        assert_eq!(c.cues[1].speaker.as_deref(), Some("P06"));
        assert_eq!(c.cues[1].text, "Hello");
    }

    #[test]
    fn text_outside_cues_is_kept_not_dropped() {
        let text = "WEBVTT\n\nstray words here\n\n00:01.000 --> 00:02.000\nP6: hi\n";
        let c = parse_captions(text, false);
        assert_eq!(c.cues.len(), 2);
        assert_eq!(
            (c.cues[0].speaker.as_deref(), c.cues[0].text.as_str()),
            (None, "stray words here")
        );
        assert!(
            c.warnings
                .iter()
                .any(|w| w.kind == WarningKind::UnplacedText && w.line == 3)
        );
    }

    /// Editing tools label only a turn's first cue (`MAN:` alone on its first line): the
    /// cues after it continue that speaker's turn, and the warning says so (issue #21).
    #[test]
    fn unlabelled_cues_continue_the_labelled_turn() {
        let text = "WEBVTT\n\n00:14.848 --> 00:17.350\nMAN:\nWhen we think\n\n\
                    00:17.350 --> 00:18.752\nwe have this vision\n\n\
                    00:20.887 --> 00:26.760\nMAN 2:\nE equals m c-squared\n\n\
                    00:26.760 --> 00:30.163\nis not about an old Einstein.\n\n\
                    00:30.163 --> 00:32.232\nEven a sexy one.\n";
        let c = parse_captions(text, false);
        let who: Vec<_> = c.cues.iter().map(|q| q.speaker.as_deref()).collect();
        assert_eq!(
            who,
            [
                Some("MAN"),
                Some("MAN"),
                Some("MAN 2"),
                Some("MAN 2"),
                Some("MAN 2")
            ]
        );
        assert_eq!(c.cues[0].text, "When we think");
        let w: Vec<_> = c
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::ContinuedTurns)
            .collect();
        // Three cues continue (lines 7, 13 and 16); the first is reported, on line 7.
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 7);
        assert!(w[0].message.starts_with("3 cue(s)"), "{}", w[0].message);
    }

    /// Zoom labels every cue; a cue without a name stays without one (fixture 28).
    #[test]
    fn zoom_cues_without_a_name_do_not_continue() {
        let text = "WEBVTT\n\n1\n00:01.000 --> 00:02.000\nRuth: What helps?\n\n\
                    2\n00:02.000 --> 00:03.000\nP06: Walking.\n\n\
                    3\n00:03.000 --> 00:04.000\nand talking.\n";
        let c = parse_captions(text, false);
        assert_eq!(c.cues[2].speaker, None);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    /// go-astisub's example: CSS after a blank line inside a STYLE block, and old-style
    /// `Region:` header lines, are neither speech nor unplaced text.
    #[test]
    fn style_leftovers_and_region_lines_before_the_first_cue() {
        let text = "WEBVTT\n\nSTYLE\n::cue(d) {\n  color: red;\n\n  background: gray;\n}\n\n\
                    Region: id=fred width=40%\nRegion: id=bill width=40%\n\n\
                    1\n00:01:39.000 --> 00:01:41.040\n(deep rumbling)\n\n\
                    just: text;\n";
        let c = parse_captions(text, false);
        assert_eq!(c.cues.len(), 2, "{:?}", c.cues);
        assert_eq!(c.cues[0].text, "(deep rumbling)");
        assert!(
            c.header
                .contains(&("Region".into(), "id=bill width=40%".into()))
        );
        // After the first cue, stray text is kept and reported as before.
        assert_eq!(c.cues[1].text, "just: text;");
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(c.warnings[0].kind, WarningKind::UnplacedText);
    }

    #[test]
    fn legacy_teams_times() {
        let legacy = "WEBVTT\n\n0:0:21.40 --> 0:0:24.0\n<v Ruth>It was my GP</v>\n";
        let c = parse_captions(legacy, false);
        assert_eq!(c.format, Some(Format::TeamsVttLegacy));
        assert_eq!(
            (c.cues[0].start_ms, c.cues[0].end_ms),
            (Some(21_040), Some(24_000))
        );
    }

    #[test]
    fn several_voices_in_one_cue() {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>Yes.</v> <v B>No.\n";
        let c = parse_captions(text, false);
        let who: Vec<_> = c
            .cues
            .iter()
            .map(|q| (q.speaker.as_deref(), q.text.as_str()))
            .collect();
        assert_eq!(who, [(Some("A"), "Yes."), (Some("B"), "No.")]);
    }

    #[test]
    fn srt_with_dots_and_missing_blank_line() {
        let text = "1\n00:00:01.000 --> 00:00:02.000\nP6: one\n2\n00:00:03,000 --> 00:00:04,000\nP6: two\n";
        let c = parse_captions(text, true);
        assert_eq!(c.cues.len(), 2);
        assert!(
            c.warnings
                .iter()
                .any(|w| w.kind == WarningKind::SeparatorMismatch)
        );
        assert!(
            c.warnings
                .iter()
                .any(|w| w.kind == WarningKind::MissingBlankLine)
        );
    }
}
