//! `.thematic/index/thematic.json`: what the index was built from, so a later command can
//! tell what changed. Transcripts are compared by size and modification time, then by a
//! content hash; each coder's codings file by size and modification time, then — when it
//! only grew — by a hash of its old tail, so an appended coding is read alone. Every hash
//! here is one of `thematic_study`'s stable hashes (xxh3: `content_hash` for bytes,
//! `stable_hash` for the parse options and codings), so a later build computes the same ones.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::IndexError;

/// Bump when the schema or the meaning of a stored field changes. 2: the hashes are xxh3
/// (`thematic_study::stable_hash`), the parse options a hash rather than their `Debug` text.
pub(crate) const FORMAT: u32 = 2;
/// The manifest's file name inside the index folder.
pub(crate) const FILE: &str = "thematic.json";
/// How much of a codings file's end is hashed to recognise an append.
const TAIL: u64 = 4096;

/// Size and modification time of a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stat {
    pub len: u64,
    pub mtime: (u64, u32),
}

/// What the index holds of one transcript file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TranscriptState {
    pub file_name: String,
    pub stat: Stat,
    pub hash: u64,
}

/// What the index holds of one coder's codings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CoderState {
    pub stat: Stat,
    /// Hash of the last bytes (up to 4 KiB) of the file as read.
    pub tail: u64,
    /// Per transcript, an order-independent sum of the hashes of the coder's codings there.
    pub sums: BTreeMap<String, u64>,
}

/// The manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub format: u32,
    pub version: String,
    /// Hash of `participants.csv` (0 when there is none): the attribute fields.
    pub participants: u64,
    /// The stable hash of the parse options (interviewer names decide roles):
    /// `Study::parse_options_hash`.
    pub options: u64,
    pub transcripts: BTreeMap<String, TranscriptState>,
    pub coders: BTreeMap<String, CoderState>,
}

impl Manifest {
    pub(crate) fn read(dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(dir.join(FILE)).ok()?;
        let m: Manifest = serde_json::from_slice(&bytes).ok()?;
        (m.format == FORMAT && m.version == env!("CARGO_PKG_VERSION")).then_some(m)
    }

    pub(crate) fn write(&self, dir: &Path) -> Result<(), IndexError> {
        let bytes = serde_json::to_vec(self).map_err(|e| {
            IndexError::io(dir, std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        })?;
        thematic_study::atomic_write(&dir.join(FILE), &bytes)?;
        Ok(())
    }
}

pub(crate) fn stat(path: &Path) -> Result<Stat, IndexError> {
    let (len, mtime) = thematic_study::file_stamp(path)?;
    Ok(Stat { len, mtime })
}

/// A hash of the `TAIL` bytes of `path` that end at `len`.
pub(crate) fn tail_hash(path: &Path, len: u64) -> Result<u64, IndexError> {
    let mut f = std::fs::File::open(path).map_err(|e| IndexError::io(path, e))?;
    let from = len.saturating_sub(TAIL);
    f.seek(SeekFrom::Start(from))
        .map_err(|e| IndexError::io(path, e))?;
    let mut buf = Vec::with_capacity((len - from) as usize);
    f.take(len - from)
        .read_to_end(&mut buf)
        .map_err(|e| IndexError::io(path, e))?;
    Ok(thematic_study::content_hash(&buf))
}

/// The header line of a codings file and its bytes after `offset`.
pub(crate) fn appended(path: &Path, offset: u64) -> Result<Vec<u8>, IndexError> {
    let mut f = std::fs::File::open(path).map_err(|e| IndexError::io(path, e))?;
    let mut head = vec![0u8; 4096];
    let n = f.read(&mut head).map_err(|e| IndexError::io(path, e))?;
    head.truncate(n);
    let header_end = head.iter().position(|&b| b == b'\n').map_or(n, |i| i + 1);
    let mut out = head[..header_end].to_vec();
    f.seek(SeekFrom::Start(offset))
        .map_err(|e| IndexError::io(path, e))?;
    f.read_to_end(&mut out)
        .map_err(|e| IndexError::io(path, e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::StudyIndex;
    use thematic_study::{InitOptions, Study};

    #[test]
    fn a_manifest_of_an_older_format_is_dropped_and_the_index_rebuilt() {
        let tmp = tempfile::tempdir().unwrap();
        let study = Study::init(tmp.path(), &InitOptions::new("t")).unwrap();
        let transcript = study.transcripts_dir().join("P1.txt");
        std::fs::write(&transcript, "P1: We walk every week.\nP1: Then tea.\n").unwrap();
        let (index, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
        assert_eq!(fresh.rebuilt.as_deref(), Some("there was no index yet"));
        assert_eq!(index.turns(), 2);
        drop(index);
        let dir = study.cache_dir().join(crate::INDEX_DIR);
        let m = Manifest::read(&dir).unwrap();
        assert_eq!((m.format, m.options), (FORMAT, study.parse_options_hash()));
        let bytes = std::fs::read(&transcript).unwrap();
        assert_eq!(
            m.transcripts["P1"].hash,
            thematic_study::content_hash(&bytes)
        );

        // Format 1 kept the parse options as their `Debug` text and std's hashes.
        let path = dir.join(FILE);
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        json["format"] = 1.into();
        json["options"] = "Options { format: None, merge_cues: true, .. }".into();
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        assert!(Manifest::read(&dir).is_none());
        let (index, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
        assert_eq!(
            fresh.rebuilt.as_deref(),
            Some("it was built by another version of thematic")
        );
        assert_eq!(index.turns(), 2);
        drop(index);
        assert_eq!(Manifest::read(&dir).unwrap().format, FORMAT);
        // Rebuilt in the current format, the next open trusts it.
        let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
        assert_eq!((fresh.rebuilt, fresh.indexed), (None, 0));
    }
}
