//! The docked player and edit mode in real Chromium and Firefox (the clients of
//! `tests/common/`, through [`Driver`]): each scenario runs in both. The recording is muted
//! (a headless browser may refuse audible playback without a gesture; muted playback is
//! always allowed) and played for real: its clock must move.

use serde_json::json;

use super::common::chromium::Browser;
use super::common::driver::{Driver, serial};
use super::common::firefox::Firefox;
use super::{Recorded, synced};

const WIDTH: u32 = 1400;
const HEIGHT: u32 = 900;

/// The player's media element.
const AUDIO: &str = "document.querySelector('.player audio')";

/// Opens transcript `id` in the reader and waits until its recording's length is known.
fn open(b: &dyn Driver, f: &Recorded, id: &str) {
    b.go(&format!("{}#/t/{id}", f.server.url()));
    b.wait_for(
        &format!("const a = {AUDIO}; return !!a && a.readyState >= 1 && a.duration > 19"),
        "the docked player with the recording's length",
    );
    b.run(&format!("{AUDIO}.muted = true; return true"), json!([]));
}

/// The player's position, seconds.
fn now(b: &dyn Driver) -> f64 {
    b.run(&format!("return {AUDIO}.currentTime"), json!([]))
        .as_f64()
        .unwrap()
}

/// The turn marked as being spoken, if any.
fn speaking(b: &dyn Driver) -> serde_json::Value {
    b.run(
        "const t = document.querySelectorAll('.turn.speaking'); return t.length === 1 ? Number(t[0].dataset.n) : t.length ? 'several' : null",
        json!([]),
    )
}

/// Sets the player's position (seconds) and waits until the seek is done.
fn seek(b: &dyn Driver, seconds: f64) {
    b.run(
        &format!("{AUDIO}.currentTime = arguments[0]; return true"),
        json!([seconds]),
    );
    b.wait_for(
        &format!(
            "const a = {AUDIO}; return !a.seeking && Math.abs(a.currentTime - {seconds}) < 0.05"
        ),
        "the seek",
    );
}

/// Clicking turn 2's time plays from 2 s; the spoken turn is marked, and follows the
/// player; the keys change the speed and go back; coding a passage while it plays does not
/// stop it; a pause goes back 2 s.
fn a_turns_time_plays_from_there(b: &dyn Driver) {
    let f = Recorded::start();
    open(b, &f, "R1");
    assert_eq!(
        speaking(b),
        json!(1),
        "at 0 s, turn 1 (0 s) is the one spoken"
    );

    b.click(".turn[data-n=\"2\"] .meta button.time");
    let at = now(b);
    assert!(
        (at - 2.0).abs() < 0.5,
        "{}: the player is at {at} s",
        b.name()
    );
    assert_eq!(speaking(b), json!(2));
    // It plays: the clock moves on from 2 s.
    b.wait_for(
        &format!("const a = {AUDIO}; return !a.paused && a.currentTime > 2.3"),
        "the recording playing on from turn 2",
    );

    // Coding a passage of turn 3 while it plays: the reader is drawn again, the same
    // element plays on.
    b.run(
        &format!("{AUDIO}.dataset.probe = 'same'; return true"),
        json!([]),
    );
    assert_eq!(
        b.run(super::common::SELECT, json!([3, "walk with them"])),
        json!("walk with them")
    );
    b.press("1");
    let coded = super::common::wait_for_coding(&f.study, "KW", "walk with them");
    assert_eq!(coded.theme, "asking-questions");
    b.wait_for(
        "return document.querySelectorAll('.turn[data-n=\"3\"] .chip').length === 2",
        "the new coding in the redrawn reader",
    );
    assert_eq!(
        b.run(
            &format!("const a = {AUDIO}; return [a.dataset.probe, a.paused]"),
            json!([])
        ),
        json!(["same", false]),
        "{}: the same player, still playing, after coding",
        b.name()
    );
    b.save_screenshot(&format!("player-{}", b.name().to_lowercase()));

    // k pauses, going back 2 s (the default): from t (just before the key) the player
    // stops at t' ≥ t and goes back to t' − 2.
    let before = now(b);
    b.press("k");
    b.wait_for(
        &format!(
            "const a = {AUDIO}; return a.paused && !a.seeking && a.currentTime < {before} - 1"
        ),
        "the pause, and the player going back",
    );
    let after = now(b);
    assert!(
        after <= before - 1.5 && after >= before - 2.6,
        "{}: paused at {after} s, {before} s before the key",
        b.name()
    );

    // Follow mode: at 4.2 s turn 3 (4 s) is marked.
    seek(b, 4.2);
    b.wait_for(
        "const t = document.querySelector('.turn.speaking'); return !!t && t.dataset.n === '3'",
        "turn 3 marked at 4.2 s",
    );
    assert_eq!(speaking(b), json!(3));

    // Speed: . is faster (1 → 1.1), , slower twice (1.1 → 1 → 0.85).
    b.press(".");
    assert_eq!(
        b.run(&format!("return {AUDIO}.playbackRate"), json!([])),
        json!(1.1)
    );
    b.press(",");
    b.press(",");
    assert_eq!(
        b.run(&format!("return {AUDIO}.playbackRate"), json!([])),
        json!(0.85)
    );
    // The speed shown follows (on the element's ratechange event, a moment later).
    b.wait_for(
        "return document.querySelector('.player .rate').textContent === '0.85×'",
        "the speed shown as 0.85×",
    );
    // j goes back 5 s: from 4.2 s to 0 (not below), where turn 1 is spoken.
    b.press("j");
    b.wait_for(
        &format!("const a = {AUDIO}; return !a.seeking && a.currentTime < 0.05"),
        "back 5 s to the start",
    );
    b.wait_for(
        "const t = document.querySelector('.turn.speaking'); return !!t && t.dataset.n === '1'",
        "turn 1 marked at 0 s",
    );
}

/// A typed transcript's turn takes the player's position as its time, kept in the study,
/// with the button and with s on the turn; "clear" takes it away again, with Undo.
fn a_turn_without_a_time_starts_now(b: &dyn Driver) {
    let f = Recorded::start();
    open(b, &f, "P2");
    let turn2 = f.json("/api/transcripts/P2")["turns"][1]["start"]
        .as_u64()
        .unwrap() as usize;
    assert!(
        f.study.sync_times("P2").unwrap().is_empty(),
        "no times to begin with"
    );
    seek(b, 3.0);
    b.click(".turn[data-n=\"2\"] .meta button.sync");
    b.wait_for(
        "const t = document.querySelector('.turn[data-n=\"2\"] .meta button.time'); return !!t && t.textContent.includes('00:00:03')",
        "turn 2's new time",
    );
    assert_eq!(synced(&f.study, "P2"), vec![(turn2, 3000)]);
    assert_eq!(
        f.json("/api/transcripts/P2")["turns"][1]["synced_ms"],
        json!(3000)
    );
    // s on turn 3, at 7.5 s.
    seek(b, 7.5);
    b.run(
        "document.querySelector('.turn .text[data-n=\"3\"]').focus(); return true",
        json!([]),
    );
    b.press("s");
    b.wait_for(
        "const t = document.querySelector('.turn[data-n=\"3\"] .meta button.time'); return !!t && t.textContent.includes('00:00:07')",
        "turn 3's new time",
    );
    let turn3 = f.json("/api/transcripts/P2")["turns"][2]["synced_ms"].clone();
    assert_eq!(turn3, json!(7500));
    b.save_screenshot(&format!("player-sync-{}", b.name().to_lowercase()));
    // The synced turns are played and marked like timed ones: at 4 s, turn 2 (3 s).
    seek(b, 4.0);
    b.wait_for(
        "const t = document.querySelector('.turn.speaking'); return !!t && t.dataset.n === '2'",
        "turn 2 marked at 4 s",
    );
    // "clear" takes turn 3's time away (the study forgets it; turn 2's stays), and Undo in
    // the message puts it back.
    b.click(".turn[data-n=\"3\"] .meta button.unsync");
    b.wait_for(
        "const t = document.querySelector('.turn[data-n=\"3\"] .meta'); return !!t && !t.querySelector('button.time') && t.textContent.includes('starts now')",
        "turn 3 without a time",
    );
    assert_eq!(synced(&f.study, "P2"), vec![(turn2, 3000)]);
    b.wait_for(
        "const s = document.getElementById('status'); return !!s && s.textContent.includes('00:00:07') && !!s.querySelector('button')",
        "the message with Undo",
    );
    b.save_screenshot(&format!("player-unsync-{}", b.name().to_lowercase()));
    b.click("#status button");
    b.wait_for(
        "const t = document.querySelector('.turn[data-n=\"3\"] .meta button.time'); return !!t && t.textContent.includes('00:00:07')",
        "turn 3's time back",
    );
    assert_eq!(
        f.json("/api/transcripts/P2")["turns"][2]["synced_ms"],
        json!(7500)
    );
}

/// Edit mode: a coded turn's words corrected, checked, saved; its coding moves with its
/// words and the reader shows the new text.
fn a_turn_is_corrected_in_edit_mode(b: &dyn Driver) {
    let f = Recorded::start();
    let coded = f.coding("every Tuesday");
    open(b, &f, "R1");
    // e on a turn opens it, Escape closes it unchanged.
    b.run(
        "document.querySelector('.turn .text[data-n=\"2\"]').focus(); return true",
        json!([]),
    );
    b.press("e");
    b.wait_for(
        "return document.activeElement === document.querySelector('.turn[data-n=\"2\"] .turn-edit textarea')",
        "turn 2's correction box, focused",
    );
    b.type_text("xyz");
    b.press("\u{E00C}");
    b.wait_for(
        "return !document.querySelector('.turn-edit') && !document.querySelector('.turn .text[data-n=\"2\"]').hidden",
        "the box gone on Escape",
    );
    assert_eq!(
        f.json("/api/transcripts/R1")["turns"][1]["text"],
        json!("My GP told me about it, and I went along the next week."),
        "Escape writes nothing"
    );
    b.click(".turn[data-n=\"3\"] .meta button.edit");
    b.wait_for(
        "return !!document.querySelector('.turn[data-n=\"3\"] .turn-edit textarea')",
        "the correction box",
    );
    assert_eq!(
        b.run(
            "return document.querySelector('.turn-edit textarea').value",
            json!([])
        ),
        json!("Now I walk with them every Tuesday.")
    );
    // Alt+K plays and pauses from inside the box (k alone would be typed).
    b.keys(super::common::chord(&["\u{E00A}", "k"]));
    b.wait_for(
        &format!("return !{AUDIO}.paused"),
        "Alt+K playing from the correction box",
    );
    b.keys(super::common::chord(&["\u{E00A}", "k"]));
    b.wait_for(&format!("return {AUDIO}.paused"), "Alt+K pausing");
    // Type the correction as a keyboard does: the caret after "Now I ", then "usually ".
    b.run(
        "const a = document.querySelector('.turn-edit textarea'); a.focus(); a.setSelectionRange(6, 6); return true",
        json!([]),
    );
    b.type_text("usually ");
    b.click(".turn-edit .edit-actions button.check");
    b.wait_for(
        "return document.querySelector('.turn-edit .edit-result').textContent.includes('1 moved')",
        "the dry run's answer",
    );
    assert_eq!(f.coding("every Tuesday"), coded, "checking writes nothing");
    b.save_screenshot(&format!("player-edit-{}", b.name().to_lowercase()));
    b.click(".turn-edit button[type=submit]");
    b.wait_for(
        "return !document.querySelector('.turn-edit') && document.querySelector('.turn .text[data-n=\"3\"]').textContent === 'Now I usually walk with them every Tuesday.'",
        "the corrected turn in the reader",
    );
    // "usually " is 8 code points before the coded words.
    let moved = f.coding("every Tuesday");
    assert_eq!((moved.start, moved.end), (coded.start + 8, coded.end + 8));
    assert!(
        b.run(
            "return document.getElementById('status').textContent",
            json!([])
        )
        .as_str()
        .unwrap()
        .contains("1 moved"),
        "the status line reports the codings"
    );
    assert!(f.actions().iter().any(|a| a == "edit-text"));
    // The highlight is on the coded words where they are now.
    assert_eq!(
        b.run(
            "return [...document.querySelectorAll('.turn[data-n=\"3\"] .text .hl')].map((h) => h.textContent).join('|')",
            json!([])
        ),
        json!("every Tuesday")
    );
}

/// Follow mode scrolls to the turn being spoken when it is out of view; without it the
/// turn is marked and the page stays where it is.
fn follow_mode_scrolls_to_the_spoken_turn(b: &dyn Driver) {
    let f = Recorded::start();
    // 40 turns, half a second each, two speakers in turn: turn k starts at (k − 1) × 0.5 s.
    let mut vtt = String::from("WEBVTT\n\n");
    for i in 0..40u32 {
        let ms = i * 500;
        vtt.push_str(&format!(
            "00:00:{:02}.{:03} --> 00:00:{:02}.{:03}\n<v {}>Turn number {} of a long talk about walking, gardening and belonging.\n\n",
            ms / 1000,
            ms % 1000,
            (ms + 400) / 1000,
            (ms + 400) % 1000,
            if i % 2 == 0 { "Interviewer" } else { "P9" },
            i + 1
        ));
    }
    std::fs::write(f.study.transcripts_dir().join("R2.vtt"), vtt).unwrap();
    f.study
        .link_media("R2", &f.study.root().join("interview.wav"), false, "KW")
        .unwrap();
    open(b, &f, "R2");
    let in_view = "const t = document.getElementById('turn-' + arguments[0]).getBoundingClientRect(); \
                   const top = document.querySelector('.player').getBoundingClientRect().bottom; \
                   return t.top >= top - 1 && t.bottom <= window.innerHeight + 1";
    assert_eq!(
        b.run(in_view, json!([38])),
        json!(false),
        "turn 38 starts out of view"
    );
    // 18.7 s: turn 38 (18.5 s).
    seek(b, 18.7);
    b.wait_for(
        "const t = document.querySelector('.turn.speaking'); return !!t && t.dataset.n === '38'",
        "turn 38 marked",
    );
    b.wait_for(
        &format!("return (function () {{ {in_view} }}).apply(null, [38])"),
        "turn 38 scrolled into view",
    );
    // Follow off: back at 0.2 s turn 1 is marked, the page does not move.
    b.click(".player input.follow");
    let y = b.run("return window.scrollY", json!([]));
    seek(b, 0.2);
    b.wait_for(
        "const t = document.querySelector('.turn.speaking'); return !!t && t.dataset.n === '1'",
        "turn 1 marked",
    );
    assert_eq!(b.run("return window.scrollY", json!([])), y);
    assert_eq!(b.run(in_view, json!([1])), json!(false));
}

/// A linked recording whose file is gone: the reader opens, the dock says what is wrong,
/// and the turns and their times are there.
fn a_missing_recording_says_so(b: &dyn Driver) {
    let f = Recorded::start();
    std::fs::remove_file(f.study.root().join("interview.wav")).unwrap();
    b.go(&format!("{}#/t/R1", f.server.url()));
    b.wait_for(
        "const n = document.querySelector('.player .player-note'); return !!n && n.textContent.includes('could not be played')",
        "the dock's message",
    );
    assert_eq!(
        b.run(
            "return document.querySelectorAll('.turn .meta button.time').length",
            json!([])
        ),
        json!(3)
    );
}

fn in_chromium(scenario: fn(&dyn Driver)) {
    let _one = serial();
    if let Some(b) = Browser::start_sized(WIDTH, HEIGHT) {
        scenario(&b);
    }
}

fn in_firefox(scenario: fn(&dyn Driver)) {
    let _one = serial();
    if let Some(b) = Firefox::start_sized(WIDTH, HEIGHT) {
        scenario(&b);
    }
}

#[test]
fn in_chromium_a_turns_time_plays_from_there_and_the_spoken_turn_is_marked() {
    in_chromium(a_turns_time_plays_from_there);
}

#[test]
fn in_firefox_a_turns_time_plays_from_there_and_the_spoken_turn_is_marked() {
    in_firefox(a_turns_time_plays_from_there);
}

#[test]
fn in_chromium_a_turn_without_a_time_starts_now() {
    in_chromium(a_turn_without_a_time_starts_now);
}

#[test]
fn in_firefox_a_turn_without_a_time_starts_now() {
    in_firefox(a_turn_without_a_time_starts_now);
}

#[test]
fn in_chromium_a_coded_turn_is_corrected_in_edit_mode() {
    in_chromium(a_turn_is_corrected_in_edit_mode);
}

#[test]
fn in_firefox_a_coded_turn_is_corrected_in_edit_mode() {
    in_firefox(a_turn_is_corrected_in_edit_mode);
}

#[test]
fn in_chromium_a_missing_recording_says_so() {
    in_chromium(a_missing_recording_says_so);
}

#[test]
fn in_firefox_a_missing_recording_says_so() {
    in_firefox(a_missing_recording_says_so);
}

#[test]
fn in_chromium_follow_mode_scrolls_to_the_spoken_turn() {
    in_chromium(follow_mode_scrolls_to_the_spoken_turn);
}

#[test]
fn in_firefox_follow_mode_scrolls_to_the_spoken_turn() {
    in_firefox(follow_mode_scrolls_to_the_spoken_turn);
}

/// Run by hand (`cargo test -p thematic-serve --test player -- --ignored`): records a 6 s
/// video in Chromium itself (a canvas through MediaRecorder, as WebM), links it to R1 and
/// saves a screenshot of the reader with the video docked, `target/serve-player-video.png`.
#[test]
#[ignore = "a screenshot to look at, not a check"]
fn screenshot_of_a_video_in_the_dock() {
    let _one = serial();
    let Some(b) = Browser::start_sized(WIDTH, HEIGHT) else {
        return;
    };
    b.go("about:blank");
    let webm = b.run_async(
        "const done = arguments[arguments.length - 1];
         const c = document.createElement('canvas'); c.width = 320; c.height = 180;
         document.body.append(c);
         const g = c.getContext('2d');
         const rec = new MediaRecorder(c.captureStream(25), { mimeType: 'video/webm' });
         const parts = [];
         rec.ondataavailable = (e) => parts.push(e.data);
         rec.onstop = async () => {
           const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
           let s = ''; for (const x of bytes) s += String.fromCharCode(x);
           done(btoa(s));
         };
         let f = 0;
         const tick = () => {
           g.fillStyle = 'hsl(' + (200 + f) % 360 + ', 35%, 45%)'; g.fillRect(0, 0, 320, 180);
           g.fillStyle = '#fff'; g.font = '28px sans-serif'; g.fillText('P7, ' + (f / 25).toFixed(1) + ' s', 30, 100);
           f++;
           if (rec.state === 'recording') requestAnimationFrame(tick);
         };
         rec.start(); tick(); setTimeout(() => rec.stop(), 6000);",
    );
    let bytes = super::common::driver::base64(webm.as_str().unwrap());
    let f = Recorded::start();
    let clip = f.study.root().join("R1.webm");
    std::fs::write(&clip, bytes).unwrap();
    f.study.link_media("R1", &clip, false, "KW").unwrap();
    b.go(&format!("{}#/t/R1", f.server.url()));
    b.wait_for(
        "const v = document.querySelector('.player video'); return !!v && v.readyState >= 2",
        "the docked video",
    );
    b.click(".turn[data-n=\"2\"] .meta button.time");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    b.save_screenshot("player-video");
}
