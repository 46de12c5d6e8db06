//! Recordings over HTTP: `GET /api/media/{id}` streams the recording linked in the study
//! with range requests (206 with the exact bytes, open-ended and suffix ranges, 416), only
//! with the token, and only for ids linked in `media.csv` (a `../` id never reaches the
//! file system); `GET /api/transcripts/{id}` gives the recording and each turn's
//! `synced_ms`; `POST /api/transcripts/{id}/sync` sets and clears a turn's time.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, send};
use serde_json::json;

/// The fixture with a 500 ms test tone linked to P2 (P1 has none). 500 ms at 8 kHz,
/// 16-bit mono is 8,000 bytes of samples after a 44-byte header: 8,044 bytes.
fn with_recording() -> (Fixture, Vec<u8>) {
    let f = Fixture::new();
    let wav = thematic_study::testing::sine_wav(500);
    assert_eq!(wav.len(), 8044);
    let path = f.study.root().join("recordings").join("P2 interview.wav");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &wav).unwrap();
    f.study.link_media("P2", &path, false, "KW").unwrap();
    (f, wav)
}

fn ranged(f: &Fixture, path: &str, range: &str) -> common::Reply {
    let (k, v) = f.auth();
    send(
        f.server.addr(),
        "GET",
        path,
        &[(k, &v), ("Range", range)],
        None,
    )
}

#[test]
fn a_range_request_gets_206_with_exactly_those_bytes() {
    let (f, wav) = with_recording();
    let r = ranged(&f, "/api/media/P2", "bytes=100-199");
    assert_eq!(r.status, 206, "{}", r.text());
    assert_eq!(r.header("content-range"), Some("bytes 100-199/8044"));
    assert_eq!(r.header("content-length"), Some("100"));
    assert_eq!(r.header("content-type"), Some("audio/wav"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.body, wav[100..200]);
    // The security headers are on a recording too; no-store keeps it out of the browser's
    // disk cache.
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[test]
fn open_ended_and_suffix_ranges() {
    let (f, wav) = with_recording();
    // From 8000 to the end: bytes 8000..=8043, 44 of them.
    let r = ranged(&f, "/api/media/P2", "bytes=8000-");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 8000-8043/8044"));
    assert_eq!(r.body, wav[8000..]);
    // The last 10 bytes: 8034..=8043.
    let r = ranged(&f, "/api/media/P2", "bytes=-10");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 8034-8043/8044"));
    assert_eq!(r.body, wav[8034..]);
    // No range: the whole file, and the player learns it may seek.
    let r = f.get("/api/media/P2");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.body, wav);
}

#[test]
fn head_gives_the_size_and_no_body() {
    let (f, _) = with_recording();
    let (k, v) = f.auth();
    let r = send(f.server.addr(), "HEAD", "/api/media/P2", &[(k, &v)], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("8044"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert!(r.body.is_empty(), "{} bytes", r.body.len());
}

#[test]
fn an_unsatisfiable_range_gets_416_with_the_size() {
    let (f, _) = with_recording();
    let r = ranged(&f, "/api/media/P2", "bytes=9000-9100");
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */8044"));
    let r = ranged(&f, "/api/media/P2", "bytes=0-1,5-6");
    assert_eq!(r.status, 416, "several ranges are not served");
}

#[test]
fn a_transcript_without_a_recording_gets_a_404_json_error() {
    let (f, _) = with_recording();
    let r = f.get("/api/media/P1");
    assert_eq!(r.status, 404);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("thematic media link P1")
    );
    let r = f.get("/api/media/P9");
    assert_eq!(r.status, 404);
    // A link whose file has gone is a 404 too, saying so.
    std::fs::remove_file(f.study.media("P2").unwrap().unwrap().path).unwrap();
    let r = f.get("/api/media/P2");
    assert_eq!(r.status, 404);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("not there any more")
    );
}

#[test]
fn an_id_with_dot_dot_never_reaches_the_file_system() {
    let (f, _) = with_recording();
    // Files one and two folders up from media.csv's neighbours: thematic.toml is in the
    // study root, and recordings/ holds the linked file itself.
    for id in [
        "..%2Fthematic.toml",
        "..%2F..%2Fetc%2Fpasswd",
        "%2E%2E%2Fthematic.toml",
        "recordings%2FP2%20interview.wav",
        "..%2Frecordings%2FP2%20interview.wav",
        "%2Fetc%2Fpasswd",
    ] {
        let r = f.get(&format!("/api/media/{id}"));
        assert_eq!(r.status, 404, "{id}: {}", r.text());
        assert!(r.json()["error"].is_string(), "{id}");
        assert!(
            !r.text().contains("[study]") && !r.text().contains("root:"),
            "{id}"
        );
    }
    // A raw ../ is resolved by the client or refused by the router, never served.
    let r = f.get("/api/media/../thematic.toml");
    assert_ne!(r.status, 200);
}

#[test]
fn the_recording_needs_the_token() {
    let (f, wav) = with_recording();
    let r = send(
        f.server.addr(),
        "GET",
        "/api/media/P2",
        &[("Range", "bytes=0-99")],
        None,
    );
    assert_eq!(r.status, 401, "{}", r.text());
    assert_ne!(r.body, wav[..100]);
    let r = send(
        f.server.addr(),
        "GET",
        "/api/media/P2",
        &[("X-Thematic-Token", "0000")],
        None,
    );
    assert!(r.status == 401 || r.status == 403, "{}", r.status);
}

#[test]
fn the_transcript_payload_has_the_recording_and_sync_times() {
    let (f, _) = with_recording();
    let p1 = f.json("/api/transcripts/P1");
    assert_eq!(p1["media"], serde_json::Value::Null);
    let p2 = f.json("/api/transcripts/P2");
    assert_eq!(
        p2["media"],
        json!({"url": "/api/media/P2", "kind": "audio", "mime": "audio/wav"})
    );
    let turn2 = &p2["turns"][1];
    // P2 is typed without times: no start_ms, and no sync time yet.
    assert_eq!(turn2["start_ms"], serde_json::Value::Null);
    assert_eq!(turn2["synced_ms"], serde_json::Value::Null);
    let start = turn2["start"].as_u64().unwrap();
    // "Interviewer: Tell me about referrals.\n" is 38 code points, then "P2: " 4 more.
    assert_eq!(start, 42);

    let r = f.with_body(
        "POST",
        "/api/transcripts/P2/sync",
        &json!({"turn_start": 42, "ms": 1500}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"turn_start": 42, "synced_ms": 1500}));
    let p2 = f.json("/api/transcripts/P2");
    assert_eq!(p2["turns"][1]["synced_ms"], 1500);
    assert_eq!(p2["turns"][0]["synced_ms"], serde_json::Value::Null);
    assert_eq!(f.study.sync_times("P2").unwrap().get(&42), Some(&1500));

    // Not a turn's start: refused, nothing written.
    let r = f.with_body(
        "POST",
        "/api/transcripts/P2/sync",
        &json!({"turn_start": 43, "ms": 10}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("no turn of P2 starts at code point 43")
    );

    let r = f.with_body(
        "POST",
        "/api/transcripts/P2/sync",
        &json!({"turn_start": 42, "ms": null}),
    );
    assert_eq!(r.json(), json!({"turn_start": 42, "synced_ms": null}));
    assert!(f.study.sync_times("P2").unwrap().is_empty());
    let logged: Vec<String> = f
        .study
        .changes()
        .unwrap()
        .into_iter()
        .filter(|c| c.action == "sync")
        .map(|c| format!("{} {}", c.who, c.detail))
        .collect();
    assert_eq!(
        logged,
        [
            "KW P2 turn 2 (at 42) starts at 1500 ms",
            "KW P2 turn at 42: sync time cleared"
        ]
    );
}
