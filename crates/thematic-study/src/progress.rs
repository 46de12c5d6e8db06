//! Where the analysis stands: per coder, transcripts read and coded, turns coded, codings,
//! memos; for the study, the codes and themes as the codebook has them, the snapshots of
//! the map, and the phase the numbers point to. What `thematic status` prints and the
//! browser's Progress view draws; facts counted from the files, never a score.
//!
//! The JSON keys (`thematic status --format json`, `GET /api/status`) are the field names
//! of [`Progress`] and the types it holds.

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
        let mut tallies = Tallies::new();
        for file in self.all_codings()? {
            if file.coder == SUGGESTION_CODER {
                continue;
            }
            let mut turns: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
            let mut codings: BTreeMap<&str, usize> = BTreeMap::new();
            for c in file.codings.iter().filter(|c| !c.status.is_suggestion()) {
                turns.entry(&c.transcript).or_default().insert(c.turn);
                *codings.entry(&c.transcript).or_default() += 1;
            }
            let per = codings
                .into_iter()
                .map(|(t, n)| {
                    let tally = Tally {
                        turns: turns.get(t).map_or(0, BTreeSet::len),
                        codings: n,
                    };
                    (t.to_string(), tally)
                })
                .collect();
            tallies.insert(file.coder.clone(), per);
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
mod tests {
    use super::*;
    use crate::codings::{Coding, Status};

    /// A small study worked out by hand: an `unsorted` group holding one code, a candidate
    /// theme "Overall" holding the candidate theme "Support" (two codes, one of them also in
    /// "Change"), a defined theme "Change"
    /// holding one code, Miscellaneous holding one code, a code at the top level and a
    /// retired code; transcripts P1, P2, P3 (three turns each).
    const BOOK: &str = r##"
format_version = 1
name = "Small"

[[theme]]
id = "unsorted"
label = "Unsorted"
codable = false

[[theme]]
id = "new-code"
label = "New code"
parent = "unsorted"

[[theme]]
id = "overall"
label = "Overall"
codable = false

[[theme]]
id = "support"
label = "Support"
parent = "overall"
codable = false

[[theme]]
id = "listening"
label = "Listening"
parent = "support"

[[theme]]
id = "time"
label = "Time"
parent = "support"
also_in = ["change"]

[[theme]]
id = "change"
label = "Change"
codable = false
defined = true

[[theme]]
id = "goals"
label = "Goals"
parent = "change"

[[theme]]
id = "miscellaneous"
label = "Miscellaneous"
codable = false

[[theme]]
id = "odd"
label = "Odd"
parent = "miscellaneous"

[[theme]]
id = "loose"
label = "Loose"

[[theme]]
id = "gone"
label = "Gone"
parent = "support"
retired = true
"##;

    fn coding(coder: &str, transcript: &str, turn: usize, theme: &str) -> Coding {
        let text = format!("{transcript}: The allotment.");
        Coding {
            id: crate::new_coding_id(),
            coder: coder.into(),
            transcript: transcript.into(),
            turn,
            start: 20,
            end: 20 + text.chars().count(),
            theme: theme.into(),
            text,
            memo: String::new(),
            created: "2026-01-01T00:00:00Z".into(),
            status: Status::Ok,
        }
    }

    fn study() -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let mut options = crate::InitOptions::new("Small study");
        options.codebook_file = "small.toml".into();
        options.codebook_text = BOOK.into();
        let study = Study::init(dir.path(), &options).unwrap();
        for id in ["P1", "P2", "P3"] {
            std::fs::write(
                study.transcripts_dir().join(format!("{id}.txt")),
                format!("Interviewer: Hello?\n{id}: The allotment.\nInterviewer: Thanks.\n"),
            )
            .unwrap();
        }
        (dir, study)
    }

    #[test]
    fn the_numbers_of_a_small_study_worked_out_by_hand() {
        let (_dir, study) = study();
        // KW: P1 turn 2 twice (two codings, one turn), P2 turn 2 once: 2 transcripts,
        // 2 turns, 3 codings.
        for c in [
            coding("KW", "P1", 2, "listening"),
            coding("KW", "P1", 2, "goals"),
            coding("KW", "P2", 2, "time"),
        ] {
            study.add_coding(&c).unwrap();
        }
        // AB: P1 turn 2 and an orphaned coding in P1 turn 1 (counted): 1 transcript,
        // 2 turns, 2 codings.
        let mut orphan = coding("AB", "P1", 1, "loose");
        orphan.status = Status::Orphaned;
        study.add_coding(&coding("AB", "P1", 2, "odd")).unwrap();
        study.add_coding(&orphan).unwrap();
        // auto: a suggestion in P3, never a coder, never "coded".
        let mut s = coding("auto", "P3", 2, "listening");
        s.status = Status::Suggested;
        study.add_coding(&s).unwrap();
        // Reading: KW read P1 to the end and started P2; CD (no codings) read P3.
        study.record_reading("KW", "P1", 3, 3).unwrap();
        study.record_reading("KW", "P2", 1, 3).unwrap();
        study.mark_read("CD", "P3").unwrap();
        // Memos: KW two journal entries and one on a theme; EF only a memo.
        study
            .add_memo("KW", MemoAbout::Journal, "Day one.")
            .unwrap();
        study
            .add_memo("KW", MemoAbout::Journal, "Day two.")
            .unwrap();
        study
            .add_memo("KW", MemoAbout::Theme("support".into()), "Coheres?")
            .unwrap();
        study
            .add_memo("EF", MemoAbout::Transcript("P1".into()), "Long.")
            .unwrap();
        study.snapshot("first map", "", "KW").unwrap();

        let p = study.progress().unwrap();
        assert_eq!(p.study, "Small study");
        assert_eq!(p.transcripts, 3);
        // P1 (KW, AB) and P2 (KW); P3 only by auto.
        assert_eq!(p.transcripts_coded, 2);
        // P1 (KW) and P3 (CD).
        assert_eq!(p.transcripts_read, 2);
        let names: Vec<&str> = p.coders.iter().map(|c| c.coder.as_str()).collect();
        assert_eq!(names, ["AB", "CD", "EF", "KW"]);
        let kw = &p.coders[3];
        assert_eq!(
            (
                kw.transcripts_read,
                kw.transcripts_started,
                kw.transcripts_coded,
                kw.turns_coded,
                kw.codings,
                kw.memos,
                kw.journal
            ),
            (1, 1, 2, 2, 3, 3, 2)
        );
        assert!(kw.last_read.is_some());
        let ab = &p.coders[0];
        assert_eq!(
            (
                ab.transcripts_read,
                ab.transcripts_coded,
                ab.turns_coded,
                ab.codings
            ),
            (0, 1, 2, 2)
        );
        assert_eq!((p.coders[1].transcripts_read, p.coders[1].codings), (1, 0));
        assert_eq!((p.coders[2].memos, p.coders[2].journal), (1, 0));

        let t = &p.themes;
        // Codes: new-code, listening, time, goals, odd, loose (gone is retired) = 6.
        assert_eq!(t.codes, 6);
        // Unsorted: new-code (in unsorted) and loose (top level) = 2.
        assert_eq!(t.unsorted, 2);
        assert_eq!(t.miscellaneous, 1);
        // Shared: time (in support, also in change).
        assert_eq!(t.shared, 1);
        let ids = |v: &[ThemeRef]| {
            v.iter()
                .map(|r| (r.id.clone(), r.codes))
                .collect::<Vec<_>>()
        };
        // Support holds listening and time, and so Overall, above it; Change holds goals,
        // and time via also_in.
        assert_eq!(
            ids(&t.candidates),
            [("overall".to_string(), 2), ("support".to_string(), 2)]
        );
        assert_eq!(ids(&t.defined), [("change".to_string(), 2)]);
        assert_eq!(p.snapshots.count, 1);
        assert_eq!(p.snapshots.latest.as_ref().unwrap().name, "first map");
        assert_eq!(p.phase.name, "coding");
        assert_eq!(p.phase.summary, "2 of 3 transcripts coded");
    }

    #[test]
    fn the_phase_follows_the_numbers() {
        let (_dir, study) = study();
        let p = study.progress().unwrap();
        assert_eq!(
            (p.phase.name.as_str(), p.phase.summary.as_str()),
            ("familiarisation", "0 of 3 transcripts read; no codings yet")
        );
        assert!(p.coders.is_empty());
        for t in ["P1", "P2", "P3"] {
            study.add_coding(&coding("KW", t, 2, "listening")).unwrap();
        }
        let p = study.progress().unwrap();
        // Two candidates (overall, support), one defined (change), 2 unsorted, 1 shared.
        assert_eq!(p.phase.name, "defining themes");
        assert_eq!(
            p.phase.summary,
            "1 of 3 themes defined; 2 codes unsorted, 1 shared"
        );
    }

    #[test]
    fn a_tally_given_is_used_as_it_is() {
        let (_dir, study) = study();
        let mut tallies = Tallies::new();
        tallies.insert(
            "KW".into(),
            BTreeMap::from([
                (
                    "P1".to_string(),
                    Tally {
                        turns: 2,
                        codings: 5,
                    },
                ),
                // A transcript no longer in the study: its codings count, it is not
                // "coded" out of the study's three.
                (
                    "P9".to_string(),
                    Tally {
                        turns: 1,
                        codings: 1,
                    },
                ),
            ]),
        );
        tallies.insert("ZZ".into(), BTreeMap::new());
        let p = study.progress_with(&tallies).unwrap();
        assert_eq!(p.coders.len(), 2);
        let kw = &p.coders[0];
        assert_eq!(
            (kw.transcripts_coded, kw.turns_coded, kw.codings),
            (1, 3, 6)
        );
        assert_eq!(p.coders[1].coder, "ZZ");
        assert_eq!(p.transcripts_coded, 1);
    }
}
