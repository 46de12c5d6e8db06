//! `thematic.toml`: the study's settings.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::StudyError;

/// The name of the study's configuration file; its folder is the study root.
pub const CONFIG_FILE: &str = "thematic.toml";
/// The study-folder format version this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The agreement units `default_unit` may name (as `thematic agree --unit` spells them).
pub const AGREEMENT_UNITS: [&str; 4] = ["turn", "sentence", "char", "segment"];

/// The settings in `thematic.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyConfig {
    /// The study-folder format version (1).
    pub format_version: u32,
    /// The study's name, shown in reports and exports.
    pub name: String,
    /// The codebook file, relative to the study root.
    pub codebook: String,
    /// Speaker labels that are interviewers (case-insensitive). Every other named speaker is
    /// a participant.
    #[serde(default = "default_interviewers")]
    pub interviewers: Vec<String>,
    /// The agreement unit used when `thematic agree` is not given `--unit`.
    #[serde(default = "default_unit")]
    pub default_unit: String,
    /// Merge consecutive caption cues of one speaker into one turn.
    #[serde(default = "yes")]
    pub merge_cues: bool,
    /// Sort caption cues by start time before merging (Teams writes some out of order).
    #[serde(default)]
    pub sort_cues: bool,
    /// The coder used when neither `--coder` nor `THEMATIC_CODER` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_coder: Option<String>,
}

fn default_interviewers() -> Vec<String> {
    thematic_transcript::DEFAULT_INTERVIEWERS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn yes() -> bool {
    true
}

fn default_unit() -> String {
    "turn".into()
}

impl StudyConfig {
    /// A new configuration.
    pub fn new(name: &str, codebook: &str) -> StudyConfig {
        StudyConfig {
            format_version: FORMAT_VERSION,
            name: name.to_string(),
            codebook: codebook.to_string(),
            interviewers: default_interviewers(),
            default_unit: default_unit(),
            merge_cues: true,
            sort_cues: false,
            default_coder: None,
        }
    }

    /// Reads `thematic.toml`.
    pub fn read(path: &Path) -> Result<StudyConfig, StudyError> {
        let text = std::fs::read_to_string(path).map_err(|e| StudyError::io(path, e))?;
        let config: StudyConfig = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map_or(0, |s| text[..s.start].matches('\n').count() + 1);
            StudyError::invalid(path, line, e.message().trim().to_string())
        })?;
        if config.format_version > FORMAT_VERSION {
            return Err(StudyError::invalid(
                path,
                1,
                format!(
                    "format_version {} is newer than this thematic understands ({FORMAT_VERSION}); \
                     upgrade thematic",
                    config.format_version
                ),
            ));
        }
        if !AGREEMENT_UNITS.contains(&config.default_unit.as_str()) {
            // The key's line: the first line that sets it (serde keeps no spans here).
            let line = text
                .lines()
                .position(|l| {
                    l.trim_start()
                        .strip_prefix("default_unit")
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
                .map_or(0, |i| i + 1);
            return Err(StudyError::invalid(
                path,
                line,
                format!(
                    "default_unit {:?} is not an agreement unit: use one of {}",
                    config.default_unit,
                    AGREEMENT_UNITS.join(", ")
                ),
            ));
        }
        Ok(config)
    }

    /// The file's text, with comments explaining each setting.
    pub fn to_toml(&self) -> String {
        let list = |v: &[String]| {
            v.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!(
            "# thematic study settings. See `thematic --help`.\n\
             format_version = {}\n\
             name = {:?}\n\n\
             # The codebook (theme tree), relative to this folder.\n\
             codebook = {:?}\n\n\
             # Speaker labels that are interviewers (case-insensitive); every other named speaker\n\
             # is a participant.\n\
             interviewers = [{}]\n\n\
             # Unit for `thematic agree` when --unit is not given: turn, sentence, char or segment.\n\
             default_unit = {:?}\n\n\
             # Caption files (VTT, SRT, Teams .docx): merge consecutive cues of one speaker into\n\
             # one turn, and sort cues by start time first (Teams writes a few out of order).\n\
             merge_cues = {}\n\
             sort_cues = {}\n",
            self.format_version,
            self.name,
            self.codebook,
            list(&self.interviewers),
            self.default_unit,
            self.merge_cues,
            self.sort_cues
        );
        out.push_str(
            "\n# Coder for `thematic code` when neither --coder nor THEMATIC_CODER is set.\n",
        );
        match &self.default_coder {
            Some(c) => out.push_str(&format!("default_coder = {c:?}\n")),
            None => out.push_str("# default_coder = \"KW\"\n"),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_own_text() {
        let mut c = StudyConfig::new("Link workers", "codebooks/x.toml");
        c.default_coder = Some("KW".into());
        let back: StudyConfig = toml::from_str(&c.to_toml()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn an_unknown_default_unit_is_refused_with_its_line_and_the_units() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("thematic.toml");
        let mut c = StudyConfig::new("x", "c.toml");
        for unit in AGREEMENT_UNITS {
            c.default_unit = unit.into();
            std::fs::write(&p, c.to_toml()).unwrap();
            assert_eq!(StudyConfig::read(&p).unwrap().default_unit, unit);
        }
        c.default_unit = "turns".into();
        let text = c.to_toml();
        let line = text
            .lines()
            .position(|l| l.starts_with("default_unit"))
            .unwrap()
            + 1;
        std::fs::write(&p, text).unwrap();
        let err = StudyConfig::read(&p).unwrap_err().to_string();
        assert!(err.contains(&format!("thematic.toml:{line}:")), "{err}");
        assert!(err.contains("\"turns\""), "{err}");
        assert!(err.contains("turn, sentence, char, segment"), "{err}");
    }

    #[test]
    fn unknown_keys_are_reported_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("thematic.toml");
        std::fs::write(
            &p,
            "format_version = 1\nname = \"x\"\ncodebook = \"c.toml\"\ninterviewer = []\n",
        )
        .unwrap();
        let err = StudyConfig::read(&p).unwrap_err().to_string();
        assert!(err.contains("thematic.toml:4:"), "{err}");
        assert!(err.contains("interviewer"), "{err}");
    }
}
