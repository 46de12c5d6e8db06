//! Counting one codings file for progress without reading its codings: only the
//! `transcript`, `turn` and `status` columns of each row are looked at, as raw bytes, so a
//! 47 MB file of 325,000 codings is counted without building 325,000 `Coding`s (their text
//! and memos are most of the bytes).
//!
//! The rules are [`CodingsFile::read`](crate::CodingsFile::read)'s: the header names the
//! columns; an incomplete last row left by an interrupted append (the file does not end in a
//! line break) is left out; any other row that cannot be read is an error naming its line.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::csvlog::csv_error;
use crate::error::StudyError;

use super::Tally;

/// Per transcript, `path`'s codings (autocode suggestions left out): none when the file
/// does not exist.
pub(super) fn tally_file(path: &Path) -> Result<BTreeMap<String, Tally>, StudyError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(StudyError::io(path, e)),
    };
    if bytes.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ends_clean = bytes.ends_with(b"\n");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let header = rdr.byte_headers().map_err(|e| csv_error(path, &e))?.clone();
    let column = |name: &str| header.iter().position(|h| h == name.as_bytes());
    let (Some(transcript), Some(turn)) = (column("transcript"), column("turn")) else {
        return Err(StudyError::invalid(
            path,
            1,
            "the header has no `transcript` or `turn` column; see `thematic check`",
        ));
    };
    let status = column("status");
    let mut per: HashMap<Vec<u8>, (BTreeSet<usize>, usize)> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let read = rdr.read_byte_record(&mut record);
        let line = record.position().map_or(0, |p| p.line() as usize);
        let row = match read {
            Ok(false) => break,
            Ok(true) => parse(&record, transcript, turn, status)
                .map_err(|m| StudyError::invalid(path, line, m)),
            Err(e) => Err(csv_error(path, &e)),
        };
        let failed = match row {
            Ok(None) => None,
            Ok(Some((t, n))) => {
                match per.get_mut(t) {
                    Some(entry) => {
                        entry.0.insert(n);
                        entry.1 += 1;
                    }
                    None => {
                        per.insert(t.to_vec(), (BTreeSet::from([n]), 1));
                    }
                }
                None
            }
            Err(e) => Some(e),
        };
        if let Some(e) = failed {
            // A torn last row: left out, as the codings store leaves it out.
            if !ends_clean && matches!(rdr.read_byte_record(&mut record), Ok(false)) {
                break;
            }
            return Err(e);
        }
    }
    Ok(per
        .into_iter()
        .map(|(t, (turns, codings))| {
            let tally = Tally {
                turns: turns.len(),
                codings,
            };
            (String::from_utf8_lossy(&t).into_owned(), tally)
        })
        .collect())
}

/// A row's transcript and turn; `None` for an autocode suggestion.
fn parse(
    record: &csv::ByteRecord,
    transcript: usize,
    turn: usize,
    status: Option<usize>,
) -> Result<Option<(&[u8], usize)>, String> {
    let status = status.and_then(|s| record.get(s)).unwrap_or_default();
    if matches!(status, b"suggested" | b"accepted" | b"rejected") {
        return Ok(None);
    }
    let (Some(t), Some(n)) = (record.get(transcript), record.get(turn)) else {
        return Err("this row has too few fields".into());
    };
    let n = std::str::from_utf8(n)
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .ok_or_else(|| format!("turn \"{}\" is not a number", String::from_utf8_lossy(n)))?;
    Ok(Some((t, n)))
}
