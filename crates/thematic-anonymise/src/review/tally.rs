//! From candidates in many texts to a review: the distinct terms in the order first seen,
//! their counts over the whole study, an example each, and consistent replacements.

use std::collections::HashMap;

use super::{Decision, Review, ReviewRow};
use crate::context::{Candidate, ScanContext};
use crate::kind::{Kind, Rule};
use crate::matcher::{TermMatcher, fold_term};

/// Characters of context either side of a term in the `example` column.
const EXAMPLE_CONTEXT: usize = 40;

/// The distinct terms found so far, in the order first seen. Scan texts in a fixed order
/// (or scan in parallel and [`Findings::extend`] in that order) and the review is the
/// same every time.
///
/// ```
/// use thematic_anonymise::{Findings, ScanContext, TermMatcher, count_matches, scan};
/// let ctx = ScanContext::new();
/// let texts = [("P1", "Write to amir@example.org."), ("P2", "amir@example.org again")];
/// let mut findings = Findings::new();
/// for (source, text) in texts {
///     findings.add(source, text, &scan(text, &ctx));
/// }
/// // Count every occurrence, as `apply` will find them.
/// let matcher = findings.matcher();
/// let mut counts = vec![0; findings.len()];
/// for (_, text) in texts {
///     count_matches(text, &matcher, &mut counts);
/// }
/// let review = findings.into_review(&counts, &ctx);
/// let row = &review.rows()[0];
/// assert_eq!((row.term.as_str(), row.count, row.replacement.as_str()), ("amir@example.org", 2, "[Email]"));
/// assert_eq!(row.example, "P1: Write to amir@example.org.");
/// ```
#[derive(Debug, Default, Clone)]
pub struct Findings {
    found: Vec<Found>,
    index: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
struct Found {
    term: String,
    kind: Kind,
    rule: Rule,
    example: String,
}

impl Findings {
    /// No terms yet.
    pub fn new() -> Findings {
        Findings::default()
    }

    /// The number of distinct terms.
    pub fn len(&self) -> usize {
        self.found.len()
    }

    /// Whether no term was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The distinct terms, in the order first seen.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.found.iter().map(|f| f.term.as_str())
    }

    /// Adds the candidates found in `text` (from `source`, a transcript id, shown in the
    /// example). A term found again keeps its first example; its rule becomes the surer of
    /// the two.
    pub fn add(&mut self, source: &str, text: &str, candidates: &[Candidate]) {
        let mut chars: Option<Vec<char>> = None;
        for c in candidates {
            let key = fold_term(&c.term);
            if key.is_empty() {
                continue;
            }
            if let Some(&i) = self.index.get(&key) {
                let f = &mut self.found[i];
                if c.rule.strength() > f.rule.strength() {
                    f.rule = c.rule;
                    f.kind = c.kind;
                }
                continue;
            }
            let chars = chars.get_or_insert_with(|| text.chars().collect());
            let example = example(source, chars, c.start, c.end);
            self.index.insert(key, self.found.len());
            self.found.push(Found {
                term: c.term.split_whitespace().collect::<Vec<_>>().join(" "),
                kind: c.kind,
                rule: c.rule,
                example,
            });
        }
    }

    /// Adds another set of findings after these (terms already here keep their place).
    pub fn extend(&mut self, other: Findings) {
        for f in other.found {
            let key = fold_term(&f.term);
            match self.index.get(&key) {
                Some(&i) => {
                    let mine = &mut self.found[i];
                    if f.rule.strength() > mine.rule.strength() {
                        mine.rule = f.rule;
                        mine.kind = f.kind;
                    }
                }
                None => {
                    self.index.insert(key, self.found.len());
                    self.found.push(f);
                }
            }
        }
    }

    /// A matcher over the terms, in order: the counts given to [`Findings::into_review`]
    /// are indexed like it.
    pub fn matcher(&self) -> TermMatcher {
        TermMatcher::new(
            &self
                .found
                .iter()
                .map(|f| f.term.as_str())
                .collect::<Vec<_>>(),
        )
    }

    /// The review: one row per term with its count (`counts[i]` for the i-th term; see
    /// [`count_matches`]), the decision prefilled (`review` for guesses, `replace` for the
    /// rest) and a replacement prefilled consistently:
    ///
    /// - a known participant's name becomes their id in brackets (`[P3]`);
    /// - other people are numbered in the order first seen, `[Name 1]`, `[Name 2]`, …; a
    ///   single word that is the first or last word of a full name already numbered
    ///   ("Margaret" after "Margaret Hughes") gets the same number, and the other way round;
    /// - other kinds get their bracketed placeholder: `[Place]`, `[Organisation]`,
    ///   `[Email]`, `[Phone]`, `[Postcode]`, `[ZIP code]`, `[Date]`, `[URL]`,
    ///   `[NHS number]`, `[NI number]`, `[ID number]`.
    pub fn into_review(self, counts: &[usize], ctx: &ScanContext) -> Review {
        let mut numbers: Vec<(String, usize)> = Vec::new(); // folded person term → n
        let mut next = 1;
        let mut rows = Vec::with_capacity(self.found.len());
        for (i, f) in self.found.into_iter().enumerate() {
            let replacement = if f.kind.is_person() {
                match ctx.label_of(&f.term) {
                    Some(label) => format!("[{label}]"),
                    None => {
                        let key = fold_term(&f.term);
                        let n = numbers
                            .iter()
                            .find(|(other, _)| shares_a_name(&key, other))
                            .map(|(_, n)| *n)
                            .unwrap_or_else(|| {
                                next += 1;
                                next - 1
                            });
                        numbers.push((key, n));
                        format!("[Name {n}]")
                    }
                }
            } else {
                f.kind.placeholder().to_owned()
            };
            rows.push(ReviewRow {
                term: f.term,
                kind: f.kind,
                rule: f.rule,
                count: counts.get(i).copied().unwrap_or(0),
                example: f.example,
                decision: if f.rule.is_guess() {
                    Decision::Review
                } else {
                    Decision::Replace
                },
                replacement,
                note: String::new(),
            });
        }
        Review::from_rows(rows)
    }
}

/// Adds to `counts[i]` the occurrences in `text` of the matcher's i-th term.
pub fn count_matches(text: &str, matcher: &TermMatcher, counts: &mut [usize]) {
    for m in matcher.find(text) {
        if let Some(c) = counts.get_mut(m.term_index) {
            *c += 1;
        }
    }
}

/// Whether one folded name is the first or last word of the other (a full name).
fn shares_a_name(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.contains(' ') || !long.contains(' ') {
        return false;
    }
    long.split(' ').next() == Some(short) || long.rsplit(' ').next() == Some(short)
}

/// `source: …context term context…` on one line.
fn example(source: &str, chars: &[char], start: usize, end: usize) -> String {
    let from = start.saturating_sub(EXAMPLE_CONTEXT);
    let to = (end + EXAMPLE_CONTEXT).min(chars.len());
    let mut s = String::new();
    if !source.is_empty() {
        s.push_str(source);
        s.push_str(": ");
    }
    if from > 0 {
        s.push('…');
    }
    let mut space = false;
    for &c in &chars[from..to] {
        if c.is_whitespace() || c.is_control() {
            space = true;
            continue;
        }
        if space && !s.is_empty() && !s.ends_with(": ") && !s.ends_with('…') {
            s.push(' ');
        }
        space = false;
        s.push(c);
    }
    if to < chars.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(text: &str, term: &str, kind: Kind, rule: Rule) -> Candidate {
        let byte = text.find(term).unwrap_or(0);
        let start = text[..byte].chars().count();
        Candidate {
            start,
            end: start + term.chars().count(),
            term: term.to_owned(),
            kind,
            rule,
        }
    }

    #[test]
    fn people_are_numbered_in_order_and_share_numbers_with_their_full_names() {
        let text = "Margaret Hughes met Tom. Later Margaret and Dr Okafor talked.";
        let cands = [
            cand(text, "Margaret Hughes", Kind::Name, Rule::FirstNameList),
            cand(text, "Tom", Kind::Name, Rule::FirstNameList),
            cand(text, "Okafor", Kind::Name, Rule::TitleBeforeName),
        ];
        let mut findings = Findings::new();
        findings.add("P1", text, &cands);
        // "Margaret" alone is found in P2 after the full name was numbered 1.
        findings.add(
            "P2",
            "Margaret",
            &[cand(
                "Margaret",
                "Margaret",
                Kind::Name,
                Rule::FirstNameList,
            )],
        );
        let review = findings.into_review(&[2, 1, 1, 1], &ScanContext::new());
        let got: Vec<_> = review
            .rows()
            .iter()
            .map(|r| (r.term.as_str(), r.replacement.as_str(), r.decision))
            .collect();
        assert_eq!(
            got,
            [
                ("Margaret", "[Name 1]", Decision::Review),
                ("Margaret Hughes", "[Name 1]", Decision::Review),
                ("Okafor", "[Name 3]", Decision::Replace),
                ("Tom", "[Name 2]", Decision::Review),
            ]
        );
    }

    #[test]
    fn known_participants_get_their_id() {
        let mut ctx = ScanContext::new();
        ctx.add_participant("Amir Khan", Some("P3"));
        let text = "Amir Khan";
        let mut findings = Findings::new();
        findings.add(
            "P3",
            text,
            &[cand(text, "Amir Khan", Kind::Name, Rule::KnownParticipant)],
        );
        let review = findings.into_review(&[1], &ctx);
        assert_eq!(review.rows()[0].replacement, "[P3]");
    }

    #[test]
    fn examples_are_one_line_with_ellipses() {
        let chars: Vec<char> = "Line one\nsays Amir  was here".chars().collect();
        // "Amir" at 14..18; 40 characters either side reach both ends: no ellipsis.
        assert_eq!(
            example("P1", &chars, 14, 18),
            "P1: Line one says Amir was here"
        );
        let long: Vec<char> = format!("{}Amir{}", "x".repeat(50), "y".repeat(50))
            .chars()
            .collect();
        let e = example("", &long, 50, 54);
        assert_eq!(e, format!("…{}Amir{}…", "x".repeat(40), "y".repeat(40)));
    }

    #[test]
    fn a_term_seen_twice_keeps_the_surer_rule() {
        let mut a = Findings::new();
        a.add(
            "P1",
            "Leeds",
            &[cand("Leeds", "Leeds", Kind::Place, Rule::PlaceList)],
        );
        let mut b = Findings::new();
        b.add(
            "P2",
            "leeds",
            &[cand("leeds", "leeds", Kind::Place, Rule::StudyList)],
        );
        a.extend(b);
        assert_eq!(a.len(), 1);
        let review = a.into_review(&[2], &ScanContext::new());
        assert_eq!(review.rows()[0].rule, Rule::StudyList);
        assert_eq!(review.rows()[0].example, "P1: Leeds");
    }
}
