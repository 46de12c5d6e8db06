//! `thematic-bench agree`: `thematic agree` on a generated study (turn and char units,
//! two coders), and `thematic reliability` on a 3-coder × 1,000,000-unit ratings file with
//! 5 % missing ratings: Krippendorff's α in process, and the whole run's wall time and peak
//! memory.

use std::path::Path;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use thematic_agreement::{Level, Ratings};

use crate::{median, release_thematic};

pub fn run(corpus: &Path, runs: usize) -> Result<(), String> {
    let exe = release_thematic()?;
    for unit in ["turn", "char"] {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let out = std::process::Command::new(&exe)
                .arg("--study")
                .arg(corpus)
                .args([
                    "agree", "--coders", "A,B", "--unit", unit, "--format", "csv",
                ])
                .output()
                .map_err(|e| e.to_string())?;
            times.push(t.elapsed());
            if !out.status.success() {
                return Err(format!(
                    "thematic agree failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        println!(
            "thematic agree --unit {unit} (2 coders, 1000 bootstrap resamples): {:.3} s wall, median of {runs}",
            median(times).as_secs_f64()
        );
    }

    // 3 coders × 1,000,000 units, 5 categories, 5 % missing; coders agree 80 % of the time.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let units: Vec<[Option<usize>; 3]> = (0..1_000_000)
        .map(|_| {
            let truth = rng.random_range(0..5usize);
            let mut row = [None; 3];
            for r in &mut row {
                if rng.random_bool(0.05) {
                    continue;
                }
                *r = Some(if rng.random_bool(0.8) {
                    truth
                } else {
                    rng.random_range(0..5)
                });
            }
            row
        })
        .collect();
    let (mut build, mut compute) = (Vec::new(), Vec::new());
    let mut alpha = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = Ratings::new(3, &units);
        build.push(t.elapsed());
        let t = Instant::now();
        alpha = r.krippendorff_alpha(Level::Nominal);
        compute.push(t.elapsed());
    }
    println!(
        "Krippendorff's alpha, 3 coders x 1,000,000 units, 5% missing, in process: {:.1} ms to build the ratings from rows + {:.2} ms for alpha, medians of {runs} (alpha = {:.4})",
        median(build).as_secs_f64() * 1e3,
        median(compute).as_secs_f64() * 1e3,
        alpha.unwrap_or(f64::NAN)
    );
    let dir = std::env::temp_dir().join(format!("thematic-bench-rel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("ratings.csv");
    let mut csv = String::from("unit,A,B,C\n");
    for (i, u) in units.iter().enumerate() {
        csv.push_str(&i.to_string());
        for r in u {
            csv.push(',');
            if let Some(v) = r {
                csv.push_str(&v.to_string());
            }
        }
        csv.push('\n');
    }
    std::fs::write(&file, csv).map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::process::Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(&exe)
            .args(["reliability", "--format", "json"])
            .arg(&file)
            .output()
            .map_err(|e| format!("/usr/bin/time: {e}"))?;
        times.push(t.elapsed());
        if !out.status.success() {
            return Err(format!(
                "thematic reliability failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let kb: u64 = String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0);
        peaks.push(kb);
    }
    peaks.sort_unstable();
    println!(
        "thematic reliability on that file ({:.1} MB): {:.3} s wall, peak {:.1} MB, medians of {runs}",
        std::fs::metadata(&file).map_or(0, |m| m.len()) as f64 / 1e6,
        median(times).as_secs_f64(),
        peaks[peaks.len() / 2] as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
