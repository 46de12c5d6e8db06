//! `thematic check`: every coding verified against its transcript, its theme and its coder.
//!
//! Each coder's file is read on its own, so one broken file does not hide the others'
//! problems. Transcripts are parsed once each, on every core.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use thematic_codebook::{Codebook, closest};
use thematic_transcript::Transcript;

use crate::codings::{Coding, Status};
use crate::error::StudyError;
use crate::store::valid_coder;
use crate::study::Study;
use crate::transcripts::{natural_cmp, parallel_map};
use crate::unfinished::UNFINISHED_FILE;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something the analysis would get wrong; `thematic check` exits 1.
    Error,
    /// Worth a look; does not fail the check.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The file concerned.
    pub file: PathBuf,
    /// 1-based line, when known (0 otherwise).
    pub line: usize,
    /// The coder, when the finding is about a coding.
    pub coder: String,
    /// The coding id, when about one coding.
    pub coding: String,
    /// The transcript, when about one.
    pub transcript: String,
    /// A short kind, e.g. `text-mismatch`.
    pub kind: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// What `Study::check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Codings read.
    pub codings: usize,
    /// Coders with a readable file.
    pub coders: usize,
    /// Findings, errors first, then by file and coding.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
}

/// An operation that did not finish (a killed `thematic init --from`, `codebook merge`,
/// `transcripts update`, …) leaves a study half changed: an error for each, with what may be
/// missing and the command that finishes it.
fn check_unfinished(study: &Study, report: &mut CheckReport) {
    let messages = match study.unfinished_all() {
        Ok(all) => all
            .iter()
            .map(|u| {
                format!(
                    "{}, started {}, did not finish: {}; to finish it, run `{}` in the study",
                    u.what(),
                    u.started,
                    if u.effect.is_empty() {
                        "part of what it was to change may be missing"
                    } else {
                        &u.effect
                    },
                    u.finish_command()
                )
            })
            .collect(),
        Err(e) => vec![format!(
            "an operation did not finish, and its record cannot be read ({e}); run the \
             command that was cut short again, then delete {UNFINISHED_FILE}"
        )],
    };
    for message in messages {
        report.findings.push(Finding {
            severity: Severity::Error,
            file: study.root().join(UNFINISHED_FILE),
            line: 0,
            coder: String::new(),
            coding: String::new(),
            transcript: String::new(),
            kind: "unfinished",
            message,
        });
    }
}

impl Study {
    /// Verifies every coding: its file parses; its transcript exists and still holds the
    /// quoted text at `start..end` in turn `turn`; its theme exists, is codable and current;
    /// its id is unique; it is not orphaned; and every file in `codings/` belongs to a coder.
    /// Each operation left unfinished (`unfinished.toml`) is an error too.
    pub fn check(&self) -> Result<CheckReport, StudyError> {
        let mut report = CheckReport::default();
        check_unfinished(self, &mut report);
        let book = self.codebook()?;
        let mut codings: Vec<Coding> = Vec::new();
        self.check_files(&mut report, &mut codings)?;
        report.codings = codings.len();
        check_ids(self, &codings, &mut report)?;
        check_themes(self, &book, &codings, &mut report)?;
        check_anchors(self, &codings, &mut report)?;
        check_speakers(self, &mut report)?;
        self.check_media(&mut report)?;
        report.findings.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then_with(|| a.file.cmp(&b.file))
                .then_with(|| natural_cmp(&a.transcript, &b.transcript))
                .then_with(|| a.line.cmp(&b.line))
                .then_with(|| a.coding.cmp(&b.coding))
        });
        Ok(report)
    }

    fn check_files(
        &self,
        report: &mut CheckReport,
        codings: &mut Vec<Coding>,
    ) -> Result<(), StudyError> {
        let dir = self.codings_dir();
        let mut names: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(StudyError::io(&dir, e)),
        };
        names.sort();
        for path in names {
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if !valid_coder(&stem) {
                report.findings.push(Finding {
                    severity: Severity::Error,
                    file: path.clone(),
                    line: 0,
                    coder: stem.clone(),
                    coding: String::new(),
                    transcript: String::new(),
                    kind: "not-a-coder",
                    message: format!(
                        "this file is not read: \"{stem}\" cannot be a coder name (letters, digits, '.', '_' or '-'); rename the file, e.g. to {}.csv",
                        stem.chars()
                            .map(|c| if c.is_alphanumeric() { c } else { '-' })
                            .collect::<String>()
                    ),
                });
                continue;
            }
            match self.codings_of(&stem) {
                Ok(file) => {
                    report.coders += 1;
                    if let Some(torn) = &file.incomplete {
                        report.findings.push(Finding {
                            severity: Severity::Warning,
                            file: path.clone(),
                            line: torn.line,
                            coder: stem.clone(),
                            coding: String::new(),
                            transcript: String::new(),
                            kind: "incomplete-row",
                            message: format!(
                                "an incomplete last row left by an interrupted write is ignored (\"{}\"); the coder's next change moves it to {}",
                                torn.text.chars().take(60).collect::<String>(),
                                crate::csvlog::torn_path(&path).display()
                            ),
                        });
                    }
                    codings.extend(file.codings);
                }
                Err(StudyError::Invalid {
                    path,
                    line,
                    message,
                }) => report.findings.push(Finding {
                    severity: Severity::Error,
                    file: path,
                    line,
                    coder: stem,
                    coding: String::new(),
                    transcript: String::new(),
                    kind: "unreadable",
                    message: format!("{message} (none of this coder's codings were checked)"),
                }),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// `participants.csv` against the transcripts' speakers: an error for a file that cannot
/// be read (every report would fail on it), a warning for each transcript with several
/// speakers who are not interviewers and some of them without a participant (their words
/// count as the transcript's one participant), and for a row naming a transcript or a
/// speaker that is not there.
fn check_speakers(study: &Study, report: &mut CheckReport) -> Result<(), StudyError> {
    let path = study.participants_path();
    let mut push = |severity, line, transcript: &str, kind, message| {
        report.findings.push(Finding {
            severity,
            file: path.clone(),
            line,
            coder: String::new(),
            coding: String::new(),
            transcript: transcript.to_string(),
            kind,
            message,
        });
    };
    let table = match study.participants() {
        Ok(t) => t,
        Err(StudyError::Invalid { line, message, .. }) => {
            push(Severity::Error, line, "", "participants", message);
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let spans = study.turn_spans()?;
    for t in &spans {
        let turns = || t.turns.iter().map(|x| (x.role, x.speaker.as_deref()));
        if let Some(shared) = crate::SharedTranscript::of(&table, &t.id, turns())
            && !shared.unplaced.is_empty()
        {
            let message = format!(
                "{} has {} speakers who are not interviewers ({}); {} in participants.csv, so \
                 their words count as one participant, \"{}\"; \
                 `thematic participants suggest` proposes a row for each speaker \
                 (participant, transcript, speaker) and `--write` adds them",
                t.id,
                shared.speakers.len(),
                shared.speakers.join(", "),
                match shared.unplaced.as_slice() {
                    all if all.len() == shared.speakers.len() => {
                        "none of them has a row".to_string()
                    }
                    [one] => format!("{one} has no row"),
                    many => format!("{} have no row", many.join(", ")),
                },
                table.participant_of(&t.id, None)
            );
            push(Severity::Warning, 0, &t.id, "unplaced-speaker", message);
        }
    }
    for row in &table.speakers {
        let Some(t) = spans.iter().find(|t| t.id == row.transcript) else {
            let message = format!(
                "participant \"{}\" is given for transcript \"{}\", which the study does not \
                 have; correct the transcript id (`thematic transcripts` lists them)",
                row.participant, row.transcript
            );
            push(
                Severity::Warning,
                row.line,
                &row.transcript,
                "unknown-speaker",
                message,
            );
            continue;
        };
        if row.speaker.is_empty() || t.error.is_some() {
            continue;
        }
        if !t
            .turns
            .iter()
            .any(|x| x.speaker.as_deref().is_some_and(|k| row.names(k)))
        {
            let mut keys: Vec<&str> = Vec::new();
            for k in t.turns.iter().filter_map(|x| x.speaker.as_deref()) {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            let message = format!(
                "participant \"{}\" is speaker \"{}\" of {}, but no turn there has that \
                 speaker (its speakers: {}); correct the speaker as the transcript writes it",
                row.participant,
                row.speaker,
                row.transcript,
                keys.join(", ")
            );
            push(
                Severity::Warning,
                row.line,
                &row.transcript,
                "unknown-speaker",
                message,
            );
        }
    }
    Ok(())
}

fn finding(
    study: &Study,
    severity: Severity,
    c: &Coding,
    kind: &'static str,
    message: String,
) -> Result<Finding, StudyError> {
    Ok(Finding {
        severity,
        file: study.codings_path(&c.coder)?,
        line: 0,
        coder: c.coder.clone(),
        coding: c.id.clone(),
        transcript: c.transcript.clone(),
        kind,
        message,
    })
}

fn check_ids(
    study: &Study,
    codings: &[Coding],
    report: &mut CheckReport,
) -> Result<(), StudyError> {
    let mut seen: HashMap<&str, &Coding> = HashMap::with_capacity(codings.len());
    let mut spans: HashSet<(&str, &str, usize, usize, &str)> = HashSet::new();
    for c in codings {
        if let Some(first) = seen.insert(&c.id, c) {
            let message = if first.coder == c.coder {
                format!(
                    "the id {} is used twice in this file; give one of them a new id (any text unique in the study)",
                    c.id
                )
            } else {
                format!(
                    "the id {} is also used by {}'s coding; give one of them a new id",
                    c.id, first.coder
                )
            };
            report
                .findings
                .push(finding(study, Severity::Error, c, "duplicate-id", message)?);
        }
        if !spans.insert((&c.coder, &c.transcript, c.start, c.end, &c.theme)) {
            report.findings.push(finding(
                study,
                Severity::Warning,
                c,
                "duplicate-coding",
                format!(
                    "{} has coded {} [{}-{}] with {} more than once; `thematic uncode {}` removes this copy",
                    c.coder, c.transcript, c.start, c.end, c.theme, c.id
                ),
            )?);
        }
    }
    Ok(())
}

fn check_themes(
    study: &Study,
    book: &Codebook,
    codings: &[Coding],
    report: &mut CheckReport,
) -> Result<(), StudyError> {
    for c in codings {
        let problem = match book.get(&c.theme) {
            None => Some((
                Severity::Error,
                "unknown-theme",
                match closest(&c.theme, book.entries.iter().map(|e| e.id.as_str())) {
                    Some(near) => format!(
                        "no theme \"{}\" in the codebook; did you mean \"{near}\"? Fix the `theme` column or add the theme",
                        c.theme
                    ),
                    None => format!(
                        "no theme \"{}\" in the codebook; fix the `theme` column or add the theme (`thematic codebook add`)",
                        c.theme
                    ),
                },
            )),
            Some(e) if e.retired => Some((
                Severity::Warning,
                "retired-theme",
                format!(
                    "theme \"{}\" is retired; merge it (`thematic codebook merge`) or recode this coding",
                    c.theme
                ),
            )),
            Some(e) if !e.codable => Some((
                Severity::Error,
                "group-coded",
                format!(
                    "\"{}\" is a group (codable = false) and cannot hold codings; recode under one of its themes",
                    c.theme
                ),
            )),
            Some(_) => None,
        };
        if let Some((severity, kind, message)) = problem {
            report
                .findings
                .push(finding(study, severity, c, kind, message)?);
        }
    }
    Ok(())
}

fn check_anchors(
    study: &Study,
    codings: &[Coding],
    report: &mut CheckReport,
) -> Result<(), StudyError> {
    let mut by_transcript: BTreeMap<&str, Vec<&Coding>> = BTreeMap::new();
    for c in codings {
        by_transcript.entry(&c.transcript).or_default().push(c);
    }
    let groups: Vec<(&str, Vec<&Coding>)> = by_transcript.into_iter().collect();
    let files: HashMap<String, PathBuf> = study.transcript_files()?.into_iter().collect();
    let options = study.parse_options();
    let results = parallel_map(&groups, |(id, group)| {
        check_transcript_anchors(study, files.get(*id), &options, id, group)
    });
    for r in results {
        report.findings.extend(r?);
    }
    Ok(())
}

/// The findings for the codings of transcript `id` (stored at `path`, when it exists): every
/// coding at once when the transcript is missing or unreadable, else each coding's anchor.
fn check_transcript_anchors(
    study: &Study,
    path: Option<&PathBuf>,
    options: &thematic_transcript::Options,
    id: &str,
    group: &[&Coding],
) -> Result<Vec<Finding>, StudyError> {
    let mut out = Vec::new();
    let Some(path) = path else {
        for c in group {
            out.push(finding(
                study,
                Severity::Error,
                c,
                "unknown-transcript",
                format!(
                    "no transcript \"{id}\" in transcripts/; import it, or fix the `transcript` column"
                ),
            )?);
        }
        return Ok(out);
    };
    let t = match crate::transcripts::read_transcript(path, options)? {
        Ok(t) => t,
        Err(e) => {
            for c in group {
                out.push(finding(
                    study,
                    Severity::Error,
                    c,
                    "unreadable-transcript",
                    format!(
                        "the transcript cannot be read: {e}; `thematic parse` on the file shows why: fix it, or replace it with a readable version (`thematic transcripts update {id} FILE`)"
                    ),
                )?);
            }
            return Ok(out);
        }
    };
    // Byte offset of every code point, once per transcript.
    let mut bounds: Vec<usize> = t.text.char_indices().map(|(i, _)| i).collect();
    bounds.push(t.text.len());
    for c in group {
        if let Some((severity, kind, message)) = anchor_problem(&t, &bounds, id, c) {
            out.push(finding(study, severity, c, kind, message)?);
        }
    }
    Ok(out)
}

/// What is wrong with where coding `c` points in transcript `t` (of id `id`), if anything.
/// `bounds` holds the byte offset of every code point of `t.text`, then its length.
fn anchor_problem(
    t: &Transcript,
    bounds: &[usize],
    id: &str,
    c: &Coding,
) -> Option<(Severity, &'static str, String)> {
    let chars = bounds.len() - 1;
    if c.status == Status::Orphaned {
        return Some((
            Severity::Error,
            "orphaned",
            format!(
                "orphaned by a transcript correction: \"{}\" was not found again; recode the passage (`thematic code`) and then `thematic uncode {}`",
                c.text.chars().take(60).collect::<String>(),
                c.id
            ),
        ));
    }
    if c.start >= c.end {
        return Some((
            Severity::Error,
            "empty",
            format!(
                "the coding is empty (start {} is not before end {}); fix the offsets or `thematic uncode {}`",
                c.start, c.end, c.id
            ),
        ));
    }
    if c.end > chars {
        return Some((
            Severity::Error,
            "out-of-range",
            format!(
                "offsets {}-{} lie outside the transcript ({chars} characters); the transcript was replaced after coding: run `thematic transcripts update {id} FILE` with the corrected file, or fix the row",
                c.start, c.end
            ),
        ));
    }
    let here = &t.text[bounds[c.start]..bounds[c.end]];
    if here != c.text {
        return Some((
            Severity::Error,
            "text-mismatch",
            format!(
                "the transcript at {}-{} reads \"{}\", not the coded \"{}\": transcript {id} was changed after this coding was made, and not by `thematic transcripts update` or `thematic import --replace` (which move codings): edited by hand, copied over, or updated by an older thematic while this coding was being written; if the file was edited by hand, put the version the coding was made against back and bring the new one in with `thematic transcripts update {id} FILE`, which moves the codings; if the new text must stay as it is, remove the coding (`thematic uncode {}`) and code the words again",
                c.start,
                c.end,
                here.chars().take(60).collect::<String>(),
                c.text.chars().take(60).collect::<String>(),
                c.id
            ),
        ));
    }
    let turn = crate::turn_cache::turn_holding(&t.turns, c.start, |x| (x.start, x.end)).ok();
    match turn {
        Some(k) if k + 1 != c.turn => Some((
            Severity::Error,
            "wrong-turn",
            format!(
                "the coded text lies in turn {}, not turn {}; fix the `turn` column",
                k + 1,
                c.turn
            ),
        )),
        Some(k) if c.end > t.turns[k].end => Some((
            Severity::Warning,
            "crosses-turns",
            format!(
                "the coding runs past the end of turn {} into the next turn; code each turn's words separately (`thematic uncode`, then `thematic code` per turn), or keep it if the passage must stay whole",
                k + 1
            ),
        )),
        None => Some((
            Severity::Warning,
            "outside-turns",
            "the coding starts outside every turn (in a header or between turns); move it onto a speaker's words, or check how the transcript's turns are read with `thematic parse`".into(),
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::InitOptions;
    use std::path::Path;

    fn coding(id: &str, transcript: &str, turn: usize, start: usize, text: &str) -> Coding {
        Coding {
            id: id.into(),
            coder: "KW".into(),
            transcript: transcript.into(),
            turn,
            start,
            end: start + text.chars().count(),
            theme: id.into(),
            text: text.into(),
            ..Coding::default()
        }
    }

    #[test]
    fn an_unfinished_operation_is_an_error_naming_the_command_that_finishes_it() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &InitOptions::new("t")).unwrap();
        assert_eq!(study.check().unwrap().errors(), 0);
        crate::Unfinished::init_from(Path::new("/tmp/p.qdpx"))
            .write(study.root())
            .unwrap();
        let report = study.check().unwrap();
        assert_eq!(report.errors(), 1);
        let f = &report.findings[0];
        assert_eq!(f.kind, "unfinished");
        assert!(
            f.message
                .contains("making this study from /tmp/p.qdpx (`thematic init --from`)"),
            "{}",
            f.message
        );
        assert!(
            f.message
                .contains("run `thematic import /tmp/p.qdpx` in the study"),
            "{}",
            f.message
        );
        study.finished().unwrap();
        assert_eq!(study.check().unwrap().errors(), 0);
    }

    #[test]
    fn every_anchor_problem_is_reported_with_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &InitOptions::new("t")).unwrap();
        std::fs::write(
            study.transcripts_dir().join("P1.txt"),
            "Interviewer: Hello there?\n\nP1: Hi. I am fine.\n",
        )
        .unwrap();
        let t = study.transcript("P1").unwrap();
        let at = |s: &str| t.text[..t.text.find(s).unwrap()].chars().count();
        let chars = t.text.chars().count();
        let across = &t.text[t.text.find("there?").unwrap()..t.text.find(" I am").unwrap()];
        let mut orphan = coding("orphaned", "P1", 2, at("fine"), "fine");
        orphan.status = Status::Orphaned;
        let mut empty = coding("empty", "P1", 2, at("fine"), "");
        empty.end = empty.start;
        let codings = [
            coding("sound", "P1", 2, at("fine"), "fine"),
            orphan,
            empty,
            coding("out-of-range", "P1", 2, chars, "words"),
            coding("text-mismatch", "P1", 2, at("fine"), "good"),
            coding("wrong-turn", "P1", 1, at("am"), "am"),
            coding("crosses-turns", "P1", 1, at("there?"), across),
            coding("outside-turns", "P1", 1, 0, "Interviewer"),
            coding("unknown-transcript", "P9", 1, 0, "Hi"),
        ];
        study.add_codings("KW", &codings).unwrap();
        let report = study.check().unwrap();
        let mut found: Vec<(&str, &str)> = report
            .findings
            .iter()
            .filter(|f| f.kind != "unknown-theme")
            .map(|f| (f.coding.as_str(), f.kind))
            .collect();
        found.sort();
        let mut want: Vec<(&str, &str)> = codings[1..]
            .iter()
            .map(|c| (c.id.as_str(), c.id.as_str()))
            .collect();
        want.sort();
        assert_eq!(found, want);
    }
}
