//! The anonymisation key: what `thematic anonymise apply` replaced, kept *outside* the
//! study.
//!
//! The key folder (by default `<study's parent>/<study folder>-anonymisation-key/`, beside
//! the study, never in it) holds:
//!
//! | file | what |
//! |---|---|
//! | `key.csv` | `term,kind,replacement,label`: each original and what it became (`label`: the form written in speaker labels and header lines, without brackets) |
//! | `log.csv` | `when,who,file,transcript,offset,line,before,after`: every change, one row each (`offset`: code point in the transcript's text before that apply) |
//! | `originals/` | the transcript files as they were, only with `--keep-originals` |
//! | `README.txt` | what the folder is and that it must be kept apart from the study |
//!
//! Each apply adds to the key and the log; an original already kept is never overwritten
//! (the first is the true original). A key folder inside the study is refused unless the
//! researcher asks for it explicitly: a study folder is shared, kept in git and exported,
//! and the key undoes the anonymisation.

use std::path::{Component, Path, PathBuf};

use crate::anonymise_guard::AcceptedTerm;
use crate::error::StudyError;
use crate::fsutil::atomic_write;
use crate::study::Study;

/// The columns of `key.csv`.
pub const KEY_COLUMNS: [&str; 4] = ["term", "kind", "replacement", "label"];
/// The columns of `log.csv`.
pub const LOG_COLUMNS: [&str; 8] = [
    "when",
    "who",
    "file",
    "transcript",
    "offset",
    "line",
    "before",
    "after",
];

/// One change, as `log.csv` records it and `--dry-run` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLogRow {
    /// The file changed, relative to the study (`transcripts/P6.txt`, `participants.csv`).
    pub file: String,
    /// The transcript id, for a transcript.
    pub transcript: String,
    /// Code point in the transcript's text before the apply (0 for other files).
    pub offset: usize,
    /// 1-based line in that text or file (0 when the text is not the file's own).
    pub line: usize,
    /// The words as they were.
    pub before: String,
    /// What they became.
    pub after: String,
}

/// `<study's parent>/<study folder name>-anonymisation-key`.
pub fn default_key_dir(study: &Study) -> PathBuf {
    let root = std::path::absolute(study.root()).unwrap_or_else(|_| study.root().to_path_buf());
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "study".into());
    let parent = root.parent().unwrap_or(Path::new("/"));
    parent.join(format!("{name}-anonymisation-key"))
}

/// The key folder to write: `asked` (relative to the working directory) or the default.
/// One inside the study is refused unless `inside_ok`.
pub(crate) fn resolve_key_dir(
    study: &Study,
    asked: Option<&Path>,
    inside_ok: bool,
) -> Result<PathBuf, StudyError> {
    let dir = match asked {
        Some(p) => std::path::absolute(p).map_err(|e| StudyError::io(p, e))?,
        None => default_key_dir(study),
    };
    let dir = normalize(&dir);
    let root = real(&normalize(
        &std::path::absolute(study.root()).unwrap_or_else(|_| study.root().to_path_buf()),
    ));
    if real(&dir).starts_with(&root) && !inside_ok {
        return Err(StudyError::invalid(
            &dir,
            0,
            "the anonymisation key would be written inside the study, where it would be \
             shared, committed and exported with it, and undo the anonymisation; choose a \
             folder outside the study with --key DIR (the default is beside the study), or \
             add --key-inside-study if you really mean it; nothing was changed",
        ));
    }
    Ok(dir)
}

/// `p` without `.` and with `..` taken back, lexically.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `p` with its longest existing ancestor's symbolic links resolved, so a key folder
/// reached through a link into the study is still seen to be inside it.
fn real(p: &Path) -> PathBuf {
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    let mut at = p;
    loop {
        if let Ok(r) = std::fs::canonicalize(at) {
            let mut r = r;
            for part in rest.iter().rev() {
                r.push(part);
            }
            return r;
        }
        match (at.file_name(), at.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                at = parent;
            }
            _ => return p.to_path_buf(),
        }
    }
}

/// Writes the key folder's files.
pub(crate) struct KeyFolder {
    dir: PathBuf,
}

impl KeyFolder {
    /// Creates `dir` (and its README) if needed.
    pub(crate) fn open(dir: PathBuf) -> Result<KeyFolder, StudyError> {
        std::fs::create_dir_all(&dir).map_err(|e| StudyError::io(&dir, e))?;
        let readme = dir.join("README.txt");
        if !readme.exists() {
            atomic_write(&readme, README.as_bytes())?;
        }
        Ok(KeyFolder { dir })
    }

    /// Adds `terms` to `key.csv`: a term already there (in any case and spacing, as the
    /// matcher compares terms) gets its kind and
    /// replacement updated in place; new terms go at the end, in the order given.
    pub(crate) fn write_key(&self, terms: &[AcceptedTerm]) -> Result<(), StudyError> {
        let path = self.dir.join("key.csv");
        let mut rows: Vec<[String; 4]> = Vec::new();
        match std::fs::read(&path) {
            Ok(bytes) => {
                let mut r = csv::ReaderBuilder::new()
                    .flexible(true)
                    .from_reader(bytes.as_slice());
                for rec in r.records() {
                    let rec = rec.map_err(|e| {
                        StudyError::invalid(&path, 0, format!("{e}; fix or move the file"))
                    })?;
                    let cell = |i: usize| rec.get(i).unwrap_or("").to_string();
                    rows.push([cell(0), cell(1), cell(2), cell(3)]);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StudyError::io(&path, e)),
        }
        for t in terms {
            let row = [
                t.term.clone(),
                t.kind.clone(),
                t.replacement.clone(),
                t.label_form(),
            ];
            match rows.iter_mut().find(|r| {
                thematic_anonymise::fold_term(&r[0]) == thematic_anonymise::fold_term(&t.term)
            }) {
                Some(r) => *r = row,
                None => rows.push(row),
            }
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| StudyError::invalid(&path, 0, e.to_string());
        w.write_record(KEY_COLUMNS).map_err(io)?;
        for r in &rows {
            w.write_record(r).map_err(io)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
        atomic_write(&path, &bytes)
    }

    /// Appends `rows` to `log.csv` (its header first when new), stamped `when` and `who`.
    pub(crate) fn append_log(
        &self,
        when: &str,
        who: &str,
        rows: &[KeyLogRow],
    ) -> Result<(), StudyError> {
        use std::io::Write as _;
        if rows.is_empty() {
            return Ok(());
        }
        let path = self.dir.join("log.csv");
        let new = !path.exists();
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| StudyError::invalid(&path, 0, e.to_string());
        if new {
            w.write_record(LOG_COLUMNS).map_err(io)?;
        }
        for r in rows {
            w.write_record([
                when,
                who,
                &r.file,
                &r.transcript,
                &r.offset.to_string(),
                &r.line.to_string(),
                &r.before,
                &r.after,
            ])
            .map_err(io)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| StudyError::io(&path, e))?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| StudyError::io(&path, e))
    }

    /// Copies `file` into `originals/` under its own name, unless a file of that name is
    /// already there (the first original is kept).
    pub(crate) fn keep_original(&self, file: &Path) -> Result<(), StudyError> {
        let dir = self.dir.join("originals");
        std::fs::create_dir_all(&dir).map_err(|e| StudyError::io(&dir, e))?;
        let target = dir.join(file.file_name().unwrap_or_default());
        if target.exists() {
            return Ok(());
        }
        let bytes = std::fs::read(file).map_err(|e| StudyError::io(file, e))?;
        atomic_write(&target, &bytes)
    }
}

const README: &str = "\
This folder is the anonymisation key of a thematic study: it undoes the anonymisation.

key.csv     each original term, its kind, and what it was replaced with
log.csv     every change thematic anonymise apply made: when, who, file, position,
            the words before and after
originals/  the transcripts as they were (only when apply was given --keep-originals)

Keep it apart from the study: not in the study folder, not in its git repository, not in
anything you share or deposit. Store it as your ethics approval and data management plan
say (encrypted, access-controlled), and destroy it when they say.
";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_default_key_sits_beside_the_study_and_a_key_inside_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(&dir.path().join("pilot"), &crate::InitOptions::new("t")).unwrap();
        let key = resolve_key_dir(&study, None, false).unwrap();
        assert_eq!(key.file_name().unwrap(), "pilot-anonymisation-key");
        assert_eq!(
            std::fs::canonicalize(key.parent().unwrap()).unwrap(),
            std::fs::canonicalize(dir.path()).unwrap()
        );
        let inside = dir.path().join("pilot/keys");
        let e = resolve_key_dir(&study, Some(&inside), false).unwrap_err();
        assert!(e.to_string().contains("--key-inside-study"), "{e}");
        // `..` that leads back in is still inside.
        let sneaky = dir.path().join("elsewhere/../pilot/k");
        assert!(resolve_key_dir(&study, Some(&sneaky), false).is_err());
        assert!(resolve_key_dir(&study, Some(&inside), true).is_ok());
    }

    #[test]
    fn the_key_is_merged_and_the_log_appended() {
        let dir = tempfile::tempdir().unwrap();
        let k = KeyFolder::open(dir.path().join("k")).unwrap();
        let t = |term: &str, r: &str| AcceptedTerm {
            term: term.into(),
            kind: "name".into(),
            replacement: r.into(),
        };
        k.write_key(&[t("Ann", "[Name 1]"), t("Bob", "[Name 2]")])
            .unwrap();
        k.write_key(&[t("bob", "[Name 9]"), t("Cy", "[Name 3]")])
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("k/key.csv")).unwrap(),
            "term,kind,replacement,label\nAnn,name,[Name 1],Name 1\n\
             bob,name,[Name 9],Name 9\nCy,name,[Name 3],Name 3\n"
        );
        let row = KeyLogRow {
            file: "transcripts/P1.txt".into(),
            transcript: "P1".into(),
            offset: 7,
            line: 2,
            before: "Ann".into(),
            after: "[Name 1]".into(),
        };
        k.append_log("2026-01-01T00:00:00Z", "KW", std::slice::from_ref(&row))
            .unwrap();
        k.append_log("2026-01-02T00:00:00Z", "KW", &[row]).unwrap();
        let log = std::fs::read_to_string(dir.path().join("k/log.csv")).unwrap();
        assert_eq!(log.lines().count(), 3, "{log}");
        assert!(log.starts_with("when,who,file,transcript,offset,line,before,after\n"));
        assert!(dir.path().join("k/README.txt").exists());
    }
}
