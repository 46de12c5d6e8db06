//! Placing one coding in the corrected transcript: kept where it is, found exactly in the
//! aligned turn, found exactly and uniquely anywhere, found fuzzily in the aligned turn, or
//! orphaned with a reason.

use super::Anchor;
use super::doc::Doc;
use super::fuzzy;
use crate::codings::Coding;

/// Everything needed to place one coding.
#[derive(Debug)]
pub(super) struct Context<'d, 'a> {
    pub(super) old: &'d Doc<'a>,
    pub(super) new: &'d Doc<'a>,
    /// Old turn index → aligned new turn index.
    pub(super) map: &'d [Option<usize>],
    /// New turns aligned to some old turn.
    pub(super) taken: &'d [bool],
    /// The least similarity a fuzzy match needs.
    pub(super) min_similarity: f64,
}

impl Context<'_, '_> {
    /// Where `coding`'s words are in the new transcript.
    pub(super) fn anchor(&self, coding: &Coding) -> Anchor {
        let (old, new) = (self.old, self.new);
        let quote = coding.text.as_str();
        let pattern: Vec<char> = quote.chars().collect();

        let snap = self.edges(coding, &pattern);
        let on_edges = |at: usize| {
            (!snap.0 || new.is_boundary(at)) && (!snap.1 || new.is_boundary(at + pattern.len()))
        };

        // 1. Kept.
        if coding.start <= coding.end
            && coding.end <= new.len()
            && new.chars[coding.start..coding.end] == pattern[..]
            && on_edges(coding.start)
            && new
                .turn_at(coding.start, coding.end)
                .is_some_and(|i| i + 1 == coding.turn)
        {
            return Anchor::Kept;
        }
        if pattern.is_empty() {
            return orphan("the coding quotes no text, so there is nothing to look for".into());
        }

        let old_turn = self.old_turn(coding, &pattern);
        let target = self.target_turn(old_turn, coding.turn);
        let old_start = coding.start.min(old.len());
        let rel = old_turn.map(|i| old_start.saturating_sub(old.turns[i].0));
        let expected = |j: usize| rel.map_or(old_start, |r| new.turns[j].0 + r);

        // 2. Exact, in the aligned turn.
        if let Some(j) = target {
            let (ts, te) = new.turns[j];
            let want = expected(j);
            let found = new.find_all(ts, te, quote);
            let found = found.iter().filter(|&&at| on_edges(at));
            if let Some(&at) = found.min_by_key(|&&at| (at.abs_diff(want), at)) {
                return moved(new, j, at, at + pattern.len(), 1.0);
            }
        }
        // 2b. Exact, anywhere, if unique.
        let mut elsewhere = new.find_all(0, new.len(), quote);
        elsewhere.retain(|&at| on_edges(at));
        if let [at] = elsewhere[..] {
            let end = at + pattern.len();
            if let Some(j) = new.turn_at(at, end) {
                return moved(new, j, at, end, 1.0);
            }
        }

        // 3. Fuzzy, in the aligned turn only.
        let mut closest = None;
        if let Some(j) = target
            && let Some(m) =
                fuzzy::closest(new, j, &pattern, expected(j), snap, self.min_similarity)
        {
            if m.similarity >= self.min_similarity {
                return moved(new, j, m.start, m.end, m.similarity);
            }
            closest = Some(m.similarity);
        }

        // 4. Orphaned.
        orphan(self.reason(coding, old_turn, target, elsewhere.len(), closest))
    }

    /// Whether the quote started and ended on word boundaries in the old text (assumed when
    /// the old offsets no longer quote it). A match must then do the same, so `late` is not
    /// found inside `lately`.
    fn edges(&self, coding: &Coding, pattern: &[char]) -> (bool, bool) {
        let old = self.old;
        let (s, e) = (coding.start, coding.end);
        if s <= e && e <= old.len() && old.chars[s..e] == *pattern {
            (old.is_boundary(s), old.is_boundary(e))
        } else {
            (true, true)
        }
    }

    /// The old turn the coding lies in: by its offsets when they still quote its text, else
    /// by its turn number, else by its offsets anyway.
    fn old_turn(&self, coding: &Coding, pattern: &[char]) -> Option<usize> {
        let old = self.old;
        let (s, e) = (coding.start, coding.end);
        let by_offsets = (s <= e && e <= old.len())
            .then(|| old.turn_at(s, e))
            .flatten();
        let by_number = coding.turn.checked_sub(1).filter(|&i| i < old.turns.len());
        let quotes = s <= e && e <= old.len() && old.chars[s..e] == *pattern;
        if let Some(i) = by_number
            && old.turn_contains(i, s, e)
        {
            return Some(i);
        }
        if quotes {
            by_offsets.or(by_number)
        } else {
            by_number.or(by_offsets)
        }
    }

    /// The new turn to search first: the aligned one; for an old turn with no counterpart,
    /// the unaligned new turn at the same distance from the last aligned pair; with no old
    /// turn at all, the unaligned new turn with the coding's number.
    fn target_turn(&self, old_turn: Option<usize>, number: usize) -> Option<usize> {
        let n = self.new.turns.len();
        let free = |j: usize| (j < n && !self.taken[j]).then_some(j);
        let Some(i) = old_turn else {
            return number.checked_sub(1).and_then(free);
        };
        if let Some(j) = self.map.get(i).copied().flatten() {
            return Some(j);
        }
        // Anchor on the nearest aligned turn before `i`.
        let (prev_old, prev_new) = (0..i)
            .rev()
            .find_map(|k| self.map[k].map(|j| (k as isize, j as isize)))
            .unwrap_or((-1, -1));
        let next_new = (i + 1..self.map.len())
            .find_map(|k| self.map[k])
            .unwrap_or(n);
        let j = prev_new + (i as isize - prev_old);
        usize::try_from(j)
            .ok()
            .filter(|&j| j < next_new)
            .and_then(free)
    }

    fn reason(
        &self,
        coding: &Coding,
        old_turn: Option<usize>,
        target: Option<usize>,
        elsewhere: usize,
        closest: Option<f64>,
    ) -> String {
        let mut reason = match (target, old_turn) {
            (Some(j), _) => format!("the coded words no longer occur in turn {}", j + 1),
            (None, Some(i)) => format!(
                "turn {} has no counterpart in the corrected transcript and the coded words no \
                 longer occur in it",
                i + 1
            ),
            (None, None) => format!(
                "the coding points to turn {} ({}..{}), which is not in the transcript",
                coding.turn, coding.start, coding.end
            ),
        };
        reason.push_str(&match elsewhere {
            0 => " or anywhere else in the transcript".to_string(),
            1 => "; they occur once elsewhere, but not within a single turn".to_string(),
            k => format!("; they occur {k} times elsewhere, so the place is ambiguous"),
        });
        if let (Some(sim), Some(j)) = (closest, target) {
            reason.push_str(&format!(
                "; the closest match in turn {} is {}% similar (needs {}%)",
                j + 1,
                percent(sim),
                percent(self.min_similarity)
            ));
        }
        reason
    }
}

fn percent(x: f64) -> u32 {
    // Floor, so 79.6% never reads as the 80% it missed; `as` saturates, never panics.
    (x * 100.0 + 1e-9).floor() as u32
}

fn orphan(reason: String) -> Anchor {
    Anchor::Orphaned { reason }
}

fn moved(new: &Doc<'_>, turn: usize, start: usize, end: usize, similarity: f64) -> Anchor {
    Anchor::Moved {
        turn: turn + 1,
        start,
        end,
        text: new.slice(start, end).to_string(),
        similarity,
    }
}
