//! `thematic-bench quotes`: wall time of `thematic quotes` writing one coder's whole quote
//! table (every coding, no selection) as CSV, Markdown, Excel and Word, on a generated
//! study.

use std::path::Path;
use std::time::Instant;

use crate::{median, release_thematic};

pub fn run(corpus: &Path, coder: &str, runs: usize) -> Result<(), String> {
    let exe = release_thematic()?;
    let codings = std::fs::read(corpus.join("codings").join(format!("{coder}.csv")))
        .map_err(|e| format!("{}: {e}", corpus.display()))?;
    let rows = csv_rows(&codings);
    let dir = std::env::temp_dir().join(format!("thematic-bench-quotes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for format in ["csv", "md", "xlsx", "docx"] {
        let out = dir.join(format!("quotes.{format}"));
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let run = std::process::Command::new(&exe)
                .arg("--study")
                .arg(corpus)
                .args(["quotes", "--coder", coder, "--output"])
                .arg(&out)
                .output()
                .map_err(|e| e.to_string())?;
            times.push(t.elapsed());
            if !run.status.success() {
                return Err(format!(
                    "thematic quotes failed: {}",
                    String::from_utf8_lossy(&run.stderr)
                ));
            }
        }
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "thematic quotes --coder {coder} ({rows} codings) to {format}: {:.3} s wall, median of {runs} ({:.1} MB)",
            median(times).as_secs_f64(),
            size as f64 / 1e6
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Rows of a CSV file (records, not lines: a quoted field may hold a line break).
fn csv_rows(bytes: &[u8]) -> usize {
    let mut quoted = false;
    let mut rows = 0usize;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => rows += 1,
            _ => {}
        }
    }
    rows.saturating_sub(1)
}
