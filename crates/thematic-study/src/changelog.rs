//! The study's change log, `changelog.csv`: who changed the codebook or the codings in bulk,
//! when, and what — so a merge can be traced in the write-up.
//!
//! Columns: `when` (RFC 3339 UTC), `who`, `action` (`add`, `rename`, `move`, `merge`,
//! `retire`, `restore`, `import`, …), `theme` (the id acted on), `detail` (what changed, in
//! words, with counts).

use serde::{Deserialize, Serialize};

use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;

/// The change log's file name, in the study root.
pub const CHANGELOG_FILE: &str = "changelog.csv";

/// One line of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// When, RFC 3339 UTC.
    pub when: String,
    /// Who (the acting coder, else the login name).
    pub who: String,
    /// What kind of change.
    pub action: String,
    /// The theme id acted on.
    pub theme: String,
    /// What changed, in words.
    pub detail: String,
}

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Second).unwrap_or(now).to_string()
}

impl Study {
    /// Appends a change to `changelog.csv` (under a lock; the file is rewritten atomically).
    pub fn log_change(
        &self,
        who: &str,
        action: &str,
        theme: &str,
        detail: &str,
    ) -> Result<(), StudyError> {
        let path = self.root().join(CHANGELOG_FILE);
        let _lock = FileLock::acquire(&path)?;
        let mut bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                b"when,who,action,theme,detail\n".to_vec()
            }
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        let change = Change {
            when: now_rfc3339(),
            who: who.to_string(),
            action: action.to_string(),
            theme: theme.to_string(),
            detail: detail.to_string(),
        };
        w.serialize(&change)
            .map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
        bytes.extend(w.into_inner().unwrap_or_default());
        atomic_write(&path, &bytes)
    }

    /// The change log, oldest first (empty when there is none).
    pub fn changes(&self) -> Result<Vec<Change>, StudyError> {
        let path = self.root().join(CHANGELOG_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        let mut rdr = csv::Reader::from_reader(bytes.as_slice());
        let mut out = Vec::new();
        for row in rdr.deserialize() {
            let change: Change = row.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                StudyError::invalid(
                    &path,
                    line,
                    format!("{e}; the columns are when,who,action,theme,detail"),
                )
            })?;
            out.push(change);
        }
        Ok(out)
    }
}
