//! A focus group in the workspace: the quote view and a theme's review count who speaks.
//! Before `participants.csv` names the speakers the transcript is one participant; once it
//! does (written while the server runs), the next request attributes each quote to its
//! speaker's participant.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, code};
use serde_json::Value;

/// A focus group: the interviewer and two people, each speaking twice.
const FG1: &str = "\
Interviewer: What helped you most?
Ann: Being asked what mattered to me, not told.
Bob: Having small goals I could tick off each week.
Interviewer: Anything else?
Ann: The walking group gave me friends again.
Bob: Knowing someone would ask how it went.
";

/// The quote view's (participant, transcript, turn) for `theme`, in its order.
fn quotes(f: &Fixture, theme: &str) -> Vec<(String, String, u64)> {
    let body = f.json(&format!(
        "/api/quotes?format=json&inline=1&coder=KW&theme={theme}&limit=500"
    ));
    body["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["participant"].as_str().unwrap().to_string(),
                q["transcript"].as_str().unwrap().to_string(),
                q["turn"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(p: &str, t: &str, turn: u64) -> (String, String, u64) {
    (p.into(), t.into(), turn)
}

#[test]
fn quotes_and_coverage_follow_the_speakers_participants_csv_names() {
    let f = Fixture::new();
    std::fs::write(f.study.transcripts_dir().join("FG1.txt"), FG1).unwrap();
    code(
        &f.study,
        "KW",
        "FG1",
        2,
        "what mattered to me",
        "what-matters",
    );
    code(
        &f.study,
        "KW",
        "FG1",
        6,
        "Knowing someone would ask",
        "what-matters",
    );
    code(&f.study, "KW", "FG1", 3, "small goals", "goal-orientation");
    // The fixture's KW coded what-matters once, in P1 turn 2.
    assert_eq!(
        quotes(&f, "what-matters"),
        [
            row("FG1", "FG1", 2),
            row("FG1", "FG1", 6),
            row("P1", "P1", 2)
        ]
    );
    let review = f.json("/api/review/what-matters?coders=KW");
    // By transcript: FG1 carries two extracts, P1 one; of 3 transcripts.
    assert_eq!(review["coverage"]["of"], 3);
    assert_eq!(
        review["coverage"]["participants"],
        serde_json::json!([["FG1", 2], ["P1", 1]])
    );

    std::fs::write(
        f.study.participants_path(),
        "participant,transcript,speaker\nA1,FG1,Ann\nB1,FG1,Bob\n",
    )
    .unwrap();
    // By participant (natural order: A1, B1, P1), each the speaker's.
    assert_eq!(
        quotes(&f, "what-matters"),
        [row("A1", "FG1", 2), row("B1", "FG1", 6), row("P1", "P1", 2)]
    );
    assert_eq!(quotes(&f, "goal-orientation")[0], row("B1", "FG1", 3));
    // The participant filter takes a speaker's words.
    let only = f.json("/api/quotes?format=json&inline=1&coder=KW&participant=B1");
    assert_eq!(only["total"], 2);
    // The review counts the four people: A1, B1, P1 and P2 (FG1's interviewer is no one's).
    let review = f.json("/api/review/what-matters?coders=KW");
    assert_eq!(review["coverage"]["of"], 4);
    assert_eq!(
        review["coverage"]["participants"],
        serde_json::json!([["A1", 1], ["B1", 1], ["P1", 1]])
    );
    let code = review["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "what-matters")
        .unwrap();
    assert_eq!(code["participants"], 3);
    let speakers: Vec<&Value> = code["page"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["participant"])
        .collect();
    assert!(speakers.contains(&&Value::from("A1")), "{speakers:?}");
    // The board's card and the code list count people too: what-matters is coded in Ann's
    // (A1) and Bob's (B1) turns of FG1 and in P1: 3 participants (2 while FG1 was one).
    let board = f.json("/api/board");
    let card = board["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "what-matters")
        .unwrap();
    assert_eq!(
        (card["extracts"].as_u64(), card["participants"].as_u64()),
        (Some(3), Some(3))
    );
    let counts = f.json("/api/counts");
    assert_eq!(counts["counts"]["what-matters"]["participants"], 3);
    // goal-orientation: the fixture's P1 and P2, and Bob (B1).
    assert_eq!(counts["counts"]["goal-orientation"]["participants"], 3);
}
