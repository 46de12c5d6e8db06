//! A tantivy search index over every transcript turn of a study, kept in
//! `.thematic/index/` as a rebuildable cache: one document per turn, with the transcript,
//! participant and their attributes, speaker, role, time, the themes coded on the turn (per
//! coder), and the text twice — English-stemmed for ordinary searches, and as lowercased
//! words for exact matches, prefixes and fuzzy words.
//!
//! [`StudyIndex::open`] brings the index up to date before answering: it re-indexes only
//! the transcripts whose file or codings changed, and rebuilds from scratch an index that
//! is missing, from another version, corrupt, or built for other participant attributes.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use thematic_index::{SearchQuery, StudyIndex};
//! use thematic_study::{InitOptions, Study};
//!
//! let study = Study::init(dir.path(), &InitOptions::new("demo")).unwrap();
//! std::fs::write(study.transcripts_dir().join("P6.txt"),
//!     "Interviewer: What do you do first?\nP6: We set small goals together.\n").unwrap();
//! let (index, _) = StudyIndex::open(&study, &mut |_| {}).unwrap();
//! let q = SearchQuery { query: "goal".into(), limit: 10, context: 40, ..Default::default() };
//! let found = index.search(&study.codebook().unwrap(), &q).unwrap();
//! assert_eq!((found.hits[0].transcript.as_str(), found.hits[0].turn), ("P6", 2));
//! assert_eq!(found.hits[0].snippet, "We set small goals together."); // stemmed: goal ~ goals
//! ```

mod autocode;
mod error;
mod kwic;
mod manifest;
mod query;
mod schema;
mod search;
mod similar;
mod update;

use std::path::PathBuf;

use tantivy::{Index, IndexReader};
use thematic_study::{FileLock, Study};

pub use autocode::{SuggestUnit, Suggestion};
pub use error::IndexError;
pub use query::Scope;
pub use search::{CountBy, SearchHit, SearchQuery, SearchResults};
pub use similar::{
    MAX_CANDIDATES, MAX_EXAMPLES, MAX_TERMS, STOP_WORDS, SimilarQuery, SimilarTurn, SimilarTurns,
};
pub use update::{Freshness, Progress};

use schema::Fields;

/// The folder of the index inside a study.
pub const INDEX_DIR: &str = "index";

/// An open, up-to-date index of a study.
#[allow(missing_debug_implementations)] // tantivy's Index has no useful Debug output
pub struct StudyIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
}

impl StudyIndex {
    /// Opens the study's index, first bringing it up to date (or building it).
    /// `progress` is told how far indexing has got.
    pub fn open(
        study: &Study,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(StudyIndex, Freshness), IndexError> {
        Self::with_builder(study, progress, false)
    }

    /// Builds the study's index from scratch.
    pub fn rebuild(
        study: &Study,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(StudyIndex, Freshness), IndexError> {
        Self::with_builder(study, progress, true)
    }

    fn with_builder(
        study: &Study,
        progress: &mut dyn FnMut(Progress),
        rebuild: bool,
    ) -> Result<(StudyIndex, Freshness), IndexError> {
        let dir = study.cache_dir().join(INDEX_DIR);
        std::fs::create_dir_all(study.cache_dir())
            .map_err(|e| IndexError::io(&study.cache_dir(), e))?;
        // One process updates the index at a time; the others wait, then find it fresh.
        let _lock = FileLock::acquire(&dir)?;
        let mut builder = update::Builder {
            study,
            dir: dir.clone(),
            progress,
        };
        let (index, fields, fresh) = if rebuild {
            builder.build("asked to rebuild".into())?
        } else {
            builder.refresh()?
        };
        let reader = index.reader()?;
        Ok((
            StudyIndex {
                index,
                reader,
                fields,
                dir,
            },
            fresh,
        ))
    }

    /// The number of turns indexed.
    pub fn turns(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}
