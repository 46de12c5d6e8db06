//! Errors: the only fallible steps are attaching category values and parsing a level name.

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
