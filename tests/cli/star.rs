//! `thematic star`: a starred extract comes first in its theme in `thematic quotes` (and
//! the exports), the rest keep their order; stars are listed, taken off and logged.

#![allow(clippy::unwrap_used)]

use serde_json::Value;

use crate::util::Dir;

/// A study `s` with P1, P2 and P10 (P10 last in natural order), each with one what-matters
/// coding by KW, and one goal-orientation coding in P1; returns the ids of the
/// what-matters codings of P1, P2 and P10.
fn study(d: &Dir) -> [String; 3] {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let texts = [
        (
            "P1",
            "P1: Finding out what matters to them. Then we set small goals together.",
        ),
        ("P2", "P2: I ask what is important to them, and I listen."),
        (
            "P10",
            "P10: We talk about what matters to you, and you decide.",
        ),
    ];
    for (name, turn) in texts {
        let f = d.write(
            &format!("in/{name}.txt"),
            format!("Interviewer: What matters?\n\n{turn}\n"),
        );
        d.cmd_in("s", &["import", f.to_str().unwrap()]).ok();
    }
    let code = |t: &str, words: &str, theme: &str| -> String {
        d.code("s", "KW", t, "2", Some(words), theme)
            .stdout()
            .trim()
            .to_string()
    };
    code(
        "P1",
        "Then we set small goals together.",
        "goal-orientation",
    );
    [
        code("P1", "Finding out what matters to them.", "what-matters"),
        code("P2", "I ask what is important to them", "what-matters"),
        code("P10", "We talk about what matters to you", "what-matters"),
    ]
}

/// The (theme, participant) of each quote of `thematic quotes ARGS --format json`.
fn order(d: &Dir, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["quotes", "--coder", "KW", "--format", "json"];
    all.extend_from_slice(args);
    d.json_in("s", &all)
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["theme"].as_str().unwrap().to_string(),
                q["participant"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_starred_extract_from_a_late_transcript_is_quoted_first_in_its_theme() {
    let d = Dir::new();
    let [_, _, p10] = study(&d);
    let before = pairs(&[
        ("goal-orientation", "P1"),
        ("what-matters", "P1"),
        ("what-matters", "P2"),
        ("what-matters", "P10"),
    ]);
    assert_eq!(order(&d, &[]), before);
    // Starred for the candidate theme that holds what-matters.
    d.cmd_in(
        "s",
        &["star", &p10, "--theme", "the-approach", "--by", "KW"],
    )
    .ok()
    .stderr_has("comes first in `thematic quotes`");
    // P10's extract, last by participant order, now opens its theme; the other themes and
    // the rest of what-matters keep their order.
    let after = pairs(&[
        ("goal-orientation", "P1"),
        ("what-matters", "P10"),
        ("what-matters", "P1"),
        ("what-matters", "P2"),
    ]);
    assert_eq!(order(&d, &[]), after);
    assert_eq!(order(&d, &["--theme", "the-approach"]), after);
    // The Markdown table too: P10's quote before P1's under the what-matters heading.
    let md = d
        .cmd_in("s", &["quotes", "--coder", "KW", "--theme", "what-matters"])
        .ok()
        .stdout();
    let (p10_at, p1_at) = (md.find("(P10)").unwrap(), md.find("(P1)").unwrap());
    assert!(p10_at < p1_at, "{md}");
    // With --per-theme 1 the starred one is the one taken.
    assert_eq!(
        order(&d, &["--per-theme", "1"]),
        pairs(&[("goal-orientation", "P1"), ("what-matters", "P10")])
    );
    // Again: once only, nothing written.
    d.cmd_in(
        "s",
        &["star", &p10, "--theme", "the-approach", "--by", "KW"],
    )
    .ok()
    .stderr_has("already");
    // Listed with its words.
    let list = d.json_in("s", &["star", "--list", "--by", "KW", "--format", "json"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(
        (
            rows[0]["coding"].as_str(),
            rows[0]["theme"].as_str(),
            rows[0]["code"].as_str(),
            rows[0]["text"].as_str()
        ),
        (
            Some(p10.as_str()),
            Some("the-approach"),
            Some("what-matters"),
            Some("We talk about what matters to you")
        )
    );
    assert!(d.read("s/stars/KW.csv").starts_with(&format!(
        "coder,coding,transcript,theme,when\nKW,{p10},P10,the-approach,"
    )));
    // Taken off: the order is as before, and both actions are in the change log.
    d.cmd_in("s", &["star", &p10, "--remove", "--by", "KW"])
        .ok();
    assert_eq!(order(&d, &[]), before);
    let log = d.read("s/changelog.csv");
    assert_eq!(log.matches(",KW,star,the-approach,").count(), 1, "{log}");
    assert_eq!(log.matches(",KW,unstar,the-approach,").count(), 1, "{log}");
    // Nothing left to take off.
    d.cmd_in("s", &["star", &p10, "--remove", "--by", "KW"])
        .fails_with(1)
        .stderr_has("no star on KW's coding");
}

#[test]
fn stars_of_every_author_count_and_bad_stars_are_refused() {
    let d = Dir::new();
    let [_, p2, _] = study(&d);
    // Another author (CG) stars KW's P2 extract for the code itself (the default theme).
    d.cmd_in("s", &["star", &p2, "--coder", "KW", "--by", "CG"])
        .ok();
    assert_eq!(
        order(&d, &["--theme", "what-matters"]),
        pairs(&[
            ("what-matters", "P2"),
            ("what-matters", "P1"),
            ("what-matters", "P10")
        ])
    );
    let all: Value = d.json_in("s", &["star", "--list", "--all", "--format", "json"]);
    assert_eq!(all[0]["by"], "CG");
    assert_eq!(all[0]["theme"], "what-matters");
    // A theme that does not hold the code, a coding that is not there, a theme that is not.
    d.cmd_in(
        "s",
        &[
            "star",
            &p2,
            "--coder",
            "KW",
            "--by",
            "CG",
            "--theme",
            "patients-role",
        ],
    )
    .fails_with(1)
    .stderr_has("not in theme \"patients-role\"");
    d.cmd_in(
        "s",
        &["star", "c-000000000000", "--coder", "KW", "--by", "CG"],
    )
    .fails_with(1)
    .stderr_has("c-000000000000");
    d.cmd_in(
        "s",
        &[
            "star",
            &p2,
            "--coder",
            "KW",
            "--by",
            "CG",
            "--theme",
            "what-maters",
        ],
    )
    .fails_with(1)
    .stderr_has("did you mean \"what-matters\"?");
    // No author: a hint.
    d.cmd_in("s", &["star", &p2, "--coder", "KW"])
        .fails_with(1)
        .stderr_has("hint: pass --by NAME");
}
