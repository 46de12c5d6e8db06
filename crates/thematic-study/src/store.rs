//! The codings store: one `codings/<coder>.csv` per coder, read and rewritten under a lock.

use std::path::PathBuf;

use crate::codings::CodingsFile;
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;
use crate::transcripts::natural_cmp;

/// Whether `name` can be a coder: letters, digits, `.`, `_` and `-`, not starting with a dot,
/// at most 64 characters (it becomes a file name).
pub fn valid_coder(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl Study {
    /// `codings/<coder>.csv`.
    pub fn codings_path(&self, coder: &str) -> Result<PathBuf, StudyError> {
        if !valid_coder(coder) {
            return Err(StudyError::invalid(
                self.codings_dir(),
                0,
                format!(
                    "\"{coder}\" cannot be a coder name: use letters, digits, '.', '_' or '-' (e.g. KW or kate-walker)"
                ),
            ));
        }
        Ok(self.codings_dir().join(format!("{coder}.csv")))
    }

    /// The coders with a codings file, in natural order.
    pub fn coders(&self) -> Result<Vec<String>, StudyError> {
        let dir = self.codings_dir();
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(StudyError::io(&dir, e)),
        };
        for entry in entries {
            let path = entry.map_err(|e| StudyError::io(&dir, e))?.path();
            let is_csv = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if is_csv && valid_coder(&stem) {
                out.push(stem);
            }
        }
        out.sort_by(|a, b| natural_cmp(a, b));
        Ok(out)
    }

    /// One coder's codings (empty when the coder has none yet).
    pub fn codings_of(&self, coder: &str) -> Result<CodingsFile, StudyError> {
        let path = self.codings_path(coder)?;
        if !path.exists() {
            return Ok(CodingsFile {
                coder: coder.to_string(),
                codings: Vec::new(),
            });
        }
        CodingsFile::read(&path)
    }

    /// Every coder's codings, in natural coder order.
    pub fn all_codings(&self) -> Result<Vec<CodingsFile>, StudyError> {
        self.coders()?.iter().map(|c| self.codings_of(c)).collect()
    }

    /// Reads, changes and writes back one coder's codings while holding that coder's lock,
    /// so concurrent writers for the same coder lose nothing. `change` returns its result and
    /// whether it changed anything; the file is written (atomically) only then.
    pub fn update_codings<R>(
        &self,
        coder: &str,
        change: impl FnOnce(&mut CodingsFile) -> Result<(R, bool), StudyError>,
    ) -> Result<R, StudyError> {
        let path = self.codings_path(coder)?;
        std::fs::create_dir_all(self.codings_dir())
            .map_err(|e| StudyError::io(self.codings_dir(), e))?;
        let _lock = FileLock::acquire(&path)?;
        let mut file = self.codings_of(coder)?;
        let (out, changed) = change(&mut file)?;
        if changed {
            atomic_write(&path, &file.to_csv())?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coder_names_are_safe_file_names() {
        for ok in ["KW", "kate-walker", "coder_2", "A.B", "Zoë"] {
            assert!(valid_coder(ok), "{ok}");
        }
        for bad in ["", ".hidden", "a/b", "a b", "..", "x\\y", &"a".repeat(65)] {
            assert!(!valid_coder(bad), "{bad}");
        }
    }
}
