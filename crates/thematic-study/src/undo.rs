//! Undo and redo of a coder's own actions, derived from the change log alone.
//!
//! The actions undo reverses are [`UNDOABLE`]: `code`, `uncode`, `recode` (a theme
//! change), `add` (a theme added) and `memo`. Each of their rows in `changelog.csv` carries
//! what undo needs in its `data` column (the coding or memo as JSON), so a removed coding
//! comes back exactly as it was: id, span, text, memo, created.
//!
//! An undo or redo is itself a row (`undo` or `redo`) whose `theme`, `data` and detail
//! (`<action> at <when>: <detail>`) name the row it reversed, so the undo and redo stacks
//! are derived from the log, read backwards from its end, as in an editor:
//!
//! - **undo** reverses the coder's latest action that is done: not undone, or redone since;
//! - **redo** reverses the latest undo, as long as the coder has done nothing since (a new
//!   action clears the redo stack): a `redo` row cancels the `undo` row before it, as
//!   brackets pair.
//!
//! Only the coder's own rows count. Codebook edits that neither add nor remove themes nor
//! touch codings (`rename`, `move`, and other label or colour edits) are passed over; the
//! actions in [`BARRIERS`], which change many codings at once or what can be coded, end
//! the history: undo does not reach back past them.
//!
//! Nothing is undone blindly. Each step checks, under the lock of the file it changes,
//! that what it would change is as the logged action left it: the coding to remove is
//! there with the same theme, span, text and memo; the coding to bring back is not there,
//! nor one of the same theme on the same span. Otherwise it refuses with
//! [`StudyError::UndoRefused`], saying what changed and, where the log tells, who changed
//! it. Undoing `add` retires the theme (kept in the codebook, so redo restores it) and is
//! refused while any coder has a coding of it.

mod apply;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::changelog::{Backwards, Change};
use crate::codings::Coding;
use crate::error::StudyError;
use crate::fsutil::FileLock;
use crate::memos::{Memo, MemoAbout};
use crate::row_edit::Splice;
use crate::study::Study;

/// The actions undo reverses.
pub const UNDOABLE: &[&str] = &["code", "uncode", "recode", "add", "memo"];

/// A coder's actions that undo does not reach back past, and that clear the redo stack:
/// they change many codings at once, or what can be coded.
pub const BARRIERS: &[&str] = &[
    "merge",
    "merge-theme",
    "discard",
    "retire",
    "restore",
    "import",
    "sheet-import",
    "reanchor",
    "merge-study",
    "autocode",
    "accept",
    "reject",
];

/// Which way a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Reverse an action.
    Undo,
    /// Reverse an undo.
    Redo,
}

impl Step {
    /// `undo` or `redo`: the command, and the action of its change-log row.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Undo => "undo",
            Step::Redo => "redo",
        }
    }

    /// `undid` or `redid`.
    pub fn past(self) -> &'static str {
        match self {
            Step::Undo => "undid",
            Step::Redo => "redid",
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`Study::undo`] or [`Study::redo`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// Undo or redo.
    pub step: Step,
    /// The action undone or redone, as its change-log row names it (`code`, `uncode`,
    /// `recode`, `add`, `memo`).
    pub action: String,
    /// When that action was made (its row's `when`).
    pub when: String,
    /// What changed.
    pub effect: Effect,
    /// Worth knowing, not a reason to refuse: a coding brought back under a theme that is
    /// retired now.
    pub note: Option<String>,
}

impl std::fmt::Display for Undone {
    /// One line: `undid code (2026-12-07T10:00:00Z): removed coding c-… (what-matters, P6
    /// turn 2 [3-9])`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({}): {}",
            self.step.past(),
            self.action,
            self.when,
            self.effect
        )
    }
}

/// What a step changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A coding was removed from the coder's file (undo of `code`, redo of `uncode`).
    Removed {
        /// The coding, as it was.
        coding: Coding,
        /// How its row was cut from the file; `None` when the file was rewritten whole (a
        /// file not sound to append to).
        splice: Option<Splice>,
    },
    /// A coding was brought back (undo of `uncode`, redo of `code`), byte for byte as it
    /// was, appended at the end of the coder's file (or, for a file not sound to append
    /// to, with the file rewritten whole).
    Restored {
        /// The coding.
        coding: Coding,
    },
    /// A coding's theme was changed back (undo of `recode`) or again (redo).
    Rethemed {
        /// The coding, with its theme now.
        coding: Coding,
        /// Its theme before this step.
        from: String,
        /// How its row was replaced in place; `None` when the file was rewritten whole.
        splice: Option<Splice>,
    },
    /// A theme the coder added was retired (undo of `add`); it stays in the codebook.
    ThemeRetired {
        /// The theme's id.
        theme: String,
    },
    /// That theme was made current again (redo of `add`).
    ThemeRestored {
        /// The theme's id.
        theme: String,
    },
    /// A memo was taken out of `memos/<coder>.md` (undo of `memo`).
    MemoRemoved {
        /// The memo.
        memo: Memo,
    },
    /// It was written back, at the end of the file (redo of `memo`).
    MemoRestored {
        /// The memo.
        memo: Memo,
    },
}

impl Effect {
    /// The coding changed, if a coding was.
    pub fn coding(&self) -> Option<&Coding> {
        match self {
            Effect::Removed { coding, .. }
            | Effect::Restored { coding }
            | Effect::Rethemed { coding, .. } => Some(coding),
            _ => None,
        }
    }

    /// How the codings file's rows were edited in place, for a caller that keeps an index
    /// of the file (see [`Splice`]).
    pub fn splice(&self) -> Option<&Splice> {
        match self {
            Effect::Removed { splice, .. } | Effect::Rethemed { splice, .. } => splice.as_ref(),
            _ => None,
        }
    }

    /// The theme concerned: the coding's (now), the theme retired or restored, a memo's
    /// theme.
    pub fn theme(&self) -> Option<&str> {
        match self {
            Effect::Removed { coding, .. }
            | Effect::Restored { coding }
            | Effect::Rethemed { coding, .. } => Some(&coding.theme),
            Effect::ThemeRetired { theme } | Effect::ThemeRestored { theme } => Some(theme),
            Effect::MemoRemoved { memo } | Effect::MemoRestored { memo } => match &memo.about {
                MemoAbout::Theme(t) => Some(t),
                _ => None,
            },
        }
    }

    /// `removed`, `restored`, `rethemed`, `theme-retired`, `theme-restored`,
    /// `memo-removed` or `memo-restored`.
    pub fn kind(&self) -> &'static str {
        match self {
            Effect::Removed { .. } => "removed",
            Effect::Restored { .. } => "restored",
            Effect::Rethemed { .. } => "rethemed",
            Effect::ThemeRetired { .. } => "theme-retired",
            Effect::ThemeRestored { .. } => "theme-restored",
            Effect::MemoRemoved { .. } => "memo-removed",
            Effect::MemoRestored { .. } => "memo-restored",
        }
    }
}

impl std::fmt::Display for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = |c: &Coding| format!("{} turn {} [{}-{}]", c.transcript, c.turn, c.start, c.end);
        match self {
            Effect::Removed { coding: c, .. } => {
                write!(f, "removed coding {} ({}, {})", c.id, c.theme, at(c))
            }
            Effect::Restored { coding: c } => {
                write!(f, "restored coding {} ({}, {})", c.id, c.theme, at(c))
            }
            Effect::Rethemed {
                coding: c, from, ..
            } => write!(
                f,
                "changed coding {} ({}) from {from} to {}",
                c.id,
                at(c),
                c.theme
            ),
            Effect::ThemeRetired { theme } => write!(f, "retired theme {theme}"),
            Effect::ThemeRestored { theme } => write!(f, "made theme {theme} current again"),
            Effect::MemoRemoved { memo } => write!(f, "removed memo {} ({})", memo.id, about(memo)),
            Effect::MemoRestored { memo } => {
                write!(f, "restored memo {} ({})", memo.id, about(memo))
            }
        }
    }
}

fn about(m: &Memo) -> String {
    match &m.about {
        MemoAbout::Journal => "journal".into(),
        other => format!("{} {}", other.kind(), other.target()),
    }
}

impl Study {
    /// Undoes `coder`'s latest action that is done (see the module's documentation), and
    /// logs an `undo` row. Refused with [`StudyError::NothingToUndo`] when there is none,
    /// and with [`StudyError::UndoRefused`] (nothing written) when what it would change
    /// has changed since.
    ///
    /// Its cost: the log is read from its end up to that action. A coding brought back is
    /// appended after two byte searches through the codings file, as [`Study::code`] does
    /// (about 30 ms with a 47 MB file); a coding taken out or given its theme back costs
    /// what [`Study::uncode_with`] and [`Study::recode`] cost (the file streamed and
    /// rewritten: about 190 ms there).
    pub fn undo(&self, coder: &str) -> Result<Undone, StudyError> {
        self.step(coder, Step::Undo)
    }

    /// Redoes `coder`'s latest undo, unless they have done something since; logs a `redo`
    /// row. Refused as [`Study::undo`] is.
    pub fn redo(&self, coder: &str) -> Result<Undone, StudyError> {
        self.step(coder, Step::Redo)
    }

    fn step(&self, coder: &str, step: Step) -> Result<Undone, StudyError> {
        self.codings_path(coder)?; // a valid coder name
        // One undo or redo of a coder at a time: two at once would pick the same action.
        let cache = self.cache_dir();
        std::fs::create_dir_all(&cache).map_err(|e| StudyError::io(&cache, e))?;
        let _lock = FileLock::acquire(&cache.join(format!("undo-{coder}")))?;
        let target = self.target(coder, step)?;
        let (effect, note) = self.apply(coder, step, &target)?;
        if target.action != "add" {
            // (An `add` is logged by the codebook edit that reverses it.)
            self.log_change_with(
                coder,
                step.as_str(),
                &target.theme,
                &target.reference(),
                &target.data,
            )?;
        }
        Ok(Undone {
            step,
            action: target.action,
            when: target.when,
            effect,
            note,
        })
    }

    /// The row `step` acts on, read from the end of the log.
    fn target(&self, coder: &str, step: Step) -> Result<Target, StudyError> {
        let nothing = |reason: String| StudyError::NothingToUndo {
            step,
            coder: coder.to_string(),
            reason,
        };
        let mut rows = Backwards::open(self)?;
        // Undo: the latest mark of each action seen so far (`true`: undone), latest first.
        let mut marks: Vec<(Target, bool)> = Vec::new();
        // Redo: `redo` rows not yet paired with the `undo` before them.
        let mut redone = 0usize;
        while let Some((offset, row)) = rows.next_by(coder)? {
            let action = row.action.as_str();
            if action == "undo" || action == "redo" {
                let Some(key) = Target::referenced(&row, offset) else {
                    continue; // a row edited by hand: not ours to guess at
                };
                match (step, action == "undo") {
                    (Step::Undo, undone) => marks.push((key, undone)),
                    (Step::Redo, true) if redone == 0 => return Ok(key),
                    (Step::Redo, true) => redone -= 1,
                    (Step::Redo, false) => redone += 1,
                }
            } else if UNDOABLE.contains(&action) {
                if step == Step::Redo {
                    return Err(nothing(format!(
                        "nothing was undone after {coder}'s {action} at {}",
                        row.when
                    )));
                }
                if row.data.is_empty() && action != "add" {
                    return Err(nothing(format!(
                        "{coder}'s {action} at {} was logged before undo existed, and undo \
                         does not reach back past it",
                        row.when
                    )));
                }
                let key = Target::of(&row, offset);
                if let Some(i) = marks.iter().position(|(k, _)| k.same(&key))
                    && marks.remove(i).1
                {
                    continue;
                }
                return Ok(key);
            } else if BARRIERS.contains(&action) {
                return Err(nothing(match step {
                    Step::Undo => format!(
                        "undo does not reach back past {coder}'s {action} at {}",
                        row.when
                    ),
                    Step::Redo => {
                        format!(
                            "nothing was undone after {coder}'s {action} at {}",
                            row.when
                        )
                    }
                }));
            }
        }
        Err(nothing(match step {
            Step::Undo => format!("the change log holds no action of {coder}'s left to undo"),
            Step::Redo => "nothing has been undone".into(),
        }))
    }

    /// [`StudyError::UndoRefused`] for `target`, saying why and, when a later row of the log
    /// is about `subject` (a coding or memo id), which.
    fn refused(
        &self,
        coder: &str,
        step: Step,
        target: &Target,
        subject: &str,
        why: String,
    ) -> StudyError {
        let mut why = why;
        let later = self.changes_after(target.offset).unwrap_or_default();
        if let Some(c) = later.iter().rev().find(|c| {
            (!subject.is_empty() && c.detail.contains(subject))
                || (c.action == "merge" && c.theme == target.theme)
        }) {
            why.push_str(&format!(
                " (the change log's last row about it: {} by {} at {})",
                c.action, c.who, c.when
            ));
        }
        StudyError::UndoRefused {
            step,
            coder: coder.to_string(),
            what: format!("{} at {} ({})", target.action, target.when, target.detail),
            why,
        }
    }
}

/// An action's change-log row, as undo and redo name it.
#[derive(Debug, Clone)]
struct Target {
    /// Where the row that names it (the action's, or for redo the undo's) is in the log.
    offset: u64,
    action: String,
    when: String,
    theme: String,
    detail: String,
    data: String,
}

impl Target {
    /// The action of row `c`.
    fn of(c: &Change, offset: u64) -> Target {
        Target {
            offset,
            action: c.action.clone(),
            when: c.when.clone(),
            theme: c.theme.clone(),
            detail: c.detail.clone(),
            data: c.data.clone(),
        }
    }

    /// The action an `undo` or `redo` row names.
    fn referenced(c: &Change, offset: u64) -> Option<Target> {
        let (action, rest) = c.detail.split_once(" at ")?;
        let (when, detail) = rest.split_once(": ")?;
        Some(Target {
            offset,
            action: action.to_string(),
            when: when.to_string(),
            theme: c.theme.clone(),
            detail: detail.to_string(),
            data: c.data.clone(),
        })
    }

    /// How an `undo` or `redo` row names it: `<action> at <when>: <detail>`.
    fn reference(&self) -> String {
        format!("{} at {}: {}", self.action, self.when, self.detail)
    }

    /// Whether `other` names the same row.
    fn same(&self, other: &Target) -> bool {
        (
            &self.action,
            &self.when,
            &self.theme,
            &self.detail,
            &self.data,
        ) == (
            &other.action,
            &other.when,
            &other.theme,
            &other.detail,
            &other.data,
        )
    }
}

/// A memo as the change log keeps it (`data` of a `memo` row).
#[derive(Debug, Serialize, Deserialize)]
struct MemoData {
    id: String,
    when: String,
    about: String,
    target: String,
    text: String,
}

/// The `data` of a `memo` row: the memo as JSON.
pub(crate) fn memo_data(m: &Memo) -> String {
    let data = MemoData {
        id: m.id.clone(),
        when: m.when.clone(),
        about: m.about.kind().to_string(),
        target: m.about.target().to_string(),
        text: m.text.clone(),
    };
    serde_json::to_string(&data).unwrap_or_default()
}

/// The `data` of a `code`, `uncode` or `recode` row: the coding as JSON.
pub(crate) fn coding_data(c: &Coding) -> String {
    serde_json::to_string(c).unwrap_or_default()
}
