//! `--trim`: a quote cut back to whole sentences, with an ellipsis where words were left out.
//!
//! The sentences are those of the quoted turn ([`thematic_transcript::sentences`]).
//!
//! - When the passage holds at least one whole sentence, the quote is its whole sentences:
//!   a fragment before the first or after the last is dropped, and `…` marks the side it
//!   was dropped from.
//! - When it holds none (it lies inside one sentence, or straddles two without holding
//!   either), the coded words are kept, and `…` marks a side where the sentence goes on.
//!
//! So `…` appears wherever the quote's edge is not the edge of what the speaker said.

use thematic_transcript::{Transcript, sentences};

use crate::passages::Passage;

/// The ellipsis written where words are left out.
pub(crate) const ELLIPSIS: char = '…';

/// `(start, end, text)` of `p` trimmed to whole sentences of its turn in `t`; `None` when the
/// passage's words are no longer those of the transcript there. A passage outside every
/// turn, or crossing turns, is kept as it is.
pub(crate) fn trim(t: &Transcript, p: &Passage) -> Option<(usize, usize, String)> {
    let Some(turn) = t
        .turns
        .iter()
        .find(|u| u.start <= p.start && p.start < u.end)
    else {
        return Some((p.start, p.end, p.text.clone()));
    };
    if p.end > turn.end {
        return Some((p.start, p.end, p.text.clone()));
    }
    let text = turn.text(&t.text);
    let chars: Vec<char> = text.chars().collect();
    let (s, e) = (p.start - turn.start, p.end - turn.start);
    if !chars.get(s..e)?.iter().copied().eq(p.text.chars()) {
        return None;
    }
    let spans = sentences(text);
    let words = |a: usize, b: usize| chars[a.min(b)..b].iter().any(|c| c.is_alphanumeric());
    let whole: Vec<&(usize, usize)> = spans
        .iter()
        .filter(|&&(ss, se)| ss >= s && se <= e)
        .collect();
    let (ns, ne, lead, trail) = match (whole.first(), whole.last()) {
        (Some(&&(first, _)), Some(&&(_, last))) => (first, last, words(s, first), words(last, e)),
        _ => {
            // Inside one sentence: keep the coded words, without surrounding white space.
            let ns = (s..e).find(|&i| !chars[i].is_whitespace()).unwrap_or(s);
            let ne = (ns..e)
                .rev()
                .find(|&i| !chars[i].is_whitespace())
                .map_or(ns, |i| i + 1);
            let around = |at: usize| spans.iter().find(|&&(ss, se)| ss <= at && at < se);
            let lead = around(ns).is_some_and(|&(ss, _)| words(ss, ns));
            let trail = ne > ns && around(ne - 1).is_some_and(|&(_, se)| words(ne, se));
            (ns, ne, lead, trail)
        }
    };
    let mut out = String::new();
    if lead {
        out.push(ELLIPSIS);
        out.push(' ');
    }
    out.extend(&chars[ns..ne]);
    if trail {
        out.push(' ');
        out.push(ELLIPSIS);
    }
    Some((turn.start + ns, turn.start + ne, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript() -> Transcript {
        thematic_transcript::parse(
            "Interviewer: What matters?\n\nP6: Finding out what matters to them, really. Then we set small goals together. It works.\n".as_bytes(),
            &thematic_transcript::Options::default(),
        )
        .unwrap()
    }

    fn passage(t: &Transcript, words: &str) -> Passage {
        let turn = &t.turns[1];
        let turn_text = turn.text(&t.text);
        let at = turn_text.find(words).unwrap();
        let start = turn.start + turn_text[..at].chars().count();
        Passage {
            theme: "x".into(),
            transcript: "P6".into(),
            participant: "P6".into(),
            turn: 2,
            start,
            end: start + words.chars().count(),
            text: words.into(),
            coders: vec!["KW".into()],
        }
    }

    fn trimmed(words: &str) -> String {
        let t = transcript();
        trim(&t, &passage(&t, words)).unwrap().2
    }

    #[test]
    fn fragments_around_whole_sentences_are_dropped_and_marked() {
        assert_eq!(
            trimmed("them, really. Then we set small goals together. It"),
            "… Then we set small goals together. …"
        );
        assert_eq!(
            trimmed("Then we set small goals together."),
            "Then we set small goals together."
        );
        assert_eq!(
            trimmed("really. Then we set small goals together. It works."),
            "… Then we set small goals together. It works."
        );
    }

    #[test]
    fn words_inside_one_sentence_are_kept_and_the_cut_sides_marked() {
        assert_eq!(trimmed("what matters to them"), "… what matters to them …");
        assert_eq!(trimmed("Finding out what"), "Finding out what …");
        assert_eq!(trimmed("small goals together."), "… small goals together.");
    }

    #[test]
    fn the_span_returned_is_that_of_the_words_kept() {
        let t = transcript();
        let p = passage(&t, "them, really. Then we set small goals together. It");
        let (s, e, _) = trim(&t, &p).unwrap();
        let kept: String = t.text.chars().skip(s).take(e - s).collect();
        assert_eq!(kept, "Then we set small goals together.");
    }

    #[test]
    fn a_passage_whose_words_changed_is_refused() {
        let t = transcript();
        let mut p = passage(&t, "what matters to them");
        p.text = "what mattered to them".into();
        assert_eq!(trim(&t, &p), None);
    }
}
