//! `thematic-bench codings`: the codings store at scale.
//!
//! - load: `CodingsFile::read` of one file of 1,000,000 codings (made by repeating the
//!   corpus's codings under fresh ids), in process;
//! - add: the whole `thematic code` process for coder A (about 300,000 codings, 47 MB) in
//!   a copy of the study whose transcripts folder is the corpus's own 2,000 transcripts.

use std::path::Path;
use std::time::Instant;

use thematic_study::{CodingsFile, atomic_write};

use crate::{copy_study_without_transcripts, median, release_thematic};

pub fn run(corpus: &Path, runs: usize) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("thematic-bench-codings-{}", std::process::id()));
    copy_study_without_transcripts(corpus, &dir)?;
    let result = measure(corpus, &dir, runs);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(corpus: &Path, dir: &Path, runs: usize) -> Result<(), String> {
    // One million codings for coder M.
    let a = CodingsFile::read(&dir.join("codings/A.csv")).map_err(|e| e.to_string())?;
    let b = CodingsFile::read(&dir.join("codings/B.csv")).map_err(|e| e.to_string())?;
    let pool: Vec<_> = a.codings.iter().chain(&b.codings).collect();
    let million: Vec<_> = (0..1_000_000)
        .map(|i| {
            let mut c = pool[i % pool.len()].clone();
            c.id = format!("c-{i:012x}");
            c
        })
        .collect();
    let m_path = dir.join("codings/M.csv");
    let bytes = CodingsFile::new("M", million).to_csv();
    atomic_write(&m_path, &bytes).map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let file = CodingsFile::read(&m_path).map_err(|e| e.to_string())?;
        times.push(t.elapsed());
        if file.codings.len() != 1_000_000 {
            return Err(format!(
                "read {} codings, not 1,000,000",
                file.codings.len()
            ));
        }
    }
    println!(
        "load 1,000,000 codings ({:.0} MB): {:.3} s median of {runs}",
        bytes.len() as f64 / 1e6,
        median(times).as_secs_f64()
    );
    std::fs::remove_file(&m_path).map_err(|e| e.to_string())?;

    // `thematic code` in the 2,000-transcript study: link its transcripts folder.
    let transcripts = dir.join("transcripts");
    std::fs::remove_dir_all(&transcripts).map_err(|e| e.to_string())?;
    link_dir(
        &corpus
            .join("transcripts")
            .canonicalize()
            .map_err(|e| e.to_string())?,
        &transcripts,
    )?;
    let a_rows = a.codings.len();
    let exe = release_thematic()?;
    let mut times = Vec::new();
    for k in 0..runs {
        let t = Instant::now();
        let out = std::process::Command::new(&exe)
            .arg("--study")
            .arg(dir)
            .args(["code", "P17", "--turn", "2", "--chars"])
            .arg(format!("{k}-{}", k + 5))
            .args(["--theme", "what-matters", "--coder", "A"])
            .output()
            .map_err(|e| e.to_string())?;
        times.push(t.elapsed());
        if !out.status.success() {
            return Err(format!(
                "thematic code failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    println!(
        "thematic code, coder with {a_rows} codings, 2,000 transcripts: {:.1} ms wall, median of {runs}",
        median(times).as_secs_f64() * 1e3
    );
    Ok(())
}

#[cfg(unix)]
fn link_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(from, to).map_err(|e| e.to_string())
}

#[cfg(not(unix))]
fn link_dir(_from: &Path, _to: &Path) -> Result<(), String> {
    Err("the codings benchmark needs a Unix system (it links the corpus's transcripts)".into())
}
