//! `thematic code` and `thematic uncode` end to end, including concurrent writers.

#![allow(clippy::unwrap_used)]

use crate::util::{Dir, sample};

fn study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    d.cmd_in("s", &["import", sample("P2_typed.txt").to_str().unwrap()])
        .ok();
}

fn codings(d: &Dir, coder: &str) -> Vec<csv::StringRecord> {
    let text = d.read(&format!("s/codings/{coder}.csv"));
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

/// `thematic code P2 --turn 2 --chars A-(A+1) --theme what-matters --coder KW` in `study`, as a
/// separate process.
fn code_one_char(study: &std::path::Path, a: usize) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_thematic"));
    cmd.args(["code", "P2", "--turn", "2", "--chars"])
        .arg(format!("{a}-{}", a + 1))
        .args(["--theme", "what-matters", "--coder", "KW"])
        .current_dir(study)
        .env_remove("THEMATIC_CODER");
    cmd
}

#[test]
fn code_a_turn_or_words_and_uncode() {
    let d = Dir::new();
    study(&d);
    let id = d.code("s", "KW", "P2", "2", None, "what-matters").stdout();
    let rows = codings(&d, "KW");
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], id.trim());
    assert_eq!(
        (&rows[0][1], &rows[0][2], &rows[0][5]),
        ("P2", "2", "what-matters")
    );
    let (start, end): (usize, usize) = (rows[0][3].parse().unwrap(), rows[0][4].parse().unwrap());
    let whole = rows[0][6].to_string();
    assert_eq!(
        whole.chars().count(),
        end - start,
        "text is exactly text[start..end]"
    );
    // Words inside the turn: their offsets fall inside the turn's span.
    let words: String = whole
        .split_whitespace()
        .skip(1)
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    d.cmd_in(
        "s",
        &[
            "code",
            "P2",
            "--turn",
            "2",
            "--text",
            &words,
            "--theme",
            "goal-orientation",
            "--coder",
            "KW",
            "--memo",
            "note",
        ],
    )
    .ok();
    let rows = codings(&d, "KW");
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[1][6], words.as_str());
    let s2: usize = rows[1][3].parse().unwrap();
    assert!(s2 > start && s2 < end);
    assert_eq!(&rows[1][7], "note");
    // The same span and theme again changes nothing.
    d.code("s", "KW", "P2", "2", None, "what-matters")
        .stderr_has("already coded");
    assert_eq!(codings(&d, "KW").len(), 2);
    // Uncode: only the acting coder's own codings.
    d.cmd_in("s", &["uncode", id.trim(), "--coder", "AB"])
        .fails_with(1)
        .stderr_has("AB has no coding");
    d.cmd_in("s", &["uncode", id.trim(), "--coder", "KW"]).ok();
    assert_eq!(codings(&d, "KW").len(), 1);
}

#[test]
fn bad_input_is_refused_with_close_matches_and_changes_nothing() {
    let d = Dir::new();
    study(&d);
    let s = |args: &[&str]| d.cmd_in("s", args);
    s(&[
        "code",
        "P2",
        "--turn",
        "2",
        "--theme",
        "what-maters",
        "--coder",
        "KW",
    ])
    .fails_with(1)
    .stderr_has("did you mean \"what-matters\"?");
    s(&[
        "code",
        "P2",
        "--turn",
        "2",
        "--theme",
        "patients-role",
        "--coder",
        "KW",
    ])
    .fails_with(1)
    .stderr_has("is a group and cannot be coded");
    s(&[
        "code",
        "P3",
        "--turn",
        "2",
        "--theme",
        "what-matters",
        "--coder",
        "KW",
    ])
    .fails_with(1)
    .stderr_has("did you mean \"P2\"?");
    s(&[
        "code",
        "P2",
        "--turn",
        "9999",
        "--theme",
        "what-matters",
        "--coder",
        "KW",
    ])
    .fails_with(1)
    .stderr_has("there is no turn 9999");
    s(&[
        "code",
        "P2",
        "--turn",
        "2",
        "--text",
        "words nobody said",
        "--theme",
        "what-matters",
        "--coder",
        "KW",
    ])
    .fails_with(1)
    .stderr_has("does not occur in turn 2");
    s(&[
        "code",
        "P2",
        "--turn",
        "2",
        "--chars",
        "5-2",
        "--theme",
        "what-matters",
        "--coder",
        "KW",
    ])
    .fails_with(1)
    .stderr_has("invalid --chars");
    s(&["code", "P2", "--turn", "2", "--theme", "what-matters"])
        .fails_with(1)
        .stderr_has("no coder given");
    assert!(!d.join("s/codings/KW.csv").exists(), "nothing was written");
}

#[test]
fn concurrent_coders_lose_nothing() {
    let d = Dir::new();
    study(&d);
    // 8 processes at once, each adding 5 codings for the same coder.
    let children: Vec<_> = (0..8)
        .map(|p| {
            let dir = d.join("s");
            std::thread::spawn(move || {
                for k in 0..5 {
                    let a = p * 5 + k;
                    let out = code_one_char(&dir, a).output().unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for c in children {
        c.join().unwrap();
    }
    let rows = codings(&d, "KW");
    assert_eq!(rows.len(), 40, "every concurrent coding was kept");
    let mut ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40, "ids are unique");
}

#[test]
fn a_writer_killed_mid_write_leaves_the_old_file_or_the_new_one() {
    let d = Dir::new();
    study(&d);
    let mut count = 0usize;
    let (mut killed, mut finished) = (0, 0);
    for round in 0..60u64 {
        if killed > 3 && finished > 3 {
            break;
        }
        let mut child = code_one_char(&d.join("s"), round as usize)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill at a later moment each round (0 to 240 ms): before, during or after the write.
        std::thread::sleep(std::time::Duration::from_micros(
            round * 4_000 + (round * 7919) % 4_000,
        ));
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
            None => {
                child.kill().unwrap();
                killed += 1;
            }
        }
        let _ = child.wait();
        if !d.join("s/codings/KW.csv").exists() {
            assert_eq!(count, 0);
            continue;
        }
        // The file always reads, with the previous count or one more. A row torn by a kill
        // mid-append (possible in principle, one write call) is recognised, not counted.
        let file = thematic_study::CodingsFile::read(&d.join("s/codings/KW.csv"))
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        let n = file.codings.len();
        assert!(
            n == count || n == count + 1,
            "round {round}: {n} codings after {count}"
        );
        if file.incomplete.is_none() {
            let rows = codings(&d, "KW");
            assert_eq!(rows.len(), n);
            assert!(rows.iter().all(|r| r.len() == 10));
        }
        count = n;
    }
    assert!(
        killed > 0 && finished > 0,
        "killed {killed}, finished {finished}"
    );
    eprintln!("{killed} writers killed, {finished} finished, {count} codings kept");
    let leftovers: Vec<_> = std::fs::read_dir(d.join("s/codings"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !n.ends_with(".csv")
                && !n.ends_with(".lock")
                && !n.ends_with(".torn.txt")
                && !n.starts_with(".thematic-tmp-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
