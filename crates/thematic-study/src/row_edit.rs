//! Removing a coding, or giving it another theme, by editing its row in the codings
//! file's bytes: no coding is parsed but the one edited, and every other byte is kept as
//! it was. On 2,000 interviews (a 47 MB file) parsing and writing every coding again took
//! most of a second; the edit takes two streamed reads, one write and the fsync.
//!
//! A file that is not sound to append to (an unknown header, a torn last row) takes the
//! checked path instead: read, parse, rewrite ([`Study::update_codings`]), which also sets
//! a torn row aside.

use std::io::{Read, Seek, SeekFrom};

use crate::StudyError;
use crate::codings::{Coding, CodingsFile, header_line, row_line};
use crate::fsutil::{FileLock, atomic_write_with};
use crate::store::sound_to_append;
use crate::study::Study;
use crate::turn_cache::file_stamp;

/// A file's size and modification time, as [`file_stamp`] gives them.
pub type Stamp = (u64, (u64, u32));

/// How a codings file's rows were edited, so that a caller keeping an index of the file can
/// follow instead of indexing the file again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// The file's stamp just before the edit.
    pub before: Stamp,
    /// The rows edited, in file order.
    pub rows: Vec<RowEdit>,
    /// The file's stamp just after.
    pub after: Stamp,
}

/// One row edited: where it was in the file before, and how long it is now (0: removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowEdit {
    /// Its offset in the file before the edit.
    pub offset: u64,
    /// Its length before.
    pub len: u64,
    /// Its length after, at the same place; 0 when it was removed.
    pub new_len: u64,
}

impl Splice {
    /// Where a byte at `offset` of the file before the edit (not inside an edited row, or
    /// at an edited row's start) is after it.
    pub fn moved(&self, offset: u64) -> u64 {
        let mut at = offset;
        for r in self.rows.iter().take_while(|r| r.offset < offset) {
            at = at + r.new_len - r.len;
        }
        at
    }
}

/// What [`Study::uncode_with`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncoded {
    /// The coding removed (the first, if a damaged file held the id twice).
    pub coding: Coding,
    /// How the file was edited; `None` when it was rewritten whole (the checked path).
    pub splice: Option<Splice>,
}

/// What [`Study::recode`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recoded {
    /// The coding, with its new theme.
    pub coding: Coding,
    /// Its theme before.
    pub old_theme: String,
    /// How the file was edited; `None` when nothing changed (the same theme) or when it was
    /// rewritten whole (the checked path).
    pub splice: Option<Splice>,
}

impl Study {
    /// Removes `coder`'s coding `id` under the coder's lock and logs `uncode`, as
    /// [`Study::uncode`] does, saying how the file was edited.
    pub fn uncode_with(&self, coder: &str, id: &str) -> Result<Option<Uncoded>, StudyError> {
        let path = self.codings_path(coder)?;
        let attempt = {
            let _lock = FileLock::acquire(&path)?;
            edit_row(&path, id, |_| Some(Vec::new()))?
        };
        let removed = match attempt {
            Attempt::Done(done) => done.map(|done| {
                let (coding, splice) = *done;
                Uncoded {
                    coding,
                    splice: Some(splice),
                }
            }),
            Attempt::NeedsCheck => self.uncode_checked(coder, id)?.map(|coding| Uncoded {
                coding,
                splice: None,
            }),
        };
        if let Some(u) = &removed {
            self.log_change_with(
                coder,
                "uncode",
                &u.coding.theme,
                &u.coding.log_detail(),
                &crate::undo::coding_data(&u.coding),
            )?;
        }
        Ok(removed)
    }

    /// Gives `coder`'s coding `id` the theme `theme` under the coder's lock (checking there
    /// that the theme can be coded, as [`Study::code`] does) and logs `recode`. `None` when
    /// the coder has no such coding; the same theme changes nothing and logs nothing.
    pub fn recode(
        &self,
        coder: &str,
        id: &str,
        theme: &str,
    ) -> Result<Option<Recoded>, StudyError> {
        let path = self.codings_path(coder)?;
        let attempt = {
            let _lock = FileLock::acquire(&path)?;
            crate::lookup::codable_theme(&self.codebook()?, theme)?;
            edit_row(&path, id, |c| {
                (c.theme != theme).then(|| {
                    let mut changed = c.clone();
                    changed.theme = theme.to_string();
                    row_line(&changed)
                })
            })?
        };
        let recoded = match attempt {
            Attempt::Done(None) => None,
            Attempt::Done(Some(done)) => {
                let (old, splice) = *done;
                let mut coding = old.clone();
                coding.theme = theme.to_string();
                Some(Recoded {
                    coding,
                    old_theme: old.theme,
                    splice: (!splice.rows.is_empty()).then_some(splice),
                })
            }
            Attempt::NeedsCheck => self.update_codings(coder, |file| {
                crate::lookup::codable_theme(&self.codebook()?, theme)?;
                let Some(c) = file.codings.iter_mut().find(|c| c.id == id) else {
                    return Ok((None, false));
                };
                let old_theme = std::mem::replace(&mut c.theme, theme.to_string());
                let changed = old_theme != c.theme;
                let coding = c.clone();
                Ok((
                    Some(Recoded {
                        coding,
                        old_theme,
                        splice: None,
                    }),
                    changed,
                ))
            })?,
        };
        if let Some(r) = &recoded
            && r.old_theme != r.coding.theme
        {
            let detail = format!("{} from {}", r.coding.log_detail(), r.old_theme);
            self.log_change_with(
                coder,
                "recode",
                &r.coding.theme,
                &detail,
                &crate::undo::coding_data(&r.coding),
            )?;
        }
        Ok(recoded)
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

/// What an attempt to edit a coding's row came to.
pub(crate) enum Attempt {
    /// Done: the coding as it was and how the file was edited (no rows when `edit` wanted
    /// no change); `None` when the file is missing or has no such row.
    Done(Option<Box<(Coding, Splice)>>),
    /// The file needs the checked path.
    NeedsCheck,
}

/// Edits the row of coding `id` in the file at `path` (the caller holds its lock): `edit`
/// says what replaces it (an empty row removes it, and with it any other row of the same
/// id, which only a damaged file has), or `None` for no change. Removal takes every row of
/// the id; a replacement only the first.
pub(crate) fn edit_row(
    path: &std::path::Path,
    id: &str,
    edit: impl FnOnce(&Coding) -> Option<Vec<u8>>,
) -> Result<Attempt, StudyError> {
    if !path.exists() {
        return Ok(Attempt::Done(None));
    }
    if !sound_to_append(path, &header_line())? {
        return Ok(Attempt::NeedsCheck);
    }
    let before = file_stamp(path)?;
    let open = || std::fs::File::open(path).map_err(|e| StudyError::io(path, e));
    // The row most often edited is the last one: a coding just made, taken back by undo or
    // by Remove. It is found in the file's last bytes, and removing it is a truncation.
    let tail = last_row_of(path, id, before.0).map_err(|e| StudyError::io(path, e))?;
    // Else streamed, twice: a 47 MB file is not held in memory (a server would keep the
    // pages).
    let rows = match tail {
        Some(row) => vec![row],
        None => rows_of(std::io::BufReader::new(open()?), id),
    };
    let Some(&(first, first_len)) = rows.first() else {
        return Ok(Attempt::Done(None));
    };
    // The first row, parsed under the file's own header line.
    let mut file = open()?;
    let mut bytes = Vec::new();
    std::io::BufRead::read_until(&mut std::io::BufReader::new(&mut file), b'\n', &mut bytes)
        .map_err(|e| StudyError::io(path, e))?;
    let start = bytes.len();
    bytes.resize(start + first_len as usize, 0);
    file.seek(SeekFrom::Start(first))
        .and_then(|_| file.read_exact(&mut bytes[start..]))
        .map_err(|e| StudyError::io(path, e))?;
    let coding = CodingsFile::parse(path, &bytes)?
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
    let Some(replacement) = edit(&coding) else {
        let splice = Splice {
            before,
            rows: Vec::new(),
            after: before,
        };
        return Ok(Attempt::Done(Some(Box::new((coding, splice)))));
    };
    if replacement.is_empty()
        && let Some((offset, len)) = tail
    {
        // One metadata change, as safe as an append: a crash leaves the old length or
        // the new one.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| StudyError::io(path, e))?;
        file.set_len(offset)
            .and_then(|()| file.sync_all())
            .map_err(|e| StudyError::io(path, e))?;
        let after = file_stamp(path)?;
        let rows = vec![RowEdit {
            offset,
            len,
            new_len: 0,
        }];
        let splice = Splice {
            before,
            rows,
            after,
        };
        return Ok(Attempt::Done(Some(Box::new((coding, splice)))));
    }
    let edits: Vec<RowEdit> = if replacement.is_empty() {
        rows.iter()
            .map(|&(offset, len)| RowEdit {
                offset,
                len,
                new_len: 0,
            })
            .collect()
    } else {
        vec![RowEdit {
            offset: first,
            len: first_len,
            new_len: replacement.len() as u64,
        }]
    };
    atomic_write_with(path, |out| {
        let mut from = std::fs::File::open(path)?;
        let mut at = 0u64;
        for e in &edits {
            std::io::copy(&mut (&mut from).take(e.offset - at), out)?;
            if e.new_len > 0 {
                std::io::Write::write_all(out, &replacement)?;
            }
            from.seek(SeekFrom::Start(e.offset + e.len))?;
            at = e.offset + e.len;
        }
        std::io::copy(&mut from, out)?;
        Ok(())
    })?;
    let after = file_stamp(path)?;
    let splice = Splice {
        before,
        rows: edits,
        after,
    };
    Ok(Attempt::Done(Some(Box::new((coding, splice)))))
}

/// The (offset, length) of the file's last row when it is coding `id`'s and on one line
/// (a row whose memo has a line break, or a last row of more than 64 KiB, is left to the
/// full scan); `len` is the file's length, which ends with a newline.
fn last_row_of(path: &std::path::Path, id: &str, len: u64) -> std::io::Result<Option<(u64, u64)>> {
    const TAIL: u64 = 64 * 1024;
    let from = len.saturating_sub(TAIL);
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut buf = Vec::with_capacity((len - from) as usize);
    file.take(len - from).read_to_end(&mut buf)?;
    let Some((&b'\n', body)) = buf.split_last() else {
        return Ok(None);
    };
    let Some(start) = memchr::memrchr(b'\n', body).map(|i| i + 1) else {
        return Ok(None); // the header, or a row longer than the bytes read
    };
    let line = &buf[start..];
    let key = [id.as_bytes(), b","].concat();
    let quotes = line.iter().filter(|&&b| b == b'"').count();
    if !line.starts_with(&key) || quotes % 2 != 0 {
        return Ok(None);
    }
    Ok(Some((from + start as u64, line.len() as u64)))
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
        let cut = done.splice.expect("a sound file is cut, not rewritten");
        let new = std::fs::read(&path).unwrap();
        let RowEdit {
            offset,
            len,
            new_len,
        } = cut.rows[0];
        assert_eq!(new_len, 0);
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
        assert_eq!((done.coding, done.splice), (a, None));
        assert_eq!(CodingsFile::read(&path).unwrap().codings, vec![b]);
        let torn = crate::csvlog::torn_path(&path);
        assert!(
            std::fs::read_to_string(&torn)
                .unwrap()
                .contains("c-0000000000ff"),
            "the torn row is set aside, not lost"
        );
    }

    #[test]
    fn a_recode_replaces_the_row_in_place_and_is_logged_once() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        let a = coding("c-00000000000a", 0, "");
        let b = coding(
            "c-00000000000b",
            10,
            "a memo, with \"quotes\"\nand a line break",
        );
        let c = coding("c-00000000000c", 20, "");
        for x in [&a, &b, &c] {
            study.add_coding(x).unwrap();
        }
        let path = study.codings_path("KW").unwrap();
        let old = std::fs::read(&path).unwrap();
        let done = study
            .recode("KW", &b.id, "goal-orientation")
            .unwrap()
            .unwrap();
        assert_eq!(done.old_theme, "what-matters");
        let mut expected_b = b.clone();
        expected_b.theme = "goal-orientation".into();
        assert_eq!(done.coding, expected_b);
        let splice = done.splice.expect("a sound file is edited in place");
        let e = splice.rows[0];
        let new = std::fs::read(&path).unwrap();
        assert_eq!(&new[..e.offset as usize], &old[..e.offset as usize]);
        assert_eq!(
            &new[(e.offset + e.new_len) as usize..],
            &old[(e.offset + e.len) as usize..],
            "the rows after it kept, in place"
        );
        assert_eq!(splice.moved(e.offset + e.len), e.offset + e.new_len);
        assert_eq!(
            CodingsFile::read(&path).unwrap().codings,
            vec![a.clone(), expected_b.clone(), c.clone()],
            "order kept"
        );
        // The same theme again changes nothing and logs nothing; a group or an unknown
        // theme is refused, and nothing is written.
        let same = study
            .recode("KW", &b.id, "goal-orientation")
            .unwrap()
            .unwrap();
        assert_eq!(same.splice, None);
        assert!(study.recode("KW", &b.id, "no-such-theme").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), new);
        assert_eq!(
            study.recode("KW", "c-0000000000ee", "empowerment").unwrap(),
            None
        );
        let log = std::fs::read_to_string(study.root().join("changelog.csv")).unwrap();
        assert_eq!(log.matches(",recode,").count(), 1, "{log}");
    }

    #[test]
    fn the_last_row_is_removed_by_truncation_and_a_multi_line_one_by_the_scan() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        let a = coding("c-00000000000a", 0, "");
        let b = coding(
            "c-00000000000b",
            10,
            "a memo\nover two lines, with \"quotes\"",
        );
        let c = coding("c-00000000000c", 20, "");
        for x in [&a, &b, &c] {
            study.add_coding(x).unwrap();
        }
        let path = study.codings_path("KW").unwrap();
        let old = std::fs::read(&path).unwrap();
        // c is the last row: the file is cut short before it, nothing else rewritten.
        let done = study.uncode_with("KW", &c.id).unwrap().unwrap();
        let e = done.splice.unwrap().rows[0];
        assert_eq!(e.offset + e.len, old.len() as u64, "it was the last row");
        assert_eq!(std::fs::read(&path).unwrap(), old[..e.offset as usize]);
        // Now b, whose memo spans two lines, is last: the scan finds it whole.
        let done = study.uncode_with("KW", &b.id).unwrap().unwrap();
        assert_eq!(done.coding, b);
        assert_eq!(CodingsFile::read(&path).unwrap().codings, vec![a]);
    }
}
