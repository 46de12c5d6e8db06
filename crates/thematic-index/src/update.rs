//! Building the index, and bringing it up to date incrementally.
//!
//! A full build parses every transcript and reads every codings file. A refresh compares
//! the study with the manifest and re-indexes only the transcripts whose file changed or
//! whose codings changed; for a coder whose file only grew (the way `thematic code` writes)
//! it reads just the new rows. The codings of the other coders on a re-indexed transcript
//! come from the index itself (each turn stores the codings that overlap it).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};
use thematic_study::{Coding, CodingsFile, Participants, Status, Study, parallel_map};

use crate::error::IndexError;
use crate::manifest::{self, CoderState, Manifest, Stat, TranscriptState};
use crate::schema::{self, Fields};

/// How far an index update has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Transcripts indexed so far.
    pub done: usize,
    /// Transcripts to index in all.
    pub total: usize,
}

/// What bringing the index up to date did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Freshness {
    /// Why the index was built from scratch, when it was.
    pub rebuilt: Option<String>,
    /// Transcripts (re-)indexed.
    pub indexed: usize,
    /// Transcripts removed from the index.
    pub removed: usize,
    /// Transcripts that do not parse, with why: they are not searched.
    pub unreadable: Vec<(String, String)>,
}

/// A coding as stored on each turn it overlaps.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Span {
    /// Coder.
    pub c: String,
    /// Coding id.
    pub i: String,
    /// Theme id.
    pub t: String,
    /// Start, in code points.
    pub s: usize,
    /// End (exclusive).
    pub e: usize,
}

impl Span {
    fn of(c: &Coding) -> Span {
        Span {
            c: c.coder.clone(),
            i: c.id.clone(),
            t: c.theme.clone(),
            s: c.start,
            e: c.end.max(c.start),
        }
    }

    /// The coding's stable hash; a coder's digests are summed per transcript in the
    /// manifest.
    fn digest(&self) -> u64 {
        thematic_study::stable_hash(self)
    }

    /// Whether the coding touches `start..end` (an empty coding: when it lies inside).
    pub(crate) fn overlaps(&self, start: usize, end: usize) -> bool {
        if self.s == self.e {
            start <= self.s && self.s < end
        } else {
            self.s < end && self.e > start
        }
    }
}

/// Whether a coding is indexed: anchored codings only (not orphans).
fn indexed(c: &Coding) -> bool {
    c.status == Status::Ok
}

pub(crate) struct Builder<'a> {
    pub study: &'a Study,
    pub dir: PathBuf,
    pub progress: &'a mut dyn FnMut(Progress),
}

/// The current state of the study's files.
struct Current {
    files: Vec<(String, PathBuf, Stat)>,
    participants_hash: u64,
    options: u64,
}

fn current(study: &Study) -> Result<Current, IndexError> {
    let mut files = Vec::new();
    for (id, path) in study.transcript_files()? {
        let stat = manifest::stat(&path)?;
        files.push((id, path, stat));
    }
    let participants_hash = match std::fs::read(study.participants_path()) {
        Ok(b) => thematic_study::content_hash(&b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(IndexError::io(&study.participants_path(), e)),
    };
    Ok(Current {
        files,
        participants_hash,
        options: study.parse_options_hash(),
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// An index that can be brought up to date, with what it was built from and the study now.
struct Existing {
    m: Manifest,
    index: Index,
    now: Current,
    participants: Participants,
    fields: Fields,
}

/// Transcript files that changed since the manifest.
struct FileChanges {
    /// Transcripts whose file is new or whose content changed.
    changed: BTreeSet<String>,
    /// Transcripts with a new modification time but the same content: only their stat moves.
    retouched: Vec<(String, Stat)>,
    /// Transcripts in the index whose file went.
    gone: Vec<String>,
}

/// What changed in the coders' codings since the manifest.
#[derive(Default)]
struct CodingChanges {
    /// Coders whose file was read whole (or went): their indexed codings by transcript,
    /// which replace everything the index holds of theirs.
    replaced: BTreeMap<String, HashMap<String, Vec<Span>>>,
    /// Codings appended to a file that only grew, by transcript.
    added: HashMap<String, Vec<Span>>,
    /// Transcripts whose codings changed.
    touched: BTreeSet<String>,
}

/// Compares the transcript files (`present`: their ids) with the manifest: by name, size
/// and modification time, and by content when only the time moved.
fn file_changes(
    now: &Current,
    m: &Manifest,
    present: &BTreeSet<&str>,
) -> Result<FileChanges, IndexError> {
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut retouched: Vec<(String, Stat)> = Vec::new();
    for (id, path, stat) in &now.files {
        match m.transcripts.get(id) {
            Some(s) if s.stat == *stat && s.file_name == file_name(path) => {}
            Some(s) if s.file_name == file_name(path) && s.stat.len == stat.len => {
                // Same size, new time (a checkout, a touch): compare the content.
                let bytes = std::fs::read(path).map_err(|e| IndexError::io(path, e))?;
                if thematic_study::content_hash(&bytes) == s.hash {
                    retouched.push((id.clone(), *stat));
                } else {
                    changed.insert(id.clone());
                }
            }
            _ => {
                changed.insert(id.clone());
            }
        }
    }
    let gone: Vec<String> = m
        .transcripts
        .keys()
        .filter(|id| !present.contains(&id[..]))
        .cloned()
        .collect();
    Ok(FileChanges {
        changed,
        retouched,
        gone,
    })
}

impl Builder<'_> {
    /// Builds the index from scratch.
    pub(crate) fn build(
        &mut self,
        reason: String,
    ) -> Result<(Index, Fields, Freshness), IndexError> {
        let study = self.study;
        let now = current(study)?;
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir).map_err(|e| IndexError::io(&self.dir, e))?;
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| IndexError::io(&self.dir, e))?;
        let participants = study.participants()?;
        let (schema, fields) = schema::build(&schema::attributes(&participants));
        let index = Index::create_in_dir(&self.dir, schema)?;
        schema::register_tokenizers(&index);

        let mut m = Manifest {
            format: manifest::FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            participants: now.participants_hash,
            options: now.options,
            ..Manifest::default()
        };
        let mut spans: HashMap<String, Vec<Span>> = HashMap::new();
        for coder in study.coders()? {
            let (state, codings) = read_coder(study, &coder)?;
            for c in codings.codings.iter().filter(|c| indexed(c)) {
                spans
                    .entry(c.transcript.clone())
                    .or_default()
                    .push(Span::of(c));
            }
            m.coders.insert(coder, state);
        }
        let mut writer = writer(&index)?;
        let mut fresh = Freshness {
            rebuilt: Some(reason),
            ..Freshness::default()
        };
        let ids: Vec<&(String, PathBuf, Stat)> = now.files.iter().collect();
        self.index_transcripts(
            &ids,
            &mut writer,
            &fields,
            &participants,
            &mut spans,
            &mut m,
            &mut fresh,
        )?;
        writer.commit()?;
        writer.wait_merging_threads()?;
        m.write(&self.dir)?;
        Ok((index, fields, fresh))
    }

    /// Parses `files` in batches on all cores and adds their turns; records them in `m`.
    #[allow(clippy::too_many_arguments)]
    fn index_transcripts(
        &mut self,
        files: &[&(String, PathBuf, Stat)],
        writer: &mut IndexWriter,
        fields: &Fields,
        participants: &Participants,
        spans: &mut HashMap<String, Vec<Span>>,
        m: &mut Manifest,
        fresh: &mut Freshness,
    ) -> Result<(), IndexError> {
        let options = self.study.parse_options();
        let total = files.len();
        (self.progress)(Progress { done: 0, total });
        for (k, batch) in files.chunks(64).enumerate() {
            let parsed = parallel_map(batch, |(_, path, _)| {
                let bytes = std::fs::read(path).map_err(|e| IndexError::io(path, e))?;
                let hash = thematic_study::content_hash(&bytes);
                Ok::<_, IndexError>((hash, thematic_study::parse_bytes(path, &bytes, &options)))
            });
            for ((id, path, stat), result) in batch.iter().zip(parsed) {
                let (hash, parsed) = result?;
                m.transcripts.insert(
                    id.clone(),
                    TranscriptState {
                        file_name: file_name(path),
                        stat: *stat,
                        hash,
                    },
                );
                fresh.indexed += 1;
                let t = match parsed {
                    Ok(t) => t,
                    Err(e) => {
                        fresh.unreadable.push((id.clone(), e.to_string()));
                        continue;
                    }
                };
                let mut mine = spans.remove(id).unwrap_or_default();
                mine.sort();
                mine.dedup_by(|a, b| a.c == b.c && a.i == b.i);
                add_turns(writer, fields, participants, id, &t, &mine)?;
            }
            (self.progress)(Progress {
                done: (k * 64 + batch.len()).min(total),
                total,
            });
        }
        Ok(())
    }

    /// Brings an existing index up to date, or rebuilds it when it cannot be trusted.
    pub(crate) fn refresh(&mut self) -> Result<(Index, Fields, Freshness), IndexError> {
        let Existing {
            mut m,
            index,
            now,
            participants,
            fields,
        } = match self.existing()? {
            Ok(existing) => existing,
            Err(why) => return self.build(why),
        };
        let before = m.clone();
        let present: BTreeSet<&str> = now.files.iter().map(|(id, ..)| id.as_str()).collect();
        let files = file_changes(&now, &m, &present)?;
        let mut codings = self.coding_changes(&mut m)?;

        for (id, stat) in files.retouched {
            if let Some(s) = m.transcripts.get_mut(&id) {
                s.stat = stat;
            }
        }
        let mut fresh = Freshness::default();
        codings.touched.retain(|t| present.contains(&t.as_str()));
        let redo: BTreeSet<String> = files.changed.union(&codings.touched).cloned().collect();
        let gone = files.gone;
        if redo.is_empty() && gone.is_empty() {
            // Nothing to re-index; the manifest is written (with an fsync) only when a file's
            // time or a codings file's state moved, not on every search.
            if m != before {
                m.write(&self.dir)?;
            }
            return Ok((index, fields, fresh));
        }

        let mut spans = redo_spans(&index, &fields, &redo, codings)?;
        let mut writer = writer(&index)?;
        for id in redo.iter().chain(&gone) {
            writer.delete_term(Term::from_field_text(fields.transcript, id));
        }
        for id in &gone {
            m.transcripts.remove(id);
            fresh.removed += 1;
        }
        let files: Vec<&(String, PathBuf, Stat)> = now
            .files
            .iter()
            .filter(|(id, ..)| redo.contains(id))
            .collect();
        self.index_transcripts(
            &files,
            &mut writer,
            &fields,
            &participants,
            &mut spans,
            &mut m,
            &mut fresh,
        )?;
        writer.commit()?;
        m.write(&self.dir)?;
        Ok((index, fields, fresh))
    }

    /// The existing index with its manifest, when it can be trusted to be brought up to
    /// date; otherwise (`Ok(Err(..))`) why it must be built from scratch: no manifest or one
    /// from another version, an index that does not open, other participant attributes or
    /// parse options, or fields that do not match the study.
    fn existing(&self) -> Result<Result<Existing, String>, IndexError> {
        let Some(m) = Manifest::read(&self.dir) else {
            let why = if self.dir.join(manifest::FILE).exists() {
                "it was built by another version of thematic"
            } else {
                "there was no index yet"
            };
            return Ok(Err(why.into()));
        };
        // Opening a reader opens every segment file: a missing or damaged one shows here.
        let index = match Index::open_in_dir(&self.dir).and_then(|i| i.reader().map(|_| i)) {
            Ok(i) => i,
            Err(e) => return Ok(Err(format!("the index could not be opened ({e})"))),
        };
        schema::register_tokenizers(&index);
        let study = self.study;
        let now = current(study)?;
        if now.participants_hash != m.participants {
            return Ok(Err("participants.csv changed".into()));
        }
        if now.options != m.options {
            return Ok(Err(
                "the interviewers or cue options in thematic.toml changed".into(),
            ));
        }
        let participants = study.participants()?;
        let Some(fields) = fields_of(&index, &participants) else {
            return Ok(Err("the index's fields do not match the study".into()));
        };
        Ok(Ok(Existing {
            m,
            index,
            now,
            participants,
            fields,
        }))
    }

    /// Per coder, whether the codings file is unchanged, only grew (the new rows are read
    /// alone) or must be read whole; records each coder's new state in `m` and drops coders
    /// whose file went.
    fn coding_changes(&self, m: &mut Manifest) -> Result<CodingChanges, IndexError> {
        let study = self.study;
        let coders = study.coders()?;
        let mut out = CodingChanges::default();
        for coder in &coders {
            let path = study.codings_path(coder)?;
            let stat = manifest::stat(&path)?;
            let old = m.coders.get(coder).cloned();
            if let Some(old) = &old {
                if old.stat == stat {
                    continue;
                }
                if let Some(new) = self.appended_rows(&path, old, stat)? {
                    let mut state = old.clone();
                    for c in new.codings.iter().filter(|c| indexed(c)) {
                        let span = Span::of(c);
                        let sum = state.sums.entry(c.transcript.clone()).or_default();
                        *sum = sum.wrapping_add(span.digest());
                        out.touched.insert(c.transcript.clone());
                        out.added
                            .entry(c.transcript.clone())
                            .or_default()
                            .push(span);
                    }
                    state.stat = stat;
                    state.tail = manifest::tail_hash(&path, stat.len)?;
                    m.coders.insert(coder.clone(), state);
                    continue;
                }
            }
            let (state, codings) = read_coder(study, coder)?;
            let mut by_t: HashMap<String, Vec<Span>> = HashMap::new();
            for c in codings.codings.iter().filter(|c| indexed(c)) {
                by_t.entry(c.transcript.clone())
                    .or_default()
                    .push(Span::of(c));
            }
            let empty = BTreeMap::new();
            let old_sums = old.as_ref().map_or(&empty, |o| &o.sums);
            for (t, sum) in &state.sums {
                if old_sums.get(t) != Some(sum) {
                    out.touched.insert(t.clone());
                }
            }
            for t in old_sums.keys() {
                if !state.sums.contains_key(t) {
                    out.touched.insert(t.clone());
                }
            }
            m.coders.insert(coder.clone(), state);
            out.replaced.insert(coder.clone(), by_t);
        }
        let gone_coders: Vec<String> = m
            .coders
            .keys()
            .filter(|c| !coders.contains(c))
            .cloned()
            .collect();
        for c in &gone_coders {
            if let Some(state) = m.coders.remove(c) {
                out.touched.extend(state.sums.into_keys());
            }
            out.replaced.insert(c.clone(), HashMap::new());
        }
        Ok(out)
    }

    /// The codings appended to `path` since `old`, when the file only grew.
    fn appended_rows(
        &self,
        path: &Path,
        old: &CoderState,
        now: Stat,
    ) -> Result<Option<CodingsFile>, IndexError> {
        if now.len <= old.stat.len || old.stat.len == 0 {
            return Ok(None);
        }
        if manifest::tail_hash(path, old.stat.len)? != old.tail {
            return Ok(None);
        }
        let bytes = manifest::appended(path, old.stat.len)?;
        // Rows that do not read cleanly (a row cut short, a line break in a field that
        // began before the old end) send the whole file through the ordinary reader.
        match CodingsFile::parse(path, &bytes) {
            Ok(f) if f.incomplete.is_none() => {
                let mut f = f;
                let coder = path
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                for c in &mut f.codings {
                    c.coder.clone_from(&coder);
                }
                Ok(Some(f))
            }
            _ => Ok(None),
        }
    }
}

/// The codings of each transcript to redo: what the index holds, with the re-read coders'
/// replaced and the appended rows added.
fn redo_spans(
    index: &Index,
    fields: &Fields,
    redo: &BTreeSet<String>,
    codings: CodingChanges,
) -> Result<HashMap<String, Vec<Span>>, IndexError> {
    let CodingChanges {
        replaced,
        mut added,
        ..
    } = codings;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut spans: HashMap<String, Vec<Span>> = HashMap::new();
    for id in redo {
        let mut mine: Vec<Span> = stored_spans(&searcher, fields, id)?
            .into_iter()
            .filter(|s| !replaced.contains_key(&s.c))
            .collect();
        for by_t in replaced.values() {
            mine.extend(by_t.get(id).into_iter().flatten().cloned());
        }
        mine.extend(added.remove(id).unwrap_or_default());
        spans.insert(id.clone(), mine);
    }
    Ok(spans)
}

/// One coder's codings, and the manifest state of the file as read.
fn read_coder(study: &Study, coder: &str) -> Result<(CoderState, CodingsFile), IndexError> {
    let path = study.codings_path(coder)?;
    let stat = manifest::stat(&path)?;
    let codings = study.codings_of(coder)?;
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for c in codings.codings.iter().filter(|c| indexed(c)) {
        let sum = sums.entry(c.transcript.clone()).or_default();
        *sum = sum.wrapping_add(Span::of(c).digest());
    }
    let tail = manifest::tail_hash(&path, stat.len)?;
    Ok((CoderState { stat, tail, sums }, codings))
}

fn writer(index: &Index) -> Result<IndexWriter, IndexError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    Ok(index.writer_with_num_threads(threads, 100_000_000 * threads)?)
}

/// The index's fields, when its schema is the one this study needs.
fn fields_of(index: &Index, participants: &Participants) -> Option<Fields> {
    let (expected, fields) = schema::build(&schema::attributes(participants));
    (index.schema() == expected).then_some(fields)
}

/// The codings stored on the turns of transcript `id`.
fn stored_spans(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    id: &str,
) -> Result<Vec<Span>, IndexError> {
    let q = TermQuery::new(
        Term::from_field_text(fields.transcript, id),
        IndexRecordOption::Basic,
    );
    let mut out = Vec::new();
    let mut docs: Vec<tantivy::DocAddress> =
        searcher.search(&q, &DocSetCollector)?.into_iter().collect();
    docs.sort();
    for address in docs {
        let d: TantivyDocument = searcher.doc(address)?;
        if let Some(json) = d.get_first(fields.spans).and_then(|v| v.as_str()) {
            out.extend(serde_json::from_str::<Vec<Span>>(json).unwrap_or_default());
        }
    }
    Ok(out)
}

/// Adds one document per turn of `t`.
fn add_turns(
    writer: &IndexWriter,
    fields: &Fields,
    participants: &Participants,
    id: &str,
    t: &thematic_transcript::Transcript,
    spans: &[Span],
) -> Result<(), IndexError> {
    // The participant is the speaker's where participants.csv names speakers (a focus
    // group), else the transcript's; attributes are looked up once per participant.
    let by_speaker = participants.places_speakers();
    let mut attrs_of: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for (n, turn) in t.turns.iter().enumerate() {
        let who = if by_speaker {
            participants.participant_of(id, turn.key.as_deref())
        } else {
            id
        };
        let at = match attrs_of.iter().position(|(p, _)| *p == who) {
            Some(i) => i,
            None => {
                attrs_of.push((who, participants.get(who).unwrap_or_default()));
                attrs_of.len() - 1
            }
        };
        let attrs = &attrs_of[at].1;
        let mut d = TantivyDocument::default();
        d.add_text(fields.transcript, id);
        d.add_text(fields.participant, who);
        d.add_u64(fields.turn, n as u64 + 1);
        d.add_u64(fields.start, turn.start as u64);
        d.add_u64(fields.end, turn.end as u64);
        let speaker = turn.key.as_deref().unwrap_or("");
        d.add_text(fields.speaker, speaker);
        d.add_text(fields.speaker_shown, speaker);
        d.add_text(fields.role, turn.role.as_str());
        if let Some(ms) = turn.start_ms {
            d.add_i64(fields.time, ms);
        }
        let text = turn.text(&t.text);
        d.add_text(fields.text, text);
        d.add_text(fields.exact, text);
        let on: Vec<&Span> = spans
            .iter()
            .filter(|s| s.overlaps(turn.start, turn.end))
            .collect();
        let mut themes: BTreeSet<&str> = BTreeSet::new();
        let mut pairs: BTreeSet<String> = BTreeSet::new();
        let mut coders: BTreeSet<&str> = BTreeSet::new();
        for s in &on {
            themes.insert(&s.t);
            pairs.insert(format!("{}/{}", s.c, s.t));
            coders.insert(&s.c);
        }
        for th in themes {
            d.add_text(fields.theme, th);
        }
        for p in &pairs {
            d.add_text(fields.coded, p);
        }
        if !coders.is_empty() {
            d.add_text(fields.coded_by, "*");
        }
        for c in coders {
            d.add_text(fields.coded_by, c);
        }
        if !on.is_empty() {
            let json = serde_json::to_string(&on).unwrap_or_default();
            d.add_text(fields.spans, &json);
        }
        for a in &fields.attrs {
            let value = attrs
                .iter()
                .find(|(k, _)| *k == a.name)
                .map_or("", |(_, v)| *v);
            if value.is_empty() {
                continue;
            }
            if a.numeric {
                if let Ok(x) = value.parse::<f64>() {
                    d.add_f64(a.field, x);
                }
            } else {
                d.add_text(a.field, value);
            }
        }
        writer.add_document(d)?;
    }
    Ok(())
}
