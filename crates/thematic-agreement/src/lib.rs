//! Inter-coder agreement statistics over units × coders ratings with missing ratings
//! allowed, each checked against values printed in the papers and manuals that introduced
//! or documented them: percent agreement, Cohen's κ (also weighted), Scott's π, Fleiss' κ,
//! Conger's κ, Light's κ, Gwet's AC1, Brennan–Prediger, Krippendorff's α at the nominal,
//! ordinal, interval and ratio levels, per-category agreement, agreement over coded
//! segments, and bootstrap intervals.
//!
//! ```
//! use thematic_agreement::{Level, Ratings};
//!
//! // Two coders, four units, category indices; `None` is a missing rating.
//! let r = Ratings::new(2, vec![
//!     vec![Some(0), Some(0)],
//!     vec![Some(1), Some(1)],
//!     vec![Some(1), Some(0)],
//!     vec![Some(0), Some(0)],
//! ]);
//! assert_eq!(r.percent_agreement(), Some(0.75));
//! assert!((r.cohen_kappa().unwrap() - 0.5).abs() < 1e-12);
//! assert!(r.krippendorff_alpha(Level::Nominal).is_some());
//!
//! // Whether each of two coders applied a theme to each unit.
//! let theme = Ratings::binary(2, vec![[Some(true), Some(true)], [Some(false), None]]);
//! assert_eq!(theme.units(), 2);
//! ```
//!
//! # Data
//!
//! [`Ratings`] holds one optional category index per coder and unit. Build it from rows
//! ([`Ratings::new`]), from distinct rows with counts ([`Ratings::from_patterns`], the
//! cheap way for large data) or from applied/not-applied flags ([`Ratings::binary`]).
//! Identical units may be stored once; every statistic is a function of the multiset of
//! unit rows and costs O(units × coders) (or O(distinct rows)) with no allocation per
//! unit. Category indices can be anything, including out of any expected range: they are
//! mapped to dense codes over the categories that occur.
//!
//! **q**, the number of categories, enters Brennan–Prediger (p_e = 1/q), Gwet's AC1 and
//! the spacing of weighted κ. It is the number *declared* with
//! [`Ratings::with_categories`] (the codebook's categories, used or not), and otherwise
//! the largest category index used plus one. [`Ratings::binary`] declares q = 2. Tools
//! differ here: Randolph's calculator and statsmodels count declared categories, irrCAC
//! and nltk count those that occur.
//!
//! **Values** for ordinal, interval and ratio α come from [`Ratings::with_values`]
//! (`values[index]`); without them a category's value is its index.
//!
//! **Labels.** Categories named by text, as in a ratings file, become indices and values
//! through [`CategoryLabels`]: in a declared order, or by value when every label is a
//! number, else alphabetically (then only nominal α applies).
//!
//! # Missing ratings
//!
//! - Percent agreement, Fleiss' κ, Conger's κ, AC1, Brennan–Prediger and α compute
//!   observed agreement over the units rated by at least two coders; units with one
//!   rating are left out of it.
//! - Fleiss' κ and AC1 (Gwet 2014, as irrCAC) let units rated once count towards the
//!   category proportions π_k behind chance agreement; α ignores them entirely (they
//!   cannot be paired); Conger's κ uses each coder's share of all their own ratings.
//! - Cohen's κ, weighted κ, Scott's π and each pair in Light's κ use only the units both
//!   coders rated. So with missing data Fleiss' κ and Scott's π differ slightly (irrCAC's
//!   0.649351 vs 0.648936 on Gwet's Ben/Gerry data).
//! - Units no coder rated count in [`Ratings::units`] and nowhere else.
//!
//! # Undefined values are `None`, never NaN
//!
//! Every statistic returns `Option<f64>`; `None` means the formula is 0/0 or has no data:
//!
//! - no unit rated by two coders (percent agreement and everything built on it; for α,
//!   fewer than two pairable values);
//! - chance agreement p_e = 1, which happens when all ratings fall in one category, e.g.
//!   two coders who never apply a theme: Cohen's κ, Scott's π, Fleiss', Conger's and
//!   Light's κ and the category κ_k are `None`, and so is α (expected disagreement 0).
//!   Gwet's AC1 and Brennan–Prediger stay defined there (their p_e is 0 and 1/q) and are 1;
//! - a two-coder statistic (Cohen, weighted Cohen, Scott) on other than two coders, and
//!   Light's κ when any coder pair's κ is `None`;
//! - q < 2 for AC1, Brennan–Prediger and weighted κ;
//! - ratio-level α with a negative category value.
//!
//! # Bootstrap
//!
//! [`Ratings::bootstrap_units`] resamples units with replacement (rows of ratings kept
//! intact) for any statistic. [`Ratings::bootstrap_alpha`] is Krippendorff's resampling of
//! coincidences with the observed expected disagreement held fixed, drawing as many pairs
//! as the data hold as in Hayes & Krippendorff's (2007) KALPHA macro, or Krippendorff's
//! later capped number ([`PairDraws`]). Both are seeded ChaCha8 streams ([`Resampling`]),
//! deterministic for a seed, and draw each resample as multinomial
//! counts over distinct unit rows or coincidence cells, so 1000 resamples of a binary
//! theme cost milliseconds whatever the number of units. [`Replicates::interval`] gives the
//! percentile interval at a confidence level (order statistics at Krippendorff's ranks),
//! [`Replicates::share_below`] the probability of failing to reach a minimum α.
//!
//! When units come in groups that were sampled as wholes (the turns, sentences or
//! characters of one interview), [`Clustered`] holds each group's rows and
//! [`Clustered::bootstrap`] resamples the groups instead (a cluster bootstrap, Davison &
//! Hinkley 1997, §3.8; Field & Welsh 2007): units of one group are not independent, and
//! resampling them as if they were gives intervals that shrink with ever finer units.
//! [`summary_clustered`] gives every statistic with such intervals.
//!
//! # Segments
//!
//! [`SegmentAgreement`] is agreement over freely coded segments (MAXQDA's segment level):
//! the share of segments the other coders matched, and Brennan–Prediger's κ_n with q the
//! number of codes.
//!
//! [`summary`] computes everything at once for the command line.

#![warn(missing_docs)]

mod alpha;
mod binary;
mod bootstrap;
mod categories;
mod chance;
mod cluster;
mod error;
mod kappa;
mod labels;
mod ratings;
mod sampling;
mod segments;
mod summary;

pub use alpha::{AlphaParts, Level};
pub use bootstrap::{PairDraws, Replicates, Resampling, Statistic};
pub use categories::CategoryAgreement;
pub use chance::{Coefficient, Components};
pub use cluster::{Clustered, Resample};
pub use error::{DuplicateLabelError, NotNumericError, ParseLevelError, ValuesError};
pub use kappa::KappaWeights;
pub use labels::CategoryLabels;
pub use ratings::{MAX_LISTED_CATEGORIES, Ratings};
pub use segments::SegmentAgreement;
pub use summary::{CoderCounts, Estimate, Options, Summary, summary, summary_clustered};
