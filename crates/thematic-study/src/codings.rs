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
//!
//! The coder is the file name, so a coder's file can be handed around on its own.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::StudyError;

/// The header of a codings file.
pub const CODINGS_COLUMNS: [&str; 9] = [
    "id",
    "transcript",
    "turn",
    "start",
    "end",
    "theme",
    "text",
    "memo",
    "created",
];

/// One coded excerpt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// One coder's codings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodingsFile {
    /// The coder (the file stem).
    pub coder: String,
    /// The codings, in file order.
    pub codings: Vec<Coding>,
}

impl CodingsFile {
    /// Reads `codings/<coder>.csv`. Every malformed row is an error naming its line.
    pub fn read(path: &Path) -> Result<CodingsFile, StudyError> {
        let coder = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(path).map_err(|e| StudyError::io(path, e))?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes.as_slice());
        let headers = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
        let expected: Vec<&str> = CODINGS_COLUMNS.to_vec();
        if headers.iter().collect::<Vec<_>>() != expected {
            return Err(StudyError::invalid(
                path,
                1,
                format!(
                    "the header must be `{}` (found `{}`)",
                    CODINGS_COLUMNS.join(","),
                    headers.iter().collect::<Vec<_>>().join(",")
                ),
            ));
        }
        let mut codings = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line() as usize);
                    let mut c: Coding = record.deserialize(Some(&headers)).map_err(|e| {
                        StudyError::invalid(
                            path,
                            line,
                            format!("{}; fix or remove this row", field_error(&e)),
                        )
                    })?;
                    if c.end < c.start {
                        return Err(StudyError::invalid(
                            path,
                            line,
                            format!("end ({}) is before start ({})", c.end, c.start),
                        ));
                    }
                    c.coder.clone_from(&coder);
                    codings.push(c);
                }
                Err(e) => return Err(csv_error(path, &e)),
            }
        }
        Ok(CodingsFile { coder, codings })
    }

    /// The CSV text of these codings, header first.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        // Writing to a Vec cannot fail; errors would only come from the writer's sink.
        let _ = w.write_record(CODINGS_COLUMNS);
        for c in &self.codings {
            let _ = w.serialize(c);
        }
        w.into_inner().unwrap_or_default()
    }
}

fn field_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let field = err
                .field()
                .and_then(|i| CODINGS_COLUMNS.get(i as usize))
                .copied()
                .unwrap_or("a field");
            format!("bad value in column `{field}`: {}", err.kind())
        }
        _ => e.to_string(),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> StudyError {
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
        }
    }

    #[test]
    fn round_trip_through_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("KW.csv");
        let file = CodingsFile {
            coder: "KW".into(),
            codings: vec![sample()],
        };
        std::fs::write(&path, file.to_csv()).unwrap();
        assert_eq!(CodingsFile::read(&path).unwrap(), file);
    }

    #[test]
    fn a_bad_row_names_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("KW.csv");
        let mut text = String::from_utf8(
            CodingsFile {
                coder: "KW".into(),
                codings: vec![sample()],
            }
            .to_csv(),
        )
        .unwrap();
        text.push_str("c-2,P6,four,1,2,x,t,,2026-11-21T10:00:00Z\n");
        std::fs::write(&path, text).unwrap();
        let err = CodingsFile::read(&path).unwrap_err().to_string();
        assert!(err.contains("KW.csv:3:"), "{err}");
        assert!(err.contains("column `turn`"), "{err}");
    }
}
