//! Recordings in the reader: correcting a turn's words over HTTP (`POST
//! /api/transcripts/{id}/turns/{n}/text`: a dry run, a save that moves the codings after it
//! and is logged, the refusals), and, in real Chromium and Firefox (`player/browsers.rs`),
//! the docked player: a turn's time plays from there, the spoken turn is marked, keys,
//! the rewind on pause, coding while it plays, "this turn starts now", and edit mode.
//!
//! The recording is made here: `thematic_study::testing::sine_wav`, a 440 Hz tone written
//! with its RIFF header by hand, linked to R1, a WebVTT interview of three turns at 0 s, 2 s
//! and 4 s, and to P2, a typed transcript without times.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

#[path = "player/browsers.rs"]
mod browsers;
mod common;

use serde_json::{Value, json};
use thematic_serve::{Running, ServeOptions};
use thematic_study::Study;

/// Transcript `id`'s sync times, (turn start, ms), in turn order.
fn synced(study: &Study, id: &str) -> Vec<(usize, i64)> {
    study.sync_times(id).unwrap().into_iter().collect()
}

/// Three turns at 0 s, 2 s and 4 s, each a cue of its own speaker (a speaker's cues in a
/// row are one turn); turn 3's words "every Tuesday" are coded by KW in [`Recorded::start`].
pub const R1_VTT: &str = "WEBVTT

00:00:00.000 --> 00:00:01.900
<v Interviewer>How did you first hear about the walking group?

00:00:02.000 --> 00:00:03.900
<v P7>My GP told me about it, and I went along the next week.

00:00:04.000 --> 00:00:20.000
<v P8>Now I walk with them every Tuesday.
";

/// A test study (see `common::study`) with R1 and a 20 s recording linked to R1 and P2,
/// served as KW.
#[derive(Debug)]
pub struct Recorded {
    _dir: tempfile::TempDir,
    pub study: Study,
    pub server: Running,
}

impl Recorded {
    pub fn start() -> Recorded {
        let dir = tempfile::tempdir().unwrap();
        let study = common::study(dir.path());
        std::fs::write(study.transcripts_dir().join("R1.vtt"), R1_VTT).unwrap();
        let wav = dir.path().join("interview.wav");
        std::fs::write(&wav, thematic_study::testing::sine_wav(20_000)).unwrap();
        study.link_media("R1", &wav, false, "KW").unwrap();
        study.link_media("P2", &wav, false, "KW").unwrap();
        common::code(&study, "KW", "R1", 3, "every Tuesday", "what-matters");
        let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
        Recorded {
            _dir: dir,
            study,
            server,
        }
    }

    /// A JSON body POSTed with the token.
    pub fn post(&self, path: &str, body: &Value) -> common::Reply {
        let token = self.server.token().to_string();
        common::send(
            self.server.addr(),
            "POST",
            path,
            &[
                ("X-Thematic-Token", token.as_str()),
                ("Content-Type", "application/json"),
            ],
            Some(&body.to_string()),
        )
    }

    /// `GET path` with the token, which must answer 200, as JSON.
    pub fn json(&self, path: &str) -> Value {
        let token = self.server.token().to_string();
        let r = common::send(
            self.server.addr(),
            "GET",
            path,
            &[("X-Thematic-Token", token.as_str())],
            None,
        );
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.json()
    }

    /// KW's coding of `words` (which must be there, once).
    pub fn coding(&self, words: &str) -> thematic_study::Coding {
        let file =
            thematic_study::CodingsFile::read(&self.study.codings_path("KW").unwrap()).unwrap();
        let mut found = file.codings.into_iter().filter(|c| c.text == words);
        let c = found
            .next()
            .unwrap_or_else(|| panic!("no coding of {words:?}"));
        assert!(found.next().is_none(), "one coding of {words:?}");
        c
    }

    /// The stored transcript file of `id`, bytes.
    pub fn file(&self, id: &str) -> Vec<u8> {
        std::fs::read(self.study.transcript_file(id).unwrap().unwrap()).unwrap()
    }

    /// The change log's actions.
    pub fn actions(&self) -> Vec<String> {
        self.study
            .changes()
            .unwrap()
            .into_iter()
            .map(|c| c.action)
            .collect()
    }
}

const TURN2: &str = "My GP told me about it, and I went along the next week.";

#[test]
fn a_dry_run_says_what_would_happen_to_the_codings_and_writes_nothing() {
    let f = Recorded::start();
    let before = f.file("R1");
    let coded = f.coding("every Tuesday");
    let r = f.post(
        "/api/transcripts/R1/turns/2/text",
        &json!({"text": "My GP told me all about it, and I went along the next week.", "base": TURN2, "dry_run": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    // KW's one coding of R1 is in turn 3, after the edit: its words are the same, four
    // code points later ("all "), so it is moved; none in turn 2, so none listed.
    assert_eq!(v["written"], json!(false));
    assert_eq!(v["mine"], json!({"kept": 0, "moved": 1, "orphaned": 0}));
    assert_eq!(v["all"], json!({"kept": 0, "moved": 1, "orphaned": 0}));
    assert_eq!(v["codings"], json!([]));
    assert_eq!(f.file("R1"), before, "a dry run writes nothing");
    assert_eq!(f.coding("every Tuesday"), coded);
    assert!(!f.actions().iter().any(|a| a == "edit-text"));
}

#[test]
fn a_saved_correction_moves_the_codings_after_it_and_is_logged() {
    let f = Recorded::start();
    let coded = f.coding("every Tuesday");
    let r = f.post(
        "/api/transcripts/R1/turns/2/text",
        &json!({"text": "My GP told me all about it, and I went along the next week.", "base": TURN2}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["written"], json!(true));
    assert_eq!(v["mine"], json!({"kept": 0, "moved": 1, "orphaned": 0}));
    // "all " is 4 code points, inserted before turn 3.
    let moved = f.coding("every Tuesday");
    assert_eq!(
        (moved.start, moved.end, moved.turn),
        (coded.start + 4, coded.end + 4, 3)
    );
    // The reader reads the corrected words at once (nothing stale kept by the server), and
    // the turns keep their times.
    let t = f.json("/api/transcripts/R1");
    assert_eq!(
        t["turns"][1]["text"],
        json!("My GP told me all about it, and I went along the next week.")
    );
    assert_eq!(t["turns"][2]["start_ms"], json!(4000));
    assert_eq!(t["codings"][0]["start"], json!(moved.start));
    let actions = f.actions();
    assert!(
        actions.iter().any(|a| a == "edit-text") && actions.iter().any(|a| a == "reanchor"),
        "{actions:?}"
    );
}

#[test]
fn a_correction_of_a_coded_turn_lists_its_codings() {
    let f = Recorded::start();
    let coded = f.coding("every Tuesday");
    assert_eq!(f.json("/api/search?q=usually")["total"], json!(0));
    // "Now I walk with them every Tuesday." → "Now I usually walk with them every
    // Tuesday.": "usually " (8 code points) before the coded words, in the same turn.
    let r = f.post(
        "/api/transcripts/R1/turns/3/text",
        &json!({"text": "Now I usually walk with them every Tuesday.", "base": "Now I walk with them every Tuesday."}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(
        v["codings"],
        json!([{"id": coded.id, "theme": "what-matters", "turn": 3, "outcome": "moved",
                "before": "every Tuesday", "after": "every Tuesday", "reason": null}])
    );
    assert_eq!(f.coding("every Tuesday").start, coded.start + 8);
    // Search reads the corrected words (the index follows the rewritten file).
    assert_eq!(f.json("/api/search?q=usually")["total"], json!(1));
}

#[test]
fn a_correction_over_words_changed_meanwhile_is_refused() {
    let f = Recorded::start();
    let before = f.file("R1");
    let r = f.post(
        "/api/transcripts/R1/turns/2/text",
        &json!({"text": "My GP told me.", "base": "My doctor told me about it."}),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.text().contains("has changed since the page read it"));
    assert_eq!(f.file("R1"), before);
}

#[test]
fn empty_unchanged_and_unknown_turns() {
    let f = Recorded::start();
    let before = f.file("R1");
    let r = f.post(
        "/api/transcripts/R1/turns/2/text",
        &json!({"text": "  ", "base": TURN2}),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    let r = f.post(
        "/api/transcripts/R1/turns/2/text",
        &json!({"text": "My GP told me.\nP8: And me.", "base": TURN2}),
    );
    assert_eq!(r.status, 400, "a line break: {}", r.text());
    let r = f.post(
        "/api/transcripts/R1/turns/2/text",
        &json!({"text": TURN2, "base": TURN2}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["unchanged"], json!(true));
    let r = f.post("/api/transcripts/R1/turns/9/text", &json!({"text": "x"}));
    assert_eq!(r.status, 404, "{}", r.text());
    let r = f.post("/api/transcripts/R9/turns/1/text", &json!({"text": "x"}));
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(f.file("R1"), before, "nothing written by any of them");
}

#[test]
fn sync_times_of_later_turns_move_with_their_turns() {
    let f = Recorded::start();
    let t = f.json("/api/transcripts/P2");
    let start = |i: usize| t["turns"][i]["start"].as_u64().unwrap() as usize;
    let (s2, s3, s4) = (start(1), start(2), start(3));
    for (s, ms) in [(s2, 2000), (s3, 5000), (s4, 9000)] {
        f.study.set_sync_time("P2", s, Some(ms), "KW").unwrap();
    }
    // " surgery" (8 code points) into turn 2: turn 2 starts where it did, turns 3 and 4
    // 8 later, and their times go with them.
    let r = f.post(
        "/api/transcripts/P2/turns/2/text",
        &json!({"text": "Most referrals come from the GP surgery. We set goals in the first meeting.",
                "base": "Most referrals come from the GP. We set goals in the first meeting."}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        synced(&f.study, "P2"),
        vec![(s2, 2000), (s3 + 8, 5000), (s4 + 8, 9000)]
    );
    let t = f.json("/api/transcripts/P2");
    let synced: Vec<&Value> = t["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["synced_ms"])
        .collect();
    assert_eq!(
        synced,
        [&Value::Null, &json!(2000), &json!(5000), &json!(9000)]
    );
}
