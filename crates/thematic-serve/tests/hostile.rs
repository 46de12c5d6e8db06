//! Robustness: a few hundred hostile requests against one server (random bytes, huge
//! headers, bad UTF-8 in paths and queries, deep JSON bodies, bad methods, broken framing),
//! most of them with the token so they reach the handlers. None may get a 5xx, and the
//! server must answer normally afterwards.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use common::{send, study};
use thematic_serve::{Limits, Running, ServeOptions};

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Sends raw bytes, says it is done sending, and returns the status of whatever came back
/// (None: the server closed without an answer).
fn raw(addr: SocketAddr, bytes: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server may close before reading everything; that is an answer too.
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head = String::from_utf8_lossy(&answer);
    head.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

fn request(method: &[u8], target: &[u8], headers: &[(&[u8], &[u8])], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(method);
    out.push(b' ');
    out.extend_from_slice(target);
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (k, v) in headers {
        out.extend_from_slice(k);
        out.extend_from_slice(b": ");
        out.extend_from_slice(v);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

#[test]
fn hundreds_of_hostile_requests_leave_the_server_answering() {
    let dir = tempfile::tempdir().unwrap();
    study(dir.path());
    let server = Running::start_with(
        ServeOptions::new(dir.path(), "KW"),
        Limits::with_timeouts(Duration::from_secs(2)),
    )
    .unwrap();
    let addr = server.addr();
    let host = addr.to_string();
    let token = server.token().to_string();
    let auth: Vec<(&[u8], &[u8])> = vec![
        (b"Host", host.as_bytes()),
        (b"X-Thematic-Token", token.as_bytes()),
    ];
    let json = |extra: &[(&'static [u8], &'static [u8])]| {
        let mut h = auth.clone();
        h.push((b"Content-Type", b"application/json"));
        h.extend_from_slice(extra);
        h
    };
    let mut rng = Rng(0x7468_656d_6174_6963);
    let mut inputs: Vec<Vec<u8>> = Vec::new();

    // Random bytes, short and long, and random bytes after a valid start.
    for i in 0..100 {
        let n = [1, 16, 200, 4_000, 70_000][i % 5];
        inputs.push(rng.bytes(n));
        let mut after = format!("GET /api/study HTTP/1.1\r\nHost: {host}\r\n").into_bytes();
        after.extend(rng.bytes(n));
        inputs.push(after);
    }
    // Bad UTF-8 and odd bytes in paths and queries, with the token.
    for i in 0..60 {
        let junk = rng.bytes(1 + i % 30);
        let escaped: String = junk.iter().map(|b| format!("%{b:02X}")).collect();
        for target in [
            format!("/api/transcripts/{escaped}"),
            format!("/api/search?q={escaped}"),
            format!("/api/search?q=goals&limit={escaped}&offset={escaped}"),
            format!("/api/quotes?inline=1&format={escaped}&theme={escaped}"),
            format!("/api/compare?a={escaped}&b=KW&transcript={escaped}"),
            format!("/{escaped}"),
        ] {
            inputs.push(request(b"GET", target.as_bytes(), &auth, b""));
        }
        let mut bare = b"/api/search?q=".to_vec();
        bare.extend(junk.iter().filter(|b| !matches!(b, b' ' | b'\r' | b'\n')));
        inputs.push(request(b"GET", &bare, &auth, b""));
    }
    // Paths that try to leave the study, and search syntax abuse.
    for target in [
        "/api/transcripts/..%2F..%2Fthematic.toml",
        "/api/transcripts/%2E%2E",
        "/../../../etc/passwd",
        "/api/transcripts/%00",
        "//api//study",
        "/api/search?q=speaker:%5B*%20TO%20*%5D",
        "/api/search?q=turn:%5B0%20TO%2018446744073709551615%5D",
        "/api/search?q=a~99999999999999999999",
        "/api/search?q=*",
        "/api/search?q=theme:",
        "/api/search?q=%3A%3A%3A%3A",
        "/api/search?q=goals&all_speakers=maybe",
        "http://evil.example/api/study",
        "*",
    ] {
        inputs.push(request(b"GET", target.as_bytes(), &auth, b""));
    }
    // Huge headers: one long value, many headers, a long name.
    for size in [8_000, 64_000, 500_000, 2_000_000] {
        let value = vec![b'a'; size];
        let mut h = auth.clone();
        h.push((b"X-Big", &value));
        inputs.push(request(b"GET", b"/api/study", &h, b""));
    }
    let many: Vec<(Vec<u8>, Vec<u8>)> = (0..500)
        .map(|i| (format!("X-H{i}").into_bytes(), b"v".to_vec()))
        .collect();
    let mut h = auth.clone();
    h.extend(many.iter().map(|(k, v)| (k.as_slice(), v.as_slice())));
    inputs.push(request(b"GET", b"/api/study", &h, b""));
    inputs.push(request(b"GET", &vec![b'/'; 300_000], &auth, b""));
    // Deep and odd JSON bodies to every write.
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = "{\"a\":".repeat(50_000) + "1" + &"}".repeat(50_000);
    let bodies: Vec<Vec<u8>> = vec![
        deep_array.into_bytes(),
        deep_object.into_bytes(),
        b"{\"transcript\":\"P1\",\"start\":18446744073709551615,\"end\":18446744073709551615,\"theme\":\"what-matters\"}".to_vec(),
        b"{\"transcript\":\"P1\",\"start\":0,\"end\":99999999999999999999999,\"theme\":\"what-matters\"}".to_vec(),
        b"{\"transcript\":\"P1\",\"start\":-1,\"end\":5,\"theme\":\"what-matters\"}".to_vec(),
        b"{\"transcript\":\"../../x\",\"start\":0,\"end\":5,\"theme\":\"what-matters\"}".to_vec(),
        b"{\"about\":\"theme\",\"target\":\"what-matters\",\"text\":\"\xff\xfe\"}".to_vec(),
        b"{\"theme\":1e999}".to_vec(),
        b"\"\\ud800\"".to_vec(),
        b"null".to_vec(),
        rng.bytes(5_000),
    ];
    for body in &bodies {
        let length = body.len().to_string();
        for (method, target) in [
            (&b"POST"[..], &b"/api/codings"[..]),
            (b"POST", b"/api/memos"),
            (b"PATCH", b"/api/codings/x"),
        ] {
            let h = json(&[]);
            let mut h = h.clone();
            h.push((b"Content-Length", length.as_bytes()));
            inputs.push(request(method, target, &h, body));
        }
    }
    // Broken framing: lengths that lie, bad chunking, both at once.
    for extra in [
        &[(&b"Content-Length"[..], &b"-1"[..])][..],
        &[(b"Content-Length", b"18446744073709551616")],
        &[(b"Content-Length", b"5"), (b"Content-Length", b"6")],
        &[(b"Content-Length", b"100000000")],
        &[(b"Transfer-Encoding", b"chunked")],
        &[
            (b"Transfer-Encoding", b"chunked"),
            (b"Content-Length", b"3"),
        ],
        &[(b"Transfer-Encoding", b"gzip, chunked")],
        &[(b"Expect", b"100-continue"), (b"Content-Length", b"2")],
    ] {
        for body in [
            &b"{}"[..],
            b"ffffffffffffffff\r\nxx\r\n0\r\n\r\n",
            b"zz\r\n",
        ] {
            inputs.push(request(b"POST", b"/api/memos", &json(extra), body));
        }
    }
    // Bad methods and request lines.
    for method in [
        &b"FOO"[..],
        b"get",
        b"GET\x00",
        b"CONNECT",
        b"TRACE",
        b"OPTIONS",
        b"PUT",
        b"\xff\xfe",
        &[b'M'; 5_000],
    ] {
        inputs.push(request(method, b"/api/study", &auth, b""));
    }
    for line in [
        &b"GET /api/study\r\n\r\n"[..],
        b"GET /api/study HTTP/0.9\r\n\r\n",
        b"GET /api/study HTTP/2.0\r\n\r\n",
        b"GET /api/study HTTP/9.9\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"\r\n\r\n\r\n\r\n",
        b"GET /api/study HTTP/1.1\n\n",
        b"GET  /api/study  HTTP/1.1\r\n\r\n",
        b"GET /api/study HTTP/1.1\r\nHost\r\n\r\n",
        b"GET /api/study HTTP/1.1\r\n: empty\r\n\r\n",
        b"GET /api/study HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
    ] {
        inputs.push(line.to_vec());
    }
    // Pipelined requests, some after a bad one.
    let one = request(b"GET", b"/api/study", &auth, b"");
    inputs.push([one.clone(), one.clone(), one.clone()].concat());
    inputs.push([one.clone(), b"\xff\xff\r\n\r\n".to_vec(), one.clone()].concat());

    let mut five_hundreds = Vec::new();
    let mut answered = 0;
    for (i, input) in inputs.iter().enumerate() {
        match raw(addr, input) {
            Some(status) if status >= 500 => five_hundreds.push((i, status)),
            Some(_) => answered += 1,
            None => {}
        }
        if i % 50 == 0 {
            let r = send(
                addr,
                "GET",
                "/api/study",
                &[("X-Thematic-Token", &token)],
                None,
            );
            assert_eq!(r.status, 200, "after input {i}");
        }
    }
    let tried = inputs.len();
    assert!(tried >= 300, "{tried} inputs");
    assert!(five_hundreds.is_empty(), "5xx answers: {five_hundreds:?}");
    let r = send(
        addr,
        "GET",
        "/api/study",
        &[("X-Thematic-Token", &token)],
        None,
    );
    assert_eq!(
        r.status, 200,
        "the server still answers after {tried} hostile inputs"
    );
    let r = send(
        addr,
        "GET",
        "/api/search?q=goals",
        &[("X-Thematic-Token", &token)],
        None,
    );
    assert_eq!(r.status, 200);
    eprintln!(
        "{tried} hostile inputs, {answered} answered with a status below 500, the rest closed"
    );
}
