//! Binary ratings: whether each coder applied a theme to each unit.

use crate::Ratings;

/// Up to this many coders, binary units are counted by pattern (3^8 = 6561 patterns).
const MAX_PATTERN_CODERS: usize = 8;

impl Ratings {
    /// Binary ratings, one row per unit: `Some(true)` where the coder applied the theme,
    /// `Some(false)` where they coded the unit but not with this theme, `None` where they
    /// did not code the unit. Category 1 is "applied", 0 "not applied", and q = 2 is
    /// declared, so both categories are always listed.
    ///
    /// Units are stored as counts of their (missing, 0, 1) patterns for up to eight coders,
    /// so every statistic and bootstrap resample afterwards costs O(patterns), not
    /// O(units). Accepts `Vec<Vec<Option<bool>>>` or, without an allocation per unit,
    /// `Vec<[Option<bool>; 2]>` and the like. [`Ratings::from_patterns`] takes the pattern
    /// counts directly.
    ///
    /// ```
    /// use thematic_agreement::Ratings;
    ///
    /// // Krippendorff (2004, p. 224): coders 1100000000 and 0110010100.
    /// let a = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    /// let b = [0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    /// let r = Ratings::binary(2, a.iter().zip(&b).map(|(x, y)| [Some(*x == 1), Some(*y == 1)]));
    /// assert_eq!(r.categories(), &[0, 1]);
    /// assert_eq!(format!("{:.3}", r.krippendorff_alpha_nominal().unwrap()), "0.095");
    /// ```
    pub fn binary<U: AsRef<[Option<bool>]>>(
        coders: usize,
        units: impl IntoIterator<Item = U>,
    ) -> Ratings {
        let cell = |b: Option<bool>| b.map(usize::from);
        if coders > MAX_PATTERN_CODERS {
            let rows = units.into_iter().map(|u| {
                let u = u.as_ref();
                let row: Vec<Option<usize>> = (0..coders)
                    .map(|g| cell(u.get(g).copied().flatten()))
                    .collect();
                (row, 1)
            });
            return Ratings::from_patterns(coders, rows).with_categories(2);
        }
        let mut counts = vec![0usize; 3usize.pow(coders as u32)];
        for unit in units {
            let unit = unit.as_ref();
            let mut code = 0usize;
            for g in (0..coders).rev() {
                let digit = match unit.get(g).copied().flatten() {
                    None => 0,
                    Some(false) => 1,
                    Some(true) => 2,
                };
                code = code * 3 + digit;
            }
            counts[code] += 1;
        }
        let patterns = counts.into_iter().enumerate().map(|(mut code, count)| {
            let row: Vec<Option<usize>> = (0..coders)
                .map(|_| {
                    let digit = code % 3;
                    code /= 3;
                    digit.checked_sub(1)
                })
                .collect();
            (row, count)
        });
        Ratings::from_patterns(coders, patterns).with_categories(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_matches_index_ratings() {
        let units = vec![
            vec![Some(true), None, Some(false)],
            vec![Some(true), Some(true), Some(true)],
            vec![None, Some(false), Some(false)],
            vec![Some(false), Some(true)],
        ];
        let as_index: Vec<Vec<Option<usize>>> = units
            .iter()
            .map(|u| u.iter().map(|b| b.map(usize::from)).collect())
            .collect();
        let b = Ratings::binary(3, &units);
        let i = Ratings::new(3, as_index).with_categories(2);
        assert_eq!(b.units(), 4);
        assert_eq!(b.fleiss_kappa(), i.fleiss_kappa());
        assert_eq!(
            b.krippendorff_alpha_nominal(),
            i.krippendorff_alpha_nominal()
        );
        assert_eq!(b.coder_category_counts(), i.coder_category_counts());
    }

    #[test]
    fn many_coders_are_stored_row_by_row() {
        let units = vec![vec![Some(true); 10], vec![Some(false); 10]];
        let r = Ratings::binary(10, units);
        assert_eq!(r.units(), 2);
        assert_eq!(r.fleiss_kappa(), Some(1.0));
    }

    #[test]
    fn a_theme_nobody_applied_is_listed_with_zero_counts() {
        let r = Ratings::binary(2, vec![[Some(false), Some(false)]; 5]);
        assert_eq!(r.categories(), &[0, 1]);
        assert_eq!(r.coder_category_counts(), vec![vec![5, 0], vec![5, 0]]);
        assert_eq!(r.percent_agreement(), Some(1.0));
        assert_eq!(r.cohen_kappa(), None);
        assert_eq!(r.krippendorff_alpha_nominal(), None);
        assert_eq!(r.gwet_ac1(), Some(1.0));
    }
}
