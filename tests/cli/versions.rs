//! `thematic codebook snapshot | versions | diff` and `thematic map --version` end to end:
//! the thematic map's history, with the extracts each change touched counted by hand.

#![allow(clippy::unwrap_used)]

use serde_json::Value;

use crate::util::Dir;

/// Five participant turns (2, 4, 6, 8, 10).
const P1: &str = "Interviewer: One?\n\nP1: Alpha one. Alpha two.\n\n\
Interviewer: Two?\n\nP1: Bravo one. Bravo two.\n\n\
Interviewer: Three?\n\nP1: Charlie one. Charlie two.\n\n\
Interviewer: Four?\n\nP1: Delta one. Delta two.\n\n\
Interviewer: Five?\n\nP1: Echo one. Echo two.\n";

/// The nine-mechanism codebook, P1 imported, and seven codings:
///
/// | theme             | KW        | AB   | all |
/// |-------------------|-----------|------|-----|
/// | asking-questions  | turns 2, 4 | 2   | 3   |
/// | empowerment       | 6         |      | 1   |
/// | active-engagement |           | 6    | 1   |
/// | what-matters      | 8         |      | 1   |
/// | goal-orientation  | 10        |      | 1   |
pub fn coded_study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let f = d.write("in/P1.txt", P1);
    d.cmd_in("s", &["import", f.to_str().unwrap()]).ok();
    for (coder, turn, theme) in [
        ("KW", "2", "asking-questions"),
        ("KW", "4", "asking-questions"),
        ("KW", "6", "empowerment"),
        ("KW", "8", "what-matters"),
        ("KW", "10", "goal-orientation"),
        ("AB", "2", "asking-questions"),
        ("AB", "6", "active-engagement"),
    ] {
        d.code("s", coder, "P1", turn, None, theme);
    }
}

fn rows(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

#[test]
fn a_snapshot_is_listed_and_its_name_cannot_be_used_again() {
    let d = Dir::new();
    coded_study(&d);
    // 13 entries: 1 overarching theme, 3 groups, 9 codes; 7 codings.
    d.cmd_in(
        "s",
        &[
            "codebook",
            "snapshot",
            "Candidate themes",
            "--note",
            "after the first sort",
            "--coder",
            "KW",
        ],
    )
    .ok()
    .stderr_has("recorded version \"Candidate themes\" in versions/01-candidate-themes: 13 entries (4 themes, 9 codes), 7 codings; note: after the first sort");
    assert!(
        d.join("s/versions/01-candidate-themes/codebook.toml")
            .is_file()
    );
    assert_eq!(
        d.read("s/versions/01-candidate-themes/codebook.toml"),
        d.read("s/codebooks/social-prescribing-mechanisms.toml"),
        "the version is the codebook file, byte for byte"
    );
    let listed = d.json_in("s", &["codebook", "versions", "--format", "json"]);
    let listed = rows(&listed);
    assert_eq!(listed.len(), 1);
    let v = &listed[0];
    assert_eq!(
        (
            &v["number"],
            &v["folder"],
            &v["name"],
            &v["coder"],
            &v["note"]
        ),
        (
            &1.into(),
            &"01-candidate-themes".into(),
            &"Candidate themes".into(),
            &"KW".into(),
            &"after the first sort".into()
        )
    );
    assert_eq!(
        (&v["themes"], &v["defined"], &v["codes"], &v["codings"]),
        (&4.into(), &0.into(), &9.into(), &7.into())
    );
    assert!(v["recorded"].as_str().unwrap().ends_with('Z'), "{v}");

    // The same name in another case, and a name with the same slug, are refused; nothing
    // is written.
    for again in ["candidate THEMES", "Candidate-themes!"] {
        d.cmd_in("s", &["codebook", "snapshot", again, "--coder", "KW"])
            .fails_with(1)
            .stderr_has("a version named \"Candidate themes\" was recorded")
            .stderr_has("by KW; choose another name");
    }
    d.cmd_in("s", &["codebook", "snapshot", "Current"])
        .fails_with(1)
        .stderr_has("\"current\" names the structure as it is now");
    let folders: Vec<String> = std::fs::read_dir(d.join("s/versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(folders, ["01-candidate-themes"]);

    // A second one is numbered 02; the table lists both, oldest first.
    d.cmd_in("s", &["codebook", "snapshot", "Final themes"])
        .ok()
        .stderr_has("versions/02-final-themes");
    let table = d.cmd_in("s", &["codebook", "versions"]).ok().stdout();
    let at = |s: &str| {
        table
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{table}"))
    };
    assert!(at("Candidate themes") < at("Final themes"));
    let md = d
        .cmd_in("s", &["codebook", "versions", "--format", "md"])
        .ok()
        .stdout();
    assert!(md.starts_with("| # | Folder | Name |"), "{md}");
    let csv = d
        .cmd_in("s", &["codebook", "versions", "--format", "csv"])
        .ok()
        .stdout();
    assert_eq!(
        csv.lines().next(),
        Some("number,folder,name,recorded,coder,note,themes,defined,codes,codings")
    );
    // Recording is in the change log.
    let history = d.json_in("s", &["codebook", "history", "--format", "json"]);
    let snapshots: Vec<&str> = rows(&history)
        .iter()
        .filter(|c| c["action"] == "snapshot")
        .map(|c| c["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        snapshots,
        [
            "recorded version \"Candidate themes\" (01-candidate-themes): after the first sort",
            "recorded version \"Final themes\" (02-final-themes)"
        ]
    );
}

#[test]
fn no_versions_is_an_empty_list_with_advice() {
    let d = Dir::new();
    coded_study(&d);
    d.cmd_in("s", &["codebook", "versions"])
        .ok()
        .stderr_has("no versions yet: record one with `thematic codebook snapshot NAME");
    assert_eq!(
        d.json_in("s", &["codebook", "versions", "--format", "json"]),
        serde_json::json!([])
    );
    d.cmd_in("s", &["codebook", "diff", "early"])
        .fails_with(1)
        .stderr_has("no version \"early\": no versions are recorded yet");
}

/// One row of the diff as "kind id extracts".
fn brief(changes: &Value) -> Vec<String> {
    rows(changes)
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["kind"].as_str().unwrap(),
                c["id"].as_str().unwrap(),
                c["extracts"]
            )
        })
        .collect()
}

#[test]
fn diff_names_a_rename_a_move_a_split_and_a_discard_with_their_extracts() {
    let d = Dir::new();
    coded_study(&d);
    let s = |args: &[&str]| d.cmd_in("s", args).ok();
    s(&["codebook", "snapshot", "Early", "--coder", "KW"]);
    s(&[
        "codebook",
        "rename",
        "asking-questions",
        "Asking, not telling",
        "--coder",
        "KW",
    ]);
    s(&[
        "codebook",
        "move",
        "what-matters",
        "--parent",
        "patients-role",
        "--coder",
        "KW",
    ]);
    s(&[
        "codebook",
        "split",
        "patients-role",
        "Taking part",
        "active-engagement",
        "--coder",
        "KW",
    ]);
    s(&["codebook", "discard", "splw-role", "--coder", "KW"]);
    s(&["codebook", "snapshot", "Later", "--coder", "KW"]);

    // The later structure, in tree order:
    //   solution-focused-strengths-based
    //     splw-role (retired: discarded, now empty)
    //     patients-role: empowerment (1), patient-stories (0), what-matters (1)
    //     the-approach: solution-building (0), goal-orientation (1)
    //     taking-part (split from patients-role): active-engagement (1)
    //   miscellaneous (made by the discard): asking-questions (3), motivational-interviewing
    //     (0), therapeutic-alliance (0)
    // The changes, in that order, with the extracts each touched:
    //   splw-role retired: what it held, counted in Early: 3 + 0 + 0 = 3
    //   patients-role split: what it holds in Later: 1 + 0 + 1 = 2 (taking-part is the
    //     split's, so it is not also "created")
    //   what-matters moved The approach -> Patients' role: 1
    //   active-engagement moved Patients' role -> Taking part: 1
    //   miscellaneous created at the top level: 3 + 0 + 0 = 3
    //   asking-questions renamed (3) and moved SPLWs' role -> Miscellaneous (3)
    //   motivational-interviewing and therapeutic-alliance moved (0 each)
    let changes = d.json_in(
        "s",
        &["codebook", "diff", "Early", "Later", "--format", "json"],
    );
    assert_eq!(
        brief(&changes),
        [
            "retired splw-role 3",
            "split patients-role 2",
            "moved what-matters 1",
            "moved active-engagement 1",
            "created miscellaneous 3",
            "renamed asking-questions 3",
            "moved asking-questions 3",
            "moved motivational-interviewing 0",
            "moved therapeutic-alliance 0",
        ]
    );
    let c = rows(&changes);
    assert_eq!(c[1]["into"], serde_json::json!(["taking-part"]));
    assert_eq!(c[1]["labels"]["taking-part"], "Taking part");
    assert_eq!(
        c[1]["what"],
        "split \"Patients' role\": \"Taking part\" made from it (2 extracts)"
    );
    assert_eq!(
        (&c[2]["from"], &c[2]["to"]),
        (&"the-approach".into(), &"patients-role".into())
    );
    assert_eq!(c[2]["labels"]["the-approach"], "The approach");
    assert_eq!(
        c[5]["what"],
        "renamed \"Asking questions\" to \"Asking, not telling\" (3 extracts)"
    );
    assert_eq!(c[6]["codable"], true);
    assert_eq!(c[4]["parent"], Value::Null);
    assert_eq!(c[0]["what"], "retired \"SPLWs' role\" (3 extracts)");

    // The table for people: one row per change, and the summary on standard error.
    let run = d.cmd_in("s", &["codebook", "diff", "1", "2"]).ok();
    let table = run.stdout();
    assert!(
        table.contains("moved \"What matters to the individual\" from \"The approach\" to \"Patients' role\" (1 extract)"),
        "{table}"
    );
    assert!(
        table.contains("Asking, not telling (asking-questions)"),
        "{table}"
    );
    assert_eq!(
        table.lines().count(),
        2 + 9,
        "header, rule, nine rows:\n{table}"
    );
    assert!(
        run.stderr().contains(
            "\"Early\" (01-early) -> \"Later\" (02-later): 1 created, 5 moved, 1 renamed, 1 retired, 1 split"
        ),
        "{}",
        run.stderr()
    );
    // CSV: the machine columns, no combined "entry" cell.
    let csv = d
        .cmd_in(
            "s",
            &["codebook", "diff", "01-early", "later", "--format", "csv"],
        )
        .ok()
        .stdout();
    assert_eq!(
        csv.lines().next(),
        Some("kind,id,label,codable,what,extracts")
    );
    assert_eq!(csv.lines().count(), 10);

    // B defaults to the codebook as it is now, which is Later: no changes, exit 0.
    let same = d.cmd_in("s", &["codebook", "diff", "Later"]).ok();
    assert_eq!(same.stdout(), "");
    assert!(
        same.stderr()
            .contains("\"Later\" (02-later) -> current: no changes"),
        "{}",
        same.stderr()
    );
    assert_eq!(
        d.json_in("s", &["codebook", "diff", "later", "--format", "json"]),
        serde_json::json!([])
    );
    d.cmd_in("s", &["codebook", "diff", "Erly"])
        .fails_with(1)
        .stderr_has("the versions are: \"Early\", \"Later\", and `current`");
}

#[test]
fn diff_counts_extracts_as_they_were_when_each_version_was_recorded() {
    let d = Dir::new();
    coded_study(&d);
    d.cmd_in("s", &["codebook", "snapshot", "Before"]).ok();
    d.cmd_in("s", &["codebook", "rename", "empowerment", "Feeling able"])
        .ok();
    // empowerment had 1 extract when "Before" was recorded; one more before "After" (2),
    // and one more since (3 now).
    d.code("s", "AB", "P1", "8", None, "empowerment");
    d.cmd_in("s", &["codebook", "snapshot", "After"]).ok();
    d.code("s", "AB", "P1", "10", None, "empowerment");
    let then = d.json_in(
        "s",
        &["codebook", "diff", "Before", "After", "--format", "json"],
    );
    assert_eq!(brief(&then), ["renamed empowerment 2"]);
    let now = d.json_in("s", &["codebook", "diff", "Before", "--format", "json"]);
    assert_eq!(brief(&now), ["renamed empowerment 3"]);
    // Listing says the same: 7 codings, then 8.
    let listed = d.json_in("s", &["codebook", "versions", "--format", "json"]);
    let codings: Vec<&Value> = rows(&listed).iter().map(|v| &v["codings"]).collect();
    assert_eq!(codings, [&Value::from(7), &Value::from(8)]);
}

#[test]
fn map_version_draws_the_structure_as_it_was() {
    let d = Dir::new();
    coded_study(&d);
    d.cmd_in("s", &["codebook", "snapshot", "Candidate themes"])
        .ok();
    d.cmd_in(
        "s",
        &[
            "codebook",
            "rename",
            "asking-questions",
            "Asking, not telling",
        ],
    )
    .ok();
    d.cmd_in("s", &["codebook", "discard", "splw-role"]).ok();

    // DOT and Mermaid of the version have the old labels and the discarded group.
    d.cmd_in(
        "s",
        &[
            "map",
            "--version",
            "Candidate themes",
            "--format",
            "dot",
            "--output",
            "v1.dot",
        ],
    )
    .ok()
    .stderr_has("wrote v1.dot");
    let dot = d.read("s/v1.dot");
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(
        dot.contains("Asking questions") && dot.contains("SPLWs' role"),
        "{dot}"
    );
    assert!(!dot.contains("Asking, not telling"), "{dot}");
    // The extension chooses the format.
    d.cmd_in("s", &["map", "--version", "1", "--output", "v1.mmd"])
        .ok();
    let mermaid = d.read("s/v1.mmd");
    assert!(mermaid.starts_with("flowchart"), "{mermaid}");
    assert!(mermaid.contains("Asking questions") && mermaid.contains("SPLWs' role"));

    // The current map has the new label, and no discarded group.
    let now = d.cmd_in("s", &["map", "--format", "mermaid"]).ok().stdout();
    assert!(
        now.contains("Asking, not telling") && !now.contains("SPLWs' role"),
        "{now}"
    );
    assert!(now.contains("Miscellaneous"), "{now}");

    // SVG to standard output; PNG to a file (and only to a file).
    let svg = d
        .cmd_in("s", &["map", "--version", "01-candidate-themes"])
        .ok()
        .stdout();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
    assert!(svg.contains("Asking questions"));
    d.cmd_in("s", &["map", "--version", "1", "--output", "v1.png"])
        .ok();
    let png = std::fs::read(d.join("s/v1.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    d.cmd_in("s", &["map", "--version", "1", "--format", "png"])
        .fails_with(1)
        .stderr_has("a PNG needs --output FILE");

    // --counts on a version: the codings recorded with it. splw-role held
    // asking-questions' 3.
    let counted = d
        .cmd_in(
            "s",
            &["map", "--version", "1", "--counts", "--format", "dot"],
        )
        .ok()
        .stdout();
    assert!(counted.contains("3 codings"), "{counted}");

    d.cmd_in("s", &["map", "--version", "nope"])
        .fails_with(1)
        .stderr_has("no version \"nope\"");
    d.cmd_in("s", &["map", "--version", "1", "--codebook", "x.toml"])
        .fails_with(1);
}
