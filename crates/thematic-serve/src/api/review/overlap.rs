//! Who carries a theme, and which other themes are coded in the same turns.
//!
//! Overlap is co-occurrence at the unit of a turn, as `thematic cooccur` counts it for two
//! codes, but between themes: a theme marks the turns (transcript and turn number) that
//! hold an extract of any of its codes ([`theme_codes`]), and two themes overlap in the
//! turns both mark. The Jaccard index is `both / (turns of A + turns of B − both)`. A code
//! that sits in both themes marks its turns for both: that overlap is the shared code's,
//! which the review lists separately.
//!
//! A candidate theme (a theme that cannot be coded) is compared with the other current
//! candidate themes that hold a code themselves (not the levels that only group themes,
//! which would repeat their themes' overlap), a code with the other codes, leaving out the
//! theme's own ancestors and descendants (which hold its codes by definition) and the
//! "Unsorted" pile.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use thematic_codebook::{Codebook, UNSORTED_ID};
use thematic_report::quotes::TranscriptQuotes;
use thematic_study::{natural_cmp, theme_codes};

/// The most overlapping themes the review lists.
pub(super) const TOP: usize = 5;

/// A theme coded in the same turns as the one reviewed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Overlap {
    /// The other theme.
    pub id: String,
    pub label: String,
    /// Turns marked by both.
    pub both: usize,
    /// Turns the other theme marks.
    pub units: usize,
    /// `both / (units of the reviewed theme + units − both)`, to 4 places.
    pub jaccard: f64,
}

/// Per participant with an extract of `codes`, how many: most first, then natural order.
/// A participant is who speaks the extract (a focus group's named speakers are several),
/// and one who speaks in two transcripts is counted once, with the extracts of both.
pub(super) fn coverage(
    ordered: &[(&str, &TranscriptQuotes)],
    codes: &[&str],
) -> Vec<(String, usize)> {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, q) in ordered {
        for p in codes.iter().flat_map(|c| q.of(c)) {
            *by.entry(p.participant.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = by.into_iter().map(|(p, n)| (p.to_string(), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| natural_cmp(&a.0, &b.0)));
    out
}

/// Every transcript's coded turns, by code: the study's part of the overlap that does not
/// depend on the theme reviewed, made once for the quotes kept (the server keeps it while
/// those stand) so a review walks numbers, not the passages' theme names.
#[derive(Debug, Default)]
pub(crate) struct TurnMarks {
    /// The codes with extracts, in first-seen order.
    codes: Vec<String>,
    /// Per transcript, its (code index, turn) pairs, sorted, each once.
    per_transcript: Vec<Vec<(u32, u32)>>,
}

/// The [`TurnMarks`] of `ordered`.
pub(crate) fn turn_marks(ordered: &[(&str, &TranscriptQuotes)]) -> TurnMarks {
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut marks = TurnMarks::default();
    for (_, q) in ordered {
        let mut pairs: Vec<(u32, u32)> = q
            .all()
            .map(|p| {
                let next = u32::try_from(marks.codes.len()).unwrap_or(u32::MAX);
                let c = *index.entry(p.theme.as_str()).or_insert_with(|| {
                    marks.codes.push(p.theme.clone());
                    next
                });
                (c, u32::try_from(p.turn).unwrap_or(u32::MAX))
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        marks.per_transcript.push(pairs);
    }
    marks
}

/// The turns theme `id` marks, and the [`TOP`] themes that mark most of the same turns
/// (those with none left out), most first, then by Jaccard index, then codebook order.
pub(super) fn overlap(book: &Codebook, id: &str, turns: &TurnMarks) -> (usize, Vec<Overlap>) {
    let Some(theme) = book.get(id) else {
        return (0, Vec::new());
    };
    let mut related: Vec<&str> = book
        .subtree(id)
        .into_iter()
        .chain(book.ancestors(id))
        .map(|e| e.id.as_str())
        .collect();
    related.push(UNSORTED_ID);
    let others: Vec<&thematic_codebook::Entry> = book
        .tree_order()
        .into_iter()
        .filter(|e| !e.retired && e.codable == theme.codable && !related.contains(&e.id.as_str()))
        .filter(|e| e.codable || book.members(&e.id).any(|m| m.codable && !m.retired))
        .collect();
    // Index 0 is the reviewed theme; each code (by its index in `turns`) names the themes
    // it marks for.
    let code_index: HashMap<&str, usize> = turns
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut marks: Vec<Vec<usize>> = vec![Vec::new(); turns.codes.len()];
    for (i, t) in std::iter::once(theme)
        .chain(others.iter().copied())
        .enumerate()
    {
        for c in theme_codes(book, &t.id) {
            if let Some(&k) = code_index.get(c.id.as_str()) {
                marks[k].push(i);
            }
        }
    }
    // One transcript at a time: the (theme, turn) pairs its codes mark, each once; a
    // theme's units are counted as they come, and a pair whose turn the reviewed theme
    // (index 0, sorted first) also marks is a turn both mark.
    let mut units = vec![0usize; others.len() + 1];
    let mut both = vec![0usize; others.len() + 1];
    let mut pairs: Vec<(usize, u32)> = Vec::new();
    let mut mine: Vec<u32> = Vec::new();
    for coded in &turns.per_transcript {
        pairs.clear();
        for &(c, turn) in coded {
            for &i in &marks[c as usize] {
                pairs.push((i, turn));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        mine.clear();
        mine.extend(pairs.iter().take_while(|(i, _)| *i == 0).map(|(_, t)| *t));
        for &(i, turn) in &pairs {
            units[i] += 1;
            if i > 0 && mine.binary_search(&turn).is_ok() {
                both[i] += 1;
            }
        }
    }
    let mine = units[0];
    let mut out: Vec<(usize, Overlap)> = others
        .iter()
        .enumerate()
        .filter_map(|(k, e)| {
            let (theirs, both) = (units[k + 1], both[k + 1]);
            (both > 0).then(|| {
                let either = mine + theirs - both;
                let jaccard = (both as f64 / either as f64 * 10_000.0).round() / 10_000.0;
                let o = Overlap {
                    id: e.id.clone(),
                    label: e.label.clone(),
                    both,
                    units: theirs,
                    jaccard,
                };
                (k, o)
            })
        })
        .collect();
    out.sort_by(|(ka, a), (kb, b)| {
        b.both
            .cmp(&a.both)
            .then(b.jaccard.total_cmp(&a.jaccard))
            .then(ka.cmp(kb))
    });
    out.truncate(TOP);
    (mine, out.into_iter().map(|(_, o)| o).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use thematic_report::Passage;

    fn p(t: &str, turn: usize, theme: &str) -> Passage {
        Passage {
            theme: theme.into(),
            transcript: t.into(),
            participant: t.into(),
            turn,
            start: turn * 100,
            end: turn * 100 + 5,
            text: "words".into(),
            coders: vec!["KW".into()],
        }
    }

    fn kept(passages: Vec<Passage>) -> Vec<(String, TranscriptQuotes)> {
        let mut by: BTreeMap<String, Vec<Passage>> = BTreeMap::new();
        for p in passages {
            by.entry(p.transcript.clone()).or_default().push(p);
        }
        by.into_iter()
            .map(|(t, v)| (t, TranscriptQuotes::new(v)))
            .collect()
    }

    #[test]
    fn overlap_counts_turns_both_themes_mark() {
        let book = thematic_study::testing::mechanisms();
        // the-approach (A): what-matters P1 t2, goal-orientation P1 t2 (same turn) and P2
        // t4, what-matters P10 t1 → A marks P1:2, P2:4, P10:1 = 3 turns.
        // splw-role (S): asking-questions P1 t2, therapeutic-alliance P2 t4 and P2 t6 → S
        // marks P1:2, P2:4, P2:6 = 3 turns; both = P1:2, P2:4 = 2; Jaccard 2/(3+3−2) = 0.5.
        // patients-role (R): empowerment P10 t1 → 1 turn; both = 1; Jaccard 1/3 = 0.3333.
        // The root holds them all but is A's ancestor: left out.
        let k = kept(vec![
            p("P1", 2, "what-matters"),
            p("P1", 2, "goal-orientation"),
            p("P2", 4, "goal-orientation"),
            p("P10", 1, "what-matters"),
            p("P1", 2, "asking-questions"),
            p("P2", 4, "therapeutic-alliance"),
            p("P2", 6, "therapeutic-alliance"),
            p("P10", 1, "empowerment"),
        ]);
        let ordered: Vec<(&str, &TranscriptQuotes)> =
            k.iter().map(|(t, q)| (t.as_str(), q)).collect();
        let (units, o) = overlap(&book, "the-approach", &turn_marks(&ordered));
        assert_eq!(units, 3);
        let got: Vec<(&str, usize, usize, f64)> = o
            .iter()
            .map(|o| (o.id.as_str(), o.both, o.units, o.jaccard))
            .collect();
        assert_eq!(
            got,
            [("splw-role", 2, 3, 0.5), ("patients-role", 1, 1, 0.3333)]
        );
        // A code is compared with codes. what-matters marks P1:2 and P10:1; it shares one
        // turn each with asking-questions (P1:2; 1 turn, J 1/(2+1−1) = 0.5), empowerment
        // (P10:1; 1 turn, J 0.5) and goal-orientation (P1:2; 2 turns, J 1/3): equal
        // counts, the higher Jaccard first, then codebook order (splw-role's codes come
        // before patients-role's).
        let (units, o) = overlap(&book, "what-matters", &turn_marks(&ordered));
        assert_eq!(units, 2);
        let got: Vec<&str> = o.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(got, ["asking-questions", "empowerment", "goal-orientation"]);
        // Coverage of the-approach: P1 has 2 extracts, P2 and P10 one each.
        let codes = ["solution-building", "goal-orientation", "what-matters"];
        assert_eq!(
            coverage(&ordered, &codes),
            [("P1".to_string(), 2), ("P2".into(), 1), ("P10".into(), 1)]
        );
    }

    #[test]
    fn coverage_counts_who_speaks_in_a_focus_group_once_across_transcripts() {
        let spoken = |who: &str, turn: usize| {
            let mut x = p("FG1", turn, "what-matters");
            x.participant = who.into();
            x
        };
        let k = kept(vec![
            spoken("P1", 1),
            spoken("FG1-Bob", 2),
            spoken("P1", 3),
            p("P1", 2, "what-matters"),
        ]);
        let ordered: Vec<(&str, &TranscriptQuotes)> =
            k.iter().map(|(t, q)| (t.as_str(), q)).collect();
        // P1: two turns of FG1 and one of their interview, 3; Bob 1. By transcript it
        // would have been FG1 3 and P1 1.
        assert_eq!(
            coverage(&ordered, &["what-matters"]),
            [("P1".to_string(), 3), ("FG1-Bob".into(), 1)]
        );
    }
}
