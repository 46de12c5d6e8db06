//! `thematic check --identifiers`: where the identifiers accepted in
//! `anonymisation/review.csv` are still written in the study.
//!
//! Looked for in everything of the study that carries words and leaves it in exports or in
//! the folder a team shares: each transcript's text (by turn), every coder's codings file
//! (the quoted words and memos of codings, orphaned ones too), the memo files,
//! `participants.csv` and `thematic.toml` (its `interviewers` list names speakers), each by
//! line. The change log is history, never rewritten: what it
//! still names is a warning, not an error.
//!
//! Matching is [`crate::Guard`]'s, the scanner's whole-word matcher, which keeps a name's
//! capitals ("May" is not "may"). So that nothing is passed over unseen, the same names
//! written in lower case are counted too and reported once per term, as a warning
//! ([`LowerCaseUse`]).

use std::path::{Path, PathBuf};

use crate::anonymise_guard::{Guard, Leak, Occurrence};
use crate::check::{CheckReport, Finding, Severity};
use crate::error::StudyError;
use crate::study::Study;
use crate::transcripts::parallel_map;

/// One accepted identifier still written somewhere in the study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierFinding {
    /// The file it is in.
    pub file: PathBuf,
    /// The 1-based line of that file (of the transcript's text, for a transcript; 0 when
    /// the text is not the file's own, as for captions and Word documents).
    pub line: usize,
    /// For a transcript, the transcript id.
    pub transcript: String,
    /// For a transcript, the 1-based turn it is in (0: in a speaker label, a time or the
    /// header, outside every turn's words).
    pub turn: usize,
    /// The term as `review.csv` has it.
    pub term: String,
    /// Its kind (`name`, `place`, …).
    pub kind: String,
    /// Whether the file is history kept as it is (the change log): a warning.
    pub history: bool,
}

impl IdentifierFinding {
    /// The finding as an export's [`Leak`], its place in words (`transcript P1, turn 2`,
    /// `memos/KW.md, line 3`) relative to `study`.
    pub fn leak(&self, study: &Study) -> Leak {
        let place = if !self.transcript.is_empty() {
            if self.turn > 0 {
                format!("transcript {}, turn {}", self.transcript, self.turn)
            } else {
                format!("transcript {}, outside the turns' words", self.transcript)
            }
        } else if self.line > 0 {
            format!("{}, line {}", study.shown(&self.file), self.line)
        } else {
            study.shown(&self.file)
        };
        Leak {
            term: self.term.clone(),
            kind: self.kind.clone(),
            place,
        }
    }
}

impl Study {
    /// Every place where an identifier accepted in `review.csv` is still written: the
    /// transcripts (in natural order), codings, memos, `participants.csv` and the change
    /// log. One finding per term and line (per term and turn in a transcript).
    pub fn find_identifiers(&self) -> Result<Vec<IdentifierFinding>, StudyError> {
        let guard = Guard::from_study(self)?;
        self.find_identifiers_with(&guard)
    }

    /// [`Study::find_identifiers`] with the accepted terms already read.
    pub fn find_identifiers_with(
        &self,
        guard: &Guard,
    ) -> Result<Vec<IdentifierFinding>, StudyError> {
        Ok(self.find_identifiers_and_lower_case(guard, false)?.0)
    }

    /// The findings and, when `lower_case`, the accepted names also written in lower case
    /// in the transcripts, from one reading of them.
    fn find_identifiers_and_lower_case(
        &self,
        guard: &Guard,
        lower_case: bool,
    ) -> Result<(Vec<IdentifierFinding>, Vec<LowerCaseUse>), StudyError> {
        let mut out = Vec::new();
        if guard.is_empty() {
            return Ok((out, Vec::new()));
        }
        let loaded = self.load_transcripts()?;
        let any_case = lower_case.then(|| AnyCase::new(guard)).flatten();
        // Each transcript's occurrences found once, for its findings and its lower-case uses.
        let per = parallel_map(&loaded, |(id, path, parsed)| match parsed {
            Ok(t) => {
                let found = guard.find(&t.text);
                let lower = any_case
                    .as_ref()
                    .map(|a| a.in_transcript(t, &found))
                    .unwrap_or_default();
                (in_transcript(guard, id, path, t, &found), lower)
            }
            Err(_) => (Vec::new(), Vec::new()), // `thematic check` reports what does not parse
        });
        let lower = any_case
            .map(|a| a.gather(guard, &loaded, &per))
            .unwrap_or_default();
        out.extend(per.into_iter().flat_map(|(found, _)| found));
        let mut files: Vec<(PathBuf, bool)> = Vec::new();
        for dir in [self.codings_dir(), self.memos_dir()] {
            files.extend(files_in(&dir)?.into_iter().map(|p| (p, false)));
        }
        files.push((self.participants_path(), false));
        files.push((self.root().join(crate::config::CONFIG_FILE), false));
        files.push((self.changelog_path(), true));
        for (path, history) in files {
            out.extend(in_lines(guard, &path, history)?);
        }
        Ok((out, lower))
    }

    /// Adds a [`Finding`] of kind `identifier` to `report` for each of
    /// [`Study::find_identifiers`] (an error, a warning in the change log), sorted as
    /// [`Study::check`] sorts. Returns how many were added.
    pub fn check_identifiers(&self, report: &mut CheckReport) -> Result<usize, StudyError> {
        let guard = Guard::from_study(self)?;
        let (found, lower) = self.find_identifiers_and_lower_case(&guard, true)?;
        let n = found.len() + lower.len();
        for l in lower {
            report.findings.push(Finding {
                severity: Severity::Warning,
                file: l.file,
                line: 0,
                coder: String::new(),
                coding: String::new(),
                transcript: l.transcript,
                kind: "identifier",
                message: format!(
                    "the {} \"{}\" (accepted) is also written in lower case {} time(s), first \
                     in turn {}; apply leaves those as ordinary words (\"{}\"). If any of them \
                     is the {}, write the term in lower case in anonymisation/review.csv and \
                     apply replaces every case",
                    crate::anonymise_guard::kind_words(&l.kind),
                    l.term,
                    l.count,
                    l.turn,
                    thematic_anonymise::fold_term(&l.term),
                    crate::anonymise_guard::kind_words(&l.kind),
                ),
            });
        }
        for f in found {
            let place = if !f.transcript.is_empty() {
                if f.turn > 0 {
                    format!("in turn {}", f.turn)
                } else {
                    "in a speaker label, time or header line".to_string()
                }
            } else {
                "here".to_string()
            };
            let message = if f.history {
                format!(
                    "the {} \"{}\" is named in the change log (history, not rewritten; \
                     keep the file out of what you share)",
                    crate::anonymise_guard::kind_words(&f.kind),
                    f.term
                )
            } else {
                format!(
                    "the {} \"{}\" (accepted in anonymisation/review.csv) is still written \
                     {place}: run `thematic anonymise apply` to replace it{}",
                    crate::anonymise_guard::kind_words(&f.kind),
                    f.term,
                    if f.transcript.is_empty() {
                        ", or edit the file"
                    } else if f.turn == 0 {
                        " (a header or trailer line apply leaves, since the transcript would \
                         not read back without it, needs the file edited and `thematic \
                         transcripts update`)"
                    } else {
                        ""
                    }
                )
            };
            report.findings.push(Finding {
                severity: if f.history {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                file: f.file,
                line: f.line,
                coder: String::new(),
                coding: String::new(),
                transcript: f.transcript,
                kind: "identifier",
                message,
            });
        }
        report.findings.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then_with(|| a.file.cmp(&b.file))
                .then_with(|| crate::transcripts::natural_cmp(&a.transcript, &b.transcript))
                .then_with(|| a.line.cmp(&b.line))
                .then_with(|| a.coding.cmp(&b.coding))
        });
        Ok(n)
    }
}

/// An accepted name that keeps its capitals ([`thematic_anonymise::keeps_capitals`]) also
/// written in lower case in the transcripts, where apply leaves it: one per term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowerCaseUse {
    /// The term as `review.csv` has it.
    pub term: String,
    /// Its kind.
    pub kind: String,
    /// How many times it is written without its capitals, in all transcripts.
    pub count: usize,
    /// The first: its transcript's file, id and 1-based turn (0 outside the turns).
    pub file: PathBuf,
    pub transcript: String,
    pub turn: usize,
}

/// The accepted terms that keep their capitals ([`thematic_anonymise::keeps_capitals`]),
/// each folded to lower case so that it matches any case: for finding the
/// [`LowerCaseUse`]s, the matches the guard's own matcher does not make.
struct AnyCase {
    /// Index into the guard's accepted terms of each term matched.
    capitalised: Vec<usize>,
    matcher: thematic_anonymise::TermMatcher,
}

/// A transcript's lower-case uses of each capitalised term: (term, count, first turn).
type LowerInTranscript = Vec<(usize, usize, usize)>;

impl AnyCase {
    /// `None` when no accepted term keeps its capitals.
    fn new(guard: &Guard) -> Option<AnyCase> {
        let capitalised: Vec<usize> = (0..guard.accepted().len())
            .filter(|&i| thematic_anonymise::keeps_capitals(&guard.accepted()[i].term))
            .collect();
        if capitalised.is_empty() {
            return None;
        }
        let folded: Vec<String> = capitalised
            .iter()
            .map(|&i| thematic_anonymise::fold_term(&guard.accepted()[i].term))
            .collect();
        Some(AnyCase {
            capitalised,
            matcher: thematic_anonymise::TermMatcher::new(&folded),
        })
    }

    /// One transcript's lower-case uses: the any-case matches at places the guard did not
    /// match (`found`, its occurrences).
    fn in_transcript(
        &self,
        t: &thematic_transcript::Transcript,
        found: &[Occurrence],
    ) -> LowerInTranscript {
        let named: std::collections::HashSet<(usize, usize)> =
            found.iter().map(|o| (o.start, o.end)).collect();
        let mut uses: LowerInTranscript = Vec::new();
        for m in self.matcher.find(&t.text) {
            if named.contains(&(m.start, m.end)) {
                continue;
            }
            match uses.iter_mut().find(|f| f.0 == m.term_index) {
                Some(f) => f.1 += 1,
                None => uses.push((m.term_index, 1, turn_of(t, m.start, m.end))),
            }
        }
        uses
    }

    /// The [`LowerCaseUse`]s over every transcript, in `review.csv` order: each term's
    /// count summed and its first transcript and turn.
    fn gather(
        &self,
        guard: &Guard,
        loaded: &[crate::transcripts::Loaded],
        per: &[(Vec<IdentifierFinding>, LowerInTranscript)],
    ) -> Vec<LowerCaseUse> {
        let mut out: Vec<LowerCaseUse> = Vec::new();
        for (k, &i) in self.capitalised.iter().enumerate() {
            let mut total = 0;
            let mut first = None;
            for ((id, path, _), (_, uses)) in loaded.iter().zip(per) {
                if let Some(&(_, count, turn)) = uses.iter().find(|f| f.0 == k) {
                    total += count;
                    first.get_or_insert((path.clone(), id.clone(), turn));
                }
            }
            if let Some((file, transcript, turn)) = first {
                let a = &guard.accepted()[i];
                out.push(LowerCaseUse {
                    term: a.term.clone(),
                    kind: a.kind.clone(),
                    count: total,
                    file,
                    transcript,
                    turn,
                });
            }
        }
        out
    }
}

/// The 1-based turn that holds `start..end`; 0 outside every turn's words.
fn turn_of(t: &thematic_transcript::Transcript, start: usize, end: usize) -> usize {
    t.turns
        .iter()
        .position(|u| u.start <= start && end <= u.end)
        .map_or(0, |i| i + 1)
}

/// The findings in one transcript's text: per term and turn.
fn in_transcript(
    guard: &Guard,
    id: &str,
    path: &Path,
    t: &thematic_transcript::Transcript,
    found: &[Occurrence],
) -> Vec<IdentifierFinding> {
    let own_text = crate::anonymise_apply::own_text(t.format);
    // Line starts in code points, for the 1-based line of an occurrence.
    let mut line_starts = vec![0usize];
    for (i, c) in t.text.chars().enumerate() {
        if c == '\n' {
            line_starts.push(i + 1);
        }
    }
    let mut out: Vec<IdentifierFinding> = Vec::new();
    for o in found {
        let turn = turn_of(t, o.start, o.end);
        let a = &guard.accepted()[o.term];
        if out.iter().any(|f| f.turn == turn && f.term == a.term) {
            continue;
        }
        out.push(IdentifierFinding {
            file: path.to_path_buf(),
            line: if own_text {
                line_starts.partition_point(|&s| s <= o.start)
            } else {
                0
            },
            transcript: id.to_string(),
            turn,
            term: a.term.clone(),
            kind: a.kind.clone(),
            history: false,
        });
    }
    out
}

/// The findings in a text file, by line (none when the file does not exist).
fn in_lines(
    guard: &Guard,
    path: &Path,
    history: bool,
) -> Result<Vec<IdentifierFinding>, StudyError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StudyError::io(path, e)),
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for leak in guard.leaks_in(line, "") {
            out.push(IdentifierFinding {
                file: path.to_path_buf(),
                line: i + 1,
                transcript: String::new(),
                turn: 0,
                term: leak.term,
                kind: leak.kind,
                history,
            });
        }
    }
    Ok(out)
}

/// The `.csv` and `.md` files directly in `dir`, sorted (none when it does not exist).
fn files_in(dir: &Path) -> Result<Vec<PathBuf>, StudyError> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("csv") || x.eq_ignore_ascii_case("md"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(StudyError::io(dir, e)),
    };
    out.sort();
    Ok(out)
}
