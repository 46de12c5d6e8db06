//! The expectation checker shared by `fixtures.rs` and `real.rs`: parses a file and compares
//! the result with its `.expect.toml` sidecar (schema in `tests/data/README.md`).

#![allow(clippy::unwrap_used, dead_code)]

use std::path::Path;

use thematic_transcript::{Options, ParseError, Transcript, parse_with_hint};
use toml::Value;

/// Checks the file at `path` against `expect`; the problems found, one per line.
pub fn check(path: &Path, expect: &Value) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut options = Options::default();
    if let Some(list) = expect.get("interviewers").and_then(Value::as_array) {
        options
            .interviewers
            .extend(list.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(m) = expect.get("merge").and_then(Value::as_bool) {
        options.merge_cues = m;
    }
    if let Some(s) = expect.get("sort").and_then(Value::as_bool) {
        options.sort_cues = s;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let result = parse_with_hint(&bytes, &options, ext.as_deref());
    if let Some(kind) = expect.get("error").and_then(Value::as_str) {
        return match result {
            Err(e) if e.kind() == kind => Ok(()),
            Err(e) => Err(format!(
                "expected error {kind}, got error {} ({e})",
                e.kind()
            )),
            Ok(t) => Err(format!(
                "expected error {kind}, got a transcript of {} turns",
                t.turns.len()
            )),
        };
    }
    let t: Transcript = result.map_err(|e: ParseError| format!("unexpected error: {e}"))?;
    let mut problems = Vec::new();
    let s = |k: &str| expect.get(k).and_then(Value::as_str);
    if let Some(f) = s("format")
        && t.format.as_str() != f
    {
        problems.push(format!("format: expected {f}, got {}", t.format));
    }
    if let Some(e) = s("encoding")
        && t.encoding.as_str() != e
    {
        problems.push(format!("encoding: expected {e}, got {}", t.encoding));
    }
    if let Some(n) = expect.get("turns").and_then(Value::as_integer)
        && t.turns.len() as i64 != n
    {
        problems.push(format!("turns: expected {n}, got {}", t.turns.len()));
    }
    if let Some(list) = expect.get("speakers").and_then(Value::as_array) {
        let want: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        let got: Vec<&str> =
            t.turns
                .iter()
                .filter_map(|x| x.speaker.as_deref())
                .fold(Vec::new(), |mut v, sp| {
                    if !v.contains(&sp) {
                        v.push(sp);
                    }
                    v
                });
        if want != got {
            problems.push(format!("speakers: expected {want:?}, got {got:?}"));
        }
    }
    let kinds: Vec<&str> = t.warnings.iter().map(|w| w.kind.as_str()).collect();
    if let Some(list) = expect.get("warnings").and_then(Value::as_array) {
        for w in list.iter().filter_map(Value::as_str) {
            if !kinds.contains(&w) {
                problems.push(format!("warning {w} missing (got {kinds:?})"));
            }
        }
    }
    let allowed: Vec<&str> = expect
        .get("allow")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let unexpected: Vec<_> = t
        .warnings
        .iter()
        .filter(|w| !allowed.contains(&w.kind.as_str()))
        .map(|w| (w.line, w.kind.as_str(), &w.message))
        .collect();
    if expect.get("clean").and_then(Value::as_bool) == Some(true) && !unexpected.is_empty() {
        problems.push(format!("expected no warnings, got {unexpected:?}"));
    }
    if let Some(list) = expect.get("no_warnings").and_then(Value::as_array) {
        for w in list.iter().filter_map(Value::as_str) {
            if kinds.contains(&w) {
                problems.push(format!("warning {w} present (got {kinds:?})"));
            }
        }
    }
    if let Some(h) = expect.get("header").and_then(Value::as_table) {
        for (k, v) in h {
            let want = v.as_str().unwrap_or("");
            if !t.header.iter().any(|(hk, hv)| hk == k && hv == want) {
                problems.push(format!(
                    "header {k} = {want:?} missing (got {:?})",
                    t.header
                ));
            }
        }
    }
    for turn_expect in expect
        .get("turn")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let n = turn_expect
            .get("n")
            .and_then(Value::as_integer)
            .unwrap_or(1) as usize;
        let Some(turn) = t.turns.get(n - 1) else {
            problems.push(format!("turn {n} missing"));
            continue;
        };
        let text = turn.text(&t.text);
        let ts = |k: &str| turn_expect.get(k).and_then(Value::as_str);
        if let Some(sp) = ts("speaker") {
            let got = turn.speaker.as_deref().unwrap_or("");
            if got != sp {
                problems.push(format!("turn {n} speaker: expected {sp:?}, got {got:?}"));
            }
        }
        if let Some(q) = ts("qualifier")
            && turn.qualifier.as_deref() != Some(q)
        {
            problems.push(format!(
                "turn {n} qualifier: expected {q:?}, got {:?}",
                turn.qualifier
            ));
        }
        if let Some(r) = ts("role")
            && turn.role.as_str() != r
        {
            problems.push(format!(
                "turn {n} role: expected {r}, got {}",
                turn.role.as_str()
            ));
        }
        for (k, got) in [("start_ms", turn.start_ms), ("end_ms", turn.end_ms)] {
            if let Some(want) = turn_expect.get(k).and_then(Value::as_integer)
                && got != Some(want)
            {
                problems.push(format!("turn {n} {k}: expected {want}, got {got:?}"));
            }
        }
        if let Some(want) = ts("text")
            && text != want
        {
            problems.push(format!("turn {n} text: expected {want:?}, got {text:?}"));
        }
        for c in turn_expect
            .get("contains")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !text.contains(c) {
                problems.push(format!("turn {n} text lacks {c:?}: {text:?}"));
            }
        }
        // The code-point span and the byte span agree.
        let by_chars: String = t
            .text
            .chars()
            .skip(turn.start)
            .take(turn.end - turn.start)
            .collect();
        if by_chars != text {
            problems.push(format!("turn {n}: code-point span does not match its text"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

/// Checks every file in `dir` that has a sidecar; returns (files checked, failures).
pub fn check_dir(dir: &Path) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for expect_path in entries
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".expect.toml"))
    {
        let stem = expect_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".expect.toml")
            .to_string();
        let Some(fixture) = entries.iter().find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&format!("{stem}.")) && !name.ends_with(".expect.toml")
        }) else {
            failures.push(format!("{stem}: no fixture file"));
            continue;
        };
        let expect: Value = toml::from_str(&std::fs::read_to_string(expect_path).unwrap()).unwrap();
        checked += 1;
        if let Err(e) = check(fixture, &expect) {
            failures.push(format!(
                "{}:\n    {e}",
                fixture.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    (checked, failures)
}
