//! Importing a marked coding sheet: read, check, diff against the coder's codings, and
//! apply the difference in one locked, atomic update.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::check::{About, Checked, Grid, check};
use super::{Mark, SheetProblem, csv, xlsx};
use thematic_study::StudyError;
use thematic_study::now_rfc3339;
use thematic_study::{Coding, CodingsFile};

use super::SheetError;
use thematic_study::Study;
use thematic_study::new_coding_id;

/// What importing a coding sheet did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetImport {
    /// Whose codings changed.
    pub coder: String,
    /// New codings, one per marked cell the coder had no exact coding for, in sheet order.
    pub added: Vec<Coding>,
    /// Codings removed, one per exact coding of an unmarked cell, in file order.
    pub removed: Vec<Coding>,
    /// Theme cells that asked for no change: marked and already coded, unmarked and not
    /// coded, or `~`.
    pub unchanged: usize,
}

/// Imports a marked coding sheet (CSV, or a workbook: `.xlsx`, `.xls`, `.xlsb`, `.ods`,
/// told apart by content) into the coder's codings. See [`crate::sheet`] for the marks.
///
/// The coder is the one in the sheet's `about` worksheet; a sheet without one (any CSV)
/// needs `coder`. Naming a coder other than the sheet's is refused.
///
/// The whole sheet is checked first: its study (from `about`), its header (every theme
/// column a codable theme of the codebook, with a suggestion for a near miss), every
/// row's text against the transcript at `start..end` and every mark. Any problem refuses
/// the import with [`SheetError::Sheet`], listing every problem by row and column, and
/// nothing is written. Otherwise the changes are applied in one update of the coder's
/// codings file, under its lock.
pub fn import_sheet(
    study: &Study,
    path: &Path,
    coder: Option<&str>,
) -> Result<SheetImport, SheetError> {
    import_sheet_with(study, path, coder, true)
}

/// Like [`import_sheet`], with every check, but writes nothing: the report says
/// what an import would add and remove now.
pub fn import_sheet_dry_run(
    study: &Study,
    path: &Path,
    coder: Option<&str>,
) -> Result<SheetImport, SheetError> {
    import_sheet_with(study, path, coder, false)
}

fn import_sheet_with(
    study: &Study,
    path: &Path,
    coder: Option<&str>,
    write: bool,
) -> Result<SheetImport, SheetError> {
    let fail = |problems: Vec<SheetProblem>| SheetError::Sheet {
        path: path.to_path_buf(),
        problems,
    };
    let bytes = std::fs::read(path).map_err(|e| StudyError::io(path, e))?;
    let (grid, about) = read_sheet(path, bytes).map_err(fail)?;
    let coder = whose(about.as_ref(), coder).map_err(|p| fail(vec![p]))?;
    study.codings_path(&coder)?;
    let checked = check(study, path, &grid, about.as_ref())?;
    let created = now_rfc3339();
    let apply = |file: &mut CodingsFile| {
        let report = apply(file, &checked, &coder, &created);
        let changed = !report.added.is_empty() || !report.removed.is_empty();
        Ok((report, changed))
    };
    if write {
        Ok(study.update_codings(&coder, apply)?)
    } else {
        let mut file = study.codings_of(&coder)?;
        Ok(apply(&mut file).map(|(report, _)| report)?)
    }
}

/// Reads a sheet file: a workbook when its bytes are a zip (`.xlsx`, `.ods`) or an OLE
/// file (`.xls`) or its extension says so, else CSV.
fn read_sheet(path: &Path, bytes: Vec<u8>) -> Result<(Grid, Option<About>), Vec<SheetProblem>> {
    let magic = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0");
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let workbook_ext = matches!(
        ext.as_deref(),
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
    );
    if magic || workbook_ext {
        xlsx::read_workbook(bytes)
    } else {
        csv::read_csv(&bytes).map(|grid| (grid, None))
    }
}

/// The coder the sheet is imported for: the sheet's own, else the one named.
fn whose(about: Option<&About>, named: Option<&str>) -> Result<String, SheetProblem> {
    let own = about.map(|a| a.coder.as_str()).filter(|c| !c.is_empty());
    match (own, named) {
        (Some(own), Some(named)) if own != named => Err(SheetProblem::sheet(format!(
            "this sheet holds {own}'s codings (see its about worksheet), not {named}'s: \
             import it without naming a coder, or export a sheet for {named}"
        ))),
        (Some(own), _) => Ok(own.to_string()),
        (None, Some(named)) => Ok(named.to_string()),
        (None, None) => Err(SheetProblem::sheet(
            "the sheet does not say whose codings it holds (a CSV sheet never does): name \
             the coder with --coder",
        )),
    }
}

/// Applies the marks of `checked` to `file`: adds a coding for each marked cell without an
/// exact coding, removes the exact codings of each unmarked cell.
fn apply(file: &mut CodingsFile, checked: &Checked, coder: &str, created: &str) -> SheetImport {
    let mut exact: HashMap<(&str, usize, usize, &str), Vec<usize>> = HashMap::new();
    // Orphaned codings (their words were lost when the transcript was corrected) are not
    // on the sheet: no mark adds to or removes them.
    for (i, c) in file
        .codings
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_anchored())
    {
        exact
            .entry((&c.transcript, c.start, c.end, &c.theme))
            .or_default()
            .push(i);
    }
    let mut ids: HashSet<String> = file.codings.iter().map(|c| c.id.clone()).collect();
    let mut remove = vec![false; file.codings.len()];
    let mut added = Vec::new();
    let mut unchanged = 0;
    for unit in &checked.units {
        for (theme, mark) in checked.themes.iter().zip(&unit.marks) {
            let key = (
                unit.transcript.as_str(),
                unit.start,
                unit.end,
                theme.as_str(),
            );
            match (mark, exact.get(&key)) {
                (Mark::Coded, None) => {
                    let mut id = new_coding_id();
                    while !ids.insert(id.clone()) {
                        id = new_coding_id();
                    }
                    added.push(Coding {
                        id,
                        coder: coder.to_string(),
                        transcript: unit.transcript.clone(),
                        turn: unit.turn,
                        start: unit.start,
                        end: unit.end,
                        theme: theme.clone(),
                        text: unit.text.clone(),
                        memo: String::new(),
                        created: created.to_string(),
                        status: Default::default(),
                    });
                }
                (Mark::Empty, Some(found)) => found.iter().for_each(|&i| remove[i] = true),
                _ => unchanged += 1,
            }
        }
    }
    let mut removed = Vec::new();
    let mut kept = Vec::with_capacity(file.codings.len());
    for (c, gone) in std::mem::take(&mut file.codings).into_iter().zip(remove) {
        if gone {
            removed.push(c);
        } else {
            kept.push(c);
        }
    }
    kept.extend(added.iter().cloned());
    file.codings = kept;
    SheetImport {
        coder: coder.to_string(),
        added,
        removed,
        unchanged,
    }
}
