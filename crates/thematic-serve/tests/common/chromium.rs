//! A headless Chromium driven over W3C WebDriver through a `chromedriver` of its own
//! (Debian's `chromium` and `chromium-driver`): the one Chromium client of the browser
//! tests, used through [`Driver`].
//!
//! Without chromium and chromedriver, [`Browser::start`] says so and gives `None`, unless
//! `THEMATIC_REQUIRE_BROWSER=1`, when it panics.

#![allow(clippy::unwrap_used)]

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use super::driver::{Driver, base64, element_id, installed, missing};
use super::send;

/// A chromedriver of our own, and one Chromium session in it.
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts one with a 1400×1000 window, or `None` when this machine has no Chromium or
    /// chromedriver.
    pub fn start() -> Option<Browser> {
        Browser::start_sized(1400, 1000)
    }

    /// Starts one with a `width`×`height` window.
    pub fn start_sized(width: u32, height: u32) -> Option<Browser> {
        let chromium = installed(
            "CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let chromedriver = installed("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
            missing("chromium or chromedriver", "chromium chromium-driver");
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
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
            profile: tempfile::tempdir().unwrap(),
        };
        // Wait (bounded) for chromedriver to listen, and make sure it is chromedriver that
        // answers: the port was free a moment ago, but another test's server may take it.
        let mut ready = false;
        for _ in 0..300 {
            if std::net::TcpStream::connect(addr).is_ok() {
                let status = send(addr, "GET", "/status", &[], None);
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
            &format!("--window-size={width},{height}"),
            &format!("--user-data-dir={}", browser.profile.path().display()),
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
        let r = send(
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

    /// The path of `what` in this session.
    pub fn at(&self, what: &str) -> String {
        format!("/session/{}/{what}", self.session)
    }

    /// Runs `script` asynchronously: its value is what it passes to its last argument.
    pub fn run_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            &self.at("execute/async"),
            Some(json!({"script": script, "args": []})),
        )
    }
}

impl Driver for Browser {
    fn name(&self) -> &'static str {
        "Chromium"
    }

    fn go(&self, url: &str) {
        self.call("POST", &self.at("url"), Some(json!({ "url": url })));
    }

    fn run(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.at("execute/sync"),
            Some(json!({"script": script, "args": args})),
        )
    }

    fn find(&self, css: &str) -> Value {
        self.call(
            "POST",
            &self.at("element"),
            Some(json!({"using": "css selector", "value": css})),
        )
    }

    fn click_element(&self, element: &Value) {
        let id = element_id(element);
        self.call(
            "POST",
            &self.at(&format!("element/{id}/click")),
            Some(json!({})),
        );
    }

    fn send_keys(&self, element: &Value, text: &str) {
        let id = element_id(element);
        self.call(
            "POST",
            &self.at(&format!("element/{id}/value")),
            Some(json!({ "text": text })),
        );
    }

    fn perform(&self, sources: Value) {
        self.call(
            "POST",
            &self.at("actions"),
            Some(json!({ "actions": sources })),
        );
        let _ = send(self.addr, "DELETE", &self.at("actions"), &[], None);
    }

    fn screenshot(&self) -> Vec<u8> {
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
            let _ = send(self.addr, "DELETE", &path, &[], None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
