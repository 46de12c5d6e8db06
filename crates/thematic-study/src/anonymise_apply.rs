//! `thematic anonymise apply`: every identifier the researcher accepted in
//! `anonymisation/review.csv` (decision `replace`) replaced, consistently, across the study.
//!
//! - **Transcripts**: every occurrence of an accepted term (the scanner's matcher: whole
//!   words, a name's capitals kept, longest first) becomes its replacement, through
//!   [`Study::rewrite_transcript`], the path of `thematic transcripts update`: each coding
//!   re-anchored and reported, an intent record while it writes, the change logged (without
//!   the words). One rewrite per transcript that changes.
//! - **Speaker labels and header lines** (the text outside every turn's words) get the
//!   replacement without its brackets ([`AcceptedTerm::label_form`]: `Name 3` for
//!   `[Name 3]`), because `[Name 3]:` does not read as a speaker label in a typed
//!   transcript, and a label that stops being one would merge turns.
//! - **`participants.csv`**: the `speaker` column gets the same label form, so each row
//!   still names its speaker; the participant id and attribute columns get the replacement;
//!   the `transcript` column (ids, file names) is left as it is. The `interviewers` list of
//!   `thematic.toml` gets the label form too, so a renamed interviewer stays one.
//! - **Memos and codings files** are not rewritten (a memo is the researcher's own
//!   writing; a coding's words follow its transcript). What still names an accepted term
//!   afterwards is returned as leftovers ([`ApplyReport::leftovers`], the same list as
//!   `thematic check --identifiers`), and the exports refuse it.
//!
//! The key (original → replacement) and a log of every change go to a folder outside the
//! study (see [`crate::default_key_dir`]); originals only when asked. A dry run plans every
//! change, asks each rewrite what would happen to the codings, and writes nothing.

use std::path::PathBuf;

use crate::anonymise_check::IdentifierFinding;
use crate::anonymise_guard::{AcceptedTerm, Guard};
use crate::anonymise_key::{KeyFolder, KeyLogRow, resolve_key_dir};
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::participants::{SPEAKER_COLUMN, TRANSCRIPT_COLUMN};
use crate::rewrite::TextEdit;
use crate::study::Study;
use crate::update::UpdateReport;

/// Where the key goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeyPlace {
    /// Beside the study: `<parent>/<study folder>-anonymisation-key/`.
    #[default]
    Beside,
    /// This folder (relative to the working directory).
    Dir(PathBuf),
    /// Nowhere: for a throw-away copy (`--anonymise` exports), whose key nobody needs.
    Nowhere,
}

/// How `thematic anonymise apply` runs.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Who is doing it (the change log and the key's log).
    pub who: String,
    /// Plan and report; write nothing.
    pub dry_run: bool,
    /// Where the key and log go.
    pub key: KeyPlace,
    /// Allow a key folder inside the study (refused otherwise).
    pub key_inside_study: bool,
    /// Copy each transcript file into the key's `originals/` before changing it.
    pub keep_originals: bool,
}

/// One replacement, with its context for a person to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// The file, transcript, place and words (what `log.csv` records).
    pub at: KeyLogRow,
    /// The 1-based turn, for a transcript (0: a speaker label, time or header line).
    pub turn: usize,
    /// Whether it is a speaker's label (outside the turns' words, naming a speaker), where
    /// the replacement is written without its brackets.
    pub label: bool,
    /// The accepted term it is an occurrence of, as `review.csv` writes it.
    pub term: String,
    /// The kind of the term (`name`, `place`, …).
    pub kind: String,
    /// Up to 30 characters before it, on one line.
    pub left: String,
    /// Up to 30 characters after it, on one line.
    pub right: String,
}

/// A transcript that could not be rewritten (its stored form would not read back with the
/// same turns): nothing of it was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRewritten {
    /// The transcript id.
    pub transcript: String,
    /// Why, in a sentence.
    pub reason: String,
}

/// What `apply` did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct ApplyReport {
    /// The accepted terms (`review.csv`'s `replace` rows).
    pub accepted: Vec<AcceptedTerm>,
    /// Every change, transcripts in natural order then `participants.csv`.
    pub changes: Vec<Replaced>,
    /// One re-anchoring report per transcript rewritten (or that would be).
    pub updates: Vec<UpdateReport>,
    /// Transcripts that could not be rewritten.
    pub failed: Vec<NotRewritten>,
    /// Occurrences outside the turns' words (a header or trailer line) left as they are,
    /// because their transcript would not read back with the same turns with them
    /// replaced; the rest of the transcript was done. They are among the leftovers.
    pub skipped: Vec<Replaced>,
    /// What still names an accepted term after the apply (memos, codings files, the
    /// change log, transcripts that failed); in a dry run, what of it is in files apply
    /// does not touch (memos and the change log).
    pub leftovers: Vec<IdentifierFinding>,
    /// The key folder (none for [`KeyPlace::Nowhere`]); not created in a dry run.
    pub key_dir: Option<PathBuf>,
    /// Whether anything was written.
    pub written: bool,
}

impl ApplyReport {
    /// How many distinct accepted terms were found at least once.
    pub fn terms_replaced(&self) -> usize {
        let mut terms: Vec<&str> = self.changes.iter().map(|c| c.term.as_str()).collect();
        terms.sort_unstable();
        terms.dedup();
        terms.len()
    }

    /// The transcripts changed (or that would be), in order.
    pub fn transcripts_changed(&self) -> Vec<&str> {
        self.updates.iter().map(|u| u.transcript.as_str()).collect()
    }

    /// Codings kept, moved and orphaned over every rewrite.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.updates.iter().fold((0, 0, 0), |n, u| {
            let (k, m, o) = u.counts();
            (n.0 + k, n.1 + m, n.2 + o)
        })
    }
}

/// One transcript's planned edits.
struct Plan {
    id: String,
    path: PathBuf,
    changes: Vec<Replaced>,
}

impl Study {
    /// Replaces every accepted identifier in the study (see the module docs). Fails,
    /// changing nothing, when there is no review, when a replacement itself contains an
    /// accepted term, or when the key would go inside the study without
    /// [`ApplyOptions::key_inside_study`]. A transcript that cannot be rewritten is
    /// reported in [`ApplyReport::failed`] and the others are still done.
    pub fn apply_anonymisation(&self, options: &ApplyOptions) -> Result<ApplyReport, StudyError> {
        let guard = Guard::from_study(self)?;
        let accepted = guard.accepted().to_vec();
        check_replacements(self, &guard)?;
        let key_dir = match &options.key {
            KeyPlace::Nowhere => None,
            KeyPlace::Beside => Some(resolve_key_dir(self, None, options.key_inside_study)?),
            KeyPlace::Dir(d) => Some(resolve_key_dir(self, Some(d), options.key_inside_study)?),
        };
        let mut report = ApplyReport {
            accepted: accepted.clone(),
            key_dir: key_dir.clone(),
            written: !options.dry_run,
            ..ApplyReport::default()
        };
        let plans = self.plan_transcripts(&guard)?;
        let participants = participants_changes(self, &guard)?;
        let interviewers = interviewers_changes(self, &guard);
        if options.dry_run {
            for plan in &plans {
                match self.rewrite_plan(plan, &options.who, true) {
                    Ok(None) => report.skipped.extend(plan.changes.iter().cloned()),
                    Ok(Some((u, done))) => {
                        report.updates.push(u);
                        let (applied, skipped) = split_done(&plan.changes, &done);
                        report.changes.extend(applied);
                        report.skipped.extend(skipped);
                    }
                    Err(e) => report.failed.push(NotRewritten {
                        transcript: plan.id.clone(),
                        reason: e.to_string(),
                    }),
                }
            }
            report.changes.extend(participants.1);
            report.changes.extend(interviewers.1);
            report.leftovers = self
                .find_identifiers_with(&guard)?
                .into_iter()
                .filter(|f| f.history || f.file.starts_with(self.memos_dir()))
                .collect();
            return Ok(report);
        }
        let key = key_dir.map(KeyFolder::open).transpose()?;
        let when = crate::changelog::now_rfc3339();
        if let Some(key) = &key {
            let used: Vec<AcceptedTerm> = accepted
                .iter()
                .filter(|a| {
                    plans
                        .iter()
                        .flat_map(|p| &p.changes)
                        .chain(&participants.1)
                        .chain(&interviewers.1)
                        .any(|c| c.term == a.term)
                })
                .cloned()
                .collect();
            key.write_key(&used)?;
            if options.keep_originals {
                for plan in &plans {
                    key.keep_original(&plan.path)?;
                }
            }
        }
        for plan in plans {
            match self.rewrite_plan(&plan, &options.who, false) {
                Ok(None) => report.skipped.extend(plan.changes),
                Ok(Some((u, done))) => {
                    let (applied, skipped) = split_done(&plan.changes, &done);
                    if let Some(key) = &key {
                        let rows: Vec<KeyLogRow> = applied.iter().map(|c| c.at.clone()).collect();
                        key.append_log(&when, &options.who, &rows)?;
                    }
                    report.updates.push(u);
                    report.changes.extend(applied);
                    report.skipped.extend(skipped);
                }
                Err(e) => report.failed.push(NotRewritten {
                    transcript: plan.id,
                    reason: e.to_string(),
                }),
            }
        }
        let (rewritten, changes) = participants;
        if let Some(bytes) = rewritten {
            if let (Some(key), true) = (&key, options.keep_originals) {
                key.keep_original(&self.participants_path())?;
            }
            let path = self.participants_path();
            let _lock = FileLock::acquire(&path)?;
            atomic_write(&path, &bytes)?;
            if let Some(key) = &key {
                let rows: Vec<KeyLogRow> = changes.iter().map(|c| c.at.clone()).collect();
                key.append_log(&when, &options.who, &rows)?;
            }
            report.changes.extend(changes);
        }
        let (list, changes) = interviewers;
        if let Some(list) = list {
            // After the transcripts: until then their labels are the old ones.
            write_interviewers(self, &list)?;
            if let Some(key) = &key {
                let rows: Vec<KeyLogRow> = changes.iter().map(|c| c.at.clone()).collect();
                key.append_log(&when, &options.who, &rows)?;
            }
            report.changes.extend(changes);
        }
        if !report.changes.is_empty() {
            // The words stay out of the study's log: they are what is being removed.
            self.log_change(
                &options.who,
                "anonymise",
                "",
                &format!(
                    "{} occurrence(s) of {} accepted term(s) replaced in {} transcript(s){}; \
                     the key is kept outside the study",
                    report.changes.len(),
                    report.terms_replaced(),
                    report.updates.len(),
                    if report.changes.iter().any(|c| c.at.transcript.is_empty()) {
                        " and the study's settings (participants.csv, thematic.toml)"
                    } else {
                        ""
                    }
                ),
            )?;
        }
        report.leftovers = self.find_identifiers_with(&guard)?;
        Ok(report)
    }

    /// One transcript's edits written, words and speakers' labels in one rewrite.
    ///
    /// When the transcript would not read back with every change (a replaced word in a
    /// header or trailer line can stop it being one), it is tried again with the words in
    /// the turns and the speaker labels only, then with the words only. Returns the report
    /// and the indexes of the changes made; `None` when the only changes were such lines
    /// and none could be made (the transcript is left as it is, its changes skipped).
    fn rewrite_plan(
        &self,
        plan: &Plan,
        who: &str,
        dry_run: bool,
    ) -> Result<Option<(UpdateReport, Vec<usize>)>, StudyError> {
        let pick = |keep: &dyn Fn(&Replaced) -> bool| -> Vec<usize> {
            (0..plan.changes.len())
                .filter(|&i| keep(&plan.changes[i]))
                .collect()
        };
        let mut attempts = vec![
            pick(&|_| true),
            pick(&|c| c.turn > 0 || c.label),
            pick(&|c| c.turn > 0),
        ];
        attempts.dedup();
        attempts.retain(|a| !a.is_empty());
        let mut first_error = None;
        for attempt in attempts {
            let changes: Vec<&Replaced> = attempt.iter().map(|&i| &plan.changes[i]).collect();
            match self.rewrite_changes(plan, &changes, who, dry_run) {
                Ok(report) => return Ok(Some((report, attempt))),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if plan.changes.iter().all(|c| c.turn == 0 && !c.label) {
            // Only header or trailer lines, none of which can change: skipped, not failed.
            return Ok(None);
        }
        Err(first_error
            .unwrap_or_else(|| StudyError::invalid(&plan.path, 0, "nothing to replace in it")))
    }

    /// `changes` (some of `plan`'s) written in one rewrite: the words in the turns and the
    /// speakers' labels together (a caption transcript is stored as WebVTT with its
    /// speakers renamed; see [`Study::rewrite_transcript`]).
    fn rewrite_changes(
        &self,
        plan: &Plan,
        changes: &[&Replaced],
        who: &str,
        dry_run: bool,
    ) -> Result<UpdateReport, StudyError> {
        let edits: Vec<TextEdit> = changes
            .iter()
            .map(|c| TextEdit {
                start: c.at.offset,
                end: c.at.offset + c.at.before.chars().count(),
                replacement: c.at.after.clone(),
            })
            .collect();
        self.rewrite_transcript(&plan.id, &edits, who, dry_run)
    }

    /// Every transcript's planned edits, in natural order (transcripts with none left out).
    fn plan_transcripts(&self, guard: &Guard) -> Result<Vec<Plan>, StudyError> {
        let accepted = guard.accepted();
        let mut plans = Vec::new();
        for (id, path, parsed) in self.load_transcripts()? {
            let t = parsed.map_err(|e| crate::transcripts::unparsable(&path, e))?;
            let found = guard.find(&t.text);
            if found.is_empty() {
                continue;
            }
            let chars: Vec<char> = t.text.chars().collect();
            let own_text = own_text(t.format);
            let file = self.shown(&path);
            let mut plan = Plan {
                id: id.clone(),
                path: path.clone(),
                changes: Vec::new(),
            };
            for o in found {
                let a = &accepted[o.term];
                let turn = t
                    .turns
                    .iter()
                    .position(|u| u.start <= o.start && o.end <= u.end)
                    .map_or(0, |i| i + 1);
                let label = turn == 0
                    && t.turns
                        .iter()
                        .filter_map(|u| u.speaker.as_deref())
                        .any(|s| guard.find(s).iter().any(|o2| o2.term == o.term));
                let after = if label {
                    a.label_form()
                } else {
                    a.replacement.clone()
                };
                let before: String = chars[o.start..o.end].iter().collect();
                plan.changes.push(Replaced {
                    at: KeyLogRow {
                        file: file.clone(),
                        transcript: id.clone(),
                        offset: o.start,
                        line: if own_text {
                            1 + chars[..o.start].iter().filter(|&&c| c == '\n').count()
                        } else {
                            // The file's line of the turn it is in, or (a speaker label,
                            // before its turn) of the turn it names.
                            let at = match turn {
                                0 => t.turns.iter().find(|u| u.start >= o.end),
                                n => t.turns.get(n - 1),
                            };
                            at.map_or(0, |u| u.line)
                        },
                        before,
                        after,
                    },
                    turn,
                    label,
                    term: a.term.clone(),
                    kind: a.kind.clone(),
                    left: one_line(&chars[o.start.saturating_sub(30)..o.start]),
                    right: one_line(&chars[o.end..(o.end + 30).min(chars.len())]),
                });
            }
            plans.push(plan);
        }
        Ok(plans)
    }
}

/// Refuses a replacement that contains an accepted term: applying would then never end
/// (each run finding the term again inside its own replacement).
fn check_replacements(study: &Study, guard: &Guard) -> Result<(), StudyError> {
    let accepted = guard.accepted();
    for a in accepted {
        for form in [a.replacement.clone(), a.label_form()] {
            if let Some(o) = guard.find(&form).first() {
                return Err(StudyError::invalid(
                    study.anonymisation_review_path(),
                    0,
                    format!(
                        "the replacement \"{}\" contains the accepted term \"{}\", so it would \
                         be replaced again: choose another replacement (e.g. [Name 1]); \
                         nothing was changed",
                        a.replacement, accepted[o.term].term
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `participants.csv` rewritten (when anything changes) and its changes.
fn participants_changes(
    study: &Study,
    guard: &Guard,
) -> Result<(Option<Vec<u8>>, Vec<Replaced>), StudyError> {
    let accepted = guard.accepted();
    let path = study.participants_path();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, Vec::new())),
        Err(e) => return Err(StudyError::io(&path, e)),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        rows.push((line, rec.iter().map(str::to_string).collect()));
    }
    let header = rows.first().map(|(_, r)| r.clone()).unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (transcript_col, speaker_col) = (col(TRANSCRIPT_COLUMN), col(SPEAKER_COLUMN));
    let mut changes = Vec::new();
    for (line, row) in rows.iter_mut().skip(1) {
        for (j, cell) in row.iter_mut().enumerate() {
            if Some(j) == transcript_col {
                continue;
            }
            let found = guard.find(cell);
            if found.is_empty() {
                continue;
            }
            let chars: Vec<char> = cell.chars().collect();
            let mut out = String::new();
            let mut at = 0;
            for o in found {
                let a = &accepted[o.term];
                let after = if Some(j) == speaker_col {
                    a.label_form()
                } else {
                    a.replacement.clone()
                };
                out.extend(&chars[at..o.start]);
                out.push_str(&after);
                changes.push(Replaced {
                    at: KeyLogRow {
                        file: study.shown(&path),
                        transcript: String::new(),
                        offset: 0,
                        line: *line,
                        before: chars[o.start..o.end].iter().collect(),
                        after,
                    },
                    turn: 0,
                    label: false,
                    term: a.term.clone(),
                    kind: a.kind.clone(),
                    left: format!("{}: ", header.get(j).map_or("", String::as_str)),
                    right: String::new(),
                });
                at = o.end;
            }
            out.extend(&chars[at..]);
            *cell = out;
        }
    }
    if changes.is_empty() {
        return Ok((None, changes));
    }
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for (_, row) in &rows {
        w.write_record(row)
            .map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
    }
    let out = w
        .into_inner()
        .map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
    Ok((Some(out), changes))
}

/// Whether a format's normalized text is its file's own text (typed transcripts).
pub(crate) fn own_text(format: thematic_transcript::Format) -> bool {
    use thematic_transcript::Format;
    matches!(
        format,
        Format::Txt | Format::Md | Format::Otter | Format::Rev
    )
}

/// The `interviewers` list of `thematic.toml` with each accepted term in it replaced by its
/// label form (an interviewer renamed in the transcripts stays an interviewer), when that
/// changes it, and the changes.
fn interviewers_changes(study: &Study, guard: &Guard) -> (Option<Vec<String>>, Vec<Replaced>) {
    let mut changes = Vec::new();
    let list: Vec<String> = study
        .config()
        .interviewers
        .iter()
        .map(|label| {
            let new = guard.replace_with(label, AcceptedTerm::label_form);
            for o in guard.find(label) {
                let a = &guard.accepted()[o.term];
                changes.push(Replaced {
                    at: KeyLogRow {
                        file: crate::config::CONFIG_FILE.to_string(),
                        transcript: String::new(),
                        offset: 0,
                        line: 0,
                        before: label.chars().skip(o.start).take(o.end - o.start).collect(),
                        after: a.label_form(),
                    },
                    turn: 0,
                    label: true,
                    term: a.term.clone(),
                    kind: a.kind.clone(),
                    left: "interviewers: ".into(),
                    right: String::new(),
                });
            }
            new
        })
        .collect();
    if changes.is_empty() {
        (None, changes)
    } else {
        (Some(list), changes)
    }
}

/// Sets `interviewers` in `thematic.toml`, editing the file in place so its comments stay.
fn write_interviewers(study: &Study, list: &[String]) -> Result<(), StudyError> {
    let path = study.root().join(crate::config::CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| StudyError::invalid(&path, 0, e.to_string()))?;
    let mut array = toml_edit::Array::new();
    for l in list {
        array.push(l.as_str());
    }
    doc["interviewers"] = toml_edit::value(array);
    atomic_write(&path, doc.to_string().as_bytes())
}

/// `changes` split into those made (their indexes in `done`) and those left.
fn split_done(changes: &[Replaced], done: &[usize]) -> (Vec<Replaced>, Vec<Replaced>) {
    let (mut applied, mut skipped) = (Vec::new(), Vec::new());
    for (i, c) in changes.iter().enumerate() {
        if done.contains(&i) {
            applied.push(c.clone());
        } else {
            skipped.push(c.clone());
        }
    }
    (applied, skipped)
}

/// Characters on one line: line breaks and tabs shown as spaces.
fn one_line(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Path;

    use super::*;
    use crate::codings::Status;
    use crate::testing::{MECHANISMS_FILE, coding_of, study};

    const P1: &str = "Interviewer: Thanks for coming in today.\n\n\
                      P1: My husband John drove me to the clinic in Leeds, you know.\n\n\
                      Interviewer: And how was it?\n\nP1: Fine. John waited outside.\n";
    const P2: &str = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>What helps?\n\n\
                      00:00:05.000 --> 00:00:09.500\n<v Ann Smith>Being heard. John agrees.\n";
    const REVIEW: &str = "term,kind,rule,count,example,decision,replacement,note\n\
                          John,name,manual,0,,replace,[Name 1],\n\
                          Ann Smith,speaker,manual,0,,replace,[Name 2],\n\
                          Leeds,place,manual,0,,replace,[Town],\n";

    fn planted(dir: &Path) -> Study {
        let s = study(&dir.join("pilot"), MECHANISMS_FILE);
        s.import_bytes(Path::new("P1.txt"), P1.as_bytes(), None, false)
            .unwrap();
        s.import_bytes(Path::new("P2.vtt"), P2.as_bytes(), None, false)
            .unwrap();
        std::fs::write(
            s.participants_path(),
            "participant,transcript,speaker\nP1,P1,\nAS,P2,Ann Smith\n",
        )
        .unwrap();
        let words = "My husband John drove me to the clinic in Leeds";
        s.code(&coding_of(&s, "KW", "c-1", words, "asking-questions"))
            .unwrap();
        s.code(&coding_of(
            &s,
            "KW",
            "c-2",
            "John waited outside.",
            "asking-questions",
        ))
        .unwrap();
        std::fs::create_dir_all(s.root().join("anonymisation")).unwrap();
        std::fs::write(s.root().join("anonymisation/review.csv"), REVIEW).unwrap();
        s
    }

    fn options(dry_run: bool) -> ApplyOptions {
        ApplyOptions {
            who: "KW".into(),
            dry_run,
            ..ApplyOptions::default()
        }
    }

    #[test]
    fn a_dry_run_plans_every_change_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = planted(dir.path());
        let before = std::fs::read(s.root().join("transcripts/P1.txt")).unwrap();
        let r = s.apply_anonymisation(&options(true)).unwrap();
        // P1: John, Leeds, John (3); P2: the label Ann Smith, John (2); participants.csv:
        // the speaker Ann Smith (1).
        let seen: Vec<(&str, usize, &str, &str)> = r
            .changes
            .iter()
            .map(|c| {
                (
                    c.at.transcript.as_str(),
                    c.turn,
                    c.at.before.as_str(),
                    c.at.after.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("P1", 2, "John", "[Name 1]"),
                ("P1", 2, "Leeds", "[Town]"),
                ("P1", 4, "John", "[Name 1]"),
                ("P2", 0, "Ann Smith", "Name 2"),
                ("P2", 2, "John", "[Name 1]"),
                ("", 0, "Ann Smith", "Name 2"),
            ]
        );
        assert_eq!(r.terms_replaced(), 3);
        assert_eq!(r.transcripts_changed(), ["P1", "P2"]);
        assert_eq!(
            r.counts(),
            (0, 2, 0),
            "both codings would move, none orphaned"
        );
        assert!(!r.written && r.failed.is_empty());
        assert_eq!(
            std::fs::read(s.root().join("transcripts/P1.txt")).unwrap(),
            before
        );
        assert!(!dir.path().join("pilot-anonymisation-key").exists());
    }

    #[test]
    fn apply_replaces_consistently_moves_codings_and_keeps_the_key_beside_the_study() {
        let dir = tempfile::tempdir().unwrap();
        let s = planted(dir.path());
        let r = s.apply_anonymisation(&options(false)).unwrap();
        assert!(r.failed.is_empty(), "{:?}", r.failed);
        assert_eq!(r.counts(), (0, 2, 0));
        let p1 = s.transcript("P1").unwrap();
        assert!(
            p1.text
                .contains("My husband [Name 1] drove me to the clinic in [Town], you know.")
        );
        assert!(p1.text.contains("P1: Fine. [Name 1] waited outside."));
        let p2 = s.transcript("P2").unwrap();
        assert_eq!(p2.turns.len(), 2, "{}", p2.text);
        assert_eq!(
            p2.turns[1].speaker.as_deref(),
            Some("Name 2"),
            "{}",
            p2.text
        );
        assert!(
            p2.text.contains("Being heard. [Name 1] agrees."),
            "{}",
            p2.text
        );
        let codings = s.codings_of("KW").unwrap().codings;
        assert!(codings.iter().all(|c| c.status == Status::Ok));
        assert_eq!(
            codings[0].text,
            "My husband [Name 1] drove me to the clinic in [Town]"
        );
        assert_eq!(codings[1].text, "[Name 1] waited outside.");
        assert_eq!(s.check().unwrap().errors(), 0);
        assert_eq!(
            std::fs::read_to_string(s.participants_path()).unwrap(),
            "participant,transcript,speaker\nP1,P1,\nAS,P2,Name 2\n"
        );
        // The key is beside the study; the study's own log has no words.
        let key = dir.path().join("pilot-anonymisation-key");
        assert!(
            std::fs::read_to_string(key.join("key.csv"))
                .unwrap()
                .contains("Leeds,place,[Town],Town\n")
        );
        let log = std::fs::read_to_string(s.changelog_path()).unwrap();
        let last = log.lines().last().unwrap();
        assert!(
            last.contains("6 occurrence(s) of 3 accepted term(s) replaced in 2 transcript(s) and the study's settings"),
            "{last}"
        );
        // What is left is the change log's history (`code` logged its words) only.
        assert!(r.leftovers.iter().all(|f| f.history), "{:?}", r.leftovers);
        // Nothing more to do the second time.
        let again = s.apply_anonymisation(&options(false)).unwrap();
        assert!(again.changes.is_empty());
    }

    #[test]
    fn a_replacement_holding_an_accepted_term_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let s = planted(dir.path());
        std::fs::write(
            s.root().join("anonymisation/review.csv"),
            "term,kind,rule,count,example,decision,replacement,note\n\
             Leeds,place,manual,0,,replace,[Leeds area],\n",
        )
        .unwrap();
        let e = s.apply_anonymisation(&options(false)).unwrap_err();
        assert!(
            e.to_string()
                .contains("contains the accepted term \"Leeds\""),
            "{e}"
        );
        assert!(s.transcript("P1").unwrap().text.contains("Leeds,"));
    }

    #[test]
    fn an_interviewer_renamed_stays_an_interviewer_and_a_trailer_that_must_stay_is_skipped() {
        // The sample P4 is an Otter export: "Kate Walker  0:01" labels (36 of them), the
        // interviewer by the settings, and a trailer "Transcribed by https://otter.ai"
        // that stops being one if its address is replaced.
        let dir = tempfile::tempdir().unwrap();
        let mut s = study(&dir.path().join("pilot"), MECHANISMS_FILE);
        let otter = include_str!("../../../sample-transcripts/P4_otter.txt");
        s.import_bytes(Path::new("P4.txt"), otter.as_bytes(), None, false)
            .unwrap();
        let mut config = s.config().clone();
        config.interviewers.push("Kate Walker".into());
        s.set_config(config).unwrap();
        std::fs::create_dir_all(s.root().join("anonymisation")).unwrap();
        std::fs::write(
            s.root().join("anonymisation/review.csv"),
            "term,kind,rule,count,example,decision,replacement,note\n\
             Kate Walker,speaker,manual,0,,replace,[Name 1],\n\
             https://otter.ai,url,manual,0,,replace,[URL],\n",
        )
        .unwrap();
        let r = s.apply_anonymisation(&options(false)).unwrap();
        assert!(r.failed.is_empty(), "{:?}", r.failed);
        let skipped: Vec<&str> = r.skipped.iter().map(|c| c.at.before.as_str()).collect();
        assert_eq!(skipped, ["https://otter.ai"]);
        // 36 labels and the settings' list.
        assert_eq!(r.changes.len(), 36 + 1, "{:?}", r.changes.last());
        let s = Study::open(s.root()).unwrap();
        assert!(s.config().interviewers.contains(&"Name 1".to_string()));
        assert!(!s.config().interviewers.contains(&"Kate Walker".to_string()));
        let t = s.transcript("P4").unwrap();
        assert_eq!(t.turns[0].speaker.as_deref(), Some("Name 1"));
        assert_eq!(t.turns[0].role, thematic_transcript::Role::Interviewer);
        // What was left is found again.
        let left: Vec<(&str, usize)> = r
            .leftovers
            .iter()
            .filter(|f| !f.history)
            .map(|f| (f.term.as_str(), f.turn))
            .collect();
        assert_eq!(left, [("https://otter.ai", 0)]);
    }
}
