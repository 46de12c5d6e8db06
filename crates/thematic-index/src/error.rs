//! Index errors.

/// Building, opening or querying the index failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// A tantivy error (I/O, a corrupt segment, a lock).
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A query that does not parse, with what was wrong.
    #[error("cannot read the query {query:?}: {reason}")]
    Query {
        /// The query as given.
        query: String,
        /// Why it does not parse.
        reason: String,
    },
    /// File-system trouble around the index folder.
    #[error("{path}: {source}")]
    Io {
        /// The folder or file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}
