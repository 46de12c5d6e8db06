//! The index of one coder's codings file: where each transcript's rows are, and what the
//! views need to know of them without parsing them (progress, a digest of the rows, the
//! codings per theme).

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use thematic_study::{Coding, CodingsFile, Splice, StudyError, content_hash};

use super::{Stamp, TAIL};

/// An odd constant (the golden ratio's) that mixes each row's hash into a digest.
const FOLD: u64 = 0x9E37_79B9_7F4A_7C15;

/// One coder's progress in one transcript (autocode suggestions left out).
#[derive(Debug, Clone, Default)]
pub(crate) struct Progress {
    /// Distinct turns with at least one coding.
    pub turns: BTreeSet<usize>,
    /// Codings.
    pub codings: usize,
    /// The newest coding's time (RFC 3339).
    pub last: String,
}

/// An index of one coder's codings file.
#[derive(Debug, Clone)]
pub(crate) struct CoderIndex {
    /// The coder.
    pub coder: String,
    pub(super) path: PathBuf,
    pub(super) stamp: Stamp,
    /// The file's first line, with its line break: the header that row spans are parsed
    /// under.
    header: Vec<u8>,
    /// Bytes indexed: the file up to its last complete line.
    pub(super) indexed: u64,
    /// [`content_hash`] of the [`TAIL`] bytes before `indexed`.
    tail: u64,
    /// Transcript → the byte spans (offset, length) of its rows, in file order.
    rows: HashMap<String, Vec<(u64, u32)>>,
    /// Transcript → progress.
    pub progress: HashMap<String, Progress>,
    /// Transcript → a digest of its rows' bytes, in file order: equal digests, equal rows.
    digests: HashMap<String, u64>,
    /// Transcript → theme → rows (every status, as `thematic map --counts` counts them).
    themes: HashMap<String, HashMap<String, usize>>,
}

impl CoderIndex {
    /// Every row of this coder's codings of `transcript`, parsed, in file order.
    pub fn codings_in(&self, transcript: &str) -> Result<Vec<Coding>, StudyError> {
        if !self.rows.contains_key(transcript) {
            return Ok(Vec::new());
        }
        let mut bytes = self.header.clone();
        bytes.extend(self.rows_bytes(transcript)?);
        Ok(CodingsFile::parse(&self.path, &bytes)?.codings)
    }

    /// The bytes of `transcript`'s rows, in file order.
    fn rows_bytes(&self, transcript: &str) -> Result<Vec<u8>, StudyError> {
        let Some(spans) = self.rows.get(transcript) else {
            return Ok(Vec::new());
        };
        let mut file =
            std::fs::File::open(&self.path).map_err(|e| StudyError::io(&self.path, e))?;
        // Rows next to each other in the file (usually all of a transcript's) in one read.
        let mut runs: Vec<(u64, u64)> = Vec::new();
        for &(offset, len) in spans {
            match runs.last_mut() {
                Some((start, run)) if *start + *run == offset => *run += u64::from(len),
                _ => runs.push((offset, u64::from(len))),
            }
        }
        let mut bytes = Vec::new();
        for (offset, len) in runs {
            let start = bytes.len();
            bytes.resize(start + len as usize, 0);
            file.seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut bytes[start..]))
                .map_err(|e| StudyError::io(&self.path, e))?;
        }
        Ok(bytes)
    }

    /// The file's stamp when it was indexed.
    pub fn stamp(&self) -> Stamp {
        self.stamp
    }

    /// The transcripts with at least one row.
    pub fn transcripts(&self) -> impl Iterator<Item = &String> {
        self.rows.keys()
    }

    /// A digest of `transcript`'s rows (0 without rows): it changes when they do, so a
    /// result computed from them can be kept until it does.
    pub fn digest(&self, transcript: &str) -> u64 {
        self.digests.get(transcript).copied().unwrap_or(0)
    }

    /// Per transcript and theme, this coder's rows: `(transcript, theme, rows)`.
    pub fn tallies(&self) -> impl Iterator<Item = (&str, &str, usize)> {
        self.themes.iter().flat_map(|(t, by)| {
            by.iter()
                .map(move |(theme, n)| (t.as_str(), theme.as_str(), *n))
        })
    }
}

impl CoderIndex {
    pub(super) fn empty(coder: &str, path: PathBuf) -> CoderIndex {
        CoderIndex {
            coder: coder.to_string(),
            path,
            stamp: (0, (0, 0)),
            header: Vec::new(),
            indexed: 0,
            tail: 0,
            rows: HashMap::new(),
            progress: HashMap::new(),
            digests: HashMap::new(),
            themes: HashMap::new(),
        }
    }

    /// Indexes the whole file.
    pub(super) fn build(
        coder: &str,
        path: PathBuf,
        stamp: Stamp,
    ) -> Result<CoderIndex, StudyError> {
        let mut index = CoderIndex::empty(coder, path);
        index.extend(stamp)?;
        Ok(index)
    }

    /// Whether the bytes indexed so far are still at the start of the file (the file only
    /// grew), judged by the hash of the last [`TAIL`] of them.
    pub(super) fn still_prefix(&self) -> Result<bool, StudyError> {
        Ok(tail_hash(&self.path, self.indexed)? == self.tail)
    }

    /// Indexes the file from `indexed` to its last complete line, now at `stamp`.
    pub(super) fn extend(&mut self, stamp: Stamp) -> Result<(), StudyError> {
        let path = self.path.clone();
        let mut file = std::fs::File::open(&path).map_err(|e| StudyError::io(&path, e))?;
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(self.indexed))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(|e| StudyError::io(&path, e))?;
        // Up to the last line break: a torn last row (an interrupted append) is the
        // store's to set aside; it is indexed once it is whole.
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut start = 0;
        if self.indexed == 0 {
            let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            let header_end = bytes[..complete]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(complete, |i| i + 1);
            self.header = bytes[bom..header_end].to_vec();
            start = header_end;
        }
        let columns = Columns::of(&self.header);
        self.index_rows(
            &bytes[start..complete],
            self.indexed + start as u64,
            &columns,
        )?;
        self.indexed += complete as u64;
        self.tail = tail_hash(&path, self.indexed)?;
        self.stamp = stamp;
        Ok(())
    }

    /// Indexes the rows in `bytes`, which start at `base` in the file.
    fn index_rows(&mut self, bytes: &[u8], base: u64, columns: &Columns) -> Result<(), StudyError> {
        self.each_row(bytes, |index, at, row, record| {
            let Some(transcript) = columns.field(record, columns.transcript) else {
                return;
            };
            let len = u32::try_from(row.len()).unwrap_or(u32::MAX);
            index
                .rows
                .entry(transcript.clone())
                .or_default()
                .push((base + at, len));
            index.account(transcript, row, record, columns);
        })
    }

    /// Calls `f` with each row of `bytes`: its offset in `bytes`, its bytes and its fields.
    fn each_row(
        &mut self,
        bytes: &[u8],
        mut f: impl FnMut(&mut Self, u64, &[u8], &csv::ByteRecord),
    ) -> Result<(), StudyError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        loop {
            let at = reader.position().byte();
            let more = reader.read_byte_record(&mut record).map_err(|e| {
                StudyError::invalid(&self.path, 0, format!("a row cannot be read: {e}"))
            })?;
            if !more {
                break;
            }
            let end = reader.position().byte();
            f(self, at, &bytes[at as usize..end as usize], &record);
        }
        Ok(())
    }

    /// Adds one row of `transcript` to its digest, theme tallies and progress.
    fn account(
        &mut self,
        transcript: String,
        row: &[u8],
        record: &csv::ByteRecord,
        columns: &Columns,
    ) {
        let field = |i: Option<usize>| columns.field(record, i).unwrap_or_default();
        let digest = self.digests.entry(transcript.clone()).or_default();
        // Order matters (a row moved is a change), and the digest extends on an append.
        *digest = (digest.rotate_left(23) ^ content_hash(row)).wrapping_mul(FOLD);
        *self
            .themes
            .entry(transcript.clone())
            .or_default()
            .entry(field(columns.theme))
            .or_default() += 1;
        let status = field(columns.status);
        if matches!(status.as_str(), "suggested" | "accepted" | "rejected") {
            return;
        }
        let p = self.progress.entry(transcript).or_default();
        p.codings += 1;
        if let Ok(turn) = field(columns.turn).parse::<usize>() {
            p.turns.insert(turn);
        }
        let created = field(columns.created);
        if created > p.last {
            p.last = created;
        }
    }

    /// Follows rows edited in the file (see [`Splice`]: removed, or replaced in place)
    /// without indexing it again: the spans after them move, and the transcripts whose rows
    /// changed are accounted afresh from their rows. Only when this index is of the file
    /// just before the edit; `false` (nothing changed) otherwise.
    pub(super) fn follow(&mut self, splice: &Splice) -> Result<bool, StudyError> {
        if self.stamp != splice.before || self.indexed != splice.before.0 {
            return Ok(false);
        }
        let edited: HashMap<u64, u64> = splice.rows.iter().map(|r| (r.offset, r.new_len)).collect();
        let mut touched = Vec::new();
        // Each transcript's spans are moved on their own; the order does not matter.
        #[allow(clippy::iter_over_hash_type)]
        for (transcript, spans) in &mut self.rows {
            let mut hit = false;
            spans.retain_mut(|(offset, len)| match edited.get(offset) {
                None => true,
                Some(&new_len) => {
                    hit = true;
                    *len = u32::try_from(new_len).unwrap_or(u32::MAX);
                    new_len > 0
                }
            });
            for span in spans.iter_mut() {
                span.0 = splice.moved(span.0);
            }
            if hit {
                touched.push(transcript.clone());
            }
        }
        self.indexed = splice.moved(self.indexed);
        self.stamp = splice.after;
        self.tail = tail_hash(&self.path, self.indexed)?;
        let columns = Columns::of(&self.header);
        for transcript in touched {
            self.digests.remove(&transcript);
            self.themes.remove(&transcript);
            self.progress.remove(&transcript);
            let bytes = self.rows_bytes(&transcript)?;
            if bytes.is_empty() {
                self.rows.remove(&transcript);
                continue;
            }
            self.each_row(&bytes, |index, _, row, record| {
                index.account(transcript.clone(), row, record, &columns);
            })?;
        }
        Ok(true)
    }
}

/// Where the columns the index reads are, by the header's names.
struct Columns {
    transcript: Option<usize>,
    theme: Option<usize>,
    turn: Option<usize>,
    created: Option<usize>,
    status: Option<usize>,
}

impl Columns {
    /// Field `i` of `record` as text, if there is one and it is not empty.
    fn field(&self, record: &csv::ByteRecord, i: Option<usize>) -> Option<String> {
        i.and_then(|i| record.get(i))
            .filter(|b| !b.is_empty())
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    fn of(header: &[u8]) -> Columns {
        let line = header.strip_suffix(b"\n").unwrap_or(header);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let names: Vec<&[u8]> = line.split(|&b| b == b',').collect();
        let at = |name: &str| names.iter().position(|n| *n == name.as_bytes());
        Columns {
            transcript: at("transcript"),
            theme: at("theme"),
            turn: at("turn"),
            created: at("created"),
            status: at("status"),
        }
    }
}

/// [`content_hash`] of the [`TAIL`] bytes of `path` before `end`.
pub(super) fn tail_hash(path: &Path, end: u64) -> Result<u64, StudyError> {
    let from = end.saturating_sub(TAIL);
    let mut file = std::fs::File::open(path).map_err(|e| StudyError::io(path, e))?;
    let mut buf = vec![0; (end - from) as usize];
    file.seek(SeekFrom::Start(from))
        .and_then(|_| file.read_exact(&mut buf))
        .map_err(|e| StudyError::io(path, e))?;
    Ok(content_hash(&buf))
}
