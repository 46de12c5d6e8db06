//! Category labels, such as the cells of a ratings file, turned into the category indices
//! and values that [`Ratings`] works with: which order the categories take, whether the
//! labels are numbers, and the values Krippendorff's α needs at the ordinal, interval and
//! ratio levels.
//!
//! [`Ratings`]: crate::Ratings

use std::collections::BTreeSet;

use crate::Level;
use crate::error::{DuplicateLabelError, NotNumericError};

/// How many labels that are not numbers a [`NotNumericError`] names.
const NAMED_IN_ERROR: usize = 5;

/// Category labels in the order their categories take.
///
/// Each label has an *index*, its place in the list it was built from (the order the labels
/// were first met in a file, or the order they were declared in), and a *rank*, its
/// category's place in the order of the categories. [`Ratings`](crate::Ratings) takes ranks
/// as category indices, so that the order of the indices is the order of the categories
/// (what ordinal α and weighted κ rely on), and q is [`CategoryLabels::len`].
///
/// The order is
///
/// - for [declared](CategoryLabels::declared) labels, the order of the declaration;
/// - otherwise ([`CategoryLabels::sorted`]), ascending by value when every label is a
///   number, and else by the labels' bytes (alphabetical for ASCII text, upper case before
///   lower case). Only nominal α can use text put in order this way: ordinal text needs a
///   declared order.
///
/// A label is a number when Rust's `f64` parser takes it whole: `3`, `-0.5`, `+2`, `1e3`,
/// and also `inf` and `NaN` (which [`Ratings::with_values`](crate::Ratings::with_values)
/// then refuses as not finite), but not `1,5`, ` 3` or `0x10`. Labels are compared as they
/// are, so trim them first; `1` and `1.0` are two labels with the same value.
///
/// ```
/// use thematic_agreement::{CategoryLabels, Level, Ratings};
///
/// // Labels as first met in a file, and one unit rated "10" and "9" by two coders.
/// let labels = CategoryLabels::sorted(["10", "9", "11"]);
/// assert_eq!(labels.ordered(), ["9", "10", "11"]);
/// let unit = [Some(labels.rank(0)), Some(labels.rank(1))];
/// assert_eq!(unit, [Some(1), Some(0)]);
/// let values = labels.values(Level::Interval).unwrap().unwrap();
/// assert_eq!(values, [9.0, 10.0, 11.0]);
/// let r = Ratings::new(2, [unit])
///     .with_categories(labels.len())
///     .with_values(&values)
///     .unwrap();
/// assert_eq!(r.category_count(), 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryLabels {
    /// The labels by index.
    labels: Vec<String>,
    /// Each label's number, by index, when every label is a number.
    numbers: Option<Vec<f64>>,
    /// The label indices in category order: `order[rank] = index`.
    order: Vec<usize>,
    /// Each label's rank, by index: `rank[index] = rank`.
    rank: Vec<usize>,
    /// Whether the order is a declared one.
    declared: bool,
}

impl CategoryLabels {
    /// Labels whose order is the order given, as with `--categories low,medium,high`. For
    /// ordinal α this order is the order of the categories unless every label is a number;
    /// numbers are ordered by value whatever order they were declared in.
    ///
    /// # Errors
    ///
    /// [`DuplicateLabelError`] when a label is given twice (the first one repeated).
    pub fn declared<S: Into<String>>(
        labels: impl IntoIterator<Item = S>,
    ) -> Result<CategoryLabels, DuplicateLabelError> {
        let labels: Vec<String> = labels.into_iter().map(Into::into).collect();
        let mut seen = BTreeSet::new();
        if let Some(twice) = labels.iter().find(|l| !seen.insert(l.as_str())) {
            return Err(DuplicateLabelError(twice.clone()));
        }
        let order = (0..labels.len()).collect();
        Ok(CategoryLabels::new(labels, order, true))
    }

    /// Labels put in order by their values when every one is a number, and else by their
    /// bytes. Labels that compare equal (a repeated label, or `1` and `1.0`) keep the order
    /// they were given in.
    pub fn sorted<S: Into<String>>(labels: impl IntoIterator<Item = S>) -> CategoryLabels {
        let labels: Vec<String> = labels.into_iter().map(Into::into).collect();
        let mut order: Vec<usize> = (0..labels.len()).collect();
        match numbers(&labels) {
            Some(v) => order.sort_by(|&a, &b| v[a].total_cmp(&v[b])),
            None => order.sort_by(|&a, &b| labels[a].cmp(&labels[b])),
        }
        CategoryLabels::new(labels, order, false)
    }

    fn new(labels: Vec<String>, order: Vec<usize>, declared: bool) -> CategoryLabels {
        let mut rank = vec![0; labels.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        CategoryLabels {
            numbers: numbers(&labels),
            labels,
            order,
            rank,
            declared,
        }
    }

    /// The number of labels: q, the number of categories.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels by index, as given.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The labels in category order (by rank).
    pub fn ordered(&self) -> Vec<&str> {
        self.order
            .iter()
            .map(|&i| self.labels[i].as_str())
            .collect()
    }

    /// The rank of the label at `index`: its category index for [`Ratings`](crate::Ratings).
    ///
    /// # Panics
    ///
    /// When `index` is not less than [`CategoryLabels::len`].
    pub fn rank(&self, index: usize) -> usize {
        self.rank[index]
    }

    /// Whether the order was declared ([`CategoryLabels::declared`]).
    pub fn is_declared(&self) -> bool {
        self.declared
    }

    /// Each label's number, by index, when every label is a number (also when there are no
    /// labels); `None` when any is not.
    pub fn numbers(&self) -> Option<&[f64]> {
        self.numbers.as_deref()
    }

    /// The values for [`Ratings::with_values`](crate::Ratings::with_values), by rank, that
    /// Krippendorff's α at `level` needs:
    ///
    /// - nominal: none (`Ok(None)`), whatever the labels;
    /// - when every label is a number: the numbers, at any other level;
    /// - ordinal with a declared order and labels that are not all numbers: the ranks
    ///   0, 1, 2, … (ordinal α only uses the order of the values).
    ///
    /// # Errors
    ///
    /// [`NotNumericError`] at the interval and ratio levels when a label is not a number,
    /// and at the ordinal level when, in addition, the order was not declared (alphabetical
    /// order would rank `high` before `low`).
    pub fn values(&self, level: Level) -> Result<Option<Vec<f64>>, NotNumericError> {
        if level == Level::Nominal {
            return Ok(None);
        }
        match &self.numbers {
            Some(v) => Ok(Some(self.order.iter().map(|&i| v[i]).collect())),
            None if level == Level::Ordinal && self.declared => {
                Ok(Some((0..self.len()).map(|r| r as f64).collect()))
            }
            None => Err(self.not_numeric(level)),
        }
    }

    /// The error naming up to [`NAMED_IN_ERROR`] of the labels that are not numbers: the
    /// first ones by index, listed alphabetically.
    fn not_numeric(&self, level: Level) -> NotNumericError {
        let named: BTreeSet<&str> = self
            .labels
            .iter()
            .filter(|l| number(l).is_none())
            .map(String::as_str)
            .take(NAMED_IN_ERROR)
            .collect();
        NotNumericError {
            level,
            labels: named.into_iter().map(String::from).collect(),
        }
    }
}

/// The label as a number, when Rust's `f64` parser takes it whole.
fn number(label: &str) -> Option<f64> {
    label.parse().ok()
}

/// Every label's number, or `None` when any label is not a number.
fn numbers(labels: &[String]) -> Option<Vec<f64>> {
    labels.iter().map(|l| number(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ratings;

    #[test]
    fn numbers_are_ordered_by_value_not_alphabetically() {
        // Met as 10, 2, 1.5, -1. By value: -1 < 1.5 < 2 < 10 (by bytes it would be
        // "-1" < "1.5" < "10" < "2"), so the ranks by index are 10 → 3, 2 → 2, 1.5 → 1,
        // -1 → 0.
        let l = CategoryLabels::sorted(["10", "2", "1.5", "-1"]);
        assert_eq!(l.ordered(), ["-1", "1.5", "2", "10"]);
        assert_eq!((0..4).map(|i| l.rank(i)).collect::<Vec<_>>(), [3, 2, 1, 0]);
        assert_eq!(l.numbers(), Some(&[10.0, 2.0, 1.5, -1.0][..]));
        // The values come by rank: the numbers ascending.
        assert_eq!(
            l.values(Level::Interval),
            Ok(Some(vec![-1.0, 1.5, 2.0, 10.0]))
        );
        assert!(!l.is_declared());
    }

    #[test]
    fn text_is_ordered_by_bytes() {
        // "high" < "low" < "medium"; so medium → 2, low → 1, high → 0. "Zebra" sorts
        // before "apple" (Z is 0x5A, a is 0x61).
        let l = CategoryLabels::sorted(["medium", "low", "high"]);
        assert_eq!(l.ordered(), ["high", "low", "medium"]);
        assert_eq!((0..3).map(|i| l.rank(i)).collect::<Vec<_>>(), [2, 1, 0]);
        assert_eq!(l.numbers(), None);
        let cased = CategoryLabels::sorted(["apple", "Zebra"]);
        assert_eq!(cased.ordered(), ["Zebra", "apple"]);
        // One label that is not a number makes all of them text: "2" (0x32) < "two" (0x74),
        // and "10" < "9" by bytes.
        let mixed = CategoryLabels::sorted(["two", "9", "10"]);
        assert_eq!(mixed.ordered(), ["10", "9", "two"]);
        assert_eq!(mixed.numbers(), None);
    }

    #[test]
    fn number_syntax_is_rusts() {
        // 1e3 = 1000, +2 = 2, -0.5; a decimal comma, a space or hexadecimal is text.
        let l = CategoryLabels::sorted(["1e3", "+2", "-0.5"]);
        assert_eq!(l.numbers(), Some(&[1000.0, 2.0, -0.5][..]));
        for text in ["1,5", " 3", "0x10", ""] {
            assert_eq!(
                CategoryLabels::sorted(["1", text]).numbers(),
                None,
                "{text:?}"
            );
        }
        // No labels at all are (vacuously) all numbers.
        assert_eq!(
            CategoryLabels::sorted(Vec::<String>::new()).numbers(),
            Some(&[][..])
        );
    }

    #[test]
    fn equal_numbers_keep_the_order_they_were_met_in() {
        // 1.0 and 1 are both 1: met 2, 1.0, 1 → 1.0 (index 1), 1 (index 2), 2 (index 0).
        let l = CategoryLabels::sorted(["2", "1.0", "1"]);
        assert_eq!(l.ordered(), ["1.0", "1", "2"]);
        assert_eq!(l.values(Level::Ordinal), Ok(Some(vec![1.0, 1.0, 2.0])));
    }

    #[test]
    fn a_declared_order_is_kept() {
        // low → 0, medium → 1, high → 2, though "high" sorts first.
        let l = CategoryLabels::declared(["low", "medium", "high"]).unwrap();
        assert_eq!(l.ordered(), ["low", "medium", "high"]);
        assert_eq!((0..3).map(|i| l.rank(i)).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(l.is_declared());
        assert_eq!(l.len(), 3);
        // Ordinal α on text uses the ranks 0, 1, 2 as values; interval α cannot.
        assert_eq!(l.values(Level::Ordinal), Ok(Some(vec![0.0, 1.0, 2.0])));
        assert!(l.values(Level::Interval).is_err());
    }

    #[test]
    fn declared_numbers_keep_their_own_values() {
        // Declared 3, 1, 2: ranks follow the declaration (3 → 0, 1 → 1, 2 → 2), but the
        // values are the numbers, so ordinal α still ranks 1 < 2 < 3.
        let l = CategoryLabels::declared(["3", "1", "2"]).unwrap();
        assert_eq!((0..3).map(|i| l.rank(i)).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(l.values(Level::Ordinal), Ok(Some(vec![3.0, 1.0, 2.0])));
        assert_eq!(l.values(Level::Ratio), Ok(Some(vec![3.0, 1.0, 2.0])));
    }

    #[test]
    fn a_label_declared_twice_is_an_error() {
        let e = CategoryLabels::declared(["low", "high", "low"]).unwrap_err();
        assert_eq!(e, DuplicateLabelError("low".into()));
        assert_eq!(e.to_string(), "category \"low\" is declared twice");
    }

    #[test]
    fn nominal_needs_no_values() {
        for l in [
            CategoryLabels::sorted(["yes", "no"]),
            CategoryLabels::sorted(["1", "2"]),
            CategoryLabels::declared(["yes", "no"]).unwrap(),
        ] {
            assert_eq!(l.values(Level::Nominal), Ok(None));
        }
    }

    #[test]
    fn text_without_a_declared_order_has_no_values() {
        // Ordinal needs an order that means something; interval and ratio need numbers.
        let l = CategoryLabels::sorted(["low", "high", "3"]);
        for level in [Level::Ordinal, Level::Interval, Level::Ratio] {
            let e = l.values(level).unwrap_err();
            assert_eq!(e.level, level);
            assert_eq!(e.labels, ["high", "low"]);
        }
        assert_eq!(
            l.values(Level::Ratio).unwrap_err().to_string(),
            "ratio α needs numeric ratings; found \"high\", \"low\""
        );
    }

    #[test]
    fn the_error_names_the_first_five_labels_that_are_not_numbers() {
        // By index the labels that are not numbers are f, e, d, c, b, a; the first five,
        // f to b, are named, alphabetically; "a" (the sixth) is not, nor "1" (a number).
        let l = CategoryLabels::sorted(["f", "1", "e", "d", "c", "b", "a"]);
        let e = l.values(Level::Interval).unwrap_err();
        assert_eq!(e.labels, ["b", "c", "d", "e", "f"]);
        assert_eq!(
            e.to_string(),
            "interval α needs numeric ratings; found \"b\", \"c\", \"d\", \"e\", \"f\""
        );
    }

    #[test]
    fn krippendorff_2011_example_c_through_labels() {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C:
        // 4 observers, 12 units, values 1–5; α ordinal .815, interval .849. The values are
        // shifted by 8 (1 → "9", …, 5 → "13"), which changes neither α, so that labels,
        // indices and values all differ.
        let rows: [[&str; 4]; 12] = [
            ["9", "9", "", "9"],
            ["10", "10", "11", "10"],
            ["11", "11", "11", "11"],
            ["11", "11", "11", "11"],
            ["10", "10", "10", "10"],
            ["9", "10", "11", "12"],
            ["12", "12", "12", "12"],
            ["9", "9", "10", "9"],
            ["10", "10", "10", "10"],
            ["", "13", "13", "13"],
            ["", "", "9", "9"],
            ["", "", "11", ""],
        ];
        // Labels by first appearance, as a file reader meets them: 9, 10, 11, 12, 13.
        let mut met: Vec<&str> = Vec::new();
        for cell in rows.iter().flatten() {
            if !cell.is_empty() && !met.contains(cell) {
                met.push(cell);
            }
        }
        let labels = CategoryLabels::sorted(met.iter().copied());
        let index = |cell: &str| met.iter().position(|m| *m == cell);
        let units = rows.map(|row| row.map(|cell| index(cell).map(|i| labels.rank(i))));
        for (level, printed) in [(Level::Ordinal, "0.815"), (Level::Interval, "0.849")] {
            let values = labels.values(level).unwrap().unwrap();
            assert_eq!(values, [9.0, 10.0, 11.0, 12.0, 13.0]);
            let r = Ratings::new(4, units)
                .with_categories(labels.len())
                .with_values(&values)
                .unwrap();
            let alpha = r.krippendorff_alpha(level).unwrap();
            assert_eq!(format!("{alpha:.3}"), printed, "{level}");
        }
    }
}
