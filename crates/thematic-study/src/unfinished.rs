//! `unfinished.toml`: the intent records of multi-file operations under way. Each is written
//! before its operation stores anything and removed only when everything is stored, so a
//! study that holds one was left half done by a killed process, and `thematic check` (and
//! every other command, in a warning) says so, with the command that finishes it.
//!
//! The operations that write more than one file keep one: `init --from` (a whole study),
//! `codebook merge` (the codebook and every coder's codings), `transcripts update` and
//! `import --replace` (every coder's codings, then the transcript), `import` (one transcript
//! after another), `merge` (every coder's codings and memos) and `suggestions accept` (the
//! coder's codings, then the suggestions). Each of them, run again, completes what it
//! started and adds nothing twice, and then removes its record.
//!
//! The file lives in the study's root, not in `.thematic/`: that folder is a cache anyone may
//! delete, and deleting the record would make a half-done study look whole again. It holds a
//! list (`[[unfinished]]`), changed under its own lock, because two coders may run two such
//! operations at once; a file holding a single table (written before the list) still reads.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::changelog::now_rfc3339;
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;

/// The records' file name, in the study's root.
pub const UNFINISHED_FILE: &str = "unfinished.toml";

/// The operation of `thematic init DIR --from FILE.qdpx`.
pub const INIT_FROM: &str = "init --from";

/// The operation of `thematic transcripts update ID FILE` (and of `import --replace`).
const TRANSCRIPTS_UPDATE: &str = "transcripts update";

/// An operation that started and has not finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfinished {
    /// What was under way: [`INIT_FROM`], or the command's name (`codebook merge`,
    /// `transcripts update`, `import`, `merge`, `suggestions accept`).
    pub operation: String,
    /// For [`INIT_FROM`]: the file it reads, as an absolute path.
    #[serde(default, skip_serializing_if = "is_empty_path")]
    pub source: PathBuf,
    /// The arguments of `thematic` that finish it, run in the study (for example
    /// `["codebook", "merge", "a", "b"]`); empty for [`INIT_FROM`], which is finished by
    /// importing its source again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finish: Vec<String>,
    /// Who started it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub who: String,
    /// What may be missing or half changed until it is finished, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub effect: String,
    /// When it started, RFC 3339 UTC.
    pub started: String,
}

fn is_empty_path(p: &Path) -> bool {
    p.as_os_str().is_empty()
}

/// The file as written: a list of records.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Records {
    #[serde(default)]
    unfinished: Vec<Unfinished>,
}

impl Unfinished {
    /// The record of `thematic init DIR --from FILE`, started now.
    pub fn init_from(source: &Path) -> Unfinished {
        Unfinished {
            operation: INIT_FROM.into(),
            source: std::path::absolute(source).unwrap_or_else(|_| source.to_path_buf()),
            finish: Vec::new(),
            who: String::new(),
            effect: "this study may lack transcripts, codings, memos or participants of that \
                     project"
                .into(),
            started: now_rfc3339(),
        }
    }

    /// The record of `operation`, started now by `who`, finished by running `thematic`
    /// with `finish` in the study; `effect` says what may be half done meanwhile.
    pub fn new(operation: &str, finish: Vec<String>, who: &str, effect: &str) -> Unfinished {
        Unfinished {
            operation: operation.into(),
            source: PathBuf::new(),
            finish,
            who: who.into(),
            effect: effect.into(),
            started: now_rfc3339(),
        }
    }

    /// Writes this as the only record in `root` (which must exist), atomically: how
    /// `init --from` starts, before the folder is a study.
    pub fn write(&self, root: &Path) -> Result<(), StudyError> {
        write_all(root, std::slice::from_ref(self))
    }

    /// The first record in `root`, if there is one.
    pub fn read(root: &Path) -> Result<Option<Unfinished>, StudyError> {
        Ok(read_all(root)?.into_iter().next())
    }

    /// Removes every record from `root`; no record is no error.
    pub fn remove(root: &Path) -> Result<(), StudyError> {
        write_all(root, &[])
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

    /// The record of an update of transcript `id` from `source` (an absolute path), started
    /// now by `who`: finished by the same update.
    pub(crate) fn transcripts_update(id: &str, source: &Path, who: &str) -> Unfinished {
        Unfinished::new(
            TRANSCRIPTS_UPDATE,
            vec![
                "transcripts".into(),
                "update".into(),
                id.into(),
                source.to_string_lossy().into_owned(),
            ],
            who,
            &format!(
                "codings of {id} may already point into the new text while the old one is stored"
            ),
        )
    }

    /// Whether this is an unfinished update of transcript `id`.
    pub(crate) fn is_update_of(&self, id: &str) -> bool {
        self.operation == TRANSCRIPTS_UPDATE && self.finish.get(2).map(String::as_str) == Some(id)
    }

    /// Whether `other` is the same operation, finished the same way: a rerun.
    fn same(&self, other: &Unfinished) -> bool {
        self.operation == other.operation
            && self.finish == other.finish
            && self.source == other.source
    }

    /// What was under way, in words: `making this study from /x/p.qdpx (`thematic init
    /// --from`)`, `` `thematic codebook merge a b` by KW``.
    pub fn what(&self) -> String {
        match self.operation.as_str() {
            INIT_FROM => format!(
                "making this study from {} (`thematic init --from`)",
                shell_word(&self.source.to_string_lossy())
            ),
            _ if self.who.is_empty() => format!("`{}`", self.finish_command()),
            _ => format!("`{}` by {}", self.finish_command(), self.who),
        }
    }

    /// The command that finishes it, run in the study: for `init --from`, importing the
    /// same project again, which adds only what is missing; for the others, the same
    /// command again.
    pub fn finish_command(&self) -> String {
        if self.operation == INIT_FROM {
            return format!(
                "thematic import {}",
                shell_word(&self.source.to_string_lossy())
            );
        }
        let mut words = vec!["thematic".to_string()];
        words.extend(self.finish.iter().map(|w| shell_word(w)));
        words.join(" ")
    }
}

/// Every record in `root`, in the order they were started.
fn read_all(root: &Path) -> Result<Vec<Unfinished>, StudyError> {
    let path = root.join(UNFINISHED_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StudyError::io(&path, e)),
    };
    match toml::from_str::<Records>(&text) {
        Ok(r) if !r.unfinished.is_empty() => Ok(r.unfinished),
        // A single table, as the first version of this file held.
        _ => toml::from_str::<Unfinished>(&text)
            .map(|u| vec![u])
            .map_err(|e| {
                let line = e.span().map_or(0, |s| {
                    text[..s.start.min(text.len())].lines().count().max(1)
                });
                StudyError::invalid(&path, line, e.message().to_string())
            }),
    }
}

/// Writes `records` to `root`'s file atomically, or removes the file when there are none.
fn write_all(root: &Path, records: &[Unfinished]) -> Result<(), StudyError> {
    let path = root.join(UNFINISHED_FILE);
    if records.is_empty() {
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
        return Ok(());
    }
    let body = toml::to_string(&Records {
        unfinished: records.to_vec(),
    })
    .map_err(|e| StudyError::invalid(&path, 0, format!("cannot write: {e}")))?;
    let text = format!(
        "# Operations that did not finish. `thematic check` names the command that finishes\n\
         # each; that command removes its record.\n{body}"
    );
    atomic_write(&path, text.as_bytes())
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

/// An operation under way: its record stays in the study until [`Intent::done`].
#[derive(Debug)]
#[must_use = "an intent not marked done leaves its record, as a killed operation would"]
pub struct Intent {
    record: Unfinished,
}

impl Intent {
    /// The operation stored everything: its record (and that of any earlier run of the same
    /// operation that it finished) is removed.
    pub fn done(self, study: &Study) -> Result<(), StudyError> {
        study.change_records(|all| all.retain(|u| !u.same(&self.record)))
    }
}

impl Study {
    /// The first operation left unfinished in this study, if any (see [`Unfinished`]).
    pub fn unfinished(&self) -> Result<Option<Unfinished>, StudyError> {
        Unfinished::read(self.root())
    }

    /// Every operation left unfinished in this study, in the order they were started.
    pub fn unfinished_all(&self) -> Result<Vec<Unfinished>, StudyError> {
        read_all(self.root())
    }

    /// Records that `record`'s operation is starting, before it stores anything. A record
    /// of the same operation left by an earlier run is replaced (this run finishes it).
    pub fn begin(&self, record: Unfinished) -> Result<Intent, StudyError> {
        let kept = record.clone();
        self.change_records(move |all| {
            all.retain(|u| !u.same(&record));
            all.push(record);
        })?;
        Ok(Intent { record: kept })
    }

    /// Removes the record of an unfinished `init --from`: everything it was to store is
    /// stored. Other operations' records stay.
    pub fn finished(&self) -> Result<(), StudyError> {
        self.change_records(|all| all.retain(|u| u.operation != INIT_FROM))
    }

    /// Reads, changes and writes the records under the file's lock.
    fn change_records(&self, change: impl FnOnce(&mut Vec<Unfinished>)) -> Result<(), StudyError> {
        // The lock file goes in the cache folder, so the study's root does not keep one.
        let cache = self.root().join(".thematic");
        std::fs::create_dir_all(&cache).map_err(|e| StudyError::io(&cache, e))?;
        let _lock = FileLock::acquire(&cache.join("unfinished"))?;
        let mut all = read_all(self.root())?;
        let before = all.clone();
        change(&mut all);
        if all == before {
            return Ok(());
        }
        write_all(self.root(), &all)
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
