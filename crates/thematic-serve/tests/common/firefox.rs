//! A headless Firefox (Debian's `firefox-esr`) driven over its own Marionette protocol (no
//! geckodriver), for the browser tests of any view. The same client as `tests/firefox.rs`,
//! as a module a test file takes in with `#[path = "common/firefox.rs"] mod firefox;`.
//!
//! Marionette is Firefox's remote protocol: length-prefixed JSON messages
//! (`len:[0, id, "WebDriver:Command", {…}]`, answered by `len:[1, id, error, result]`).
//! Without Firefox, [`Firefox::start`] says so and gives `None`, unless
//! `THEMATIC_REQUIRE_BROWSER=1`, when it panics.

#![allow(dead_code, clippy::unwrap_used, clippy::print_stderr)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub fn firefox() -> Option<PathBuf> {
    let found = std::env::var_os("FIREFOX")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/firefox-esr", "/usr/bin/firefox"].map(PathBuf::from))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("THEMATIC_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "THEMATIC_REQUIRE_BROWSER=1 but Firefox is missing: apt-get install firefox-esr"
        );
        eprintln!("skipped: the Firefox test needs firefox-esr (apt-get install firefox-esr)");
    }
    found
}

/// A headless Firefox with a fresh profile, and a Marionette session in it.
pub struct Firefox {
    child: Child,
    stream: BufReader<TcpStream>,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Firefox {
    pub fn start() -> Option<Firefox> {
        let binary = firefox()?;
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

    pub fn receive(&mut self) -> Value {
        let mut len = Vec::new();
        self.stream.read_until(b':', &mut len).unwrap();
        len.pop();
        let n: usize = String::from_utf8(len).unwrap().trim().parse().unwrap();
        let mut body = vec![0u8; n];
        self.stream.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// One command; its result, or a panic with Firefox's error.
    pub fn call(&mut self, command: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        let msg = json!([0, id, command, params]).to_string();
        let stream = self.stream.get_mut();
        stream
            .write_all(format!("{}:{msg}", msg.len()).as_bytes())
            .unwrap();
        let reply = self.receive();
        assert_eq!(reply[1], json!(id), "{reply}");
        assert!(reply[2].is_null(), "{command}: {}", reply[2]);
        reply[3].clone()
    }

    pub fn run(&mut self, script: &str, args: Value) -> Value {
        self.call(
            "WebDriver:ExecuteScript",
            json!({"script": script, "args": args}),
        )["value"]
            .clone()
    }

    pub fn wait_for(&mut self, script: &str, what: &str) {
        for _ in 0..200 {
            if self.run(script, json!([])) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let page = self.run("return document.body.innerText", json!([]));
        panic!("timed out waiting for {what}; the page says:\n{page}");
    }

    /// Clicks the first element matching `css`, as a mouse does.
    pub fn click(&mut self, css: &str) {
        let found = self.call(
            "WebDriver:FindElement",
            json!({"using": "css selector", "value": css}),
        );
        let id = found["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string();
        self.call("WebDriver:ElementClick", json!({ "id": id }));
    }

    pub fn keys(&mut self, actions: Vec<Value>) {
        self.call(
            "WebDriver:PerformActions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
        self.call("WebDriver:ReleaseActions", json!({}));
    }

    pub fn press(&mut self, key: &str) {
        self.keys(vec![
            json!({"type": "keyDown", "value": key}),
            json!({"type": "keyUp", "value": key}),
        ]);
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
