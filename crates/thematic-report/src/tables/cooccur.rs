//! Theme co-occurrence: how often two themes are coded in the same unit, as a count and as
//! the Jaccard index.
//!
//! A unit is a turn (the turn recorded with each coding) or a whole transcript. With a
//! window of N turns, a coding in turn t marks turns t − N to t + N of its transcript (within
//! the transcript's turns), so themes coded up to N turns apart co-occur. For two themes A
//! and B, `both` is the number of units marked by both, and the Jaccard index is
//! `both / (units with A + units with B − both)`: the share of the units with either theme
//! that have both. It is undefined (`None`) when neither theme occurs.

use std::collections::BTreeMap;

use thematic_codebook::Codebook;

use crate::passages::{CoderSelection, Passage};
use crate::quotes::Heading;
use thematic_study::Study;
use thematic_study::StudyError;

/// The unit of co-occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CooccurUnit {
    /// A turn of a transcript.
    Turn,
    /// A whole transcript.
    Transcript,
}

impl CooccurUnit {
    /// `turn` or `transcript`.
    pub fn as_str(self) -> &'static str {
        match self {
            CooccurUnit::Turn => "turn",
            CooccurUnit::Transcript => "transcript",
        }
    }
}

/// Co-occurrence of every pair of current codable themes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cooccurrence {
    /// The themes, in codebook order.
    pub themes: Vec<Heading>,
    /// Per theme, the units it marks.
    pub units: Vec<usize>,
    /// `both[a][b]`: units marked by both themes (`both[a][a]` is `units[a]`).
    pub both: Vec<Vec<usize>>,
    /// Units marked by any theme.
    pub total_units: usize,
    /// The unit.
    pub unit: CooccurUnit,
    /// The window, in turns on each side (0 for none).
    pub window: usize,
    /// Whose codings, in words.
    pub source: String,
}

impl Cooccurrence {
    /// The Jaccard index of themes `a` and `b` (indices into [`Cooccurrence::themes`]):
    /// `both / (units a + units b − both)`; `None` when neither occurs.
    pub fn jaccard(&self, a: usize, b: usize) -> Option<f64> {
        let both = self.both[a][b];
        let either = self.units[a] + self.units[b] - both;
        (either > 0).then(|| both as f64 / either as f64)
    }

    /// Every pair `(a, b)` with `a < b`, in codebook order.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let n = self.themes.len();
        (0..n).flat_map(move |a| (a + 1..n).map(move |b| (a, b)))
    }
}

impl Cooccurrence {
    /// The co-occurrence of the current codable themes of `book` in `passages`. `turns` gives
    /// each transcript's number of turns, which bounds a window (a transcript missing from it
    /// is not bounded above).
    pub fn build(
        book: &Codebook,
        passages: &[Passage],
        unit: CooccurUnit,
        window: usize,
        turns: &BTreeMap<String, usize>,
        source: &str,
    ) -> Cooccurrence {
        let current = book.current();
        let themes: Vec<Heading> = current
            .codable()
            .map(|e| Heading {
                id: e.id.clone(),
                label: e.label.clone(),
            })
            .collect();
        let index: BTreeMap<&str, usize> = themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let mut transcripts: BTreeMap<&str, u32> = BTreeMap::new();
        // Per theme, the units it marks as (transcript, turn), sorted and without repeats.
        let mut marked: Vec<Vec<(u32, u32)>> = vec![Vec::new(); themes.len()];
        for p in passages {
            let Some(&t) = index.get(p.theme.as_str()) else {
                continue;
            };
            let next = transcripts.len() as u32;
            let tx = *transcripts.entry(p.transcript.as_str()).or_insert(next);
            match unit {
                CooccurUnit::Transcript => marked[t].push((tx, 0)),
                CooccurUnit::Turn if window == 0 => marked[t].push((tx, p.turn as u32)),
                CooccurUnit::Turn => {
                    let last = turns.get(&p.transcript).copied().unwrap_or(usize::MAX);
                    let from = p.turn.saturating_sub(window).max(1);
                    let to = p.turn.saturating_add(window).min(last.max(p.turn));
                    for turn in from..=to {
                        marked[t].push((tx, turn as u32));
                    }
                }
            }
        }
        for m in &mut marked {
            m.sort_unstable();
            m.dedup();
        }
        let n = themes.len();
        let mut both = vec![vec![0usize; n]; n];
        for a in 0..n {
            both[a][a] = marked[a].len();
            for b in a + 1..n {
                let k = intersection(&marked[a], &marked[b]);
                both[a][b] = k;
                both[b][a] = k;
            }
        }
        let mut all: Vec<(u32, u32)> = marked.iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        Cooccurrence {
            units: marked.iter().map(Vec::len).collect(),
            themes,
            both,
            total_units: all.len(),
            unit,
            window,
            source: source.to_string(),
        }
    }
}

/// The size of the intersection of two sorted lists without repeats.
fn intersection(a: &[(u32, u32)], b: &[(u32, u32)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The co-occurrence of themes in `selection`'s codings. A window needs each
/// transcript's number of turns, which the turn cache knows without parsing.
pub fn cooccurrence(
    study: &Study,
    selection: &CoderSelection,
    unit: CooccurUnit,
    window: usize,
) -> Result<Cooccurrence, StudyError> {
    let book = study.codebook()?;
    let passages = crate::passages(study, selection)?;
    let mut turns = BTreeMap::new();
    if unit == CooccurUnit::Turn && window > 0 {
        for t in study.turn_spans()? {
            if let Some(e) = t.error {
                return Err(StudyError::invalid(&t.path, 0, e));
            }
            turns.insert(t.id, t.turns.len());
        }
    }
    Ok(Cooccurrence::build(
        &book,
        &passages,
        unit,
        window,
        &turns,
        &selection.describe(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Codebook {
        thematic_study::testing::mechanisms()
    }

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

    fn idx(c: &Cooccurrence, id: &str) -> usize {
        c.themes.iter().position(|t| t.id == id).unwrap()
    }

    #[test]
    fn counts_and_jaccard_by_turn_and_by_transcript() {
        // what-matters (W) in P1 turns 2, 4 and P2 turn 2; goal-orientation (G) in P1 turns
        // 2, 6 and P2 turn 8.
        let passages = [
            p("P1", 2, "what-matters"),
            p("P1", 4, "what-matters"),
            p("P2", 2, "what-matters"),
            p("P1", 2, "goal-orientation"),
            p("P1", 2, "goal-orientation"), // twice in one turn: one unit
            p("P1", 6, "goal-orientation"),
            p("P2", 8, "goal-orientation"),
        ];
        let none = BTreeMap::new();
        let c = Cooccurrence::build(&book(), &passages, CooccurUnit::Turn, 0, &none, "KW");
        let (w, g) = (idx(&c, "what-matters"), idx(&c, "goal-orientation"));
        assert_eq!((c.units[w], c.units[g], c.both[w][g]), (3, 3, 1));
        // 1 / (3 + 3 − 1)
        assert_eq!(c.jaccard(w, g), Some(0.2));
        assert_eq!(c.total_units, 5);
        assert_eq!(c.jaccard(idx(&c, "empowerment"), w), Some(0.0));
        let e = idx(&c, "empowerment");
        assert_eq!(c.jaccard(e, idx(&c, "asking-questions")), None);

        let t = Cooccurrence::build(&book(), &passages, CooccurUnit::Transcript, 0, &none, "KW");
        assert_eq!((t.units[w], t.units[g], t.both[w][g]), (2, 2, 2));
        assert_eq!(t.jaccard(w, g), Some(1.0));
    }

    #[test]
    fn a_window_joins_nearby_turns_within_the_transcript() {
        let passages = [p("P1", 1, "what-matters"), p("P1", 3, "goal-orientation")];
        let turns = BTreeMap::from([("P1".to_string(), 3)]);
        let c = Cooccurrence::build(&book(), &passages, CooccurUnit::Turn, 1, &turns, "KW");
        let (w, g) = (idx(&c, "what-matters"), idx(&c, "goal-orientation"));
        // W marks turns 1–2 (turn 0 does not exist), G marks 2–3 (turn 4 does not).
        assert_eq!((c.units[w], c.units[g], c.both[w][g]), (2, 2, 1));
        assert_eq!(c.jaccard(w, g), Some(1.0 / 3.0));
    }
}
