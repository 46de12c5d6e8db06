//! The review view in real browsers: headless Chromium through `chromedriver` and headless
//! Firefox over its Marionette protocol (the clients of `tests/common/`), driven by one
//! scenario: open a theme's review, star an extract from the later transcript and see
//! it first after a reload, add a review note, save a central organising concept, and be
//! refused "Mark as defined" while a code is shared, each checked in the study's files.
//! A screenshot of the review is saved as `target/serve-review.png` (Chromium).
//!
//! Without the browsers these tests say so and pass, unless `THEMATIC_REQUIRE_BROWSER=1`.

use std::time::Duration;

use serde_json::{Value, json};
use thematic_codebook::Placement;
use thematic_serve::{Running, ServeOptions};

use crate::chromium::Browser;
use crate::common;
use crate::firefox::Firefox;

/// What the scenario needs of a browser: the shared clients of `tests/common/`, with
/// typing into a field.
trait Driver {
    fn go(&mut self, url: &str);
    fn run(&mut self, script: &str, args: Value) -> Value;
    /// Clicks the first element matching `css`, as a mouse does.
    fn click(&mut self, css: &str);
    /// Types `text` into the first element matching `css`, as a keyboard does.
    fn type_into(&mut self, css: &str, text: &str);
    /// Saves a screenshot as `target/serve-<view>.png`, where the browser can take one.
    fn save_screenshot(&mut self, view: &str);

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

/// The element id of the first element matching `css`, from a WebDriver answer.
fn element_id(found: &Value) -> String {
    found
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .unwrap()
        .to_string()
}

impl Driver for Browser {
    fn go(&mut self, url: &str) {
        Browser::go(self, url);
    }

    fn run(&mut self, script: &str, args: Value) -> Value {
        Browser::run(self, script, args)
    }

    fn click(&mut self, css: &str) {
        Browser::click(self, css);
    }

    fn type_into(&mut self, css: &str, text: &str) {
        let found = self.call(
            "POST",
            &self.at("element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        let id = element_id(&found);
        self.call(
            "POST",
            &self.at(&format!("element/{id}/value")),
            Some(json!({ "text": text })),
        );
    }

    fn save_screenshot(&mut self, view: &str) {
        crate::chromium::save_screenshot(self, view);
    }
}

impl Driver for Firefox {
    fn go(&mut self, url: &str) {
        self.call("WebDriver:Navigate", json!({ "url": url }));
    }

    fn run(&mut self, script: &str, args: Value) -> Value {
        Firefox::run(self, script, args)
    }

    fn click(&mut self, css: &str) {
        Firefox::click(self, css);
    }

    fn type_into(&mut self, css: &str, text: &str) {
        let found = self.call(
            "WebDriver:FindElement",
            json!({"using": "css selector", "value": css}),
        );
        let id = element_id(&found["value"]);
        self.call(
            "WebDriver:ElementSendKeys",
            json!({ "id": id, "text": text }),
        );
    }

    fn save_screenshot(&mut self, _view: &str) {}
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
    b.save_screenshot("review");

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
    let Some(mut b) = Browser::start() else {
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
