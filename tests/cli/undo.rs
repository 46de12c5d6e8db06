//! `thematic undo` and `thematic redo` end to end: what comes back, byte for byte; what is
//! refused when another writer changed the coding; the redo stack; the log.

#![allow(clippy::unwrap_used)]

use crate::util::Dir;

/// Two participant turns. The normalized text begins "Interviewer: One?\n\nP1: Alpha one.
/// Alpha two.": turn 2's speech starts after "Interviewer: One?\n\n" (19 code points) and
/// "P1: " (4), at 23, so "Alpha one." (10 code points) is [23-33] and "Alpha two." [34-44].
const P1: &str = "Interviewer: One?\n\nP1: Alpha one. Alpha two.\n\n\
Interviewer: Two?\n\nP1: Bravo one. Bravo two.\n";

fn study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let f = d.write("in/P1.txt", P1);
    d.cmd_in("s", &["import", f.to_str().unwrap()]).ok();
}

/// `thematic code P1 --turn 2 --text WORDS --theme what-matters --coder KW [--memo MEMO]`;
/// the new coding's id.
fn code(d: &Dir, words: &str, memo: Option<&str>) -> String {
    let mut args = vec![
        "code",
        "P1",
        "--turn",
        "2",
        "--text",
        words,
        "--theme",
        "what-matters",
        "--coder",
        "KW",
    ];
    if let Some(m) = memo {
        args.extend(["--memo", m]);
    }
    d.cmd_in("s", &args).ok().stdout().trim().to_string()
}

fn kw(d: &Dir, args: &[&str]) -> crate::util::Run {
    let mut all = args.to_vec();
    all.extend(["--coder", "KW"]);
    d.cmd_in("s", &all)
}

/// The acting coder's actions in the log, oldest first.
fn actions(d: &Dir, coder: &str) -> Vec<String> {
    let rows = d.json_in("s", &["log", "--coder", coder, "--format", "json"]);
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_removed_coding_comes_back_byte_for_byte() {
    let d = Dir::new();
    study(&d);
    // A memo with a comma and quotes, so the row is quoted in the CSV file.
    let id = code(&d, "Alpha one.", Some("key, \"first\" mention"));
    let coded = d.read("s/codings/KW.csv");
    let row = coded.lines().nth(1).unwrap().to_string();
    // id, transcript, turn, [23-33] (worked out above), theme, the words, the memo, created.
    assert!(
        row.starts_with(&format!(
            "{id},P1,2,23,33,what-matters,Alpha one.,\"key, \"\"first\"\" mention\",20"
        )),
        "{row}"
    );

    d.cmd_in("s", &["uncode", &id, "--coder", "KW"]).ok();
    assert_eq!(
        d.read("s/codings/KW.csv"),
        "id,transcript,turn,start,end,theme,text,memo,created,status\n"
    );
    let run = kw(&d, &["undo"]).ok();
    let line = run.stdout();
    assert!(line.starts_with("undid uncode (20"), "{line}");
    assert!(
        line.ends_with(&format!(
            "): restored coding {id} (what-matters, P1 turn 2 [23-33])\n"
        )),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
    // The same bytes: id, words, memo and created time as they were.
    assert_eq!(d.read("s/codings/KW.csv"), coded);

    // Redo takes it out again; undo once more brings it back again.
    kw(&d, &["redo"]).ok().stdout_has("redid uncode (");
    assert!(!d.read("s/codings/KW.csv").contains(&id));
    kw(&d, &["undo"]).ok();
    assert_eq!(d.read("s/codings/KW.csv"), coded);
    assert_eq!(
        actions(&d, "KW"),
        ["code", "uncode", "undo", "redo", "undo"]
    );
}

#[test]
fn undo_of_code_removes_it_and_redo_restores_it() {
    let d = Dir::new();
    study(&d);
    let before = {
        code(&d, "Alpha one.", None);
        d.read("s/codings/KW.csv")
    };
    let second = code(&d, "Alpha two.", None);
    let both = d.read("s/codings/KW.csv");
    kw(&d, &["undo"]).ok().stdout_has(&format!(
        "removed coding {second} (what-matters, P1 turn 2 [34-44])"
    ));
    assert_eq!(d.read("s/codings/KW.csv"), before);
    kw(&d, &["redo"]).ok();
    assert_eq!(d.read("s/codings/KW.csv"), both);
}

#[test]
fn undo_refuses_when_another_writer_changed_the_coding() {
    let d = Dir::new();
    study(&d);
    let id = code(&d, "Alpha one.", None);
    // AB merges what-matters into goal-orientation: KW's coding moves with it.
    d.cmd_in(
        "s",
        &[
            "codebook",
            "merge",
            "what-matters",
            "goal-orientation",
            "--coder",
            "AB",
        ],
    )
    .ok();
    let merged = d.read("s/codings/KW.csv");
    assert!(merged.contains(&format!("{id},P1,2,23,33,goal-orientation,")));
    let run = kw(&d, &["undo"]).fails_with(1);
    let err = run.stderr();
    assert!(err.starts_with("error: cannot undo code at 20"), "{err}");
    assert!(
        err.contains(&format!("({id} P1 turn 2 [23-33])")),
        "names the coding: {err}"
    );
    assert!(
        err.contains("its theme is now goal-orientation (it was what-matters)"),
        "says what changed: {err}"
    );
    assert!(err.contains("merge by AB at 20"), "and who: {err}");
    assert!(err.contains("hint: nothing was changed"), "{err}");
    assert!(run.stdout().is_empty());
    assert_eq!(d.read("s/codings/KW.csv"), merged, "nothing written");
    // KW sees their own coding and AB's codebook change; no undo row.
    assert_eq!(actions(&d, "KW"), ["code", "merge"], "nothing logged");

    // Removed by hand (or by a git checkout): refused, saying so.
    let header = "id,transcript,turn,start,end,theme,text,memo,created,status\n";
    d.write("s/codings/KW.csv", header);
    kw(&d, &["undo"])
        .fails_with(1)
        .stderr_has("it is no longer in KW's codings");
    assert_eq!(d.read("s/codings/KW.csv"), header);
}

#[test]
fn a_new_action_clears_what_can_be_redone() {
    let d = Dir::new();
    study(&d);
    code(&d, "Alpha one.", None);
    kw(&d, &["undo"]).ok();
    code(&d, "Alpha two.", None);
    kw(&d, &["redo"])
        .fails_with(1)
        .stderr_has("error: nothing to redo for KW: nothing was undone after KW's code at 20")
        .stderr_has("hint: `thematic log --coder KW` lists KW's actions");
    // Undo takes the second coding; the first is undone already, so nothing is left.
    kw(&d, &["undo"]).ok().stdout_has("[34-44]");
    kw(&d, &["undo"]).fails_with(1).stderr_has(
        "error: nothing to undo for KW: the change log holds no action of KW's left to undo",
    );
}

#[test]
fn only_your_own_actions_and_only_you_see_them() {
    let d = Dir::new();
    study(&d);
    let id = code(&d, "Alpha one.", None);
    // AB has nothing to undo: KW's coding is KW's.
    d.cmd_in("s", &["undo", "--coder", "AB"])
        .fails_with(1)
        .stderr_has("nothing to undo for AB");
    assert!(d.read("s/codings/KW.csv").contains(&id));
    kw(&d, &["undo"]).ok();
    // Undo rows are coding actions: blind to other coders.
    assert!(actions(&d, "AB").is_empty());
    assert_eq!(actions(&d, "KW"), ["code", "undo"]);
    d.cmd_in("s", &["undo"])
        .fails_with(1)
        .stderr_has("who is coding?");
}

#[test]
fn json_output_names_the_coding() {
    let d = Dir::new();
    study(&d);
    let id = code(&d, "Alpha one.", None);
    let v = kw(&d, &["undo", "--format", "json"]).ok().json();
    assert_eq!(v["step"], "undo");
    assert_eq!(v["action"], "code");
    assert_eq!(v["coder"], "KW");
    assert_eq!(v["effect"], "removed");
    assert_eq!(v["coding"]["id"], id.as_str());
    assert_eq!(
        (v["coding"]["start"].as_u64(), v["coding"]["end"].as_u64()),
        (Some(23), Some(33))
    );
    assert_eq!(v["theme"], "what-matters");
    assert!(v["from"].is_null() && v["memo"].is_null() && v["note"].is_null());
    assert!(v["summary"].as_str().unwrap().starts_with("undid code ("));
}

#[test]
fn memos_are_undone_too() {
    let d = Dir::new();
    study(&d);
    let id = code(&d, "Alpha one.", None);
    let memos_before = {
        kw(&d, &["memo", "add", "A first thought."]).ok();
        d.read("s/memos/KW.md")
    };
    kw(&d, &["memo", "add", "Second thought."]).ok();
    kw(&d, &["undo"])
        .ok()
        .stdout_has("): removed memo m-")
        .stdout_has("(journal)");
    assert_eq!(d.read("s/memos/KW.md"), memos_before);
    // The memo before it, then the coding.
    kw(&d, &["undo"]).ok().stdout_has("undid memo (");
    kw(&d, &["undo"])
        .ok()
        .stdout_has(&format!("removed coding {id}"));
}

#[test]
fn an_old_change_log_still_reads_and_prints() {
    let d = Dir::new();
    study(&d);
    // A log from before the `data` column: five columns.
    let old = "when,who,action,theme,detail\n\
               2026-11-21T23:23:53Z,KW,code,what-matters,c-7426008cdf03 P1 turn 2 [23-33]\n";
    d.write("s/changelog.csv", old);
    let csv = kw(&d, &["log", "--format", "csv"]).ok().stdout();
    assert_eq!(
        csv,
        "when,who,action,theme,detail\n\
         2026-11-21T23:23:53Z,KW,code,what-matters,c-7426008cdf03 P1 turn 2 [23-33]\n"
    );
    // Its row cannot be undone (it does not hold the coding), and undo says so.
    kw(&d, &["undo"])
        .fails_with(1)
        .stderr_has("was logged before undo existed");
    // The next action gives the log its new column; `thematic log` prints as before.
    let id = code(&d, "Alpha two.", None);
    let log = d.read("s/changelog.csv");
    assert!(
        log.starts_with(
            "when,who,action,theme,detail,data\n\
             2026-11-21T23:23:53Z,KW,code,what-matters,c-7426008cdf03 P1 turn 2 [23-33],\n"
        ),
        "{log}"
    );
    let table = kw(&d, &["log"]).ok().stdout();
    assert!(
        table.contains(&format!("{id} P1 turn 2 [34-44]")),
        "{table}"
    );
    assert!(
        !table.contains("\"id\""),
        "the data column is not shown: {table}"
    );
    kw(&d, &["undo"]).ok().stdout_has(&id);
}
