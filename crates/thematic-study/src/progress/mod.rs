//! Where the analysis stands: per coder, transcripts read and coded, turns coded, codings,
//! memos; for the study, the codes and themes as the codebook has them, the snapshots of
//! the map, and the phase the numbers point to. What `thematic status` prints and the
//! browser's Progress view draws; facts counted from the files, never a score.
//!
//! The JSON keys (`thematic status --format json`, `GET /api/status`) are the field names
//! of [`Progress`] and the types it holds.

mod tally;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use thematic_codebook::{Codebook, Entry, MISC_ID, UNSORTED_ID};

use crate::error::StudyError;
use crate::lookup::SUGGESTION_CODER;
use crate::memos::MemoAbout;
use crate::study::Study;
use crate::transcripts::natural_cmp;

/// One coder's codings in one transcript, counted: what progress needs of a codings file.
/// Autocode suggestions are left out; orphaned codings count (they are still the coder's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Distinct turns with at least one coding.
    pub turns: usize,
    /// Codings.
    pub codings: usize,
}

/// Per coder, per transcript id, a [`Tally`]: the input [`Study::progress_with`] takes
/// where a caller (the server's model) has these counts already.
pub type Tallies = BTreeMap<String, BTreeMap<String, Tally>>;

/// Where the analysis stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The study's name.
    pub study: String,
    /// Transcripts in the study.
    pub transcripts: usize,
    /// Transcripts with at least one coding by at least one coder.
    pub transcripts_coded: usize,
    /// Transcripts read to the end by at least one coder.
    pub transcripts_read: usize,
    /// Every person with codings, a reading record or memos (not the suggestion coder
    /// `auto`), in natural order.
    pub coders: Vec<CoderProgress>,
    /// The codes and themes of the current codebook.
    pub themes: ThemeProgress,
    /// The recorded versions of the map.
    pub snapshots: Snapshots,
    /// The phase the numbers point to, in words.
    pub phase: Phase,
}

/// One coder's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CoderProgress {
    /// The coder.
    pub coder: String,
    /// Transcripts read to their last turn.
    pub transcripts_read: usize,
    /// Transcripts begun but not read to the end.
    pub transcripts_started: usize,
    /// Transcripts with at least one of the coder's codings.
    pub transcripts_coded: usize,
    /// Distinct turns coded, over all transcripts.
    pub turns_coded: usize,
    /// Codings.
    pub codings: usize,
    /// Memos of every kind, the journal's entries included.
    pub memos: usize,
    /// Entries of the reflexive journal.
    pub journal: usize,
    /// When the coder last moved on in a transcript (RFC 3339), if ever.
    pub last_read: Option<String>,
}

/// The codes and themes of the current codebook (retired entries left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ThemeProgress {
    /// Codable entries.
    pub codes: usize,
    /// Codes not yet in any theme: in the `unsorted` group or at the top level.
    pub unsorted: usize,
    /// Codes in the `miscellaneous` theme (counted as [`ThemeRef::codes`] is).
    pub miscellaneous: usize,
    /// Codes that sit in more than one theme (`also_in`), to resolve before defining.
    pub shared: usize,
    /// Candidate themes: groups not yet defined, besides `unsorted` and `miscellaneous`.
    pub candidates: Vec<ThemeRef>,
    /// Defined and named themes (`defined = true`).
    pub defined: Vec<ThemeRef>,
}

/// A theme, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeRef {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The codes in it: codes below it (at any depth), and codes placed in it, or in a
    /// theme below it, with `also_in` (with the codes below those).
    pub codes: usize,
}

/// The recorded versions of the map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snapshots {
    /// How many.
    pub count: usize,
    /// The latest: its name, folder, when and by whom.
    pub latest: Option<SnapshotRef>,
}

/// One recorded version, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotRef {
    /// The name given.
    pub name: String,
    /// Its folder in `versions/`.
    pub folder: String,
    /// When it was recorded, RFC 3339 UTC.
    pub recorded: String,
    /// Who recorded it.
    pub coder: String,
}

/// The phase of the analysis the numbers point to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    /// `setup`, `familiarisation`, `coding`, `generating themes`, `developing themes`,
    /// `defining themes` or `themes defined`.
    pub name: String,
    /// The numbers behind it, in words: `12 of 18 transcripts coded`.
    pub summary: String,
}

impl Study {
    /// Where the analysis stands, counted from the files: the codebook, every codings
    /// file (read once), the memos, the reading records and the versions.
    pub fn progress(&self) -> Result<Progress, StudyError> {
        let mut coders = self.coders()?;
        coders.retain(|c| c != SUGGESTION_CODER);
        let paths: Vec<_> = coders
            .iter()
            .map(|c| self.codings_path(c))
            .collect::<Result<_, _>>()?;
        let counted = crate::transcripts::parallel_map(&paths, |p| tally::tally_file(p));
        let mut tallies = Tallies::new();
        for (coder, per) in coders.into_iter().zip(counted) {
            tallies.insert(coder, per?);
        }
        self.progress_with(&tallies)
    }

    /// [`Study::progress`] with the codings already counted (`tallies`); everything else is
    /// read from the files. A coder in `tallies` is listed even without codings.
    pub fn progress_with(&self, tallies: &Tallies) -> Result<Progress, StudyError> {
        let transcripts: BTreeSet<String> = self
            .transcript_files()?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut names: BTreeSet<String> = tallies.keys().cloned().collect();
        names.extend(self.reading_coders()?);
        names.extend(self.memo_coders()?);
        names.remove(SUGGESTION_CODER);
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort_by(|a, b| natural_cmp(a, b));

        let mut coded_by_anyone: BTreeSet<&str> = BTreeSet::new();
        let mut read_by_anyone: BTreeSet<String> = BTreeSet::new();
        let mut coders = Vec::with_capacity(names.len());
        let empty = BTreeMap::new();
        for coder in names {
            let tally = tallies.get(&coder).unwrap_or(&empty);
            let mut p = CoderProgress {
                coder: coder.clone(),
                ..CoderProgress::default()
            };
            for (t, n) in tally {
                p.turns_coded += n.turns;
                p.codings += n.codings;
                if n.codings > 0
                    && let Some(t) = transcripts.get(t)
                {
                    p.transcripts_coded += 1;
                    coded_by_anyone.insert(t);
                }
            }
            for r in self.readings(&coder)? {
                if !transcripts.contains(&r.transcript) {
                    continue;
                }
                if r.finished() {
                    p.transcripts_read += 1;
                    read_by_anyone.insert(r.transcript.clone());
                } else {
                    p.transcripts_started += 1;
                }
                if p.last_read.as_ref().is_none_or(|w| *w < r.when) {
                    p.last_read = Some(r.when.clone());
                }
            }
            for m in self.memos_of(&coder)? {
                p.memos += 1;
                if m.about == MemoAbout::Journal {
                    p.journal += 1;
                }
            }
            coders.push(p);
        }

        let themes = theme_progress(&self.codebook()?.current());
        let versions = self.versions()?;
        let snapshots = Snapshots {
            count: versions.len(),
            latest: versions.last().map(|v| SnapshotRef {
                name: v.name.clone(),
                folder: v.folder.clone(),
                recorded: v.recorded.clone(),
                coder: v.coder.clone(),
            }),
        };
        let mut progress = Progress {
            study: self.config().name.clone(),
            transcripts: transcripts.len(),
            transcripts_coded: coded_by_anyone.len(),
            transcripts_read: read_by_anyone.len(),
            coders,
            themes,
            snapshots,
            phase: Phase {
                name: String::new(),
                summary: String::new(),
            },
        };
        progress.phase = phase(&progress);
        Ok(progress)
    }
}

/// The codes and themes of `book` (the current codebook). One pass over the codes, each
/// walking up its ancestors, so a codebook of 1,000 codes under 60 themes costs well under
/// a millisecond.
pub fn theme_progress(book: &Codebook) -> ThemeProgress {
    let by_id: HashMap<&str, &Entry> = book.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    // `id` and its ancestors, nearest first (bounded, should a hand edit loop).
    let chain = |id: &str| -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut cur = by_id.get(id).copied();
        while let Some(e) = cur {
            if out.contains(&e.id.as_str()) || out.len() > book.entries.len() {
                break;
            }
            out.push(&e.id);
            cur = e.parent.as_deref().and_then(|p| by_id.get(p).copied());
        }
        out
    };
    let mut out = ThemeProgress::default();
    // Per theme, the codes in it: below it, or in it (or in a theme below it) by `also_in`.
    let mut codes_in: HashMap<&str, usize> = HashMap::new();
    for e in book.entries.iter().filter(|e| e.codable) {
        out.codes += 1;
        let up = chain(&e.id);
        let group = up
            .iter()
            .skip(1)
            .find(|a| by_id.get(*a).is_some_and(|g| !g.codable));
        if group.is_none_or(|g| *g == UNSORTED_ID) {
            out.unsorted += 1;
        }
        if book.is_shared(&e.id) {
            out.shared += 1;
        }
        let mut holders: BTreeSet<&str> = BTreeSet::new();
        for a in &up {
            holders.insert(a);
            for t in by_id.get(a).map_or(&[][..], |x| x.also_in.as_slice()) {
                holders.extend(chain(t));
            }
        }
        for h in holders {
            *codes_in.entry(h).or_default() += 1;
        }
    }
    let named = |e: &Entry| ThemeRef {
        id: e.id.clone(),
        label: e.label.clone(),
        codes: codes_in.get(e.id.as_str()).copied().unwrap_or(0),
    };
    for e in book.tree_order() {
        if e.id == UNSORTED_ID || e.id == MISC_ID {
            continue;
        }
        if e.defined {
            out.defined.push(named(e));
        } else if !e.codable {
            out.candidates.push(named(e));
        }
    }
    out.miscellaneous = codes_in.get(MISC_ID).copied().unwrap_or(0);
    out
}

/// The phase the numbers point to.
fn phase(p: &Progress) -> Phase {
    let t = &p.themes;
    let codings: usize = p.coders.iter().map(|c| c.codings).sum();
    let (name, summary) = if p.transcripts == 0 {
        ("setup", "no transcripts yet".to_string())
    } else if codings == 0 {
        (
            "familiarisation",
            format!(
                "{} of {} transcripts read; no codings yet",
                p.transcripts_read, p.transcripts
            ),
        )
    } else if p.transcripts_coded < p.transcripts {
        (
            "coding",
            format!(
                "{} of {} transcripts coded",
                p.transcripts_coded, p.transcripts
            ),
        )
    } else if t.defined.is_empty() && t.candidates.is_empty() {
        (
            "generating themes",
            format!(
                "all {} transcripts coded; {} codes, {} unsorted; no candidate themes yet",
                p.transcripts, t.codes, t.unsorted
            ),
        )
    } else if t.defined.is_empty() {
        (
            "developing themes",
            format!(
                "{} candidate themes; {} of {} codes unsorted, {} shared",
                t.candidates.len(),
                t.unsorted,
                t.codes,
                t.shared
            ),
        )
    } else if !t.candidates.is_empty() || t.unsorted > 0 || t.shared > 0 {
        (
            "defining themes",
            format!(
                "{} of {} themes defined; {} codes unsorted, {} shared",
                t.defined.len(),
                t.defined.len() + t.candidates.len(),
                t.unsorted,
                t.shared
            ),
        )
    } else {
        (
            "themes defined",
            format!("all {} themes defined", t.defined.len()),
        )
    };
    Phase {
        name: name.to_string(),
        summary,
    }
}

#[cfg(test)]
mod tests;
