//! What goes into a paper, made from a study: the coded passages every table starts from,
//! theme counts, the agreement data behind `thematic agree`, quote tables in seven formats,
//! Table 1, the themes × participants matrix, co-occurrence, the figures, and the codebook
//! as an appendix — with the small Word and Excel writers they need.
//!
//! Everything here reads a [`thematic_study::Study`] and writes nothing into it: the
//! functions take the study as their first argument and return plain data or bytes.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use thematic_report::{CoderSelection, passages};
//! use thematic_study::{InitOptions, Study};
//!
//! let study = Study::init(dir.path(), &InitOptions::new("My study")).unwrap();
//! let found = passages(&study, &CoderSelection::Pooled(vec!["KW".into()])).unwrap();
//! assert!(found.is_empty());
//! ```

mod agree;
mod agree_shared;
mod agree_table;
mod map_notes;
mod passages;

pub mod export;
pub mod plots;
pub mod quotes;
pub mod tables;

pub use agree::{
    AgreeCounter, AgreeData, AgreeOptions, Disagreement, Pattern, ThemeCounts as UnitCounts,
    TranscriptAgreement, UnitKind, agreement_data, missing_transcript,
};
pub use agree_shared::{default_unit, round4};
pub use agree_table::{ALL_THEMES, AgreementRow, TableOptions, agreement_rows};
pub use map_notes::{map_notes, map_notes_of};
pub use passages::{CoderSelection, Passage, attribute, passages, passages_of};
