//! How much each theme is used: codings, participants and coders.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use thematic_codebook::Codebook;

use crate::codings::CodingsFile;
use crate::speakers::Attribution;

/// Use of one theme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ThemeCounts {
    /// Codings with this theme (for a group: with any theme below it too).
    pub codings: usize,
    /// Distinct participants with such a coding: transcripts, or who speaks with
    /// [`theme_counts_by`].
    pub participants: usize,
    /// Distinct coders who used it.
    pub coders: usize,
}

/// Counts for every entry of `book`. An entry's counts include the entries below it, so a
/// group shows the use of its themes; codings of ids not in the codebook are left out.
pub fn theme_counts(book: &Codebook, files: &[CodingsFile]) -> BTreeMap<String, ThemeCounts> {
    theme_counts_of(
        book,
        files.iter().flat_map(|f| {
            f.codings
                .iter()
                .map(|c| (f.coder.as_str(), c.transcript.as_str(), c.theme.as_str(), 1))
        }),
    )
}

/// [`theme_counts`] with participants counted as who speaks ([`Attribution`]): a focus
/// group's speakers named in `participants.csv` are several participants, and a participant
/// who speaks in two transcripts is one. Without such rows, the same as [`theme_counts`].
pub fn theme_counts_by(
    book: &Codebook,
    files: &[CodingsFile],
    who: &Attribution,
) -> BTreeMap<String, ThemeCounts> {
    if who.is_by_transcript() {
        return theme_counts(book, files);
    }
    theme_counts_of(
        book,
        files.iter().flat_map(|f| {
            f.codings.iter().map(|c| {
                let p = who.participant_at(&c.transcript, c.start, c.turn);
                (f.coder.as_str(), p, c.theme.as_str(), 1)
            })
        }),
    )
}

/// [`theme_counts`] from tallies instead of codings: each `(coder, transcript, theme, n)`
/// says the coder has `n` codings of the theme in the transcript (a caller that keeps
/// such tallies per transcript need not read every coding again).
pub fn theme_counts_of<'a>(
    book: &Codebook,
    tallies: impl IntoIterator<Item = (&'a str, &'a str, &'a str, usize)>,
) -> BTreeMap<String, ThemeCounts> {
    #[derive(Default)]
    struct Acc<'a> {
        n: usize,
        transcripts: BTreeSet<&'a str>,
        coders: BTreeSet<&'a str>,
    }
    let mut acc: BTreeMap<&str, Acc> = BTreeMap::new();
    // Each theme with its ancestors, worked out once per theme rather than once per coding.
    let chains: BTreeMap<&str, Vec<&str>> = book
        .entries
        .iter()
        .map(|e| {
            let mut ids = vec![e.id.as_str()];
            ids.extend(book.ancestors(&e.id).into_iter().map(|a| a.id.as_str()));
            (e.id.as_str(), ids)
        })
        .collect();
    for (coder, transcript, theme, n) in tallies {
        let Some(ids) = chains.get(theme) else {
            continue;
        };
        if n == 0 {
            continue;
        }
        for &id in ids {
            let a = acc.entry(id).or_default();
            a.n += n;
            a.transcripts.insert(transcript);
            a.coders.insert(coder);
        }
    }
    book.entries
        .iter()
        .map(|e| {
            let counts = acc
                .get(e.id.as_str())
                .map_or_else(ThemeCounts::default, |a| ThemeCounts {
                    codings: a.n,
                    participants: a.transcripts.len(),
                    coders: a.coders.len(),
                });
            (e.id.clone(), counts)
        })
        .collect()
}
