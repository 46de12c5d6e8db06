//! Whisper, WhisperX and whisper.cpp JSON (spec §8): segments into cues. Every field but the
//! text is optional (WhisperX omits times and scores on some words and segments).

use serde_json::Value;

use crate::cues::Cue;
use crate::error::ParseError;
use crate::model::Format;
use crate::timestamp::{FractionRule, parse_clock};

/// Reads a JSON transcript. Returns its flavour and cues.
pub(crate) fn parse_json(text: &str) -> Result<(Format, Vec<Cue>), ParseError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ParseError::Json {
        line: e.line(),
        column: e.column(),
        reason: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or("")
            .to_string(),
    })?;
    if let Some(items) = v.get("transcription").and_then(Value::as_array) {
        let cues = items
            .iter()
            .map(|item| {
                let offsets = item.get("offsets");
                let ms = |k: &str| {
                    offsets
                        .and_then(|o| o.get(k))
                        .and_then(Value::as_i64)
                        .or_else(|| {
                            item.get("timestamps")
                                .and_then(|t| t.get(k))
                                .and_then(Value::as_str)
                                .and_then(|s| parse_clock(s, FractionRule::Decimal))
                                .map(|c| c.ms)
                        })
                };
                Cue {
                    speaker: None,
                    qualifier: None,
                    start_ms: ms("from"),
                    end_ms: ms("to"),
                    text: text_of(item),
                    line: 0,
                }
            })
            .filter(|c| !c.text.is_empty())
            .collect();
        return Ok((Format::WhisperCppJson, cues));
    }
    let segments = v
        .get("segments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let whisperx = v.get("word_segments").is_some()
        || segments.iter().any(|s| {
            s.get("speaker").is_some()
                || s.get("words").is_some_and(|w| {
                    w.get(0).is_some_and(|w0| {
                        w0.get("word").is_some() && w0.get("probability").is_none()
                    })
                })
        });
    let cues = segments
        .iter()
        .map(|s| Cue {
            speaker: s
                .get("speaker")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| word_speaker(s)),
            qualifier: None,
            start_ms: seconds(s.get("start")),
            end_ms: seconds(s.get("end")),
            text: text_of(s),
            line: 0,
        })
        .filter(|c| !c.text.is_empty())
        .collect();
    Ok((
        if whisperx {
            Format::WhisperxJson
        } else {
            Format::WhisperJson
        },
        cues,
    ))
}

/// A WhisperX segment without a speaker: the speaker of most of its words, if any.
fn word_speaker(segment: &Value) -> Option<String> {
    let words = segment.get("words")?.as_array()?;
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for w in words
        .iter()
        .filter_map(|w| w.get("speaker").and_then(Value::as_str))
    {
        match counts.iter_mut().find(|(s, _)| *s == w) {
            Some((_, n)) => *n += 1,
            None => counts.push((w, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(s, n)| (n, std::cmp::Reverse(s)))
        .map(|(s, _)| s.to_string())
}

fn text_of(v: &Value) -> String {
    v.get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn seconds(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_f64)
        .map(|s| (s * 1000.0).round() as i64)
}
