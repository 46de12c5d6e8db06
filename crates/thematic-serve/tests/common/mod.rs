//! What the API and browser tests share: a study built in a temporary folder, and a small
//! HTTP/1.1 client over a plain `TcpStream` (one request per connection); for the browser
//! tests, the one Chromium client ([`chromium`]), the one Firefox client ([`firefox`]) and
//! what a test asks of either ([`driver::Driver`]).

#![allow(dead_code, clippy::unwrap_used)]

pub mod chromium;
pub mod driver;
pub mod firefox;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use thematic_serve::{Limits, Running, ServeOptions};
use thematic_study::{Coding, CodingsFile, InitOptions, Study, new_coding_id, now_rfc3339};

/// The shipped nine-mechanism codebook: its first codable themes, in tree order, are
/// asking-questions (key 1) … what-matters (key 9).
pub const CODEBOOK: &str = thematic_study::testing::MECHANISMS;

/// A typed transcript with emoji (outside the Basic Multilingual Plane, two UTF-16 units
/// each) before the passages the tests code.
pub const P1: &str = "\
[00:00:05] Interviewer: What do you do first when you meet someone?
[00:00:12] P1: I ask what matters to them. Then we look at small goals 🎯 and what they want to change.
[00:00:40] Interviewer: How do you keep them going?
[00:00:46] P1: We celebrate each step 😊 together, and I listen for what they are good at. Trust comes from keeping my word.
[00:01:20] Interviewer: Anything else?
[00:01:25] P1: Walking groups help people feel they belong 🌳 and gardening gives them a purpose.
";

pub const P2: &str = "\
Interviewer: Tell me about referrals.
P2: Most referrals come from the GP. We set goals in the first meeting.
Interviewer: And after that?
P2: We meet every fortnight and talk about what matters to them.
";

/// A study with transcripts P1 and P2, the shipped codebook, and codings by KW and CG.
pub fn study(dir: &Path) -> Study {
    let mut study = Study::init(
        dir,
        &InitOptions {
            name: "Serve test study".into(),
            codebook_file: "codebook.toml".into(),
            codebook_text: CODEBOOK.into(),
        },
    )
    .unwrap();
    let mut config = study.config().clone();
    config.interviewers = vec!["Interviewer".into()];
    config.default_coder = Some("KW".into());
    study.set_config(config).unwrap();
    std::fs::write(study.transcripts_dir().join("P1.txt"), P1).unwrap();
    std::fs::write(study.transcripts_dir().join("P2.txt"), P2).unwrap();
    code(
        &study,
        "KW",
        "P1",
        2,
        "I ask what matters to them.",
        "what-matters",
    );
    code(
        &study,
        "KW",
        "P1",
        2,
        "what matters to them. Then we look at small goals",
        "goal-orientation",
    );
    code(
        &study,
        "KW",
        "P1",
        4,
        "Trust comes from keeping my word.",
        "therapeutic-alliance",
    );
    code(
        &study,
        "KW",
        "P2",
        2,
        "We set goals in the first meeting.",
        "goal-orientation",
    );
    code(
        &study,
        "CG",
        "P1",
        2,
        "I ask what matters to them.",
        "what-matters",
    );
    code(
        &study,
        "CG",
        "P1",
        4,
        "I listen for what they are good at.",
        "empowerment",
    );
    code(
        &study,
        "CG",
        "P2",
        4,
        "what matters to them",
        "what-matters",
    );
    study
}

/// The transcript `id` as the study parses it.
pub fn transcript(study: &Study, id: &str) -> thematic_transcript::Transcript {
    let path = study.transcript_file(id).unwrap().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    thematic_study::parse_bytes(&path, &bytes, &study.parse_options()).unwrap()
}

/// Where `words` start and end in turn `turn` (1-based) of `id`: code points into the
/// transcript text, end exclusive.
pub fn span(study: &Study, id: &str, turn: usize, words: &str) -> (usize, usize) {
    let t = transcript(study, id);
    let turn = &t.turns[turn - 1];
    let text: Vec<char> = turn.text(&t.text).chars().collect();
    let needle: Vec<char> = words.chars().collect();
    let at = text
        .windows(needle.len())
        .position(|w| w == needle.as_slice())
        .unwrap_or_else(|| panic!("{words:?} is not in the turn"));
    (turn.start + at, turn.start + at + needle.len())
}

/// Codes `words` of a turn for `coder` through the store, as `thematic code` does.
pub fn code(study: &Study, coder: &str, id: &str, turn: usize, words: &str, theme: &str) -> String {
    let (start, end) = span(study, id, turn, words);
    let coding = Coding {
        id: new_coding_id(),
        coder: coder.into(),
        transcript: id.into(),
        turn,
        start,
        end,
        theme: theme.into(),
        text: words.into(),
        memo: String::new(),
        created: now_rfc3339(),
        status: Default::default(),
    };
    study.add_coding(&coding).unwrap();
    coding.id
}

/// An HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Sends one request with `headers` (Host, Connection and Content-Length are added).
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || method != "GET" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).unwrap();
    // Read the head, then the body by its Content-Length where there is one: some servers
    // (chromedriver) keep the connection open after the answer.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if let Some(length) = length {
                while raw.len() < split + 4 + length {
                    let n = stream.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    raw.extend_from_slice(&buf[..n]);
                }
                return parse(&raw);
            }
            break;
        }
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            return parse(&raw);
        }
        raw.extend_from_slice(&buf[..n]);
    }
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
}

/// Selects `words` in turn `n` of the reader with the DOM Range API, by UTF-16 positions
/// in the page's text nodes; returns the selected text.
pub const SELECT: &str = r#"
const [n, words] = arguments;
const el = document.querySelector('.turn .text[data-n="' + n + '"]');
const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
const nodes = [];
let all = '';
while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]); all += walker.currentNode.data; }
const at = all.indexOf(words);
if (at < 0) return 'not found in: ' + all;
const locate = (i) => { for (const [node, off] of nodes) if (i <= off + node.data.length) return [node, i - off]; };
const [sn, so] = locate(at);
const [en, eo] = locate(at + words.length);
const r = document.createRange();
r.setStart(sn, so);
r.setEnd(en, eo);
const sel = window.getSelection();
el.focus();
sel.removeAllRanges();
sel.addRange(r);
return sel.toString();
"#;

/// Waits (bounded) until `coder` has a coding of `text`, and returns it.
pub fn wait_for_coding(
    study: &thematic_study::Study,
    coder: &str,
    text: &str,
) -> thematic_study::Coding {
    for _ in 0..200 {
        if let Ok(file) = thematic_study::CodingsFile::read(&study.codings_path(coder).unwrap())
            && let Some(c) = file.codings.into_iter().find(|c| c.text == text)
        {
            return c;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no coding of {text:?} appeared in codings/{coder}.csv");
}

/// Puts the caret at the start of turn 4's text, focused.
pub const CARET_AT_TURN_4: &str = "const el = document.querySelector('.turn .text[data-n=\"4\"]'); el.focus(); window.getSelection().collapse(el, 0); return true;";

/// WebDriver key actions pressing `keys` together: each held down in order, then released
/// in reverse (`chord(&["\u{E009}", "z"])` is Ctrl+Z).
pub fn chord(keys: &[&str]) -> Vec<serde_json::Value> {
    use serde_json::json;
    let down = keys.iter().map(|k| json!({"type": "keyDown", "value": k}));
    let up = keys
        .iter()
        .rev()
        .map(|k| json!({"type": "keyUp", "value": k}));
    down.chain(up).collect()
}

/// WebDriver key actions: Shift held while → is pressed `n` times.
pub fn shift_right(n: usize) -> Vec<serde_json::Value> {
    use serde_json::json;
    let mut actions = vec![json!({"type": "keyDown", "value": "\u{E008}"})];
    for _ in 0..n {
        actions.push(json!({"type": "keyDown", "value": "\u{E014}"}));
        actions.push(json!({"type": "keyUp", "value": "\u{E014}"}));
    }
    actions.push(json!({"type": "keyUp", "value": "\u{E008}"}));
    actions
}

/// A running server over a fresh test study (see [`study`]), coding as KW.
pub struct Fixture {
    _dir: tempfile::TempDir,
    pub study: Study,
    pub server: Running,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with(Limits::default())
    }

    /// With these timeouts.
    pub fn with(limits: Limits) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let study = study(dir.path());
        let server = Running::start_with(ServeOptions::new(dir.path(), "KW"), limits).unwrap();
        Fixture {
            _dir: dir,
            study,
            server,
        }
    }

    /// The token header.
    pub fn auth(&self) -> (&'static str, String) {
        ("X-Thematic-Token", self.server.token().to_string())
    }

    /// `GET path` with the token.
    pub fn get(&self, path: &str) -> Reply {
        let (k, v) = self.auth();
        send(self.server.addr(), "GET", path, &[(k, &v)], None)
    }

    /// `GET path`, which must answer 200, as JSON.
    pub fn json(&self, path: &str) -> serde_json::Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.json()
    }

    /// A JSON body sent with `method` and the token.
    pub fn with_body(&self, method: &str, path: &str, body: &serde_json::Value) -> Reply {
        self.write(method, path, &[], &body.to_string())
    }

    /// A JSON body sent with `method`, the token and `extra` headers.
    pub fn write(&self, method: &str, path: &str, extra: &[(&str, &str)], body: &str) -> Reply {
        let token = self.server.token().to_string();
        let mut headers = vec![
            ("X-Thematic-Token", token.as_str()),
            ("Content-Type", "application/json"),
        ];
        headers.extend_from_slice(extra);
        send(self.server.addr(), method, path, &headers, Some(body))
    }

    /// `coder`'s codings file as it is on disk.
    pub fn codings(&self, coder: &str) -> CodingsFile {
        CodingsFile::read(&self.study.codings_path(coder).unwrap()).unwrap()
    }

    /// Asserts that the server still answers.
    pub fn still_answers(&self) {
        assert_eq!(self.get("/api/study").status, 200, "the server is still up");
    }
}
