//! Looking up what a command or a request names: a theme (any, or one to code), a
//! transcript, what a memo is about. A miss is a typed [`StudyError`] that carries the
//! closest id, so the command line can give a "did you mean" hint and the server a readable
//! 4xx error, from one check.

use std::path::PathBuf;

use thematic_codebook::{Codebook, Entry, closest};
use thematic_transcript::Transcript;

use crate::error::StudyError;
use crate::memos::MemoAbout;
use crate::study::Study;
use crate::transcripts::parse_file;

/// The coder suggestions (`thematic autocode`) are filed under unless told otherwise; not
/// a person, so left out of [`Study::human_coders`].
pub const SUGGESTION_CODER: &str = "auto";

/// The codebook entry `id`, retired or not, group or not; else
/// [`StudyError::UnknownTheme`] with the closest id of the codebook.
pub fn theme<'a>(book: &'a Codebook, id: &str) -> Result<&'a Entry, StudyError> {
    book.get(id).ok_or_else(|| StudyError::UnknownTheme {
        id: id.to_string(),
        closest: closest(id, book.entries.iter().map(|e| e.id.as_str())).map(str::to_string),
    })
}

/// The theme `id` if it can be coded now; else why not: [`StudyError::RetiredTheme`],
/// [`StudyError::GroupTheme`] (naming the codable themes under it) or
/// [`StudyError::UnknownTheme`] (with the closest codable id).
pub fn codable_theme<'a>(book: &'a Codebook, id: &str) -> Result<&'a Entry, StudyError> {
    match book.get(id) {
        Some(t) if t.retired => Err(StudyError::RetiredTheme { id: id.to_string() }),
        Some(t) if !t.codable => Err(StudyError::GroupTheme {
            id: t.id.clone(),
            label: t.label.clone(),
            children: book
                .children(&t.id)
                .filter(|c| c.codable && !c.retired)
                .map(|c| c.id.clone())
                .collect(),
        }),
        Some(t) => Ok(t),
        None => Err(StudyError::UnknownTheme {
            id: id.to_string(),
            closest: closest(id, book.codable().map(|e| e.id.as_str())).map(str::to_string),
        }),
    }
}

impl Study {
    /// The stored file of transcript `id`; else [`StudyError::UnknownTranscript`] with the
    /// closest id of the study.
    pub fn transcript_path(&self, id: &str) -> Result<PathBuf, StudyError> {
        if let Some(path) = self.transcript_file(id)? {
            return Ok(path);
        }
        let files = self.transcript_files()?;
        Err(StudyError::UnknownTranscript {
            id: id.to_string(),
            closest: closest(id, files.iter().map(|(t, _)| t.as_str())).map(str::to_string),
        })
    }

    /// Reads and parses transcript `id`: [`StudyError::UnknownTranscript`] for an id the
    /// study does not have, [`StudyError::Unparsable`] for a file that does not parse.
    pub fn transcript(&self, id: &str) -> Result<Transcript, StudyError> {
        let path = self.transcript_path(id)?;
        parse_file(&path, &self.parse_options())
    }

    /// Checks that what a memo of `coder` is about exists: a theme of the codebook (retired
    /// and groups too), a transcript of the study, or one of `coder`'s codings.
    pub fn check_memo_about(&self, coder: &str, about: &MemoAbout) -> Result<(), StudyError> {
        match about {
            MemoAbout::Journal => {}
            MemoAbout::Theme(id) => {
                theme(&self.codebook()?, id)?;
            }
            MemoAbout::Transcript(id) => {
                self.transcript_path(id)?;
            }
            MemoAbout::Coding(id) => {
                if !self.codings_of(coder)?.codings.iter().any(|c| c.id == *id) {
                    return Err(StudyError::UnknownCoding {
                        coder: coder.to_string(),
                        id: id.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The coders with codings, in natural order, without [`SUGGESTION_CODER`]: the people
    /// compared, pooled or offered by default.
    pub fn human_coders(&self) -> Result<Vec<String>, StudyError> {
        let mut coders = self.coders()?;
        coders.retain(|c| c != SUGGESTION_CODER);
        Ok(coders)
    }

    /// `coder` if they have codings in the study, else [`StudyError::UnknownCoder`] (with
    /// the closest coder and the list).
    pub fn check_coder(&self, coder: &str) -> Result<(), StudyError> {
        let coders = self.coders()?;
        if coders.iter().any(|c| c == coder) {
            return Ok(());
        }
        Err(StudyError::unknown_coder(coder, &coders))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::study::InitOptions;

    /// The shipped codebook, with one retired theme added.
    fn book() -> Codebook {
        let text = format!(
            "{}\n[[theme]]\nid = \"old-idea\"\nlabel = \"Old idea\"\nretired = true\n",
            crate::testing::MECHANISMS
        );
        Codebook::from_toml(&text, "m.toml").unwrap()
    }

    #[test]
    fn a_theme_to_code_must_be_known_current_and_codable() {
        let book = book();
        assert_eq!(
            codable_theme(&book, "what-matters").unwrap().id,
            "what-matters"
        );
        match codable_theme(&book, "what-mattrs").unwrap_err() {
            StudyError::UnknownTheme { id, closest } => {
                assert_eq!(id, "what-mattrs");
                assert_eq!(closest.as_deref(), Some("what-matters"));
            }
            e => panic!("{e}"),
        }
        let e = codable_theme(&book, "the-approach").unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"The approach\" is a group and cannot be coded (codable = false)"
        );
        match e {
            StudyError::GroupTheme { children, .. } => {
                assert_eq!(
                    children,
                    ["solution-building", "goal-orientation", "what-matters"]
                );
            }
            e => panic!("{e}"),
        }
        let e = codable_theme(&book, "old-idea").unwrap_err();
        assert!(matches!(e, StudyError::RetiredTheme { .. }), "{e}");
        assert_eq!(e.to_string(), "theme \"old-idea\" is retired");
        // A retired theme is never suggested for coding, but a memo may be about it.
        match codable_theme(&book, "old-ide").unwrap_err() {
            StudyError::UnknownTheme { closest, .. } => assert_eq!(closest, None),
            e => panic!("{e}"),
        }
        assert_eq!(theme(&book, "old-idea").unwrap().id, "old-idea");
        assert_eq!(theme(&book, "the-approach").unwrap().id, "the-approach");
        match theme(&book, "old-ide").unwrap_err() {
            StudyError::UnknownTheme { closest, .. } => {
                assert_eq!(closest.as_deref(), Some("old-idea"));
            }
            e => panic!("{e}"),
        }
    }

    #[test]
    fn transcripts_and_memo_targets_are_looked_up_with_the_closest_id() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &InitOptions::new("S")).unwrap();
        std::fs::write(
            study.transcripts_dir().join("P6.txt"),
            "Interviewer: How was it?\nP6: Good.\n",
        )
        .unwrap();
        std::fs::write(study.transcripts_dir().join("P7.json"), "{ not json").unwrap();
        let t = study.transcript("P6").unwrap();
        assert_eq!(t.turns.len(), 2);
        match study.transcript("P66").unwrap_err() {
            StudyError::UnknownTranscript { id, closest } => {
                assert_eq!(id, "P66");
                assert_eq!(closest.as_deref(), Some("P6"));
            }
            e => panic!("{e}"),
        }
        let e = study.transcript("P7").unwrap_err();
        assert!(matches!(e, StudyError::Unparsable { .. }), "{e}");
        assert!(e.to_string().contains("P7.json: "), "{e}");

        study
            .check_memo_about("KW", &MemoAbout::Transcript("P6".into()))
            .unwrap();
        study.check_memo_about("KW", &MemoAbout::Journal).unwrap();
        let e = study
            .check_memo_about("KW", &MemoAbout::Transcript("P8".into()))
            .unwrap_err();
        assert!(matches!(e, StudyError::UnknownTranscript { .. }), "{e}");
        let e = study
            .check_memo_about("KW", &MemoAbout::Coding("c-1".into()))
            .unwrap_err();
        assert_eq!(e.to_string(), "KW has no coding \"c-1\"");
        let e = study
            .check_memo_about("KW", &MemoAbout::Theme("no-such-theme".into()))
            .unwrap_err();
        assert!(matches!(e, StudyError::UnknownTheme { .. }), "{e}");
    }
}
