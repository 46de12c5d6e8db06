//! What every command may need, opened once: the study.

use std::path::PathBuf;

use thematic_study::Study;

use crate::error::{CliError, Result};

/// Shared state for a command run.
#[derive(Debug)]
pub struct Context {
    study_dir: Option<PathBuf>,
}

impl Context {
    /// From the global `--study` option.
    pub fn new(study_dir: Option<PathBuf>) -> Context {
        Context { study_dir }
    }

    /// Whether `--study` was given.
    pub fn explicit_study(&self) -> bool {
        self.study_dir.is_some()
    }

    /// Opens the study: `--study DIR` exactly, else the nearest folder at or above the
    /// working directory holding `thematic.toml`.
    pub fn study(&self) -> Result<Study> {
        match &self.study_dir {
            Some(dir) => Study::open(dir).map_err(|e| {
                CliError::from(e).context(format!("cannot open the study in {}", dir.display()))
            }),
            None => {
                let cwd = std::env::current_dir()?;
                Ok(Study::discover(&cwd)?)
            }
        }
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
