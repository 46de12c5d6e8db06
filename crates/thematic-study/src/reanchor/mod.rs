//! Re-anchoring codings after a transcript is corrected.
//!
//! A [`Coding`] points into a transcript's normalized text with code-point offsets and keeps
//! the words it quotes. When the transcript is corrected after coding (a typo fixed, a turn
//! inserted, a speaker relabelled), the offsets go stale. [`reanchor`] works out, for every
//! coding, where its words are now — without touching any file:
//!
//! 1. **Kept** — the new text at the same offsets is still the quoted text, in the same turn.
//! 2. **Moved, exactly** — the quoted text occurs verbatim in the *aligned* turn (the new turn
//!    that corresponds to the old one, so inserted or deleted turns do not throw everything
//!    off); the occurrence nearest the old position within the turn wins. Failing that, a
//!    verbatim occurrence anywhere else in the transcript is used if it is the only one.
//! 3. **Moved, fuzzily** — within the aligned turn only, the substring closest to the quoted
//!    text (semi-global edit distance, Sellers' algorithm), snapped to word boundaries, is
//!    accepted when it is at least [`MIN_SIMILARITY`] similar.
//! 4. **Orphaned** — otherwise, with a sentence saying why.
//!
//! A quote that started (ended) on a word boundary must still do so: `five` at the same
//! offsets is not kept, nor found exactly, inside a corrected `fives`; the fuzzy step then
//! quotes the whole word.
//!
//! Turns are aligned old-to-new by text: identical leading and trailing turns first, then
//! turns whose text is identical and unique on both sides, then a weighted alignment of the
//! remaining turns by character-bigram similarity, with a bonus for the same speaker.
//!
//! Everything counts Unicode code points, like the offsets in codings and transcripts. No
//! input makes it panic: offsets past the end, reversed spans, empty quotes, turn numbers
//! that do not exist and empty transcripts all give an answer.
//!
//! ```
//! use thematic_study::{Anchor, Coding, reanchor};
//! use thematic_transcript::{Options, parse};
//!
//! let before = "Interviewer: How did you start?\n\nP6: I startted in 2019.\n\n\
//!               Interviewer: Why?\n\nP6: Housing.\n";
//! let old = parse(before.as_bytes(), &Options::default()).unwrap();
//! let new = parse(before.replace("startted", "started").as_bytes(), &Options::default()).unwrap();
//! let coding = Coding {
//!     id: "c-1".into(), coder: "ana".into(), transcript: "P6".into(), turn: 2,
//!     start: 51, end: 55, theme: "origins".into(), text: "2019".into(),
//!     ..Coding::default()
//! };
//! let result = reanchor(&old, &new, &[coding]);
//! assert!(matches!(result[0].anchor, Anchor::Moved { turn: 2, start: 50, end: 54, .. }));
//! ```

use std::collections::HashMap;

use thematic_transcript::Transcript;

use crate::codings::Coding;

/// The least similarity (0–1) a fuzzy match needs to be accepted by [`reanchor`]:
/// `1 − edit distance / max(quoted length, match length)`, in code points.
pub const MIN_SIMILARITY: f64 = 0.8;

/// Two turns by the same speaker may be aligned when their texts are at least this similar
/// (character-bigram Dice coefficient).
const SAME_SPEAKER_MIN: f64 = 0.3;
/// Two turns by different speakers (a relabelled speaker) need this much similarity.
const OTHER_SPEAKER_MIN: f64 = 0.6;
/// Added to the alignment score of a pair of turns with the same speaker key.
const SPEAKER_BONUS: f64 = 0.5;
/// The largest gap of unaligned turns (old × new) given the weighted alignment; larger gaps
/// pair turns by relative position instead.
const MAX_ALIGN_CELLS: usize = 1_000_000;
/// Within a gap, a turn is only compared with new turns this close to its proportional
/// position (widened by the difference in turn counts), which keeps a transcript edited
/// throughout linear rather than quadratic in turn comparisons.
const ALIGN_BAND: usize = 32;
/// The largest fuzzy search (quote length × turn length, in code points) attempted; beyond
/// it (a quote of tens of thousands of characters) the fuzzy step is skipped rather than
/// taking seconds.
const MAX_FUZZY_CELLS: usize = 50_000_000;

/// Where a coding's words are in the corrected transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    /// Same offsets, same words, same turn: nothing to change.
    Kept,
    /// The words were found elsewhere; the coding should point here.
    Moved {
        /// The 1-based turn in the new transcript.
        turn: usize,
        /// Start, in code points into the new transcript text.
        start: usize,
        /// End (exclusive), in code points.
        end: usize,
        /// The new quoted text, exactly the new transcript's `text[start..end]`.
        text: String,
        /// How similar the new quote is to the old one: `1.0` for an exact match, otherwise
        /// `1 − edit distance / max(old length, new length)`.
        similarity: f64,
    },
    /// The words could not be placed; the coding needs a person.
    Orphaned {
        /// Why, in a sentence for a person.
        reason: String,
    },
}

impl Anchor {
    /// Whether the coding stays as it is.
    pub fn is_kept(&self) -> bool {
        matches!(self, Anchor::Kept)
    }

    /// Whether the coding could not be placed.
    pub fn is_orphaned(&self) -> bool {
        matches!(self, Anchor::Orphaned { .. })
    }

    /// Points `coding` at its new place when the anchor is [`Anchor::Moved`] (turn, offsets
    /// and quoted text); returns whether anything changed. `Kept` and `Orphaned` leave it,
    /// and no other field (theme, memo, status …) is touched.
    pub fn apply_to(&self, coding: &mut Coding) -> bool {
        match self {
            Anchor::Moved {
                turn,
                start,
                end,
                text,
                ..
            } => {
                let changed = coding.turn != *turn
                    || coding.start != *start
                    || coding.end != *end
                    || coding.text != *text;
                coding.turn = *turn;
                coding.start = *start;
                coding.end = *end;
                coding.text.clone_from(text);
                changed
            }
            Anchor::Kept | Anchor::Orphaned { .. } => false,
        }
    }
}

/// The outcome for one coding.
#[derive(Debug, Clone, PartialEq)]
pub struct Reanchored {
    /// The coding's id.
    pub id: String,
    /// The coding's coder.
    pub coder: String,
    /// Where its words are now.
    pub anchor: Anchor,
}

/// Re-anchors `codings` made against `old` onto the corrected transcript `new`, with the
/// default fuzzy threshold [`MIN_SIMILARITY`]. Returns one result per coding, in order.
///
/// The codings should all belong to this transcript; their `transcript` field is not read.
pub fn reanchor(old: &Transcript, new: &Transcript, codings: &[Coding]) -> Vec<Reanchored> {
    reanchor_with(old, new, codings, MIN_SIMILARITY)
}

/// Like [`reanchor`], accepting fuzzy matches at least `min_similarity` similar (clamped to
/// 0–1; a NaN means [`MIN_SIMILARITY`]).
pub fn reanchor_with(
    old: &Transcript,
    new: &Transcript,
    codings: &[Coding],
    min_similarity: f64,
) -> Vec<Reanchored> {
    let min_similarity = if min_similarity.is_nan() {
        MIN_SIMILARITY
    } else {
        min_similarity.clamp(0.0, 1.0)
    };
    let old = Doc::new(old);
    let new = Doc::new(new);
    let map = align_turns(&old, &new);
    let mut taken = vec![false; new.turns.len()];
    for j in map.iter().flatten() {
        taken[*j] = true;
    }
    let ctx = Context {
        old: &old,
        new: &new,
        map: &map,
        taken: &taken,
        min_similarity,
    };
    codings
        .iter()
        .map(|c| Reanchored {
            id: c.id.clone(),
            coder: c.coder.clone(),
            anchor: ctx.anchor(c),
        })
        .collect()
}

/// A transcript prepared for searching: its characters and their byte offsets.
#[derive(Debug)]
struct Doc<'a> {
    text: &'a str,
    chars: Vec<char>,
    /// The byte offset of every character, then `text.len()`.
    bytes: Vec<usize>,
    /// Turn spans in code points, clamped to the text.
    turns: Vec<(usize, usize)>,
    /// Turn speaker keys.
    keys: Vec<Option<&'a str>>,
}

impl<'a> Doc<'a> {
    fn new(t: &'a Transcript) -> Doc<'a> {
        let text = t.text.as_str();
        let mut chars = Vec::with_capacity(text.len());
        let mut bytes = Vec::with_capacity(text.len() + 1);
        for (b, c) in text.char_indices() {
            bytes.push(b);
            chars.push(c);
        }
        bytes.push(text.len());
        let len = chars.len();
        let turns = t
            .turns
            .iter()
            .map(|turn| {
                let start = turn.start.min(len);
                (start, turn.end.clamp(start, len))
            })
            .collect();
        let keys = t.turns.iter().map(|turn| turn.key.as_deref()).collect();
        Doc {
            text,
            chars,
            bytes,
            turns,
            keys,
        }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    /// The text of a code-point span (clamped).
    fn slice(&self, start: usize, end: usize) -> &'a str {
        let end = end.min(self.len());
        let start = start.min(end);
        self.text
            .get(self.bytes[start]..self.bytes[end])
            .unwrap_or_default()
    }

    fn turn_text(&self, i: usize) -> &'a str {
        let (s, e) = self.turns[i];
        self.slice(s, e)
    }

    /// The code-point index of a byte offset that is a character boundary.
    fn char_at_byte(&self, byte: usize) -> usize {
        self.bytes.partition_point(|&b| b < byte)
    }

    fn turn_contains(&self, i: usize, start: usize, end: usize) -> bool {
        let (ts, te) = self.turns[i];
        ts <= start && end <= te
    }

    /// The first turn holding the whole span.
    fn turn_at(&self, start: usize, end: usize) -> Option<usize> {
        (0..self.turns.len()).find(|&i| self.turn_contains(i, start, end))
    }

    /// Every (possibly overlapping) occurrence of `needle` in the code-point span, as
    /// code-point starts.
    fn find_all(&self, start: usize, end: usize, needle: &str) -> Vec<usize> {
        let mut found = Vec::new();
        if needle.is_empty() {
            return found;
        }
        let end = end.min(self.len());
        let start = start.min(end);
        let base = self.bytes[start];
        let hay = self.slice(start, end);
        let mut from = 0;
        while let Some(rest) = hay.get(from..) {
            let Some(at) = rest.find(needle) else { break };
            let byte = from + at;
            found.push(self.char_at_byte(base + byte));
            let step = rest[at..].chars().next().map_or(1, char::len_utf8);
            from = byte + step;
        }
        found
    }

    /// Whether a code-point position is a word boundary: not between two word characters.
    fn is_boundary(&self, pos: usize) -> bool {
        pos == 0 || pos >= self.len() || !(is_word(self.chars[pos - 1]) && is_word(self.chars[pos]))
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}'
}

/// Everything needed to place one coding.
#[derive(Debug)]
struct Context<'d, 'a> {
    old: &'d Doc<'a>,
    new: &'d Doc<'a>,
    /// Old turn index → aligned new turn index.
    map: &'d [Option<usize>],
    /// New turns aligned to some old turn.
    taken: &'d [bool],
    min_similarity: f64,
}

impl Context<'_, '_> {
    fn anchor(&self, coding: &Coding) -> Anchor {
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
            && let Some(m) = self.fuzzy(j, &pattern, expected(j), snap)
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

    /// The best fuzzy match of `pattern` in new turn `j`, snapped to word boundaries where
    /// the old quote started or ended on one (`snap`) and not starting or ending with
    /// whitespace the quote did not have. `None` when there is no such candidate.
    fn fuzzy(
        &self,
        j: usize,
        pattern: &[char],
        expected: usize,
        snap: (bool, bool),
    ) -> Option<Match> {
        let new = self.new;
        let (ts, te) = new.turns[j];
        let hay = &new.chars[ts..te];
        if hay.is_empty() || pattern.len().saturating_mul(hay.len()) > MAX_FUZZY_CELLS {
            return None;
        }
        let (s, e) = sellers(pattern, hay, expected.saturating_sub(ts))?;
        let (s, e) = (ts + s, ts + e);

        let starts = candidates_start(new, s, e, ts, snap.0);
        let ends = candidates_end(new, s, e, te, snap.1);
        let mut best: Option<((bool, u8), Match)> = None;
        for &(cs, out_s) in &starts {
            for &(ce, out_e) in &ends {
                if cs >= ce {
                    continue;
                }
                let similarity = similarity(pattern, &new.chars[cs..ce]);
                let clean = (!snap.0 || new.is_boundary(cs))
                    && (!snap.1 || new.is_boundary(ce))
                    && (pattern[0].is_whitespace() || !new.chars[cs].is_whitespace())
                    && (pattern[pattern.len() - 1].is_whitespace()
                        || !new.chars[ce - 1].is_whitespace());
                if !clean {
                    continue;
                }
                // Good enough first; then growing to whole words rather than dropping
                // partly matched ones; then similarity.
                let rank = (
                    similarity >= self.min_similarity,
                    u8::from(out_s) + u8::from(out_e),
                );
                let better = match &best {
                    None => true,
                    Some((br, bm)) => (rank, similarity) > (*br, bm.similarity),
                };
                if better {
                    let m = Match {
                        start: cs,
                        end: ce,
                        similarity,
                    };
                    best = Some((rank, m));
                }
            }
        }
        best.map(|(_, m)| m)
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

#[derive(Debug, Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    similarity: f64,
}

/// Start positions to try for a fuzzy match `s..e`, each marked whether it keeps or grows
/// the match: as found; when the quote should start on a word boundary and does not, the
/// start of the word it falls in (growing) and the next word's start (shrinking); and past
/// any leading whitespace.
fn candidates_start(
    doc: &Doc<'_>,
    s: usize,
    e: usize,
    ts: usize,
    snap: bool,
) -> Vec<(usize, bool)> {
    let mut out = vec![(s, true)];
    let c = &doc.chars;
    let mut right = s;
    if snap && !doc.is_boundary(s) {
        let mut left = s;
        while left > ts && is_word(c[left - 1]) {
            left -= 1;
        }
        out.push((left, true));
        while right < e && is_word(c[right]) {
            right += 1;
        }
    }
    while right < e && c[right].is_whitespace() {
        right += 1;
    }
    if right != s {
        out.push((right, false));
    }
    out
}

/// End positions to try, likewise: as found, the end of the word it falls in (growing),
/// the previous word's end (shrinking), and before any trailing whitespace.
fn candidates_end(doc: &Doc<'_>, s: usize, e: usize, te: usize, snap: bool) -> Vec<(usize, bool)> {
    let mut out = vec![(e, true)];
    let c = &doc.chars;
    let mut left = e;
    if snap && !doc.is_boundary(e) {
        let mut right = e;
        while right < te && is_word(c[right]) {
            right += 1;
        }
        out.push((right, true));
        while left > s && is_word(c[left - 1]) {
            left -= 1;
        }
    }
    while left > s && c[left - 1].is_whitespace() {
        left -= 1;
    }
    if left != e {
        out.push((left, false));
    }
    out
}

/// `1 − levenshtein / max(len)`; two empty strings are identical.
fn similarity(a: &[char], b: &[char]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - thematic_codebook::edit_distance(a, b) as f64 / longest as f64
}

/// Sellers' semi-global alignment: the substring `s..e` of `text` with the least edit
/// distance to the whole of `pattern`. Among equally good ones, the one starting nearest
/// `expected`. `None` when either is empty.
fn sellers(pattern: &[char], text: &[char], expected: usize) -> Option<(usize, usize)> {
    if pattern.is_empty() || text.is_empty() {
        return None;
    }
    // (cost, start) per text position; row 0 lets a match start anywhere for free.
    let mut prev: Vec<(u32, u32)> = (0..=text.len()).map(|j| (0, j as u32)).collect();
    let mut cur = prev.clone();
    for (i, pc) in pattern.iter().enumerate() {
        cur[0] = (i as u32 + 1, 0);
        for (j, tc) in text.iter().enumerate() {
            let diag = (prev[j].0 + u32::from(pc != tc), prev[j].1);
            let up = (prev[j + 1].0 + 1, prev[j + 1].1);
            let left = (cur[j].0 + 1, cur[j].1);
            let mut best = diag;
            if up.0 < best.0 {
                best = up;
            }
            if left.0 < best.0 {
                best = left;
            }
            cur[j + 1] = best;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let least = prev.iter().skip(1).map(|c| c.0).min()?;
    prev.iter()
        .enumerate()
        .skip(1)
        .filter(|(_, c)| c.0 == least)
        .map(|(e, c)| (c.1 as usize, e))
        .min_by_key(|&(s, e)| (s.abs_diff(expected), s, e))
}

// ---------------------------------------------------------------------------------------
// Turn alignment.

/// Old turn index → new turn index, monotonic.
fn align_turns(old: &Doc<'_>, new: &Doc<'_>) -> Vec<Option<usize>> {
    let (m, n) = (old.turns.len(), new.turns.len());
    let mut map = vec![None; m];
    let mut lo = 0;
    while lo < m && lo < n && old.turn_text(lo) == new.turn_text(lo) {
        map[lo] = Some(lo);
        lo += 1;
    }
    let (mut hi_old, mut hi_new) = (m, n);
    while hi_old > lo && hi_new > lo && old.turn_text(hi_old - 1) == new.turn_text(hi_new - 1) {
        map[hi_old - 1] = Some(hi_new - 1);
        hi_old -= 1;
        hi_new -= 1;
    }
    let anchors = unique_anchors(old, lo..hi_old, new, lo..hi_new);
    let (mut po, mut pn) = (lo, lo);
    for (ao, an) in anchors.into_iter().chain(std::iter::once((hi_old, hi_new))) {
        align_gap(old, po..ao, new, pn..an, &mut map);
        if ao < hi_old {
            map[ao] = Some(an);
        }
        po = ao + 1;
        pn = an + 1;
    }
    map
}

/// Pairs of turns whose (non-blank) text occurs exactly once in each range, reduced to the
/// longest chain increasing on both sides (patience diff).
fn unique_anchors(
    old: &Doc<'_>,
    olds: std::ops::Range<usize>,
    new: &Doc<'_>,
    news: std::ops::Range<usize>,
) -> Vec<(usize, usize)> {
    #[derive(Default)]
    struct Seen {
        old: usize,
        old_at: usize,
        new: usize,
        new_at: usize,
    }
    let mut seen: HashMap<&str, Seen> = HashMap::new();
    for i in olds.clone() {
        let t = old.turn_text(i);
        if !t.trim().is_empty() {
            let s = seen.entry(t).or_default();
            s.old += 1;
            s.old_at = i;
        }
    }
    for j in news {
        let t = new.turn_text(j);
        if let Some(s) = seen.get_mut(t) {
            s.new += 1;
            s.new_at = j;
        }
    }
    let pairs: Vec<(usize, usize)> = olds
        .filter_map(|i| {
            let s = seen.get(old.turn_text(i))?;
            (s.old == 1 && s.new == 1).then_some((i, s.new_at))
        })
        .collect();
    longest_increasing(&pairs)
}

/// The longest subsequence of `pairs` (sorted by `.0`) whose `.1` strictly increases.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tails[k]: index into pairs of the smallest tail of an increasing run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut back: Vec<Option<usize>> = vec![None; pairs.len()];
    for (idx, &(_, v)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < v);
        back[idx] = k.checked_sub(1).map(|p| tails[p]);
        if k == tails.len() {
            tails.push(idx);
        } else {
            tails[k] = idx;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(idx) = at {
        out.push(pairs[idx]);
        at = back[idx];
    }
    out.reverse();
    out
}

/// Aligns the turns of a gap between anchors: a weighted alignment maximising the summed
/// pair scores (within a band around the diagonal), or for a very large gap, pairing by
/// relative position.
fn align_gap(
    old: &Doc<'_>,
    olds: std::ops::Range<usize>,
    new: &Doc<'_>,
    news: std::ops::Range<usize>,
    map: &mut [Option<usize>],
) {
    let (m, n) = (olds.len(), news.len());
    if m == 0 || n == 0 {
        return;
    }
    let po: Vec<Vec<u64>> = olds.clone().map(|i| bigrams(old.turn_text(i))).collect();
    let pn: Vec<Vec<u64>> = news.clone().map(|j| bigrams(new.turn_text(j))).collect();
    let band = ALIGN_BAND + m.abs_diff(n);
    let score = |a: usize, b: usize| {
        if b.abs_diff(a * n / m) > band {
            return None;
        }
        pair_score(
            old.keys[olds.start + a] == new.keys[news.start + b],
            &po[a],
            &pn[b],
        )
    };

    if m.saturating_mul(n) > MAX_ALIGN_CELLS {
        let mut next = 0;
        for a in 0..m {
            let b = a * n / m;
            if b >= next && score(a, b).is_some() {
                map[olds.start + a] = Some(news.start + b);
                next = b + 1;
            }
        }
        return;
    }

    // dir: 0 = skip old, 1 = skip new, 2 = pair.
    let mut dir = vec![0u8; (m + 1) * (n + 1)];
    let mut prev = vec![0.0f64; n + 1];
    let mut cur = vec![0.0f64; n + 1];
    dir[1..=n].fill(1);
    for a in 1..=m {
        cur[0] = 0.0;
        for b in 1..=n {
            let (mut best, mut d) = (prev[b], 0u8);
            if cur[b - 1] > best {
                (best, d) = (cur[b - 1], 1);
            }
            if let Some(s) = score(a - 1, b - 1)
                && prev[b - 1] + s > best
            {
                (best, d) = (prev[b - 1] + s, 2);
            }
            cur[b] = best;
            dir[a * (n + 1) + b] = d;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let (mut a, mut b) = (m, n);
    while a > 0 && b > 0 {
        match dir[a * (n + 1) + b] {
            2 => {
                map[olds.start + a - 1] = Some(news.start + b - 1);
                a -= 1;
                b -= 1;
            }
            1 => b -= 1,
            _ => a -= 1,
        }
    }
}

/// The alignment score of two turns, or `None` when they should not be paired.
fn pair_score(same_speaker: bool, a: &[u64], b: &[u64]) -> Option<f64> {
    let min = if same_speaker {
        SAME_SPEAKER_MIN
    } else {
        OTHER_SPEAKER_MIN
    };
    let total = a.len() + b.len();
    let sim = if total == 0 {
        1.0
    } else {
        // Upper bound first: Dice ≤ 2·min(len) / total.
        if (2 * a.len().min(b.len())) as f64 / (total as f64) < min {
            return None;
        }
        2.0 * common(a, b) as f64 / total as f64
    };
    (sim >= min).then_some(sim + if same_speaker { SPEAKER_BONUS } else { 0.0 })
}

/// The sorted multiset of lowercase character bigrams of a turn's text (its single
/// character for a one-character text).
fn bigrams(text: &str) -> Vec<u64> {
    let lower: Vec<u64> = text
        .chars()
        .map(|c| u64::from(c.to_lowercase().next().unwrap_or(c)))
        .collect();
    let mut out: Vec<u64> = if lower.len() == 1 {
        vec![lower[0] << 32 | 0xFFFF_FFFF]
    } else {
        lower.windows(2).map(|w| w[0] << 32 | w[1]).collect()
    };
    out.sort_unstable();
    out
}

/// The size of the intersection of two sorted multisets.
fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                k += 1;
                i += 1;
                j += 1;
            }
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use thematic_transcript::{Encoding, Format, Options, parse};

    fn transcript(text: &str) -> Transcript {
        parse(text.as_bytes(), &Options::default()).expect("parses")
    }

    /// A coding on the only occurrence of `quote` in (1-based) turn `turn`.
    fn code(t: &Transcript, id: &str, turn: usize, quote: &str) -> Coding {
        let tr = &t.turns[turn - 1];
        let turn_text = tr.text(&t.text);
        let at = turn_text.find(quote).expect("quote in turn");
        assert_eq!(
            turn_text.matches(quote).count(),
            1,
            "ambiguous quote {quote:?}"
        );
        let start = tr.start + turn_text[..at].chars().count();
        let end = start + quote.chars().count();
        coding(id, turn, start, end, quote)
    }

    fn coding(id: &str, turn: usize, start: usize, end: usize, text: &str) -> Coding {
        Coding {
            id: id.to_string(),
            coder: "ana".to_string(),
            transcript: "P6".to_string(),
            turn,
            start,
            end,
            theme: "t".to_string(),
            text: text.to_string(),
            created: "2024-05-01T10:00:00Z".to_string(),
            ..Coding::default()
        }
    }

    /// The code-point offset of the only occurrence of `needle` in `t`.
    fn offset(t: &Transcript, needle: &str) -> usize {
        assert_eq!(t.text.matches(needle).count(), 1, "ambiguous {needle:?}");
        let at = t.text.find(needle).expect("present");
        t.text[..at].chars().count()
    }

    fn moved(a: &Anchor) -> (usize, usize, usize, &str, f64) {
        match a {
            Anchor::Moved {
                turn,
                start,
                end,
                text,
                similarity,
            } => (*turn, *start, *end, text.as_str(), *similarity),
            other => panic!("expected Moved, got {other:?}"),
        }
    }

    fn reason(a: &Anchor) -> &str {
        match a {
            Anchor::Orphaned { reason } => reason,
            other => panic!("expected Orphaned, got {other:?}"),
        }
    }

    /// `text[start..end]` in code points.
    fn quote(t: &Transcript, start: usize, end: usize) -> String {
        t.text.chars().skip(start).take(end - start).collect()
    }

    const BASE: &str = "Interviewer: How did you start?\n\n\
        P6: I started in 2019 after working in housing.\n\n\
        Interviewer: What was hard about it?\n\n\
        P6: We did not recieve the funding we were promised, so it was hard to plan.\n\n\
        Interviewer: And now?\n\n\
        P6: Now it is better. We have a team of five.\n";

    #[test]
    fn parses_the_base_transcript_into_six_turns() {
        let t = transcript(BASE);
        assert_eq!(t.turns.len(), 6);
        assert_eq!(t.turns[1].speaker.as_deref(), Some("P6"));
        assert_eq!(
            t.turns[1].text(&t.text),
            "I started in 2019 after working in housing."
        );
    }

    #[test]
    fn module_doc_example() {
        let before = "Interviewer: How did you start?\n\nP6: I startted in 2019.\n\n\
                      Interviewer: Why?\n\nP6: Housing.\n";
        let old = transcript(before);
        let new = transcript(&before.replace("startted", "started"));
        let c = coding("c-1", 2, 51, 55, "2019");
        assert_eq!(c, code(&old, "c-1", 2, "2019"));
        let out = reanchor(&old, &new, &[c]);
        assert!(matches!(
            out[0].anchor,
            Anchor::Moved {
                turn: 2,
                start: 50,
                end: 54,
                ..
            }
        ));
    }

    #[test]
    fn unchanged_transcript_keeps_everything() {
        let t = transcript(BASE);
        let codings = vec![
            code(&t, "a", 2, "working in housing"),
            code(&t, "b", 4, "it was hard to plan"),
            code(&t, "c", 6, "a team of five"),
            code(&t, "d", 1, "How did you start?"),
        ];
        let out = reanchor(&t, &t, &codings);
        assert_eq!(out.len(), 4);
        for (r, c) in out.iter().zip(&codings) {
            assert_eq!(r.id, c.id);
            assert_eq!(r.coder, "ana");
            assert_eq!(r.anchor, Anchor::Kept);
        }
    }

    #[test]
    fn typo_fixed_earlier_in_the_turn_moves_exactly() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace("We did not recieve", "We didn't recieve"));
        let c = code(&old, "a", 4, "it was hard to plan");
        let later = code(&old, "b", 6, "a team of five");
        let before = code(&old, "c", 2, "working in housing");
        let out = reanchor(&old, &new, &[c.clone(), later.clone(), before]);

        let (turn, start, end, text, sim) = moved(&out[0].anchor);
        assert_eq!((turn, text, sim), (4, "it was hard to plan", 1.0));
        assert_eq!(start, c.start - 1);
        assert_eq!(end, c.end - 1);
        assert_eq!(start, offset(&new, "it was hard to plan"));
        assert_eq!(start, 175);

        let (turn, start, end, _, sim) = moved(&out[1].anchor);
        assert_eq!(
            (turn, start, end, sim),
            (6, later.start - 1, later.end - 1, 1.0)
        );
        assert_eq!(out[2].anchor, Anchor::Kept);
    }

    #[test]
    fn turn_inserted_before_moves_to_the_next_turn() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace(
            "Interviewer: What was hard",
            "Interviewer: Mm-hm.\n\nInterviewer: What was hard",
        ));
        assert_eq!(new.turns.len(), 7);
        let c = code(&old, "a", 4, "it was hard to plan");
        let first = code(&old, "b", 2, "working in housing");
        let out = reanchor(&old, &new, &[c.clone(), first]);
        let (turn, start, end, text, sim) = moved(&out[0].anchor);
        assert_eq!(turn, 5);
        assert_eq!(text, "it was hard to plan");
        assert_eq!(sim, 1.0);
        // "Mm-hm.\n\nInterviewer: " is 21 code points.
        assert_eq!((start, end), (c.start + 21, c.end + 21));
        assert_eq!(start, offset(&new, "it was hard to plan"));
        assert_eq!(out[1].anchor, Anchor::Kept);
    }

    #[test]
    fn turn_deleted_before_moves_to_the_previous_turn() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace("Interviewer: And now?\n\n", ""));
        let c = code(&old, "a", 6, "a team of five");
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        let (turn, start, end, _, sim) = moved(&out[0].anchor);
        assert_eq!((turn, sim), (5, 1.0));
        assert_eq!((start, end), (c.start - 23, c.end - 23));
    }

    #[test]
    fn lightly_corrected_words_move_fuzzily() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace("recieve", "receive"));
        let c = code(&old, "a", 4, "We did not recieve the funding");
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        let (turn, start, end, text, sim) = moved(&out[0].anchor);
        assert_eq!(turn, 4);
        assert_eq!((start, end), (c.start, c.end));
        assert_eq!(text, "We did not receive the funding");
        // Two substitutions in 30 code points.
        assert!((sim - (1.0 - 2.0 / 30.0)).abs() < 1e-9, "{sim}");
        assert!(sim > 0.8 && sim < 1.0);
    }

    #[test]
    fn fuzzy_match_after_turn_insert_and_length_change() {
        let old = transcript(BASE);
        let new = transcript(
            &BASE
                .replace("recieve the funding", "receive the funds")
                .replace(
                    "Interviewer: How did",
                    "Interviewer: Hello.\n\nP6: Hi.\n\nInterviewer: How did",
                ),
        );
        let c = code(&old, "a", 4, "We did not recieve the funding");
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        let (turn, start, end, text, sim) = moved(&out[0].anchor);
        assert_eq!(turn, 6);
        // Grown to the whole word "funds", not cut at "fund".
        assert_eq!(text, "We did not receive the funds");
        assert_eq!(start, offset(&new, "We did not"));
        assert_eq!(end, start + 28);
        // Two substitutions for "recieve", three edits for "funding" → "funds".
        assert!((sim - (1.0 - 5.0 / 30.0)).abs() < 1e-9, "{sim}");
        // Refused with a stricter threshold, with the similarity in the reason.
        let strict = reanchor_with(&old, &new, &[c], 0.9);
        let why = reason(&strict[0].anchor);
        assert!(
            why.contains("no longer occur in turn 6 or anywhere else"),
            "{why}"
        );
        assert!(why.contains("83% similar (needs 90%)"), "{why}");
    }

    #[test]
    fn a_word_grown_at_the_edge_is_not_quoted_in_half() {
        let old = transcript(BASE);
        let c = code(&old, "a", 6, "a team of five");
        // Same offsets, same characters, but "five" is now part of a longer word.
        let new = transcript(&BASE.replace("a team of five", "a team of fives"));
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        let (turn, start, end, text, sim) = moved(&out[0].anchor);
        assert_eq!((turn, start, end), (6, c.start, c.end + 1));
        assert_eq!(text, "a team of fives");
        assert!((sim - (1.0 - 1.0 / 15.0)).abs() < 1e-9, "{sim}");
        // Grown too much to be the same words: orphaned, not quoted as "… five|fold".
        let new = transcript(&BASE.replace("a team of five", "a team of fivefold"));
        let out = reanchor(&old, &new, &[c]);
        let why = reason(&out[0].anchor);
        assert!(
            why.contains("the closest match in turn 6 is 77% similar"),
            "{why}"
        );
    }

    #[test]
    fn fuzzy_match_snaps_to_word_boundaries() {
        let old = transcript(BASE);
        // The quote's first word changes; an unsnapped match would start mid-word.
        let new = transcript(&BASE.replace("Now it is better", "Nowadays it is better"));
        let c = code(&old, "a", 6, "Now it is better. We have a team");
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        let (turn, start, end, text, sim) = moved(&out[0].anchor);
        assert_eq!(turn, 6);
        assert_eq!(text, "Nowadays it is better. We have a team");
        assert_eq!((start, end), (c.start, c.end + 5));
        assert!((0.8..1.0).contains(&sim), "{sim}");
    }

    #[test]
    fn deleted_words_are_orphaned_with_a_reason() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace(
            "We did not recieve the funding we were promised, so it was hard to plan.",
            "Money was tight.",
        ));
        let c = code(&old, "a", 4, "the funding we were promised");
        let out = reanchor(&old, &new, &[c]);
        let why = reason(&out[0].anchor);
        assert!(
            why.starts_with("the coded words no longer occur in turn 4 or anywhere else"),
            "{why}"
        );
    }

    #[test]
    fn reworded_quote_reports_the_closest_similarity() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace("a team of five", "a group of four"));
        let c = code(&old, "a", 6, "a team of five");
        let out = reanchor(&old, &new, &[c]);
        let why = reason(&out[0].anchor);
        assert!(why.contains("no longer occur in turn 6"), "{why}");
        assert!(why.contains("the closest match in turn 6 is"), "{why}");
        assert!(why.contains("% similar (needs 80%)"), "{why}");
    }

    #[test]
    fn duplicate_phrase_picks_the_aligned_turn() {
        let text = "Interviewer: Tell me about work.\n\n\
            P6: Work was fine. It was hard at first.\n\n\
            Interviewer: And at home?\n\n\
            P6: At home it was hard too, with the kids.\n\n\
            Interviewer: Anything else?\n\n\
            P6: No, that is all.\n";
        let old = transcript(text);
        let c = code(&old, "a", 4, "it was hard");
        // Fix a word earlier in turn 4 so the offsets no longer match.
        let new = transcript(&text.replace("At home it", "At home, it"));
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        let (turn, start, end, _, _) = moved(&out[0].anchor);
        assert_eq!((turn, start, end), (4, c.start + 1, c.end + 1));
    }

    #[test]
    fn duplicate_phrase_prefers_alignment_over_turn_number() {
        let text = "Interviewer: Tell me about work.\n\n\
            P6: Work was fine at the start.\n\n\
            Interviewer: And at home?\n\n\
            P6: At home it was hard, with the kids.\n\n\
            Interviewer: And the move?\n\n\
            P6: The move, it was hard as well.\n";
        let old = transcript(text);
        let c = code(&old, "a", 4, "it was hard");
        // The first two turns are deleted: old turn 4 is now turn 2, and the new turn 4
        // (old turn 6) holds the same words.
        let new = transcript(&text.replace(
            "Interviewer: Tell me about work.\n\nP6: Work was fine at the start.\n\n",
            "",
        ));
        let out = reanchor(&old, &new, &[c]);
        let (turn, start, end, text, sim) = moved(&out[0].anchor);
        assert_eq!((turn, text, sim), (2, "it was hard", 1.0));
        assert_eq!(start, offset(&new, "it was hard, with"));
        assert_eq!(end, start + 11);
    }

    #[test]
    fn words_moved_to_another_turn_are_found_when_unique() {
        let old = transcript(BASE);
        // The transcriber moves a sentence from turn 6 to turn 2.
        let new = transcript(
            &BASE
                .replace(" We have a team of five.", "")
                .replace("in housing.", "in housing. We have a team of five."),
        );
        let c = code(&old, "a", 6, "We have a team of five.");
        let out = reanchor(&old, &new, &[c]);
        let (turn, start, end, _, sim) = moved(&out[0].anchor);
        assert_eq!((turn, sim), (2, 1.0));
        assert_eq!(start, offset(&new, "We have a team"));
        assert_eq!(end, start + 23);
    }

    #[test]
    fn words_elsewhere_more_than_once_are_ambiguous() {
        let text = "Interviewer: First?\n\n\
            P6: Well, it was hard.\n\n\
            Interviewer: Second?\n\n\
            P6: Yes, it was hard.\n\n\
            Interviewer: Third?\n\n\
            P6: Honestly it was hard.\n";
        let old = transcript(text);
        let c = code(&old, "a", 4, "it was hard");
        let new = transcript(&text.replace("Yes, it was hard.", "Yes, quite difficult."));
        let out = reanchor(&old, &new, &[c]);
        let why = reason(&out[0].anchor);
        assert!(why.contains("no longer occur in turn 4"), "{why}");
        assert!(why.contains("occur 2 times elsewhere"), "{why}");
    }

    #[test]
    fn speaker_relabel_moves_every_coding_exactly() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace("P6:", "P06:"));
        let a = code(&old, "a", 2, "working in housing");
        let b = code(&old, "b", 4, "it was hard to plan");
        let c = code(&old, "c", 6, "a team of five");
        let d = code(&old, "d", 3, "What was hard");
        let out = reanchor(&old, &new, &[a.clone(), b.clone(), c.clone(), d.clone()]);
        for (r, (c, shift, turn)) in out.iter().zip([(a, 1, 2), (b, 2, 4), (c, 3, 6), (d, 1, 3)]) {
            let (t, start, end, _, sim) = moved(&r.anchor);
            assert_eq!(
                (t, start, end, sim),
                (turn, c.start + shift, c.end + shift, 1.0)
            );
        }
    }

    #[test]
    fn non_ascii_offsets_are_code_points() {
        let text = "Interviewer: Où étiez-vous?\n\n\
            P6: Au café 🙂 près de la gare, j’étais serveuse.\n\n\
            Interviewer: Et après?\n\n\
            P6: J’ai ouvert mon propre café ☕ en 2019.\n";
        let old = transcript(text);
        let c = code(&old, "a", 4, "mon propre café ☕");
        let d = code(&old, "b", 2, "près de la gare");
        assert_eq!(c.start, offset(&old, "mon propre"));
        assert_ne!(c.start, old.text.find("mon propre").expect("present"));
        // An emoji (one code point, four bytes) inserted early in both turns.
        let new = transcript(
            &text
                .replace("Au café 🙂", "Au café 🙂🙂")
                .replace("J’ai ouvert", "🎉 J’ai ouvert"),
        );
        let out = reanchor(&old, &new, &[c.clone(), d.clone()]);
        let (turn, start, end, q, sim) = moved(&out[0].anchor);
        assert_eq!((turn, q, sim), (4, "mon propre café ☕", 1.0));
        // One emoji earlier in the text plus "🎉 " in the turn: three code points.
        assert_eq!((start, end), (c.start + 3, c.end + 3));
        assert_eq!(end - start, 17);
        assert_eq!(quote(&new, start, end), "mon propre café ☕");
        let (turn, start, end, _, _) = moved(&out[1].anchor);
        assert_eq!((turn, start, end), (2, d.start + 1, d.end + 1));

        // A fuzzy match through accents counts code points too.
        let new = transcript(&text.replace("propre café ☕", "propre cafe ☕"));
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        let (turn, start, end, q, sim) = moved(&out[0].anchor);
        assert_eq!(
            (turn, start, end, q),
            (4, c.start, c.end, "mon propre cafe ☕")
        );
        assert!((sim - (1.0 - 1.0 / 17.0)).abs() < 1e-9);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace("2019", "2018"));
        let len = old.text.chars().count();
        let codings = vec![
            coding("past-end", 2, len + 10, len + 20, "housing"),
            coding("reversed", 2, 40, 30, "housing"),
            coding("turn-0", 0, 0, 5, "Inter"),
            coding("turn-99", 99, 5, 10, "zzz"),
            coding("empty", 2, 40, 40, ""),
            coding("empty-far", 42, 1_000, 1_000, ""),
            coding("whole", 1, 0, len, &old.text),
            coding("huge", usize::MAX, usize::MAX - 1, usize::MAX, "x"),
        ];
        let out = reanchor(&old, &new, &codings);
        assert_eq!(out.len(), codings.len());
        // Out-of-range offsets, but the words are unique: found.
        let (turn, ..) = moved(&out[0].anchor);
        assert_eq!(turn, 2);
        assert!(reason(&out[3].anchor).contains("turn 99"));
        assert_eq!(out[4].anchor, Anchor::Kept);
        assert!(reason(&out[5].anchor).contains("quotes no text"));
        assert!(out[7].anchor.is_orphaned());

        let empty = Transcript {
            format: Format::Txt,
            encoding: Encoding::Utf8,
            text: String::new(),
            header: Vec::new(),
            turns: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
        };
        let out = reanchor(&old, &empty, &codings);
        assert!(out.iter().all(|r| r.anchor.is_orphaned()));
        let out = reanchor(&empty, &new, &codings);
        assert_eq!(out.len(), codings.len());
        let mut broken = old.clone();
        for t in &mut broken.turns {
            t.start += 10_000;
            t.end = 3;
        }
        let _ = reanchor(&broken, &new, &codings);
        let _ = reanchor(&old, &broken, &codings);
        let _ = reanchor_with(&old, &new, &codings, f64::NAN);
    }

    #[test]
    fn apply_to_updates_moved_codings_only() {
        let old = transcript(BASE);
        let new = transcript(&BASE.replace("We did not", "We didn't"));
        let mut c = code(&old, "a", 4, "it was hard to plan");
        let out = reanchor(&old, &new, std::slice::from_ref(&c));
        assert!(out[0].anchor.apply_to(&mut c));
        assert_eq!(quote(&new, c.start, c.end), c.text);
        assert!(!out[0].anchor.apply_to(&mut c));
        assert!(reanchor(&new, &new, &[c])[0].anchor.is_kept());
    }

    /// A deterministic pseudo-random generator (64-bit LCG).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    #[test]
    fn random_edits_give_consistent_answers() {
        let old = transcript(BASE);
        let words: Vec<&str> = BASE.split(' ').collect();
        let mut rng = Lcg(7);
        for round in 0..60 {
            // Random word-level edits: drop, duplicate, or alter a few words.
            let mut edited: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            for _ in 0..1 + rng.next(4) {
                let i = rng.next(edited.len());
                match rng.next(3) {
                    0 => {
                        edited.remove(i);
                    }
                    1 => edited.insert(i, "é🙂".to_string()),
                    _ => edited[i] = edited[i].to_uppercase(),
                }
            }
            let Ok(new) = parse(edited.join(" ").as_bytes(), &Options::default()) else {
                continue;
            };
            let mut codings = Vec::new();
            for (t, turn) in old.turns.iter().enumerate() {
                let n = turn.end - turn.start;
                let s = turn.start + rng.next(n);
                let e = (s + 1 + rng.next(30)).min(turn.end);
                codings.push(coding(
                    &format!("{round}-{t}"),
                    t + 1,
                    s,
                    e,
                    &quote(&old, s, e),
                ));
            }
            for r in reanchor(&old, &new, &codings) {
                match &r.anchor {
                    Anchor::Moved {
                        turn,
                        start,
                        end,
                        text,
                        similarity,
                    } => {
                        assert_eq!(&quote(&new, *start, *end), text);
                        let tr = &new.turns[turn - 1];
                        assert!(tr.start <= *start && *end <= tr.end);
                        assert!((0.8..=1.0).contains(similarity));
                    }
                    Anchor::Kept | Anchor::Orphaned { .. } => {}
                }
            }
        }
    }

    #[test]
    fn many_codings_on_a_long_transcript() {
        // About 45 KB: 300 turns, a coding in each participant turn and one per question.
        let mut source = String::new();
        for i in 0..150 {
            source.push_str(&format!(
                "Interviewer: Question {i}, how did that go for you?\n\n"
            ));
            source.push_str(&format!(
                "P6: In year {i} we worked on the project number {i} with the council and the \
                 tenants, and it went well enough, though the funding for item {i} was late \
                 and the people in block {i} wanted more say in it, é🙂 and so on. We met every week in the hall.\n\n"
            ));
        }
        let old = transcript(&source);
        assert_eq!(old.turns.len(), 300);
        assert!(source.len() > 45_000);
        let mut codings = Vec::new();
        for i in 0..150 {
            codings.push(code(
                &old,
                &format!("p{i}"),
                2 * i + 2,
                &format!("item {i} was late"),
            ));
            codings.push(code(
                &old,
                &format!("q{i}"),
                2 * i + 1,
                &format!("Question {i},"),
            ));
        }
        let new = transcript(
            &source
                .replacen(
                    "Interviewer: Question 3,",
                    "Interviewer: Right.\n\nInterviewer: Question 3,",
                    1,
                )
                .replace("item 100 was late", "item 100 was lately"),
        );
        let out = reanchor(&old, &new, &codings);
        assert_eq!(out.len(), 300);
        let kept = out.iter().filter(|r| r.anchor.is_kept()).count();
        assert_eq!(kept, 6); // turns 1–6 precede the insertion
        assert!(out.iter().all(|r| !r.anchor.is_orphaned()));
        let (turn, start, end, text, sim) = moved(&out[2 * 100].anchor);
        assert_eq!((turn, text), (203, "item 100 was lately"));
        assert_eq!(start, offset(&new, "item 100 was"));
        assert_eq!(end, start + 19);
        assert!(sim > 0.8 && sim < 1.0);
        let (turn, start, _, _, sim) = moved(&out[2 * 100 + 1].anchor);
        assert_eq!((turn, sim), (202, 1.0));
        assert_eq!(start, offset(&new, "Question 100,"));

        // Every turn edited: no turn text survives verbatim, yet each coding stays in its turn.
        let edited = transcript(
            &source
                .replace("é🙂 and so on", "and so on")
                .replace("go for you?", "go for you all?"),
        );
        let out = reanchor(&old, &edited, &codings);
        let mut kept = 0;
        for (r, c) in out.iter().zip(&codings) {
            if r.anchor.is_kept() {
                kept += 1;
                assert_eq!(quote(&edited, c.start, c.end), c.text);
                continue;
            }
            let (turn, start, end, text, sim) = moved(&r.anchor);
            assert_eq!((turn, text, sim), (c.turn, c.text.as_str(), 1.0));
            assert_eq!(quote(&edited, start, end), c.text);
        }
        assert_eq!(kept, 1); // turn 1: its edit comes after the quote
    }
}
