//! Importing transcript files into `transcripts/`: the original bytes are kept (so a parse
//! can be redone with a better parser), named by transcript id.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thematic_transcript::Transcript;

use crate::error::StudyError;
use crate::fsutil::atomic_write;
use crate::study::Study;
use crate::transcripts::{TRANSCRIPT_EXTENSIONS, id_from_file_name};

/// What importing one file did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The transcript id it was stored under.
    pub id: String,
    /// Where it was stored.
    pub stored: PathBuf,
    /// Whether an earlier transcript with this id was replaced.
    pub replaced: bool,
    /// What the parser made of it.
    pub transcript: Transcript,
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

    /// Stores a checked file: refuses a taken id unless `replace`.
    pub fn commit(
        &mut self,
        bytes: &[u8],
        id: String,
        ext: &str,
        replace: bool,
        transcript: Transcript,
    ) -> Result<Imported, ImportError> {
        let existing = self.existing.get(&id).cloned().unwrap_or_default();
        if let Some(first) = existing.first()
            && !replace
        {
            return Err(ImportError::Duplicate {
                id,
                existing: first.clone(),
            });
        }
        let stored = self.study.transcripts_dir().join(format!("{id}.{ext}"));
        atomic_write(&stored, bytes)?;
        for old in existing.iter().filter(|p| **p != stored) {
            std::fs::remove_file(old).map_err(|e| StudyError::io(old, e))?;
        }
        self.existing.insert(id.clone(), vec![stored.clone()]);
        Ok(Imported {
            id,
            stored,
            replaced: !existing.is_empty(),
            transcript,
        })
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
        self.commit(bytes, id, &ext, replace, transcript)
    }
}
