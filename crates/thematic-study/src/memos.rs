//! Memos and the reflexive journal: `memos/<coder>.md`, one dated Markdown file per coder.
//!
//! Each memo is a level-2 heading followed by its text:
//!
//! ```markdown
//! ## 2026-11-21T10:15:00Z · theme what-matters · m-5f2a9c01d3e7
//!
//! Participants keep returning to "what matters to them" — a value, not a technique?
//! ```
//!
//! The heading gives when (RFC 3339 UTC), what the memo is about (`journal`, `theme ID`,
//! `transcript ID` or `coding ID`) and the memo's id. The text is free Markdown; a text line
//! that would read as a memo heading is written with a leading backslash. Memos are
//! appended under the coder's lock, so concurrent writers lose nothing, and the file reads
//! well on its own, in git or any Markdown viewer.

use std::path::PathBuf;

use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;

/// What a memo is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemoAbout {
    /// The coder's reflexive journal.
    Journal,
    /// A theme (codebook id).
    Theme(String),
    /// A transcript (id).
    Transcript(String),
    /// A coding (id).
    Coding(String),
}

impl MemoAbout {
    /// `journal`, `theme`, `transcript` or `coding`.
    pub fn kind(&self) -> &'static str {
        match self {
            MemoAbout::Journal => "journal",
            MemoAbout::Theme(_) => "theme",
            MemoAbout::Transcript(_) => "transcript",
            MemoAbout::Coding(_) => "coding",
        }
    }

    /// The id it is about (empty for the journal).
    pub fn target(&self) -> &str {
        match self {
            MemoAbout::Journal => "",
            MemoAbout::Theme(t) | MemoAbout::Transcript(t) | MemoAbout::Coding(t) => t,
        }
    }

    fn heading(&self) -> String {
        match self {
            MemoAbout::Journal => "journal".into(),
            other => format!("{} {}", other.kind(), other.target()),
        }
    }

    fn parse(s: &str) -> Option<MemoAbout> {
        let s = s.trim();
        if s == "journal" {
            return Some(MemoAbout::Journal);
        }
        let (kind, target) = s.split_once(' ')?;
        let target = target.trim().to_string();
        if target.is_empty() || target.contains(char::is_whitespace) {
            return None;
        }
        match kind {
            "theme" => Some(MemoAbout::Theme(target)),
            "transcript" => Some(MemoAbout::Transcript(target)),
            "coding" => Some(MemoAbout::Coding(target)),
            _ => None,
        }
    }
}

/// One memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Memo {
    /// `m-` and 12 hex digits.
    pub id: String,
    /// Whose memo (the file name).
    pub coder: String,
    /// When, RFC 3339 UTC.
    pub when: String,
    /// What it is about.
    pub about: MemoAbout,
    /// The text (Markdown).
    pub text: String,
    /// The line of its heading in the file.
    pub line: usize,
}

const SEP: &str = " · ";

impl Memo {
    fn to_markdown(&self) -> String {
        let mut out = format!(
            "## {}{SEP}{}{SEP}{}\n\n",
            self.when,
            self.about.heading(),
            self.id
        );
        for line in self.text.trim_matches('\n').lines() {
            let escaped =
                line.starts_with('\\') && line.trim_start_matches('\\').starts_with("## ");
            if parse_heading(line).is_some() || escaped {
                out.push('\\');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
        out
    }
}

/// `(when, about, id)` when `line` is a memo heading.
fn parse_heading(line: &str) -> Option<(String, MemoAbout, String)> {
    let rest = line.strip_prefix("## ")?;
    let mut parts = rest.split(SEP);
    let (when, about, id) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let id = id.trim();
    when.trim().parse::<jiff::Timestamp>().ok()?;
    if !id.starts_with("m-") || id.contains(char::is_whitespace) {
        return None;
    }
    Some((
        when.trim().to_string(),
        MemoAbout::parse(about)?,
        id.to_string(),
    ))
}

/// Parses a memo file's text.
pub fn parse_memos(coder: &str, text: &str) -> Vec<Memo> {
    let mut memos: Vec<Memo> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let finish = |memos: &mut Vec<Memo>, body: &mut Vec<&str>| {
        if let Some(m) = memos.last_mut() {
            let text: Vec<String> = body
                .iter()
                .map(|l| {
                    l.strip_prefix('\\')
                        .filter(|r| r.trim_start_matches('\\').starts_with("## "))
                        .unwrap_or(l)
                })
                .map(str::to_string)
                .collect();
            m.text = text.join("\n").trim_matches('\n').to_string();
        }
        body.clear();
    };
    for (i, line) in text.lines().enumerate() {
        if let Some((when, about, id)) = parse_heading(line) {
            finish(&mut memos, &mut body);
            memos.push(Memo {
                id,
                coder: coder.to_string(),
                when,
                about,
                text: String::new(),
                line: i + 1,
            });
        } else if !memos.is_empty() {
            body.push(line);
        }
    }
    finish(&mut memos, &mut body);
    memos
}

/// A new memo id: `m-` and 12 hex digits.
pub fn new_memo_id() -> String {
    let id = crate::store::new_coding_id();
    format!("m-{}", &id[2..])
}

impl Study {
    /// `memos/<coder>.md`.
    pub fn memos_path(&self, coder: &str) -> Result<PathBuf, StudyError> {
        let codings = self.codings_path(coder)?; // validates the name
        let name = codings.file_stem().unwrap_or_default().to_string_lossy();
        Ok(self.memos_dir().join(format!("{name}.md")))
    }

    /// Adds a memo by `coder` about `about` (already checked by the caller), under the
    /// coder's memo lock, and logs `memo` (so `thematic undo` can take it out again).
    /// Returns it.
    pub fn add_memo(&self, coder: &str, about: MemoAbout, text: &str) -> Result<Memo, StudyError> {
        let path = self.memos_path(coder)?;
        if text.trim().is_empty() {
            return Err(StudyError::invalid(
                &path,
                0,
                "the memo is empty; give its text",
            ));
        }
        let memo = Memo {
            id: new_memo_id(),
            coder: coder.to_string(),
            when: crate::now_rfc3339(),
            about,
            text: text.trim_matches('\n').to_string(),
            line: 0,
        };
        self.append_memos(coder, std::slice::from_ref(&memo))?;
        let theme = match &memo.about {
            MemoAbout::Theme(t) => t.as_str(),
            _ => "",
        };
        let detail = format!("{} {}", memo.id, memo.about.heading());
        self.log_change_with(
            coder,
            "memo",
            theme,
            &detail,
            &crate::undo::memo_data(&memo),
        )?;
        Ok(memo)
    }

    /// Appends `memos` to `coder`'s memo file, under its lock: the file's existing bytes are
    /// kept exactly as they are (hand edits included) and the whole is replaced atomically.
    /// A memo whose id the file already holds is not added again (checked under the lock, so
    /// two processes adding the same memos add them once). Returns how many were added.
    pub fn append_memos(&self, coder: &str, memos: &[Memo]) -> Result<usize, StudyError> {
        let path = self.memos_path(coder)?;
        std::fs::create_dir_all(self.memos_dir())
            .map_err(|e| StudyError::io(self.memos_dir(), e))?;
        let _lock = FileLock::acquire(&path)?;
        let mut out = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        let known: std::collections::BTreeSet<String> =
            parse_memos(coder, &String::from_utf8_lossy(&out))
                .into_iter()
                .map(|m| m.id)
                .collect();
        let memos: Vec<&Memo> = memos.iter().filter(|m| !known.contains(&m.id)).collect();
        if memos.is_empty() {
            return Ok(0);
        }
        if out.iter().all(u8::is_ascii_whitespace) {
            out = format!("# Memos by {coder}\n\n").into_bytes();
        } else {
            while out.last().is_some_and(|&b| b == b'\n') {
                out.pop();
            }
            out.extend_from_slice(b"\n\n");
        }
        for m in &memos {
            out.extend_from_slice(m.to_markdown().as_bytes());
        }
        while out.ends_with(b"\n\n") {
            out.pop();
        }
        atomic_write(&path, &out)?;
        Ok(memos.len())
    }

    /// One coder's memos, in file order (none when the file does not exist).
    pub fn memos_of(&self, coder: &str) -> Result<Vec<Memo>, StudyError> {
        let path = self.memos_path(coder)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(parse_memos(coder, &String::from_utf8_lossy(&b))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(StudyError::io(&path, e)),
        }
    }

    /// The coders with a memo file, in natural order.
    pub fn memo_coders(&self) -> Result<Vec<String>, StudyError> {
        crate::store::coder_files(&self.memos_dir(), "md")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memos_round_trip_through_markdown_with_awkward_text() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &crate::InitOptions::new("t")).unwrap();
        let tricky = "First line.\n\n## 2026-01-01T00:00:00Z · journal · m-000000000000\nlooks like a heading\n\\## already escaped";
        let a = study
            .add_memo("KW", MemoAbout::Theme("what-matters".into()), tricky)
            .unwrap();
        let b = study
            .add_memo("KW", MemoAbout::Journal, "Day two: tired.")
            .unwrap();
        let memos = study.memos_of("KW").unwrap();
        assert_eq!(memos.len(), 2, "{memos:?}");
        assert_eq!(memos[0].text, tricky);
        assert_eq!(memos[0].id, a.id);
        assert_eq!(memos[0].about, MemoAbout::Theme("what-matters".into()));
        assert_eq!(memos[1].text, "Day two: tired.");
        assert_eq!(memos[1].id, b.id);
        let file = std::fs::read_to_string(study.memos_path("KW").unwrap()).unwrap();
        assert!(file.starts_with("# Memos by KW\n\n## "), "{file}");
        assert!(file.contains("\n\\## 2026-01-01T00:00:00Z"), "{file}");
    }

    #[test]
    fn a_hand_written_preamble_and_edits_survive_an_append() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &crate::InitOptions::new("t")).unwrap();
        let path = study.memos_path("KW").unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            "# My journal\n\nNotes to self.\n\n## 2026-11-20T09:00:00Z · transcript P6 · m-aaaaaaaaaaaa\n\nEdited by hand.\n",
        )
        .unwrap();
        study
            .add_memo("KW", MemoAbout::Coding("c-1".into()), "on a coding")
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# My journal\n\nNotes to self.\n\n## 2026-11-20T09:00:00Z · transcript P6 · m-aaaaaaaaaaaa\n\nEdited by hand.\n\n## "), "{text}");
        let memos = study.memos_of("KW").unwrap();
        assert_eq!(memos.len(), 2);
        assert_eq!(memos[0].text, "Edited by hand.");
        assert_eq!(memos[1].about, MemoAbout::Coding("c-1".into()));
    }

    #[test]
    fn an_empty_memo_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &crate::InitOptions::new("t")).unwrap();
        assert!(study.add_memo("KW", MemoAbout::Journal, "  \n").is_err());
        assert!(!study.memos_path("KW").unwrap().exists());
    }
}
