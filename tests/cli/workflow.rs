//! The coding workflow end to end: show with codings (blind by default), memos, the log,
//! check, correcting a transcript, coding sheets and merging a copy of the study.

#![allow(clippy::unwrap_used)]

use crate::util::Dir;

const P6: &str = "Interviewer: What matters most in your work?\n\n\
P6: Finding out what matters to them, really. Then we set small goals together.\n\n\
Interviewer: And the GP?\n\n\
P6: The GP gives me time. I recieve referrals every week.\n";

/// A study `s` with transcript P6 and codings by KW (two) and AB (one).
fn study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let f = d.write("in/P6.txt", P6);
    d.cmd_in("s", &["import", f.to_str().unwrap()]).ok();
    for (coder, words, theme) in [
        ("KW", "what matters to them", "what-matters"),
        ("KW", "small goals", "goal-orientation"),
        ("AB", "what matters to them", "empowerment"),
    ] {
        d.cmd_in(
            "s",
            &[
                "code", "P6", "--turn", "2", "--text", words, "--theme", theme, "--coder", coder,
            ],
        )
        .ok();
    }
}

#[test]
fn show_marks_only_the_acting_coders_codings_unless_all_coders() {
    let d = Dir::new();
    study(&d);
    let kw = d
        .cmd_in("s", &["show", "P6", "--turns", "2", "--coder", "KW"])
        .ok()
        .stdout();
    let first = kw.lines().next().unwrap();
    assert_eq!(
        first,
        "[2] P6: Finding out [what-matters]what matters to them[/what-matters], really. Then we set [goal-orientation]small goals[/goal-orientation] together."
    );
    assert!(
        !kw.contains("empowerment"),
        "blind: AB's coding is hidden\n{kw}"
    );
    let all = d
        .cmd_in("s", &["show", "P6", "--turns", "2", "--all-coders"])
        .ok()
        .stdout();
    assert!(
        all.contains("[what-matters/KW][empowerment/AB]what matters to them[/empowerment/AB][/what-matters/KW]")
            || all.contains("[empowerment/AB][what-matters/KW]what matters to them[/what-matters/KW][/empowerment/AB]"),
        "{all}"
    );
    // No coder known: the text only, and a note saying why.
    d.cmd_in("s", &["show", "P6", "--turns", "2"])
        .ok()
        .stderr_has("codings are hidden because no coder is set");
}

#[test]
fn memos_are_dated_markdown_per_coder_and_listed_blind() {
    let d = Dir::new();
    study(&d);
    let id = d
        .cmd_in(
            "s",
            &[
                "memo",
                "add",
                "--theme",
                "what-matters",
                "--coder",
                "KW",
                "Value, not technique?",
            ],
        )
        .ok()
        .stdout();
    d.cmd_in(
        "s",
        &["memo", "add", "--coder", "AB", "Journal: tired today."],
    )
    .ok();
    d.cmd_in(
        "s",
        &[
            "memo",
            "add",
            "--theme",
            "what-mattres",
            "--coder",
            "KW",
            "x",
        ],
    )
    .fails_with(1)
    .stderr_has("did you mean \"what-matters\"?");
    let md = d.read("s/memos/KW.md");
    assert!(md.starts_with("# Memos by KW\n\n## "), "{md}");
    assert!(
        md.contains(&format!(
            " · theme what-matters · {}\n\nValue, not technique?\n",
            id.trim()
        )),
        "{md}"
    );
    let mine = d.json_in("s", &["memo", "list", "--coder", "KW", "--format", "json"]);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["target"], "what-matters");
    let all = d.json_in("s", &["memo", "list", "--all-coders", "--format", "json"]);
    assert_eq!(all.as_array().unwrap().len(), 2);
    let journal = d.json_in(
        "s",
        &[
            "memo",
            "list",
            "--all-coders",
            "--journal",
            "--format",
            "json",
        ],
    );
    assert_eq!(journal[0]["coder"], "AB");
}

#[test]
fn the_log_shows_coding_actions_blind_and_codebook_changes_to_all() {
    let d = Dir::new();
    study(&d);
    d.cmd_in(
        "s",
        &[
            "codebook",
            "rename",
            "what-matters",
            "What matters to the patient",
            "--coder",
            "KW",
        ],
    )
    .ok();
    let kw = d.json_in("s", &["log", "--coder", "KW", "--format", "json"]);
    let actions: Vec<(&str, &str)> = kw
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["who"].as_str().unwrap(), r["action"].as_str().unwrap()))
        .collect();
    assert_eq!(actions, [("KW", "code"), ("KW", "code"), ("KW", "rename")]);
    let all = d.json_in(
        "s",
        &[
            "log",
            "--all-coders",
            "--action",
            "code",
            "--format",
            "json",
        ],
    );
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert!(all[2]["detail"].as_str().unwrap().contains("P6 turn 2"));
    let last = d.json_in(
        "s",
        &["log", "--all-coders", "--last", "1", "--format", "json"],
    );
    assert_eq!(last[0]["action"], "rename");
    // How far AB read is AB's own, like their codings: not in KW's log.
    d.cmd_in("s", &["status", "--mark-read", "P6", "--coder", "AB"])
        .ok();
    let kw_after = d.json_in("s", &["log", "--coder", "KW", "--format", "json"]);
    assert_eq!(kw_after.as_array().unwrap().len(), 3, "{kw_after}");
    let ab = d.json_in("s", &["log", "--coder", "AB", "--format", "json"]);
    assert!(
        ab.as_array().unwrap().iter().any(|r| r["action"] == "read"),
        "{ab}"
    );
}

#[test]
fn check_passes_a_sound_study_and_fails_a_tampered_one() {
    let d = Dir::new();
    study(&d);
    d.cmd_in("s", &["check"])
        .ok()
        .stderr_has("checked 3 codings by 2 coders: 0 errors");
    // Someone edits the stored transcript by hand, and a row gets an unknown theme.
    d.write("s/transcripts/P6.txt", P6.replace("Finding out", "Finding"));
    let csv = d
        .read("s/codings/AB.csv")
        .replace(",empowerment,", ",empowerement,");
    d.write("s/codings/AB.csv", csv);
    let run = d.cmd_in("s", &["check", "--format", "json"]).fails_with(1);
    let rows = run.json();
    let kinds: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "text-mismatch").count(),
        3,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"unknown-theme"), "{kinds:?}");
    let theme = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "unknown-theme")
        .unwrap();
    assert!(
        theme["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"empowerment\"?")
    );
    assert!(run.stderr().contains("4 errors"), "{}", run.stderr());
}

#[test]
fn a_corrected_transcript_reanchors_codings_and_flags_orphans() {
    let d = Dir::new();
    study(&d);
    d.code(
        "s",
        "KW",
        "P6",
        "4",
        Some("I recieve referrals"),
        "what-matters",
    );
    d.code("s", "KW", "P6", "4", Some("gives me time"), "empowerment");
    // The corrected file: a new first turn, a typo fixed, and a passage reworded away.
    let fixed = format!(
        "Interviewer: Thanks for joining.\n\n{}",
        P6.replace("recieve", "receive")
            .replace("The GP gives me time.", "The GP is busy.")
    );
    let f = d.write("in/P6-corrected.txt", fixed);
    let before = d.read("s/codings/KW.csv");
    let dry = d.json_in(
        "s",
        &[
            "transcripts",
            "update",
            "P6",
            f.to_str().unwrap(),
            "--dry-run",
            "--all-coders",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        d.read("s/codings/KW.csv"),
        before,
        "a dry run writes nothing"
    );
    assert_eq!(dry.as_array().unwrap().len(), 5);
    let run = d
        .cmd_in(
            "s",
            &[
                "transcripts",
                "update",
                "P6",
                f.to_str().unwrap(),
                "--coder",
                "KW",
                "--format",
                "json",
            ],
        )
        .ok();
    assert!(
        run.stderr()
            .contains("1 coding(s) by other coders were re-anchored too"),
        "blind: AB's coding is counted, not shown\n{}",
        run.stderr()
    );
    assert_eq!(run.json().as_array().unwrap().len(), 4);
    assert!(
        run.stderr()
            .contains("0 coding(s) kept, 4 moved, 1 orphaned"),
        "{}",
        run.stderr()
    );
    let rows = run.json();
    let by_text = |t: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["text"].as_str().unwrap().starts_with(t))
            .unwrap()
            .clone()
    };
    let typo = by_text("I receive referrals");
    assert_eq!(
        (
            typo["outcome"].as_str(),
            typo["old_turn"].as_u64(),
            typo["turn"].as_u64()
        ),
        (Some("moved"), Some(4), Some(5))
    );
    assert!(typo["similarity"].as_f64().unwrap() < 1.0);
    let gone = by_text("gives me time");
    assert_eq!(gone["outcome"], "orphaned");
    // The orphan is kept, flagged, and `check` lists it; the others point at the new text.
    let kw = d.read("s/codings/KW.csv");
    assert!(
        kw.lines()
            .any(|l| l.contains("gives me time") && l.ends_with(",orphaned")),
        "{kw}"
    );
    let check = d
        .cmd_in("s", &["check", "--format", "json"])
        .fails_with(1)
        .json();
    assert_eq!(check.as_array().unwrap().len(), 1);
    assert_eq!(check[0]["kind"], "orphaned");
    let shown = d
        .cmd_in("s", &["show", "P6", "--turns", "5", "--coder", "KW"])
        .ok()
        .stdout();
    assert!(
        shown.contains("[what-matters]I receive referrals[/what-matters]"),
        "{shown}"
    );
}

#[test]
fn a_coding_sheet_round_trips_through_csv() {
    let d = Dir::new();
    study(&d);
    d.cmd_in(
        "s",
        &[
            "sheet", "export", "--coder", "KW", "--format", "csv", "-o", "kw.csv",
        ],
    )
    .ok();
    let sheet = d.read("s/kw.csv");
    let mut rdr = csv::Reader::from_reader(sheet.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        &header[..6],
        ["transcript", "turn", "start", "end", "speaker", "text"]
    );
    let col = |id: &str| header.iter().position(|h| h == id).unwrap();
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2, "one row per participant turn");
    assert_eq!(
        &rows[0][col("what-matters")],
        "~",
        "a partial coding is shown as ~"
    );
    // Mark turn 4 as empowerment and import.
    let mut r4: Vec<String> = rows[1].iter().map(str::to_string).collect();
    r4[col("empowerment")] = "x".into();
    rows[1] = csv::StringRecord::from(r4);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    d.write("s/kw.csv", w.into_inner().unwrap());
    let run = d
        .cmd_in("s", &["sheet", "import", "kw.csv", "--coder", "KW"])
        .ok();
    assert!(
        run.stderr().contains("KW: 1 coding(s) added, 0 removed"),
        "{}",
        run.stderr()
    );
    let shown = d
        .cmd_in("s", &["show", "P6", "--turns", "4", "--coder", "KW"])
        .ok()
        .stdout();
    assert!(
        shown.starts_with("[4] P6: [empowerment]The GP gives me time."),
        "{shown}"
    );
    // Importing again changes nothing; a stale sheet is refused.
    d.cmd_in("s", &["sheet", "import", "kw.csv", "--coder", "KW"])
        .ok()
        .stderr_has("0 coding(s) added, 0 removed");
    d.write(
        "s/transcripts/P6.txt",
        P6.replace("GP gives", "GP kindly gives"),
    );
    d.cmd_in("s", &["sheet", "import", "kw.csv", "--coder", "KW"])
        .fails_with(1)
        .stderr_has("no longer matches");
}

#[test]
fn merging_a_copy_brings_codings_and_memos_across_once() {
    let d = Dir::new();
    study(&d);
    // A copy of the study where AB codes on.
    std::fs::create_dir_all(d.join("copy")).unwrap();
    for sub in ["thematic.toml", "participants.csv"] {
        std::fs::copy(d.join("s").join(sub), d.join("copy").join(sub)).unwrap();
    }
    for sub in ["transcripts", "codebooks", "codings", "memos"] {
        std::fs::create_dir_all(d.join("copy").join(sub)).unwrap();
        for e in std::fs::read_dir(d.join("s").join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x != "lock") {
                std::fs::copy(&p, d.join("copy").join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    d.code(
        "copy",
        "AB",
        "P6",
        "4",
        Some("gives me time"),
        "empowerment",
    );
    d.cmd_in(
        "copy",
        &["memo", "add", "--coder", "AB", "coded on the train"],
    )
    .ok();
    let report = d.json_in("s", &["merge", "../copy", "--format", "json"]);
    let ab = report
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["coder"] == "AB")
        .unwrap();
    assert_eq!(
        (
            ab["added"].as_u64(),
            ab["already"].as_u64(),
            ab["memos"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    d.cmd_in("s", &["merge", "../copy"])
        .ok()
        .stderr_has("0 coding(s) and 0 memo(s) merged");
    // A copy whose transcript differs is refused.
    d.write(
        "copy/transcripts/P6.txt",
        P6.replace("small goals", "big goals"),
    );
    d.cmd_in("s", &["merge", "../copy"])
        .fails_with(1)
        .stderr_has("transcript P6 differs");
}

#[test]
fn import_replace_of_a_coded_transcript_reanchors_like_transcripts_update() {
    // The sample study, one turn before the coded ones reworded: the codings after it
    // shift, and `import --replace` must carry them along (it used to leave them at the
    // old offsets, and `thematic check` then found 12 errors).
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let old = d.read("demo/transcripts/P11.txt");
    let new = old.replacen(
        "Yeah, loud and clear.",
        "Yes, I can hear you loud and clear.",
        1,
    );
    assert_ne!(old, new);
    let file = d.write("P11.txt", new);
    let run = d
        .cmd_in(
            "demo",
            &[
                "import",
                file.to_str().unwrap(),
                "--replace",
                "--format",
                "json",
            ],
        )
        .ok()
        .stderr_has("replaced P11: its codings were re-anchored: 0 kept, 8 moved, 0 orphaned");
    let row = &run.json()[0];
    assert_eq!(row["status"], "replaced");
    assert_eq!(
        (&row["kept"], &row["moved"], &row["orphaned"]),
        (
            &serde_json::json!(0),
            &serde_json::json!(8),
            &serde_json::json!(0)
        )
    );
    d.cmd_in("demo", &["check"])
        .ok()
        .stderr_has("0 errors, 0 warnings");
    assert!(
        d.read("demo/changelog.csv")
            .contains("P11 replaced by P11.txt: 0 coding(s) kept, 8 moved, 0 orphaned")
    );
}
