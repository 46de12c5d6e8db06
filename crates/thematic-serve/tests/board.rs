//! The theme board: its API (the board in one answer; place, share, leave, create, split,
//! merge, discard, status; versions and their diff and maps; the refusals) and the board
//! itself in real Chromium and Firefox (drag a code into a new theme, the same by keyboard,
//! rename, split, discard, record versions and see the diff). Every change is checked in
//! the codebook file and the change log, and every codings file must be unchanged, byte
//! for byte: the board moves codes, never what was coded.
//!
//! The test study (see `common::study`) has the shipped nine-mechanism codebook: the root
//! group "solution-focused-strengths-based" with three groups of three codes
//! ("splw-role": asking-questions, motivational-interviewing, therapeutic-alliance;
//! "patients-role": empowerment, active-engagement, patient-stories; "the-approach":
//! solution-building, goal-orientation, what-matters). KW coded what-matters once (P1),
//! goal-orientation twice (P1, P2) and therapeutic-alliance once (P1); CG coded
//! what-matters twice (P1, P2) and empowerment once (P1).

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;
#[path = "board/drivers.rs"]
mod drivers;

use std::path::PathBuf;

use common::Fixture;
use drivers::{Chromium, Driver, Firefox, click, drag, keys, press, type_text, wait_for};
use serde_json::{Value, json};
use thematic_study::Study;

// ---------- what every test checks ----------

/// Every codings file's bytes, by name.
fn codings_files(study: &Study) -> Vec<(String, Vec<u8>)> {
    let dir = study.root().join("codings");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 2, "KW's and CG's codings");
    out
}

/// The change log's rows after the first `from`, as `action theme: detail`.
fn logged_since(study: &Study, from: usize) -> Vec<String> {
    study.changes().unwrap()[from..]
        .iter()
        .map(|c| format!("{} {}: {}", c.action, c.theme, c.detail))
        .collect()
}

fn log_len(study: &Study) -> usize {
    study.changes().unwrap().len()
}

fn codebook_text(study: &Study) -> String {
    std::fs::read_to_string(study.codebook_path()).unwrap()
}

fn parent(study: &Study, id: &str) -> Option<String> {
    study.codebook().unwrap().get(id).unwrap().parent.clone()
}

fn area<'a>(board: &'a Value, id: &str) -> &'a Value {
    board["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no area {id}: {board}"))
}

fn card<'a>(board: &'a Value, id: &str) -> &'a Value {
    board["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no card {id}"))
}

/// `(codes, extracts, participants)` of an area.
fn tally(a: &Value) -> (u64, u64, u64) {
    (
        a["codes"].as_u64().unwrap(),
        a["extracts"].as_u64().unwrap(),
        a["participants"].as_u64().unwrap(),
    )
}

fn post(f: &Fixture, path: &str, body: Value) -> Value {
    let r = f.with_body("POST", path, &body);
    assert!(
        r.status < 300,
        "POST {path} {body}: {} {}",
        r.status,
        r.text()
    );
    r.json()
}

/// A refused request: its status and message; the codebook and the log must be as before.
fn refused(f: &Fixture, method: &str, path: &str, body: Value) -> (u16, String) {
    let book = codebook_text(&f.study);
    let log = log_len(&f.study);
    let r = f.with_body(method, path, &body);
    assert!(
        (400..500).contains(&r.status),
        "{method} {path} {body}: {}",
        r.text()
    );
    assert_eq!(codebook_text(&f.study), book, "a refusal writes nothing");
    assert_eq!(log_len(&f.study), log, "a refusal logs nothing");
    (r.status, r.json()["error"].as_str().unwrap().to_string())
}

// ---------- the API ----------

#[test]
fn the_board_draws_every_code_in_its_theme_with_the_coders_counts() {
    let f = Fixture::new();
    let b = f.json("/api/board");
    assert_eq!(
        (b["coder"].clone(), b["everyone"].clone()),
        (json!("KW"), json!(false))
    );
    // No "unsorted" group in this codebook: the pile is the top level, and empty.
    assert_eq!(
        (b["pile"].clone(), b["pile_cards"].clone()),
        (Value::Null, json!([]))
    );
    assert_eq!(b["misc"], false);
    let ids: Vec<&str> = b["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "solution-focused-strengths-based",
            "splw-role",
            "patients-role",
            "the-approach"
        ]
    );
    assert_eq!(
        area(&b, "the-approach")["within"],
        "solution-focused-strengths-based"
    );
    assert_eq!(area(&b, "the-approach")["depth"], 1);
    assert_eq!(
        area(&b, "the-approach")["cards"],
        json!(["solution-building", "goal-orientation", "what-matters"])
    );
    assert_eq!(b["cards"].as_array().unwrap().len(), 9);
    // KW's own: goal-orientation in P1 and P2; empowerment is CG's only.
    let c = card(&b, "goal-orientation");
    assert_eq!(
        (c["extracts"].clone(), c["participants"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(c["home"], "the-approach");
    assert_eq!(card(&b, "empowerment")["extracts"], 0);
    // the-approach: what-matters 1 + goal-orientation 2 = 3 extracts in P1, P2; the root
    // adds therapeutic-alliance: 4 extracts, 9 codes.
    assert_eq!(tally(area(&b, "the-approach")), (3, 3, 2));
    assert_eq!(tally(area(&b, "splw-role")), (3, 1, 1));
    assert_eq!(
        tally(area(&b, "solution-focused-strengths-based")),
        (9, 4, 2)
    );
    assert_eq!(
        b["totals"],
        json!({"codes": 9, "unsorted": 0, "themes": 4, "defined": 0, "shared": 0})
    );

    // Everyone's: what-matters KW 1 + CG 2 = 3 in P1, P2; the root 4 + 3 = 7.
    let all = f.json("/api/board?coders=all");
    assert_eq!(all["everyone"], true);
    assert_eq!(all["counted"], json!(["CG", "KW"]));
    let c = card(&all, "what-matters");
    assert_eq!(
        (c["extracts"].clone(), c["participants"].clone()),
        (json!(3), json!(2))
    );
    assert_eq!(card(&all, "empowerment")["extracts"], 1);
    assert_eq!(
        tally(area(&all, "solution-focused-strengths-based")),
        (9, 7, 2)
    );
    assert_eq!(f.get("/api/board?coders=CG").status, 400);
}

#[test]
fn moving_sharing_and_leaving_are_logged_codebook_edits_and_change_no_coding() {
    let f = Fixture::new();
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    let made = f.with_body(
        "POST",
        "/api/board/themes",
        &json!({"label": " Being heard ", "note": "a hunch from P1"}),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    assert_eq!(
        made.json(),
        json!({"id": "being-heard", "label": "Being heard"})
    );
    let moved = post(
        &f,
        "/api/board/place",
        json!({"code": "what-matters", "theme": "being-heard", "how": "move", "note": "it is about listening"}),
    );
    assert_eq!(moved["old_parent"], "the-approach");
    post(
        &f,
        "/api/board/place",
        json!({"code": "goal-orientation", "theme": "being-heard", "how": "also"}),
    );
    let book = f.study.codebook().unwrap();
    let heard = book.get("being-heard").unwrap();
    assert!(!heard.codable && heard.parent.is_none() && !heard.defined);
    assert_eq!(
        parent(&f.study, "what-matters").as_deref(),
        Some("being-heard")
    );
    let goals = book.get("goal-orientation").unwrap();
    assert_eq!(
        goals.parent.as_deref(),
        Some("the-approach"),
        "its place is kept"
    );
    assert_eq!(goals.also_in, ["being-heard"]);
    assert!(codebook_text(&f.study).contains("also_in = [\"being-heard\"]"));

    // The board draws goal-orientation in both, flagged; being-heard counts what-matters
    // (1 extract, P1) and goal-orientation (2, P1 and P2).
    let b = f.json("/api/board");
    assert_eq!(
        area(&b, "being-heard")["cards"],
        json!(["what-matters", "goal-orientation"])
    );
    assert_eq!(tally(area(&b, "being-heard")), (2, 3, 2));
    assert_eq!(
        area(&b, "being-heard")["shared"],
        json!(["goal-orientation"])
    );
    assert_eq!(card(&b, "goal-orientation")["shared"], true);
    assert_eq!(b["totals"]["shared"], 1);

    let left = post(
        &f,
        "/api/board/place",
        json!({"code": "goal-orientation", "theme": "being-heard", "how": "leave"}),
    );
    assert_eq!(left["old_also_in"], json!(["being-heard"]));
    assert!(
        f.study
            .codebook()
            .unwrap()
            .get("goal-orientation")
            .unwrap()
            .also_in
            .is_empty()
    );
    assert!(!codebook_text(&f.study).contains("also_in"));

    // Each note is logged as a memo after its change.
    let log = logged_since(&f.study, from);
    let kinds: Vec<&str> = log.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(
        kinds,
        ["add", "memo", "move", "memo", "share", "share"],
        "{log:?}"
    );
    let changes: Vec<&String> = log.iter().filter(|l| !l.starts_with("memo")).collect();
    assert_eq!(
        changes,
        [
            "add being-heard: added candidate theme \"Being heard\" as a root",
            "move what-matters: parent \"the-approach\" -> \"being-heard\"",
            "share goal-orientation: also in \"being-heard\"",
            "share goal-orientation: no longer also in \"being-heard\"",
        ]
    );
    let journal: Vec<String> = f
        .study
        .memos_of("KW")
        .unwrap()
        .into_iter()
        .filter(|m| m.about == thematic_study::MemoAbout::Journal)
        .map(|m| m.text)
        .collect();
    assert_eq!(journal.len(), 2, "{journal:?}");
    assert!(
        journal[1].contains("move what-matters") && journal[1].ends_with("it is about listening")
    );
    assert_eq!(codings_files(&f.study), codings, "no coding changed");
}

#[test]
fn a_drop_on_miscellaneous_makes_it_first() {
    let f = Fixture::new();
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    assert_eq!(f.json("/api/board")["misc"], false);
    let r = post(
        &f,
        "/api/board/place",
        json!({"code": "empowerment", "theme": "miscellaneous", "how": "move"}),
    );
    assert_eq!(r["made_misc"], true);
    let book = f.study.codebook().unwrap();
    let misc = book.get("miscellaneous").unwrap();
    assert!(!misc.codable && misc.definition.is_some());
    assert_eq!(
        parent(&f.study, "empowerment").as_deref(),
        Some("miscellaneous")
    );
    let log = logged_since(&f.study, from);
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[0].starts_with("add miscellaneous:"), "{log:?}");
    assert_eq!(
        log[1],
        "move empowerment: parent \"patients-role\" -> \"miscellaneous\""
    );
    let b = f.json("/api/board");
    assert_eq!(
        (b["misc"].clone(), area(&b, "miscellaneous")["misc"].clone()),
        (json!(true), json!(true))
    );
    // The second drop finds it there.
    let r = post(
        &f,
        "/api/board/place",
        json!({"code": "active-engagement", "theme": "miscellaneous", "how": "move"}),
    );
    assert_eq!(r["made_misc"], false);
    assert_eq!(codings_files(&f.study), codings);
}

#[test]
fn split_define_merge_and_discard_are_logged_codebook_edits() {
    let f = Fixture::new();
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    let split = f.with_body(
        "POST",
        "/api/board/themes/the-approach/split",
        &json!({"label": "Goals and values", "codes": ["goal-orientation", "what-matters"], "note": "two ideas here"}),
    );
    assert_eq!(split.status, 201, "{}", split.text());
    assert_eq!(split.json()["id"], "goals-and-values");
    let book = f.study.codebook().unwrap();
    let new = book.get("goals-and-values").unwrap();
    assert_eq!(new.split_from.as_deref(), Some("the-approach"));
    assert_eq!(
        new.parent.as_deref(),
        Some("solution-focused-strengths-based"),
        "beside it"
    );
    assert_eq!(
        parent(&f.study, "what-matters").as_deref(),
        Some("goals-and-values")
    );
    assert_eq!(
        parent(&f.study, "solution-building").as_deref(),
        Some("the-approach")
    );

    let s = post(
        &f,
        "/api/board/themes/goals-and-values/status",
        json!({"defined": true}),
    );
    assert_eq!(
        s,
        json!({"id": "goals-and-values", "defined": true, "was": false})
    );
    assert!(
        f.study
            .codebook()
            .unwrap()
            .get("goals-and-values")
            .unwrap()
            .defined
    );

    let m = post(
        &f,
        "/api/board/themes/goals-and-values/merge",
        json!({"into": "splw-role"}),
    );
    assert_eq!(m["moved"], json!(["goal-orientation", "what-matters"]));
    let book = f.study.codebook().unwrap();
    let gone = book.get("goals-and-values").unwrap();
    assert!(gone.retired);
    assert_eq!(gone.merged_into.as_deref(), Some("splw-role"));
    assert_eq!(
        parent(&f.study, "goal-orientation").as_deref(),
        Some("splw-role")
    );

    let d = post(
        &f,
        "/api/board/themes/patients-role/discard",
        json!({"note": "too thin"}),
    );
    assert_eq!(
        d["moved"],
        json!(["empowerment", "active-engagement", "patient-stories"])
    );
    let book = f.study.codebook().unwrap();
    assert!(book.get("patients-role").unwrap().retired);
    assert_eq!(
        parent(&f.study, "patient-stories").as_deref(),
        Some("miscellaneous")
    );

    let actions: Vec<String> = logged_since(&f.study, from)
        .into_iter()
        .filter(|l| !l.starts_with("memo"))
        .collect();
    assert_eq!(
        actions,
        [
            "split the-approach: split: new theme \"goals-and-values\" (\"Goals and values\") takes goal-orientation, what-matters",
            "status goals-and-values: candidate -> defined",
            "merge-theme goals-and-values: merged into \"splw-role\"; source retired; moved under \"splw-role\": goal-orientation, what-matters",
            "discard patients-role: discarded (retired); moved to \"miscellaneous\": empowerment, active-engagement, patient-stories",
        ]
    );
    // The board no longer draws the retired themes; "Miscellaneous" holds the three codes.
    let b = f.json("/api/board");
    let ids: Vec<&str> = b["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "solution-focused-strengths-based",
            "splw-role",
            "the-approach",
            "miscellaneous"
        ]
    );
    assert_eq!(
        area(&b, "miscellaneous")["cards"].as_array().unwrap().len(),
        3
    );
    assert_eq!(codings_files(&f.study), codings);
}

#[test]
fn refusals_say_what_to_do_and_write_nothing() {
    let f = Fixture::new();
    let codings = codings_files(&f.study);
    let place =
        |code: &str, theme: &str, how: &str| json!({"code": code, "theme": theme, "how": how});
    let (s, m) = refused(
        &f,
        "POST",
        "/api/board/place",
        place("what-matters", "the-aproach", "move"),
    );
    assert_eq!(s, 400);
    assert!(
        m.contains("no theme \"the-aproach\"") && m.contains("did you mean \"the-approach\""),
        "{m}"
    );
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/place",
        place("what-maters", "splw-role", "move"),
    );
    assert!(m.contains("did you mean \"what-matters\""), "{m}");
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/place",
        place("what-matters", "empowerment", "move"),
    );
    assert!(
        m.contains("\"Empowerment\" (empowerment) is a code, not a theme"),
        "{m}"
    );
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/place",
        place("what-matters", "splw-role", "leave"),
    );
    assert!(m.contains("does not also sit in"), "{m}");
    let (s, _) = refused(
        &f,
        "POST",
        "/api/board/place",
        place("what-matters", "splw-role", "sideways"),
    );
    assert!(s == 400 || s == 422, "{s}");
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/place",
        json!({"code": "what-matters", "theme": null, "how": "also"}),
    );
    assert!(m.contains("name the theme"), "{m}");
    let (_, m) = refused(&f, "POST", "/api/board/themes", json!({"label": "  "}));
    assert!(m.contains("needs a name"), "{m}");
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes",
        json!({"label": "X", "parent": "nowhere"}),
    );
    assert!(m.contains("no theme \"nowhere\""), "{m}");
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes/the-approach/split",
        json!({"label": "Goals", "codes": []}),
    );
    assert!(
        m.contains("choose the codes that go to the new theme") && m.contains("The approach"),
        "{m}"
    );
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes/the-approach/split",
        json!({"label": "Goals", "codes": ["empowerment"]}),
    );
    assert!(
        m.contains("\"Empowerment\" (empowerment) is not in \"The approach\""),
        "{m}"
    );
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes/nope/split",
        json!({"label": "Goals", "codes": ["empowerment"]}),
    );
    assert!(m.contains("no theme \"nope\""), "{m}");
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes/the-approach/merge",
        json!({"into": "the-approach"}),
    );
    assert!(m.contains("into itself"), "{m}");
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes/the-approach/merge",
        json!({"into": "empowerment"}),
    );
    assert!(m.contains("is a code, not a theme"), "{m}");
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes/empowerment/discard",
        json!({}),
    );
    assert!(m.contains("is a code, not a theme"), "{m}");

    // Defining a theme while one of its codes also sits elsewhere: refused, naming it.
    post(
        &f,
        "/api/board/place",
        place("goal-orientation", "splw-role", "also"),
    );
    let (s, m) = refused(
        &f,
        "POST",
        "/api/board/themes/the-approach/status",
        json!({"defined": true}),
    );
    assert_eq!(s, 409);
    assert!(
        m.contains(
            "\"Goal and action-orientated\" (goal-orientation) also sits in \"SPLWs' role\""
        ),
        "{m}"
    );
    // The other theme it sits in is refused too, for the same code.
    let (_, m) = refused(
        &f,
        "POST",
        "/api/board/themes/splw-role/status",
        json!({"defined": true}),
    );
    assert!(
        m.contains("goal-orientation") && m.contains("\"The approach\""),
        "{m}"
    );
    assert_eq!(codings_files(&f.study), codings);
}

#[test]
fn versions_are_recorded_listed_diffed_and_drawn() {
    let f = Fixture::new();
    let codings = codings_files(&f.study);
    let first_text = codebook_text(&f.study);
    let v = f.with_body(
        "POST",
        "/api/versions",
        &json!({"name": "Candidate themes", "note": "before review"}),
    );
    assert_eq!(v.status, 201, "{}", v.text());
    let v = v.json();
    // 4 codings of KW and 3 of CG.
    assert_eq!(
        (
            v["folder"].clone(),
            v["number"].clone(),
            v["extracts"].clone(),
            v["note"].clone()
        ),
        (
            json!("01-candidate-themes"),
            json!(1),
            json!(7),
            json!("before review")
        )
    );
    let saved = f
        .study
        .root()
        .join("versions/01-candidate-themes/codebook.toml");
    assert_eq!(
        std::fs::read_to_string(saved).unwrap(),
        first_text,
        "the codebook, byte for byte"
    );

    let r = f.with_body(
        "PATCH",
        "/api/codes/the-approach",
        &json!({"label": "How they work"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    post(
        &f,
        "/api/board/place",
        json!({"code": "empowerment", "theme": "splw-role", "how": "move"}),
    );
    post(&f, "/api/versions", json!({"name": "Final"}));
    let list = f.json("/api/versions");
    let names: Vec<&str> = list["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Candidate themes", "Final"]);

    // In the later version's tree order: empowerment (now under splw-role) comes before
    // the-approach. Extracts, every coder's: empowerment 1 (CG); the-approach what-matters
    // 3 + goal-orientation 2 = 5.
    let d = f.json("/api/versions/diff?a=1&b=final");
    assert_eq!(d["summary"], "1 moved, 1 renamed");
    assert_eq!(
        (d["a"]["name"].clone(), d["b"]["folder"].clone()),
        (json!("Candidate themes"), json!("02-final"))
    );
    let texts: Vec<&str> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "moved \"Empowerment\" from \"Patients' role\" to \"SPLWs' role\" (1 extract)",
            "renamed \"The approach\" to \"How they work\" (5 extracts)",
        ]
    );
    let c = &d["changes"][1];
    assert_eq!(
        (c["kind"].clone(), c["from"].clone(), c["extracts"].clone()),
        (json!("renamed"), json!("The approach"), json!(5))
    );
    // The same as the study's own diff, and `current` counted from the server's indexes
    // gives what the study counts from the files.
    let (_, _, ours) = f.study.version_diff("1", "final").unwrap();
    assert_eq!(
        serde_json::to_value(&ours)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    for (i, change) in ours.iter().enumerate() {
        assert_eq!(d["changes"][i]["extracts"], json!(change.extracts));
        assert_eq!(d["changes"][i]["kind"], json!(change.kind_name()));
    }
    let now = f.json("/api/versions/diff?a=1");
    let (_, _, theirs) = f.study.version_diff("1", "current").unwrap();
    let now_changes: Vec<Value> = now["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.as_object_mut().unwrap().remove("text");
            c
        })
        .collect();
    assert_eq!(
        Value::Array(now_changes),
        serde_json::to_value(&theirs).unwrap()
    );
    let same = f.json("/api/versions/diff?a=final&b=current");
    assert_eq!(
        (same["summary"].clone(), same["changes"].clone()),
        (json!("no changes"), json!([]))
    );

    let map = f.get("/api/versions/01-candidate-themes/map.svg");
    assert_eq!(map.status, 200);
    assert!(
        map.header("content-type")
            .unwrap()
            .starts_with("image/svg+xml")
    );
    let svg = map.text();
    assert!(svg.contains("The approach") && !svg.contains("How they work"));
    assert!(svg.contains("5 codings"), "the-approach's extracts then");
    let svg = f.get("/api/versions/current/map.svg").text();
    assert!(svg.contains("How they work"));

    let (s, m) = refused(&f, "POST", "/api/versions", json!({"name": "final"}));
    assert_eq!(s, 422);
    assert!(m.contains("a version named \"Final\""), "{m}");
    let (s, _) = refused(&f, "POST", "/api/versions", json!({"name": " "}));
    assert_eq!(s, 400);
    let r = f.get("/api/versions/diff?b=final");
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("name the earlier version")
    );
    let r = f.get("/api/versions/nope/map.svg");
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("\"Candidate themes\", \"Final\"")
    );

    let snapshots = f
        .study
        .changes()
        .unwrap()
        .into_iter()
        .filter(|c| c.action == "snapshot")
        .count();
    assert_eq!(snapshots, 2);
    assert_eq!(codings_files(&f.study), codings);
}

// ---------- in the browsers ----------

/// The browser tests run one at a time: two browsers at once are slow on a small machine.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The board of a fresh test study, open in `b`.
fn open_board(b: &mut dyn Driver) -> Fixture {
    let f = Fixture::new();
    b.go(&format!("{}#/board", f.server.url()));
    wait_for(
        b,
        "return !!document.querySelector('#board .card[data-card=\"what-matters\"]')",
        "the board",
    );
    f
}

/// Waits until the board has been drawn again after a change (and says what happened).
fn wait_redrawn(b: &mut dyn Driver, draws: &Value) {
    let script = format!(
        "return document.body.dataset.boardDraws !== '{}' && !!document.getElementById('board')",
        draws.as_str().unwrap_or("")
    );
    wait_for(b, &script, "the board to be drawn again");
}

fn draws(b: &mut dyn Driver) -> Value {
    b.run("return document.body.dataset.boardDraws", json!([]))
}

fn wait_dialog(b: &mut dyn Driver) {
    wait_for(
        b,
        "return !!document.querySelector('dialog.ask[open]')",
        "the dialog",
    );
}

fn focus(b: &mut dyn Driver, css: &str) {
    let ok = b.run(
        "const e = document.querySelector(arguments[0]); if (!e) return false; e.focus(); return document.activeElement === e;",
        json!([css]),
    );
    assert_eq!(ok, json!(true), "{}: cannot focus {css}", b.name());
}

/// `target/serve-<name>.png`.
fn screenshot(b: &mut dyn Driver, name: &str) {
    let png = b.screenshot();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("serve-{name}.png"));
    std::fs::write(&path, &png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

const ENTER: &str = "\u{E007}";
const ALT: &str = "\u{E00A}";
const CTRL: &str = "\u{E009}";

/// Drag a code onto "New theme", name it: a candidate theme with the code in it. Drag
/// another onto it with Alt: it sits there as well. Undo from the status line.
fn drag_a_code_into_a_new_theme(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    drag(
        b,
        "#board .card[data-card=\"goal-orientation\"]",
        "#board .new-zone",
        None,
    );
    wait_dialog(b);
    type_text(b, "Setting goals");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !!document.querySelector('section[data-id=\"setting-goals\"] .card[data-card=\"goal-orientation\"]')",
        "the card in its new theme",
    );
    let book = f.study.codebook().unwrap();
    assert!(!book.get("setting-goals").unwrap().codable);
    assert_eq!(
        parent(&f.study, "goal-orientation").as_deref(),
        Some("setting-goals")
    );
    assert_eq!(
        logged_since(&f.study, from),
        [
            "add setting-goals: added candidate theme \"Setting goals\" as a root",
            "move goal-orientation: parent \"the-approach\" -> \"setting-goals\"",
        ],
        "{}",
        b.name()
    );

    // Alt held while dropping: also in the theme; the card is drawn there too, flagged.
    let before = draws(b);
    drag(
        b,
        "#board .card[data-card=\"what-matters\"]",
        "#board section[data-id=\"setting-goals\"] .area-head",
        Some(ALT),
    );
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !!document.querySelector('section[data-id=\"setting-goals\"] .card.elsewhere[data-card=\"what-matters\"]')",
        "the shared card",
    );
    let wm = f
        .study
        .codebook()
        .unwrap()
        .get("what-matters")
        .unwrap()
        .clone();
    assert_eq!(
        (wm.parent.as_deref(), wm.also_in.clone()),
        (Some("the-approach"), vec!["setting-goals".to_string()])
    );
    let said = b.run(
        "return document.getElementById('status').textContent",
        json!([]),
    );
    assert!(said.as_str().unwrap().contains("is also in"), "{said}");
    if b.name() == "Chromium" {
        screenshot(b, "board");
    }

    // Undo, offered in the status line, takes it out again.
    let before = draws(b);
    click(b, "#status button");
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !document.querySelector('.card.elsewhere')",
        "the shared card gone",
    );
    assert!(
        f.study
            .codebook()
            .unwrap()
            .get("what-matters")
            .unwrap()
            .also_in
            .is_empty()
    );
    let log = logged_since(&f.study, from);
    assert_eq!(
        log[2..],
        [
            "share what-matters: also in \"setting-goals\"",
            "share what-matters: no longer also in \"setting-goals\"",
        ]
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

/// The same by keyboard: m on a card, type a new theme's name, Enter; m and a with a
/// filtered list; Ctrl+Z undoes the last board change.
fn keyboard_moves_a_code_into_a_new_theme(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    focus(b, "#board .card[data-card=\"what-matters\"]");
    press(b, "m");
    wait_dialog(b);
    type_text(b, "Being heard");
    // Nothing is called that: the one choice left is to make it.
    let choice = b.run(
        "return document.querySelector('.ask-list li[aria-selected=\"true\"]').textContent",
        json!([]),
    );
    assert_eq!(choice, json!("+ New theme \u{201c}Being heard\u{201d}"));
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !!document.querySelector('section[data-id=\"being-heard\"] .card[data-card=\"what-matters\"]')",
        "the card in the new theme",
    );
    assert_eq!(
        parent(&f.study, "what-matters").as_deref(),
        Some("being-heard")
    );

    // Type to filter: "being" leaves "Being heard" first.
    focus(b, "#board .card[data-card=\"empowerment\"]");
    press(b, "m");
    wait_dialog(b);
    type_text(b, "being");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    assert_eq!(
        parent(&f.study, "empowerment").as_deref(),
        Some("being-heard")
    );

    // a: also in; then Ctrl+Z takes it back out.
    focus(b, "#board .card[data-card=\"goal-orientation\"]");
    press(b, "a");
    wait_dialog(b);
    type_text(b, "heard");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    assert_eq!(
        f.study
            .codebook()
            .unwrap()
            .get("goal-orientation")
            .unwrap()
            .also_in,
        ["being-heard"]
    );
    // The focus stays on the card, so the keyboard goes on from there.
    let focused = b.run(
        "return document.activeElement.dataset.card || ''",
        json!([]),
    );
    assert_eq!(focused, json!("goal-orientation"), "{}", b.name());
    let before = draws(b);
    keys(b, common::chord(&[CTRL, "z"]));
    wait_redrawn(b, &before);
    assert!(
        f.study
            .codebook()
            .unwrap()
            .get("goal-orientation")
            .unwrap()
            .also_in
            .is_empty()
    );
    assert_eq!(
        logged_since(&f.study, from),
        [
            "add being-heard: added candidate theme \"Being heard\" as a root",
            "move what-matters: parent \"the-approach\" -> \"being-heard\"",
            "move empowerment: parent \"patients-role\" -> \"being-heard\"",
            "share goal-orientation: also in \"being-heard\"",
            "share goal-orientation: no longer also in \"being-heard\"",
        ],
        "{}",
        b.name()
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

/// On a theme's heading: r renames, s splits (codes ticked), d discards.
fn rename_split_and_discard(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    focus(b, "#board .area-head[data-theme=\"the-approach\"]");
    press(b, "r");
    wait_dialog(b);
    // The old name is selected: typing replaces it.
    type_text(b, "How they work");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    let book = f.study.codebook().unwrap();
    assert_eq!(book.get("the-approach").unwrap().label, "How they work");

    focus(b, "#board .area-head[data-theme=\"the-approach\"]");
    press(b, "s");
    wait_dialog(b);
    type_text(b, "Goals");
    click(
        b,
        "dialog.ask input[type=checkbox][value=\"goal-orientation\"]",
    );
    let before = draws(b);
    click(b, "dialog.ask button[type=submit]");
    wait_redrawn(b, &before);
    let book = f.study.codebook().unwrap();
    assert_eq!(
        book.get("goals").unwrap().split_from.as_deref(),
        Some("the-approach")
    );
    assert_eq!(
        parent(&f.study, "goal-orientation").as_deref(),
        Some("goals")
    );
    assert_eq!(
        parent(&f.study, "what-matters").as_deref(),
        Some("the-approach")
    );

    focus(b, "#board .area-head[data-theme=\"goals\"]");
    press(b, "d");
    wait_dialog(b);
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    let book = f.study.codebook().unwrap();
    assert!(book.get("goals").unwrap().retired);
    assert_eq!(
        parent(&f.study, "goal-orientation").as_deref(),
        Some("miscellaneous")
    );
    let said = b.run(
        "return document.getElementById('status').textContent",
        json!([]),
    );
    assert!(
        said.as_str().unwrap().contains("cannot undo a discard"),
        "{said}"
    );
    assert!(b.run("return !!document.querySelector('section.misc[data-id=\"miscellaneous\"] .card[data-card=\"goal-orientation\"]')", json!([])) == json!(true));
    let log: Vec<String> = logged_since(&f.study, from);
    assert_eq!(
        log,
        [
            "rename the-approach: label \"The approach\" -> \"How they work\"",
            "split the-approach: split: new theme \"goals\" (\"Goals\") takes goal-orientation",
            "discard goals: discarded (retired); moved to \"miscellaneous\": goal-orientation",
        ],
        "{}",
        b.name()
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

/// Record a version, change the structure, record another, and see what changed.
fn record_versions_and_see_the_diff(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    wait_for(
        b,
        "return !!document.querySelector('.record-version')",
        "the versions section",
    );
    click(b, ".record-version input[name=version-name]");
    type_text(b, "Candidate themes");
    press(b, ENTER);
    wait_for(
        b,
        "return [...document.querySelectorAll('.versions-table th')].some((t) => t.textContent === 'Candidate themes')",
        "the first version listed",
    );
    assert!(
        f.study
            .root()
            .join("versions/01-candidate-themes/codebook.toml")
            .is_file()
    );
    let r = f.with_body(
        "PATCH",
        "/api/codes/the-approach",
        &json!({"label": "How they work"}),
    );
    assert_eq!(r.status, 200);
    click(b, ".record-version input[name=version-name]");
    type_text(b, "Final");
    press(b, ENTER);
    wait_for(
        b,
        "return [...document.querySelectorAll('.versions-table th')].some((t) => t.textContent === 'Final')",
        "the second version listed",
    );
    click(
        b,
        ".versions-table input[name=va][value=\"01-candidate-themes\"]",
    );
    click(b, ".versions-table input[name=vb][value=\"02-final\"]");
    click(b, ".diff-bar button");
    wait_for(
        b,
        "return !!document.querySelector('.diff ul.changes li')",
        "the diff",
    );
    let shown = b.run(
        "return document.querySelector('.diff').innerText",
        json!([]),
    );
    let shown = shown.as_str().unwrap();
    assert!(shown.contains("1 renamed"), "{shown}");
    assert!(
        shown.contains("renamed \"The approach\" to \"How they work\" (5 extracts)"),
        "{shown}"
    );
    let link = b.run(
        "return !!document.querySelector('.versions-table a[href=\"/api/versions/01-candidate-themes/map.svg\"]')",
        json!([]),
    );
    assert_eq!(link, json!(true));
    let snapshots: Vec<String> = f
        .study
        .changes()
        .unwrap()
        .into_iter()
        .filter(|c| c.action == "snapshot")
        .map(|c| c.detail)
        .collect();
    assert_eq!(
        snapshots,
        [
            "recorded version \"Candidate themes\" (01-candidate-themes)",
            "recorded version \"Final\" (02-final)",
        ]
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

fn in_chromium(scenario: fn(&mut dyn Driver)) {
    let _one = serial();
    if let Some(mut b) = Chromium::start() {
        scenario(&mut b);
    }
}

fn in_firefox(scenario: fn(&mut dyn Driver)) {
    let _one = serial();
    if let Some(mut b) = Firefox::start() {
        scenario(&mut b);
    }
}

#[test]
fn in_chromium_a_code_is_dragged_into_a_new_theme() {
    in_chromium(drag_a_code_into_a_new_theme);
}

#[test]
fn in_firefox_a_code_is_dragged_into_a_new_theme() {
    in_firefox(drag_a_code_into_a_new_theme);
}

#[test]
fn in_chromium_the_keyboard_moves_a_code_into_a_new_theme() {
    in_chromium(keyboard_moves_a_code_into_a_new_theme);
}

#[test]
fn in_firefox_the_keyboard_moves_a_code_into_a_new_theme() {
    in_firefox(keyboard_moves_a_code_into_a_new_theme);
}

#[test]
fn in_chromium_a_theme_is_renamed_split_and_discarded() {
    in_chromium(rename_split_and_discard);
}

#[test]
fn in_firefox_a_theme_is_renamed_split_and_discarded() {
    in_firefox(rename_split_and_discard);
}

#[test]
fn in_chromium_versions_are_recorded_and_diffed() {
    in_chromium(record_versions_and_see_the_diff);
}

#[test]
fn in_firefox_versions_are_recorded_and_diffed() {
    in_firefox(record_versions_and_see_the_diff);
}

// ---------- screenshots of a real study, by hand ----------

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if !e.file_name().to_string_lossy().ends_with(".lock") {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Screenshots of the board of a copy of the study named by `THEMATIC_BOARD_STUDY` (the
/// sample study `thematic demo` builds, say), coding as `THEMATIC_BOARD_CODER` (KW), into
/// `THEMATIC_SHOTS` (`/tmp/shots`): the board, a sample extract on hover, the move picker,
/// a shared code, the split dialog and a diff of two versions.
#[test]
#[ignore = "run by hand: THEMATIC_BOARD_STUDY=thematic-demo cargo test -p thematic-serve --test board -- --ignored"]
fn screenshots_of_a_studys_board() {
    let Some(source) = std::env::var_os("THEMATIC_BOARD_STUDY").map(PathBuf::from) else {
        eprintln!("set THEMATIC_BOARD_STUDY to a study folder");
        return;
    };
    let shots = std::env::var_os("THEMATIC_SHOTS")
        .map_or_else(|| PathBuf::from("/tmp/shots"), PathBuf::from);
    std::fs::create_dir_all(&shots).unwrap();
    let coder = std::env::var("THEMATIC_BOARD_CODER").unwrap_or_else(|_| "KW".into());
    let _one = serial();
    let Some(mut browser) = Chromium::start() else {
        return;
    };
    let b: &mut dyn Driver = &mut browser;
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&source, dir.path());
    let server =
        thematic_serve::Running::start(thematic_serve::ServeOptions::new(dir.path(), &coder))
            .unwrap();
    let mut shot = |b: &mut dyn Driver, name: &str| {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let path = shots.join(format!("board-{name}.png"));
        std::fs::write(&path, b.screenshot()).unwrap();
        eprintln!("{}", path.display());
    };
    b.go(&format!("{}#/board", server.url()));
    wait_for(
        b,
        "return !!document.querySelector('#board .card') && !!document.querySelector('.versions-table')",
        "the board",
    );
    wait_for(
        b,
        "const i = document.getElementById('board-map'); return i.complete && i.naturalWidth > 0",
        "the map",
    );
    shot(b, "overview");

    let first = b.run(
        "return document.querySelector('#board .area .card').dataset.card",
        json!([]),
    );
    let first = first.as_str().unwrap().to_string();
    let card = b.find(&format!("#board .card[data-card=\"{first}\"] .card-label"));
    b.perform(json!([{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
        {"type": "pointerMove", "origin": card, "x": 0, "y": 0, "duration": 100}
    ]}]));
    wait_for(
        b,
        "const s = document.getElementById('board-sample'); return !!s && !s.hidden",
        "the sample extract",
    );
    shot(b, "sample");

    focus(b, &format!("#board .card[data-card=\"{first}\"]"));
    press(b, "m");
    wait_dialog(b);
    type_text(b, "r");
    shot(b, "move-picker");
    press(b, "\u{E00C}");

    // The last theme with no sub-themes that the card is not in.
    let theme = b.run(
        "const home = document.querySelector('#board .card[data-card=\"' + arguments[0] + '\"]').dataset.in; \
         return [...document.querySelectorAll('#board .area:not(.has-kids) > .area-head[data-theme]')].map((h) => h.dataset.theme).filter((t) => t !== home).pop();",
        json!([first]),
    );
    let theme = theme.as_str().unwrap().to_string();
    drag(
        b,
        &format!("#board .card[data-card=\"{first}\"]"),
        &format!("#board .area-head[data-theme=\"{theme}\"]"),
        Some(ALT),
    );
    wait_for(
        b,
        "return !!document.querySelector('#board .card.elsewhere')",
        "the shared card",
    );
    b.run("document.querySelector('#board .card.elsewhere').scrollIntoView({block: 'center'}); return true;", json!([]));
    shot(b, "shared");

    let parent_theme = b.run("return document.querySelector('#board .area-head[data-theme]').closest('section').querySelector('.subareas .area-head[data-theme]').dataset.theme", json!([]));
    focus(
        b,
        &format!(
            "#board .area-head[data-theme=\"{}\"]",
            parent_theme.as_str().unwrap()
        ),
    );
    press(b, "s");
    wait_dialog(b);
    type_text(b, "Being listened to");
    click(b, "dialog.ask input[type=checkbox]");
    shot(b, "split");
    press(b, "\u{E00C}");

    if b.run(
        "return document.querySelectorAll('.versions-table input[name=va]').length >= 3",
        json!([]),
    ) == json!(true)
    {
        b.run("document.querySelectorAll('.versions-table input[name=va]')[0].click(); document.querySelectorAll('.versions-table input[name=vb]')[1].click(); return true;", json!([]));
        click(b, ".diff-bar button");
        wait_for(b, "return !!document.querySelector('.diff h3')", "the diff");
        b.run(
            "document.getElementById('versions').scrollIntoView(); return true;",
            json!([]),
        );
        shot(b, "diff");
    }
}

/// How long the board of a running server takes to show in Chromium: the answer, the
/// drawing, and the first frame after it (`THEMATIC_BOARD_URL`: the URL `thematic serve`
/// prints, token included). Five loads after one to warm up; prints each.
#[test]
#[ignore = "run by hand: THEMATIC_BOARD_URL=http://127.0.0.1:PORT/?token=… cargo test -p thematic-serve --test board -- --ignored render"]
fn render_time_of_a_running_servers_board() {
    let Ok(url) = std::env::var("THEMATIC_BOARD_URL") else {
        eprintln!("set THEMATIC_BOARD_URL to the URL thematic serve prints");
        return;
    };
    let _one = serial();
    let Some(mut browser) = Chromium::start() else {
        return;
    };
    let b: &mut dyn Driver = &mut browser;
    b.go(&url);
    wait_for(
        b,
        "return document.body.dataset.ready === '1'",
        "the workspace",
    );
    for round in 0..6 {
        b.run(
            "delete document.body.dataset.boardShownMs; location.hash = '#/'; return true;",
            json!([]),
        );
        wait_for(
            b,
            "return !document.getElementById('board')",
            "another view",
        );
        b.run("location.hash = '#/board'; return true;", json!([]));
        wait_for(
            b,
            "return !!document.body.dataset.boardShownMs",
            "the board",
        );
        let t = b.run(
            "const d = document.body.dataset; return [d.boardFetchMs, d.boardDrawMs, d.boardFrameMs, d.boardShownMs, document.querySelectorAll('#board .card').length].join(' ');",
            json!([]),
        );
        eprintln!(
            "round {round}: answer, drawing, frame, shown (ms), cards: {}",
            t.as_str().unwrap()
        );
    }
}
