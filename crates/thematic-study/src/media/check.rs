//! What `thematic check` says about recordings and sync times: a linked recording that is
//! missing or changed, a link or sync time of a transcript the study no longer has, and a
//! sync time on an offset that no longer starts a turn (the transcript was updated and the
//! turn could not be found in the new text). All are warnings: a recording deleted after transcription, as
//! ethics approvals often require, leaves the analysis sound. Each names the command that
//! resolves it.

use std::collections::{BTreeSet, HashMap};

use crate::check::{CheckReport, Finding, Severity};
use crate::error::StudyError;
use crate::study::Study;

impl Study {
    /// Adds the recordings' and sync times' findings to `report`. An unreadable
    /// `media.csv` or `sync.csv` is itself a finding (an error), not a failed check.
    pub(crate) fn check_media(&self, report: &mut CheckReport) -> Result<(), StudyError> {
        let ids: BTreeSet<String> = self
            .transcript_files()?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let media_file = self.media_path();
        let mut push = |severity, file: &std::path::Path, line, transcript: &str, kind, message| {
            report.findings.push(Finding {
                severity,
                file: file.to_path_buf(),
                line,
                coder: String::new(),
                coding: String::new(),
                transcript: transcript.to_string(),
                kind,
                message,
            });
        };
        match self.media_links() {
            Err(StudyError::Invalid { line, message, .. }) => {
                push(Severity::Error, &media_file, line, "", "media", message);
            }
            Err(e) => return Err(e),
            Ok(links) => {
                for (i, link) in links.iter().enumerate() {
                    let id = &link.transcript;
                    let line = i + 2;
                    if !ids.contains(id) {
                        push(
                            Severity::Warning,
                            &media_file,
                            line,
                            id,
                            "media-unknown-transcript",
                            format!(
                                "a recording is linked to {id}, which is not a transcript of \
                                 the study; run `thematic media unlink {id}`"
                            ),
                        );
                        continue;
                    }
                    let fix = format!(
                        "run `thematic media link {id} FILE` with the recording, or \
                         `thematic media unlink {id}`"
                    );
                    match link.state() {
                        crate::MediaState::Ok => {}
                        crate::MediaState::Missing(why) => push(
                            Severity::Warning,
                            &media_file,
                            line,
                            id,
                            "media-missing",
                            format!(
                                "the recording of {id}, {}, cannot be read ({why}); {fix}",
                                link.stored
                            ),
                        ),
                        crate::MediaState::Changed(what) => push(
                            Severity::Warning,
                            &media_file,
                            line,
                            id,
                            "media-changed",
                            format!(
                                "the recording of {id}, {}, has changed since it was linked \
                                 ({what}); if it is the right recording, run `thematic media \
                                 link {id} {}` to accept it, else {fix}",
                                link.stored,
                                crate::shell_word(&link.path.to_string_lossy())
                            ),
                        ),
                    }
                }
            }
        }
        let sync_file = self.sync_path();
        let times = match self.all_sync_times() {
            Ok(t) => t,
            Err(StudyError::Invalid { line, message, .. }) => {
                push(Severity::Error, &sync_file, line, "", "sync", message);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        if times.is_empty() {
            return Ok(());
        }
        let spans: HashMap<String, Vec<usize>> = self
            .turn_spans()?
            .into_iter()
            .map(|t| (t.id, t.turns.iter().map(|x| x.start).collect()))
            .collect();
        for s in &times {
            let id = &s.transcript;
            let clear = format!(
                "`thematic media sync {id} --at {} --clear` clears it",
                s.turn_start
            );
            match spans.get(id) {
                None if !ids.contains(id) => push(
                    Severity::Warning,
                    &sync_file,
                    0,
                    id,
                    "sync-unknown-transcript",
                    format!(
                        "a sync time ({} ms) is kept for {id}, which is not a transcript of the \
                         study; {clear}",
                        s.start_ms
                    ),
                ),
                Some(starts) if starts.binary_search(&s.turn_start).is_ok() => {}
                _ => push(
                    Severity::Warning,
                    &sync_file,
                    0,
                    id,
                    "sync-orphaned",
                    format!(
                        "the sync time {} ms of {id} is on code point {}, where no turn starts \
                         now (the transcript was updated and the turn moved); sync the turn \
                         again in the reader, and {clear}",
                        s.start_ms, s.turn_start
                    ),
                ),
            }
        }
        Ok(())
    }
}
