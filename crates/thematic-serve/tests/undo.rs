//! Undo and redo from the page: the coder's own last actions, taken back and done again,
//! with the server's index following (the reader right after shows the file as it is).

#![allow(clippy::unwrap_used)]

mod common;

use common::Fixture;
use serde_json::json;

fn reader_ids(f: &Fixture, transcript: &str) -> Vec<String> {
    f.json(&format!("/api/transcripts/{transcript}"))["codings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_removal_is_undone_byte_for_byte_and_redone() {
    let f = Fixture::new();
    let path = f.study.codings_path("KW").unwrap();
    let before = std::fs::read(&path).unwrap();
    let victim = f.codings("KW").codings[1].clone();
    let removed = f.write("DELETE", &format!("/api/codings/{}", victim.id), &[], "");
    assert_eq!(removed.status, 200, "{}", removed.text());
    assert!(!reader_ids(&f, &victim.transcript).contains(&victim.id));

    let undone = f.with_body("POST", "/api/undo", &json!({}));
    assert_eq!(undone.status, 200, "{}", undone.text());
    let undone = undone.json();
    assert_eq!(undone["step"], "undo");
    assert_eq!(undone["action"], "uncode");
    assert_eq!(undone["transcript"], victim.transcript.as_str());
    // The coding is back, every field as it was (it is appended, so the order differs).
    let back = f.codings("KW");
    assert!(back.codings.contains(&victim), "{:?}", back.codings);
    assert_eq!(std::fs::read(&path).unwrap().len(), before.len());
    assert!(reader_ids(&f, &victim.transcript).contains(&victim.id));

    // Redo removes it again; a second redo has nothing to redo.
    let redone = f.with_body("POST", "/api/redo", &json!({}));
    assert_eq!(redone.status, 200, "{}", redone.text());
    assert_eq!(redone.json()["step"], "redo");
    assert!(!reader_ids(&f, &victim.transcript).contains(&victim.id));
    let nothing = f.with_body("POST", "/api/redo", &json!({}));
    assert_eq!(nothing.status, 409, "{}", nothing.text());
    assert!(
        nothing.text().contains("nothing to redo"),
        "{}",
        nothing.text()
    );
}

#[test]
fn a_coding_and_a_code_made_in_the_page_are_undone_in_turn() {
    let f = Fixture::new();
    let (start, end) = common::span(&f.study, "P2", 4, "talk about what matters");
    let body = json!({"label": "Talking it through", "apply": {"transcript": "P2", "start": start, "end": end}});
    let made = f.with_body("POST", "/api/codes", &body).json();
    let id = made["id"].as_str().unwrap().to_string();
    let coding = made["coding"]["id"].as_str().unwrap().to_string();
    // Undo takes back the coding first, then the code (retired, kept for history).
    let first = f.with_body("POST", "/api/undo", &json!({})).json();
    assert_eq!(first["action"], "code");
    assert!(!reader_ids(&f, "P2").contains(&coding));
    let second = f.with_body("POST", "/api/undo", &json!({})).json();
    assert_eq!(second["action"], "add", "{second}");
    assert!(f.study.codebook().unwrap().get(&id).unwrap().retired);
    // Another coder's actions are never undone for KW.
    common::code(&f.study, "CG", "P2", 2, "We set goals", "goal-orientation");
    let cg_before = f.codings("CG").codings.len();
    let _ = f.with_body("POST", "/api/undo", &json!({}));
    assert_eq!(f.codings("CG").codings.len(), cg_before);
}
