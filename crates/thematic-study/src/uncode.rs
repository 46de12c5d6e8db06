//! Removing a coding by cutting its row out of the codings file's bytes: no coding is
//! parsed but the ones removed, and every other byte is kept as it was. On 2,000
//! interviews (a 47 MB file) parsing and writing every coding again took most of a
//! second; the cut takes one read, one write and the fsync.
//!
//! A file that is not sound to append to (an unknown header, a torn last row) takes the
//! checked path instead: read, parse, rewrite ([`Study::update_codings`]), which also sets
//! a torn row aside.

use crate::StudyError;
use crate::codings::{Coding, CodingsFile, header_line};
use std::io::{Read, Seek, SeekFrom};

use crate::fsutil::{FileLock, atomic_write_with};
use crate::store::sound_to_append;
use crate::study::Study;
use crate::turn_cache::file_stamp;

/// A file's size and modification time, as [`file_stamp`] gives them.
pub type Stamp = (u64, (u64, u32));

/// Where rows were cut from a codings file, so that a caller keeping an index of the file
/// can follow the cut instead of indexing the file again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The file's stamp just before the cut.
    pub before: Stamp,
    /// The rows cut, as (offset, length) in the file before the cut, in file order.
    pub rows: Vec<(u64, u64)>,
    /// The file's stamp just after.
    pub after: Stamp,
}

/// What [`Study::uncode_with`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncoded {
    /// The coding removed (the first, if a damaged file held the id twice).
    pub coding: Coding,
    /// Where its rows were, when they were cut from the bytes; `None` when the file was
    /// rewritten whole (the checked path).
    pub cut: Option<Cut>,
}

impl Study {
    /// Removes `coder`'s coding `id` under the coder's lock and logs `uncode`, as
    /// [`Study::uncode`] does, saying where the rows were cut.
    pub fn uncode_with(&self, coder: &str, id: &str) -> Result<Option<Uncoded>, StudyError> {
        let path = self.codings_path(coder)?;
        let cut = {
            let _lock = FileLock::acquire(&path)?;
            cut_rows(&path, id)?
        };
        let removed = match cut {
            Attempt::Done(done) => done,
            Attempt::NeedsCheck => self
                .uncode_checked(coder, id)?
                .map(|coding| Uncoded { coding, cut: None }),
        };
        if let Some(u) = &removed {
            self.log_change(coder, "uncode", &u.coding.theme, &u.coding.log_detail())?;
        }
        Ok(removed)
    }

    /// The checked path: every coding read, those with `id` removed, the file rewritten.
    fn uncode_checked(&self, coder: &str, id: &str) -> Result<Option<Coding>, StudyError> {
        let removed = self.update_codings(coder, |file| {
            let (gone, kept): (Vec<Coding>, Vec<Coding>) = std::mem::take(&mut file.codings)
                .into_iter()
                .partition(|c| c.id == id);
            file.codings = kept;
            let changed = !gone.is_empty();
            Ok((gone, changed))
        })?;
        Ok(removed.into_iter().next())
    }
}

/// What an attempt to cut a coding's rows came to.
enum Attempt {
    /// Done: what was removed, `None` when the file is missing or has no such row.
    Done(Option<Uncoded>),
    /// The file needs the checked path.
    NeedsCheck,
}

/// Cuts the rows of coding `id` out of the file at `path` (the caller holds its lock).
fn cut_rows(path: &std::path::Path, id: &str) -> Result<Attempt, StudyError> {
    let header = header_line();
    if !path.exists() {
        return Ok(Attempt::Done(None));
    }
    if !sound_to_append(path, &header)? {
        return Ok(Attempt::NeedsCheck);
    }
    let before = file_stamp(path)?;
    let open = || std::fs::File::open(path).map_err(|e| StudyError::io(path, e));
    // Streamed, twice: a 47 MB file is not held in memory (a server would keep the pages).
    let rows = rows_of(std::io::BufReader::new(open()?), id);
    let Some(&(first, _)) = rows.first() else {
        return Ok(Attempt::Done(None));
    };
    // The removed rows, parsed under the file's own header line.
    let mut file = open()?;
    let mut removed = Vec::new();
    std::io::BufRead::read_until(&mut std::io::BufReader::new(&mut file), b'\n', &mut removed)
        .map_err(|e| StudyError::io(path, e))?;
    for &(offset, len) in &rows {
        let start = removed.len();
        removed.resize(start + len as usize, 0);
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut removed[start..]))
            .map_err(|e| StudyError::io(path, e))?;
    }
    let coding = CodingsFile::parse(path, &removed)?
        .codings
        .into_iter()
        .next()
        .ok_or_else(|| {
            StudyError::invalid(
                path,
                0,
                format!("the row of coding {id} at byte {first} cannot be read"),
            )
        })?;
    atomic_write_with(path, |out| {
        let mut from = std::fs::File::open(path)?;
        let mut at = 0u64;
        for &(offset, len) in &rows {
            std::io::copy(&mut (&mut from).take(offset - at), out)?;
            from.seek(SeekFrom::Start(offset + len))?;
            at = offset + len;
        }
        std::io::copy(&mut from, out)?;
        Ok(())
    })?;
    let after = file_stamp(path)?;
    Ok(Attempt::Done(Some(Uncoded {
        coding,
        cut: Some(Cut {
            before,
            rows,
            after,
        }),
    })))
}

/// The (offset, length) of each row whose first field is `id`, header skipped.
fn rows_of(bytes: impl Read, id: &str) -> Vec<(u64, u64)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    let mut first = true;
    loop {
        let at = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            // Unreadable rows are the checked path's to report; a sound file has none.
            Ok(false) | Err(_) => break,
        }
        let end = reader.position().byte();
        if std::mem::take(&mut first) {
            continue;
        }
        if record.get(0) == Some(id.as_bytes()) {
            out.push((at, end - at));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(id: &str, start: usize, memo: &str) -> Coding {
        Coding {
            id: id.into(),
            coder: "KW".into(),
            transcript: "P1".into(),
            turn: 2,
            start,
            end: start + 5,
            theme: "what-matters".into(),
            text: "words".into(),
            memo: memo.into(),
            created: "2026-12-07T10:00:00Z".into(),
            status: Default::default(),
        }
    }

    #[test]
    fn a_cut_removes_only_that_row_and_keeps_every_other_byte() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        let a = coding(
            "c-00000000000a",
            0,
            "a memo, with \"quotes\"\nand a line break",
        );
        let b = coding("c-00000000000b", 10, "");
        let c = coding("c-00000000000c", 20, "c-00000000000b, in a memo");
        for x in [&a, &b, &c] {
            study.add_coding(x).unwrap();
        }
        let path = study.codings_path("KW").unwrap();
        let old = std::fs::read(&path).unwrap();
        let done = study.uncode_with("KW", &b.id).unwrap().unwrap();
        assert_eq!(done.coding, b);
        let cut = done.cut.expect("a sound file is cut, not rewritten");
        let new = std::fs::read(&path).unwrap();
        let (offset, len) = cut.rows[0];
        let mut expected = old[..offset as usize].to_vec();
        expected.extend_from_slice(&old[(offset + len) as usize..]);
        assert_eq!(new, expected, "every other byte kept");
        assert_eq!(cut.after, file_stamp(&path).unwrap());
        assert_eq!(cut.before.0, old.len() as u64);
        assert_eq!(
            CodingsFile::read(&path).unwrap().codings,
            vec![a.clone(), c.clone()]
        );
        // Gone is gone; an unknown id changes nothing.
        assert_eq!(study.uncode_with("KW", &b.id).unwrap(), None);
        assert_eq!(std::fs::read(&path).unwrap(), new);
        // The log has one uncode row.
        let log = std::fs::read_to_string(study.root().join("changelog.csv")).unwrap();
        assert_eq!(log.matches(",uncode,").count(), 1, "{log}");
    }

    #[test]
    fn a_torn_file_takes_the_checked_path_and_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        let a = coding("c-00000000000a", 0, "");
        let b = coding("c-00000000000b", 10, "");
        study.add_coding(&a).unwrap();
        study.add_coding(&b).unwrap();
        let path = study.codings_path("KW").unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"c-0000000000ff,P1,2,50,5");
        std::fs::write(&path, &bytes).unwrap();
        let done = study.uncode_with("KW", &a.id).unwrap().unwrap();
        assert_eq!((done.coding, done.cut), (a, None));
        assert_eq!(CodingsFile::read(&path).unwrap().codings, vec![b]);
        let torn = crate::csvlog::torn_path(&path);
        assert!(
            std::fs::read_to_string(&torn)
                .unwrap()
                .contains("c-0000000000ff"),
            "the torn row is set aside, not lost"
        );
    }
}
