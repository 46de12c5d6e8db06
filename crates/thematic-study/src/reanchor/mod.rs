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
//! The work is split by idea: `doc` prepares a transcript for searching in code points,
//! `align` pairs old turns with new ones, `fuzzy` finds the closest substring to a quote,
//! and `place` decides each coding's [`Anchor`] from those.
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

use thematic_transcript::Transcript;

use crate::codings::Coding;

mod align;
mod doc;
mod fuzzy;
mod place;
#[cfg(test)]
mod tests;

use align::align_turns;
use doc::Doc;
use place::Context;

/// The least similarity (0–1) a fuzzy match needs to be accepted by [`reanchor`]:
/// `1 − edit distance / max(quoted length, match length)`, in code points.
pub const MIN_SIMILARITY: f64 = 0.8;

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

/// `1 − levenshtein / max(len)` of two quotes, as [`Anchor::Moved`] reports it.
pub(crate) fn quote_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    fuzzy::similarity(&a, &b)
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
