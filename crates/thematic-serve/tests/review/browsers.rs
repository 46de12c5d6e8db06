//! The review view in real browsers: headless Chromium through `chromedriver` and headless
//! Firefox over its Marionette protocol (the clients of `tests/common/`), driven by one
//! scenario: open a theme's review, star an extract from the later transcript and see
//! it first after a reload, add a review note, save a central organising concept, and be
//! refused "Mark as defined" while a code is shared, each checked in the study's files.
//! A screenshot of the review is saved as `target/serve-review.png` (Chromium).
//!
//! Without the browsers these tests say so and pass, unless `THEMATIC_REQUIRE_BROWSER=1`.

use std::time::Duration;

use serde_json::json;
use thematic_codebook::Entry;
use thematic_serve::{Running, ServeOptions};
use thematic_study::Study;

use crate::common;
use crate::common::chromium::Browser;
use crate::common::driver::{Driver, serial};
use crate::common::firefox::Firefox;

/// Waits until `script` returns true, checking 300 times 50 ms apart: 15 s (the other
/// browser tests wait 10 s).
fn wait(b: &dyn Driver, script: &str, what: &str) {
    b.wait_for_up_to(300, script, what);
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
fn review_scenario(b: &dyn Driver, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    b.go(&server.url());
    wait(
        b,
        "return document.body.dataset.ready === '1'",
        "the workspace",
    );
    b.run(
        "location.hash = '#/review/the-approach'; return true;",
        json!([]),
    );
    wait(
        b,
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
    wait(
        b,
        "return document.querySelector('[data-test=target] button.star').getAttribute('aria-pressed') === 'true'",
        "the star pressed",
    );
    wait(
        b,
        "return document.getElementById('starred-list').textContent.includes('(1)')",
        "the starred list",
    );
    // After a reload it comes first.
    b.run(
        "document.body.dataset.ready = ''; location.reload(); return true;",
        json!([]),
    );
    wait(
        b,
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
    wait(
        b,
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
    assert_eq!(
        the_approach_once(&study, |e| e.concept.as_deref() == Some(concept)).concept,
        Some(concept.to_string()),
        "{name}: the concept in the codebook"
    );
    wait(
        b,
        &format!(
            "return !!document.querySelector('p.concept') && document.querySelector('p.concept').textContent.includes({})",
            json!(concept)
        ),
        "the concept shown",
    );
    if b.name() == "Chromium" {
        b.save_screenshot("review");
    }

    // Shared: "Mark as defined" is refused with the editor's reason, nothing written.
    crate::also_in_patients_role(&study, "what-matters");
    b.run(
        "document.body.dataset.ready = ''; location.reload(); return true;",
        json!([]),
    );
    wait(
        b,
        "return document.body.dataset.ready === '1' && !!document.querySelector('.define .status-line button')",
        "the define section",
    );
    let book = std::fs::read_to_string(study.codebook_path()).unwrap();
    b.click(".define .status-line button");
    wait(
        b,
        "const r = document.querySelector('.define .refusal'); return !!r && !r.hidden && r.textContent.includes('put each in one theme first');",
        "the refusal",
    );
    assert_eq!(
        std::fs::read_to_string(study.codebook_path()).unwrap(),
        book
    );
    // Keep it here only, then define.
    b.click(".shared button");
    wait(
        b,
        "return document.body.innerText.includes('None: each code sits in this theme alone.')",
        "the shared code resolved",
    );
    b.click(".define .status-line button");
    assert!(the_approach_once(&study, |e| e.defined).defined, "{name}");

    // A theme at the top has no path above it, and nothing stands in its place.
    b.run(
        "location.hash = '#/review/solution-focused-strengths-based'; return true;",
        json!([]),
    );
    wait(
        b,
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

/// The codebook's entry for the-approach once `done` holds of it (or as it is after 10 s).
fn the_approach_once(study: &Study, done: impl Fn(&Entry) -> bool) -> Entry {
    let entry = || {
        study
            .codebook()
            .unwrap()
            .get("the-approach")
            .unwrap()
            .clone()
    };
    for _ in 0..200 {
        let e = entry();
        if done(&e) {
            return e;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    entry()
}

/// The id of KW's coding of `words`.
fn f_coding(study: &Study, words: &str) -> String {
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
    let Some(b) = Browser::start() else {
        return;
    };
    review_scenario(&b, "chromium");
}

#[test]
fn in_firefox_a_theme_is_reviewed_starred_noted_and_defined() {
    let _serial = serial();
    let Some(b) = Firefox::start() else {
        return;
    };
    review_scenario(&b, "firefox");
}
