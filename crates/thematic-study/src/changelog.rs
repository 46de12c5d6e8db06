//! The study's change log, `changelog.csv`: who changed the codebook or the codings, when,
//! and what — so a merge can be traced in the write-up, and so `thematic undo` knows what
//! to undo.
//!
//! Columns: `when` (RFC 3339 UTC), `who`, `action` (`add`, `rename`, `move`, `merge`,
//! `retire`, `restore`, `import`, `code`, `uncode`, `recode`, `memo`, `undo`, `redo`, …),
//! `theme` (the id acted on), `detail` (what changed, in words, with counts) and `data`
//! (what undo needs to bring back what the row changed, as JSON on one line; see
//! [`Change::data`]). Logs written before `data` existed (five columns) are read as they are
//! and gain the column, empty in their old rows, the next time a row is added.
//!
//! Every row is one line, so a torn append is one partial line and a git merge of two
//! people's rows keeps both sets of lines.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::csvlog::{append, csv_line, ends_with_newline, read_rows, set_aside};
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;

/// The change log's file name, in the study root.
pub const CHANGELOG_FILE: &str = "changelog.csv";

/// One line of the change log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// When, RFC 3339 UTC.
    pub when: String,
    /// Who (the acting coder, else the login name).
    pub who: String,
    /// What kind of change.
    pub action: String,
    /// The theme id acted on.
    pub theme: String,
    /// What changed, in words.
    pub detail: String,
    /// What undo and redo need, as JSON on one line: for `code`, `uncode` and `recode` the
    /// coding (as the action left it; for `uncode`, as it was removed), for `memo` the
    /// memo (`id`, `when`, `about`, `target`, `text`), for `undo` and `redo` the `data` of
    /// the row they undid or redid. Empty for other actions and in rows written before the
    /// column existed.
    #[serde(default)]
    pub data: String,
}

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Second).unwrap_or(now).to_string()
}

/// The change log's columns.
const COLUMNS: [&str; 6] = ["when", "who", "action", "theme", "detail", "data"];

/// The columns of a log written before `data` existed.
const OLD_COLUMNS: usize = 5;

impl Study {
    /// Appends a change to `changelog.csv`: under a lock, one appended line (see
    /// the `csvlog` module), so logging stays cheap however long the log grows.
    pub fn log_change(
        &self,
        who: &str,
        action: &str,
        theme: &str,
        detail: &str,
    ) -> Result<(), StudyError> {
        self.log_change_with(who, action, theme, detail, "")
    }

    /// [`Study::log_change`] with the row's [`Change::data`]. A log without the `data`
    /// column is given it first (one rewrite, atomic, old rows' `data` empty).
    pub fn log_change_with(
        &self,
        who: &str,
        action: &str,
        theme: &str,
        detail: &str,
        data: &str,
    ) -> Result<(), StudyError> {
        self.log_rows(who, action, &[(theme, detail, data)])
    }

    /// Logs one row per `(theme, detail)` under one `who` and `action`, in one locked
    /// append: what `suggestions accept --all` writes for thousands of suggestions at once
    /// (one append and one flush, not one per row).
    pub fn log_changes(
        &self,
        who: &str,
        action: &str,
        rows: &[(&str, &str)],
    ) -> Result<(), StudyError> {
        let rows: Vec<(&str, &str, &str)> = rows.iter().map(|&(t, d)| (t, d, "")).collect();
        self.log_rows(who, action, &rows)
    }

    /// Appends `rows` (theme, detail, data) to the change log under its lock, as one write.
    fn log_rows(
        &self,
        who: &str,
        action: &str,
        rows: &[(&str, &str, &str)],
    ) -> Result<(), StudyError> {
        if rows.is_empty() {
            return Ok(());
        }
        let path = self.changelog_path();
        let _lock = FileLock::acquire(&path)?;
        let when = now_rfc3339();
        let mut row = Vec::new();
        for &(theme, detail, data) in rows {
            let change = Change {
                when: when.clone(),
                who: who.to_string(),
                action: action.to_string(),
                theme: theme.to_string(),
                detail: detail.to_string(),
                data: data.to_string(),
            };
            row.extend(
                csv_line(&change).map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?,
            );
        }
        let mut header = COLUMNS.join(",").into_bytes();
        header.push(b'\n');
        let old_header = has_old_header(&path)?;
        if old_header || !ends_with_newline(&path)? {
            // An old log, an interrupted append or a hand edit: set a torn row aside, end a
            // whole one, upgrade an old one.
            let bytes = std::fs::read(&path).map_err(|e| StudyError::io(&path, e))?;
            let (changes, torn) = read_log(&path, &bytes)?;
            if let Some(torn) = &torn {
                set_aside(&path, torn)?;
            }
            if old_header {
                let mut out = header.clone();
                for c in &changes {
                    out.extend(
                        csv_line(c).map_err(|e| StudyError::invalid(&path, 0, e.to_string()))?,
                    );
                }
                atomic_write(&path, &out)?;
            } else if torn.is_none() {
                append(&path, b"", b"\n")?;
            }
        }
        append(&path, &header, &row)
    }

    /// `changelog.csv` in the study root.
    pub fn changelog_path(&self) -> std::path::PathBuf {
        self.root().join(CHANGELOG_FILE)
    }

    /// The change log, oldest first (empty when there is none). An incomplete last row
    /// left by an interrupted write is left out.
    pub fn changes(&self) -> Result<Vec<Change>, StudyError> {
        let path = self.changelog_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        Ok(read_log(&path, &bytes)?.0)
    }

    /// The rows after the one at byte `offset` of the change log, oldest first (for saying
    /// what happened since a row; an unreadable row ends the list).
    pub(crate) fn changes_after(&self, offset: u64) -> Result<Vec<Change>, StudyError> {
        let path = self.changelog_path();
        let mut file = std::fs::File::open(&path).map_err(|e| StudyError::io(&path, e))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| StudyError::io(&path, e))?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::BufReader::new(file));
        let mut out = Vec::new();
        for record in rdr.records().skip(1) {
            match record {
                Ok(r) if r.len() >= OLD_COLUMNS => out.push(change_of(&r)),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// Whether the log at `path` begins with the five-column header of logs written before
/// the `data` column (two small reads).
fn has_old_header(path: &Path) -> Result<bool, StudyError> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StudyError::io(path, e)),
    };
    let old = COLUMNS[..OLD_COLUMNS].join(",");
    let mut start = Vec::with_capacity(old.len() + 2);
    (&mut f)
        .take(old.len() as u64 + 2)
        .read_to_end(&mut start)
        .map_err(|e| StudyError::io(path, e))?;
    let rest = start.strip_prefix(old.as_bytes());
    Ok(rest.is_some_and(|r| r.starts_with(b"\n") || r.starts_with(b"\r\n")))
}

/// A record of the log as a [`Change`] (a five-column one has empty `data`).
fn change_of(record: &csv::StringRecord) -> Change {
    let field = |i: usize| record.get(i).unwrap_or_default().to_string();
    Change {
        when: field(0),
        who: field(1),
        action: field(2),
        theme: field(3),
        detail: field(4),
        data: field(5),
    }
}

/// Whether a row read from the log is whole: a torn append cut inside the last column
/// cannot be told from a short value, so the first column (a timestamp) is checked, and
/// `data`, when there is some, must be whole JSON.
fn complete(c: &Change) -> bool {
    c.when.parse::<jiff::Timestamp>().is_ok()
        && (c.data.is_empty() || serde_json::from_str::<serde::de::IgnoredAny>(&c.data).is_ok())
}

fn read_log(
    path: &Path,
    bytes: &[u8],
) -> Result<(Vec<Change>, Option<crate::csvlog::IncompleteRow>), StudyError> {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first_line = first_line.strip_suffix(b"\r").unwrap_or(first_line);
    let columns = if first_line == COLUMNS[..OLD_COLUMNS].join(",").as_bytes() {
        &COLUMNS[..OLD_COLUMNS]
    } else {
        &COLUMNS[..]
    };
    read_rows(
        path,
        bytes,
        columns,
        |record, _| Ok(change_of(record)),
        complete,
    )
}

/// The change log read backwards, a row at a time from its end, in blocks, so that undo
/// looks at the last rows of a long log without reading the rest.
///
/// A row's end is found by counting quotes: a line break is the end of a row exactly when
/// the quotes between it and the next row's end are even in number (inside a quoted field
/// an odd number of quotes follows it: the closing one and doubled pairs).
#[derive(Debug)]
pub(crate) struct Backwards {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
    /// `buf` holds the file's bytes from `lo` up to the end of the next row to give.
    buf: Vec<u8>,
    lo: u64,
    /// Whether the next row is the file's last (which may be torn).
    last: bool,
    /// Whether a row has been looked for.
    started: bool,
}

impl Backwards {
    /// The log of `study`, from its end (no rows when there is no log).
    pub(crate) fn open(study: &Study) -> Result<Backwards, StudyError> {
        let path = study.changelog_path();
        let (file, len) = match std::fs::File::open(&path) {
            Ok(f) => {
                let len = f.metadata().map_err(|e| StudyError::io(&path, e))?.len();
                (Some(f), len)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, 0),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        Ok(Backwards {
            path,
            file,
            buf: Vec::new(),
            lo: len,
            last: true,
            started: false,
        })
    }

    /// The next row back (with its byte offset) whose `who` is `who`, skipping the others
    /// without parsing them; `None` at the header. A torn last row is skipped.
    pub(crate) fn next_by(&mut self, who: &str) -> Result<Option<(u64, Change)>, StudyError> {
        loop {
            let last = std::mem::replace(&mut self.last, false);
            let Some((offset, bytes)) = self.next_raw()? else {
                return Ok(None);
            };
            if !by(&bytes, who) {
                continue;
            }
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let mut record = csv::StringRecord::new();
            let parsed = rdr.read_record(&mut record);
            let change = match parsed {
                Ok(true) if record.len() >= OLD_COLUMNS => Some(change_of(&record)),
                _ => None,
            };
            match change {
                Some(c) if !last || bytes.ends_with(b"\n") || complete(&c) => {
                    if c.who == who {
                        return Ok(Some((offset, c)));
                    }
                }
                // A torn last row: left out, as a forward read leaves it out.
                _ if last && !bytes.ends_with(b"\n") => {}
                _ => {
                    return Err(StudyError::invalid(
                        &self.path,
                        0,
                        format!(
                            "the row at byte {offset} cannot be read; the columns are {}",
                            COLUMNS.join(",")
                        ),
                    ));
                }
            }
        }
    }

    /// The bytes of the next row back, with its offset; `None` once only the header is
    /// left.
    fn next_raw(&mut self) -> Result<Option<(u64, Vec<u8>)>, StudyError> {
        let Some(file) = self.file.as_mut() else {
            return Ok(None);
        };
        if !std::mem::replace(&mut self.started, true) && self.lo > 0 {
            // A file that does not end with a line break ends with a row we appended (one
            // line: maybe torn, so its quotes cannot be trusted) or a hand edit.
            let more = self.lo.min(64 * 1024);
            let mut block = vec![0u8; more as usize];
            file.seek(SeekFrom::Start(self.lo - more))
                .and_then(|_| file.read_exact(&mut block))
                .map_err(|e| StudyError::io(&self.path, e))?;
            self.lo -= more;
            self.buf = block;
            if self.buf.last() != Some(&b'\n')
                && let Some(nl) = memchr::memrchr(b'\n', &self.buf)
            {
                let row = self.buf.split_off(nl + 1);
                return Ok(Some((self.lo + nl as u64 + 1, row)));
            }
        }
        loop {
            let hi = self.buf.len();
            if hi == 0 && self.lo == 0 {
                return Ok(None);
            }
            // Skip the row's own line ending, then look back for the previous one.
            let mut i = hi;
            if i > 0 && self.buf[i - 1] == b'\n' {
                i -= 1;
            }
            let mut quotes = 0usize;
            let mut start = None;
            while i > 0 {
                match self.buf[i - 1] {
                    b'"' => quotes += 1,
                    b'\n' if quotes.is_multiple_of(2) => {
                        start = Some(i);
                        break;
                    }
                    _ => {}
                }
                i -= 1;
            }
            match start {
                Some(s) => {
                    let row = self.buf.split_off(s);
                    return Ok(Some((self.lo + s as u64, row)));
                }
                // The file's first line is the header.
                None if self.lo == 0 => {
                    self.buf.clear();
                    return Ok(None);
                }
                None => {
                    let more = (self.buf.len() as u64).max(64 * 1024).min(self.lo);
                    let new_lo = self.lo - more;
                    let mut block = vec![0u8; more as usize];
                    file.seek(SeekFrom::Start(new_lo))
                        .and_then(|_| file.read_exact(&mut block))
                        .map_err(|e| StudyError::io(&self.path, e))?;
                    block.extend_from_slice(&self.buf);
                    self.buf = block;
                    self.lo = new_lo;
                }
            }
        }
    }
}

/// Whether the raw row `bytes` may be by `who`: its second field is `who` (a field that
/// starts with a quote is left to the parser).
fn by(bytes: &[u8], who: &str) -> bool {
    let Some(comma) = memchr::memchr(b',', bytes) else {
        return false;
    };
    let rest = &bytes[comma + 1..];
    rest.starts_with(b"\"")
        || (rest.starts_with(who.as_bytes()) && rest.get(who.len()) == Some(&b','))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &crate::InitOptions::new("t")).unwrap();
        (dir, study)
    }

    #[test]
    fn an_old_log_without_the_data_column_reads_and_is_upgraded_on_the_next_row() {
        let (_d, study) = study();
        let old = "when,who,action,theme,detail\n\
                   2026-11-21T22:32:16Z,KW,add,x,\"added \"\"X\"\" as a root\"\n\
                   2026-11-21T23:23:53Z,KW,code,x,c-1 P6 turn 10 [1851-1882]\n";
        std::fs::write(study.changelog_path(), old).unwrap();
        let read = study.changes().unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].detail, "added \"X\" as a root");
        assert_eq!(read[1].data, "");
        let mut back = Backwards::open(&study).unwrap();
        assert_eq!(back.next_by("KW").unwrap().unwrap().1, read[1]);
        assert_eq!(back.next_by("KW").unwrap().unwrap().1, read[0]);
        assert_eq!(back.next_by("KW").unwrap(), None);

        study
            .log_change_with("KW", "uncode", "x", "c-1 P6", "{\"id\":\"c-1\"}")
            .unwrap();
        let text = std::fs::read_to_string(study.changelog_path()).unwrap();
        assert!(
            text.starts_with(
                "when,who,action,theme,detail,data\n\
                 2026-11-21T22:32:16Z,KW,add,x,\"added \"\"X\"\" as a root\",\n\
                 2026-11-21T23:23:53Z,KW,code,x,c-1 P6 turn 10 [1851-1882],\n"
            ),
            "{text}"
        );
        let read = study.changes().unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[2].data, "{\"id\":\"c-1\"}");
    }

    #[test]
    fn reading_backwards_gives_the_rows_a_forward_read_gives_reversed() {
        let (_d, study) = study();
        // Quoted commas, doubled quotes and a line break inside a field (a hand edit).
        for (who, detail) in [
            ("KW", "plain"),
            ("AB", "a, comma"),
            ("KW", "a \"quote\""),
            ("KW", "two\nlines, \"quoted\"\n"),
            ("K W", "another who, with a space"),
        ] {
            study
                .log_change_with(who, "code", "t", detail, "{\"k\":\"v, \\\"w\\\"\"}")
                .unwrap();
        }
        // A log longer than a block, so that it is read in several.
        let mut rows = String::new();
        for i in 0..3000 {
            rows.push_str(&format!("2026-12-07T10:00:00Z,AB,code,t,row {i},\n"));
        }
        let mut bytes = std::fs::read(study.changelog_path()).unwrap();
        bytes.extend_from_slice(rows.as_bytes());
        std::fs::write(study.changelog_path(), bytes).unwrap();
        study.log_change("KW", "code", "t", "the last").unwrap();
        let forward: Vec<Change> = study
            .changes()
            .unwrap()
            .into_iter()
            .filter(|c| c.who == "KW")
            .collect();
        let mut back = Backwards::open(&study).unwrap();
        let mut backward = Vec::new();
        while let Some((offset, c)) = back.next_by("KW").unwrap() {
            let bytes = std::fs::read(study.changelog_path()).unwrap();
            assert!(bytes[offset as usize..].starts_with(c.when.as_bytes()));
            backward.push(c);
        }
        backward.reverse();
        assert_eq!(backward, forward);
        assert_eq!(forward.len(), 4);
    }

    #[test]
    fn a_torn_last_row_is_skipped_backwards_and_set_aside_forwards() {
        let (_d, study) = study();
        study
            .log_change_with("KW", "code", "t", "c-1", "{\"id\":\"c-1\"}")
            .unwrap();
        let whole = std::fs::read(study.changelog_path()).unwrap();
        study
            .log_change_with("KW", "code", "t", "c-2", "{\"id\":\"c-2\"}")
            .unwrap();
        let full = std::fs::read(study.changelog_path()).unwrap();
        // Cut the last row inside its JSON: forward and backward reads leave it out.
        let cut = &full[..full.len() - 6];
        std::fs::write(study.changelog_path(), cut).unwrap();
        assert_eq!(study.changes().unwrap().len(), 1);
        let mut back = Backwards::open(&study).unwrap();
        assert_eq!(back.next_by("KW").unwrap().unwrap().1.detail, "c-1");
        assert_eq!(back.next_by("KW").unwrap(), None);
        // The next row sets it aside.
        study.log_change("KW", "add", "t", "added").unwrap();
        let now = std::fs::read(study.changelog_path()).unwrap();
        assert!(now.starts_with(&whole));
        assert_eq!(study.changes().unwrap().len(), 2);
    }
}
