//! Placing a coding on the transcript as it is when the coding is written.
//!
//! A coder's command (or the browser workspace) reads a transcript, works out offsets, and
//! only then takes the coder's lock to write the coding. A `thematic transcripts update` or
//! `thematic import --replace` of the same transcript may run in between: it takes every
//! coder's lock (and the codebook's, which a coder's first coding takes too), re-anchors
//! the codings already written and puts the new text in place. A coding written after it
//! would carry offsets into the old text. So, under the coder's lock, [`Study::fit_coding`]
//! checks the coding against the transcript file as it is now: its words at its offsets,
//! within its turn. When they are not, the words are looked for with the re-anchoring code
//! ([`crate::reanchor`]), unchanged (an exact match only) in the same turn or uniquely
//! elsewhere, and the coding is moved there; else it is refused with
//! [`StudyError::TranscriptChanged`] and nothing is written.
//!
//! The common path costs a `stat` of one transcript file: parsed transcripts are kept in a
//! small process-wide cache keyed by the file's path, size, modification and change times,
//! inode and the parse options. An update replaces the file by renaming a new one into
//! place, which changes the inode, so a cached parse is never taken for the new text.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use thematic_transcript::Transcript;

use crate::codings::Coding;
use crate::error::StudyError;
use crate::reanchor::{Anchor, reanchor_with};
use crate::study::Study;

/// How many parsed transcripts the cache keeps (the browser workspace codes a few at a
/// time; a command codes one).
const CACHED: usize = 16;

/// What identifies one version of a transcript file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileVersion {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    unix: (u64, u64, i64, i64),
}

impl FileVersion {
    fn of(path: &Path) -> std::io::Result<FileVersion> {
        let meta = std::fs::metadata(path)?;
        Ok(FileVersion {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            unix: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
            },
        })
    }
}

struct Entry {
    path: PathBuf,
    version: FileVersion,
    options: u64,
    transcript: Arc<Transcript>,
}

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// What [`Study::fit_coding`] found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fit {
    /// The coding's words are at its offsets, in its turn (or its transcript is not in the
    /// study, which the callers check first and `thematic check` reports).
    Fits,
    /// The words were found unchanged elsewhere: the coding as it must be written.
    Moved(Box<Coding>),
}

impl Study {
    /// The transcript at `path` as it is now, parsed with this study's options: from the
    /// cache while the file is unchanged.
    pub(crate) fn current_transcript(&self, path: &Path) -> Result<Arc<Transcript>, StudyError> {
        let version = FileVersion::of(path).map_err(|e| StudyError::io(path, e))?;
        let options = self.parse_options_hash();
        let cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = cache
            .iter()
            .find(|e| e.path == path && e.version == version && e.options == options)
        {
            return Ok(Arc::clone(&e.transcript));
        }
        drop(cache);
        let transcript = Arc::new(crate::transcripts::parse_file(path, &self.parse_options())?);
        // Stamp it with the version read before the parse: a file changed meanwhile is
        // stamped with the old version and so parsed again next time.
        let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|e| e.path != path);
        if cache.len() >= CACHED {
            cache.remove(0);
        }
        cache.push(Entry {
            path: path.to_path_buf(),
            version,
            options,
            transcript: Arc::clone(&transcript),
        });
        Ok(transcript)
    }

    /// Checks `coding` against its transcript as it is now (see the module's notes). The
    /// caller holds the coder's lock.
    pub(crate) fn fit_coding(&self, coding: &Coding) -> Result<Fit, StudyError> {
        let Some(path) = self.transcript_file(&coding.transcript)? else {
            return Ok(Fit::Fits);
        };
        let now = self.current_transcript(&path)?;
        if fits(&now, coding) {
            return Ok(Fit::Fits);
        }
        // The words, unchanged, nearest where they were: the re-anchoring code with the
        // current text standing for the old one, accepting exact matches only.
        let found = reanchor_with(&now, &now, std::slice::from_ref(coding), 1.0);
        match found.into_iter().next().map(|r| r.anchor) {
            Some(anchor @ Anchor::Moved { similarity, .. }) if similarity >= 1.0 => {
                let mut moved = coding.clone();
                anchor.apply_to(&mut moved);
                Ok(Fit::Moved(Box::new(moved)))
            }
            _ => Err(StudyError::TranscriptChanged {
                transcript: coding.transcript.clone(),
                turn: coding.turn,
                start: coding.start,
                end: coding.end,
                text: coding.text.chars().take(60).collect(),
            }),
        }
    }
}

/// Whether `transcript` reads `coding`'s words at its offsets, within its turn.
fn fits(transcript: &Transcript, coding: &Coding) -> bool {
    let Some(turn) = coding
        .turn
        .checked_sub(1)
        .and_then(|i| transcript.turns.get(i))
    else {
        return false;
    };
    if coding.start > coding.end || coding.start < turn.start || coding.end > turn.end {
        return false;
    }
    // Byte offsets of every character, and of the end.
    let text = &transcript.text;
    let mut at = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let Some(from) = at.nth(coding.start) else {
        return false;
    };
    let len = coding.end - coding.start;
    let to = if len == 0 {
        Some(from)
    } else {
        at.nth(len - 1)
    };
    to.is_some_and(|to| text[from..to] == coding.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Added, Scan};
    use thematic_transcript::{Options, parse};

    fn coding(turn: usize, start: usize, text: &str) -> Coding {
        Coding {
            id: "c-1".into(),
            coder: "KW".into(),
            transcript: "P1".into(),
            turn,
            start,
            end: start + text.chars().count(),
            theme: "what-matters".into(),
            text: text.into(),
            ..Coding::default()
        }
    }

    #[test]
    fn fits_checks_the_words_the_offsets_and_the_turn() {
        // The text keeps the labels: "Interviewer: Hé?\n\nP1: Oui, très bien." (37 code
        // points); turn 1 "Hé?" is 13-16 ("Interviewer: " is 13), turn 2 is 22-37
        // (13 + 3 + 2 + "P1: " 4 = 22; "Oui, très bien." is 15), "très" at 22 + 5 = 27.
        let t = parse(
            "Interviewer: Hé?\n\nP1: Oui, très bien.\n".as_bytes(),
            &Options::default(),
        )
        .unwrap();
        assert_eq!((t.turns[1].start, t.turns[1].end), (22, 37), "{:?}", t.text);
        assert!(fits(&t, &coding(2, 27, "très bien.")), "to the very end");
        assert!(fits(&t, &coding(2, 22, "Oui")));
        assert!(fits(&t, &coding(1, 13, "Hé")));
        assert!(!fits(&t, &coding(1, 22, "Oui")), "wrong turn");
        assert!(!fits(&t, &coding(2, 23, "Oui")), "wrong offsets");
        assert!(!fits(&t, &coding(2, 35, "n.x")), "past the end");
        assert!(!fits(&t, &coding(3, 13, "Hé")), "no such turn");
        assert!(!fits(&t, &coding(0, 13, "Hé")), "turn 0");
    }

    const OLD: &str = "Interviewer: How did it start?\n\nP1: I went to the GP and she listened.\n\nP1: Then the link worker asked what matters to me.\n";
    /// OLD with a longer first question: every later offset moves by 10 code points
    /// ("all " and ", then" are 4 + 6 more than "How did it start?").
    const LONGER: &str = "Interviewer: How did it all start, then?\n\nP1: I went to the GP and she listened.\n\nP1: Then the link worker asked what matters to me.\n";
    /// OLD with the last turn's wording changed.
    const REWORDED: &str = "Interviewer: How did it start?\n\nP1: I went to the GP and she listened.\n\nP1: Then the social prescriber asked me what I cared about.\n";

    /// A coding of `words` in P1 as the study's P1 reads now, as `thematic code` makes it.
    fn coding_of(study: &Study, id: &str, words: &str) -> Coding {
        Coding {
            created: String::new(),
            ..crate::testing::coding_of(study, "KW", id, words, "what-matters")
        }
    }

    fn study_with(text: &str) -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        study
            .import_bytes(Path::new("P1.txt"), text.as_bytes(), None, false)
            .unwrap();
        (dir, study)
    }

    fn update_to(study: &Study, text: &str) -> crate::UpdateReport {
        let file = study.root().join("P1-new.txt");
        std::fs::write(&file, text).unwrap();
        study.update_transcript("P1", &file, "AB", false).unwrap()
    }

    #[test]
    fn a_coding_made_against_the_text_before_an_update_is_moved_to_its_words() {
        // The race of `thematic code` with `thematic transcripts update`: the coder read
        // the old text and worked out offsets, the update ran (it holds every coder's
        // lock), then the coding is written. It must land on the new text.
        let (_d, study) = study_with(OLD);
        study.code(&coding_of(&study, "c-early", "the GP")).unwrap();
        let stale = coding_of(&study, "c-late", "asked what matters to me");
        let report = update_to(&study, LONGER);
        assert_eq!(report.counts(), (0, 1, 0), "c-early moved by the update");

        let (added, written) = study
            .code_placed_with(&stale, |_| Ok(Scan::NotFound))
            .unwrap();
        assert_eq!(added, Added::New);
        let now = coding_of(&study, "c-late", "asked what matters to me");
        assert_eq!(now.start, stale.start + 10, "10 code points later");
        assert_eq!(written, now);
        let stored = study.codings_of("KW").unwrap().codings;
        assert_eq!(stored[1], now);
        let check = study.check().unwrap();
        assert_eq!(check.errors(), 0, "{:?}", check.findings);
        // The change log has the coding where it was written.
        let log = std::fs::read_to_string(study.root().join(crate::CHANGELOG_FILE)).unwrap();
        assert!(log.contains(&now.log_detail()), "{log}");
    }

    #[test]
    fn a_coding_whose_words_an_update_changed_is_refused_and_nothing_is_written() {
        let (_d, study) = study_with(OLD);
        study.code(&coding_of(&study, "c-early", "the GP")).unwrap();
        let path = study.codings_path("KW").unwrap();
        let stale = coding_of(&study, "c-late", "asked what matters to me");
        update_to(&study, REWORDED);
        let before = std::fs::read(&path).unwrap();
        let e = study.code(&stale).unwrap_err();
        assert!(matches!(e, StudyError::TranscriptChanged { .. }), "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains("P1 was updated while this coding was being made"),
            "{msg}"
        );
        assert!(msg.contains("thematic show P1"), "{msg}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "nothing written");
        // A coder's first coding (no codings file yet) is checked the same way, and so
        // are accepted suggestions.
        let first = Coding {
            coder: "AB".into(),
            ..stale.clone()
        };
        assert!(matches!(
            study.code(&first).unwrap_err(),
            StudyError::TranscriptChanged { .. }
        ));
        assert!(matches!(
            study.code_all("KW", &[stale]).unwrap_err(),
            StudyError::TranscriptChanged { .. }
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(study.codings_of("AB").unwrap().codings.is_empty());
        assert_eq!(study.check().unwrap().errors(), 0);
    }

    #[test]
    fn a_hand_edited_transcript_is_read_afresh_not_from_the_cache() {
        // Same size, new words: the cache must not answer from the old parse.
        let (_d, study) = study_with(OLD);
        let ok = coding_of(&study, "c-1", "matters to me");
        study.code(&ok).unwrap();
        let path = study.transcript_file("P1").unwrap().unwrap();
        let edited = OLD.replace("matters to me", "mattered to m");
        assert_eq!(edited.len(), OLD.len());
        std::fs::write(&path, &edited).unwrap();
        let again = Coding {
            id: "c-2".into(),
            coder: "AB".into(),
            ..ok
        };
        assert!(matches!(
            study.code(&again).unwrap_err(),
            StudyError::TranscriptChanged { .. }
        ));
    }

    #[test]
    fn words_that_occur_twice_elsewhere_are_not_guessed() {
        // Two turns that both read "Yes." after an inserted turn: the stale coding of the
        // second turn's "Yes." points into the inserted turn, whose words differ; "Yes."
        // is in turn 2 (its number) and must be the one nearest the old offset there.
        let (_d, study) =
            study_with("Interviewer: Ok?\n\nP1: Yes.\n\nInterviewer: Sure?\n\nP1: Yes.\n");
        let t = study.transcript("P1").unwrap();
        let stale = coding(4, t.turns[3].start, "Yes.");
        update_to(
            &study,
            "Interviewer: Hello.\n\nInterviewer: Ok?\n\nP1: Yes.\n\nInterviewer: Sure?\n\nP1: Yes.\n",
        );
        // Turn 4 is now "Sure?"; "Yes." occurs twice elsewhere: refused, not guessed.
        assert!(matches!(
            study.code(&stale).unwrap_err(),
            StudyError::TranscriptChanged { .. }
        ));
    }

    #[test]
    #[ignore = "a timing, not a check: cargo test --release -p thematic-study -- --ignored fit_timing --nocapture"]
    fn fit_timing() {
        // A 2,000-turn interview (about 600,000 code points), a coding in its last turn:
        // the most `fits` has to walk. The first call parses; the others cost a stat and
        // the walk.
        let mut text = String::new();
        for i in 0..1000 {
            text.push_str(&format!(
                "Interviewer: Question {i}, about what matters to you and why?\n\n\
                 P1: {} Answer {i}.\n\n",
                "Some words that go on for a good while, as answers do. ".repeat(4)
            ));
        }
        let (_d, study) = study_with(&text);
        let stale = coding_of(&study, "c-1", "Answer 999.");
        let first = std::time::Instant::now();
        assert_eq!(study.fit_coding(&stale).unwrap(), Fit::Fits);
        let first = first.elapsed();
        let runs = 200;
        let t = std::time::Instant::now();
        for _ in 0..runs {
            assert_eq!(study.fit_coding(&stale).unwrap(), Fit::Fits);
        }
        eprintln!(
            "{} code points: first fit {:.2} ms (parse), then {:.3} ms each",
            study.transcript("P1").unwrap().text.chars().count(),
            first.as_secs_f64() * 1e3,
            t.elapsed().as_secs_f64() * 1e3 / runs as f64
        );
    }
}
