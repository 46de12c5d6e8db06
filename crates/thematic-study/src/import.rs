//! Importing transcript files into `transcripts/`: the original bytes are kept (so a parse
//! can be redone with a better parser), named by transcript id.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thematic_transcript::Transcript;

use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;
use crate::transcripts::{TRANSCRIPT_EXTENSIONS, id_from_file_name};
use crate::update::UpdateReport;

/// What importing one file did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The transcript id it was stored under.
    pub id: String,
    /// Where it was stored.
    pub stored: PathBuf,
    /// Whether an earlier transcript with this id was replaced.
    pub replaced: bool,
    /// Whether the study already held this transcript byte for byte, so nothing was
    /// written: importing the same files again (to finish an import that was cut short)
    /// skips what is there.
    pub unchanged: bool,
    /// What the parser made of it.
    pub transcript: Transcript,
    /// When it replaced a transcript already there: how every coding of that transcript
    /// was re-anchored onto the new text (as `thematic transcripts update` does).
    pub reanchored: Option<UpdateReport>,
}

/// Why one file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The id is taken and `--replace` was not given.
    #[error("a transcript with id \"{id}\" is already in the study ({})", existing.display())]
    Duplicate {
        /// The id.
        id: String,
        /// The file that has it.
        existing: PathBuf,
    },
    /// The file could not be parsed at all.
    #[error("{}: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: thematic_transcript::ParseError,
    },
    /// Not a transcript file type.
    #[error("{}: not a transcript file (expected one of: {})", path.display(), TRANSCRIPT_EXTENSIONS.join(", "))]
    Extension {
        /// The file.
        path: PathBuf,
    },
    /// An invalid id was given.
    #[error("invalid transcript id \"{0}\": use letters, digits, '-' and '_' only")]
    BadId(String),
    /// Reading or writing failed.
    #[error(transparent)]
    Study(#[from] StudyError),
}

/// Imports many files into one study, listing the existing transcripts once.
#[derive(Debug)]
pub struct Importer<'a> {
    study: &'a Study,
    existing: BTreeMap<String, Vec<PathBuf>>,
    who: String,
}

impl Study {
    /// An importer for this study.
    pub fn importer(&self) -> Result<Importer<'_>, StudyError> {
        let mut existing: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        for (id, path) in self.transcript_files()? {
            existing.entry(id).or_default().push(path);
        }
        Ok(Importer {
            study: self,
            existing,
            who: "import".into(),
        })
    }

    /// Imports one file. `id` overrides the id taken from the file name.
    pub fn import(
        &self,
        file: &Path,
        id: Option<&str>,
        replace: bool,
    ) -> Result<Imported, ImportError> {
        self.importer()?.import(file, id, replace)
    }

    /// Imports a file's bytes; `file` gives the name (for the id and the extension).
    pub fn import_bytes(
        &self,
        file: &Path,
        bytes: &[u8],
        id: Option<&str>,
        replace: bool,
    ) -> Result<Imported, ImportError> {
        self.importer()?.import_bytes(file, bytes, id, replace)
    }
}

impl Importer<'_> {
    /// Records a replacement's re-anchoring in the change log under `who` (else
    /// `import`).
    pub fn acting_as(mut self, who: &str) -> Self {
        self.who = who.to_string();
        self
    }

    /// Imports one file. `id` overrides the id taken from the file name.
    pub fn import(
        &mut self,
        file: &Path,
        id: Option<&str>,
        replace: bool,
    ) -> Result<Imported, ImportError> {
        let bytes = std::fs::read(file).map_err(|e| StudyError::io(file, e))?;
        self.import_bytes(file, &bytes, id, replace)
    }

    /// Parses a file's bytes as [`Importer::commit`] would, without storing anything. Safe
    /// to call from several threads.
    pub fn check(
        &self,
        file: &Path,
        bytes: &[u8],
        id: Option<&str>,
    ) -> Result<(String, String, Transcript), ImportError> {
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .filter(|e| TRANSCRIPT_EXTENSIONS.contains(&e.as_str()))
            .ok_or_else(|| ImportError::Extension {
                path: file.to_path_buf(),
            })?;
        let id = id.map_or_else(|| id_from_file_name(file), str::to_string);
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ImportError::BadId(id));
        }
        let transcript =
            thematic_transcript::parse_with_hint(bytes, &self.study.parse_options(), Some(&ext))
                .map_err(|source| ImportError::Parse {
                    path: file.to_path_buf(),
                    source,
                })?;
        Ok((id, ext, transcript))
    }

    /// Stores a checked file (`file` is where its bytes came from): refuses a taken id unless
    /// `replace`. A replaced transcript's codings, every coder's, are re-anchored onto the
    /// new text under every coder's lock, as by [`Study::update_transcript`]: kept, moved,
    /// or kept and flagged orphaned. A file the study already holds byte for byte is
    /// `unchanged`, not refused, so importing the same files again finishes an import that
    /// was cut short.
    ///
    /// Whether the id is taken is decided under the transcripts' lock, which every import
    /// and update takes, so two processes importing the same id cannot both store it.
    pub fn commit(
        &mut self,
        file: &Path,
        bytes: &[u8],
        id: String,
        ext: &str,
        replace: bool,
        transcript: Transcript,
    ) -> Result<Imported, ImportError> {
        let stored = self.study.transcripts_dir().join(format!("{id}.{ext}"));
        let existing = {
            let _lock = self.study.transcripts_lock()?;
            let existing = self.present(&id);
            let same = !existing.is_empty() && same_bytes(&existing[0], bytes);
            if existing.is_empty() {
                atomic_write(&stored, bytes)?;
            } else if same && !self.study.update_pending(&id)? {
                // (Stored already by an update cut short before it logged and removed its
                // record: that case goes on below, and replacing it again finishes it.)
                self.existing.insert(id.clone(), existing.clone());
                return Ok(Imported {
                    id,
                    stored: existing[0].clone(),
                    replaced: false,
                    unchanged: true,
                    transcript,
                    reanchored: None,
                });
            } else if !same && !replace {
                return Err(ImportError::Duplicate {
                    id,
                    existing: existing[0].clone(),
                });
            }
            existing
        };
        let reanchored = if existing.is_empty() {
            None
        } else {
            Some(self.study.replace_transcript(
                &id,
                file,
                bytes,
                ext,
                &transcript,
                &self.who,
                false,
            )?)
        };
        for old in existing.iter().filter(|p| **p != stored && p.exists()) {
            std::fs::remove_file(old).map_err(|e| StudyError::io(old, e))?;
        }
        self.existing.insert(id.clone(), vec![stored.clone()]);
        Ok(Imported {
            id,
            stored,
            replaced: !existing.is_empty(),
            unchanged: false,
            transcript,
            reanchored,
        })
    }

    /// The files holding transcript `id` now: those listed when the importer was made that
    /// are still there, and any `<id>.<ext>` another process stored since.
    fn present(&self, id: &str) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .existing
            .get(id)
            .into_iter()
            .flatten()
            .filter(|p| p.is_file())
            .cloned()
            .collect();
        let dir = self.study.transcripts_dir();
        for ext in TRANSCRIPT_EXTENSIONS {
            let p = dir.join(format!("{id}.{ext}"));
            if !out.contains(&p) && p.is_file() {
                out.push(p);
            }
        }
        out
    }

    /// Checks and stores a file's bytes.
    pub fn import_bytes(
        &mut self,
        file: &Path,
        bytes: &[u8],
        id: Option<&str>,
        replace: bool,
    ) -> Result<Imported, ImportError> {
        let (id, ext, transcript) = self.check(file, bytes, id)?;
        self.commit(file, bytes, id, &ext, replace, transcript)
    }
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|b| b == bytes)
}

impl Study {
    /// Whether an update of transcript `id` was cut short (its record is still there).
    fn update_pending(&self, id: &str) -> Result<bool, StudyError> {
        Ok(self.unfinished_all()?.iter().any(|u| u.is_update_of(id)))
    }

    /// The lock every import and transcript update takes while it decides and stores a
    /// transcript (a lock file in the cache folder, so `transcripts/` holds transcripts
    /// only).
    pub(crate) fn transcripts_lock(&self) -> Result<FileLock, StudyError> {
        let cache = self.root().join(".thematic");
        std::fs::create_dir_all(&cache).map_err(|e| StudyError::io(&cache, e))?;
        FileLock::acquire(&cache.join("transcripts"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codings::Coding;

    const OLD: &str = "Interviewer: How did it start?\n\nP1: I went to the GP and she listened.\n\nP1: Then the link worker asked what matters to me.\n";
    const NEW: &str = "Interviewer: How did it all start, then?\n\nP1: I went to the GP and she listened.\n\nP1: Then the link worker asked what matters to me.\n";

    /// A coding of `words` in transcript P1 as it is now.
    fn coding_of(study: &Study, id: &str, words: &str) -> Coding {
        crate::testing::coding_of(study, "KW", id, words, "what-matters")
    }

    #[test]
    fn a_stored_file_that_no_longer_parses_can_be_replaced_when_uncoded() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        std::fs::write(study.transcripts_dir().join("P1.json"), "{\"broken\": [").unwrap();
        let done = study
            .import_bytes(Path::new("P1.txt"), OLD.as_bytes(), None, true)
            .unwrap();
        assert_eq!(done.reanchored.unwrap().counts(), (0, 0, 0));
        assert!(!study.transcripts_dir().join("P1.json").exists());
        assert_eq!(study.transcript("P1").unwrap().turns.len(), 3);
    }

    #[test]
    fn replacing_a_coded_transcript_reanchors_its_codings() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        study
            .import_bytes(Path::new("P1.txt"), OLD.as_bytes(), None, false)
            .unwrap();
        study
            .add_coding(&coding_of(&study, "c-1", "asked what matters to me"))
            .unwrap();
        study
            .add_coding(&coding_of(&study, "c-2", "the GP and she listened"))
            .unwrap();
        study
            .add_coding(&coding_of(&study, "c-3", "How did it"))
            .unwrap();
        assert_eq!(study.check().unwrap().errors(), 0);

        let done = study
            .importer()
            .unwrap()
            .acting_as("KW")
            .import_bytes(Path::new("P1.txt"), NEW.as_bytes(), None, true)
            .unwrap();
        assert!(done.replaced);
        let report = done.reanchored.expect("a replacement is re-anchored");
        assert_eq!(report.counts(), (1, 2, 0), "{report:?}");
        let check = study.check().unwrap();
        assert_eq!(check.errors(), 0, "{:?}", check.findings);
        let now = study.codings_of("KW").unwrap().codings;
        assert_eq!(now[0], coding_of(&study, "c-1", "asked what matters to me"));
        assert_eq!(now[1], coding_of(&study, "c-2", "the GP and she listened"));
        assert_eq!(now[2], coding_of(&study, "c-3", "How did it"));
        let log = std::fs::read_to_string(study.root().join(crate::CHANGELOG_FILE)).unwrap();
        assert!(
            log.contains("1 coding(s) kept, 2 moved, 0 orphaned"),
            "{log}"
        );
    }
}
