//! `thematic-bench serve`: the browser workspace at scale. The real `thematic serve` runs on
//! a copy of a generated study, and each view of the page is requested over HTTP: the
//! first call on its own (caches are cold, the search index is built), then `runs` more,
//! each timed from sending the request to having read the whole body. At the end, the
//! server's peak and current resident memory from `/proc/<pid>/status`.
//!
//! The client is a small HTTP/1.1 one over a `TcpStream`, one request per connection, as
//! a browser tab would send them one after another.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thematic_study::Study;

use crate::browser::Settle;
use crate::search::copy_dir;
use crate::{median, release_thematic};

/// The longest a request (or the server's start) may take before it counts as failed.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(60);

/// The coders `gen` writes; the server acts as the first.
pub(crate) const CODER: &str = "A";
pub(crate) const OTHER: &str = "B";

pub fn run(corpus: &Path, runs: usize, settle: Settle) -> Result<(), String> {
    let exe = release_thematic()?;
    let dir = std::env::temp_dir().join(format!("thematic-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("copying {} to {}", corpus.display(), dir.display());
    copy_dir(corpus, &dir)?;
    let result = Server::start(&exe, &dir).and_then(|mut server| {
        let settled = crate::browser::settle(server.pid(), settle);
        eprintln!("{settled}");
        measure(&mut server, &dir, runs)?;
        println!("{settled}");
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// What the benchmark sends besides the views' paths: the transcript to open and a span in
/// it to code.
pub(crate) struct Target {
    pub(crate) transcript: String,
    theme: String,
    /// Another codable theme, to change codings to.
    other_theme: String,
    /// A participant turn's start and end, in code points.
    turn: (usize, usize),
}

/// Picks the largest transcript file (the most turns and codings), its first turn long
/// enough to code `spans` distinct spans in, and the codebook's first codable theme.
pub(crate) fn target(dir: &Path, spans: usize) -> Result<Target, String> {
    let study = Study::open(dir).map_err(|e| e.to_string())?;
    let files = study.transcript_files().map_err(|e| e.to_string())?;
    let (id, _) = files
        .iter()
        .max_by_key(|(_, path)| std::fs::metadata(path).map_or(0, |m| m.len()))
        .ok_or("the study has no transcripts")?;
    let transcript = study.transcript(id).map_err(|e| e.to_string())?;
    let turn = transcript
        .turns
        .iter()
        .skip(1)
        .find(|t| t.end - t.start >= spans + 20)
        .ok_or_else(|| format!("{id} has no turn long enough to code {spans} spans in"))?;
    let book = study.codebook().map_err(|e| e.to_string())?;
    let mut codable = book.codable();
    let theme = codable.next().ok_or("the codebook has no codable theme")?;
    let other = codable
        .next()
        .ok_or("the codebook has only one codable theme")?;
    Ok(Target {
        transcript: id.clone(),
        theme: theme.id.clone(),
        other_theme: other.id.clone(),
        turn: (turn.start, turn.end),
    })
}

/// One view's measurements.
struct Row {
    view: String,
    /// The first call.
    first: Duration,
    /// The calls after the first.
    rest: Vec<Duration>,
    /// The last answer's body.
    body: Vec<u8>,
    /// Each call's status, or what went wrong.
    outcomes: Vec<String>,
}

fn measure(server: &mut Server, dir: &Path, runs: usize) -> Result<(), String> {
    let target = target(dir, runs + 1)?;
    let id = &target.transcript;
    let get = |server: &mut Server, path: &str, runs| {
        view(server, format!("GET {path}"), path, runs, |_| None)
    };
    let quotes = format!("/api/quotes?format=json&coder={CODER}&inline=1");
    let mut rows = vec![
        get(server, "/api/study", runs),
        get(server, "/api/transcripts", runs),
        get(server, &format!("/api/transcripts/{id}"), runs),
        get(
            server,
            &format!("/api/compare?a={CODER}&b={OTHER}&transcript={id}"),
            runs,
        ),
        get(server, &quotes, runs),
    ];
    // The quote view pages when its answer is an object with a `total`.
    if rows.last().is_some_and(|r| {
        r.body.trim_ascii_start().starts_with(b"{") && contains(&r.body, b"\"total\"")
    }) {
        rows.push(get(server, &format!("{quotes}&offset=0&limit=100"), runs));
    }
    rows.push(get(server, "/api/search?q=funding", runs));
    rows.push(get(server, "/api/map.svg", runs));
    // Coding as you read: the palette's counts and a code's page (its first 100 extracts of
    // tens of thousands); a code made and applied comes last, as it changes the codebook.
    rows.push(get(server, "/api/counts", runs));
    rows.push(get(
        server,
        &format!("{quotes}&theme={}", target.theme),
        runs,
    ));

    // A fresh span on each call (added), then the last one again (already present).
    let coding = |k: usize| {
        let start = target.turn.0 + 1 + k;
        format!(
            "{{\"transcript\":{},\"start\":{start},\"end\":{},\"theme\":{}}}",
            json_string(id),
            (start + 12).min(target.turn.1),
            json_string(&target.theme)
        )
    };
    let label = "POST /api/codings (new)".to_string();
    rows.push(view(server, label, "/api/codings", runs, |k| {
        Some(coding(k))
    }));
    let label = "POST /api/codings (already present)".to_string();
    rows.push(view(server, label, "/api/codings", runs, |_| {
        Some(coding(runs))
    }));
    rows.extend(after_changes(server, &target, runs, &coding));
    let made = |k: usize| {
        let start = target.turn.0 + 2 + k;
        format!(
            "{{\"label\":\"bench code {k}\",\"apply\":{{\"transcript\":{},\"start\":{start},\"end\":{}}}}}",
            json_string(id),
            (start + 9).min(target.turn.1),
        )
    };
    let label = "POST /api/codes (make a code and apply it)".to_string();
    rows.push(view(server, label, "/api/codes", runs, |k| Some(made(k))));

    let memory = server.memory();
    // The abuse case last and once: it may take the server down.
    rows.push(get(server, "/api/search?q=funding&limit=10000000000", 0));
    let after = server.memory();

    print_table(&rows, runs);
    println!();
    println!("server memory after the views above but the last: {memory}");
    println!("server memory after the abuse case: {after}");
    Ok(())
}

/// The views kept for the state of the codings, each timed right after a coding is posted
/// (the post not timed), `runs` + 1 times; then removing those codings one by one, each
/// removal timed and the reader of its transcript right after it.
fn after_changes(
    server: &mut Server,
    target: &Target,
    runs: usize,
    coding: &dyn Fn(usize) -> String,
) -> Vec<Row> {
    let id = &target.transcript;
    let views = [
        format!("/api/compare?a={CODER}&b={OTHER}&transcript={id}"),
        format!("/api/quotes?format=json&coder={CODER}&inline=1"),
        "/api/map.svg".to_string(),
    ];
    let mut rows: Vec<Row> = views
        .iter()
        .map(|v| Row::new(format!("GET {v}, right after a coding")))
        .collect();
    let mut posted = Vec::new();
    for call in 0..=runs {
        // Spans the runs before did not use.
        match server.request("POST", "/api/codings", Some(&coding(runs + 1 + call))) {
            Ok(r) => posted.extend(coding_id(&r.body)),
            Err(e) => eprintln!("posting a coding failed: {e}"),
        }
        for (row, path) in rows.iter_mut().zip(&views) {
            row.record(call, server.request("GET", path, None));
        }
    }
    let reader = format!("/api/transcripts/{id}");
    let mut change = Row::new("PATCH /api/codings/{id} (another theme)".into());
    let mut after_change = Row::new(format!("GET {reader}, right after a theme change"));
    let other = json_string(&target.other_theme);
    for (call, coding) in posted.iter().enumerate() {
        let path = format!("/api/codings/{coding}");
        let body = format!("{{\"theme\":{other}}}");
        change.record(call, server.request("PATCH", &path, Some(&body)));
        after_change.record(call, server.request("GET", &reader, None));
    }
    let mut removal = Row::new("DELETE /api/codings/{id}".into());
    let mut after = Row::new(format!("GET {reader}, right after a removal"));
    for (call, coding) in posted.iter().enumerate() {
        let path = format!("/api/codings/{coding}");
        removal.record(call, server.request("DELETE", &path, None));
        after.record(call, server.request("GET", &reader, None));
    }
    // Undo of a coding just made (the coding not timed).
    let mut undo = Row::new("POST /api/undo (a coding just made)".into());
    for call in 0..=runs {
        let _ = server.request("POST", "/api/codings", Some(&coding(3 * runs + 3 + call)));
        undo.record(call, server.request("POST", "/api/undo", Some("{}")));
    }
    rows.extend([change, after_change, removal, after, undo]);
    for row in &rows {
        eprintln!("{}: {}", row.view, row.outcomes.join(", "));
    }
    rows
}

/// The `"id"` of the coding in a `POST /api/codings` answer.
fn coding_id(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(v["coding"]["id"].as_str()?.to_string())
}

impl Row {
    fn new(view: String) -> Row {
        Row {
            view,
            first: Duration::ZERO,
            rest: Vec::new(),
            body: Vec::new(),
            outcomes: Vec::new(),
        }
    }

    /// Records call `call` (from 0; the first is "first").
    fn record(&mut self, call: usize, answer: Result<Reply, String>) {
        let took = answer.as_ref().map_or(TIMEOUT, |r| r.elapsed);
        if call == 0 {
            self.first = took;
        } else {
            self.rest.push(took);
        }
        match answer {
            Ok(reply) => {
                self.outcomes.push(reply.status.to_string());
                self.body = reply.body;
            }
            Err(e) => self.outcomes.push(e),
        }
    }
}

/// Requests `path` once, then `runs` more times: a POST of `body(k)` on call `k` (from 0)
/// when that is a body, else a GET.
fn view(
    server: &mut Server,
    view: String,
    path: &str,
    runs: usize,
    body: impl Fn(usize) -> Option<String>,
) -> Row {
    let mut row = Row::new(view);
    for call in 0..=runs {
        let body = body(call);
        let method = if body.is_some() { "POST" } else { "GET" };
        let t = Instant::now();
        let answer = server.request(method, path, body.as_deref());
        // A failure's time counts too: how long until the server gave up or fell over.
        let answer = answer.map_err(|e| (e, t.elapsed()));
        match answer {
            Ok(reply) => row.record(call, Ok(reply)),
            Err((e, took)) => {
                row.record(call, Err(e));
                if call == 0 {
                    row.first = took;
                } else if let Some(last) = row.rest.last_mut() {
                    *last = took;
                }
            }
        }
    }
    eprintln!("{}: {}", row.view, row.outcomes.join(", "));
    row
}

/// `reply`, or an error with its status and body when it is not a success.
fn ok(path: &str, reply: Reply) -> Result<Reply, String> {
    if (200..300).contains(&reply.status) {
        Ok(reply)
    } else {
        Err(format!(
            "{path}: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
                .chars()
                .take(300)
                .collect::<String>()
        ))
    }
}

fn print_table(rows: &[Row], runs: usize) {
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
    let width = rows.iter().map(|r| r.view.len()).max().unwrap_or(4);
    println!(
        "| {:<width$} | {:>9} | {:>9} | {:>9} | {:>11} | status",
        "view", "first ms", "median ms", "max ms", "bytes"
    );
    println!(
        "|{}|-----------|-----------|-----------|-------------|-------",
        "-".repeat(width + 2)
    );
    for r in rows {
        let mut outcomes = r.outcomes.clone();
        outcomes.dedup();
        let (med, max) = match r.rest.iter().max() {
            Some(&max) => (ms(median(r.rest.clone())), ms(max)),
            None => ("-".into(), "-".into()),
        };
        println!(
            "| {:<width$} | {:>9} | {:>9} | {:>9} | {:>11} | {}",
            r.view,
            ms(r.first),
            med,
            max,
            r.body.len(),
            outcomes.join(", ")
        );
    }
    println!("(first: the first call; median and max of the {runs} calls after it)");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A running `thematic serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    addr: SocketAddr,
    /// The URL it printed, with its token.
    pub(crate) url: String,
    /// `name=value` of the cookie the server set for its token.
    cookie: String,
    /// Where its standard error goes.
    log: PathBuf,
}

impl Server {
    /// Starts `thematic serve --port 0 --coder A` on `study`, reads the URL it prints, and
    /// trades the URL's token for the cookie, as a browser does on the first visit.
    pub(crate) fn start(exe: &Path, study: &Path) -> Result<Server, String> {
        let log = study.join("serve.log");
        let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut child = Command::new(exe)
            .arg("--study")
            .arg(study)
            .args(["serve", "--port", "0", "--coder", CODER])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(file)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        let url = match first_line(&mut child) {
            Ok(url) => url,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(format!(
                    "thematic serve did not print its URL ({e}): {}",
                    log.trim()
                ));
            }
        };
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            url: url.trim().to_string(),
            cookie: String::new(),
            log,
        };
        let rest = url
            .trim()
            .strip_prefix("http://")
            .ok_or_else(|| format!("thematic serve printed {url:?}, not an http:// URL"))?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        server.addr = host
            .parse()
            .map_err(|e| format!("thematic serve printed {url:?}: {e}"))?;
        let reply = server
            .get(path)
            .map_err(|e| format!("the first visit to {url} failed: {e}"))?;
        server.cookie = reply
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .ok_or_else(|| format!("the first visit (status {}) set no cookie", reply.status))?
            .to_string();
        eprintln!(
            "thematic serve (pid {}) at {}",
            server.child.id(),
            server.addr
        );
        Ok(server)
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `GET path`, an error unless the answer is a success.
    pub(crate) fn get_ok(&mut self, path: &str) -> Result<Reply, String> {
        let reply = self.get(path)?;
        ok(path, reply)
    }

    /// `POST path` with the JSON `body`, an error unless the answer is a success.
    pub(crate) fn post_ok(&mut self, path: &str, body: &str) -> Result<Reply, String> {
        let reply = self.request("POST", path, Some(body))?;
        ok(path, reply)
    }

    fn get(&mut self, path: &str) -> Result<Reply, String> {
        self.request("GET", path, None)
    }

    /// Sends one request on a new connection and reads the whole answer, within
    /// [`TIMEOUT`]; an error says what failed, and whether the server has exited.
    fn request(&mut self, method: &str, path: &str, body: Option<&str>) -> Result<Reply, String> {
        send(self.addr, &self.cookie, method, path, body).map_err(|e| match self.exited() {
            Some(status) => {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                format!("{e}; the server exited ({status}): {}", why(&log))
            }
            None => e,
        })
    }

    /// How the server exited, if it did or does within a second (a crashing server closes
    /// its connections a moment before it is gone).
    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        for _ in 0..20 {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(_) => return None,
            }
        }
        None
    }

    /// Peak and current resident memory, from `/proc/<pid>/status`.
    pub(crate) fn memory(&mut self) -> String {
        if let Ok(Some(status)) = self.child.try_wait() {
            return format!("not known (the server exited: {status})");
        }
        let path = format!("/proc/{}/status", self.child.id());
        let Ok(status) = std::fs::read_to_string(&path) else {
            return format!("not known ({path} cannot be read)");
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or("?".to_string(), |kb| format!("{:.0} MB", kb / 1024.0))
        };
        format!(
            "VmHWM (peak) {}, VmRSS {}",
            field("VmHWM:"),
            field("VmRSS:")
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a server that fell over said on standard error: the lines after its start-up line,
/// without a backtrace.
fn why(log: &str) -> String {
    let lines: Vec<&str> = log
        .lines()
        .skip(1)
        .filter(|l| {
            !l.starts_with(' ') && !l.starts_with("stack backtrace") && !l.starts_with("note:")
        })
        .take(2)
        .collect();
    lines.join(" ")
}

/// The first line the child writes on standard output, within [`TIMEOUT`].
fn first_line(child: &mut Child) -> Result<String, String> {
    let stdout = child.stdout.take().ok_or("no standard output")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = tx.send(BufReader::new(stdout).read_line(&mut line).map(|_| line));
    });
    match rx.recv_timeout(TIMEOUT) {
        Ok(Ok(line)) if !line.trim().is_empty() => Ok(line),
        Ok(Ok(_)) => Err("it exited".into()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("nothing within {} s", TIMEOUT.as_secs())),
    }
}

/// An HTTP answer.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The header lines, as sent.
    head: String,
    pub(crate) body: Vec<u8>,
    /// From sending the request to having read the whole body.
    pub(crate) elapsed: Duration,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// Sends one HTTP/1.1 request (`Connection: close`) and reads the answer to the end.
fn send(
    addr: SocketAddr,
    cookie: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Result<Reply, String> {
    let failed = |what: &str, e: std::io::Error| format!("{what}: {e}");
    let mut stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| failed("cannot connect", e))?;
    stream
        .set_write_timeout(Some(TIMEOUT))
        .map_err(|e| failed("cannot send the request", e))?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    let start = Instant::now();
    stream
        .write_all(request.as_bytes())
        .map_err(|e| failed("cannot send the request", e))?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let left = TIMEOUT.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Err(format!("no whole answer within {} s", TIMEOUT.as_secs()));
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| failed("cannot read the answer", e))?;
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(failed("cannot read the answer", e)),
        }
    }
    let elapsed = start.elapsed();
    parse(&raw, elapsed)
}

pub(crate) fn parse(raw: &[u8], elapsed: Duration) -> Result<Reply, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("the connection closed after {} bytes", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {:?}", head.lines().next().unwrap_or("")))?;
    let mut reply = Reply {
        status,
        head,
        body: raw[split + 4..].to_vec(),
        elapsed,
    };
    if reply
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        reply.body = dechunk(&reply.body)?;
    }
    Ok(reply)
}

/// The body of a `Transfer-Encoding: chunked` answer.
fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk without its size line")?;
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("a chunk size {size_text:?} that is not hexadecimal"))?;
        if size == 0 {
            return Ok(out);
        }
        let chunk = data
            .get(eol + 2..eol + 2 + size)
            .ok_or("a chunk cut short")?;
        out.extend_from_slice(chunk);
        data = data.get(eol + 2 + size + 2..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n").as_deref(),
            Ok(&b"hello world"[..])
        );
        assert!(dechunk(b"zz\r\nhello\r\n").is_err());
        assert!(dechunk(b"9\r\nhello\r\n").is_err());
    }

    #[test]
    fn answers_give_status_headers_and_body() {
        let raw = b"HTTP/1.1 201 Created\r\nSet-Cookie: t_1=abc; Path=/\r\n\r\n{}";
        let reply = parse(raw, Duration::ZERO).map_err(|e| e.to_string());
        let reply = reply
            .as_ref()
            .map(|r| (r.status, r.header("set-cookie"), &r.body[..]));
        assert_eq!(reply, Ok((201, Some("t_1=abc; Path=/"), &b"{}"[..])));
        assert!(parse(b"HTTP/1.1 200 OK\r\n", Duration::ZERO).is_err());
    }

    #[test]
    fn a_crash_is_told_without_its_backtrace() {
        let log = "serving /tmp/s for coder A\nmemory allocation of 16 bytes failed\n\
                   stack backtrace:\n   0: std::alloc::rust_oom\nnote: Some details are omitted\n";
        assert_eq!(why(log), "memory allocation of 16 bytes failed");
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("P1 \"a\\b\"\n"), r#""P1 \"a\\b\"\u000a""#);
    }
}
