//! `thematic-bench qdpx`: wall time of `thematic export FILE.qdpx` on a generated study, and
//! of `thematic init DIR --from FILE.qdpx` reading it back into a new study (whole
//! processes).

use std::path::Path;
use std::time::Instant;

use crate::{median, release_thematic};

pub fn run(corpus: &Path, runs: usize) -> Result<(), String> {
    let exe = release_thematic()?;
    let dir = std::env::temp_dir().join(format!("thematic-bench-qdpx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("corpus.qdpx");
    let thematic = |args: &[&std::ffi::OsStr]| -> Result<std::time::Duration, String> {
        let t = Instant::now();
        let run = std::process::Command::new(&exe)
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        let took = t.elapsed();
        if !run.status.success() {
            return Err(format!(
                "thematic failed: {}",
                String::from_utf8_lossy(&run.stderr)
            ));
        }
        Ok(took)
    };
    let mut export = Vec::new();
    for _ in 0..runs {
        export.push(thematic(&[
            "--study".as_ref(),
            corpus.as_os_str(),
            "export".as_ref(),
            file.as_os_str(),
        ])?);
    }
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "thematic export {} ({:.1} MB): {:.3} s wall, median of {runs}",
        file.display(),
        size as f64 / 1e6,
        median(export).as_secs_f64()
    );
    let mut import = Vec::new();
    for i in 0..runs {
        let target = dir.join(format!("study-{i}"));
        import.push(thematic(&[
            "init".as_ref(),
            target.as_os_str(),
            "--from".as_ref(),
            file.as_os_str(),
        ])?);
        let _ = std::fs::remove_dir_all(&target);
    }
    println!(
        "thematic init --from {}: {:.3} s wall, median of {runs}",
        file.display(),
        median(import).as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
