//! What every command may need, opened once: the study.

use std::path::PathBuf;

use thematic_study::Study;

use crate::error::{CliError, Result};

/// Shared state for a command run.
#[derive(Debug)]
pub struct Context {
    study_dir: Option<PathBuf>,
    /// Whether opening the study warns of operations left unfinished (`check` reports
    /// them itself).
    warn_unfinished: std::cell::Cell<bool>,
}

impl Context {
    /// From the global `--study` option.
    pub fn new(study_dir: Option<PathBuf>) -> Context {
        Context {
            study_dir,
            warn_unfinished: std::cell::Cell::new(true),
        }
    }

    /// Opening the study will not warn of unfinished operations: the command reports them.
    pub fn reports_unfinished(&self) {
        self.warn_unfinished.set(false);
    }

    /// Whether `--study` was given.
    pub fn explicit_study(&self) -> bool {
        self.study_dir.is_some()
    }

    /// Opens the study: `--study DIR` exactly, else the nearest folder at or above the
    /// working directory holding `thematic.toml`.
    ///
    /// An operation left unfinished in it (a killed `codebook merge`, `transcripts update`,
    /// `import`, …) is named in a warning on standard error, with the command that finishes
    /// it, whatever the command run.
    pub fn study(&self) -> Result<Study> {
        let study = match &self.study_dir {
            Some(dir) => Study::open(dir).map_err(|e| {
                CliError::from(e).context(format!("cannot open the study in {}", dir.display()))
            })?,
            None => {
                let cwd = std::env::current_dir()?;
                Study::discover(&cwd)?
            }
        };
        if self.warn_unfinished.get() {
            for u in study.unfinished_all().unwrap_or_default() {
                crate::cmd::status(&format!(
                    "warning: {} (started {}) did not finish: {}; run `{}` to finish it",
                    u.what(),
                    u.started,
                    u.effect,
                    u.finish_command()
                ));
            }
        }
        Ok(study)
    }

    /// The acting coder: `--coder`, else `THEMATIC_CODER`, else `default_coder` in
    /// thematic.toml.
    pub fn coder(&self, explicit: Option<&str>, study: &Study) -> Option<String> {
        explicit
            .map(str::to_string)
            .or_else(|| {
                std::env::var("THEMATIC_CODER")
                    .ok()
                    .filter(|s| !s.trim().is_empty())
            })
            .or_else(|| study.config().default_coder.clone())
    }

    /// Who a change is recorded under: the acting coder, else the login name.
    pub fn who(&self, explicit: Option<&str>, study: &Study) -> String {
        self.coder(explicit, study)
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "unknown".into())
    }
}
