//! The study's change log, `changelog.csv`: who changed the codebook or the codings in bulk,
//! when, and what — so a merge can be traced in the write-up.
//!
//! Columns: `when` (RFC 3339 UTC), `who`, `action` (`add`, `rename`, `move`, `merge`,
//! `retire`, `restore`, `import`, …), `theme` (the id acted on), `detail` (what changed, in
//! words, with counts).

use serde::{Deserialize, Serialize};

use crate::csvlog::{append, csv_line, ends_with_newline, read_rows, set_aside};
use crate::error::StudyError;
use crate::fsutil::FileLock;
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

/// The change log's columns.
const COLUMNS: [&str; 5] = ["when", "who", "action", "theme", "detail"];

impl Study {
    /// Appends a change to `changelog.csv`: under a lock, one appended line (see
    /// the `csvlog` module), so logging stays cheap however long the log grows.
    pub fn log_change(
        &self,
        who: &str,
        action: &str,
        theme: &str,
        detail: &str,
    ) -> Result<(), StudyError> {
        let path = self.changelog_path();
        let _lock = FileLock::acquire(&path)?;
        let change = Change {
            when: now_rfc3339(),
            who: who.to_string(),
            action: action.to_string(),
            theme: theme.to_string(),
            detail: detail.to_string(),
        };
        let row = csv_line(&change).map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
        if !ends_with_newline(&path)? {
            // An interrupted append or a hand edit: set a torn row aside, end a whole one.
            let bytes = std::fs::read(&path).map_err(|e| StudyError::io(&path, e))?;
            let (_, torn) = read_log(&path, &bytes)?;
            match torn {
                Some(torn) => set_aside(&path, &torn)?,
                None => append(&path, b"", b"\n")?,
            }
        }
        let mut header = COLUMNS.join(",").into_bytes();
        header.push(b'\n');
        append(&path, &header, &row)
    }

    /// `changelog.csv` in the study root.
    pub fn changelog_path(&self) -> std::path::PathBuf {
        self.root().join(CHANGELOG_FILE)
    }

    /// The change log, oldest first (empty when there is none). An incomplete last row
    /// left by an interrupted write is left out.
    pub fn changes(&self) -> Result<Vec<Change>, StudyError> {
        let path = self.changelog_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        Ok(read_log(&path, &bytes)?.0)
    }
}

fn read_log(
    path: &std::path::Path,
    bytes: &[u8],
) -> Result<(Vec<Change>, Option<crate::csvlog::IncompleteRow>), StudyError> {
    read_rows(
        path,
        bytes,
        &COLUMNS,
        |record, line| {
            record.deserialize(None).map_err(|e| {
                StudyError::invalid(
                    path,
                    line,
                    format!("{e}; the columns are when,who,action,theme,detail"),
                )
            })
        },
        // A torn append cut inside the last column cannot be told from a short detail;
        // the first column, a timestamp, is checked instead when the row is short.
        |c: &Change| c.when.parse::<jiff::Timestamp>().is_ok(),
    )
}
