//! Versions of the thematic map: named, dated copies of the codebook's structure, so the
//! history of the themes can be told (Braun & Clarke print three successive maps; Shenton's
//! dependability asks for the trail).
//!
//! A version is a folder `versions/<NN>-<slug>/` holding two plain files:
//!
//! - `codebook.toml`: the study's codebook file as it was, byte for byte;
//! - `version.toml`: its name, note, when and by whom it was recorded, the codebook file it
//!   was copied from, and the codings per entry (all coders) at that moment, so a diff of
//!   two old versions counts the extracts each change touched then.
//!
//! `NN` numbers the versions in the order they were recorded, so a folder listing (and
//! git) shows them in order. A version is written into a temporary folder and renamed into
//! place under the lock of `versions/`, so it is there whole or not at all, and two coders
//! recording at once get two numbers. Recording is logged as `snapshot` in the change log.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thematic_codebook::{Codebook, StructureChange, slugify};

use crate::error::StudyError;
use crate::fsutil::FileLock;
use crate::study::Study;

/// The folder of versions, relative to the study.
pub const VERSIONS_DIR: &str = "versions";

/// What `version.toml` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionInfo {
    /// The name given.
    pub name: String,
    /// The note given (may be empty).
    #[serde(default)]
    pub note: String,
    /// When it was recorded, RFC 3339 UTC.
    pub recorded: String,
    /// Who recorded it.
    pub coder: String,
    /// The codebook file it copies, relative to the study.
    pub codebook: String,
    /// Codings per entry id (all coders) when it was recorded.
    #[serde(default)]
    pub extracts: BTreeMap<String, usize>,
    /// The folder's name (`NN-slug`), not stored.
    #[serde(skip)]
    pub folder: String,
}

/// A version with its structure.
#[derive(Debug, Clone)]
pub struct Version {
    /// What `version.toml` says.
    pub info: VersionInfo,
    /// The codebook as it was.
    pub codebook: Codebook,
    /// Its text, byte for byte.
    pub text: String,
}

/// The name [`Study::version`] gives the structure as it is now.
pub const CURRENT: &str = "current";

impl Study {
    /// The folder of versions.
    pub fn versions_dir(&self) -> PathBuf {
        self.root().join(VERSIONS_DIR)
    }

    /// Records the codebook's structure now as a version named `name` with `note`. Refused
    /// when a version of that name (or slug) exists, or the name is empty or `current`.
    pub fn snapshot(&self, name: &str, note: &str, who: &str) -> Result<VersionInfo, StudyError> {
        let book_path = self.codebook_path();
        let text = {
            let _book = FileLock::acquire(&book_path)?;
            std::fs::read_to_string(&book_path).map_err(|e| StudyError::io(&book_path, e))?
        };
        self.record_version(name, note, who, &text)
    }

    /// Records `text`, a codebook, as a version named `name` (as [`Study::snapshot`] does
    /// with the study's codebook): for a structure reconstructed from notes or another
    /// file, such as an earlier candidate map drawn on paper. It must load as a codebook.
    pub fn record_version(
        &self,
        name: &str,
        note: &str,
        who: &str,
        text: &str,
    ) -> Result<VersionInfo, StudyError> {
        let name = name.trim();
        let slug = slugify(name);
        let dir = self.versions_dir();
        if name.is_empty() || slug.is_empty() {
            return Err(StudyError::invalid(
                &dir,
                0,
                "a version needs a name with letters or digits, e.g. \"candidate themes\"",
            ));
        }
        if slug == CURRENT {
            return Err(StudyError::invalid(
                &dir,
                0,
                "\"current\" names the structure as it is now; choose another name",
            ));
        }
        std::fs::create_dir_all(&dir).map_err(|e| StudyError::io(&dir, e))?;
        let _lock = FileLock::acquire(&dir)?;
        let existing = self.versions()?;
        if let Some(v) = existing
            .iter()
            .find(|v| slugify(&v.name) == slug || v.name.eq_ignore_ascii_case(name))
        {
            return Err(StudyError::invalid(
                dir.join(&v.folder),
                0,
                format!(
                    "a version named \"{}\" was recorded {} by {}; choose another name",
                    v.name, v.recorded, v.coder
                ),
            ));
        }
        let book_path = self.codebook_path();
        // It must load: a version is a structure someone can draw and diff.
        Codebook::from_toml(text, &format!("version \"{name}\""))?;
        let mut extracts: BTreeMap<String, usize> = BTreeMap::new();
        for f in self.all_codings()? {
            for c in &f.codings {
                *extracts.entry(c.theme.clone()).or_default() += 1;
            }
        }
        let number = existing
            .iter()
            .filter_map(|v| v.folder.split('-').next()?.parse::<usize>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let folder = format!("{number:02}-{slug}");
        let info = VersionInfo {
            name: name.to_string(),
            note: note.trim().to_string(),
            recorded: crate::changelog::now_rfc3339(),
            coder: who.to_string(),
            codebook: self.shown(&book_path),
            extracts,
            folder: folder.clone(),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".thematic-tmp-")
            .tempdir_in(&dir)
            .map_err(|e| StudyError::io(&dir, e))?;
        let header = "# A version of the thematic map, recorded by `thematic codebook snapshot`.\n\
                      # The structure is codebook.toml beside this file: the study's codebook as it was.\n";
        let body = toml::to_string(&info).map_err(|e| {
            StudyError::invalid(
                dir.join(&folder),
                0,
                format!("cannot write the version: {e}"),
            )
        })?;
        write_synced(
            &tmp.path().join("version.toml"),
            format!("{header}{body}").as_bytes(),
        )?;
        write_synced(&tmp.path().join("codebook.toml"), text.as_bytes())?;
        let target = dir.join(&folder);
        let kept = tmp.keep();
        std::fs::rename(&kept, &target).map_err(|e| {
            let _ = std::fs::remove_dir_all(&kept);
            StudyError::io(&target, e)
        })?;
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        let detail = if info.note.is_empty() {
            format!("recorded version \"{name}\" ({folder})")
        } else {
            format!("recorded version \"{name}\" ({folder}): {}", info.note)
        };
        self.log_change(who, "snapshot", "", &detail)?;
        Ok(info)
    }

    /// The versions recorded, oldest first. A folder without a readable `version.toml` is
    /// an error naming it.
    pub fn versions(&self) -> Result<Vec<VersionInfo>, StudyError> {
        let dir = self.versions_dir();
        let read = match std::fs::read_dir(&dir) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StudyError::io(&dir, e)),
        };
        let mut out = Vec::new();
        for entry in read {
            let entry = entry.map_err(|e| StudyError::io(&dir, e))?;
            let folder = entry.file_name().to_string_lossy().into_owned();
            if folder.starts_with('.') || !entry.path().is_dir() {
                continue;
            }
            out.push(read_info(&entry.path(), &folder)?);
        }
        out.sort_by(|a, b| a.folder.cmp(&b.folder));
        Ok(out)
    }

    /// The version called `name`: its name, its folder (`02-final`), its number (`2`), or
    /// `current` for the structure as it is now. An unknown name is an error listing the
    /// versions there are.
    pub fn version(&self, name: &str) -> Result<Version, StudyError> {
        let name = name.trim();
        if name.eq_ignore_ascii_case(CURRENT) {
            let path = self.codebook_path();
            let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
            let codebook = Codebook::from_toml(&text, &self.shown(&path))?;
            let mut extracts: BTreeMap<String, usize> = BTreeMap::new();
            for f in self.all_codings()? {
                for c in &f.codings {
                    *extracts.entry(c.theme.clone()).or_default() += 1;
                }
            }
            let info = VersionInfo {
                name: CURRENT.into(),
                note: String::new(),
                recorded: crate::changelog::now_rfc3339(),
                coder: String::new(),
                codebook: self.shown(&path),
                extracts,
                folder: String::new(),
            };
            return Ok(Version {
                info,
                codebook,
                text,
            });
        }
        let all = self.versions()?;
        let slug = slugify(name);
        let found = all.iter().find(|v| {
            v.name.eq_ignore_ascii_case(name)
                || v.folder == name
                || slugify(&v.name) == slug
                || v.folder
                    .split('-')
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    == name.parse::<usize>().ok().filter(|_| !name.is_empty())
        });
        let Some(info) = found.cloned() else {
            let there = if all.is_empty() {
                "no versions are recorded yet (record one with `thematic codebook snapshot NAME`)"
                    .to_string()
            } else {
                format!(
                    "the versions are: {}, and `current`",
                    all.iter()
                        .map(|v| format!("\"{}\"", v.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(StudyError::invalid(
                self.versions_dir(),
                0,
                format!("no version \"{name}\": {there}"),
            ));
        };
        let path = self.versions_dir().join(&info.folder).join("codebook.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
        let codebook = Codebook::from_toml(&text, &self.shown(&path))?;
        Ok(Version {
            info,
            codebook,
            text,
        })
    }

    /// What changed from version `a` to version `b` (either may be `current`), with the
    /// extracts each change touched.
    pub fn version_diff(
        &self,
        a: &str,
        b: &str,
    ) -> Result<(Version, Version, Vec<StructureChange>), StudyError> {
        let va = self.version(a)?;
        let vb = self.version(b)?;
        let changes = thematic_codebook::diff(
            &va.codebook,
            &vb.codebook,
            &va.info.extracts,
            &vb.info.extracts,
        );
        Ok((va, vb, changes))
    }
}

fn read_info(dir: &Path, folder: &str) -> Result<VersionInfo, StudyError> {
    let path = dir.join("version.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
    let mut info: VersionInfo = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].lines().count().max(1)
        });
        StudyError::invalid(&path, line, e.message().to_string())
    })?;
    info.folder = folder.to_string();
    Ok(info)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StudyError> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(|e| StudyError::io(path, e))?;
    f.write_all(bytes).map_err(|e| StudyError::io(path, e))?;
    f.sync_all().map_err(|e| StudyError::io(path, e))
}

#[cfg(test)]
mod tests {
    use crate::codings::{Coding, Status};

    fn coding(id: &str, start: usize) -> Coding {
        Coding {
            id: id.into(),
            coder: "KW".into(),
            transcript: "P6".into(),
            turn: 2,
            start,
            end: start + 5,
            theme: "asking-questions".into(),
            text: "Words".into(),
            memo: String::new(),
            created: "2026-12-07T06:00:00Z".into(),
            status: Status::default(),
        }
    }

    #[test]
    fn a_snapshot_is_listed_read_back_and_diffed() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        study.code(&coding("c-1", 0)).unwrap();
        study.code(&coding("c-2", 10)).unwrap();
        let v = study
            .snapshot("Candidate themes", "before review", "KW")
            .unwrap();
        assert_eq!(v.folder, "01-candidate-themes");
        assert!(
            study
                .versions_dir()
                .join("01-candidate-themes/codebook.toml")
                .is_file()
        );
        // Same name again: refused, nothing written.
        assert!(study.snapshot("candidate themes", "", "KW").is_err());
        study
            .rename_theme("asking-questions", "Asking, not telling", "KW")
            .unwrap();
        let v2 = study.snapshot("Final", "", "KW").unwrap();
        assert_eq!(v2.folder, "02-final");
        let names: Vec<String> = study
            .versions()
            .unwrap()
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(names, ["Candidate themes", "Final"]);
        let (_, _, changes) = study.version_diff("1", "final").unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind_name(), "renamed");
        // The extracts counted are the theme's codings when the version was recorded.
        assert_eq!(changes[0].extracts, 2);
        assert!(study.version_diff("final", "current").unwrap().2.is_empty());
        let err = study.version("nope").unwrap_err().to_string();
        assert!(err.contains("\"Candidate themes\", \"Final\""), "{err}");
        let logged = study.changes().unwrap();
        assert!(logged.iter().any(|c| c.action == "snapshot"
            && c.detail
                == "recorded version \"Candidate themes\" (01-candidate-themes): before review"));
    }
}
