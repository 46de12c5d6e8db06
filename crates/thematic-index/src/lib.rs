//! A tantivy search index over every transcript turn of a study, kept in
//! `.thematic/index/` as a rebuildable cache: one document per turn, with an English-stemmed
//! text field for ordinary searches and an exact field for phrases and exact matches.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use thematic_index::{TurnDoc, TurnIndex};
//!
//! let docs = vec![TurnDoc {
//!     transcript: "P6".into(), turn: 3, speaker: "P6".into(), role: "participant".into(),
//!     text: "We set small goals together.".into(),
//! }];
//! let index = TurnIndex::build(dir.path(), &docs).unwrap();
//! let hits = index.search("goal", 10).unwrap();   // stemmed: "goals" matches
//! assert_eq!((hits[0].transcript.as_str(), hits[0].turn), ("P6", 3));
//! ```

mod error;
mod schema;

pub use error::IndexError;
pub use schema::{Hit, TurnDoc, TurnIndex};
