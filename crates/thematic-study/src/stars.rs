//! Illustrative extracts the author has starred for a theme (phase 5 of reflexive thematic
//! analysis: the extracts that will stand for the theme in the paper):
//! `stars/<author>.csv`, one file per author (the coder who starred, not the coder who
//! coded).
//!
//! Columns: `coder` (whose coding it is), `coding` (its id in `codings/<coder>.csv`),
//! `transcript` (where that coding is, so it is found without reading the coder's whole
//! file), `theme` (the theme or code it illustrates: a candidate theme holding the code,
//! or the code itself) and `when` (RFC 3339 UTC). A star names a coding, so it follows the
//! coding when a transcript correction moves its words; a star whose coding has gone (the
//! coding was removed) is kept in the file and simply matches nothing.
//!
//! The file is small and rows are taken out as well as added, so every change rewrites it
//! whole, atomically, under the file's lock (as `dismissed/` does for its appends), and is
//! logged in `changelog.csv` as `star` or `unstar`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thematic_codebook::{Codebook, Entry};

use crate::codings::Coding;
use crate::csvlog::{read_whole_file, whole_file};
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;

/// The folder of the star files, in the study root.
pub const STARS_DIR: &str = "stars";

/// The columns of a star file.
pub const STAR_COLUMNS: [&str; 5] = ["coder", "coding", "transcript", "theme", "when"];

/// One extract starred for a theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Star {
    /// Who starred it (the file's name; not a column).
    #[serde(skip)]
    pub by: String,
    /// Whose coding it is.
    pub coder: String,
    /// The coding's id.
    pub coding: String,
    /// The transcript the coding is in.
    pub transcript: String,
    /// The theme (or code) it illustrates.
    pub theme: String,
    /// When it was starred, RFC 3339 UTC.
    pub when: String,
}

impl Star {
    /// The same coding starred for the same theme.
    fn same(&self, coder: &str, coding: &str, theme: &str) -> bool {
        (
            self.coder.as_str(),
            self.coding.as_str(),
            self.theme.as_str(),
        ) == (coder, coding, theme)
    }
}

/// The current codes that sit in theme `id`, in tree order without repeats: `id` itself
/// when it is a code, the codes below it, and the codes that also sit in it (an entry
/// naming it, or a theme below it, in `also_in`) with the codes below them. Retired entries
/// are left out; an unknown id has none.
pub fn theme_codes<'a>(book: &'a Codebook, id: &str) -> Vec<&'a Entry> {
    let mut holders: Vec<&str> = book
        .subtree(id)
        .into_iter()
        .filter(|e| !e.retired)
        .map(|e| e.id.as_str())
        .collect();
    let also: Vec<&str> = book
        .entries
        .iter()
        .filter(|e| !e.retired && e.also_in.iter().any(|a| holders.contains(&a.as_str())))
        .map(|e| e.id.as_str())
        .collect();
    for a in also {
        holders.extend(
            book.subtree(a)
                .into_iter()
                .filter(|e| !e.retired)
                .map(|e| e.id.as_str()),
        );
    }
    book.tree_order()
        .into_iter()
        .filter(|e| e.codable && !e.retired && holders.contains(&e.id.as_str()))
        .collect()
}

impl Study {
    /// `stars/` in the study root.
    pub fn stars_dir(&self) -> PathBuf {
        self.root().join(STARS_DIR)
    }

    /// `stars/<who>.csv`; an invalid name is an error, as for codings.
    pub fn stars_path(&self, who: &str) -> Result<PathBuf, StudyError> {
        let codings = self.codings_path(who)?; // validates the name
        let name = codings.file_name().unwrap_or_default();
        Ok(self.stars_dir().join(name))
    }

    /// `who` stars `coder`'s coding `coding_id` as an illustrative extract of `theme`
    /// (see [`Study::star_coding`]). Reads `coder`'s codings to find it; an id that is not
    /// there is [`StudyError::UnknownCoding`].
    pub fn star(
        &self,
        who: &str,
        coder: &str,
        coding_id: &str,
        theme: &str,
    ) -> Result<bool, StudyError> {
        let coding = self.find_coding(coder, coding_id)?;
        self.star_coding(who, &coding, theme)
    }

    /// `who` stars `coding` (as read from its coder's file) as an illustrative extract of
    /// `theme`, which must be current and hold the coding's code ([`theme_codes`]); logs
    /// `star`. Returns `false`, writing nothing, when `who` had starred it for that theme
    /// already.
    pub fn star_coding(&self, who: &str, coding: &Coding, theme: &str) -> Result<bool, StudyError> {
        let path = self.stars_path(who)?;
        let book = self.codebook()?;
        let entry = crate::theme(&book, theme)?;
        if entry.retired {
            return Err(StudyError::RetiredTheme {
                id: theme.to_string(),
            });
        }
        if !theme_codes(&book, theme)
            .iter()
            .any(|e| e.id == coding.theme)
        {
            return Err(StudyError::invalid(
                &path,
                0,
                format!(
                    "coding {} is coded \"{}\", which is not in theme \"{theme}\"; star it for \
                     a theme that holds its code",
                    coding.id, coding.theme
                ),
            ));
        }
        if !coding.is_anchored() {
            return Err(StudyError::invalid(
                &path,
                0,
                format!(
                    "coding {} is {}: its words are not in the transcript any more, so it \
                     cannot be quoted; resolve it first (`thematic check`)",
                    coding.id,
                    coding.status.as_str()
                ),
            ));
        }
        let star = Star {
            by: who.to_string(),
            coder: coding.coder.clone(),
            coding: coding.id.clone(),
            transcript: coding.transcript.clone(),
            theme: theme.to_string(),
            when: crate::now_rfc3339(),
        };
        let added = self.change_stars(who, |stars| {
            if stars
                .iter()
                .any(|s| s.same(&star.coder, &star.coding, theme))
            {
                return false;
            }
            stars.push(star.clone());
            true
        })?;
        if added {
            self.log_change(
                who,
                "star",
                theme,
                &format!("{} by {}", coding.log_detail(), coding.coder),
            )?;
        }
        Ok(added)
    }

    /// `who` takes the star off `coder`'s coding `coding_id` for `theme` (for every theme
    /// when `None`); logs `unstar`. Returns how many stars were taken off (0: nothing was
    /// written).
    pub fn unstar(
        &self,
        who: &str,
        coder: &str,
        coding_id: &str,
        theme: Option<&str>,
    ) -> Result<usize, StudyError> {
        let mut gone: Vec<Star> = Vec::new();
        self.change_stars(who, |stars| {
            let (out, keep): (Vec<Star>, Vec<Star>) =
                std::mem::take(stars).into_iter().partition(|s| {
                    s.coder == coder && s.coding == coding_id && theme.is_none_or(|t| s.theme == t)
                });
            *stars = keep;
            gone = out;
            !gone.is_empty()
        })?;
        for s in &gone {
            self.log_change(
                who,
                "unstar",
                &s.theme,
                &format!("{} {} by {}", s.coding, s.transcript, s.coder),
            )?;
        }
        Ok(gone.len())
    }

    /// The stars of `who`, in file order (none when the file does not exist).
    pub fn stars_of(&self, who: &str) -> Result<Vec<Star>, StudyError> {
        let path = self.stars_path(who)?;
        read_stars(&path, who)
    }

    /// Every author's stars: authors in natural order, each author's in file order.
    pub fn all_stars(&self) -> Result<Vec<Star>, StudyError> {
        let mut out = Vec::new();
        for who in crate::store::coder_files(&self.stars_dir(), "csv")? {
            out.extend(self.stars_of(&who)?);
        }
        Ok(out)
    }

    /// Reads `who`'s stars, lets `change` edit them, and writes them back atomically when it
    /// says it changed something, all under the file's lock. Returns what `change` said.
    fn change_stars(
        &self,
        who: &str,
        change: impl FnOnce(&mut Vec<Star>) -> bool,
    ) -> Result<bool, StudyError> {
        let path = self.stars_path(who)?;
        std::fs::create_dir_all(self.stars_dir())
            .map_err(|e| StudyError::io(self.stars_dir(), e))?;
        let _lock = FileLock::acquire(&path)?;
        let mut stars = read_stars(&path, who)?;
        if !change(&mut stars) {
            return Ok(false);
        }
        atomic_write(&path, &whole_file(&path, &STAR_COLUMNS, &stars)?)?;
        Ok(true)
    }

    /// `coder`'s coding `id`, read from their file.
    fn find_coding(&self, coder: &str, id: &str) -> Result<Coding, StudyError> {
        self.codings_of(coder)?
            .codings
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StudyError::UnknownCoding {
                coder: coder.to_string(),
                id: id.to_string(),
            })
    }
}

/// The stars of `who` in the star file at `path`. The file is only ever replaced whole,
/// so a torn row can only come from a hand edit: an error naming its line.
fn read_stars(path: &Path, who: &str) -> Result<Vec<Star>, StudyError> {
    let mut rows = read_whole_file(path, &STAR_COLUMNS, |s: &Star| {
        s.when.parse::<jiff::Timestamp>().is_ok()
    })?;
    for s in &mut rows {
        s.by = who.to_string();
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "Interviewer: Hello?\nP1: The allotment keeps me going. I set myself goals.\n";

    fn study() -> (tempfile::TempDir, Study, Coding) {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), crate::testing::MECHANISMS_FILE);
        std::fs::write(study.transcripts_dir().join("P1.txt"), P1).unwrap();
        // "The allotment keeps me going." is code points 24..53 of P1.
        let coding = Coding {
            id: "c-000000000001".into(),
            coder: "KW".into(),
            transcript: "P1".into(),
            turn: 2,
            start: 24,
            end: 53,
            theme: "what-matters".into(),
            text: "The allotment keeps me going.".into(),
            created: crate::now_rfc3339(),
            ..Coding::default()
        };
        study.add_coding(&coding).unwrap();
        (dir, study, coding)
    }

    #[test]
    fn a_star_is_written_read_back_logged_and_taken_off() {
        let (_dir, study, coding) = study();
        assert!(study.all_stars().unwrap().is_empty());
        // what-matters sits under the-approach: a star for the code and one for the theme.
        assert!(study.star("AB", "KW", &coding.id, "the-approach").unwrap());
        assert!(study.star("AB", "KW", &coding.id, "what-matters").unwrap());
        assert!(
            !study.star("AB", "KW", &coding.id, "the-approach").unwrap(),
            "once only"
        );
        let path = study.stars_path("AB").unwrap();
        assert_eq!(path, study.root().join("stars/AB.csv"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(
                "coder,coding,transcript,theme,when\nKW,c-000000000001,P1,the-approach,"
            ),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3);
        let mine = study.stars_of("AB").unwrap();
        assert_eq!(mine.len(), 2);
        assert_eq!((mine[0].by.as_str(), mine[0].coder.as_str()), ("AB", "KW"));
        assert!(study.stars_of("KW").unwrap().is_empty());
        // Another author's star: all_stars lists authors in natural order.
        assert!(study.star("A2", "KW", &coding.id, "what-matters").unwrap());
        let by: Vec<String> = study
            .all_stars()
            .unwrap()
            .into_iter()
            .map(|s| format!("{}:{}", s.by, s.theme))
            .collect();
        assert_eq!(
            by,
            ["A2:what-matters", "AB:the-approach", "AB:what-matters"]
        );
        // Taken off for one theme, then for every theme.
        assert_eq!(
            study
                .unstar("AB", "KW", &coding.id, Some("the-approach"))
                .unwrap(),
            1
        );
        assert_eq!(study.stars_of("AB").unwrap().len(), 1);
        assert_eq!(study.unstar("AB", "KW", &coding.id, None).unwrap(), 1);
        assert_eq!(study.unstar("AB", "KW", &coding.id, None).unwrap(), 0);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "coder,coding,transcript,theme,when\n"
        );
        let actions: Vec<(String, String, String)> = study
            .changes()
            .unwrap()
            .into_iter()
            .filter(|c| c.action.contains("star"))
            .map(|c| (c.who, c.action, c.theme))
            .collect();
        let want = [
            ("AB", "star", "the-approach"),
            ("AB", "star", "what-matters"),
            ("A2", "star", "what-matters"),
            ("AB", "unstar", "the-approach"),
            ("AB", "unstar", "what-matters"),
        ];
        assert_eq!(
            actions,
            want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        );
    }

    #[test]
    fn a_star_needs_a_known_coding_in_a_theme_that_holds_its_code() {
        let (_dir, study, coding) = study();
        assert!(matches!(
            study.star("AB", "KW", "c-nope", "what-matters"),
            Err(StudyError::UnknownCoding { .. })
        ));
        assert!(matches!(
            study.star("AB", "KW", &coding.id, "what-maters"),
            Err(StudyError::UnknownTheme { .. })
        ));
        // patients-role does not hold what-matters.
        let e = study
            .star("AB", "KW", &coding.id, "patients-role")
            .unwrap_err();
        assert!(
            e.to_string().contains("not in theme \"patients-role\""),
            "{e}"
        );
        assert!(
            study
                .star("../AB", "KW", &coding.id, "what-matters")
                .is_err()
        );
        assert!(!study.stars_dir().join("AB.csv").exists());
    }

    #[test]
    fn a_theme_holds_its_subtree_and_the_codes_that_also_sit_in_it() {
        let mut book = crate::testing::mechanisms();
        let ids = |book: &Codebook, t: &str| -> Vec<String> {
            theme_codes(book, t)
                .into_iter()
                .map(|e| e.id.clone())
                .collect()
        };
        assert_eq!(
            ids(&book, "the-approach"),
            ["solution-building", "goal-orientation", "what-matters"]
        );
        assert_eq!(ids(&book, "what-matters"), ["what-matters"]);
        assert!(ids(&book, "no-such-theme").is_empty());
        // empowerment also sits in the-approach; goal-orientation is retired.
        for e in &mut book.entries {
            if e.id == "empowerment" {
                e.also_in = vec!["the-approach".into()];
            }
            if e.id == "goal-orientation" {
                e.retired = true;
            }
        }
        assert_eq!(
            ids(&book, "the-approach"),
            ["empowerment", "solution-building", "what-matters"],
            "tree order: patients-role's codes come before the-approach's"
        );
    }
}
