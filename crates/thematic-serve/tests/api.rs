//! The HTTP API over a real socket: the token, coding (with non-BMP text before the
//! selection), changing and removing codings, memos, changes made meanwhile through the
//! store, readable errors, the compare view's numbers, search, quote downloads and
//! concurrent writers.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, Reply, code, send, span};
use serde_json::json;

fn error_of(r: &Reply) -> String {
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "errors are JSON: {:?}",
        r.headers
    );
    let msg = r.json()["error"].as_str().unwrap().to_string();
    assert!(!msg.is_empty());
    msg
}

#[test]
fn requests_without_the_token_are_refused() {
    let f = Fixture::new();
    let addr = f.server.addr();
    let r = send(addr, "GET", "/api/study", &[], None);
    assert_eq!(r.status, 401);
    assert!(error_of(&r).contains("token"));
    let page = send(addr, "GET", "/", &[], None);
    assert_eq!(page.status, 401);
    assert!(page.text().contains("needs its token"));
    assert!(!page.text().contains("app.js"), "the app is not served");
    let post = send(
        addr,
        "POST",
        "/api/codings",
        &[("Content-Type", "application/json")],
        Some(r#"{"transcript":"P1","start":0,"end":5,"theme":"what-matters"}"#),
    );
    assert_eq!(post.status, 401);
    assert_eq!(f.codings("KW").codings.len(), 4, "nothing was written");
}

#[test]
fn a_wrong_token_is_refused_everywhere() {
    let f = Fixture::new();
    let addr = f.server.addr();
    let wrong = "0".repeat(64);
    for r in [
        send(addr, "GET", &format!("/?token={wrong}"), &[], None),
        send(
            addr,
            "GET",
            "/api/transcripts",
            &[("X-Thematic-Token", &wrong)],
            None,
        ),
        send(
            addr,
            "GET",
            "/api/study",
            &[("Cookie", &format!("thematic_{}={wrong}", addr.port()))],
            None,
        ),
        send(addr, "GET", "/api/study?token=short", &[], None),
    ] {
        assert_eq!(r.status, 403, "{}", r.text());
        assert!(r.header("set-cookie").is_none());
    }
}

#[test]
fn the_token_in_the_url_sets_a_cookie_that_works_alone() {
    let f = Fixture::new();
    let addr = f.server.addr();
    let page = send(
        addr,
        "GET",
        &format!("/?token={}", f.server.token()),
        &[],
        None,
    );
    assert_eq!(page.status, 200);
    assert!(
        page.text()
            .contains("<script type=\"module\" src=\"/app.js\">")
    );
    let cookie = page.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let pair = cookie.split(';').next().unwrap().to_string();
    assert_eq!(
        pair,
        format!("thematic_{}={}", addr.port(), f.server.token())
    );
    let study = send(addr, "GET", "/api/study", &[("Cookie", &pair)], None);
    assert_eq!(study.status, 200);
    assert_eq!(study.json()["coder"], "KW");
    let js = send(addr, "GET", "/app.js", &[("Cookie", &pair)], None);
    assert_eq!(js.status, 200);
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(js.header("referrer-policy"), Some("no-referrer"));
}

#[test]
fn another_host_name_is_refused_even_with_the_token() {
    let f = Fixture::new();
    let (k, v) = f.auth();
    let r = send(
        f.server.addr(),
        "GET",
        "/api/study",
        &[(k, &v), ("Host", "attacker.example")],
        None,
    );
    assert_eq!(r.status, 403);
    assert!(error_of(&r).contains("127.0.0.1"));
}

#[test]
fn a_posted_coding_lands_in_the_coders_file_in_code_points() {
    let f = Fixture::new();
    // "what they want to change" follows 🎯, which is one code point but two UTF-16 units.
    let (start, end) = span(&f.study, "P1", 2, "what they want to change");
    let r = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P1", "start": start, "end": end, "theme": "what-matters"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let body = r.json();
    assert_eq!(body["added"], true);
    let id = body["coding"]["id"].as_str().unwrap().to_string();
    let file = f.codings("KW");
    let c = file.codings.iter().find(|c| c.id == id).unwrap();
    assert_eq!((c.start, c.end, c.turn), (start, end, 2));
    assert_eq!(c.theme, "what-matters");
    assert_eq!(c.text, "what they want to change");
    // The raw CSV row holds the same numbers.
    let raw = std::fs::read_to_string(f.study.codings_path("KW").unwrap()).unwrap();
    assert!(raw.contains(&format!(
        "{id},P1,2,{start},{end},what-matters,what they want to change"
    )));
    // The change log has the same row `thematic code` writes.
    let log = f.study.changes().unwrap();
    assert!(
        log.iter()
            .any(|c| c.action == "code" && c.detail.starts_with(&id))
    );
    // Coding the same span again changes nothing.
    let again = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P1", "start": start, "end": end, "theme": "what-matters"}),
    );
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["coding"]["id"], id.as_str());
    assert_eq!(f.codings("KW").codings.len(), 5);
    // The reader shows it, and the list counts the turn.
    let t = f.get("/api/transcripts/P1").json();
    assert!(
        t["codings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id.as_str())
    );
    let list = f.get("/api/transcripts").json();
    let p1 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "P1")
        .unwrap();
    let kw = p1["progress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["coder"] == "KW")
        .unwrap();
    assert_eq!(kw["turns_coded"], 2);
    assert_eq!(kw["codings"], 4);
}

#[test]
fn a_selection_outside_one_turn_is_refused_readably() {
    let f = Fixture::new();
    let t = common::transcript(&f.study, "P1");
    let (a, b) = (t.turns[1].end - 3, t.turns[2].start + 3);
    let r = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P1", "start": a, "end": b, "theme": "what-matters"}),
    );
    assert_eq!(r.status, 400);
    assert!(error_of(&r).contains("within one turn"));
    let r = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P9", "start": 0, "end": 3, "theme": "what-matters"}),
    );
    assert_eq!(r.status, 404);
    assert!(error_of(&r).contains("did you mean \"P1\""));
}

#[test]
fn unknown_and_group_themes_get_readable_4xx_errors() {
    let f = Fixture::new();
    let (start, end) = span(&f.study, "P1", 2, "small goals");
    let r = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P1", "start": start, "end": end, "theme": "what-mattrs"}),
    );
    assert_eq!(r.status, 400);
    let msg = error_of(&r);
    assert!(
        msg.contains("no theme \"what-mattrs\"") && msg.contains("did you mean \"what-matters\""),
        "{msg}"
    );
    let group = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P1", "start": start, "end": end, "theme": "the-approach"}),
    );
    assert_eq!(group.status, 400);
    assert!(error_of(&group).contains("is a group"));
    // A body that is not the right JSON, a missing field, an unknown route: JSON errors.
    let (k, v) = f.auth();
    let bad = send(
        f.server.addr(),
        "POST",
        "/api/codings",
        &[(k, &v), ("Content-Type", "application/json")],
        Some("{not json"),
    );
    assert!((400..500).contains(&bad.status));
    error_of(&bad);
    let missing = f.with_body("POST", "/api/codings", &json!({"transcript": "P1"}));
    assert!((400..500).contains(&missing.status));
    assert!(error_of(&missing).contains("missing field"));
    let nowhere = f.get("/api/nothing-here");
    assert_eq!(nowhere.status, 404);
    error_of(&nowhere);
    let verb = f.with_body("PUT", "/api/codings", &json!({}));
    assert_eq!(verb.status, 405);
    error_of(&verb);
    assert_eq!(f.codings("KW").codings.len(), 4, "nothing was written");
}

#[test]
fn a_coding_can_be_given_another_theme_and_removed() {
    let f = Fixture::new();
    let id = f.codings("KW").codings[0].id.clone();
    let r = f.with_body(
        "PATCH",
        &format!("/api/codings/{id}"),
        &json!({"theme": "empowerment"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let file = f.codings("KW");
    let c = file.codings.iter().find(|c| c.id == id).unwrap();
    assert_eq!(c.theme, "empowerment");
    assert_eq!(
        c.text, "I ask what matters to them.",
        "only the theme changed"
    );
    assert!(
        f.study
            .changes()
            .unwrap()
            .iter()
            .any(|c| c.action == "recode")
    );
    let bad = f.with_body(
        "PATCH",
        &format!("/api/codings/{id}"),
        &json!({"theme": "nope"}),
    );
    assert_eq!(bad.status, 400);
    let (k, v) = f.auth();
    let del = send(
        f.server.addr(),
        "DELETE",
        &format!("/api/codings/{id}"),
        &[(k, &v)],
        None,
    );
    assert_eq!(del.status, 200, "{}", del.text());
    assert!(f.codings("KW").codings.iter().all(|c| c.id != id));
    assert_eq!(f.codings("KW").codings.len(), 3);
    assert!(
        f.study
            .changes()
            .unwrap()
            .iter()
            .any(|c| c.action == "uncode" && c.detail.starts_with(&id))
    );
    let again = send(
        f.server.addr(),
        "DELETE",
        &format!("/api/codings/{id}"),
        &[(k, &v)],
        None,
    );
    assert_eq!(again.status, 404);
    assert!(error_of(&again).contains("has no coding"));
    // Another coder's coding is not the acting coder's to remove.
    let theirs = f.codings("CG").codings[0].id.clone();
    let other = send(
        f.server.addr(),
        "DELETE",
        &format!("/api/codings/{theirs}"),
        &[(k, &v)],
        None,
    );
    assert_eq!(other.status, 404);
    assert_eq!(f.codings("CG").codings.len(), 3);
}

#[test]
fn memos_on_codings_themes_and_transcripts_are_written_and_shown() {
    let f = Fixture::new();
    let coding = f.codings("KW").codings[0].id.clone();
    for (about, target, text) in [
        (
            "coding",
            coding.as_str(),
            "Borderline: also goal orientation.",
        ),
        (
            "transcript",
            "P1",
            "Long pauses before talking about referrals.",
        ),
        ("theme", "what-matters", "Value, not technique?"),
        ("journal", "", "My housing background shapes how I read P1."),
    ] {
        let r = f.with_body(
            "POST",
            "/api/memos",
            &json!({"about": about, "target": target, "text": text}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["about"], about);
    }
    let memos = f.study.memos_of("KW").unwrap();
    assert_eq!(memos.len(), 4);
    assert_eq!(
        memos[0].about,
        thematic_study::MemoAbout::Coding(coding.clone())
    );
    let file = std::fs::read_to_string(f.study.memos_path("KW").unwrap()).unwrap();
    assert!(file.contains("Value, not technique?"));
    let t = f.get("/api/transcripts/P1").json();
    let shown: Vec<&str> = t["memos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        shown,
        [
            "Borderline: also goal orientation.",
            "Long pauses before talking about referrals."
        ]
    );
    assert_eq!(f.get("/api/memos").json().as_array().unwrap().len(), 4);
    for (body, says) in [
        (
            json!({"about": "theme", "target": "nope", "text": "x"}),
            "no theme",
        ),
        (
            json!({"about": "theme", "target": "what-mattrs", "text": "x"}),
            "did you mean \"what-matters\"",
        ),
        (
            json!({"about": "transcript", "target": "P9", "text": "x"}),
            "no transcript \"P9\" in the study; did you mean \"P1\"?",
        ),
        (
            json!({"about": "coding", "target": "c-000000000000", "text": "x"}),
            "has no coding",
        ),
        (
            json!({"about": "transcript", "target": "P1", "text": "  "}),
            "empty",
        ),
        (
            json!({"about": "weather", "target": "", "text": "x"}),
            "not \"weather\"",
        ),
    ] {
        let r = f.with_body("POST", "/api/memos", &body);
        assert_eq!(r.status, 400);
        assert!(error_of(&r).contains(says), "{}", r.text());
    }
}

#[test]
fn a_change_made_through_the_store_meanwhile_shows_on_the_next_get() {
    let f = Fixture::new();
    let before = f.get("/api/transcripts/P2").json();
    assert_eq!(before["codings"].as_array().unwrap().len(), 1);
    // What `thematic code` does, from outside the server.
    let id = common::code(
        &f.study,
        "KW",
        "P2",
        4,
        "every fortnight",
        "active-engagement",
    );
    let after = f.get("/api/transcripts/P2").json();
    let ids: Vec<&str> = after["codings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id.as_str()));
    // Blind: CG's coding of P2 is never in KW's reader.
    let cg = f
        .codings("CG")
        .codings
        .iter()
        .find(|c| c.transcript == "P2")
        .unwrap()
        .id
        .clone();
    assert!(!ids.contains(&cg.as_str()));
}

#[test]
fn the_compare_view_gives_agreement_and_disagreements_with_their_places() {
    let f = Fixture::new();
    let r = f.get("/api/compare?a=KW&b=CG&unit=turn&transcript=P1");
    assert_eq!(r.status, 200, "{}", r.text());
    let c = r.json();
    assert_eq!(c["coders"], json!(["KW", "CG"]));
    let rows = c["rows"].as_array().unwrap();
    let wm = rows.iter().find(|r| r["theme"] == "what-matters").unwrap();
    // Participant turns of P1 (2, 4, 6) and P2 (2, 4): what-matters is applied by both on
    // P1 turn 2, by CG alone on P2 turn 4, by neither elsewhere: 4 of 5 agree.
    assert_eq!(wm["units"], 5);
    assert_eq!(wm["applied"], json!([1, 2]));
    assert_eq!(wm["percent_agreement"], 0.8);
    assert!(rows.last().unwrap()["theme"] == "(all themes)");
    // Only the asked transcript's disagreements come, in turn order; the others are
    // counted per transcript.
    let dis = c["disagreements"].as_array().unwrap();
    assert!(dis.iter().all(|d| d["transcript"] == "P1"), "{dis:?}");
    let turns: Vec<u64> = dis.iter().map(|d| d["turn"].as_u64().unwrap()).collect();
    assert!(turns.windows(2).all(|w| w[0] <= w[1]), "{turns:?}");
    let counts = c["disagreement_counts"].as_array().unwrap();
    let total: u64 = counts.iter().map(|n| n["count"].as_u64().unwrap()).sum();
    assert_eq!(c["disagreements_total"].as_u64(), Some(total));
    let in_p1 = counts.iter().find(|n| n["transcript"] == "P1");
    assert_eq!(
        in_p1.map_or(0, |n| n["count"].as_u64().unwrap()),
        dis.len() as u64
    );
    // Both coders' codings of the transcript, for the side-by-side view.
    assert_eq!(c["codings"][0].as_array().unwrap().len(), 3);
    assert_eq!(c["codings"][1].as_array().unwrap().len(), 2);
    // The disagreement on what-matters is in P2, turn 4.
    let p2 = f
        .get("/api/compare?a=KW&b=CG&unit=turn&transcript=P2")
        .json();
    let dis = p2["disagreements"].as_array().unwrap();
    let place = dis.iter().find(|d| d["theme"] == "what-matters").unwrap();
    assert_eq!(
        (place["transcript"].as_str(), place["turn"].as_u64()),
        (Some("P2"), Some(4))
    );
    assert_eq!(place["applied_by"], json!(["CG"]));
    assert_eq!(place["not_applied_by"], json!(["KW"]));
    // At turn units the place is the whole turn, its words taken from the transcript.
    assert_eq!(
        place["text"],
        "We meet every fortnight and talk about what matters to them."
    );
    assert!(
        p2["disagreement_counts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["transcript"] == "P2" && n["count"].as_u64() == Some(dis.len() as u64))
    );
    let bad = f.get("/api/compare?a=KW&b=ZZ");
    assert_eq!(bad.status, 400);
    assert!(error_of(&bad).contains("no codings by \"ZZ\""));
}

#[test]
fn the_study_lists_the_human_coders_without_the_suggestion_coder() {
    let f = Fixture::new();
    code(&f.study, "auto", "P1", 2, "goals", "what-matters");
    let info = f.get("/api/study").json();
    let coders: Vec<&str> = info["coders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(coders.contains(&"auto"), "{coders:?}");
    let human: Vec<&str> = coders.into_iter().filter(|c| *c != "auto").collect();
    assert_eq!(info["human_coders"], json!(human));
}

#[test]
fn the_compare_view_lists_the_transcripts_and_an_empty_one_means_the_first() {
    let f = Fixture::new();
    let r = f.get("/api/compare?a=KW&b=CG&transcript=");
    assert_eq!(r.status, 200, "{}", r.text());
    let c = r.json();
    assert_eq!(c["transcripts"], json!(["P1", "P2"]));
    assert_eq!(c["transcript"], "P1");
    assert_eq!(c["codings"][0].as_array().unwrap().len(), 3);
    let none = f.get("/api/compare?a=KW&b=CG").json();
    assert_eq!(none["codings"], json!([]));
}

#[test]
fn search_returns_keyword_in_context_hits_with_their_places() {
    let f = Fixture::new();
    let r = f.get("/api/search?q=goals");
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    let hits = body["hits"].as_array().unwrap();
    assert_eq!(body["total"], 2);
    let p1 = hits.iter().find(|h| h["transcript"] == "P1").unwrap();
    assert_eq!(p1["turn"], 2);
    let snippet = p1["snippet"].as_str().unwrap();
    let marks = p1["marks"].as_array().unwrap();
    let (a, b) = (
        marks[0][0].as_u64().unwrap() as usize,
        marks[0][1].as_u64().unwrap() as usize,
    );
    let marked: String = snippet.chars().skip(a).take(b - a).collect();
    assert_eq!(marked, "goals");
    let (start, end) = span(&f.study, "P1", 2, "goals");
    assert_eq!(
        (p1["start"].as_u64(), p1["end"].as_u64()),
        (Some(start as u64), Some(end as u64))
    );
    let empty = f.get("/api/search?q=");
    assert_eq!(empty.status, 400);
    error_of(&empty);
}

#[test]
fn quote_downloads_come_in_every_format_with_their_content_types() {
    let f = Fixture::new();
    let quote = "Trust comes from keeping my word.";
    for (format, kind) in [
        ("md", "text/markdown"),
        ("csv", "text/csv"),
        ("tex", "application/x-tex"),
        ("html", "text/html"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("json", "application/json"),
    ] {
        let r = f.get(&format!("/api/quotes?format={format}&coder=KW"));
        assert_eq!(r.status, 200, "{format}: {}", r.text());
        assert!(
            r.header("content-type").unwrap().starts_with(kind),
            "{format}"
        );
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"quotes.{format}\"").as_str())
        );
        match format {
            "docx" | "xlsx" => {
                assert!(
                    r.body.starts_with(b"PK\x03\x04"),
                    "{format} is a zip package"
                );
                assert!(r.body.len() > 2000, "{format} is {} bytes", r.body.len());
            }
            "json" => {
                let q = r.json();
                let texts: Vec<&str> = q
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["text"].as_str().unwrap())
                    .collect();
                assert!(texts.contains(&quote));
                assert_eq!(texts.len(), 4);
            }
            _ => assert!(r.text().contains(quote), "{format}: {}", r.text()),
        }
    }
    let html = f.get("/api/quotes?format=html").text();
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    let tex = f.get("/api/quotes?format=tex").text();
    assert!(tex.contains("\\begin{longtable}"));
    let bad = f.get("/api/quotes?format=pdf");
    assert_eq!(bad.status, 400);
    assert!(error_of(&bad).contains("md, csv, tex, html, docx, xlsx, json"));
}

#[test]
fn the_map_is_an_svg_of_the_codebook() {
    let f = Fixture::new();
    let r = f.get("/api/map.svg");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("image/svg+xml")
    );
    let svg = r.text();
    assert!(svg.contains("<svg") && svg.contains("What matters"));
}

#[test]
fn concurrent_codings_are_all_kept() {
    let f = Fixture::new();
    let t = common::transcript(&f.study, "P1");
    let turn = &t.turns[5];
    let addr = f.server.addr();
    let token = f.server.token().to_string();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let token = token.clone();
            let (start, end) = (turn.start + i, turn.start + i + 5);
            std::thread::spawn(move || {
                let body = json!({"transcript": "P1", "start": start, "end": end, "theme": "patient-stories"});
                send(
                    addr,
                    "POST",
                    "/api/codings",
                    &[("X-Thematic-Token", &token), ("Content-Type", "application/json")],
                    Some(&body.to_string()),
                )
                .status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 201);
    }
    let file = f.codings("KW");
    assert_eq!(file.codings.len(), 4 + 8);
    let mut starts: Vec<usize> = file
        .codings
        .iter()
        .filter(|c| c.theme == "patient-stories")
        .map(|c| c.start - turn.start)
        .collect();
    starts.sort_unstable();
    assert_eq!(starts, (0..8).collect::<Vec<_>>());
}

#[test]
fn compare_gives_the_clis_bootstrap_intervals_when_asked() {
    let f = common::Fixture::new();
    let plain = f.json("/api/compare?a=KW&b=CG&unit=turn&transcript=P1");
    assert!(
        plain["rows"][0].get("intervals").is_none(),
        "only when asked"
    );
    let with = f.json("/api/compare?a=KW&b=CG&unit=turn&transcript=P1&intervals=1");
    // The same point estimates, and the intervals `thematic agree --format json` prints
    // (a cluster bootstrap over the 2 transcripts, 1,000 resamples, seed 0).
    let rows = with["rows"].as_array().unwrap();
    assert_eq!(rows.len(), plain["rows"].as_array().unwrap().len());
    let agree = thematic_report::agreement_data(
        &f.study,
        &thematic_report::AgreeOptions {
            coders: vec!["KW".into(), "CG".into()],
            themes: f
                .study
                .codebook()
                .unwrap()
                .current()
                .codable()
                .map(|e| e.id.clone())
                .collect(),
            unit: thematic_report::UnitKind::Turn,
            overlap: 0.9,
            by_transcript: true,
            disagreements: false,
            disagreement_text: false,
        },
    )
    .unwrap();
    let cli_rows = thematic_report::agreement_rows(
        &agree,
        &thematic_report::AgreeOptions {
            coders: agree.coders.clone(),
            themes: agree.themes.clone(),
            unit: thematic_report::UnitKind::Turn,
            overlap: 0.9,
            by_transcript: true,
            disagreements: false,
            disagreement_text: false,
        },
        &thematic_report::TableOptions {
            resampling: Some(thematic_agreement::Resampling::default()),
            transcript_rows: false,
            ..thematic_report::TableOptions::default()
        },
    );
    assert_eq!(rows.len(), cli_rows.len());
    assert!(
        rows.iter()
            .any(|r| r["intervals"]["percent_agreement"].is_array()),
        "some row has an interval: {rows:?}"
    );
    for (row, cli) in rows.iter().zip(&cli_rows) {
        assert_eq!(row["theme"], cli.theme.as_str());
        let want = cli
            .percent_agreement
            .interval
            .map(|(lo, hi)| {
                json!([
                    thematic_report::round4(Some(lo)),
                    thematic_report::round4(Some(hi))
                ])
            })
            .unwrap_or(json!(null));
        assert_eq!(row["intervals"]["percent_agreement"], want, "{}", cli.theme);
    }
}
