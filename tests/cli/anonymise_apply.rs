//! `thematic anonymise apply` end to end, and the guards that keep accepted identifiers out
//! of every export: a study with planted names, a place, an e-mail address and a named
//! speaker is scanned, reviewed (decisions written as a researcher would), applied, checked
//! and exported.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use thematic_study::CodingsFile;

use crate::util::Dir;

/// Every planted identifier, as written in the transcripts and participants.csv.
const ORIGINALS: [&str; 5] = [
    "John",
    "Leeds",
    "Patel",
    "sarah.jones@example.org",
    "Ann Smith",
];

/// The researcher's decisions: every planted term replaced.
const REVIEW: &str = "term,kind,rule,count,example,decision,replacement,note
John,name,manual,0,,replace,[Name 1],
Ann Smith,speaker,manual,0,,replace,[Name 2],
Patel,name,manual,0,,replace,[Name 3],
Leeds,place,manual,0,,replace,[Town],
sarah.jones@example.org,email,manual,0,,replace,[email address],
";

/// A study `s` with two transcripts, a named speaker in participants.csv and three
/// codings by KW, two of them over words that hold an identifier.
fn planted() -> Dir {
    let d = Dir::new();
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let p1 = d.write(
        "in/P1.txt",
        "Interviewer: Thanks for coming in today.\n\n\
         P1: My husband John drove me to the clinic in Leeds, you know.\n\n\
         Interviewer: And how was the appointment?\n\n\
         P1: Dr Patel was lovely. You can email me at sarah.jones@example.org if you need anything.\n",
    );
    let p2 = d.write(
        "in/P2.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>What helps you most?\n\n\
         00:00:05.000 --> 00:00:09.500\n<v Ann Smith>Being heard, really. John said the same thing.\n\n\
         00:00:10.000 --> 00:00:12.000\n<v Interviewer>Thank you.\n",
    );
    d.cmd_in("s", &["import", p1.to_str().unwrap(), p2.to_str().unwrap()])
        .ok();
    d.write(
        "s/participants.csv",
        "participant,transcript,speaker,gender\nP1,P1,,female\nP2a,P2,Ann Smith,female\n",
    );
    let theme = "asking-questions";
    d.code(
        "s",
        "KW",
        "P1",
        "2",
        Some("My husband John drove me to the clinic in Leeds"),
        theme,
    );
    d.code("s", "KW", "P1", "4", Some("Dr Patel was lovely."), theme);
    d.code("s", "KW", "P2", "2", Some("Being heard, really."), theme);
    d
}

/// The scan, then the researcher's review written over it.
fn scan_and_review(d: &Dir) {
    d.cmd_in("s", &["anonymise", "scan"]).ok();
    let scanned = d.read("s/anonymisation/review.csv");
    // The scanner finds at least the e-mail address and the named speaker by itself.
    for term in ["sarah.jones@example.org", "Ann Smith"] {
        assert!(
            scanned.contains(term),
            "{term} not found by the scan:\n{scanned}"
        );
    }
    d.write("s/anonymisation/review.csv", REVIEW);
}

/// Every file under `dir` and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

/// The study's own files (its cache `.thematic/` and empty lock files left out: reading
/// a study may build the one and leave the others), compared with `before`: the paths that
/// differ.
fn changed(dir: &Path, before: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    let own = |m: &BTreeMap<PathBuf, Vec<u8>>| -> BTreeMap<PathBuf, Vec<u8>> {
        m.iter()
            .filter(|(p, _)| {
                !p.starts_with(".thematic") && p.extension().is_none_or(|e| e != "lock")
            })
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let (a, b) = (own(before), own(&snapshot(dir)));
    let mut paths: Vec<PathBuf> = a.keys().chain(b.keys()).cloned().collect();
    paths.sort();
    paths.dedup();
    paths.retain(|p| a.get(p) != b.get(p));
    paths
}

/// The planted identifiers found in `bytes`, or in every entry when `bytes` is a zip
/// (a .qdpx project, a Word or Excel file).
fn originals_in(bytes: &[u8]) -> Vec<&'static str> {
    let mut texts: Vec<String> = Vec::new();
    if bytes.starts_with(b"PK") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..zip.len() {
            let mut s = Vec::new();
            zip.by_index(i).unwrap().read_to_end(&mut s).unwrap();
            texts.push(String::from_utf8_lossy(&s).into_owned());
        }
    } else {
        texts.push(String::from_utf8_lossy(bytes).into_owned());
    }
    ORIGINALS
        .into_iter()
        .filter(|o| texts.iter().any(|t| t.contains(o)))
        .collect()
}

fn codings(d: &Dir) -> Vec<thematic_study::Coding> {
    CodingsFile::read(&d.join("s/codings/KW.csv"))
        .unwrap()
        .codings
}

#[test]
fn scan_then_apply_replaces_every_accepted_term_and_keeps_every_coding() {
    let d = planted();
    scan_and_review(&d);
    let before = codings(&d);
    let study_before = snapshot(&d.join("s"));

    // The dry run lists every change and writes nothing, in the study or beside it.
    let run = d
        .cmd_in(
            "s",
            &["anonymise", "apply", "--dry-run", "--format", "json"],
        )
        .ok();
    let rows = run.json();
    // P1: John, Leeds, Patel, the e-mail address (4); P2: the label "Ann Smith" and John
    // (2); participants.csv: the speaker "Ann Smith" (1).
    assert_eq!(rows.as_array().unwrap().len(), 7, "{rows:#}");
    let john = &rows[0];
    assert_eq!(
        (
            john["transcript"].as_str(),
            john["turn"].as_u64(),
            john["line"].as_u64(),
            john["before"].as_str(),
            john["after"].as_str()
        ),
        (Some("P1"), Some(2), Some(3), Some("John"), Some("[Name 1]")),
        "{rows:#}"
    );
    // "P1: My husband " is 15 code points into line 3, which starts at code point 42
    // ("Interviewer: Thanks for coming in today.\n\n" is 42): John at 57.
    assert_eq!(john["offset"], 57);
    assert!(
        john["context"]
            .as_str()
            .unwrap()
            .contains("My husband [John → [Name 1]] drove me"),
        "{john}"
    );
    // The speaker label loses its brackets so it stays a label; in participants.csv too.
    let label: Vec<&serde_json::Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["before"] == "Ann Smith")
        .collect();
    assert_eq!(label.len(), 2, "{rows:#}");
    assert!(label.iter().all(|r| r["after"] == "Name 2"), "{rows:#}");
    // The transcript's label says `label` in the turn column; participants.csv has no turn.
    let turns: Vec<(&str, &serde_json::Value)> = label
        .iter()
        .map(|r| (r["file"].as_str().unwrap_or(""), &r["turn"]))
        .collect();
    assert!(
        turns.iter().any(|(_, t)| **t == "label")
            && turns
                .iter()
                .any(|(f, t)| f.ends_with("participants.csv") && t.is_null()),
        "{turns:?}"
    );
    assert!(
        run.stderr()
            .contains("dry run, nothing written: 7 occurrence(s) of 5 term(s) would be replaced in 2 transcript(s) and 1 in participants.csv; codings: 0 kept, 3 moved, 0 orphaned"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        snapshot(&d.join("s")),
        study_before,
        "a dry run wrote into the study"
    );
    assert!(
        !d.join("s-anonymisation-key").exists(),
        "a dry run made the key folder"
    );

    // The real thing.
    let run = d.cmd_in("s", &["anonymise", "apply"]).ok();
    assert!(
        run.stderr()
            .contains("codings: 0 kept, 3 moved, 0 orphaned"),
        "{}",
        run.stderr()
    );
    let p1 = d.read("s/transcripts/P1.txt");
    assert!(
        p1.contains("P1: My husband [Name 1] drove me to the clinic in [Town], you know."),
        "{p1}"
    );
    assert!(
        p1.contains("Dr [Name 3] was lovely. You can email me at [email address] if"),
        "{p1}"
    );
    let shown = d.cmd_in("s", &["show", "P2"]).ok().stdout();
    assert!(
        shown.contains("Name 2: Being heard, really. [Name 1] said the same thing."),
        "{shown}"
    );
    assert_eq!(
        d.read("s/participants.csv"),
        "participant,transcript,speaker,gender\nP1,P1,,female\nP2a,P2,Name 2,female\n"
    );
    // The caption transcript's words and its speaker's label change in one rewrite: one
    // re-anchoring of P2 and one "edit-text" line for both passages (John, and the label
    // "Ann Smith"), not a second update for the label.
    let changes = d.read("s/changelog.csv");
    let of_p2 = |action: &str| {
        changes
            .lines()
            .filter(|l| l.contains(&format!(",{action},")) && l.contains("P2"))
            .count()
    };
    assert_eq!((of_p2("reanchor"), of_p2("edit-text")), (1, 1), "{changes}");
    assert!(
        changes.contains(",edit-text,,P2: 2 passage(s) rewritten"),
        "{changes}"
    );
    // Every coding moved with its words, none orphaned: the coding over the sentence that
    // named John and Leeds now quotes the pseudonymised sentence.
    let after = codings(&d);
    assert_eq!(after.len(), before.len());
    assert!(
        after.iter().all(|c| c.status == thematic_study::Status::Ok),
        "{after:?}"
    );
    assert_eq!(
        after[0].text,
        "My husband [Name 1] drove me to the clinic in [Town]"
    );
    assert_eq!(after[1].text, "Dr [Name 3] was lovely.");
    assert_eq!(after[2].text, "Being heard, really.");
    assert_eq!(after[0].id, before[0].id);
    // `check` is clean, and so is `check --identifiers` but for the change log's history
    // (a warning: `code` logged the words it coded).
    d.cmd_in("s", &["check"]).ok();
    let run = d
        .cmd_in("s", &["check", "--identifiers", "--format", "json"])
        .ok();
    let found = run.json();
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "warning"
                && f["file"].as_str().unwrap().ends_with("changelog.csv")),
        "{found:#}"
    );

    // The key is beside the study, not in it; nothing in the study names the originals
    // but the review itself and the change log's history.
    let key = d.read("s-anonymisation-key/key.csv");
    assert!(key.starts_with("term,kind,replacement,label\n"), "{key}");
    assert!(key.contains("John,name,[Name 1],Name 1\n"), "{key}");
    assert!(key.contains("Ann Smith,speaker,[Name 2],Name 2\n"), "{key}");
    let log = d.read("s-anonymisation-key/log.csv");
    assert_eq!(log.lines().count(), 1 + 7, "{log}");
    assert!(
        log.contains(",transcripts/P1.txt,P1,57,3,John,[Name 1]\n"),
        "{log}"
    );
    assert!(
        !d.join("s-anonymisation-key/originals").exists(),
        "originals only when asked"
    );
    for (path, bytes) in snapshot(&d.join("s")) {
        let name = path.to_string_lossy();
        if name == "anonymisation/review.csv" || name == "changelog.csv" {
            continue;
        }
        assert!(
            originals_in(&bytes).is_empty(),
            "{name} still holds {:?}",
            originals_in(&bytes)
        );
        assert!(!name.contains("key"), "{name}: the key went into the study");
    }

    // A re-scan keeps every decision and replacement.
    d.cmd_in("s", &["anonymise", "scan"]).ok();
    let review = d.read("s/anonymisation/review.csv");
    for (term, replacement) in [
        ("John", "[Name 1]"),
        ("Ann Smith", "[Name 2]"),
        ("Leeds", "[Town]"),
    ] {
        let row = review
            .lines()
            .find(|l| l.starts_with(&format!("{term},")))
            .unwrap_or_else(|| panic!("{term} dropped by the re-scan:\n{review}"));
        assert!(row.contains(&format!(",replace,{replacement},")), "{row}");
    }
    // …and applying again finds nothing more to do.
    d.cmd_in("s", &["anonymise", "apply"])
        .ok()
        .stderr_has("0 occurrence(s) of 0 term(s) replaced in 0 transcript(s)");
}

#[test]
fn check_identifiers_finds_a_planted_leftover_by_file_line_and_turn() {
    let d = planted();
    scan_and_review(&d);
    d.cmd_in("s", &["anonymise", "apply"]).ok();
    // A memo and a new transcript still name accepted terms.
    d.write(
        "s/memos/KW.md",
        "## 2026-11-21T10:15:00Z · journal · m-5f2a9c01d3e7\n\nJohn seemed tired today.\n",
    );
    let p3 = d.write(
        "in/P3.txt",
        "Interviewer: Where do you live?\n\nP3: Just outside Leeds.\n",
    );
    d.cmd_in("s", &["import", p3.to_str().unwrap()]).ok();
    let run = d
        .cmd_in("s", &["check", "--identifiers", "--format", "json"])
        .fails_with(1);
    let found: Vec<serde_json::Value> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .cloned()
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    // Errors sort by file: memos/KW.md before transcripts/P3.txt.
    assert_eq!(found[0]["kind"], "identifier");
    assert!(found[0]["file"].as_str().unwrap().ends_with("memos/KW.md"));
    assert_eq!(found[0]["line"], 3);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("name \"John\"")
    );
    assert_eq!(found[1]["transcript"], "P3");
    assert_eq!(found[1]["line"], 3);
    let m = found[1]["message"].as_str().unwrap();
    assert!(m.contains("place \"Leeds\"") && m.contains("turn 2"), "{m}");
    // Without --identifiers, `check` does not look.
    d.cmd_in("s", &["check"]).ok();
}

#[test]
fn the_key_is_never_written_inside_the_study_unless_asked() {
    let d = planted();
    scan_and_review(&d);
    let before = snapshot(&d.join("s"));
    d.cmd_in("s", &["anonymise", "apply", "--key", "secrets"])
        .fails_with(1)
        .stderr_has("inside the study")
        .stderr_has("--key-inside-study");
    assert_eq!(
        changed(&d.join("s"), &before),
        Vec::<PathBuf>::new(),
        "a refused apply changed the study"
    );
    // Outside, where asked, with the originals.
    d.cmd_in(
        "s",
        &[
            "anonymise",
            "apply",
            "--key",
            "../vault/pilot",
            "--keep-originals",
        ],
    )
    .ok();
    assert!(
        d.read("vault/pilot/key.csv")
            .contains("Leeds,place,[Town],Town")
    );
    let original = d.read("vault/pilot/originals/P1.txt");
    assert!(original.contains("My husband John drove me"), "{original}");
    assert!(
        d.read("vault/pilot/originals/P2.vtt")
            .contains("<v Ann Smith>")
    );
    assert!(!d.join("s-anonymisation-key").exists());
}

#[test]
fn exports_refuse_unapplied_identifiers_unless_allowed_or_anonymised() {
    let d = planted();
    scan_and_review(&d);
    let before = snapshot(&d.join("s"));
    // Quotes: refused, naming the kind and the place, not the words.
    let run = d.cmd_in("s", &["quotes", "--coder", "KW"]).fails_with(1);
    let err = run.stderr();
    assert!(
        err.contains("a name in the words of a quote of P1, turn 2"),
        "{err}"
    );
    assert!(
        err.contains("thematic anonymise apply") && err.contains("--anonymise"),
        "{err}"
    );
    assert!(originals_in(err.as_bytes()).is_empty(), "{err}");
    assert!(run.stdout().is_empty());
    // --allow-identifiers writes them as they are; --anonymise pseudonymises them.
    let allowed = d
        .cmd_in("s", &["quotes", "--coder", "KW", "--allow-identifiers"])
        .ok()
        .stdout();
    assert!(allowed.contains("My husband John drove"), "{allowed}");
    for format in ["md", "csv", "json", "docx", "xlsx"] {
        let out = format!("q.{format}");
        d.cmd_in("s", &["quotes", "--coder", "KW", "--anonymise", "-o", &out])
            .ok();
        let bytes = std::fs::read(d.join("s").join(&out)).unwrap();
        assert!(
            originals_in(&bytes).is_empty(),
            "{out}: {:?}",
            originals_in(&bytes)
        );
        std::fs::remove_file(d.join("s").join(&out)).unwrap();
    }
    let md = d
        .cmd_in("s", &["quotes", "--coder", "KW", "--anonymise"])
        .ok()
        .stdout();
    // Markdown escapes the brackets.
    assert!(
        md.contains(r"My husband \[Name 1\] drove me to the clinic in \[Town\]"),
        "{md}"
    );
    // The REFI-QDA project: refused; anonymised from a copy, with positions that fit.
    d.cmd_in("s", &["export", "../p.qdpx"])
        .fails_with(1)
        .stderr_has("the REFI-QDA project would contain");
    assert!(!d.join("p.qdpx").exists());
    d.cmd_in("s", &["export", "../p.qdpx", "--anonymise"]).ok();
    let qdpx = std::fs::read(d.join("p.qdpx")).unwrap();
    assert!(originals_in(&qdpx).is_empty(), "{:?}", originals_in(&qdpx));
    d.cmd(&["init", "back", "--from", "p.qdpx"]).ok();
    d.cmd_in("back", &["check"]).ok();
    // The coding sheet.
    d.cmd_in("s", &["sheet", "export", "--coder", "KW"])
        .fails_with(1)
        .stderr_has("the coding sheet would contain");
    let sheet = d
        .cmd_in("s", &["sheet", "export", "--coder", "KW", "--anonymise"])
        .ok()
        .stdout();
    assert!(originals_in(sheet.as_bytes()).is_empty(), "{sheet}");
    assert!(sheet.contains("[Name 1]"), "{sheet}");
    // None of it changed the study.
    assert_eq!(changed(&d.join("s"), &before), Vec::<PathBuf>::new());

    // After the apply, every export is written without a flag, and none holds an original
    // or anything of the key.
    d.cmd_in("s", &["anonymise", "apply"]).ok();
    let key = d.read("s-anonymisation-key/key.csv");
    d.cmd_in("s", &["quotes", "--coder", "KW", "-o", "../q.docx"])
        .ok();
    d.cmd_in("s", &["export", "../after.qdpx"]).ok();
    d.cmd_in(
        "s",
        &["sheet", "export", "--coder", "KW", "-o", "../sheet.xlsx"],
    )
    .ok();
    for f in ["q.docx", "after.qdpx", "sheet.xlsx"] {
        let bytes = std::fs::read(d.join(f)).unwrap();
        assert!(
            originals_in(&bytes).is_empty(),
            "{f}: {:?}",
            originals_in(&bytes)
        );
        assert!(!String::from_utf8_lossy(&bytes).contains(key.lines().next().unwrap()));
    }
}

#[test]
fn browser_downloads_refuse_unapplied_identifiers_too() {
    use std::io::Write as _;
    let d = planted();
    scan_and_review(&d);
    let server =
        thematic_serve::Running::start(thematic_serve::ServeOptions::new(d.join("s"), "KW"))
            .unwrap();
    let get = |path: &str| {
        let mut s = std::net::TcpStream::connect(server.addr()).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nX-Thematic-Token: {}\r\nConnection: close\r\n\r\n",
            server.addr(),
            server.token()
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body.to_string())
    };
    let (status, body) = get("/api/quotes?format=csv");
    assert!((400..500).contains(&status), "{status}: {body}");
    assert!(
        body.contains("a name in the words of a quote of P1, turn 2"),
        "{body}"
    );
    assert!(originals_in(body.as_bytes()).is_empty(), "{body}");
    let (status, body) = get("/api/quotes?format=csv&anonymise=1");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("[Name 1]") && originals_in(body.as_bytes()).is_empty(),
        "{body}"
    );
    let (status, body) = get("/api/quotes?format=md&allow_identifiers=1");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("John"), "{body}");
    server.stop().unwrap();
}

#[test]
fn a_capitalised_name_is_replaced_where_capitalised_and_its_lower_case_uses_are_counted() {
    let d = Dir::new();
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let p1 = d.write(
        "in/P1.txt",
        "Interviewer: Who helped?\n\n\
         P1: May from the library. You may know her. I may go back, and May said I should.\n",
    );
    d.cmd_in("s", &["import", p1.to_str().unwrap()]).ok();
    d.write(
        "s/anonymisation/review.csv",
        "term,kind,rule,count,example,decision,replacement,note\nMay,name,manual,0,,replace,[Name 1],\n",
    );
    // Before apply, check finds the name in turn 2 (one finding per term and turn: one
    // error) and warns once that it is also written 2 times in lower case, first in turn 2.
    let run = d
        .cmd_in("s", &["check", "--identifiers", "--format", "json"])
        .fails_with(1);
    let rows = run.json();
    let rows = rows.as_array().unwrap();
    let errors = rows.iter().filter(|f| f["severity"] == "error").count();
    assert_eq!(errors, 1, "{rows:#?}");
    let warning = rows
        .iter()
        .find(|f| f["severity"] == "warning" && f["kind"] == "identifier")
        .unwrap_or_else(|| panic!("no lower-case warning: {rows:#?}"));
    let m = warning["message"].as_str().unwrap();
    assert!(
        m.contains("\"May\"") && m.contains("lower case 2 time(s)") && m.contains("turn 2"),
        "{m}"
    );
    // Apply replaces the two capitalised ones only: the verb stays.
    d.cmd_in("s", &["anonymise", "apply"])
        .ok()
        .stderr_has("2 occurrence(s) of 1 term(s) replaced in 1 transcript(s)");
    let text = d.read("s/transcripts/P1.txt");
    assert!(
        text.contains(
            "P1: [Name 1] from the library. You may know her. I may go back, and [Name 1] said"
        ),
        "{text}"
    );
    // The term in lower case means every case: the next apply replaces the verbs too.
    d.write(
        "s/anonymisation/review.csv",
        "term,kind,rule,count,example,decision,replacement,note\nmay,name,manual,0,,replace,[Name 1],\n",
    );
    d.cmd_in("s", &["anonymise", "apply"])
        .ok()
        .stderr_has("2 occurrence(s) of 1 term(s) replaced");
    assert!(
        d.read("s/transcripts/P1.txt")
            .contains("You [Name 1] know her. I [Name 1] go back"),
    );
}
