//! Caption cues (VTT, SRT, Whisper, NVivo tables) into turns: merge consecutive cues of one
//! speaker, then render the normalized text, one paragraph per turn.

use crate::assemble::RawTurn;
use crate::model::{Warning, WarningKind};
use crate::options::Options;
use crate::timestamp::format_hms;

/// One cue as read, before merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cue {
    pub speaker: Option<String>,
    pub qualifier: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub text: String,
    pub line: usize,
}

/// Sorts (if asked), reports order problems, merges, and renders. Returns the text and the
/// raw turns over it.
pub(crate) fn cues_to_turns(
    mut cues: Vec<Cue>,
    options: &Options,
    warnings: &mut Vec<Warning>,
) -> (String, Vec<RawTurn>) {
    let mut last: Option<i64> = None;
    let mut moved = 0usize;
    let mut first_line = 0usize;
    for c in &cues {
        if let (Some(prev), Some(s)) = (last, c.start_ms)
            && s < prev
        {
            moved += 1;
            if first_line == 0 {
                first_line = c.line;
            }
        }
        if c.start_ms.is_some() {
            last = c.start_ms;
        }
    }
    if moved > 0 {
        let what = if options.sort_cues {
            "sorted by start time"
        } else {
            "kept in file order"
        };
        warnings.push(Warning {
            line: first_line,
            kind: WarningKind::OutOfOrder,
            message: format!("{moved} cue(s) start before the cue written above them; {what}"),
        });
        if options.sort_cues {
            cues.sort_by_key(|c| c.start_ms.unwrap_or(i64::MIN)); // stable
        }
    }
    let merged: Vec<Cue> = if options.merge_cues {
        merge(cues)
    } else {
        cues
    };
    render(merged)
}

fn merge(cues: Vec<Cue>) -> Vec<Cue> {
    let mut out: Vec<Cue> = Vec::with_capacity(cues.len());
    for c in cues {
        if let Some(prev) = out.last_mut()
            && prev.speaker.is_some()
            && prev.speaker == c.speaker
        {
            // A qualifier (`(Guest)`, `(she/her)`) is not part of who speaks: cues of one
            // speaker merge with or without it, and the turn keeps the first one seen.
            if prev.qualifier.is_none() {
                prev.qualifier = c.qualifier;
            }
            if !c.text.is_empty() {
                if !prev.text.is_empty() {
                    prev.text.push(' ');
                }
                prev.text.push_str(&c.text);
            }
            prev.end_ms = match (prev.end_ms, c.end_ms) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            continue;
        }
        out.push(c);
    }
    out
}

fn render(cues: Vec<Cue>) -> (String, Vec<RawTurn>) {
    let mut text = String::with_capacity(cues.iter().map(|c| c.text.len() + 32).sum());
    let mut turns = Vec::with_capacity(cues.len());
    for c in cues {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        if let Some(ms) = c.start_ms {
            text.push('[');
            text.push_str(&format_hms(ms));
            text.push_str("] ");
        }
        if let Some(s) = &c.speaker {
            text.push_str(s);
            if let Some(q) = &c.qualifier {
                text.push_str(" (");
                text.push_str(q);
                text.push(')');
            }
            text.push_str(": ");
        }
        let start = text.len();
        text.push_str(&c.text);
        turns.push(RawTurn {
            speaker: c.speaker,
            qualifier: c.qualifier,
            start_ms: c.start_ms,
            end_ms: c.end_ms,
            bytes: (start, text.len()),
            line: c.line,
        });
    }
    if !text.is_empty() {
        text.push('\n');
    }
    (text, turns)
}

/// Splits `Name: text` prefixes off cue texts (Zoom, SRT). A name may itself hold a colon
/// (`Dr: Okafor: Hello`), so the split is chosen over the whole file: each cue's possible
/// names are the texts before each `": "` in its first 64 bytes that pass the label rules;
/// the longest one seen in two or more cues wins, else the first. Returns, per text,
/// `(speaker, qualifier, rest)` or `None` when there is no name.
pub(crate) fn split_speakers(texts: &[&str]) -> Vec<Option<(String, Option<String>, String)>> {
    let options: Vec<Vec<usize>> = texts
        .iter()
        .map(|t| {
            let head = &t[..crate::labels::floor_char_boundary(t, 64)];
            head.match_indices(": ")
                .map(|(i, _)| i)
                .filter(|&i| {
                    !t[..i].contains(['[', ']', '{', '}', '<', '>'])
                        && crate::labels::plausible_label(&t[..i])
                })
                .collect()
        })
        .collect();
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (t, opts) in texts.iter().zip(&options) {
        for &i in opts {
            *counts.entry(&t[..i]).or_default() += 1;
        }
    }
    texts
        .iter()
        .zip(&options)
        .map(|(t, opts)| {
            let chosen = opts
                .iter()
                .rev()
                .find(|&&i| counts.get(&t[..i]).copied().unwrap_or(0) >= 2)
                .or(opts.first())?;
            let (name, qualifier) = crate::labels::split_qualifier(t[..*chosen].trim());
            Some((
                name.to_string(),
                qualifier.map(str::to_string),
                t[chosen + 2..].trim().to_string(),
            ))
        })
        .collect()
}

/// Decodes the HTML character references WebVTT allows.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "lrm" => Some('\u{200e}'),
                "rlm" => Some('\u{200f}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
