//! A headless Chromium driven over WebDriver through `chromedriver` (Debian's `chromium`
//! and `chromium-driver`), for the browser tests of any view. The same client as
//! `tests/browser.rs`, as a module a test file takes in with
//! `#[path = "common/chromium.rs"] mod chromium;` (after `mod common;`).
//!
//! Without chromium and chromedriver, [`Browser::start`] says so and gives `None`, unless
//! `THEMATIC_REQUIRE_BROWSER=1`, when it panics.

#![allow(dead_code, clippy::unwrap_used, clippy::print_stderr)]

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// Chromium and chromedriver, or `None` (with a message) when this machine lacks them.
pub fn tools() -> Option<(PathBuf, PathBuf)> {
    let pick = |var: &str, candidates: &[&str]| -> Option<PathBuf> {
        std::env::var_os(var)
            .map(PathBuf::from)
            .into_iter()
            .chain(candidates.iter().map(PathBuf::from))
            .find(|p| p.is_file())
    };
    let chromium = pick(
        "CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let driver = pick("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ if std::env::var("THEMATIC_REQUIRE_BROWSER").as_deref() == Ok("1") => panic!(
            "THEMATIC_REQUIRE_BROWSER=1 but chromium or chromedriver is missing: \
             apt-get install chromium chromium-driver"
        ),
        _ => {
            eprintln!(
                "skipped: the browser tests need chromium and chromedriver \
                 (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// A chromedriver of our own, and one browser session in it.
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn start() -> Option<Browser> {
        let (chromium, chromedriver) = tools()?;
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
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
            _profile: profile,
        };
        // Wait (bounded) for chromedriver to listen, and make sure it is chromedriver that
        // answers: the port was free a moment ago, but another test's server may take it.
        let mut ready = false;
        for _ in 0..300 {
            if std::net::TcpStream::connect(addr).is_ok() {
                let status = crate::common::send(addr, "GET", "/status", &[], None);
                ready = status.status == 200
                    && serde_json::from_slice::<Value>(&status.body)
                        .is_ok_and(|v| v["value"]["ready"] == json!(true));
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
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
            "--window-size=1400,1000",
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

    /// One WebDriver command; its `value`, or a panic with the driver's message.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let r = crate::common::send(
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

    pub fn at(&self, what: &str) -> String {
        format!("/session/{}/{what}", self.session)
    }

    pub fn go(&self, url: &str) {
        self.call("POST", &self.at("url"), Some(json!({ "url": url })));
    }

    pub fn run(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.at("execute/sync"),
            Some(json!({"script": script, "args": args})),
        )
    }

    pub fn run_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            &self.at("execute/async"),
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits (bounded) until `script` returns true.
    pub fn wait_for(&self, script: &str, what: &str) {
        for _ in 0..200 {
            if self.run(script, json!([])) == json!(true) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let page = self.run("return document.body.innerText", json!([]));
        panic!("timed out waiting for {what}; the page says:\n{page}");
    }

    pub fn click(&self, css: &str) {
        let found = self.call(
            "POST",
            &self.at("element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        let id = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string();
        self.call(
            "POST",
            &self.at(&format!("element/{id}/click")),
            Some(json!({})),
        );
    }

    /// Presses keys (WebDriver key values) on whatever has the focus.
    pub fn keys(&self, actions: Vec<Value>) {
        self.call(
            "POST",
            &self.at("actions"),
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    pub fn press(&self, key: &str) {
        self.keys(vec![
            json!({"type": "keyDown", "value": key}),
            json!({"type": "keyUp", "value": key}),
        ]);
    }

    pub fn screenshot(&self) -> Vec<u8> {
        let b64 = self.call("GET", &self.at("screenshot"), None);
        base64(b64.as_str().unwrap())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // `DELETE /session/{id}` (no trailing slash: chromedriver does not know that
            // path) closes Chromium; killing chromedriver alone would leave it running.
            let path = format!("/session/{}", self.session);
            let _ = crate::common::send(self.addr, "DELETE", &path, &[], None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
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
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// `target/serve-<view>.png`: in CARGO_TARGET_DIR, else the workspace's `target/`.
pub fn screenshot_path(view: &str) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("serve-{view}.png"))
}

/// Saves a screenshot of the page as `target/serve-<view>.png`.
pub fn save_screenshot(browser: &Browser, view: &str) {
    let png = browser.screenshot();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let path = screenshot_path(view);
    std::fs::write(&path, &png).unwrap();
    eprintln!("screenshot of the {view} view: {}", path.display());
}
