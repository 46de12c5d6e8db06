//! The study's side of finding identifiers: where the review lives
//! (`anonymisation/review.csv`) and the study's own list of terms
//! (`anonymisation/terms.csv`), reading and writing the review under a lock, and scanning
//! every transcript with what the study knows (speaker labels, `participants.csv`).
//!
//! `anonymisation/terms.csv` is the researcher's list of places, organisations and other
//! names the scan should always find: columns `term,kind` (kind as in `review.csv`:
//! `place`, `organisation`, `name`, …; empty means `place`); other columns are the
//! researcher's own and are ignored. A CSV beside the review rather than a section of
//! `thematic.toml`: it grows to hundreds of rows, is edited in a spreadsheet like the review,
//! and is itself identifying, so it stays out of the settings file people share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thematic_anonymise::{
    Findings, Kind, Review, ScanContext, count_matches, is_pseudonymous_label, lowercase_words,
    scan,
};
use thematic_transcript::Role;

use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;
use crate::transcripts::parallel_map;

/// The folder of the review and the study's list of terms, inside the study.
pub const ANONYMISATION_DIR: &str = "anonymisation";
/// The review file's name.
pub const REVIEW_FILE: &str = "review.csv";
/// The study's list of terms to find.
pub const TERMS_FILE: &str = "terms.csv";

/// Attribute columns of `participants.csv` that hold a person's name.
const NAME_ATTRIBUTES: &[&str] = &[
    "name",
    "full name",
    "full_name",
    "first name",
    "first_name",
    "given name",
    "forename",
    "surname",
    "last name",
    "last_name",
    "family name",
];

/// What a scan of the study found, merged into the review already there.
#[derive(Debug, Clone, Default)]
pub struct IdentifierScan {
    /// The review after the merge (what [`Study::rescan_identifiers`] wrote).
    pub review: Review,
    /// Transcripts scanned.
    pub transcripts: usize,
    /// Transcripts that could not be read or parsed: id and why. They were skipped.
    pub skipped: Vec<(String, String)>,
    /// Terms the scan found that the previous review did not list.
    pub new_terms: usize,
    /// Terms of the previous review the scan no longer found (kept, count 0).
    pub vanished: usize,
}

impl Study {
    /// `anonymisation/` in the study.
    pub fn anonymisation_dir(&self) -> PathBuf {
        self.root().join(ANONYMISATION_DIR)
    }

    /// `anonymisation/review.csv`.
    pub fn anonymisation_review_path(&self) -> PathBuf {
        self.anonymisation_dir().join(REVIEW_FILE)
    }

    /// `anonymisation/terms.csv`, the study's own list of terms to find.
    pub fn anonymisation_terms_path(&self) -> PathBuf {
        self.anonymisation_dir().join(TERMS_FILE)
    }

    /// The review; empty when there is no `review.csv` yet.
    pub fn read_anonymisation_review(&self) -> Result<Review, StudyError> {
        let path = self.anonymisation_review_path();
        match std::fs::read(&path) {
            Ok(bytes) => parse_review(&path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Review::new()),
            Err(e) => Err(StudyError::io(&path, e)),
        }
    }

    /// Writes the review (under the file's lock, atomically) and logs that `who` changed it;
    /// the log says how many terms have each decision, never the terms.
    pub fn write_anonymisation_review(&self, review: &Review, who: &str) -> Result<(), StudyError> {
        let path = self.anonymisation_review_path();
        ensure_dir(&self.anonymisation_dir())?;
        let _lock = FileLock::acquire(&path)?;
        atomic_write(&path, review.to_csv().as_bytes())?;
        drop(_lock);
        self.log_change(who, "anonymise review", "", &decided(review))
    }

    /// Reads the review, lets `change` edit it, and writes it back, all under the file's
    /// lock so two edits (the browser and a spreadsheet save) do not lose each other.
    /// Writes and logs only when `change` returns `true`.
    pub fn update_anonymisation_review(
        &self,
        who: &str,
        change: impl FnOnce(&mut Review) -> bool,
    ) -> Result<Review, StudyError> {
        self.update_anonymisation_review_logged(who, |review| {
            change(review).then(|| ("anonymise review".to_string(), decided(review)))
        })
    }

    /// [`Study::update_anonymisation_review`] where `change` says what the one change-log
    /// line is: `Some((action, detail))` writes the review and logs that line; `None`
    /// writes and logs nothing. The detail must not hold a term (the change log is shared
    /// with the study; the terms are what anonymising keeps out of it).
    pub fn update_anonymisation_review_logged(
        &self,
        who: &str,
        change: impl FnOnce(&mut Review) -> Option<(String, String)>,
    ) -> Result<Review, StudyError> {
        let path = self.anonymisation_review_path();
        ensure_dir(&self.anonymisation_dir())?;
        let lock = FileLock::acquire(&path)?;
        let mut review = self.read_anonymisation_review()?;
        if let Some((action, detail)) = change(&mut review) {
            atomic_write(&path, review.to_csv().as_bytes())?;
            drop(lock);
            self.log_change(who, &action, "", &detail)?;
        }
        Ok(review)
    }

    /// The study's own list of terms (`anonymisation/terms.csv`): term and kind, in file
    /// order; empty when there is no file.
    pub fn read_anonymisation_terms(&self) -> Result<Vec<(String, Kind)>, StudyError> {
        let path = self.anonymisation_terms_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        parse_terms(&path, &bytes)
    }

    /// What the scan knows before reading: names from `participants.csv` (speaker labels
    /// and name columns, with the participant id as their label) and the study's list of
    /// terms. Speaker labels of the transcripts are added by [`Study::scan_identifiers`].
    pub fn anonymisation_context(&self) -> Result<ScanContext, StudyError> {
        let mut names = KnownNames::default();
        let participants = self.participants()?;
        for row in &participants.speakers {
            names.add(&row.speaker, Some(&row.participant));
        }
        for (id, values) in &participants.rows {
            names.add(id, None);
            for (attribute, value) in participants.attributes.iter().zip(values) {
                if NAME_ATTRIBUTES.contains(&attribute.trim().to_lowercase().as_str()) {
                    names.add(value, Some(id));
                }
            }
        }
        let mut ctx = ScanContext::new();
        names.into_context(&mut ctx);
        for (term, kind) in self.read_anonymisation_terms()? {
            match kind {
                Kind::Place => ctx.add_place(&term),
                Kind::Organisation => ctx.add_organisation(&term),
                other => ctx.add_term(&term, other),
            }
        }
        Ok(ctx)
    }

    /// Scans every transcript (in parallel) and returns a fresh review, merged with the
    /// review already in the study so earlier decisions stand; writes nothing. Speaker
    /// labels join the known names (a participant's label with their id, so `Sarah` in P03
    /// becomes `[P03]`; codes such as `P3` and roles such as `Interviewer` are left out).
    /// A transcript that cannot be read is skipped and listed.
    pub fn scan_identifiers(&self) -> Result<IdentifierScan, StudyError> {
        let fresh = self.fresh_identifier_review()?;
        let previous = self.read_anonymisation_review()?;
        Ok(merged(&previous, fresh))
    }

    /// [`Study::scan_identifiers`], then writes the merged review: the merge and the write
    /// happen under the review's lock, after the (slow) scan, so an edit made meanwhile is
    /// kept. Logged as `anonymise scan` with counts only.
    pub fn rescan_identifiers(&self, who: &str) -> Result<IdentifierScan, StudyError> {
        let fresh = self.fresh_identifier_review()?;
        let path = self.anonymisation_review_path();
        ensure_dir(&self.anonymisation_dir())?;
        let lock = FileLock::acquire(&path)?;
        let previous = self.read_anonymisation_review()?;
        let result = merged(&previous, fresh);
        atomic_write(&path, result.review.to_csv().as_bytes())?;
        drop(lock);
        self.log_change(
            who,
            "anonymise scan",
            "",
            &format!(
                "{} transcript(s) scanned, {} new term(s); {}",
                result.transcripts,
                result.new_terms,
                decided(&result.review)
            ),
        )?;
        Ok(result)
    }

    /// The scan itself: every transcript, in parallel, in the study's order.
    fn fresh_identifier_review(&self) -> Result<IdentifierScan, StudyError> {
        let mut ctx = self.anonymisation_context()?;
        let participants = self.participants()?;
        let loaded = self.load_transcripts()?;
        let mut skipped = Vec::new();
        let mut texts: Vec<(String, String)> = Vec::with_capacity(loaded.len());
        let mut names = KnownNames::default();
        for (id, _path, result) in loaded {
            match result {
                Ok(t) => {
                    for turn in &t.turns {
                        let Some(label) = turn.speaker.as_deref() else {
                            continue;
                        };
                        let label_of = (turn.role == Role::Participant)
                            .then(|| participants.participant_of(&id, turn.key.as_deref()));
                        names.add_speaker(label, label_of);
                    }
                    texts.push((id, t.text));
                }
                Err(e) => skipped.push((id, e.to_string())),
            }
        }
        names.into_context(&mut ctx);
        // Words the study writes in lower case anywhere ("small", "patience") are not
        // names at the start of a sentence anywhere else.
        let indices: Vec<usize> = (0..texts.len()).collect();
        for words in parallel_map(&indices, |&i| lowercase_words(&texts[i].1)) {
            ctx.add_vocabulary(words);
        }
        let per_transcript = parallel_map(&texts, |(id, text)| {
            let mut f = Findings::new();
            f.add(id, text, &scan(text, &ctx));
            f
        });
        let mut findings = Findings::new();
        for f in per_transcript {
            findings.extend(f);
        }
        let matcher = findings.matcher();
        let n = findings.len();
        let counted = parallel_map(&texts, |(_, text)| {
            let mut counts = vec![0; n];
            count_matches(text, &matcher, &mut counts);
            counts
        });
        let mut counts = vec![0; n];
        for c in counted {
            for (total, one) in counts.iter_mut().zip(c) {
                *total += one;
            }
        }
        Ok(IdentifierScan {
            review: findings.into_review(&counts, &ctx),
            transcripts: texts.len(),
            skipped,
            new_terms: 0,
            vanished: 0,
        })
    }
}

/// Names gathered from participants and speakers before they go into the context: a
/// name seen with two different participant ids gets no id (it is numbered instead, as
/// one replacement must serve every occurrence).
#[derive(Debug, Default)]
struct KnownNames {
    /// Name → (is a speaker only, the ids it was seen with).
    names: BTreeMap<String, (bool, Vec<String>)>,
    order: Vec<String>,
}

impl KnownNames {
    fn add(&mut self, name: &str, id: Option<&str>) {
        self.insert(name, id, false);
    }

    fn add_speaker(&mut self, label: &str, id: Option<&str>) {
        self.insert(label, id, id.is_none());
    }

    fn insert(&mut self, name: &str, id: Option<&str>, speaker_only: bool) {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || is_pseudonymous_label(&name) {
            return;
        }
        let key = thematic_anonymise::fold_term(&name);
        let entry = self.names.entry(key).or_insert_with(|| {
            self.order.push(name.clone());
            (speaker_only, Vec::new())
        });
        entry.0 &= speaker_only;
        if let Some(id) = id.map(str::trim).filter(|i| !i.is_empty())
            && !entry.1.iter().any(|i| i == id)
        {
            entry.1.push(id.to_owned());
        }
    }

    fn into_context(self, ctx: &mut ScanContext) {
        for name in &self.order {
            let key = thematic_anonymise::fold_term(name);
            let Some((speaker_only, ids)) = self.names.get(&key) else {
                continue;
            };
            let id = match ids.as_slice() {
                [one] => Some(one.as_str()),
                _ => None,
            };
            if *speaker_only {
                ctx.add_speaker(name);
            } else {
                ctx.add_participant(name, id);
            }
        }
    }
}

fn merged(previous: &Review, fresh: IdentifierScan) -> IdentifierScan {
    let new_terms = fresh
        .review
        .rows()
        .iter()
        .filter(|r| previous.get(&r.term).is_none())
        .count();
    let vanished = previous
        .rows()
        .iter()
        .filter(|r| fresh.review.get(&r.term).is_none())
        .count();
    IdentifierScan {
        review: Review::merge(previous, fresh.review),
        new_terms,
        vanished,
        ..fresh
    }
}

/// `12 term(s): 7 replace, 4 review, 1 keep`.
fn decided(review: &Review) -> String {
    let (replace, to_review, keep) = review.decided();
    format!(
        "{} term(s): {replace} replace, {to_review} review, {keep} keep",
        review.len()
    )
}

fn ensure_dir(dir: &Path) -> Result<(), StudyError> {
    std::fs::create_dir_all(dir).map_err(|e| StudyError::io(dir, e))
}

fn parse_review(path: &Path, bytes: &[u8]) -> Result<Review, StudyError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        StudyError::invalid(
            path,
            0,
            format!("not UTF-8 text ({e}); save it as CSV (UTF-8) from the spreadsheet"),
        )
    })?;
    Review::parse(text, path).map_err(StudyError::from)
}

fn parse_terms(path: &Path, bytes: &[u8]) -> Result<Vec<(String, Kind)>, StudyError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| StudyError::invalid(path, 1, e.to_string()))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    let Some(term_col) = column("term") else {
        return Err(StudyError::invalid(
            path,
            1,
            "missing column \"term\"; the first line is: term,kind",
        ));
    };
    let kind_col = column("kind");
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            StudyError::invalid(path, line, "not readable as CSV; save it as CSV (UTF-8)")
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let term = record.get(term_col).unwrap_or("").trim();
        if term.is_empty() {
            continue;
        }
        let kind_text = kind_col.and_then(|k| record.get(k)).unwrap_or("").trim();
        let kind = if kind_text.is_empty() {
            Kind::Place
        } else {
            Kind::parse(kind_text).ok_or_else(|| {
                StudyError::invalid(
                    path,
                    line,
                    format!(
                        "unknown kind \"{kind_text}\" for \"{term}\"; write place, organisation, \
                         name or another kind of review.csv"
                    ),
                )
            })?
        };
        out.push((term.to_owned(), kind));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InitOptions;
    use thematic_anonymise::{Decision, Rule};

    fn study_with(transcripts: &[(&str, &str)]) -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &InitOptions::new("Anon")).unwrap();
        for (name, text) in transcripts {
            std::fs::write(study.transcripts_dir().join(name), text).unwrap();
        }
        (dir, study)
    }

    #[test]
    fn a_scan_finds_speakers_participants_and_the_studys_terms() {
        let (_dir, study) = study_with(&[
            (
                "P01.txt",
                "Interviewer: Where do you go?\n\nSarah Jones: To the Ashworth Centre.\n\n\
                 Interviewer: How?\n\nSarah Jones: I ring 07700 900123.\n",
            ),
            (
                "P02.txt",
                "Interviewer: And you?\n\nP2: I see Sarah at the Ashworth Centre.\n",
            ),
        ]);
        std::fs::create_dir_all(study.anonymisation_dir()).unwrap();
        std::fs::write(
            study.anonymisation_terms_path(),
            "term,kind\nAshworth Centre,organisation\n",
        )
        .unwrap();
        let result = study.rescan_identifiers("KW").unwrap();
        assert_eq!(result.transcripts, 2);
        let rows: Vec<_> = result
            .review
            .rows()
            .iter()
            .map(|r| {
                (
                    r.term.as_str(),
                    r.kind,
                    r.rule,
                    r.count,
                    r.replacement.as_str(),
                )
            })
            .collect();
        // "Sarah Jones" is P01's participant (the transcript's own id as label); "Sarah",
        // her first name, shares the label and is found in P02 too. Interviewer and P2 are
        // not identifiers.
        assert_eq!(
            rows,
            [
                ("Sarah", Kind::Name, Rule::KnownParticipant, 1, "[P01]"),
                (
                    "Sarah Jones",
                    Kind::Name,
                    Rule::KnownParticipant,
                    2,
                    "[P01]"
                ),
                (
                    "Ashworth Centre",
                    Kind::Organisation,
                    Rule::StudyList,
                    2,
                    "[Organisation]"
                ),
                (
                    "07700 900123",
                    Kind::Phone,
                    Rule::PhonePattern,
                    1,
                    "[Phone]"
                ),
            ]
        );
        // Written, and logged without the terms.
        let back = study.read_anonymisation_review().unwrap();
        assert_eq!(back, result.review);
        let log = std::fs::read_to_string(study.changelog_path()).unwrap();
        assert!(log.contains("anonymise scan"), "{log}");
        assert!(!log.contains("Sarah"), "{log}");
    }

    #[test]
    fn a_rescan_keeps_decisions_and_vanished_terms() {
        let (_dir, study) = study_with(&[("P01.txt", "P1: Write to amir@example.org today.\n")]);
        study.rescan_identifiers("KW").unwrap();
        study
            .update_anonymisation_review("KW", |r| {
                let row = r.get_mut("amir@example.org").unwrap();
                row.decision = Decision::Keep;
                row.note = "the project's public address".into();
                true
            })
            .unwrap();
        std::fs::write(
            study.transcripts_dir().join("P01.txt"),
            "P1: Ring 020 7946 0018.\n",
        )
        .unwrap();
        let result = study.rescan_identifiers("KW").unwrap();
        assert_eq!((result.new_terms, result.vanished), (1, 1));
        let email = result.review.get("amir@example.org").unwrap();
        assert_eq!(
            (email.decision, email.count, email.note.as_str()),
            (Decision::Keep, 0, "the project's public address")
        );
        assert_eq!(
            result.review.get("020 7946 0018").map(|r| r.decision),
            Some(Decision::Replace)
        );
    }

    #[test]
    fn a_bad_review_file_is_an_error_with_its_line() {
        let (_dir, study) = study_with(&[]);
        std::fs::create_dir_all(study.anonymisation_dir()).unwrap();
        std::fs::write(
            study.anonymisation_review_path(),
            "term,kind,decision\nLeeds,place,maybe\n",
        )
        .unwrap();
        let err = study.read_anonymisation_review().unwrap_err().to_string();
        assert!(
            err.contains("review.csv:2:13: unknown decision \"maybe\""),
            "{err}"
        );
    }

    #[test]
    fn terms_csv_kinds_default_to_place_and_bad_kinds_are_errors() {
        let (_dir, study) = study_with(&[]);
        std::fs::create_dir_all(study.anonymisation_dir()).unwrap();
        std::fs::write(
            study.anonymisation_terms_path(),
            "term,kind,note\nAshworth,,\nSt Mary's,organisation,the hospice\n",
        )
        .unwrap();
        assert_eq!(
            study.read_anonymisation_terms().unwrap(),
            [
                ("Ashworth".to_owned(), Kind::Place),
                ("St Mary's".to_owned(), Kind::Organisation)
            ]
        );
        std::fs::write(
            study.anonymisation_terms_path(),
            "term,kind\nAshworth,village\n",
        )
        .unwrap();
        let err = study.read_anonymisation_terms().unwrap_err().to_string();
        assert!(
            err.contains("terms.csv:2: unknown kind \"village\""),
            "{err}"
        );
    }
}
