//! `thematic-bench`: generate synthetic studies and measure thematic on them.
//!
//! ```text
//! cargo run --release -p thematic-bench -- gen --transcripts 2000 --seed 1 /tmp/corpus
//! cargo run --release -p thematic-bench -- parse --transcripts 200
//! cargo run --release -p thematic-bench -- import /tmp/corpus
//! cargo run --release -p thematic-bench -- quotes /tmp/corpus
//! cargo run --release -p thematic-bench -- qdpx /tmp/corpus
//! cargo run --release -p thematic-bench -- serve /tmp/corpus
//! cargo run --release -p thematic-bench -- serve /tmp/corpus --browser
//! cargo run --release -p thematic-bench -- faults /tmp/corpus30 --trials 40
//! cargo run --release -p thematic-bench -- media --size-mb 1024
//! ```
//! Every measurement is repeated and the median reported (the machine is noisy).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark binary reports on stdout

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

mod agree;
mod anonymise;
mod board;
mod browser;
mod codings;
mod corpus;
mod faults;
mod media;
mod qdpx;
mod quotes;
mod search;
mod serve;
mod text;

#[derive(Debug, Parser)]
#[command(
    name = "thematic-bench",
    about = "Synthetic corpora and benchmarks for thematic"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a synthetic study (transcripts, participants.csv, codings for coders A and B).
    Gen {
        /// Number of transcripts.
        #[arg(long, default_value_t = 20)]
        transcripts: usize,
        /// Seed: the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to create.
        out: PathBuf,
    },
    /// Parsing throughput on one core, typed text and Zoom VTT (MB/s, median of runs).
    Parse {
        #[arg(long, default_value_t = 200)]
        transcripts: usize,
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// Wall time of `thematic import` of a generated study's transcripts into a fresh study.
    Import {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// `thematic agree` (turn and char units) on a generated study, and
    /// `thematic reliability` / Krippendorff's α on 3 coders × 1,000,000 units.
    Agree {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// The identifier scan (`thematic anonymise scan`): in process and the whole process
    /// over a generated study, then recall and precision on a planted test set.
    ///
    /// $ thematic-bench anonymise /tmp/corpus2000 --runs 5
    Anonymise {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Planted texts to measure recall and precision on.
        #[arg(long, default_value_t = 2000)]
        planted: usize,
    },
    /// The search index: full build, incremental updates, query latency, whole process.
    Search {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Loading 1,000,000 codings in process, and the wall time of one `thematic code` (the
    /// whole process) in a copy of a generated study.
    Codings {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// Wall time of `thematic quotes` writing one coder's every coding as a quote table, to
    /// CSV, Markdown, Excel and Word.
    Quotes {
        /// A study made by `gen`.
        corpus: PathBuf,
        /// Whose codings (`gen` writes coders A and B).
        #[arg(long, default_value = "A")]
        coder: String,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Wall time of `thematic export FILE.qdpx` and of `thematic init DIR --from FILE.qdpx`
    /// on a generated study.
    Qdpx {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Latency and answer size of each view of `thematic serve` (the browser workspace)
    /// over HTTP on a copy of a generated study, as coder A, and the server's memory.
    ///
    /// Each view is requested once ("first"), then `runs` more times (median and max, from
    /// sending the request to having read the whole body); coding posts a fresh span each
    /// time, then the same one again. Then the views kept for the state of the codings
    /// (Compare, the quote view, the map) right after a coding is posted, and removing a
    /// coding with the reader right after. The abuse case
    /// `/api/search?limit=10000000000` comes last and once. Requests time out after 60 s.
    ///
    /// $ thematic-bench serve /tmp/corpus2000 --runs 5
    ///
    /// With `--browser`, instead: how long each view takes to be ready in headless Chromium
    /// (`/usr/bin/chromium` through `/usr/bin/chromedriver`, or the paths in `CHROMIUM` and
    /// `CHROMEDRIVER`), timed in the page from setting `location.hash` until the view's
    /// content is drawn (the transcripts list, the reader and compare on the largest
    /// transcript, the quote view, a search, the map), and the page's own load. Each view
    /// is opened once, then `runs` more times, from an empty search form each time. The
    /// timed runs start once the server has settled (see `--settle`).
    ///
    /// $ thematic-bench serve /tmp/corpus2000 --runs 5 --browser --screenshots /tmp
    Serve {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Time the views in headless Chromium instead of over HTTP.
        #[arg(long)]
        browser: bool,
        /// When the timed calls start: `idle` (once the server's CPU time has stood still
        /// for a second, its warming done), `none` (at once, racing the warming, as a
        /// researcher who opens the page at once: the "first" column is then the cold
        /// start), or a number of seconds.
        #[arg(long, default_value = "idle")]
        settle: browser::Settle,
        /// With `--browser`, save a screenshot of each view after its last run in this
        /// folder, as `bench-<view>.png`.
        #[arg(long, value_name = "DIR", requires = "browser")]
        screenshots: Option<PathBuf>,
    },
    /// The theme board at scale: a copy of a generated study with `--codes` codes in
    /// `--themes` candidate themes; the board's request, a move persisted and a theme's
    /// review (first page) over HTTP, or with `--browser` the board and review views in
    /// headless Chromium.
    ///
    /// $ thematic-bench board /tmp/corpus2000 --runs 5
    /// $ thematic-bench board /tmp/corpus2000 --runs 5 --browser --screenshots /tmp
    Board {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 1000)]
        codes: usize,
        #[arg(long, default_value_t = 60)]
        themes: usize,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Time the views in headless Chromium instead of over HTTP.
        #[arg(long)]
        browser: bool,
        /// With `--browser`, save a screenshot of each view in this folder.
        #[arg(long, value_name = "DIR", requires = "browser")]
        screenshots: Option<PathBuf>,
    },
    /// Fault injection: each write path of `thematic` (code, codebook merge, rename, move,
    /// split, discard, transcripts update, import, import --replace, merge, suggestions
    /// accept, init --from, undo) is
    /// killed with SIGKILL after a seeded random delay between 0 and its normal duration, on a
    /// fresh copy of a generated study; then every coding present before must be there (or
    /// where the command puts it by design), no file torn, and `thematic check` clean after
    /// the documented recovery (check's advice, or rerunning the command). Prints a table;
    /// exits 1 when a coding was lost. Use a small study (`gen --transcripts 30`).
    ///
    ///
    /// $ thematic-bench faults /tmp/corpus30 --trials 40 --seed 1
    ///
    /// $ thematic-bench faults /tmp/corpus30 --trials 10 --path "codebook merge" --path undo
    Faults {
        /// A study made by `gen`.
        corpus: PathBuf,
        /// Kills per write path.
        #[arg(long, default_value_t = 30)]
        trials: usize,
        /// Seed of the delays: the same seed gives the same delays.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only this write path, by its name in the table (repeatable).
        #[arg(long = "path", value_name = "NAME")]
        paths: Vec<String>,
    },
    /// Recordings: a generated `--size-mb` file linked to a transcript and served by the
    /// release `thematic serve`: the first byte of a seek (a range request at a random
    /// offset; median, p95, max of `--seeks`) and the server's VmRSS at rest and while the
    /// whole file streams.
    ///
    /// $ thematic-bench media --size-mb 1024 --seeks 200
    Media {
        /// The recording's size in MiB.
        #[arg(long, default_value_t = 1024)]
        size_mb: u64,
        /// Seeks of each kind.
        #[arg(long, default_value_t = 200)]
        seeks: usize,
        /// Seed of the offsets.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the study and the recording (removed after).
        #[arg(long, default_value = "/tmp")]
        dir: PathBuf,
    },
    /// Wall time of `thematic codebook merge` (rewrites every coder's codings) and of
    /// `thematic codebook show` (counts over every coding) on a generated study.
    Refactor {
        /// A study made by `gen`.
        corpus: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

/// Copies a study's settings, codebooks and codings (not its transcripts) to `to`.
pub(crate) fn copy_study_without_transcripts(
    from: &std::path::Path,
    to: &std::path::Path,
) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(to);
    for sub in ["codebooks", "codings", "transcripts", "memos"] {
        std::fs::create_dir_all(to.join(sub)).map_err(|e| e.to_string())?;
    }
    std::fs::copy(from.join("thematic.toml"), to.join("thematic.toml"))
        .map_err(|e| e.to_string())?;
    for sub in ["codebooks", "codings"] {
        for entry in std::fs::read_dir(from.join(sub)).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_file() {
                std::fs::copy(
                    &path,
                    to.join(sub).join(path.file_name().unwrap_or_default()),
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

pub(crate) fn release_thematic() -> Result<PathBuf, String> {
    let exe = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("thematic");
    if !exe.exists() {
        return Err(format!(
            "{} not found: build it with `cargo build --release`",
            exe.display()
        ));
    }
    Ok(exe)
}

pub(crate) fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A Zoom-style VTT rendering of a typed transcript: a cue per ~12 words.
fn as_vtt(typed: &str) -> String {
    let mut out = String::from("WEBVTT\n\n");
    let (mut n, mut ms) = (1usize, 0u64);
    for line in typed
        .lines()
        .filter(|l| l.contains(": ") && !l.starts_with("Interview"))
    {
        let (who, words) = line.split_once(": ").unwrap_or(("", line));
        let words: Vec<&str> = words.split_whitespace().collect();
        for chunk in words.chunks(12) {
            let end = ms + 4000;
            let t = |ms: u64| {
                format!(
                    "{:02}:{:02}:{:02}.{:03}",
                    ms / 3_600_000,
                    ms / 60_000 % 60,
                    ms / 1000 % 60,
                    ms % 1000
                )
            };
            out.push_str(&format!(
                "{n}\n{} --> {}\n{who}: {}\n\n",
                t(ms),
                t(end),
                chunk.join(" ")
            ));
            n += 1;
            ms = end + 100;
        }
    }
    out
}

fn run() -> Result<(), String> {
    match Cli::parse().command {
        Command::Gen {
            transcripts,
            seed,
            out,
        } => {
            let t = Instant::now();
            corpus::study(&out, transcripts, seed)?;
            println!(
                "wrote {transcripts} transcripts to {} in {:.2} s",
                out.display(),
                t.elapsed().as_secs_f64()
            );
        }
        Command::Parse { transcripts, runs } => {
            let typed: Vec<String> = (1..=transcripts)
                .map(|k| corpus::transcript(1, k).text)
                .collect();
            let vtt: Vec<String> = typed.iter().map(|t| as_vtt(t)).collect();
            let options = thematic_transcript::Options::default();
            for (name, files) in [("typed text", &typed), ("zoom vtt", &vtt)] {
                let bytes: usize = files.iter().map(String::len).sum();
                let mut times = Vec::new();
                for _ in 0..runs {
                    let t = Instant::now();
                    let mut turns = 0usize;
                    for f in files {
                        turns += thematic_transcript::parse(f.as_bytes(), &options)
                            .map_err(|e| e.to_string())?
                            .turns
                            .len();
                    }
                    times.push(t.elapsed());
                    std::hint::black_box(turns);
                }
                let m = median(times);
                println!(
                    "parse {name}: {:.1} MB in {:.1} ms median of {runs} → {:.0} MB/s (one core)",
                    bytes as f64 / 1e6,
                    m.as_secs_f64() * 1e3,
                    bytes as f64 / 1e6 / m.as_secs_f64()
                );
            }
        }
        Command::Board {
            corpus,
            codes,
            themes,
            runs,
            browser,
            screenshots,
        } => {
            let options = browser.then_some(browser::Options {
                runs,
                settle: browser::Settle::Idle,
                screenshots,
            });
            board::run(&corpus, codes, themes, runs, options)?;
        }
        Command::Media {
            size_mb,
            seeks,
            seed,
            dir,
        } => media::run(&dir, size_mb, seeks, seed)?,
        Command::Refactor { corpus, runs } => {
            let exe = release_thematic()?;
            let codings: usize = ["A", "B"]
                .iter()
                .map(|c| {
                    std::fs::read_to_string(corpus.join("codings").join(format!("{c}.csv")))
                        .map_or(0, |t| t.lines().count().saturating_sub(1))
                })
                .sum();
            let dir = std::env::temp_dir()
                .join(format!("thematic-bench-refactor-{}", std::process::id()));
            let (mut merge, mut show) = (Vec::new(), Vec::new());
            for _ in 0..runs {
                copy_study_without_transcripts(&corpus, &dir)?;
                let t = Instant::now();
                let status = std::process::Command::new(&exe)
                    .arg("--study")
                    .arg(&dir)
                    .args(["codebook", "show", "--format", "csv", "--output"])
                    .arg(dir.join("show.csv"))
                    .status()
                    .map_err(|e| e.to_string())?;
                show.push(t.elapsed());
                if !status.success() {
                    return Err("thematic codebook show failed".into());
                }
                let t = Instant::now();
                let status = std::process::Command::new(&exe)
                    .arg("--study")
                    .arg(&dir)
                    .args([
                        "codebook",
                        "merge",
                        "empowerment",
                        "active-engagement",
                        "--coder",
                        "bench",
                    ])
                    .stderr(std::process::Stdio::null())
                    .status()
                    .map_err(|e| e.to_string())?;
                merge.push(t.elapsed());
                if !status.success() {
                    return Err("thematic codebook merge failed".into());
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
            println!(
                "codebook show over {codings} codings: {:.3} s wall, median of {runs}",
                median(show).as_secs_f64()
            );
            println!(
                "codebook merge over {codings} codings (2 coders): {:.3} s wall, median of {runs}",
                median(merge).as_secs_f64()
            );
        }
        Command::Faults {
            corpus,
            trials,
            seed,
            paths,
        } => {
            let tallies = faults::run(&release_thematic()?, &corpus, trials, seed, &paths)?;
            if !faults::report(&tallies) {
                return Err(
                    "a killed write lost codings, tore a file or could not be recovered".into(),
                );
            }
        }
        Command::Codings { corpus, runs } => codings::run(&corpus, runs)?,
        Command::Agree { corpus, runs } => agree::run(&corpus, runs)?,
        Command::Search { corpus, runs } => search::run(&corpus, runs)?,
        Command::Anonymise {
            corpus,
            runs,
            planted,
        } => anonymise::run(&corpus, runs, planted)?,
        Command::Quotes {
            corpus,
            coder,
            runs,
        } => quotes::run(&corpus, &coder, runs)?,
        Command::Qdpx { corpus, runs } => qdpx::run(&corpus, runs)?,
        Command::Serve {
            corpus,
            runs,
            browser: true,
            settle,
            screenshots,
        } => browser::run(
            &corpus,
            &browser::Options {
                runs,
                settle,
                screenshots,
            },
        )?,
        Command::Serve {
            corpus,
            runs,
            settle,
            ..
        } => serve::run(&corpus, runs, settle)?,
        Command::Import { corpus, runs } => {
            let exe = release_thematic()?;
            let source = corpus.join("transcripts");
            let bytes: u64 = std::fs::read_dir(&source)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum();
            let mut times = Vec::new();
            for _ in 0..runs {
                let dir = std::env::temp_dir()
                    .join(format!("thematic-bench-import-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                let ok = std::process::Command::new(&exe)
                    .args(["init", "--name", "bench"])
                    .arg(&dir)
                    .status()
                    .map_err(|e| e.to_string())?;
                if !ok.success() {
                    return Err("thematic init failed".into());
                }
                let t = Instant::now();
                let status = std::process::Command::new(&exe)
                    .arg("--study")
                    .arg(&dir)
                    .args(["import", "--format", "csv", "--output"])
                    .arg(dir.join("import-report.csv"))
                    .arg(&source)
                    .status()
                    .map_err(|e| e.to_string())?;
                times.push(t.elapsed());
                if !status.success() {
                    return Err("thematic import failed".into());
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
            let m = median(times);
            println!(
                "import {} ({:.1} MB): {:.2} s wall, median of {runs}",
                source.display(),
                bytes as f64 / 1e6,
                m.as_secs_f64()
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
