//! `thematic-bench faults`: kill each write path of the CLI with SIGKILL at a random moment and
//! prove that nothing was lost.
//!
//! For each write path (a coding appended, the codebook edits, a codebook merge, a transcript
//! update, an import with and without `--replace`, a merge of another copy's coders,
//! suggestions accepted, a study made from a `.qdpx`, an undo) the harness first
//! runs the command to completion on a fresh copy of the study, three times: the median wall
//! time is the command's normal duration, and the first run's outcome is the reference (what
//! the command does by design: a merge's new themes, an update's new offsets). Then each trial
//! copies the study afresh, starts the real `thematic` binary, sleeps a seeded random delay
//! between 0 and that duration, and sends SIGKILL (`Child::kill`). Afterwards:
//!
//! - **torn**: every CSV in the study (codings, change log, participants) must parse with the
//!   header's number of fields, and the codebook must load;
//! - the state is classed as *before* (nothing happened), *after* (what the reference run
//!   left) or *partial* (anything else);
//! - **recovery** is needed when `thematic check` reports an error or the state is partial:
//!   first the command `check` names (`run \`thematic …\``), then rerunning the same command;
//!   after it `check` must report no error (else the trial is *unrecovered*). A partial state
//!   that `check` passes is counted as *silent*: nothing tells the user it is unfinished;
//! - **lost**: every coding present before (or, for `init --from`, every coding of the
//!   project) must be present at the end under its id, coder, transcript and words, at its old
//!   span and theme or at the reference run's (a merge's target, an update's new offsets), or
//!   folded by design into an identical coding. A coding the reference run removed (undo)
//!   may be absent.
//!
//! ```text
//! $ thematic-bench gen --transcripts 30 /tmp/corpus30
//! $ thematic-bench faults /tmp/corpus30 --trials 40 --seed 1
//! ```
//!
//! Exits non-zero when a coding was lost, a file was torn or a study could not be recovered.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::search::copy_dir;

/// What a coding row says, without its id: coder, transcript, start, end, theme, text, status.
type Content = (String, String, String, String, String, String, String);

/// One coding as the harness compares it (created time and memo left out).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    coder: String,
    id: String,
    transcript: String,
    start: String,
    end: String,
    theme: String,
    text: String,
    status: String,
}

impl Row {
    /// The row without its id: ids of new codings are random.
    fn content(&self) -> Content {
        (
            self.coder.clone(),
            self.transcript.clone(),
            self.start.clone(),
            self.end.clone(),
            self.theme.clone(),
            self.text.clone(),
            self.status.clone(),
        )
    }
}

/// What a study holds, as far as the harness cares.
#[derive(Debug, Default)]
struct State {
    rows: Vec<Row>,
    /// A hash of every file (path → hash), caches and lock files left out.
    files: BTreeMap<PathBuf, u64>,
    /// Files that did not parse, with why.
    torn: Vec<String>,
}

impl State {
    /// Per coder, whether their codings are as `before`, as `after`, or neither; and whether
    /// the codebook is.
    fn describe(&self, before: &State, after: &State) -> String {
        let coders: BTreeSet<&str> = self
            .rows
            .iter()
            .chain(&before.rows)
            .chain(&after.rows)
            .map(|r| r.coder.as_str())
            .collect();
        let pick = |s: &State, c: &str| {
            let mut v: Vec<_> = s
                .rows
                .iter()
                .filter(|r| r.coder == c)
                .map(Row::content)
                .collect();
            v.sort();
            v
        };
        let class = |now: bool, then: bool| match (now, then) {
            (true, _) => "before",
            (_, true) => "after",
            _ => "neither",
        };
        let mut out: Vec<String> = coders
            .iter()
            .map(|c| {
                let mine = pick(self, c);
                format!(
                    "{c}.csv {}",
                    class(mine == pick(before, c), mine == pick(after, c))
                )
            })
            .collect();
        let book = |s: &State| {
            s.files
                .iter()
                .filter(|(p, _)| p.starts_with("codebooks"))
                .map(|(p, h)| (p.clone(), *h))
                .collect::<Vec<_>>()
        };
        out.push(format!(
            "codebook {}",
            class(book(self) == book(before), book(self) == book(after))
        ));
        out.join(", ")
    }

    fn contents(&self) -> BTreeMap<Content, usize> {
        let mut out = BTreeMap::new();
        for r in &self.rows {
            *out.entry(r.content()).or_insert(0) += 1;
        }
        out
    }
}

/// How a trial's study is made before the command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prep {
    /// A copy of the generated study.
    Plain,
    /// A copy with autocode's suggestions filed under `auto`.
    Suggestions,
    /// A copy in which coder A has just coded once (the action `undo` takes back).
    Coded,
    /// No study: `init --from` makes it.
    Nothing,
}

/// One write path: its name, how its study is made, and its arguments (`{study}` is replaced
/// by the study folder).
struct WritePath {
    name: &'static str,
    prep: Prep,
    args: Vec<String>,
}

fn write_paths(work: &Path) -> Vec<WritePath> {
    let w = |s: &str| s.to_string();
    let code = ["code", "P1", "--turn", "2", "--chars", "0-20"];
    let code: Vec<String> = code
        .iter()
        .map(|s| w(s))
        .chain(["--theme", "empowerment", "--coder", "A"].map(w))
        .collect();
    let mut paths = vec![
        WritePath {
            name: "code",
            prep: Prep::Plain,
            args: code,
        },
        WritePath {
            name: "codebook merge",
            prep: Prep::Plain,
            args: ["codebook", "merge", "active-engagement", "asking-questions"]
                .map(w)
                .into(),
        },
        WritePath {
            name: "codebook rename",
            prep: Prep::Plain,
            args: ["codebook", "rename", "empowerment", "Empowering"]
                .map(w)
                .into(),
        },
        WritePath {
            name: "codebook move",
            prep: Prep::Plain,
            args: ["codebook", "move", "empowerment", "--parent", "splw-role"]
                .map(w)
                .into(),
        },
        WritePath {
            name: "codebook split",
            prep: Prep::Plain,
            args: [
                "codebook",
                "split",
                "patients-role",
                "Being heard",
                "patient-stories",
            ]
            .map(w)
            .into(),
        },
        WritePath {
            name: "codebook discard",
            prep: Prep::Plain,
            args: ["codebook", "discard", "the-approach"].map(w).into(),
        },
        WritePath {
            name: "transcripts update",
            prep: Prep::Plain,
            args: vec![
                w("transcripts"),
                w("update"),
                w("P1"),
                work.join("P1-corrected.txt").display().to_string(),
            ],
        },
        WritePath {
            name: "import --replace",
            prep: Prep::Plain,
            args: vec![
                w("import"),
                work.join("P1-corrected.txt").display().to_string(),
                w("--id"),
                w("P1"),
                w("--replace"),
            ],
        },
        WritePath {
            name: "import",
            prep: Prep::Plain,
            args: vec![w("import"), work.join("new").display().to_string()],
        },
        WritePath {
            name: "merge",
            prep: Prep::Plain,
            args: vec![w("merge"), work.join("other").display().to_string()],
        },
        WritePath {
            name: "suggestions accept",
            prep: Prep::Suggestions,
            args: ["suggestions", "accept", "--all", "--coder", "A"]
                .map(w)
                .into(),
        },
        WritePath {
            name: "init --from",
            prep: Prep::Nothing,
            args: vec![
                w("init"),
                w("{study}"),
                w("--from"),
                work.join("study.qdpx").display().to_string(),
            ],
        },
        WritePath {
            name: "undo",
            prep: Prep::Coded,
            args: ["undo", "--coder", "A"].map(w).into(),
        },
    ];
    for p in &mut paths {
        if p.prep != Prep::Nothing {
            p.args.splice(0..0, [w("--study"), w("{study}")]);
        }
    }
    paths
}

/// The figures of one write path.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// The path's name.
    pub name: String,
    /// The command's normal wall time (median of three complete runs).
    pub normal: Duration,
    /// Trials run.
    pub trials: usize,
    /// Trials where SIGKILL ended the process (it had not finished).
    pub killed: usize,
    /// Killed trials that left the state of the reference run or a partial one.
    pub mid_write: usize,
    /// Trials that left a partial state.
    pub partial: usize,
    /// Partial states that `thematic check` passed (nothing tells the user).
    pub silent: usize,
    /// Trials that needed a recovery (check's advice or rerunning the command).
    pub recoveries: usize,
    /// Trials after whose recovery `check` still reported errors.
    pub unrecovered: usize,
    /// Torn files seen right after a kill.
    pub torn: usize,
    /// Codings lost.
    pub lost: usize,
    /// One line per problem: trial, delay and what was wrong.
    pub findings: Vec<String>,
}

/// Runs `trials` kills of every write path (or only those named in `only`) on copies of
/// `corpus`, with the `thematic` binary `exe`, and returns the figures per path.
pub fn run(
    exe: &Path,
    corpus: &Path,
    trials: usize,
    seed: u64,
    only: &[String],
) -> Result<Vec<Tally>, String> {
    let work = std::env::temp_dir().join(format!("thematic-bench-faults-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let result = prepare(exe, corpus, &work).and_then(|()| {
        let mut out = Vec::new();
        for (k, path) in write_paths(&work).iter().enumerate() {
            if !only.is_empty() && !only.iter().any(|o| o == path.name) {
                continue;
            }
            let rng = ChaCha8Rng::seed_from_u64(seed ^ (k as u64).wrapping_mul(0x9E37_79B9));
            out.push(run_path(exe, &work, path, trials, rng)?);
        }
        Ok(out)
    });
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// The studies and files the write paths start from, in `work`.
fn prepare(exe: &Path, corpus: &Path, work: &Path) -> Result<(), String> {
    let base = work.join("base");
    copy_dir(corpus, &base)?;
    let sugg = work.join("base-suggestions");
    copy_dir(corpus, &sugg)?;
    thematic(exe, &sugg, &["autocode", "--coder", "auto"])?;
    let coded = work.join("base-coded");
    copy_dir(corpus, &coded)?;
    thematic(
        exe,
        &coded,
        &[
            "code",
            "P1",
            "--turn",
            "2",
            "--chars",
            "0-20",
            "--theme",
            "empowerment",
            "--coder",
            "A",
        ],
    )?;
    // A correction early in P1 (a word added to the first question) moves every coding.
    let p1 = std::fs::read_to_string(corpus.join("transcripts/P1.txt"))
        .map_err(|e| format!("{}: {e}", corpus.join("transcripts/P1.txt").display()))?;
    let corrected = p1.replacen("Interviewer: ", "Interviewer: So, ", 1);
    std::fs::write(work.join("P1-corrected.txt"), corrected).map_err(|e| e.to_string())?;
    // Ten new transcripts, numbered after the corpus's own.
    let n = std::fs::read_dir(corpus.join("transcripts"))
        .map_err(|e| e.to_string())?
        .count();
    let new = work.join("new");
    std::fs::create_dir_all(&new).map_err(|e| e.to_string())?;
    for k in n + 1..=n + 10 {
        let g = crate::corpus::transcript(1, k);
        std::fs::write(new.join(format!("{}.txt", g.id)), g.text).map_err(|e| e.to_string())?;
    }
    let qdpx = work.join("study.qdpx");
    thematic(exe, &base, &["export", &qdpx.display().to_string()])?;
    // A copy of the study in which two more coders, C and D, coded what A and B did: what
    // `thematic merge` brings across, one coder's file after the other.
    let other = work.join("other");
    copy_dir(corpus, &other)?;
    // Their coding ids are made anew (`A-P1-1` becomes `C-P1-1`): ids are unique across
    // coders in a real study, and `check` refuses a study where two coders share one.
    for (from, to) in [("A", "C"), ("B", "D")] {
        let codings = other.join("codings");
        let old = codings.join(format!("{from}.csv"));
        let text = std::fs::read_to_string(&old).map_err(|e| format!("{}: {e}", old.display()))?;
        let renamed: String = text
            .split_inclusive('\n')
            .map(|line| match line.strip_prefix(&format!("{from}-")) {
                Some(rest) => format!("{to}-{rest}"),
                None => line.to_string(),
            })
            .collect();
        std::fs::write(codings.join(format!("{to}.csv")), renamed)
            .and_then(|()| std::fs::remove_file(&old))
            .map_err(|e| format!("{}: {e}", codings.display()))?;
    }
    Ok(())
}

/// Runs `thematic --study DIR ARGS` to completion; its stdout, or why it failed.
fn thematic(exe: &Path, study: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(exe)
        .arg("--study")
        .arg(study)
        .args(args)
        .env("THEMATIC_CODER", "A")
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "thematic {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn fresh(work: &Path, prep: Prep, trial: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(trial);
    match prep {
        Prep::Plain => copy_dir(&work.join("base"), trial),
        Prep::Suggestions => copy_dir(&work.join("base-suggestions"), trial),
        Prep::Coded => copy_dir(&work.join("base-coded"), trial),
        Prep::Nothing => Ok(()),
    }
}

fn command(exe: &Path, path: &WritePath, study: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args(path.args.iter().map(|a| {
        if a == "{study}" {
            study.as_os_str().to_owned()
        } else {
            OsString::from(a)
        }
    }))
    .env("THEMATIC_CODER", "A")
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd
}

fn run_path(
    exe: &Path,
    work: &Path,
    path: &WritePath,
    trials: usize,
    mut rng: ChaCha8Rng,
) -> Result<Tally, String> {
    let study = work.join("trial");
    let mut tally = Tally {
        name: path.name.into(),
        ..Tally::default()
    };
    // The reference: the command run to completion, three times for its normal duration.
    let mut times = Vec::new();
    let (mut before, mut reference) = (State::default(), State::default());
    for i in 0..3 {
        fresh(work, path.prep, &study)?;
        if i == 0 {
            before = read_state(&study);
        }
        let t = Instant::now();
        let status = command(exe, path, &study)
            .status()
            .map_err(|e| e.to_string())?;
        times.push(t.elapsed());
        if !status.success() {
            return Err(format!("{}: the command failed when run whole", path.name));
        }
        if i == 0 {
            reference = read_state(&study);
            let (errors, _) = check(exe, &study);
            if let Some(errors) = errors.filter(|e| !e.is_empty()) {
                tally.findings.push(format!(
                    "{}: `thematic check` reports errors after the command ran to completion, \
                     with no kill: {}",
                    path.name,
                    errors.join(" | ")
                ));
            }
        }
    }
    tally.normal = crate::median(times);
    let must_have: Vec<Row> = if path.prep == Prep::Nothing {
        reference.rows.clone()
    } else {
        before.rows.clone()
    };
    let by_id: BTreeMap<(&str, &str), &Row> = reference
        .rows
        .iter()
        .map(|r| ((r.coder.as_str(), r.id.as_str()), r))
        .collect();
    let ref_contents = reference.contents();
    let before_contents = before.contents();
    let max = tally.normal.as_micros() as u64;
    for trial in 0..trials {
        fresh(work, path.prep, &study)?;
        let delay = Duration::from_micros(rng.random_range(0..=max));
        let mut child = command(exe, path, &study)
            .spawn()
            .map_err(|e| e.to_string())?;
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().map_err(|e| e.to_string())?;
        tally.trials += 1;
        let killed = status.signal() == Some(9);
        let at = format!(
            "{} trial {trial} (delay {} µs)",
            path.name,
            delay.as_micros()
        );
        let after_kill = read_state(&study);
        if !after_kill.torn.is_empty() {
            tally.torn += after_kill.torn.len();
            tally
                .findings
                .push(format!("{at}: torn: {}", after_kill.torn.join("; ")));
        }
        let contents = after_kill.contents();
        let partial = contents != before_contents && contents != ref_contents;
        if killed {
            tally.killed += 1;
            if after_kill.files != before.files {
                tally.mid_write += 1;
            }
        }
        let (errors, advice) = check(exe, &study);
        let has_errors = errors.as_ref().is_none_or(|e| !e.is_empty());
        if partial {
            tally.partial += 1;
            if !has_errors {
                tally.silent += 1;
                tally.findings.push(format!(
                    "{at}: partial state that `thematic check` passes: {}",
                    after_kill.describe(&before, &reference)
                ));
            }
        }
        let mut end = after_kill;
        if has_errors || partial {
            tally.recoveries += 1;
            if let Some(advice) = advice {
                run_advice(exe, &study, &advice);
            }
            let (errors, _) = check(exe, &study);
            if errors.as_ref().is_none_or(|e| !e.is_empty())
                || read_state(&study).contents() != ref_contents
            {
                let _ = command(exe, path, &study).status();
            }
            let (errors, _) = check(exe, &study);
            match errors {
                Some(e) if e.is_empty() => {}
                e => {
                    tally.unrecovered += 1;
                    tally.findings.push(format!(
                        "{at}: after recovery `thematic check` still fails: {}",
                        e.map_or("no study".into(), |e| e.join(" | "))
                    ));
                }
            }
            end = read_state(&study);
        }
        let lost = lost(&must_have, &by_id, &reference, &end);
        if !lost.is_empty() {
            tally.lost += lost.len();
            tally.findings.push(format!(
                "{at}: {} coding(s) lost, e.g. {}/{} ({} {}-{} {})",
                lost.len(),
                lost[0].coder,
                lost[0].id,
                lost[0].transcript,
                lost[0].start,
                lost[0].end,
                lost[0].theme
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&study);
    Ok(tally)
}

/// The codings of `must_have` that `end` does not hold as they were, as the reference run left
/// them, or folded into an identical coding; a coding the reference run removed may be absent.
fn lost<'a>(
    must_have: &'a [Row],
    by_id: &BTreeMap<(&str, &str), &Row>,
    reference: &State,
    end: &State,
) -> Vec<&'a Row> {
    let end_ids: BTreeMap<(&str, &str), &Row> = end
        .rows
        .iter()
        .map(|r| ((r.coder.as_str(), r.id.as_str()), r))
        .collect();
    let same = |a: &Row, b: &Row| {
        a.transcript == b.transcript
            && a.start == b.start
            && a.end == b.end
            && a.text == b.text
            && a.theme == b.theme
    };
    let span = |r: &Row| {
        (
            r.coder.clone(),
            r.transcript.clone(),
            r.start.clone(),
            r.end.clone(),
            r.text.clone(),
        )
    };
    let end_spans: BTreeSet<_> = end.rows.iter().map(span).collect();
    let ref_spans: BTreeSet<_> = reference.rows.iter().map(span).collect();
    must_have
        .iter()
        .filter(|c| {
            let key = (c.coder.as_str(), c.id.as_str());
            let theirs = by_id.get(&key);
            match end_ids.get(&key) {
                Some(now) => !(same(c, now) || theirs.is_some_and(|r| same(r, now))),
                // Absent: fine if the reference run removed it too, or folded it into an
                // identical coding (a merge) that is there.
                None => match theirs {
                    Some(_) => true,
                    None => ref_spans.contains(&span(c)) && !end_spans.contains(&span(c)),
                },
            }
        })
        .collect()
}

/// The errors `thematic check` reports (`None` when it found no study), and the command its
/// advice names, if any (`run \`thematic …\``).
fn check(exe: &Path, study: &Path) -> (Option<Vec<String>>, Option<String>) {
    let Ok(out) = Command::new(exe)
        .arg("--study")
        .arg(study)
        .args(["check", "--format", "json"])
        .output()
    else {
        return (None, None);
    };
    let Ok(serde_json::Value::Array(findings)) = serde_json::from_slice(&out.stdout) else {
        return (None, None);
    };
    let mut errors = Vec::new();
    let mut advice = None;
    for f in findings {
        if f["severity"] != "error" {
            continue;
        }
        let message = f["message"].as_str().unwrap_or_default().to_string();
        if advice.is_none()
            && let Some((_, rest)) = message.split_once("run `thematic ")
            && let Some((cmd, _)) = rest.split_once('`')
        {
            advice = Some(cmd.to_string());
        }
        errors.push(format!("{}: {message}", f["kind"].as_str().unwrap_or("?")));
    }
    errors.sort();
    errors.dedup_by(|a, b| a.split(':').next() == b.split(':').next());
    (Some(errors), advice)
}

/// Runs the command `check` advised, in the study (its words split at spaces, quotes taken
/// off: the harness's paths have no spaces).
fn run_advice(exe: &Path, study: &Path, advice: &str) {
    let words: Vec<String> = advice
        .split_whitespace()
        .map(|w| w.trim_matches(['\'', '"']).to_string())
        .collect();
    let _ = Command::new(exe)
        .args(&words)
        .current_dir(study)
        .env("THEMATIC_CODER", "A")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Reads every coder's codings, and notes every file that does not parse.
fn read_state(study: &Path) -> State {
    let mut state = State::default();
    if !study.join("thematic.toml").exists() {
        return state;
    }
    let mut csvs = vec![study.join("changelog.csv"), study.join("participants.csv")];
    if let Ok(dir) = std::fs::read_dir(study.join("codings")) {
        let mut files: Vec<PathBuf> = dir
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        files.sort();
        for file in files {
            let coder = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match read_codings(&file, &coder) {
                Ok(rows) => state.rows.extend(rows),
                Err(e) => state.torn.push(format!("{}: {e}", file.display())),
            }
        }
    }
    csvs.retain(|p| p.exists());
    for file in csvs {
        if let Err(e) = read_codings(&file, "") {
            state.torn.push(format!("{}: {e}", file.display()));
        }
    }
    if let Err(e) = load_codebook(study) {
        state.torn.push(e);
    }
    hash_files(study, Path::new(""), &mut state.files);
    state.rows.sort();
    state
}

/// Hashes every file under `root/rel` into `out`, by path relative to `root`; the cache
/// (`.thematic`) and lock files are left out.
fn hash_files(root: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, u64>) {
    use std::hash::{Hash as _, Hasher as _};
    let Ok(dir) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let path = rel.join(&name);
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if name != ".thematic" {
                hash_files(root, &path, out);
            }
        } else if !name.to_string_lossy().ends_with(".lock")
            && let Ok(bytes) = std::fs::read(root.join(&path))
        {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            out.insert(path, h.finish());
        }
    }
}

fn read_codings(file: &Path, coder: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(file)
        .map_err(|e| e.to_string())?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        if coder.is_empty() {
            continue;
        }
        let get = |name: &str| {
            col(name)
                .and_then(|i| record.get(i))
                .unwrap_or_default()
                .to_string()
        };
        rows.push(Row {
            coder: coder.to_string(),
            id: get("id"),
            transcript: get("transcript"),
            start: get("start"),
            end: get("end"),
            theme: get("theme"),
            text: get("text"),
            status: get("status"),
        });
    }
    Ok(rows)
}

/// Loads the codebook `thematic.toml` names.
fn load_codebook(study: &Path) -> Result<(), String> {
    let settings = std::fs::read_to_string(study.join("thematic.toml"))
        .map_err(|e| format!("thematic.toml: {e}"))?;
    let name = settings
        .lines()
        .find_map(|l| {
            let rest = l
                .trim()
                .strip_prefix("codebook")?
                .trim_start()
                .strip_prefix('=')?;
            Some(rest.trim().trim_matches('"').to_string())
        })
        .ok_or("thematic.toml names no codebook")?;
    let path = study.join(&name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    thematic_codebook::Codebook::from_toml(&text, &name)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Prints the table of figures and every finding; true when nothing was lost, torn or left
/// unrecovered.
pub fn report(tallies: &[Tally]) -> bool {
    println!(
        "| write path | normal (ms) | trials | killed | killed mid-write | partial | silent partial | recoveries | unrecovered | torn files | codings lost |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for t in tallies {
        println!(
            "| `{}` | {:.0} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            t.name,
            t.normal.as_secs_f64() * 1e3,
            t.trials,
            t.killed,
            t.mid_write,
            t.partial,
            t.silent,
            t.recoveries,
            t.unrecovered,
            t.torn,
            t.lost
        );
    }
    for t in tallies {
        for f in &t.findings {
            println!("finding: {f}");
        }
    }
    tallies
        .iter()
        .all(|t| t.lost == 0 && t.torn == 0 && t.unrecovered == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workspace's built `thematic` (debug, as `cargo test --workspace` builds it, then release), if there is one.
    fn built_thematic() -> Option<PathBuf> {
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
        ["debug", "release"]
            .iter()
            .map(|p| target.join(p).join("thematic"))
            .find(|p| p.exists())
    }

    /// A CI-sized run: four kills each of an append, a merge (which rewrites every coder's
    /// file) and an undo on a 3-transcript study. Skipped when `thematic` is not built.
    #[test]
    fn killed_writes_lose_no_coding() {
        let Some(exe) = built_thematic() else {
            eprintln!("skipped: build thematic first (cargo build -p thematic)");
            return;
        };
        let corpus = tempfile::tempdir().unwrap();
        crate::corpus::study(corpus.path(), 3, 7).unwrap();
        let only = ["code", "codebook merge", "undo"].map(String::from);
        let tallies = run(&exe, corpus.path(), 4, 7, &only).unwrap();
        assert_eq!(tallies.len(), 3, "one tally per path asked for");
        for t in &tallies {
            assert_eq!(t.trials, 4, "{}", t.name);
            // Each killed trial either finished or was killed: never more kills than trials.
            assert!(t.killed <= t.trials && t.mid_write <= t.killed, "{t:?}");
            assert_eq!(t.lost, 0, "{}: {:?}", t.name, t.findings);
            assert_eq!(t.torn, 0, "{}: {:?}", t.name, t.findings);
            assert_eq!(t.unrecovered, 0, "{}: {:?}", t.name, t.findings);
        }
    }

    /// The loss rule, by hand: a coding kept as it was, moved as the reference moved it, or
    /// folded into an identical coding is not lost; one that vanished, or changed in a way the
    /// reference did not, is.
    #[test]
    fn a_coding_counts_as_lost_only_when_neither_kept_nor_moved_by_design() {
        let row = |id: &str, start: &str, theme: &str| Row {
            coder: "A".into(),
            id: id.into(),
            transcript: "P1".into(),
            start: start.into(),
            end: "20".into(),
            theme: theme.into(),
            text: "words".into(),
            status: String::new(),
        };
        let before = vec![row("1", "0", "x"), row("2", "5", "x"), row("3", "9", "x")];
        // The reference merged x into y (1), kept 2, and folded 3 into an identical 4.
        let reference = State {
            rows: vec![row("1", "0", "y"), row("2", "5", "x"), row("4", "9", "y")],
            ..State::default()
        };
        let by_id: BTreeMap<(&str, &str), &Row> = reference
            .rows
            .iter()
            .map(|r| ((r.coder.as_str(), r.id.as_str()), r))
            .collect();
        let whole = State {
            rows: reference.rows.clone(),
            ..State::default()
        };
        assert!(lost(&before, &by_id, &reference, &whole).is_empty());
        let untouched = State {
            rows: before.clone(),
            ..State::default()
        };
        assert!(lost(&before, &by_id, &reference, &untouched).is_empty());
        // 2 gone, and 1 under a theme neither run gave it: two lost.
        let broken = State {
            rows: vec![row("1", "0", "z"), row("4", "9", "y")],
            ..State::default()
        };
        let ids: Vec<&str> = lost(&before, &by_id, &reference, &broken)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["1", "2"]);
    }
}
