//! Refining themes never loses a coding: merges move every coder's codings, fold only exact
//! twins (keeping their memos), retire the source, and are written to the change log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use thematic_codebook::NewEntry;
use thematic_study::{Coding, CodingsFile, Study, theme_counts};

fn study() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study = thematic_study::testing::study(dir.path(), "m.toml");
    (dir, study)
}

fn coding(id: &str, transcript: &str, start: usize, theme: &str, memo: &str) -> Coding {
    Coding {
        id: id.into(),
        coder: String::new(),
        transcript: transcript.into(),
        turn: 1,
        start,
        end: start + 5,
        theme: theme.into(),
        text: "hello".into(),
        memo: memo.into(),
        created: "2026-11-21T10:00:00Z".into(),
        status: Default::default(),
    }
}

fn write(study: &Study, coder: &str, codings: Vec<Coding>) {
    std::fs::write(
        study.codings_path(coder).unwrap(),
        CodingsFile::new(coder, codings).to_csv(),
    )
    .unwrap();
}

#[test]
fn merge_moves_every_coders_codings_and_is_logged() {
    let (_d, study) = study();
    write(
        &study,
        "KW",
        vec![
            coding("c1", "P1", 0, "empowerment", ""),
            coding("c2", "P1", 0, "active-engagement", "first memo"),
            coding("c3", "P2", 10, "active-engagement", ""),
            coding("c4", "P3", 10, "what-matters", "untouched"),
        ],
    );
    write(
        &study,
        "AB",
        vec![
            coding("c5", "P1", 0, "empowerment", "twin memo"),
            coding("c6", "P1", 0, "active-engagement", "second memo"),
        ],
    );
    let before = study.all_codings().unwrap();
    let report = study
        .merge_themes("empowerment", "active-engagement", "KW")
        .unwrap();
    assert_eq!(report.total(), 2);
    assert_eq!(report.moved.get("KW"), Some(&1));
    assert_eq!(report.moved.get("AB"), Some(&1));
    // c1 (KW) and c5 (AB) became identical to a target coding of the same coder: folded
    // into it, which keeps its id and gains the memo.
    assert_eq!(report.folded, ["c5", "c1"]);
    let kw = study.codings_of("KW").unwrap();
    let ab = study.codings_of("AB").unwrap();
    assert!(kw.codings.iter().all(|c| c.theme != "empowerment"));
    assert_eq!(ab.codings.len(), 1);
    assert_eq!(
        (ab.codings[0].id.as_str(), ab.codings[0].memo.as_str()),
        ("c6", "second memo | twin memo")
    );
    let kw_ids: Vec<&str> = kw.codings.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(kw_ids, ["c2", "c3", "c4"]);
    assert_eq!(kw.codings[0].memo, "first memo");
    // Nothing else changed: every span that was coded is still coded by the same coder.
    for f in &before {
        let after = study.codings_of(&f.coder).unwrap();
        for c in &f.codings {
            assert!(
                after
                    .codings
                    .iter()
                    .any(|a| a.transcript == c.transcript && a.start == c.start && a.end == c.end),
                "{} lost a span",
                f.coder
            );
        }
    }
    let book = study.codebook().unwrap();
    assert!(book.get("empowerment").unwrap().retired);
    let counts = theme_counts(&book, &study.all_codings().unwrap());
    assert_eq!(counts["active-engagement"].coders, 2);
    assert_eq!(
        counts["patients-role"].codings, 3,
        "a group counts its themes' codings"
    );
    let log = study.changes().unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.theme.as_str(), last.who.as_str()),
        ("merge", "empowerment", "KW")
    );
    assert!(
        last.detail.contains("2 coding(s) moved (AB 1, KW 1)"),
        "{}",
        last.detail
    );
    assert!(last.detail.contains("folded"), "{}", last.detail);
}

#[test]
fn refused_merges_change_nothing() {
    let (_d, study) = study();
    write(&study, "KW", vec![coding("c1", "P1", 0, "empowerment", "")]);
    let book_before = std::fs::read_to_string(study.codebook_path()).unwrap();
    let codings_before = std::fs::read(study.codings_path("KW").unwrap()).unwrap();
    let err = study
        .merge_themes("empowerment", "patients-role", "KW")
        .unwrap_err();
    assert!(err.to_string().contains("cannot be coded"), "{err}");
    let err = study
        .merge_themes("empowerment", "empowermant", "KW")
        .unwrap_err();
    assert!(
        err.to_string().contains("did you mean \"empowerment\""),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(study.codebook_path()).unwrap(),
        book_before
    );
    assert_eq!(
        std::fs::read(study.codings_path("KW").unwrap()).unwrap(),
        codings_before
    );
    assert!(study.changes().unwrap().is_empty());
}

#[test]
fn add_rename_move_retire_keep_comments_and_log() {
    let (_d, study) = study();
    let id = study
        .add_theme(
            &NewEntry {
                label: "Peer support".into(),
                parent: Some("the-approach".into()),
                codable: true,
                ..Default::default()
            },
            "KW",
        )
        .unwrap();
    assert_eq!(id, "peer-support");
    study
        .rename_theme("peer-support", "Support from peers", "KW")
        .unwrap();
    study
        .move_theme("peer-support", Some("patients-role"), "KW")
        .unwrap();
    write(
        &study,
        "KW",
        vec![coding("c1", "P1", 0, "peer-support", "")],
    );
    assert_eq!(study.retire_theme("peer-support", true, "KW").unwrap(), 1);
    let text = std::fs::read_to_string(study.codebook_path()).unwrap();
    assert!(text.starts_with("# Social prescribing mechanisms: a thematic codebook\n"));
    let book = study.codebook().unwrap();
    let e = book.get("peer-support").unwrap();
    assert_eq!(
        (e.label.as_str(), e.parent.as_deref(), e.retired),
        ("Support from peers", Some("patients-role"), true)
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
            "add peer-support",
            "rename peer-support",
            "move peer-support",
            "retire peer-support"
        ]
    );
    assert_eq!(
        study.codings_of("KW").unwrap().codings.len(),
        1,
        "retiring keeps codings"
    );
}
