//! The study's side of recordings in a project: which recordings an export with media
//! takes (`media.csv`, `sync.csv`), and linking what an import brings.

use std::path::Path;

use thematic_study::{MEDIA_DIR, Study, StudyError, atomic_write};

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

/// Stores a recording that came in a project as `media/<id>.<ext>` and links it to
/// transcript `id`; `Err` says why it was not (the transcript has a recording already, or
/// another file is in its place). Sync times follow separately.
pub(crate) fn link_recording(
    study: &Study,
    id: &str,
    ext: &str,
    bytes: &[u8],
    who: &str,
) -> Result<Result<(), String>, StudyError> {
    if let Some(link) = study.media(id)? {
        return Ok(Err(format!(
            "{id} already has a recording ({}); it is kept",
            link.stored
        )));
    }
    let target = study.root().join(MEDIA_DIR).join(format!("{id}.{ext}"));
    match std::fs::read(&target) {
        Ok(there) if there != bytes => {
            return Ok(Err(format!(
                "{MEDIA_DIR}/{id}.{ext} is already there and is another file; move it away \
                 and import again, or link a recording with `thematic media link {id} FILE`"
            )));
        }
        Ok(_) => {}
        Err(_) => {
            let dir = study.root().join(MEDIA_DIR);
            std::fs::create_dir_all(&dir).map_err(|e| StudyError::io(&dir, e))?;
            atomic_write(&target, bytes)?;
        }
    }
    study.link_media(id, Path::new(&target), true, who)?;
    Ok(Ok(()))
}
