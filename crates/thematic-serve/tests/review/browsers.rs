//! The review view in real browsers: headless Chromium through `chromedriver` (WebDriver
//! over HTTP) and headless Firefox over its Marionette protocol (no geckodriver), driven by
//! one scenario: open a theme's review, star an extract from the later transcript and see
//! it first after a reload, add a review note, save a central organising concept, and be
//! refused "Mark as defined" while a code is shared, each checked in the study's files.
//! A screenshot of the review is saved as `target/serve-review.png` (Chromium).
//!
//! Without the browsers these tests say so and pass, unless `THEMATIC_REQUIRE_BROWSER=1`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use thematic_codebook::Placement;
use thematic_serve::{Running, ServeOptions};

use crate::common;

/// What the scenario needs of a browser.
trait Driver {
    fn go(&mut self, url: &str);
    fn run(&mut self, script: &str, args: Value) -> Value;
    /// Clicks the first element matching `css`, as a mouse does.
    fn click(&mut self, css: &str);
    /// Types `text` into the first element matching `css`, as a keyboard does.
    fn type_into(&mut self, css: &str, text: &str);
    fn screenshot(&mut self) -> Vec<u8>;

    /// Waits (bounded) until `script` returns true.
    fn wait_for(&mut self, script: &str, what: &str) {
        for _ in 0..300 {
            if self.run(script, json!([])) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let page = self.run("return document.body.innerText", json!([]));
        panic!("timed out waiting for {what}; the page says:\n{page}");
    }
}

fn required() -> bool {
    std::env::var("THEMATIC_REQUIRE_BROWSER").as_deref() == Ok("1")
}

fn pick(var: &str, candidates: &[&str]) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|p| p.is_file())
}

/// A chromedriver of our own, and one Chromium session in it.
pub struct Chromium {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

impl Chromium {
    pub fn start() -> Option<Chromium> {
        let chromium = pick(
            "CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let chromedriver = pick("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
            assert!(
                !required(),
                "THEMATIC_REQUIRE_BROWSER=1 but chromium or chromedriver is missing"
            );
            eprintln!("skipped: the Chromium review test needs chromium and chromedriver");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut b = Chromium {
            driver,
            addr,
            session: String::new(),
            _profile: tempfile::tempdir().unwrap(),
        };
        let mut ready = false;
        for _ in 0..300 {
            if TcpStream::connect(addr).is_ok() {
                let status = common::send(addr, "GET", "/status", &[], None);
                ready = status.status == 200
                    && serde_json::from_slice::<Value>(&status.body)
                        .is_ok_and(|v| v["value"]["ready"] == json!(true));
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(ready, "chromedriver did not start answering on {addr}");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1400,1000",
            &format!("--user-data-dir={}", b._profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let created = b.call("POST", "/session", Some(caps));
        b.session = created["sessionId"].as_str().unwrap().to_string();
        Some(b)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let r = common::send(
            self.addr,
            method,
            path,
            &[("Content-Type", "application/json; charset=utf-8")],
            body.as_deref(),
        );
        let v = r.json();
        assert!(r.status < 400, "WebDriver {method} {path}: {v}");
        v["value"].clone()
    }

    fn at(&self, what: &str) -> String {
        format!("/session/{}/{what}", self.session)
    }

    fn element(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            &self.at("element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string()
    }
}

impl Driver for Chromium {
    fn go(&mut self, url: &str) {
        self.call("POST", &self.at("url"), Some(json!({ "url": url })));
    }

    fn run(&mut self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.at("execute/sync"),
            Some(json!({"script": script, "args": args})),
        )
    }

    fn click(&mut self, css: &str) {
        let id = self.element(css);
        self.call(
            "POST",
            &self.at(&format!("element/{id}/click")),
            Some(json!({})),
        );
    }

    fn type_into(&mut self, css: &str, text: &str) {
        let id = self.element(css);
        self.call(
            "POST",
            &self.at(&format!("element/{id}/value")),
            Some(json!({ "text": text })),
        );
    }

    fn screenshot(&mut self) -> Vec<u8> {
        let b64 = self.call("GET", &self.at("screenshot"), None);
        base64(b64.as_str().unwrap())
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // `DELETE /session/{id}` closes Chromium; killing chromedriver alone would not.
            let path = format!("/session/{}", self.session);
            let _ = common::send(self.addr, "DELETE", &path, &[], None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A headless Firefox with a fresh profile and a Marionette session in it.
pub struct Firefox {
    child: Child,
    stream: BufReader<TcpStream>,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Firefox {
    pub fn start() -> Option<Firefox> {
        let Some(binary) = pick("FIREFOX", &["/usr/bin/firefox-esr", "/usr/bin/firefox"]) else {
            assert!(
                !required(),
                "THEMATIC_REQUIRE_BROWSER=1 but Firefox is missing"
            );
            eprintln!("skipped: the Firefox review test needs firefox-esr");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        std::fs::write(
            profile.path().join("user.js"),
            "user_pref(\"marionette.port\", 0);\n\
             user_pref(\"browser.shell.checkDefaultBrowser\", false);\n\
             user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);\n\
             user_pref(\"app.update.enabled\", false);\n",
        )
        .unwrap();
        let child = Command::new(binary)
            .args(["--headless", "--marionette", "--no-remote", "--profile"])
            .arg(profile.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let port_file = profile.path().join("MarionetteActivePort");
        let mut port = None;
        for _ in 0..600 {
            if let Ok(p) = std::fs::read_to_string(&port_file)
                && let Ok(p) = p.trim().parse::<u16>()
            {
                port = Some(p);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let port = port.expect("Firefox did not start Marionette within 30 s");
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut ff = Firefox {
            child,
            stream: BufReader::new(stream),
            next: 1,
            _profile: profile,
        };
        let hello = ff.receive();
        assert_eq!(hello["applicationType"], json!("gecko"), "{hello}");
        ff.call("WebDriver:NewSession", json!({"capabilities": {}}));
        ff.call(
            "WebDriver:SetWindowRect",
            json!({"width": 1400, "height": 1000}),
        );
        Some(ff)
    }

    fn receive(&mut self) -> Value {
        let mut len = Vec::new();
        self.stream.read_until(b':', &mut len).unwrap();
        len.pop();
        let n: usize = String::from_utf8(len).unwrap().trim().parse().unwrap();
        let mut body = vec![0u8; n];
        self.stream.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn call(&mut self, command: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        let msg = json!([0, id, command, params]).to_string();
        self.stream
            .get_mut()
            .write_all(format!("{}:{msg}", msg.len()).as_bytes())
            .unwrap();
        let reply = self.receive();
        assert_eq!(reply[1], json!(id), "{reply}");
        assert!(reply[2].is_null(), "{command}: {}", reply[2]);
        reply[3].clone()
    }

    fn element(&mut self, css: &str) -> String {
        let found = self.call(
            "WebDriver:FindElement",
            json!({"using": "css selector", "value": css}),
        );
        found["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string()
    }
}

impl Driver for Firefox {
    fn go(&mut self, url: &str) {
        self.call("WebDriver:Navigate", json!({ "url": url }));
    }

    fn run(&mut self, script: &str, args: Value) -> Value {
        self.call(
            "WebDriver:ExecuteScript",
            json!({"script": script, "args": args}),
        )["value"]
            .clone()
    }

    fn click(&mut self, css: &str) {
        let id = self.element(css);
        self.call("WebDriver:ElementClick", json!({ "id": id }));
    }

    fn type_into(&mut self, css: &str, text: &str) {
        let id = self.element(css);
        self.call(
            "WebDriver:ElementSendKeys",
            json!({ "id": id, "text": text }),
        );
    }

    fn screenshot(&mut self) -> Vec<u8> {
        let v = self.call("WebDriver:TakeScreenshot", json!({"full": false}));
        base64(v["value"].as_str().unwrap())
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        let _ = self.call_quietly("WebDriver:DeleteSession");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Firefox {
    /// A command whose answer does not matter (closing the session on the way out).
    fn call_quietly(&mut self, command: &str) -> std::io::Result<()> {
        let id = self.next;
        self.next += 1;
        let msg = json!([0, id, command, {}]).to_string();
        self.stream
            .get_mut()
            .write_all(format!("{}:{msg}", msg.len()).as_bytes())
    }
}

fn base64(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// One browser at a time: two at once are slow on a small machine.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Marks the extract of the review whose words are `words` with `data-test="target"`.
const MARK: &str = r#"
for (const e of document.querySelectorAll('[data-test]')) e.removeAttribute('data-test');
const li = [...document.querySelectorAll('li.review-extract')].find((li) => li.querySelector('blockquote').textContent === arguments[0]);
if (!li) return false;
li.setAttribute('data-test', 'target');
return true;
"#;

/// The words of the first extract of code `arguments[0]`'s block, and its star's state.
const FIRST_OF: &str = r#"
const block = [...document.querySelectorAll('.code-block')].find((b) => b.querySelector('h3 a').getAttribute('href') === '#/code/' + arguments[0]);
const li = block && block.querySelector('li.review-extract');
return li ? [li.querySelector('blockquote').textContent, li.querySelector('button.star').getAttribute('aria-pressed')] : null;
"#;

/// Waits (bounded) until `read` of the study holds `want`.
fn wait_file(what: &str, want: &str, read: impl Fn() -> String) {
    for _ in 0..200 {
        if read().contains(want) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{want:?} never appeared in {what}:\n{}", read());
}

/// The scenario, in any browser.
fn review_scenario(b: &mut dyn Driver, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    b.go(&server.url());
    b.wait_for(
        "return document.body.dataset.ready === '1'",
        "the workspace",
    );
    b.run(
        "location.hash = '#/review/the-approach'; return true;",
        json!([]),
    );
    b.wait_for(
        "return document.querySelectorAll('.code-block').length === 3",
        "the review's three codes",
    );
    // Before: P1's goal-orientation extract first (participant order).
    let p1 = "what matters to them. Then we look at small goals";
    let p2 = "We set goals in the first meeting.";
    assert_eq!(
        b.run(FIRST_OF, json!(["goal-orientation"])),
        json!([p1, "false"])
    );
    // Star P2's: the star lands in stars/KW.csv.
    assert_eq!(b.run(MARK, json!([p2])), json!(true), "{name}");
    b.click("[data-test=target] button.star");
    let id = f_coding(&study, p2);
    let stars = study.stars_path("KW").unwrap();
    wait_file("stars/KW.csv", &format!("KW,{id},P2,the-approach,"), || {
        std::fs::read_to_string(&stars).unwrap_or_default()
    });
    b.wait_for(
        "return document.querySelector('[data-test=target] button.star').getAttribute('aria-pressed') === 'true'",
        "the star pressed",
    );
    b.wait_for(
        "return document.getElementById('starred-list').textContent.includes('(1)')",
        "the starred list",
    );
    // After a reload it comes first.
    b.run(
        "document.body.dataset.ready = ''; location.reload(); return true;",
        json!([]),
    );
    b.wait_for(
        "return document.body.dataset.ready === '1' && document.querySelectorAll('.code-block').length === 3",
        "the review after the reload",
    );
    assert_eq!(
        b.run(FIRST_OF, json!(["goal-orientation"])),
        json!([p2, "true"]),
        "{name}: the starred extract first after a reload"
    );

    // A review note: into memos/KW.md, and shown.
    let note = format!("Coheres in {name}? P2 sounds service-led.");
    b.type_into("textarea[name=note]", &note);
    b.click(".note-form button[type=submit]");
    let memos = study.memos_path("KW").unwrap();
    wait_file("memos/KW.md", &note, || {
        std::fs::read_to_string(&memos).unwrap_or_default()
    });
    b.wait_for(
        &format!(
            "return [...document.querySelectorAll('ol.notes .note')].some((n) => n.textContent.includes({}))",
            json!(note)
        ),
        "the note in the list",
    );

    // A central organising concept, saved in the codebook and shown as the lead.
    let concept = "Starting from what matters to the person";
    b.type_into("textarea[name=concept]", concept);
    b.click(".define-form button[type=submit]");
    for _ in 0..200 {
        if study
            .codebook()
            .unwrap()
            .get("the-approach")
            .unwrap()
            .concept
            .as_deref()
            == Some(concept)
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        study
            .codebook()
            .unwrap()
            .get("the-approach")
            .unwrap()
            .concept
            .as_deref(),
        Some(concept),
        "{name}: the concept in the codebook"
    );
    b.wait_for(
        &format!(
            "return !!document.querySelector('p.concept') && document.querySelector('p.concept').textContent.includes({})",
            json!(concept)
        ),
        "the concept shown",
    );
    if name == "chromium" {
        let png = b.screenshot();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/serve-review.png");
        std::fs::write(&out, png).unwrap();
        eprintln!("screenshot of the review: {}", out.display());
    }

    // Shared: "Mark as defined" is refused with the editor's reason, nothing written.
    study
        .place_code(
            "what-matters",
            Some("patients-role"),
            Placement::AlsoIn,
            None,
            "KW",
        )
        .unwrap();
    b.run(
        "document.body.dataset.ready = ''; location.reload(); return true;",
        json!([]),
    );
    b.wait_for(
        "return document.body.dataset.ready === '1' && !!document.querySelector('.define .status-line button')",
        "the define section",
    );
    let book = std::fs::read_to_string(study.codebook_path()).unwrap();
    b.click(".define .status-line button");
    b.wait_for(
        "const r = document.querySelector('.define .refusal'); return !!r && !r.hidden && r.textContent.includes('put each in one theme first');",
        "the refusal",
    );
    assert_eq!(
        std::fs::read_to_string(study.codebook_path()).unwrap(),
        book
    );
    // Keep it here only, then define.
    b.click(".shared button");
    b.wait_for(
        "return document.body.innerText.includes('None: each code sits in this theme alone.')",
        "the shared code resolved",
    );
    b.click(".define .status-line button");
    for _ in 0..200 {
        if study
            .codebook()
            .unwrap()
            .get("the-approach")
            .unwrap()
            .defined
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        study
            .codebook()
            .unwrap()
            .get("the-approach")
            .unwrap()
            .defined,
        "{name}"
    );

    // A theme at the top has no path above it, and nothing stands in its place.
    b.run(
        "location.hash = '#/review/solution-focused-strengths-based'; return true;",
        json!([]),
    );
    b.wait_for(
        "return document.querySelectorAll('.code-block').length === 9",
        "the root's nine codes",
    );
    let text = b.run(
        "return document.getElementById('main').innerText",
        json!([]),
    );
    assert!(
        !text.as_str().unwrap().lines().any(|l| l.trim() == "null"),
        "{name}: {text}"
    );
}

/// The id of KW's coding of `words`.
fn f_coding(study: &thematic_study::Study, words: &str) -> String {
    study
        .codings_of("KW")
        .unwrap()
        .codings
        .into_iter()
        .find(|c| c.text == words)
        .unwrap()
        .id
}

#[test]
fn in_chromium_a_theme_is_reviewed_starred_noted_and_defined() {
    let _serial = serial();
    let Some(mut b) = Chromium::start() else {
        return;
    };
    review_scenario(&mut b, "chromium");
}

#[test]
fn in_firefox_a_theme_is_reviewed_starred_noted_and_defined() {
    let _serial = serial();
    let Some(mut b) = Firefox::start() else {
        return;
    };
    review_scenario(&mut b, "firefox");
}
