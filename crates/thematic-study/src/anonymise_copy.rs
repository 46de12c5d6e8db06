//! `--anonymise` for exports that carry the whole study (a REFI-QDA project): an anonymised
//! copy of the study in a temporary folder, exported in its place. The study itself is not
//! changed.
//!
//! The copy goes through [`Study::apply_anonymisation`] like the real thing (so codings
//! are re-anchored onto the pseudonymised text, and positions in the export are right),
//! with no key; then the memos and the codings' own memos and orphaned words are
//! pseudonymised too, since a project carries them. What still names an accepted term in
//! the copy after that is returned, for the export to refuse.

use std::path::Path;

use crate::anonymise_apply::{ApplyOptions, KeyPlace};
use crate::anonymise_check::IdentifierFinding;
use crate::anonymise_guard::{Guard, GuardMode, refusal};
use crate::error::StudyError;
use crate::fsutil::atomic_write;
use crate::study::Study;

/// An anonymised copy of a study, alive as long as this value.
#[derive(Debug)]
pub struct AnonymisedCopy {
    /// The copy.
    pub study: Study,
    /// What still names an accepted term in the copy (the change log left out: it is not
    /// exported). Empty when the anonymisation is complete.
    pub leftovers: Vec<IdentifierFinding>,
    _dir: tempfile::TempDir,
}

impl Study {
    /// A copy of the study (everything but the `.thematic/` cache, `.git/` and copied
    /// recordings) in a new temporary folder, with every accepted identifier replaced.
    pub fn anonymised_copy(&self) -> Result<AnonymisedCopy, StudyError> {
        let dir = tempfile::Builder::new()
            .prefix("thematic-anonymised-")
            .tempdir()
            .map_err(|e| StudyError::io(std::env::temp_dir(), e))?;
        let root = dir.path().join(
            self.root()
                .file_name()
                .map_or_else(|| "study".into(), |n| n.to_os_string()),
        );
        copy_tree(self.root(), &root)?;
        let copy = Study::open(&root)?;
        copy.apply_anonymisation(&ApplyOptions {
            who: "anonymise".into(),
            key: KeyPlace::Nowhere,
            ..ApplyOptions::default()
        })?;
        let guard = Guard::from_study(&copy)?;
        pseudonymise_memos(&copy, &guard)?;
        pseudonymise_codings(&copy, &guard)?;
        let leftovers = copy
            .find_identifiers_with(&guard)?
            .into_iter()
            .filter(|f| !f.history)
            .collect();
        Ok(AnonymisedCopy {
            study: copy,
            leftovers,
            _dir: dir,
        })
    }
}

/// Every memo file's text pseudonymised.
fn pseudonymise_memos(study: &Study, guard: &Guard) -> Result<(), StudyError> {
    for coder in study.memo_coders()? {
        let path = study.memos_path(&coder)?;
        let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
        let new = guard.pseudonymise(&text);
        if new != text {
            atomic_write(&path, new.as_bytes())?;
        }
    }
    Ok(())
}

/// Every coding's memo, and the words of codings that are not anchored (orphaned ones
/// keep their old words), pseudonymised.
fn pseudonymise_codings(study: &Study, guard: &Guard) -> Result<(), StudyError> {
    for mut file in study.all_codings()? {
        let mut changed = false;
        for c in &mut file.codings {
            for field in [&mut c.memo, &mut c.text] {
                let new = guard.pseudonymise(field);
                if new != *field {
                    *field = new;
                    changed = true;
                }
            }
        }
        if changed {
            study.rewrite_codings(&file)?;
        }
    }
    Ok(())
}

/// Copies the folder `from` to `to`, leaving out `.thematic/` (the cache), `.git/` and
/// `media/` (recordings cannot be pseudonymised, and an anonymised export leaves them out);
/// symbolic links are followed as the study would follow them.
fn copy_tree(from: &Path, to: &Path) -> Result<(), StudyError> {
    std::fs::create_dir_all(to).map_err(|e| StudyError::io(to, e))?;
    let entries = std::fs::read_dir(from).map_err(|e| StudyError::io(from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| StudyError::io(from, e))?;
        let name = entry.file_name();
        if name == ".thematic" || name == ".git" || name == crate::MEDIA_DIR {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let meta = std::fs::metadata(&src).map_err(|e| StudyError::io(&src, e))?;
        if meta.is_dir() {
            copy_tree(&src, &dst)?;
        } else if meta.is_file() {
            std::fs::copy(&src, &dst).map_err(|e| StudyError::io(&src, e))?;
        }
    }
    Ok(())
}

/// The study an export that carries the whole study (a REFI-QDA project) is made from.
#[derive(Debug)]
pub enum ForExport<'a> {
    /// The study itself: nothing accepted is left in it, or identifiers are allowed.
    Same(&'a Study),
    /// An anonymised copy (`--anonymise`).
    Copy(Box<AnonymisedCopy>),
}

impl ForExport<'_> {
    /// The study to export.
    pub fn study(&self) -> &Study {
        match self {
            ForExport::Same(s) => s,
            ForExport::Copy(c) => &c.study,
        }
    }
}

impl Study {
    /// The study `what` (an export of the whole study, e.g. `the REFI-QDA project`) is to
    /// be made from, under `mode`: with [`GuardMode::Refuse`] the study itself when no
    /// accepted identifier is left in it (the change log aside: it is not exported), else
    /// the export's refusal; with [`GuardMode::Anonymise`] an anonymised copy, refused in
    /// the same way if anything in it still names an accepted term; with
    /// [`GuardMode::Allow`] the study as it is.
    pub fn for_whole_export(
        &self,
        what: &str,
        mode: GuardMode,
    ) -> Result<ForExport<'_>, StudyError> {
        let refuse = |study: &Study, found: &[IdentifierFinding]| {
            let leaks: Vec<_> = found.iter().map(|f| f.leak(study)).collect();
            refusal(what, &leaks)
        };
        match mode {
            GuardMode::Allow => Ok(ForExport::Same(self)),
            GuardMode::Refuse => {
                let found: Vec<IdentifierFinding> = self
                    .find_identifiers()?
                    .into_iter()
                    .filter(|f| !f.history)
                    .collect();
                if found.is_empty() {
                    Ok(ForExport::Same(self))
                } else {
                    Err(refuse(self, &found))
                }
            }
            GuardMode::Anonymise => {
                if Guard::from_study(self)?.is_empty() {
                    return Ok(ForExport::Same(self));
                }
                let copy = self.anonymised_copy()?;
                if copy.leftovers.is_empty() {
                    Ok(ForExport::Copy(Box::new(copy)))
                } else {
                    Err(refuse(&copy.study, &copy.leftovers))
                }
            }
        }
    }
}
