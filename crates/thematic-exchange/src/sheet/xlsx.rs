//! Coding sheets as Excel workbooks: written with `rust_xlsxwriter`, read (also `.xls`,
//! `.xlsb` and LibreOffice `.ods`) with `calamine`.

use std::io::Cursor;

use calamine::{Data, Range, Reader};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Note, Workbook, Worksheet, XlsxError,
};

use super::check::{About, Grid};
use super::{FORMAT_NAME, SHEET_COLUMNS, Sheet, SheetProblem};

use super::SheetError;

/// The worksheet with the rows.
pub(super) const CODING_SHEET: &str = "coding";
/// The worksheet saying which study, coder and unit the sheet is for.
pub(super) const ABOUT_SHEET: &str = "about";
/// The most UTF-16 code units Excel keeps in one cell.
const MAX_CELL: usize = 32_767;
/// The text column's index.
const TEXT_COLUMN: u16 = 5;

const MARKS_HELP: &str = "x = coded with this theme (X, 1, yes, y, true, ✓ also count); \
     empty = not coded (0, no, n, false also count); ~ = a coding of the theme overlaps the \
     row but does not span it exactly: import leaves it as it is";
const HOW_TO: &str = "Mark cells in the coding worksheet, save, then run \
     `thematic sheet import FILE`. Sorting and filtering rows is fine; do not edit the \
     transcript, turn, start, end or text columns.";

impl Sheet {
    /// The sheet as an Excel workbook (`.xlsx`). The worksheet `coding` has the columns of
    /// [`Sheet::to_csv`], with the header row and the first six columns frozen, the text
    /// column wide and wrapped, narrow theme columns whose rotated headers carry the
    /// theme's label and definition as a note, a drop-down offering `x` in every theme cell
    /// and a filter on every column. The worksheet `about` holds the study's name, the
    /// coder, the unit, how to mark, the [`text_fingerprint`](super::text_fingerprint) of
    /// each transcript and the theme labels; import reads it. The same sheet always gives
    /// the same bytes (the document's creation date is fixed at 2000-01-01).
    ///
    /// Fails when a row's text is longer than a spreadsheet cell holds (32,767 UTF-16 code
    /// units): export such transcripts by sentence, or as CSV.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, SheetError> {
        let too_long: Vec<SheetProblem> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.text.encode_utf16().count() > MAX_CELL)
            .map(|(i, r)| {
                SheetProblem::at(
                    i + 2,
                    Some(format!("F ({})", SHEET_COLUMNS[5])),
                    format!(
                        "{} turn {} is {} characters long, more than a spreadsheet cell holds \
                         (32,767): export it with --unit sentence, or as CSV",
                        r.transcript,
                        r.turn,
                        r.text.chars().count()
                    ),
                )
            })
            .collect();
        if !too_long.is_empty() {
            return Err(SheetError::Sheet {
                path: Default::default(),
                problems: too_long,
            });
        }
        self.workbook().map_err(|e| SheetError::Sheet {
            path: Default::default(),
            problems: vec![SheetProblem::sheet(format!(
                "the workbook could not be written: {e}"
            ))],
        })
    }

    fn workbook(&self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        wb.set_properties(
            &DocProperties::new()
                .set_title(format!("Coding sheet: {}", self.study))
                .set_subject(format!("{}, by {}", self.coder, self.unit))
                .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
        );
        let ws = wb.add_worksheet();
        ws.set_name(CODING_SHEET)?;
        self.write_coding(ws)?;
        let ws = wb.add_worksheet();
        ws.set_name(ABOUT_SHEET)?;
        self.write_about(ws)?;
        wb.save_to_buffer()
    }

    fn write_coding(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let header = Format::new()
            .set_bold()
            .set_align(FormatAlign::Top)
            .set_background_color(0xE7E6E6)
            .set_border_bottom(FormatBorder::Thin);
        let theme_header = header
            .clone()
            .set_rotation(90)
            .set_align(FormatAlign::Center);
        let top = Format::new().set_align(FormatAlign::Top);
        let text = top.clone().set_text_wrap();
        let mark = Format::new()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::Top);
        let first_theme = SHEET_COLUMNS.len() as u16;
        let last_col = u16::try_from(SHEET_COLUMNS.len() + self.themes.len() - 1)
            .map_err(|_| XlsxError::RowColumnLimitError)?;
        let last_row =
            u32::try_from(self.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;

        for (col, (name, width)) in SHEET_COLUMNS
            .iter()
            .zip([10.0, 6.0, 7.0, 7.0, 14.0, 80.0])
            .enumerate()
        {
            let col = col as u16;
            ws.write_string_with_format(0, col, *name, &header)?;
            ws.set_column_width(col, width)?;
        }
        let mut longest_id = 0;
        for (i, theme) in self.themes.iter().enumerate() {
            let col = first_theme + i as u16; // i < themes.len(), checked with last_col
            ws.write_string_with_format(0, col, &theme.id, &theme_header)?;
            ws.set_column_width(col, 4.5)?;
            ws.set_column_format(col, &mark)?;
            let mut note = theme.label.clone();
            if let Some(d) = &theme.definition {
                note.push_str("\n\n");
                note.push_str(d.trim());
            }
            let note = Note::new(note)
                .add_author_prefix(false)
                .set_width(320)
                .set_height(160);
            ws.insert_note(0, col, &note)?;
            longest_id = longest_id.max(theme.id.chars().count());
        }
        ws.set_row_height(0, (longest_id as f64 * 6.5 + 12.0).clamp(18.0, 220.0))?;

        for (i, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string_with_format(r, 0, &row.transcript, &top)?;
            ws.write_number_with_format(r, 1, row.turn as f64, &top)?;
            ws.write_number_with_format(r, 2, row.start as f64, &top)?;
            ws.write_number_with_format(r, 3, row.end as f64, &top)?;
            ws.write_string_with_format(r, 4, &row.speaker, &top)?;
            ws.write_string_with_format(r, TEXT_COLUMN, &row.text, &text)?;
            for (j, m) in row.marks.iter().enumerate() {
                if !m.as_str().is_empty() {
                    let col = first_theme + j as u16;
                    ws.write_string_with_format(r, col, m.as_str(), &mark)?;
                }
            }
        }
        ws.set_freeze_panes(1, first_theme)?;
        ws.autofilter(0, 0, last_row, last_col)?;
        if !self.themes.is_empty() && !self.rows.is_empty() {
            let marks = DataValidation::new()
                .allow_list_strings(&["x"])?
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title("Not a usual mark")?
                .set_error_message(
                    "Use x to code the row with this theme, or leave the cell empty. \
                     Import also reads X, 1, yes, y, true as coded and 0, no, n, false as \
                     not coded; ~ is left as it is. Anything else is refused.",
                )?;
            ws.add_data_validation(1, first_theme, last_row, last_col, &marks)?;
        }
        Ok(())
    }

    fn write_about(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let bold = Format::new().set_bold().set_align(FormatAlign::Top);
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        ws.set_column_width(0, 16.0)?;
        ws.set_column_width(1, 40.0)?;
        ws.set_column_width(2, 80.0)?;
        let mut r = 0;
        for (key, value) in [
            ("format", FORMAT_NAME),
            ("study", self.study.as_str()),
            ("coder", self.coder.as_str()),
            ("unit", self.unit.as_str()),
            ("marks", MARKS_HELP),
            ("how to", HOW_TO),
        ] {
            ws.write_string_with_format(r, 0, key, &bold)?;
            ws.write_string_with_format(r, 1, value, &wrap)?;
            r += 1;
        }
        r += 1;
        ws.write_string_with_format(r, 0, "transcript", &bold)?;
        ws.write_string_with_format(r, 1, "fingerprint", &bold)?;
        for t in &self.transcripts {
            r += 1;
            ws.write_string(r, 0, &t.id)?;
            ws.write_string(r, 1, &t.fingerprint)?;
        }
        r += 2;
        ws.write_string_with_format(r, 0, "theme", &bold)?;
        ws.write_string_with_format(r, 1, "label", &bold)?;
        ws.write_string_with_format(r, 2, "definition", &bold)?;
        for t in &self.themes {
            r += 1;
            ws.write_string_with_format(r, 0, &t.id, &wrap)?;
            ws.write_string_with_format(r, 1, &t.label, &wrap)?;
            if let Some(d) = &t.definition {
                ws.write_string_with_format(r, 2, d.trim(), &wrap)?;
            }
        }
        Ok(())
    }
}

/// Reads the coding worksheet (named `coding`, else the first one not named `about`) and
/// the about worksheet, when there is one, of an `.xlsx`, `.xls`, `.xlsb` or `.ods` file.
pub(super) fn read_workbook(bytes: Vec<u8>) -> Result<(Grid, Option<About>), Vec<SheetProblem>> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        vec![SheetProblem::sheet(format!(
            "this is not a workbook that can be read ({e}); save it as .xlsx or .ods, or as CSV"
        ))]
    })?;
    let names = wb.sheet_names();
    let is_about = |n: &String| n.trim().eq_ignore_ascii_case(ABOUT_SHEET);
    let main = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case(CODING_SHEET))
        .or_else(|| names.iter().find(|n| !is_about(n)))
        .cloned()
        .ok_or_else(|| vec![SheetProblem::sheet("the workbook has no coding worksheet")])?;
    let range = wb.worksheet_range(&main).map_err(|e| {
        vec![SheetProblem::sheet(format!(
            "the worksheet `{main}` cannot be read: {e}"
        ))]
    })?;
    let grid = grid_of(&range);
    let about = match names.iter().find(|n| is_about(n)) {
        Some(name) => match wb.worksheet_range(name) {
            Ok(r) => About::from_grid(&grid_of(&r)),
            Err(e) => {
                return Err(vec![SheetProblem::sheet(format!(
                    "the worksheet `{name}` cannot be read: {e}"
                ))]);
            }
        },
        None => None,
    };
    Ok((grid, about))
}

/// The cells of a worksheet as text, numbered as the spreadsheet numbers rows and padded so
/// that index 0 is column A. Whole numbers read without a decimal point.
fn grid_of(range: &Range<Data>) -> Grid {
    let mut grid = Grid::default();
    let Some((row0, col0)) = range.start() else {
        return grid;
    };
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); col0 as usize];
        cells.extend(row.iter().map(|c| match c {
            Data::String(s) => s.clone(),
            other => other.to_string(),
        }));
        grid.rows.push((row0 as usize + i + 1, cells));
    }
    grid
}
