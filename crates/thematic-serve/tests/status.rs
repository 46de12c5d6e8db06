//! Progress at a glance: `GET /api/status` counts what `thematic status` counts (from the
//! server's model), `POST /api/transcripts/{id}/read` keeps the furthest turn and refuses
//! turns a transcript does not have; and in real Chromium and Firefox, reading a transcript
//! to its end in the reader makes it count as read on the Progress view (`#/status`) and in
//! `reading/KW.csv`. A screenshot of the view is saved as `target/serve-status.png` (and
//! `/tmp/shots/status.png`).

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::time::{Duration, Instant};

use common::Fixture;
use common::chromium::Browser;
use common::driver::{Driver, serial};
use common::firefox::Firefox;
use serde_json::{Value, json};
use thematic_serve::{Running, ServeOptions};
use thematic_study::{MemoAbout, Study};

/// The turns of P3, a transcript longer than a screen: 40 turns, the interviewer's odd.
const P3_TURNS: usize = 40;

fn p3() -> String {
    let mut text = String::new();
    for n in 1..=P3_TURNS {
        if n % 2 == 1 {
            text.push_str(&format!(
                "Interviewer: Question {n}, and what happened next?\n"
            ));
        } else {
            text.push_str(&format!(
                "P3: Answer {n}. We talked it through at length, and I went along to the \
                 group the week after, which helped more than I expected it to.\n"
            ));
        }
    }
    text
}

fn coder<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["coders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["coder"] == name)
        .unwrap_or_else(|| panic!("no {name} in {status}"))
}

fn reads_logged(study: &Study) -> Vec<String> {
    study
        .changes()
        .unwrap()
        .into_iter()
        .filter(|c| c.action == "read")
        .map(|c| format!("{} {}", c.who, c.detail))
        .collect()
}

#[test]
fn status_counts_what_the_command_line_counts() {
    let f = Fixture::new();
    let status = f.json("/api/status");
    // The fixture (common::study): KW coded P1 turn 2 twice and turn 4, and P2 turn 2:
    // 2 transcripts, 3 turns, 4 codings. CG coded P1 turns 2 and 4 and P2 turn 4:
    // 2 transcripts, 3 turns, 3 codings.
    let kw = coder(&status, "KW");
    assert_eq!(
        (&kw["transcripts_coded"], &kw["turns_coded"], &kw["codings"]),
        (&json!(2), &json!(3), &json!(4)),
        "{kw}"
    );
    let cg = coder(&status, "CG");
    assert_eq!(
        (&cg["transcripts_coded"], &cg["turns_coded"], &cg["codings"]),
        (&json!(2), &json!(3), &json!(3)),
        "{cg}"
    );
    assert_eq!(
        (&status["transcripts"], &status["transcripts_coded"]),
        (&json!(2), &json!(2))
    );
    // Both transcripts coded; the shipped codebook's nine codes sit under four candidate
    // themes (the overarching theme and three groups), none defined.
    assert_eq!(status["phase"]["name"], "developing themes");
    assert_eq!(
        status["phase"]["summary"],
        "4 candidate themes; 0 of 9 codes unsorted, 0 shared"
    );
    // The overarching theme holds the nine codes, through the three groups below it.
    assert_eq!(
        status["themes"]["candidates"][0],
        json!({"id": "solution-focused-strengths-based", "label": "Theoretical underpinning: Solution-focused and strengths-based", "codes": 9})
    );
    // The model's counts are the files' counts: the same object as `thematic status`.
    let from_files = serde_json::to_value(f.study.progress().unwrap()).unwrap();
    assert_eq!(status, from_files);
    // A coding added meanwhile (on the command line) is counted on the next request.
    common::code(
        &f.study,
        "CG",
        "P2",
        2,
        "Most referrals come from the GP.",
        "what-matters",
    );
    let again = f.json("/api/status");
    assert_eq!(coder(&again, "CG")["codings"], 4);
    assert_eq!(coder(&again, "CG")["turns_coded"], 4);
}

#[test]
fn the_acting_coder_is_listed_before_their_first_coding() {
    let dir = tempfile::tempdir().unwrap();
    common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "NEW")).unwrap();
    let token = server.token().to_string();
    let r = common::send(
        server.addr(),
        "GET",
        "/api/status",
        &[("X-Thematic-Token", &token)],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let status = r.json();
    let names: Vec<&str> = status["coders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["coder"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["CG", "KW", "NEW"]);
    assert_eq!(coder(&status, "NEW")["codings"], 0);
}

#[test]
fn the_furthest_turn_is_kept_and_a_turn_past_the_end_is_refused() {
    let f = Fixture::new();
    // P2 has four turns.
    let first = f.with_body("POST", "/api/transcripts/P2/read", &json!({"turn": 2}));
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(
        first.json(),
        json!({"transcript": "P2", "coder": "KW", "turn": 2, "turns": 4, "read": false, "changed": true})
    );
    let kw = coder(&f.json("/api/status"), "KW").clone();
    assert_eq!(
        (&kw["transcripts_started"], &kw["transcripts_read"]),
        (&json!(1), &json!(0))
    );
    // Scrolling back changes nothing.
    let back = f.with_body("POST", "/api/transcripts/P2/read", &json!({"turn": 1}));
    assert_eq!(
        (back.json()["turn"].clone(), back.json()["changed"].clone()),
        (json!(2), json!(false))
    );
    let end = f.with_body("POST", "/api/transcripts/P2/read", &json!({"turn": 4}));
    assert_eq!(end.json()["read"], true);
    let status = f.json("/api/status");
    let kw = coder(&status, "KW");
    assert_eq!(
        (&kw["transcripts_started"], &kw["transcripts_read"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(status["transcripts_read"], 1);
    assert_eq!(coder(&status, "CG")["transcripts_read"], 0);
    let file = std::fs::read_to_string(f.study.root().join("reading/KW.csv")).unwrap();
    assert!(
        file.starts_with("transcript,turn,turns,when\nP2,4,4,"),
        "{file}"
    );
    assert_eq!(file.lines().count(), 2);

    // A turn past the end (a page left open while the transcript was corrected) and turn
    // 0 are refused, nothing written; so is a transcript the study does not have.
    for turn in [5, 0] {
        let r = f.with_body("POST", "/api/transcripts/P2/read", &json!({ "turn": turn }));
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(
            r.json()["error"]
                .as_str()
                .unwrap()
                .contains("P2 has turns 1 to 4"),
            "{}",
            r.text()
        );
    }
    let r = f.with_body("POST", "/api/transcripts/P3/read", &json!({"turn": 1}));
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(r.text().contains("did you mean"), "{}", r.text());
    let r = f.write(
        "POST",
        "/api/transcripts/P2/read",
        &[],
        "{\"turn\": \"four\"}",
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(
        std::fs::read_to_string(f.study.root().join("reading/KW.csv")).unwrap(),
        file
    );
    // Finishing is logged once; the reports before it are not logged.
    assert_eq!(reads_logged(&f.study), ["KW P2 read to the end (4 turns)"]);
}

#[test]
fn status_answers_within_a_tenth_of_a_second_on_the_fixture() {
    let f = Fixture::new();
    f.json("/api/status"); // the model warms
    let started = Instant::now();
    for _ in 0..10 {
        f.json("/api/status");
    }
    let each = started.elapsed() / 10;
    assert!(each < Duration::from_millis(100), "{each:?} per status");
}

// ---------- in the browser ----------

/// The fixture study with P3 (longer than a screen) added.
fn study_with_p3(dir: &std::path::Path) -> Study {
    let study = common::study(dir);
    std::fs::write(study.transcripts_dir().join("P3.txt"), p3()).unwrap();
    study
}

/// `reading/KW.csv`'s row for P3: (furthest turn, turns), once there is one.
fn p3_row(study: &Study) -> Option<(usize, usize)> {
    study
        .readings("KW")
        .ok()?
        .into_iter()
        .find(|r| r.transcript == "P3")
        .map(|r| (r.turn, r.turns))
}

/// Waits (bounded) for `reading/KW.csv` to say P3 was reached as `ok` wants.
fn wait_for_row(study: &Study, ok: impl Fn((usize, usize)) -> bool, what: &str) -> (usize, usize) {
    for _ in 0..200 {
        if let Some(row) = p3_row(study).filter(|r| ok(*r)) {
            return row;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("reading/KW.csv never showed {what}: {:?}", p3_row(study));
}

/// Scripts the two browsers share.
const READER_READY: &str = "return !!document.querySelector('.turn[data-n=\"40\"]')";
const TO_THE_END: &str = "window.scrollTo(0, document.documentElement.scrollHeight); return true;";
const STATUS_SHOWS_READ: &str = "const row = document.querySelector('tr[data-coder=\"KW\"]'); \
     return !!row && row.querySelector('.of').textContent.startsWith('1 of 3');";

/// A fresh test study with P3 (see [`study_with_p3`]) served, and P3 open in `b`'s
/// reader; the folder and the server live as long as the returned values.
fn reading_p3(b: &dyn Driver) -> (tempfile::TempDir, Study, Running) {
    let dir = tempfile::tempdir().unwrap();
    let study = study_with_p3(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    b.go(&format!("{}#/t/P3", server.url()));
    b.wait_for(READER_READY, "the reader of P3");
    (dir, study, server)
}

/// Scrolls the reader to the end, then goes straight to the Progress view (leaving the
/// reader sends the last turn before the numbers are fetched): P3 counts as read there,
/// in `reading/KW.csv` and in the change log.
fn read_to_the_end_then_progress(b: &dyn Driver, study: &Study) {
    b.run(TO_THE_END, json!([]));
    std::thread::sleep(Duration::from_millis(300));
    b.run("location.hash = '#/status'; return true;", json!([]));
    b.wait_for(STATUS_SHOWS_READ, "KW's row counting P3 read");
    assert_eq!(p3_row(study), Some((P3_TURNS, P3_TURNS)));
    assert_eq!(reads_logged(study), ["KW P3 read to the end (40 turns)"]);
}

#[test]
fn in_chromium_reading_to_the_end_counts_as_read_on_the_progress_view() {
    let _serial = serial();
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_dir, study, _server) = reading_p3(&browser);
    // The first screen is sent a few seconds later: turns reached, not the last.
    let (turn, turns) = wait_for_row(&study, |_| true, "a first report");
    assert!(
        (2..P3_TURNS).contains(&turn),
        "reached turn {turn} without scrolling"
    );
    assert_eq!(turns, P3_TURNS);
    read_to_the_end_then_progress(&browser, &study);

    // More to see, for the screenshot: a defined theme, a snapshot, journal entries and
    // CG's reading.
    study
        .set_theme_defined("patients-role", true, None, "KW")
        .unwrap();
    study
        .snapshot("first candidate map", "before the review", "KW")
        .unwrap();
    study
        .add_memo(
            "KW",
            MemoAbout::Journal,
            "Three interviews in: goals everywhere.",
        )
        .unwrap();
    study.record_reading("CG", "P1", 6, 6).unwrap();
    study.record_reading("CG", "P3", 12, P3_TURNS).unwrap();
    browser.run("location.hash = '#/'; return true;", json!([]));
    browser.wait_for("return !!document.querySelector('table.grid')", "the list");
    browser.run("location.hash = '#/status'; return true;", json!([]));
    browser.wait_for(
        "return !!document.querySelector('.theme-list a[href=\"#/review/patients-role\"]')",
        "the defined theme's link to its review",
    );
    let text = browser.run("return document.querySelector('main').innerText", json!([]));
    let text = text.as_str().unwrap();
    for expected in [
        "coding: 2 of 3 transcripts coded",
        "latest “first candidate map”",
        "first candidate map",
        "Defined themes",
        "Patients' role",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    let png = browser.screenshot();
    browser.save_screenshot("status");
    let _ = std::fs::create_dir_all("/tmp/shots");
    let _ = std::fs::write("/tmp/shots/status.png", &png);
}

#[test]
fn in_firefox_reading_to_the_end_counts_as_read_on_the_progress_view() {
    let _serial = serial();
    let Some(ff) = Firefox::start() else {
        return;
    };
    let (_dir, study, _server) = reading_p3(&ff);
    read_to_the_end_then_progress(&ff, &study);
    // The candidate themes link to the board, each to its review.
    let links = ff.run(
        "return [...document.querySelectorAll('.figure a')].map(a => a.getAttribute('href'))",
        json!([]),
    );
    assert!(
        links.as_array().unwrap().iter().all(|h| h == "#/board"),
        "{links}"
    );
    let review = ff.run(
        "return [...document.querySelectorAll('.theme-list a')].map(a => a.getAttribute('href'))",
        json!([]),
    );
    assert!(
        review
            .as_array()
            .unwrap()
            .contains(&json!("#/review/splw-role")),
        "{review}"
    );
}
