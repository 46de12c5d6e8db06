//! Bootstrap distributions and percentile intervals: resampling units for any statistic,
//! and Krippendorff's resampling of coincidences for α (Hayes & Krippendorff 2007).

use serde::Serialize;

use crate::Ratings;
use crate::alpha::Level;
use crate::ratings::MISSING;
use crate::sampling::Sampler;

/// A statistic evaluated on each resample.
pub type Statistic<'a> = &'a dyn Fn(&Ratings) -> Option<f64>;

/// How many resamples to draw, and from which seed. The same seed and data give the same
/// replicates (a ChaCha8 stream, independent of the platform's random sources).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Resampling {
    /// Number of resamples (Stata's `kalpha` defaults to 20 000).
    pub resamples: usize,
    /// Seed of the ChaCha8 random stream.
    pub seed: u64,
}

impl Default for Resampling {
    /// 1000 resamples from seed 0.
    fn default() -> Resampling {
        Resampling {
            resamples: 1000,
            seed: 0,
        }
    }
}

/// How many coincidences each resample of Krippendorff's α bootstrap draws (his M).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairDraws {
    /// M = Σ_u m_u(m_u − 1)/2, the number of pairs of values within units: Hayes &
    /// Krippendorff's (2007) KALPHA macro, which for their 40-unit example draws "a random
    /// sample of 239 pairs of judgments from the available pairs".
    #[default]
    Pairs,
    /// M = min(25·Q, round(n(m − 1)/2)), with Q the non-empty cells of the coincidence
    /// matrix, n the pairable values and m the coders: Krippendorff's later algorithm (rev.
    /// 2011) as implemented by Stata's `kalpha` and R's `kripp.boot`. The cap of 25·Q was a
    /// computational limit; with large data it makes intervals far wider than the data
    /// warrant (for two coders and a binary theme, M ≤ 100 whatever the number of units).
    Capped,
    /// Exactly this many draws (at least 1).
    Exactly(usize),
}

/// A bootstrap distribution: the defined replicate values, ascending, and how many
/// replicates were undefined (the statistic was `None` on that resample).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replicates {
    values: Vec<f64>,
    undefined: usize,
}

impl Replicates {
    pub(crate) fn new(mut values: Vec<f64>, undefined: usize) -> Replicates {
        values.sort_by(f64::total_cmp);
        Replicates { values, undefined }
    }

    /// The defined replicate values, ascending.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// How many resamples gave an undefined statistic (left out of the interval).
    pub fn undefined(&self) -> usize {
        self.undefined
    }

    /// The percentile interval at `confidence` (e.g. 0.95) over the X defined replicates:
    /// the order statistics of rank max(⌊X·a/2⌋, 1) and min(⌊X(1 − a/2)⌋ + 1, X), with
    /// a = 1 − confidence — the ranks of Stata's `kalpha` and R's `kripp.boot`
    /// implementations of Krippendorff's algorithm. `None` without defined replicates or
    /// with a confidence outside (0, 1).
    pub fn interval(&self, confidence: f64) -> Option<(f64, f64)> {
        let x = self.values.len();
        if x == 0 || !(confidence > 0.0 && confidence < 1.0) {
            return None;
        }
        let a = 1.0 - confidence;
        // A small epsilon keeps e.g. 1000 × 0.975 from flooring to 974.
        let rank = |f: f64| (f + 1e-9).floor() as usize;
        let lo = rank(x as f64 * a / 2.0).max(1).min(x);
        let hi = (rank(x as f64 * (1.0 - a / 2.0)) + 1).min(x);
        Some((self.values[lo - 1], self.values[hi - 1]))
    }

    /// The share of defined replicates below `threshold`: for α, Krippendorff's q, the
    /// probability of failing to reach a minimum acceptable α. `None` without replicates.
    pub fn share_below(&self, threshold: f64) -> Option<f64> {
        if self.values.is_empty() {
            return None;
        }
        let below = self.values.partition_point(|v| *v < threshold);
        Some(below as f64 / self.values.len() as f64)
    }
}

impl Ratings {
    /// Bootstraps `statistic` by resampling units with replacement: each resample draws as
    /// many units as there are (including units with missing or single ratings), keeping
    /// each unit's row of ratings intact, and evaluates `statistic` on it. Identical unit
    /// rows are merged first and a resample is drawn as multinomial counts of the distinct
    /// rows, so a resample costs O(distinct rows), not O(units). Deterministic for a seed.
    ///
    /// ```
    /// use thematic_agreement::{Ratings, Resampling};
    ///
    /// let (yes, no) = (Some(true), Some(false));
    /// let r = Ratings::binary(2, [[yes, yes], [no, no], [yes, no], [no, no], [yes, yes]]);
    /// let resampling = Resampling { resamples: 200, seed: 1 };
    /// let reps = r.bootstrap_units(&resampling, Ratings::cohen_kappa);
    /// assert_eq!(reps.values().len() + reps.undefined(), 200);
    /// let (lo, hi) = reps.interval(0.95).unwrap();
    /// assert!(lo <= hi);
    /// ```
    pub fn bootstrap_units(
        &self,
        resampling: &Resampling,
        statistic: impl Fn(&Ratings) -> Option<f64>,
    ) -> Replicates {
        let mut all = self.bootstrap_units_many(resampling, &[&statistic]);
        all.pop().unwrap_or_else(|| Replicates::new(Vec::new(), 0))
    }

    /// Krippendorff's bootstrap of α (Hayes & Krippendorff 2007; Krippendorff, "Algorithm
    /// for bootstrapping a distribution of α", 2006, rev. 2011). Steps 1 and 3 follow the
    /// algorithm as Stata's `kalpha` (Klein & Reckmann) implements it; M by default is the
    /// one Hayes & Krippendorff (2007) report for their KALPHA macro. What is implemented:
    ///
    /// 1. From the observed coincidence matrix o_ck, draw cell c ≤ k with probability
    ///    o_cc/n on the diagonal and 2·o_ck/n off it (n pairable values).
    /// 2. Each resample draws M such coincidences ([`PairDraws`], by default the number of
    ///    pairs in the data as in the KALPHA macro) and gives
    ///    α* = 1 − Σ δ²(draws) / (M · D_e), keeping the observed D_e.
    /// 3. α* below −1 becomes −1. Where α* = 1: if the matrix has one non-empty diagonal
    ///    cell, every such α* becomes 0; if it has more, round(X · Σ_c (o_cc/n)^M) of them
    ///    (all, if that many or more) become 0 — Krippendorff's correction for resamples
    ///    whose α would be 0/0.
    ///
    /// Units and coders are not resampled: the distribution is that of the pairs' δ² given
    /// the data (Gwet 2015 criticises it as too narrow; [`Ratings::bootstrap_units`] with
    /// `|r| r.krippendorff_alpha(level)` resamples units instead).
    ///
    /// `None` when α itself is undefined.
    pub fn bootstrap_alpha(
        &self,
        level: Level,
        resampling: &Resampling,
        draws: PairDraws,
    ) -> Option<Replicates> {
        let co = self.coincidences(level)?;
        let expected = co.parts.expected;
        if expected <= 0.0 {
            return None;
        }
        let m = self.pair_draws_with(draws, co.nonzero, co.parts.pairable_values);
        let probabilities: Vec<f64> = co.cells.iter().map(|(p, _)| *p).collect();
        let mut counts = vec![0usize; probabilities.len()];
        let mut sampler = Sampler::new(resampling.seed);
        let mut values = Vec::with_capacity(resampling.resamples);
        for _ in 0..resampling.resamples {
            sampler.multinomial(m, &probabilities, &mut counts);
            let disagreement: f64 = counts
                .iter()
                .zip(&co.cells)
                .map(|(n, (_, d))| *n as f64 * d)
                .sum();
            let alpha = 1.0 - disagreement / (m as f64 * expected);
            values.push(alpha.max(-1.0));
        }
        let ones = values.iter().filter(|a| **a == 1.0).count();
        if ones > 0 {
            let zeroed = match co.diagonal.len() {
                0 => 0,
                1 => ones,
                _ => {
                    let chance: f64 = co.diagonal.iter().map(|p| p.powf(m as f64)).sum();
                    ((resampling.resamples as f64 * chance).round() as usize).min(ones)
                }
            };
            values
                .iter_mut()
                .filter(|a| **a == 1.0)
                .take(zeroed)
                .for_each(|a| *a = 0.0);
        }
        Some(Replicates::new(values, 0))
    }

    /// One pass of unit resampling evaluating several statistics per resample: the
    /// replicates of each, in order, the same as [`Ratings::bootstrap_units`] gives for it
    /// alone with the same seed (the draws do not depend on the statistics).
    pub fn bootstrap_units_many(
        &self,
        resampling: &Resampling,
        statistics: &[Statistic<'_>],
    ) -> Vec<Replicates> {
        let sample = self.compressed();
        let original: Vec<f64> = sample.weights().iter().map(|w| *w as f64).collect();
        let units = self.units();
        replicate(resampling, statistics, sample, |sampler, weights| {
            sampler.multinomial(units, &original, weights);
        })
    }

    /// M, the number of coincidences each resample of [`Ratings::bootstrap_alpha`] draws
    /// (the same at every level); 0 when α has no pairable values.
    pub fn pair_draws(&self, draws: PairDraws) -> usize {
        match self.coincidences(Level::Nominal) {
            Some(co) => self.pair_draws_with(draws, co.nonzero, co.parts.pairable_values),
            None => 0,
        }
    }

    fn pair_draws_with(&self, draws: PairDraws, nonzero: usize, pairable_values: f64) -> usize {
        let m = match draws {
            PairDraws::Pairs => {
                let mut pairs = 0usize;
                self.for_each_unit(|w, m, _| {
                    let m = m as usize;
                    pairs += w as usize * (m * m.saturating_sub(1) / 2);
                });
                pairs
            }
            PairDraws::Capped => {
                let coders = self.coders_with_ratings() as f64;
                let all = (pairable_values * (coders - 1.0) / 2.0).round() as usize;
                all.min(25 * nonzero)
            }
            PairDraws::Exactly(m) => m,
        };
        m.max(1)
    }

    /// Coders with at least one rating (Krippendorff's m).
    fn coders_with_ratings(&self) -> usize {
        (0..self.coders())
            .filter(|&g| self.rows().any(|(row, _)| row[g] != MISSING))
            .count()
    }
}

/// The resampling loop every bootstrap over rows shares: per resample, `draw` sets each of
/// `sample`'s distinct rows' weights (how many times the resample holds it), then every
/// statistic is evaluated on the reweighted sample; undefined or non-finite values are
/// counted apart. Deterministic for the seed of `resampling`.
pub(crate) fn replicate(
    resampling: &Resampling,
    statistics: &[Statistic<'_>],
    mut sample: Ratings,
    mut draw: impl FnMut(&mut Sampler, &mut [usize]),
) -> Vec<Replicates> {
    let mut sampler = Sampler::new(resampling.seed);
    let mut weights = vec![0usize; sample.weights().len()];
    let mut values = vec![Vec::with_capacity(resampling.resamples); statistics.len()];
    let mut undefined = vec![0usize; statistics.len()];
    for _ in 0..resampling.resamples {
        draw(&mut sampler, &mut weights);
        sample.set_weights(&weights);
        for (i, statistic) in statistics.iter().enumerate() {
            match statistic(&sample) {
                Some(v) if v.is_finite() => values[i].push(v),
                _ => undefined[i] += 1,
            }
        }
    }
    values
        .into_iter()
        .zip(undefined)
        .map(|(v, u)| Replicates::new(v, u))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_ranks_follow_krippendorffs_rule() {
        // Hayes & Krippendorff (2007), "Answering the call for a standard reliability measure
        // for coding data", Communication Methods and Measures 1, 77–89, and their `kalpha`
        // macro: of 1000 sorted replicates the 95% interval runs from the 25th to the 976th.
        let reps = Replicates::new((1..=1000).map(f64::from).collect(), 0);
        assert_eq!(reps.interval(0.95), Some((25.0, 976.0)));
        assert_eq!(reps.interval(0.0), None);
        assert_eq!(reps.interval(1.0), None);
        assert_eq!(reps.interval(f64::NAN), None);
        let one = Replicates::new(vec![0.5], 0);
        assert_eq!(one.interval(0.95), Some((0.5, 0.5)));
        assert_eq!(Replicates::new(Vec::new(), 3).interval(0.9), None);
    }

    #[test]
    fn share_below_counts_strictly_smaller_values() {
        let reps = Replicates::new(vec![0.9, 0.5, 0.7, 0.7], 0);
        assert_eq!(reps.share_below(0.7), Some(0.25));
        assert_eq!(reps.share_below(1.0), Some(1.0));
        assert_eq!(Replicates::new(Vec::new(), 0).share_below(0.5), None);
    }

    #[test]
    fn no_units_and_no_resamples_do_not_panic() {
        let empty = Ratings::new(2, Vec::<Vec<Option<usize>>>::new());
        let reps = empty.bootstrap_units(&Resampling::default(), Ratings::cohen_kappa);
        assert_eq!(reps.undefined(), 1000);
        assert_eq!(
            empty.bootstrap_alpha(Level::Nominal, &Resampling::default(), PairDraws::Pairs),
            None
        );
        let r = Ratings::new(
            2,
            [[Some(0), Some(1)], [Some(1), Some(1)], [Some(0), Some(0)]],
        );
        let none = Resampling {
            resamples: 0,
            seed: 1,
        };
        assert!(
            r.bootstrap_units(&none, Ratings::cohen_kappa)
                .values()
                .is_empty()
        );
        let alpha = r.bootstrap_alpha(Level::Nominal, &none, PairDraws::Capped);
        assert_eq!(alpha.map(|a| a.values().len()), Some(0));
    }
}
