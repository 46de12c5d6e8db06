//! What every browser test asks of a browser, behind one trait, so a scenario can run in
//! both clients: headless Chromium through chromedriver ([`super::chromium::Browser`], W3C
//! WebDriver over HTTP) and headless Firefox ESR through its own Marionette protocol
//! ([`super::firefox::Firefox`], length-prefixed JSON over TCP; Debian packages no
//! geckodriver). Both speak the same WebDriver commands, pointer and key actions included,
//! so a key press or a drag is the same list of actions in either.
//!
//! Each client implements the few commands that differ ([`Driver::go`], [`Driver::run`],
//! [`Driver::find`], …); what is built from them (waiting, clicking, typing, dragging,
//! screenshots) is written once here.
//!
//! Without a browser, its `start` says so and gives `None`, unless
//! `THEMATIC_REQUIRE_BROWSER=1` (as CI sets), when it panics.

#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

/// How many times [`Driver::wait_for`] checks, 50 ms apart: 10 s.
pub const POLLS: u32 = 200;

/// What a test needs of a browser. Every method panics with the browser's message when a
/// command fails: a test that cannot drive its browser has failed.
pub trait Driver {
    /// Which browser, for messages: "Chromium" or "Firefox".
    fn name(&self) -> &'static str;
    /// Opens `url`.
    fn go(&self, url: &str);
    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    fn run(&self, script: &str, args: Value) -> Value;
    /// The first element matching `css`, as a WebDriver element reference.
    fn find(&self, css: &str) -> Value;
    /// Clicks an element as a mouse does.
    fn click_element(&self, element: &Value);
    /// Types `text` into an element as a keyboard does (WebDriver's Element Send Keys).
    fn send_keys(&self, element: &Value, text: &str);
    /// Performs WebDriver input sources' actions, then releases whatever they hold.
    fn perform(&self, sources: Value);
    /// A PNG of the viewport.
    fn screenshot(&self) -> Vec<u8>;

    /// Waits (bounded: [`POLLS`] checks) until `script` returns true.
    fn wait_for(&self, script: &str, what: &str) {
        self.wait_for_up_to(POLLS, script, what);
    }

    /// Waits until `script` returns true, checking up to `polls` times 50 ms apart; panics
    /// with (the start of) the page's text if it never does.
    fn wait_for_up_to(&self, polls: u32, script: &str, what: &str) {
        for _ in 0..polls {
            if self.run(script, json!([])) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let page = self.run("return document.body.innerText.slice(0, 3000)", json!([]));
        panic!(
            "{}: timed out waiting for {what}; the page says:\n{page}",
            self.name()
        );
    }

    /// Clicks the first element matching `css`, as a mouse does.
    fn click(&self, css: &str) {
        let element = self.find(css);
        self.click_element(&element);
    }

    /// Types `text` into the first element matching `css`, as a keyboard does.
    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.send_keys(&element, text);
    }

    /// Presses keys (WebDriver key actions) on whatever has the focus.
    fn keys(&self, actions: Vec<Value>) {
        self.perform(json!([{"type": "key", "id": "keyboard", "actions": actions}]));
    }

    /// Presses one key (a character or a WebDriver key value such as `"\u{E007}"`, Enter).
    fn press(&self, key: &str) {
        self.keys(vec![
            json!({"type": "keyDown", "value": key}),
            json!({"type": "keyUp", "value": key}),
        ]);
    }

    /// Types `text` into whatever has the focus, a key per character.
    fn type_text(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.keys(actions);
    }

    /// Drags the element matching `from` onto the one matching `to` with the mouse (down,
    /// moves in steps, up), holding `modifier` (a WebDriver key value) if given.
    fn drag(&self, from: &str, to: &str, modifier: Option<&str>) {
        let source = self.find(from);
        let target = self.find(to);
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
            // Held from the first tick to the last: key down, pauses while the pointer
            // moves, up.
            sources.push(json!({"type": "key", "id": "modifier", "actions": [
                {"type": "keyDown", "value": key},
                {"type": "pause"}, {"type": "pause"}, {"type": "pause"}, {"type": "pause"},
                {"type": "pause"},
                {"type": "keyUp", "value": key}
            ]}));
        }
        self.perform(Value::Array(sources));
    }

    /// Saves a screenshot of the page as `target/serve-<view>.png`.
    fn save_screenshot(&self, view: &str) {
        let png = self.screenshot();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", self.name());
        let path = screenshot_path(view);
        std::fs::write(&path, &png).unwrap();
        eprintln!("screenshot of the {view} view: {}", path.display());
    }
}

/// The browser tests of one test binary run one at a time: each picks a free port for its
/// chromedriver, which another test's server could otherwise take in between, and two
/// browsers at once are slow on a small machine.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The first file that exists of the path in `var` and the `candidates`.
pub fn installed(var: &str, candidates: &[&str]) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|p| p.is_file())
}

/// Says that `what` is missing and the test is skipped, or panics when
/// `THEMATIC_REQUIRE_BROWSER=1`; `install` names the Debian packages to install.
pub fn missing(what: &str, install: &str) {
    assert!(
        std::env::var("THEMATIC_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "THEMATIC_REQUIRE_BROWSER=1 but {what} is missing: apt-get install {install}"
    );
    eprintln!("skipped: this test needs {what} (apt-get install {install})");
}

/// The id in a WebDriver element reference (`{"element-6066-…": id}`).
pub fn element_id(found: &Value) -> String {
    found
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("not an element reference: {found}"))
        .to_string()
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

/// `target/serve-<view>.png`: in CARGO_TARGET_DIR, else the workspace's `target/`.
pub fn screenshot_path(view: &str) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("serve-{view}.png"))
}
