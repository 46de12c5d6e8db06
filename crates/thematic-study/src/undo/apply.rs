//! What an undo or redo does to the files: each change checked, under the lock of the file
//! it changes, against what the logged action left.

use std::io::Read;

use super::{Effect, MemoData, Step, Target};
use crate::codings::{Coding, header_line, row_line};
use crate::csvlog::append;
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::memos::{Memo, MemoAbout, parse_memos};
use crate::row_edit::{Attempt, edit_row};
use crate::store::{Scan, same_span, scan, sound_to_append};
use crate::study::Study;

/// An outcome that may be a refusal: the outer error is a failure, the inner one why the
/// step was refused (nothing written).
type Checked<T> = Result<Result<T, String>, StudyError>;

impl Study {
    /// Does what `step` of `target` means; the effect and a note.
    pub(super) fn apply(
        &self,
        coder: &str,
        step: Step,
        t: &Target,
    ) -> Result<(Effect, Option<String>), StudyError> {
        let refuse = |subject: &str, why: String| self.refused(coder, step, t, subject, why);
        let effect = match (t.action.as_str(), step) {
            ("code", Step::Undo) | ("uncode", Step::Redo) => {
                let c = self.logged_coding(coder, t)?;
                self.remove_coding(coder, &c)?
                    .map_err(|why| refuse(&c.id, why))?
            }
            ("uncode", Step::Undo) | ("code", Step::Redo) => {
                let c = self.logged_coding(coder, t)?;
                let effect = self
                    .restore_coding(coder, &c)?
                    .map_err(|why| refuse(&c.id, why))?;
                return Ok((effect, self.retired_note(&c.theme)));
            }
            ("recode", _) => {
                let after = self.logged_coding(coder, t)?;
                let old = t
                    .detail
                    .rsplit_once(" from ")
                    .map(|(_, old)| old.trim().to_string())
                    .ok_or_else(|| self.unreadable(t, "its detail does not end in `from THEME`"))?;
                let (expected, to) = match step {
                    Step::Undo => (after.clone(), old),
                    Step::Redo => {
                        let mut before = after.clone();
                        before.theme = old;
                        (before, after.theme)
                    }
                };
                self.retheme_coding(coder, &expected, &to)?
                    .map_err(|why| refuse(&expected.id, why))?
            }
            ("add", _) => self.retire_added(coder, step, t)?,
            ("memo", Step::Undo) => {
                let m = self.logged_memo(coder, t)?;
                self.remove_memo(coder, &m)?
                    .map_err(|why| refuse(&m.id, why))?
            }
            ("memo", Step::Redo) => {
                let m = self.logged_memo(coder, t)?;
                if self.append_memos(coder, std::slice::from_ref(&m))? == 0 {
                    let why = format!("it is in memos/{coder}.md already");
                    return Err(refuse(&m.id, why));
                }
                Effect::MemoRestored { memo: m }
            }
            _ => return Err(self.unreadable(t, "undo does not know this action")),
        };
        Ok((effect, None))
    }

    /// The coding a row's `data` holds, as `coder`'s.
    fn logged_coding(&self, coder: &str, t: &Target) -> Result<Coding, StudyError> {
        let mut c: Coding = serde_json::from_str(&t.data)
            .map_err(|e| self.unreadable(t, &format!("its data is not a coding ({e})")))?;
        c.coder = coder.to_string();
        Ok(c)
    }

    /// The memo a row's `data` holds, as `coder`'s.
    fn logged_memo(&self, coder: &str, t: &Target) -> Result<Memo, StudyError> {
        let d: MemoData = serde_json::from_str(&t.data)
            .map_err(|e| self.unreadable(t, &format!("its data is not a memo ({e})")))?;
        let about = match d.about.as_str() {
            "journal" => MemoAbout::Journal,
            "theme" => MemoAbout::Theme(d.target),
            "transcript" => MemoAbout::Transcript(d.target),
            "coding" => MemoAbout::Coding(d.target),
            other => {
                return Err(self.unreadable(t, &format!("a memo cannot be about \"{other}\"")));
            }
        };
        Ok(Memo {
            id: d.id,
            coder: coder.to_string(),
            when: d.when,
            about,
            text: d.text,
            line: 0,
        })
    }

    fn unreadable(&self, t: &Target, why: &str) -> StudyError {
        StudyError::invalid(
            self.changelog_path(),
            0,
            format!(
                "the {} row of {} (at byte {}) cannot be undone or redone: {why}",
                t.action, t.when, t.offset
            ),
        )
    }

    /// A note when `theme` is no longer current: a coding brought back under it is kept,
    /// as every coding of a retired theme is.
    fn retired_note(&self, theme: &str) -> Option<String> {
        let book = self.codebook().ok()?;
        match book.get(theme) {
            Some(e) if e.retired => Some(format!(
                "its theme {theme} is retired now; the coding is kept under it, as codings of \
                 retired themes are"
            )),
            None => Some(format!("its theme {theme} is no longer in the codebook")),
            Some(_) => None,
        }
    }

    /// Removes `expected` from `coder`'s codings if it is there unchanged.
    fn remove_coding(&self, coder: &str, expected: &Coding) -> Checked<Effect> {
        let path = self.codings_path(coder)?;
        let attempt = {
            let _lock = FileLock::acquire(&path)?;
            edit_row(&path, &expected.id, |c| (c == expected).then(Vec::new))?
        };
        match attempt {
            Attempt::Done(None) => Ok(Err(gone(coder))),
            Attempt::Done(Some(done)) => {
                let (now, splice) = *done;
                if splice.rows.is_empty() {
                    return Ok(Err(differences(expected, &now)));
                }
                Ok(Ok(Effect::Removed {
                    coding: now,
                    splice: Some(splice),
                }))
            }
            Attempt::NeedsCheck => {
                let outcome = self.update_codings(coder, |file| {
                    let Some(i) = file.codings.iter().position(|c| c.id == expected.id) else {
                        return Ok((Err(gone(coder)), false));
                    };
                    if file.codings[i] != *expected {
                        return Ok((Err(differences(expected, &file.codings[i])), false));
                    }
                    file.codings.retain(|c| c.id != expected.id);
                    Ok((Ok(()), true))
                })?;
                Ok(outcome.map(|()| Effect::Removed {
                    coding: expected.clone(),
                    splice: None,
                }))
            }
        }
    }

    /// Brings `coding` back into `coder`'s codings, unless a coding with its id, or one of
    /// its theme on its span, is there.
    fn restore_coding(&self, coder: &str, coding: &Coding) -> Checked<Effect> {
        let restored = Effect::Restored {
            coding: coding.clone(),
        };
        let path = self.codings_path(coder)?;
        let row = row_line(coding);
        let one_line = !row[..row.len().saturating_sub(1)]
            .iter()
            .any(|&b| b == b'\n' || b == b'\r');
        std::fs::create_dir_all(self.codings_dir())
            .map_err(|e| StudyError::io(self.codings_dir(), e))?;
        {
            let _lock = FileLock::acquire(&path)?;
            let header = header_line();
            // The fast path, as `thematic code` takes it: two byte searches, at once, and
            // one appended row. A row beginning with the id (or a line inside a quoted text
            // that looks like one) sends it down the checked path.
            if one_line && sound_to_append(&path, &header)? {
                let (id_found, span) = std::thread::scope(|s| {
                    let id = s.spawn(|| has_row_starting(&path, &coding.id));
                    let span = scan(&path, &header, coding);
                    (id.join().unwrap_or(Ok(true)), span)
                });
                let io = |e| StudyError::io(&path, e);
                match (id_found.map_err(io)?, span.map_err(io)?) {
                    (false, Scan::NotFound) => {
                        append(&path, &header, &row)?;
                        return Ok(Ok(restored));
                    }
                    (false, Scan::Found(id)) => return Ok(Err(same_words(coder, &id))),
                    _ => {}
                }
            }
        }
        let outcome = self.update_codings(coder, |file| {
            if let Some(c) = file.codings.iter().find(|c| c.id == coding.id) {
                let why = if c == coding {
                    format!("it is in {coder}'s codings already")
                } else {
                    format!(
                        "a coding with its id is in {coder}'s codings again, changed: {}",
                        differences(coding, c)
                    )
                };
                return Ok((Err(why), false));
            }
            if let Some(c) = file.codings.iter().find(|c| same_span(c, coding)) {
                return Ok((Err(same_words(coder, &c.id)), false));
            }
            file.codings.push(coding.clone());
            Ok((Ok(()), true))
        })?;
        Ok(outcome.map(|()| restored))
    }

    /// Gives `expected` the theme `to`, if it is there unchanged and `to` can be coded
    /// (checked under the coder's lock, as [`Study::recode`] checks it).
    fn retheme_coding(&self, coder: &str, expected: &Coding, to: &str) -> Checked<Effect> {
        let path = self.codings_path(coder)?;
        let rethemed = |now: &Coding, splice| {
            let mut coding = now.clone();
            coding.theme = to.to_string();
            Effect::Rethemed {
                coding,
                from: expected.theme.clone(),
                splice,
            }
        };
        let attempt = {
            let _lock = FileLock::acquire(&path)?;
            if let Err(why) = self.codable(to)? {
                return Ok(Err(why));
            }
            edit_row(&path, &expected.id, |c| {
                (c == expected).then(|| {
                    let mut changed = c.clone();
                    changed.theme = to.to_string();
                    row_line(&changed)
                })
            })?
        };
        match attempt {
            Attempt::Done(None) => Ok(Err(gone(coder))),
            Attempt::Done(Some(done)) => {
                let (now, splice) = *done;
                if splice.rows.is_empty() {
                    return Ok(Err(differences(expected, &now)));
                }
                Ok(Ok(rethemed(&now, Some(splice))))
            }
            Attempt::NeedsCheck => {
                let outcome = self.update_codings(coder, |file| {
                    if let Err(why) = self.codable(to)? {
                        return Ok((Err(why), false));
                    }
                    let Some(c) = file.codings.iter_mut().find(|c| c.id == expected.id) else {
                        return Ok((Err(gone(coder)), false));
                    };
                    if *c != *expected {
                        return Ok((Err(differences(expected, c)), false));
                    }
                    c.theme = to.to_string();
                    Ok((Ok(()), true))
                })?;
                Ok(outcome.map(|()| rethemed(expected, None)))
            }
        }
    }

    /// Whether `theme` can be coded now; why not, in words.
    fn codable(&self, theme: &str) -> Checked<()> {
        match crate::lookup::codable_theme(&self.codebook()?, theme) {
            Ok(_) => Ok(Ok(())),
            Err(
                e @ (StudyError::RetiredTheme { .. }
                | StudyError::GroupTheme { .. }
                | StudyError::UnknownTheme { .. }),
            ) => Ok(Err(format!("{e} now, so the coding cannot have it again"))),
            Err(e) => Err(e),
        }
    }

    /// Undo of `add`: retires the theme, if it is current and no coder has a coding of it
    /// (checked under every coder's lock, held until the codebook is written, as a merge
    /// holds them). Redo: makes it current again. Logged as the codebook edit.
    fn retire_added(&self, coder: &str, step: Step, t: &Target) -> Result<Effect, StudyError> {
        let theme = t.theme.as_str();
        let refuse = |why: String| self.refused(coder, step, t, "", why);
        let (effect, _locks) = self.edit_codebook(coder, step.as_str(), |ed| {
            let retired = match ed.codebook().get(theme) {
                None => {
                    return Err(refuse(format!(
                        "there is no theme {theme} in the codebook now"
                    )));
                }
                Some(e) => e.retired,
            };
            let mut locks = Vec::new();
            let effect = match step {
                Step::Undo => {
                    if retired {
                        return Err(refuse(format!("{theme} is retired already")));
                    }
                    let mut used = Vec::new();
                    for c in self.coders()? {
                        let path = self.codings_path(&c)?;
                        locks.push(FileLock::acquire(&path)?);
                        let n = theme_uses(self, &path, &c, theme)?;
                        if n > 0 {
                            used.push(format!("{c} {n}"));
                        }
                    }
                    if !used.is_empty() {
                        return Err(refuse(format!(
                            "it has codings now ({}); retire it, or merge it into another \
                             theme, with `thematic codebook`",
                            used.join(", ")
                        )));
                    }
                    ed.set_retired(theme, true)
                        .map_err(|e| self.edit_error(e))?;
                    Effect::ThemeRetired {
                        theme: theme.to_string(),
                    }
                }
                Step::Redo => {
                    if !retired {
                        return Err(refuse(format!("{theme} is current already")));
                    }
                    ed.set_retired(theme, false)
                        .map_err(|e| self.edit_error(e))?;
                    Effect::ThemeRestored {
                        theme: theme.to_string(),
                    }
                }
            };
            Ok(((effect, locks), theme.to_string(), t.reference()))
        })?;
        Ok(effect)
    }

    /// Takes `expected` out of `coder`'s memo file if it is there unchanged: from its
    /// heading to the next memo's (every other byte kept), atomically, under the memo lock.
    fn remove_memo(&self, coder: &str, expected: &Memo) -> Checked<Effect> {
        let path = self.memos_path(coder)?;
        let file = format!("memos/{coder}.md");
        let _lock = FileLock::acquire(&path)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Err(format!("{file} is gone")));
            }
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return Ok(Err(format!("{file} is not valid UTF-8 now")));
        };
        let memos = parse_memos(coder, &text);
        let Some(i) = memos.iter().position(|m| m.id == expected.id) else {
            return Ok(Err(format!("it is no longer in {file}")));
        };
        let m = &memos[i];
        if (&m.when, &m.about, &m.text) != (&expected.when, &expected.about, &expected.text) {
            return Ok(Err(format!("it was edited in {file} since")));
        }
        let start = line_start(&text, m.line);
        let end = memos
            .get(i + 1)
            .map_or(text.len(), |next| line_start(&text, next.line));
        let mut out = text[..start].to_string();
        if end < text.len() {
            out.push_str(&text[end..]);
        } else {
            // The last memo: the file ends as it did before the memo was added.
            let kept = out.trim_end_matches(['\n', '\r']).len();
            out.truncate(kept);
            if !out.is_empty() {
                out.push('\n');
            }
        }
        atomic_write(&path, out.as_bytes())?;
        Ok(Ok(Effect::MemoRemoved { memo: m.clone() }))
    }
}

/// The byte where 1-based `line` of `text` starts.
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn gone(coder: &str) -> String {
    format!("it is no longer in {coder}'s codings")
}

fn same_words(coder: &str, id: &str) -> String {
    format!("{coder} has coded the same words with the same theme again since ({id})")
}

/// What differs between the coding as logged and as it is now, in words.
fn differences(logged: &Coding, now: &Coding) -> String {
    let mut out = Vec::new();
    if now.theme != logged.theme {
        out.push(format!(
            "its theme is now {} (it was {})",
            now.theme, logged.theme
        ));
    }
    let at = |c: &Coding| format!("{} turn {} [{}-{}]", c.transcript, c.turn, c.start, c.end);
    if at(now) != at(logged) {
        out.push(format!(
            "it now lies at {} (it was {})",
            at(now),
            at(logged)
        ));
    }
    if now.text != logged.text {
        out.push("its quoted text was changed".into());
    }
    if now.memo != logged.memo {
        out.push("its memo was changed".into());
    }
    if now.status != logged.status {
        out.push(match now.status.as_str() {
            "" => "it is anchored again".to_string(),
            s => format!("it is {s} now"),
        });
    }
    if now.created != logged.created {
        out.push("its created time was changed".into());
    }
    if out.is_empty() {
        out.push("its row was changed".into());
    }
    out.join("; ")
}

/// How many of `coder`'s codings (in the file at `path`, whose lock the caller holds) have
/// `theme`: a byte search for `,theme,`, and only on a hit a full read to count exactly.
fn theme_uses(
    study: &Study,
    path: &std::path::Path,
    coder: &str,
    theme: &str,
) -> Result<usize, StudyError> {
    let needle = format!(",{theme},");
    let hit = find_in_file(path, needle.as_bytes()).map_err(|e| StudyError::io(path, e))?;
    if !hit {
        return Ok(0);
    }
    Ok(study
        .codings_of(coder)?
        .codings
        .iter()
        .filter(|c| c.theme == theme)
        .count())
}

/// Whether a line of the file at `path` begins with `id,` (the header line cannot).
fn has_row_starting(path: &std::path::Path, id: &str) -> std::io::Result<bool> {
    find_in_file(path, format!("\n{id},").as_bytes())
}

/// Whether `needle` occurs in the file at `path` (missing: no), read in 1 MiB blocks.
fn find_in_file(path: &std::path::Path, needle: &[u8]) -> std::io::Result<bool> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let finder = memchr::memmem::Finder::new(needle);
    let keep = needle.len().saturating_sub(1);
    let mut buf = vec![0u8; 1 << 20];
    let mut kept = 0;
    loop {
        let n = file.read(&mut buf[kept..])?;
        if n == 0 {
            return Ok(false);
        }
        let len = kept + n;
        if finder.find(&buf[..len]).is_some() {
            return Ok(true);
        }
        // The block's last bytes again, in case the needle straddles two blocks.
        let from = len.saturating_sub(keep);
        buf.copy_within(from..len, 0);
        kept = len - from;
    }
}
