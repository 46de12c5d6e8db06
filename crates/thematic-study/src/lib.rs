//! The study folder: `thematic.toml`, `transcripts/`, `codebooks/`, `participants.csv`,
//! `codings/<coder>.csv`, `memos/` and the rebuildable cache `.thematic/` — a plain folder a
//! team keeps in git. Every write is atomic (temp file, fsync, rename).
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use thematic_study::{Study, InitOptions};
//!
//! let study = Study::init(dir.path(), &InitOptions::new("My study")).unwrap();
//! let found = Study::discover(&dir.path().join("transcripts")).unwrap();
//! assert_eq!(found.root(), study.root());
//! assert_eq!(found.config().name, "My study");
//! ```

mod anonymisation;
mod anonymise_apply;
mod anonymise_check;
mod anonymise_copy;
mod anonymise_guard;
mod anonymise_key;
mod changelog;
mod check;
mod codings;
mod config;
mod counts;
mod csvlog;
mod current;
mod dismissed;
mod error;
mod fsutil;
mod import;
mod lookup;
mod media;
mod memos;
mod merge_study;
mod participants;
mod progress;
mod reading;
mod reanchor;
mod refactor;
mod rewrite;
mod row_edit;
mod speakers;
mod stable_hash;
mod stars;
mod store;
mod study;
pub mod testing;
mod themes;
mod transcripts;
mod turn_cache;
mod undo;
mod unfinished;
mod update;
mod versions;

pub use anonymisation::{ANONYMISATION_DIR, IdentifierScan, REVIEW_FILE, TERMS_FILE};
pub use anonymise_apply::{ApplyOptions, ApplyReport, KeyPlace, NotRewritten, Replaced};
pub use anonymise_check::{IdentifierFinding, LowerCaseUse};
pub use anonymise_copy::{AnonymisedCopy, ForExport};
pub use anonymise_guard::{AcceptedTerm, Guard, GuardMode, Leak, Occurrence, refusal};
pub use anonymise_key::{KEY_COLUMNS, KeyLogRow, LOG_COLUMNS, default_key_dir};
pub use changelog::{CHANGELOG_FILE, Change, now_rfc3339};
pub use check::{CheckReport, Finding, Severity};
pub use codings::{CODINGS_COLUMNS, Coding, CodingsFile, Status};
pub use config::{
    AGREEMENT_UNITS, AttributeDisplay, CONFIG_FILE, FORMAT_VERSION, MAX_DECIMALS, StudyConfig,
};
pub use counts::{ThemeCounts, theme_counts, theme_counts_by, theme_counts_of};
pub use csvlog::{IncompleteRow, torn_path};
pub use dismissed::{DISMISSED_DIR, Dismissal};
pub use error::StudyError;
pub use fsutil::{FileLock, atomic_write};
pub use import::{ImportError, Imported, Importer};
pub use lookup::{SUGGESTION_CODER, codable_theme, theme};
pub use media::{
    MEDIA_COLUMNS, MEDIA_DIR, MEDIA_FILE, MEDIA_TYPES, MediaKind, MediaLink, MediaState,
    SYNC_COLUMNS, SYNC_FILE, SyncTime, fingerprint, media_beside, media_type,
};
pub use memos::{Memo, MemoAbout, new_memo_id, parse_memos};
pub use merge_study::StudyMerge;
pub use participants::{
    PARTICIPANT_COLUMN, Participants, SPEAKER_COLUMN, SpeakerRow, TRANSCRIPT_COLUMN,
};
pub use progress::{
    CoderProgress, Phase, Progress, SnapshotRef, Snapshots, Tallies, Tally, ThemeProgress,
    ThemeRef, theme_progress,
};
pub use reading::{READING_COLUMNS, READING_DIR, ReadUpdate, Reading};
pub use reanchor::{Anchor, MIN_SIMILARITY, Reanchored, reanchor, reanchor_with};
pub use refactor::MergeReport;
pub use rewrite::TextEdit;
pub use row_edit::{Recoded, RowEdit, Splice, Stamp, Uncoded};
pub use speakers::{Attribution, SharedTranscript};
pub use stable_hash::{StableHasher, content_hash, stable_hash};
pub use stars::{STAR_COLUMNS, STARS_DIR, Star, theme_codes};
pub use store::{Added, Scan, new_coding_id, same_span, valid_coder};
pub use study::{InitOptions, Study};
pub use transcripts::{
    StudyTranscript, TRANSCRIPT_EXTENSIONS, id_from_file_name, natural_cmp, parallel_map,
    parse_bytes, parse_file, read_transcript,
};
pub use turn_cache::{CachedTranscript, TurnSpan, file_stamp, turn_holding};
pub use undo::{BARRIERS, Effect, Step, UNDOABLE, Undone};
pub use unfinished::{INIT_FROM, Intent, UNFINISHED_FILE, Unfinished, shell_word};
pub use update::{UpdateReport, Updated};
pub use versions::{CURRENT, VERSIONS_DIR, Version, VersionInfo};
