//! NVivo's timestamped transcript import table: tab-separated, a header row naming
//! `Timespan` and `Content` (and optionally `Speaker`), one row per segment.

use crate::cues::Cue;
use crate::model::{Warning, WarningKind};
use crate::timestamp::{FractionRule, parse_clock};

/// Whether the first line is an NVivo table header.
pub(crate) fn is_nvivo_header(first_line: &str) -> bool {
    let cols: Vec<String> = first_line
        .split('\t')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    cols.len() >= 2 && cols.iter().any(|c| c == "timespan") && cols.iter().any(|c| c == "content")
}

pub(crate) fn parse_tsv(text: &str, warnings: &mut Vec<Warning>) -> Vec<Cue> {
    let mut lines = text.split('\n').enumerate();
    let Some((_, header)) = lines.next() else {
        return Vec::new();
    };
    let cols: Vec<String> = header
        .split('\t')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let find = |name: &str| cols.iter().position(|c| c == name);
    let (Some(ts), Some(content)) = (find("timespan"), find("content")) else {
        return Vec::new();
    };
    let speaker = find("speaker");
    let mut cues = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let span = cells.get(ts).copied().unwrap_or("").trim();
        let (a, b) = span
            .split_once(" - ")
            .or_else(|| span.split_once('-'))
            .unwrap_or((span, ""));
        let start = parse_clock(a, FractionRule::Decimal).map(|c| c.ms);
        let end = parse_clock(b, FractionRule::Decimal).map(|c| c.ms);
        if start.is_none() && !span.is_empty() {
            warnings.push(Warning {
                line: i + 1,
                kind: WarningKind::InvalidTimestamp,
                message: format!("\"{span}\" is not a timespan; the row is kept without times"),
            });
        }
        let who = speaker
            .and_then(|s| cells.get(s))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty());
        cues.push(Cue {
            speaker: who.map(str::to_string),
            qualifier: None,
            start_ms: start,
            end_ms: end,
            text: cells.get(content).copied().unwrap_or("").trim().to_string(),
            line: i + 1,
        });
    }
    cues
}
