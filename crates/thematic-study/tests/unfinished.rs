//! Multi-file writes cut short: each leaves an intent record that `check` reports with the
//! command that finishes it, and that command, run again, finishes the job and removes the
//! record. The states built here are those a SIGKILL leaves between two of an operation's
//! writes (the order of writes is in each operation's documentation); `thematic-bench faults`
//! produces them with real kills.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use thematic_study::{CodingsFile, Study, UNFINISHED_FILE, Unfinished};

const OLD: &str = "Interviewer: How did it start?\n\nP1: I went to the GP and she listened.\n\nP1: Then the link worker asked what matters to me.\n";
const NEW: &str = "Interviewer: How did it all start, then?\n\nP1: I went to the GP and she listened.\n\nP1: Then the link worker asked what matters to me.\n";

fn study() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study = thematic_study::testing::study(dir.path(), "m.toml");
    (dir, study)
}

/// A study with P1 (the old text) coded by KW and AB under "empowerment".
fn coded() -> (tempfile::TempDir, Study) {
    let (d, study) = study();
    study
        .import_bytes(Path::new("P1.txt"), OLD.as_bytes(), None, false)
        .unwrap();
    for (coder, id, words) in [
        ("KW", "k1", "she listened"),
        ("AB", "a1", "what matters to me"),
    ] {
        let c = thematic_study::testing::coding_of(&study, coder, id, words, "empowerment");
        std::fs::write(
            study.codings_path(coder).unwrap(),
            CodingsFile::new(coder, vec![c]).to_csv(),
        )
        .unwrap();
    }
    let report = study.check().unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.findings);
    (d, study)
}

fn unfinished_messages(study: &Study) -> Vec<String> {
    study
        .check()
        .unwrap()
        .findings
        .into_iter()
        .filter(|f| f.kind == "unfinished")
        .map(|f| f.message)
        .collect()
}

fn themes_of(study: &Study, coder: &str) -> Vec<String> {
    study
        .codings_of(coder)
        .unwrap()
        .codings
        .into_iter()
        .map(|c| c.theme)
        .collect()
}

const MERGE: [&str; 4] = ["codebook", "merge", "empowerment", "active-engagement"];

fn merge_record() -> Unfinished {
    Unfinished::new(
        "codebook merge",
        MERGE.map(String::from).to_vec(),
        "KW",
        "some coders' codings may still be under \"empowerment\"",
    )
}

#[test]
fn a_merge_killed_between_two_coders_files_is_reported_and_finished_by_running_it_again() {
    let (_d, study) = coded();
    let book = std::fs::read(study.codebook_path()).unwrap();
    let ab = std::fs::read(study.codings_path("AB").unwrap()).unwrap();
    // The merge writes the record, then each coder's codings (AB, then KW), then the
    // codebook, then the log, then removes the record. Cut after KW's file: AB's file and
    // the codebook as they were, the record still there.
    study
        .merge_themes("empowerment", "active-engagement", "KW")
        .unwrap();
    std::fs::write(study.codebook_path(), &book).unwrap();
    std::fs::write(study.codings_path("AB").unwrap(), &ab).unwrap();
    let _left = study.begin(merge_record()).unwrap();
    assert_eq!(themes_of(&study, "KW"), ["active-engagement"]);
    assert_eq!(themes_of(&study, "AB"), ["empowerment"]);

    // check: an error naming the merge, who ran it and the command that finishes it.
    let messages = unfinished_messages(&study);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("`thematic codebook merge empowerment active-engagement` by KW"),
        "{}",
        messages[0]
    );
    assert!(
        messages[0]
            .contains("to finish it, run `thematic codebook merge empowerment active-engagement`"),
        "{}",
        messages[0]
    );

    let report = study
        .merge_themes("empowerment", "active-engagement", "KW")
        .unwrap();
    assert_eq!(
        report.moved.get("AB"),
        Some(&1),
        "AB's coding moved on the rerun"
    );
    assert_eq!(themes_of(&study, "AB"), ["active-engagement"]);
    assert!(study.unfinished_all().unwrap().is_empty());
    assert!(!study.root().join(UNFINISHED_FILE).exists());
    assert_eq!(study.check().unwrap().errors(), 0);
}

#[test]
fn a_merge_killed_after_its_codebook_is_finished_and_logged_by_running_it_again() {
    let (_d, study) = coded();
    let ab = std::fs::read(study.codings_path("AB").unwrap()).unwrap();
    let log_len = std::fs::read(study.root().join("changelog.csv"))
        .map(|b| b.len())
        .unwrap_or(0);
    study
        .merge_themes("empowerment", "active-engagement", "KW")
        .unwrap();
    // Cut after the codebook was written but before the log: and, to show the rerun moves
    // what it finds, with a coding AB made under "empowerment" just before.
    let log = std::fs::read(study.root().join("changelog.csv")).unwrap();
    std::fs::write(study.root().join("changelog.csv"), &log[..log_len]).unwrap();
    std::fs::write(study.codings_path("AB").unwrap(), &ab).unwrap();
    let _left = study.begin(merge_record()).unwrap();
    assert!(
        study
            .codebook()
            .unwrap()
            .get("empowerment")
            .unwrap()
            .retired
    );

    let report = study
        .merge_themes("empowerment", "active-engagement", "KW")
        .unwrap();
    assert_eq!(report.total(), 1);
    assert_eq!(themes_of(&study, "AB"), ["active-engagement"]);
    assert!(study.unfinished_all().unwrap().is_empty());
    let log = std::fs::read_to_string(study.root().join("changelog.csv")).unwrap();
    assert!(
        log.contains("finished a merge that was cut short"),
        "the rerun is logged: {log}"
    );
    assert_eq!(study.check().unwrap().errors(), 0);

    // Without a record, merging a retired theme is refused as before.
    let again = study
        .merge_themes("empowerment", "active-engagement", "KW")
        .unwrap_err()
        .to_string();
    assert!(again.contains("already retired"), "{again}");
}

#[test]
fn an_update_killed_between_the_codings_and_the_transcript_is_finished_by_running_it_again() {
    let (d, study) = coded();
    let new_file = d.path().join("P1-corrected.txt");
    std::fs::write(&new_file, NEW).unwrap();
    let stored = study.transcript_path("P1").unwrap();
    // The update writes the record, each coder's codings, then the transcript. Cut before
    // the transcript: the codings already point into the new text, the old text stored.
    study
        .update_transcript("P1", &new_file, "KW", false)
        .unwrap();
    std::fs::write(&stored, OLD).unwrap();
    let finish = vec![
        "transcripts".to_string(),
        "update".into(),
        "P1".into(),
        new_file.to_string_lossy().into_owned(),
    ];
    let _left = study
        .begin(Unfinished::new(
            "transcripts update",
            finish,
            "KW",
            "codings of P1 …",
        ))
        .unwrap();
    let report = study.check().unwrap();
    assert!(
        report.errors() >= 2,
        "the record, and codings that no longer fit"
    );
    let messages = unfinished_messages(&study);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains(&format!(
            "run `thematic transcripts update P1 {}`",
            new_file.display()
        )),
        "{}",
        messages[0]
    );

    let rerun = study
        .update_transcript("P1", &new_file, "KW", false)
        .unwrap();
    assert_eq!(rerun.counts().2, 0, "nothing orphaned");
    assert_eq!(std::fs::read_to_string(&stored).unwrap(), NEW);
    assert!(study.unfinished_all().unwrap().is_empty());
    assert_eq!(
        study.check().unwrap().errors(),
        0,
        "every coding fits the new text"
    );
}

#[test]
fn records_are_kept_per_operation_and_a_rerun_replaces_its_own() {
    let (_d, study) = study();
    let a = study.begin(merge_record()).unwrap();
    let other = Unfinished::new("import", vec!["import".into(), "/x/y.txt".into()], "AB", "");
    let b = study.begin(other.clone()).unwrap();
    // The same merge begun again (a rerun) replaces its record rather than adding one.
    let a2 = study.begin(merge_record()).unwrap();
    let all = study.unfinished_all().unwrap();
    assert_eq!(
        all.iter().map(|u| u.operation.as_str()).collect::<Vec<_>>(),
        ["import", "codebook merge"]
    );
    assert_eq!(unfinished_messages(&study).len(), 2);
    a2.done(&study).unwrap();
    drop(a);
    assert_eq!(study.unfinished_all().unwrap(), [other]);
    b.done(&study).unwrap();
    assert!(!study.root().join(UNFINISHED_FILE).exists());

    // A file holding one table, as `init --from` wrote before records were a list.
    std::fs::write(
        study.root().join(UNFINISHED_FILE),
        "operation = \"init --from\"\nsource = \"/tmp/p.qdpx\"\nstarted = \"2026-11-30T10:00:00Z\"\n",
    )
    .unwrap();
    let old = study.unfinished_all().unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].finish_command(), "thematic import /tmp/p.qdpx");
    study.finished().unwrap();
    assert!(study.unfinished_all().unwrap().is_empty());
}

#[test]
fn two_imports_of_one_id_at_once_store_one_and_refuse_the_other() {
    let (_d, study) = study();
    let root = study.root().to_path_buf();
    let texts = [OLD, NEW];
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .iter()
            .map(|text| {
                let root = root.clone();
                s.spawn(move || {
                    let study = Study::open(&root).unwrap();
                    study
                        .import_bytes(Path::new("P1.txt"), text.as_bytes(), None, false)
                        .map(|_| *text)
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let stored: Vec<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(stored.len(), 1, "{results:?}");
    let refused = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(refused.contains("already in the study"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(study.transcript_path("P1").unwrap()).unwrap(),
        stored[0],
        "the transcript is the one whose import succeeded"
    );
}

#[test]
fn an_import_replace_killed_after_storing_the_transcript_is_finished_by_importing_again() {
    let (_d, study) = coded();
    let file = Path::new("P1.txt");
    study
        .import_bytes(file, NEW.as_bytes(), None, true)
        .unwrap();
    // Cut after the transcript was stored, before the log and the record's removal.
    let source = std::path::absolute(file).unwrap();
    let finish = vec![
        "transcripts".to_string(),
        "update".into(),
        "P1".into(),
        source.to_string_lossy().into_owned(),
    ];
    let _left = study
        .begin(Unfinished::new("transcripts update", finish, "import", ""))
        .unwrap();
    assert_eq!(unfinished_messages(&study).len(), 1);
    // The same bytes again: not `unchanged` while its update is unfinished, but finished.
    let again = study
        .import_bytes(file, NEW.as_bytes(), None, true)
        .unwrap();
    assert!(!again.unchanged);
    assert_eq!(
        again.reanchored.unwrap().counts(),
        (2, 0, 0),
        "both codings kept"
    );
    assert!(study.unfinished_all().unwrap().is_empty());
    assert_eq!(study.check().unwrap().errors(), 0);
    // And once finished, the same bytes are unchanged.
    let third = study
        .import_bytes(file, NEW.as_bytes(), None, true)
        .unwrap();
    assert!(third.unchanged);
}
