//! Coding sheets: a spreadsheet (CSV or Excel `.xlsx`) with one row per participant turn or
//! sentence and one column per codable theme, for people who code in Excel or LibreOffice.
//! [`coding_sheet`] makes one from a coder's codings;
//! [`import_sheet`] turns the marked cells back into
//! codings.
//!
//! # Columns
//!
//! | column | meaning |
//! |---|---|
//! | `transcript` | the transcript id (`P6`) |
//! | `turn` | the 1-based turn number (as in `thematic show`) |
//! | `start`, `end` | the unit's code-point offsets into the transcript text, end exclusive |
//! | `speaker` | the speaker label as written (for reading; import ignores it) |
//! | `text` | the unit's text, exactly `text[start..end]` of the transcript |
//! | one per theme | the header is the theme id; the cell is the mark |
//!
//! Theme columns are the codebook's codable, non-retired entries in tree order. Rows are the
//! participant turns (interviewer and unlabelled turns are not coded on sheets) or, with
//! [`SheetUnit::Sentence`], their sentences as found by [`thematic_transcript::sentences`].
//!
//! # Marks
//!
//! On export a cell is `x` when the coder has a coding of that theme whose span is exactly
//! the unit, `~` when a coding of that theme only overlaps it, and empty otherwise. On import
//! (case-insensitive, surrounding spaces ignored):
//!
//! - `x`, `1`, `yes`, `y`, `true`, `✓`, `✔` mark the unit: a coding of the theme spanning
//!   the unit is added unless the coder has one;
//! - an empty cell, `0`, `no`, `n`, `false` unmark it: the coder's codings of the theme
//!   spanning exactly the unit are removed (codings that only overlap it are kept);
//! - `~` leaves the coder's codings as they are;
//! - anything else is an error naming the row and column.
//!
//! # Whose sheet, which study
//!
//! An `.xlsx` sheet has a second worksheet, `about`, with the study's name, the coder, the
//! unit and a fingerprint of each transcript's text; import reads the coder from it and
//! refuses a sheet of another study. A CSV sheet has only the columns above, so importing it
//! needs the coder to be named (`--coder`): a file name is too easily changed to be trusted.
//! Either way every row's text must still equal the transcript's text at `start..end`, or
//! the import is refused and nothing is written.

mod build;
mod check;
mod csv;
mod guard;
mod import;
mod xlsx;

use std::fmt;

pub use build::coding_sheet;
pub use import::{SheetImport, import_sheet, import_sheet_dry_run};

/// The fixed columns of a coding sheet, before the theme columns.
pub const SHEET_COLUMNS: [&str; 6] = ["transcript", "turn", "start", "end", "speaker", "text"];

/// What one row of a coding sheet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SheetUnit {
    /// A whole participant turn.
    Turn,
    /// One sentence of a participant turn ([`thematic_transcript::sentences`]).
    Sentence,
}

impl SheetUnit {
    /// Every unit, in the order the command line lists them.
    pub const ALL: [SheetUnit; 2] = [SheetUnit::Turn, SheetUnit::Sentence];

    /// The lowercase name: `turn` or `sentence`.
    pub fn as_str(self) -> &'static str {
        match self {
            SheetUnit::Turn => "turn",
            SheetUnit::Sentence => "sentence",
        }
    }

    /// Looks a unit up by its name.
    pub fn from_name(name: &str) -> Option<SheetUnit> {
        SheetUnit::ALL.into_iter().find(|u| u.as_str() == name)
    }
}

impl fmt::Display for SheetUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The mark in one theme cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Not coded with the theme (an empty cell).
    Empty,
    /// Coded with the theme, exactly this unit (`x`).
    Coded,
    /// A coding of the theme overlaps the unit without spanning exactly it (`~`); import
    /// leaves it alone.
    Partial,
}

impl Mark {
    /// The cell text written on export: `""`, `x` or `~`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Empty => "",
            Mark::Coded => "x",
            Mark::Partial => "~",
        }
    }

    /// Reads a cell (see the module docs for the vocabulary); `None` for anything else.
    pub fn parse(cell: &str) -> Option<Mark> {
        match cell.trim().to_lowercase().as_str() {
            "x" | "1" | "yes" | "y" | "true" | "✓" | "✔" => Some(Mark::Coded),
            "" | "0" | "no" | "n" | "false" => Some(Mark::Empty),
            "~" => Some(Mark::Partial),
            _ => None,
        }
    }
}

/// A theme column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetTheme {
    /// The theme id: the column header.
    pub id: String,
    /// The display label (a note on the header in `.xlsx`).
    pub label: String,
    /// The definition, when the codebook gives one.
    pub definition: Option<String>,
}

/// One row: a unit of a transcript and its marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// Transcript id.
    pub transcript: String,
    /// 1-based turn number.
    pub turn: usize,
    /// Start, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// The speaker label as written (empty when the turn has none).
    pub speaker: String,
    /// The unit's text.
    pub text: String,
    /// One mark per theme column, in column order.
    pub marks: Vec<Mark>,
}

/// A transcript on a sheet and the fingerprint of its text when the sheet was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetTranscript {
    /// Transcript id.
    pub id: String,
    /// [`text_fingerprint`] of its normalized text.
    pub fingerprint: String,
}

/// A coding sheet: what [`Sheet::to_csv`] and [`Sheet::to_xlsx`] write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The study's name.
    pub study: String,
    /// Whose codings the marks are.
    pub coder: String,
    /// What a row is.
    pub unit: SheetUnit,
    /// The transcripts with rows, in natural order.
    pub transcripts: Vec<SheetTranscript>,
    /// The theme columns.
    pub themes: Vec<SheetTheme>,
    /// The rows, by transcript, then position.
    pub rows: Vec<SheetRow>,
}

/// Something wrong with a coding sheet, located by spreadsheet row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    /// The spreadsheet row number (1 is the header row); 0 when the whole sheet is meant.
    pub row: usize,
    /// The column, as a spreadsheet shows it with its header: `H (what-matters)`.
    pub column: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl SheetProblem {
    pub(crate) fn sheet(message: impl Into<String>) -> SheetProblem {
        SheetProblem {
            row: 0,
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(row: usize, column: Option<String>, message: impl Into<String>) -> Self {
        SheetProblem {
            row,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (0, None) => {}
            (0, Some(c)) => write!(f, "column {c}: ")?,
            (r, None) => write!(f, "row {r}: ")?,
            (r, Some(c)) => write!(f, "row {r}, column {c}: ")?,
        }
        f.write_str(&self.message)
    }
}

/// The first value of an Excel sheet's about worksheet, which tells a thematic sheet from
/// any workbook.
pub(crate) const FORMAT_NAME: &str = "thematic coding sheet 1";

/// A coding sheet that cannot be made or imported: the study's own error, or the sheet's
/// problems by row and column (nothing was written).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SheetError {
    /// Reading the study failed.
    #[error(transparent)]
    Study(#[from] thematic_study::StudyError),
    /// The sheet cannot be imported (or exported): every problem found, in row order.
    #[error("{}", describe(path, problems))]
    Sheet {
        /// The sheet file (empty when exporting).
        path: std::path::PathBuf,
        /// What is wrong, in row order.
        problems: Vec<SheetProblem>,
    },
}

/// How many problems a [`SheetError::Sheet`] message lists before "and N more".
const SHOWN_PROBLEMS: usize = 20;

/// The text of a [`SheetError::Sheet`]: the file, then its problems, one per line.
pub(crate) fn describe(path: &std::path::Path, problems: &[SheetProblem]) -> String {
    let mut s = String::new();
    if !path.as_os_str().is_empty() {
        s.push_str(&format!("{}: ", path.display()));
    }
    match problems {
        [] => s.push_str("invalid coding sheet"),
        [one] => s.push_str(&one.to_string()),
        many => {
            s.push_str(&format!("{} problems:", many.len()));
            for p in many.iter().take(SHOWN_PROBLEMS) {
                s.push_str(&format!("\n  {p}"));
            }
            if many.len() > SHOWN_PROBLEMS {
                s.push_str(&format!("\n  … and {} more", many.len() - SHOWN_PROBLEMS));
            }
        }
    }
    s
}

/// The spreadsheet name of a 0-based column: `A`, …, `Z`, `AA`, ….
pub(crate) fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// A fingerprint of a transcript's text: 16 hex digits of its stable 64-bit hash
/// ([`thematic_study::content_hash`], xxh3, the project's one hash for what is persisted).
/// It tells whether a transcript changed since a sheet was made; it is no protection
/// against deliberate forgery.
pub fn text_fingerprint(text: &str) -> String {
    format!("{:016x}", thematic_study::content_hash(text.as_bytes()))
}

/// Whether `fingerprint`, read from a sheet, is that of `text`: [`text_fingerprint`], or the
/// 64-bit FNV-1a hash that sheets exported before the stable hash carry, so those sheets
/// still say which side changed.
pub(crate) fn fingerprint_matches(fingerprint: &str, text: &str) -> bool {
    if fingerprint == text_fingerprint(text) {
        return true;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fingerprint == format!("{h:016x}")
}

/// The `start..end` code points of `text`, or `None` when the range is out of bounds.
pub(crate) fn char_slice(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut bounds = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let from = bounds.nth(start)?;
    let to = if end == start {
        from
    } else {
        bounds.nth(end - start - 1)?
    };
    Some(&text[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_read_the_documented_vocabulary() {
        for yes in ["x", "X", " x ", "1", "yes", "Y", "TRUE", "✓", "✔"] {
            assert_eq!(Mark::parse(yes), Some(Mark::Coded), "{yes}");
        }
        for no in ["", "  ", "0", "No", "n", "false"] {
            assert_eq!(Mark::parse(no), Some(Mark::Empty), "{no}");
        }
        assert_eq!(Mark::parse("~"), Some(Mark::Partial));
        assert_eq!(Mark::parse("maybe"), None);
        assert_eq!(Mark::parse("xx"), None);
    }

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn char_slices_count_code_points() {
        assert_eq!(char_slice("Zoë said", 2, 5), Some("ë s"));
        assert_eq!(char_slice("Zoë", 3, 3), Some(""));
        assert_eq!(char_slice("Zoë", 0, 3), Some("Zoë"));
        assert_eq!(char_slice("Zoë", 2, 4), None);
        assert_eq!(char_slice("Zoë", 2, 1), None);
    }

    #[test]
    fn problems_name_row_and_column() {
        let p = SheetProblem::at(14, Some("H (what-matters)".into()), "bad");
        assert_eq!(p.to_string(), "row 14, column H (what-matters): bad");
        let many: Vec<_> = (1..=25).map(|r| SheetProblem::at(r, None, "bad")).collect();
        let text = describe(std::path::Path::new("s.csv"), &many);
        assert!(
            text.starts_with("s.csv: 25 problems:\n  row 1: bad"),
            "{text}"
        );
        assert!(text.ends_with("… and 5 more"), "{text}");
    }

    #[test]
    fn fingerprints_use_the_stable_hash_and_old_sheets_still_match() {
        let fp = text_fingerprint("P1: hello");
        assert_eq!(fp.len(), 16);
        assert_eq!(
            fp,
            format!("{:016x}", thematic_study::content_hash(b"P1: hello"))
        );
        assert!(fingerprint_matches(&fp, "P1: hello"));
        assert!(!fingerprint_matches(&fp, "P1: hello!"));
        // FNV-1a of the empty text is the offset basis, cbf29ce484222325: an old sheet's
        // fingerprint of an empty transcript.
        assert!(fingerprint_matches("cbf29ce484222325", ""));
        assert!(!fingerprint_matches("cbf29ce484222325", "x"));
    }
}
