//! The server bounds every input before doing work (issue: one request could kill it):
//! query length and nesting, page sizes, body sizes, slow and idle connections, writes
//! from other pages, and the security headers on every answer, refusals included.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Fixture, Reply, send};
use thematic_serve::{Limits, MAX_BODY_BYTES};

fn json_error(r: &Reply) -> String {
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "errors are JSON: {:?}",
        r.headers
    );
    r.json()["error"].as_str().unwrap().to_string()
}

fn has_security_headers(r: &Reply) {
    for (name, value) in [
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(r.header(name), Some(value), "{name} on a {}", r.status);
    }
    assert!(
        r.header("content-security-policy")
            .is_some_and(|v| v.contains("frame-ancestors 'none'")),
        "CSP on a {}",
        r.status
    );
}

#[test]
fn thousands_of_nested_brackets_are_refused_and_the_server_stays_up() {
    let f = Fixture::new();
    for (open, close) in [("%28", "%29"), ("%5B", "%5D"), ("%7B", "%7D")] {
        let q = format!("{}goals{}", open.repeat(5_000), close.repeat(5_000));
        let r = f.get(&format!("/api/search?q={q}"));
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(json_error(&r).contains("at most 2000"), "{}", r.text());
        f.still_answers();
    }
    // Short but deep.
    let q = format!("{}goals{}", "%28".repeat(25), "%29".repeat(25));
    let r = f.get(&format!("/api/search?q={q}"));
    assert_eq!(r.status, 400);
    assert!(json_error(&r).contains("at most 20 deep"), "{}", r.text());
    // Within the bounds, nesting still works.
    let q = format!("{}goals{}", "%28".repeat(20), "%29".repeat(20));
    assert_eq!(f.get(&format!("/api/search?q={q}")).status, 200);
    f.still_answers();
}

#[test]
fn long_flat_queries_of_operators_do_not_crash_the_parser() {
    let f = Fixture::new();
    for q in [
        "-".repeat(1_999) + "a",
        "%2B-".repeat(999) + "a",
        "NOT%20".repeat(330) + "a",
        "a%20OR%20".repeat(400) + "a",
        "%22".repeat(1_999),
        "goals~2%20".repeat(199),
        "g*%20".repeat(499),
        "speaker:".repeat(249) + "x",
    ] {
        let r = f.get(&format!("/api/search?q={q}"));
        assert!(
            r.status == 200 || r.status == 400,
            "{} for {q:.40}: {}",
            r.status,
            r.text()
        );
        f.still_answers();
    }
}

#[test]
fn huge_numbers_in_query_strings_are_clamped_or_refused() {
    let f = Fixture::new();
    let max = u64::MAX.to_string();
    for path in [
        format!("/api/search?q=goals&limit={max}"),
        "/api/search?q=goals&limit=10000000000&offset=0".to_string(),
        format!("/api/search?q=goals&offset={max}"),
        format!("/api/search?q=goals&offset={max}&limit={max}"),
        "/api/search?q=goals&limit=99999999999999999999999999".to_string(),
        "/api/search?q=goals&limit=-1".to_string(),
        format!("/api/quotes?inline=1&format=json&limit={max}"),
        format!("/api/quotes?inline=1&format=json&offset={max}&limit={max}"),
        format!("/api/transcripts?offset={max}&limit={max}"),
        format!("/api/compare?a=KW&b=CG&transcript=P1&offset={max}&limit={max}"),
    ] {
        let r = f.get(&path);
        assert!(
            r.status == 200 || r.status == 400,
            "{} for {path}: {}",
            r.status,
            r.text()
        );
        if r.status == 400 {
            json_error(&r);
        }
    }
    let r = f.get(&format!("/api/search?q=goals&limit={max}"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["limit"], 200, "clamped");
    f.still_answers();
}

#[test]
fn numbers_past_64_bits_and_deep_json_are_refused() {
    let f = Fixture::new();
    let r = f.get("/api/search?q=goals&limit=99999999999999999999999999");
    assert_eq!(r.status, 400, "{}", r.text());
    json_error(&r);
    // Deep JSON where a field is skipped (serde_json skips without recursing) and where a
    // field is expected (refused at the first bracket): answered, not a stack overflow.
    for deep in [
        format!(r#"{{"x":{}{}}}"#, "[".repeat(10_000), "]".repeat(10_000)),
        format!(
            r#"{{"transcript":{}{}}}"#,
            "{\"a\":".repeat(10_000),
            "}".repeat(10_000)
        ),
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
    ] {
        let r = f.write("POST", "/api/codings", &[], &deep);
        assert_eq!(r.status, 422, "{}", r.text());
        json_error(&r);
    }
    let r = f.write(
        "POST",
        "/api/codings",
        &[],
        r#"{"transcript":"P1","start":18446744073709551615,"end":18446744073709551615,"theme":"what-matters"}"#,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    f.still_answers();
}

#[test]
fn a_body_over_the_limit_is_refused_with_413() {
    let f = Fixture::new();
    let memo = "x".repeat(MAX_BODY_BYTES + 10);
    let body = format!(
        r#"{{"transcript":"P1","start":0,"end":5,"theme":"what-matters","memo":"{memo}"}}"#
    );
    let r = f.write("POST", "/api/codings", &[], &body);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(json_error(&r).contains("larger than"), "{}", r.text());
    has_security_headers(&r);
    // Just under the limit is read (and refused for what it says, not its size).
    let memo = "x".repeat(MAX_BODY_BYTES - 200);
    let body = format!(
        r#"{{"transcript":"NOPE","start":0,"end":5,"theme":"what-matters","memo":"{memo}"}}"#
    );
    let r = f.write("POST", "/api/codings", &[], &body);
    assert_ne!(r.status, 413, "{}", r.text());
    f.still_answers();
}

/// Reads until the server closes the connection; how long that took.
fn closed_within(mut stream: TcpStream, limit: Duration) -> Duration {
    stream.set_read_timeout(Some(limit)).unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return start.elapsed(),
            Err(e) => panic!("the connection was still open after {limit:?}: {e}"),
        }
    }
}

#[test]
fn silent_slow_and_idle_connections_are_closed() {
    let f = Fixture::with(Limits::with_timeouts(Duration::from_secs(1)));
    let addr = f.server.addr();
    // Says nothing at all.
    let silent = TcpStream::connect(addr).unwrap();
    assert!(closed_within(silent, Duration::from_secs(5)) >= Duration::from_millis(900));
    // Sends half its headers, then a byte now and then.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /api/study HTTP/1.1\r\nHost: ")
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    slow.write_all(b"1").unwrap();
    closed_within(slow, Duration::from_secs(5));
    // Asks once with keep-alive, then sits idle.
    let mut idle = TcpStream::connect(addr).unwrap();
    write!(
        idle,
        "GET /api/study HTTP/1.1\r\nHost: {addr}\r\nX-Thematic-Token: {}\r\n\r\n",
        f.server.token()
    )
    .unwrap();
    closed_within(idle, Duration::from_secs(5));
    // Sends its headers but not the body it announced.
    let mut no_body = TcpStream::connect(addr).unwrap();
    write!(
        no_body,
        "POST /api/memos HTTP/1.1\r\nHost: {addr}\r\nX-Thematic-Token: {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        f.server.token()
    )
    .unwrap();
    let mut answer = String::new();
    no_body
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = no_body.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    f.still_answers();
}

#[test]
fn writes_from_another_origin_are_refused() {
    let f = Fixture::new();
    let port = f.server.addr().port();
    let body = r#"{"about":"theme","target":"what-matters","text":"hello"}"#;
    for origin in [
        "http://127.0.0.1:1".to_string(),
        "http://evil.example".to_string(),
        "null".to_string(),
        format!("http://127.0.0.1:{port}.evil.example"),
    ] {
        for (method, path) in [
            ("POST", "/api/memos"),
            ("PATCH", "/api/codings/x"),
            ("DELETE", "/api/codings/x"),
        ] {
            let r = f.write(method, path, &[("Origin", &origin)], body);
            assert_eq!(r.status, 403, "{method} from {origin}: {}", r.text());
            assert!(json_error(&r).contains("its own page"));
            has_security_headers(&r);
        }
    }
    // The page's own origin, by either name, and no Origin at all (curl) may write.
    for origin in [
        Some(format!("http://127.0.0.1:{port}")),
        Some(format!("http://localhost:{port}")),
        None,
    ] {
        let extra: Vec<(&str, &str)> = origin.iter().map(|o| ("Origin", o.as_str())).collect();
        let r = f.write("POST", "/api/memos", &extra, body);
        assert!(r.status < 300, "{origin:?}: {} {}", r.status, r.text());
    }
}

#[test]
fn the_cookie_alone_is_not_enough_for_another_page() {
    let f = Fixture::new();
    let addr = f.server.addr();
    let cookie = format!("thematic_{}={}", addr.port(), f.server.token());
    for site in ["cross-site", "same-site"] {
        let r = send(
            addr,
            "GET",
            "/api/search?q=goals",
            &[("Cookie", &cookie), ("Sec-Fetch-Site", site)],
            None,
        );
        assert_eq!(r.status, 403, "{site}: {}", r.text());
        has_security_headers(&r);
    }
    for site in ["same-origin", "none"] {
        let r = send(
            addr,
            "GET",
            "/api/study",
            &[("Cookie", &cookie), ("Sec-Fetch-Site", site)],
            None,
        );
        assert_eq!(r.status, 200, "{site}: {}", r.text());
    }
    // A link with the token in it works from anywhere: only the server's user has it.
    let r = send(
        addr,
        "GET",
        &format!("/?token={}", f.server.token()),
        &[("Sec-Fetch-Site", "cross-site")],
        None,
    );
    assert_eq!(r.status, 200);
}

#[test]
fn refusals_carry_the_security_headers() {
    let f = Fixture::new();
    let addr = f.server.addr();
    let token = f.server.token().to_string();
    let unauthorized = send(addr, "GET", "/api/study", &[], None);
    assert_eq!(unauthorized.status, 401);
    has_security_headers(&unauthorized);
    let page = send(addr, "GET", "/", &[], None);
    assert_eq!(page.status, 401);
    has_security_headers(&page);
    let forbidden = send(
        addr,
        "GET",
        "/api/study",
        &[("X-Thematic-Token", "0")],
        None,
    );
    assert_eq!(forbidden.status, 403);
    has_security_headers(&forbidden);
    let wrong_host = send(
        addr,
        "GET",
        "/api/study",
        &[("Host", "evil.example"), ("X-Thematic-Token", &token)],
        None,
    );
    assert_eq!(wrong_host.status, 403);
    has_security_headers(&wrong_host);
    let missing = f.get("/api/nothing-here");
    assert_eq!(missing.status, 404);
    has_security_headers(&missing);
    let wrong_method = f.write("PUT", "/api/study", &[], "{}");
    assert_eq!(wrong_method.status, 405);
    has_security_headers(&wrong_method);
    let bad_body = f.write("POST", "/api/memos", &[], "{not json");
    assert_eq!(bad_body.status, 400);
    has_security_headers(&bad_body);
    has_security_headers(&f.get("/api/study"));
}
