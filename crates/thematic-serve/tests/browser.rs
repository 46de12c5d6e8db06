//! End to end in a real headless Chromium, driven over the WebDriver protocol through
//! `chromedriver` (Debian's `chromium` and `chromium-driver`): open the workspace with its
//! token, open a transcript, select a passage (after an emoji, so UTF-16 and code points
//! differ), press a digit to code it, and find the coding in `codings/<coder>.csv`; then
//! the same with a selection made by Shift+arrow keys alone. Also: without the token the
//! browser is refused; the quote view and search show a page, a count and "Show more",
//! and the quote view's filters ask the server again; compare counts the disagreements
//! elsewhere from the server's counts. Screenshots of the reader, the quote view and a
//! search are saved as `target/serve-reader.png`, `serve-quotes.png` and `serve-search.png`.
//!
//! Without chromium and chromedriver these tests say so and pass, unless
//! `THEMATIC_REQUIRE_BROWSER=1` (as CI sets), when they fail.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use common::chromium::Browser;
use common::driver::{Driver, serial};
use serde_json::json;
use thematic_serve::{Running, ServeOptions};

/// A browser on a fresh test study, the workspace open with its token and ready.
fn open_workspace() -> Option<(Browser, tempfile::TempDir, Running)> {
    let browser = Browser::start()?;
    let dir = tempfile::tempdir().unwrap();
    common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    browser.go(&server.url());
    browser.wait_for(
        "return document.body.dataset.ready === '1'",
        "the transcripts list",
    );
    Some((browser, dir, server))
}

/// A browser on a fresh test study (see [`common::study`]), at `hash` of the workspace;
/// the folder and the server live as long as the returned values.
fn open_at(hash: &str) -> Option<(Browser, tempfile::TempDir, thematic_study::Study, Running)> {
    let browser = Browser::start()?;
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    browser.go(&format!("{}{hash}", server.url()));
    Some((browser, dir, study, server))
}

#[test]
fn without_the_token_the_browser_is_refused() {
    let _serial = serial();
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    browser.go(&format!("http://{}/", server.addr()));
    let text = browser.run("return document.body.innerText", json!([]));
    assert!(text.as_str().unwrap().contains("needs its token"), "{text}");
    let app = browser.run(
        "return !!document.querySelector('script[src=\"/app.js\"]')",
        json!([]),
    );
    assert_eq!(app, json!(false));
    let status = browser.run_async(
        "const done = arguments[arguments.length - 1]; fetch('/api/transcripts').then(r => done(r.status));",
    );
    assert_eq!(status, json!(401));
    let wrong = browser.run_async(
        "const done = arguments[arguments.length - 1]; fetch('/api/study?token=nope').then(r => done(r.status));",
    );
    assert_eq!(wrong, json!(403));
}

#[test]
fn select_a_passage_and_press_a_digit_to_code_it() {
    let _serial = serial();
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    browser.go(&server.url());
    browser.wait_for(
        "return document.body.dataset.ready === '1'",
        "the transcripts list",
    );
    // The token has moved from the address bar into the cookie.
    let url = browser.run("return location.href", json!([]));
    assert!(!url.as_str().unwrap().contains("token"), "{url}");

    browser.click("a[href=\"#/t/P1\"]");
    browser.wait_for(
        "return !!document.querySelector('.turn .text[data-n=\"2\"]')",
        "the reader",
    );

    // A passage after 🎯: its UTF-16 offsets in the page are one more than its code points.
    let words = "what they want to change";
    let selected = browser.run(common::SELECT, json!([2, words]));
    assert_eq!(selected, json!(words));
    browser.press("1"); // the first codable theme: asking-questions
    let coding = common::wait_for_coding(&study, "KW", words);
    assert_eq!(coding.theme, "asking-questions");
    assert_eq!(
        (coding.start, coding.end),
        common::span(&study, "P1", 2, words)
    );
    assert_eq!(coding.turn, 2);
    browser.wait_for(
        "return [...document.querySelectorAll('.turn[data-n=\"2\"] .chip')].length === 3",
        "the new coding's highlight",
    );

    // The keyboard alone: focus turn 4, caret at its start, Shift+→ twelve times, then 8.
    browser.run(common::CARET_AT_TURN_4, json!([]));
    browser.keys(common::shift_right(12));
    let selected = browser.run("return window.getSelection().toString()", json!([]));
    assert_eq!(selected, json!("We celebrate"));
    browser.press("8"); // goal-orientation
    let coding = common::wait_for_coding(&study, "KW", "We celebrate");
    assert_eq!(coding.theme, "goal-orientation");
    assert_eq!(
        (coding.start, coding.end),
        common::span(&study, "P1", 4, "We celebrate")
    );

    // Nothing was typed into the transcript by those keys.
    let text = browser.run(
        "return document.querySelector('.turn .text[data-n=\"4\"]').textContent",
        json!([]),
    );
    assert!(
        text.as_str()
            .unwrap()
            .starts_with("We celebrate each step 😊 together")
    );

    // The reader as a coder sees it: a selection pending, the codebook open on a theme.
    browser.wait_for(
        "return [...document.querySelectorAll('.turn[data-n=\"4\"] .chip')].length === 2",
        "the keyboard coding's highlight",
    );
    let selected = browser.run(
        common::SELECT,
        json!([6, "Walking groups help people feel they belong"]),
    );
    assert_eq!(
        selected,
        json!("Walking groups help people feel they belong")
    );
    browser.run(
        "document.querySelector('#palette [data-theme=\"what-matters\"]').dispatchEvent(new MouseEvent('mouseenter')); window.scrollTo(0, 0); return true;",
        json!([]),
    );
    browser.wait_for(
        "return document.getElementById('codebook').textContent.includes('When to use')",
        "the codebook card",
    );
    browser.save_screenshot("reader");
}

/// The text of the first element matching `css` (trimmed), or "" when there is none.
const TEXT_OF: &str =
    "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '';";

/// The `data-theme` and `data-participant` of every row of the quote table.
const QUOTE_ROWS: &str = "return [...document.querySelectorAll('table.quotes tbody tr')]\
    .map(r => [r.dataset.theme, r.dataset.participant]);";

/// Whether the "Show more" button is on the screen (not only whether it has `hidden`).
const MORE_SHOWN: &str = "const b = document.querySelector('button.more'); \
    return !!b && getComputedStyle(b).display !== 'none' && b.getClientRects().length > 0;";

/// Chooses `value` in the select named `name`, as a person does (a `change` event).
const CHOOSE: &str = "const s = document.querySelector('select[name=\"' + arguments[0] + '\"]'); \
    s.value = arguments[1]; s.dispatchEvent(new Event('change')); return s.value;";

#[test]
fn the_quote_view_shows_a_page_at_a_time_and_filters_on_the_server() {
    let _serial = serial();
    let Some((browser, _dir, _server)) = open_workspace() else {
        return;
    };
    // KW has four quotes: what-matters and goal-orientation in P1 (under the-approach),
    // therapeutic-alliance in P1 (under splw-role), goal-orientation in P2.
    browser.run(
        "location.hash = '#/quotes?limit=2'; return true;",
        json!([]),
    );
    browser.wait_for(
        "return document.querySelectorAll('table.quotes tbody tr').length === 2",
        "the first page of quotes",
    );
    let count = |b: &Browser| b.run(TEXT_OF, json!([".count"]));
    assert_eq!(count(&browser), json!("2 of 4 quotes"));
    assert_eq!(browser.run(MORE_SHOWN, json!([])), json!(true));
    // The downloads are the whole table, whatever the page shows.
    let csv = browser.run(
        "return document.querySelector('.downloads a[data-format=\"csv\"]').getAttribute('href')",
        json!([]),
    );
    assert_eq!(csv, json!("/api/quotes?format=csv&coder=KW"));

    // "Show more" appends the next page; with all four shown it goes away.
    let first = browser.run(QUOTE_ROWS, json!([]));
    browser.click("button.more");
    browser.wait_for(
        "return document.querySelectorAll('table.quotes tbody tr').length === 4",
        "the second page of quotes",
    );
    assert_eq!(count(&browser), json!("4 quotes"));
    let all = browser.run(QUOTE_ROWS, json!([]));
    assert_eq!(all.as_array().unwrap()[..2], first.as_array().unwrap()[..]);
    assert_eq!(browser.run(MORE_SHOWN, json!([])), json!(false));

    // A group narrows the quotes to the themes under it, asked of the server a page at a
    // time; the address keeps the filter and the page size.
    browser.run(CHOOSE, json!(["theme", "the-approach"]));
    browser.wait_for(
        "return document.querySelector('.count') && document.querySelector('.count').textContent.startsWith('2 of 3 quotes')",
        "the quotes under the-approach",
    );
    let hash = browser.run("return location.hash", json!([]));
    let hash = hash.as_str().unwrap();
    assert!(
        hash.contains("theme=the-approach") && hash.contains("limit=2"),
        "{hash}"
    );
    browser.click("button.more");
    browser.wait_for(
        "return document.querySelectorAll('table.quotes tbody tr').length === 3",
        "the rest of the quotes under the-approach",
    );
    let rows = browser.run(QUOTE_ROWS, json!([]));
    let themes: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    assert!(
        themes
            .iter()
            .all(|t| ["what-matters", "goal-orientation"].contains(t)),
        "{themes:?}"
    );

    // A participant as well: only P2's goal-orientation quote is left.
    browser.run(
        "document.querySelector('input[name=\"participant\"]').value = 'P2'; return true;",
        json!([]),
    );
    browser.click(".filters button[type=\"submit\"]");
    browser.wait_for(
        "return document.querySelector('.count') && document.querySelector('.count').textContent.startsWith('1 quote ')",
        "the quotes of P2",
    );
    let rows = browser.run(QUOTE_ROWS, json!([]));
    assert_eq!(rows, json!([["goal-orientation", "P2"]]));
    assert_eq!(browser.run(MORE_SHOWN, json!([])), json!(false));
    browser.save_screenshot("quotes");
}

#[test]
fn search_shows_a_page_of_hits_and_more_on_demand() {
    let _serial = serial();
    let Some((browser, _dir, _server)) = open_workspace() else {
        return;
    };
    // "goals" is in P1's turn 2 and P2's turn 2.
    browser.run(
        "location.hash = '#/search?q=goals&limit=1'; return true;",
        json!([]),
    );
    browser.wait_for(
        "return document.querySelectorAll('.results li').length === 1",
        "the first hit",
    );
    assert_eq!(
        browser.run(TEXT_OF, json!(["#status"])),
        json!("2 matching turns, 1 shown")
    );
    assert_eq!(browser.run(MORE_SHOWN, json!([])), json!(true));
    browser.click("button.more");
    browser.wait_for(
        "return document.querySelectorAll('.results li').length === 2",
        "the second hit",
    );
    assert_eq!(
        browser.run(TEXT_OF, json!(["#status"])),
        json!("2 matching turns")
    );
    assert_eq!(browser.run(MORE_SHOWN, json!([])), json!(false));
    let places = browser.run(
        "return [...document.querySelectorAll('.results li > a')].map(a => a.textContent)",
        json!([]),
    );
    let mut sorted: Vec<&str> = places
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    sorted.sort_unstable();
    assert_eq!(sorted, ["P1 #2", "P2 #2"]);
    // The focus moved to the hit that was added, for whoever reads with the keyboard.
    let focused = browser.run(
        "return document.activeElement ? document.activeElement.textContent : ''",
        json!([]),
    );
    assert_eq!(focused, places[1]);
    browser.save_screenshot("search");
}

#[test]
fn compare_lists_this_transcripts_disagreements_and_counts_the_others() {
    let _serial = serial();
    let Some((browser, _dir, _server)) = open_workspace() else {
        return;
    };
    browser.run(
        "location.hash = '#/compare?t=P1&a=KW&b=CG'; return true;",
        json!([]),
    );
    browser.wait_for(
        "return [...document.querySelectorAll('h2')].some(h => h.textContent.startsWith('Disagreements in P1'))",
        "the disagreements of P1",
    );
    let links = browser.run(
        "return [...document.querySelectorAll('main p.elsewhere a')].map(a => a.textContent)",
        json!([]),
    );
    let links = links.as_array().unwrap();
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(links[0].as_str().unwrap().starts_with("P2 ("), "{links:?}");
    let listed = browser.run(
        "return document.querySelectorAll('main h2 + ul > li').length",
        json!([]),
    );
    assert!(listed.as_u64().unwrap() > 0, "{listed}");
    // The intervals `thematic agree` prints, when asked.
    browser.run(
        "[...document.querySelectorAll('main a')].find(a => a.textContent === 'Show 95% intervals').click(); return true;",
        json!([]),
    );
    browser.wait_for(
        "return document.querySelectorAll('table.grid td .ci').length > 0",
        "the intervals under the estimates",
    );
    let first = browser.run(TEXT_OF, json!(["table.grid td .ci"]));
    assert!(first.as_str().unwrap().starts_with('['), "{first}");
    browser.run("window.scrollTo(0, 0); return true;", json!([]));
    browser.save_screenshot("compare");
}

/// Waits (bounded) until the codebook file holds `label`, and returns the code's id.
fn wait_for_code(study: &thematic_study::Study, label: &str) -> String {
    for _ in 0..200 {
        let book = study.codebook().unwrap();
        if let Some(e) = book.entries.iter().find(|e| e.label == label) {
            return e.id.clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no code labelled {label:?} in the codebook");
}

#[test]
fn codes_are_made_in_the_moment_from_the_palette_and_in_vivo_on_whole_words() {
    let _serial = serial();
    let Some((browser, _dir, study, _server)) = open_at("#/t/P1") else {
        return;
    };
    browser.wait_for(
        "return !!document.querySelector('.turn .text[data-n=\"4\"]')",
        "the reader",
    );

    // Half-words selected ("ep my wo" inside "keeping my word") snap to whole words.
    let selected = browser.run(common::SELECT, json!([4, "ping my wo"]));
    assert_eq!(selected, json!("ping my wo"));
    browser.wait_for(
        "return document.getElementById('selection').textContent.includes('keeping my word')",
        "the snapped selection in the panel",
    );
    // A name that matches no code: Enter creates it under "Unsorted" and codes with it.
    browser.run(
        "document.getElementById('filter').focus(); return true;",
        json!([]),
    );
    browser.type_text("Keeping promises");
    browser.wait_for(
        "return !document.getElementById('create-code').hidden",
        "the offer to create the code",
    );
    browser.press("\u{E007}"); // Enter
    let id = wait_for_code(&study, "Keeping promises");
    let coding = common::wait_for_coding(&study, "KW", "keeping my word");
    assert_eq!(coding.theme, id);
    assert_eq!(
        (coding.start, coding.end),
        common::span(&study, "P1", 4, "keeping my word")
    );
    let book = study.codebook().unwrap();
    let code = book.get(&id).unwrap();
    assert_eq!(
        code.parent.as_deref(),
        Some("unsorted"),
        "new codes land in Unsorted"
    );
    assert!(code.colour.is_some(), "a new code gets a colour");
    assert_eq!(
        book.roots().next().map(|e| e.id.as_str()),
        Some("unsorted"),
        "the Unsorted group is kept at the top"
    );

    // In vivo: the selected words become the code, with one key.
    let in_palette = format!("return !!document.querySelector('#palette [data-theme=\"{id}\"]')");
    browser.wait_for(&in_palette, "the new code in the palette");
    // Making a code does not move the keys of the codes already sorted.
    let keys = browser.run(
        "return [...document.querySelectorAll('#palette button[aria-keyshortcuts]')].map(b => b.dataset.theme + '=' + b.getAttribute('aria-keyshortcuts'))",
        json!([]),
    );
    assert_eq!(keys[0], json!("asking-questions=1"), "{keys}");
    assert!(!keys.to_string().contains(&id), "{keys}");
    let selected = browser.run(common::SELECT, json!([6, "feel they belong"]));
    assert_eq!(selected, json!("feel they belong"));
    browser.run(
        "document.querySelector('.turn .text[data-n=\"6\"]').focus(); return true;",
        json!([]),
    );
    browser.press("v");
    let in_vivo = wait_for_code(&study, "feel they belong");
    let coding = common::wait_for_coding(&study, "KW", "feel they belong");
    assert_eq!(coding.theme, in_vivo);
    // The palette counts the coder's own codings of each code.
    let counted = format!(
        "const b = document.querySelector('#palette [data-theme=\"{in_vivo}\"] .count'); return !!b && b.textContent === '1';"
    );
    browser.wait_for(&counted, "the new code's count");
    browser.run("window.scrollTo(0, 0); return true;", json!([]));
    browser.save_screenshot("new-code");
}

#[test]
fn a_codes_page_lists_every_extract_and_jumps_to_its_place() {
    let _serial = serial();
    let Some((browser, _dir, server)) = open_workspace() else {
        return;
    };
    // KW coded goal-orientation twice: in P1 turn 2 and P2 turn 2.
    browser.go(&format!("{}#/code/goal-orientation", server.url()));
    browser.wait_for(
        "return document.querySelectorAll('ol.extracts li.extract').length === 2",
        "the code's two extracts",
    );
    let count = browser.run(TEXT_OF, json!(["p.count"]));
    assert_eq!(count, json!("2 extracts of yours"));
    // The whole turn on demand, the extract marked in it.
    browser.click("ol.extracts li.extract button");
    browser.wait_for(
        "const c = document.querySelector('.extract .context mark'); return !!c && c.textContent.startsWith('what matters to them. Then we look at small goals');",
        "the extract's turn",
    );
    // The reviewer's switch shows every coder's, labelled.
    browser.run(
        "const s = document.querySelector('select[aria-label=\"Whose codings\"]'); s.value = 'all'; s.dispatchEvent(new Event('change')); return true;",
        json!([]),
    );
    browser.wait_for(
        "return document.querySelector('p.count').textContent === '2 extracts by all coders'",
        "every coder's extracts",
    );
    browser.save_screenshot("code-page");
    // The link goes to the place in the reader.
    browser.click("ol.extracts li.extract .where a");
    browser.wait_for(
        "return !!document.querySelector('.turn.target[data-n=\"2\"]')",
        "the extract's place in the reader",
    );
}

#[test]
fn a_code_is_renamed_and_merged_from_its_page_with_the_codings_following() {
    let _serial = serial();
    let Some((browser, _dir, study, _server)) = open_at("#/code/goal-orientation") else {
        return;
    };
    browser.wait_for(
        "return document.querySelectorAll('ol.extracts li.extract').length === 2",
        "the code's page",
    );
    // Rename and define it in the form.
    browser.run(
        "document.querySelector('.refine-panel').open = true; \
         const f = document.querySelector('form.refine'); \
         f.querySelector('[name=label]').value = 'Goals set together'; \
         f.querySelector('[name=definition]').value = 'Goals the patient and worker agree on.'; \
         return true;",
        json!([]),
    );
    browser.click("form.refine button[type=submit]");
    browser.wait_for(
        "return document.getElementById('status').textContent.startsWith('Saved: label, definition')",
        "the saved changes",
    );
    let book = study.codebook().unwrap();
    let e = book.get("goal-orientation").unwrap();
    assert_eq!(e.label, "Goals set together");
    assert_eq!(
        e.definition.as_deref(),
        Some("Goals the patient and worker agree on.")
    );
    let text = std::fs::read_to_string(study.codebook_path()).unwrap();
    let comments = |t: &str| {
        t.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
    };
    assert_eq!(
        comments(&text),
        comments(common::CODEBOOK),
        "the codebook keeps its comments"
    );
    browser.wait_for(
        "return document.querySelector('h1').textContent.includes('Goals set together')",
        "the page with its new name",
    );
    // Merge it into what-matters: KW's two codings follow.
    browser.run(
        "document.querySelector('.refine-panel').open = true; \
         const s = document.querySelector('select[name=into]'); s.value = 'what-matters'; return true;",
        json!([]),
    );
    browser.click(".refine-actions form button[type=submit]");
    browser.wait_for(
        "return location.hash === '#/code/what-matters' && document.querySelectorAll('ol.extracts li.extract').length === 3",
        "the merged code's page",
    );
    let kw = thematic_study::CodingsFile::read(&study.codings_path("KW").unwrap()).unwrap();
    assert!(kw.codings.iter().all(|c| c.theme != "goal-orientation"));
    assert_eq!(
        kw.codings
            .iter()
            .filter(|c| c.theme == "what-matters")
            .count(),
        3
    );
    assert!(
        study
            .codebook()
            .unwrap()
            .get("goal-orientation")
            .unwrap()
            .retired
    );
}

#[test]
fn a_selection_running_into_the_next_turn_is_cut_there_and_says_so() {
    let _serial = serial();
    let Some((browser, _dir, server)) = open_workspace() else {
        return;
    };
    browser.go(&format!("{}#/t/P1", server.url()));
    browser.wait_for(
        "return !!document.querySelector('.turn .text[data-n=\"4\"]')",
        "the reader",
    );
    // From "want to change." in turn 2 into the start of turn 4.
    let selected = browser.run(
        "const a = document.querySelector('.turn .text[data-n=\"2\"]'); \
         const b = document.querySelector('.turn .text[data-n=\"4\"]'); \
         const last = [...a.childNodes].pop(); \
         const startNode = last.nodeType === 3 ? last : last.lastChild; \
         const r = document.createRange(); \
         r.setStart(startNode, Math.max(0, startNode.data.length - 15)); \
         const firstB = b.firstChild.nodeType === 3 ? b.firstChild : b.firstChild.firstChild; \
         r.setEnd(firstB, 5); \
         a.focus(); const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); \
         return s.toString().length > 0;",
        json!([]),
    );
    assert_eq!(selected, json!(true));
    browser.wait_for(
        "return document.querySelector('#selection .note') !== null",
        "the note that only turn 2 is coded",
    );
    let panel = browser.run(TEXT_OF, json!(["#selection"]));
    let panel = panel.as_str().unwrap();
    assert!(panel.starts_with("Turn 2: "), "{panel}");
    assert!(panel.contains("want to change."), "{panel}");
    assert!(!panel.contains("We celebrate"), "{panel}");
}

#[test]
fn remove_offers_undo_and_ctrl_z_and_ctrl_shift_z_undo_and_redo() {
    let _serial = serial();
    let Some((browser, _dir, study, _server)) = open_at("#/t/P1") else {
        return;
    };
    browser.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 1",
        "the reader",
    );
    let kw = |s: &thematic_study::Study| {
        thematic_study::CodingsFile::read(&s.codings_path("KW").unwrap())
            .unwrap()
            .codings
    };
    let before = kw(&study);
    let gone = before.iter().find(|c| c.turn == 4).unwrap().clone();
    // Remove asks nothing, and offers Undo.
    browser.click(".turn[data-n=\"4\"] .chip button[aria-label^=\"Remove\"]");
    browser.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 0 \
         && !!document.querySelector('#status button')",
        "the removal and its Undo",
    );
    assert!(!kw(&study).contains(&gone));
    let status = browser.run(TEXT_OF, json!(["#status"]));
    assert!(
        status.as_str().unwrap().starts_with("Removed the coding"),
        "{status}"
    );
    browser.click("#status button");
    browser.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 1",
        "the coding back",
    );
    assert!(kw(&study).contains(&gone), "the same coding, every field");
    // Ctrl+Shift+Z removes it again (redo of the removal), Ctrl+Z brings it back.
    browser.run("document.body.focus(); return true;", json!([]));
    browser.keys(common::chord(&["\u{E009}", "\u{E008}", "z"]));
    browser.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 0",
        "the redo",
    );
    assert!(!kw(&study).contains(&gone));
    browser.keys(common::chord(&["\u{E009}", "z"]));
    browser.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"4\"] .chip').length === 1",
        "the undo",
    );
    assert!(kw(&study).contains(&gone));
    let status = browser.run(TEXT_OF, json!(["#status"]));
    assert!(status.as_str().unwrap().starts_with("Undone: "), "{status}");
    browser.save_screenshot("undo");
}

#[test]
fn more_like_these_suggests_turns_to_code_or_dismiss_one_by_one() {
    let _serial = serial();
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    // KW coded "I ask what matters to them." (P1 turn 2) as what-matters; P2's fourth turn
    // ("… talk about what matters to them.") is like it and not coded with it by KW.
    browser.go(&format!("{}#/code/what-matters", server.url()));
    browser.wait_for(
        "return !!document.querySelector('details.similar')",
        "the code's page",
    );
    browser.run(
        "document.querySelector('details.similar').open = true; return true;",
        json!([]),
    );
    browser.wait_for(
        "return [...document.querySelectorAll('.suggestion .where a')].some(a => a.textContent === 'P2')",
        "a suggestion from P2",
    );
    let marked = browser.run(TEXT_OF, json!([".suggestion mark"]));
    assert!(!marked.as_str().unwrap().is_empty(), "the terms are marked");
    browser.save_screenshot("similar");
    browser.run(
        "const li = [...document.querySelectorAll('.suggestion')].find(l => l.querySelector('.where a').textContent === 'P2'); \
         li.querySelector('button.primary').click(); return true;",
        json!([]),
    );
    let coding = common::wait_for_coding(
        &study,
        "KW",
        "We meet every fortnight and talk about what matters to them.",
    );
    assert_eq!(coding.theme, "what-matters");
    assert_eq!((coding.transcript.as_str(), coding.turn), ("P2", 4));
    browser.wait_for(
        "return document.getElementById('status').textContent.startsWith('Coded P2 turn 4')",
        "the message",
    );
}

#[test]
fn a_new_study_invites_the_first_code_and_makes_it() {
    let _serial = serial();
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // `thematic init` without --codebook: an empty codebook.
    let study =
        thematic_study::Study::init(dir.path(), &thematic_study::InitOptions::new("New study"))
            .unwrap();
    assert!(study.codebook().unwrap().entries.is_empty());
    std::fs::write(study.transcripts_dir().join("P1.txt"), common::P1).unwrap();
    let server = Running::start(ServeOptions::new(dir.path(), "KW")).unwrap();
    browser.go(&format!("{}#/t/P1", server.url()));
    browser.wait_for(
        "return !!document.querySelector('#palette li.invite')",
        "the invitation to make the first code",
    );
    browser.save_screenshot("first-code");
    assert_eq!(
        browser.run(common::SELECT, json!([2, "small goals"])),
        json!("small goals")
    );
    browser.run(
        "document.querySelector('.turn .text[data-n=\"2\"]').focus(); return true;",
        json!([]),
    );
    browser.press("v");
    let coding = common::wait_for_coding(&study, "KW", "small goals");
    let book = study.codebook().unwrap();
    assert_eq!(book.get(&coding.theme).unwrap().label, "small goals");
    browser.wait_for(
        "return !document.querySelector('#palette li.invite')",
        "the palette with the first code",
    );
}
