//! Krippendorff's α at the nominal, ordinal, interval and ratio levels, from the
//! coincidence matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::Ratings;
use crate::error::ParseLevelError;

/// Level of measurement: which difference function δ² Krippendorff's α uses.
///
/// Ordinal, interval and ratio use the category *values* of [`Ratings::with_values`]
/// (by default a category's value is its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// δ² = 1 for different categories, 0 for the same.
    Nominal,
    /// Krippendorff's rank metric: δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², with the
    /// categories ranked by value. Not irrCAC's "ordinal" weights.
    Ordinal,
    /// δ² = (v_c − v_k)².
    Interval,
    /// δ² = ((v_c − v_k)/(v_c + v_k))²; needs values ≥ 0.
    Ratio,
}

impl Level {
    /// Every level, in declaration order.
    pub const ALL: [Level; 4] = [
        Level::Nominal,
        Level::Ordinal,
        Level::Interval,
        Level::Ratio,
    ];

    /// The lower-case name: `nominal`, `ordinal`, `interval` or `ratio`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Nominal => "nominal",
            Level::Ordinal => "ordinal",
            Level::Interval => "interval",
            Level::Ratio => "ratio",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = ParseLevelError;

    /// Parses a level name, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Level, ParseLevelError> {
        Level::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseLevelError(s.to_string()))
    }
}

/// Krippendorff's observed and expected disagreement, α = 1 − D_o/D_e.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlphaParts {
    /// Observed disagreement D_o = Σ_ck o_ck δ²_ck / n.
    pub observed: f64,
    /// Expected disagreement D_e = Σ_ck n_c n_k δ²_ck / (n(n − 1)).
    pub expected: f64,
    /// n, the number of pairable values (ratings in units with at least two ratings).
    pub pairable_values: f64,
}

impl AlphaParts {
    /// α = 1 − D_o/D_e; `None` when D_e = 0 (all pairable values in one category, or all
    /// at distance 0).
    pub fn value(&self) -> Option<f64> {
        (self.expected > 0.0).then(|| 1.0 - self.observed / self.expected)
    }
}

/// A difference function over dense category codes.
pub(crate) struct Metric {
    level: Level,
    /// Per code: the value (interval, ratio) or midrank (ordinal).
    position: Vec<f64>,
}

impl Metric {
    /// δ²(c, k).
    pub(crate) fn delta2(&self, c: usize, k: usize) -> f64 {
        if c == k {
            return 0.0;
        }
        if self.level == Level::Nominal {
            return 1.0;
        }
        let (a, b) = (self.position[c], self.position[k]);
        match self.level {
            Level::Nominal => 1.0,
            Level::Ordinal | Level::Interval => (a - b) * (a - b),
            Level::Ratio => {
                let sum = a + b;
                if sum == 0.0 {
                    0.0
                } else {
                    ((a - b) / sum) * ((a - b) / sum)
                }
            }
        }
    }
}

/// The coincidence matrix in the form Krippendorff's bootstrap draws from.
pub(crate) struct Coincidences {
    /// For each non-empty cell c ≤ k: its probability (o_cc/n on the diagonal, 2·o_ck/n
    /// off it) and δ²_ck.
    pub(crate) cells: Vec<(f64, f64)>,
    /// o_cc/n for each non-empty diagonal cell.
    pub(crate) diagonal: Vec<f64>,
    /// Non-empty cells of the full (symmetric) matrix, Krippendorff's Q.
    pub(crate) nonzero: usize,
    /// The parts of the point estimate.
    pub(crate) parts: AlphaParts,
}

impl Ratings {
    /// Krippendorff's α at `level`, from the coincidence matrix: units with fewer than two
    /// ratings are dropped (they cannot be paired), every other unit u adds each ordered
    /// pair of its m_u values with weight 1/(m_u − 1), and α = 1 − (n − 1) Σ o_ck δ²_ck /
    /// Σ n_c n_k δ²_ck.
    ///
    /// `None` when there are fewer than two pairable values, when D_e = 0 (all pairable
    /// values in one category), or at the ratio level when a used category has a negative
    /// value.
    pub fn krippendorff_alpha(&self, level: Level) -> Option<f64> {
        self.krippendorff_alpha_parts(level)?.value()
    }

    /// Krippendorff's α at the nominal level; see [`Ratings::krippendorff_alpha`].
    pub fn krippendorff_alpha_nominal(&self) -> Option<f64> {
        self.krippendorff_alpha(Level::Nominal)
    }

    /// D_o, D_e and n behind [`Ratings::krippendorff_alpha`]; `None` when n < 2 or at the
    /// ratio level with a negative value.
    pub fn krippendorff_alpha_parts(&self, level: Level) -> Option<AlphaParts> {
        let totals = self.pairable_totals();
        let n: f64 = totals.iter().sum();
        if n < 2.0 {
            return None;
        }
        let metric = self.metric(level, &totals)?;
        let mut observed = 0.0;
        self.for_each_unit(|w, m, counts| {
            if m < 2 {
                return;
            }
            let mut pairs = 0.0;
            for (i, &(c, rc)) in counts.iter().enumerate() {
                for &(k, rk) in &counts[i + 1..] {
                    pairs += f64::from(rc) * f64::from(rk) * metric.delta2(c as usize, k as usize);
                }
            }
            // Each unordered pair of different values is two ordered coincidences.
            observed += w * 2.0 * pairs / f64::from(m - 1);
        });
        let expected = expected_sum(&metric, &totals, n);
        Some(AlphaParts {
            observed: observed / n,
            expected: expected / (n * (n - 1.0)),
            pairable_values: n,
        })
    }

    /// The coincidence matrix as probabilities, for Krippendorff's bootstrap.
    pub(crate) fn coincidences(&self, level: Level) -> Option<Coincidences> {
        let parts = self.krippendorff_alpha_parts(level)?;
        let totals = self.pairable_totals();
        let metric = self.metric(level, &totals)?;
        let mut cells: BTreeMap<(u32, u32), f64> = BTreeMap::new();
        self.for_each_unit(|w, m, counts| {
            if m < 2 {
                return;
            }
            let scale = w / f64::from(m - 1);
            for (i, &(c, rc)) in counts.iter().enumerate() {
                if rc >= 2 {
                    *cells.entry((c, c)).or_default() += scale * f64::from(rc * (rc - 1));
                }
                for &(k, rk) in &counts[i + 1..] {
                    let key = (c.min(k), c.max(k));
                    *cells.entry(key).or_default() += scale * f64::from(rc) * f64::from(rk);
                }
            }
        });
        let n = parts.pairable_values;
        let mut out = Coincidences {
            cells: Vec::with_capacity(cells.len()),
            diagonal: Vec::new(),
            nonzero: 0,
            parts,
        };
        for ((c, k), o) in cells {
            if c == k {
                out.cells.push((o / n, 0.0));
                out.diagonal.push(o / n);
                out.nonzero += 1;
            } else {
                out.cells
                    .push((2.0 * o / n, metric.delta2(c as usize, k as usize)));
                out.nonzero += 2;
            }
        }
        Some(out)
    }

    /// n_c: how many pairable values (ratings in units with two or more) fell in each code.
    fn pairable_totals(&self) -> Vec<f64> {
        let mut totals = vec![0.0; self.label_count()];
        self.for_each_unit(|w, m, counts| {
            if m >= 2 {
                for &(c, r) in counts {
                    totals[c as usize] += w * f64::from(r);
                }
            }
        });
        totals
    }

    /// The difference function at `level`; `None` at the ratio level with a negative value
    /// among the categories that have pairable values.
    fn metric(&self, level: Level, totals: &[f64]) -> Option<Metric> {
        let values: Vec<f64> = (0..totals.len()).map(|c| self.value_of(c)).collect();
        let position = match level {
            Level::Nominal => Vec::new(),
            Level::Interval => values,
            Level::Ratio => {
                if totals
                    .iter()
                    .zip(&values)
                    .any(|(n, v)| *n > 0.0 && *v < 0.0)
                {
                    return None;
                }
                values
            }
            Level::Ordinal => {
                // Midranks: δ_ck = Σ_{g=c..k} n_g − (n_c + n_k)/2 is the difference of
                // F_{g−1} + n_g/2 between the two categories, ranked by value.
                let mut order: Vec<usize> = (0..totals.len()).collect();
                order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
                let mut midrank = vec![0.0; totals.len()];
                let mut below = 0.0;
                for c in order {
                    midrank[c] = below + totals[c] / 2.0;
                    below += totals[c];
                }
                midrank
            }
        };
        Some(Metric { level, position })
    }
}

/// Σ_c Σ_k n_c n_k δ²_ck.
fn expected_sum(metric: &Metric, totals: &[f64], n: f64) -> f64 {
    match metric.level {
        Level::Nominal => n * n - totals.iter().map(|t| t * t).sum::<f64>(),
        Level::Ordinal | Level::Interval => {
            // Σ_ck n_c n_k (v_c − v_k)² = 2n Σ_c n_c (v_c − v̄)², stable when centred.
            let mean = totals
                .iter()
                .zip(&metric.position)
                .map(|(t, v)| t * v)
                .sum::<f64>()
                / n;
            let spread: f64 = totals
                .iter()
                .zip(&metric.position)
                .map(|(t, v)| t * (v - mean) * (v - mean))
                .sum();
            2.0 * n * spread
        }
        Level::Ratio => {
            let used: Vec<usize> = (0..totals.len()).filter(|&c| totals[c] > 0.0).collect();
            let mut sum = 0.0;
            for (i, &c) in used.iter().enumerate() {
                for &k in &used[i + 1..] {
                    sum += 2.0 * totals[c] * totals[k] * metric.delta2(c, k);
                }
            }
            sum
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_names_round_trip() {
        for level in Level::ALL {
            assert_eq!(level.name().parse::<Level>(), Ok(level));
            assert_eq!(level.to_string(), level.name());
        }
        assert_eq!(" Interval ".parse::<Level>(), Ok(Level::Interval));
        assert!("cardinal".parse::<Level>().is_err());
    }

    #[test]
    fn ratio_with_negative_values_is_undefined() {
        let r = Ratings::new(2, [[Some(0), Some(1)], [Some(1), Some(1)]])
            .with_values(&[-1.0, 2.0])
            .unwrap();
        assert_eq!(r.krippendorff_alpha(Level::Ratio), None);
        assert!(r.krippendorff_alpha(Level::Interval).is_some());
    }

    #[test]
    fn one_pairable_value_is_undefined() {
        let r = Ratings::new(2, [[Some(0), None], [Some(1), None]]);
        for level in Level::ALL {
            assert_eq!(r.krippendorff_alpha(level), None);
        }
    }
}
