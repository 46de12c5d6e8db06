//! The one matcher for known terms: whole words, case-insensitive except for a name's
//! capitals, longest first, never overlapping. `anonymise apply`, `check --identifiers` and the export guards all find
//! terms through it, so what the review lists is exactly what gets replaced.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// One occurrence of a term in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Match {
    /// First code point of the occurrence.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// Which term matched: its index in the list given to [`find_terms`] or
    /// [`TermMatcher::new`].
    pub term_index: usize,
}

/// Finds every occurrence of `terms` in `text`: whole words (a term that starts or ends with
/// a letter or digit must not continue a word there), case-insensitive (Unicode simple
/// lower case), and where occurrences overlap the longest wins (then the earliest, then the
/// lowest index). The matches come back in text order, in code points.
///
/// One exception to "case-insensitive": a term made only of words (letters, `'`, `-`, `.`
/// and spaces; no digits, `@` or `/`) keeps the capitals that start its words. "May" then
/// matches "May" and "MAY" but not the verb "may", and "Will" leaves "I will" alone; a
/// researcher who wants every case writes the term in lower case ("may"). Addresses,
/// numbers and codes match in any case.
///
/// ```
/// use thematic_anonymise::find_terms;
/// let text = "John Smith met John. Johnny did not.";
/// let found = find_terms(text, &["john", "John Smith"]);
/// let spans: Vec<_> = found.iter().map(|m| (m.start, m.end, m.term_index)).collect();
/// // "John Smith" (0..10) wins over "John" inside it; "John" at 15..19; "Johnny" is a
/// // different word.
/// assert_eq!(spans, [(0, 10, 1), (15, 19, 0)]);
/// ```
///
/// Building the matcher costs time proportional to the terms; to search many texts for the
/// same terms, build a [`TermMatcher`] once.
pub fn find_terms<S: AsRef<str>>(text: &str, terms: &[S]) -> Vec<Match> {
    TermMatcher::new(terms).find(text)
}

/// A set of terms compiled once for [`TermMatcher::find`] over many texts. Empty (or
/// all-space) terms never match.
#[derive(Debug, Clone)]
pub struct TermMatcher {
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern, the caller's index and the pattern's length in code
    /// points and whether its first and last characters are word characters.
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    index: usize,
    chars: usize,
    word_start: bool,
    word_end: bool,
    /// Code points (from the term's start) that must be capitals in the text: the first
    /// letter of each capitalised word of a term made only of words. Empty for the rest.
    capitals: Option<Box<[usize]>>,
}

impl TermMatcher {
    /// Compiles `terms`. Runs of white space in a term match exactly one space.
    pub fn new<S: AsRef<str>>(terms: &[S]) -> TermMatcher {
        let mut folded = Vec::new();
        let mut patterns = Vec::new();
        for (index, term) in terms.iter().enumerate() {
            let key = fold_term(term.as_ref());
            let Some(first) = key.chars().next() else {
                continue;
            };
            let last = key.chars().next_back().unwrap_or(first);
            patterns.push(Pattern {
                index,
                chars: key.chars().count(),
                word_start: is_word_char(first),
                word_end: is_word_char(last),
                capitals: word_capitals(term.as_ref()),
            });
            folded.push(key);
        }
        let automaton = if folded.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&folded)
                .ok()
        };
        TermMatcher {
            automaton,
            patterns,
        }
    }

    /// Whether no term can match.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The occurrences in `text`, as [`find_terms`] describes.
    pub fn find(&self, text: &str) -> Vec<Match> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        // Which characters are capitals, only when some term keeps its capitals.
        let folded = Folded::new(text, self.patterns.iter().any(|p| p.capitals.is_some()));
        let mut all = Vec::new();
        for m in automaton.find_overlapping_iter(folded.text.as_str()) {
            let pattern = &self.patterns[m.pattern().as_usize()];
            let start = folded.cp(m.start());
            let end = start + pattern.chars;
            if pattern.word_start && start > 0 && is_word_char(folded.chars[start - 1]) {
                continue;
            }
            if pattern.word_end && end < folded.chars.len() && is_word_char(folded.chars[end]) {
                continue;
            }
            if let (Some(capitals), Some(upper)) = (&pattern.capitals, &folded.upper)
                && !capitals
                    .iter()
                    .all(|&i| upper.get(start + i).copied().unwrap_or(false))
            {
                continue;
            }
            all.push(Match {
                start,
                end,
                term_index: pattern.index,
            });
        }
        choose(all)
    }
}

/// Keeps the longest matches first, then the earliest, then the lowest term index, dropping
/// any that overlap one already kept; returns them in text order.
fn choose(mut all: Vec<Match>) -> Vec<Match> {
    all.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
            .then(a.term_index.cmp(&b.term_index))
    });
    let mut kept: std::collections::BTreeMap<usize, Match> = std::collections::BTreeMap::new();
    for m in all {
        let before = kept.range(..m.end).next_back();
        if before.is_some_and(|(_, k)| k.end > m.start) {
            continue;
        }
        kept.insert(m.start, m);
    }
    kept.into_values().collect()
}

/// The words of a text, kept small (a sorted hash per distinct word), to tell without the
/// text whether a term could occur in it: [`WordSet::may_hold`] is true for every term
/// [`find_terms`] finds in the text (and, rarely, for one it does not).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordSet {
    hashes: Vec<u64>,
}

impl WordSet {
    /// The distinct words of `text`: runs of letters, digits and `_`, folded as the matcher
    /// folds them.
    pub fn of(text: &str) -> WordSet {
        let mut hashes = word_hashes(text);
        hashes.sort_unstable();
        hashes.dedup();
        WordSet { hashes }
    }

    /// Whether every word of `term` is a word of the text: always so when [`find_terms`]
    /// finds `term` there, since a match's inner words are bounded by the term's own
    /// punctuation and its outer ones by word boundaries. A term with no word at all
    /// ("***") may be anywhere.
    pub fn may_hold(&self, term: &str) -> bool {
        word_hashes(term)
            .iter()
            .all(|h| self.hashes.binary_search(h).is_ok())
    }

    /// How many distinct words.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the text has no word.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// A hash of each word of `text` (folded), in text order: FNV-1a over the folded code
/// points, written here because it is four lines and needs no table.
fn word_hashes(text: &str) -> Vec<u64> {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut out = Vec::new();
    let mut h: Option<u64> = None;
    for c in text.chars() {
        if is_word_char(c) {
            let mut v = h.unwrap_or(OFFSET);
            v = (v ^ u64::from(u32::from(fold_char(c)))).wrapping_mul(PRIME);
            h = Some(v);
        } else if let Some(v) = h.take() {
            out.push(v);
        }
    }
    out.extend(h);
    out
}

/// Whether [`find_terms`] keeps `term`'s capitals: a term made only of words with a
/// capitalised word ("May", "Bath Road"), which then does not match the same words written
/// in lower case.
pub fn keeps_capitals(term: &str) -> bool {
    word_capitals(term).is_some()
}

/// For a term made only of words, the code points (in its folded form, where white space
/// runs are one space) of the capitals that start its words; `None` when it has none or
/// holds anything but letters, `'`, `’`, `-`, `.` and white space.
fn word_capitals(term: &str) -> Option<Box<[usize]>> {
    let wordy = term
        .chars()
        .all(|c| c.is_alphabetic() || c.is_whitespace() || matches!(c, '\'' | '’' | '-' | '.'));
    if !wordy {
        return None;
    }
    let mut capitals = Vec::new();
    let mut at = 0;
    for (n, word) in term.split_whitespace().enumerate() {
        if n > 0 {
            at += 1; // the one space between words
        }
        if word.chars().next().is_some_and(char::is_uppercase) {
            capitals.push(at);
        }
        at += word.chars().count();
    }
    (!capitals.is_empty()).then(|| capitals.into_boxed_slice())
}

/// Whether `c` continues a word: a letter, a digit or `_`.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A character's simple lower case: its lower case when that is one character, else
/// itself, so a folded text has as many code points as the original.
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// A term folded for matching: simple lower case, white space runs as one space, trimmed.
pub fn fold_term(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for word in term.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(fold_char));
    }
    out
}

/// A text folded character by character, with the way back from bytes to code points.
struct Folded {
    text: String,
    chars: Vec<char>,
    /// Byte offset (in `text`) of each code point, when the text is not all ASCII.
    starts: Option<Vec<usize>>,
    /// Whether each code point of the original is a capital, when asked for.
    upper: Option<Vec<bool>>,
}

impl Folded {
    /// `text` folded, with which of its characters are capitals when `capitals`.
    fn new(text: &str, capitals: bool) -> Folded {
        let mut upper = capitals.then(|| Vec::with_capacity(text.len()));
        let chars: Vec<char> = text
            .chars()
            .map(|c| {
                if let Some(u) = upper.as_mut() {
                    u.push(c.is_uppercase());
                }
                fold_char(c)
            })
            .collect();
        let folded: String = chars.iter().collect();
        let starts = (!folded.is_ascii()).then(|| folded.char_indices().map(|(b, _)| b).collect());
        Folded {
            text: folded,
            chars,
            starts,
            upper,
        }
    }

    fn cp(&self, byte: usize) -> usize {
        match &self.starts {
            None => byte,
            Some(starts) => starts.partition_point(|&b| b < byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, terms: &[&str]) -> Vec<(usize, usize, usize)> {
        find_terms(text, terms)
            .into_iter()
            .map(|m| (m.start, m.end, m.term_index))
            .collect()
    }

    #[test]
    fn whole_words_only() {
        // "Ann" inside "Anna" and "Joanne" is not a match; "Ann," and "Ann's" are.
        assert_eq!(
            spans("Anna, Joanne, Ann, Ann's", &["ann"]),
            [(14, 17, 0), (19, 22, 0)]
        );
    }

    #[test]
    fn case_insensitive_and_code_points() {
        // "Zoë" starts at code point 6 ("Hello " is 6 code points); "café " is 5 code
        // points (é is one), then "and " is 4, so "ZOË" starts at 9.
        assert_eq!(spans("Hello Zoë", &["zoë"]), [(6, 9, 0)]);
        assert_eq!(spans("café and ZOË", &["Zoë"]), [(9, 12, 0)]);
    }

    #[test]
    fn a_capitalised_name_leaves_the_ordinary_word_alone() {
        // "I may ask May. MAY!": the verb at 2..5 stays; "May" at 10..13 and "MAY" at
        // 15..18 are the name.
        assert_eq!(
            spans("I may ask May. MAY!", &["May"]),
            [(10, 13, 0), (15, 18, 0)]
        );
        // Written in lower case, the term matches every case.
        assert_eq!(spans("I may ask May.", &["may"]), [(2, 5, 0), (10, 13, 0)]);
        // Each capitalised word of a longer name keeps its capital: "Bath road" is not the
        // place "Bath Road", but "BATH ROAD" is.
        assert_eq!(spans("Bath road, BATH ROAD", &["Bath Road"]), [(11, 20, 0)]);
        // Only the first letter of a word counts: "Mcdonald" still matches "McDonald".
        assert_eq!(spans("Mr Mcdonald", &["McDonald"]), [(3, 11, 0)]);
    }

    #[test]
    fn addresses_and_codes_match_in_any_case() {
        // An e-mail address or a postcode is not a name: its capitals do not matter.
        assert_eq!(
            spans(
                "mail Ann.Lee@Example.org or ann.lee@example.org",
                &["Ann.Lee@Example.org"]
            ),
            [(5, 24, 0), (28, 47, 0)]
        );
        assert_eq!(spans("at ls6 3qs", &["LS6 3QS"]), [(3, 10, 0)]);
    }

    #[test]
    fn longest_first_never_overlapping() {
        // "Mary Ann Smith": the three-word term wins over both shorter ones.
        assert_eq!(
            spans(
                "Mary Ann Smith and Mary",
                &["Mary", "Ann Smith", "Mary Ann Smith"]
            ),
            [(0, 14, 2), (19, 23, 0)]
        );
    }

    #[test]
    fn duplicate_terms_report_the_first_index() {
        assert_eq!(spans("see Leeds", &["Leeds", "leeds"]), [(4, 9, 0)]);
    }

    #[test]
    fn terms_with_punctuation_edges_need_no_word_boundary_there() {
        // A phone number starting with "+" matches after a letter-free edge.
        assert_eq!(
            spans("call +44 7700 900123.", &["+44 7700 900123"]),
            [(5, 20, 0)]
        );
        // Spaces in a term match one space only after folding white space runs in the term.
        assert_eq!(spans("New York", &["New   York"]), [(0, 8, 0)]);
    }

    #[test]
    fn a_word_set_holds_every_term_the_matcher_finds() {
        let text = "Call Ann.Lee@Example.org or +44 7700 900123; Mary-Ann said ZOË's fine.";
        let words = WordSet::of(text);
        // Each of these is found in the text, so each must be held.
        for term in [
            "ann.lee@example.org",
            "+44 7700 900123",
            "Mary-Ann",
            "Zoë",
            "Ann",
        ] {
            assert!(!find_terms(text, &[term]).is_empty(), "{term}");
            assert!(words.may_hold(term), "{term}");
        }
        // A term with no word may be anywhere.
        assert!(words.may_hold("***"));
        // A word the text does not have: not held.
        assert!(!words.may_hold("Leeds"));
        assert!(!words.may_hold("Mary Smith"));
        // Words are told apart whole: "Ann" is a word of "Ann's", not of "Anna".
        assert!(!WordSet::of("Anna came").may_hold("Ann"));
        assert!(WordSet::of("Ann's coat").may_hold("Ann"));
    }

    #[test]
    fn empty_terms_never_match() {
        assert!(spans("anything", &["", "  "]).is_empty());
        assert!(TermMatcher::new::<&str>(&[]).is_empty());
    }
}
