//! The theme board's API: the board in one answer; place, share, leave, create, split,
//! merge, discard, status; versions, their diff and their maps; the refusals. The board
//! itself, in real Chromium and Firefox (drag a code into a new theme, the same by keyboard,
//! rename, split, discard, record versions and see the diff), is in `board/browsers.rs`.
//! Every change is checked in the codebook file and the change log, and every codings file
//! must be unchanged, byte for byte: the board moves codes, never what was coded.
//!
//! The test study (see `common::study`) has the shipped nine-mechanism codebook: the root
//! group "solution-focused-strengths-based" with three groups of three codes
//! ("splw-role": asking-questions, motivational-interviewing, therapeutic-alliance;
//! "patients-role": empowerment, active-engagement, patient-stories; "the-approach":
//! solution-building, goal-orientation, what-matters). KW coded what-matters once (P1),
//! goal-orientation twice (P1, P2) and therapeutic-alliance once (P1); CG coded
//! what-matters twice (P1, P2) and empowerment once (P1).

#![allow(clippy::unwrap_used, clippy::print_stderr)]

#[path = "board/browsers.rs"]
mod browsers;
mod common;

use common::Fixture;
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

/// The other themes code `id` also sits in, as the codebook file says.
fn also_in(study: &Study, id: &str) -> Vec<String> {
    study.codebook().unwrap().get(id).unwrap().also_in.clone()
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

/// The ids of the board's areas (themes), in the order it draws them.
fn area_ids(board: &Value) -> Vec<&str> {
    board["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect()
}

/// The body of `POST /api/board/place`: `how` is move, also or leave.
fn place(code: &str, theme: &str, how: &str) -> Value {
    json!({"code": code, "theme": theme, "how": how})
}

/// Places `code` in `theme` (`how`: move, also or leave), which must be done; the answer.
fn placed(f: &Fixture, code: &str, theme: &str, how: &str) -> Value {
    post(f, "/api/board/place", place(code, theme, how))
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

/// A refused POST: its status and message; the codebook and the log must be as before.
fn refused(f: &Fixture, path: &str, body: Value) -> (u16, String) {
    let book = codebook_text(&f.study);
    let log = log_len(&f.study);
    let r = f.with_body("POST", path, &body);
    assert!(
        (400..500).contains(&r.status),
        "POST {path} {body}: {}",
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
    assert_eq!(
        area_ids(&b),
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
    placed(&f, "goal-orientation", "being-heard", "also");
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

    let left = placed(&f, "goal-orientation", "being-heard", "leave");
    assert_eq!(left["old_also_in"], json!(["being-heard"]));
    assert!(also_in(&f.study, "goal-orientation").is_empty());
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
    let r = placed(&f, "empowerment", "miscellaneous", "move");
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
    let r = placed(&f, "active-engagement", "miscellaneous", "move");
    assert_eq!(r["made_misc"], false);
    assert_eq!(codings_files(&f.study), codings);
}

#[test]
fn the_unsorted_pile_is_the_unsorted_group_once_there_is_one() {
    let f = Fixture::new();
    let codings = codings_files(&f.study);
    // A code made while coding goes under "Unsorted", which the codebook then has.
    let made = post(&f, "/api/codes", json!({"label": "Feeling heard"}));
    let b = f.json("/api/board");
    assert_eq!(b["pile"], "unsorted");
    assert_eq!(b["pile_cards"], json!([made["id"]]));
    assert_eq!(
        (
            b["totals"]["unsorted"].clone(),
            b["totals"]["themes"].clone()
        ),
        (json!(1), json!(4))
    );
    // Dropped on the pile, a code goes under the group; a code cannot sit "also" in it.
    placed(&f, "empowerment", "unsorted", "move");
    assert_eq!(parent(&f.study, "empowerment").as_deref(), Some("unsorted"));
    assert_eq!(
        f.json("/api/board")["pile_cards"],
        json!([made["id"], "empowerment"])
    );
    let (_, m) = refused(
        &f,
        "/api/board/place",
        place("what-matters", "unsorted", "also"),
    );
    assert!(m.contains("\"Unsorted\" (unsorted)"), "{m}");
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
    assert_eq!(
        area_ids(&b),
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
    let refused_place = |code: &str, theme: &str, how: &str| {
        refused(&f, "/api/board/place", place(code, theme, how))
    };
    let (s, m) = refused_place("what-matters", "the-aproach", "move");
    assert_eq!(s, 400);
    assert!(
        m.contains("no theme \"the-aproach\"") && m.contains("did you mean \"the-approach\""),
        "{m}"
    );
    let (_, m) = refused_place("what-maters", "splw-role", "move");
    assert!(m.contains("did you mean \"what-matters\""), "{m}");
    let (_, m) = refused_place("what-matters", "empowerment", "move");
    assert!(
        m.contains("\"Empowerment\" (empowerment) is a code, not a theme"),
        "{m}"
    );
    let (_, m) = refused_place("what-matters", "splw-role", "leave");
    assert!(m.contains("does not also sit in"), "{m}");
    let (s, _) = refused_place("what-matters", "splw-role", "sideways");
    assert!(s == 400 || s == 422, "{s}");
    let (_, m) = refused(
        &f,
        "/api/board/place",
        json!({"code": "what-matters", "theme": null, "how": "also"}),
    );
    assert!(m.contains("name the theme"), "{m}");
    let (_, m) = refused(&f, "/api/board/themes", json!({"label": "  "}));
    assert!(m.contains("needs a name"), "{m}");
    let (_, m) = refused(
        &f,
        "/api/board/themes",
        json!({"label": "X", "parent": "nowhere"}),
    );
    assert!(m.contains("no theme \"nowhere\""), "{m}");
    let (_, m) = refused(
        &f,
        "/api/board/themes/the-approach/split",
        json!({"label": "Goals", "codes": []}),
    );
    assert!(
        m.contains("choose the codes that go to the new theme") && m.contains("The approach"),
        "{m}"
    );
    let (_, m) = refused(
        &f,
        "/api/board/themes/the-approach/split",
        json!({"label": "Goals", "codes": ["empowerment"]}),
    );
    assert!(
        m.contains("\"Empowerment\" (empowerment) is not in \"The approach\""),
        "{m}"
    );
    let (_, m) = refused(
        &f,
        "/api/board/themes/nope/split",
        json!({"label": "Goals", "codes": ["empowerment"]}),
    );
    assert!(m.contains("no theme \"nope\""), "{m}");
    let (_, m) = refused(
        &f,
        "/api/board/themes/the-approach/merge",
        json!({"into": "the-approach"}),
    );
    assert!(m.contains("into itself"), "{m}");
    let (_, m) = refused(
        &f,
        "/api/board/themes/the-approach/merge",
        json!({"into": "empowerment"}),
    );
    assert!(m.contains("is a code, not a theme"), "{m}");
    let (_, m) = refused(&f, "/api/board/themes/empowerment/discard", json!({}));
    assert!(m.contains("is a code, not a theme"), "{m}");

    // Defining a theme while one of its codes also sits elsewhere: refused, naming it.
    placed(&f, "goal-orientation", "splw-role", "also");
    let (s, m) = refused(
        &f,
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
    placed(&f, "empowerment", "splw-role", "move");
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

    let (s, m) = refused(&f, "/api/versions", json!({"name": "final"}));
    assert_eq!(s, 422);
    assert!(m.contains("a version named \"Final\""), "{m}");
    let (s, _) = refused(&f, "/api/versions", json!({"name": " "}));
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
