//! Checking a marked sheet against the study before anything is written: the header names
//! codable themes, every row's text is still the transcript's, every mark is readable.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use thematic_codebook::Codebook;
use thematic_transcript::Transcript;

use super::{
    FORMAT_NAME, Mark, SHEET_COLUMNS, SheetProblem, char_slice, column_letters, fingerprint_matches,
};

use super::SheetError;
use thematic_codebook::neutralize;
use thematic_study::Study;

/// The cells of a sheet: `(spreadsheet row number, cells from column A)`.
#[derive(Debug, Default)]
pub(super) struct Grid {
    pub(super) rows: Vec<(usize, Vec<String>)>,
}

/// What the `about` worksheet of an `.xlsx` sheet says.
#[derive(Debug, Default)]
pub(super) struct About {
    pub(super) study: String,
    pub(super) coder: String,
    /// Transcript id → fingerprint of its text at export.
    pub(super) fingerprints: HashMap<String, String>,
}

impl About {
    /// Reads an about worksheet; `None` unless it starts with the thematic format line.
    pub(super) fn from_grid(grid: &Grid) -> Option<About> {
        let mut about = About::default();
        let mut in_transcripts = false;
        let mut known = false;
        for (_, cells) in &grid.rows {
            let a = cells.first().map_or("", |s| s.trim());
            let b = cells.get(1).map_or("", |s| s.trim());
            if in_transcripts {
                if a.is_empty() {
                    break;
                }
                about.fingerprints.insert(a.to_string(), b.to_string());
                continue;
            }
            match a {
                "format" => known = b == FORMAT_NAME,
                "study" => about.study = b.to_string(),
                "coder" => about.coder = b.to_string(),
                "transcript" if b == "fingerprint" => in_transcripts = true,
                _ => {}
            }
        }
        known.then_some(about)
    }
}

/// One row that passed the checks.
#[derive(Debug)]
pub(super) struct Unit {
    pub(super) transcript: String,
    pub(super) turn: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    /// The transcript's text at `start..end`.
    pub(super) text: String,
    /// One mark per theme, in the order of [`Checked::themes`].
    pub(super) marks: Vec<Mark>,
}

/// A sheet that passed every check.
#[derive(Debug)]
pub(super) struct Checked {
    pub(super) themes: Vec<String>,
    pub(super) units: Vec<Unit>,
}

/// The column positions of a sheet's header.
struct Columns {
    /// Index of each of [`SHEET_COLUMNS`] (`speaker` may be missing).
    fixed: [Option<usize>; 6],
    /// `(index, theme id)` of each theme column.
    themes: Vec<(usize, String)>,
    /// The header's row number.
    row: usize,
    header: Vec<String>,
}

impl Columns {
    fn name(&self, index: usize) -> String {
        let h = self.header.get(index).map_or("", |s| s.trim());
        if h.is_empty() {
            column_letters(index)
        } else {
            format!("{} ({h})", column_letters(index))
        }
    }
}

/// Checks `grid` (read from `path`) against `study`; every problem is reported at once.
pub(super) fn check(
    study: &Study,
    path: &Path,
    grid: &Grid,
    about: Option<&About>,
) -> Result<Checked, SheetError> {
    let fail = |problems: Vec<SheetProblem>| SheetError::Sheet {
        path: path.to_path_buf(),
        problems,
    };
    if let Some(about) = about
        && about.study != study.config().name.trim()
    {
        return Err(fail(vec![SheetProblem::sheet(format!(
            "this sheet was exported from the study \"{}\", not from \"{}\": import it into \
             the study it came from",
            about.study,
            study.config().name
        ))]));
    }
    let book = study.codebook()?;
    let columns = header(grid, &book).map_err(fail)?;
    let mut rows = RowChecker {
        columns: &columns,
        about,
        files: study
            .transcript_files()?
            .into_iter()
            .map(|(id, p)| (id, (p, None)))
            .collect(),
        options: study.parse_options(),
        seen: HashMap::new(),
        problems: Vec::new(),
    };
    let mut units = Vec::new();
    for (number, cells) in &grid.rows {
        if *number <= columns.row || cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if let Some(unit) = rows.row(*number, cells)? {
            units.push(unit);
        }
    }
    if !rows.problems.is_empty() {
        return Err(fail(rows.problems));
    }
    Ok(Checked {
        themes: columns.themes.into_iter().map(|(_, id)| id).collect(),
        units,
    })
}

/// Finds the header (the first row with any text) and checks its theme columns.
fn header(grid: &Grid, book: &Codebook) -> Result<Columns, Vec<SheetProblem>> {
    let Some((row, header)) = grid
        .rows
        .iter()
        .find(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
    else {
        return Err(vec![SheetProblem::sheet("the sheet is empty")]);
    };
    let mut columns = Columns {
        fixed: [None; 6],
        themes: Vec::new(),
        row: *row,
        header: header.clone(),
    };
    let mut problems = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let name = cell.trim();
        // A CSV header guarded against formulas (`'-x`) names the same column.
        let name = match name.strip_prefix('\'') {
            Some(rest) if neutralize(rest) == name => rest,
            _ => name,
        };
        if name.is_empty() {
            continue;
        }
        let at = |message: String| SheetProblem::at(*row, Some(columns.name(i)), message);
        if let Some(f) = SHEET_COLUMNS
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
        {
            match columns.fixed[f] {
                Some(j) => problems.push(at(format!(
                    "a second `{name}` column (the first is column {}); delete one",
                    column_letters(j)
                ))),
                None => columns.fixed[f] = Some(i),
            }
            continue;
        }
        if let Some(&(j, _)) = columns.themes.iter().find(|(_, t)| t == name) {
            problems.push(at(format!(
                "a second column for the theme `{name}` (the first is column {}); delete one",
                column_letters(j)
            )));
            continue;
        }
        match book.get(name) {
            Some(e) if e.retired => problems.push(at(format!(
                "the theme `{name}` is retired and can no longer be applied; delete the column"
            ))),
            Some(e) if !e.codable => problems.push(at(format!(
                "`{name}` is a group of themes, which is not applied to text itself; delete \
                 the column"
            ))),
            Some(_) => columns.themes.push((i, name.to_string())),
            None => problems.push(at(format!(
                "`{name}` is not a theme of this study's codebook{}; name the column with a \
                 theme id, or delete it",
                suggestion(book, name)
            ))),
        }
    }
    for (f, found) in columns.fixed.iter().enumerate() {
        if found.is_none() && SHEET_COLUMNS[f] != "speaker" {
            problems.push(SheetProblem::at(
                *row,
                None,
                format!(
                    "the header has no `{}` column; the columns {} must stay as exported",
                    SHEET_COLUMNS[f], "transcript, turn, start, end and text"
                ),
            ));
        }
    }
    if problems.is_empty() && columns.themes.is_empty() {
        problems.push(SheetProblem::at(
            *row,
            None,
            "there are no theme columns: nothing to import",
        ));
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// ` (did you mean `what-matters`?)` for a near theme id or a theme's label; else empty.
fn suggestion(book: &Codebook, name: &str) -> String {
    if let Some(e) = book
        .codable()
        .find(|e| e.label.trim().eq_ignore_ascii_case(name))
    {
        return format!(" (did you mean `{}`, the id of \"{}\"?)", e.id, e.label);
    }
    thematic_codebook::closest(name, book.codable().map(|e| e.id.as_str()))
        .map(|id| format!(" (did you mean `{id}`?)"))
        .unwrap_or_default()
}

/// Transcript id → its file and, once parsed, the transcript.
type Files = HashMap<String, (PathBuf, Option<Transcript>)>;

/// Checks rows one by one, parsing each transcript the first time a row names it.
struct RowChecker<'a> {
    columns: &'a Columns,
    about: Option<&'a About>,
    files: Files,
    options: thematic_transcript::Options,
    /// `(transcript, start, end)` → the first row with that unit.
    seen: HashMap<(String, usize, usize), usize>,
    problems: Vec<SheetProblem>,
}

impl RowChecker<'_> {
    /// The unit of one row, or `None` with the row's problems recorded.
    fn row(&mut self, number: usize, cells: &[String]) -> Result<Option<Unit>, SheetError> {
        let cols = self.columns;
        let cell = |f: usize| {
            cols.fixed[f]
                .and_then(|i| cells.get(i))
                .map_or("", String::as_str)
        };
        let problem = |f: usize, message: String| {
            SheetProblem::at(number, cols.fixed[f].map(|i| cols.name(i)), message)
        };
        let raw_id = cell(0).trim();
        let id = match raw_id.strip_prefix('\'') {
            Some(rest) if neutralize(rest) == raw_id => rest,
            _ => raw_id,
        };
        let mut numbers = [0; 3];
        let mut bad = false;
        for (k, f) in [1, 2, 3].into_iter().enumerate() {
            match cell(f).trim().parse::<usize>() {
                Ok(n) => numbers[k] = n,
                Err(_) => {
                    bad = true;
                    self.problems.push(problem(
                        f,
                        format!(
                            "`{}` is not a {} number; the transcript, turn, start, end and text \
                             columns must stay as exported (export a fresh sheet)",
                            cell(f).trim(),
                            SHEET_COLUMNS[f]
                        ),
                    ));
                }
            }
        }
        let [turn, start, end] = numbers;
        let Some(transcript) = parsed(&mut self.files, &self.options, id)? else {
            let message = if id.is_empty() {
                "the transcript cell is empty; the transcript, turn, start, end and text \
                 columns must stay as exported"
                    .to_string()
            } else {
                format!("this study has no transcript `{id}`: is the sheet from another study?")
            };
            self.problems.push(problem(0, message));
            return Ok(None);
        };
        if bad {
            return Ok(None);
        }
        let expected = transcript
            .turns
            .get(turn.wrapping_sub(1))
            .filter(|t| t.start <= start && end <= t.end)
            .and_then(|t| char_slice(t.text(&transcript.text), start - t.start, end - t.start));
        let given = thematic_transcript::normalize(cell(5));
        let Some(expected) = expected.filter(|e| given == *e || given == neutralize(e)) else {
            let unchanged = self
                .about
                .and_then(|a| a.fingerprints.get(id))
                .map(|fp| fingerprint_matches(fp, &transcript.text));
            let message = match unchanged {
                Some(true) => format!(
                    "the text, turn, start or end of {id} turn {turn} was edited in the sheet \
                     (the transcript itself is unchanged); undo the edit (only theme columns \
                     may change), or export a fresh sheet"
                ),
                Some(false) => format!(
                    "the text of {id} turn {turn} no longer matches the transcript (the \
                     transcript was changed after the sheet was exported); export a fresh sheet"
                ),
                None => format!(
                    "the text of {id} turn {turn} no longer matches the transcript (it was \
                     changed after the sheet was exported, or edited in the sheet); export a \
                     fresh sheet"
                ),
            };
            self.problems.push(SheetProblem::at(number, None, message));
            return Ok(None);
        };
        let expected = expected.to_string();
        if let Some(first) = self.seen.get(&(id.to_string(), start, end)) {
            self.problems.push(SheetProblem::at(
                number,
                None,
                format!(
                    "this row repeats row {first} ({id} turn {turn}, {start}..{end}); delete one"
                ),
            ));
            return Ok(None);
        }
        self.seen.insert((id.to_string(), start, end), number);
        let mut marks = Vec::with_capacity(cols.themes.len());
        for (i, theme) in &cols.themes {
            let value = cells.get(*i).map_or("", String::as_str);
            match Mark::parse(value) {
                Some(m) => marks.push(m),
                None => self.problems.push(SheetProblem::at(
                    number,
                    Some(cols.name(*i)),
                    format!(
                        "`{}` is not a mark: write x to code this row with `{theme}`, leave the \
                         cell empty (or 0, no) if it does not apply, or ~ to leave it as it is",
                        value.trim()
                    ),
                )),
            }
        }
        if marks.len() < cols.themes.len() {
            return Ok(None);
        }
        Ok(Some(Unit {
            transcript: id.to_string(),
            turn,
            start,
            end,
            text: expected,
            marks,
        }))
    }
}

/// The transcript `id`, parsed on first use; `None` when the study has no such id.
fn parsed<'a>(
    files: &'a mut Files,
    options: &thematic_transcript::Options,
    id: &str,
) -> Result<Option<&'a Transcript>, SheetError> {
    let Some((path, parsed)) = files.get_mut(id) else {
        return Ok(None);
    };
    if parsed.is_none() {
        *parsed = Some(thematic_study::parse_file(path, options)?);
    }
    Ok(parsed.as_ref())
}
