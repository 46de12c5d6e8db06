//! `thematic index`, `search`, `autocode` and `suggestions` end to end, on a real study
//! folder with a real tantivy index.

#![allow(clippy::unwrap_used)]

use crate::util::Dir;

const P6: &str = "Interviewer: What matters most in your work?\n\n\
P6: Finding out what matters to them, really. Then we set small goals together.\n\n\
Interviewer: And the goals?\n\n\
P6: We review the goal every fortnight. Motivation comes and goes.\n";
const P7: &str = "Interviewer: Tell me about trust.\n\n\
P7: Trust takes time. Some people need three visits before they open up.\n";

fn study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let a = d.write("in/P6.txt", P6);
    let b = d.write("in/P7.txt", P7);
    d.cmd_in("s", &["import", a.to_str().unwrap(), b.to_str().unwrap()])
        .ok();
    d.write(
        "s/participants.csv",
        "participant,gender,location\nP6,female,rural\nP7,male,town\n",
    );
}

#[test]
fn search_prints_keyword_in_context_and_json_with_the_documented_keys() {
    let d = Dir::new();
    study(&d);
    // Built on first use, and said so on stderr.
    let run = d.cmd_in("s", &["search", "goal"]).ok();
    assert!(
        run.stderr()
            .contains("built the search index (2 transcripts)"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        run.stdout(),
        "P6 (2 turns)\n     2            P6: …what matters to them, really. Then we set small **goals** together.\n     \
         4            P6: We review the **goal** every fortnight. Motivation comes and goes.\n\n"
    );
    assert!(run.stderr().contains("2 matching turns"));
    let v = d.json_in("s", &["search", "\"what matters\"", "--format", "json"]);
    let hit = &v[0];
    for key in [
        "transcript",
        "participant",
        "turn",
        "speaker",
        "start",
        "end",
        "text",
        "snippet",
        "score",
    ] {
        assert!(hit.get(key).is_some(), "JSON lacks {key}: {hit}");
    }
    assert_eq!(
        (hit["transcript"].as_str(), hit["turn"].as_u64()),
        (Some("P6"), Some(2))
    );
    // start/end are code points of the transcript text: `show`'s turn 2 holds them.
    let text = hit["text"].as_str().unwrap();
    assert!(text.starts_with("Finding out what matters"));
    assert_eq!(
        hit["end"].as_u64().unwrap() - hit["start"].as_u64().unwrap(),
        12
    );
    // Interviewer turns only when asked.
    let all = d
        .cmd_in(
            "s",
            &["search", "goals", "--all-speakers", "--format", "csv"],
        )
        .ok()
        .stdout();
    assert!(
        all.starts_with(
            "transcript,participant,turn,speaker,role,time,start,end,text,snippet,hits,score\n"
        ),
        "{all}"
    );
    assert_eq!(
        all.lines().count(),
        4,
        "stemmed: goal and goals, interviewer too: {all}"
    );
    assert!(all.contains(",interviewer,"));
}

#[test]
fn filters_counts_and_errors() {
    let d = Dir::new();
    study(&d);
    d.code(
        "s",
        "KW",
        "P6",
        "2",
        Some("small goals"),
        "goal-orientation",
    );
    let v = d.json_in(
        "s",
        &["search", "theme:goal-orientation", "--format", "json"],
    );
    assert_eq!(v.as_array().unwrap().len(), 1);
    let v = d.json_in(
        "s",
        &[
            "search",
            "theme:goal-orientation",
            "--coder",
            "CG",
            "--format",
            "json",
        ],
    );
    assert_eq!(v, serde_json::json!([]));
    let v = d.json_in(
        "s",
        &["search", "uncoded location:rural", "--format", "json"],
    );
    assert_eq!(
        (
            v[0]["transcript"].as_str(),
            v[0]["turn"].as_u64(),
            v.as_array().unwrap().len()
        ),
        (Some("P6"), Some(4), 1)
    );
    let counts = d
        .cmd_in(
            "s",
            &[
                "search",
                "time OR goal*",
                "--count-by",
                "transcript",
                "--format",
                "csv",
            ],
        )
        .ok()
        .stdout();
    assert_eq!(counts, "transcript,turns\nP6,2\nP7,1\n");
    d.cmd_in("s", &["search", "colour:red"])
        .fails_with(1)
        .stderr_has("there is no field `colour`")
        .stderr_has("location");
    // The index follows new codings without being told.
    d.code("s", "KW", "P7", "2", None, "therapeutic-alliance");
    let v = d.json_in(
        "s",
        &["search", "theme:therapeutic-alliance", "--format", "json"],
    );
    assert_eq!(v[0]["transcript"], "P7");
    d.cmd_in("s", &["index"])
        .ok()
        .stderr_has("search index up to date");
    d.cmd_in("s", &["index", "--rebuild"])
        .ok()
        .stderr_has("search index built: 2 transcripts");
}

#[test]
fn autocode_files_suggestions_that_review_accepts_or_rejects() {
    let d = Dir::new();
    study(&d);
    // Files the suggestions; the JSON is the count per theme.
    let autocode = || {
        d.json_in(
            "s",
            &[
                "autocode",
                "--theme",
                "goal-orientation",
                "--format",
                "json",
            ],
        )
    };
    let counts = autocode();
    assert_eq!(counts[0]["theme"], "goal-orientation");
    let filed = counts[0]["new"].as_u64().unwrap();
    assert!(filed >= 2, "{counts}");
    // Again: nothing new.
    let again = autocode();
    assert_eq!(again[0]["new"], 0);
    let pending = d.json_in("s", &["suggestions", "list", "--format", "json"]);
    assert_eq!(pending.as_array().unwrap().len() as u64, filed);
    // Suggestions are not codings: theme filters do not see them.
    assert_eq!(
        d.json_in(
            "s",
            &["search", "theme:goal-orientation", "--format", "json"]
        ),
        serde_json::json!([])
    );
    // Accept the first, reject the second, quit.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thematic"))
        .args(["suggestions", "review", "--coder", "KW"])
        .current_dir(d.join("s"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"a\nr\nq\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "accepted 1, rejected 1; {} still pending",
            filed - 2
        )),
        "{err}"
    );
    let kw = d.read("s/codings/KW.csv");
    assert_eq!(kw.lines().count(), 2, "{kw}");
    assert!(kw.contains("accepted suggestion c-"));
    let auto = d.read("s/codings/auto.csv");
    assert_eq!(auto.matches(",accepted\n").count(), 1, "{auto}");
    assert_eq!(auto.matches(",rejected\n").count(), 1, "{auto}");
    // A rejected suggestion is not suggested again.
    let again = autocode();
    assert_eq!(again[0]["new"], 0);
    d.cmd_in("s", &["suggestions", "reject", "--all"])
        .ok()
        .stderr_has(&format!("rejected {}", filed - 2));
    assert_eq!(
        d.json_in("s", &["suggestions", "list", "--format", "json"]),
        serde_json::json!([])
    );
    d.cmd_in("s", &["check"]).ok();
}

#[test]
fn a_suggestion_whose_theme_was_retired_since_is_refused_not_accepted() {
    let d = Dir::new();
    study(&d);
    let filed = d.json_in(
        "s",
        &[
            "autocode",
            "--theme",
            "goal-orientation",
            "--format",
            "json",
        ],
    );
    assert!(filed[0]["new"].as_u64().unwrap() >= 1, "{filed}");
    // The theme is retired after the suggestions were filed.
    d.cmd_in("s", &["codebook", "retire", "goal-orientation"])
        .ok();
    let run = d
        .cmd_in("s", &["suggestions", "accept", "--all", "--coder", "KW"])
        .fails_with(1);
    let err = run.stderr();
    assert!(err.contains("retired"), "{err}");
    // Nothing was written: KW has no codings file, and the suggestions are still pending.
    assert!(!d.join("s/codings/KW.csv").exists());
    let pending = d.json_in("s", &["suggestions", "list", "--format", "json"]);
    assert_eq!(
        pending.as_array().unwrap().len() as u64,
        filed[0]["new"].as_u64().unwrap()
    );
}
