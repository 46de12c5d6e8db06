//! `thematic.toml`: the study's settings.

use std::collections::BTreeMap;
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
    /// How Table 1 (`thematic participants --summary`) shows each attribute of
    /// `participants.csv`, keyed by column name: the `[participants]` section.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub participants: BTreeMap<String, AttributeDisplay>,
}

/// How Table 1 shows one attribute: one entry of the `[participants]` section, e.g.
/// `months_in_role = { label = "Length of time in role", unit = "months", decimals = 1 }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDisplay {
    /// The name printed for the attribute ("Length of time in role"); default: the column
    /// name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The unit of a numeric attribute, printed after its range ("33–60 years").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Decimals of a numeric attribute's mean (default 2); its SD gets one more unless
    /// `sd_decimals` says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// Decimals of a numeric attribute's SD (default: `decimals` + 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd_decimals: Option<u8>,
    /// Decimals of a categorical attribute's percentages (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_decimals: Option<u8>,
    /// The order of a categorical attribute's values; values not named follow, most frequent
    /// first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<String>,
    /// Names printed for a categorical attribute's values (`{ town = "Town location only" }`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// Treat the attribute as categories even when its values are numbers (a site number).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub categorical: bool,
}

/// The most decimals a `[participants]` entry may ask for.
pub const MAX_DECIMALS: u8 = 6;

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
            participants: BTreeMap::new(),
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
        config.check_participants(path, &text)?;
        Ok(config)
    }

    /// Refuses decimals past [`MAX_DECIMALS`] in the `[participants]` section, naming the
    /// entry's line.
    fn check_participants(&self, path: &Path, text: &str) -> Result<(), StudyError> {
        for (name, d) in &self.participants {
            let asked = [d.decimals, d.sd_decimals, d.percent_decimals];
            if asked.iter().flatten().any(|&n| n > MAX_DECIMALS) {
                return Err(StudyError::invalid(
                    path,
                    entry_line(text, name),
                    format!(
                        "[participants] {name}: at most {MAX_DECIMALS} decimals \
                         (decimals, sd_decimals, percent_decimals); papers print 0 to 2"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The line of the `[participants]` entry for `name` in `text` (0 when not found), for
    /// warnings about it.
    pub fn participants_line(text: &str, name: &str) -> usize {
        entry_line(text, name)
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
        out.push_str(&participants_toml(&self.participants));
        out
    }
}

/// The line of `name = …` after the `[participants]` header, or 0.
fn entry_line(text: &str, name: &str) -> usize {
    let mut inside = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        if t.starts_with('[') {
            inside = t.starts_with("[participants]");
            continue;
        }
        let key = t.split('=').next().unwrap_or("").trim().trim_matches('"');
        if inside && key == name && t.contains('=') {
            return i + 1;
        }
    }
    0
}

/// The `[participants]` section: a commented example when empty, else one inline table per
/// attribute.
fn participants_toml(p: &BTreeMap<String, AttributeDisplay>) -> String {
    let mut out = String::from(
        "\n# How Table 1 (`thematic participants --summary`) shows each column of participants.csv:\n\
         # label, unit, decimals (of the mean; the SD gets one more unless sd_decimals is set),\n\
         # percent_decimals, order and values (names of categories), categorical = true.\n",
    );
    if p.is_empty() {
        out.push_str(
            "# [participants]\n# age = { label = \"Age\", unit = \"years\", decimals = 0 }\n",
        );
        return out;
    }
    out.push_str("[participants]\n");
    for (name, d) in p {
        let mut parts: Vec<String> = Vec::new();
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        if let Some(v) = &d.label {
            parts.push(format!("label = {}", q(v)));
        }
        if let Some(v) = &d.unit {
            parts.push(format!("unit = {}", q(v)));
        }
        for (k, v) in [
            ("decimals", d.decimals),
            ("sd_decimals", d.sd_decimals),
            ("percent_decimals", d.percent_decimals),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k} = {v}"));
            }
        }
        if !d.order.is_empty() {
            let list: Vec<String> = d.order.iter().map(|s| q(s)).collect();
            parts.push(format!("order = [{}]", list.join(", ")));
        }
        if !d.values.is_empty() {
            let map: Vec<String> = d
                .values
                .iter()
                .map(|(k, v)| {
                    let bare = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    format!("{} = {}", if bare { k.clone() } else { q(k) }, q(v))
                })
                .collect();
            parts.push(format!("values = {{ {} }}", map.join(", ")));
        }
        if d.categorical {
            parts.push("categorical = true".into());
        }
        let bare = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let key = if bare { name.clone() } else { q(name) };
        out.push_str(&format!("{key} = {{ {} }}\n", parts.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_participants_section_round_trips_and_bad_decimals_name_their_line() {
        let mut c = StudyConfig::new("x", "c.toml");
        c.participants.insert(
            "months_in_role".into(),
            AttributeDisplay {
                label: Some("Length of time in role".into()),
                unit: Some("months".into()),
                decimals: Some(1),
                ..AttributeDisplay::default()
            },
        );
        c.participants.insert(
            "location".into(),
            AttributeDisplay {
                order: vec!["town".into(), "rural \"x\"".into()],
                values: [("town".to_string(), "Town only".to_string())].into(),
                categorical: true,
                ..AttributeDisplay::default()
            },
        );
        let text = c.to_toml();
        let back: StudyConfig = toml::from_str(&text).unwrap();
        assert_eq!(back, c);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("thematic.toml");
        let bad = text.replace("decimals = 1", "decimals = 9");
        let line = bad
            .lines()
            .position(|l| l.starts_with("months_in_role ="))
            .unwrap()
            + 1;
        std::fs::write(&p, bad).unwrap();
        let err = StudyConfig::read(&p).unwrap_err().to_string();
        assert!(err.contains(&format!("thematic.toml:{line}:")), "{err}");
        assert!(err.contains("months_in_role"), "{err}");
        // A misspelt key inside an entry is refused with its line.
        std::fs::write(&p, text.replace("unit = \"months\"", "units = \"months\"")).unwrap();
        let err = StudyConfig::read(&p).unwrap_err().to_string();
        assert!(err.contains("units"), "{err}");
        assert!(err.contains(&format!("thematic.toml:{line}:")), "{err}");
    }

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
