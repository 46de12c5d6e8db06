//! REFI-QDA projects (`.qdpx`, QDA-XML project 1.0): the exchange format of NVivo,
//! ATLAS.ti, MAXQDA and QualCoder.
//!
//! - [`export_qdpx`] writes the whole study: transcripts as text sources, the
//!   codebook, a user per coder, every coding as a `PlainTextSelection` with its `Coding`,
//!   participants as cases with typed variables (a focus group's speakers as cases holding
//!   their turns), memos as notes. Strict to the schema and deterministic.
//! - [`import_qdpx`] and
//!   [`init_from_qdpx`] read projects written by other
//!   tools, leniently, and report by name and count whatever has no place in a study.
//!
//! - With [`QdpxOptions::with_media`], a transcript's linked recording goes in too, as an
//!   `AudioSource` or `VideoSource` holding the transcript, its sync points and codings
//!   (`media`); an import reads them back and links the recording.
//!
//! The modules: `package` (the zip, read as untrusted input), `write` (the project file),
//! `read` (the project file, leniently), `place` (re-basing positions into our text),
//! `apply` (adding what was read to a study), `cases` (participants' segments) and `guids`.

mod apply;
mod cases;
mod guids;
mod media;
mod media_read;
mod media_study;
mod package;
mod place;
mod read;
mod write;

pub use apply::{import_qdpx, init_from_qdpx};
pub use media::{MAX_INTERNAL_FILE, MediaForExport};
pub use package::Limits;
pub use write::{export_qdpx, export_qdpx_to, export_qdpx_with_media};

/// The project namespace written.
pub const PROJECT_NAMESPACE: &str = "urn:QDA-XML:project:1.0";

/// How to write a project.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QdpxOptions {
    /// Write the sources with `\r\n` line endings (for MAXQDA). Positions still count a line
    /// ending as one character, as MAXQDA and ATLAS.ti do.
    pub crlf: bool,
    /// Put each transcript's linked recording into the project, as an `AudioSource` or
    /// `VideoSource` with the transcript and its sync points. Off unless asked: recordings
    /// are large and identify people.
    pub with_media: bool,
}

/// Something the project did not carry, or the study could not take: what kind of thing,
/// and which one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LeftOut {
    /// What kind of thing, e.g. "PictureSource (thematic reads text sources only)".
    pub what: String,
    /// Which one, e.g. a source's name or `KW c-5f2a9c01d3e7`.
    pub name: String,
}

impl LeftOut {
    pub(crate) fn new(what: impl Into<String>, name: impl Into<String>) -> LeftOut {
        LeftOut {
            what: what.into(),
            name: name.into(),
        }
    }
}

/// Left-out things grouped by kind: (what, how many, their names), in order of kind.
pub fn group_left_out(items: &[LeftOut]) -> Vec<(String, usize, Vec<String>)> {
    let mut groups: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for i in items {
        groups.entry(&i.what).or_default().push(i.name.clone());
    }
    groups
        .into_iter()
        .map(|(what, names)| (what.to_string(), names.len(), names))
        .collect()
}

/// What an export wrote, and what it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Transcripts written as sources.
    pub transcripts: usize,
    /// Codings written.
    pub codings: usize,
    /// Memos written as notes.
    pub memos: usize,
    /// Coders written as users.
    pub coders: usize,
    /// Recordings written (with `with_media`), each with its transcript and sync points.
    pub recordings: usize,
    /// What was not written, and why.
    pub left_out: Vec<LeftOut>,
    /// What was written differently from the study (a memo whose subject is not exported).
    pub warnings: Vec<String>,
}

/// What became of one source of an imported project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOutcome {
    /// The source's name in the project.
    pub name: String,
    /// The transcript id it has in the study (empty when it was not imported).
    pub id: String,
    /// `imported`, `present` (the study already had the same text) or `skipped`.
    pub status: &'static str,
    /// Codings placed in it.
    pub codings: usize,
    /// Codings kept as orphaned: their selection could not be placed in the text.
    pub orphaned: usize,
    /// How positions were re-based, or why the source was skipped.
    pub note: Option<String>,
}

/// What importing a project did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The project's name.
    pub project: Option<String>,
    /// One entry per text source, in project order.
    pub sources: Vec<SourceOutcome>,
    /// Themes that matched the study's codebook.
    pub themes_matched: usize,
    /// Themes added to the study's codebook (ids).
    pub themes_added: Vec<String>,
    /// Codings added, per coder.
    pub codings_added: std::collections::BTreeMap<String, usize>,
    /// Codings the study already had (same coder, transcript, span and theme, or same id).
    pub codings_present: usize,
    /// Memos added.
    pub memos_added: usize,
    /// Memos the study already had (same id).
    pub memos_present: usize,
    /// Participants added to `participants.csv`.
    pub participants_added: usize,
    /// Rows naming a participant's speaker in a transcript added to `participants.csv`
    /// (from cases that refer to selections: a focus group's speakers).
    pub speakers_added: usize,
    /// Attribute columns added to `participants.csv`.
    pub attributes_added: Vec<String>,
    /// Transcripts whose recording came with the project and was linked to them.
    pub recordings_linked: Vec<String>,
    /// What the project holds that the study has no place for.
    pub left_out: Vec<LeftOut>,
    /// Things changed on the way in (a coder name made safe, a value kept over another).
    pub warnings: Vec<String>,
}

impl ImportReport {
    /// Codings added, all coders.
    pub fn codings_total(&self) -> usize {
        self.codings_added.values().sum()
    }
}
