//! A multi-file write cut short: `thematic init DIR --from FILE.qdpx` killed part-way
//! leaves a study that `thematic check` fails, naming the command that finishes it, and
//! that command (or the same `init --from` again) makes it whole.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::Dir;

/// `big.qdpx`: the sample study (codings of two coders, memos, participants) and `extra`
/// small transcripts more, so that storing them takes a while.
fn big_project(d: &Dir, extra: usize) {
    d.cmd(&["demo", "demo"]).ok();
    let mut files = Vec::new();
    for i in 1..=extra {
        let path = format!("extra/X{i}.txt");
        d.write(
            &path,
            format!(
                "Interviewer: How was week {i}?\n\nX{i}: Fine, mostly. We talked about the \
                 garden and the bus.\n\nInterviewer: And then?\n\nX{i}: Nothing much.\n"
            ),
        );
        files.push(format!("../{path}"));
    }
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    d.cmd_in("demo", &args).ok();
    d.cmd_in("demo", &["export", "../big.qdpx"]).ok();
}

/// Every file a study holds, by path relative to it, with codings files' rows sorted (an
/// import that resumes may add one coder's rows in another order). Locks, the cache, the
/// change log (which records when) and the temporary file of an atomic write that the kill
/// cut short (hidden, and never read as a transcript) are left out.
fn holdings(study: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![study.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(study)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let name = path.file_name().unwrap().to_string_lossy();
            if rel == ".thematic"
                || rel == "changelog.csv"
                || rel.ends_with(".lock")
                || name.starts_with(".thematic-tmp-")
            {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let mut text = std::fs::read_to_string(&path).unwrap();
            if rel.starts_with("codings/") {
                let mut lines: Vec<&str> = text.lines().collect();
                lines.sort_unstable();
                text = lines.join("\n");
            }
            out.insert(rel, text);
        }
    }
    out
}

/// Runs `thematic init DIR --from big.qdpx` and kills it (SIGKILL) as soon as it has
/// stored `at` transcripts. Returns whether it was killed, rather than done first.
fn init_and_kill(d: &Dir, dir: &str, at: usize) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_thematic"))
        .args(["init", dir, "--from", "big.qdpx"])
        .current_dir(d.path())
        .env_remove("THEMATIC_CODER")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let transcripts = d.join(dir).join("transcripts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_dir(&transcripts).is_ok_and(|e| e.count() >= at)
        && child.try_wait().unwrap().is_none()
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_micros(200));
    }
    // Already exited (and reaped) is no error.
    let _ = child.kill();
    let status = child.wait().unwrap();
    if status.signal() == Some(9) {
        return true;
    }
    assert!(status.success(), "init --from failed: {status}");
    false
}

/// Asserts two studies hold the same, naming only the files that differ.
fn same(got: &BTreeMap<String, String>, want: &BTreeMap<String, String>, what: &str) {
    let differ: Vec<&String> = got
        .keys()
        .chain(want.keys())
        .filter(|k| got.get(*k) != want.get(*k))
        .collect();
    for k in differ.iter().take(3) {
        eprintln!(
            "{k}:\n--- got:\n{:?}\n--- want:\n{:?}",
            got.get(*k),
            want.get(*k)
        );
    }
    assert!(differ.is_empty(), "{what}: these files differ: {differ:?}");
}

#[test]
fn a_killed_init_from_a_project_is_reported_by_check_and_finished_by_one_command() {
    let d = Dir::new();
    big_project(&d, 300);
    d.cmd(&["init", "full", "--from", "big.qdpx"]).ok();
    assert!(!d.join("full/unfinished.toml").exists());
    let whole = holdings(&d.join("full"));
    assert_eq!(
        whole
            .keys()
            .filter(|k| k.starts_with("transcripts/"))
            .count(),
        318
    );
    std::fs::copy(d.join("big.qdpx"), d.join("copy.qdpx")).unwrap();
    let source = d.path().canonicalize().unwrap().join("big.qdpx");
    let source = source.to_string_lossy();

    // Two kills, after the first transcript and half-way: the first finished by `import`,
    // the second by the same `init` again. A run that ends before it is killed must have
    // made the whole study.
    for (attempt, at, finish_by_init) in [(0, 1, false), (1, 150, true)] {
        let dir = format!("part{attempt}");
        let killed = init_and_kill(&d, &dir, at);
        // The record goes last, so a run killed after removing it (on a machine slow enough
        // to let it store everything first) has made the whole study too.
        if !d.join(&dir).join("unfinished.toml").exists() {
            eprintln!("{dir}: init --from finished before the kill (killed: {killed})");
            d.cmd_in(&dir, &["check"]).ok();
            same(&holdings(&d.join(&dir)), &whole, &dir);
            continue;
        }
        assert!(killed, "a finished init --from left unfinished.toml");
        let stored = std::fs::read_dir(d.join(&dir).join("transcripts"))
            .unwrap()
            .count();
        eprintln!("{dir}: killed with {stored} of 318 transcripts stored");
        let run = d.cmd_in(&dir, &["check"]).fails_with(1);
        let run = run
            .stdout_has("unfinished")
            .stdout_has(&format!("making this study from {source}"))
            .stderr_has("did not finish: to finish it, run `thematic import ");
        assert!(run.stderr().contains(&*source), "{}", run.stderr());

        // Another project is refused, with the command that finishes this one.
        d.cmd(&["init", &dir, "--from", "copy.qdpx"])
            .fails_with(1)
            .stderr_has("holds an unfinished study")
            .stderr_has("hint: to finish it, run in the study: thematic import ");

        if finish_by_init {
            d.cmd(&["init", &dir, "--from", "big.qdpx"])
                .ok()
                .stderr_has("finishing it")
                .stderr_has("finished study");
        } else {
            d.cmd_in(&dir, &["import", &source]).ok();
        }
        assert!(!d.join(&dir).join("unfinished.toml").exists());
        d.cmd_in(&dir, &["check"])
            .ok()
            .stderr_has("195 codings by 2 coders: 0 errors");
        same(&holdings(&d.join(&dir)), &whole, &dir);
        // Finished, it is a study like any other: a second `init` is refused, and importing
        // the project again adds nothing.
        d.cmd(&["init", &dir, "--from", "big.qdpx"])
            .fails_with(1)
            .stderr_has("already holds a study");
        d.cmd_in(&dir, &["import", &source])
            .ok()
            .stderr_has(
                "0 coding(s) added, 195 already present; 0 memo(s) added, 10 already present",
            )
            .stderr_has("0 participant(s) added");
        same(&holdings(&d.join(&dir)), &whole, &dir);
    }
}

/// Any multi-file write cut short (here a `codebook merge`, its record as a kill leaves it):
/// every command warns, `check` fails naming who started it and the command that finishes
/// it, and that command finishes it and removes the record.
#[test]
fn a_cut_short_merge_is_named_by_every_command_and_finished_by_running_it_again() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    d.write(
        "demo/unfinished.toml",
        "[[unfinished]]\noperation = \"codebook merge\"\n\
         finish = [\"codebook\", \"merge\", \"empowerment\", \"active-engagement\"]\n\
         who = \"KW\"\neffect = \"some coders' codings may still be under \\\"empowerment\\\"\"\n\
         started = \"2026-12-07T12:00:00Z\"\n",
    );
    let merge = "`thematic codebook merge empowerment active-engagement`";
    d.cmd_in("demo", &["codebook", "show", "--format", "csv"])
        .ok()
        .stderr_has(&format!(
            "warning: {merge} by KW (started 2026-12-07T12:00:00Z) did not finish"
        ))
        .stderr_has(&format!("run {merge} to finish it"));
    d.cmd_in("demo", &["check"])
        .fails_with(1)
        .stdout_has("unfinished")
        .stderr_has(&format!(
            "did not finish: to finish it, run {merge} in the study"
        ));
    d.cmd_in(
        "demo",
        &["codebook", "merge", "empowerment", "active-engagement"],
    )
    .ok();
    assert!(!d.join("demo/unfinished.toml").exists());
    let check = d.cmd_in("demo", &["check"]).ok();
    assert!(
        !check.stderr().contains("did not finish"),
        "{}",
        check.stderr()
    );
}
