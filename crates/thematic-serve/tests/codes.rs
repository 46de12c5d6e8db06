//! Making and refining codes from the page: each request goes through the codebook editor
//! (comments kept, validated, logged) and the codings follow, as on the command line.

#![allow(clippy::unwrap_used)]

mod common;

use common::Fixture;
use serde_json::json;

#[test]
fn a_code_made_with_a_selection_is_created_and_applied_once() {
    let f = Fixture::new();
    let (start, end) = common::span(&f.study, "P2", 4, "talk about what matters");
    let body = json!({"label": "  Talking  it through ", "apply": {"transcript": "P2", "start": start, "end": end}});
    let made = f.with_body("POST", "/api/codes", &body);
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    assert_eq!(made["created"], true);
    assert_eq!(made["added"], true);
    assert_eq!(made["label"], "Talking it through", "white space collapsed");
    let id = made["id"].as_str().unwrap().to_string();
    let book = f.study.codebook().unwrap();
    assert_eq!(book.get(&id).unwrap().parent.as_deref(), Some("unsorted"));
    let kw = f.codings("KW");
    let coding = kw.codings.iter().find(|c| c.theme == id).unwrap();
    assert_eq!(coding.text, "talk about what matters");
    // The same again (Enter pressed twice): the existing code, and the coding already there.
    let again = f.with_body("POST", "/api/codes", &body);
    assert_eq!(again.status, 200);
    assert_eq!(
        (
            again.json()["created"].clone(),
            again.json()["added"].clone()
        ),
        (json!(false), json!(false))
    );
    assert_eq!(f.codings("KW").codings.len(), kw.codings.len());
    // The change log says what happened, once.
    let log = std::fs::read_to_string(f.study.root().join("changelog.csv")).unwrap();
    assert_eq!(log.matches(&format!(",add,{id},")).count(), 1, "{log}");
    // The palette's counts are the coder's own.
    let counts = f.json("/api/counts");
    assert_eq!(counts["coder"], "KW");
    assert_eq!(counts["counts"][&id]["codings"], 1);
    assert_eq!(counts["counts"]["goal-orientation"]["codings"], 2);
    // A bad selection changes nothing, codebook included.
    let bad = json!({"label": "Never made", "apply": {"transcript": "P2", "start": 5, "end": 5}});
    assert_eq!(f.with_body("POST", "/api/codes", &bad).status, 400);
    assert!(
        f.study
            .codebook()
            .unwrap()
            .entries
            .iter()
            .all(|e| e.label != "Never made")
    );
}

#[test]
fn a_code_is_renamed_recoloured_defined_moved_merged_and_retired_from_the_page() {
    let f = Fixture::new();
    let patch = json!({
        "label": "Goals set together",
        "colour": "#336699",
        "definition": "Goals agreed by both.",
        "parent": "patients-role",
    });
    let changed = f.with_body("PATCH", "/api/codes/goal-orientation", &patch);
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(
        changed.json()["changed"],
        json!(["colour", "label", "parent", "definition"])
    );
    let book = f.study.codebook().unwrap();
    let e = book.get("goal-orientation").unwrap();
    assert_eq!(
        (
            e.label.as_str(),
            e.colour.as_deref(),
            e.parent.as_deref(),
            e.definition.as_deref()
        ),
        (
            "Goals set together",
            Some("#336699"),
            Some("patients-role"),
            Some("Goals agreed by both.")
        )
    );
    // The same again changes nothing.
    let same = f.with_body("PATCH", "/api/codes/goal-orientation", &patch);
    assert_eq!(same.json()["changed"], json!([]));
    // A colour that is not one is refused readably, and nothing is written.
    let bad = f.with_body(
        "PATCH",
        "/api/codes/goal-orientation",
        &json!({"colour": "blue-ish"}),
    );
    assert_eq!(bad.status, 400, "{}", bad.text());
    // Merging moves every coder's codings; KW had 2 of goal-orientation.
    let merged = f.with_body(
        "POST",
        "/api/codes/goal-orientation/merge",
        &json!({"into": "what-matters"}),
    );
    assert_eq!(merged.status, 200, "{}", merged.text());
    assert_eq!(merged.json()["moved"], 2);
    assert!(
        f.codings("KW")
            .codings
            .iter()
            .all(|c| c.theme != "goal-orientation")
    );
    // Retiring keeps the codings.
    let retired = f.with_body("POST", "/api/codes/empowerment/retire", &json!({}));
    assert_eq!(retired.status, 200, "{}", retired.text());
    assert_eq!(
        retired.json()["kept"],
        1,
        "CG's coding of empowerment is kept"
    );
    assert!(
        f.study
            .codebook()
            .unwrap()
            .get("empowerment")
            .unwrap()
            .retired
    );
}
