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

mod by_participant;
mod coder_index;
mod parts;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use thematic_study::{Study, StudyError, file_stamp};
use thematic_transcript::Transcript;

pub(crate) use by_participant::tallies as participant_tallies;
pub(crate) use coder_index::CoderIndex;
pub(crate) use parts::fingerprint;

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
    /// Per slot, results kept per transcript (see [`parts`]).
    parts: Mutex<HashMap<&'static str, Box<dyn std::any::Any + Send>>>,
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
        // Taken out of the map while it is brought up to date, so that when no request
        // holds it an append extends it in place rather than copying every transcript's
        // spans (a copy took most of a posted coding's time on 2,000 interviews).
        let kept = lock(&self.coders).remove(coder);
        let index = match kept {
            Some(k) if k.stamp == stamp && k.path == path => k,
            Some(mut k) if k.path == path && stamp.0 > k.indexed && k.still_prefix()? => {
                Arc::make_mut(&mut k).extend(stamp)?;
                k
            }
            // The file is again exactly what was indexed: a row appended since was cut off
            // (undo of a coding just made) before this index saw it.
            Some(mut k) if k.path == path && stamp.0 == k.indexed && k.still_prefix()? => {
                Arc::make_mut(&mut k).stamp = stamp;
                k
            }
            _ => Arc::new(CoderIndex::build(coder, path, stamp)?),
        };
        lock(&self.coders).insert(coder.to_string(), index.clone());
        Ok(index)
    }

    /// Follows rows this server edited in `coder`'s file (see [`thematic_study::Splice`]),
    /// so the next request need not index the whole file again. When the kept index is not
    /// of the file just before the edit (another writer came between), nothing is done and
    /// the next request indexes as usual.
    pub fn follow(&self, coder: &str, splice: &thematic_study::Splice) -> Result<(), StudyError> {
        let gate = self.gate(&format!("coder\u{0}{coder}"));
        let _one = lock(&gate);
        let Some(mut index) = lock(&self.coders).remove(coder) else {
            return Ok(());
        };
        if index.stamp == splice.before {
            Arc::make_mut(&mut index).follow(splice)?;
        }
        lock(&self.coders).insert(coder.to_string(), index);
        Ok(())
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

/// What the transcripts list shows of one transcript.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    /// The first participant's speaker key.
    pub participant: Option<String>,
    pub turns: usize,
    pub words: usize,
    pub duration_ms: Option<i64>,
    /// Each turn's start time, when the transcript has times (the quote view shows them).
    pub turn_starts: Vec<Option<i64>>,
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
            turn_starts: t.turns.iter().map(|turn| turn.start_ms).collect(),
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
    use std::path::Path;
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
    fn a_followed_edit_gives_the_index_a_fresh_build_gives() {
        let dir = tempfile::tempdir().unwrap();
        let s = study(dir.path());
        let model = Model::default();
        let mut all = Vec::new();
        for (k, t) in ["P1", "P2", "P1", "P3", "P2", "P1"].iter().enumerate() {
            let mut c = coding(20 + k, 30 + k, "what-matters");
            c.transcript = t.to_string();
            s.add_coding(&c).unwrap();
            all.push(c);
        }
        model.coder(&s, "KW").unwrap();
        // The P3 row removed (its transcript's only one), a P2 row removed, a P1 row's
        // theme changed to a longer one (the rows after it move on), one after the other.
        for (step, edited) in [&all[3], &all[1], &all[2]].into_iter().enumerate() {
            let splice = if step < 2 {
                s.uncode_with("KW", &edited.id).unwrap().unwrap().splice
            } else {
                let theme = "solution-focused-strengths-based-longer-theme";
                let book = s.codebook_path();
                let text = std::fs::read_to_string(&book).unwrap();
                std::fs::write(
                    &book,
                    format!("{text}\n[[theme]]\nid = \"{theme}\"\nlabel = \"Longer\"\n"),
                )
                .unwrap();
                s.recode("KW", &edited.id, theme).unwrap().unwrap().splice
            };
            model.follow("KW", &splice.unwrap()).unwrap();
            let followed = model.coder(&s, "KW").unwrap();
            let path = s.codings_path("KW").unwrap();
            let fresh = CoderIndex::build("KW", path.clone(), file_stamp(&path).unwrap()).unwrap();
            assert_eq!(
                followed.stamp(),
                fresh.stamp(),
                "followed, not indexed again"
            );
            let mut ids: Vec<&String> = fresh.transcripts().collect();
            ids.sort();
            let mut followed_ids: Vec<&String> = followed.transcripts().collect();
            followed_ids.sort();
            assert_eq!(followed_ids, ids);
            for t in ids {
                assert_eq!(
                    followed.codings_in(t).unwrap(),
                    fresh.codings_in(t).unwrap()
                );
                assert_eq!(followed.digest(t), fresh.digest(t), "{t}");
                let p = (&followed.progress[t], &fresh.progress[t]);
                assert_eq!(
                    (p.0.codings, &p.0.turns, &p.0.last),
                    (p.1.codings, &p.1.turns, &p.1.last)
                );
            }
            let mut a: Vec<_> = followed.tallies().collect();
            let mut b: Vec<_> = fresh.tallies().collect();
            a.sort();
            b.sort();
            assert_eq!(a, b);
        }
        // A cut the index did not see the file before (another writer came between) is
        // not followed: the next request indexes the file as usual.
        let other = Model::default();
        other.coder(&s, "KW").unwrap();
        let mut late = coding(90, 95, "goal-orientation");
        late.transcript = "P1".into();
        s.add_coding(&late).unwrap();
        let removed = s.uncode_with("KW", &all[0].id).unwrap().unwrap();
        other.follow("KW", &removed.splice.unwrap()).unwrap();
        let seen = other.coder(&s, "KW").unwrap().codings_in("P1").unwrap();
        let mut recoded = all[2].clone();
        recoded.theme = "solution-focused-strengths-based-longer-theme".into();
        assert_eq!(seen, vec![recoded, all[5].clone(), late]);
    }

    #[test]
    fn a_row_cut_off_before_the_index_saw_it_leaves_the_index_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let s = study(dir.path());
        let model = Model::default();
        let a = coding(22, 32, "what-matters");
        s.code(&a).unwrap();
        let seen = model.coder(&s, "KW").unwrap();
        let old_len = seen.indexed;
        // A coding appended and taken back (undo) while the index looked elsewhere.
        let b = coding(50, 60, "goal-orientation");
        s.code(&b).unwrap();
        s.undo("KW").unwrap();
        let path = s.codings_path("KW").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), old_len);
        let now = model.coder(&s, "KW").unwrap();
        assert_eq!(now.stamp(), file_stamp(&path).unwrap());
        assert_eq!(now.codings_in("P1").unwrap(), vec![a]);
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
