//! The board in real Chromium and Firefox (see [`super::drivers`]): each scenario runs in
//! both, and each change it makes is checked in the codebook file and the change log, with
//! every codings file unchanged. Also, run by hand: screenshots of a real study's board,
//! and how long a running server's board takes to show.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::common::{self, Fixture};
use super::drivers::{Chromium, Driver, Firefox, click, drag, keys, press, type_text, wait_for};
use super::{codings_files, log_len, logged_since, parent};

/// The browser tests run one at a time: two browsers at once are slow on a small machine.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The board of a fresh test study, open in `b`.
fn open_board(b: &mut dyn Driver) -> Fixture {
    let f = Fixture::new();
    b.go(&format!("{}#/board", f.server.url()));
    wait_for(
        b,
        "return !!document.querySelector('#board .card[data-card=\"what-matters\"]')",
        "the board",
    );
    f
}

/// Waits until the board has been drawn again after a change (and says what happened).
fn wait_redrawn(b: &mut dyn Driver, draws: &Value) {
    let script = format!(
        "return document.body.dataset.boardDraws !== '{}' && !!document.getElementById('board')",
        draws.as_str().unwrap_or("")
    );
    wait_for(b, &script, "the board to be drawn again");
}

fn draws(b: &mut dyn Driver) -> Value {
    b.run("return document.body.dataset.boardDraws", json!([]))
}

fn wait_dialog(b: &mut dyn Driver) {
    wait_for(
        b,
        "return !!document.querySelector('dialog.ask[open]')",
        "the dialog",
    );
}

fn focus(b: &mut dyn Driver, css: &str) {
    let ok = b.run(
        "const e = document.querySelector(arguments[0]); if (!e) return false; e.focus(); return document.activeElement === e;",
        json!([css]),
    );
    assert_eq!(ok, json!(true), "{}: cannot focus {css}", b.name());
}

/// `target/serve-<name>.png`.
fn screenshot(b: &mut dyn Driver, name: &str) {
    let png = b.screenshot();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("serve-{name}.png"));
    std::fs::write(&path, &png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

const ENTER: &str = "\u{E007}";
const ALT: &str = "\u{E00A}";
const CTRL: &str = "\u{E009}";

/// Drag a code onto "New theme", name it: a candidate theme with the code in it. Drag
/// another onto it with Alt: it sits there as well. Undo from the status line.
fn drag_a_code_into_a_new_theme(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    drag(
        b,
        "#board .card[data-card=\"goal-orientation\"]",
        "#board .new-zone",
        None,
    );
    wait_dialog(b);
    type_text(b, "Setting goals");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !!document.querySelector('section[data-id=\"setting-goals\"] .card[data-card=\"goal-orientation\"]')",
        "the card in its new theme",
    );
    let book = f.study.codebook().unwrap();
    assert!(!book.get("setting-goals").unwrap().codable);
    assert_eq!(
        parent(&f.study, "goal-orientation").as_deref(),
        Some("setting-goals")
    );
    assert_eq!(
        logged_since(&f.study, from),
        [
            "add setting-goals: added candidate theme \"Setting goals\" as a root",
            "move goal-orientation: parent \"the-approach\" -> \"setting-goals\"",
        ],
        "{}",
        b.name()
    );

    // Alt held while dropping: also in the theme; the card is drawn there too, flagged.
    let before = draws(b);
    drag(
        b,
        "#board .card[data-card=\"what-matters\"]",
        "#board section[data-id=\"setting-goals\"] .area-head",
        Some(ALT),
    );
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !!document.querySelector('section[data-id=\"setting-goals\"] .card.elsewhere[data-card=\"what-matters\"]')",
        "the shared card",
    );
    let wm = f
        .study
        .codebook()
        .unwrap()
        .get("what-matters")
        .unwrap()
        .clone();
    assert_eq!(
        (wm.parent.as_deref(), wm.also_in.clone()),
        (Some("the-approach"), vec!["setting-goals".to_string()])
    );
    let said = b.run(
        "return document.getElementById('status').textContent",
        json!([]),
    );
    assert!(said.as_str().unwrap().contains("is also in"), "{said}");
    if b.name() == "Chromium" {
        screenshot(b, "board");
    }

    // Undo, offered in the status line, takes it out again.
    let before = draws(b);
    click(b, "#status button");
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !document.querySelector('.card.elsewhere')",
        "the shared card gone",
    );
    assert!(
        f.study
            .codebook()
            .unwrap()
            .get("what-matters")
            .unwrap()
            .also_in
            .is_empty()
    );
    let log = logged_since(&f.study, from);
    assert_eq!(
        log[2..],
        [
            "share what-matters: also in \"setting-goals\"",
            "share what-matters: no longer also in \"setting-goals\"",
        ]
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

/// The same by keyboard: m on a card, type a new theme's name, Enter; m and a with a
/// filtered list; Ctrl+Z undoes the last board change.
fn keyboard_moves_a_code_into_a_new_theme(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    focus(b, "#board .card[data-card=\"what-matters\"]");
    press(b, "m");
    wait_dialog(b);
    type_text(b, "Being heard");
    // Nothing is called that: the one choice left is to make it.
    let choice = b.run(
        "return document.querySelector('.ask-list li[aria-selected=\"true\"]').textContent",
        json!([]),
    );
    assert_eq!(choice, json!("+ New theme \u{201c}Being heard\u{201d}"));
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    wait_for(
        b,
        "return !!document.querySelector('section[data-id=\"being-heard\"] .card[data-card=\"what-matters\"]')",
        "the card in the new theme",
    );
    assert_eq!(
        parent(&f.study, "what-matters").as_deref(),
        Some("being-heard")
    );

    // Type to filter: "being" leaves "Being heard" first.
    focus(b, "#board .card[data-card=\"empowerment\"]");
    press(b, "m");
    wait_dialog(b);
    type_text(b, "being");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    assert_eq!(
        parent(&f.study, "empowerment").as_deref(),
        Some("being-heard")
    );

    // a: also in; then Ctrl+Z takes it back out.
    focus(b, "#board .card[data-card=\"goal-orientation\"]");
    press(b, "a");
    wait_dialog(b);
    type_text(b, "heard");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    assert_eq!(
        f.study
            .codebook()
            .unwrap()
            .get("goal-orientation")
            .unwrap()
            .also_in,
        ["being-heard"]
    );
    // The focus stays on the card, so the keyboard goes on from there.
    let focused = b.run(
        "return document.activeElement.dataset.card || ''",
        json!([]),
    );
    assert_eq!(focused, json!("goal-orientation"), "{}", b.name());
    let before = draws(b);
    keys(b, common::chord(&[CTRL, "z"]));
    wait_redrawn(b, &before);
    assert!(
        f.study
            .codebook()
            .unwrap()
            .get("goal-orientation")
            .unwrap()
            .also_in
            .is_empty()
    );
    assert_eq!(
        logged_since(&f.study, from),
        [
            "add being-heard: added candidate theme \"Being heard\" as a root",
            "move what-matters: parent \"the-approach\" -> \"being-heard\"",
            "move empowerment: parent \"patients-role\" -> \"being-heard\"",
            "share goal-orientation: also in \"being-heard\"",
            "share goal-orientation: no longer also in \"being-heard\"",
        ],
        "{}",
        b.name()
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

/// On a theme's heading: r renames, s splits (codes ticked), d discards.
fn rename_split_and_discard(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    let from = log_len(&f.study);
    focus(b, "#board .area-head[data-theme=\"the-approach\"]");
    press(b, "r");
    wait_dialog(b);
    // The old name is selected: typing replaces it.
    type_text(b, "How they work");
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    let book = f.study.codebook().unwrap();
    assert_eq!(book.get("the-approach").unwrap().label, "How they work");

    focus(b, "#board .area-head[data-theme=\"the-approach\"]");
    press(b, "s");
    wait_dialog(b);
    type_text(b, "Goals");
    click(
        b,
        "dialog.ask input[type=checkbox][value=\"goal-orientation\"]",
    );
    let before = draws(b);
    click(b, "dialog.ask button[type=submit]");
    wait_redrawn(b, &before);
    let book = f.study.codebook().unwrap();
    assert_eq!(
        book.get("goals").unwrap().split_from.as_deref(),
        Some("the-approach")
    );
    assert_eq!(
        parent(&f.study, "goal-orientation").as_deref(),
        Some("goals")
    );
    assert_eq!(
        parent(&f.study, "what-matters").as_deref(),
        Some("the-approach")
    );

    focus(b, "#board .area-head[data-theme=\"goals\"]");
    press(b, "d");
    wait_dialog(b);
    let before = draws(b);
    press(b, ENTER);
    wait_redrawn(b, &before);
    let book = f.study.codebook().unwrap();
    assert!(book.get("goals").unwrap().retired);
    assert_eq!(
        parent(&f.study, "goal-orientation").as_deref(),
        Some("miscellaneous")
    );
    let said = b.run(
        "return document.getElementById('status').textContent",
        json!([]),
    );
    assert!(
        said.as_str().unwrap().contains("cannot undo a discard"),
        "{said}"
    );
    assert!(b.run("return !!document.querySelector('section.misc[data-id=\"miscellaneous\"] .card[data-card=\"goal-orientation\"]')", json!([])) == json!(true));
    let log: Vec<String> = logged_since(&f.study, from);
    assert_eq!(
        log,
        [
            "rename the-approach: label \"The approach\" -> \"How they work\"",
            "split the-approach: split: new theme \"goals\" (\"Goals\") takes goal-orientation",
            "discard goals: discarded (retired); moved to \"miscellaneous\": goal-orientation",
        ],
        "{}",
        b.name()
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

/// Record a version, change the structure, record another, and see what changed.
fn record_versions_and_see_the_diff(b: &mut dyn Driver) {
    let f = open_board(b);
    let codings = codings_files(&f.study);
    wait_for(
        b,
        "return !!document.querySelector('.record-version')",
        "the versions section",
    );
    click(b, ".record-version input[name=version-name]");
    type_text(b, "Candidate themes");
    press(b, ENTER);
    wait_for(
        b,
        "return [...document.querySelectorAll('.versions-table th')].some((t) => t.textContent === 'Candidate themes')",
        "the first version listed",
    );
    assert!(
        f.study
            .root()
            .join("versions/01-candidate-themes/codebook.toml")
            .is_file()
    );
    let r = f.with_body(
        "PATCH",
        "/api/codes/the-approach",
        &json!({"label": "How they work"}),
    );
    assert_eq!(r.status, 200);
    click(b, ".record-version input[name=version-name]");
    type_text(b, "Final");
    press(b, ENTER);
    wait_for(
        b,
        "return [...document.querySelectorAll('.versions-table th')].some((t) => t.textContent === 'Final')",
        "the second version listed",
    );
    click(
        b,
        ".versions-table input[name=va][value=\"01-candidate-themes\"]",
    );
    click(b, ".versions-table input[name=vb][value=\"02-final\"]");
    click(b, ".diff-bar button");
    wait_for(
        b,
        "return !!document.querySelector('.diff ul.changes li')",
        "the diff",
    );
    let shown = b.run(
        "return document.querySelector('.diff').innerText",
        json!([]),
    );
    let shown = shown.as_str().unwrap();
    assert!(shown.contains("1 renamed"), "{shown}");
    assert!(
        shown.contains("renamed \"The approach\" to \"How they work\" (5 extracts)"),
        "{shown}"
    );
    let link = b.run(
        "return !!document.querySelector('.versions-table a[href=\"/api/versions/01-candidate-themes/map.svg\"]')",
        json!([]),
    );
    assert_eq!(link, json!(true));
    let snapshots: Vec<String> = f
        .study
        .changes()
        .unwrap()
        .into_iter()
        .filter(|c| c.action == "snapshot")
        .map(|c| c.detail)
        .collect();
    assert_eq!(
        snapshots,
        [
            "recorded version \"Candidate themes\" (01-candidate-themes)",
            "recorded version \"Final\" (02-final)",
        ]
    );
    assert_eq!(
        codings_files(&f.study),
        codings,
        "{}: no coding changed",
        b.name()
    );
}

fn in_chromium(scenario: fn(&mut dyn Driver)) {
    let _one = serial();
    if let Some(mut b) = Chromium::start() {
        scenario(&mut b);
    }
}

fn in_firefox(scenario: fn(&mut dyn Driver)) {
    let _one = serial();
    if let Some(mut b) = Firefox::start() {
        scenario(&mut b);
    }
}

#[test]
fn in_chromium_a_code_is_dragged_into_a_new_theme() {
    in_chromium(drag_a_code_into_a_new_theme);
}

#[test]
fn in_firefox_a_code_is_dragged_into_a_new_theme() {
    in_firefox(drag_a_code_into_a_new_theme);
}

#[test]
fn in_chromium_the_keyboard_moves_a_code_into_a_new_theme() {
    in_chromium(keyboard_moves_a_code_into_a_new_theme);
}

#[test]
fn in_firefox_the_keyboard_moves_a_code_into_a_new_theme() {
    in_firefox(keyboard_moves_a_code_into_a_new_theme);
}

#[test]
fn in_chromium_a_theme_is_renamed_split_and_discarded() {
    in_chromium(rename_split_and_discard);
}

#[test]
fn in_firefox_a_theme_is_renamed_split_and_discarded() {
    in_firefox(rename_split_and_discard);
}

#[test]
fn in_chromium_versions_are_recorded_and_diffed() {
    in_chromium(record_versions_and_see_the_diff);
}

#[test]
fn in_firefox_versions_are_recorded_and_diffed() {
    in_firefox(record_versions_and_see_the_diff);
}

// ---------- screenshots of a real study, by hand ----------

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if !e.file_name().to_string_lossy().ends_with(".lock") {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Screenshots of the board of a copy of the study named by `THEMATIC_BOARD_STUDY` (the
/// sample study `thematic demo` builds, say), coding as `THEMATIC_BOARD_CODER` (KW), into
/// `THEMATIC_SHOTS` (`/tmp/shots`): the board, its keys, a sample extract on hover, the
/// move picker, a shared code, the split dialog and a diff of two versions.
#[test]
#[ignore = "run by hand: THEMATIC_BOARD_STUDY=thematic-demo cargo test -p thematic-serve --test board -- --ignored"]
fn screenshots_of_a_studys_board() {
    let Some(source) = std::env::var_os("THEMATIC_BOARD_STUDY").map(PathBuf::from) else {
        eprintln!("set THEMATIC_BOARD_STUDY to a study folder");
        return;
    };
    let shots = std::env::var_os("THEMATIC_SHOTS")
        .map_or_else(|| PathBuf::from("/tmp/shots"), PathBuf::from);
    std::fs::create_dir_all(&shots).unwrap();
    let coder = std::env::var("THEMATIC_BOARD_CODER").unwrap_or_else(|_| "KW".into());
    let _one = serial();
    let Some(mut browser) = Chromium::start() else {
        return;
    };
    let b: &mut dyn Driver = &mut browser;
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&source, dir.path());
    let server =
        thematic_serve::Running::start(thematic_serve::ServeOptions::new(dir.path(), &coder))
            .unwrap();
    let shot = |b: &mut dyn Driver, name: &str| {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let path = shots.join(format!("board-{name}.png"));
        std::fs::write(&path, b.screenshot()).unwrap();
        eprintln!("{}", path.display());
    };
    b.go(&format!("{}#/board", server.url()));
    wait_for(
        b,
        "return !!document.querySelector('#board .card') && !!document.querySelector('.versions-table')",
        "the board",
    );
    wait_for(
        b,
        "const i = document.getElementById('board-map'); return i.complete && i.naturalWidth > 0",
        "the map",
    );
    shot(b, "overview");
    click(b, "#board-keys > summary");
    shot(b, "keys");
    click(b, "#board-keys > summary");

    let first = b.run(
        "return document.querySelector('#board .area .card').dataset.card",
        json!([]),
    );
    let first = first.as_str().unwrap().to_string();
    let card = b.find(&format!("#board .card[data-card=\"{first}\"] .card-label"));
    b.perform(json!([{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
        {"type": "pointerMove", "origin": card, "x": 0, "y": 0, "duration": 100}
    ]}]));
    wait_for(
        b,
        "const s = document.getElementById('board-sample'); return !!s && !s.hidden",
        "the sample extract",
    );
    shot(b, "sample");

    focus(b, &format!("#board .card[data-card=\"{first}\"]"));
    press(b, "m");
    wait_dialog(b);
    type_text(b, "r");
    shot(b, "move-picker");
    press(b, "\u{E00C}");

    // The last theme with no sub-themes that the card is not in.
    let theme = b.run(
        "const home = document.querySelector('#board .card[data-card=\"' + arguments[0] + '\"]').dataset.in; \
         return [...document.querySelectorAll('#board .area:not(.has-kids) > .area-head[data-theme]')].map((h) => h.dataset.theme).filter((t) => t !== home).pop();",
        json!([first]),
    );
    let theme = theme.as_str().unwrap().to_string();
    drag(
        b,
        &format!("#board .card[data-card=\"{first}\"]"),
        &format!("#board .area-head[data-theme=\"{theme}\"]"),
        Some(ALT),
    );
    wait_for(
        b,
        "return !!document.querySelector('#board .card.elsewhere')",
        "the shared card",
    );
    // The pointer off the board, so no sample covers the shared card.
    b.perform(json!([{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
        {"type": "pointerMove", "origin": "viewport", "x": 5, "y": 5, "duration": 0}
    ]}]));
    b.run("document.querySelector('#board .card.elsewhere').scrollIntoView({block: 'center'}); return true;", json!([]));
    shot(b, "shared");

    let parent_theme = b.run("return document.querySelector('#board .area-head[data-theme]').closest('section').querySelector('.subareas .area-head[data-theme]').dataset.theme", json!([]));
    focus(
        b,
        &format!(
            "#board .area-head[data-theme=\"{}\"]",
            parent_theme.as_str().unwrap()
        ),
    );
    press(b, "s");
    wait_dialog(b);
    type_text(b, "Being listened to");
    click(b, "dialog.ask input[type=checkbox]");
    shot(b, "split");
    press(b, "\u{E00C}");

    if b.run(
        "return document.querySelectorAll('.versions-table input[name=va]').length >= 3",
        json!([]),
    ) == json!(true)
    {
        b.run("document.querySelectorAll('.versions-table input[name=va]')[0].click(); document.querySelectorAll('.versions-table input[name=vb]')[1].click(); return true;", json!([]));
        click(b, ".diff-bar button");
        wait_for(b, "return !!document.querySelector('.diff h3')", "the diff");
        b.run(
            "document.getElementById('versions').scrollIntoView(); return true;",
            json!([]),
        );
        shot(b, "diff");
    }
}

/// How long the board of a running server takes to show in Chromium: the answer, the
/// drawing, and the first frame after it (`THEMATIC_BOARD_URL`: the URL `thematic serve`
/// prints, token included). Five loads after one to warm up; prints each.
#[test]
#[ignore = "run by hand: THEMATIC_BOARD_URL=http://127.0.0.1:PORT/?token=… cargo test -p thematic-serve --test board -- --ignored render"]
fn render_time_of_a_running_servers_board() {
    let Ok(url) = std::env::var("THEMATIC_BOARD_URL") else {
        eprintln!("set THEMATIC_BOARD_URL to the URL thematic serve prints");
        return;
    };
    let _one = serial();
    let Some(mut browser) = Chromium::start() else {
        return;
    };
    let b: &mut dyn Driver = &mut browser;
    b.go(&url);
    wait_for(
        b,
        "return document.body.dataset.ready === '1'",
        "the workspace",
    );
    for round in 0..6 {
        b.run(
            "delete document.body.dataset.boardShownMs; location.hash = '#/'; return true;",
            json!([]),
        );
        wait_for(
            b,
            "return !document.getElementById('board')",
            "another view",
        );
        b.run("location.hash = '#/board'; return true;", json!([]));
        wait_for(
            b,
            "return !!document.body.dataset.boardShownMs",
            "the board",
        );
        let t = b.run(
            "const d = document.body.dataset; return [d.boardFetchMs, d.boardDrawMs, d.boardFrameMs, d.boardShownMs, document.querySelectorAll('#board .card').length].join(' ');",
            json!([]),
        );
        eprintln!(
            "round {round}: answer, drawing, frame, shown (ms), cards: {}",
            t.as_str().unwrap()
        );
    }
}
