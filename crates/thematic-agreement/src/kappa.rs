//! Coefficients that know which coder gave which rating: Cohen's κ (also weighted),
//! Scott's π, Conger's κ and Light's κ.

use serde::Serialize;

use crate::Ratings;
use crate::chance::Components;
use crate::ratings::MISSING;

/// Disagreement weights for [`Ratings::cohen_kappa_weighted`], spaced by category index over
/// the q = [`Ratings::category_count`] categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KappaWeights {
    /// Agreement only on identical categories (Cohen's κ).
    Unweighted,
    /// w = 1 − |i − j|/(q − 1): Cicchetti–Allison, SAS's default, irr's "equal".
    Linear,
    /// w = 1 − (i − j)²/(q − 1)²: Fleiss–Cohen, irr's "squared".
    Quadratic,
}

/// A two-coder contingency table in dense codes: row and column marginals, diagonal total.
struct Table {
    rows: Vec<f64>,
    cols: Vec<f64>,
    agree: f64,
    n: f64,
}

impl Ratings {
    /// Cohen's κ (1960) for exactly two coders, over the units both rated (units one coder
    /// left out do not count at all): p_a is the share of those units coded identically,
    /// p_e = Σ_k p_k+ p_+k from each coder's own marginals.
    ///
    /// `None` with other than two coders, no unit rated by both, or p_e = 1 (both coders
    /// used one and the same category, e.g. neither ever applied a theme).
    pub fn cohen_kappa(&self) -> Option<f64> {
        self.cohen_components()?.value()
    }

    /// Weighted Cohen's κ (Cohen 1968) for exactly two coders over the units both rated,
    /// with weights spaced by category *index* (0..q, q = [`Ratings::category_count`]). R's
    /// irr and scikit-learn space weights by the *observed* levels instead; to reproduce them,
    /// number the observed levels 0, 1, 2, … without gaps.
    ///
    /// `None` as for [`Ratings::cohen_kappa`], and when q < 2.
    pub fn cohen_kappa_weighted(&self, weights: KappaWeights) -> Option<f64> {
        if weights == KappaWeights::Unweighted {
            return self.cohen_kappa();
        }
        let q = self.category_count();
        if self.coders() != 2 || q < 2 {
            return None;
        }
        let scale = (q - 1) as f64;
        let distance = |a: u32, b: u32| {
            let d = (self.label(a as usize) as f64 - self.label(b as usize) as f64).abs() / scale;
            match weights {
                KappaWeights::Quadratic => d * d,
                _ => d,
            }
        };
        // κ_w = 1 − D_o/D_e with D the mean weighted disagreement observed and by chance.
        let mut observed = 0.0;
        let mut n = 0.0;
        for (row, w) in self.rows() {
            if row[0] != MISSING && row[1] != MISSING {
                observed += w as f64 * distance(row[0], row[1]);
                n += w as f64;
            }
        }
        if n <= 0.0 {
            return None;
        }
        let table = self.table(0, 1)?;
        let expected = expected_distance(self, &table, weights, scale);
        if expected <= 1e-12 {
            return None;
        }
        Some(1.0 - (observed / n) / expected)
    }

    /// Scott's π (1955) for exactly two coders, over the units both rated: p_a as in
    /// [`Ratings::cohen_kappa`], p_e = Σ_k π_k² with π_k = (p_k+ + p_+k)/2 pooled over both
    /// coders. Equals [`Ratings::fleiss_kappa`] when no rating is missing.
    ///
    /// `None` as for [`Ratings::cohen_kappa`].
    pub fn scott_pi(&self) -> Option<f64> {
        self.scott_components()?.value()
    }

    /// Conger's κ (1980), the multi-coder generalisation of Cohen's κ (equal to Davies &
    /// Fleiss' κ and nltk's `multi_kappa`), with missing ratings as in irrCAC: p_a is
    /// [`Ratings::percent_agreement`]; p_gk is coder g's share of *their own* ratings in
    /// category k (all their ratings); p_e = Σ_k (p̄_k² − s²_k/r) with p̄_k the mean and s²_k
    /// the sample variance over the r coders who rated anything. For two coders with
    /// complete data it equals Cohen's κ.
    ///
    /// `None` when fewer than two coders rated anything, no unit has two ratings, or p_e = 1.
    pub fn conger_kappa(&self) -> Option<f64> {
        self.conger_components()?.value()
    }

    /// Light's κ (1971): the mean of Cohen's κ over every pair of coders, each pair over
    /// the units both rated (nltk's `kappa()`). For two coders it is Cohen's κ.
    ///
    /// `None` with fewer than two coders or when any pair's κ is undefined (a mean over the
    /// remaining pairs would be a different statistic).
    pub fn light_kappa(&self) -> Option<f64> {
        if self.coders() < 2 {
            return None;
        }
        let mut sum = 0.0;
        let mut pairs = 0.0;
        for g in 0..self.coders() {
            for h in g + 1..self.coders() {
                let table = self.table(g, h)?;
                sum += table.components().value()?;
                pairs += 1.0;
            }
        }
        Some(sum / pairs)
    }

    pub(crate) fn cohen_components(&self) -> Option<Components> {
        if self.coders() != 2 {
            return None;
        }
        Some(self.table(0, 1)?.components())
    }

    pub(crate) fn scott_components(&self) -> Option<Components> {
        if self.coders() != 2 {
            return None;
        }
        let t = self.table(0, 1)?;
        let expected = t
            .rows
            .iter()
            .zip(&t.cols)
            .map(|(r, c)| {
                let pi = (r + c) / (2.0 * t.n);
                pi * pi
            })
            .sum();
        Some(Components {
            observed: t.agree / t.n,
            expected,
        })
    }

    pub(crate) fn conger_components(&self) -> Option<Components> {
        let observed = self.percent_agreement()?;
        let labels = self.label_count();
        let mut counts = vec![0.0f64; labels];
        let mut sum = vec![0.0f64; labels];
        let mut sum_sq = vec![0.0f64; labels];
        let mut raters = 0usize;
        for g in 0..self.coders() {
            counts.iter_mut().for_each(|c| *c = 0.0);
            let mut total = 0.0;
            for (row, w) in self.rows() {
                if row[g] != MISSING {
                    counts[row[g] as usize] += w as f64;
                    total += w as f64;
                }
            }
            if total <= 0.0 {
                continue;
            }
            raters += 1;
            for k in 0..labels {
                let p = counts[k] / total;
                sum[k] += p;
                sum_sq[k] += p * p;
            }
        }
        if raters < 2 {
            return None;
        }
        let r = raters as f64;
        let expected = (0..labels)
            .map(|k| {
                let mean = sum[k] / r;
                let variance = (sum_sq[k] - r * mean * mean) / (r - 1.0);
                mean * mean - variance / r
            })
            .sum();
        Some(Components { observed, expected })
    }

    /// The contingency table of coders `g` and `h` over the units both rated; `None` when
    /// there is no such unit.
    fn table(&self, g: usize, h: usize) -> Option<Table> {
        let labels = self.label_count();
        let mut t = Table {
            rows: vec![0.0; labels],
            cols: vec![0.0; labels],
            agree: 0.0,
            n: 0.0,
        };
        for (row, w) in self.rows() {
            let (a, b) = (row[g], row[h]);
            if a != MISSING && b != MISSING {
                let w = w as f64;
                t.rows[a as usize] += w;
                t.cols[b as usize] += w;
                t.n += w;
                if a == b {
                    t.agree += w;
                }
            }
        }
        (t.n > 0.0).then_some(t)
    }
}

impl Table {
    /// Cohen's p_a and p_e.
    fn components(&self) -> Components {
        let n2 = self.n * self.n;
        Components {
            observed: self.agree / self.n,
            expected: self
                .rows
                .iter()
                .zip(&self.cols)
                .map(|(r, c)| r * c)
                .sum::<f64>()
                / n2,
        }
    }
}

/// Σ_kl p_k+ p_+l d(k, l): the chance disagreement of weighted κ, in O(categories) with
/// prefix sums (linear) or moments (quadratic) over the ascending category indices.
fn expected_distance(ratings: &Ratings, t: &Table, weights: KappaWeights, scale: f64) -> f64 {
    let labels = t.rows.len();
    // Centre the positions so the quadratic moments do not cancel catastrophically.
    let total: f64 = t.rows.iter().chain(&t.cols).sum();
    let centre = (0..labels)
        .map(|k| (t.rows[k] + t.cols[k]) * ratings.label(k) as f64)
        .sum::<f64>()
        / total;
    let x = |k: usize| (ratings.label(k) as f64 - centre) / scale;
    let n2 = t.n * t.n;
    match weights {
        KappaWeights::Quadratic => {
            let (mut r1, mut r2, mut c1, mut c2) = (0.0, 0.0, 0.0, 0.0);
            for k in 0..labels {
                r1 += t.rows[k] * x(k);
                r2 += t.rows[k] * x(k) * x(k);
                c1 += t.cols[k] * x(k);
                c2 += t.cols[k] * x(k) * x(k);
            }
            (t.n * c2 + t.n * r2 - 2.0 * r1 * c1) / n2
        }
        _ => {
            // Σ_k r_k Σ_l c_l |x_k − x_l|, with x ascending in k.
            let (c_total, cx_total): (f64, f64) = (0..labels)
                .map(|l| (t.cols[l], t.cols[l] * x(l)))
                .fold((0.0, 0.0), |(a, b), (c, d)| (a + c, b + d));
            let (mut c_below, mut cx_below) = (0.0, 0.0);
            let mut sum = 0.0;
            for k in 0..labels {
                let xk = x(k);
                let (c_above, cx_above) = (c_total - c_below, cx_total - cx_below);
                sum += t.rows[k] * (xk * c_below - cx_below + cx_above - xk * c_above);
                c_below += t.cols[k];
                cx_below += t.cols[k] * xk;
            }
            sum / n2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[&[usize]]) -> Ratings {
        Ratings::from_patterns(
            2,
            cells.iter().enumerate().flat_map(|(a, row)| {
                row.iter()
                    .enumerate()
                    .map(move |(b, &n)| ([Some(a), Some(b)], n))
            }),
        )
    }

    #[test]
    fn weighted_kappa_with_two_categories_equals_cohen() {
        let r = table(&[&[20, 5], &[10, 15]]);
        let k = r.cohen_kappa().unwrap();
        for w in [KappaWeights::Linear, KappaWeights::Quadratic] {
            assert!((r.cohen_kappa_weighted(w).unwrap() - k).abs() < 1e-12);
        }
    }

    #[test]
    fn conger_equals_cohen_for_two_complete_coders() {
        let r = table(&[&[88, 14, 18], &[10, 40, 10], &[2, 6, 12]]);
        let cohen = r.cohen_kappa().unwrap();
        assert!((r.conger_kappa().unwrap() - cohen).abs() < 1e-12);
        assert!((r.light_kappa().unwrap() - cohen).abs() < 1e-12);
    }

    #[test]
    fn two_coder_statistics_need_two_coders() {
        let r = Ratings::new(
            3,
            [[Some(0), Some(1), Some(1)], [Some(1), Some(1), Some(0)]],
        );
        assert_eq!(r.cohen_kappa(), None);
        assert_eq!(r.scott_pi(), None);
        assert_eq!(r.cohen_kappa_weighted(KappaWeights::Linear), None);
        assert_eq!(Ratings::new(1, [[Some(0)]]).light_kappa(), None);
    }
}
