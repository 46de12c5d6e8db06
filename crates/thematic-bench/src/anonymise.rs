//! `thematic-bench anonymise`: the identifier scan of `thematic anonymise scan` over a
//! generated study — in process (`Study::scan_identifiers`: parse every transcript, learn
//! the vocabulary, scan, count every term), and the whole `thematic anonymise scan`
//! process on a copy (which also writes `review.csv`) — then the scan's recall and
//! precision on a planted test set (`thematic_anonymise::planted`).
//!
//! $ thematic-bench anonymise /tmp/corpus2000 --runs 5

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use thematic_anonymise::planted::{measure, planted_texts};
use thematic_anonymise::{ScanContext, scan};
use thematic_study::Study;

use crate::search::copy_dir;
use crate::{median, release_thematic};

pub fn run(corpus: &Path, runs: usize, planted: usize) -> Result<(), String> {
    let study = Study::open(corpus).map_err(|e| e.to_string())?;
    let runs = runs.max(1);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let result = study.scan_identifiers().map_err(|e| e.to_string())?;
        times.push(t.elapsed());
        last = Some(result);
    }
    if let Some(r) = &last {
        let (replace, review, keep) = r.review.decided();
        println!(
            "scan in process: {:.2} s, median of {runs} ({} transcripts; {} terms: {replace} \
             replace, {review} review, {keep} keep)",
            median(times).as_secs_f64(),
            r.transcripts,
            r.review.len()
        );
    }

    // The whole process, on a copy (it writes anonymisation/review.csv).
    if let Ok(exe) = release_thematic() {
        let dir =
            std::env::temp_dir().join(format!("thematic-bench-anonymise-{}", std::process::id()));
        copy_dir(corpus, &dir)?;
        let mut walls = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let out = Command::new(&exe)
                .args(["anonymise", "scan", "--format", "csv"])
                .current_dir(&dir)
                .output()
                .map_err(|e| e.to_string())?;
            walls.push(t.elapsed());
            if !out.status.success() {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(String::from_utf8_lossy(&out.stderr).into_owned());
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "`thematic anonymise scan`, wall: {:.2} s, median of {runs}",
            median(walls).as_secs_f64()
        );
    } else {
        println!("`thematic anonymise scan`, wall: skipped (build the release `thematic` first)");
    }

    // Quality on a planted set, and the scan alone on it (one core).
    let texts = planted_texts(planted, 20261207);
    let bytes: usize = texts.iter().map(|t| t.text.len()).sum();
    let ctx = ScanContext::new();
    let mut scans = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let n: usize = texts.iter().map(|t| scan(&t.text, &ctx).len()).sum();
        std::hint::black_box(n);
        scans.push(t.elapsed());
    }
    let d = median(scans).as_secs_f64();
    println!(
        "scan alone, one core: {:.1} MB/s ({planted} planted texts, {:.1} MB, {:.0} ms)",
        bytes as f64 / 1e6 / d,
        bytes as f64 / 1e6,
        d * 1e3
    );
    let q = measure(&texts);
    for (kind, s) in &q.by_kind {
        println!(
            "recall {kind}: {}/{} = {:.3}",
            s.found,
            s.planted,
            s.recall()
        );
    }
    println!(
        "precision on names and places: {}/{} = {:.3}",
        q.person_place_correct,
        q.person_place_candidates,
        q.precision()
    );
    Ok(())
}
