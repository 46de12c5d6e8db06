//! `.thematic/index/thematic.json`: what the index was built from, so a later command can
//! tell what changed. Transcripts are compared by size and modification time, then by a
//! content hash; each coder's codings file by size and modification time, then — when it
//! only grew — by a hash of its old tail, so an appended coding is read alone.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::IndexError;

/// Bump when the schema or the meaning of a stored field changes.
pub(crate) const FORMAT: u32 = 1;
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
    /// The parse options (interviewer names decide roles).
    pub options: String,
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
