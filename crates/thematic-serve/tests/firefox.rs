//! End to end in a real headless Firefox (Debian's `firefox-esr`), driven over its own
//! Marionette protocol, so no geckodriver is needed: open the workspace with its token,
//! open a transcript, select a passage after an emoji with the DOM Range API and press a
//! digit, then select with Shift+arrow keys alone and press another; both codings must be
//! in `codings/KW.csv` at the exact code-point offsets. Also: the quote view shows a page,
//! its count, and the next page on "Show more".
//!
//! The client is `tests/common/firefox.rs`, the one every Firefox test uses.
//!
//! Without Firefox this test says so and passes, unless `THEMATIC_REQUIRE_BROWSER=1` (as CI
//! sets), when it fails.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use common::driver::{Driver, serial};
use common::firefox::Firefox;
use serde_json::json;
use thematic_serve::{Running, ServeOptions};

#[test]
fn in_firefox_a_selection_and_a_digit_code_a_passage() {
    let _serial = serial();
    let Some(ff) = Firefox::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    ff.go(&server.url());
    ff.wait_for(
        "return document.body.dataset.ready === '1'",
        "the transcripts list",
    );
    ff.run("location.hash = '#/t/P1'; return true;", json!([]));
    ff.wait_for(
        "return !!document.querySelector('.turn .text[data-n=\"2\"]')",
        "the reader",
    );

    // After 🎯 the page's UTF-16 offsets are one more than the code points stored.
    let words = "what they want to change";
    assert_eq!(ff.run(common::SELECT, json!([2, words])), json!(words));
    ff.press("1");
    let coding = common::wait_for_coding(&study, "KW", words);
    assert_eq!(coding.theme, "asking-questions");
    assert_eq!(
        (coding.start, coding.end),
        common::span(&study, "P1", 2, words)
    );

    // The reader redraws with the new coding before the keyboard is used.
    ff.wait_for(
        "return [...document.querySelectorAll('.turn[data-n=\"2\"] .chip')].length === 3",
        "the new coding's highlight",
    );

    // The keyboard alone: caret at the start of turn 4, Shift+→ twelve times, then 8.
    ff.run(common::CARET_AT_TURN_4, json!([]));
    ff.keys(common::shift_right(12));
    assert_eq!(
        ff.run("return window.getSelection().toString()", json!([])),
        json!("We celebrate")
    );
    ff.press("8");
    let coding = common::wait_for_coding(&study, "KW", "We celebrate");
    assert_eq!(coding.theme, "goal-orientation");
    assert_eq!(
        (coding.start, coding.end),
        common::span(&study, "P1", 4, "We celebrate")
    );
}

#[test]
fn in_firefox_the_quote_view_shows_a_page_and_more_on_demand() {
    let _serial = serial();
    let Some(ff) = Firefox::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    ff.go(&server.url());
    ff.wait_for(
        "return document.body.dataset.ready === '1'",
        "the transcripts list",
    );
    // KW has four quotes; three on a page leaves one for "Show more".
    ff.run(
        "location.hash = '#/quotes?limit=3'; return true;",
        json!([]),
    );
    ff.wait_for(
        "return document.querySelectorAll('table.quotes tbody tr').length === 3",
        "the first page of quotes",
    );
    assert_eq!(
        ff.run(
            "return document.querySelector('.count').textContent",
            json!([])
        ),
        json!("3 of 4 quotes")
    );
    ff.click("button.more");
    ff.wait_for(
        "return document.querySelectorAll('table.quotes tbody tr').length === 4",
        "the second page of quotes",
    );
    assert_eq!(
        ff.run(
            "return document.querySelector('.count').textContent",
            json!([])
        ),
        json!("4 quotes")
    );
    // Everything is shown, so the button has gone from the screen.
    assert_eq!(
        ff.run(
            "return document.querySelector('button.more').getClientRects().length",
            json!([])
        ),
        json!(0)
    );
}

#[test]
fn in_firefox_codes_are_made_while_coding_on_whole_words() {
    let _serial = serial();
    let Some(ff) = Firefox::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    ff.go(&format!("{}#/t/P1", server.url()));
    ff.wait_for(
        "return !!document.querySelector('.turn .text[data-n=\"4\"]')",
        "the reader",
    );
    // "ping my wo", inside "keeping my word", snaps to the whole words.
    assert_eq!(
        ff.run(common::SELECT, json!([4, "ping my wo"])),
        json!("ping my wo")
    );
    ff.run(
        "document.getElementById('filter').focus(); return true;",
        json!([]),
    );
    ff.type_text("Keeping promises");
    ff.press("\u{E007}"); // Enter: nothing matches, so the code is made and applied
    let coding = common::wait_for_coding(&study, "KW", "keeping my word");
    let book = study.codebook().unwrap();
    let code = book.get(&coding.theme).unwrap();
    assert_eq!(code.label, "Keeping promises");
    assert_eq!(code.parent.as_deref(), Some("unsorted"));

    // In vivo, with one key.
    ff.wait_for(
        "return !document.getElementById('filter').value",
        "the reader redrawn",
    );
    assert_eq!(
        ff.run(common::SELECT, json!([6, "gardening gives them a purpose"])),
        json!("gardening gives them a purpose")
    );
    ff.run(
        "document.querySelector('.turn .text[data-n=\"6\"]').focus(); return true;",
        json!([]),
    );
    ff.press("v");
    let coding = common::wait_for_coding(&study, "KW", "gardening gives them a purpose");
    let book = study.codebook().unwrap();
    assert_eq!(
        book.get(&coding.theme).unwrap().label,
        "gardening gives them a purpose"
    );
}

#[test]
fn in_firefox_remove_then_undo_and_redo_with_the_keyboard() {
    let _serial = serial();
    let Some(ff) = Firefox::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    ff.go(&format!("{}#/t/P1", server.url()));
    ff.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 1",
        "the reader",
    );
    let kw = |s: &thematic_study::Study| {
        thematic_study::CodingsFile::read(&s.codings_path("KW").unwrap())
            .unwrap()
            .codings
    };
    let gone = kw(&study).into_iter().find(|c| c.turn == 4).unwrap();
    ff.click(".turn[data-n=\"4\"] .chip button[aria-label^=\"Remove\"]");
    ff.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 0 \
         && !!document.querySelector('#status button')",
        "the removal and its Undo",
    );
    assert!(!kw(&study).contains(&gone));
    // Ctrl+Z brings it back; Ctrl+Shift+Z removes it again.
    ff.keys(common::chord(&["\u{E009}", "z"]));
    ff.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 1",
        "the undo",
    );
    assert!(kw(&study).contains(&gone), "the same coding, every field");
    ff.keys(common::chord(&["\u{E009}", "\u{E008}", "Z"]));
    ff.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 0",
        "the redo",
    );
    assert!(!kw(&study).contains(&gone));
}

#[test]
fn in_firefox_a_codes_page_lists_its_extracts_and_renames_it() {
    let _serial = serial();
    let Some(ff) = Firefox::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    ff.go(&format!("{}#/code/goal-orientation", server.url()));
    // KW coded goal-orientation in P1 turn 2 and P2 turn 2.
    ff.wait_for(
        "return document.querySelectorAll('ol.extracts li.extract').length === 2",
        "the code's two extracts",
    );
    assert_eq!(
        ff.run(
            "return document.querySelector('p.count').textContent",
            json!([])
        ),
        json!("2 extracts of yours")
    );
    ff.run(
        "document.querySelector('.refine-panel').open = true; \
         document.querySelector('form.refine [name=label]').value = 'Goals set together'; \
         return true;",
        json!([]),
    );
    ff.click("form.refine button[type=submit]");
    ff.wait_for(
        "return document.querySelector('h1').textContent.includes('Goals set together')",
        "the page with its new name",
    );
    assert_eq!(
        study
            .codebook()
            .unwrap()
            .get("goal-orientation")
            .unwrap()
            .label,
        "Goals set together"
    );
}
