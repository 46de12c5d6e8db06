//! Sync times: `sync.csv` at the study root, the start time a researcher gave a turn that
//! has none of its own (a typed transcript), by playing its recording and saying "this turn
//! starts now". They are kept in the study, never written into the transcript file, and
//! read by the reader as the turn's time from then on.
//!
//! Columns: `transcript` (its id), `turn_start` (the turn's start offset in code points of
//! the transcript text: it stays right across edits that do not move the turn's start),
//! `start_ms` (milliseconds from the recording's start), `who` and `when` (RFC 3339 UTC).
//! One row per (transcript, turn_start). When a transcript is updated (`thematic transcripts
//! update`, `import --replace`, a turn corrected in the reader), each time moves with its
//! turn, found as the update finds codings: the whole turn placed like a coding of it
//! ([`Study::carry_sync_times`]). A turn that cannot be placed keeps its time on the old
//! offset, and `thematic check` reports it (`sync-orphaned`), so no time is dropped
//! silently.
//!
//! The file is small; every change rewrites it whole, atomically, under its lock, and is
//! logged in `changelog.csv` as `sync` (undo passes over it; a time is set again or cleared
//! as easily as it was set).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use thematic_transcript::Transcript;

use crate::codings::Coding;
use crate::csvlog::{read_whole_file, whole_file};
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::reanchor::Anchor;
use crate::study::Study;
use crate::transcripts::natural_cmp;
use crate::update::Place;

/// The file of sync times, in the study root.
pub const SYNC_FILE: &str = "sync.csv";

/// The columns of `sync.csv`.
pub const SYNC_COLUMNS: [&str; 5] = ["transcript", "turn_start", "start_ms", "who", "when"];

/// The latest time a sync can be set to: 100 hours, far past any interview, so a typing
/// slip (an extra digit) is refused rather than kept.
const MAX_MS: i64 = 100 * 3600 * 1000;

/// One turn's sync time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncTime {
    /// The transcript's id.
    pub transcript: String,
    /// The turn's start, in code points of the transcript text.
    pub turn_start: usize,
    /// Milliseconds from the start of the recording.
    pub start_ms: i64,
    /// Who set it.
    pub who: String,
    /// When, RFC 3339 UTC.
    pub when: String,
}

impl Study {
    /// `sync.csv` in the study root.
    pub fn sync_path(&self) -> PathBuf {
        self.root().join(SYNC_FILE)
    }

    /// The sync times of transcript `id`: turn start (code points) → milliseconds. Empty
    /// when it has none (or the file does not exist).
    pub fn sync_times(&self, id: &str) -> Result<BTreeMap<usize, i64>, StudyError> {
        Ok(self
            .all_sync_times()?
            .into_iter()
            .filter(|s| s.transcript == id)
            .map(|s| (s.turn_start, s.start_ms))
            .collect())
    }

    /// Every sync time, by transcript (natural order), then turn start.
    pub fn all_sync_times(&self) -> Result<Vec<SyncTime>, StudyError> {
        read_sync(&self.sync_path())
    }

    /// Sets (`Some`) or clears (`None`) the sync time of the turn of transcript `id` that
    /// starts at code point `turn_start`; logs `sync` under `who` when anything changed.
    /// Refused, with nothing written, when `turn_start` does not start a turn of the
    /// transcript as it is now or the time is negative or past 100 hours. Returns the
    /// turn's time now.
    pub fn set_sync_time(
        &self,
        id: &str,
        turn_start: usize,
        ms: Option<i64>,
        who: &str,
    ) -> Result<Option<i64>, StudyError> {
        let path = self.sync_path();
        // A time is set only on a turn there is now; clearing needs no turn (a time left on
        // a start that moved, or of a transcript since removed, is cleared like any other).
        let turn = match ms {
            Some(ms) => Some(self.check_sync_target(id, turn_start, ms)?),
            None => None,
        };
        let _lock = FileLock::acquire(&path)?;
        let mut rows = read_sync(&path)?;
        let at = rows
            .iter()
            .position(|s| s.transcript == id && s.turn_start == turn_start);
        let before = at.map(|i| rows[i].start_ms);
        if before == ms {
            return Ok(ms);
        }
        match (at, ms) {
            (Some(i), None) => {
                rows.remove(i);
            }
            (Some(i), Some(ms)) => {
                rows[i].start_ms = ms;
                rows[i].who = who.to_string();
                rows[i].when = crate::now_rfc3339();
            }
            (None, Some(ms)) => rows.push(SyncTime {
                transcript: id.to_string(),
                turn_start,
                start_ms: ms,
                who: who.to_string(),
                when: crate::now_rfc3339(),
            }),
            (None, None) => return Ok(None),
        }
        write_sync(&path, &mut rows)?;
        drop(_lock);
        let detail = match (ms, turn) {
            (Some(ms), Some(n)) => format!("{id} turn {n} (at {turn_start}) starts at {ms} ms"),
            _ => format!("{id} turn at {turn_start}: sync time cleared"),
        };
        self.log_change(who, "sync", "", &detail)?;
        Ok(ms)
    }

    /// Checks that a turn of transcript `id` starts at `turn_start` and that `ms` is a time
    /// in a recording; returns the turn's 1-based number.
    fn check_sync_target(&self, id: &str, turn_start: usize, ms: i64) -> Result<usize, StudyError> {
        let path = self.sync_path();
        let transcript = self.transcript(id)?;
        let Some(n) = transcript.turns.iter().position(|t| t.start == turn_start) else {
            return Err(StudyError::invalid(
                &path,
                0,
                format!(
                    "no turn of {id} starts at code point {turn_start} (was the transcript \
                     updated since it was read? read it again); a sync time belongs to the \
                     start of a turn"
                ),
            ));
        };
        if !(0..=MAX_MS).contains(&ms) {
            return Err(StudyError::invalid(
                &path,
                0,
                format!(
                    "a sync time of {ms} ms is outside the recording; give milliseconds from \
                     its start (0 to {MAX_MS})"
                ),
            ));
        }
        Ok(n + 1)
    }
}

impl Study {
    /// After transcript `id` was updated from `old` to `new`: moves each sync time of a turn
    /// of `old` to that turn's start in `new`, the turn placed by `place` as the update
    /// placed the codings (the whole turn as one coding: kept, moved, or orphaned). A time
    /// whose turn is orphaned, or whose offset started no turn of `old`, stays where it is
    /// (`thematic check` reports it). Logs one `sync` row when anything moved. Returns how
    /// many times moved and how many stayed on an offset where no turn starts now.
    pub(crate) fn carry_sync_times(
        &self,
        id: &str,
        old: &Transcript,
        new: &Transcript,
        place: &Place<'_>,
        who: &str,
    ) -> Result<(usize, usize), StudyError> {
        let path = self.sync_path();
        if !path.exists() {
            return Ok((0, 0));
        }
        let _lock = FileLock::acquire(&path)?;
        let mut rows = read_sync(&path)?;
        let mine: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].transcript == id)
            .collect();
        if mine.is_empty() {
            return Ok((0, 0));
        }
        // Each synced turn of the old text as a coding of the whole turn.
        let mut turns = Vec::new();
        let mut codings = Vec::new();
        for &i in &mine {
            if let Some((n, t)) = old
                .turns
                .iter()
                .enumerate()
                .find(|(_, t)| t.start == rows[i].turn_start)
            {
                turns.push(i);
                codings.push(Coding {
                    id: format!("sync-{}", t.start),
                    coder: who.to_string(),
                    transcript: id.to_string(),
                    turn: n + 1,
                    start: t.start,
                    end: t.end,
                    text: t.text(&old.text).to_string(),
                    ..Coding::default()
                });
            }
        }
        let placed = place(old, new, &codings);
        let mut moved = 0;
        for (&i, r) in turns.iter().zip(&placed) {
            let to = match &r.anchor {
                Anchor::Kept => continue,
                Anchor::Moved { turn, .. } => new.turns.get(turn - 1).map(|t| t.start),
                Anchor::Orphaned { .. } => None,
            };
            let Some(to) = to else { continue };
            if to != rows[i].turn_start
                && !rows
                    .iter()
                    .any(|s| s.transcript == id && s.turn_start == to)
            {
                rows[i].turn_start = to;
                moved += 1;
            }
        }
        let starts: Vec<usize> = new.turns.iter().map(|t| t.start).collect();
        let stranded = rows
            .iter()
            .filter(|s| s.transcript == id && !starts.contains(&s.turn_start))
            .count();
        if moved > 0 {
            write_sync(&path, &mut rows)?;
        }
        drop(_lock);
        if moved > 0 || stranded > 0 {
            self.log_change(
                who,
                "sync",
                "",
                &format!(
                    "{id} updated: {moved} sync time(s) moved with their turns, {stranded} on \
                     a start where no turn starts now (`thematic check` lists them)"
                ),
            )?;
        }
        Ok((moved, stranded))
    }
}

/// Writes `rows`, sorted, over `path` atomically (the caller holds the lock).
fn write_sync(path: &Path, rows: &mut [SyncTime]) -> Result<(), StudyError> {
    rows.sort_by(|a, b| {
        natural_cmp(&a.transcript, &b.transcript).then(a.turn_start.cmp(&b.turn_start))
    });
    atomic_write(path, &whole_file(path, &SYNC_COLUMNS, rows.iter())?)
}

/// The rows of `sync.csv` (none when it does not exist), sorted as written.
fn read_sync(path: &Path) -> Result<Vec<SyncTime>, StudyError> {
    let mut rows = read_whole_file(path, &SYNC_COLUMNS, |s: &SyncTime| {
        s.when.parse::<jiff::Timestamp>().is_ok()
    })?;
    rows.sort_by(|a, b| {
        natural_cmp(&a.transcript, &b.transcript).then(a.turn_start.cmp(&b.turn_start))
    });
    Ok(rows)
}
