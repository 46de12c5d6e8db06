//! The cluster bootstrap: resampling whole groups of units (in a study, the transcripts)
//! rather than units, for any statistic.
//!
//! The unit bootstrap ([`Ratings::bootstrap_units`]) treats units as independent draws.
//! Units that come in groups are not: the turns of one interview share a speaker, a topic
//! and a coder's mood that day, and neighbouring characters of a turn are nearly always
//! rated alike. What a study samples is the groups, so the bootstrap should resample the
//! groups: draw K of the K clusters with replacement, pool the drawn clusters' units (a
//! cluster drawn twice counts twice), and compute the statistic on the pool. This is the
//! resampling of clusters, each kept intact, that Davison & Hinkley (1997), *Bootstrap
//! Methods and their Application*, §3.8 ("Hierarchical data"), describe for data sampled
//! in groups: it carries the variation between clusters and, with it, the dependence within
//! them. Field & Welsh (2007), "Bootstrapping clustered data", *Journal of the Royal
//! Statistical Society B* 69(3), 369–390, study this cluster bootstrap and when its
//! variance estimates are consistent; the justification is asymptotic in the number of
//! clusters, not of units.
//!
//! With one unit per cluster it is the unit bootstrap. With few clusters (under about ten)
//! the interval is coarse: there are only so many distinct resamples.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Ratings;
use crate::bootstrap::{Replicates, Resampling, Statistic, replicate};

/// What a bootstrap resamples, for callers that offer both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resample {
    /// Whole clusters ([`Clustered::bootstrap`]), for every statistic, α included.
    Clusters,
    /// Units ([`Ratings::bootstrap_units`]); for α, Krippendorff's bootstrap of
    /// coincidences ([`Ratings::bootstrap_alpha`]), as [`summary`](crate::summary) does.
    Units,
}

/// Ratings whose units are grouped in clusters (e.g. the transcripts of a study): the pooled
/// [`Ratings`] and, for each of its rows, the cluster it came from.
///
/// ```
/// use thematic_agreement::{Clustered, Ratings, Resampling};
///
/// // Two transcripts: in the first the coders agree on 3 turns of 4, in the second on 1 of 2.
/// let (yes, no) = (Some(1), Some(0));
/// let clusters = Clustered::from_patterns(2, [
///     vec![([yes, yes], 1), ([no, no], 2), ([yes, no], 1)],
///     vec![([no, no], 1), ([no, yes], 1)],
/// ])
/// .with_categories(2);
/// assert_eq!((clusters.clusters(), clusters.ratings().units()), (2, 6));
/// assert!((clusters.ratings().percent_agreement().unwrap() - 4.0 / 6.0).abs() < 1e-12);
/// let reps = clusters.bootstrap(&Resampling { resamples: 200, seed: 1 }, Ratings::percent_agreement);
/// // Each resample pools two draws of the two transcripts: 3/4 + 3/4, 3/4 + 1/2 or 1/2 + 1/2.
/// assert!(reps.values().iter().all(|v| [0.75, 4.0 / 6.0, 0.5].iter().any(|x| (v - x).abs() < 1e-12)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Clustered {
    /// Every cluster's units pooled, identical rows merged.
    ratings: Ratings,
    /// Each cluster's rows: (cluster, row of `ratings`, units), so a resample's weights are
    /// Σ over the drawn clusters of their units per row.
    parts: Vec<(usize, usize, usize)>,
    /// The number of clusters, including those without units.
    clusters: usize,
}

impl Clustered {
    /// Builds clustered ratings for `coders` coders from each cluster's distinct unit rows
    /// with their counts, as [`Ratings::from_patterns`] takes them. A cluster without units
    /// still counts as a cluster (a resample can draw it, adding nothing).
    pub fn from_patterns<U, C>(coders: usize, clusters: impl IntoIterator<Item = C>) -> Clustered
    where
        U: AsRef<[Option<usize>]>,
        C: IntoIterator<Item = (U, usize)>,
    {
        let mut rows: Vec<(U, usize)> = Vec::new();
        let mut cluster_of = Vec::new();
        let mut k = 0;
        for cluster in clusters {
            for (row, n) in cluster {
                // `from_patterns` skips rows with no units; so must the cluster index.
                if n > 0 {
                    rows.push((row, n));
                    cluster_of.push(k);
                }
            }
            k += 1;
        }
        let all = Ratings::from_patterns(coders, rows);
        // Merge identical rows of different clusters, so that each resample's statistics
        // run over the distinct rows (a handful for binary ratings), not over every
        // cluster's rows.
        let mut index: BTreeMap<&[u32], usize> = BTreeMap::new();
        let mut cells = Vec::new();
        let mut weights = Vec::new();
        let mut parts = Vec::with_capacity(cluster_of.len());
        for ((row, n), cluster) in all.rows().zip(cluster_of) {
            let next = index.len();
            let i = *index.entry(row).or_insert_with(|| {
                cells.extend_from_slice(row);
                weights.push(0);
                next
            });
            weights[i] += n;
            parts.push((cluster, i, n));
        }
        Clustered {
            ratings: all.with_rows(cells, weights),
            parts,
            clusters: k,
        }
    }

    /// Declares q categories, as [`Ratings::with_categories`].
    pub fn with_categories(mut self, q: usize) -> Clustered {
        self.ratings = self.ratings.with_categories(q);
        self
    }

    /// The ratings of every cluster pooled: the data the point estimates are computed on.
    pub fn ratings(&self) -> &Ratings {
        &self.ratings
    }

    /// The number of clusters, K.
    pub fn clusters(&self) -> usize {
        self.clusters
    }

    /// Bootstraps `statistic` by resampling clusters: each resample draws K clusters with
    /// replacement (each equally likely), pools their units and evaluates `statistic` on
    /// the pool. A resample costs O(clusters × their rows) to weigh, and the statistics run
    /// over the distinct rows of all clusters, whatever the number of units. Deterministic for
    /// a seed ([`Resampling`]); undefined values are counted in [`Replicates::undefined`].
    pub fn bootstrap(
        &self,
        resampling: &Resampling,
        statistic: impl Fn(&Ratings) -> Option<f64>,
    ) -> Replicates {
        let mut all = self.bootstrap_many(resampling, &[&statistic]);
        all.pop().unwrap_or_else(|| Replicates::new(Vec::new(), 0))
    }

    /// One pass of cluster resampling evaluating several statistics per resample: the
    /// replicates of each, in order, the same as [`Clustered::bootstrap`] gives for it alone
    /// with the same seed (the draws do not depend on the statistics).
    pub fn bootstrap_many(
        &self,
        resampling: &Resampling,
        statistics: &[Statistic<'_>],
    ) -> Vec<Replicates> {
        let equal = vec![1.0; self.clusters];
        let mut drawn = vec![0usize; self.clusters];
        replicate(
            resampling,
            statistics,
            self.ratings.clone(),
            |sampler, weights| {
                // K draws with replacement from K equally likely clusters.
                sampler.multinomial(self.clusters, &equal, &mut drawn);
                weights.iter_mut().for_each(|w| *w = 0);
                for &(k, row, n) in &self.parts {
                    weights[row] += n * drawn[k];
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YES: Option<usize> = Some(1);
    const NO: Option<usize> = Some(0);

    fn mean_sd(r: &Replicates) -> (f64, f64) {
        let v = r.values();
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    /// Three transcripts of different agreement and size.
    fn three() -> Clustered {
        Clustered::from_patterns(
            2,
            [
                vec![([YES, YES], 5), ([NO, NO], 30), ([YES, NO], 2)],
                vec![([YES, YES], 1), ([NO, NO], 10), ([NO, YES], 4)],
                vec![
                    ([YES, YES], 8),
                    ([NO, NO], 12),
                    ([YES, NO], 1),
                    ([NO, YES], 1),
                ],
            ],
        )
        .with_categories(2)
    }

    #[test]
    fn the_same_seed_gives_the_same_replicates() {
        let c = three();
        let r = |seed| {
            c.bootstrap(
                &Resampling {
                    resamples: 300,
                    seed,
                },
                Ratings::cohen_kappa,
            )
        };
        assert_eq!(r(7), r(7));
        assert_ne!(r(7), r(8));
        // Several statistics in one pass give what each gives alone.
        let resampling = Resampling {
            resamples: 300,
            seed: 7,
        };
        let many = c.bootstrap_many(
            &resampling,
            &[&Ratings::percent_agreement, &Ratings::cohen_kappa],
        );
        assert_eq!(many[1], r(7));
        assert_eq!(
            many[0],
            c.bootstrap(&resampling, Ratings::percent_agreement)
        );
    }

    #[test]
    fn pooled_ratings_are_every_clusters_units() {
        let c = three();
        assert_eq!(c.clusters(), 3);
        assert_eq!(c.ratings().units(), 37 + 15 + 22);
        let flat = Ratings::from_patterns(
            2,
            [
                ([YES, YES], 14),
                ([NO, NO], 52),
                ([YES, NO], 3),
                ([NO, YES], 5),
            ],
        )
        .with_categories(2);
        assert_eq!(c.ratings().cohen_kappa(), flat.cohen_kappa());
    }

    #[test]
    fn one_unit_per_cluster_is_the_unit_bootstrap() {
        // 40 units, each its own cluster: resampling clusters is resampling units, so the
        // two bootstraps have the same distribution (not the same draws). With 4000
        // resamples the replicates' mean and standard deviation agree to Monte Carlo error
        // (the sd of κ here is about 0.1; its Monte Carlo error about 0.1/√8000 ≈ 0.001).
        let mut units: Vec<[Option<usize>; 2]> = Vec::new();
        units.extend(std::iter::repeat_n([YES, YES], 12));
        units.extend(std::iter::repeat_n([NO, NO], 20));
        units.extend(std::iter::repeat_n([YES, NO], 5));
        units.extend(std::iter::repeat_n([NO, YES], 3));
        let clusters = Clustered::from_patterns(2, units.iter().map(|u| [(*u, 1)]));
        let ratings = Ratings::new(2, &units);
        let resampling = Resampling {
            resamples: 4000,
            seed: 3,
        };
        let (cm, cs) = mean_sd(&clusters.bootstrap(&resampling, Ratings::cohen_kappa));
        let (um, us) = mean_sd(&ratings.bootstrap_units(&resampling, Ratings::cohen_kappa));
        assert!((cm - um).abs() < 0.01, "means {cm} {um}");
        assert!((cs / us - 1.0).abs() < 0.08, "sds {cs} {us}");
    }

    #[test]
    fn two_clusters_of_full_and_no_agreement_span_both_extremes() {
        // Transcript 1: the coders agree on all 10 units; transcript 2: on none of 10.
        // A resample draws two transcripts: both the first (probability 1/4, agreement 1),
        // one of each (1/2, agreement 0.5) or both the second (1/4, agreement 0). Of 1000
        // sorted replicates, about 250 are 0 and 250 are 1, so the 25th is 0 and the 976th
        // is 1: the 95 % interval is [0, 1]. The unit bootstrap, drawing 20 units, would
        // hardly ever reach either end (probability 2 · 2⁻²⁰ per resample).
        let c = Clustered::from_patterns(
            2,
            [
                vec![([YES, YES], 4), ([NO, NO], 6)],
                vec![([YES, NO], 5), ([NO, YES], 5)],
            ],
        );
        let resampling = Resampling {
            resamples: 1000,
            seed: 1,
        };
        let reps = c.bootstrap(&resampling, Ratings::percent_agreement);
        assert!(reps.values().iter().all(|v| [0.0, 0.5, 1.0].contains(v)));
        let share = |x: f64| reps.values().iter().filter(|v| **v == x).count() as f64 / 1000.0;
        assert!((share(0.5) - 0.5).abs() < 0.05, "{}", share(0.5));
        assert_eq!(reps.interval(0.95), Some((0.0, 1.0)));
        let units = c
            .ratings()
            .bootstrap_units(&resampling, Ratings::percent_agreement);
        let (lo, hi) = units.interval(0.95).unwrap();
        assert!(lo > 0.2 && hi < 0.8, "{lo} {hi}");
    }

    #[test]
    fn empty_clusters_count_and_nothing_panics() {
        let none: [Vec<([Option<usize>; 2], usize)>; 0] = [];
        let c = Clustered::from_patterns(2, none);
        assert_eq!(c.clusters(), 0);
        let reps = c.bootstrap(&Resampling::default(), Ratings::cohen_kappa);
        assert_eq!(reps.undefined(), 1000);
        // An empty cluster can be drawn; a resample of only empty clusters is undefined.
        let c = Clustered::from_patterns(
            2,
            [vec![([YES, YES], 1), ([NO, NO], 1)], vec![([YES, YES], 0)]],
        );
        assert_eq!((c.clusters(), c.ratings().units()), (2, 2));
        let reps = c.bootstrap(&Resampling::default(), Ratings::percent_agreement);
        assert!(reps.undefined() > 150 && reps.undefined() < 350);
        assert!(reps.values().iter().all(|v| *v == 1.0));
    }
}
