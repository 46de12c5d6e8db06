//! How far each coder has read each transcript: `reading/<coder>.csv`, one row per
//! transcript, so "transcripts read" in `thematic status` is a record, not a guess.
//!
//! Columns: `transcript`, `turn` (the furthest 1-based turn reached), `turns` (how many
//! turns the transcript had then) and `when` (RFC 3339 UTC, when the furthest turn was
//! last moved on). A transcript is *read* when its furthest turn is its last
//! ([`Reading::finished`]), *started* before that. The browser workspace reports the
//! furthest turn scrolled into view; `thematic status --mark-read ID` records a transcript
//! read outside the browser.
//!
//! Only ever moves forward: a report of an earlier turn changes nothing. The file is small
//! (one row per transcript) and rewritten whole, atomically, under its lock, rows in
//! transcript order so that git shows a change as one changed line. Reports are not logged
//! one by one; the change log gets a `read` row when a transcript is first read to its end
//! (`<id> read to the end (<n> turns)`) or marked read (`<id> marked read (<n> turns)`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::csvlog::{read_whole_file, whole_file};
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;
use crate::transcripts::natural_cmp;

/// The folder of the reading files, in the study root.
pub const READING_DIR: &str = "reading";

/// The columns of a reading file.
pub const READING_COLUMNS: [&str; 4] = ["transcript", "turn", "turns", "when"];

/// How far one coder has read one transcript: a row of `reading/<coder>.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// Transcript id.
    pub transcript: String,
    /// The furthest turn reached, 1-based.
    pub turn: usize,
    /// The transcript's number of turns when it was reached.
    pub turns: usize,
    /// When the furthest turn last moved on, RFC 3339 UTC.
    pub when: String,
}

impl Reading {
    /// Read to the end: the furthest turn is the last one.
    pub fn finished(&self) -> bool {
        self.turns > 0 && self.turn >= self.turns
    }
}

/// What [`Study::record_reading`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadUpdate {
    /// The transcript's row as it is now.
    pub reading: Reading,
    /// Whether the row changed (a turn further than before).
    pub changed: bool,
    /// Whether this report finished the transcript (it was not read to the end before).
    pub finished_now: bool,
}

impl Study {
    /// `reading/` in the study root.
    pub fn reading_dir(&self) -> PathBuf {
        self.root().join(READING_DIR)
    }

    /// `reading/<coder>.csv`; an invalid coder name is an error, as for codings.
    pub fn reading_path(&self, coder: &str) -> Result<PathBuf, StudyError> {
        let codings = self.codings_path(coder)?; // validates the name
        let name = codings.file_name().unwrap_or_default();
        Ok(self.reading_dir().join(name))
    }

    /// The coders with a reading file, in natural order.
    pub fn reading_coders(&self) -> Result<Vec<String>, StudyError> {
        crate::store::coder_files(&self.reading_dir(), "csv")
    }

    /// `coder`'s rows, in transcript order (none when the file does not exist).
    pub fn readings(&self, coder: &str) -> Result<Vec<Reading>, StudyError> {
        let path = self.reading_path(coder)?;
        read_readings(&path)
    }

    /// Records that `coder` reached turn `turn` (1-based) of `transcript`, which has
    /// `turns` turns: the row keeps the furthest turn reached. The transcript must be in
    /// the study and `turn` within `1..=turns` (the caller has the transcript and knows
    /// its turns). The first time the transcript is read to its end, logs `read`.
    pub fn record_reading(
        &self,
        coder: &str,
        transcript: &str,
        turn: usize,
        turns: usize,
    ) -> Result<ReadUpdate, StudyError> {
        let update = self.advance(coder, transcript, turn, turns)?;
        if update.finished_now {
            self.log_change(
                coder,
                "read",
                "",
                &format!("{transcript} read to the end ({turns} turns)"),
            )?;
        }
        Ok(update)
    }

    /// Records that `coder` has read `transcript` to the end (read outside the browser:
    /// `thematic status --mark-read`), and logs `read` unless it was read already. Parses
    /// the transcript for its number of turns.
    pub fn mark_read(&self, coder: &str, transcript: &str) -> Result<ReadUpdate, StudyError> {
        let turns = self.transcript(transcript)?.turns.len();
        if turns == 0 {
            return Err(StudyError::invalid(
                self.transcript_path(transcript)?,
                0,
                "this transcript has no turns to read; see `thematic parse` on it",
            ));
        }
        let update = self.advance(coder, transcript, turns, turns)?;
        if update.finished_now {
            self.log_change(
                coder,
                "read",
                "",
                &format!("{transcript} marked read ({turns} turns)"),
            )?;
        }
        Ok(update)
    }

    /// Moves `coder`'s row for `transcript` on to `turn` of `turns`, under the file's lock.
    fn advance(
        &self,
        coder: &str,
        transcript: &str,
        turn: usize,
        turns: usize,
    ) -> Result<ReadUpdate, StudyError> {
        let path = self.reading_path(coder)?;
        self.transcript_path(transcript)?;
        if turn == 0 || turn > turns {
            return Err(StudyError::invalid(
                &path,
                0,
                format!(
                    "cannot record turn {turn} of {transcript}: it has {turns} turns, \
                     numbered from 1; nothing was recorded"
                ),
            ));
        }
        std::fs::create_dir_all(self.reading_dir())
            .map_err(|e| StudyError::io(self.reading_dir(), e))?;
        let _lock = FileLock::acquire(&path)?;
        let mut rows = read_readings(&path)?;
        let at = rows.iter().position(|r| r.transcript == transcript);
        let old = at.map(|i| rows[i].clone());
        // The furthest turn so far; a transcript corrected since to fewer or more turns
        // takes its new count (a turn past its new end counts as its end).
        let furthest = old.as_ref().map_or(turn, |o| o.turn.max(turn).min(turns));
        if let Some(o) = old
            .as_ref()
            .filter(|o| o.turn == furthest && o.turns == turns)
        {
            return Ok(ReadUpdate {
                reading: o.clone(),
                changed: false,
                finished_now: false,
            });
        }
        let reading = Reading {
            transcript: transcript.to_string(),
            turn: furthest,
            turns,
            when: crate::now_rfc3339(),
        };
        let finished_now = reading.finished() && !old.as_ref().is_some_and(Reading::finished);
        match at {
            Some(i) => rows[i] = reading.clone(),
            None => rows.push(reading.clone()),
        }
        rows.sort_by(|a, b| natural_cmp(&a.transcript, &b.transcript));
        write_readings(&path, &rows)?;
        Ok(ReadUpdate {
            reading,
            changed: true,
            finished_now,
        })
    }
}

/// The rows of the reading file at `path` (none when it does not exist).
fn read_readings(path: &Path) -> Result<Vec<Reading>, StudyError> {
    read_whole_file(path, &READING_COLUMNS, |_: &Reading| true)
}

/// Writes `rows` as the reading file at `path`, atomically.
fn write_readings(path: &Path, rows: &[Reading]) -> Result<(), StudyError> {
    atomic_write(path, &whole_file(path, &READING_COLUMNS, rows)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), crate::testing::MECHANISMS_FILE);
        // Three turns each.
        for id in ["P1", "P2", "P10"] {
            std::fs::write(
                study.transcripts_dir().join(format!("{id}.txt")),
                format!("Interviewer: Hello?\n{id}: The allotment.\nInterviewer: Thanks.\n"),
            )
            .unwrap();
        }
        (dir, study)
    }

    fn reads(study: &Study) -> Vec<String> {
        study
            .changes()
            .unwrap()
            .into_iter()
            .filter(|c| c.action == "read")
            .map(|c| format!("{} {}", c.who, c.detail))
            .collect()
    }

    #[test]
    fn the_furthest_turn_is_kept_and_finishing_is_logged_once() {
        let (_dir, study) = study();
        assert!(study.readings("KW").unwrap().is_empty());
        let first = study.record_reading("KW", "P1", 2, 3).unwrap();
        assert!(first.changed && !first.finished_now && !first.reading.finished());
        // Backwards: nothing changes.
        let back = study.record_reading("KW", "P1", 1, 3).unwrap();
        assert!(!back.changed);
        assert_eq!(back.reading.turn, 2);
        let end = study.record_reading("KW", "P1", 3, 3).unwrap();
        assert!(end.changed && end.finished_now && end.reading.finished());
        // Again at the end: not finished "now" a second time, not logged again.
        let again = study.record_reading("KW", "P1", 3, 3).unwrap();
        assert!(!again.changed && !again.finished_now);
        study.record_reading("KW", "P10", 1, 3).unwrap();
        study.record_reading("KW", "P2", 1, 3).unwrap();
        assert_eq!(reads(&study), ["KW P1 read to the end (3 turns)"]);
        // P1 corrected to two turns: the row takes the new count, still read to the end,
        // and is not logged again.
        let shorter = study.record_reading("KW", "P1", 1, 2).unwrap();
        assert!(shorter.changed && !shorter.finished_now);
        assert_eq!((shorter.reading.turn, shorter.reading.turns), (2, 2));
        study.record_reading("KW", "P1", 2, 2).unwrap();
        assert_eq!(reads(&study).len(), 1);
        study.record_reading("KW", "P1", 3, 3).unwrap();
        let path = study.reading_path("KW").unwrap();
        assert_eq!(path, study.root().join("reading/KW.csv"));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "transcript,turn,turns,when");
        // Natural transcript order: P1, P2, P10.
        assert!(lines[1].starts_with("P1,3,3,"), "{text}");
        assert!(lines[2].starts_with("P2,1,3,"), "{text}");
        assert!(lines[3].starts_with("P10,1,3,"), "{text}");
        assert_eq!(lines.len(), 4);
        assert_eq!(study.reading_coders().unwrap(), ["KW"]);
    }

    #[test]
    fn marking_read_records_the_last_turn_and_logs_it() {
        let (_dir, study) = study();
        let marked = study.mark_read("AB", "P2").unwrap();
        assert!(marked.finished_now);
        assert_eq!((marked.reading.turn, marked.reading.turns), (3, 3));
        assert!(!study.mark_read("AB", "P2").unwrap().changed);
        assert_eq!(reads(&study), ["AB P2 marked read (3 turns)"]);
    }

    #[test]
    fn unknown_transcripts_turns_out_of_range_and_bad_coders_are_refused() {
        let (_dir, study) = study();
        match study.record_reading("KW", "P3", 1, 3).unwrap_err() {
            StudyError::UnknownTranscript { closest, .. } => {
                assert!(closest.is_some());
            }
            e => panic!("{e}"),
        }
        let e = study.record_reading("KW", "P1", 4, 3).unwrap_err();
        assert!(e.to_string().contains("cannot record turn 4 of P1"), "{e}");
        assert!(study.record_reading("KW", "P1", 0, 3).is_err());
        assert!(study.record_reading("../KW", "P1", 1, 3).is_err());
        assert!(study.mark_read("KW", "P9").is_err());
        assert!(!study.reading_dir().join("KW.csv").exists());
        assert!(reads(&study).is_empty());
    }

    #[test]
    fn a_hand_edited_row_that_does_not_parse_is_an_error_naming_its_line() {
        let (_dir, study) = study();
        study.record_reading("KW", "P1", 1, 3).unwrap();
        let path = study.reading_path("KW").unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("P2,two,3,2026-01-01T00:00:00Z\n");
        std::fs::write(&path, text).unwrap();
        let e = study.readings("KW").unwrap_err();
        assert!(e.to_string().contains("KW.csv:3:"), "{e}");
    }
}
