//! A headless Firefox (Debian's `firefox-esr`) driven over its own Marionette protocol, so
//! no geckodriver is needed: the one Firefox client of the browser tests, used through
//! [`Driver`].
//!
//! Marionette is Firefox's remote protocol: length-prefixed JSON messages
//! (`len:[0, id, "WebDriver:Command", {…}]`, answered by `len:[1, id, error, result]`). A
//! client is a few lines; the WebDriver crates would bring an async stack and geckodriver,
//! which Debian does not package.
//!
//! Without Firefox, [`Firefox::start`] says so and gives `None`, unless
//! `THEMATIC_REQUIRE_BROWSER=1`, when it panics.

#![allow(clippy::unwrap_used)]

use std::cell::{Cell, RefCell};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::driver::{Driver, base64, element_id, installed, missing};

/// A headless Firefox with a fresh profile, and a Marionette session in it.
pub struct Firefox {
    child: Child,
    stream: RefCell<BufReader<TcpStream>>,
    next: Cell<u64>,
    _profile: tempfile::TempDir,
}

impl Firefox {
    /// Starts one with a 1400×1000 window, or `None` when this machine has no Firefox.
    pub fn start() -> Option<Firefox> {
        Firefox::start_sized(1400, 1000)
    }

    /// Starts one with a `width`×`height` window.
    pub fn start_sized(width: u32, height: u32) -> Option<Firefox> {
        let Some(binary) = installed("FIREFOX", &["/usr/bin/firefox-esr", "/usr/bin/firefox"])
        else {
            missing("Firefox", "firefox-esr");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        // Port 0: Firefox picks a free port and writes it into the profile.
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
        let ff = Firefox {
            child,
            stream: RefCell::new(BufReader::new(stream)),
            next: Cell::new(1),
            _profile: profile,
        };
        let hello = receive(&mut ff.stream.borrow_mut());
        assert_eq!(hello["applicationType"], json!("gecko"), "{hello}");
        ff.call("WebDriver:NewSession", json!({"capabilities": {}}));
        ff.call(
            "WebDriver:SetWindowRect",
            json!({"width": width, "height": height}),
        );
        Some(ff)
    }

    /// One command; its result, or a panic with Firefox's error.
    pub fn call(&self, command: &str, params: Value) -> Value {
        let id = self.send(command, params).unwrap();
        let reply = receive(&mut self.stream.borrow_mut());
        assert_eq!(reply[1], json!(id), "{reply}");
        assert!(reply[2].is_null(), "{command}: {}", reply[2]);
        reply[3].clone()
    }

    /// Sends one command without waiting for its answer; its message id.
    fn send(&self, command: &str, params: Value) -> std::io::Result<u64> {
        let id = self.next.get();
        self.next.set(id + 1);
        let msg = json!([0, id, command, params]).to_string();
        self.stream
            .borrow_mut()
            .get_mut()
            .write_all(format!("{}:{msg}", msg.len()).as_bytes())?;
        Ok(id)
    }
}

/// One Marionette message: its length, a colon, that many bytes of JSON.
fn receive(stream: &mut BufReader<TcpStream>) -> Value {
    let mut len = Vec::new();
    stream.read_until(b':', &mut len).unwrap();
    len.pop();
    let n: usize = String::from_utf8(len).unwrap().trim().parse().unwrap();
    let mut body = vec![0u8; n];
    stream.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

impl Driver for Firefox {
    fn name(&self) -> &'static str {
        "Firefox"
    }

    fn go(&self, url: &str) {
        self.call("WebDriver:Navigate", json!({ "url": url }));
    }

    fn run(&self, script: &str, args: Value) -> Value {
        self.call(
            "WebDriver:ExecuteScript",
            json!({"script": script, "args": args}),
        )["value"]
            .clone()
    }

    fn find(&self, css: &str) -> Value {
        self.call(
            "WebDriver:FindElement",
            json!({"using": "css selector", "value": css}),
        )["value"]
            .clone()
    }

    fn click_element(&self, element: &Value) {
        let id = element_id(element);
        self.call("WebDriver:ElementClick", json!({ "id": id }));
    }

    fn send_keys(&self, element: &Value, text: &str) {
        let id = element_id(element);
        self.call(
            "WebDriver:ElementSendKeys",
            json!({ "id": id, "text": text }),
        );
    }

    fn perform(&self, sources: Value) {
        self.call("WebDriver:PerformActions", json!({ "actions": sources }));
        self.call("WebDriver:ReleaseActions", json!({}));
    }

    fn screenshot(&self) -> Vec<u8> {
        let b64 = self.call("WebDriver:TakeScreenshot", json!({}))["value"].clone();
        base64(b64.as_str().unwrap())
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        // End the session (without waiting for the answer), then Firefox itself.
        let _ = self.send("WebDriver:DeleteSession", json!({}));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
