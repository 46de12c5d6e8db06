//! Errors: the only fallible steps are attaching category values, parsing a level name,
//! declaring category labels and taking values from them.

use crate::Level;

/// Why [`crate::Ratings::with_values`] refused the values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValuesError {
    /// A category used in the ratings has no value.
    #[error("category {category} is used but only {values} values were given")]
    Missing {
        /// The category index without a value.
        category: usize,
        /// How many values were given.
        values: usize,
    },
    /// A value is NaN or infinite.
    #[error("the value of category {category} is not a finite number")]
    NotFinite {
        /// The category index whose value is not finite.
        category: usize,
    },
}

/// A level of measurement name that is not one of `nominal`, `ordinal`, `interval`, `ratio`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level of measurement '{0}' (expected nominal, ordinal, interval or ratio)")]
pub struct ParseLevelError(pub String);

/// A label given twice to [`crate::CategoryLabels::declared`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("category \"{0}\" is declared twice")]
pub struct DuplicateLabelError(pub String);

/// Category labels that cannot give Krippendorff's α at a level the values it needs
/// ([`crate::CategoryLabels::values`]): some label is not a number, and the level is
/// interval or ratio, or ordinal without a declared order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{level} α needs numeric ratings; found {}", quoted(.labels))]
pub struct NotNumericError {
    /// The level asked for.
    pub level: Level,
    /// Up to five of the labels that are not numbers (the first ones met), alphabetically.
    pub labels: Vec<String>,
}

/// `"a", "b"`.
fn quoted(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| format!("\"{l}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
