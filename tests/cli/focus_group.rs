//! Several participants in one transcript: the focus group of
//! `sample-transcripts/focus-groups/`, a moderator and four people. Until
//! `participants.csv` names its speakers it is one participant, as every transcript was;
//! then quotes are attributed to the person who speaks, the matrix, prevalence and Table 1
//! count four people, and a REFI-QDA project carries a case per participant with their
//! turns.

#![allow(clippy::unwrap_used)]

use serde_json::Value;

use crate::util::{Dir, sample, xmllint};

const FG1: &str = "focus-groups/FG1_typed.txt";

/// A study `s` with the focus group imported as `FG1` and the mechanisms codebook.
fn study(d: &Dir) -> crate::util::Run {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let file = sample(FG1);
    d.cmd_in("s", &["import", file.to_str().unwrap()]).ok()
}

/// FG1's turns, 1-based: 1 Moderator, 2 Maureen, 3 Tariq, 4 Jo, 5 Dennis, 6 Moderator,
/// 7 Maureen, 8 Tariq, 9 Jo, 10 Dennis, …, 17 Dennis, … (see the transcript). One coding by
/// KW in a turn of each of them and of the moderator.
fn code_each_speaker(d: &Dir) {
    for (turn, words, theme) in [
        ("2", "I think you're lonely", "patient-stories"),
        ("8", "let's start with the letters then", "what-matters"),
        (
            "9",
            "what would a good week look like for you",
            "what-matters",
        ),
        (
            "10",
            "we've got a community allotment two streets from you",
            "solution-building",
        ),
        ("17", "Small ones.", "goal-orientation"),
        ("7", "She asked about my husband", "what-matters"),
        (
            "6",
            "So quite different starting points.",
            "asking-questions",
        ),
    ] {
        d.code("s", "KW", "FG1", turn, Some(words), theme);
    }
}

#[test]
fn a_focus_group_is_one_participant_until_participants_csv_names_its_speakers() {
    let d = Dir::new();
    study(&d).stderr_has(
        "note: FG1 has 4 speakers who are not interviewers (Maureen, Tariq, Jo, Dennis); to \
         count each as a participant",
    );
    // A warning, not an error: the study is usable as it is.
    d.cmd_in("s", &["check"])
        .ok()
        .stdout_has("unplaced-speaker")
        .stdout_has("none of them has a row in participants.csv")
        .stdout_has("`thematic participants suggest`");
    // The moderator is an interviewer (a default label), so not proposed.
    let proposed = d.cmd_in("s", &["participants", "suggest"]).ok();
    assert_eq!(
        proposed.stdout(),
        "participant,transcript,speaker\n\
         FG1-Maureen,FG1,Maureen\n\
         FG1-Tariq,FG1,Tariq\n\
         FG1-Jo,FG1,Jo\n\
         FG1-Dennis,FG1,Dennis\n"
    );
    assert!(proposed.stderr().contains("interviewers: Moderator"));
    assert_eq!(
        d.read("s/participants.csv"),
        "participant\n",
        "suggest alone writes nothing"
    );
    d.cmd_in("s", &["participants", "suggest", "--write"])
        .ok()
        .stderr_has("added 4 row(s) to participants.csv");
    assert_eq!(
        d.read("s/participants.csv"),
        "participant,transcript,speaker\n\
         FG1-Maureen,FG1,Maureen\n\
         FG1-Tariq,FG1,Tariq\n\
         FG1-Jo,FG1,Jo\n\
         FG1-Dennis,FG1,Dennis\n"
    );
    // Logged, one row per speaker (CSV doubles the quotes).
    let log = d.read("s/changelog.csv");
    assert!(
        log.contains(",participants,,\"speaker \"\"Jo\"\" of FG1 is participant FG1-Jo\""),
        "{log}"
    );
    let clean = d.cmd_in("s", &["check"]).ok();
    assert!(
        !clean.stdout().contains("unplaced-speaker"),
        "{}",
        clean.stdout()
    );
    // Nothing more to propose; a second --write adds nothing.
    d.cmd_in("s", &["participants", "suggest", "--write"])
        .ok()
        .stderr_has("every speaker of these transcripts has a row");
    assert_eq!(d.read("s/participants.csv").lines().count(), 5);
}

#[test]
fn quotes_the_matrix_and_table_1_count_the_four_people_of_the_focus_group() {
    let d = Dir::new();
    study(&d);
    code_each_speaker(&d);
    // Before participants.csv names them: one participant, FG1.
    let m = d.json_in("s", &["matrix", "--coder", "KW", "--format", "json"]);
    assert_eq!(m[0]["participants"], 1);
    std::fs::copy(
        sample("focus-groups/participants.csv"),
        d.join("s/participants.csv"),
    )
    .unwrap();
    d.cmd_in("s", &["check"]).ok();
    let quotes = d.json_in(
        "s",
        &[
            "quotes",
            "--coder",
            "KW",
            "--attribution",
            "participant,gender",
            "--format",
            "json",
        ],
    );
    let got: Vec<(String, String, u64, String)> = quotes
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["theme"].as_str().unwrap().to_string(),
                q["participant"].as_str().unwrap().to_string(),
                q["turn"].as_u64().unwrap(),
                q["attribution"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |t: &str, p: &str, turn: u64, a: &str| (t.into(), p.into(), turn, a.into());
    // Codebook order of themes; within a theme by participant: Maureen is C1, Tariq C2, Jo
    // C3, Dennis C4 (participants.csv). The moderator's words stay with the transcript,
    // FG1, which has no attributes: its attribution is its id.
    assert_eq!(
        got,
        [
            row("asking-questions", "FG1", 6, "FG1"),
            row("patient-stories", "C1", 2, "C1, female"),
            row("solution-building", "C4", 10, "C4, male"),
            row("goal-orientation", "C4", 17, "C4, male"),
            row("what-matters", "C1", 7, "C1, female"),
            row("what-matters", "C2", 8, "C2, male"),
            row("what-matters", "C3", 9, "C3, female"),
        ]
    );
    // A participant filter takes only their words.
    let only = d.json_in(
        "s",
        &[
            "quotes",
            "--coder",
            "KW",
            "--participant",
            "C4",
            "--format",
            "json",
        ],
    );
    assert_eq!(only.as_array().unwrap().len(), 2);

    let m = d.json_in("s", &["matrix", "--coder", "KW", "--format", "json"]);
    let theme = |id: &str| -> &Value {
        m.as_array()
            .unwrap()
            .iter()
            .find(|r| r["theme"] == id)
            .unwrap()
    };
    // Columns: the four people, and FG1 for the moderator's coded turn (a passage of the
    // transcript itself); N = 5.
    let wm = theme("what-matters");
    assert_eq!(
        (&wm["C1"], &wm["C2"], &wm["C3"], &wm["C4"], &wm["FG1"]),
        (
            &Value::from(1),
            &Value::from(1),
            &Value::from(1),
            &Value::from(0),
            &Value::from(0)
        )
    );
    // what-matters: C1, C2 and C3 have it, 3 of 5 (by transcript it was 1 of 1).
    assert_eq!(
        (&wm["prevalence"], &wm["participants"]),
        (&Value::from(3), &Value::from(5))
    );
    assert_eq!(theme("goal-orientation")["C4"], 1);

    // Table 1: N is the four people of participants.csv.
    let t1 = d.json_in("s", &["participants", "--summary", "--format", "json"]);
    assert_eq!(t1[0]["n"], 4);
    let list = d.json_in("s", &["participants", "--format", "json"]);
    assert_eq!(list[0]["speaks_in"], "FG1: Maureen");

    // Balanced selection: one quote of what-matters each from two participants, never
    // two from one person.
    let two = d.json_in(
        "s",
        &[
            "quotes",
            "--coder",
            "KW",
            "--theme",
            "what-matters",
            "--per-theme",
            "2",
            "--format",
            "json",
        ],
    );
    let who: Vec<&str> = two
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["participant"].as_str().unwrap())
        .collect();
    assert_eq!(who.len(), 2);
    assert_ne!(who[0], who[1]);
}

#[test]
fn conflicting_rows_stop_the_report_with_the_line_and_how_to_fix_it() {
    let d = Dir::new();
    study(&d);
    d.write(
        "s/participants.csv",
        "participant,age,transcript,speaker\nC1,68,FG1,Maureen\nC1,86,FG1-b,Maureen\n",
    );
    d.cmd_in("s", &["participants"])
        .fails_with(1)
        .stderr_has("participants.csv:3")
        .stderr_has("participant \"C1\" has age \"86\" here but \"68\" on line 2");
    d.cmd_in("s", &["check"])
        .fails_with(1)
        .stdout_has("a participant has one set of attributes");
    // A speaker row naming no speaker of the transcript is a warning.
    d.write(
        "s/participants.csv",
        "participant,transcript,speaker\nC1,FG1,Maureen\nC2,FG1,Terry\n",
    );
    d.cmd_in("s", &["check"])
        .ok()
        .stdout_has("no turn there has that speaker");
}

fn project_qde(path: &std::path::Path) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut qde = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("project.qde").unwrap(), &mut qde).unwrap();
    qde
}

#[test]
fn refi_qda_cases_hold_each_participants_turns_and_come_back() {
    let d = Dir::new();
    study(&d);
    code_each_speaker(&d);
    std::fs::copy(
        sample("focus-groups/participants.csv"),
        d.join("s/participants.csv"),
    )
    .unwrap();
    d.cmd_in("s", &["export", "../fg.qdpx"]).ok();
    let qde = project_qde(&d.join("fg.qdpx"));
    let (ok, err) = xmllint(&qde);
    assert!(ok, "project.qde does not validate: {err}");
    let text = String::from_utf8(qde).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    // A case per participant, each referring to their 8 turns (and to no whole source:
    // the transcript is shared).
    let cases: Vec<(String, usize, usize)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Case"))
        .map(|c| {
            let count = |tag: &str| c.children().filter(|n| n.has_tag_name(tag)).count();
            (
                c.attribute("name").unwrap().to_string(),
                count("SelectionRef"),
                count("SourceRef"),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("C1".to_string(), 8, 0),
            ("C2".into(), 8, 0),
            ("C3".into(), 8, 0),
            ("C4".into(), 8, 0),
        ]
    );
    // Each reference is a selection of the source whose words are Maureen's turn, etc.
    let first_ref = doc
        .descendants()
        .find(|n| n.has_tag_name("SelectionRef"))
        .unwrap()
        .attribute("targetGUID")
        .unwrap();
    let selection = doc
        .descendants()
        .find(|n| n.has_tag_name("PlainTextSelection") && n.attribute("guid") == Some(first_ref))
        .unwrap();
    assert!(
        selection
            .attribute("name")
            .unwrap()
            .starts_with("I'll start, I'm the oldest.")
    );
    assert_eq!(selection.children().filter(|n| n.is_element()).count(), 0);

    // Read back: the same rows, the same quotes, the same project again.
    d.cmd(&["init", "back", "--from", "fg.qdpx"]).ok();
    assert_eq!(
        d.read("back/participants.csv"),
        d.read("s/participants.csv")
    );
    let quotes = |s: &str| d.json_in(s, &["quotes", "--coder", "KW", "--format", "json"]);
    assert_eq!(quotes("back"), quotes("s"));
    d.cmd_in("back", &["export", "../again.qdpx"]).ok();
    assert_eq!(
        std::fs::read(d.join("again.qdpx")).unwrap(),
        std::fs::read(d.join("fg.qdpx")).unwrap()
    );
    // Into a study without them, the rows are added; again, nothing more.
    study_into(&d, "other");
    d.cmd_in("other", &["import", "../fg.qdpx"])
        .ok()
        .stderr_has("4 speaker(s) of shared transcripts named in participants.csv");
    assert_eq!(
        d.read("other/participants.csv"),
        d.read("s/participants.csv")
    );
    let again = d.cmd_in("other", &["import", "../fg.qdpx"]).ok();
    assert!(
        !again.stderr().contains("speaker(s) of shared"),
        "{}",
        again.stderr()
    );
    assert_eq!(
        d.read("other/participants.csv"),
        d.read("s/participants.csv")
    );
}

fn study_into(d: &Dir, name: &str) {
    d.cmd(&["init", name, "--codebook", "social-prescribing-mechanisms"])
        .ok();
}
