//! The other tables of a paper: participant characteristics ("Table 1"), the themes ×
//! participants matrix with each theme's prevalence, and theme co-occurrence.
//!
//! Each is computed here as plain data; the CLI lays it out as a table in every format and
//! [`crate::plots`] draws the figures.

mod cooccur;
mod matrix;
mod participants;

pub use cooccur::{CooccurUnit, Cooccurrence, cooccurrence};
pub use matrix::{MatrixQuote, MatrixRow, ThemeMatrix, theme_matrix};
pub use participants::{
    AttributeSummary, Category, NumericSummary, ParticipantsSummary, Summary, is_missing,
};
