//! Where the review's terms occur in the transcripts now. Each occurrence is kept as a
//! [`Hit`] (the term, where it is, its turn: a few machine words, so 400,000 occurrences of
//! common words take a few megabytes), per transcript, by the server's model
//! ([`crate::model::Model::parts`]): the view's pages and a decision's answer do not read
//! every transcript again. A transcript's hits are found again when its file changes; all
//! of them when the list of terms changes (a term added, a re-scan), not when a decision
//! does. The words around a hit are read only for the hits a page shows ([`extracts`]),
//! from their transcripts.

use std::collections::HashMap;
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

/// One occurrence of a term, as kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Which term: an index into the terms the hits were found for.
    pub term: usize,
    /// Code points into the transcript's text, end exclusive.
    pub start: usize,
    pub end: usize,
    /// The 0-based turn it is in (for a speaker's label, the turn the label opens); `None`
    /// outside every turn (a header, a trailer).
    pub turn: Option<usize>,
}

/// One occurrence of a term, as the view shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Extract {
    pub transcript: String,
    /// The 1-based turn it is in (for a speaker's label, the turn the label opens); `null`
    /// outside every turn (a header such as `Date: 12 July 2022`, a trailer).
    pub turn: Option<usize>,
    /// Outside the turns: `heading` (before the first) or `end` (after the last).
    pub outside: Option<&'static str>,
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
}

/// Every occurrence of `terms` in the study's transcripts, transcript by transcript in the
/// study's order, each in text order.
pub(crate) fn occurrences(
    state: &AppState,
    study: &Study,
    terms: &[String],
) -> ApiResult<Vec<(String, Arc<Vec<Hit>>)>> {
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
    let paths: HashMap<&str, &std::path::PathBuf> =
        files.iter().map(|(id, p)| (id.as_str(), p)).collect();
    let parse = study.parse_options();
    state.model.parts("anonymise", &scope, &wanted, |missing| {
        let matcher = TermMatcher::new(terms);
        let found = parallel_map(missing, |id| -> Result<Vec<Hit>, StudyError> {
            let Some(path) = paths.get(id) else {
                return Ok(Vec::new());
            };
            // A transcript that cannot be read has no occurrences here; the transcripts
            // list says why it cannot be read.
            match thematic_study::read_transcript(path, &parse)? {
                Ok(t) => Ok(hits_in(&t, &matcher)),
                Err(_) => Ok(Vec::new()),
            }
        });
        Ok(found.into_iter().collect::<Result<Vec<_>, _>>()?)
    })
}

/// The occurrences of the matcher's terms in one transcript.
fn hits_in(t: &Transcript, matcher: &TermMatcher) -> Vec<Hit> {
    let breaks: Vec<usize> = t
        .text
        .chars()
        .enumerate()
        .filter(|&(_, c)| c == '\n')
        .map(|(i, _)| i)
        .collect();
    matcher
        .find(&t.text)
        .into_iter()
        .map(|m| Hit {
            term: m.term_index,
            start: m.start,
            end: m.end,
            turn: turn_of(t, &breaks, m.start, m.end),
        })
        .collect()
}

/// The extract of each of `hits` (transcript, hit), in that order, each transcript read
/// once; `None` for a hit its transcript no longer has (the file changed since it was
/// found, or cannot be read now).
pub(crate) fn extracts(study: &Study, hits: &[(&str, Hit)]) -> Vec<Option<Extract>> {
    let mut texts: HashMap<&str, Option<(Transcript, Vec<char>)>> = HashMap::new();
    let mut out = Vec::with_capacity(hits.len());
    for &(id, hit) in hits {
        if !texts.contains_key(id) {
            let t = study.transcript(id).ok().map(|t| {
                let chars = t.text.chars().collect();
                (t, chars)
            });
            texts.insert(id, t);
        }
        let Some(Some((t, chars))) = texts.get(id) else {
            out.push(None);
            continue;
        };
        if hit.start >= hit.end || hit.end > chars.len() {
            out.push(None);
            continue;
        }
        let (before, more_before) = before(chars, hit.start);
        let (after, more_after) = after(chars, hit.end);
        out.push(Some(Extract {
            transcript: id.to_string(),
            turn: hit.turn.map(|i| i + 1),
            outside: match hit.turn {
                Some(_) => None,
                None if t.turns.first().is_none_or(|f| hit.start < f.start) => Some("heading"),
                None => Some("end"),
            },
            speaker: hit
                .turn
                .and_then(|i| t.turns.get(i))
                .and_then(|x| x.speaker.clone()),
            start: hit.start,
            end: hit.end,
            before,
            text: chars[hit.start..hit.end].iter().collect(),
            after,
            more_before,
            more_after,
        }));
    }
    out
}

/// The index of the turn holding the occurrence `[start, end)`; else of the turn it is the
/// label of (on the line where that turn starts, before it); else `None` (a header, a
/// trailer). `breaks` are the code points of the text's line breaks, in order.
fn turn_of(t: &Transcript, breaks: &[usize], start: usize, end: usize) -> Option<usize> {
    let i = t.turns.partition_point(|x| x.end <= start);
    let turn = t.turns.get(i)?;
    if turn.start <= start {
        return Some(i);
    }
    // A line break between the occurrence and the turn: not its label.
    let first_break = breaks.partition_point(|&b| b < end);
    let label = breaks.get(first_break).is_none_or(|&b| b >= turn.start);
    label.then_some(i)
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
    fn an_occurrence_is_in_its_turn_its_label_or_outside_the_turns() {
        let text = "Date: 12 July 2022\nSarah Jones: I live in Leeds.\nSarah Jones: Bye.\n\nTranscribed by https://otter.ai\n";
        let t = thematic_transcript::parse(text.as_bytes(), &Default::default()).unwrap();
        let find = |words: &str, nth: usize| {
            let at = text.match_indices(words).nth(nth).unwrap().0;
            let start = text[..at].chars().count();
            (start, start + words.chars().count())
        };
        let breaks: Vec<usize> = text
            .chars()
            .enumerate()
            .filter(|&(_, c)| c == '\n')
            .map(|(i, _)| i)
            .collect();
        let at = |(s, e): (usize, usize)| turn_of(&t, &breaks, s, e);
        assert_eq!(t.turns.len(), 2, "{:?}", t.turns);
        // In the header: no turn. Leeds: turn 0. Each label: the turn it opens.
        assert_eq!(at(find("12 July 2022", 0)), None);
        assert_eq!(at(find("Leeds", 0)), Some(0));
        assert_eq!(at(find("Sarah Jones", 0)), Some(0));
        assert_eq!(at(find("Sarah Jones", 1)), Some(1));
        assert_eq!(at(find("otter.ai", 0)), None);
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
