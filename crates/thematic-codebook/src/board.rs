//! Developing themes from codes (phases 3 to 5 of reflexive thematic analysis), as edits of
//! the one codebook: group codes under candidate themes, let a code sit in more than one
//! candidate theme while themes are candidates (`also_in`), split a theme, discard one
//! (its codes go to "Miscellaneous": nothing is abandoned), through the same editor and
//! validation as every other codebook change. The theme board of the browser workspace
//! and the `thematic codebook` commands both use these.

use crate::edit::{CodebookEditor, EditError, NewEntry};
use crate::new_code::{UNSORTED_ID, free_colour};

/// The id of the candidate theme that holds codes that fit no other theme yet.
pub const MISC_ID: &str = "miscellaneous";

/// The label of the [`MISC_ID`] theme.
pub const MISC_LABEL: &str = "Miscellaneous";

/// The definition the [`MISC_ID`] theme is created with.
pub const MISC_DEFINITION: &str = "\
Codes that fit no candidate theme yet, kept (Braun & Clarke: do not abandon anything at this
stage). The codes of a discarded theme come here.";

/// Where [`CodebookEditor::place`] puts a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Under the theme, leaving every other theme it sits in.
    Move,
    /// In the theme as well, keeping its place (its parent) and its other themes.
    AlsoIn,
    /// Out of the theme it also sits in (its `also_in`); its parent is kept.
    Leave,
}

impl CodebookEditor {
    /// Puts entry `id` in theme `theme` as `how` says. Moving it under a theme it also sat
    /// in drops that theme from its `also_in`; moving it to the top level is `theme` =
    /// `None` (only for [`Placement::Move`]). Returns the entry's old parent.
    pub fn place(
        &mut self,
        id: &str,
        theme: Option<&str>,
        how: Placement,
    ) -> Result<Option<String>, EditError> {
        let e = self.entry(id)?.clone();
        if let Some(t) = theme
            && self.entry(t)?.retired
        {
            return Err(EditError::Refused(format!(
                "\"{t}\" is retired (discarded); choose a current theme"
            )));
        }
        match (how, theme) {
            (Placement::Move, _) => {
                let rest: Vec<String> = e
                    .also_in
                    .iter()
                    .filter(|a| Some(a.as_str()) != theme)
                    .cloned()
                    .collect();
                if rest.len() != e.also_in.len() {
                    self.set_also_in(id, &rest)?;
                }
                self.move_to(id, theme)
            }
            (Placement::AlsoIn, Some(t)) => {
                if e.parent.as_deref() == Some(t) || e.also_in.iter().any(|a| a == t) {
                    return Ok(e.parent);
                }
                let mut list = e.also_in.clone();
                list.push(t.to_string());
                self.set_also_in(id, &list)?;
                Ok(e.parent)
            }
            (Placement::Leave, Some(t)) => {
                if !e.also_in.iter().any(|a| a == t) {
                    return Err(EditError::Refused(format!(
                        "\"{id}\" does not also sit in \"{t}\"{}",
                        if e.parent.as_deref() == Some(t) {
                            " (it is its parent: move it elsewhere instead)"
                        } else {
                            ""
                        }
                    )));
                }
                let rest: Vec<String> = e.also_in.iter().filter(|a| *a != t).cloned().collect();
                self.set_also_in(id, &rest)?;
                Ok(e.parent)
            }
            (_, None) => Err(EditError::Refused(
                "name the theme the code also sits in, or leaves".into(),
            )),
        }
    }

    /// Adds a candidate theme (`codable = false`) labelled `label` under `parent` (a root
    /// when `None`), with a colour its siblings do not have. Returns its id.
    pub fn create_theme(&mut self, label: &str, parent: Option<&str>) -> Result<String, EditError> {
        let colour = free_colour(self.codebook().entries.iter(), parent.unwrap_or(""));
        self.add(&NewEntry {
            id: None,
            label: label.trim().to_string(),
            parent: parent.map(str::to_string),
            codable: false,
            colour: Some(colour.to_string()),
            ..Default::default()
        })
    }

    /// Splits theme `id`: a new candidate theme labelled `label`, beside it (same parent),
    /// recorded as `split_from = id`, takes `members` (each a child of `id`, which moves
    /// under the new theme, or a code that also sits in `id`, which then sits in the new
    /// theme instead). Returns the new theme's id.
    pub fn split_theme(
        &mut self,
        id: &str,
        label: &str,
        members: &[String],
    ) -> Result<String, EditError> {
        let theme = self.entry(id)?.clone();
        if theme.retired {
            return Err(EditError::Refused(format!("\"{id}\" is retired")));
        }
        if members.is_empty() {
            return Err(EditError::Refused(format!(
                "name the codes that go to the new theme (a split takes some of \"{id}\"'s codes)"
            )));
        }
        for m in members {
            let e = self.entry(m)?;
            if e.parent.as_deref() != Some(id) && !e.also_in.iter().any(|a| a == id) {
                return Err(EditError::Refused(format!("\"{m}\" is not in \"{id}\"")));
            }
        }
        let new = self.create_theme(label, theme.parent.as_deref())?;
        self.set_split_from(&new, id)?;
        for m in members {
            let e = self.entry(m)?.clone();
            if e.parent.as_deref() == Some(id) {
                self.move_to(m, Some(&new))?;
            } else {
                let list: Vec<String> = e
                    .also_in
                    .iter()
                    .map(|a| if a == id { new.clone() } else { a.clone() })
                    .collect();
                self.set_also_in(m, &list)?;
            }
        }
        Ok(new)
    }

    /// Discards candidate theme `id`: it is retired (kept for history), its codes and
    /// sub-themes move to [`MISC_ID`] (created as a root on first use, made current again
    /// if it was retired), and codes that also sat in it no longer do. Refused for a code
    /// (retire a code instead) and for "Miscellaneous" while it holds anything. Returns
    /// what moved to "Miscellaneous".
    pub fn discard_theme(&mut self, id: &str) -> Result<Vec<String>, EditError> {
        let theme = self.entry(id)?.clone();
        if theme.codable {
            return Err(EditError::Refused(format!(
                "\"{id}\" can be coded: it is a code, not a theme; retire it instead (its codings are kept)"
            )));
        }
        if theme.retired {
            return Err(EditError::Refused(format!(
                "\"{id}\" is already discarded (retired)"
            )));
        }
        let children: Vec<String> = self.codebook().children(id).map(|e| e.id.clone()).collect();
        if id == MISC_ID && !children.is_empty() {
            return Err(EditError::Refused(format!(
                "\"{MISC_LABEL}\" holds the codes no theme has; move them into themes first"
            )));
        }
        if !children.is_empty() && id != UNSORTED_ID {
            self.ensure_misc()?;
        }
        let home = if id == UNSORTED_ID {
            None
        } else {
            Some(MISC_ID)
        };
        for c in &children {
            self.place(c, home, Placement::Move)?;
        }
        let sharing: Vec<(String, Vec<String>)> = self
            .codebook()
            .entries
            .iter()
            .filter(|e| e.also_in.iter().any(|a| a == id))
            .map(|e| {
                (
                    e.id.clone(),
                    e.also_in.iter().filter(|a| *a != id).cloned().collect(),
                )
            })
            .collect();
        for (e, rest) in sharing {
            self.set_also_in(&e, &rest)?;
        }
        self.set_retired(id, true)?;
        Ok(children)
    }

    /// Makes sure the "Miscellaneous" theme exists and is current.
    pub fn ensure_misc(&mut self) -> Result<(), EditError> {
        match self.codebook().get(MISC_ID) {
            Some(e) if e.retired => self.set_retired(MISC_ID, false),
            Some(_) => Ok(()),
            None => {
                self.add(&NewEntry {
                    id: Some(MISC_ID.into()),
                    label: MISC_LABEL.into(),
                    codable: false,
                    definition: Some(MISC_DEFINITION.into()),
                    ..Default::default()
                })?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"format_version = 1
name = "t"

[[theme]]
id = "talk"
label = "Talk"
codable = false

[[theme]]
id = "asking"
label = "Asking"
parent = "talk"

[[theme]]
id = "listening"
label = "Listening"
parent = "talk"

[[theme]]
id = "goals"
label = "Goals"
"#;

    fn ed() -> CodebookEditor {
        CodebookEditor::open(BOOK, "t.toml").unwrap()
    }

    #[test]
    fn a_code_sits_in_a_second_theme_and_leaves_it() {
        let mut ed = ed();
        let doing = ed.create_theme("Doing", None).unwrap();
        ed.place("asking", Some(&doing), Placement::AlsoIn).unwrap();
        assert_eq!(ed.codebook().get("asking").unwrap().also_in, ["doing"]);
        assert!(ed.codebook().is_shared("asking"));
        assert!(ed.text().contains("also_in = [\"doing\"]"));
        // Defining a theme that shares a code is refused until it is resolved.
        let refused = ed.set_defined("talk", true).unwrap_err().to_string();
        assert!(refused.contains("asking"), "{refused}");
        // Moving it under the second theme resolves it: one place again.
        ed.place("asking", Some(&doing), Placement::Move).unwrap();
        let asking = ed.codebook().get("asking").unwrap();
        assert_eq!(asking.parent.as_deref(), Some("doing"));
        assert!(asking.also_in.is_empty());
        assert!(!ed.text().contains("also_in"));
        ed.set_defined("talk", true).unwrap();
        assert!(ed.codebook().get("talk").unwrap().defined);
    }

    #[test]
    fn split_takes_members_and_records_its_source() {
        let mut ed = ed();
        let new = ed
            .split_theme("talk", "Hearing", &["listening".to_string()])
            .unwrap();
        let b = ed.codebook();
        assert_eq!(b.get(&new).unwrap().split_from.as_deref(), Some("talk"));
        assert_eq!(
            b.get("listening").unwrap().parent.as_deref(),
            Some(new.as_str())
        );
        assert_eq!(b.get("asking").unwrap().parent.as_deref(), Some("talk"));
        assert!(ed.split_theme("talk", "X", &["goals".to_string()]).is_err());
    }

    #[test]
    fn discarding_keeps_every_code_in_miscellaneous() {
        let mut ed = ed();
        let moved = ed.discard_theme("talk").unwrap();
        assert_eq!(moved, ["asking", "listening"]);
        let b = ed.codebook();
        assert!(b.get("talk").unwrap().retired);
        assert_eq!(b.get("asking").unwrap().parent.as_deref(), Some(MISC_ID));
        assert!(!b.get(MISC_ID).unwrap().codable);
        assert!(ed.discard_theme("asking").is_err());
        assert!(ed.discard_theme(MISC_ID).is_err());
    }

    #[test]
    fn merging_themes_moves_their_codes_and_sharing() {
        let mut ed = ed();
        let doing = ed.create_theme("Doing", None).unwrap();
        ed.place("goals", Some(&doing), Placement::Move).unwrap();
        ed.place("goals", Some("talk"), Placement::AlsoIn).unwrap();
        ed.merge_theme(&doing, "talk").unwrap();
        let b = ed.codebook();
        let goals = b.get("goals").unwrap();
        assert_eq!(goals.parent.as_deref(), Some("talk"));
        assert!(goals.also_in.is_empty(), "{:?}", goals.also_in);
        let d = b.get(&doing).unwrap();
        assert!(d.retired);
        assert_eq!(d.merged_into.as_deref(), Some("talk"));
        // A code cannot be merged as a theme.
        assert!(ed.merge_theme("asking", "talk").is_err());
    }
}
