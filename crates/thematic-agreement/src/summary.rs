//! One call for the command line: every statistic that applies, the counts behind them,
//! and optionally bootstrap intervals.

use serde::Serialize;

use crate::bootstrap::{PairDraws, Resampling, Statistic};
use crate::categories::CategoryAgreement;
use crate::{Clustered, Level, Ratings};

/// What [`summary`] computes besides the point estimates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Options {
    /// Bootstrap intervals: `None` for point estimates only.
    pub bootstrap: Option<Resampling>,
    /// Confidence of the intervals, e.g. 0.95.
    pub confidence: f64,
    /// Draws per resample of Krippendorff's α bootstrap.
    pub alpha_draws: PairDraws,
}

impl Default for Options {
    /// Point estimates only; 0.95 and the KALPHA macro's draws if bootstrapping.
    fn default() -> Options {
        Options {
            bootstrap: None,
            confidence: 0.95,
            alpha_draws: PairDraws::Pairs,
        }
    }
}

/// A statistic and, when bootstrapped, its percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The point estimate; `None` when undefined (see the statistic's documentation).
    pub value: Option<f64>,
    /// `[lo, hi]` at [`Options::confidence`]; `None` when not bootstrapped or no resample
    /// was defined.
    pub interval: Option<(f64, f64)>,
}

/// How one coder used the categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoderCounts {
    /// The coder's position (column) in the ratings.
    pub coder: usize,
    /// Units the coder rated.
    pub rated: usize,
    /// Units rated in each category of [`Summary::categories`], same order.
    pub per_category: Vec<usize>,
}

/// Every agreement statistic that applies to a set of ratings. Serialises to JSON with
/// these field names; undefined values are `null`, intervals `[lo, hi]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of units.
    pub units: usize,
    /// Units rated by at least two coders.
    pub pairable_units: usize,
    /// Number of coders.
    pub coders: usize,
    /// q, the number of categories used by Brennan–Prediger and AC1.
    pub q: usize,
    /// The category indices, ascending (see [`Ratings::categories`]).
    pub categories: Vec<usize>,
    /// Per coder, units rated in each category.
    pub coder_counts: Vec<CoderCounts>,
    /// [`Ratings::percent_agreement`].
    pub percent_agreement: Estimate,
    /// [`Ratings::cohen_kappa`]; undefined unless there are two coders.
    pub cohen_kappa: Estimate,
    /// [`Ratings::scott_pi`]; undefined unless there are two coders.
    pub scott_pi: Estimate,
    /// [`Ratings::fleiss_kappa`].
    pub fleiss_kappa: Estimate,
    /// [`Ratings::krippendorff_alpha`] at the nominal level; its interval is Krippendorff's
    /// bootstrap ([`Ratings::bootstrap_alpha`]).
    pub krippendorff_alpha: Estimate,
    /// [`Ratings::gwet_ac1`].
    pub gwet_ac1: Estimate,
    /// [`Ratings::brennan_prediger`].
    pub brennan_prediger: Estimate,
    /// [`Ratings::category_agreement`].
    pub per_category: Vec<CategoryAgreement>,
}

/// Computes a [`Summary`]. All point estimates are O(units); with
/// [`Options::bootstrap`], percent agreement and the κ-type coefficients get a percentile
/// interval from one shared resampling of units ([`Ratings::bootstrap_units`]) and α one
/// from Krippendorff's bootstrap ([`Ratings::bootstrap_alpha`]), both from the same seed.
///
/// ```
/// use thematic_agreement::{summary, Options, Ratings, Resampling};
///
/// let r = Ratings::binary(2, vec![[Some(true), Some(true)], [Some(false), Some(true)],
///                                 [Some(false), Some(false)], [Some(true), Some(true)]]);
/// let s = summary(&r, &Options { bootstrap: Some(Resampling::default()), ..Options::default() });
/// assert_eq!(s.units, 4);
/// assert_eq!(s.coder_counts[1].per_category, vec![1, 3]);
/// assert_eq!(s.percent_agreement.value, Some(0.75));
/// assert!(s.cohen_kappa.interval.is_some());
/// ```
pub fn summary(ratings: &Ratings, options: &Options) -> Summary {
    // Identical units merged once, so each statistic below runs over distinct rows.
    let compressed = ratings.compressed();
    let ratings = &compressed;
    let intervals: Vec<Option<(f64, f64)>> = match &options.bootstrap {
        Some(resampling) => ratings
            .bootstrap_units_many(resampling, &STATISTICS)
            .iter()
            .map(|r| r.interval(options.confidence))
            .collect(),
        None => vec![None; STATISTICS.len()],
    };
    let alpha_interval = options.bootstrap.as_ref().and_then(|resampling| {
        ratings
            .bootstrap_alpha(Level::Nominal, resampling, options.alpha_draws)?
            .interval(options.confidence)
    });
    summary_with(ratings, &intervals, alpha_interval)
}

/// Computes a [`Summary`] of the pooled ratings of every cluster, with [`Options::bootstrap`]
/// giving every statistic, α included, a percentile interval from one shared resampling of
/// clusters ([`Clustered::bootstrap_many`]); [`Options::alpha_draws`] is not used.
///
/// ```
/// use thematic_agreement::{Clustered, Options, Resampling, summary_clustered};
///
/// let (yes, no) = (Some(1), Some(0));
/// let transcripts = Clustered::from_patterns(2, [
///     vec![([yes, yes], 3), ([no, no], 5), ([yes, no], 1)],
///     vec![([yes, yes], 1), ([no, no], 6)],
///     vec![([yes, yes], 2), ([no, no], 2), ([no, yes], 2)],
/// ]).with_categories(2);
/// let s = summary_clustered(&transcripts, &Options { bootstrap: Some(Resampling::default()), ..Options::default() });
/// assert_eq!(s.units, 22);
/// let (lo, hi) = s.krippendorff_alpha.interval.unwrap();
/// assert!(lo < s.krippendorff_alpha.value.unwrap() && s.krippendorff_alpha.value.unwrap() < hi);
/// ```
pub fn summary_clustered(clusters: &Clustered, options: &Options) -> Summary {
    let alpha = |r: &Ratings| r.krippendorff_alpha(Level::Nominal);
    let mut all: Vec<Statistic<'_>> = STATISTICS.to_vec();
    all.push(&alpha);
    let mut intervals: Vec<Option<(f64, f64)>> = match &options.bootstrap {
        Some(resampling) => clusters
            .bootstrap_many(resampling, &all)
            .iter()
            .map(|r| r.interval(options.confidence))
            .collect(),
        None => vec![None; all.len()],
    };
    let alpha_interval = intervals.pop().flatten();
    summary_with(&clusters.ratings().compressed(), &intervals, alpha_interval)
}

/// The statistics that share one resampling, in the order of their intervals.
const STATISTICS: [Statistic<'static>; 6] = [
    &Ratings::percent_agreement,
    &Ratings::cohen_kappa,
    &Ratings::scott_pi,
    &Ratings::fleiss_kappa,
    &Ratings::gwet_ac1,
    &Ratings::brennan_prediger,
];

/// The summary of `ratings` given the intervals of [`STATISTICS`] and of α.
fn summary_with(
    ratings: &Ratings,
    intervals: &[Option<(f64, f64)>],
    alpha_interval: Option<(f64, f64)>,
) -> Summary {
    let estimates: Vec<Estimate> = STATISTICS
        .iter()
        .zip(intervals)
        .map(|(statistic, interval)| {
            let value = statistic(ratings);
            Estimate {
                value,
                interval: value.and(*interval),
            }
        })
        .collect();
    let alpha = ratings.krippendorff_alpha(Level::Nominal);
    let coder_counts = ratings
        .coder_category_counts()
        .into_iter()
        .enumerate()
        .map(|(coder, per_category)| CoderCounts {
            coder,
            rated: per_category.iter().sum(),
            per_category,
        })
        .collect();
    let estimate = |i: usize| {
        estimates.get(i).copied().unwrap_or(Estimate {
            value: None,
            interval: None,
        })
    };
    Summary {
        units: ratings.units(),
        pairable_units: ratings.pairable_units(),
        coders: ratings.coders(),
        q: ratings.category_count(),
        categories: ratings.categories().to_vec(),
        coder_counts,
        percent_agreement: estimate(0),
        cohen_kappa: estimate(1),
        scott_pi: estimate(2),
        fleiss_kappa: estimate(3),
        krippendorff_alpha: Estimate {
            value: alpha,
            interval: alpha.and(alpha_interval),
        },
        gwet_ac1: estimate(4),
        brennan_prediger: estimate(5),
        per_category: ratings.category_agreement(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clustered_summary_has_the_point_estimates_of_the_pooled_ratings() {
        let (yes, no) = (Some(1), Some(0));
        let clusters = Clustered::from_patterns(
            2,
            [
                vec![([yes, yes], 3), ([no, no], 5), ([yes, no], 1)],
                vec![([yes, yes], 1), ([no, no], 6), ([no, None], 2)],
                vec![([yes, yes], 2), ([no, no], 2), ([no, yes], 2)],
            ],
        )
        .with_categories(2);
        let options = Options {
            bootstrap: Some(Resampling::default()),
            ..Options::default()
        };
        let clustered = summary_clustered(&clusters, &options);
        let pooled = summary(clusters.ratings(), &Options::default());
        let points = |s: &Summary| {
            [
                s.percent_agreement,
                s.cohen_kappa,
                s.scott_pi,
                s.fleiss_kappa,
                s.krippendorff_alpha,
                s.gwet_ac1,
                s.brennan_prediger,
            ]
            .map(|e| e.value)
        };
        assert_eq!(points(&clustered), points(&pooled));
        assert_eq!(
            (clustered.units, clustered.pairable_units),
            (pooled.units, pooled.pairable_units)
        );
        // Every statistic, α included, has an interval around it.
        for e in [clustered.cohen_kappa, clustered.krippendorff_alpha] {
            let (v, (lo, hi)) = (e.value.unwrap(), e.interval.unwrap());
            assert!(lo <= v && v <= hi, "{lo} {v} {hi}");
        }
        let none = summary_clustered(&clusters, &Options::default());
        assert_eq!(none.krippendorff_alpha.interval, None);
    }
}
