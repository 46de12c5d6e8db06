//! Concurrent writers lose nothing. Each multi-file write path of `thematic` runs while a
//! second coder codes in a loop with `thematic code` (one new coding per process) and a
//! running `thematic serve` takes codings by `POST /api/codings` in a loop. Afterwards every
//! coding either loop was told was stored is there by id, on its words (where they are now
//! when a transcript changed), under a current theme (a merged-away theme's target), every
//! seeded and merged coding likewise, and `thematic check` finds no error.
//!
//! The study: four generated transcripts P1–P4 of 40 answers; answer i (turn 2i) says
//! alpha{i} … hotel{i} once each, so every writer codes words of its own and no two codings of
//! one coder share a span (a span shared would let a merge fold one into the other). The loop
//! coder LC codes alpha words, the server's coder SV charlie words, the seeded codings of KW
//! and CG are on delta and echo, other copies of the study (for `merge`) add foxtrot, and KW's
//! codings made to be undone are on golf. Half of each loop's codings are in P1, the transcript
//! the updates change.
//!
//! Each writer step first waits until both loops have finished another attempt, so every
//! step runs among loop writes. `THEMATIC_RACE_BIN` runs the whole file against another
//! build: a wrapper script that `LD_PRELOAD`s a `flock()` that returns 0 at once (every
//! file lock skipped) makes the codebook merge, transcripts update, import --replace and
//! suggestions accept pairs fail on every run (codings lost, coded against the old text,
//! left under a merged-away code; BENCHMARKS.md, "Trust: concurrent writers").
//! `an_unlocked_writer_is_caught` shows the same within the file: a writer that rewrites a
//! codings file without its lock is caught.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use thematic_study::{Status, Study};

use crate::util::Dir;

/// Transcripts P1..=P4, each with this many answers.
const TRANSCRIPTS: usize = 4;
const ANSWERS: usize = 40;

/// The codes the loops code with, two candidate themes of three.
const CODES: [&str; 6] = [
    "warmth",
    "trust",
    "advice",
    "housing",
    "money",
    "loneliness",
];

/// The codebook: candidate themes `relationships` and `circumstances` holding the six codes,
/// and `gardening`, whose search rule finds one sentence in every answer.
const CODEBOOK: &str = r#"format_version = 1
name = "Concurrent writers"

[[theme]]
id = "relationships"
label = "Relationships"
codable = false

[[theme]]
id = "warmth"
label = "Warmth"
parent = "relationships"
definition = "Kindness in the meeting."

[[theme]]
id = "trust"
label = "Trust"
parent = "relationships"
definition = "Being believed."

[[theme]]
id = "advice"
label = "Advice"
parent = "relationships"
definition = "Being told what to do."

[[theme]]
id = "circumstances"
label = "Circumstances"
codable = false

[[theme]]
id = "housing"
label = "Housing"
parent = "circumstances"
definition = "Where one lives."

[[theme]]
id = "money"
label = "Money"
parent = "circumstances"
definition = "Income and debt."

[[theme]]
id = "loneliness"
label = "Loneliness"
parent = "circumstances"
definition = "Being alone."

[[theme]]
id = "gardening"
label = "Gardening"
parent = "circumstances"
definition = "Time in the garden."
keywords = ["garden"]
"#;

/// The binary under test; `THEMATIC_RACE_BIN` runs the file against another build.
fn binary() -> PathBuf {
    std::env::var_os("THEMATIC_RACE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_thematic")))
}

/// `thematic ARGS` in `dir`, with a clean environment.
fn thematic(dir: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_remove("THEMATIC_CODER")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `thematic ARGS` in `dir`, which must succeed; its standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = thematic(dir, args);
    assert!(
        out.status.success(),
        "thematic {}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Transcript `id` (speaker `id`), its first question `question`.
fn transcript(id: &str, question: &str) -> String {
    let mut t = format!("Interviewer: {question}\n\n");
    for i in 1..=ANSWERS {
        t.push_str(&format!(
            "{id}: Answer {i} says alpha{i} bravo{i} charlie{i} delta{i} echo{i} foxtrot{i} \
             golf{i} hotel{i}. We talked about the garden.\n\nInterviewer: And then {i}?\n\n"
        ));
    }
    t
}

/// P1 as first imported, and P1 with a longer first question: every later offset is 31 code
/// points further on ("How did it all begin for you, back at the start?", 48, is 31 longer
/// than "How did it begin?", 17), the answers' words unchanged.
fn p1_versions() -> (String, String) {
    (
        transcript("P1", "How did it begin?"),
        transcript("P1", "How did it all begin for you, back at the start?"),
    )
}

/// A coding someone was told was stored.
#[derive(Debug, Clone)]
struct Made {
    id: String,
    coder: String,
    transcript: String,
    theme: String,
    /// The words it was told were coded.
    text: String,
    /// The words asked for: other than `text` only when the server was sent offsets read
    /// from a transcript that changed before the request (the API codes offsets into the
    /// transcript as it is).
    asked: String,
    /// `thematic code` said the transcript changed while the coding was being made, and
    /// placed it on its words in the new text under the lock.
    moved: bool,
    /// When the process or request that made it returned.
    at: Instant,
}

/// `thematic code` as `coder` of `word` in answer `i` of `transcript`: the coding made, or
/// the refusal (exit code 1) with its message. Any other outcome fails the test.
fn code(
    study: &Path,
    coder: &str,
    transcript: &str,
    i: usize,
    word: &str,
    theme: &str,
) -> Result<Made, String> {
    let turn = (2 * i).to_string();
    let args = [
        "code", transcript, "--turn", &turn, "--text", word, "--theme", theme, "--coder", coder,
    ];
    let out = thematic(study, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => Ok(Made {
            id: String::from_utf8(out.stdout).unwrap().trim().to_string(),
            coder: coder.into(),
            transcript: transcript.into(),
            theme: theme.into(),
            text: word.into(),
            asked: word.into(),
            moved: stderr.contains("was updated while this coding was being made"),
            at: Instant::now(),
        }),
        Some(1) => Err(stderr),
        _ => panic!("thematic {}: {:?}\n{stderr}", args.join(" "), out.status),
    }
}

/// A test study with the generated transcripts and codebook, and six codings each by KW
/// (delta words) and CG (echo words), one per code, two of each coder's in P1.
struct Setup {
    d: Dir,
    study: PathBuf,
    seeds: Vec<Made>,
}

fn setup() -> Setup {
    let d = Dir::new();
    ok(d.path(), &["init", "s"]);
    let study = d.join("s");
    d.write("s/codebooks/blank.toml", CODEBOOK);
    let mut files = Vec::new();
    for n in 1..=TRANSCRIPTS {
        let id = format!("P{n}");
        let text = transcript(&id, "How did it begin?");
        files.push(d.write(&format!("t/{id}.txt"), text));
    }
    let mut args = vec!["import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    ok(&study, &args);
    let mut seeds = Vec::new();
    for (coder, word) in [("KW", "delta"), ("CG", "echo")] {
        for (k, theme) in CODES.iter().enumerate() {
            let (t, i) = (format!("P{}", k % TRANSCRIPTS + 1), 20 + k);
            seeds.push(code(&study, coder, &t, i, &format!("{word}{i}"), theme).unwrap());
        }
    }
    Setup { d, study, seeds }
}

/// Where iteration `j` of a loop codes: answer j/2 + 1, of P1 for even j, else of P2–P4 in
/// turn. So no two iterations of a loop code the same turn.
fn place(j: usize) -> (String, usize) {
    let i = j / 2 + 1;
    let n = if j.is_multiple_of(2) {
        1
    } else {
        2 + (j / 2) % 3
    };
    (format!("P{n}"), i)
}

/// The most iterations a loop makes (every answer of P1 once).
const MAX_ITERATIONS: usize = 2 * ANSWERS;

/// A running `thematic serve` (the real binary), killed when dropped.
struct Server {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    addr: SocketAddr,
    token: String,
}

impl Server {
    /// `thematic serve --port 0 --coder coder` in `study`: the address and token from the URL
    /// it prints.
    fn start(study: &Path, coder: &str) -> Server {
        let mut child = Command::new(binary())
            .args(["serve", "--port", "0", "--coder", coder])
            .current_dir(study)
            .env_remove("THEMATIC_CODER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let parsed = line
            .trim()
            .strip_prefix("http://127.0.0.1:")
            .and_then(|rest| rest.split_once("/?token="))
            .map(|(port, token)| (port.parse::<u16>(), token.to_string()));
        let Some((Ok(port), token)) = parsed else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("thematic serve printed {line:?}, not a loopback URL");
        };
        Server {
            child,
            _stdout: stdout,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            token,
        }
    }

    /// `METHOD path` with the token (and a JSON body): status and body.
    fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        let mut s = TcpStream::connect(self.addr).unwrap();
        let body = body.unwrap_or("");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nX-Thematic-Token: {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            self.token,
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body.to_string())
    }

    /// Codes `word` in answer `i` of `transcript` through the server as a browser does: the
    /// turn fetched, the word's offsets worked out in it, the span posted with its words.
    fn code(&self, transcript: &str, i: usize, word: &str, theme: &str) -> Result<Made, String> {
        let (status, body) = self.request(
            "GET",
            &format!("/api/transcripts/{transcript}/turns/{}", 2 * i),
            None,
        );
        if status != 200 {
            return Err(format!("GET turn: {status} {body}"));
        }
        let turn: Value = serde_json::from_str(&body).unwrap();
        let text = turn["text"].as_str().unwrap();
        let at = text.find(word).unwrap();
        let start = turn["start"].as_u64().unwrap() as usize + text[..at].chars().count();
        let end = start + word.chars().count();
        let post = serde_json::json!({
            "transcript": transcript, "start": start, "end": end, "theme": theme, "text": word,
        })
        .to_string();
        let (status, body) = self.request("POST", "/api/codings", Some(&post));
        match status {
            201 => {
                let made: Value = serde_json::from_str(&body).unwrap();
                Ok(Made {
                    id: made["coding"]["id"].as_str().unwrap().to_string(),
                    coder: "SV".into(),
                    transcript: transcript.into(),
                    theme: theme.into(),
                    text: made["coding"]["text"].as_str().unwrap().to_string(),
                    asked: word.into(),
                    moved: made["coding"]["start"].as_u64() != Some(start as u64),
                    at: Instant::now(),
                })
            }
            _ => Err(format!("POST /api/codings: {status} {body}")),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Paces the writer: each step waits until both loops have finished another attempt.
struct Pacer {
    attempts: [AtomicUsize; 2],
    stopped: [AtomicBool; 2],
}

impl Pacer {
    /// Waits until each loop has finished an attempt begun after this call (or has stopped).
    fn step(&self) {
        let seen: Vec<usize> = self
            .attempts
            .iter()
            .map(|a| a.load(Ordering::SeqCst))
            .collect();
        let began = Instant::now();
        for (k, at) in seen.iter().enumerate() {
            while self.attempts[k].load(Ordering::SeqCst) < at + 2
                && !self.stopped[k].load(Ordering::SeqCst)
            {
                assert!(
                    began.elapsed() < Duration::from_secs(60),
                    "loop {k} stalled"
                );
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
}

/// What a writer did: codings it made (or brought in) that must be there afterwards, codings
/// it removed, and how many commands it ran.
#[derive(Default)]
struct Written {
    made: Vec<Made>,
    gone: Vec<String>,
    steps: usize,
}

/// A race's outcome.
struct Raced {
    /// The loops' codings, CLI loop first.
    made: Vec<Made>,
    /// The loops' refusals.
    refused: Vec<String>,
    /// Attempts of the CLI loop and the server loop.
    attempts: [usize; 2],
    /// Codings of each loop made while the writer ran.
    during: [usize; 2],
    written: Written,
    /// How long the writer ran.
    writing: Duration,
}

/// Runs `writer` in `study` while LC codes with `thematic code` in a loop and a `thematic
/// serve` of SV takes codings in a loop, iteration `j` of each with theme `themes(j)`. The
/// loops start first, and stop one attempt after the writer is done.
fn race(
    study: &Path,
    themes: &(dyn Fn(usize) -> String + Sync),
    writer: impl FnOnce(&Pacer) -> Written + Send,
) -> Raced {
    let server = Server::start(study, "SV");
    let pacer = Pacer {
        attempts: [AtomicUsize::new(0), AtomicUsize::new(0)],
        stopped: [AtomicBool::new(false), AtomicBool::new(false)],
    };
    let done = AtomicBool::new(false);
    let (pacer, done, server) = (&pacer, &done, &server);
    let refused = Mutex::new(Vec::new());
    let refused = &refused;
    let looped = |k: usize, attempt: &(dyn Fn(usize) -> Result<Made, String> + Sync)| {
        let mut made = Vec::new();
        for j in 0..MAX_ITERATIONS {
            let last = done.load(Ordering::SeqCst);
            match attempt(j) {
                Ok(m) => made.push(m),
                Err(why) => refused.lock().unwrap().push(why),
            }
            pacer.attempts[k].fetch_add(1, Ordering::SeqCst);
            if last {
                break;
            }
        }
        pacer.stopped[k].store(true, Ordering::SeqCst);
        made
    };
    let (cli, served, written, span) = std::thread::scope(|s| {
        let cli = s.spawn(|| {
            looped(0, &|j| {
                let (t, i) = place(j);
                code(study, "LC", &t, i, &format!("alpha{i}"), &themes(j))
            })
        });
        let served = s.spawn(|| {
            looped(1, &|j| {
                let (t, i) = place(j);
                server.code(&t, i, &format!("charlie{i}"), &themes(j))
            })
        });
        let writer = s.spawn(move || {
            pacer.step();
            let began = Instant::now();
            let written = writer(pacer);
            let ended = Instant::now();
            done.store(true, Ordering::SeqCst);
            (written, (began, ended))
        });
        let (written, span) = writer.join().unwrap();
        (cli.join().unwrap(), served.join().unwrap(), written, span)
    });
    let during = |m: &[Made]| m.iter().filter(|m| m.at > span.0 && m.at < span.1).count();
    let during = [during(&cli), during(&served)];
    let attempts = [
        pacer.attempts[0].load(Ordering::SeqCst),
        pacer.attempts[1].load(Ordering::SeqCst),
    ];
    Raced {
        made: cli.into_iter().chain(served).collect(),
        refused: refused.lock().unwrap().clone(),
        attempts,
        during,
        written,
        writing: span.1 - span.0,
    }
}

/// Every problem with `expected` in the study now: a coding missing, held twice, of another
/// coder or transcript, with other words, not on its words in the transcript as it is, not
/// anchored, or under a theme other than `merged(theme)` or one that is unknown, retired or
/// not codable; a coding of `gone` still there; a torn row.
fn problems(
    study: &Path,
    expected: &[Made],
    gone: &[String],
    merged: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let s = Study::open(study).unwrap();
    let book = s.codebook().unwrap();
    let mut out = Vec::new();
    let mut by_id = HashMap::new();
    for file in s.all_codings().unwrap() {
        if let Some(torn) = &file.incomplete {
            out.push(format!("{}: a torn last row: {torn:?}", file.coder));
        }
        for c in file.codings {
            if let Some(twice) = by_id.insert(c.id.clone(), c) {
                out.push(format!("{} is held twice", twice.id));
            }
        }
    }
    let mut texts: HashMap<String, Vec<char>> = HashMap::new();
    for m in expected {
        let Some(c) = by_id.get(&m.id) else {
            out.push(format!("lost: {m:?}"));
            continue;
        };
        let text = texts
            .entry(c.transcript.clone())
            .or_insert_with(|| s.transcript(&c.transcript).unwrap().text.chars().collect());
        let here: String = text
            .get(c.start..c.end)
            .unwrap_or_default()
            .iter()
            .collect();
        let want = merged(&m.theme);
        let entry = book.get(&c.theme);
        let wrong = [
            (c.coder != m.coder, "another coder"),
            (c.transcript != m.transcript, "another transcript"),
            (c.text != m.text, "other words"),
            (here != c.text, "not on its words"),
            (c.status != Status::Ok, "not anchored"),
            (c.theme != want, "not under the theme expected"),
            (
                entry.is_none_or(|e| e.retired || !e.codable),
                "not under a current code",
            ),
        ];
        for (_, why) in wrong.iter().filter(|(bad, _)| *bad) {
            out.push(format!(
                "{why}: {c:?} (made as {m:?}, at {here:?}, expected {want})"
            ));
        }
    }
    for id in gone {
        if by_id.contains_key(id) {
            out.push(format!("{id} was removed but is there"));
        }
    }
    out
}

/// One write path paired with the two loops.
struct Pair<'a> {
    name: &'a str,
    /// The theme of loop iteration j.
    themes: &'a (dyn Fn(usize) -> String + Sync),
    /// Words of which every loop refusal must hold one.
    refusals: &'a [&'a str],
    /// Where a theme's codings are after the writer (a merge's target).
    merged: &'a dyn Fn(&str) -> String,
}

/// The codes in turn, the same for every loop.
fn in_turn(j: usize) -> String {
    CODES[j % CODES.len()].to_string()
}

fn same(theme: &str) -> String {
    theme.to_string()
}

/// Races `writer` against the loops in `setup`'s study and asserts that nothing was lost
/// (seeds, loop codings, what the writer made), nothing removed came back, every refusal
/// was one allowed, both loops coded while the writer ran, and `thematic check` is clean.
/// Returns the race for further checks.
fn race_and_verify(
    setup: &Setup,
    pair: &Pair,
    writer: impl FnOnce(&Pacer) -> Written + Send,
) -> Raced {
    let raced = race(&setup.study, pair.themes, writer);
    let expected: Vec<Made> = (setup.seeds.iter())
        .chain(&raced.made)
        .chain(&raced.written.made)
        .cloned()
        .collect();
    let found = problems(&setup.study, &expected, &raced.written.gone, pair.merged);
    let odd: Vec<&String> = (raced.refused.iter())
        .filter(|r| !pair.refusals.iter().any(|w| r.contains(w)))
        .collect();
    let moved = raced.made.iter().filter(|m| m.moved).count();
    let stale = raced.made.iter().filter(|m| m.text != m.asked).count();
    eprintln!(
        "{}: {} writer commands in {:?}; loop attempts {:?}, {} codings ({:?} while writing, \
         {moved} moved under the lock, {stale} on stale offsets), {} refused; {} codings \
         checked, {} lost or wrong",
        pair.name,
        raced.written.steps,
        raced.writing,
        raced.attempts,
        raced.made.len(),
        raced.during,
        raced.refused.len(),
        expected.len(),
        found.len()
    );
    assert!(found.is_empty(), "{}: {found:#?}", pair.name);
    assert!(
        odd.is_empty(),
        "{}: unexpected refusals: {odd:#?}",
        pair.name
    );
    assert!(
        raced.during.iter().all(|&n| n > 0),
        "{}: both loops code while the writer runs: {:?}",
        pair.name,
        raced.during
    );
    let check = thematic(&setup.study, &["check"]);
    let report = String::from_utf8_lossy(&check.stderr);
    assert!(
        report.contains(": 0 errors"),
        "{}: check: {report}",
        pair.name
    );
    raced
}

#[test]
fn codebook_merge_while_coding_moves_every_coding_to_the_target() {
    // Four merges, each of a code the loops are coding with: afterwards trust and advice
    // codings are warmth's, money and loneliness ones housing's; a loop coding with a code
    // already merged away is refused ("is retired") and records nothing.
    let setup = setup();
    let study = &setup.study;
    let merges = [
        ("trust", "warmth"),
        ("money", "housing"),
        ("loneliness", "housing"),
        ("advice", "warmth"),
    ];
    let merged = |t: &str| {
        let to = merges
            .iter()
            .find(|(from, _)| *from == t)
            .map(|(_, to)| *to);
        to.unwrap_or(t).to_string()
    };
    let pair = Pair {
        name: "codebook merge",
        themes: &in_turn,
        refusals: &["is retired"],
        merged: &merged,
    };
    race_and_verify(&setup, &pair, |p| {
        for (from, to) in merges {
            p.step();
            ok(study, &["codebook", "merge", from, to, "--coder", "KW"]);
        }
        Written {
            steps: merges.len(),
            ..Written::default()
        }
    });
}

#[test]
fn codebook_rename_and_move_while_coding_change_no_coding() {
    let setup = setup();
    let study = &setup.study;
    let steps: [&[&str]; 6] = [
        &["rename", "warmth", "Warmth (renamed)"],
        &["move", "trust", "--parent", "circumstances"],
        &["move", "housing", "--parent", "relationships"],
        &["rename", "housing", "Housing (renamed)"],
        &["move", "trust", "--parent", "relationships"],
        &["move", "housing", "--parent", "circumstances"],
    ];
    let pair = Pair {
        name: "codebook rename/move",
        themes: &in_turn,
        refusals: &[],
        merged: &same,
    };
    race_and_verify(&setup, &pair, |p| {
        for step in steps {
            p.step();
            let mut args = vec!["codebook"];
            args.extend(step);
            args.extend(["--coder", "KW"]);
            ok(study, &args);
        }
        Written {
            steps: steps.len(),
            ..Written::default()
        }
    });
}

#[test]
fn codebook_split_and_discard_while_coding_change_no_coding() {
    // Twice: warmth split off into a new candidate theme, that theme discarded (warmth goes
    // to Miscellaneous), warmth moved back.
    let setup = setup();
    let study = &setup.study;
    let pair = Pair {
        name: "codebook split/discard",
        themes: &in_turn,
        refusals: &[],
        merged: &same,
    };
    race_and_verify(&setup, &pair, |p| {
        let mut steps = 0;
        for k in 1..=2 {
            let (label, id) = (format!("Close {k}"), format!("close-{k}"));
            let commands: [Vec<&str>; 3] = [
                vec!["split", "relationships", &label, "warmth"],
                vec!["discard", &id],
                vec!["move", "warmth", "--parent", "relationships"],
            ];
            for mut args in commands {
                p.step();
                args.insert(0, "codebook");
                args.extend(["--coder", "KW"]);
                ok(study, &args);
                steps += 1;
            }
        }
        Written {
            steps,
            ..Written::default()
        }
    });
}

/// Six corrections of P1 (the longer first question, then back), each by `command(file)`.
fn six_corrections(setup: &Setup, name: &str, command: &(dyn Fn(&str) -> Vec<String> + Sync)) {
    let (a, b) = p1_versions();
    let va = setup.d.write("v/a/P1.txt", a);
    let vb = setup.d.write("v/b/P1.txt", b);
    let study = &setup.study;
    let pair = Pair {
        name,
        themes: &in_turn,
        refusals: &[],
        merged: &same,
    };
    race_and_verify(setup, &pair, |p| {
        for k in 0..6 {
            p.step();
            let file = if k % 2 == 0 { &vb } else { &va };
            let args = command(file.to_str().unwrap());
            ok(study, &args.iter().map(String::as_str).collect::<Vec<_>>());
        }
        Written {
            steps: 6,
            ..Written::default()
        }
    });
}

#[test]
fn transcripts_update_while_coding_keeps_every_coding_on_its_words() {
    let setup = setup();
    six_corrections(&setup, "transcripts update", &|file| {
        ["transcripts", "update", "P1", file, "--coder", "KW"]
            .map(String::from)
            .to_vec()
    });
}

#[test]
fn import_replace_while_coding_keeps_every_coding_on_its_words() {
    let setup = setup();
    six_corrections(&setup, "import --replace", &|file| {
        ["import", file, "--replace"].map(String::from).to_vec()
    });
}

#[test]
fn a_coding_posted_from_a_turn_read_before_a_correction_lands_on_its_words() {
    // The window the update pairs hit now and then, made certain: a browser reads answer 15
    // of P1 (turn 30); `transcripts update` puts the longer first question in, so the turn
    // now starts 31 code points later; the browser posts the words it selected, charlie15,
    // at the offsets it read. charlie15 is at 31 in its turn ("Answer 15 says " is 15,
    // "alpha15 " and "bravo15 " 8 each), so those offsets now hold the turn's first 9 code
    // points, "Answer 15", where the coding used to land. Sent with its words, it is placed
    // on them under the coder's lock, 31 further on, and the reply says where.
    let setup = setup();
    let study = &setup.study;
    let server = Server::start(study, "SV");
    let (status, body) = server.request("GET", "/api/transcripts/P1/turns/30", None);
    assert_eq!(status, 200, "{body}");
    let turn: Value = serde_json::from_str(&body).unwrap();
    let start = turn["start"].as_u64().unwrap() as usize + 31;
    assert_eq!(&turn["text"].as_str().unwrap()[31..40], "charlie15");
    let (_, b) = p1_versions();
    let vb = setup.d.write("v/b/P1.txt", b);
    ok(
        study,
        &[
            "transcripts",
            "update",
            "P1",
            vb.to_str().unwrap(),
            "--coder",
            "KW",
        ],
    );
    let post = serde_json::json!({
        "transcript": "P1", "start": start, "end": start + 9, "theme": "warmth",
        "text": "charlie15",
    });
    let (status, body) = server.request("POST", "/api/codings", Some(&post.to_string()));
    assert_eq!(status, 201, "{body}");
    let coding = &serde_json::from_str::<Value>(&body).unwrap()["coding"];
    assert_eq!(coding["text"], "charlie15", "{coding}");
    assert_eq!(
        coding["start"].as_u64(),
        Some(start as u64 + 31),
        "{coding}"
    );
    let made = Made {
        id: coding["id"].as_str().unwrap().to_string(),
        coder: "SV".into(),
        transcript: "P1".into(),
        theme: "warmth".into(),
        text: "charlie15".into(),
        asked: "charlie15".into(),
        moved: false,
        at: Instant::now(),
    };
    assert_eq!(problems(study, &[made], &[], &same), Vec::<String>::new());
    // Words no longer in the turn are refused (409), nothing written.
    let post = serde_json::json!({
        "transcript": "P1", "start": start, "end": start + 9, "theme": "warmth",
        "text": "charlie99",
    });
    let (status, body) = server.request("POST", "/api/codings", Some(&post.to_string()));
    assert_eq!(status, 409, "{body}");
}

#[test]
fn import_of_new_transcripts_while_coding_loses_nothing() {
    let setup = setup();
    let study = &setup.study;
    let files: Vec<PathBuf> = (1..=5)
        .map(|n| {
            let id = format!("N{n}");
            (setup.d).write(&format!("new/{id}.txt"), transcript(&id, "Where to start?"))
        })
        .collect();
    let pair = Pair {
        name: "import (new files)",
        themes: &in_turn,
        refusals: &[],
        merged: &same,
    };
    race_and_verify(&setup, &pair, |p| {
        for f in &files {
            p.step();
            ok(study, &["import", f.to_str().unwrap()]);
        }
        Written {
            steps: files.len(),
            ..Written::default()
        }
    });
    let listed = ok(study, &["transcripts", "--format", "json"]);
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), TRANSCRIPTS + files.len());
}

#[test]
fn suggestions_accept_while_coding_loses_nothing() {
    // autocode files one suggestion per answer (its sentence "We talked about the garden."):
    // 4 transcripts × 40 answers = 160. They are accepted a transcript at a time, into LC's
    // and SV's files in turn: the very files the loops append to.
    let setup = setup();
    let study = &setup.study;
    ok(study, &["autocode", "--theme", "gardening"]);
    let suggested = |status: Status| {
        let s = Study::open(study).unwrap();
        let auto = s.codings_of("auto").unwrap().codings;
        auto.into_iter().filter(|c| c.status == status).count()
    };
    assert_eq!(suggested(Status::Suggested), TRANSCRIPTS * ANSWERS);
    let pair = Pair {
        name: "suggestions accept",
        themes: &in_turn,
        refusals: &[],
        merged: &same,
    };
    race_and_verify(&setup, &pair, |p| {
        for n in 1..=TRANSCRIPTS {
            p.step();
            let (t, coder) = (format!("P{n}"), ["LC", "SV"][n % 2]);
            let args = [
                "suggestions",
                "accept",
                "--all",
                "--transcript",
                &t,
                "--coder",
                coder,
            ];
            ok(study, &args);
        }
        Written {
            steps: TRANSCRIPTS,
            ..Written::default()
        }
    });
    assert_eq!(suggested(Status::Accepted), TRANSCRIPTS * ANSWERS);
    // Every accepted suggestion is a gardening coding of LC or SV, on its sentence.
    let s = Study::open(study).unwrap();
    let garden: Vec<_> = s
        .codings_of_each(&["LC".into(), "SV".into()])
        .unwrap()
        .into_iter()
        .flat_map(|f| f.codings)
        .filter(|c| c.theme == "gardening")
        .collect();
    assert_eq!(garden.len(), TRANSCRIPTS * ANSWERS);
    assert!(
        garden
            .iter()
            .all(|c| c.text == "We talked about the garden.")
    );
}

/// A copy of the study folder, without its cache and locks.
fn copy_study(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == ".thematic" || name.ends_with(".lock") {
            continue;
        }
        if path.is_dir() {
            copy_study(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

#[test]
fn merge_of_other_copies_while_coding_loses_nothing() {
    // Four copies of the study, each with a coding of LC, SV (the loops' own coders) and
    // OT on foxtrot words; merged in one after another while the loops code.
    let setup = setup();
    let study = &setup.study;
    let mut brought = Vec::new();
    let mut copies = Vec::new();
    for k in 1..=4 {
        let copy = setup.d.join(&format!("copy{k}"));
        copy_study(study, &copy);
        for (c, coder) in ["LC", "SV", "OT"].into_iter().enumerate() {
            let (t, i) = (format!("P{k}"), 30 + c);
            brought.push(
                code(
                    &copy,
                    coder,
                    &t,
                    i,
                    &format!("foxtrot{i}"),
                    CODES[(c + k) % CODES.len()],
                )
                .unwrap(),
            );
        }
        copies.push(copy);
    }
    let pair = Pair {
        name: "merge OTHER_STUDY",
        themes: &in_turn,
        refusals: &[],
        merged: &same,
    };
    race_and_verify(&setup, &pair, |p| {
        for copy in &copies {
            p.step();
            ok(study, &["merge", copy.to_str().unwrap()]);
        }
        Written {
            made: brought,
            steps: copies.len(),
            ..Written::default()
        }
    });
}

#[test]
fn undo_while_coding_loses_nothing() {
    // Three rounds of KW: a coding made and undone (it must be gone), then a code added
    // ("Fresh k", id fresh-k), which the loops take up for every third coding, and that add
    // undone: the undo retires fresh-k if nobody coded with it yet, else it is refused (it
    // checks every coder's file under their locks). Either way no coding may be left under a retired code. The loops are refused
    // while fresh-k does not exist yet ("no theme") or is retired.
    let setup = setup();
    let study = &setup.study;
    let fresh = AtomicUsize::new(0);
    let fresh = &fresh;
    let themes = |j: usize| {
        if j.is_multiple_of(3) {
            format!("fresh-{}", fresh.load(Ordering::SeqCst))
        } else {
            in_turn(j)
        }
    };
    let pair = Pair {
        name: "undo",
        themes: &themes,
        refusals: &["\"fresh-"],
        merged: &same,
    };
    // Per round: whether the add was undone (fresh-k retired).
    let outcomes = Mutex::new(Vec::new());
    let raced = race_and_verify(&setup, &pair, |p| {
        let mut w = Written::default();
        for k in 1..=3 {
            p.step();
            let i = 10 + k;
            let made = code(study, "KW", "P1", i, &format!("golf{i}"), "warmth").unwrap();
            let undone = ok(study, &["undo", "--coder", "KW"]);
            assert!(
                undone.contains(&format!("removed coding {}", made.id)),
                "{undone}"
            );
            w.gone.push(made.id);
            // The loops take fresh-k up at once, except in round 1: only after its undo,
            // which so retires it (and they are refused).
            if k > 1 {
                fresh.store(k, Ordering::SeqCst);
            }
            let label = format!("Fresh {k}");
            ok(
                study,
                &[
                    "codebook",
                    "add",
                    &label,
                    "--parent",
                    "relationships",
                    "--coder",
                    "KW",
                ],
            );
            if k > 1 {
                p.step();
            }
            let out = thematic(study, &["undo", "--coder", "KW"]);
            let said = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                assert!(said.contains(&format!("retired theme fresh-{k}")), "{said}");
            } else {
                assert!(said.contains("it has codings now"), "{said}");
            }
            if k == 1 {
                assert!(out.status.success(), "nobody coded with fresh-1: {said}");
                fresh.store(k, Ordering::SeqCst);
            }
            outcomes.lock().unwrap().push(out.status.success());
            w.steps += 4;
        }
        w
    });
    let undone = outcomes.into_inner().unwrap();
    eprintln!("undo: adds undone (true) or refused (false), by round: {undone:?}");
    // A loop coding with fresh-k was made before that add's undo (after it, fresh-k is
    // retired, or the undo was refused), so that undo must have been refused.
    for m in raced.made.iter().filter(|m| m.theme.starts_with("fresh-")) {
        let k: usize = m.theme["fresh-".len()..].parse().unwrap();
        assert!(!undone[k - 1], "fresh-{k} retired under {m:?}");
    }
}

#[test]
fn an_unlocked_writer_is_caught() {
    // The checks above can fail: a writer that rewrites LC's codings file without its lock
    // (read, let the loops code on, write the old bytes back) loses the codings LC made in
    // between, and `problems` names them.
    let setup = setup();
    let study = &setup.study;
    let file = study.join("codings/LC.csv");
    let raced = race(study, &in_turn, |p| {
        for _ in 0..2 {
            p.step();
            let before = std::fs::read(&file).unwrap();
            p.step();
            std::fs::write(&file, before).unwrap();
        }
        Written {
            steps: 2,
            ..Written::default()
        }
    });
    let found = problems(study, &raced.made, &[], &same);
    eprintln!(
        "unlocked writer: {} of {} codings lost",
        found.len(),
        raced.made.len()
    );
    // Each round, p.step() after the read waits for an LC attempt begun after it, which
    // succeeds (in_turn's codes are never refused) and is written over: 2 lost at least.
    let lost = found.iter().filter(|p| p.starts_with("lost: ")).count();
    assert!(lost >= 2, "{found:#?}");
}
