//! The codings store: one `codings/<coder>.csv` per coder, read and rewritten under a lock.

use std::path::{Path, PathBuf};

use crate::codings::{Coding, CodingsFile, header_line, row_line};
use crate::csvlog::{append, csv_line, set_aside};
use crate::current::Fit;
use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::study::Study;
use crate::transcripts::natural_cmp;

/// The coders with a `<coder>.<ext>` file (extension in any case) in `dir`, in natural
/// order; none when `dir` does not exist.
pub(crate) fn coder_files(dir: &Path, ext: &str) -> Result<Vec<String>, StudyError> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(StudyError::io(dir, e)),
    };
    for entry in entries {
        let path = entry.map_err(|e| StudyError::io(dir, e))?.path();
        let matches = path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case(ext));
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if matches && valid_coder(&stem) {
            out.push(stem);
        }
    }
    out.sort_by(|a, b| natural_cmp(a, b));
    Ok(out)
}

/// Whether `name` can be a coder: letters, digits, `.`, `_` and `-`, not starting with a dot,
/// at most 64 characters (it becomes a file name).
pub fn valid_coder(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl Study {
    /// `codings/<coder>.csv`.
    pub fn codings_path(&self, coder: &str) -> Result<PathBuf, StudyError> {
        if !valid_coder(coder) {
            return Err(StudyError::invalid(
                self.codings_dir(),
                0,
                format!(
                    "\"{coder}\" cannot be a coder name: use letters, digits, '.', '_' or '-' (e.g. KW or kate-walker)"
                ),
            ));
        }
        Ok(self.codings_dir().join(format!("{coder}.csv")))
    }

    /// The coders with a codings file, in natural order.
    pub fn coders(&self) -> Result<Vec<String>, StudyError> {
        coder_files(&self.codings_dir(), "csv")
    }

    /// One coder's codings (empty when the coder has none yet).
    pub fn codings_of(&self, coder: &str) -> Result<CodingsFile, StudyError> {
        let path = self.codings_path(coder)?;
        if !path.exists() {
            return Ok(CodingsFile::new(coder, Vec::new()));
        }
        CodingsFile::read(&path)
    }

    /// Every coder's codings, in natural coder order.
    pub fn all_codings(&self) -> Result<Vec<CodingsFile>, StudyError> {
        self.codings_of_each(&self.coders()?)
    }

    /// These coders' codings, in the order given, read on all cores (one file per core).
    pub fn codings_of_each(&self, coders: &[String]) -> Result<Vec<CodingsFile>, StudyError> {
        crate::transcripts::parallel_map(coders, |c| self.codings_of(c))
            .into_iter()
            .collect()
    }

    /// Every coder's codings, read on all cores after locking every codings file (when
    /// `lock`), so that nothing else changes them until the returned locks are dropped.
    pub(crate) fn lock_all_codings(
        &self,
        lock: bool,
    ) -> Result<(Vec<FileLock>, Vec<CodingsFile>), StudyError> {
        let coders = self.coders()?;
        let mut locks = Vec::with_capacity(coders.len());
        if lock {
            for c in &coders {
                locks.push(FileLock::acquire(&self.codings_path(c)?)?);
            }
        }
        Ok((locks, self.codings_of_each(&coders)?))
    }

    /// Reads, changes and writes back one coder's codings while holding that coder's lock,
    /// so concurrent writers for the same coder lose nothing. `change` returns its result and
    /// whether it changed anything; the file is written (atomically) only then.
    pub fn update_codings<R>(
        &self,
        coder: &str,
        change: impl FnOnce(&mut CodingsFile) -> Result<(R, bool), StudyError>,
    ) -> Result<R, StudyError> {
        let path = self.codings_path(coder)?;
        std::fs::create_dir_all(self.codings_dir())
            .map_err(|e| StudyError::io(self.codings_dir(), e))?;
        let _lock = FileLock::acquire(&path)?;
        let mut file = self.codings_of(coder)?;
        let (out, changed) = change(&mut file)?;
        if changed {
            self.rewrite_codings(&file)?;
        }
        Ok(out)
    }

    /// Rewrites `file` as `codings/<coder>.csv` atomically, first moving an incomplete last
    /// row (which `file` does not hold) to `<file>.torn.txt` so the rewrite loses nothing.
    /// The caller holds the coder's lock.
    pub(crate) fn rewrite_codings(&self, file: &CodingsFile) -> Result<(), StudyError> {
        let path = self.codings_path(&file.coder)?;
        if let Some(torn) = &file.incomplete {
            set_aside(&path, torn)?;
        }
        atomic_write(&path, &file.to_csv())
    }

    /// Removes `coder`'s coding `id` under the coder's lock and logs `uncode`: what `thematic
    /// uncode` and the browser workspace do. Returns the coding, or `None` when the coder
    /// has no coding with that id (nothing changes then).
    pub fn uncode(&self, coder: &str, id: &str) -> Result<Option<Coding>, StudyError> {
        Ok(self.uncode_with(coder, id)?.map(|u| u.coding))
    }

    /// Adds one coding for `coding.coder` (see [`Study::add_coding`]) and, when it is new,
    /// writes a `code` row to the change log; an existing coding of the same theme on the
    /// same span is left alone and not logged.
    ///
    /// The theme must be codable in the codebook on disk *after* the coder's lock is taken
    /// (else [`StudyError::RetiredTheme`], [`StudyError::GroupTheme`] or
    /// [`StudyError::UnknownTheme`], and nothing is written). A check made earlier by the
    /// caller is not enough: [`Study::merge_themes`] takes every coder's lock before it
    /// retires the source and writes the codebook before it lets them go, so a coding
    /// checked under the lock either lands before the merge (and is moved by it) or sees
    /// the theme retired. A coder's first coding (no codings file yet, so the merge cannot
    /// lock it) also takes the codebook's lock, first, in the merge's order.
    ///
    /// The coding must also fit its transcript as it is *after* the lock is taken: its
    /// words at its offsets, within its turn. A `thematic transcripts update` (or `import
    /// --replace`) of the transcript between the caller's reading of it and this write has
    /// re-anchored every coding already written, under the same locks; this one is then
    /// moved to where its words are now when they are found unchanged in its turn (or just
    /// once anywhere), else refused with [`StudyError::TranscriptChanged`] and nothing is
    /// written. [`Study::code_placed`] also returns the coding as written. A transcript
    /// that is not in the study is not looked for here (the callers check it first).
    pub fn code(&self, coding: &Coding) -> Result<Added, StudyError> {
        self.code_with(coding, |path| {
            scan(path, &header_line(), coding).map_err(|e| StudyError::io(path, e))
        })
    }

    /// [`Study::code`], with `find` saying whether the coder already has this coding: it is
    /// called under the coder's lock with the codings file's path, so a caller that keeps
    /// an index of the file (the browser workspace's server) can answer from it instead of
    /// the byte search through the whole file. Its [`Scan::NotFound`] is trusted only for
    /// a file that is sound to append to (a known header and a final newline, checked here
    /// in two small reads); else, and on [`Scan::NeedsCheck`], the full, checked path runs.
    pub fn code_with(
        &self,
        coding: &Coding,
        find: impl FnOnce(&std::path::Path) -> Result<Scan, StudyError>,
    ) -> Result<Added, StudyError> {
        Ok(self.code_placed_with(coding, find)?.0)
    }

    /// [`Study::code`], also returning the coding as it was written or found: moved to
    /// where its words are now when its transcript was updated while it was being made.
    pub fn code_placed(&self, coding: &Coding) -> Result<(Added, Coding), StudyError> {
        self.code_placed_with(coding, |path| {
            scan(path, &header_line(), coding).map_err(|e| StudyError::io(path, e))
        })
    }

    /// [`Study::code_with`], also returning the coding as it was written or found (see
    /// [`Study::code_placed`]; for a moved coding `find` is not asked: the moved span is
    /// searched for in the file).
    pub fn code_placed_with(
        &self,
        coding: &Coding,
        find: impl FnOnce(&std::path::Path) -> Result<Scan, StudyError>,
    ) -> Result<(Added, Coding), StudyError> {
        let (added, moved) = self.add_coding_with(coding, true, find)?;
        let written = moved.unwrap_or_else(|| coding.clone());
        if added == Added::New {
            self.log_change_with(
                &written.coder,
                "code",
                &written.theme,
                &written.log_detail(),
                &crate::undo::coding_data(&written),
            )?;
        }
        Ok((added, written))
    }

    /// Adds one coding for `coding.coder`, unless the coder already has a coding of the same
    /// theme on the same span of the same transcript (then that one's id is returned and
    /// nothing changes).
    ///
    /// This is the fast path behind `thematic code`: under the coder's lock the file is
    /// scanned for the span (a byte search, no parsing) and the new row appended with one
    /// write and an fsync, so the cost does not grow with the number of codings beyond one
    /// read of the file. A file without a final newline (an interrupted append, or a
    /// hand edit), an unexpected header, or a row with a line break in it takes the slow
    /// path: read, check, rewrite atomically.
    ///
    /// The theme is not checked against the codebook: [`Study::code`] is the checked path.
    pub fn add_coding(&self, coding: &Coding) -> Result<Added, StudyError> {
        let (added, _) = self.add_coding_with(coding, false, |path| {
            scan(path, &header_line(), coding).map_err(|e| StudyError::io(path, e))
        })?;
        Ok(added)
    }

    /// [`Study::add_coding`], checking under the coder's lock that the theme can be coded
    /// and that the coding fits its transcript as it is now (when `check_theme`; see
    /// [`Study::code`]). Returns the coding as moved, when it had to be.
    fn add_coding_with(
        &self,
        coding: &Coding,
        check_theme: bool,
        find: impl FnOnce(&std::path::Path) -> Result<Scan, StudyError>,
    ) -> Result<(Added, Option<Coding>), StudyError> {
        let path = self.codings_path(&coding.coder)?;
        std::fs::create_dir_all(self.codings_dir())
            .map_err(|e| StudyError::io(self.codings_dir(), e))?;
        // The codebook's lock before the coder's, as a merge takes them.
        let _book_lock = if check_theme && !path.exists() {
            Some(FileLock::acquire(&self.codebook_path())?)
        } else {
            None
        };
        let _lock = FileLock::acquire(&path)?;
        let mut moved = None;
        if check_theme {
            crate::lookup::codable_theme(&self.codebook()?, &coding.theme)?;
            if let Fit::Moved(m) = self.fit_coding(coding)? {
                moved = Some(*m);
            }
        }
        let added = match &moved {
            None => self.write_coding(&path, coding, find)?,
            Some(m) => self.write_coding(&path, m, |path| {
                scan(path, &header_line(), m).map_err(|e| StudyError::io(path, e))
            })?,
        };
        Ok((added, moved))
    }

    /// Appends `coding` to the codings file at `path` unless `find` (or the checked read)
    /// finds the same span there. The caller holds the coder's lock.
    fn write_coding(
        &self,
        path: &Path,
        coding: &Coding,
        find: impl FnOnce(&std::path::Path) -> Result<Scan, StudyError>,
    ) -> Result<Added, StudyError> {
        let path = path.to_path_buf();
        let row = row_line(coding);
        let one_line = !row[..row.len().saturating_sub(1)]
            .iter()
            .any(|&b| b == b'\n' || b == b'\r');
        let header = header_line();
        if one_line {
            match find(&path)? {
                Scan::Found(id) => return Ok(Added::Existing(id)),
                Scan::NotFound if sound_to_append(&path, &header)? => {
                    append(&path, &header, &row)?;
                    return Ok(Added::New);
                }
                Scan::NotFound | Scan::NeedsCheck => {}
            }
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(StudyError::io(&path, e)),
        };
        // The slow path: a full, checked read and an atomic rewrite. A coder's first coding
        // starts an empty file.
        let mut file = if bytes.is_empty() {
            CodingsFile::new(&coding.coder, Vec::new())
        } else {
            CodingsFile::parse(&path, &bytes)?
        };
        if let Some(same) = file.codings.iter().find(|c| same_span(c, coding)) {
            return Ok(Added::Existing(same.id.clone()));
        }
        file.codings.push(coding.clone());
        self.rewrite_codings(&file)?;
        Ok(Added::New)
    }

    /// Adds several codings of `coder` under one lock with one rewrite: per coding what
    /// [`Study::add_coding`] would have done (a coding of the same theme on the same span,
    /// already there or added earlier in `codings`, is not added again).
    pub fn add_codings(&self, coder: &str, codings: &[Coding]) -> Result<Vec<Added>, StudyError> {
        self.add_codings_with(coder, codings, false)
    }

    /// [`Study::add_codings`] for codings a coder chooses now (suggestions accepted): every
    /// theme must be codable in the codebook read under the coder's lock, as
    /// [`Study::code`] checks it, else nothing is written (a suggestion made before its
    /// theme was retired or merged away is refused, not filed under a theme no longer in
    /// use). Each coding must fit its transcript as it is now, as [`Study::code`] checks
    /// it: moved to where its words are now, or nothing is written.
    pub fn code_all(&self, coder: &str, codings: &[Coding]) -> Result<Vec<Added>, StudyError> {
        self.add_codings_with(coder, codings, true)
    }

    fn add_codings_with(
        &self,
        coder: &str,
        codings: &[Coding],
        check_theme: bool,
    ) -> Result<Vec<Added>, StudyError> {
        self.update_codings(coder, |file| {
            let mut placed = Vec::new();
            if check_theme {
                let book = self.codebook()?;
                for c in codings {
                    crate::lookup::codable_theme(&book, &c.theme)?;
                    placed.push(match self.fit_coding(c)? {
                        Fit::Fits => c.clone(),
                        Fit::Moved(m) => *m,
                    });
                }
            }
            let codings = if check_theme { &placed[..] } else { codings };
            let mut out = Vec::with_capacity(codings.len());
            for coding in codings {
                match file.codings.iter().find(|c| same_span(c, coding)) {
                    Some(same) => out.push(Added::Existing(same.id.clone())),
                    None => {
                        file.codings.push(coding.clone());
                        out.push(Added::New);
                    }
                }
            }
            let changed = out.contains(&Added::New);
            Ok((out, changed))
        })
    }
}

/// What [`Study::add_coding`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The coding was added.
    New,
    /// The coder already had this coding; its id.
    Existing(String),
}

/// Whether `a` is a coding (anchored, not orphaned) of the same theme on the same span of
/// the same transcript as `b`: what [`Study::add_coding`] does not add twice.
pub fn same_span(a: &Coding, b: &Coding) -> bool {
    a.is_anchored()
        && a.transcript == b.transcript
        && a.start == b.start
        && a.end == b.end
        && a.theme == b.theme
}

/// What a look through a codings file for a coding of the same theme on the same span
/// found (see [`Study::code_with`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    /// A row with the span (not orphaned); its id.
    Found(String),
    /// No such row.
    NotFound,
    /// The file needs a full, checked read (unexpected header, no final newline, or the
    /// finder cannot tell).
    NeedsCheck,
}

/// Whether the codings file at `path` can take an appended row: missing or empty, or
/// beginning with `header` (after a byte-order mark; CRLF allowed) and ending with a
/// newline.
pub(crate) fn sound_to_append(path: &std::path::Path, header: &[u8]) -> Result<bool, StudyError> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(StudyError::io(path, e)),
    };
    let mut start = Vec::with_capacity(header.len() + 4);
    (&mut file)
        .take(header.len() as u64 + 4)
        .read_to_end(&mut start)
        .map_err(|e| StudyError::io(path, e))?;
    if start.is_empty() {
        return Ok(true);
    }
    Ok(begins_with_header(&start, header) && crate::csvlog::ends_with_newline(path)?)
}

/// Whether a codings file's first bytes are `header` (after a byte-order mark; with CRLF
/// as well as LF), so rows can be found and appended without a checked read.
fn begins_with_header(bytes: &[u8], header: &[u8]) -> bool {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let crlf = [&header[..header.len() - 1], b"\r\n"].concat();
    body.starts_with(header) || body.starts_with(&crlf)
}

/// Looks for a row with the same transcript, turn, span and theme as `c` by searching the
/// raw bytes for its `,transcript,turn,start,end,theme,` fields, reading the file in 1 MiB
/// chunks through one buffer: no parsing and no allocation per row, so a 50 MB file takes
/// a few milliseconds.
pub(crate) fn scan(path: &std::path::Path, header: &[u8], c: &Coding) -> std::io::Result<Scan> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Scan::NotFound),
        Err(e) => return Err(e),
    };
    let key = csv_line(&(&c.transcript, c.turn, c.start, c.end, &c.theme))
        .map_err(std::io::Error::other)?;
    let mut needle = Vec::with_capacity(key.len() + 1);
    needle.push(b',');
    needle.extend_from_slice(&key[..key.len() - 1]);
    needle.push(b',');
    let finder = memchr::memmem::Finder::new(&needle);
    let mut buf = vec![0u8; 1 << 20];
    // `buf[..kept]` is the unfinished last line of the previous chunk.
    let (mut kept, mut first, mut last_byte) = (0usize, true, None);
    loop {
        if kept == buf.len() {
            buf.resize(buf.len() * 2, 0); // a line longer than the buffer
        }
        let n = file.read(&mut buf[kept..])?;
        if n == 0 {
            break;
        }
        let data = &buf[..kept + n];
        last_byte = data.last().copied();
        if first {
            if data.len() < header.len() && n == data.len() {
                // Keep reading until the header is complete (or the file ends).
                kept = data.len();
                continue;
            }
            if !begins_with_header(data, header) {
                return Ok(Scan::NeedsCheck);
            }
            first = false;
        }
        for at in finder.find_iter(data) {
            let line_start = memchr::memrchr(b'\n', &data[..at]).map_or(0, |i| i + 1);
            let id = &data[line_start..at];
            // The match must begin the row's second field: the bytes before it are a
            // plain id. An orphaned coding (its row ends in `,orphaned`) does not count.
            // A row cut by the end of the chunk is searched again with the next chunk.
            let Some(line_end) = memchr::memchr(b'\n', &data[at..]).map(|i| at + i) else {
                continue;
            };
            let line = &data[at..line_end];
            let orphaned = line
                .strip_suffix(b"\r")
                .unwrap_or(line)
                .ends_with(b",orphaned");
            if !orphaned && !id.is_empty() && !id.iter().any(|&b| matches!(b, b',' | b'"' | b'\r'))
            {
                return Ok(Scan::Found(String::from_utf8_lossy(id).into_owned()));
            }
        }
        let tail = memchr::memrchr(b'\n', data).map_or(0, |i| i + 1);
        let len = data.len();
        buf.copy_within(tail..len, 0);
        kept = len - tail;
    }
    Ok(match last_byte {
        None => Scan::NotFound,
        Some(b'\n') if !first => Scan::NotFound,
        Some(_) => Scan::NeedsCheck,
    })
}

/// A new coding id: `c-` and 12 lowercase hex digits (48 random bits, so ids made on
/// different machines or by different coders practically never collide; `thematic check`
/// reports it if they ever do). The bits come from `rand`'s thread-local generator, seeded
/// from the operating system.
pub fn new_coding_id() -> String {
    format!("c-{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coder_names_are_safe_file_names() {
        for ok in ["KW", "kate-walker", "coder_2", "A.B", "Zoë"] {
            assert!(valid_coder(ok), "{ok}");
        }
        for bad in ["", ".hidden", "a/b", "a b", "..", "x\\y", &"a".repeat(65)] {
            assert!(!valid_coder(bad), "{bad}");
        }
    }

    fn study() -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path(), &crate::InitOptions::new("t")).unwrap();
        (dir, study)
    }

    fn coding(id: &str, start: usize, text: &str) -> Coding {
        Coding {
            id: id.into(),
            coder: "KW".into(),
            transcript: "P6".into(),
            turn: 2,
            start,
            end: start + text.chars().count(),
            theme: "what-matters".into(),
            text: text.into(),
            memo: String::new(),
            created: "2026-11-21T10:00:00Z".into(),
            status: Default::default(),
        }
    }

    #[test]
    fn a_coding_checked_before_a_merge_is_refused_after_it() {
        // `thematic code` checks the theme, then a merge retires it, then the coding is
        // written: the write must see the retired theme and refuse, for a coder with
        // codings (whose lock the merge held) and for a coder's first coding.
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        let book = study.codebook().unwrap();
        crate::lookup::codable_theme(&book, "what-matters").unwrap();
        let mut kept = coding("c-1", 0, "Before.");
        kept.theme = "goal-orientation".into();
        assert_eq!(study.code(&kept).unwrap(), Added::New);
        let before = std::fs::read(study.codings_path("KW").unwrap()).unwrap();

        study
            .merge_themes("what-matters", "goal-orientation", "KW")
            .unwrap();
        let late = coding("c-2", 10, "After.");
        let e = study.code(&late).unwrap_err();
        assert!(matches!(e, StudyError::RetiredTheme { .. }), "{e}");
        assert_eq!(
            std::fs::read(study.codings_path("KW").unwrap()).unwrap(),
            before,
            "nothing written"
        );
        let mut first = late.clone();
        first.coder = "AB".into();
        let e = study.code(&first).unwrap_err();
        assert!(matches!(e, StudyError::RetiredTheme { .. }), "{e}");
        assert!(study.codings_of("AB").unwrap().codings.is_empty());
        // The unchecked path is still there for what is not a coding decision.
        assert_eq!(study.add_coding(&late).unwrap(), Added::New);
    }

    #[test]
    fn a_coders_first_coding_may_span_paragraphs() {
        let (_d, study) = study();
        let two = coding("c-1", 0, "First paragraph.\n\nSecond.");
        assert_eq!(study.add_coding(&two).unwrap(), Added::New);
        let back = study.codings_of("KW").unwrap();
        assert_eq!(back.codings.len(), 1);
        assert_eq!(back.codings[0].text, "First paragraph.\n\nSecond.");
    }

    #[test]
    fn adding_appends_and_the_same_span_again_changes_nothing() {
        let (_d, study) = study();
        assert_eq!(
            study.add_coding(&coding("c-1", 10, "abc")).unwrap(),
            Added::New
        );
        assert_eq!(
            study.add_coding(&coding("c-2", 20, "def")).unwrap(),
            Added::New
        );
        let path = study.codings_path("KW").unwrap();
        let before = std::fs::read(&path).unwrap();
        assert_eq!(
            study.add_coding(&coding("c-3", 20, "def")).unwrap(),
            Added::Existing("c-2".into())
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let ids: Vec<_> = study
            .codings_of("KW")
            .unwrap()
            .codings
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["c-1", "c-2"]);
    }

    #[test]
    fn a_torn_last_row_is_moved_aside_before_the_next_append() {
        let (_d, study) = study();
        study.add_coding(&coding("c-1", 10, "abc")).unwrap();
        let path = study.codings_path("KW").unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"c-torn,P6,2,30,3");
        std::fs::write(&path, &bytes).unwrap();
        let file = study.codings_of("KW").unwrap();
        assert_eq!(file.codings.len(), 1);
        assert_eq!(file.incomplete.as_ref().unwrap().text, "c-torn,P6,2,30,3");

        study.add_coding(&coding("c-2", 20, "def")).unwrap();
        let file = study.codings_of("KW").unwrap();
        let ids: Vec<_> = file.codings.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c-1", "c-2"]);
        assert_eq!(file.incomplete, None);
        let torn = std::fs::read_to_string(crate::torn_path(&path)).unwrap();
        assert_eq!(torn, "c-torn,P6,2,30,3\n");
    }

    #[test]
    fn excel_headers_and_multi_line_text_are_handled() {
        let (_d, study) = study();
        let path = study.codings_path("KW").unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Excel's "CSV UTF-8": a byte-order mark and CRLF line endings.
        let csv =
            String::from_utf8(CodingsFile::new("KW", vec![coding("c-1", 10, "abc")]).to_csv())
                .unwrap()
                .replace('\n', "\r\n");
        std::fs::write(&path, format!("\u{feff}{csv}")).unwrap();
        assert_eq!(
            study.add_coding(&coding("c-2", 20, "two\nlines")).unwrap(),
            Added::New
        );
        assert_eq!(
            study.add_coding(&coding("c-3", 40, "xyz")).unwrap(),
            Added::New
        );
        assert_eq!(
            study.add_coding(&coding("c-4", 20, "two\nlines")).unwrap(),
            Added::Existing("c-2".into())
        );
        let file = study.codings_of("KW").unwrap();
        let texts: Vec<_> = file.codings.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["abc", "two\nlines", "xyz"]);
    }

    #[test]
    fn a_first_coding_with_a_line_break_creates_the_file() {
        let (_d, study) = study();
        assert_eq!(
            study.add_coding(&coding("c-1", 10, "two\nlines")).unwrap(),
            Added::New
        );
        let texts: Vec<String> = study
            .codings_of("KW")
            .unwrap()
            .codings
            .into_iter()
            .map(|c| c.text)
            .collect();
        assert_eq!(texts, ["two\nlines"]);
    }

    #[test]
    fn new_ids_are_twelve_hex_digits() {
        let id = new_coding_id();
        assert_eq!(id.len(), 14, "{id}");
        assert!(id.starts_with("c-") && id[2..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(new_coding_id(), new_coding_id());
    }

    #[test]
    fn ten_thousand_new_ids_are_distinct_and_well_formed() {
        fn hex12(s: &str) -> bool {
            s.len() == 12 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..10_000 {
            let id = new_coding_id();
            assert!(id.strip_prefix("c-").is_some_and(hex12), "{id}");
            assert!(seen.insert(id.clone()), "{id} twice");
        }
        let memo = crate::memos::new_memo_id();
        assert!(memo.strip_prefix("m-").is_some_and(hex12), "{memo}");
    }

    #[test]
    fn an_orphaned_coding_of_the_same_span_does_not_block_recoding() {
        let (_d, study) = study();
        let mut orphan = coding("c-1", 10, "abc");
        orphan.status = crate::Status::Orphaned;
        study
            .update_codings("KW", |f| {
                f.codings.push(orphan.clone());
                Ok(((), true))
            })
            .unwrap();
        assert_eq!(
            study.add_coding(&coding("c-2", 10, "abc")).unwrap(),
            Added::New
        );
        // And the slow path agrees (a file without a final newline takes it).
        let path = study.codings_path("KW").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.trim_end()).unwrap();
        assert_eq!(
            study.add_coding(&coding("c-3", 10, "abc")).unwrap(),
            Added::Existing("c-2".into())
        );
    }

    #[test]
    fn a_finders_answer_is_trusted_only_for_a_file_sound_to_append_to() {
        let dir = tempfile::tempdir().unwrap();
        let study = crate::testing::study(dir.path(), "c.toml");
        let a = coding("c-00000000000a", 0, "one");
        study.add_coding(&a).unwrap();
        // A finder that says "found" is believed: nothing is written.
        let b = coding("c-00000000000b", 10, "two");
        let found = study
            .code_with(&b, |_| Ok(Scan::Found(a.id.clone())))
            .unwrap();
        assert_eq!(found, Added::Existing(a.id.clone()));
        let path = study.codings_path("KW").unwrap();
        assert_eq!(CodingsFile::read(&path).unwrap().codings, vec![a.clone()]);
        // A torn last row (an interrupted append): "not found" must not append after it.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"c-0000000000ff,P6,2,50,5");
        std::fs::write(&path, &bytes).unwrap();
        let added = study.code_with(&b, |_| Ok(Scan::NotFound)).unwrap();
        assert_eq!(added, Added::New);
        let file = CodingsFile::read(&path).unwrap();
        assert!(file.codings.contains(&b), "the new coding is a whole row");
        assert!(file.codings.contains(&a));
        // A finder that cannot tell sends the coding down the checked path, which finds it.
        let again = study.code_with(&b, |_| Ok(Scan::NeedsCheck)).unwrap();
        assert_eq!(again, Added::Existing(b.id.clone()));
    }
}
