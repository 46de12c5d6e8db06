//! Append-only CSV files (codings and the change log): reading that tolerates a row torn
//! by an interrupted append, and the locked append itself.
//!
//! Appending one row is what makes `thematic code` fast in a big study: rewriting a
//! 50 MB codings file for every new coding would take a third of a second. An append is a
//! single `write` of one line followed by `fsync`, so a process killed mid-write can leave
//! at most one incomplete last line, without a line ending. Readers recognise it (the
//! final record does not parse, and the file does not end with a newline), report it and
//! leave it out; the next writer moves it to `<file>.torn.txt` — never deleting it — before
//! appending. Rows that contain a line break are never appended: they are written by an
//! atomic rewrite instead, so a torn append is always a single partial line.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::StudyError;
use crate::fsutil::atomic_write;

/// An incomplete last row, left by a write that was interrupted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteRow {
    /// 1-based line where it starts.
    pub line: usize,
    /// Byte offset where it starts.
    pub byte: u64,
    /// Its text (lossily decoded).
    pub text: String,
}

impl IncompleteRow {
    /// A warning for the user, naming the file and line.
    pub fn warning(&self, path: &Path) -> String {
        format!(
            "{}:{}: ignoring an incomplete last row left by an interrupted write (\"{}\"); \
             the next change moves it to {}",
            path.display(),
            self.line,
            preview(&self.text),
            torn_path(path).display()
        )
    }
}

fn preview(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Where incomplete rows of `path` are kept: `<file>.torn.txt` beside it.
pub fn torn_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".torn.txt");
    path.with_file_name(name)
}

/// The bytes of `path`, or none when it does not exist.
pub(crate) fn read_or_empty(path: &Path) -> Result<Vec<u8>, StudyError> {
    match std::fs::read(path) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(StudyError::io(path, e)),
    }
}

/// The rows of a file only ever replaced whole ([`read_whole_rows`]), read from `path`
/// and deserialized by column name: none when it does not exist or is empty. A row that
/// does not deserialize is an error naming its line and the columns; `complete` says
/// whether a final row without a new line was written whole.
pub(crate) fn read_whole_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    header: &[&str],
    complete: impl Fn(&T) -> bool,
) -> Result<Vec<T>, StudyError> {
    let bytes = read_or_empty(path)?;
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    read_whole_rows(
        path,
        &bytes,
        header,
        |record, line| {
            record.deserialize::<T>(None).map_err(|e| {
                StudyError::invalid(
                    path,
                    line,
                    format!("{e}; the columns are {}", header.join(",")),
                )
            })
        },
        complete,
    )
}

/// A whole CSV file: `header`, then one line per row (written with [`csv_line`]), for
/// [`crate::atomic_write`] over `path` (named in an error).
pub(crate) fn whole_file<S: serde::Serialize>(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = S>,
) -> Result<Vec<u8>, StudyError> {
    let mut bytes = header.join(",").into_bytes();
    bytes.push(b'\n');
    for r in rows {
        bytes.extend(csv_line(&r).map_err(|e| StudyError::invalid(path, 0, e.to_string()))?);
    }
    Ok(bytes)
}

/// [`read_rows`] for a file that is only ever replaced whole (under its lock, atomically):
/// no interrupted append can have torn it, so an incomplete last row is a hand edit gone
/// wrong. It is an error naming its line, never left out: the next rewrite would drop it.
pub(crate) fn read_whole_rows<T>(
    path: &Path,
    bytes: &[u8],
    header: &[&str],
    parse: impl FnMut(&csv::StringRecord, usize) -> Result<T, StudyError>,
    complete: impl Fn(&T) -> bool,
) -> Result<Vec<T>, StudyError> {
    let (rows, torn) = read_rows(path, bytes, header, parse, complete)?;
    match torn {
        None => Ok(rows),
        Some(t) => Err(StudyError::invalid(
            path,
            t.line,
            format!(
                "the last row is incomplete (\"{}\"); finish it (the columns are {}) or \
                 remove it, and end the file with a new line",
                preview(&t.text),
                header.join(",")
            ),
        )),
    }
}

/// Reads CSV `bytes` (header first, checked against `header`), turning each record into a
/// `T` with `parse(record, line)`. A final record that fails to parse — or parses but is not
/// `complete` — is an [`IncompleteRow`] when the data does not end with a newline; anywhere
/// else a bad record is an error naming its line.
pub(crate) fn read_rows<T>(
    path: &Path,
    bytes: &[u8],
    header: &[&str],
    mut parse: impl FnMut(&csv::StringRecord, usize) -> Result<T, StudyError>,
    complete: impl Fn(&T) -> bool,
) -> Result<(Vec<T>, Option<IncompleteRow>), StudyError> {
    let ends_clean = bytes.is_empty() || bytes.ends_with(b"\n");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let found = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
    if found.iter().ne(header.iter().copied()) {
        return Err(StudyError::invalid(
            path,
            1,
            format!(
                "the header must be `{}` (found `{}`)",
                header.join(","),
                found.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    // A bad record followed by nothing, in data without a final newline: a torn append.
    let mut pending: Option<(u64, usize)> = None;
    let mut record = csv::StringRecord::new();
    loop {
        let result = rdr.read_record(&mut record);
        match result {
            Ok(false) => break,
            Ok(true) => {
                let pos = record
                    .position()
                    .cloned()
                    .unwrap_or_else(csv::Position::new);
                let line = pos.line() as usize;
                match parse(&record, line) {
                    Ok(row) => rows.push((row, pos.byte(), line)),
                    Err(e) => {
                        if ends_clean {
                            return Err(e);
                        }
                        // Peek: is this the last record?
                        match rdr.read_record(&mut record) {
                            Ok(false) => {
                                pending = Some((pos.byte(), line));
                                break;
                            }
                            _ => return Err(e),
                        }
                    }
                }
            }
            Err(e) => {
                let err = csv_error(path, &e);
                if ends_clean {
                    return Err(err);
                }
                let pos = e.position().cloned().unwrap_or_else(csv::Position::new);
                match rdr.read_record(&mut record) {
                    Ok(false) => {
                        pending = Some((pos.byte(), pos.line() as usize));
                        break;
                    }
                    _ => return Err(err),
                }
            }
        }
    }
    let incomplete_at = match pending {
        Some(at) => Some(at),
        None if !ends_clean => match rows.last() {
            Some((last, byte, line)) if !complete(last) => {
                let at = (*byte, *line);
                rows.pop();
                Some(at)
            }
            _ => None,
        },
        None => None,
    };
    let incomplete = incomplete_at.map(|(byte, line)| IncompleteRow {
        line,
        byte,
        text: String::from_utf8_lossy(bytes.get(byte as usize..).unwrap_or_default()).into_owned(),
    });
    Ok((rows.into_iter().map(|(r, _, _)| r).collect(), incomplete))
}

/// Moves an incomplete last row out of `path` into `<file>.torn.txt` (appended, never
/// overwritten) and cuts it from the file. The caller holds the file's lock.
pub(crate) fn set_aside(path: &Path, incomplete: &IncompleteRow) -> Result<(), StudyError> {
    let torn = torn_path(path);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&torn)
        .map_err(|e| StudyError::io(&torn, e))?;
    writeln!(f, "{}", incomplete.text).map_err(|e| StudyError::io(&torn, e))?;
    f.sync_all().map_err(|e| StudyError::io(&torn, e))?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| StudyError::io(path, e))?;
    file.set_len(incomplete.byte)
        .map_err(|e| StudyError::io(path, e))?;
    file.sync_all().map_err(|e| StudyError::io(path, e))
}

/// Appends `row` (complete lines, each ending in `\n`) to the CSV file at `path`, creating
/// it with `header_line` when missing or empty. The caller holds the file's lock and has
/// made sure the file ends with a newline (see [`read_rows`] and [`set_aside`]).
pub(crate) fn append(path: &Path, header_line: &[u8], row: &[u8]) -> Result<(), StudyError> {
    let len = std::fs::metadata(path).map_or(0, |m| m.len());
    if len == 0 {
        let mut bytes = header_line.to_vec();
        bytes.extend_from_slice(row);
        return atomic_write(path, &bytes);
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| StudyError::io(path, e))?;
    // One write call: a kill can tear only this row, which readers then recognise.
    f.write_all(row).map_err(|e| StudyError::io(path, e))?;
    f.sync_data().map_err(|e| StudyError::io(path, e))
}

/// Whether the file at `path` is missing, empty or ends with a newline (reads one byte).
pub(crate) fn ends_with_newline(path: &Path) -> Result<bool, StudyError> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(StudyError::io(path, e)),
    };
    let len = f.metadata().map_err(|e| StudyError::io(path, e))?.len();
    if len == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::Start(len - 1))
        .map_err(|e| StudyError::io(path, e))?;
    let mut last = [0u8; 1];
    std::io::Read::read_exact(&mut f, &mut last).map_err(|e| StudyError::io(path, e))?;
    Ok(last[0] == b'\n')
}

/// One CSV line for `record`, ending in `\n`.
pub(crate) fn csv_line<S: serde::Serialize>(record: &S) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.serialize(record)?;
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// A CSV error as a study error with its line and a plain-words message.
pub(crate) fn csv_error(path: &Path, e: &csv::Error) -> StudyError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!(
                "this row has {len} fields but the header has {expected_len}; check for an unquoted comma"
            )
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8; save the file as UTF-8 CSV".into(),
        _ => e.to_string(),
    };
    StudyError::invalid(path, line, message)
}
