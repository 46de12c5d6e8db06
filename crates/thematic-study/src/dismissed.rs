//! Suggestions a coder has dismissed, so they are not offered again:
//! `dismissed/<coder>.csv`, one row per turn dismissed for a code.
//!
//! Columns: `transcript`, `turn` (1-based), `theme` (the code it was suggested for) and
//! `when` (RFC 3339 UTC). The file is append-only, as the codings and the change log are
//! (see the `csvlog` module): a row is one line added under the file's lock, a last row
//! torn by an interrupted write is left out when reading and set aside into
//! `dismissed/<coder>.csv.torn.txt` before the next one is added. A turn is remembered by
//! its number, so after a transcript is edited a dismissal names whatever turn now has that
//! number; nothing else depends on it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::csvlog::{IncompleteRow, append, csv_line, read_or_empty, read_rows, set_aside};
use crate::error::StudyError;
use crate::fsutil::FileLock;
use crate::study::Study;

/// The folder of the dismissal files, in the study root.
pub const DISMISSED_DIR: &str = "dismissed";

/// The columns of a dismissal file.
const COLUMNS: [&str; 4] = ["transcript", "turn", "theme", "when"];

/// One suggestion dismissed: a turn, for a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dismissal {
    /// Transcript id.
    pub transcript: String,
    /// 1-based turn number.
    pub turn: usize,
    /// The code (theme id) the turn was suggested for.
    pub theme: String,
    /// When, RFC 3339 UTC.
    pub when: String,
}

impl Study {
    /// `dismissed/` in the study root.
    pub fn dismissed_dir(&self) -> PathBuf {
        self.root().join(DISMISSED_DIR)
    }

    /// `dismissed/<coder>.csv`; an invalid coder name is an error, as for codings.
    pub fn dismissed_path(&self, coder: &str) -> Result<PathBuf, StudyError> {
        let codings = self.codings_path(coder)?; // validates the name
        let name = codings.file_name().unwrap_or_default();
        Ok(self.dismissed_dir().join(name))
    }

    /// Remembers that `coder` dismissed turn `turn` of `transcript` as a suggestion for
    /// `theme`, and logs `dismiss`. The theme must be in the codebook and the transcript in
    /// the study; that the turn exists is the caller's to check (it has the transcript).
    /// Returns `false`, writing nothing, when that turn was dismissed for that theme already.
    pub fn dismiss(
        &self,
        coder: &str,
        transcript: &str,
        turn: usize,
        theme: &str,
    ) -> Result<bool, StudyError> {
        let path = self.dismissed_path(coder)?;
        crate::theme(&self.codebook()?, theme)?;
        self.transcript_path(transcript)?;
        let dismissal = Dismissal {
            transcript: transcript.to_string(),
            turn,
            theme: theme.to_string(),
            when: crate::now_rfc3339(),
        };
        if turn == 0 || [transcript, theme].iter().any(|v| v.contains(['\n', '\r'])) {
            return Err(StudyError::invalid(
                &path,
                0,
                format!("cannot dismiss turn {turn} of {transcript:?} for {theme:?}"),
            ));
        }
        std::fs::create_dir_all(self.dismissed_dir())
            .map_err(|e| StudyError::io(self.dismissed_dir(), e))?;
        {
            let _lock = FileLock::acquire(&path)?;
            let bytes = read_or_empty(&path)?;
            let (rows, torn) = read_dismissals(&path, &bytes)?;
            if rows.iter().any(|d| d.same(&dismissal)) {
                return Ok(false);
            }
            match torn {
                Some(torn) => set_aside(&path, &torn)?,
                // A whole last row without its line break (a hand edit): end it.
                None if !bytes.is_empty() && !bytes.ends_with(b"\n") => append(&path, b"", b"\n")?,
                None => {}
            }
            let row =
                csv_line(&dismissal).map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
            let mut header = COLUMNS.join(",").into_bytes();
            header.push(b'\n');
            append(&path, &header, &row)?;
        }
        self.log_change(
            coder,
            "dismiss",
            theme,
            &format!("{transcript} turn {turn} not suggested again"),
        )?;
        Ok(true)
    }

    /// `coder`'s dismissals, in file order (none when the file does not exist). A last row
    /// torn by an interrupted write is left out.
    pub fn dismissals(&self, coder: &str) -> Result<Vec<Dismissal>, StudyError> {
        let path = self.dismissed_path(coder)?;
        Ok(read_dismissals(&path, &read_or_empty(&path)?)?.0)
    }

    /// The turns `coder` dismissed for `theme` (that code only, not the codes under it), as
    /// `(transcript, turn)`.
    pub fn dismissed_turns(
        &self,
        coder: &str,
        theme: &str,
    ) -> Result<BTreeSet<(String, usize)>, StudyError> {
        Ok(self
            .dismissals(coder)?
            .into_iter()
            .filter(|d| d.theme == theme)
            .map(|d| (d.transcript, d.turn))
            .collect())
    }
}

impl Dismissal {
    /// The same turn for the same code.
    fn same(&self, other: &Dismissal) -> bool {
        (&self.transcript, self.turn, &self.theme) == (&other.transcript, other.turn, &other.theme)
    }
}

fn read_dismissals(
    path: &Path,
    bytes: &[u8],
) -> Result<(Vec<Dismissal>, Option<IncompleteRow>), StudyError> {
    if bytes.is_empty() {
        return Ok((Vec::new(), None));
    }
    read_rows(
        path,
        bytes,
        &COLUMNS,
        |record, line| {
            record.deserialize(None).map_err(|e| {
                StudyError::invalid(
                    path,
                    line,
                    format!("{e}; the columns are {}", COLUMNS.join(",")),
                )
            })
        },
        // A row cut inside its last column, the time, still parses: check the time.
        |d: &Dismissal| d.when.parse::<jiff::Timestamp>().is_ok(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), crate::testing::MECHANISMS_FILE);
        std::fs::write(
            study.transcripts_dir().join("P1.txt"),
            "Interviewer: Hello?\nP1: The allotment keeps me going.\n",
        )
        .unwrap();
        (dir, study)
    }

    #[test]
    fn dismissals_are_appended_read_back_and_logged_once() {
        let (_dir, study) = study();
        assert!(study.dismissals("KW").unwrap().is_empty());
        assert!(study.dismiss("KW", "P1", 2, "what-matters").unwrap());
        assert!(study.dismiss("KW", "P1", 2, "empowerment").unwrap());
        assert!(
            !study.dismiss("KW", "P1", 2, "what-matters").unwrap(),
            "once only"
        );
        let path = study.dismissed_path("KW").unwrap();
        assert_eq!(path, study.root().join("dismissed/KW.csv"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("transcript,turn,theme,when\nP1,2,what-matters,"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3);
        let all = study.dismissals("KW").unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!((all[1].theme.as_str(), all[1].turn), ("empowerment", 2));
        assert_eq!(
            study.dismissed_turns("KW", "what-matters").unwrap(),
            BTreeSet::from([("P1".to_string(), 2)])
        );
        assert!(
            study
                .dismissed_turns("AB", "what-matters")
                .unwrap()
                .is_empty()
        );
        let logged: Vec<_> = study
            .changes()
            .unwrap()
            .into_iter()
            .filter(|c| c.action == "dismiss")
            .collect();
        assert_eq!(logged.len(), 2);
        assert_eq!(
            (logged[0].who.as_str(), logged[0].theme.as_str()),
            ("KW", "what-matters")
        );
        assert!(
            logged[0].detail.starts_with("P1 turn 2"),
            "{}",
            logged[0].detail
        );
    }

    #[test]
    fn unknown_themes_transcripts_and_coders_are_refused() {
        let (_dir, study) = study();
        assert!(matches!(
            study.dismiss("KW", "P1", 2, "what-maters"),
            Err(StudyError::UnknownTheme { .. })
        ));
        assert!(matches!(
            study.dismiss("KW", "P9", 2, "what-matters"),
            Err(StudyError::UnknownTranscript { .. })
        ));
        assert!(study.dismiss("../KW", "P1", 2, "what-matters").is_err());
        assert!(study.dismiss("KW", "P1", 0, "what-matters").is_err());
        assert!(!study.dismissed_dir().join("KW.csv").exists());
    }

    #[test]
    fn a_torn_last_row_is_left_out_then_set_aside() {
        let (_dir, study) = study();
        study.dismiss("KW", "P1", 2, "what-matters").unwrap();
        let path = study.dismissed_path("KW").unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, b"P1,1,empowerment,2026-01-0").unwrap();
        drop(f);
        assert_eq!(
            study.dismissals("KW").unwrap().len(),
            1,
            "the torn row is left out"
        );
        assert!(study.dismiss("KW", "P1", 1, "empowerment").unwrap());
        let all = study.dismissals("KW").unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[1].when.parse::<jiff::Timestamp>().is_ok());
        let torn = std::fs::read_to_string(crate::torn_path(&path)).unwrap();
        assert_eq!(torn, "P1,1,empowerment,2026-01-0\n");
        // A whole last row without its line break is ended, not set aside.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, b"P1,2,solution-building,2026-01-02T00:00:00Z").unwrap();
        drop(f);
        assert_eq!(study.dismissals("KW").unwrap().len(), 3);
        assert!(study.dismiss("KW", "P1", 2, "goal-orientation").unwrap());
        assert_eq!(study.dismissals("KW").unwrap().len(), 4);
    }
}
