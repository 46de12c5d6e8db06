//! The Anonymise view (`#/anonymise`) and its API, over `anonymisation/review.csv`: the
//! terms listed with their occurrences in context; a decision, a replacement and a term
//! added from the reader written to the file on disk; a write decided on an older version
//! of the file refused with nothing written; Undo writing the old values back; every change
//! logged. Then the same in a real headless Chromium and Firefox (skipped without them,
//! unless `THEMATIC_REQUIRE_BROWSER=1`), with screenshots `target/serve-anonymise.png` and
//! `target/serve-anonymise-add.png` from Chromium.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use common::driver::{Driver, serial};
use common::{Fixture, span};
use serde_json::{Value, json};
use thematic_anonymise::{Decision, Review};
use thematic_study::Study;

/// A transcript with a participant's name (as her speaker label and in the text), her
/// e-mail address and a town planted in it.
const P3: &str = "\
Interviewer: How did you hear about the service?
Sarah Jones: My neighbour Sarah told me about it. Write to me at sarah.jones@example.org if you need more.
Interviewer: Thank you, Sarah.
Sarah Jones: I live near Leeds, so the Tuesday group is easy to reach.
";

const EMAIL: &str = "sarah.jones@example.org";

/// For the browser tests: Leeds three more times, one a turn.
const P4: &str = "\
P4: Leeds is where I grew up.
Interviewer: And now?
P4: Still Leeds, the north side of Leeds.
";

/// The review a scan of P3 could have written (rows by kind, then term, as the file keeps
/// them): two rows decided `replace`, two to `review`.
const REVIEW: &str = "\
term,kind,rule,count,example,decision,replacement,note
Sarah,name,first-name-list,2,P3: …neighbour Sarah told…,review,,
Sarah Jones,speaker,speaker-label,2,P3: Sarah Jones: My…,replace,[Name 1],
Leeds,place,place-list,1,P3: …near Leeds…,review,,
sarah.jones@example.org,email,email-pattern,1,P3: …me at sarah.jones@example.org…,replace,[Email],
";

/// The test study (see [`common::study`]) with P3 and the review above, written as the
/// study writes it (so a write that changes a row back gives back these exact bytes).
fn plant(study: &Study) -> String {
    std::fs::write(study.transcripts_dir().join("P3.txt"), P3).unwrap();
    let review = Review::parse(REVIEW, std::path::Path::new("review.csv")).unwrap();
    let text = review.to_csv();
    let path = review_path(study);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &text).unwrap();
    text
}

fn review_path(study: &Study) -> std::path::PathBuf {
    study.root().join("anonymisation").join("review.csv")
}

/// The review on disk.
fn on_disk(study: &Study) -> Review {
    let path = review_path(study);
    Review::parse(&std::fs::read_to_string(&path).unwrap(), &path).unwrap()
}

fn fixture() -> (Fixture, String) {
    let f = Fixture::new();
    let text = plant(&f.study);
    (f, text)
}

fn terms(page: &Value) -> Vec<&str> {
    page["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect()
}

fn term<'a>(page: &'a Value, name: &str) -> &'a Value {
    page["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == name)
        .unwrap_or_else(|| panic!("no term {name:?} in {page}"))
}

fn turns_of(t: &Value) -> Vec<u64> {
    t["extracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["turn"].as_u64().unwrap())
        .collect()
}

#[test]
fn the_list_shows_each_term_with_its_occurrences_in_context() {
    let (f, _) = fixture();
    let page = f.json("/api/anonymise");
    assert_eq!(page["exists"], true);
    assert_eq!(page["all"], 4);
    assert_eq!(page["total"], 4);
    // The file's order: by kind (name, speaker, place, email), then term.
    assert_eq!(terms(&page), ["Sarah", "Sarah Jones", "Leeds", EMAIL]);
    assert_eq!(
        page["decisions"],
        json!([{"decision": "replace", "n": 2}, {"decision": "review", "n": 2}, {"decision": "keep", "n": 0}])
    );

    // The e-mail: once, in P3's turn 2, with the words on each side.
    let email = term(&page, EMAIL);
    assert_eq!(
        (email["found"].as_u64(), email["transcripts"].as_u64()),
        (Some(1), Some(1))
    );
    let x = &email["extracts"][0];
    assert_eq!(
        (x["transcript"].as_str(), x["turn"].as_u64()),
        (Some("P3"), Some(2))
    );
    assert_eq!(x["speaker"], "Sarah Jones");
    assert_eq!(x["text"], EMAIL);
    let (start, end) = span(&f.study, "P3", 2, EMAIL);
    assert_eq!(
        (x["start"].as_u64(), x["end"].as_u64()),
        (Some(start as u64), Some(end as u64))
    );
    assert!(
        x["before"].as_str().unwrap().ends_with("Write to me at "),
        "{x}"
    );
    assert_eq!(x["after"], " if you need more.");

    // "Sarah Jones" is each of her two turns' label (the longer term wins over "Sarah"
    // there); "Sarah" alone is in turns 2 and 3, and not inside the e-mail address.
    let full = term(&page, "Sarah Jones");
    assert_eq!(
        (full["found"].as_u64(), turns_of(full)),
        (Some(2), vec![2, 4])
    );
    let first = term(&page, "Sarah");
    assert_eq!(
        (first["found"].as_u64(), turns_of(first)),
        (Some(2), vec![2, 3])
    );
    assert_eq!(first["extracts"][1]["before"], "Interviewer: Thank you, ");
    assert_eq!(first["extracts"][1]["after"], ".");
    // What apply puts in for an empty replacement.
    assert_eq!(term(&page, "Leeds")["suggested"], "[Place]");
}

#[test]
fn the_list_filters_by_kind_and_decision_and_pages() {
    let (f, _) = fixture();
    let review = f.json("/api/anonymise?decision=review");
    assert_eq!(terms(&review), ["Sarah", "Leeds"]);
    assert_eq!(review["total"], 2);
    assert_eq!(review["all"], 4, "the counts stay the whole file's");
    assert_eq!(terms(&f.json("/api/anonymise?kind=email")), [EMAIL]);
    assert_eq!(
        terms(&f.json("/api/anonymise?kind=place&decision=replace")),
        Vec::<&str>::new()
    );
    let second = f.json("/api/anonymise?offset=1&limit=2&per_term=1");
    assert_eq!(terms(&second), ["Sarah Jones", "Leeds"]);
    assert_eq!(second["terms"][0]["extracts"].as_array().unwrap().len(), 1);
    assert_eq!(second["terms"][0]["found"], 2, "counted whatever is shown");
    let bad = f.get("/api/anonymise?kind=person");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("not a kind"), "{}", bad.text());
    assert_eq!(f.get("/api/anonymise?decision=maybe").status, 400);

    // The rest of one term's extracts, a page at a time.
    let rest = f.json("/api/anonymise/extracts?term=sarah&offset=1&limit=5");
    assert_eq!(rest["term"], "Sarah");
    assert_eq!(rest["total"], 2);
    assert_eq!(turns_of(&json!({"extracts": rest["extracts"]})), [3]);
    assert_eq!(f.get("/api/anonymise/extracts?term=Bradford").status, 404);
}

#[test]
fn a_decision_and_a_replacement_are_written_to_the_file_and_logged() {
    let (f, original) = fixture();
    let version = f.json("/api/anonymise")["version"]
        .as_str()
        .unwrap()
        .to_string();
    let r = f.with_body(
        "POST",
        "/api/anonymise/decision",
        &json!({"term": "Sarah", "decision": "replace", "replacement": "[Name 1]", "version": version}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = r.json();
    assert_eq!(answer["row"]["decision"], "replace");
    assert_eq!(
        answer["before"],
        json!({"decision": "review", "replacement": ""})
    );
    assert_ne!(answer["version"], json!(version));
    assert_eq!(
        answer["decisions"][0],
        json!({"decision": "replace", "n": 3})
    );

    let review = on_disk(&f.study);
    let sarah = review.get("Sarah").unwrap();
    assert_eq!(
        (sarah.decision, sarah.replacement.as_str()),
        (Decision::Replace, "[Name 1]")
    );
    // Only that row changed: the file is the original with that one line changed.
    let now = std::fs::read_to_string(review_path(&f.study)).unwrap();
    let changed: Vec<(&str, &str)> = original
        .lines()
        .zip(now.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [(
            "Sarah,name,first-name-list,2,P3: …neighbour Sarah told…,review,,",
            "Sarah,name,first-name-list,2,P3: …neighbour Sarah told…,replace,[Name 1],"
        )]
    );
    let logged = f.study.changes().unwrap();
    let last = logged.last().unwrap();
    // One line for the one decision (not a second "anonymise review" line for the write).
    assert_ne!(
        logged.iter().rev().nth(1).map(|c| c.action.as_str()),
        Some("anonymise review"),
        "{logged:?}"
    );
    // Who, and what changed, but never the term itself (the log is shared with the study).
    assert_eq!(
        (last.who.as_str(), last.action.as_str()),
        ("KW", "anonymise decision")
    );
    assert_eq!(
        last.detail,
        "one name term (first-name-list): review → replace; replacement changed"
    );
    assert!(!last.detail.contains("Sarah"));

    // A replacement alone, then Undo as the page does it: the old values written back
    // with the version just answered, which gives back the file's first bytes.
    let v2 = answer["version"].as_str().unwrap();
    let r = f.with_body(
        "POST",
        "/api/anonymise/decision",
        &json!({"term": "Leeds", "replacement": " [Town] ", "version": v2}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        on_disk(&f.study).get("Leeds").unwrap().replacement,
        "[Town]"
    );
    let v3 = r.json()["version"].as_str().unwrap().to_string();
    for (term, before, version) in [
        (
            "Leeds",
            json!({"decision": "review", "replacement": ""}),
            v3,
        ),
        ("Sarah", answer["before"].clone(), String::new()),
    ] {
        let version = if version.is_empty() {
            f.json("/api/anonymise")["version"]
                .as_str()
                .unwrap()
                .to_string()
        } else {
            version
        };
        let mut body = before.clone();
        body["term"] = json!(term);
        body["version"] = json!(version);
        let r = f.with_body("POST", "/api/anonymise/decision", &body);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    assert_eq!(
        std::fs::read_to_string(review_path(&f.study)).unwrap(),
        original
    );
}

#[test]
fn a_write_decided_on_an_older_file_is_refused_and_nothing_is_written() {
    let (f, original) = fixture();
    let version = f.json("/api/anonymise")["version"]
        .as_str()
        .unwrap()
        .to_string();
    // Meanwhile, the file is saved from a spreadsheet with a note on Leeds.
    let edited = original.replace(
        "place-list,1,P3: …near Leeds…,review,,",
        "place-list,1,P3: …near Leeds…,review,,a real town",
    );
    assert_ne!(edited, original);
    std::fs::write(review_path(&f.study), &edited).unwrap();
    let r = f.with_body(
        "POST",
        "/api/anonymise/decision",
        &json!({"term": "Leeds", "decision": "keep", "version": version}),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(
        r.text().contains("has changed since this page read it"),
        "{}",
        r.text()
    );
    assert_eq!(
        std::fs::read_to_string(review_path(&f.study)).unwrap(),
        edited
    );
    // Reloaded, the page has the new version, and the decision goes through, keeping the
    // spreadsheet's note.
    let page = f.json("/api/anonymise");
    assert_eq!(term(&page, "Leeds")["note"], "a real town");
    let r = f.with_body(
        "POST",
        "/api/anonymise/decision",
        &json!({"term": "Leeds", "decision": "keep", "version": page["version"]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let leeds = on_disk(&f.study).get("Leeds").unwrap().clone();
    assert_eq!(
        (leeds.decision, leeds.note.as_str()),
        (Decision::Keep, "a real town")
    );
    // Nothing to change, an unknown term, a decision that is not one: refused.
    for (body, status) in [
        (json!({"term": "Leeds", "version": page["version"]}), 400),
        (
            json!({"term": "Bradford", "decision": "keep", "version": "x"}),
            409,
        ),
        (
            json!({"term": "Leeds", "decision": "maybe", "version": "x"}),
            400,
        ),
    ] {
        let r = f.with_body("POST", "/api/anonymise/decision", &body);
        assert_eq!(r.status, status, "{body}: {}", r.text());
    }
    let version = f.json("/api/anonymise")["version"].clone();
    let r = f.with_body(
        "POST",
        "/api/anonymise/decision",
        &json!({"term": "Bradford", "decision": "keep", "version": version}),
    );
    assert_eq!(r.status, 404, "{}", r.text());
}

#[test]
fn a_missed_term_is_added_once_and_found_from_then_on() {
    let (f, _) = fixture();
    let r = f.with_body(
        "POST",
        "/api/anonymise/terms",
        &json!({"term": "Tuesday\n group", "kind": "organisation"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let added = r.json();
    assert_eq!(added["created"], true);
    assert_eq!(added["row"]["term"], "Tuesday group");
    assert_eq!(added["row"]["rule"], "manual");
    assert_eq!(added["row"]["decision"], "replace");
    assert_eq!(added["row"]["replacement"], "[Organisation]");
    assert_eq!(added["row"]["found"], 1);
    assert_eq!(added["row"]["extracts"][0]["turn"], 4);
    let row = on_disk(&f.study).get("Tuesday group").unwrap().clone();
    assert_eq!(row.kind.as_str(), "organisation");
    // Again, in another case: the row that is there is answered, nothing added.
    let again = f.with_body(
        "POST",
        "/api/anonymise/terms",
        &json!({"term": "tuesday GROUP", "kind": "place"}),
    );
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["created"], false);
    assert_eq!(on_disk(&f.study).len(), 5);
    // A person gets the next number after the file's [Name 1].
    let r = f.with_body(
        "POST",
        "/api/anonymise/terms",
        &json!({"term": "Margaret", "kind": "name"}),
    );
    assert_eq!(r.json()["row"]["replacement"], "[Name 2]");
    let log = f.study.changes().unwrap();
    let adds: Vec<&str> = log
        .iter()
        .filter(|c| c.action == "anonymise add")
        .map(|c| c.detail.as_str())
        .collect();
    assert_eq!(
        adds,
        [
            "one organisation term added by hand (manual)",
            "one name term added by hand (manual)"
        ]
    );
    for body in [
        json!({"term": "  ", "kind": "name"}),
        json!({"term": "Leeds", "kind": "person"}),
    ] {
        assert_eq!(
            f.with_body("POST", "/api/anonymise/terms", &body).status,
            400
        );
    }
}

#[test]
fn without_a_review_the_view_says_so() {
    let f = Fixture::new();
    let page = f.json("/api/anonymise");
    assert_eq!(page["exists"], false);
    assert_eq!(page["total"], 0);
    // A term added from the reader starts the file.
    std::fs::write(f.study.transcripts_dir().join("P3.txt"), P3).unwrap();
    let r = f.with_body(
        "POST",
        "/api/anonymise/terms",
        &json!({"term": "Leeds", "kind": "place"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(on_disk(&f.study).len(), 1);
}

// ---------- in the browsers ----------

/// The scenario, in either browser: the view lists the e-mail and the name with their
/// extracts; Keep is written to the file and Undo writes the old decision back; a
/// replacement is written; a decision on a file changed meanwhile is refused and says so,
/// and goes through after Reload; a selection in the reader is added as a term.
fn scenario(b: &dyn Driver, url: &str, study: &Study, shots: bool) {
    b.go(&format!("{url}#/anonymise"));
    b.wait_for(
        "return document.querySelectorAll('.anon-term').length === 4",
        "the four terms",
    );
    let email_card = format!(".anon-term[data-term=\"{EMAIL}\"]");
    assert_eq!(
        b.run(
            &format!(
                "return document.querySelector('{email_card} .anon-extract mark').textContent"
            ),
            json!([])
        ),
        json!(EMAIL)
    );
    assert_eq!(
        b.run(
            "return document.querySelectorAll('.anon-term[data-term=\"Sarah Jones\"] .anon-extract').length",
            json!([])
        ),
        json!(2)
    );
    let href = b.run(
        &format!(
            "return document.querySelector('{email_card} .anon-extract a').getAttribute('href')"
        ),
        json!([]),
    );
    assert!(
        href.as_str().unwrap().starts_with("#/t/P3?turn=2&hit="),
        "{href}"
    );
    if shots {
        b.save_screenshot("anonymise");
    }

    // Keep the e-mail (as a test: it is an identifier).
    b.click(&format!("{email_card} button[data-decision=\"keep\"]"));
    wait_on_disk(study, EMAIL, |r| r.decision == Decision::Keep);
    b.wait_for(
        &format!("return document.querySelector('{email_card}').dataset.decision === 'keep'"),
        "the Keep button pressed",
    );
    // Undo, from the status line, writes the old decision back.
    b.click("#status button");
    wait_on_disk(study, EMAIL, |r| r.decision == Decision::Replace);
    b.wait_for(
        &format!(
            "return document.querySelector('{email_card}').dataset.decision === 'replace' && document.getElementById('status').textContent.includes('Undone')"
        ),
        "the decision undone on the page",
    );

    // Leeds: once in P3 and three times in P4; three shown, the fourth on demand.
    let leeds = ".anon-term[data-term=\"Leeds\"]";
    assert_eq!(
        b.run(
            &format!("return document.querySelectorAll('{leeds} .anon-extract').length"),
            json!([])
        ),
        json!(3)
    );
    b.click(&format!("{leeds} button.more"));
    b.wait_for(
        &format!(
            "return [...document.querySelectorAll('{leeds} .anon-extract a')].map((a) => a.textContent).join(',') === 'P3 · turn 4,P4 · turn 1,P4 · turn 3,P4 · turn 3'"
        ),
        "the fourth extract of Leeds",
    );
    // A replacement for Leeds, typed and Enter.
    b.type_into(
        ".anon-term[data-term=\"Leeds\"] input.replacement",
        "[Town]\u{E007}",
    );
    wait_on_disk(study, "Leeds", |r| r.replacement == "[Town]");

    // The file is saved from a spreadsheet meanwhile: the next decision is refused.
    let path = review_path(study);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("[Name 1],", "[Name 1],spreadsheet note"),
    )
    .unwrap();
    b.click(".anon-term[data-term=\"Sarah\"] button[data-decision=\"replace\"]");
    b.wait_for(
        "const e = document.getElementById('error'); return !e.hidden && e.textContent.includes('has changed since this page read it')",
        "the refusal",
    );
    assert_eq!(
        on_disk(study).get("Sarah").unwrap().decision,
        Decision::Review
    );
    // Reloaded, it goes through.
    b.click("button.reload");
    b.wait_for(
        "return document.querySelectorAll('.anon-term').length === 4 && document.querySelector('.anon-term[data-term=\"Leeds\"] input.replacement').value === '[Town]'",
        "the view reloaded",
    );
    b.click(".anon-term[data-term=\"Sarah\"] button[data-decision=\"replace\"]");
    wait_on_disk(study, "Sarah", |r| r.decision == Decision::Replace);
    assert_eq!(
        on_disk(study).get("Sarah Jones").unwrap().note,
        "spreadsheet note"
    );

    // In the reader: select "Tuesday group" and add it as an organisation.
    b.run("location.hash = '#/t/P3'; return true;", json!([]));
    b.wait_for(
        "return !!document.querySelector('.turn .text[data-n=\"4\"]')",
        "the reader",
    );
    assert_eq!(
        b.run(common::SELECT, json!([4, "Tuesday group"])),
        json!("Tuesday group")
    );
    b.wait_for(
        "return !!document.querySelector('#selection details.add-identifier')",
        "the Add as identifier menu",
    );
    b.click("#selection details.add-identifier > summary");
    if shots {
        b.save_screenshot("anonymise-add");
    }
    b.click("#selection details.add-identifier button[data-kind=\"organisation\"]");
    wait_on_disk(study, "Tuesday group", |r| {
        r.kind.as_str() == "organisation" && r.rule.as_str() == "manual"
    });
    b.wait_for(
        "return document.getElementById('status').textContent.includes('Added “Tuesday group”')",
        "the message",
    );
}

/// Waits (bounded) until the row of `term` on disk satisfies `ok`.
fn wait_on_disk(study: &Study, term: &str, ok: impl Fn(&thematic_anonymise::ReviewRow) -> bool) {
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(review_path(study))
            && let Ok(review) = Review::parse(&text, &review_path(study))
            && review.get(term).is_some_and(&ok)
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!(
        "the row of {term:?} in review.csv never became as expected:\n{}",
        std::fs::read_to_string(review_path(study)).unwrap_or_default()
    );
}

/// The planted study with P4 added, served for KW: its folder (kept while the test runs),
/// the study and the server.
fn planted_server() -> (tempfile::TempDir, Study, thematic_serve::Running) {
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    plant(&study);
    std::fs::write(study.transcripts_dir().join("P4.txt"), P4).unwrap();
    let server =
        thematic_serve::Running::start(thematic_serve::ServeOptions::new(dir.path(), "KW"))
            .unwrap();
    (dir, study, server)
}

#[test]
fn in_chromium_the_review_view_decides_and_the_reader_adds_a_term() {
    let _serial = serial();
    let Some(browser) = common::chromium::Browser::start() else {
        return;
    };
    let (_dir, study, server) = planted_server();
    scenario(&browser, &server.url(), &study, true);
}

#[test]
fn in_firefox_the_review_view_decides_and_the_reader_adds_a_term() {
    let _serial = serial();
    let Some(ff) = common::firefox::Firefox::start() else {
        return;
    };
    let (_dir, study, server) = planted_server();
    scenario(&ff, &server.url(), &study, false);
}

#[test]
fn a_scan_from_the_view_finds_the_planted_emails_and_name_and_keeps_decisions() {
    let f = Fixture::new();
    let email = "info@tuesdaygroup.org.uk";
    let text = P3.replace("Tuesday group", &format!("Tuesday group ({email})"));
    std::fs::write(f.study.transcripts_dir().join("P3.txt"), text).unwrap();
    let r = f.with_body("POST", "/api/anonymise/scan", &json!({}));
    assert_eq!(r.status, 200, "{}", r.text());
    let scanned = r.json();
    // P1, P2 and P3; nothing in the file before, so every term is new.
    assert_eq!(scanned["transcripts"], 3);
    assert_eq!(scanned["added"], scanned["terms"]);
    let page = f.json("/api/anonymise");
    let found = term(&page, email);
    assert_eq!(
        (found["kind"].as_str(), found["decision"].as_str()),
        (Some("email"), Some("replace"))
    );
    assert_eq!(
        (found["found"].as_u64(), turns_of(found)),
        (Some(1), vec![4])
    );
    assert_eq!(
        found["extracts"][0]["before"],
        "Sarah Jones: I live near Leeds, so the Tuesday group ("
    );
    // Her e-mail address, which holds her name: the address is one term, and her first
    // name alone is counted only outside it (turns 2 and 3).
    let address = term(&page, EMAIL);
    assert_eq!(address["kind"], "email");
    assert_eq!(
        (address["found"].as_u64(), turns_of(address)),
        (Some(1), vec![2])
    );
    let first = term(&page, "Sarah");
    assert_eq!(
        (first["found"].as_u64(), turns_of(first)),
        (Some(2), vec![2, 3])
    );
    // Her name, known as her speaker label: both labels.
    let name = term(&page, "Sarah Jones");
    assert_eq!(name["rule"], "known-participant");
    assert_eq!(
        (name["found"].as_u64(), turns_of(name)),
        (Some(2), vec![2, 4])
    );

    // A decision, then a second scan: nothing new, and the decision stands.
    let r = f.with_body(
        "POST",
        "/api/anonymise/decision",
        &json!({"term": "Leeds", "decision": "keep", "version": page["version"]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let again = f.with_body("POST", "/api/anonymise/scan", &json!({}));
    assert_eq!(again.json()["added"], 0);
    assert_eq!(
        on_disk(&f.study).get("Leeds").unwrap().decision,
        Decision::Keep
    );
}

#[test]
fn a_review_file_that_cannot_be_read_is_refused_with_its_line() {
    let (f, original) = fixture();
    // Saved from a spreadsheet with a decision nobody defined, on the Leeds row (line 4).
    let broken = original.replace(
        "place-list,1,P3: …near Leeds…,review",
        "place-list,1,P3: …near Leeds…,maybe",
    );
    std::fs::write(review_path(&f.study), &broken).unwrap();
    let r = f.get("/api/anonymise");
    assert_eq!(r.status, 422, "{}", r.text());
    let message = r.json()["error"].as_str().unwrap().to_string();
    assert!(message.contains("review.csv:4:"), "{message}");
    assert!(message.contains("maybe"), "{message}");
    // A write is refused too, and the file is left as it was.
    let w = f.with_body(
        "POST",
        "/api/anonymise/terms",
        &json!({"term": "Bradford", "kind": "place"}),
    );
    assert_eq!(w.status, 422, "{}", w.text());
    assert_eq!(
        std::fs::read_to_string(review_path(&f.study)).unwrap(),
        broken
    );
}

/// The quote view's downloads, with an identifier accepted in the review but not applied in
/// a quoted extract: the Word download is refused on the page (not saved as an error in
/// quotes.docx), and goes through pseudonymised when "pseudonymise" is ticked.
fn downloads_scenario(b: &dyn Driver, url: &str, shots: bool) {
    b.go(&format!("{url}#/quotes"));
    b.wait_for(
        "return !!document.querySelector('.downloads a[data-format=\"docx\"]')",
        "the downloads",
    );
    b.click(".downloads a[data-format=\"docx\"]");
    b.wait_for(
        "const r = document.querySelector('.download-refused'); return !r.hidden && r.textContent.includes('e-mail') && r.textContent.includes('pseudonymise')",
        "the refusal on the page",
    );
    if shots {
        b.save_screenshot("quotes-download-refused");
    }
    assert_eq!(
        b.run(
            "return document.querySelector('.downloads .download-links').dataset.last || ''",
            json!([])
        ),
        json!("")
    );
    b.click(".downloads input[name=\"anonymise\"]");
    b.click(".downloads a[data-format=\"docx\"]");
    b.wait_for(
        "return document.querySelector('.downloads .download-links').dataset.last === 'docx-pseudonymised' && document.querySelector('.download-refused').hidden",
        "the pseudonymised download",
    );
}

/// P3's e-mail quoted by KW, the review accepting it (see [`REVIEW`]).
fn quoted_identifier() -> (tempfile::TempDir, thematic_serve::Running) {
    let dir = tempfile::tempdir().unwrap();
    let study = common::study(dir.path());
    plant(&study);
    common::code(
        &study,
        "KW",
        "P3",
        2,
        "Write to me at sarah.jones@example.org",
        "what-matters",
    );
    let server =
        thematic_serve::Running::start(thematic_serve::ServeOptions::new(dir.path(), "KW"))
            .unwrap();
    (dir, server)
}

#[test]
fn in_chromium_a_download_with_an_identifier_is_refused_on_the_page_or_pseudonymised() {
    let _serial = serial();
    let Some(browser) = common::chromium::Browser::start() else {
        return;
    };
    let (_dir, server) = quoted_identifier();
    downloads_scenario(&browser, &server.url(), true);
}

#[test]
fn in_firefox_a_download_with_an_identifier_is_refused_on_the_page_or_pseudonymised() {
    let _serial = serial();
    let Some(ff) = common::firefox::Firefox::start() else {
        return;
    };
    let (_dir, server) = quoted_identifier();
    downloads_scenario(&ff, &server.url(), false);
}
