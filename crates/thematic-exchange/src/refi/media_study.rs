//! The study's side of recordings in a project: which recordings an export with media
//! takes (`media.csv`, `sync.csv`), and linking what an import brings.

use std::path::Path;

use thematic_study::{MEDIA_DIR, Study, StudyError, fingerprint};

use crate::refi::media::MediaForExport;

/// Every linked recording of the study, with the transcript's sync times. A link the
/// study cannot resolve is the export's to report (its file is read there).
pub(crate) fn recordings(study: &Study) -> Result<Vec<MediaForExport>, StudyError> {
    let mut out = Vec::new();
    for link in study.media_links()? {
        let sync = study.sync_times(&link.transcript)?.into_iter().collect();
        out.push(MediaForExport {
            transcript: link.transcript,
            path: link.path,
            kind: link.kind,
            sync,
        });
    }
    Ok(out)
}

/// What became of a recording from a project.
pub(crate) enum Linked {
    /// Stored and linked.
    New,
    /// The transcript has this very recording linked already.
    Already,
    /// Not linked, and why (the transcript has another recording, or another file is
    /// where it would go).
    Not(String),
}

/// Stores a recording that came in a project as `media/<id>.<ext>` and links it to
/// transcript `id`. `copy` writes the recording into a file (streamed out of the package),
/// first a hidden one in `media/`, compared by size and fingerprint with what is there.
/// Sync times follow separately.
pub(crate) fn link_recording(
    study: &Study,
    id: &str,
    ext: &str,
    copy: impl FnOnce(&mut std::fs::File) -> Result<(), StudyError>,
    who: &str,
) -> Result<Linked, StudyError> {
    let dir = study.root().join(MEDIA_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| StudyError::io(&dir, e))?;
    let tmp = dir.join(format!(".{id}.{ext}.thematic-tmp-{}", std::process::id()));
    let outcome = store(study, id, ext, &tmp, copy, who);
    if tmp.exists() {
        let _ = std::fs::remove_file(&tmp);
    }
    outcome
}

fn store(
    study: &Study,
    id: &str,
    ext: &str,
    tmp: &Path,
    copy: impl FnOnce(&mut std::fs::File) -> Result<(), StudyError>,
    who: &str,
) -> Result<Linked, StudyError> {
    let mut file = std::fs::File::create(tmp).map_err(|e| StudyError::io(tmp, e))?;
    copy(&mut file)?;
    file.sync_all().map_err(|e| StudyError::io(tmp, e))?;
    drop(file);
    let print = |p: &Path| fingerprint(p).ok();
    let ours = fingerprint(tmp).map_err(|e| StudyError::io(tmp, e))?;
    if let Some(link) = study.media(id)? {
        return Ok(if print(&link.path) == Some(ours) {
            Linked::Already
        } else {
            Linked::Not(format!(
                "{id} already has a recording ({}); the project's was not linked, nor its \
                 sync times set",
                link.stored
            ))
        });
    }
    let target = study.root().join(MEDIA_DIR).join(format!("{id}.{ext}"));
    if target.exists() {
        if print(&target) != Some(ours) {
            return Ok(Linked::Not(format!(
                "{MEDIA_DIR}/{id}.{ext} is already there and is another file; move it away \
                 and import again, or link a recording with `thematic media link {id} FILE`"
            )));
        }
    } else {
        std::fs::rename(tmp, &target).map_err(|e| StudyError::io(&target, e))?;
    }
    study.link_media(id, &target, true, who)?;
    Ok(Linked::New)
}
