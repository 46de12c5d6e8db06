//! The other tables of a paper: participant characteristics ("Table 1"), the themes ×
//! participants matrix with each theme's prevalence, and theme co-occurrence.
//!
//! Each is computed here as plain data; the CLI lays it out as a table in every format and
//! [`crate::plots`] draws the figures. [`PaperTable`] writes any of them as a paper prints
//! it, in Word, LaTeX, Excel or HTML; [`Table1`] applies the study's `[participants]`
//! section to the participants' summary.

mod cooccur;
mod matrix;
mod paper;
mod participants;
mod table1;

pub use cooccur::{CooccurUnit, Cooccurrence, cooccurrence};
pub use matrix::{MatrixQuote, MatrixRow, ThemeMatrix, theme_matrix};
pub use paper::{PaperColumn, PaperFormat, PaperRow, PaperTable};
pub use participants::{
    AttributeSummary, Category, NumericSummary, ParticipantsSummary, Summary, is_missing,
};
pub use table1::{MISSING, Table1, Table1Attribute, Table1Line, fixed};
