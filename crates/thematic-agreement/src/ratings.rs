//! The units × coders table of category ratings and how it is stored.
//!
//! Rows are kept flat (one `u32` per cell) with a multiplicity per row, so that identical
//! units can be stored once: [`Ratings::binary`] and [`Ratings::from_patterns`] do that, and
//! the bootstrap resamples those multiplicities. Category indices are mapped to dense codes
//! over the categories that actually occur, so a huge index costs nothing and never indexes
//! out of bounds.

use crate::error::ValuesError;

/// The cell value for a missing rating.
pub(crate) const MISSING: u32 = u32::MAX;

/// Rows are merged by counting into a table when there are at most this many possible
/// rows ((categories + 1)^coders).
const PATTERN_TABLE: usize = 1 << 16;

/// Declared categories ([`Ratings::with_categories`]) are listed one by one in
/// [`Ratings::categories`] only up to this many; a larger q still counts in the formulas.
pub const MAX_LISTED_CATEGORIES: usize = 1 << 16;

/// Ratings: for each unit, one optional category index per coder.
///
/// A category index is any `usize` (typically a theme's position in the codebook). Missing
/// ratings are `None`. Statistics only ever look at the multiset of unit rows, so the order
/// of units does not matter and identical units may be stored once with a count.
///
/// Equality is structural: two `Ratings` are equal when they store the same rows in the same
/// order with the same counts, categories and values.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratings {
    coders: usize,
    /// The category index behind each dense code, ascending.
    labels: Vec<usize>,
    /// The q declared with [`Ratings::with_categories`], 0 when none was.
    declared: usize,
    /// Numeric value per category index, from [`Ratings::with_values`].
    values: Option<Vec<f64>>,
    /// `rows × coders` dense codes, [`MISSING`] for a missing rating.
    cells: Vec<u32>,
    /// How many units each row stands for.
    weights: Vec<usize>,
}

// Values are checked to be finite, so `PartialEq` is an equivalence relation.
impl Eq for Ratings {}

impl Ratings {
    /// Builds ratings for `coders` coders, one row per unit. Rows shorter than `coders` are
    /// padded with missing ratings and longer ones truncated.
    ///
    /// Accepts `Vec<Vec<Option<usize>>>` as well as any iterator of slices or arrays, such as
    /// `Vec<[Option<usize>; 2]>`, which needs no allocation per unit.
    pub fn new<U: AsRef<[Option<usize>]>>(
        coders: usize,
        units: impl IntoIterator<Item = U>,
    ) -> Ratings {
        Ratings::from_patterns(coders, units.into_iter().map(|u| (u, 1)))
    }

    /// Builds ratings from distinct unit rows and how many units have each row: the cheap way
    /// to pass large data, e.g. the 3 × 3 table of (missing, 0, 1) per coder pair that a
    /// theme's binary coding reduces to (declare q = 2 with [`Ratings::with_categories`] so
    /// that "applied" is listed even when nobody applied the theme). Rows with a count of 0
    /// are skipped; rows are padded or truncated to `coders` as in [`Ratings::new`].
    ///
    /// ```
    /// use thematic_agreement::Ratings;
    ///
    /// // Both coders applied the theme to 40 units, they differ on 5 + 3, neither applied
    /// // it to 952, and only the first coder coded another 20.
    /// let r = Ratings::from_patterns(2, [
    ///     ([Some(1), Some(1)], 40),
    ///     ([Some(1), Some(0)], 5),
    ///     ([Some(0), Some(1)], 3),
    ///     ([Some(0), Some(0)], 952),
    ///     ([Some(0), None], 20),
    /// ])
    /// .with_categories(2);
    /// assert_eq!(r.units(), 1020);
    /// assert_eq!(r.pairable_units(), 1000);
    /// assert!(r.cohen_kappa().unwrap() > 0.9);
    /// ```
    pub fn from_patterns<U: AsRef<[Option<usize>]>>(
        coders: usize,
        patterns: impl IntoIterator<Item = (U, usize)>,
    ) -> Ratings {
        let mut raw: Vec<Option<usize>> = Vec::new();
        let mut weights = Vec::new();
        for (row, count) in patterns {
            if count == 0 {
                continue;
            }
            let row = row.as_ref();
            raw.extend((0..coders).map(|g| row.get(g).copied().flatten()));
            weights.push(count);
        }
        let labels = distinct_labels(&raw);
        let cells = encode(&raw, &labels);
        Ratings {
            coders,
            labels,
            declared: 0,
            values: None,
            cells,
            weights,
        }
    }

    /// Declares that there are `q` categories, indices `0..q`, whether or not all of them
    /// are used. q is the number of categories in Brennan–Prediger's chance agreement 1/q,
    /// in Gwet's AC1 and in the spacing of weighted κ; without a declaration it is the
    /// largest index used plus one. A q smaller than that is raised to it. Declared
    /// categories are listed in [`Ratings::categories`] (with zero counts) when q is at most
    /// [`MAX_LISTED_CATEGORIES`].
    pub fn with_categories(mut self, q: usize) -> Ratings {
        self.declared = q;
        if q <= MAX_LISTED_CATEGORIES {
            let mut labels: Vec<usize> = self.labels.iter().copied().chain(0..q).collect();
            labels.sort_unstable();
            labels.dedup();
            if labels.len() != self.labels.len() {
                // Dense codes follow the sorted labels, so re-map every cell.
                let remap: Vec<u32> = self.labels.iter().map(|l| code_of(&labels, *l)).collect();
                for cell in &mut self.cells {
                    if *cell != MISSING {
                        *cell = remap[*cell as usize];
                    }
                }
                self.labels = labels;
            }
        }
        self
    }

    /// Gives each category index a numeric value, `values[index]`, for Krippendorff's α at
    /// the ordinal (order of values), interval and ratio levels. Without values, a
    /// category's value is its index.
    ///
    /// # Errors
    ///
    /// [`ValuesError::Missing`] when a category used in the ratings has no value, and
    /// [`ValuesError::NotFinite`] when any value is NaN or infinite.
    pub fn with_values(mut self, values: &[f64]) -> Result<Ratings, ValuesError> {
        if let Some(category) = values.iter().position(|v| !v.is_finite()) {
            return Err(ValuesError::NotFinite { category });
        }
        if let Some(&category) = self.used_labels().find(|l| **l >= values.len()) {
            return Err(ValuesError::Missing {
                category,
                values: values.len(),
            });
        }
        self.values = Some(values.to_vec());
        Ok(self)
    }

    /// Number of coders.
    pub fn coders(&self) -> usize {
        self.coders
    }

    /// Number of units, including units with missing ratings.
    pub fn units(&self) -> usize {
        self.weights.iter().sum()
    }

    /// Number of units rated by at least two coders: the units every agreement statistic
    /// is computed over.
    pub fn pairable_units(&self) -> usize {
        self.rows()
            .filter(|(row, _)| row.iter().filter(|c| **c != MISSING).count() >= 2)
            .map(|(_, w)| w)
            .sum()
    }

    /// The category indices the ratings range over, ascending: every index used, plus the
    /// declared `0..q` (see [`Ratings::with_categories`]).
    pub fn categories(&self) -> &[usize] {
        &self.labels
    }

    /// q, the number of categories: the one declared with [`Ratings::with_categories`], or
    /// else the largest category index used plus one (0 without any rating).
    pub fn category_count(&self) -> usize {
        let used = self.labels.last().map_or(0, |l| l.saturating_add(1));
        used.max(self.declared)
    }

    /// For each coder, how many units they rated in each category of
    /// [`Ratings::categories`] (same order).
    pub fn coder_category_counts(&self) -> Vec<Vec<usize>> {
        let mut counts = vec![vec![0usize; self.labels.len()]; self.coders];
        for (row, w) in self.rows() {
            for (g, &cell) in row.iter().enumerate() {
                if cell != MISSING {
                    counts[g][cell as usize] += w;
                }
            }
        }
        counts
    }

    /// The value of the category behind dense code `code`: from [`Ratings::with_values`], or
    /// the category index. A declared category without a value (never used, so never
    /// weighted) gets 0.
    pub(crate) fn value_of(&self, code: usize) -> f64 {
        let label = self.labels[code];
        match &self.values {
            Some(values) => values.get(label).copied().unwrap_or(0.0),
            None => label as f64,
        }
    }

    /// The category index behind dense code `code`.
    pub(crate) fn label(&self, code: usize) -> usize {
        self.labels[code]
    }

    /// Number of dense codes (listed categories).
    pub(crate) fn label_count(&self) -> usize {
        self.labels.len()
    }

    /// Each row with the number of units it stands for; rows standing for no unit are
    /// skipped.
    pub(crate) fn rows(&self) -> impl Iterator<Item = (&[u32], usize)> {
        // With zero coders there are no cells; chunks of 1 over nothing yield nothing.
        self.cells
            .chunks_exact(self.coders.max(1))
            .zip(self.weights.iter().copied())
            .filter(|(_, w)| *w > 0)
    }

    /// Calls `f(weight, m, counts)` for each unit row with at least one rating, where `m` is
    /// the number of ratings and `counts` the distinct categories rated with how often
    /// (the r_ik of `specs/agreement.md`). No allocation per unit.
    pub(crate) fn for_each_unit(&self, mut f: impl FnMut(f64, u32, &[(u32, u32)])) {
        let mut counts = vec![0u32; self.labels.len()];
        let mut touched: Vec<u32> = Vec::with_capacity(self.coders);
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(self.coders);
        for (row, w) in self.rows() {
            let mut m = 0u32;
            for &cell in row {
                if cell != MISSING {
                    let slot = &mut counts[cell as usize];
                    if *slot == 0 {
                        touched.push(cell);
                    }
                    *slot += 1;
                    m += 1;
                }
            }
            if m == 0 {
                continue;
            }
            pairs.clear();
            pairs.extend(touched.iter().map(|&c| (c, counts[c as usize])));
            f(w as f64, m, &pairs);
            for c in touched.drain(..) {
                counts[c as usize] = 0;
            }
        }
    }

    /// The same ratings with identical rows merged (rows in a fixed order), for resampling
    /// and for computing many statistics over large data. O(rows) when the possible rows
    /// are few (at most [`PATTERN_TABLE`]), a sort otherwise.
    pub(crate) fn compressed(&self) -> Ratings {
        let base = self.labels.len() + 1;
        let space = u32::try_from(self.coders)
            .ok()
            .and_then(|c| base.checked_pow(c))
            .filter(|s| self.coders > 0 && *s <= PATTERN_TABLE);
        match space {
            Some(space) => self.compressed_by_table(base, space),
            None => self.compressed_by_sort(),
        }
    }

    /// Counts rows by their number in base (categories + 1), 0 standing for missing.
    fn compressed_by_table(&self, base: usize, space: usize) -> Ratings {
        let mut counts = vec![0usize; space];
        for (row, w) in self.rows() {
            let code = row.iter().rev().fold(0usize, |acc, &cell| {
                acc * base
                    + if cell == MISSING {
                        0
                    } else {
                        cell as usize + 1
                    }
            });
            counts[code] += w;
        }
        let mut cells = Vec::new();
        let mut weights = Vec::new();
        for (mut code, w) in counts.into_iter().enumerate() {
            if w == 0 {
                continue;
            }
            for _ in 0..self.coders {
                let digit = code % base;
                code /= base;
                cells.push(if digit == 0 {
                    MISSING
                } else {
                    (digit - 1) as u32
                });
            }
            weights.push(w);
        }
        self.with_rows(cells, weights)
    }

    /// Sorts rows and merges runs of identical ones.
    fn compressed_by_sort(&self) -> Ratings {
        let width = self.coders.max(1);
        let mut order: Vec<usize> = (0..self.weights.len())
            .filter(|&i| self.weights[i] > 0)
            .collect();
        let row = |i: usize| &self.cells[i * self.coders..(i + 1) * self.coders];
        order.sort_by(|&a, &b| row(a).cmp(row(b)));
        let mut cells = Vec::with_capacity(order.len() * width);
        let mut weights: Vec<usize> = Vec::with_capacity(order.len());
        let mut last: Option<usize> = None;
        for i in order {
            match (last, weights.last_mut()) {
                (Some(prev), Some(w)) if row(prev) == row(i) => *w += self.weights[i],
                _ => {
                    cells.extend_from_slice(row(i));
                    weights.push(self.weights[i]);
                }
            }
            last = Some(i);
        }
        self.with_rows(cells, weights)
    }

    /// These ratings' categories and values over other rows.
    pub(crate) fn with_rows(&self, cells: Vec<u32>, weights: Vec<usize>) -> Ratings {
        Ratings {
            coders: self.coders,
            labels: self.labels.clone(),
            declared: self.declared,
            values: self.values.clone(),
            cells,
            weights,
        }
    }

    /// The multiplicity of each row, for resampling a [`Ratings::compressed`] copy.
    pub(crate) fn weights(&self) -> &[usize] {
        &self.weights
    }

    /// Replaces the multiplicity of each row (same length as [`Ratings::weights`]).
    pub(crate) fn set_weights(&mut self, weights: &[usize]) {
        self.weights.clear();
        self.weights.extend_from_slice(weights);
    }

    /// Category indices that occur in some rating.
    fn used_labels(&self) -> impl Iterator<Item = &usize> {
        let mut used = vec![false; self.labels.len()];
        for &cell in &self.cells {
            if cell != MISSING {
                used[cell as usize] = true;
            }
        }
        self.labels
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|(l, _)| l)
    }
}

/// The distinct category indices in `raw`, ascending.
fn distinct_labels(raw: &[Option<usize>]) -> Vec<usize> {
    let max = raw.iter().flatten().copied().max();
    match max {
        None => Vec::new(),
        // Small indices: a presence table, linear time.
        Some(max) if max < raw.len().saturating_mul(4).max(1 << 16) => {
            let mut seen = vec![false; max + 1];
            for v in raw.iter().flatten() {
                seen[*v] = true;
            }
            (0..=max).filter(|&l| seen[l]).collect()
        }
        Some(_) => {
            let mut labels: Vec<usize> = raw.iter().flatten().copied().collect();
            labels.sort_unstable();
            labels.dedup();
            labels
        }
    }
}

/// Dense codes for `raw` over the ascending `labels` (which contain every used index).
fn encode(raw: &[Option<usize>], labels: &[usize]) -> Vec<u32> {
    let max = labels.last().copied().unwrap_or(0);
    if max < raw.len().saturating_mul(4).max(1 << 16) {
        let mut table = vec![MISSING; max + 1];
        for (code, &l) in labels.iter().enumerate() {
            table[l] = code as u32;
        }
        raw.iter()
            .map(|v| v.map_or(MISSING, |l| table[l]))
            .collect()
    } else {
        raw.iter()
            .map(|v| v.map_or(MISSING, |l| code_of(labels, l)))
            .collect()
    }
}

/// The dense code of `label` in the ascending `labels`, which contain it.
fn code_of(labels: &[usize], label: usize) -> u32 {
    labels.binary_search(&label).map_or(MISSING, |i| i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_category_indices_are_stored_densely() {
        let r = Ratings::new(
            2,
            vec![vec![Some(usize::MAX), Some(3)], vec![Some(3), None]],
        );
        assert_eq!(r.categories(), &[3, usize::MAX]);
        assert_eq!(r.category_count(), usize::MAX);
        assert_eq!(r.coder_category_counts(), vec![vec![1, 1], vec![1, 0]]);
    }

    #[test]
    fn declared_categories_are_listed_and_cells_remapped() {
        let r = Ratings::new(2, [[Some(3), Some(1)]]).with_categories(5);
        assert_eq!(r.categories(), &[0, 1, 2, 3, 4]);
        assert_eq!(r.category_count(), 5);
        assert_eq!(
            r.coder_category_counts(),
            vec![vec![0, 0, 0, 1, 0], vec![0, 1, 0, 0, 0]]
        );
        let small = Ratings::new(1, [[Some(7)]]).with_categories(2);
        assert_eq!(small.category_count(), 8);
        let huge = Ratings::new(1, [[Some(7)]]).with_categories(usize::MAX);
        assert_eq!(huge.categories(), &[7]);
        assert_eq!(huge.category_count(), usize::MAX);
    }

    #[test]
    fn rows_are_padded_truncated_and_zero_counts_dropped() {
        let r = Ratings::from_patterns(
            3,
            [
                (vec![Some(0)], 2),
                (vec![Some(1), Some(1), Some(1), Some(1)], 1),
                (vec![Some(2)], 0),
            ],
        );
        assert_eq!(r.units(), 3);
        assert_eq!(r.categories(), &[0, 1]);
        assert_eq!(r.pairable_units(), 1);
    }

    #[test]
    fn compression_merges_identical_rows() {
        let r = Ratings::new(2, vec![vec![Some(1), None]; 3]);
        let c = r.compressed();
        assert_eq!(c.weights(), &[3]);
        let r = Ratings::new(2, [[Some(1), None], [Some(0), Some(1)], [Some(1), None]]);
        let c = r.compressed();
        assert_eq!(c.units(), 3);
        assert_eq!(c.weights().len(), 2);
    }

    #[test]
    fn both_compressions_give_the_same_rows() {
        let r = Ratings::new(
            3,
            [
                [Some(2), None, Some(0)],
                [None, None, None],
                [Some(2), None, Some(0)],
                [Some(1), Some(1), Some(1)],
            ],
        );
        let by_table = r.compressed();
        let by_sort = r.compressed_by_sort();
        assert_eq!(by_table.weights(), &[1, 2, 1]);
        assert_eq!(by_table.units(), 4);
        let mut a: Vec<_> = by_table.rows().map(|(c, w)| (c.to_vec(), w)).collect();
        let mut b: Vec<_> = by_sort.rows().map(|(c, w)| (c.to_vec(), w)).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn values_must_cover_used_categories_and_be_finite() {
        let r = Ratings::new(2, [[Some(0), Some(2)]]);
        assert_eq!(
            r.clone().with_values(&[1.0, 2.0]),
            Err(ValuesError::Missing {
                category: 2,
                values: 2
            })
        );
        assert_eq!(
            r.clone().with_values(&[1.0, f64::NAN, 3.0]),
            Err(ValuesError::NotFinite { category: 1 })
        );
        assert!(r.with_values(&[1.0, 2.0, 3.0]).is_ok());
    }

    #[test]
    fn zero_coders_and_no_units_do_not_panic() {
        let r = Ratings::new(0, vec![vec![Some(1)], vec![]]);
        assert_eq!(r.units(), 2);
        assert_eq!(r.pairable_units(), 0);
        assert!(r.coder_category_counts().is_empty());
        let empty = Ratings::new(2, Vec::<Vec<Option<usize>>>::new());
        assert_eq!(empty.units(), 0);
        assert_eq!(empty.category_count(), 0);
    }
}
