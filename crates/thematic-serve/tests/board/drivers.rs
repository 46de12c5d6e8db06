//! Two real browsers behind one small interface, so each board scenario runs in both:
//! headless Chromium through chromedriver (W3C WebDriver over HTTP) and headless Firefox
//! ESR through its own Marionette protocol (length-prefixed JSON over TCP; Debian packages
//! no geckodriver). Both speak the same WebDriver commands, pointer and key actions
//! included, so a drag is the same list of actions in either.
//!
//! Without a browser a scenario says so and passes, unless `THEMATIC_REQUIRE_BROWSER=1`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::common;

/// What a scenario needs of a browser.
pub trait Driver {
    /// Which browser, for messages.
    fn name(&self) -> &'static str;
    /// Opens `url`.
    fn go(&mut self, url: &str);
    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    fn run(&mut self, script: &str, args: Value) -> Value;
    /// The first element matching `css`, as a WebDriver element reference.
    fn find(&mut self, css: &str) -> Value;
    /// Clicks an element as a mouse does.
    fn click_element(&mut self, element: &Value);
    /// Performs WebDriver input sources' actions, then releases what they hold.
    fn perform(&mut self, sources: Value);
    /// A PNG of the viewport.
    fn screenshot(&mut self) -> Vec<u8>;
}

/// Whether the tests must fail rather than skip without a browser.
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

fn skipped(what: &str, install: &str) {
    assert!(
        !required(),
        "THEMATIC_REQUIRE_BROWSER=1 but {what} is missing: apt-get install {install}"
    );
    eprintln!("skipped: this test needs {what} (apt-get install {install})");
}

fn element_id(found: &Value) -> String {
    found
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("not an element reference: {found}"))
        .to_string()
}

// ---------- Chromium ----------

/// A chromedriver of our own and one Chromium session in it.
pub struct Chromium {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts one, or `None` when this machine has no Chromium or chromedriver.
    pub fn start() -> Option<Chromium> {
        let chromium = pick(
            "CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let chromedriver = pick("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
            skipped("chromium and chromedriver", "chromium chromium-driver");
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
        let mut browser = Chromium {
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
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1500,1100",
            &format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let created = browser.call("POST", "/session", Some(caps));
        browser.session = created["sessionId"].as_str().unwrap().to_string();
        Some(browser)
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
}

impl Driver for Chromium {
    fn name(&self) -> &'static str {
        "Chromium"
    }

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

    fn find(&mut self, css: &str) -> Value {
        self.call(
            "POST",
            &self.at("element"),
            Some(json!({"using": "css selector", "value": css})),
        )
    }

    fn click_element(&mut self, element: &Value) {
        let id = element_id(element);
        self.call(
            "POST",
            &self.at(&format!("element/{id}/click")),
            Some(json!({})),
        );
    }

    fn perform(&mut self, sources: Value) {
        self.call(
            "POST",
            &self.at("actions"),
            Some(json!({ "actions": sources })),
        );
        let _ = common::send(self.addr, "DELETE", &self.at("actions"), &[], None);
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

// ---------- Firefox ----------

/// A headless Firefox with a fresh profile, and a Marionette session in it.
pub struct Firefox {
    child: Child,
    stream: BufReader<TcpStream>,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Firefox {
    /// Starts one, or `None` when this machine has no Firefox.
    pub fn start() -> Option<Firefox> {
        let Some(binary) = pick("FIREFOX", &["/usr/bin/firefox-esr", "/usr/bin/firefox"]) else {
            skipped("Firefox", "firefox-esr");
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
            json!({"width": 1500, "height": 1100}),
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
}

impl Driver for Firefox {
    fn name(&self) -> &'static str {
        "Firefox"
    }

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

    fn find(&mut self, css: &str) -> Value {
        self.call(
            "WebDriver:FindElement",
            json!({"using": "css selector", "value": css}),
        )["value"]
            .clone()
    }

    fn click_element(&mut self, element: &Value) {
        let id = element_id(element);
        self.call("WebDriver:ElementClick", json!({ "id": id }));
    }

    fn perform(&mut self, sources: Value) {
        self.call("WebDriver:PerformActions", json!({ "actions": sources }));
        self.call("WebDriver:ReleaseActions", json!({}));
    }

    fn screenshot(&mut self) -> Vec<u8> {
        let b64 = self.call("WebDriver:TakeScreenshot", json!({}))["value"].clone();
        base64(b64.as_str().unwrap())
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
    fn call_quietly(&mut self, command: &str) -> Option<()> {
        let id = self.next;
        self.next += 1;
        let msg = json!([0, id, command, {}]).to_string();
        self.stream
            .get_mut()
            .write_all(format!("{}:{msg}", msg.len()).as_bytes())
            .ok()?;
        Some(())
    }
}

// ---------- what scenarios do with either ----------

/// Waits (bounded) until `script` returns true.
pub fn wait_for(b: &mut dyn Driver, script: &str, what: &str) {
    for _ in 0..200 {
        if b.run(script, json!([])) == json!(true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let page = b.run("return document.body.innerText.slice(0, 3000)", json!([]));
    panic!(
        "{}: timed out waiting for {what}; the page says:\n{page}",
        b.name()
    );
}

/// Clicks the first element matching `css`.
pub fn click(b: &mut dyn Driver, css: &str) {
    let e = b.find(css);
    b.click_element(&e);
}

/// Presses keys (WebDriver key values) on whatever has the focus.
pub fn keys(b: &mut dyn Driver, actions: Vec<Value>) {
    b.perform(json!([{"type": "key", "id": "keyboard", "actions": actions}]));
}

/// Presses one key.
pub fn press(b: &mut dyn Driver, key: &str) {
    keys(
        b,
        vec![
            json!({"type": "keyDown", "value": key}),
            json!({"type": "keyUp", "value": key}),
        ],
    );
}

/// Types `text`, a key per character.
pub fn type_text(b: &mut dyn Driver, text: &str) {
    let mut actions = Vec::new();
    for c in text.chars() {
        actions.push(json!({"type": "keyDown", "value": c.to_string()}));
        actions.push(json!({"type": "keyUp", "value": c.to_string()}));
    }
    keys(b, actions);
}

/// Drags the element matching `from` onto the one matching `to` with the mouse (down,
/// moves in steps, up), holding `modifier` (a WebDriver key value) if given.
pub fn drag(b: &mut dyn Driver, from: &str, to: &str, modifier: Option<&str>) {
    let source = b.find(from);
    let target = b.find(to);
    let pointer = json!({"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
        {"type": "pointerMove", "origin": source, "x": 0, "y": 0, "duration": 0},
        {"type": "pointerDown", "button": 0},
        {"type": "pointerMove", "origin": "pointer", "x": 12, "y": 8, "duration": 50},
        {"type": "pointerMove", "origin": target, "x": 0, "y": 0, "duration": 150},
        {"type": "pointerMove", "origin": target, "x": 3, "y": 2, "duration": 50},
        {"type": "pointerUp", "button": 0}
    ]});
    let mut sources = vec![pointer];
    if let Some(key) = modifier {
        // Held from the first tick to the last: key down, pauses while the pointer moves, up.
        sources.push(json!({"type": "key", "id": "modifier", "actions": [
            {"type": "keyDown", "value": key},
            {"type": "pause"}, {"type": "pause"}, {"type": "pause"}, {"type": "pause"},
            {"type": "pause"},
            {"type": "keyUp", "value": key}
        ]}));
    }
    b.perform(Value::Array(sources));
}

/// Decodes standard base64 (the screenshots).
pub fn base64(s: &str) -> Vec<u8> {
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
