//! WebVTT and SRT (spec §4, §5, §7.2). Hand-written: every subtitle crate tested in the spec
//! fails a case real transcripts contain (a BOM, legacy Teams times, hours ≥ 24, comma/dot
//! mix-ups) or loses cues silently, and none extracts speakers.

use std::sync::LazyLock;

use regex::Regex;

use crate::cues::{Cue, decode_entities, split_speakers};
use crate::labels::split_qualifier;
use crate::model::{Format, Warning, WarningKind};
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
    let mut i = 0;
    // The WEBVTT header block (also tolerated at the top of an SRT file).
    if lines
        .first()
        .is_some_and(|l| l.s.trim_start().starts_with("WEBVTT"))
    {
        let title = lines[0].s.trim_start()["WEBVTT".len()..].trim();
        if !title.is_empty() {
            out.header.push(("WEBVTT".into(), title.to_string()));
        }
        i = 1;
        while i < lines.len() && !lines[i].s.trim().is_empty() && !lines[i].s.contains("-->") {
            if let Some((k, v)) = lines[i].s.split_once(':') {
                out.header
                    .push((k.trim().to_string(), v.trim().to_string()));
            }
            i += 1;
        }
    }
    let legacy = !srt
        && lines
            .iter()
            .filter_map(|l| TIMING.captures(l.s))
            .take(50)
            .any(|c| UNPADDED.is_match(&c["a"]));
    let rule = if legacy {
        FractionRule::IntegerMs
    } else {
        FractionRule::Decimal
    };
    let (mut ids_guid, mut ids_int, mut voices, mut name_prefix, mut cue_count) = (0, 0, 0, 0, 0);
    let mut unnamed: Vec<usize> = Vec::new(); // cues without a voice tag: names come from `Name:` prefixes

    while i < lines.len() {
        if lines[i].s.trim().is_empty() {
            i += 1;
            continue;
        }
        let first = lines[i].s.trim();
        // NOTE, STYLE and REGION blocks: skipped to the next blank line.
        if !srt
            && (first == "NOTE"
                || first.starts_with("NOTE ")
                || first.starts_with("NOTE\t")
                || first == "STYLE"
                || first == "REGION")
        {
            while i < lines.len() && !lines[i].s.trim().is_empty() {
                i += 1;
            }
            continue;
        }
        // Optional identifier line, then the timing line.
        let (id, timing_at) = if TIMING.is_match(lines[i].s) {
            (None, i)
        } else if i + 1 < lines.len() && TIMING.is_match(lines[i + 1].s) {
            (Some(first), i + 1)
        } else {
            out.warnings.push(Warning {
                line: lines[i].n,
                kind: WarningKind::UnplacedText,
                message: format!(
                    "text that is not part of a cue (\"{}\"): kept as a turn without speaker or time",
                    first.chars().take(40).collect::<String>()
                ),
            });
            let at = lines[i].n;
            let mut block = Vec::new();
            while i < lines.len() && !lines[i].s.trim().is_empty() {
                block.push(lines[i].s.trim());
                i += 1;
            }
            out.cues.push(Cue {
                speaker: None,
                qualifier: None,
                start_ms: None,
                end_ms: None,
                text: block.join(" "),
                line: at,
            });
            continue;
        };
        if let Some(id) = id {
            if GUID_ID.is_match(id) {
                ids_guid += 1;
            } else if id.bytes().all(|b| b.is_ascii_digit()) {
                ids_int += 1;
            }
        }
        let timing_line = &lines[timing_at];
        let Some(c) = TIMING.captures(timing_line.s) else {
            break;
        };
        let start = time(&c["a"], rule, srt, timing_line.n, &mut out.warnings);
        let end = time(&c["b"], rule, srt, timing_line.n, &mut out.warnings);
        // Payload: to the next blank line, or (a missing blank line) the next timing line.
        let mut j = timing_at + 1;
        let mut payload: Vec<&str> = Vec::new();
        while j < lines.len() && !lines[j].s.trim().is_empty() {
            let next_is_timing = TIMING.is_match(lines[j].s)
                || (j + 1 < lines.len()
                    && TIMING.is_match(lines[j + 1].s)
                    && !payload.is_empty()
                    && looks_like_id(lines[j].s));
            if next_is_timing {
                out.warnings.push(Warning {
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
        i = j;
        cue_count += 1;
        let raw = payload.join("\n");
        if raw.contains("<v") {
            voices += 1;
        }
        let pieces = voice_pieces(&raw);
        if pieces.iter().all(|(_, t)| t.trim().is_empty()) {
            out.warnings.push(Warning {
                line: timing_line.n,
                kind: WarningKind::EmptyCue,
                message: "a cue with a time but no text: skipped".into(),
            });
            continue;
        }
        for (voice, body) in pieces {
            let body = decode_entities(&TAG.replace_all(&body, ""));
            let body = body
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let (speaker, qualifier) = match voice {
                Some(v) => {
                    let (base, q) = split_qualifier(v.trim());
                    (Some(base.to_string()), q.map(str::to_string))
                }
                None => {
                    unnamed.push(out.cues.len());
                    (None, None)
                }
            };
            out.cues.push(Cue {
                speaker,
                qualifier,
                start_ms: start,
                end_ms: end,
                text: body,
                line: timing_line.n,
            });
        }
    }
    let texts: Vec<&str> = unnamed.iter().map(|&i| out.cues[i].text.as_str()).collect();
    let splits = split_speakers(&texts);
    for (&i, split) in unnamed.iter().zip(splits) {
        if let Some((speaker, qualifier, rest)) = split {
            name_prefix += 1;
            let cue = &mut out.cues[i];
            cue.speaker = Some(speaker);
            cue.qualifier = qualifier;
            cue.text = rest;
        }
    }
    out.format = Some(if srt {
        Format::Srt
    } else if legacy {
        Format::TeamsVttLegacy
    } else if voices > 0 || ids_guid * 2 > cue_count {
        Format::TeamsVtt
    } else if ids_int > 0 && name_prefix * 2 >= cue_count && cue_count > 0 {
        Format::ZoomVtt
    } else {
        Format::Vtt
    });
    if out.format == Some(Format::TeamsVtt) && voices == 0 && cue_count > 0 {
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
