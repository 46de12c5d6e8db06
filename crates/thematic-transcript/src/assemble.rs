//! Shared last step of every format: raw turns (byte spans) into [`Turn`]s with speaker
//! keys, roles and code-point offsets, plus the document-level speaker checks.

use crate::labels::{participant_number, speaker_key};
use crate::model::{Role, Turn, Warning, WarningKind};
use crate::options::Options;

/// A turn before keys, roles and code-point offsets are worked out.
#[derive(Debug, Clone)]
pub(crate) struct RawTurn {
    pub speaker: Option<String>,
    pub qualifier: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub bytes: (usize, usize),
    pub line: usize,
}

/// Labels that stand for nobody in particular.
const OTHER_LABELS: &[&str] = &[
    "?",
    "unknown",
    "unknown speaker",
    "all",
    "several participants",
    "everyone",
];

/// The role of a speaker key under `options`.
pub fn role_of(key: Option<&str>, options: &Options) -> Role {
    match key {
        None => Role::Other,
        Some(k) if options.is_interviewer(k) => Role::Interviewer,
        Some(k) if OTHER_LABELS.iter().any(|o| o.eq_ignore_ascii_case(k)) => Role::Other,
        Some(_) => Role::Participant,
    }
}

/// Turns raw turns into turns over `text`.
pub(crate) fn finish(
    text: &str,
    raw: Vec<RawTurn>,
    options: &Options,
    warnings: &mut Vec<Warning>,
) -> Vec<Turn> {
    let mut offsets: Vec<usize> = raw.iter().flat_map(|r| [r.bytes.0, r.bytes.1]).collect();
    chars_at(text, &mut offsets);
    let mut turns: Vec<Turn> = raw
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let key = r
                .speaker
                .as_deref()
                .map(speaker_key)
                .filter(|k| !k.is_empty());
            let role = role_of(key.as_deref(), options);
            Turn {
                speaker: r.speaker,
                key,
                qualifier: r.qualifier,
                role,
                start_ms: r.start_ms,
                end_ms: r.end_ms,
                start: offsets[2 * i],
                end: offsets[2 * i + 1],
                byte_range: r.bytes,
                line: r.line,
            }
        })
        .collect();
    alias_warnings(&turns, warnings);
    time_warnings(&turns, warnings);
    crate::roles::qualifier_warning(&turns, warnings);
    if options.infer_interviewer {
        crate::roles::infer_interviewer(text, &mut turns, warnings);
    }
    turns
}

/// Converts increasing byte offsets into code-point offsets in place, in one pass.
pub(crate) fn chars_at(text: &str, offsets: &mut [usize]) {
    if text.is_ascii() {
        return;
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let (mut byte, mut chars) = (0usize, 0usize);
    for i in order {
        let target = offsets[i];
        chars += text[byte..target].chars().count();
        byte = target;
        offsets[i] = chars;
    }
}

/// `P6`, `P06` and `Participant 6` in one file are probably one person: say so, never merge.
fn alias_warnings(turns: &[Turn], warnings: &mut Vec<Warning>) {
    let mut by_number: Vec<(u32, String, usize)> = Vec::new();
    for t in turns {
        if let Some(key) = &t.key
            && let Some(n) = participant_number(key)
            && !by_number.iter().any(|(m, k, _)| *m == n && k == key)
        {
            by_number.push((n, key.clone(), t.line));
        }
    }
    by_number.sort();
    for group in by_number.chunk_by(|a, b| a.0 == b.0) {
        if group.len() > 1 {
            let names: Vec<String> = group.iter().map(|(_, k, _)| format!("\"{k}\"")).collect();
            warnings.push(Warning {
                line: group.iter().map(|g| g.2).min().unwrap_or(0),
                kind: WarningKind::PossibleAlias,
                message: format!(
                    "{} may be one participant under several labels; they are kept apart \
                     (rename the labels in the file if they are the same person)",
                    names.join(", ")
                ),
            });
        }
    }
}

fn time_warnings(turns: &[Turn], warnings: &mut Vec<Warning>) {
    for t in turns {
        if t.start_ms.is_some_and(|s| s < 0) || t.end_ms.is_some_and(|e| e < 0) {
            warnings.push(Warning {
                line: t.line,
                kind: WarningKind::NegativeTime,
                message: "negative time (the speech began before the recording): kept as is, \
                          shown as 00:00:00"
                    .into(),
            });
        }
        if let (Some(s), Some(e)) = (t.start_ms, t.end_ms)
            && e < s
        {
            warnings.push(Warning {
                line: t.line,
                kind: WarningKind::EndBeforeStart,
                message: format!(
                    "the end time ({e} ms) is before the start time ({s} ms); kept as written"
                ),
            });
        }
    }
}
