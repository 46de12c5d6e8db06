//! Coding sheets as CSV: written for spreadsheets (UTF-8 with a byte-order mark, formulas
//! neutralized), read back from whatever a spreadsheet saves.

use super::check::Grid;
use super::{SHEET_COLUMNS, Sheet, SheetProblem};
use thematic_codebook::neutralize;

impl Sheet {
    /// The sheet as CSV: a header row ([`SHEET_COLUMNS`], then the
    /// theme ids), then one row per unit with its marks (`x`, `~` or empty).
    ///
    /// The file starts with a UTF-8 byte-order mark, so Excel reads accents and other
    /// scripts correctly, and every text cell a spreadsheet would run as a formula (one
    /// starting with `=`, `+`, `-`, `@`) gets a leading `'` ([`neutralize`]). Import accepts
    /// the text with or without that `'`. The same sheet always gives the same bytes.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = ::csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        // Writing to a Vec cannot fail; errors would only come from the writer's sink.
        let header = SHEET_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(self.themes.iter().map(|t| neutralize(&t.id)));
        let _ = w.write_record(header);
        for row in &self.rows {
            let fixed = [
                neutralize(&row.transcript),
                row.turn.to_string(),
                row.start.to_string(),
                row.end.to_string(),
                neutralize(&row.speaker),
                neutralize(&row.text),
            ];
            let marks = row.marks.iter().map(|m| m.as_str().to_string());
            let _ = w.write_record(fixed.into_iter().chain(marks));
        }
        w.into_inner().unwrap_or_default()
    }
}

/// Reads a CSV sheet into a grid of cells. The delimiter is whichever of `,`, `;` and tab
/// the header row has most of (spreadsheets in many locales save with `;`). Row numbers
/// count records, as a spreadsheet shows them, not lines.
pub(super) fn read_csv(bytes: &[u8]) -> Result<Grid, Vec<SheetProblem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(vec![SheetProblem::sheet(
            "this CSV file is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\" \
             (Excel) or with the character set \"Unicode (UTF-8)\" (LibreOffice)",
        )]);
    }
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first_line.iter().filter(|b| *b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut grid = Grid::default();
    for (i, record) in rdr.records().enumerate() {
        let record = record.map_err(|e| {
            vec![SheetProblem::at(
                i + 1,
                None,
                format!("this row cannot be read as CSV ({e})"),
            )]
        })?;
        grid.rows
            .push((i + 1, record.iter().map(str::to_string).collect()));
    }
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_csv_is_read() {
        let grid = read_csv(b"\xEF\xBB\xBFtranscript;turn;text\nP1;2;\"a; b, c\"\n").unwrap();
        assert_eq!(
            grid.rows[1],
            (2, vec!["P1".into(), "2".into(), "a; b, c".into()])
        );
    }

    #[test]
    fn non_utf8_csv_is_refused_with_a_fix() {
        let err = read_csv(b"transcript,text\nP1,Zo\xEB\n").unwrap_err();
        assert!(err[0].message.contains("CSV UTF-8"), "{}", err[0]);
    }
}
