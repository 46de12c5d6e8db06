//! Index errors.

/// Building, opening or querying the index failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// A tantivy error (I/O, a corrupt segment, a lock).
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Reading the study failed (a transcript, a codings file, participants.csv).
    #[error(transparent)]
    Study(#[from] thematic_study::StudyError),
    /// A query that does not parse, with what was wrong and how to fix it.
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

impl IndexError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> IndexError {
        IndexError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn query(query: &str, reason: impl Into<String>) -> IndexError {
        IndexError::Query {
            query: query.to_string(),
            reason: reason.into(),
        }
    }
}
