//! `thematic serve`: the real binary prints a URL whose token opens the workspace; the
//! compare endpoint gives `thematic agree`'s numbers; a coding made by `thematic code`
//! shows on the next request and one made in the browser shows in `thematic show`.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};

use serde_json::Value;
use thematic_serve::{Running, ServeOptions};

use crate::util::Dir;

/// `GET path` with the token header (or none); status and body.
fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token
        .map(|t| format!("X-Thematic-Token: {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

fn json(addr: SocketAddr, path: &str, token: &str) -> Value {
    let (status, body) = get(addr, path, Some(token));
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn the_binary_prints_a_url_whose_token_opens_the_workspace() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let mut child = Command::new(env!("CARGO_BIN_EXE_thematic"))
        .args(["serve", "--port", "0", "--coder", "CG"])
        .current_dir(d.join("demo"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    let rest = url.strip_prefix("http://127.0.0.1:").unwrap_or_else(|| {
        let _ = child.kill();
        panic!("not a loopback URL: {url:?}")
    });
    let (port, token) = rest.split_once("/?token=").unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let refused = get(addr, "/api/study", None);
    let study = get(addr, "/api/study", Some(token));
    let page = get(addr, &format!("/?token={token}"), None);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(token.len(), 64);
    assert_eq!(refused.0, 401, "{}", refused.1);
    assert_eq!(study.0, 200);
    let study: Value = serde_json::from_str(&study.1).unwrap();
    assert_eq!(study["coder"], "CG");
    assert_eq!(study["themes"].as_array().unwrap().len(), 13);
    assert!(page.1.contains("/app.js"));
}

#[test]
fn serve_without_a_coder_says_who_is_coding() {
    let d = Dir::new();
    d.study("s");
    d.cmd_in("s", &["serve"])
        .fails_with(1)
        .stderr_has("who is coding?");
    d.cmd_in("s", &["serve", "--coder", "a/b"]).fails_with(1);
}

#[test]
fn the_compare_endpoint_gives_thematic_agrees_numbers() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let server = Running::start(ServeOptions::new(d.join("demo"), "KW")).unwrap();
    for unit in ["turn", "sentence"] {
        let cli = d.json_in(
            "demo",
            &[
                "agree",
                "--coders",
                "KW,CG",
                "--unit",
                unit,
                "--resamples",
                "0",
                "--format",
                "json",
            ],
        );
        let web = json(
            server.addr(),
            &format!("/api/compare?a=KW&b=CG&unit={unit}&transcript="),
            server.token(),
        );
        let cli = cli.as_array().unwrap();
        let rows = web["rows"].as_array().unwrap();
        assert_eq!(rows.len(), cli.len());
        for (c, w) in cli.iter().zip(rows) {
            assert_eq!(c["theme"], w["theme"]);
            for key in [
                "units",
                "pairable_units",
                "percent_agreement",
                "cohen_kappa",
                "krippendorff_alpha",
                "gwet_ac1",
                "scott_pi",
                "fleiss_kappa",
                "brennan_prediger",
            ] {
                assert_eq!(c[key], w[key], "{unit} {} {key}", c["theme"]);
            }
            assert_eq!(
                w["applied"],
                serde_json::json!([c["applied_KW"], c["applied_CG"]])
            );
        }
        let agenda = d.json_in(
            "demo",
            &[
                "agree",
                "--coders",
                "KW,CG",
                "--unit",
                unit,
                "--disagreements",
                "--format",
                "json",
            ],
        );
        // The web sends the disagreements of one transcript (the study's first, when none
        // is asked for), in turn order, and the count in the whole study.
        let agenda = agenda.as_array().unwrap();
        assert_eq!(
            web["disagreements_total"].as_u64(),
            Some(agenda.len() as u64)
        );
        let here = web["transcript"].clone();
        let mut expected: Vec<&serde_json::Value> =
            agenda.iter().filter(|a| a["transcript"] == here).collect();
        expected.sort_by_key(|a| (a["turn"].as_u64(), a["start"].as_u64(), a["end"].as_u64()));
        let places = web["disagreements"].as_array().unwrap();
        assert!(
            !places.is_empty(),
            "{unit}: the first transcript has disagreements"
        );
        assert_eq!(places.len(), expected.len());
        for (a, w) in expected.iter().zip(places) {
            for key in ["theme", "transcript", "turn", "start", "end", "text"] {
                assert_eq!(a[key], w[key], "{unit} {key}");
            }
        }
    }
}

#[test]
fn command_line_and_browser_changes_meet_in_the_same_files() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let server = Running::start(ServeOptions::new(d.join("demo"), "KW")).unwrap();
    let before = json(server.addr(), "/api/transcripts/P6", server.token());
    let n = before["codings"].as_array().unwrap().len();
    let turn = before["turns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["role"] == "participant" && t["text"].as_str().unwrap().chars().count() > 30)
        .unwrap()
        .clone();
    let words: String = turn["text"].as_str().unwrap().chars().take(20).collect();
    let id = d
        .cmd_in(
            "demo",
            &[
                "code",
                "P6",
                "--turn",
                &turn["n"].to_string(),
                "--text",
                &words,
                "--theme",
                "empowerment",
                "--coder",
                "KW",
            ],
        )
        .ok()
        .stdout();
    let after = json(server.addr(), "/api/transcripts/P6", server.token());
    let codings = after["codings"].as_array().unwrap();
    assert_eq!(codings.len(), n + 1);
    let made = codings.iter().find(|c| c["id"] == id.trim()).unwrap();
    assert_eq!(made["start"], turn["start"]);
    assert_eq!(made["theme"], "empowerment");
    // And the other way: a coding posted to the server is one `thematic show` marks.
    let start = turn["start"].as_u64().unwrap() + 1;
    let body = format!(
        r#"{{"transcript":"P6","start":{start},"end":{},"theme":"what-matters"}}"#,
        start + 10
    );
    let mut s = TcpStream::connect(server.addr()).unwrap();
    write!(
        s,
        "POST /api/codings HTTP/1.1\r\nHost: {}\r\nX-Thematic-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr(),
        server.token(),
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 201"), "{raw}");
    let shown = d
        .cmd_in(
            "demo",
            &[
                "show",
                "P6",
                "--coder",
                "KW",
                "--turns",
                &turn["n"].to_string(),
            ],
        )
        .ok()
        .stdout();
    assert!(shown.contains("what-matters"), "{shown}");
    let log = d.json_in("demo", &["log", "--coder", "KW", "--format", "json"]);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|r| r["action"] == "code" && r["theme"] == "what-matters")
    );
}
