//! `thematic-bench board`: developing themes at scale (RTA phases 3–5). A copy of a
//! generated study is given a codebook of `--codes` codes (1,000 by default) in `--themes`
//! candidate themes (60), every coding moved to one of the codes (by a hash of its id, so
//! the same corpus gives the same study), and the real `thematic serve` runs on it as
//! coder A. Timed over HTTP, each call on a new connection, from sending the request to
//! having read the whole answer (the first call on its own, then `runs` more):
//!
//! - the board's one request (`GET /api/board`: every card and theme with its counts);
//! - a move persisted (`POST /api/board/place`: a code to another theme and back, each a
//!   codebook edit: locked, validated, written atomically, logged);
//! - a theme's review, first page (`GET /api/review/<theme>`), on the theme with the most
//!   extracts.
//!
//! With `--browser`, the board and the review view are timed in headless Chromium as
//! `thematic-bench serve --browser` times the other views (see `browser.rs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use serde_json::json;
use thematic_study::{CODINGS_COLUMNS, Study, stable_hash};

use crate::browser::{Options, View};
use crate::search::copy_dir;
use crate::serve::{CODER, Server};
use crate::{median, release_thematic};

/// The board study made from a corpus: the theme with the most of coder A's extracts, a
/// code in it to move, and another theme to move it to.
pub(crate) struct Board {
    pub(crate) busiest: String,
    pub(crate) busiest_extracts: usize,
    pub(crate) code: String,
    pub(crate) other: String,
    pub(crate) codes: usize,
}

/// The codebook: `themes` candidate themes (`theme-01` …) and `codes` codes (`code-0001`
/// …), code `i` in theme `i mod themes`.
fn codebook(codes: usize, themes: usize) -> String {
    let mut s = String::from("format_version = 1\nname = \"Theme board benchmark\"\n");
    for t in 0..themes {
        let _ = write!(
            s,
            "\n[[theme]]\nid = \"theme-{:02}\"\nlabel = \"Candidate theme {}\"\ncodable = false\n",
            t + 1,
            t + 1
        );
    }
    for c in 0..codes {
        let _ = write!(
            s,
            "\n[[theme]]\nid = \"code-{:04}\"\nlabel = \"Code {} in the participant's words\"\nparent = \"theme-{:02}\"\n",
            c + 1,
            c + 1,
            c % themes + 1
        );
    }
    s
}

/// Turns the study in `dir` (a copy of a generated one) into the board study.
pub(crate) fn make(dir: &Path, codes: usize, themes: usize) -> Result<Board, String> {
    let codes = codes.max(2);
    let themes = themes.clamp(2, codes);
    let book = dir.join("codebooks").join("board.toml");
    std::fs::write(&book, codebook(codes, themes)).map_err(|e| e.to_string())?;
    let config_path = dir.join("thematic.toml");
    let config = std::fs::read_to_string(&config_path).map_err(|e| e.to_string())?;
    let config: String = config
        .lines()
        .map(|l| {
            if l.starts_with("codebook =") {
                "codebook = \"codebooks/board.toml\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&config_path, config + "\n").map_err(|e| e.to_string())?;
    let study = Study::open(dir).map_err(|e| e.to_string())?;
    let mut per_theme: BTreeMap<usize, usize> = BTreeMap::new();
    for coder in study.coders().map_err(|e| e.to_string())? {
        let mut file = study.codings_of(&coder).map_err(|e| e.to_string())?;
        for c in &mut file.codings {
            let k = (stable_hash(c.id.as_bytes()) % codes as u64) as usize;
            c.theme = format!("code-{:04}", k + 1);
            if coder == CODER {
                *per_theme.entry(k % themes).or_default() += 1;
            }
        }
        let path = study.codings_path(&coder).map_err(|e| e.to_string())?;
        // The header written once, by hand, in the store's column order.
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_path(&path)
            .map_err(|e| e.to_string())?;
        w.write_record(CODINGS_COLUMNS).map_err(|e| e.to_string())?;
        for c in &file.codings {
            w.serialize(c).map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    let (busiest, n) = per_theme
        .iter()
        .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
        .map(|(t, n)| (*t, *n))
        .ok_or("the corpus has no codings by A")?;
    Ok(Board {
        busiest: format!("theme-{:02}", busiest + 1),
        busiest_extracts: n,
        code: format!("code-{:04}", busiest + 1),
        other: format!("theme-{:02}", (busiest + 1) % themes + 1),
        codes,
    })
}

pub fn run(
    corpus: &Path,
    codes: usize,
    themes: usize,
    runs: usize,
    browser: Option<Options>,
) -> Result<(), String> {
    let exe = release_thematic()?;
    let dir = std::env::temp_dir().join(format!("thematic-bench-board-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("copying {} to {}", corpus.display(), dir.display());
    copy_dir(corpus, &dir)?;
    let result = (|| {
        let board = make(&dir, codes, themes)?;
        println!(
            "board study: {} codes in {themes} candidate themes; the busiest theme, {}, holds {} of A's extracts",
            board.codes, board.busiest, board.busiest_extracts
        );
        match browser {
            Some(options) => crate::browser::time_views(&exe, &dir, &views(&board), &options),
            None => over_http(&exe, &dir, &board, runs),
        }
    })();
    // THEMATIC_BENCH_KEEP=1 keeps the study (and the server's log, serve.log) to look into.
    if std::env::var_os("THEMATIC_BENCH_KEEP").is_some() {
        eprintln!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

/// The views the browser times.
fn views(board: &Board) -> Vec<View> {
    vec![
        View {
            name: format!("theme board ({} cards)", board.codes),
            slug: "board",
            hash: "#/board".into(),
            arg: json!(board.codes),
        },
        View {
            name: format!(
                "review of {} ({} extracts), first page",
                board.busiest, board.busiest_extracts
            ),
            slug: "review",
            hash: format!("#/review/{}", board.busiest),
            arg: serde_json::Value::Null,
        },
    ]
}

fn over_http(exe: &Path, dir: &Path, board: &Board, runs: usize) -> Result<(), String> {
    let mut server = Server::start(exe, dir)?;
    let settled = crate::browser::settle(server.pid(), crate::browser::Settle::Idle);
    eprintln!("{settled}");
    let mut rows: Vec<(String, Duration, Duration, usize)> = Vec::new();
    let mut time =
        |name: String, call: &mut dyn FnMut(usize) -> Result<(Duration, usize), String>| {
            let (first, bytes) = call(0)?;
            let mut rest = Vec::new();
            for i in 1..=runs {
                rest.push(call(i)?.0);
            }
            rows.push((name, first, median(rest), bytes));
            Ok::<(), String>(())
        };
    time("GET /api/board".into(), &mut |_| {
        let r = server.get_ok("/api/board")?;
        Ok((r.elapsed, r.body.len()))
    })?;
    let place =
        |theme: &str| json!({ "code": board.code, "theme": theme, "how": "move" }).to_string();
    time(
        format!(
            "POST /api/board/place ({} to another theme, or back)",
            board.code
        ),
        &mut |i| {
            let theme = if i.is_multiple_of(2) {
                &board.other
            } else {
                &board.busiest
            };
            let r = server.post_ok("/api/board/place", &place(theme))?;
            Ok((r.elapsed, r.body.len()))
        },
    )?;
    // Leave it where it was.
    if runs.is_multiple_of(2) {
        server.post_ok("/api/board/place", &place(&board.busiest))?;
    }
    let review = format!("/api/review/{}", board.busiest);
    time(
        format!(
            "GET {review} ({} extracts), first page",
            board.busiest_extracts
        ),
        &mut |_| {
            let r = server.get_ok(&review)?;
            Ok((r.elapsed, r.body.len()))
        },
    )?;
    let memory = server.memory();
    println!("| call | first (ms) | median of {runs} (ms) | answer |");
    println!("|---|---:|---:|---:|");
    for (name, first, rest, bytes) in rows {
        println!(
            "| {name} | {:.1} | {:.1} | {:.0} KB |",
            first.as_secs_f64() * 1e3,
            rest.as_secs_f64() * 1e3,
            bytes as f64 / 1e3
        );
    }
    println!("{settled}");
    println!("server memory: {memory}");
    Ok(())
}
