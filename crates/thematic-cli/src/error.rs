//! The CLI's error: a message, its causes, a hint, and the exit code it maps to.
//!
//! Exit codes: 0 success, 1 user error (bad input, not found, a failed check), 2 internal
//! error. Printed on stderr as `error: …`, `caused by: …` lines, then `hint: …`.

use std::fmt::Write as _;

use thematic_study::StudyError;

/// An error on its way to the user.
#[derive(Debug)]
pub struct CliError {
    /// 1 for the user's to fix, 2 for ours.
    pub code: u8,
    /// The main line.
    pub message: String,
    /// Underlying causes, outermost first.
    pub causes: Vec<String>,
    /// What to do about it.
    pub hint: Option<String>,
    /// Writing to a closed pipe: not an error for the user (`thematic … | head`).
    pub broken_pipe: bool,
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    /// A user error (exit 1).
    pub fn user(message: impl Into<String>) -> CliError {
        CliError {
            code: 1,
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            broken_pipe: false,
        }
    }

    /// An internal error (exit 2).
    pub fn internal(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            ..CliError::user(message)
        }
    }

    /// Adds a `hint:` line.
    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a `caused by:` line.
    pub fn cause(mut self, cause: impl Into<String>) -> CliError {
        self.causes.push(cause.into());
        self
    }

    /// Wraps this error in what was being done: the old message becomes a cause.
    pub fn context(mut self, doing: impl Into<String>) -> CliError {
        let inner = std::mem::replace(&mut self.message, doing.into());
        self.causes.insert(0, inner);
        self
    }

    /// The text printed on stderr.
    pub fn render(&self) -> String {
        let mut s = format!("error: {}\n", self.message);
        for c in &self.causes {
            let _ = writeln!(s, "caused by: {c}");
        }
        if let Some(h) = &self.hint {
            let _ = writeln!(s, "hint: {h}");
        }
        s
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        let mut err = CliError::user(e.to_string());
        err.broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        err
    }
}

impl From<StudyError> for CliError {
    fn from(e: StudyError) -> CliError {
        if let StudyError::Codebook(book) = &e {
            return codebook_errors("the study's codebook has errors", book);
        }
        let err = CliError::user(e.to_string());
        match study_hint(&e) {
            Some(hint) => err.hint(hint),
            None => err,
        }
    }
}

impl From<thematic_exchange::sheet::SheetError> for CliError {
    fn from(e: thematic_exchange::sheet::SheetError) -> CliError {
        match e {
            thematic_exchange::sheet::SheetError::Study(e) => e.into(),
            e => CliError::user(e.to_string()),
        }
    }
}

/// A codebook that does not load: `headline`, every problem as a cause, and where the
/// format is described.
pub fn codebook_errors(headline: &str, e: &thematic_codebook::CodebookError) -> CliError {
    let mut err = CliError::user(headline);
    for d in &e.diagnostics {
        err = err.cause(d.to_string());
    }
    err.hint("fix the lines named above; the format is described in docs/codebook-format.md")
}

/// What to do about a study error, where there is something to say: the "did you mean"
/// of an unknown theme or transcript, the themes to code instead of a group, …
fn study_hint(e: &StudyError) -> Option<String> {
    let did_you_mean = |closest: &Option<String>, then: &str, otherwise: &str| match closest {
        Some(c) => format!("did you mean \"{c}\"?{then}"),
        None => otherwise.to_string(),
    };
    Some(match e {
        StudyError::NotFound { .. } => {
            "run `thematic init DIR` to create a study, or pass `--study DIR`".into()
        }
        StudyError::AlreadyExists { .. } => {
            "choose another folder, or work in the existing study".into()
        }
        StudyError::UnknownTheme { closest, .. } => {
            did_you_mean(closest, "", "`thematic codebook show` lists the themes")
        }
        StudyError::RetiredTheme { .. } => {
            "`thematic codebook show` lists the current themes".into()
        }
        StudyError::GroupTheme { children, .. } if children.is_empty() => {
            "no theme under it can be coded; `thematic codebook show` lists the themes".into()
        }
        StudyError::GroupTheme { children, .. } => {
            format!("code one of the themes under it: {}", children.join(", "))
        }
        StudyError::UnknownTranscript { closest, .. } => did_you_mean(
            closest,
            " (`thematic transcripts` lists them)",
            "`thematic transcripts` lists the study's transcripts",
        ),
        StudyError::UnknownCoder {
            closest, coders, ..
        } => match closest {
            Some(c) => format!("did you mean \"{c}\"?"),
            None if coders.is_empty() => {
                "nobody has codings yet: code with `thematic code`, or import a coding sheet".into()
            }
            None => format!("coders with codings: {}", coders.join(", ")),
        },
        StudyError::UnknownCoding { .. } => {
            "coding ids are printed by `thematic code` and listed by `thematic show ID`".into()
        }
        StudyError::NothingToUndo { coder, .. } => {
            format!("`thematic log --coder {coder}` lists {coder}'s actions")
        }
        StudyError::UndoRefused { .. } => {
            "nothing was changed; `thematic log --all-coders --last 20` shows what happened since, \
             and `thematic show` the codings as they are"
                .into()
        }
        StudyError::Unparsable { source, path } => {
            crate::cmd::parse::parse_hint(source, Some(path))
        }
        _ => return None,
    })
}

impl From<thematic_index::IndexError> for CliError {
    fn from(e: thematic_index::IndexError) -> CliError {
        match e {
            thematic_index::IndexError::Query { .. } => CliError::user(e.to_string()),
            thematic_index::IndexError::Study(e) => CliError::from(e),
            _ => CliError::internal(e.to_string()).hint("run `thematic index --rebuild`"),
        }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> CliError {
        if e.is_io() {
            return CliError::from(std::io::Error::from(e));
        }
        CliError::internal(format!("writing JSON: {e}"))
    }
}

impl From<csv::Error> for CliError {
    fn from(e: csv::Error) -> CliError {
        if let csv::ErrorKind::Io(_) = e.kind() {
            if let csv::ErrorKind::Io(io) = e.into_kind() {
                return CliError::from(io);
            }
            return CliError::internal("writing CSV");
        }
        CliError::internal(format!("writing CSV: {e}"))
    }
}
