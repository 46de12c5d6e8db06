//! Fuzzy matching of a quote inside one turn: Sellers' semi-global edit distance finds the
//! closest substring, which is then snapped to word boundaries and scored by similarity.

use super::doc::{Doc, is_word};

/// The largest fuzzy search (quote length × turn length, in code points) attempted; beyond
/// it (a quote of tens of thousands of characters) the fuzzy step is skipped rather than
/// taking seconds.
const MAX_FUZZY_CELLS: usize = 50_000_000;

/// The best fuzzy match of `pattern` in new turn `j`, snapped to word boundaries where
/// the old quote started or ended on one (`snap`) and not starting or ending with
/// whitespace the quote did not have. Among candidates, one at least `min_similarity`
/// similar comes first. `None` when there is no such candidate.
pub(super) fn closest(
    new: &Doc<'_>,
    j: usize,
    pattern: &[char],
    expected: usize,
    snap: (bool, bool),
    min_similarity: f64,
) -> Option<Match> {
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
                similarity >= min_similarity,
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

/// A fuzzy match: a code-point span of the new text and its similarity to the quote.
#[derive(Debug, Clone, Copy)]
pub(super) struct Match {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) similarity: f64,
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
pub(super) fn similarity(a: &[char], b: &[char]) -> f64 {
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
