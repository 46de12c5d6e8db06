//! Developing themes from codes: the theme board's changes (and the `thematic codebook`
//! commands that do the same), each one codebook edit under the codebook's lock, validated,
//! written atomically and logged. None of them changes a coding: they change where codes
//! sit, not what was coded. A change can carry a note, which is written to the coder's
//! reflexive journal with what was done, so the journal and the structure's history tell
//! one story.

use thematic_codebook::{MergeOutcome, Placement};

use crate::error::StudyError;
use crate::memos::MemoAbout;
use crate::study::Study;

impl Study {
    /// Puts code (or theme) `id` in `theme` as `how` says: under it (`Move`, logged as
    /// `move`), in it as well (`AlsoIn`, logged as `share`), or out of a theme it also sat
    /// in (`Leave`, logged as `share`). Returns the old parent.
    pub fn place_code(
        &self,
        id: &str,
        theme: Option<&str>,
        how: Placement,
        note: Option<&str>,
        who: &str,
    ) -> Result<Option<String>, StudyError> {
        let action = if how == Placement::Move {
            "move"
        } else {
            "share"
        };
        let (old, detail) = self.edit_codebook(who, action, |ed| {
            let old = ed.place(id, theme, how).map_err(|e| self.edit_error(e))?;
            let show =
                |p: Option<&str>| p.map_or_else(|| "(root)".to_string(), |p| format!("\"{p}\""));
            let detail = match how {
                Placement::Move => format!("parent {} -> {}", show(old.as_deref()), show(theme)),
                Placement::AlsoIn => format!("also in {}", show(theme)),
                Placement::Leave => format!("no longer also in {}", show(theme)),
            };
            Ok(((old, detail.clone()), id.to_string(), detail))
        })?;
        self.journal_note(who, &format!("{action} {id}: {detail}"), note)?;
        Ok(old)
    }

    /// Adds a candidate theme (a group: `codable = false`) under `parent`; returns its id.
    /// Logged as `add`.
    pub fn create_theme(
        &self,
        label: &str,
        parent: Option<&str>,
        note: Option<&str>,
        who: &str,
    ) -> Result<String, StudyError> {
        let (id, detail) = self.edit_codebook(who, "add", |ed| {
            let id = ed
                .create_theme(label, parent)
                .map_err(|e| self.edit_error(e))?;
            let under =
                parent.map_or_else(|| "as a root".to_string(), |p| format!("under \"{p}\""));
            let detail = format!("added candidate theme \"{}\" {under}", label.trim());
            Ok(((id.clone(), detail.clone()), id, detail))
        })?;
        self.journal_note(who, &detail, note)?;
        Ok(id)
    }

    /// Splits theme `id`: a new candidate theme `label` beside it takes `members`. Logged as
    /// `split` on `id`; returns the new theme's id.
    pub fn split_theme(
        &self,
        id: &str,
        label: &str,
        members: &[String],
        note: Option<&str>,
        who: &str,
    ) -> Result<String, StudyError> {
        let (new, detail) = self.edit_codebook(who, "split", |ed| {
            let new = ed
                .split_theme(id, label, members)
                .map_err(|e| self.edit_error(e))?;
            let detail = format!(
                "split: new theme \"{new}\" (\"{}\") takes {}",
                label.trim(),
                members.join(", ")
            );
            Ok(((new, detail.clone()), id.to_string(), detail))
        })?;
        self.journal_note(who, &format!("split {id}: {detail}"), note)?;
        Ok(new)
    }

    /// Merges candidate theme `source` into `target` (neither a code): what sat in the
    /// source sits in the target, and the source is retired with `merged_into`. Logged as
    /// `merge-theme` on `source`.
    pub fn merge_theme(
        &self,
        source: &str,
        target: &str,
        note: Option<&str>,
        who: &str,
    ) -> Result<MergeOutcome, StudyError> {
        let (out, detail) = self.edit_codebook(who, "merge-theme", |ed| {
            let out = ed
                .merge_theme(source, target)
                .map_err(|e| self.edit_error(e))?;
            let mut detail = format!("merged into \"{target}\"; source retired");
            if !out.reparented.is_empty() {
                detail.push_str(&format!(
                    "; moved under \"{target}\": {}",
                    out.reparented.join(", ")
                ));
            }
            Ok(((out, detail.clone()), source.to_string(), detail))
        })?;
        self.journal_note(who, &format!("merge-theme {source}: {detail}"), note)?;
        Ok(out)
    }

    /// Discards candidate theme `id`: retired (kept for history), what sat in it moves to
    /// "Miscellaneous". Logged as `discard`; returns what moved.
    pub fn discard_theme(
        &self,
        id: &str,
        note: Option<&str>,
        who: &str,
    ) -> Result<Vec<String>, StudyError> {
        let (moved, detail) = self.edit_codebook(who, "discard", |ed| {
            let moved = ed.discard_theme(id).map_err(|e| self.edit_error(e))?;
            let detail = if moved.is_empty() {
                "discarded (retired)".to_string()
            } else {
                format!(
                    "discarded (retired); moved to \"{}\": {}",
                    thematic_codebook::MISC_ID,
                    moved.join(", ")
                )
            };
            Ok(((moved, detail.clone()), id.to_string(), detail))
        })?;
        self.journal_note(who, &format!("discard {id}: {detail}"), note)?;
        Ok(moved)
    }

    /// Marks theme `id` defined and named (`true`) or a candidate again. Refused while a
    /// code in it also sits in another theme. Logged as `status`; returns whether it was
    /// defined.
    pub fn set_theme_defined(
        &self,
        id: &str,
        defined: bool,
        note: Option<&str>,
        who: &str,
    ) -> Result<bool, StudyError> {
        let (was, detail) = self.edit_codebook(who, "status", |ed| {
            let was = ed
                .set_defined(id, defined)
                .map_err(|e| self.edit_error(e))?;
            let word = |d: bool| if d { "defined" } else { "candidate" };
            let detail = format!("{} -> {}", word(was), word(defined));
            Ok(((was, detail.clone()), id.to_string(), detail))
        })?;
        self.journal_note(who, &format!("status {id}: {detail}"), note)?;
        Ok(was)
    }

    /// Writes `note` to `who`'s reflexive journal, after what was done; nothing when there
    /// is no note.
    fn journal_note(&self, who: &str, done: &str, note: Option<&str>) -> Result<(), StudyError> {
        let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(());
        };
        self.add_memo(
            who,
            MemoAbout::Journal,
            &format!("*Theme board: {done}.*\n\n{note}"),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use thematic_codebook::{MISC_ID, Placement};

    use crate::memos::MemoAbout;

    #[test]
    fn board_changes_are_codebook_edits_logged_with_their_notes() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        let theme = study
            .create_theme("Talking it through", None, Some("a hunch from P6"), "KW")
            .unwrap();
        study
            .place_code(
                "asking-questions",
                Some(&theme),
                Placement::Move,
                None,
                "KW",
            )
            .unwrap();
        study
            .place_code("what-matters", Some(&theme), Placement::AlsoIn, None, "KW")
            .unwrap();
        let book = study.codebook().unwrap();
        assert_eq!(
            book.get("asking-questions").unwrap().parent.as_deref(),
            Some(theme.as_str())
        );
        assert_eq!(
            book.get("what-matters").unwrap().also_in,
            std::slice::from_ref(&theme)
        );
        assert!(
            study
                .set_theme_defined(&theme, true, None, "KW")
                .unwrap_err()
                .to_string()
                .contains("what-matters")
        );
        let moved = study.discard_theme(&theme, Some("too thin"), "KW").unwrap();
        assert_eq!(moved, ["asking-questions"]);
        let book = study.codebook().unwrap();
        assert_eq!(
            book.get("asking-questions").unwrap().parent.as_deref(),
            Some(MISC_ID)
        );
        assert!(book.get("what-matters").unwrap().also_in.is_empty());
        let actions: Vec<String> = study
            .changes()
            .unwrap()
            .into_iter()
            .map(|c| c.action)
            .collect();
        assert_eq!(actions, ["add", "memo", "move", "share", "discard", "memo"]);
        let journal: Vec<String> = study
            .memos_of("KW")
            .unwrap()
            .into_iter()
            .filter(|m| m.about == MemoAbout::Journal)
            .map(|m| m.text)
            .collect();
        assert_eq!(journal.len(), 2);
        assert!(
            journal[1].contains("discard talking-it-through") && journal[1].ends_with("too thin")
        );
    }
}
