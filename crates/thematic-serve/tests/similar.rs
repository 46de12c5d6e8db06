//! "More like these" over HTTP: `GET /api/codes/{id}/similar` suggests turns like the
//! acting coder's extracts (blind), accepting is an ordinary coding, and
//! `POST /api/codes/{id}/similar/dismiss` is remembered.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, code, span};
use serde_json::json;

const P3: &str = "\
Interviewer: What has helped since you were referred?
P3: The allotment. Planting vegetables and weeding the beds with the others got me out of the house.
Interviewer: Anything else?
P3: My link worker sorted out the housing forms and the benefits letters for me.
P3: Growing tomatoes in the community garden, planting and weeding, gave me something to look after.
";
const P4: &str = "\
Interviewer: Tell me about the garden project, the planting and the weeding.
P4: I joined the allotment and now I grow vegetables and plant seeds every spring.
P4: The bus into town is expensive, so I rarely go anywhere.
P4: Weeding and planting in the garden with the volunteers calms me down.
P4: Money worries keep me awake at night, the debts mostly.
P4: My daughter visits on Sundays and we cook together.
";

/// The fixture's study with two more transcripts about gardening, and KW's extracts of
/// active-engagement in P3.
fn fixture() -> Fixture {
    let f = Fixture::new();
    let dir = f.study.transcripts_dir();
    std::fs::write(dir.join("P3.txt"), P3).unwrap();
    std::fs::write(dir.join("P4.txt"), P4).unwrap();
    code(
        &f.study,
        "KW",
        "P3",
        2,
        "Planting vegetables and weeding the beds with the others",
        "active-engagement",
    );
    code(
        &f.study,
        "KW",
        "P3",
        5,
        "Growing tomatoes in the community garden, planting and weeding",
        "active-engagement",
    );
    f
}

fn suggested(v: &serde_json::Value) -> Vec<(String, u64)> {
    v["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["transcript"].as_str().unwrap().to_string(),
                s["turn"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn has(list: &[(String, u64)], transcript: &str, turn: u64) -> bool {
    list.iter().any(|(t, n)| t == transcript && *n == turn)
}

#[test]
fn suggestions_resemble_the_acting_coders_extracts_and_leave_out_what_they_coded() {
    let f = fixture();
    // Another coder's extract of the code: not an example and not coded, for KW.
    code(
        &f.study,
        "CG",
        "P4",
        4,
        "Weeding and planting in the garden",
        "active-engagement",
    );
    let v = f.json("/api/codes/active-engagement/similar");
    assert_eq!(v["code"], "active-engagement");
    assert_eq!(v["coder"], "KW");
    assert_eq!(
        (v["coded_turns"].as_u64(), v["examples"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (v["offset"].as_u64(), v["limit"].as_u64()),
        (Some(0), Some(20))
    );
    let terms: Vec<&str> = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert!(
        terms.contains(&"weeding") && terms.contains(&"planting"),
        "{terms:?}"
    );
    let got = suggested(&v);
    // The two participant turns about gardening come first; P1's mentions gardening too.
    let first: Vec<(String, u64)> = got.iter().take(2).cloned().collect();
    assert!(has(&first, "P4", 2) && has(&first, "P4", 4), "{got:?}");
    assert!(has(&got, "P1", 6), "{got:?}");
    for (t, n) in [("P3", 2), ("P3", 5), ("P4", 1), ("P3", 1)] {
        assert!(!has(&got, t, n), "{t} {n} in {got:?}");
    }
    let s = &v["suggestions"][0];
    for key in [
        "participant",
        "speaker",
        "role",
        "time_ms",
        "start",
        "end",
        "text",
        "snippet",
        "marks",
        "hits",
        "score",
    ] {
        assert!(s.get(key).is_some(), "{key} in {s}");
    }
    assert_ne!(s["role"], "interviewer");
    assert_eq!(v["more"], false);
}

#[test]
fn accepting_is_coding_the_turn_and_dismissals_are_remembered() {
    let f = fixture();
    let path = "/api/codes/active-engagement/similar";
    let before = suggested(&f.json(path));
    assert!(has(&before, "P4", 2) && has(&before, "P4", 4), "{before:?}");

    // Accept: code the suggested turn's span with the code.
    let s = f.json(path)["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["transcript"] == "P4" && s["turn"] == 2)
        .cloned()
        .unwrap();
    let r = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P4", "start": s["start"], "end": s["end"], "theme": "active-engagement"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let (start, end) = span(
        &f.study,
        "P4",
        2,
        "I joined the allotment and now I grow vegetables and plant seeds every spring.",
    );
    assert_eq!(
        (s["start"].as_u64(), s["end"].as_u64()),
        (Some(start as u64), Some(end as u64))
    );
    let v = f.json(path);
    assert!(!has(&suggested(&v), "P4", 2));
    assert_eq!(v["coded_turns"], 3);

    // Dismiss: remembered once, for this coder and code.
    let r = f.with_body(
        "POST",
        "/api/codes/active-engagement/similar/dismiss",
        &json!({"transcript": "P4", "turn": 4}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"code": "active-engagement", "transcript": "P4", "turn": 4, "added": true})
    );
    let r = f.with_body(
        "POST",
        "/api/codes/active-engagement/similar/dismiss",
        &json!({"transcript": "P4", "turn": 4}),
    );
    assert_eq!((r.status, r.json()["added"].as_bool()), (200, Some(false)));
    assert!(!has(&suggested(&f.json(path)), "P4", 4));
    let file = std::fs::read_to_string(f.study.root().join("dismissed/KW.csv")).unwrap();
    assert!(
        file.starts_with("transcript,turn,theme,when\nP4,4,active-engagement,"),
        "{file}"
    );
    assert_eq!(file.lines().count(), 2);
    let logged = f.study.changes().unwrap();
    assert_eq!(
        logged
            .iter()
            .filter(|c| c.action == "dismiss" && c.who == "KW")
            .count(),
        1
    );
    // Dismissed for this code only.
    assert!(
        f.study
            .dismissed_turns("KW", "empowerment")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn pages_and_refusals() {
    let f = fixture();
    let all = suggested(&f.json("/api/codes/active-engagement/similar?limit=100"));
    let one = f.json("/api/codes/active-engagement/similar?limit=1");
    assert_eq!(one["more"], true);
    let two = f.json("/api/codes/active-engagement/similar?limit=1&offset=1");
    assert_eq!(suggested(&one)[0], all[0]);
    assert_eq!(suggested(&two)[0], all[1]);
    assert_eq!(
        f.json("/api/codes/active-engagement/similar?limit=100000")["limit"],
        100
    );

    // A code without extracts: an empty page that says so.
    let v = f.json("/api/codes/patient-stories/similar");
    assert_eq!(
        (
            v["coded_turns"].as_u64(),
            v["suggestions"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );

    let r = f.get("/api/codes/active-engagemnt/similar");
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("did you mean \"active-engagement\""),
        "{}",
        r.text()
    );
    assert_eq!(
        f.get("/api/codes/active-engagement/similar?offset=5000")
            .status,
        400
    );
    assert_eq!(
        f.get("/api/codes/active-engagement/similar?limit=x").status,
        400
    );

    let dismiss = "/api/codes/active-engagement/similar/dismiss";
    let r = f.with_body("POST", dismiss, &json!({"transcript": "P4", "turn": 99}));
    assert_eq!(r.status, 404, "{}", r.text());
    let r = f.with_body("POST", dismiss, &json!({"transcript": "P9", "turn": 1}));
    assert_eq!(r.status, 404, "{}", r.text());
    let r = f.with_body(
        "POST",
        "/api/codes/nope/similar/dismiss",
        &json!({"transcript": "P4", "turn": 1}),
    );
    assert_eq!(r.status, 404, "{}", r.text());
    let r = f.with_body("POST", dismiss, &json!({"transcript": "P4"}));
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(!f.study.root().join("dismissed/KW.csv").exists());
}
