//! Turn alignment, old to new: identical leading and trailing turns, then turns whose
//! text is identical and unique on both sides (patience-diff anchors), then a banded
//! weighted alignment of the turns between anchors by character-bigram similarity, with a
//! bonus for the same speaker.

use std::collections::HashMap;

use super::doc::Doc;

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

/// Old turn index → new turn index, monotonic.
pub(super) fn align_turns(old: &Doc<'_>, new: &Doc<'_>) -> Vec<Option<usize>> {
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
