//! `participants.csv`: one row per participant, a column per attribute.
//!
//! The first column is `participant` (the id used in transcripts and quotes); every other
//! column is an attribute (`gender`, `age`, `location`, …). Values are text; a column whose
//! every non-empty value is a number is numeric for summaries.

use std::path::Path;

use crate::error::StudyError;

/// The required first column.
pub const PARTICIPANT_COLUMN: &str = "participant";

/// The participants table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participants {
    /// Attribute names (columns after `participant`), in file order.
    pub attributes: Vec<String>,
    /// Rows: participant id and one value per attribute.
    pub rows: Vec<(String, Vec<String>)>,
}

impl Participants {
    /// Reads `participants.csv`; a missing file is an empty table.
    pub fn read(path: &Path) -> Result<Participants, StudyError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Participants::default());
            }
            Err(e) => return Err(StudyError::io(path, e)),
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let headers = rdr
            .headers()
            .map_err(|e| StudyError::invalid(path, 1, e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect::<Vec<_>>();
        if headers.first().map(String::as_str) != Some(PARTICIPANT_COLUMN) {
            return Err(StudyError::invalid(
                path,
                1,
                format!(
                    "the first column must be `{PARTICIPANT_COLUMN}` (found `{}`)",
                    headers.join(",")
                ),
            ));
        }
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        for record in rdr.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                StudyError::invalid(
                    path,
                    line,
                    format!("{e}; every row needs {} fields", headers.len()),
                )
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let id = record.get(0).unwrap_or("").trim().to_string();
            if id.is_empty() {
                return Err(StudyError::invalid(path, line, "empty participant id"));
            }
            if rows.iter().any(|(r, _)| *r == id) {
                return Err(StudyError::invalid(
                    path,
                    line,
                    format!("participant \"{id}\" appears twice"),
                ));
            }
            rows.push((
                id,
                record
                    .iter()
                    .skip(1)
                    .map(|v| v.trim().to_string())
                    .collect(),
            ));
        }
        Ok(Participants {
            attributes: headers[1..].to_vec(),
            rows,
        })
    }

    /// The table as `participants.csv`: the `participant` column, then the attributes.
    pub fn to_csv(&self) -> Vec<u8> {
        // Writing to memory cannot fail, and a flexible writer does not check row lengths
        // (every row has one value per attribute).
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let header =
            std::iter::once(PARTICIPANT_COLUMN).chain(self.attributes.iter().map(String::as_str));
        let _ = w.write_record(header);
        for (id, values) in &self.rows {
            let _ = w.write_record(std::iter::once(id).chain(values));
        }
        w.into_inner().unwrap_or_default()
    }

    /// The non-empty values of the attribute in column `i` (0 = the first attribute), in
    /// row order.
    pub fn values(&self, i: usize) -> Vec<&str> {
        self.rows
            .iter()
            .filter_map(|(_, v)| v.get(i).map(String::as_str))
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The attributes of one participant, as (name, value) pairs.
    pub fn get(&self, id: &str) -> Option<Vec<(&str, &str)>> {
        let (_, values) = self.rows.iter().find(|(r, _)| r == id)?;
        Some(
            self.attributes
                .iter()
                .map(String::as_str)
                .zip(values.iter().map(String::as_str))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_table_round_trips_through_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("participants.csv");
        let table = Participants {
            attributes: vec!["age".into(), "place, town".into()],
            rows: vec![
                ("P1".into(), vec!["34".into(), "Leeds".into()]),
                (
                    "P2".into(),
                    vec![String::new(), "a \"quoted\" place".into()],
                ),
            ],
        };
        std::fs::write(&path, table.to_csv()).unwrap();
        assert_eq!(Participants::read(&path).unwrap(), table);
    }
}
