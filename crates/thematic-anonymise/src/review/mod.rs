//! The researcher's review of the candidates: `anonymisation/review.csv`, one row per
//! distinct term, with a decision and a replacement. The same file is edited in the
//! browser, in a spreadsheet or by hand, and a re-scan merges into it without losing a
//! decision.
//!
//! Columns, in this order: `term,kind,rule,count,example,decision,replacement,note`.
//!
//! - `term`: the text as found (matched whole-word and case-insensitively by
//!   [`crate::find_terms`]);
//! - `kind`: `name`, `speaker`, `place`, `organisation`, `email`, `phone`, `postcode`,
//!   `zip`, `date`, `url`, `nhs_number`, `ni_number`, `id_number`;
//! - `rule`: how the scan found it (`email-pattern`, `title-before-name`, …; `manual` for a
//!   term added by hand);
//! - `count`: occurrences in the study at the last scan (0: no longer found, kept so no
//!   decision is lost);
//! - `example`: the first occurrence in context, `transcript: …text…`;
//! - `decision`: `replace`, `review` (not decided yet) or `keep` (not an identifier);
//! - `replacement`: what `anonymise apply` writes instead (`[Name 3]`, `[Place]`, a chosen
//!   pseudonym);
//! - `note`: the researcher's own.
//!
//! Cells a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`) are written
//! with a leading `'`, which [`Review::parse`] takes off again.

mod merge;
mod parse;
mod tally;

use std::fmt;

use crate::kind::{Kind, Rule};
use crate::matcher::fold_term;

pub use parse::{ReviewError, ReviewProblem};
pub use tally::{Findings, count_matches};

/// The columns of `review.csv`, in order.
pub const REVIEW_COLUMNS: [&str; 8] = [
    "term",
    "kind",
    "rule",
    "count",
    "example",
    "decision",
    "replacement",
    "note",
];

/// What the researcher decided about a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// Replace it everywhere with the row's replacement.
    Replace,
    /// Not decided yet: a guess to look at.
    Review,
    /// Keep it: not an identifier (a public figure, a common word).
    Keep,
}

impl Decision {
    /// Every decision.
    pub const ALL: [Decision; 3] = [Decision::Replace, Decision::Review, Decision::Keep];

    /// The name in `review.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Replace => "replace",
            Decision::Review => "review",
            Decision::Keep => "keep",
        }
    }

    /// The decision with this name (any case; surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Decision> {
        let s = s.trim().to_lowercase();
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of `review.csv`: a distinct term and what to do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    /// The term as found.
    pub term: String,
    /// What it is.
    pub kind: Kind,
    /// How it was found.
    pub rule: Rule,
    /// Occurrences at the last scan.
    pub count: usize,
    /// The first occurrence in context.
    pub example: String,
    /// The decision.
    pub decision: Decision,
    /// What replaces it (see [`ReviewRow::replacement_or_default`] for an empty cell).
    pub replacement: String,
    /// The researcher's note.
    pub note: String,
}

impl ReviewRow {
    /// A row added by hand (rule `manual`, decision `replace`, the kind's placeholder as
    /// replacement, count 0 until the next scan).
    pub fn manual(term: &str, kind: Kind) -> ReviewRow {
        ReviewRow {
            term: term.split_whitespace().collect::<Vec<_>>().join(" "),
            kind,
            rule: Rule::Manual,
            count: 0,
            example: String::new(),
            decision: Decision::Replace,
            replacement: kind.placeholder().to_owned(),
            note: String::new(),
        }
    }

    /// The replacement, or the kind's placeholder (`[Name]`, `[Place]`, …) when the cell
    /// is empty.
    pub fn replacement_or_default(&self) -> &str {
        if self.replacement.trim().is_empty() {
            self.kind.placeholder()
        } else {
            self.replacement.trim()
        }
    }

    /// The key rows are told apart by: the term folded as [`crate::find_terms`] matches it.
    pub fn key(&self) -> String {
        fold_term(&self.term)
    }
}

/// The whole review: rows in a fixed order (kind, then term), at most one per term.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    rows: Vec<ReviewRow>,
}

impl Review {
    /// An empty review.
    pub fn new() -> Review {
        Review::default()
    }

    /// A review of `rows`, sorted; of two rows for the same term the first is kept.
    pub fn from_rows(rows: Vec<ReviewRow>) -> Review {
        let mut seen = std::collections::HashSet::new();
        let mut rows: Vec<ReviewRow> = rows.into_iter().filter(|r| seen.insert(r.key())).collect();
        sort_rows(&mut rows);
        Review { rows }
    }

    /// The rows, by kind and then term.
    pub fn rows(&self) -> &[ReviewRow] {
        &self.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The row for `term` (matched as [`crate::find_terms`] matches: case and spacing
    /// ignored).
    pub fn get(&self, term: &str) -> Option<&ReviewRow> {
        let key = fold_term(term);
        self.rows.iter().find(|r| r.key() == key)
    }

    /// The row for `term`, to change its decision, replacement or note.
    pub fn get_mut(&mut self, term: &str) -> Option<&mut ReviewRow> {
        let key = fold_term(term);
        self.rows.iter_mut().find(|r| r.key() == key)
    }

    /// Adds a row, or replaces the row for the same term; returns the row it replaced.
    pub fn upsert(&mut self, row: ReviewRow) -> Option<ReviewRow> {
        let key = row.key();
        let old = self
            .rows
            .iter()
            .position(|r| r.key() == key)
            .map(|i| self.rows.remove(i));
        self.rows.push(row);
        sort_rows(&mut self.rows);
        old
    }

    /// Removes the row for `term`; returns it.
    pub fn remove(&mut self, term: &str) -> Option<ReviewRow> {
        let key = fold_term(term);
        let i = self.rows.iter().position(|r| r.key() == key)?;
        Some(self.rows.remove(i))
    }

    /// The rows decided `replace`: what `anonymise apply` replaces and the export guards
    /// refuse.
    pub fn accepted(&self) -> Vec<&ReviewRow> {
        self.rows
            .iter()
            .filter(|r| r.decision == Decision::Replace)
            .collect()
    }

    /// How many rows have each decision: (replace, review, keep).
    pub fn decided(&self) -> (usize, usize, usize) {
        let n = |d| self.rows.iter().filter(|r| r.decision == d).count();
        (n(Decision::Replace), n(Decision::Review), n(Decision::Keep))
    }

    /// The file's text: a header of [`REVIEW_COLUMNS`] and one row per term, by kind and
    /// then term, so the same review always gives the same bytes.
    pub fn to_csv(&self) -> String {
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = out.write_record(REVIEW_COLUMNS);
        for r in &self.rows {
            let count = r.count.to_string();
            let _ = out.write_record([
                neutralize(&r.term).as_ref(),
                r.kind.as_str(),
                r.rule.as_str(),
                count.as_str(),
                neutralize(&r.example).as_ref(),
                r.decision.as_str(),
                neutralize(&r.replacement).as_ref(),
                neutralize(&r.note).as_ref(),
            ]);
        }
        let bytes = out.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// The number the next new `[Name n]` replacement gets: one more than the highest in
    /// use.
    pub fn next_name_number(&self) -> usize {
        self.rows
            .iter()
            .filter_map(|r| name_number(&r.replacement))
            .max()
            .unwrap_or(0)
            + 1
    }
}

/// Sorts rows by kind (in [`Kind::ALL`] order), then folded term, then term.
fn sort_rows(rows: &mut [ReviewRow]) {
    rows.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| a.key().cmp(&b.key()))
            .then_with(|| a.term.cmp(&b.term))
    });
}

/// `n` of a `[Name n]` replacement.
pub(crate) fn name_number(replacement: &str) -> Option<usize> {
    replacement
        .trim()
        .strip_prefix("[Name ")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// A cell a spreadsheet would run as a formula gets a leading `'` (OWASP "CSV injection").
fn neutralize(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Takes off the `'` [`neutralize`] added.
fn unneutralize(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(term: &str, kind: Kind, decision: Decision, replacement: &str) -> ReviewRow {
        ReviewRow {
            decision,
            replacement: replacement.to_owned(),
            ..ReviewRow::manual(term, kind)
        }
    }

    #[test]
    fn csv_is_sorted_by_kind_then_term_and_neutralized() {
        let review = Review::from_rows(vec![
            row("Leeds", Kind::Place, Decision::Review, "[Place]"),
            row("+44 7700 900123", Kind::Phone, Decision::Replace, "[Phone]"),
            row("zoe", Kind::Name, Decision::Keep, ""),
            row("Amir", Kind::Name, Decision::Replace, "[Name 2]"),
        ]);
        let expected = "\
term,kind,rule,count,example,decision,replacement,note
Amir,name,manual,0,,replace,[Name 2],
zoe,name,manual,0,,keep,,
Leeds,place,manual,0,,review,[Place],
'+44 7700 900123,phone,manual,0,,replace,[Phone],
";
        assert_eq!(review.to_csv(), expected);
        // …and reads back to the same review.
        let back = Review::parse(&review.to_csv(), std::path::Path::new("review.csv"));
        assert_eq!(back.ok(), Some(review));
    }

    #[test]
    fn accepted_rows_are_the_replace_decisions() {
        let review = Review::from_rows(vec![
            row("Leeds", Kind::Place, Decision::Review, "[Place]"),
            row("Amir", Kind::Name, Decision::Replace, "[Name 2]"),
            row("Zoe", Kind::Name, Decision::Keep, ""),
        ]);
        let terms: Vec<_> = review.accepted().iter().map(|r| r.term.as_str()).collect();
        assert_eq!(terms, ["Amir"]);
        assert_eq!(review.decided(), (1, 1, 1));
        assert_eq!(review.next_name_number(), 3);
    }

    #[test]
    fn one_row_per_term_whatever_its_case() {
        let mut review = Review::from_rows(vec![
            row("Leeds", Kind::Place, Decision::Review, ""),
            row("LEEDS", Kind::Place, Decision::Keep, ""),
        ]);
        assert_eq!(review.len(), 1);
        assert_eq!(
            review.get("leeds").map(|r| r.decision),
            Some(Decision::Review)
        );
        let old = review.upsert(row("leeds", Kind::Place, Decision::Replace, "[Town]"));
        assert_eq!(old.map(|r| r.term), Some("Leeds".to_owned()));
        assert_eq!(
            review.get("Leeds").map(|r| r.replacement_or_default()),
            Some("[Town]")
        );
        assert!(review.remove("LEEDS").is_some());
        assert!(review.is_empty());
    }

    #[test]
    fn empty_replacement_means_the_kinds_placeholder() {
        let r = row("Leeds", Kind::Place, Decision::Replace, " ");
        assert_eq!(r.replacement_or_default(), "[Place]");
    }
}
