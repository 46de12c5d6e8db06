//! Codings: `codings/<coder>.csv`, one file per coder.
//!
//! Columns, in order (the header row is required):
//!
//! | column | meaning |
//! |---|---|
//! | `id` | the coding's id, unique in the study (e.g. `c-5f2a9c01`) |
//! | `transcript` | the transcript id (`P6`) |
//! | `turn` | the 1-based turn the coding lies in |
//! | `start`, `end` | code-point offsets into the normalized transcript text, end exclusive |
//! | `theme` | the codebook entry id |
//! | `text` | the quoted text, exactly `text[start..end]` |
//! | `memo` | an optional memo (may be empty) |
//! | `created` | when it was made, RFC 3339 UTC |
//! | `status` | empty, or `orphaned`: the transcript was corrected and the coded words were not found again (`start`/`end`/`turn` are the old ones; see `thematic transcripts update`); in a suggestions file written by `thematic autocode`, `suggested`, `accepted` or `rejected` |
//!
//! Files written before the `status` column existed (nine columns) are read as they are and
//! gain the column the next time they are rewritten.
//! The coder is the file name, so a coder's file can be handed around on its own.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::csvlog::{IncompleteRow, csv_line, read_rows};
use crate::error::StudyError;

/// The header of a codings file.
pub const CODINGS_COLUMNS: [&str; 10] = [
    "id",
    "transcript",
    "turn",
    "start",
    "end",
    "theme",
    "text",
    "memo",
    "created",
    "status",
];

/// A coding's status: the `status` column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Anchored in its transcript (the column is empty).
    #[default]
    #[serde(rename = "")]
    Ok,
    /// Its words were not found again after the transcript was corrected; kept for the
    /// researcher to resolve.
    Orphaned,
    /// A suggestion from `thematic autocode`, not yet reviewed.
    Suggested,
    /// A suggestion the researcher accepted (a copy is in their own codings).
    Accepted,
    /// A suggestion the researcher rejected; kept so autocode does not suggest it again.
    Rejected,
}

impl Status {
    /// The value of the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "",
            Status::Orphaned => "orphaned",
            Status::Suggested => "suggested",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }

    /// Whether this is an autocode suggestion (pending or reviewed).
    pub fn is_suggestion(self) -> bool {
        matches!(
            self,
            Status::Suggested | Status::Accepted | Status::Rejected
        )
    }
}

/// One coded excerpt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    /// Unique id.
    pub id: String,
    /// Who coded it (the file name; not a column).
    #[serde(skip)]
    pub coder: String,
    /// Transcript id.
    pub transcript: String,
    /// 1-based turn number.
    pub turn: usize,
    /// Start, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// Theme id.
    pub theme: String,
    /// The quoted text.
    pub text: String,
    /// Optional memo.
    #[serde(default)]
    pub memo: String,
    /// RFC 3339 UTC time.
    pub created: String,
    /// Anchored, or orphaned by a transcript correction.
    #[serde(default)]
    pub status: Status,
}

impl Coding {
    /// Whether the coding is anchored in its transcript (not orphaned).
    pub fn is_anchored(&self) -> bool {
        self.status == Status::Ok
    }

    /// The change log's detail for this coding: `"{id} {transcript} turn {turn} [{start}-{end}]"`.
    pub fn log_detail(&self) -> String {
        format!(
            "{} {} turn {} [{}-{}]",
            self.id, self.transcript, self.turn, self.start, self.end
        )
    }
}

/// One coder's codings file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodingsFile {
    /// The coder (the file stem).
    pub coder: String,
    /// The codings, in file order.
    pub codings: Vec<Coding>,
    /// An incomplete last row left by an interrupted append, not among `codings` (see
    /// [`IncompleteRow`]); `None` for a sound file.
    pub incomplete: Option<IncompleteRow>,
}

impl CodingsFile {
    /// A file of `codings` by `coder`.
    pub fn new(coder: impl Into<String>, codings: Vec<Coding>) -> CodingsFile {
        CodingsFile {
            coder: coder.into(),
            codings,
            incomplete: None,
        }
    }

    /// Reads `codings/<coder>.csv`. Every malformed row is an error naming its line, except
    /// an incomplete last row left by an interrupted write, which is set aside in
    /// [`CodingsFile::incomplete`].
    pub fn read(path: &Path) -> Result<CodingsFile, StudyError> {
        let bytes = std::fs::read(path).map_err(|e| StudyError::io(path, e))?;
        CodingsFile::parse(path, &bytes)
    }

    /// Parses the bytes of a codings file read from `path`.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<CodingsFile, StudyError> {
        let coder = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        // Files from before the `status` column: nine columns.
        let first_line = bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(bytes)
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        let first_line = first_line.strip_suffix(b"\r").unwrap_or(first_line);
        let legacy = first_line == CODINGS_COLUMNS[..9].join(",").as_bytes();
        let columns = if legacy {
            &CODINGS_COLUMNS[..9]
        } else {
            &CODINGS_COLUMNS[..]
        };
        let (mut codings, incomplete) = read_rows(
            path,
            bytes,
            columns,
            |record, line| parse_row(path, record, line, columns.len()),
            // A torn append cut inside the timestamp leaves a partial one (a cut inside the
            // status leaves an unknown status, an error).
            |c: &Coding| c.created.parse::<jiff::Timestamp>().is_ok(),
        )?;
        for c in &mut codings {
            c.coder.clone_from(&coder);
        }
        Ok(CodingsFile {
            coder,
            codings,
            incomplete,
        })
    }

    /// The CSV text of these codings, header first.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = header_line();
        for c in &self.codings {
            out.extend(row_line(c));
        }
        out
    }
}

/// The header line of a codings file, with its newline.
pub(crate) fn header_line() -> Vec<u8> {
    let mut h = CODINGS_COLUMNS.join(",").into_bytes();
    h.push(b'\n');
    h
}

/// One coding as a CSV line, with its newline.
pub(crate) fn row_line(c: &Coding) -> Vec<u8> {
    // Serialising strings and integers into a Vec cannot fail.
    csv_line(c).unwrap_or_default()
}

fn parse_row(
    path: &Path,
    record: &csv::StringRecord,
    line: usize,
    columns: usize,
) -> Result<Coding, StudyError> {
    if record.len() != columns {
        return Err(StudyError::invalid(
            path,
            line,
            format!(
                "this row has {} fields but the header has {}; check for an unquoted comma",
                record.len(),
                columns
            ),
        ));
    }
    let field = |i: usize| record.get(i).unwrap_or_default();
    let number = |i: usize| {
        field(i).trim().parse::<usize>().map_err(|_| {
            StudyError::invalid(
                path,
                line,
                format!(
                    "bad value in column `{}`: \"{}\" is not a whole number; fix or remove this row",
                    CODINGS_COLUMNS[i],
                    field(i)
                ),
            )
        })
    };
    let c = Coding {
        id: field(0).to_string(),
        coder: String::new(),
        transcript: field(1).to_string(),
        turn: number(2)?,
        start: number(3)?,
        end: number(4)?,
        theme: field(5).to_string(),
        text: field(6).to_string(),
        memo: field(7).to_string(),
        created: field(8).to_string(),
        status: match field(9).trim() {
            "" => Status::Ok,
            s if s.eq_ignore_ascii_case("orphaned") => Status::Orphaned,
            s if s.eq_ignore_ascii_case("suggested") => Status::Suggested,
            s if s.eq_ignore_ascii_case("accepted") => Status::Accepted,
            s if s.eq_ignore_ascii_case("rejected") => Status::Rejected,
            other => {
                return Err(StudyError::invalid(
                    path,
                    line,
                    format!(
                        "bad value in column `status`: \"{other}\"; leave it empty, or write orphaned, suggested, accepted or rejected"
                    ),
                ));
            }
        },
    };
    if c.id.is_empty() {
        return Err(StudyError::invalid(
            path,
            line,
            "the `id` column is empty; give the coding an id (any text unique in the file)",
        ));
    }
    if c.end < c.start {
        return Err(StudyError::invalid(
            path,
            line,
            format!("end ({}) is before start ({})", c.end, c.start),
        ));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Coding {
        Coding {
            id: "c-1".into(),
            coder: "KW".into(),
            transcript: "P6".into(),
            turn: 4,
            start: 120,
            end: 160,
            theme: "what-matters".into(),
            text: "what matters to them, \"really\"".into(),
            memo: String::new(),
            created: "2026-11-21T10:00:00Z".into(),
            status: Status::Ok,
        }
    }

    #[test]
    fn round_trip_through_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("KW.csv");
        let file = CodingsFile::new("KW", vec![sample()]);
        std::fs::write(&path, file.to_csv()).unwrap();
        assert_eq!(CodingsFile::read(&path).unwrap(), file);
    }

    #[test]
    fn a_bad_row_names_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("KW.csv");
        let mut text = String::from_utf8(CodingsFile::new("KW", vec![sample()]).to_csv()).unwrap();
        text.push_str("c-2,P6,four,1,2,x,t,,2026-11-21T10:00:00Z,\n");
        std::fs::write(&path, text).unwrap();
        let err = CodingsFile::read(&path).unwrap_err().to_string();
        assert!(err.contains("KW.csv:3:"), "{err}");
        assert!(err.contains("column `turn`"), "{err}");
        assert!(err.contains("\"four\""), "{err}");
    }

    fn two_rows() -> String {
        let mut second = sample();
        second.id = "c-2".into();
        second.start = 200;
        second.end = 240;
        String::from_utf8(CodingsFile::new("KW", vec![sample(), second]).to_csv()).unwrap()
    }

    fn read_text(text: &str) -> Result<CodingsFile, StudyError> {
        CodingsFile::parse(Path::new("codings/KW.csv"), text.as_bytes())
    }

    #[test]
    fn nine_column_files_from_before_the_status_column_are_read() {
        let text = "id,transcript,turn,start,end,theme,text,memo,created\n\
                    c-1,P6,4,120,160,what-matters,x,,2026-11-21T10:00:00Z\n";
        let file = read_text(text).unwrap();
        assert_eq!(file.codings.len(), 1);
        assert!(file.codings[0].is_anchored());
        let written = String::from_utf8(file.to_csv()).unwrap();
        assert!(
            written.starts_with("id,transcript,turn,start,end,theme,text,memo,created,status\n")
        );
        assert!(written.ends_with(",2026-11-21T10:00:00Z,\n"), "{written}");
    }

    #[test]
    fn orphaned_codings_keep_their_flag() {
        let mut c = sample();
        c.status = Status::Orphaned;
        let file = CodingsFile::new("KW", vec![c]);
        let back = read_text(std::str::from_utf8(&file.to_csv()).unwrap()).unwrap();
        assert_eq!(back.codings[0].status, Status::Orphaned);
        let bad = String::from_utf8(file.to_csv())
            .unwrap()
            .replace(",orphaned", ",lost");
        let err = read_text(&bad).unwrap_err().to_string();
        assert!(err.contains("column `status`"), "{err}");
    }

    #[test]
    fn a_row_torn_by_an_interrupted_append_is_set_aside_not_read() {
        let full = two_rows();
        let last_start = full[..full.len() - 1].rfind('\n').unwrap() + 1;
        // Cut the last row at every point: inside the id, a number, the quoted text and the
        // timestamp. Each gives the first row and an incomplete second one.
        for cut in (last_start + 1)..(full.len() - 1) {
            let file = read_text(&full[..cut]).unwrap_or_else(|e| panic!("cut {cut}: {e}"));
            assert_eq!(
                file.codings.len(),
                1,
                "cut at {cut}: {:?}",
                &full[last_start..cut]
            );
            let torn = file.incomplete.expect("an incomplete row");
            assert_eq!(torn.line, 3);
            assert_eq!(torn.byte as usize, last_start);
            assert_eq!(torn.text, full[last_start..cut]);
        }
    }

    #[test]
    fn a_whole_last_row_without_a_newline_is_kept() {
        let full = two_rows();
        let file = read_text(full.trim_end()).unwrap();
        assert_eq!(file.codings.len(), 2);
        assert_eq!(file.incomplete, None);
    }

    #[test]
    fn a_bad_row_before_the_last_is_an_error_even_without_a_final_newline() {
        let full = two_rows();
        let broken = full.replacen(",4,120,160,", ",4,x,160,", 1);
        let err = read_text(broken.trim_end()).unwrap_err().to_string();
        assert!(err.contains("KW.csv:2:"), "{err}");
    }
}
