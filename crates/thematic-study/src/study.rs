//! Opening, finding and creating a study folder.

use std::path::{Path, PathBuf};

use thematic_codebook::Codebook;

use crate::config::{CONFIG_FILE, StudyConfig};
use crate::error::StudyError;
use crate::fsutil::atomic_write;
use crate::participants::{PARTICIPANT_COLUMN, Participants};

/// An open study folder.
#[derive(Debug, Clone)]
pub struct Study {
    root: PathBuf,
    config: StudyConfig,
}

/// What `thematic init` writes.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The study's name.
    pub name: String,
    /// The file name of the starting codebook inside `codebooks/`.
    pub codebook_file: String,
    /// The starting codebook's text.
    pub codebook_text: String,
}

impl InitOptions {
    /// A study that starts from the starter codebook, `codebooks/blank.toml`: no entries
    /// (codes are made as the data is read), with comments that walk through Braun &
    /// Clarke's six phases.
    pub fn new(name: &str) -> InitOptions {
        InitOptions {
            name: name.to_string(),
            codebook_file: "blank.toml".into(),
            codebook_text: include_str!("../../../codebooks/blank.toml").into(),
        }
    }
}

impl Study {
    /// Finds the study whose root is `start` or its nearest ancestor holding `thematic.toml`,
    /// the way git and cargo find their roots.
    pub fn discover(start: &Path) -> Result<Study, StudyError> {
        let start_abs = std::path::absolute(start).map_err(|e| StudyError::io(start, e))?;
        let mut dir: Option<&Path> = Some(&start_abs);
        while let Some(d) = dir {
            if d.join(CONFIG_FILE).is_file() {
                return Study::open(d);
            }
            dir = d.parent();
        }
        Err(StudyError::NotFound {
            start: start.to_path_buf(),
        })
    }

    /// Opens the study rooted at `root` (which must hold `thematic.toml`).
    pub fn open(root: &Path) -> Result<Study, StudyError> {
        let config_path = root.join(CONFIG_FILE);
        if !config_path.is_file() {
            return Err(StudyError::NotFound {
                start: root.to_path_buf(),
            });
        }
        let config = StudyConfig::read(&config_path)?;
        Ok(Study {
            root: root.to_path_buf(),
            config,
        })
    }

    /// Creates a study in `dir` (created if missing; it must not already hold a study).
    pub fn init(dir: &Path, options: &InitOptions) -> Result<Study, StudyError> {
        if dir.join(CONFIG_FILE).exists() {
            return Err(StudyError::AlreadyExists {
                dir: dir.to_path_buf(),
            });
        }
        for sub in ["transcripts", "codebooks", "codings", "memos", ".thematic"] {
            let p = dir.join(sub);
            std::fs::create_dir_all(&p).map_err(|e| StudyError::io(&p, e))?;
        }
        // Validate the codebook before writing anything that makes this folder a study.
        Codebook::from_toml(&options.codebook_text, &options.codebook_file)?;
        let codebook_rel = format!("codebooks/{}", options.codebook_file);
        atomic_write(&dir.join(&codebook_rel), options.codebook_text.as_bytes())?;
        atomic_write(
            &dir.join("participants.csv"),
            format!("{PARTICIPANT_COLUMN}\n").as_bytes(),
        )?;
        atomic_write(
            &dir.join(".thematic/.gitignore"),
            b"# Rebuildable caches (search index, parse cache): never commit.\n*\n",
        )?;
        let config = StudyConfig::new(&options.name, &codebook_rel);
        atomic_write(&dir.join(CONFIG_FILE), config.to_toml().as_bytes())?;
        Study::open(dir)
    }

    /// Replaces the settings and writes `thematic.toml`.
    pub fn set_config(&mut self, config: StudyConfig) -> Result<(), StudyError> {
        atomic_write(&self.root.join(CONFIG_FILE), config.to_toml().as_bytes())?;
        self.config = config;
        Ok(())
    }

    /// Points `thematic.toml` at another codebook file (relative to the root), editing the
    /// file in place so its comments stay.
    pub fn set_codebook(&mut self, codebook: &str) -> Result<(), StudyError> {
        let path = self.root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| StudyError::invalid(&path, 0, e.to_string()))?;
        doc["codebook"] = toml_edit::value(codebook);
        atomic_write(&path, doc.to_string().as_bytes())?;
        self.config.codebook = codebook.to_string();
        Ok(())
    }

    /// The study's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The settings from `thematic.toml`.
    pub fn config(&self) -> &StudyConfig {
        &self.config
    }

    /// `transcripts/`.
    pub fn transcripts_dir(&self) -> PathBuf {
        self.root.join("transcripts")
    }

    /// `codings/`.
    pub fn codings_dir(&self) -> PathBuf {
        self.root.join("codings")
    }

    /// `memos/`.
    pub fn memos_dir(&self) -> PathBuf {
        self.root.join("memos")
    }

    /// `.thematic/`, the rebuildable cache.
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join(".thematic")
    }

    /// `participants.csv`.
    pub fn participants_path(&self) -> PathBuf {
        self.root.join("participants.csv")
    }

    /// The codebook file named in `thematic.toml`.
    pub fn codebook_path(&self) -> PathBuf {
        self.root.join(&self.config.codebook)
    }

    /// Reads and validates the study's codebook.
    pub fn codebook(&self) -> Result<Codebook, StudyError> {
        let path = self.codebook_path();
        let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
        Ok(Codebook::from_toml(&text, &self.shown(&path))?)
    }

    /// A path inside the study as shown in messages: relative to the root.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Reads `participants.csv`.
    pub fn participants(&self) -> Result<Participants, StudyError> {
        Participants::read(&self.participants_path())
    }

    /// How transcripts in this study are read (its interviewer labels).
    pub fn parse_options(&self) -> thematic_transcript::Options {
        // The interviewer is guessed (the speaker of a two-person transcript who asks more,
        // with a warning) only while `interviewers` is as `thematic init` wrote it: a list the
        // team set is the answer, and no guess overrides it.
        let unset = self.config.interviewers == StudyConfig::new("", "").interviewers;
        thematic_transcript::Options {
            interviewers: self.config.interviewers.clone(),
            merge_cues: self.config.merge_cues,
            sort_cues: self.config.sort_cues,
            infer_interviewer: unset,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interviewer_is_guessed_only_while_the_list_is_unset() {
        let dir = tempfile::tempdir().unwrap();
        let mut study = Study::init(dir.path(), &InitOptions::new("S")).unwrap();
        let text = "Ann: How did it start? Who did you see first?\n\nBob: The GP.\n\n\
                    Ann: And then?\n\nBob: A link worker.\n";
        study
            .import_bytes(Path::new("P1.txt"), text.as_bytes(), None, false)
            .unwrap();
        let roles = |s: &Study| -> Vec<(String, String)> {
            let t = s.transcript("P1").unwrap();
            t.turns
                .iter()
                .take(2)
                .map(|u| {
                    (
                        u.speaker.clone().unwrap_or_default(),
                        u.role.as_str().to_string(),
                    )
                })
                .collect()
        };
        // Unset (as init wrote it): Ann asks three questions, Bob none: Ann is guessed.
        let guessed = study.transcript("P1").unwrap();
        assert!(
            guessed
                .warnings
                .iter()
                .any(|w| w.kind.as_str() == "inferred_interviewer"),
            "{:?}",
            guessed.warnings
        );
        assert_eq!(roles(&study)[0].1, "interviewer");
        // Set by the team (here to a name this transcript lacks): no guess, whoever asks
        // more.
        let mut config = study.config().clone();
        config.interviewers = vec!["Kate".into()];
        study.set_config(config).unwrap();
        let set = study.transcript("P1").unwrap();
        assert!(
            !set.warnings
                .iter()
                .any(|w| w.kind.as_str() == "inferred_interviewer"),
            "{:?}",
            set.warnings
        );
        assert_eq!(
            roles(&study),
            [
                ("Ann".to_string(), "participant".to_string()),
                ("Bob".to_string(), "participant".to_string())
            ]
        );
    }

    #[test]
    fn init_creates_the_layout_and_refuses_twice() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &InitOptions::new("S")).unwrap();
        for p in [
            "thematic.toml",
            "transcripts",
            "codebooks/blank.toml",
            "participants.csv",
            "codings",
            "memos",
            ".thematic/.gitignore",
        ] {
            assert!(dir.path().join(p).exists(), "{p} missing");
        }
        assert_eq!(
            std::fs::read_to_string(study.participants_path()).unwrap(),
            "participant\n"
        );
        // The codebook is valid and empty: a new study makes its own codes.
        assert!(study.codebook().unwrap().entries.is_empty());
        assert!(matches!(
            Study::init(dir.path(), &InitOptions::new("S")),
            Err(StudyError::AlreadyExists { .. })
        ));
    }

    #[test]
    fn discover_walks_up_and_stops_at_the_root() {
        let dir = tempfile::tempdir().unwrap();
        Study::init(dir.path(), &InitOptions::new("S")).unwrap();
        let deep = dir.path().join("memos/a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(
            Study::discover(&deep).unwrap().root(),
            std::path::absolute(dir.path()).unwrap()
        );
        let outside = tempfile::tempdir().unwrap();
        assert!(matches!(
            Study::discover(outside.path()),
            Err(StudyError::NotFound { .. })
        ));
    }
}
