//! `.thematic/turns.bin`: the turns of every transcript (boundaries, roles, speakers, times),
//! so that commands that need only where turns are — turn- and character-unit agreement,
//! co-occurrence windows — do not parse 2,000 transcripts each time. The search index does not
//! use this cache: it keeps its own manifest (`thematic-index`), sharing only
//! [`content_hash`](crate::content_hash), [`file_stamp`] and [`Study::parse_options_hash`].
//!
//! An entry is reused while its file's size and modification time are unchanged; when they
//! change, the file is hashed and reparsed only if its content changed. The whole cache is
//! dropped when the thematic version, the cache format or the parse options (interviewers,
//! cue merging) differ. It is a cache: a missing, unreadable or foreign file is rebuilt, and
//! a cache that cannot be written is not an error. Its hashes are the stable xxh3 ones
//! ([`content_hash`](crate::content_hash), [`stable_hash`](fn@crate::stable_hash)), so they
//! mean the same to every build.
//!
//! Serialised with `postcard` (compact, serde-driven): 400,000 turns load in a few ms.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use thematic_transcript::{Role, Transcript};

use crate::error::StudyError;
use crate::stable_hash::{content_hash, stable_hash};
use crate::study::Study;
use crate::transcripts::parallel_map;

/// Bump when the stored shape or the parser's output changes meaning. 2: the hashes are
/// xxh3 (`stable_hash`), the options key a hash of the options themselves.
const FORMAT: u32 = 2;
/// The cache file inside `.thematic/`.
const FILE: &str = "turns.bin";

/// Where one turn is, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnSpan {
    /// Start of the utterance, in code points of the normalized text.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// Interviewer, participant or other.
    pub role: Role,
    /// The speaker key, when the turn has a speaker.
    pub speaker: Option<String>,
    /// Start time in milliseconds, when known.
    pub start_ms: Option<i64>,
    /// End time in milliseconds, when known.
    pub end_ms: Option<i64>,
}

impl TurnSpan {
    /// The spans of a parsed transcript's turns.
    pub fn of(t: &Transcript) -> Vec<TurnSpan> {
        t.turns
            .iter()
            .map(|x| TurnSpan {
                start: x.start,
                end: x.end,
                role: x.role,
                speaker: x.key.clone(),
                start_ms: x.start_ms,
                end_ms: x.end_ms,
            })
            .collect()
    }
}

/// The turn that holds code point `pos`, found by binary search: `Ok(i)` when turn `i`
/// contains it, `Err(i)` when it falls before turn `i` (in a header, between turns, or after
/// the last turn when `i == turns.len()`). `span` gives a turn's start and end; turns are
/// in text order and do not overlap.
pub fn turn_holding<T>(
    turns: &[T],
    pos: usize,
    span: impl Fn(&T) -> (usize, usize),
) -> Result<usize, usize> {
    let i = turns.partition_point(|t| span(t).1 <= pos);
    match turns.get(i) {
        Some(t) if span(t).0 <= pos => Ok(i),
        _ => Err(i),
    }
}

/// One transcript as the cache knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTranscript {
    /// The transcript id.
    pub id: String,
    /// The stored file.
    pub path: PathBuf,
    /// The [`content_hash`](crate::content_hash) of the file's bytes.
    pub hash: u64,
    /// Its turns, in order; empty when it does not parse.
    pub turns: Vec<TurnSpan>,
    /// Why it does not parse, when it does not.
    pub error: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    version: String,
    options: u64,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    file_name: String,
    len: u64,
    mtime: (u64, u32),
    hash: u64,
    turns: Vec<TurnSpan>,
    error: Option<String>,
}

/// A file's size and modification time (seconds and nanoseconds since the epoch; zero
/// when the system does not say): the first, cheap test of whether a file changed.
pub fn file_stamp(path: &Path) -> Result<(u64, (u64, u32)), StudyError> {
    let meta = std::fs::metadata(path).map_err(|e| StudyError::io(path, e))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
    Ok((meta.len(), mtime))
}

impl Study {
    /// The [`stable_hash`] of [`Study::parse_options`]: what the turn cache and the search
    /// index's manifest record, to drop what they hold when the options change.
    pub fn parse_options_hash(&self) -> u64 {
        stable_hash(&self.parse_options())
    }

    /// The turns of every transcript, sorted by id, from the cache where it is fresh and by
    /// parsing (on all cores) where it is not. Updates the cache when anything changed.
    pub fn turn_spans(&self) -> Result<Vec<CachedTranscript>, StudyError> {
        let files = self.transcript_files()?;
        let cache_path = self.cache_dir().join(FILE);
        let options = self.parse_options_hash();
        let version = env!("CARGO_PKG_VERSION");
        let mut old: HashMap<String, Entry> = std::fs::read(&cache_path)
            .ok()
            .and_then(|b| postcard::from_bytes::<CacheFile>(&b).ok())
            .filter(|c| c.format == FORMAT && c.version == version && c.options == options)
            .map(|c| {
                c.entries
                    .into_iter()
                    .map(|e| (e.file_name.clone(), e))
                    .collect()
            })
            .unwrap_or_default();
        let mut entries: Vec<Option<Entry>> = Vec::with_capacity(files.len());
        let mut todo = Vec::new();
        for (i, (_, path)) in files.iter().enumerate() {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let (len, mtime) = file_stamp(path)?;
            match old.remove(&name) {
                Some(e) if e.len == len && e.mtime == mtime => entries.push(Some(e)),
                prior => {
                    entries.push(None);
                    todo.push((i, name, len, mtime, prior));
                }
            }
        }
        let parse_options = self.parse_options();
        let removed = !old.is_empty();
        let fresh = parallel_map(&todo, |(i, name, len, mtime, prior)| {
            let path = &files[*i].1;
            let bytes = std::fs::read(path).map_err(|e| StudyError::io(path, e))?;
            let hash = content_hash(&bytes);
            if let Some(e) = prior.as_ref().filter(|e| e.hash == hash && e.len == *len) {
                return Ok::<_, StudyError>(Entry {
                    mtime: *mtime,
                    ..e.clone()
                });
            }
            let (turns, error) = match crate::transcripts::parse_bytes(path, &bytes, &parse_options)
            {
                Ok(t) => (TurnSpan::of(&t), None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
            Ok(Entry {
                file_name: name.clone(),
                len: *len,
                mtime: *mtime,
                hash,
                turns,
                error,
            })
        });
        let changed = !todo.is_empty() || removed;
        for ((i, ..), entry) in todo.iter().zip(fresh) {
            entries[*i] = Some(entry?);
        }
        let entries: Vec<Entry> = entries.into_iter().flatten().collect();
        if changed {
            let file = CacheFile {
                format: FORMAT,
                version: version.to_string(),
                options,
                entries,
            };
            // A cache that cannot be written (a read-only study) only costs time next run.
            if let Ok(bytes) = postcard::to_stdvec(&file) {
                let _ = std::fs::create_dir_all(self.cache_dir());
                let _ = crate::fsutil::atomic_write(&cache_path, &bytes);
            }
            return Ok(to_cached(&files, file.entries));
        }
        Ok(to_cached(&files, entries))
    }
}

fn to_cached(files: &[(String, PathBuf)], entries: Vec<Entry>) -> Vec<CachedTranscript> {
    files
        .iter()
        .zip(entries)
        .map(|((id, path), e)| CachedTranscript {
            id: id.clone(),
            path: path.clone(),
            hash: e.hash,
            turns: e.turns,
            error: e.error,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::InitOptions;

    fn study() -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &InitOptions::new("t")).unwrap();
        (dir, study)
    }

    #[test]
    fn the_cache_follows_edits_and_matches_a_fresh_parse() {
        let (_dir, study) = study();
        let path = study.transcripts_dir().join("P1.txt");
        std::fs::write(&path, "Interviewer: Hello?\nP1: Hi there.\n").unwrap();
        std::fs::write(study.transcripts_dir().join("P2.txt"), "P2: One.\n").unwrap();
        let first = study.turn_spans().unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].turns.len(), 2);
        assert!(study.cache_dir().join(FILE).is_file());
        // Served from the cache: the same answer.
        assert_eq!(study.turn_spans().unwrap(), first);
        // An edit (a different size) is seen.
        std::fs::write(&path, "Interviewer: Hello?\nP1: Hi there.\nP1: And more.\n").unwrap();
        let second = study.turn_spans().unwrap();
        assert_eq!(second[0].turns.len(), 3);
        let parsed = study.transcripts().unwrap();
        assert_eq!(second[0].turns, TurnSpan::of(&parsed[0].transcript));
        // A removed file leaves the list.
        std::fs::remove_file(study.transcripts_dir().join("P2.txt")).unwrap();
        assert_eq!(study.turn_spans().unwrap().len(), 1);
    }

    #[test]
    fn the_turn_holding_an_offset() {
        let turns = [(0, 5), (5, 5), (7, 10)];
        let at = |pos| turn_holding(&turns, pos, |&x| x);
        assert_eq!(at(0), Ok(0));
        assert_eq!(at(4), Ok(0));
        assert_eq!(at(5), Err(2));
        assert_eq!(at(6), Err(2));
        assert_eq!(at(7), Ok(2));
        assert_eq!(at(10), Err(3));
    }

    #[test]
    fn a_corrupt_cache_is_rebuilt_not_trusted() {
        let (_dir, study) = study();
        std::fs::write(study.transcripts_dir().join("P1.txt"), "P1: Hi.\n").unwrap();
        std::fs::create_dir_all(study.cache_dir()).unwrap();
        std::fs::write(study.cache_dir().join(FILE), b"\x01\x02garbage").unwrap();
        let got = study.turn_spans().unwrap();
        assert_eq!(got[0].turns.len(), 1);
        assert_eq!(got[0].error, None);
    }

    #[test]
    fn a_cache_of_an_older_format_is_dropped_and_rebuilt() {
        let (_dir, study) = study();
        let path = study.transcripts_dir().join("P1.txt");
        std::fs::write(&path, "P1: Hi.\nP2: Hello.\n").unwrap();
        let (len, mtime) = file_stamp(&path).unwrap();
        // Written by an older thematic: the file's stamp matches, so a reader that trusted
        // it would answer from its (wrong) entry.
        let old = CacheFile {
            format: 1,
            version: env!("CARGO_PKG_VERSION").to_string(),
            options: study.parse_options_hash(),
            entries: vec![Entry {
                file_name: "P1.txt".into(),
                len,
                mtime,
                hash: 0,
                turns: Vec::new(),
                error: Some("stale".into()),
            }],
        };
        std::fs::create_dir_all(study.cache_dir()).unwrap();
        let cache = study.cache_dir().join(FILE);
        std::fs::write(&cache, postcard::to_stdvec(&old).unwrap()).unwrap();
        let got = study.turn_spans().unwrap();
        assert_eq!((got[0].turns.len(), got[0].error.as_deref()), (2, None));
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(got[0].hash, content_hash(&bytes));
        let rewritten: CacheFile = postcard::from_bytes(&std::fs::read(&cache).unwrap()).unwrap();
        assert_eq!(rewritten.format, FORMAT);
    }

    #[test]
    fn the_options_key_follows_the_options() {
        let (dir, study) = study();
        let key = study.parse_options_hash();
        assert_eq!(key, study.parse_options_hash());
        let config = dir.path().join(crate::CONFIG_FILE);
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(text.contains("merge_cues = true"));
        std::fs::write(
            &config,
            text.replace("merge_cues = true", "merge_cues = false"),
        )
        .unwrap();
        let changed = Study::open(dir.path()).unwrap();
        assert_ne!(changed.parse_options_hash(), key);
    }

    #[test]
    fn a_same_size_edit_with_a_new_mtime_is_reparsed() {
        let (_dir, study) = study();
        let path = study.transcripts_dir().join("P1.txt");
        std::fs::write(&path, "P1: aaaa.\n").unwrap();
        study.turn_spans().unwrap();
        std::fs::write(&path, "P1: a\nP2: b\n").unwrap(); // same length, two turns
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
        assert_eq!(study.turn_spans().unwrap()[0].turns.len(), 2);
    }
}
