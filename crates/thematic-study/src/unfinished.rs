//! `unfinished.toml`: the intent record of a multi-file operation under way, written before
//! the operation stores anything and removed only when everything is stored. A study that
//! holds one was left half made (a killed `thematic init DIR --from FILE.qdpx`), and
//! `thematic check` says so, with the command that finishes it.
//!
//! It lives in the study's root, not in `.thematic/`: that folder is a cache anyone may
//! delete, and deleting this record would make a half-made study look whole again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::changelog::now_rfc3339;
use crate::error::StudyError;
use crate::fsutil::atomic_write;
use crate::study::Study;

/// The record's file name, in the study's root.
pub const UNFINISHED_FILE: &str = "unfinished.toml";

/// The operation of `thematic init DIR --from FILE.qdpx`.
pub const INIT_FROM: &str = "init --from";

/// An operation that started and has not finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfinished {
    /// What was under way: [`INIT_FROM`].
    pub operation: String,
    /// The file it reads, as an absolute path.
    pub source: PathBuf,
    /// When it started, RFC 3339 UTC.
    pub started: String,
}

impl Unfinished {
    /// The record of `thematic init DIR --from FILE`, started now.
    pub fn init_from(source: &Path) -> Unfinished {
        Unfinished {
            operation: INIT_FROM.into(),
            source: std::path::absolute(source).unwrap_or_else(|_| source.to_path_buf()),
            started: now_rfc3339(),
        }
    }

    /// Writes the record into `root` (which must exist), atomically.
    pub fn write(&self, root: &Path) -> Result<(), StudyError> {
        let path = root.join(UNFINISHED_FILE);
        let body = toml::to_string(self)
            .map_err(|e| StudyError::invalid(&path, 0, format!("cannot write: {e}")))?;
        let text = format!(
            "# An operation that did not finish. `thematic check` names the command that\n\
             # finishes it; that command removes this file.\n{body}"
        );
        atomic_write(&path, text.as_bytes())
    }

    /// The record in `root`, if there is one.
    pub fn read(root: &Path) -> Result<Option<Unfinished>, StudyError> {
        let path = root.join(UNFINISHED_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| StudyError::invalid(&path, 0, e.message().to_string()))
    }

    /// Removes the record from `root`; no record is no error.
    pub fn remove(root: &Path) -> Result<(), StudyError> {
        let path = root.join(UNFINISHED_FILE);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StudyError::io(&path, e)),
        }
        // Make the removal durable, as `atomic_write` does a rename.
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(root) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Whether this is an unfinished `init --from` of `source` (the same file, however
    /// named).
    pub fn is_init_from(&self, source: &Path) -> bool {
        if self.operation != INIT_FROM {
            return false;
        }
        match (self.source.canonicalize(), source.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => std::path::absolute(source).is_ok_and(|s| s == self.source),
        }
    }

    /// What was under way, in words: `making this study from /x/p.qdpx (`thematic init
    /// --from`)`.
    pub fn what(&self) -> String {
        let source = shell_word(&self.source.to_string_lossy());
        match self.operation.as_str() {
            INIT_FROM => format!("making this study from {source} (`thematic init --from`)"),
            other => format!("`thematic {other} {source}`"),
        }
    }

    /// The command that finishes it, run in the study: for `init --from`, importing the
    /// same project again, which adds only what is missing.
    pub fn finish_command(&self) -> String {
        let source = shell_word(&self.source.to_string_lossy());
        match self.operation.as_str() {
            INIT_FROM => format!("thematic import {source}"),
            other => format!("thematic {other} {source}"),
        }
    }
}

/// `s` as one word for a POSIX shell: as it is when that is safe, else in single quotes.
/// For commands that the messages and hints of `thematic` tell a user to run.
pub fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "/._-+:,@%=".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl Study {
    /// The operation left unfinished in this study, if any (see [`Unfinished`]).
    pub fn unfinished(&self) -> Result<Option<Unfinished>, StudyError> {
        Unfinished::read(self.root())
    }

    /// Removes the record of an unfinished operation: everything it was to store is stored.
    pub fn finished(&self) -> Result<(), StudyError> {
        Unfinished::remove(self.root())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_record_round_trips_and_names_the_finishing_command() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Unfinished::read(dir.path()).unwrap(), None);
        let qdpx = dir.path().join("my project.qdpx");
        std::fs::write(&qdpx, b"zip").unwrap();
        let record = Unfinished::init_from(&qdpx);
        record.write(dir.path()).unwrap();
        let back = Unfinished::read(dir.path()).unwrap().unwrap();
        assert_eq!(back, record);
        assert!(back.is_init_from(&qdpx));
        assert!(!back.is_init_from(&dir.path().join("other.qdpx")));
        assert_eq!(
            back.finish_command(),
            format!("thematic import '{}'", qdpx.display())
        );
        Unfinished::remove(dir.path()).unwrap();
        Unfinished::remove(dir.path()).unwrap();
        assert_eq!(Unfinished::read(dir.path()).unwrap(), None);
    }

    #[test]
    fn shell_quoting_keeps_plain_paths_and_quotes_the_rest() {
        assert_eq!(shell_word("/tmp/p.qdpx"), "/tmp/p.qdpx");
        assert_eq!(shell_word("/tmp/it's.qdpx"), r"'/tmp/it'\''s.qdpx'");
    }
}
