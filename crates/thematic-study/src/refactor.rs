//! Refining themes without losing work: every codebook edit goes through here, so the
//! codebook and the codings change together, atomically and under locks, and each change
//! is written to the change log.

use std::collections::BTreeMap;

use thematic_codebook::{
    CodebookEditor, CreatedCode, EditError, NewEntry, TextField, ThemeText, UNSORTED_ID,
    UNSORTED_LABEL, UnsortedGroup,
};

use crate::codings::CodingsFile;
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Codings moved from the source to the target, per coder (coders with none left out).
    pub moved: BTreeMap<String, usize>,
    /// Ids of codings folded into an identical coding of the target (same coder, transcript
    /// and span); their memos were kept on the surviving coding.
    pub folded: Vec<String>,
    /// Children of the source now under the target.
    pub reparented: Vec<String>,
}

impl MergeReport {
    /// All codings moved.
    pub fn total(&self) -> usize {
        self.moved.values().sum()
    }
}

impl Study {
    /// Applies `edit` to the codebook file under its lock, writes it atomically, and logs
    /// `action` with the theme id and detail `edit` returns.
    pub fn edit_codebook<R>(
        &self,
        who: &str,
        action: &str,
        edit: impl FnOnce(&mut CodebookEditor) -> Result<(R, String, String), StudyError>,
    ) -> Result<R, StudyError> {
        let path = self.codebook_path();
        let _lock = FileLock::acquire(&path)?;
        let mut editor = self.codebook_editor()?;
        let (out, theme, detail) = edit(&mut editor)?;
        atomic_write(&path, editor.text().as_bytes())?;
        self.log_change(who, action, &theme, &detail)?;
        Ok(out)
    }

    fn codebook_editor(&self) -> Result<CodebookEditor, StudyError> {
        let path = self.codebook_path();
        let text = std::fs::read_to_string(&path).map_err(|e| StudyError::io(&path, e))?;
        Ok(CodebookEditor::open(&text, &self.shown(&path))?)
    }

    /// [`StudyError::Edit`] for the codebook file, or the codebook's own error when the
    /// edit found the file invalid.
    pub fn edit_error(&self, e: EditError) -> StudyError {
        StudyError::Edit {
            path: self.shown(&self.codebook_path()).into(),
            source: e,
        }
    }

    /// Adds a theme; returns its id.
    pub fn add_theme(&self, new: &NewEntry, who: &str) -> Result<String, StudyError> {
        self.edit_codebook(who, "add", |ed| {
            let id = ed.add(new).map_err(|e| self.edit_error(e))?;
            let under = new
                .parent
                .as_ref()
                .map_or_else(|| "as a root".to_string(), |p| format!("under \"{p}\""));
            let detail = format!("added \"{}\" {under}", new.label.trim());
            Ok((id.clone(), id, detail))
        })
    }

    /// Changes a theme's label; returns the old label.
    pub fn rename_theme(&self, id: &str, label: &str, who: &str) -> Result<String, StudyError> {
        self.edit_codebook(who, "rename", |ed| {
            let old = ed.rename(id, label).map_err(|e| self.edit_error(e))?;
            let detail = format!("label \"{old}\" -> \"{}\"", label.trim());
            Ok((old, id.to_string(), detail))
        })
    }

    /// Moves a theme under a new parent (`None`: a root); returns the old parent.
    pub fn move_theme(
        &self,
        id: &str,
        parent: Option<&str>,
        who: &str,
    ) -> Result<Option<String>, StudyError> {
        self.edit_codebook(who, "move", |ed| {
            let old = ed.move_to(id, parent).map_err(|e| self.edit_error(e))?;
            let show =
                |p: &Option<&str>| p.map_or_else(|| "(root)".to_string(), |p| format!("\"{p}\""));
            let detail = format!("parent {} -> {}", show(&old.as_deref()), show(&parent));
            Ok((old, id.to_string(), detail))
        })
    }

    /// Retires a theme (or restores it with `retired = false`); returns how many codings
    /// (all coders) use it, which are kept.
    pub fn retire_theme(&self, id: &str, retired: bool, who: &str) -> Result<usize, StudyError> {
        let used: usize = self
            .all_codings()?
            .iter()
            .map(|f| f.codings.iter().filter(|c| c.theme == id).count())
            .sum();
        let action = if retired { "retire" } else { "restore" };
        self.edit_codebook(who, action, |ed| {
            ed.set_retired(id, retired)
                .map_err(|e| self.edit_error(e))?;
            let detail = if retired {
                format!("retired; its {used} coding(s) are kept")
            } else {
                format!("restored; {used} coding(s) use it")
            };
            Ok((used, id.to_string(), detail))
        })
    }

    /// Merges `source` into `target`: every coding of the source, for every coder, becomes a
    /// coding of the target; the source's children move under the target; the source is
    /// retired. The codebook and every codings file are locked for the whole operation.
    ///
    /// An intent record ([`crate::Unfinished`]) is kept while the files are written, so a
    /// merge cut short is reported by `thematic check`; running the same merge again
    /// finishes it, even when the codebook already says the source was merged into the
    /// target (then only the codings still under the source are moved).
    pub fn merge_themes(
        &self,
        source: &str,
        target: &str,
        who: &str,
    ) -> Result<MergeReport, StudyError> {
        let book_path = self.codebook_path();
        let _book_lock = FileLock::acquire(&book_path)?;
        let mut editor = self.codebook_editor()?;
        let finish: Vec<String> = vec![
            "codebook".into(),
            "merge".into(),
            source.into(),
            target.into(),
        ];
        // A rerun of a merge whose codebook was written before the process was killed: its
        // record is still there. (Without one, merging a retired theme is refused below.)
        let finishing = editor
            .codebook()
            .get(source)
            .is_some_and(|e| e.retired && e.merged_into.as_deref() == Some(target))
            && self.unfinished_all()?.iter().any(|u| u.finish == finish);
        let outcome = if finishing {
            thematic_codebook::MergeOutcome {
                reparented: Vec::new(),
            }
        } else {
            editor
                .merge(source, target)
                .map_err(|e| self.edit_error(e))?
        };
        let intent = self.begin(crate::Unfinished::new(
            "codebook merge",
            finish,
            who,
            &format!(
                "some coders' codings may still be under \"{source}\" rather than \"{target}\""
            ),
        ))?;

        let (locks, mut files) = self.lock_all_codings(true)?;
        let mut report = MergeReport {
            moved: BTreeMap::new(),
            folded: Vec::new(),
            reparented: outcome.reparented.clone(),
        };
        for f in &mut files {
            let moved = retheme(f, source, target, &mut report.folded);
            if moved > 0 {
                report.moved.insert(f.coder.clone(), moved);
                self.rewrite_codings(f)?;
            }
        }
        if !finishing {
            atomic_write(&book_path, editor.text().as_bytes())?;
        }
        drop(locks);

        let mut detail = format!(
            "merged into \"{target}\": {} coding(s) moved",
            report.total()
        );
        if !report.moved.is_empty() {
            let per: Vec<String> = report
                .moved
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            detail.push_str(&format!(" ({})", per.join(", ")));
        }
        if !report.folded.is_empty() {
            detail.push_str(&format!(
                "; {} identical coding(s) folded into the target's: {}",
                report.folded.len(),
                report.folded.join(" ")
            ));
        }
        if !report.reparented.is_empty() {
            detail.push_str(&format!(
                "; moved under \"{target}\": {}",
                report.reparented.join(", ")
            ));
        }
        detail.push_str(if finishing {
            "; finished a merge that was cut short (the source was already retired)"
        } else {
            "; source retired"
        });
        self.log_change(who, "merge", source, &detail)?;
        intent.done(self)?;
        Ok(report)
    }

    /// Creates a code in one step while coding ([`CodebookEditor::create_code`]): the label
    /// from `words` (in-vivo coding: the selected words), the id made from it, a colour of
    /// its own among its siblings, under `parent`, or under the "Unsorted" group (created
    /// at the top of the codebook on first use) when `parent` is `None`. The codebook is
    /// changed under its lock, validated, written atomically and logged as `add` (and the
    /// group's creation as an `add` of `unsorted` before it), like `thematic codebook add`.
    ///
    /// When a current code already has this label (without regard to case), it is returned
    /// with `existed` set and nothing is written or logged, so two requests for the same
    /// code make one.
    pub fn create_code(
        &self,
        words: &str,
        parent: Option<&str>,
        who: &str,
    ) -> Result<CreatedCode, StudyError> {
        let path = self.codebook_path();
        let _lock = FileLock::acquire(&path)?;
        let mut editor = self.codebook_editor()?;
        let created = editor
            .create_code(words, parent)
            .map_err(|e| self.edit_error(e))?;
        if created.existed {
            return Ok(created);
        }
        atomic_write(&path, editor.text().as_bytes())?;
        match created.unsorted {
            Some(UnsortedGroup::Created) => self.log_change(
                who,
                "add",
                UNSORTED_ID,
                &format!(
                    "added \"{UNSORTED_LABEL}\" as a root, at the top: the group new codes land in"
                ),
            )?,
            Some(UnsortedGroup::Restored) => self.log_change(
                who,
                "restore",
                UNSORTED_ID,
                "restored: the group new codes land in",
            )?,
            None => {}
        }
        let under = created
            .parent
            .as_ref()
            .map_or_else(|| "as a root".to_string(), |p| format!("under \"{p}\""));
        let detail = format!("added \"{}\" {under}", created.label);
        self.log_change(who, "add", &created.id, &detail)?;
        Ok(created)
    }

    /// Gives a theme a display colour (`#rgb` or `#rrggbb`), or removes it with `None`;
    /// returns the old colour. Logged as `recolour`.
    pub fn recolour_theme(
        &self,
        id: &str,
        colour: Option<&str>,
        who: &str,
    ) -> Result<Option<String>, StudyError> {
        self.edit_codebook(who, "recolour", |ed| {
            let old = ed.set_colour(id, colour).map_err(|e| self.edit_error(e))?;
            let new = ed.codebook().get(id).and_then(|e| e.colour.clone());
            let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "(none)".into());
            let detail = format!("colour {} -> {}", show(&old), show(&new));
            Ok((old, id.to_string(), detail))
        })
    }

    /// Changes a theme's definition, include and exclude notes: each field `text` gives
    /// (`None` leaves it, empty text removes it). Returns the old text of the fields given
    /// (`""` for one the theme did not have), which passed back undoes the change. Logged
    /// as `define`, with the old and new text of each field on one line (line breaks as
    /// `\n`).
    pub fn define_theme(
        &self,
        id: &str,
        text: &ThemeText,
        who: &str,
    ) -> Result<ThemeText, StudyError> {
        if text.is_empty() {
            return Err(self.edit_error(EditError::Refused(
                "nothing to change: give a definition, an include or an exclude note".into(),
            )));
        }
        self.edit_codebook(who, "define", |ed| {
            let old = ed.set_texts(id, text).map_err(|e| self.edit_error(e))?;
            let entry = ed.codebook().get(id);
            let parts: Vec<String> = TextField::ALL
                .into_iter()
                .filter_map(|f| {
                    let was = old.get(f)?;
                    let now = entry.and_then(|e| f.of(e)).unwrap_or_default();
                    (was != now).then(|| format!("{} {} -> {}", f.key(), logged(was), logged(now)))
                })
                .collect();
            let detail = if parts.is_empty() {
                "nothing changed".to_string()
            } else {
                parts.join("; ")
            };
            Ok((old, id.to_string(), detail))
        })
    }
}

/// Rethemes `source` codings to `target` in one coder's file. A moved coding identical to a
/// target coding already there (same transcript and span) is folded into it: the existing
/// coding keeps its id and gains the moved coding's memo. Returns how many codings moved
/// (folded ones included).
fn retheme(f: &mut CodingsFile, source: &str, target: &str, folded: &mut Vec<String>) -> usize {
    use std::collections::HashMap;
    let moved: Vec<bool> = f.codings.iter().map(|c| c.theme == source).collect();
    let n_moved = moved.iter().filter(|&&m| m).count();
    if n_moved == 0 {
        return 0;
    }
    // Where each span already has a target coding: the original target codings first, so a
    // moved coding folds into an existing one rather than the other way round.
    let mut keeper: HashMap<(String, usize, usize), usize> = HashMap::new();
    for (i, c) in f.codings.iter().enumerate() {
        if c.theme == target {
            keeper
                .entry((c.transcript.clone(), c.start, c.end))
                .or_insert(i);
        }
    }
    let mut gone = vec![false; f.codings.len()];
    for i in (0..f.codings.len()).filter(|&i| moved[i]) {
        f.codings[i].theme = target.to_string();
        let key = (
            f.codings[i].transcript.clone(),
            f.codings[i].start,
            f.codings[i].end,
        );
        match keeper.get(&key) {
            Some(&j) => {
                let memo = f.codings[i].memo.clone();
                let k = &mut f.codings[j];
                if !memo.is_empty() && !k.memo.contains(&memo) {
                    if !k.memo.is_empty() {
                        k.memo.push_str(" | ");
                    }
                    k.memo.push_str(&memo);
                }
                gone[i] = true;
                folded.push(f.codings[i].id.clone());
            }
            None => {
                keeper.insert(key, i);
            }
        }
    }
    let mut i = 0;
    f.codings.retain(|_| {
        i += 1;
        !gone[i - 1]
    });
    n_moved
}

/// A text as the change log shows it: quoted on one line, `(none)` when empty. Backslashes,
/// quotes and line breaks are escaped (`\\`, `\"`, `\n`), so the text can be read back.
fn logged(text: &str) -> String {
    if text.is_empty() {
        return "(none)".into();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
