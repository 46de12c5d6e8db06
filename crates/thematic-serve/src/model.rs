//! The study model the server keeps in memory, so a request does not read every coding or
//! parse every transcript of a large study again.
//!
//! What is kept, each checked against its file's stamp (size and modification time) on
//! every request, so a change made on the command line or by another coder appears on the
//! next request:
//!
//! - per coder, an index of the codings file: where each transcript's rows are (byte
//!   offsets, so a transcript's codings are read without parsing the rest) and each
//!   transcript's progress (codings, turns coded, last touched). A file that only grew (an
//!   append by `thematic code` or this server) is indexed from its old end; any other change
//!   (a rewrite by uncode, a merge, an import) indexes it again;
//! - per transcript, what the list shows (turns, words, duration, participant);
//! - the last agreement data and the last quote table asked for, keyed by everything they
//!   were computed from.
//!
//! Writes still go through the study's locked, atomic store; this model only reads.

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use thematic_study::{Coding, CodingsFile, Study, StudyError, content_hash, file_stamp};
use thematic_transcript::Transcript;

/// A file's size and modification time, as [`file_stamp`] gives them.
pub(crate) type Stamp = (u64, (u64, u32));

/// The gate shared by the costly computations (kept answers, the search index).
const HEAVY: &str = "heavy";

/// How many bytes before a file's indexed end are hashed to tell an append from a rewrite.
const TAIL: u64 = 4096;

/// What the server keeps between requests. One per server; cheap to share.
#[derive(Debug, Default)]
pub(crate) struct Model {
    coders: Mutex<HashMap<String, Arc<CoderIndex>>>,
    summaries: Mutex<HashMap<String, (Stamp, Arc<Summary>)>>,
    /// Per slot, the last result of a costly computation and the key it was computed for.
    memo: Mutex<HashMap<&'static str, Memo>>,
    /// One gate per costly computation (a slot, a coder's index, the summaries): a request
    /// that needs what another request, or the warming thread, is computing waits for it
    /// instead of computing it a second time (which would also double the memory used).
    gates: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

/// A kept result and the key it was computed for.
type Memo = (String, Arc<dyn std::any::Any + Send + Sync>);

/// Locks a mutex, taking over a lock poisoned by a panicking request (the data behind it is
/// a cache: at worst it is rebuilt).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

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
    path: PathBuf,
    stamp: Stamp,
    /// The file's first line, with its line break: the header that row spans are parsed
    /// under.
    header: Vec<u8>,
    /// Bytes indexed: the file up to its last complete line.
    indexed: u64,
    /// [`content_hash`] of the [`TAIL`] bytes before `indexed`.
    tail: u64,
    /// Transcript → the byte spans (offset, length) of its rows, in file order.
    rows: HashMap<String, Vec<(u64, u32)>>,
    /// Transcript → progress.
    pub progress: HashMap<String, Progress>,
}

impl CoderIndex {
    /// Every row of this coder's codings of `transcript`, parsed, in file order.
    pub fn codings_in(&self, transcript: &str) -> Result<Vec<Coding>, StudyError> {
        let Some(spans) = self.rows.get(transcript) else {
            return Ok(Vec::new());
        };
        let mut file =
            std::fs::File::open(&self.path).map_err(|e| StudyError::io(&self.path, e))?;
        let mut bytes = self.header.clone();
        for &(offset, len) in spans {
            let start = bytes.len();
            bytes.resize(start + len as usize, 0);
            file.seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut bytes[start..]))
                .map_err(|e| StudyError::io(&self.path, e))?;
        }
        Ok(CodingsFile::parse(&self.path, &bytes)?.codings)
    }

    /// The file's stamp when it was indexed.
    pub fn stamp(&self) -> Stamp {
        self.stamp
    }
}

impl Model {
    /// The index of `coder`'s codings file as it is now: the kept one when the file's
    /// stamp has not changed, extended when the file only grew, else built afresh. A
    /// coder without a file has an empty index.
    pub fn coder(&self, study: &Study, coder: &str) -> Result<Arc<CoderIndex>, StudyError> {
        let path = study.codings_path(coder)?;
        let stamp = match file_stamp(&path) {
            Ok(s) => s,
            Err(StudyError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Arc::new(CoderIndex::empty(coder, path)));
            }
            Err(e) => return Err(e),
        };
        if let Some(k) = lock(&self.coders).get(coder)
            && k.stamp == stamp
            && k.path == path
        {
            return Ok(k.clone());
        }
        let gate = self.gate(&format!("coder\u{0}{coder}"));
        let _one = lock(&gate);
        let kept = lock(&self.coders).get(coder).cloned();
        let index = match kept {
            Some(k) if k.stamp == stamp && k.path == path => return Ok(k),
            Some(k) if k.path == path && stamp.0 > k.indexed && k.still_prefix()? => {
                let mut grown = (*k).clone();
                grown.extend(stamp)?;
                grown
            }
            _ => CoderIndex::build(coder, path, stamp)?,
        };
        let index = Arc::new(index);
        lock(&self.coders).insert(coder.to_string(), index.clone());
        Ok(index)
    }

    /// Reads what the transcripts list shows, indexes every coder's codings, and brings
    /// the study's turn cache up to date (Compare at turn and char units reads it).
    pub fn warm(&self, study: &Study) {
        if let Ok(files) = study.transcript_files() {
            let _ = self.summaries(study, &files);
        }
        for coder in study.coders().unwrap_or_default() {
            let _ = self.coder(study, &coder);
        }
        let _ = study.turn_spans();
    }

    /// What the transcripts list shows of each of `files` (id, path), parsed only when the
    /// file changed since it was last summarised; unreadable files give an error summary.
    pub fn summaries(
        &self,
        study: &Study,
        files: &[(String, PathBuf)],
    ) -> Result<Vec<Arc<Summary>>, StudyError> {
        let gate = self.gate("summaries");
        let _one = lock(&gate);
        let stamps: Vec<Stamp> = files
            .iter()
            .map(|(_, p)| file_stamp(p))
            .collect::<Result<_, _>>()?;
        let missing: Vec<(usize, &(String, PathBuf))> = {
            let kept = lock(&self.summaries);
            files
                .iter()
                .enumerate()
                .filter(|(i, (id, _))| kept.get(id).is_none_or(|(s, _)| *s != stamps[*i]))
                .collect()
        };
        let options = study.parse_options();
        let parsed = thematic_study::parallel_map(&missing, |(_, (_, path))| {
            thematic_study::read_transcript(path, &options).map(|r| match r {
                Ok(t) => Summary::of(&t),
                Err(e) => Summary::error(e.to_string()),
            })
        });
        let mut kept = lock(&self.summaries);
        for ((i, (id, _)), summary) in missing.into_iter().zip(parsed) {
            kept.insert(id.clone(), (stamps[i], Arc::new(summary?)));
        }
        let present: BTreeSet<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
        kept.retain(|id, _| present.contains(id.as_str()));
        Ok(files
            .iter()
            .filter_map(|(id, _)| kept.get(id).map(|(_, s)| s.clone()))
            .collect())
    }

    /// The value kept under `slot` when it was computed for `key`; else `compute`'s, kept
    /// in its place (one value per slot: the last one asked for).
    pub fn memoized<T: Send + Sync + 'static>(
        &self,
        slot: &'static str,
        key: &str,
        compute: impl FnOnce() -> Result<T, crate::error::ApiError>,
    ) -> Result<Arc<T>, crate::error::ApiError> {
        if let Some((k, v)) = lock(&self.memo).get(slot)
            && k == key
            && let Ok(v) = v.clone().downcast::<T>()
        {
            return Ok(v);
        }
        // One costly computation at a time, whichever slot: each can take hundreds of
        // megabytes while it runs, and the server's peak memory is their sum.
        let gate = self.gate(HEAVY);
        let _one = lock(&gate);
        if let Some((k, v)) = lock(&self.memo).get(slot)
            && k == key
            && let Ok(v) = v.clone().downcast::<T>()
        {
            return Ok(v);
        }
        let value = Arc::new(compute()?);
        lock(&self.memo).insert(slot, (key.to_string(), value.clone()));
        Ok(value)
    }

    /// Runs `f` as one of the costly computations that run one at a time (building the
    /// search index, say).
    pub fn one_heavy<T>(&self, f: impl FnOnce() -> T) -> T {
        let gate = self.gate(HEAVY);
        let _one = lock(&gate);
        f()
    }

    /// The gate of the computation named `name`.
    fn gate(&self, name: &str) -> Arc<Mutex<()>> {
        lock(&self.gates)
            .entry(name.to_string())
            .or_default()
            .clone()
    }
}

impl Model {
    /// A key naming the state of everything a study-wide answer about `coders` is computed
    /// from: `thematic.toml`, the codebook, `participants.csv`, every transcript file and
    /// the coders' codings files (by their stamps), for [`Model::memoized`].
    pub fn study_key(&self, study: &Study, coders: &[String]) -> Result<String, StudyError> {
        let mut key = String::new();
        let root = study.root().join(thematic_study::CONFIG_FILE);
        for p in [root, study.codebook_path(), study.participants_path()] {
            key.push_str(&format!("{}={:?};", p.display(), file_stamp(&p).ok()));
        }
        let mut transcripts = thematic_study::StableHasher::default();
        for (id, path) in study.transcript_files()? {
            std::hash::Hash::hash(&(id, file_stamp(&path)?), &mut transcripts);
        }
        key.push_str(&format!(
            "transcripts={:x};",
            std::hash::Hasher::finish(&transcripts)
        ));
        for c in coders {
            key.push_str(&format!("{c}={:?};", self.coder(study, c)?.stamp()));
        }
        Ok(key)
    }
}

impl CoderIndex {
    fn empty(coder: &str, path: PathBuf) -> CoderIndex {
        CoderIndex {
            coder: coder.to_string(),
            path,
            stamp: (0, (0, 0)),
            header: Vec::new(),
            indexed: 0,
            tail: 0,
            rows: HashMap::new(),
            progress: HashMap::new(),
        }
    }

    /// Indexes the whole file.
    fn build(coder: &str, path: PathBuf, stamp: Stamp) -> Result<CoderIndex, StudyError> {
        let mut index = CoderIndex::empty(coder, path);
        index.extend(stamp)?;
        Ok(index)
    }

    /// Whether the bytes indexed so far are still at the start of the file (the file only
    /// grew), judged by the hash of the last [`TAIL`] of them.
    fn still_prefix(&self) -> Result<bool, StudyError> {
        Ok(tail_hash(&self.path, self.indexed)? == self.tail)
    }

    /// Indexes the file from `indexed` to its last complete line, now at `stamp`.
    fn extend(&mut self, stamp: Stamp) -> Result<(), StudyError> {
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
            let field = |i: Option<usize>| {
                i.and_then(|i| record.get(i))
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default()
            };
            let transcript = field(columns.transcript);
            if transcript.is_empty() {
                continue;
            }
            self.rows
                .entry(transcript.clone())
                .or_default()
                .push((base + at, u32::try_from(end - at).unwrap_or(u32::MAX)));
            let status = field(columns.status);
            if matches!(status.as_str(), "suggested" | "accepted" | "rejected") {
                continue;
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
        Ok(())
    }
}

/// Where the columns the index reads are, by the header's names.
struct Columns {
    transcript: Option<usize>,
    turn: Option<usize>,
    created: Option<usize>,
    status: Option<usize>,
}

impl Columns {
    fn of(header: &[u8]) -> Columns {
        let line = header.strip_suffix(b"\n").unwrap_or(header);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let names: Vec<&[u8]> = line.split(|&b| b == b',').collect();
        let at = |name: &str| names.iter().position(|n| *n == name.as_bytes());
        Columns {
            transcript: at("transcript"),
            turn: at("turn"),
            created: at("created"),
            status: at("status"),
        }
    }
}

/// [`content_hash`] of the [`TAIL`] bytes of `path` before `end`.
fn tail_hash(path: &Path, end: u64) -> Result<u64, StudyError> {
    let from = end.saturating_sub(TAIL);
    let mut file = std::fs::File::open(path).map_err(|e| StudyError::io(path, e))?;
    let mut buf = vec![0; (end - from) as usize];
    file.seek(SeekFrom::Start(from))
        .and_then(|_| file.read_exact(&mut buf))
        .map_err(|e| StudyError::io(path, e))?;
    Ok(content_hash(&buf))
}

/// What the transcripts list shows of one transcript.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    /// The first participant's speaker key.
    pub participant: Option<String>,
    pub turns: usize,
    pub words: usize,
    pub duration_ms: Option<i64>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
}

impl Summary {
    fn of(t: &Transcript) -> Summary {
        Summary {
            participant: t.participant_key().map(str::to_string),
            turns: t.turns.len(),
            words: t.word_count(),
            duration_ms: t.duration_ms(),
            error: None,
        }
    }

    fn error(message: String) -> Summary {
        Summary {
            error: Some(message),
            ..Summary::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use thematic_study::{Added, Coding, Status, new_coding_id};

    const P1: &str = "Interviewer: Why?\nP1: Because it matters to me, and goals help.\n";

    fn coding(start: usize, end: usize, theme: &str) -> Coding {
        Coding {
            id: new_coding_id(),
            coder: "KW".into(),
            transcript: "P1".into(),
            turn: 2,
            start,
            end,
            theme: theme.into(),
            text: P1.chars().skip(start).take(end - start).collect(),
            memo: "a memo, with \"quotes\"\nand a line break".into(),
            created: "2026-12-07T10:00:00Z".into(),
            status: Status::Ok,
        }
    }

    fn study(dir: &Path) -> Study {
        let s = thematic_study::testing::study(dir, "c.toml");
        std::fs::write(s.transcripts_dir().join("P1.txt"), P1).unwrap();
        s
    }

    #[test]
    fn the_index_follows_appends_and_rewrites() {
        let dir = tempfile::tempdir().unwrap();
        let s = study(dir.path());
        let model = Model::default();
        assert!(
            model.coder(&s, "KW").unwrap().progress.is_empty(),
            "no file yet"
        );
        let a = coding(22, 32, "what-matters");
        assert_eq!(s.code(&a).unwrap(), Added::New);
        let first = model.coder(&s, "KW").unwrap();
        assert_eq!(first.progress["P1"].codings, 1);
        assert_eq!(first.codings_in("P1").unwrap(), vec![a.clone()]);
        // An append is indexed from the old end, and both rows come back, memo and all.
        let b = coding(50, 60, "goal-orientation");
        s.code(&b).unwrap();
        let grown = model.coder(&s, "KW").unwrap();
        assert_eq!(grown.progress["P1"].codings, 2);
        assert_eq!(grown.progress["P1"].turns.len(), 1);
        assert_eq!(grown.codings_in("P1").unwrap(), vec![a.clone(), b.clone()]);
        // A rewrite (uncode) is indexed afresh.
        s.uncode("KW", &a.id).unwrap();
        let rewritten = model.coder(&s, "KW").unwrap();
        assert_eq!(rewritten.codings_in("P1").unwrap(), vec![b]);
        assert_eq!(rewritten.progress["P1"].codings, 1);
        // Unchanged: the same index, not a new one.
        assert!(Arc::ptr_eq(&rewritten, &model.coder(&s, "KW").unwrap()));
    }

    #[test]
    fn a_torn_last_row_waits_until_it_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let s = study(dir.path());
        let a = coding(22, 32, "what-matters");
        s.code(&a).unwrap();
        let path = s.codings_path("KW").unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"c-0000000000ff,P1,2,50,5");
        std::fs::write(&path, &bytes).unwrap();
        let model = Model::default();
        assert_eq!(
            model.coder(&s, "KW").unwrap().codings_in("P1").unwrap(),
            vec![a]
        );
    }

    #[test]
    fn summaries_are_parsed_once_per_file_state() {
        let dir = tempfile::tempdir().unwrap();
        let s = study(dir.path());
        let model = Model::default();
        let files = s.transcript_files().unwrap();
        let one = model.summaries(&s, &files).unwrap();
        assert_eq!((one[0].turns, one[0].error.is_none()), (2, true));
        let again = model.summaries(&s, &files).unwrap();
        assert!(Arc::ptr_eq(&one[0], &again[0]));
        std::fs::write(
            s.transcripts_dir().join("P1.txt"),
            "P1: Only one turn now, longer.\n",
        )
        .unwrap();
        let changed = model.summaries(&s, &files).unwrap();
        assert_eq!(changed[0].turns, 1);
    }
}
