//! Two writers on one transcript: `import --replace` of a coded transcript takes the
//! `transcripts update` path, and `thematic code` racing `transcripts update` never leaves a
//! coding at offsets into the old text.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use thematic_study::{Coding, CodingsFile};

use crate::util::Dir;

/// Every coder's codings of `transcript` in `study/codings/`, by coder then file order.
fn codings_of(study: &Path, transcript: &str) -> Vec<Coding> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(study.join("codings"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| CodingsFile::read(p).unwrap().codings)
        .filter(|c| c.transcript == transcript)
        .collect()
}

#[test]
fn import_replace_of_a_coded_transcript_moves_its_codings_and_check_stays_clean() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let study = d.join("demo");
    let before = codings_of(&study, "P2");
    // The sample study has 10 codings of P2 (KW's and CG's), none in its first turn.
    assert_eq!(before.len(), 10, "{before:?}");
    assert!(before.iter().all(|c| c.turn > 1));
    // One turn's wording changed, in the first turn: "Thanks so much for making time"
    // becomes "Thank you ever so much for making the time", 12 code points longer
    // ("Thank you ever so" is 8 more than "Thanks so", "the " 4 more), so every coding
    // after it moves by 12.
    let text = d.read("demo/transcripts/P2.txt");
    let changed = text.replacen(
        "Thanks so much for making time for this",
        "Thank you ever so much for making the time for this",
        1,
    );
    assert_ne!(changed, text);
    let file = d.write("corrected/P2.txt", &changed);
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
        .ok();
    let report = run.json();
    assert_eq!(report[0]["status"], "replaced", "{report}");
    let counts = (
        report[0]["kept"].as_u64(),
        report[0]["moved"].as_u64(),
        report[0]["orphaned"].as_u64(),
    );
    assert_eq!(counts, (Some(0), Some(10), Some(0)), "{report}");
    assert!(
        run.stderr().contains("0 kept, 10 moved, 0 orphaned"),
        "{}",
        run.stderr()
    );
    let after = codings_of(&study, "P2");
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.id, b.id, "same coding, same order");
        assert_eq!(
            (a.start, a.end),
            (b.start + 12, b.end + 12),
            "{} moved",
            a.id
        );
        assert_eq!(
            (a.turn, &a.text),
            (b.turn, &b.text),
            "same turn, same words"
        );
    }
    d.cmd_in("demo", &["check"])
        .ok()
        .stderr_has("0 errors, 0 warnings");
    // Logged as an update is.
    let log = d.read("demo/changelog.csv");
    assert!(
        log.contains("P2 replaced by P2.txt: 0 coding(s) kept, 10 moved, 0 orphaned"),
        "{log}"
    );
}

/// How many answers the raced transcript has (a long interview, so that reading it takes a
/// while, as a real one does: the window the race needs).
const ANSWERS: usize = 400;

/// The binary under test; `THEMATIC_RACE_BIN` runs the race against another build (to show
/// that an older one loses it).
fn binary() -> PathBuf {
    std::env::var_os("THEMATIC_RACE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_thematic")))
}

/// Version A of a transcript, and version B with a longer first question: every later
/// offset is 31 code points further on ("How did it all begin for you, back at the
/// start?", 48, is 31 longer than "How did it begin?", 17), the later turns' words unchanged.
fn versions() -> (String, String) {
    let mut a = String::from("Interviewer: How did it begin?\n\n");
    for i in 1..=ANSWERS {
        a.push_str(&format!(
            "P1: Answer {i} says alpha{i} bravo{i} charlie{i} delta{i} echo{i} foxtrot{i}.\n\n\
             Interviewer: And then {i}?\n\n"
        ));
    }
    let b = a.replacen(
        "How did it begin?",
        "How did it all begin for you, back at the start?",
        1,
    );
    (a, b)
}

#[test]
fn coding_while_transcripts_update_rewrites_the_transcript_lands_on_the_new_text() {
    // The reported race: `thematic code` reads the old text and works out offsets, waits
    // for the lock that `transcripts update` holds, and used to append them after the new
    // text was in place (`check`: text mismatch). Now each coding is placed against the
    // text as it is under the lock. Three coders code different words, one after
    // another, while the transcript is updated back and forth 12 times; every coding must
    // succeed (its words are in both versions) and `check` must be clean.
    let d = Dir::new();
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let (a, b) = versions();
    let va = d.write("v/a/P1.txt", &a);
    let vb = d.write("v/b/P1.txt", &b);
    let study = d.join("s");
    d.cmd_in("s", &["import", va.to_str().unwrap()]).ok();
    let bin = binary();
    let run = |args: Vec<String>| {
        Command::new(&bin)
            .args(&args)
            .current_dir(&study)
            .env_remove("THEMATIC_CODER")
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let done = AtomicBool::new(false);
    let done = &done;
    let outcomes = std::thread::scope(|s| {
        let updater = s.spawn(move || {
            for k in 0..12 {
                let file = if k % 2 == 0 { &vb } else { &va };
                let out = run(vec![
                    "transcripts".into(),
                    "update".into(),
                    "P1".into(),
                    file.to_str().unwrap().into(),
                    "--coder".into(),
                    "U".into(),
                ]);
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            done.store(true, Ordering::SeqCst);
        });
        let coders: Vec<_> = ["AB", "CD", "EF"]
            .into_iter()
            .enumerate()
            .map(|(n, coder)| {
                let run = &run;
                s.spawn(move || {
                    // Codes until the updates are over (at most every answer once).
                    let mut outs = Vec::new();
                    for i in 1..=ANSWERS {
                        if done.load(Ordering::SeqCst) && i > 3 {
                            break;
                        }
                        // Answer i is turn 2i; each coder its own word of it.
                        let word = ["alpha", "charlie", "echo"][n];
                        outs.push(run(vec![
                            "code".into(),
                            "P1".into(),
                            "--turn".into(),
                            (2 * i).to_string(),
                            "--text".into(),
                            format!("{word}{i}"),
                            "--theme".into(),
                            "what-matters".into(),
                            "--coder".into(),
                            coder.into(),
                        ]));
                    }
                    outs
                })
            })
            .collect();
        updater.join().unwrap();
        coders
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    for out in &outcomes {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let moved = outcomes
        .iter()
        .filter(|o| String::from_utf8_lossy(&o.stderr).contains("was updated while this coding"))
        .count();
    eprintln!(
        "{} codings during 12 updates; {moved} moved onto the new text under the lock",
        outcomes.len()
    );
    let check = d.cmd_in("s", &["check"]);
    assert!(
        check.stderr().contains(": 0 errors"),
        "{}\n{}",
        check.stdout(),
        check.stderr()
    );
    // Every word is coded once, where it is now.
    let codings = codings_of(&study, "P1");
    assert_eq!(codings.len(), outcomes.len(), "{codings:?}");
    let text = std::fs::read_to_string(study.join("transcripts/P1.txt")).unwrap();
    let parsed =
        thematic_transcript::parse(text.as_bytes(), &thematic_transcript::Options::default())
            .unwrap();
    for c in &codings {
        let here: String = parsed
            .text
            .chars()
            .skip(c.start)
            .take(c.end - c.start)
            .collect();
        assert_eq!(here, c.text, "{c:?}");
    }
}
