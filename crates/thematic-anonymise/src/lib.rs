//! Finds identifiers in interview text and keeps the researcher's review of them: text in,
//! candidates out. Knows nothing of studies or files.
//!
//! - [`scan`] finds candidates in one text: known participants and speakers, the study's
//!   list, people's names (titles, relations, shipped name lists, capitalised words),
//!   places, organisations, e-mail and web addresses, phone numbers, UK postcodes, US ZIP
//!   codes, full dates and dates of birth, NHS numbers (mod-11 check digit), National
//!   Insurance numbers (HMRC prefix rules) and long id numbers. Existing placeholders such
//!   as `[Name 3]` are left alone.
//! - [`Findings`] gathers candidates over many texts into a [`Review`], the model of
//!   `anonymisation/review.csv`: one row per term with a decision and a consistent
//!   replacement, read with [`Review::parse`], written with [`Review::to_csv`], and merged
//!   with a re-scan by [`Review::merge`] without losing a decision.
//! - [`find_terms`] is the one matcher (whole-word, case-insensitive but for a name's
//!   capitals, longest first) that applying, checking and guarding exports use.
//!
//! ```
//! use thematic_anonymise::{Decision, Findings, Kind, ScanContext, count_matches, scan};
//!
//! let mut ctx = ScanContext::new();
//! ctx.add_participant("Margaret Hughes", Some("P3"));
//! let text = "Margaret Hughes: my son Dean rings me on 07700 900123.";
//! let candidates = scan(text, &ctx);
//! let mut findings = Findings::new();
//! findings.add("P3", text, &candidates);
//! let mut counts = vec![0; findings.len()];
//! count_matches(text, &findings.matcher(), &mut counts);
//! let review = findings.into_review(&counts, &ctx);
//! let rows: Vec<_> = review.rows().iter()
//!     .map(|r| (r.term.as_str(), r.kind, r.decision, r.replacement.as_str()))
//!     .collect();
//! assert_eq!(rows, [
//!     ("Dean", Kind::Name, Decision::Replace, "[Name 1]"),
//!     ("Margaret Hughes", Kind::Name, Decision::Replace, "[P3]"),
//!     ("07700 900123", Kind::Phone, Decision::Replace, "[Phone]"),
//! ]);
//! ```
//!
//! What it cannot find: indirect identifiers (a rare job in a small town, a distinctive
//! event), names written in lower case, and names on no list in a sentence's first word.
//! A person still reads the transcripts; see `docs/anonymisation.md`.

mod checks;
mod context;
mod fxhash;
mod kind;
mod lists;
mod matcher;
mod offsets;
mod patterns;
mod placeholder;
pub mod planted;
mod review;
mod scan;
mod tokens;
mod words;

pub use checks::{is_nhs_number, is_ni_number};
pub use context::{Candidate, KnownTerm, ScanContext, is_pseudonymous_label, lowercase_words};
pub use kind::{Kind, Rule};
pub use lists::shipped_list_sizes;
pub use matcher::{Match, TermMatcher, WordSet, find_terms, fold_term, keeps_capitals};
pub use placeholder::is_placeholder;
pub use review::{
    Decision, Findings, REVIEW_COLUMNS, Review, ReviewError, ReviewProblem, ReviewRow,
    count_matches,
};
pub use scan::scan;
