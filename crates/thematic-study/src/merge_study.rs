//! `thematic merge OTHER_STUDY`: bring coders' codings and memos across from a copy of the
//! study, for teams that code on separate copies without git.
//!
//! A merge is a union. Codings and memos the other copy has and this one lacks (by id, or
//! for codings also by the same span and theme) are added; nothing here is removed or
//! changed, so an uncode made only in the other copy is not carried over. A coding with the
//! same id but different content is reported as a conflict and this study's version kept.
//!
//! The merge is refused, with nothing written, when a transcript the incoming codings point
//! into is missing here or its text differs between the copies (offsets would point at
//! other words), or when they use a theme this codebook does not have.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::codings::Coding;
use crate::error::StudyError;
use crate::fsutil::FileLock;
use crate::memos::Memo;
use crate::study::Study;

/// What a merge brought (or, for a dry run, would bring) across.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudyMerge {
    /// Codings added, per coder.
    pub codings: BTreeMap<String, usize>,
    /// Incoming codings already here (same id, or same span and theme), per coder.
    pub already: BTreeMap<String, usize>,
    /// Memos added, per coder.
    pub memos: BTreeMap<String, usize>,
    /// Same id, different content: `(coder, id)`; this study's version was kept.
    pub conflicts: Vec<(String, String)>,
    /// Whether anything was written.
    pub written: bool,
}

impl Study {
    /// Merges `coders` (all of the other study's coders when empty) from `other` into this
    /// study. See the module documentation for the rules.
    pub fn merge_from(
        &self,
        other: &Study,
        coders: &[String],
        who: &str,
        dry_run: bool,
    ) -> Result<StudyMerge, StudyError> {
        let coders: Vec<String> = if coders.is_empty() {
            let mut all: BTreeSet<String> = other.coders()?.into_iter().collect();
            all.extend(other.memo_coders()?);
            all.into_iter().collect()
        } else {
            coders.to_vec()
        };
        let mut incoming: Vec<(String, Vec<Coding>, Vec<Memo>)> = Vec::new();
        for c in &coders {
            let file = other.codings_of(c)?;
            if let Some(torn) = &file.incomplete {
                return Err(StudyError::invalid(
                    other.codings_path(c)?,
                    torn.line,
                    "this file ends with an incomplete row left by an interrupted write; \
                     run `thematic check` in that study (any change by that coder repairs it) and merge again",
                ));
            }
            let memos = other.memos_of(c)?;
            if file.codings.is_empty() && memos.is_empty() && !other.codings_path(c)?.exists() {
                return Err(StudyError::invalid(
                    other.codings_dir(),
                    0,
                    format!("the other study has no codings or memos by \"{c}\""),
                ));
            }
            incoming.push((c.clone(), file.codings, memos));
        }
        self.refuse_differences(other, &incoming)?;

        let mut report = StudyMerge {
            written: !dry_run,
            ..StudyMerge::default()
        };
        // Coders are merged one after another; a merge cut short between two is reported
        // by `thematic check` with this same merge, which adds only what is missing.
        let intent = if dry_run {
            None
        } else {
            let root = std::path::absolute(other.root()).unwrap_or_else(|_| other.root().into());
            let mut finish = vec!["merge".to_string(), root.to_string_lossy().into_owned()];
            for c in &coders {
                finish.extend(["--coder".to_string(), c.clone()]);
            }
            Some(self.begin(crate::Unfinished::new(
                "merge",
                finish,
                who,
                "some coders' codings or memos may not have been brought across yet",
            ))?)
        };
        for (coder, codings, memos) in incoming {
            let path = self.codings_path(&coder)?;
            std::fs::create_dir_all(self.codings_dir())
                .map_err(|e| StudyError::io(self.codings_dir(), e))?;
            let _lock = FileLock::acquire(&path)?;
            let mut here = self.codings_of(&coder)?;
            let ids: BTreeMap<&str, &Coding> =
                here.codings.iter().map(|c| (c.id.as_str(), c)).collect();
            let spans: HashSet<(&str, usize, usize, &str)> = here
                .codings
                .iter()
                .map(|c| (c.transcript.as_str(), c.start, c.end, c.theme.as_str()))
                .collect();
            let mut add = Vec::new();
            for mut c in codings {
                c.coder.clone_from(&coder);
                match ids.get(c.id.as_str()) {
                    Some(&mine) if *mine == c => {
                        *report.already.entry(coder.clone()).or_default() += 1
                    }
                    Some(_) => report.conflicts.push((coder.clone(), c.id.clone())),
                    None if spans.contains(&(
                        c.transcript.as_str(),
                        c.start,
                        c.end,
                        c.theme.as_str(),
                    )) =>
                    {
                        *report.already.entry(coder.clone()).or_default() += 1;
                    }
                    None => add.push(c),
                }
            }
            if !add.is_empty() {
                report.codings.insert(coder.clone(), add.len());
                if !dry_run {
                    here.codings.extend(add);
                    self.rewrite_codings(&here)?;
                }
            }
            let have: HashSet<String> = self.memos_of(&coder)?.into_iter().map(|m| m.id).collect();
            let new_memos: Vec<Memo> = memos
                .into_iter()
                .filter(|m| !have.contains(&m.id))
                .collect();
            if !new_memos.is_empty() {
                report.memos.insert(coder.clone(), new_memos.len());
                if !dry_run {
                    self.append_memos(&coder, &new_memos)?;
                }
            }
        }
        let added: usize = report.codings.values().sum();
        let memos: usize = report.memos.values().sum();
        if !dry_run && added + memos > 0 {
            self.log_change(
                who,
                "merge-study",
                "",
                &format!(
                    "from {}: {added} coding(s) and {memos} memo(s) of {}",
                    other.root().display(),
                    coders.join(", ")
                ),
            )?;
        }
        if let Some(intent) = intent {
            intent.done(self)?;
        }
        Ok(report)
    }

    /// Refuses when an incoming coding's transcript is missing here or reads differently,
    /// or its theme is unknown here.
    fn refuse_differences(
        &self,
        other: &Study,
        incoming: &[(String, Vec<Coding>, Vec<Memo>)],
    ) -> Result<(), StudyError> {
        let transcripts: BTreeSet<&str> = incoming
            .iter()
            .flat_map(|(_, c, _)| c.iter().map(|c| c.transcript.as_str()))
            .collect();
        let mut problems = Vec::new();
        let options = self.parse_options();
        let parse = |study: &Study, id: &str| -> Result<Option<String>, StudyError> {
            let Some(path) = study.transcript_file(id)? else {
                return Ok(None);
            };
            crate::transcripts::parse_file(&path, &options).map(|t| Some(t.text))
        };
        for id in transcripts {
            match (parse(self, id)?, parse(other, id)?) {
                (None, _) => problems.push(format!(
                    "transcript {id} is coded in the other study but missing here; import it first"
                )),
                (Some(_), None) => problems.push(format!(
                    "transcript {id} is coded in the other study but its file is missing there"
                )),
                (Some(a), Some(b)) if a != b => problems.push(format!(
                    "transcript {id} differs between the studies; bring them in line first (`thematic transcripts update {id} FILE` in one of them)"
                )),
                _ => {}
            }
        }
        let book = self.codebook()?;
        let unknown: BTreeSet<&str> = incoming
            .iter()
            .flat_map(|(_, c, _)| c.iter().map(|c| c.theme.as_str()))
            .filter(|t| book.get(t).is_none())
            .collect();
        if !unknown.is_empty() {
            problems.push(format!(
                "the incoming codings use theme(s) this codebook lacks: {}; add them (`thematic codebook add`) or import the other codebook first",
                unknown.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        problems.extend(self.ids_of_other_coders(incoming)?);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StudyError::invalid(
                other.root(),
                0,
                format!("nothing was merged:\n  - {}", problems.join("\n  - ")),
            ))
        }
    }

    /// Incoming codings whose id a *different* coder's coding has here: merged, the study
    /// would hold one id twice (an error in `check`), and memos about either would be
    /// ambiguous. It happens when a codings file was copied under another coder's name.
    fn ids_of_other_coders(
        &self,
        incoming: &[(String, Vec<Coding>, Vec<Memo>)],
    ) -> Result<Vec<String>, StudyError> {
        let mut owner: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for f in self.all_codings()? {
            for c in f.codings {
                owner.insert(c.id, f.coder.clone());
            }
        }
        let mut clashes: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (coder, codings, _) in incoming {
            for c in codings {
                if let Some(here) = owner.get(&c.id).filter(|h| *h != coder) {
                    clashes
                        .entry((coder.clone(), here.clone()))
                        .or_default()
                        .push(c.id.clone());
                }
            }
        }
        Ok(clashes
            .into_iter()
            .map(|((coder, here), ids)| {
                let shown: Vec<&str> = ids.iter().take(3).map(String::as_str).collect();
                format!(
                    "{} of {coder}'s codings have the ids of {here}'s codings here ({}{}): \
                     coding ids must be unique across coders; was codings/{coder}.csv copied \
                     from {here}'s? Give those codings new ids in the other study first",
                    ids.len(),
                    shown.join(", "),
                    if ids.len() > 3 { ", …" } else { "" }
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memos::MemoAbout;

    const TRANSCRIPT: &str =
        "Interviewer: How did you start?\n\nP6: I started in 2019 after working in housing.\n";

    fn study(dir: &std::path::Path) -> Study {
        let s = crate::testing::study(dir, "m.toml");
        std::fs::write(s.transcripts_dir().join("P6.txt"), TRANSCRIPT).unwrap();
        s
    }

    fn coding(id: &str, coder: &str, start: usize, theme: &str) -> Coding {
        Coding {
            id: id.into(),
            coder: coder.into(),
            transcript: "P6".into(),
            turn: 2,
            start,
            end: start + 4,
            theme: theme.into(),
            text: "abcd".into(),
            created: "2026-11-21T10:00:00Z".into(),
            ..Coding::default()
        }
    }

    #[test]
    fn a_merge_is_a_union_of_codings_and_memos() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (here, there) = (study(a.path()), study(b.path()));
        here.add_coding(&coding("c-1", "KW", 0, "what-matters"))
            .unwrap();
        there
            .add_coding(&coding("c-1", "KW", 0, "what-matters"))
            .unwrap();
        there
            .add_coding(&coding("c-2", "KW", 10, "what-matters"))
            .unwrap();
        // The same span and theme under another id (add_coding would refuse the twin).
        there
            .update_codings("KW", |f| {
                f.codings.push(coding("c-9", "KW", 0, "what-matters"));
                Ok(((), true))
            })
            .unwrap();
        there
            .add_coding(&coding("c-3", "AB", 10, "empowerment"))
            .unwrap();
        there
            .add_memo("AB", MemoAbout::Journal, "from the other copy")
            .unwrap();

        let dry = here.merge_from(&there, &[], "KW", true).unwrap();
        assert!(!dry.written);
        assert_eq!(here.codings_of("AB").unwrap().codings.len(), 0);

        let r = here.merge_from(&there, &[], "KW", false).unwrap();
        assert_eq!(
            r.codings,
            BTreeMap::from([("AB".into(), 1), ("KW".into(), 1)])
        );
        assert_eq!(r.already, BTreeMap::from([("KW".into(), 2)]));
        assert_eq!(r.memos, BTreeMap::from([("AB".into(), 1)]));
        let kw: Vec<String> = here
            .codings_of("KW")
            .unwrap()
            .codings
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(kw, ["c-1", "c-2"]);
        assert_eq!(here.memos_of("AB").unwrap()[0].text, "from the other copy");
        // Merging again brings nothing.
        let again = here.merge_from(&there, &[], "KW", false).unwrap();
        assert!(again.codings.is_empty() && again.memos.is_empty());
    }

    #[test]
    fn differing_transcripts_or_unknown_themes_refuse_the_merge() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (here, there) = (study(a.path()), study(b.path()));
        there
            .add_coding(&coding("c-2", "AB", 10, "what-matters"))
            .unwrap();
        std::fs::write(
            there.transcripts_dir().join("P6.txt"),
            TRANSCRIPT.replace("2019", "2018"),
        )
        .unwrap();
        let err = here
            .merge_from(&there, &[], "KW", false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("transcript P6 differs"), "{err}");
        assert!(!here.codings_path("AB").unwrap().exists());

        std::fs::write(there.transcripts_dir().join("P6.txt"), TRANSCRIPT).unwrap();
        there
            .add_coding(&coding("c-4", "AB", 20, "no-such-theme"))
            .unwrap();
        let err = here
            .merge_from(&there, &["AB".into()], "KW", false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no-such-theme"), "{err}");
        assert!(!here.codings_path("AB").unwrap().exists());
    }

    #[test]
    fn codings_with_another_coders_ids_are_refused_and_nothing_is_written() {
        let here_dir = tempfile::tempdir().unwrap();
        let other_dir = tempfile::tempdir().unwrap();
        let here = study(here_dir.path());
        let other = study(other_dir.path());
        here.add_coding(&coding("c-1", "KW", 0, "empowerment"))
            .unwrap();
        // The other copy's LC has a coding with KW's id (a file copied and renamed).
        other
            .add_coding(&coding("c-1", "LC", 13, "empowerment"))
            .unwrap();
        let before = std::fs::read(here.codings_path("KW").unwrap()).unwrap();
        let e = here
            .merge_from(&other, &[], "KW", false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("1 of LC's codings have the ids of KW's codings here (c-1)"),
            "{e}"
        );
        assert!(!here.codings_path("LC").unwrap().exists());
        assert_eq!(
            std::fs::read(here.codings_path("KW").unwrap()).unwrap(),
            before
        );
    }
}
