//! `Study::rewrite_transcript`: edits over the normalized text stored as a file that reads
//! back to the same turns, codings re-anchored, nothing of the words in the change log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use thematic_study::{Anchor, CodingsFile, Study, TextEdit};

const TXT: &str = "Interviewer: Where did it start?\n\nP1: In Leeds, when Dr Patel listened.\n\nP1: Then the link worker asked what matters to me.\n";

const VTT: &str = "WEBVTT\n\n00:00:01.250 --> 00:00:03.000\n<v Interviewer>Where did it start?\n\n00:00:03.500 --> 00:00:06.000\n<v Sam Jones>In Leeds, when Dr Patel listened.\n\n00:00:06.750 --> 00:00:09.000\n<v Sam Jones>Then the link worker asked what matters to me.\n";

fn study_with(name: &str, text: &str) -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study = thematic_study::testing::study(dir.path(), "m.toml");
    study
        .import_bytes(Path::new(name), text.as_bytes(), None, false)
        .unwrap();
    let c =
        thematic_study::testing::coding_of(&study, "KW", "k1", "Dr Patel listened", "empowerment");
    std::fs::write(
        study.codings_path("KW").unwrap(),
        CodingsFile::new("KW", vec![c]).to_csv(),
    )
    .unwrap();
    (dir, study)
}

/// Every occurrence of `term` in P1's text as an edit to `by`.
fn replace_all(study: &Study, term: &str, by: &str) -> Vec<TextEdit> {
    let text = study.transcript("P1").unwrap().text;
    text.match_indices(term)
        .map(|(b, _)| {
            let start = text[..b].chars().count();
            TextEdit {
                start,
                end: start + term.chars().count(),
                replacement: by.into(),
            }
        })
        .collect()
}

#[test]
fn typed_text_keeps_its_format_and_moves_the_coding() {
    let (_d, study) = study_with("P1.txt", TXT);
    let edits = replace_all(&study, "Dr Patel", "[Name 1]");
    let report = study.rewrite_transcript("P1", &edits, "KW", false).unwrap();
    // "Dr Patel listened" (17) became "[Name 1] listened" (17): same length here, so the
    // coding keeps its offsets but its words changed: re-anchoring says moved or kept, never
    // orphaned.
    assert_eq!(report.counts().2, 0, "{report:?}");
    let stored = std::fs::read_to_string(study.transcripts_dir().join("P1.txt")).unwrap();
    assert!(stored.contains("when [Name 1] listened"));
    assert!(!stored.contains("Patel"));
    let codings = study.codings_of("KW").unwrap().codings;
    assert_eq!(codings[0].text, "[Name 1] listened");
    assert!(study.check().unwrap().errors() == 0);
    let log = std::fs::read_to_string(study.root().join("changelog.csv")).unwrap();
    assert!(
        !log.contains("Patel"),
        "the log never holds the words: {log}"
    );
}

#[test]
fn captions_stay_captions_with_their_times_to_the_millisecond() {
    let (_d, study) = study_with("P1.vtt", VTT);
    let before = study.transcript("P1").unwrap();
    let edits = replace_all(&study, "Leeds", "[Town]");
    assert_eq!(edits.len(), 1);
    let report = study.rewrite_transcript("P1", &edits, "KW", false).unwrap();
    // The coding sits after the edit in the same turn: "[Town]" is one code point longer
    // than "Leeds", so it moves by one.
    match &report.codings[0].anchor {
        Anchor::Moved { start, .. } => assert_eq!(*start, report.codings[0].before.start + 1),
        other => panic!("expected a move by one, got {other:?}"),
    }
    assert!(study.transcripts_dir().join("P1.vtt").exists());
    let after = study.transcript("P1").unwrap();
    assert_eq!(after.turns.len(), before.turns.len());
    let times = |t: &thematic_transcript::Transcript| {
        t.turns
            .iter()
            .map(|u| (u.start_ms, u.speaker.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(times(&after), times(&before));
    assert!(after.text.contains("In [Town], when Dr Patel listened."));
}

#[test]
fn a_dry_run_writes_nothing() {
    let (_d, study) = study_with("P1.vtt", VTT);
    let file = study.transcripts_dir().join("P1.vtt");
    let before = std::fs::read(&file).unwrap();
    let edits = replace_all(&study, "Dr Patel", "[Name 1]");
    let report = study.rewrite_transcript("P1", &edits, "KW", true).unwrap();
    assert!(!report.written);
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn overlapping_edits_are_refused_and_nothing_changes() {
    let (_d, study) = study_with("P1.txt", TXT);
    let file = study.transcripts_dir().join("P1.txt");
    let e = |s, t| TextEdit {
        start: s,
        end: t,
        replacement: "x".into(),
    };
    let err = study
        .rewrite_transcript("P1", &[e(40, 45), e(44, 50)], "KW", false)
        .unwrap_err();
    assert!(err.to_string().contains("overlap"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), TXT);
}

#[test]
fn an_edit_that_would_merge_turns_is_refused() {
    // Removing the label "P1: " of the third turn makes it speech of the second.
    let (_d, study) = study_with("P1.txt", TXT);
    let text = study.transcript("P1").unwrap().text;
    let b = text.rfind("P1: Then").unwrap();
    let start = text[..b].chars().count();
    let err = study
        .rewrite_transcript(
            "P1",
            &[TextEdit {
                start,
                end: start + 4,
                replacement: String::new(),
            }],
            "KW",
            false,
        )
        .unwrap_err();
    assert!(err.to_string().contains("nothing was changed"), "{err}");
}

#[test]
fn an_edit_made_against_an_older_text_is_refused() {
    // The page read P1, then someone else corrected it: the page's edit must not land on
    // the new text at the old positions.
    let (_d, study) = study_with("P1.txt", TXT);
    let read = study.transcript("P1").unwrap().text;
    let edits = replace_all(&study, "Dr Patel", "[Name 1]");
    study
        .rewrite_transcript("P1", &replace_all(&study, "Leeds", "York"), "AB", false)
        .unwrap();
    let file = study.transcripts_dir().join("P1.txt");
    let before = std::fs::read(&file).unwrap();
    let err = study
        .rewrite_transcript_of("P1", Some(&read), &edits, "KW", false)
        .unwrap_err();
    assert!(err.to_string().contains("changed while this edit"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}
