//! Sentence segmentation: the `sentence` unit of coding sheets and agreement.

use unicode_segmentation::UnicodeSegmentation;

/// Words that end in a full stop but almost never end a sentence: titles before a name and
/// Latin abbreviations before an example. A sentence boundary right after one of these is
/// dropped, so `Dr. Patel said` stays one sentence.
const NO_BREAK_AFTER: &[&str] = &[
    "mr.", "mrs.", "ms.", "mx.", "dr.", "prof.", "st.", "e.g.", "i.e.", "cf.", "vs.",
];

/// The sentences of `text`, as `(start, end)` spans in **code points** (Unicode scalar
/// values, end exclusive), in order.
///
/// Boundaries are the Unicode sentence boundaries of [UAX #29] (via `unicode-segmentation`),
/// so they work for any script and are stable across versions of this crate. Three
/// adjustments make them fit speech:
///
/// - each span is trimmed of surrounding whitespace (a span never starts or ends with a
///   space or a line break), and whitespace-only stretches belong to no sentence;
/// - no break after a title or a Latin abbreviation (`Mr.`, `Mrs.`, `Ms.`, `Mx.`, `Dr.`,
///   `Prof.`, `St.`, `e.g.`, `i.e.`, `cf.`, `vs.`), so `Dr. Patel came.` is one sentence
///   (UAX #29 already keeps `etc. and more` together, as a lowercase word follows);
/// - a piece without a letter or digit (`[...]`, a lone dash) joins the sentence before it
///   (or, at the start, the one after it): it is not a sentence anyone would code.
///
/// A line break always ends a sentence (UAX #29 rule SB4). Offsets count code points, like
/// every offset in this crate, so a sentence of a turn is
/// `turn.start + start .. turn.start + end` in [`Transcript::text`](crate::Transcript).
///
/// ```
/// use thematic_transcript::sentences;
///
/// let text = "Café first. Then Dr. Okafor called, e.g. twice!  Why?";
/// let spans = sentences(text);
/// let pieces: Vec<String> = spans
///     .iter()
///     .map(|&(s, e)| text.chars().skip(s).take(e - s).collect())
///     .collect();
/// assert_eq!(pieces, ["Café first.", "Then Dr. Okafor called, e.g. twice!", "Why?"]);
/// assert_eq!(spans[0], (0, 11)); // code points: "é" counts once
/// ```
///
/// [UAX #29]: https://www.unicode.org/reports/tr29/#Sentence_Boundaries
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    // Byte spans first, trimmed; then merged; then converted to code points in one pass.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut glue_next = false;
    for (at, piece) in text.split_sentence_bound_indices() {
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if trimmed.is_empty() {
            continue;
        }
        let span = (at + lead, at + lead + trimmed.len());
        let wordless = !trimmed.chars().any(char::is_alphanumeric);
        match spans.last_mut() {
            Some(last) if glue_next || wordless => last.1 = span.1,
            _ => spans.push(span),
        }
        glue_next = ends_with_abbreviation(trimmed);
    }
    // A wordless first piece joins the sentence after it.
    if spans.len() > 1
        && !text[spans[0].0..spans[0].1]
            .chars()
            .any(char::is_alphanumeric)
    {
        let first = spans.remove(0);
        spans[0].0 = first.0;
    }
    to_code_points(text, &spans)
}

/// Whether `piece` ends with a word after which a boundary is dropped.
fn ends_with_abbreviation(piece: &str) -> bool {
    let last = piece
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(['(', '[', '"', '\'', '“', '‘']);
    NO_BREAK_AFTER
        .iter()
        .any(|a| last.len() == a.len() && last.eq_ignore_ascii_case(a))
}

/// Converts sorted, non-overlapping byte spans of `text` into code-point spans.
fn to_code_points(text: &str, spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(spans.len());
    let mut chars = 0;
    let mut byte = 0;
    let mut advance = |to: usize| {
        chars += text[byte..to].chars().count();
        byte = to;
        chars
    };
    for &(start, end) in spans {
        let s = advance(start);
        let e = advance(end);
        out.push((s, e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<String> {
        sentences(text)
            .iter()
            .map(|&(s, e)| text.chars().skip(s).take(e - s).collect())
            .collect()
    }

    #[test]
    fn sentences_are_code_point_spans_in_non_ascii_text() {
        let text = "Zoë liked it. «Très bien», she said.  Ça va?";
        assert_eq!(sentences(text), [(0, 13), (14, 36), (38, 44)]);
        assert_eq!(
            pieces(text),
            ["Zoë liked it.", "«Très bien», she said.", "Ça va?"]
        );
    }

    #[test]
    fn sentences_in_scripts_without_spaces() {
        // CJK full stops are sentence terminators; emoji and combining marks count by
        // code point.
        let text = "我很好。你呢？👍🏽 Fine.";
        assert_eq!(pieces(text), ["我很好。", "你呢？", "👍🏽 Fine."]);
        assert_eq!(sentences(text), [(0, 4), (4, 7), (7, 15)]);
    }

    #[test]
    fn sentences_are_trimmed_and_whitespace_is_no_sentence() {
        assert_eq!(sentences(""), []);
        assert_eq!(sentences("  \n\t "), []);
        assert_eq!(sentences("  Hello there.  "), [(2, 14)]);
    }

    #[test]
    fn sentences_break_at_line_breaks() {
        assert_eq!(
            pieces("no full stop here\nnext line"),
            ["no full stop here", "next line"]
        );
    }

    #[test]
    fn sentences_keep_titles_and_latin_abbreviations_with_what_follows() {
        assert_eq!(
            pieces(
                "I saw Dr. Okafor and Mrs. Bell. Things, e.g. Walking, help. See (cf. Smith) too."
            ),
            [
                "I saw Dr. Okafor and Mrs. Bell.",
                "Things, e.g. Walking, help.",
                "See (cf. Smith) too."
            ]
        );
        // UAX #29 itself keeps a lowercase continuation; a capital after "etc." starts anew.
        assert_eq!(
            pieces("Cats, dogs etc. were there. Dogs etc. Then more."),
            ["Cats, dogs etc. were there.", "Dogs etc.", "Then more."]
        );
    }

    #[test]
    fn sentences_attach_wordless_pieces() {
        assert_eq!(
            pieces("It was hard. [...] Then it got better."),
            ["It was hard. [...]", "Then it got better."]
        );
        assert_eq!(pieces("... Well. Yes."), ["... Well.", "Yes."]);
        assert_eq!(pieces("?!"), ["?!"]);
    }
}
