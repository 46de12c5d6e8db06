//! Recordings linked to transcripts: `media.csv` at the study root, one row per linked
//! transcript, and (in [`sync`](self)) the sync times a researcher sets for turns without
//! times of their own.
//!
//! Columns of `media.csv`: `transcript` (its id), `path` (the recording: relative to the
//! study folder, with `/`, when it is inside or below it, else absolute), `size` (bytes),
//! `modified` (the file's modification time when linked, RFC 3339 UTC, for people) and
//! `fingerprint` (see [`fingerprint`]: xxh3 of the size and the first and last 64 KiB, so
//! `thematic check` notices a replaced or cut recording without reading a 1 GB file).
//!
//! Recordings are large and sensitive, so by default only the path is kept; a copy (into
//! `media/<id>.<ext>`) is made only when asked. Nothing here ever serves, exports or sends
//! a recording anywhere; the server streams a linked file to the researcher's own browser
//! only (see `thematic-serve`). The file is small and rows are replaced as well as added,
//! so every change rewrites it whole, atomically, under its lock, and is logged in
//! `changelog.csv` as `media-link` or `media-unlink`.

mod check;
mod sync;

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::csvlog::{read_whole_file, whole_file};
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write, atomic_write_with};
use crate::study::Study;
use crate::transcripts::natural_cmp;

pub use sync::{SYNC_COLUMNS, SYNC_FILE, SyncTime};

/// The file of links, in the study root.
pub const MEDIA_FILE: &str = "media.csv";

/// The folder that `--copy-media` copies recordings into, in the study root.
pub const MEDIA_DIR: &str = "media";

/// The columns of `media.csv`.
pub const MEDIA_COLUMNS: [&str; 5] = ["transcript", "path", "size", "modified", "fingerprint"];

/// The recordings that can be linked: extension, kind and the content type the server
/// sends (what browsers play).
pub const MEDIA_TYPES: &[(&str, MediaKind, &str)] = &[
    ("m4a", MediaKind::Audio, "audio/mp4"),
    ("mp3", MediaKind::Audio, "audio/mpeg"),
    ("wav", MediaKind::Audio, "audio/wav"),
    ("ogg", MediaKind::Audio, "audio/ogg"),
    ("webm", MediaKind::Video, "video/webm"),
    ("mp4", MediaKind::Video, "video/mp4"),
    ("mov", MediaKind::Video, "video/quicktime"),
];

/// How much of each end of a recording [`fingerprint`] reads.
const FINGERPRINT_EDGE: u64 = 64 * 1024;

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// A sound recording (`.m4a .mp3 .wav .ogg`).
    Audio,
    /// A video recording (`.webm .mp4 .mov`).
    Video,
}

impl MediaKind {
    /// `audio` or `video`.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

/// The kind and content type of a recording named `path`, from its extension (any case);
/// `None` when it is not one of [`MEDIA_TYPES`].
pub fn media_type(path: &Path) -> Option<(MediaKind, &'static str)> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    MEDIA_TYPES
        .iter()
        .find(|(e, _, _)| *e == ext)
        .map(|&(_, kind, mime)| (kind, mime))
}

/// The recording beside transcript file `file`, as `thematic import` links it: a file of
/// the same folder named like the transcript file (`P6_zoom.vtt` → `P6_zoom.m4a`) or like
/// its id (`P6.m4a`), with an extension of [`MEDIA_TYPES`] in lower or upper case. The
/// first found, in the order of [`MEDIA_TYPES`], then stem before id.
pub fn media_beside(file: &Path, id: &str) -> Option<PathBuf> {
    let stem = file.file_stem()?.to_str()?;
    let dir = file.parent().unwrap_or(Path::new(""));
    let names = [stem, id];
    MEDIA_TYPES.iter().find_map(|(ext, _, _)| {
        names.iter().find_map(|name| {
            [ext.to_string(), ext.to_ascii_uppercase()]
                .into_iter()
                .map(|e| dir.join(format!("{name}.{e}")))
                .find(|p| p.is_file())
        })
    })
}

/// A recording linked to a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaLink {
    /// The transcript's id.
    pub transcript: String,
    /// The recording, resolved to an absolute path.
    pub path: PathBuf,
    /// The path as `media.csv` keeps it (relative to the study folder where it can be).
    pub stored: String,
    /// Audio or video.
    pub kind: MediaKind,
    /// The content type the server sends.
    pub mime: &'static str,
    /// Its size in bytes when linked.
    pub size: u64,
    /// Its modification time when linked (RFC 3339 UTC; empty when unknown).
    pub modified: String,
    /// [`fingerprint`] when linked.
    pub fingerprint: String,
}

/// Whether a linked recording is as it was when linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaState {
    /// There, same size and fingerprint.
    Ok,
    /// Not there (or not readable): the operating system's reason.
    Missing(String),
    /// There, but its size or fingerprint differs: what differs, in words.
    Changed(String),
}

impl MediaState {
    /// `ok`, `missing` or `changed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            MediaState::Ok => "ok",
            MediaState::Missing(_) => "missing",
            MediaState::Changed(_) => "changed",
        }
    }
}

impl MediaLink {
    /// Looks at the file now: [`MediaState::Missing`] when it cannot be opened,
    /// [`MediaState::Changed`] when its size or fingerprint is not the linked one. Reads at
    /// most 128 KiB.
    pub fn state(&self) -> MediaState {
        match fingerprint(&self.path) {
            Err(e) => MediaState::Missing(e.to_string()),
            Ok((size, _)) if size != self.size => MediaState::Changed(format!(
                "it is {size} bytes, it was {} when linked",
                self.size
            )),
            Ok((_, print)) if print != self.fingerprint => MediaState::Changed(
                "its size is the same, but its contents differ from when it was linked".into(),
            ),
            Ok(_) => MediaState::Ok,
        }
    }
}

/// The size of the file at `path` and its fingerprint: xxh3-64 (hex) of the size (8 bytes,
/// little-endian), the first 64 KiB and the last 64 KiB (the whole file when it is smaller
/// than 128 KiB). Cheap on a 1 GB recording, and a re-encoded, cut or replaced file almost
/// surely differs.
pub fn fingerprint(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&size.to_le_bytes());
    let mut buf = Vec::with_capacity(FINGERPRINT_EDGE as usize);
    (&mut file).take(FINGERPRINT_EDGE).read_to_end(&mut buf)?;
    hasher.update(&buf);
    let tail_start = size.saturating_sub(FINGERPRINT_EDGE).max(FINGERPRINT_EDGE);
    if tail_start < size {
        buf.clear();
        file.seek(SeekFrom::Start(tail_start))?;
        file.take(FINGERPRINT_EDGE).read_to_end(&mut buf)?;
        hasher.update(&buf);
    }
    Ok((size, format!("{:016x}", hasher.digest())))
}

/// One row of `media.csv` as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Row {
    transcript: String,
    path: String,
    size: u64,
    modified: String,
    fingerprint: String,
}

impl Study {
    /// `media.csv` in the study root.
    pub fn media_path(&self) -> PathBuf {
        self.root().join(MEDIA_FILE)
    }

    /// The recording linked to transcript `id`, if any. The id is only compared with the
    /// rows of `media.csv`, never joined to a path, so any string is safe to ask about.
    pub fn media(&self, id: &str) -> Result<Option<MediaLink>, StudyError> {
        Ok(self.media_links()?.into_iter().find(|m| m.transcript == id))
    }

    /// Every linked recording, in natural order of transcript id (none when `media.csv`
    /// does not exist).
    pub fn media_links(&self) -> Result<Vec<MediaLink>, StudyError> {
        let path = self.media_path();
        let rows = read_media_rows(&path)?;
        rows.into_iter()
            .enumerate()
            .map(|(i, row)| self.resolve(&path, i + 2, row))
            .collect()
    }

    /// Links `file` (an audio or video file, [`MEDIA_TYPES`]) to transcript `id`, replacing
    /// an earlier link; with `copy`, copies it first into `media/<id>.<ext>` (streamed, never
    /// whole in memory) and links the copy. Logs `media-link` under `who`.
    pub fn link_media(
        &self,
        id: &str,
        file: &Path,
        copy: bool,
        who: &str,
    ) -> Result<MediaLink, StudyError> {
        self.transcript_path(id)?; // an unknown id is an error with a "did you mean"
        let Some((_, _)) = media_type(file) else {
            return Err(StudyError::invalid(
                file,
                0,
                format!(
                    "not a recording that can be linked (expected one of: .{})",
                    MEDIA_TYPES
                        .iter()
                        .map(|t| t.0)
                        .collect::<Vec<_>>()
                        .join(", .")
                ),
            ));
        };
        let meta = std::fs::metadata(file).map_err(|e| StudyError::io(file, e))?;
        if !meta.is_file() {
            return Err(StudyError::invalid(
                file,
                0,
                "not a file; name the recording itself",
            ));
        }
        let source = std::path::absolute(file).map_err(|e| StudyError::io(file, e))?;
        let target = if copy {
            let ext = file
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            let dir = self.root().join(MEDIA_DIR);
            std::fs::create_dir_all(&dir).map_err(|e| StudyError::io(&dir, e))?;
            let target = dir.join(format!("{id}.{ext}"));
            if !same_file(&source, &target) {
                let mut from =
                    std::fs::File::open(&source).map_err(|e| StudyError::io(&source, e))?;
                atomic_write_with(&target, |to| std::io::copy(&mut from, to).map(|_| ()))?;
            }
            target
        } else {
            source
        };
        let (size, print) = fingerprint(&target).map_err(|e| StudyError::io(&target, e))?;
        let modified = std::fs::metadata(&target)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| jiff::Timestamp::try_from(t).ok())
            .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string())
            .unwrap_or_default();
        let row = Row {
            transcript: id.to_string(),
            path: self.stored_path(&target),
            size,
            modified,
            fingerprint: print,
        };
        let path = self.media_path();
        let detail = format!(
            "{id}: {} ({size} bytes{})",
            row.path,
            if copy { ", copied" } else { "" }
        );
        self.change_media(|rows| {
            rows.retain(|r| r.transcript != id);
            rows.push(row.clone());
            true
        })?;
        self.log_change(who, "media-link", "", &detail)?;
        self.resolve(&path, 0, row)
    }

    /// Takes the link of transcript `id` away (the recording itself is left where it is,
    /// a copy in `media/` too); logs `media-unlink`. Returns the link there was, `None`
    /// (nothing written) when there was none.
    pub fn unlink_media(&self, id: &str, who: &str) -> Result<Option<MediaLink>, StudyError> {
        let path = self.media_path();
        let mut gone = None;
        self.change_media(|rows| {
            let i = rows.iter().position(|r| r.transcript == id);
            gone = i.map(|i| rows.remove(i));
            gone.is_some()
        })?;
        let Some(row) = gone else { return Ok(None) };
        self.log_change(who, "media-unlink", "", &format!("{id}: {}", row.path))?;
        self.resolve(&path, 0, row).map(Some)
    }

    /// `target` as `media.csv` keeps it: relative to the study folder with `/` when it is
    /// inside or below it, else absolute.
    fn stored_path(&self, target: &Path) -> String {
        let root = self
            .root()
            .canonicalize()
            .unwrap_or_else(|_| self.root().to_path_buf());
        let full = target
            .canonicalize()
            .unwrap_or_else(|_| target.to_path_buf());
        match full.strip_prefix(&root) {
            Ok(rel) => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => full.to_string_lossy().into_owned(),
        }
    }

    /// A row made into a link: its path resolved against the study folder, its type from
    /// its extension (a row naming another type is an error at `line`).
    fn resolve(&self, file: &Path, line: usize, row: Row) -> Result<MediaLink, StudyError> {
        let stored = PathBuf::from(&row.path);
        let path = if stored.is_absolute() {
            stored
        } else {
            self.root().join(stored)
        };
        let Some((kind, mime)) = media_type(&path) else {
            return Err(StudyError::invalid(
                file,
                line,
                format!(
                    "\"{}\" is not a recording that can be played; fix the path or run \
                     `thematic media unlink {}`",
                    row.path, row.transcript
                ),
            ));
        };
        Ok(MediaLink {
            transcript: row.transcript,
            path,
            stored: row.path,
            kind,
            mime,
            size: row.size,
            modified: row.modified,
            fingerprint: row.fingerprint,
        })
    }

    /// Reads `media.csv`, lets `change` edit its rows, and writes them back (in natural
    /// order of transcript id) atomically when it says it changed something, all under the
    /// file's lock.
    fn change_media(&self, change: impl FnOnce(&mut Vec<Row>) -> bool) -> Result<bool, StudyError> {
        let path = self.media_path();
        let _lock = FileLock::acquire(&path)?;
        let mut rows = read_media_rows(&path)?;
        if !change(&mut rows) {
            return Ok(false);
        }
        rows.sort_by(|a, b| natural_cmp(&a.transcript, &b.transcript));
        atomic_write(&path, &whole_file(&path, &MEDIA_COLUMNS, &rows)?)?;
        Ok(true)
    }
}

/// Whether `a` and `b` are the same file (both exist and canonicalize alike).
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The rows of `media.csv` at `path` (none when it does not exist). It is only ever
/// replaced whole, so a torn row can only come from a hand edit: an error naming its line.
fn read_media_rows(path: &Path) -> Result<Vec<Row>, StudyError> {
    read_whole_file(path, &MEDIA_COLUMNS, |r: &Row| !r.fingerprint.is_empty())
}

#[cfg(test)]
mod tests;
