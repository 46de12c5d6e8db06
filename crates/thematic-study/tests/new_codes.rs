//! Codes made and refined in the moment, as the browser workspace makes them: through the
//! same locked, validated, comment-keeping and logged codebook editor as `thematic
//! codebook add`, and refined afterwards like any other theme.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use thematic_codebook::{CODE_COLOURS, ThemeText, UnsortedGroup};
use thematic_study::{Coding, CodingsFile, FileLock, InitOptions, Study};

/// A new study with the starter codebook, which has no entries.
fn blank() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study = Study::init(dir.path(), &InitOptions::new("t")).unwrap();
    (dir, study)
}

fn text(study: &Study) -> String {
    std::fs::read_to_string(study.codebook_path()).unwrap()
}

fn log(study: &Study) -> Vec<String> {
    study
        .changes()
        .unwrap()
        .iter()
        .map(|c| format!("{} {} {}: {}", c.who, c.action, c.theme, c.detail))
        .collect()
}

fn coding(id: &str, start: usize, theme: &str) -> Coding {
    Coding {
        id: id.into(),
        coder: String::new(),
        transcript: "P1".into(),
        turn: 1,
        start,
        end: start + 5,
        theme: theme.into(),
        text: "hello".into(),
        memo: String::new(),
        created: "2026-11-21T10:00:00Z".into(),
        status: Default::default(),
    }
}

#[test]
fn a_new_study_starts_empty_and_its_first_code_makes_the_unsorted_group() {
    let (_d, study) = blank();
    assert!(study.codebook().unwrap().entries.is_empty());
    let before = text(&study);
    let c = study
        .create_code("someone to\n talk to", None, "KW")
        .unwrap();
    assert_eq!(
        (c.id.as_str(), c.label.as_str(), c.parent.as_deref()),
        ("someone-to-talk-to", "someone to talk to", Some("unsorted"))
    );
    assert_eq!(c.colour.as_deref(), Some(CODE_COLOURS[0]));
    assert_eq!(c.unsorted, Some(UnsortedGroup::Created));
    assert!(!c.existed);
    // The starter file's comments are all still there, the entries after them.
    let after = text(&study);
    assert!(after.starts_with(before.trim_end()), "{after}");
    assert!(after.ends_with(
        "\n[[theme]]\nid = \"someone-to-talk-to\"\nlabel = \"someone to talk to\"\nparent = \"unsorted\"\ncolour = \"#0072b2\"\n"
    ), "{after}");
    let book = study.codebook().unwrap();
    let ids: Vec<&str> = book.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["unsorted", "someone-to-talk-to"]);
    assert_eq!(
        log(&study),
        [
            "KW add unsorted: added \"Unsorted\" as a root, at the top: the group new codes land in",
            "KW add someone-to-talk-to: added \"someone to talk to\" under \"unsorted\"",
        ]
    );
    // The second code: no second group, the next colour.
    let c = study.create_code("Waiting lists", None, "KW").unwrap();
    assert_eq!(c.unsorted, None);
    assert_eq!(c.colour.as_deref(), Some(CODE_COLOURS[1]));
    assert_eq!(log(&study).len(), 3);
}

#[test]
fn the_same_label_twice_gives_one_code_and_one_log_row() {
    let (_d, study) = blank();
    let first = study.create_code("Peer support", None, "KW").unwrap();
    let file = text(&study);
    let again = study.create_code("peer  Support", None, "CG").unwrap();
    assert!(again.existed);
    assert_eq!(again.id, first.id);
    assert_eq!(text(&study), file, "nothing written");
    assert_eq!(log(&study).len(), 2, "nothing logged");
}

#[test]
fn two_writers_at_once_make_one_code() {
    // Enter pressed twice, or two coders at once: the second request waits for the
    // codebook's lock and then finds the first one's code.
    let (_d, study) = blank();
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| study.create_code("Feeling heard", None, "KW").unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|c| !c.existed).count(), 1);
    assert!(results.iter().all(|c| c.id == "feeling-heard"));
    let book = study.codebook().unwrap();
    assert_eq!(book.entries.len(), 2, "the group and one code");
}

#[test]
fn creating_waits_for_the_codebooks_lock() {
    let (_d, study) = blank();
    let lock = FileLock::acquire(&study.codebook_path()).unwrap();
    let before = text(&study);
    std::thread::scope(|s| {
        let h = s.spawn(|| study.create_code("Trust", None, "KW").unwrap());
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!h.is_finished(), "it waits for the lock");
        assert_eq!(text(&study), before);
        drop(lock);
        assert_eq!(h.join().unwrap().id, "trust");
    });
    assert!(study.codebook().unwrap().get("trust").is_some());
}

#[test]
fn a_code_under_a_named_parent_and_refused_parents() {
    let dir = tempfile::tempdir().unwrap();
    let study = thematic_study::testing::study(dir.path(), "m.toml");
    let c = study
        .create_code("Peer support", Some("the-approach"), "KW")
        .unwrap();
    assert_eq!(c.parent.as_deref(), Some("the-approach"));
    assert_eq!(c.unsorted, None);
    assert!(study.codebook().unwrap().get("unsorted").is_none());
    let before = text(&study);
    let err = study
        .create_code("Other", Some("the-aproach"), "KW")
        .unwrap_err();
    assert!(
        err.to_string().contains("did you mean \"the-approach\""),
        "{err}"
    );
    assert_eq!(text(&study), before);
    assert_eq!(log(&study).len(), 1);
}

#[test]
fn codes_made_in_the_moment_are_refined_like_any_theme() {
    let (_d, study) = blank();
    let a = study
        .create_code("Someone to talk to", None, "KW")
        .unwrap()
        .id;
    let b = study.create_code("A listening ear", None, "KW").unwrap().id;
    std::fs::write(
        study.codings_path("KW").unwrap(),
        CodingsFile::new("KW", vec![coding("c1", 0, &b), coding("c2", 10, &a)]).to_csv(),
    )
    .unwrap();
    let mut book_text = text(&study);
    book_text.insert_str(0, "# my own note\n");
    std::fs::write(study.codebook_path(), &book_text).unwrap();

    study
        .rename_theme(&a, "Having someone to talk to", "KW")
        .unwrap();
    study.recolour_theme(&a, Some("#123"), "KW").unwrap();
    let old = study
        .define_theme(
            &a,
            &ThemeText {
                definition: Some("Being listened to.\nBy anyone.".into()),
                ..Default::default()
            },
            "KW",
        )
        .unwrap();
    assert_eq!(old.definition.as_deref(), Some(""));
    study
        .add_theme(
            &thematic_codebook::NewEntry {
                label: "Being heard".into(),
                codable: false,
                ..Default::default()
            },
            "KW",
        )
        .unwrap();
    study.move_theme(&a, Some("being-heard"), "KW").unwrap();
    let report = study.merge_themes(&b, &a, "KW").unwrap();
    assert_eq!(report.total(), 1);
    study.retire_theme("unsorted", true, "KW").unwrap();

    let after = text(&study);
    assert!(
        after.starts_with("# my own note\n# Starter codebook"),
        "comments kept"
    );
    let book = study.codebook().unwrap();
    let e = book.get(&a).unwrap();
    assert_eq!(e.label, "Having someone to talk to");
    assert_eq!(e.colour.as_deref(), Some("#112233"));
    assert_eq!(
        e.definition.as_deref(),
        Some("Being listened to.\nBy anyone.")
    );
    assert_eq!(e.parent.as_deref(), Some("being-heard"));
    assert!(book.get(&b).unwrap().retired);
    let kw = study.codings_of("KW").unwrap();
    assert!(
        kw.codings.iter().all(|c| c.theme == a),
        "the codings followed"
    );
    let actions: Vec<String> = study
        .changes()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c.action, c.theme))
        .collect();
    assert_eq!(
        actions,
        [
            "add unsorted",
            "add someone-to-talk-to",
            "add a-listening-ear",
            "rename someone-to-talk-to",
            "recolour someone-to-talk-to",
            "define someone-to-talk-to",
            "add being-heard",
            "move someone-to-talk-to",
            "merge a-listening-ear",
            "retire unsorted",
        ]
    );
    let changes = study.changes().unwrap();
    assert_eq!(changes[4].detail, "colour #0072b2 -> #112233");
    assert_eq!(
        changes[5].detail,
        "definition (none) -> \"Being listened to.\\nBy anyone.\""
    );
    // A new code after the group was retired brings it back.
    let c = study.create_code("Later", None, "KW").unwrap();
    assert_eq!(c.unsorted, Some(UnsortedGroup::Restored));
    let last: Vec<String> = log(&study).into_iter().rev().take(2).collect();
    assert_eq!(
        last,
        [
            "KW add later: added \"Later\" under \"unsorted\"",
            "KW restore unsorted: restored: the group new codes land in",
        ]
    );
}

#[test]
fn refused_recolours_and_definitions_change_nothing() {
    let (_d, study) = blank();
    let id = study.create_code("Trust", None, "KW").unwrap().id;
    let before = (text(&study), log(&study));
    let err = study.recolour_theme(&id, Some("blue"), "KW").unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid colour \"blue\": expected #rgb or #rrggbb"),
        "{err}"
    );
    let err = study
        .define_theme(&id, &ThemeText::default(), "KW")
        .unwrap_err();
    assert!(err.to_string().contains("nothing to change"), "{err}");
    let err = study
        .define_theme(
            "trustt",
            &ThemeText {
                include: Some("x".into()),
                ..Default::default()
            },
            "KW",
        )
        .unwrap_err();
    assert!(err.to_string().contains("did you mean \"trust\""), "{err}");
    assert_eq!((text(&study), log(&study)), before);
    // Removing a colour and a note.
    study.recolour_theme(&id, None, "KW").unwrap();
    assert_eq!(study.codebook().unwrap().get(&id).unwrap().colour, None);
    assert_eq!(
        study.changes().unwrap().last().unwrap().detail,
        "colour #0072b2 -> (none)"
    );
}
