//! End-to-end tests of the `thematic` binary: conventions every command follows.

mod agree;
mod anonymise_apply;
mod anonymise_scan;
mod codebook;
mod coding;
mod concurrent_writes;
mod exports;
mod focus_group;
mod media;
mod outputs;
mod paper_tables;
mod qdpx_media;
mod quote_pages;
mod refi;
mod replace;
mod sample_study;
mod search;
mod serve;
mod star;
mod status;
mod themes;
mod undo;
mod unfinished;
mod util;
mod versions;
mod workflow;

use util::{Dir, sample};

#[test]
fn init_creates_a_study_that_is_found_from_a_subfolder() {
    let d = Dir::new();
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok()
        .stderr_has("created study \"s\"");
    for p in [
        "s/thematic.toml",
        "s/transcripts",
        "s/codings",
        "s/memos",
        "s/.thematic/.gitignore",
    ] {
        assert!(d.join(p).exists(), "{p} missing");
    }
    assert_eq!(d.read("s/participants.csv"), "participant\n");
    assert!(
        d.read("s/thematic.toml")
            .contains("codebook = \"codebooks/social-prescribing-mechanisms.toml\"")
    );
    std::fs::create_dir_all(d.join("s/memos/deep")).unwrap();
    assert_eq!(
        d.json_in("s/memos/deep", &["transcripts", "--format", "json"]),
        serde_json::json!([])
    );
}

#[test]
fn init_refuses_an_existing_study_and_unknown_codebooks() {
    let d = Dir::new();
    d.study("s");
    d.cmd(&["init", "s"])
        .fails_with(1)
        .stderr_has("error: cannot create a study in s")
        .stderr_has("already holds a study");
    d.cmd(&["init", "t", "--codebook", "nope"])
        .fails_with(1)
        .stderr_has("hint: choose one of: blank, social-prescribing-mechanisms");
}

#[test]
fn outside_a_study_is_a_user_error_with_a_hint() {
    let d = Dir::new();
    let run = d.cmd(&["transcripts"]).fails_with(1);
    assert!(
        run.stderr().starts_with("error: no study found"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("hint: run `thematic init DIR`"));
    assert!(run.stdout().is_empty(), "stdout must carry data only");
    d.cmd(&["--study", "nowhere", "transcripts"])
        .fails_with(1)
        .stderr_has("cannot open the study in nowhere");
}

#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    let d = Dir::new();
    d.cmd(&["frobnicate"]).fails_with(1);
    d.cmd(&["import"]).fails_with(1);
    d.cmd(&["init", "--help"])
        .ok()
        .stdout_has("$ thematic init my-study");
}

#[test]
fn import_then_list_in_every_format() {
    let d = Dir::new();
    let s = d.study("s");
    let p6 = sample("P2_typed.txt");
    let zoom = sample("P7_zoom.vtt");
    d.cmd_in(
        "s",
        &[
            "import",
            p6.to_str().unwrap(),
            zoom.to_str().unwrap(),
            "--format",
            "json",
        ],
    )
    .ok();
    assert!(s.join("transcripts/P2.txt").exists() && s.join("transcripts/P7.vtt").exists());
    let list = d.json_in("s", &["transcripts", "--format", "json"]);
    assert_eq!(list[0]["id"], "P2");
    assert_eq!(list[0]["format"], "txt");
    assert_eq!(list[0]["turns"], 54);
    assert_eq!(list[0]["duration_ms"], 2_724_000);
    assert_eq!(list[1]["format"], "zoom-vtt");
    let csv = d
        .cmd_in("s", &["transcripts", "--format", "csv"])
        .ok()
        .stdout();
    assert!(
        csv.starts_with(
            "id,participant,format,turns,words,speakers,duration_ms,media,media_status\nP2,P2,txt,54,"
        ),
        "{csv}"
    );
    let md = d
        .cmd_in("s", &["transcripts", "--format", "md"])
        .ok()
        .stdout();
    assert!(md.starts_with("| ID | Participant |"), "{md}");
    assert!(md.contains("00:45:24"), "{md}");
    d.cmd_in(
        "s",
        &["transcripts", "--output", "list.json", "--format", "json"],
    )
    .ok();
    assert!(d.read("s/list.json").contains("\"id\": \"P7\""));
}

#[test]
fn import_reports_every_bad_file_and_keeps_the_good_ones() {
    let d = Dir::new();
    d.study("s");
    let bad = d.write("in/P3.txt", b"\x00\x01\x02binary\x00");
    let empty = d.write("in/P4.txt", b"");
    let good = d.write("in/P5.txt", "Interviewer: Hello there.\nP5: Hi.\n");
    let run = d
        .cmd_in(
            "s",
            &[
                "import",
                bad.to_str().unwrap(),
                empty.to_str().unwrap(),
                good.to_str().unwrap(),
                "--format",
                "json",
            ],
        )
        .fails_with(1);
    let report = run.json();
    assert_eq!(report[0]["status"], "failed");
    assert!(report[0]["error"].as_str().unwrap().contains("binary"));
    assert!(report[1]["error"].as_str().unwrap().contains("empty"));
    assert_eq!(report[2]["status"], "imported");
    assert!(run.stderr().contains("2 of 3 file(s) were not imported"));
    std::fs::create_dir_all(d.join("empty")).unwrap();
    d.cmd_in("s", &["import", d.join("empty").to_str().unwrap()])
        .fails_with(1)
        .stderr_has("no transcript files to import")
        .stderr_has("hint: a folder is searched for files ending in .txt");
    // The same file again is already there, byte for byte: unchanged, nothing refused (so
    // an import cut short is finished by running it again).
    d.cmd_in("s", &["import", good.to_str().unwrap()])
        .ok()
        .stdout_has("unchanged");
    // Other words under a taken id are refused unless --replace.
    let edited = d.write(
        "in2/P5.txt",
        std::fs::read_to_string(&good)
            .unwrap()
            .replace("P5:", "P5: Well,"),
    );
    d.cmd_in("s", &["import", edited.to_str().unwrap()])
        .fails_with(1)
        .stdout_has("--replace");
    d.cmd_in("s", &["import", edited.to_str().unwrap(), "--replace"])
        .ok()
        .stdout_has("replaced");
}

#[test]
fn parse_json_has_the_documented_keys() {
    let d = Dir::new();
    let f = d.write("t.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nInterviewer: What helps?\n\n2\n00:00:05.000 --> 00:00:09.500\nP6: Being heard.\n");
    let v = d
        .cmd(&["parse", f.to_str().unwrap(), "--format", "json"])
        .ok()
        .json();
    assert_eq!(v["format"], "zoom-vtt");
    assert_eq!(v["encoding"], "utf-8");
    let t = &v["turns"][1];
    assert_eq!(
        (t["speaker"].as_str(), t["role"].as_str()),
        (Some("P6"), Some("participant"))
    );
    assert_eq!(
        (t["start_ms"].as_i64(), t["end_ms"].as_i64()),
        (Some(5000), Some(9500))
    );
    let text = v["text"].as_str().unwrap();
    let (a, b) = (
        t["start"].as_u64().unwrap() as usize,
        t["end"].as_u64().unwrap() as usize,
    );
    let span: String = text.chars().skip(a).take(b - a).collect();
    assert_eq!(span, "Being heard.");
    assert!(v["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let d = Dir::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = d.cmd(&["completions", shell]).ok().stdout();
        assert!(
            out.contains("transcripts") && out.contains("study"),
            "{shell} completion lacks commands"
        );
    }
    let man = d.cmd(&["man"]).ok().stdout();
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH thematic"),
        "{}",
        &man[..200.min(man.len())]
    );
    assert!(
        man.contains(".TH \"thematic import\""),
        "one page per subcommand"
    );
}

#[test]
fn demo_builds_the_sample_study_rebuilds_it_and_refuses_other_folders() {
    let d = Dir::new();
    let run = d.cmd(&["demo", "demo"]).ok();
    assert!(
        run.stdout().contains("Imported 18 transcripts"),
        "{}",
        run.stdout()
    );
    // The interview lengths and the nine themes are checked against the paper in
    // `sample_study.rs`; here, that the map has the three groups.
    let svg = d.read("demo/exports/thematic-map.svg");
    for id in ["splw-role", "patients-role", "the-approach"] {
        assert!(
            svg.contains(&format!("id=\"box-{id}\"")),
            "{id} missing from the map"
        );
    }
    assert!(run.stdout().contains("Thematic map (the paper's Figure 1)"));
    // Running it again rebuilds; a foreign folder is refused.
    d.cmd(&["demo", "demo"]).ok();
    d.write("other/keep.txt", "mine");
    d.cmd(&["demo", "other"])
        .fails_with(1)
        .stderr_has("is not a thematic demo");
    assert_eq!(d.read("other/keep.txt"), "mine");
}

#[test]
fn show_prints_turns_and_suggests_close_ids() {
    let d = Dir::new();
    d.study("s");
    let f = d.write(
        "P6.txt",
        "Interviewer: One?\nP6: Two \u{1b}[31mred\nInterviewer: Three?\n",
    );
    d.cmd_in("s", &["import", f.to_str().unwrap()]).ok();
    let out = d
        .cmd_in("s", &["show", "P6", "--turns", "2-3"])
        .ok()
        .stdout();
    assert_eq!(out, "[2] P6: Two \\u{1b}[31mred\n[3] Interviewer: Three?\n");
    d.cmd_in("s", &["show", "P7"])
        .fails_with(1)
        .stderr_has("did you mean \"P6\"?");
}

#[test]
fn parse_reports_inline_notes_and_warnings_with_lines() {
    let d = Dir::new();
    let f = d.write(
        "P6.txt",
        "Interview ID: P06\n\nInterviewer: How was it?\n\nP6: Good [inaudible 00:12:40] really (pause) yes.\n\nQ3: was a good quarter.\n",
    );
    let run = d
        .cmd(&["parse", f.to_str().unwrap(), "--format", "json"])
        .ok();
    let v = run.json();
    assert_eq!(v["header"][0], serde_json::json!(["Interview ID", "P06"]));
    let notes = v["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(
        (
            notes[0]["kind"].as_str(),
            notes[0]["time_ms"].as_i64(),
            notes[0]["turn"].as_u64()
        ),
        (Some("inaudible"), Some(760_000), Some(2))
    );
    assert_eq!(notes[1]["text"], "(pause)");
    assert_eq!(v["warnings"][0]["kind"], "speaker_suggestion");
    assert_eq!(v["warnings"][0]["line"], 7);
    assert!(run.stderr().contains("P6.txt:7:"), "{}", run.stderr());
}

#[test]
fn an_unknown_default_unit_is_refused_when_the_study_is_opened() {
    let d = Dir::new();
    let s = d.study("s");
    let toml = d.read("s/thematic.toml");
    let bad = toml.replace("default_unit = \"turn\"", "default_unit = \"paragraph\"");
    assert_ne!(bad, toml);
    let line = bad.lines().position(|l| l.contains("paragraph")).unwrap() + 1;
    std::fs::write(s.join("thematic.toml"), bad).unwrap();
    for args in [&["check"][..], &["transcripts"]] {
        d.cmd_in("s", args)
            .fails_with(1)
            .stderr_has(&format!("thematic.toml:{line}:"))
            .stderr_has("default_unit \"paragraph\" is not an agreement unit")
            .stderr_has("turn, sentence, char, segment");
    }
}

#[test]
fn show_of_a_transcript_that_no_longer_parses_hints_a_command_that_runs() {
    // `show` has no --as; the hint names the `thematic parse` command that has it.
    let d = Dir::new();
    d.study("s");
    d.write("s/transcripts/P6.json", "{\"turns\": [");
    let run = d.cmd_in("s", &["show", "P6"]).fails_with(1);
    let stderr = run.stderr();
    let hint = stderr
        .lines()
        .find(|l| l.starts_with("hint:"))
        .unwrap_or_else(|| panic!("no hint: {stderr}"));
    let command = hint.split('`').nth(1).unwrap_or_else(|| panic!("{hint}"));
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(&words[..2], ["thematic", "parse"], "{hint}");
    assert!(words.contains(&"--as"), "{hint}");
    d.cmd_in("s", &words[1..]).ok();
}

/// The right door: a REFI-QDA project or codebook given where a transcript or a codebook is
/// expected is named for what it is, with the command that takes it; JSON never says `null`.
#[test]
fn a_refi_file_at_the_wrong_door_is_named_with_the_command_that_takes_it() {
    let d = Dir::new();
    d.cmd(&["demo", "s"]).ok();
    d.cmd_in("s", &["export", "../p.qdpx"]).ok();
    d.cmd_in(
        "s",
        &["codebook", "export", "--format", "qdc", "-o", "../c.qdc"],
    )
    .ok();
    let p = d.join("p.qdpx");
    let p = p.to_str().unwrap();
    d.cmd(&["parse", p])
        .fails_with(1)
        .stderr_has("is a REFI-QDA project")
        .stderr_has(&format!("`thematic import {p}`"));
    let run = d.cmd(&["parse", p, "--format", "json"]).fails_with(1);
    assert_eq!(run.stdout(), "", "nothing, not `null`, on standard output");
    // The same bytes under another name are known by their content.
    let disguised = d.write("p.docx", std::fs::read(p).unwrap());
    d.cmd(&["parse", disguised.to_str().unwrap()])
        .fails_with(1)
        .stderr_has("is a REFI-QDA project");
    let good = d.write("P1.txt", "Interviewer: Hello there.\nP1: Hi.\n");
    let both = d
        .cmd(&["parse", p, good.to_str().unwrap(), "--format", "json"])
        .fails_with(1)
        .json();
    assert!(
        both[0]["error"]
            .as_str()
            .unwrap()
            .contains("REFI-QDA project")
    );
    assert!(
        both[0]["hint"]
            .as_str()
            .unwrap()
            .contains("thematic import")
    );
    assert_eq!(both[1]["turns"][1]["speaker"], "P1");
    d.cmd_in("s", &["codebook", "import", p])
        .fails_with(1)
        .stderr_has("is a REFI-QDA project")
        .stderr_has("not a codebook (.qdc)");
    let c = d.join("c.qdc");
    let c = c.to_str().unwrap();
    d.cmd_in("s", &["import", c])
        .fails_with(1)
        .stderr_has("is a REFI-QDA codebook (.qdc)")
        .stderr_has(&format!("`thematic codebook import {c}`"));
    d.cmd(&["parse", c])
        .fails_with(1)
        .stderr_has("is a REFI-QDA codebook");
}
