//! `thematic transcripts update ID NEWFILE`: replace a transcript with a corrected version
//! and re-anchor every coder's codings of it (see [`crate::reanchor`]).
//!
//! Order of writes, under every coder's lock: the codings first (each coder's file
//! atomically), then the transcript. If the process dies between the two, running the same
//! update again finds the moved codings already in place (they read as kept) and finishes
//! the job; nothing is ever deleted — codings that cannot be placed stay, flagged
//! `orphaned`, with their old offsets and words.

use std::path::Path;

use crate::codings::{Coding, Status};
use crate::error::StudyError;
use crate::fsutil::atomic_write;
use crate::reanchor::{Anchor, reanchor};
use crate::study::Study;
use crate::transcripts::TRANSCRIPT_EXTENSIONS;

/// Places a transcript's codings on its new version: old, new, the codings → one result
/// each, in order.
pub(crate) type Place<'a> = dyn Fn(
        &thematic_transcript::Transcript,
        &thematic_transcript::Transcript,
        &[Coding],
    ) -> Vec<crate::reanchor::Reanchored>
    + 'a;

/// What happened to one coding.
#[derive(Debug, Clone, PartialEq)]
pub struct Updated {
    /// The coding before the update.
    pub before: Coding,
    /// Where it is now.
    pub anchor: Anchor,
}

/// The outcome of a transcript update.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateReport {
    /// The transcript id.
    pub transcript: String,
    /// One entry per coding of the transcript, by coder then file order.
    pub codings: Vec<Updated>,
    /// Whether anything was written (false for a dry run).
    pub written: bool,
}

impl UpdateReport {
    /// How many codings were kept, moved and orphaned.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut n = (0, 0, 0);
        for u in &self.codings {
            match u.anchor {
                Anchor::Kept => n.0 += 1,
                Anchor::Moved { .. } => n.1 += 1,
                Anchor::Orphaned { .. } => n.2 += 1,
            }
        }
        n
    }
}

impl Study {
    /// Replaces transcript `id` with the file at `new_file` and re-anchors every coding of
    /// it. With `dry_run`, reports what would happen and writes nothing. The new file must
    /// parse; it is stored byte for byte as `transcripts/<id>.<ext>` (its own extension).
    pub fn update_transcript(
        &self,
        id: &str,
        new_file: &Path,
        who: &str,
        dry_run: bool,
    ) -> Result<UpdateReport, StudyError> {
        self.transcript_path(id)?; // an unknown id before anything is read
        let ext = new_file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .filter(|e| TRANSCRIPT_EXTENSIONS.contains(&e.as_str()))
            .ok_or_else(|| {
                StudyError::invalid(
                    new_file,
                    0,
                    format!(
                        "not a transcript file name: use one of .{}",
                        TRANSCRIPT_EXTENSIONS.join(", .")
                    ),
                )
            })?;
        let new_bytes = std::fs::read(new_file).map_err(|e| StudyError::io(new_file, e))?;
        let new =
            thematic_transcript::parse_with_hint(&new_bytes, &self.parse_options(), Some(&ext))
                .map_err(|e| {
                    StudyError::invalid(new_file, 0, format!("{e}; nothing was changed"))
                })?;
        self.replace_transcript(id, new_file, &new_bytes, &ext, &new, who, dry_run)
    }

    /// [`Study::update_transcript`] with the new file already read and parsed (`new` is
    /// `new_bytes`, read from `source`, parsed; `ext` its lower-case extension): what
    /// `thematic import --replace` does to a transcript already there.
    ///
    /// While it writes, an intent record ([`crate::Unfinished`]) names the update, so one
    /// cut short between the codings and the transcript is reported by `thematic check`
    /// with the command that finishes it (the same update again).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn replace_transcript(
        &self,
        id: &str,
        source: &Path,
        new_bytes: &[u8],
        ext: &str,
        new: &thematic_transcript::Transcript,
        who: &str,
        dry_run: bool,
    ) -> Result<UpdateReport, StudyError> {
        self.replace_transcript_placing(
            id, source, new_bytes, ext, new, who, dry_run, &reanchor, None,
        )
    }

    /// [`Study::replace_transcript`] with the codings placed by `place` (old transcript, new
    /// transcript, the codings of it → one result each, in order) instead of the fuzzy
    /// [`reanchor`]: an edit whose changes are known places them exactly. With `base`, the
    /// old transcript's text as the caller read it: if the text under the locks is not
    /// that (another edit came first), nothing is changed and the error says so.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn replace_transcript_placing(
        &self,
        id: &str,
        source: &Path,
        new_bytes: &[u8],
        ext: &str,
        new: &thematic_transcript::Transcript,
        who: &str,
        dry_run: bool,
        place: &Place<'_>,
        base: Option<&str>,
    ) -> Result<UpdateReport, StudyError> {
        let name = source.file_name().unwrap_or_default().to_string_lossy();
        // The transcripts' lock (as every import takes it), then the codebook's, as a merge
        // takes it: a coder's first coding takes it too (before creating the codings file),
        // so no coder can start a codings file that this update does not lock and see.
        // Every coding written under a coder's lock is then either re-anchored here or
        // checked against the new text when it is written (see `Study::code`).
        let _locks = if dry_run {
            None
        } else {
            Some((
                self.transcripts_lock()?,
                crate::fsutil::FileLock::acquire(&self.codebook_path())?,
            ))
        };
        // The old text as it is under the locks: another update may have just replaced it.
        let old_path = self.transcript_path(id)?;
        let old = crate::transcripts::parse_file(&old_path, &self.parse_options());
        let (locks, all) = self.lock_all_codings(!dry_run)?;
        // The old text is needed only to re-anchor codings: a stored file that no longer
        // parses can still be replaced when nothing is coded in it.
        let coded = all.iter().any(|f| {
            f.codings
                .iter()
                .any(|c| c.transcript == id && c.status == Status::Ok)
        });
        let old = match old {
            Ok(t) => Some(t),
            Err(e) if coded => return Err(e),
            Err(_) => None,
        };
        if let Some(base) = base
            && old.as_ref().is_none_or(|o| o.text != base)
        {
            return Err(crate::rewrite::changed_meanwhile(&old_path));
        }
        let mut report = UpdateReport {
            transcript: id.to_string(),
            codings: Vec::new(),
            written: !dry_run,
        };
        let mut files = Vec::new();
        for mut file in all {
            let mine: Vec<usize> = file
                .codings
                .iter()
                .enumerate()
                .filter(|(_, c)| c.transcript == id && c.status == Status::Ok)
                .map(|(i, _)| i)
                .collect();
            let Some(old) = &old else {
                continue; // nothing coded
            };
            if mine.is_empty() {
                continue;
            }
            let subset: Vec<Coding> = mine.iter().map(|&i| file.codings[i].clone()).collect();
            let results = place(old, new, &subset);
            let mut changed = false;
            for (&i, r) in mine.iter().zip(results) {
                let c = &mut file.codings[i];
                report.codings.push(Updated {
                    before: c.clone(),
                    anchor: r.anchor.clone(),
                });
                changed |= r.anchor.apply_to(c);
                if r.anchor.is_orphaned() {
                    c.status = Status::Orphaned;
                    changed = true;
                }
            }
            if changed {
                files.push(file);
            }
        }
        if dry_run {
            return Ok(report);
        }
        let source = std::path::absolute(source).unwrap_or_else(|_| source.to_path_buf());
        let intent = self.begin(crate::Unfinished::transcripts_update(id, &source, who))?;
        for file in &files {
            self.rewrite_codings(file)?;
        }
        let stored = self.transcripts_dir().join(format!("{id}.{ext}"));
        atomic_write(&stored, new_bytes)?;
        if stored != old_path {
            std::fs::remove_file(&old_path).map_err(|e| StudyError::io(&old_path, e))?;
        }
        drop(locks);
        let (kept, moved, orphaned) = report.counts();
        self.log_change(
            who,
            "reanchor",
            "",
            &format!(
                "{id} replaced by {name}: {kept} coding(s) kept, {moved} moved, {orphaned} orphaned"
            ),
        )?;
        // Sync times set from a recording follow their turns as the codings did.
        if let Some(old) = &old {
            self.carry_sync_times(id, old, new, place, who)?;
        }
        intent.done(self)?;
        Ok(report)
    }
}
