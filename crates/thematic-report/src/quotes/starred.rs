//! Starred extracts (`stars/<author>.csv`, see [`thematic_study::Star`]) as the quote table
//! sees them: the spans of the starred codings, so that a quote of the same words with the
//! same code comes first in its theme, whichever coders' codings the table is made from.

use std::collections::{BTreeMap, BTreeSet};

use thematic_study::{Coding, Star, StudyError};

use crate::passages::Passage;

/// The starred extracts: per transcript, the spans `(start, end, code)` of starred codings.
/// A quote is starred when a starred coding has its transcript, start, end and code (the
/// same words, coded the same way; a pooled quote of several coders is starred when any
/// of them is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Starred {
    spans: BTreeMap<String, BTreeSet<(usize, usize, String)>>,
}

impl Starred {
    /// No extract starred.
    pub fn new() -> Starred {
        Starred::default()
    }

    /// Marks the span of `coding` as starred (orphaned codings are not quoted, and are left
    /// out).
    pub fn insert(&mut self, coding: &Coding) {
        if coding.is_anchored() {
            self.spans
                .entry(coding.transcript.clone())
                .or_default()
                .insert((coding.start, coding.end, coding.theme.clone()));
        }
    }

    /// Whether passage `p` is starred.
    pub fn contains(&self, p: &Passage) -> bool {
        self.spans.get(&p.transcript).is_some_and(|s| {
            s.iter()
                .any(|(a, b, t)| (*a, *b, t.as_str()) == (p.start, p.end, p.theme.as_str()))
        })
    }

    /// Whether transcript `id` holds a starred extract.
    pub fn in_transcript(&self, id: &str) -> bool {
        self.spans.contains_key(id)
    }

    /// Whether nothing is starred.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The extracts `stars` name, each coding found by `codings_in(coder, transcript)` (that
    /// coder's codings in that transcript). A star whose coding is not there any more
    /// matches nothing.
    pub fn resolve(
        stars: &[Star],
        mut codings_in: impl FnMut(&str, &str) -> Result<Vec<Coding>, StudyError>,
    ) -> Result<Starred, StudyError> {
        let mut out = Starred::new();
        let mut wanted: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
        for s in stars {
            wanted
                .entry((s.coder.as_str(), s.transcript.as_str()))
                .or_default()
                .insert(s.coding.as_str());
        }
        for ((coder, transcript), ids) in wanted {
            for c in codings_in(coder, transcript)? {
                if ids.contains(c.id.as_str()) {
                    out.insert(&c);
                }
            }
        }
        Ok(out)
    }

    /// The extracts `stars` name, their codings looked up in `files` (per coder, their
    /// codings as read), for a caller that has read the files already.
    pub fn of_files(stars: &[Star], files: &BTreeMap<String, Vec<Coding>>) -> Starred {
        let mut ids: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for s in stars {
            ids.entry(s.coder.as_str())
                .or_default()
                .insert(s.coding.as_str());
        }
        let mut out = Starred::new();
        for (coder, ids) in ids {
            for c in files.get(coder).into_iter().flatten() {
                if ids.contains(c.id.as_str()) {
                    out.insert(c);
                }
            }
        }
        out
    }
}
