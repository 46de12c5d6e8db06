//! Where the review's terms occur in the transcripts now. Each occurrence is kept as a
//! [`Hit`] (the term, where it is, its turn: a few machine words, so 400,000 occurrences of
//! common words take a few megabytes), per transcript, by the server's model
//! ([`crate::model::Model::parts`]): the view's pages and a decision's answer do not read
//! every transcript again. A transcript's hits are found again when its file changes, and
//! when the list of terms changes in a way that can change them (see [`occurrences`]): a
//! term added from the reader reads only the transcripts that have its words; a decision
//! changes no list of terms. The words around a hit are read only for the hits a page
//! shows ([`extracts`]), from their transcripts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use thematic_anonymise::{TermMatcher, WordSet};
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

/// One transcript as kept between requests: its words ([`WordSet`], to tell whether a new
/// term could be in it without reading it again) and its hits for the last list of terms
/// they were found for.
pub(crate) struct Kept {
    words: WordSet,
    hits: Mutex<HitsFor>,
}

/// Hits and the list of terms they were found for (their `term` numbers index it).
type HitsFor = (Arc<Vec<String>>, Arc<Vec<Hit>>);

/// Every occurrence of `terms` in the study's transcripts, transcript by transcript in the
/// study's order, each in text order.
///
/// A transcript is read again only when its file changed, or when the list of terms
/// changed in a way that can change its hits: a term added whose every word it has
/// ([`WordSet::may_hold`]), or a term taken away that it had hits of. Otherwise its hits
/// stand, their term numbers moved to the new list, which gives what reading it again
/// would: a new term that cannot occur there adds no match, and a term with no hit there
/// took no part in choosing between overlapping ones. So adding a term the reader missed
/// reads only the transcripts that have its words.
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
    let paths: HashMap<&str, &std::path::PathBuf> =
        files.iter().map(|(id, p)| (id.as_str(), p)).collect();
    let parse = study.parse_options();
    let terms = Arc::new(terms.to_vec());
    let matcher = TermMatcher::new(&terms);
    let read = |id: &str| -> Result<(WordSet, Vec<Hit>), StudyError> {
        let Some(path) = paths.get(id) else {
            return Ok((WordSet::default(), Vec::new()));
        };
        // A transcript that cannot be read has no occurrences here; the transcripts list
        // says why it cannot be read.
        match thematic_study::read_transcript(path, &parse)? {
            Ok(t) => Ok((WordSet::of(&t.text), hits_in(&t, &matcher))),
            Err(_) => Ok((WordSet::default(), Vec::new())),
        }
    };
    let parts = state.model.parts("anonymise", "", &wanted, |missing| {
        let found = parallel_map(missing, |id| read(id));
        Ok(found
            .into_iter()
            .map(|r| {
                r.map(|(words, hits)| Kept {
                    words,
                    hits: Mutex::new((terms.clone(), Arc::new(hits))),
                })
            })
            .collect::<Result<Vec<_>, _>>()?)
    })?;
    // The transcripts whose hits were found for another list of terms: moved over where
    // that gives the same hits, else read again (in parallel).
    let mut again: Vec<String> = Vec::new();
    for (id, kept) in &parts {
        let mut hits = lock(&kept.hits);
        if *hits.0 == *terms {
            continue;
        }
        match moved_over(&hits.0, &hits.1, &terms, &kept.words) {
            Some(moved) => *hits = (terms.clone(), Arc::new(moved)),
            None => again.push(id.clone()),
        }
    }
    let fresh = parallel_map(&again, |id| read(id));
    let mut fresh: HashMap<String, Vec<Hit>> = again
        .into_iter()
        .zip(fresh)
        .map(|(id, r)| r.map(|(_, hits)| (id, hits)))
        .collect::<Result<_, _>>()?;
    Ok(parts
        .into_iter()
        .map(|(id, kept)| {
            let mut hits = lock(&kept.hits);
            if let Some(new) = fresh.remove(&id) {
                *hits = (terms.clone(), Arc::new(new));
            }
            let part = hits.1.clone();
            drop(hits);
            (id, part)
        })
        .collect())
}

/// `hits`, found for the terms `before`, as they are for `after`: each moved to its term's
/// number in `after`, when no term of `after` that `before` lacks can occur in the
/// transcript (`words`) and no term taken away had a hit there. `None` when the transcript
/// must be read again.
fn moved_over(
    before: &[String],
    hits: &[Hit],
    after: &[String],
    words: &WordSet,
) -> Option<Vec<Hit>> {
    let old: HashMap<&str, usize> = before
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    if after
        .iter()
        .any(|t| !old.contains_key(t.as_str()) && words.may_hold(t))
    {
        return None;
    }
    let new: HashMap<&str, usize> = after
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    hits.iter()
        .map(|h| {
            let term = before.get(h.term)?;
            let term = *new.get(term.as_str())?;
            Some(Hit { term, ..*h })
        })
        .collect()
}

/// A lock, even if a thread panicked while holding it (the hits are replaced whole).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// The hits of `terms` in `text` as `occurrences` would find them on reading it.
    fn read(text: &str, terms: &[String]) -> Vec<Hit> {
        TermMatcher::new(terms)
            .find(text)
            .into_iter()
            .map(|m| Hit {
                term: m.term_index,
                start: m.start,
                end: m.end,
                turn: None,
            })
            .collect()
    }

    #[test]
    fn hits_move_over_to_a_new_list_of_terms_only_when_reading_again_would_give_them() {
        let text = "Ann drove to Leeds. Ann's sister too.";
        let words = WordSet::of(text);
        let before = strings(&["Ann", "Leeds"]);
        let hits = read(text, &before);
        // A term added that the text cannot hold ("Zebworth"), sorted in first: the hits
        // stand, their numbers moved by one, exactly as reading again gives them.
        let after = strings(&["Zebworth", "Ann", "Leeds"]);
        let moved = moved_over(&before, &hits, &after, &words).unwrap();
        assert_eq!(moved, read(text, &after));
        assert_eq!(moved.iter().map(|h| h.term).collect::<Vec<_>>(), [1, 2, 1]);
        // A term added whose words the text has ("Ann drove", longer than "Ann", so it
        // would win there): read again.
        let longer = strings(&["Ann", "Ann drove", "Leeds"]);
        assert_eq!(moved_over(&before, &hits, &longer, &words), None);
        // A term taken away that had hits here: read again (it may have hidden others).
        assert_eq!(moved_over(&before, &hits, &strings(&["Ann"]), &words), None);
        // A term taken away with no hit here: the rest stand.
        let with_absent = strings(&["Ann", "Kendal", "Leeds"]);
        let found = read(text, &with_absent);
        assert_eq!(
            moved_over(&with_absent, &found, &before, &words).unwrap(),
            hits
        );
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
