//! The words of a text, with what the name rules need to know about each: where it is
//! (bytes and code points), whether it is capitalised or an acronym, and whether it opens a
//! sentence.

use crate::matcher::fold_char;

/// A word of the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'t> {
    /// The word as written.
    pub(crate) text: &'t str,
    /// Byte range.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Code-point range.
    pub(crate) cp_start: usize,
    pub(crate) cp_end: usize,
    /// First letter upper case and some lower case after it (`Tom`, `McDonald`, not `NHS`).
    pub(crate) cap: bool,
    /// First word of a sentence, a line or a turn.
    pub(crate) sentence_start: bool,
    /// All capitals, two to six letters (`UK`, `NHS`, `CAB`).
    pub(crate) acronym: bool,
}

/// The words of `text`: letters, with inner apostrophes and hyphens (`O'Brien`,
/// `Mary-Jane`).
pub(crate) fn tokenize(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut cp = 0;
    let mut iter = text.char_indices().peekable();
    let mut boundary = true; // a sentence boundary since the last word
    while let Some((b, c)) = iter.next() {
        if !c.is_alphabetic() {
            if matches!(
                c,
                '.' | '!' | '?' | ':' | ';' | '\n' | '…' | ']' | '"' | '“' | '”'
            ) {
                boundary = true;
            }
            cp += 1;
            continue;
        }
        let start = b;
        let cp_start = cp;
        let mut end = b + c.len_utf8();
        cp += 1;
        let mut upper = usize::from(c.is_uppercase());
        let mut lower = 0;
        while let Some(&(b2, c2)) = iter.peek() {
            if c2.is_alphabetic() {
                upper += usize::from(c2.is_uppercase());
                lower += usize::from(c2.is_lowercase());
                end = b2 + c2.len_utf8();
                cp += 1;
                iter.next();
            } else if matches!(c2, '\'' | '’' | '-')
                && inner_joiner(c2, &text[b2 + c2.len_utf8()..])
            {
                end = b2 + c2.len_utf8();
                cp += 1;
                iter.next();
            } else {
                break;
            }
        }
        let word = &text[start..end];
        let cap = c.is_uppercase() && lower > 0 && upper <= 3;
        words.push(Word {
            text: word,
            start,
            end,
            cp_start,
            cp_end: cp,
            cap,
            sentence_start: boundary,
            acronym: lower == 0
                && (2..=6).contains(&upper)
                && upper == word.chars().filter(|c| c.is_alphabetic()).count(),
        });
        boundary = false;
    }
    words
}

/// The words folded to lower case ([`fold_char`]) in one buffer.
#[derive(Debug)]
pub(crate) struct Folds {
    text: String,
    ranges: Vec<(usize, usize)>,
}

impl Folds {
    pub(crate) fn new(words: &[Word<'_>]) -> Folds {
        let mut text = String::with_capacity(words.iter().map(|w| w.text.len()).sum());
        let mut ranges = Vec::with_capacity(words.len());
        for w in words {
            let from = text.len();
            text.extend(w.text.chars().map(fold_char));
            ranges.push((from, text.len()));
        }
        Folds { text, ranges }
    }

    /// Word `i`, folded.
    pub(crate) fn get(&self, i: usize) -> &str {
        let (from, to) = self.ranges[i];
        &self.text[from..to]
    }
}

/// Whether an apostrophe or hyphen followed by `rest` joins two parts of one word
/// (`O'Brien`, `Mary-Jane`, `O'Sullivan`) rather than starting a possessive `'s`.
fn inner_joiner(joiner: char, rest: &str) -> bool {
    let mut next = rest.chars();
    let (Some(first), second) = (next.next(), next.next()) else {
        return false;
    };
    if !first.is_alphabetic() {
        return false;
    }
    let possessive_s = matches!(first, 's' | 'S') && !second.is_some_and(char::is_alphabetic);
    joiner == '-' || !possessive_s
}

/// Whether word `w` is part of an e-mail or web address.
pub(crate) fn in_address(text: &str, w: &Word<'_>) -> bool {
    let from = text[..w.start]
        .rfind(char::is_whitespace)
        .map_or(0, |i| i + 1);
    let to = text[w.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| w.end + i);
    crate::context::is_address(&text[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_apostrophes_but_not_possessive_s() {
        let w: Vec<_> = tokenize("O'Brien and Mary-Jane's dog, Tom's, O'Sullivan's")
            .iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(
            w,
            [
                "O'Brien",
                "and",
                "Mary-Jane",
                "s",
                "dog",
                "Tom",
                "s",
                "O'Sullivan",
                "s"
            ]
        );
    }
}
