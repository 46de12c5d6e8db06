//! Units × coders ratings and the statistics over them.

/// Ratings: for each unit, one optional category index per coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ratings {
    coders: usize,
    units: Vec<Vec<Option<usize>>>,
    categories: usize,
}

impl Ratings {
    /// Builds ratings for `coders` coders. Each unit's row must have `coders` entries;
    /// shorter rows are padded with missing ratings, longer ones truncated.
    pub fn new(coders: usize, mut units: Vec<Vec<Option<usize>>>) -> Ratings {
        for u in &mut units {
            u.resize(coders, None);
        }
        let categories = units.iter().flatten().flatten().max().map_or(0, |m| m + 1);
        Ratings {
            coders,
            units,
            categories,
        }
    }

    /// Number of coders.
    pub fn coders(&self) -> usize {
        self.coders
    }

    /// Number of units (rows), including units with missing ratings.
    pub fn units(&self) -> usize {
        self.units.len()
    }

    /// For each unit with at least two ratings: how many ratings fell in each category, and
    /// how many ratings it has (the r_ik and r_i of `specs/agreement.md`).
    fn for_each_pairable(&self, mut f: impl FnMut(&[usize], usize)) {
        let mut counts = vec![0usize; self.categories];
        for u in &self.units {
            counts.iter_mut().for_each(|c| *c = 0);
            let mut r = 0usize;
            for v in u.iter().flatten() {
                counts[*v] += 1;
                r += 1;
            }
            if r >= 2 {
                f(&counts, r);
            }
        }
    }

    /// Percent agreement (Fleiss/Gwet p_a): over units rated by at least two coders, the
    /// share of agreeing coder pairs. For two coders with complete data, the share of units
    /// coded identically. `None` when no unit has two ratings.
    pub fn percent_agreement(&self) -> Option<f64> {
        let mut sum = 0.0;
        let mut n = 0usize;
        self.for_each_pairable(|counts, r| {
            let agreeing: usize = counts.iter().map(|&c| c * c.saturating_sub(1)).sum();
            sum += agreeing as f64 / (r * (r - 1)) as f64;
            n += 1;
        });
        (n > 0).then(|| sum / n as f64)
    }

    /// Cohen's κ (1960) for exactly two coders, over the units both rated.
    /// `None` with other than two coders, no paired units, or chance agreement of 1.
    pub fn cohen_kappa(&self) -> Option<f64> {
        if self.coders != 2 {
            return None;
        }
        let q = self.categories;
        let mut table = vec![0usize; q * q];
        let mut n = 0usize;
        for u in &self.units {
            if let (Some(a), Some(b)) = (u[0], u[1]) {
                table[a * q + b] += 1;
                n += 1;
            }
        }
        if n == 0 {
            return None;
        }
        let n = n as f64;
        let observed: f64 = (0..q).map(|k| table[k * q + k] as f64).sum::<f64>() / n;
        let expected: f64 = (0..q)
            .map(|k| {
                let row: usize = (0..q).map(|l| table[k * q + l]).sum();
                let col: usize = (0..q).map(|l| table[l * q + k]).sum();
                (row as f64 / n) * (col as f64 / n)
            })
            .sum();
        chance_corrected(observed, expected)
    }

    /// Krippendorff's α at the nominal level, from the coincidence matrix (Krippendorff
    /// 2011). Units with fewer than two ratings are dropped. `None` when fewer than two
    /// pairable values exist or all values fall in one category (expected disagreement 0).
    pub fn krippendorff_alpha_nominal(&self) -> Option<f64> {
        let q = self.categories;
        let mut o = vec![0f64; q * q];
        self.for_each_pairable(|counts, m| {
            let w = 1.0 / (m - 1) as f64;
            for c in 0..q {
                for k in 0..q {
                    let pairs = if c == k {
                        counts[c] * counts[c].saturating_sub(1)
                    } else {
                        counts[c] * counts[k]
                    };
                    o[c * q + k] += pairs as f64 * w;
                }
            }
        });
        let n_c: Vec<f64> = (0..q).map(|c| (0..q).map(|k| o[c * q + k]).sum()).collect();
        let n: f64 = n_c.iter().sum();
        if n < 2.0 {
            return None;
        }
        let observed: f64 = (0..q)
            .flat_map(|c| (0..q).map(move |k| (c, k)))
            .filter(|(c, k)| c != k)
            .map(|(c, k)| o[c * q + k])
            .sum();
        let expected: f64 = (0..q)
            .flat_map(|c| (0..q).map(move |k| (c, k)))
            .filter(|(c, k)| c != k)
            .map(|(c, k)| n_c[c] * n_c[k])
            .sum();
        if expected == 0.0 {
            return None;
        }
        Some(1.0 - (n - 1.0) * observed / expected)
    }
}

fn chance_corrected(observed: f64, expected: f64) -> Option<f64> {
    if (1.0 - expected).abs() < 1e-15 {
        return None;
    }
    Some((observed - expected) / (1.0 - expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expands a 2-coder contingency table into units.
    fn from_table(table: &[&[usize]]) -> Ratings {
        let mut units = Vec::new();
        for (a, row) in table.iter().enumerate() {
            for (b, &count) in row.iter().enumerate() {
                units.extend(std::iter::repeat_n(vec![Some(a), Some(b)], count));
            }
        }
        Ratings::new(2, units)
    }

    /// Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    /// Psychological Measurement, 20(1), 37–46, Table 1: 200 units, three categories,
    /// p_o = .70, p_c = .41, κ = .492.
    #[test]
    fn cohen_1960_table_1() {
        let r = from_table(&[&[88, 14, 18], &[10, 40, 10], &[2, 6, 12]]);
        assert_eq!(format!("{:.2}", r.percent_agreement().unwrap()), "0.70");
        assert_eq!(format!("{:.3}", r.cohen_kappa().unwrap()), "0.492");
    }

    /// Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School
    /// for Communication, University of Pennsylvania. Example C: four observers, twelve units,
    /// values 1–5 with missing data; nominal α = 0.743.
    #[test]
    fn krippendorff_2011_example_c_nominal() {
        let rows: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        let units = (0..12)
            .map(|u| {
                rows.iter()
                    .map(|r| (r[u] > 0).then(|| r[u] as usize - 1))
                    .collect()
            })
            .collect();
        let r = Ratings::new(4, units);
        assert_eq!(
            format!("{:.3}", r.krippendorff_alpha_nominal().unwrap()),
            "0.743"
        );
    }

    #[test]
    fn perfect_agreement_on_one_category_is_undefined_not_nan() {
        let r = Ratings::new(2, vec![vec![Some(0), Some(0)]; 5]);
        assert_eq!(r.percent_agreement(), Some(1.0));
        assert_eq!(r.cohen_kappa(), None);
        assert_eq!(r.krippendorff_alpha_nominal(), None);
    }

    #[test]
    fn symmetric_in_coders_and_one_on_perfect_agreement() {
        let a = from_table(&[&[20, 5], &[10, 15]]);
        let swapped = from_table(&[&[20, 10], &[5, 15]]);
        assert_eq!(a.cohen_kappa(), swapped.cohen_kappa());
        assert_eq!(
            a.krippendorff_alpha_nominal(),
            swapped.krippendorff_alpha_nominal()
        );
        let perfect = from_table(&[&[7, 0], &[0, 3]]);
        assert_eq!(perfect.cohen_kappa(), Some(1.0));
        assert_eq!(perfect.krippendorff_alpha_nominal(), Some(1.0));
    }
}
