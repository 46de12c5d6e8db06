//! Where the review's terms occur in the transcripts now: every occurrence with the words
//! around it, kept per transcript by the server's model ([`crate::model::Model::parts`]), so
//! the view's pages and a decision's answer do not read every transcript again. A
//! transcript's occurrences are found again when its file changes; all of them when the
//! list of terms changes (a term added or a re-scan), not when a decision does.

use std::sync::Arc;

use serde::Serialize;
use thematic_anonymise::TermMatcher;
use thematic_study::{Study, StudyError, file_stamp, parallel_map};
use thematic_transcript::Transcript;

use crate::error::ApiResult;
use crate::model::fingerprint;
use crate::state::AppState;

/// Code points of context on each side of an occurrence, at most (cut at a line break and
/// to whole words).
const CONTEXT: usize = 70;

/// One occurrence of a term, as the view shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Extract {
    pub transcript: String,
    /// The 1-based turn it is in (for a speaker's label, the turn the label opens).
    pub turn: usize,
    /// The turn's speaker.
    pub speaker: Option<String>,
    /// Code points into the transcript's text, end exclusive: the reader marks them.
    pub start: usize,
    pub end: usize,
    /// The words before it on its line, the occurrence as written, the words after.
    pub before: String,
    pub text: String,
    pub after: String,
    /// Whether the line goes on before `before` and after `after` (the page shows "…").
    pub more_before: bool,
    pub more_after: bool,
    /// Which term (an index into the terms the occurrences were found for).
    #[serde(skip)]
    pub term: usize,
}

/// Every occurrence of `terms` in the study's transcripts, transcript by transcript in the
/// study's order, each in text order.
pub(crate) fn occurrences(
    state: &AppState,
    study: &Study,
    terms: &[String],
) -> ApiResult<Vec<(String, Arc<Vec<Extract>>)>> {
    let files = study.transcript_files()?;
    let options = study.parse_options_hash();
    let wanted: Vec<(String, u64)> = files
        .iter()
        .map(|(id, path)| {
            let (size, (secs, nanos)) = file_stamp(path)?;
            Ok((
                id.clone(),
                fingerprint(&[size, secs, u64::from(nanos), options]),
            ))
        })
        .collect::<Result<_, StudyError>>()?;
    let mut scope = thematic_study::StableHasher::default();
    std::hash::Hash::hash(terms, &mut scope);
    let scope = format!("{:x}", std::hash::Hasher::finish(&scope));
    let paths: std::collections::HashMap<&str, &std::path::PathBuf> =
        files.iter().map(|(id, p)| (id.as_str(), p)).collect();
    let parse = study.parse_options();
    state.model.parts("anonymise", &scope, &wanted, |missing| {
        let matcher = TermMatcher::new(terms);
        let found = parallel_map(missing, |id| -> Result<Vec<Extract>, StudyError> {
            let Some(path) = paths.get(id) else {
                return Ok(Vec::new());
            };
            // A transcript that cannot be read has no occurrences here; the transcripts
            // list says why it cannot be read.
            match thematic_study::read_transcript(path, &parse)? {
                Ok(t) => Ok(in_transcript(id, &t, &matcher)),
                Err(_) => Ok(Vec::new()),
            }
        });
        Ok(found.into_iter().collect::<Result<Vec<_>, _>>()?)
    })
}

/// The occurrences of `terms` in one transcript.
fn in_transcript(id: &str, t: &Transcript, matcher: &TermMatcher) -> Vec<Extract> {
    let chars: Vec<char> = t.text.chars().collect();
    let found = matcher.find(&t.text);
    let mut out = Vec::with_capacity(found.len());
    for m in found {
        let (start, end) = (m.start, m.end);
        let turn = turn_of(t, start);
        let (before, more_before) = before(&chars, start);
        let (after, more_after) = after(&chars, end);
        out.push(Extract {
            transcript: id.to_string(),
            turn: turn + 1,
            speaker: t.turns.get(turn).and_then(|x| x.speaker.clone()),
            start,
            end,
            before,
            text: chars[start..end].iter().collect(),
            after,
            more_before,
            more_after,
            term: m.term_index,
        });
    }
    out
}

/// The index of the turn holding code point `at`, else of the first turn after it (a
/// speaker's label opens the turn after it), else the last.
fn turn_of(t: &Transcript, at: usize) -> usize {
    let after = t.turns.partition_point(|x| x.end <= at);
    after.min(t.turns.len().saturating_sub(1))
}

/// Up to [`CONTEXT`] code points before `at` on its line, starting at a whole word, and
/// whether the line begins before them.
fn before(chars: &[char], at: usize) -> (String, bool) {
    let mut a = at;
    while a > 0 && at - a < CONTEXT && chars[a - 1] != '\n' {
        a -= 1;
    }
    let cut = a > 0 && chars[a - 1] != '\n';
    let mut s: &[char] = &chars[a..at];
    if cut {
        // Cut inside a word: start at the next one.
        let skip = s
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(0, |i| i + 1);
        s = &s[skip..];
    }
    (s.iter().collect::<String>().trim_start().to_string(), cut)
}

/// Up to [`CONTEXT`] code points after `at` on its line, ending at a whole word, and
/// whether the line goes on after them.
fn after(chars: &[char], at: usize) -> (String, bool) {
    let mut b = at;
    while b < chars.len() && b - at < CONTEXT && chars[b] != '\n' {
        b += 1;
    }
    let cut = b < chars.len() && chars[b] != '\n';
    let mut s: &[char] = &chars[at..b];
    if cut {
        let keep = s.iter().rposition(|c| c.is_whitespace()).unwrap_or(s.len());
        s = &s[..keep];
    }
    (s.iter().collect::<String>().trim_end().to_string(), cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cs(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn context_stops_at_the_line_and_at_whole_words() {
        let text = cs("P1: I rang Sarah Jones at home.\nP2: Next line.");
        // "Sarah Jones" starts at code point 11 and ends at 22.
        assert_eq!(before(&text, 11), ("P1: I rang ".to_string(), false));
        assert_eq!(after(&text, 22), (" at home.".to_string(), false));
        let long = cs(&format!(
            "{} Sarah {}",
            "word ".repeat(30),
            "more ".repeat(30)
        ));
        let at = 150; // "word " × 30 is 150 code points; then " Sarah" begins.
        let (b, cut) = before(&long, at + 1);
        assert!(
            cut && b.starts_with("word") && b.chars().count() <= CONTEXT,
            "{b:?}"
        );
        let (a, cut) = after(&long, at + 6);
        assert!(
            cut && a.ends_with("more") && a.chars().count() <= CONTEXT,
            "{a:?}"
        );
    }
}
