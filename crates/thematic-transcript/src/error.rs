//! Errors: files that cannot be read as a transcript at all.

/// Why a file could not be read as a transcript. Anything less serious is a
/// [`Warning`](crate::Warning) on a transcript that was read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The file has no bytes, or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// The file looks like binary data (NUL bytes outside UTF-16 text).
    #[error("the file looks binary, not text (a NUL byte at byte {offset})")]
    Binary {
        /// Byte offset of the first suspicious byte.
        offset: usize,
    },
    /// Larger than the documented limit.
    #[error("the file is {size} bytes, over the limit of {limit} bytes for one transcript")]
    TooLarge {
        /// The file's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A `.docx` that is not a readable Word package.
    #[error("not a readable Word document: {reason}")]
    CorruptDocx {
        /// What was wrong.
        reason: String,
    },
    /// JSON that does not parse, with its line and column.
    #[error("invalid JSON at line {line}, column {column}: {reason}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser said.
        reason: String,
    },
}

impl ParseError {
    /// A stable snake_case name for the kind of error.
    pub fn kind(&self) -> &'static str {
        match self {
            ParseError::Empty => "empty",
            ParseError::Binary { .. } => "binary",
            ParseError::TooLarge { .. } => "too_large",
            ParseError::CorruptDocx { .. } => "corrupt_docx",
            ParseError::Json { .. } => "json",
        }
    }
}
