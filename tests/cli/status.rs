//! `thematic status` end to end: the numbers in every format, `--mark-read` and what it
//! writes, and the refusals.

#![allow(clippy::unwrap_used)]

use crate::util::Dir;

/// Three transcripts of three turns each (two participant turns).
fn transcript(id: &str) -> String {
    format!("Interviewer: One?\n\n{id}: Alpha one.\n\nInterviewer: Two?\n\n{id}: Bravo two.\n")
}

/// The study "s" with the nine-mechanism codebook and P1, P2, P3; KW has coded P1 (turn 2
/// twice, so one turn and two codings), AB has coded P1 and P2 (turn 2 of each).
fn study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let files: Vec<String> = ["P1", "P2", "P3"]
        .iter()
        .map(|id| {
            d.write(&format!("in/{id}.txt"), transcript(id))
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    d.cmd_in("s", &args).ok();
    d.code("s", "KW", "P1", "2", Some("Alpha"), "what-matters");
    d.code("s", "KW", "P1", "2", Some("one"), "empowerment");
    d.code("s", "AB", "P1", "2", None, "what-matters");
    d.code("s", "AB", "P2", "2", None, "goal-orientation");
}

fn coder<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["coders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["coder"] == name)
        .unwrap_or_else(|| panic!("no {name} in {v}"))
}

#[test]
fn status_counts_coders_codes_and_themes_in_json_and_as_tables() {
    let d = Dir::new();
    study(&d);
    let v = d.json_in("s", &["status", "--format", "json"]);
    assert_eq!(v["study"], "s");
    assert_eq!(v["transcripts"], 3);
    // P1 (KW, AB) and P2 (AB); nobody has coded P3.
    assert_eq!(v["transcripts_coded"], 2);
    assert_eq!(v["transcripts_read"], 0);
    let kw = coder(&v, "KW");
    assert_eq!(
        (
            &kw["transcripts_coded"],
            &kw["turns_coded"],
            &kw["codings"],
            &kw["transcripts_read"]
        ),
        (&1.into(), &1.into(), &2.into(), &0.into()),
        "{kw}"
    );
    let ab = coder(&v, "AB");
    assert_eq!(
        (&ab["transcripts_coded"], &ab["turns_coded"], &ab["codings"]),
        (&2.into(), &2.into(), &2.into()),
        "{ab}"
    );
    // The shipped codebook: nine codable mechanisms under three groups under one
    // overarching theme; nothing unsorted, four candidate themes (the overarching theme and
    // the three groups), none defined yet, no snapshot.
    let t = &v["themes"];
    assert_eq!(
        (&t["codes"], &t["unsorted"], &t["shared"]),
        (&9.into(), &0.into(), &0.into())
    );
    assert_eq!(t["candidates"].as_array().unwrap().len(), 4);
    assert!(t["defined"].as_array().unwrap().is_empty());
    assert_eq!(v["snapshots"]["count"], 0);
    assert_eq!(v["phase"]["name"], "coding");
    assert_eq!(v["phase"]["summary"], "2 of 3 transcripts coded");

    let table = d.cmd_in("s", &["status"]).ok().stdout();
    let mut lines = table.lines();
    assert_eq!(lines.next(), Some("s · coding: 2 of 3 transcripts coded"));
    assert!(
        table.contains("Read (of 3)") && table.contains("Coded (of 3)"),
        "{table}"
    );
    let ab_row: Vec<&str> = table
        .lines()
        .find(|l| l.trim_start().starts_with("AB "))
        .unwrap()
        .split_whitespace()
        .collect();
    // Coder, read, started, coded, turns, codings, memos, journal.
    assert_eq!(ab_row, ["AB", "0", "0", "2", "2", "2", "0", "0"], "{table}");
    assert!(table.contains("Candidate themes"), "{table}");

    let md = d.cmd_in("s", &["status", "--format", "md"]).ok().stdout();
    assert!(
        md.starts_with("**s** · coding: 2 of 3 transcripts coded\n\n| Coder |"),
        "{md}"
    );
    assert!(md.contains("| KW | 0 | 0 | 1 | 1 | 2 | 0 | 0 |"), "{md}");

    let csv = d.cmd_in("s", &["status", "--format", "csv"]).ok().stdout();
    assert!(
        csv.starts_with("coder,measure,value,of,detail\n,phase,coding,,2 of 3 transcripts coded\n"),
        "{csv}"
    );
    assert!(csv.contains("\nKW,codings,2,,\n"), "{csv}");
    assert!(csv.contains("\n,transcripts_coded,2,3,\n"), "{csv}");

    // --coder keeps that coder's row only.
    let only = d.json_in("s", &["status", "--coder", "AB", "--format", "json"]);
    assert_eq!(only["coders"].as_array().unwrap().len(), 1);
    assert_eq!(only["coders"][0]["coder"], "AB");
}

#[test]
fn mark_read_records_the_last_turn_logs_read_once_and_counts_it() {
    let d = Dir::new();
    study(&d);
    d.cmd_in("s", &["status", "--mark-read", "P3", "P1", "--coder", "KW"])
        .ok()
        .stderr_has("marked P3 read by KW (4 turns)")
        .stderr_has("marked P1 read by KW (4 turns)");
    let csv = d.read("s/reading/KW.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "transcript,turn,turns,when");
    assert!(lines[1].starts_with("P1,4,4,"), "{csv}");
    assert!(lines[2].starts_with("P3,4,4,"), "{csv}");
    let v = d.json_in("s", &["status", "--format", "json"]);
    assert_eq!(coder(&v, "KW")["transcripts_read"], 2);
    assert_eq!(coder(&v, "AB")["transcripts_read"], 0);
    assert_eq!(v["transcripts_read"], 2);
    // Again: nothing changes, nothing more is logged.
    d.cmd_in("s", &["status", "--mark-read", "P3", "--coder", "KW"])
        .ok()
        .stderr_has("P3 was read by KW already; nothing changed");
    let log = d.json_in(
        "s",
        &[
            "log",
            "--all-coders",
            "--action",
            "read",
            "--format",
            "json",
        ],
    );
    let details: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        details,
        ["P3 marked read (4 turns)", "P1 marked read (4 turns)"]
    );
    // The coder comes from THEMATIC_CODER or default_coder too; without one, a hint.
    d.cmd_in("s", &["status", "--mark-read", "P2"])
        .fails_with(1)
        .stderr_has("who is coding?");
}

#[test]
fn an_unknown_transcript_or_coder_is_refused_with_did_you_mean_and_nothing_is_marked() {
    let d = Dir::new();
    study(&d);
    let run = d
        .cmd_in(
            "s",
            &["status", "--mark-read", "P2", "P33", "--coder", "KW"],
        )
        .fails_with(1)
        .stderr_has("no transcript \"P33\" in the study")
        .stderr_has("did you mean \"P3\"?");
    assert!(run.stdout().is_empty());
    assert!(
        !d.join("s/reading/KW.csv").exists(),
        "P2 was not marked either"
    );
    d.cmd_in("s", &["status", "--coder", "KV"])
        .fails_with(1)
        .stderr_has("\"KV\" has no codings, reading record or memos")
        .stderr_has("did you mean \"KW\"?");
}
