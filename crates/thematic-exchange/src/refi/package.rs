//! The `.qdpx` package: a zip of `project.qde` and `sources/`. Writing is deterministic;
//! reading treats the zip as untrusted input from elsewhere.
//!
//! What a package from elsewhere may not do, each refused with an error that says so:
//! - hold an entry whose name escapes the package (`../x`, `/etc/x`, `C:\x`);
//! - hold more than [`Limits::max_entries`] entries;
//! - expand one entry beyond [`Limits::max_entry`] bytes, or all of them beyond
//!   [`Limits::max_total`] (sizes are counted while reading, not taken from the headers,
//!   which can lie);
//! - compress an entry by more than [`Limits::max_ratio`] to one (a zip bomb) once it is
//!   bigger than a megabyte.
//!
//! Entries are read into memory by name; nothing is ever extracted to disk under the name
//! the package gives it.

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

use thematic_study::StudyError;

/// How much a package may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the zip.
    pub max_entries: usize,
    /// Bytes of one entry, uncompressed.
    pub max_entry: u64,
    /// Bytes of all entries, uncompressed.
    pub max_total: u64,
    /// Uncompressed ÷ compressed size of an entry above a megabyte.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 100_000,
            // REFI-QDA allows internal files up to 2 GiB − 1; a transcript or project file
            // of a quarter of that is already far beyond any real study.
            max_entry: 512 << 20,
            max_total: 2 << 30,
            max_ratio: 200,
        }
    }
}

/// A package's entries, read and checked, by their name in the zip.
#[derive(Debug)]
pub(crate) struct Package {
    path: PathBuf,
    entries: BTreeMap<String, Vec<u8>>,
    /// Recordings of a package read from its file, not read yet: name → index in the zip.
    /// [`Package::copy_recording`] streams one out (a recording can be 2 GiB).
    recordings: BTreeMap<String, usize>,
}

impl Package {
    /// Reads and checks every entry of the zip file at `path`, except recordings, which
    /// are only checked for their names and read when they are copied out.
    pub(crate) fn open(path: &Path, limits: &Limits) -> Result<Package, StudyError> {
        let file = std::fs::File::open(path).map_err(|e| StudyError::io(path, e))?;
        Package::read_from(path, file, limits, true)
    }

    /// Reads and checks every entry of the zip at `path` (`bytes` are its contents).
    #[cfg(test)]
    pub(crate) fn read(path: &Path, bytes: &[u8], limits: &Limits) -> Result<Package, StudyError> {
        Package::read_from(path, std::io::Cursor::new(bytes), limits, false)
    }

    /// Reads and checks the zip `reader` (of the file `path`); with `defer`, recordings are
    /// left to [`Package::copy_recording`].
    fn read_from<R: Read + Seek>(
        path: &Path,
        reader: R,
        limits: &Limits,
        defer: bool,
    ) -> Result<Package, StudyError> {
        let refuse = |message: String| StudyError::invalid(path, 0, message);
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
            refuse(format!(
                "not a REFI-QDA project package (a .qdpx is a zip file): {e}"
            ))
        })?;
        if zip.len() > limits.max_entries {
            return Err(refuse(format!(
                "the package holds {} entries, more than the {} thematic reads; it is not a \
                 project of a real study",
                zip.len(),
                limits.max_entries
            )));
        }
        let mut entries = BTreeMap::new();
        let mut recordings = BTreeMap::new();
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let mut file = zip
                .by_index(i)
                .map_err(|e| refuse(format!("entry {} cannot be read: {e}", i + 1)))?;
            let name = file
                .name()
                .map_err(|e| {
                    refuse(format!(
                        "entry {} has a name that cannot be read: {e}",
                        i + 1
                    ))
                })?
                .into_owned();
            let escapes = file.enclosed_name().is_none()
                || name.starts_with(['/', '\\'])
                || name.get(1..2) == Some(":")
                || name.replace('\\', "/").split('/').any(|part| part == "..");
            if escapes {
                return Err(refuse(format!(
                    "the entry \"{name}\" points outside the package (an absolute path or \
                     `..`); such a package could overwrite other files, so it is refused"
                )));
            }
            if file.is_dir() {
                continue;
            }
            if defer && crate::refi::media::is_recording_entry(&name) {
                recordings.insert(name, i);
                continue;
            }
            let claimed = file.size();
            let compressed = file.compressed_size().max(1);
            if claimed > 1 << 20 && claimed / compressed > limits.max_ratio {
                return Err(refuse(format!(
                    "the entry \"{name}\" expands {}-fold ({compressed} bytes to {claimed}), \
                     beyond the {}-fold thematic accepts: refused as a zip bomb",
                    claimed / compressed,
                    limits.max_ratio
                )));
            }
            // A recording (only ever in a project exported with its media) may be as big as
            // REFI-QDA allows a file inside a project.
            let max_entry = if crate::refi::media::is_recording_entry(&name) {
                limits.max_entry.max(crate::refi::MAX_INTERNAL_FILE)
            } else {
                limits.max_entry
            };
            let allowed = max_entry.min(limits.max_total.saturating_sub(total));
            // Read in pieces, checking the ratio as the data comes, so a bomb is stopped
            // after a megabyte or so past the limit, not after it has filled memory.
            let mut out = Vec::new();
            let mut piece = vec![0u8; 1 << 20];
            loop {
                let n = file
                    .read(&mut piece)
                    .map_err(|e| refuse(format!("the entry \"{name}\" cannot be read: {e}")))?;
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&piece[..n]);
                let got = out.len() as u64;
                if got > allowed || (got > 1 << 20 && got / compressed > limits.max_ratio) {
                    break;
                }
            }
            let got = out.len() as u64;
            if got > allowed {
                return Err(refuse(if got > max_entry {
                    format!(
                        "the entry \"{name}\" is bigger than {} MiB uncompressed; thematic \
                         refuses entries that large",
                        max_entry >> 20
                    )
                } else {
                    format!(
                        "the package expands to more than {} MiB in all; thematic refuses \
                         packages that large",
                        limits.max_total >> 20
                    )
                }));
            }
            if compressed > 0 && got > 1 << 20 && got / compressed > limits.max_ratio {
                return Err(refuse(format!(
                    "the entry \"{name}\" expands {}-fold, beyond the {}-fold thematic \
                     accepts: refused as a zip bomb",
                    got / compressed,
                    limits.max_ratio
                )));
            }
            total += got;
            entries.insert(name, out);
        }
        Ok(Package {
            path: path.to_path_buf(),
            entries,
            recordings,
        })
    }

    /// The name of the recording a source path names (as [`Package::source`] finds
    /// entries), when the package holds it.
    pub(crate) fn recording(&self, path: &str) -> Option<String> {
        let bare = bare_name(path)?;
        let names = self.recordings.keys().chain(self.entries.keys());
        let mut found = None;
        for want in [format!("sources/{bare}"), bare] {
            if let Some(n) = names.clone().find(|n| **n == want) {
                return Some(n.clone());
            }
            let mut same = names.clone().filter(|n| n.eq_ignore_ascii_case(&want));
            if let (Some(n), None) = (same.next(), same.next()) {
                found.get_or_insert_with(|| n.clone());
            }
        }
        found
    }

    /// Copies the recording `name` (from [`Package::recording`]) into `out`, reading at
    /// most [`crate::refi::MAX_INTERNAL_FILE`] bytes of it (counted as read, not taken
    /// from the zip's headers) and refusing one that expands like a zip bomb. Returns its
    /// size.
    pub(crate) fn copy_recording(
        &self,
        name: &str,
        out: &mut impl Write,
    ) -> Result<u64, StudyError> {
        let refuse = |message: String| StudyError::invalid(&self.path, 0, message);
        if let Some(bytes) = self.entries.get(name) {
            out.write_all(bytes)
                .map_err(|e| StudyError::io(&self.path, e))?;
            return Ok(bytes.len() as u64);
        }
        let Some(&index) = self.recordings.get(name) else {
            return Err(refuse(format!("the package holds no entry \"{name}\"")));
        };
        let file = std::fs::File::open(&self.path).map_err(|e| StudyError::io(&self.path, e))?;
        let mut zip = zip::ZipArchive::new(file)
            .map_err(|e| refuse(format!("the package cannot be read again: {e}")))?;
        let entry = zip
            .by_index(index)
            .map_err(|e| refuse(format!("the entry \"{name}\" cannot be read: {e}")))?;
        let compressed = entry.compressed_size().max(1);
        let limit = crate::refi::MAX_INTERNAL_FILE;
        let mut reader = entry.take(limit + 1);
        let mut piece = vec![0u8; 1 << 20];
        let mut got: u64 = 0;
        loop {
            let n = reader
                .read(&mut piece)
                .map_err(|e| refuse(format!("the entry \"{name}\" cannot be read: {e}")))?;
            if n == 0 {
                break;
            }
            got += n as u64;
            if got > limit {
                return Err(refuse(format!(
                    "the recording \"{name}\" is bigger than the 2 GiB REFI-QDA allows inside \
                     a project; refused"
                )));
            }
            if got > 1 << 20 && got / compressed > 200 {
                return Err(refuse(format!(
                    "the entry \"{name}\" expands more than 200-fold: refused as a zip bomb"
                )));
            }
            out.write_all(&piece[..n])
                .map_err(|e| StudyError::io(&self.path, e))?;
        }
        Ok(got)
    }

    /// An entry by its exact name, else the only one whose name matches ignoring case
    /// (`Sources/` or `sources/`, `Project.qde`).
    pub(crate) fn get(&self, name: &str) -> Option<(&str, &[u8])> {
        if let Some((k, v)) = self.entries.get_key_value(name) {
            return Some((k, v));
        }
        let mut found = self
            .entries
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name));
        match (found.next(), found.next()) {
            (Some((k, v)), None) => Some((k, v)),
            _ => None,
        }
    }

    /// The project file: `project.qde`, else the one `.qde` entry at any depth.
    pub(crate) fn project(&self) -> Result<(&str, &[u8]), StudyError> {
        if let Some(found) = self.get("project.qde") {
            return Ok(found);
        }
        let mut qde = self
            .entries
            .iter()
            .filter(|(k, _)| k.to_ascii_lowercase().ends_with(".qde"));
        match (qde.next(), qde.next()) {
            (Some((k, v)), None) => Ok((k, v)),
            (None, _) => Err(StudyError::invalid(
                &self.path,
                0,
                "the package has no project.qde: it is not a REFI-QDA project (a codebook \
                 alone is a .qdc file: `thematic codebook import FILE.qdc`)",
            )),
            _ => Err(StudyError::invalid(
                &self.path,
                0,
                "the package holds several .qde files and none is named project.qde",
            )),
        }
    }

    /// The entry a source path names: `internal://x.txt`, `sources/x.txt`, `x.txt`, in
    /// `sources/` or `Sources/`.
    pub(crate) fn source(&self, path: &str) -> Option<(&str, &[u8])> {
        let bare = bare_name(path)?;
        self.get(&format!("sources/{bare}"))
            .or_else(|| self.get(&bare))
    }
}

/// A source path without its `internal://` and leading slashes, with `/` only; `None`
/// for one that climbs out (`..`).
fn bare_name(path: &str) -> Option<String> {
    let bare = path
        .strip_prefix("internal://")
        .unwrap_or(path)
        .trim_start_matches(['/', '\\'])
        .replace('\\', "/");
    (!bare.split('/').any(|part| part == "..")).then_some(bare)
}

/// What a package entry holds: bytes, or a file copied in while the package is written (a
/// recording, so that it is never held in memory whole).
#[derive(Debug)]
pub(crate) enum Entry {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// A zip of `files` (name, bytes) in the given order, with fixed timestamps: deflated,
/// but recordings (compressed already) stored as they are.
#[cfg(test)]
pub(crate) fn write(files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let entries: Vec<(String, Entry)> = files
        .iter()
        .map(|(n, b)| (n.clone(), Entry::Bytes(b.clone())))
        .collect();
    write_entries(std::io::Cursor::new(Vec::new()), &entries).map(std::io::Cursor::into_inner)
}

/// [`write_entries`] into the file `path`, atomically: into a hidden file beside it, then
/// renamed over it, so a package cut short never takes the place of one.
pub(crate) fn write_file(path: &Path, files: &[(String, Entry)]) -> Result<(), StudyError> {
    let name = path.file_name().map_or_else(
        || "project.qdpx".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = path.with_file_name(format!(".{name}.thematic-tmp-{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let f = write_entries(f, files).map_err(std::io::Error::other)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(StudyError::io(path, e))
        }
    }
}

/// [`write`] into `out`, the entries' bytes given or read from their files as they go in.
pub(crate) fn write_entries<W: Write + Seek>(
    out: W,
    files: &[(String, Entry)],
) -> zip::result::ZipResult<W> {
    let mut zip = zip::ZipWriter::new(out);
    let size = |e: &Entry| match e {
        Entry::Bytes(b) => b.len() as u64,
        Entry::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
    };
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .large_file(files.iter().any(|(_, e)| size(e) >= u64::from(u32::MAX)));
    for (name, entry) in files {
        let opts = if crate::refi::media::is_recording_entry(name) {
            opts.compression_method(zip::CompressionMethod::Stored)
        } else {
            opts
        };
        zip.start_file(name.as_str(), opts)?;
        match entry {
            Entry::Bytes(bytes) => zip.write_all(bytes)?,
            Entry::File(path) => {
                std::io::copy(&mut std::fs::File::open(path)?, &mut zip)?;
            }
        }
    }
    zip.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that do not compress, so only the size limits apply.
    fn noise(n: usize) -> Vec<u8> {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn huge_entries_and_huge_packages_are_refused_by_what_is_read_not_what_is_claimed() {
        let limits = Limits {
            max_entries: 10,
            max_entry: 64 << 10,
            max_total: 100 << 10,
            max_ratio: 200,
        };
        let path = Path::new("p.qdpx");
        let ok = write(&[("project.qde".into(), noise(60 << 10))]).unwrap();
        assert!(Package::read(path, &ok, &limits).is_ok());
        let big = write(&[("sources/a.txt".into(), noise(65 << 10))]).unwrap();
        let err = Package::read(path, &big, &limits).unwrap_err().to_string();
        assert!(
            err.contains("\"sources/a.txt\" is bigger than 0 MiB"),
            "{err}"
        );
        let many = write(&[
            ("sources/a.txt".into(), noise(60 << 10)),
            ("sources/b.txt".into(), noise(60 << 10)),
        ])
        .unwrap();
        let err = Package::read(path, &many, &limits).unwrap_err().to_string();
        assert!(err.contains("expands to more than 0 MiB in all"), "{err}");
        let files: Vec<(String, Vec<u8>)> = (0..11)
            .map(|i| (format!("sources/{i}.txt"), vec![b'x']))
            .collect();
        let err = Package::read(path, &write(&files).unwrap(), &limits)
            .unwrap_err()
            .to_string();
        assert!(err.contains("holds 11 entries"), "{err}");
    }

    #[test]
    fn recordings_stay_in_the_file_until_copied_out_whole() {
        let wav = noise(3 << 20);
        let zip = write(&[
            ("project.qde".into(), b"<Project/>".to_vec()),
            ("sources/A.wav".into(), wav.clone()),
        ])
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.qdpx");
        std::fs::write(&path, &zip).unwrap();
        // Read from the file, the recording is not among the entries read into memory.
        let p = Package::open(&path, &Limits::default()).unwrap();
        assert!(p.entries.keys().all(|k| !k.ends_with(".wav")));
        let name = p.recording("internal://a.WAV").unwrap();
        assert_eq!(name, "sources/A.wav");
        let mut out = Vec::new();
        assert_eq!(p.copy_recording(&name, &mut out).unwrap(), 3 << 20);
        assert!(out == wav);
        assert!(p.recording("internal://../A.wav").is_none());
        assert!(p.recording("internal://B.wav").is_none());
        // Read from bytes, it is an entry like any other, and copied out the same.
        let p = Package::read(&path, &zip, &Limits::default()).unwrap();
        let mut out = Vec::new();
        p.copy_recording(&p.recording("A.wav").unwrap(), &mut out)
            .unwrap();
        assert!(out == wav);
    }

    #[test]
    fn entries_are_found_whatever_the_case_of_sources_and_the_path_scheme() {
        let zip = write(&[
            ("project.qde".into(), b"<Project/>".to_vec()),
            ("Sources/A.txt".into(), b"a".to_vec()),
        ])
        .unwrap();
        let p = Package::read(Path::new("p.qdpx"), &zip, &Limits::default()).unwrap();
        for name in [
            "internal://A.txt",
            "A.txt",
            "sources/A.txt",
            "Sources/A.txt",
            "a.txt",
        ] {
            assert_eq!(p.source(name).map(|(_, b)| b), Some(&b"a"[..]), "{name}");
        }
        assert!(p.source("internal://../A.txt").is_none());
        assert_eq!(p.project().unwrap().0, "project.qde");
    }
}
