//! Errors from the study folder, each naming the file it is about.

use std::path::PathBuf;

use thematic_codebook::closest;

/// Something wrong with the study folder or a file in it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyError {
    /// No `thematic.toml` at or above the starting folder.
    #[error("no study found at or above {}", start.display())]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// `thematic init` into a folder that already holds a study.
    #[error("{} already holds a study (thematic.toml exists)", dir.display())]
    AlreadyExists {
        /// The folder.
        dir: PathBuf,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A file's contents are wrong: file, line (left out when 0), what.
    #[error("{}{}: {message}", path.display(), if *line > 0 { format!(":{line}") } else { String::new() })]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when the whole file is concerned).
        line: usize,
        /// What is wrong, and how to fix it.
        message: String,
    },
    /// A codebook edit was refused; the file is unchanged.
    #[error("{}: {source}", path.display())]
    Edit {
        /// The codebook file.
        path: PathBuf,
        /// Why.
        source: thematic_codebook::EditError,
    },
    /// The study's codebook has errors.
    #[error("{0}")]
    Codebook(#[from] thematic_codebook::CodebookError),
    /// `anonymisation/review.csv` has errors (each with its line, column and a hint).
    #[error("{0}")]
    Review(#[from] thematic_anonymise::ReviewError),
    /// An export (a quote table, a figure) cannot be written as asked: what, and what to do.
    #[error("{0}")]
    Export(String),
    /// A theme named by the user is not in the codebook.
    #[error("no theme \"{id}\" in the codebook")]
    UnknownTheme {
        /// The id asked for.
        id: String,
        /// The closest id there is, for a "did you mean" hint.
        closest: Option<String>,
    },
    /// A theme named for coding is retired.
    #[error("theme \"{id}\" is retired")]
    RetiredTheme {
        /// The theme.
        id: String,
    },
    /// A theme named for coding is a group (`codable = false`).
    #[error("\"{label}\" is a group and cannot be coded (codable = false)")]
    GroupTheme {
        /// The group's id.
        id: String,
        /// Its label.
        label: String,
        /// The codable, current themes right under it, in file order.
        children: Vec<String>,
    },
    /// A transcript named by the user is not in the study.
    #[error("no transcript \"{id}\" in the study")]
    UnknownTranscript {
        /// The id asked for.
        id: String,
        /// The closest id there is, for a "did you mean" hint.
        closest: Option<String>,
    },
    /// A coding named by the user is not one of the coder's.
    #[error("{coder} has no coding \"{id}\"")]
    UnknownCoding {
        /// Whose codings were searched.
        coder: String,
        /// The coding id asked for.
        id: String,
    },
    /// A coder named by the user has no codings in the study.
    #[error("no codings by \"{coder}\" in this study")]
    UnknownCoder {
        /// The coder asked for.
        coder: String,
        /// The closest coder there is, for a "did you mean" hint.
        closest: Option<String>,
        /// The coders with codings, in natural order.
        coders: Vec<String>,
    },
    /// `thematic undo` or `redo` found nothing of the coder's to act on.
    #[error("nothing to {step} for {coder}: {reason}")]
    NothingToUndo {
        /// Undo or redo.
        step: crate::undo::Step,
        /// Whose actions were looked at.
        coder: String,
        /// Why there is nothing, in words.
        reason: String,
    },
    /// An undo or redo was refused because what it would change has changed since (another
    /// writer, a hand edit); nothing was written.
    #[error("cannot {step} {what}: {why}")]
    UndoRefused {
        /// Undo or redo.
        step: crate::undo::Step,
        /// Whose action it was.
        coder: String,
        /// The action, when, and what it was about.
        what: String,
        /// What changed since, in words.
        why: String,
    },
    /// A coding's words are no longer where it says in the transcript as it is when the
    /// coding is written (the transcript was updated or replaced while it was being made),
    /// and they are not found unchanged nearby; nothing was written.
    #[error(
        "{transcript} was updated while this coding was being made: turn {turn} no longer \
         reads \"{text}\" at {start}-{end}, and those words are not found unchanged nearby; \
         nothing was written: look at the transcript again (`thematic show {transcript}`) \
         and code the words as they read now"
    )]
    TranscriptChanged {
        /// The transcript id.
        transcript: String,
        /// The turn the coding named.
        turn: usize,
        /// Where the coding pointed (code points, end exclusive).
        start: usize,
        /// End of that span.
        end: usize,
        /// The words it quoted (at most 60 characters).
        text: String,
    },
    /// A stored transcript file cannot be parsed.
    #[error("{}: {source}", path.display())]
    Unparsable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: thematic_transcript::ParseError,
    },
}

impl StudyError {
    /// [`StudyError::UnknownCoder`] for `coder`, who is not among `coders` (those with
    /// codings).
    pub fn unknown_coder(coder: &str, coders: &[String]) -> Self {
        StudyError::UnknownCoder {
            coder: coder.to_string(),
            closest: closest(coder, coders.iter().map(String::as_str)).map(str::to_string),
            coders: coders.to_vec(),
        }
    }

    /// [`StudyError::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StudyError::Io {
            path: path.into(),
            source,
        }
    }

    /// [`StudyError::Invalid`] at `path` and 1-based `line` (0: the whole file).
    pub fn invalid(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        StudyError::Invalid {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}
