//! Reading `review.csv`: every problem reported with its line and column and a hint, all
//! at once.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Decision, REVIEW_COLUMNS, Review, ReviewRow, unneutralize};
use crate::kind::{Kind, Rule};

/// One problem in `review.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewProblem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters) of the cell.
    pub column: usize,
    /// What is wrong, naming the value.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// `review.csv` could not be read: every problem found, each with its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewError {
    /// The file.
    pub path: PathBuf,
    /// The problems, in file order (never empty).
    pub problems: Vec<ReviewProblem>,
}

impl fmt::Display for ReviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                p.line,
                p.column,
                p.message
            )?;
            if let Some(h) = &p.hint {
                write!(f, " (hint: {h})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ReviewError {}

const HEADER_HINT: &str =
    "the first line of review.csv is: term,kind,rule,count,example,decision,replacement,note";

impl Review {
    /// Reads the text of `review.csv`; `path` names the file in errors. Required columns:
    /// `term`, `kind`, `decision`; the others may be left out (rule `manual`, count 0, the
    /// kind's placeholder as replacement). Columns may come in any order; an unknown column
    /// is an error, so nothing typed into the file is silently dropped on the next write. An
    /// empty `decision` cell means `review`.
    ///
    /// ```
    /// use std::path::Path;
    /// use thematic_anonymise::{Decision, Review};
    /// let text = "term,kind,rule,count,example,decision,replacement,note\n\
    ///             Amir,name,first-name-list,3,P1: …Amir said…,replace,[Name 1],\n";
    /// let review = Review::parse(text, Path::new("review.csv")).unwrap();
    /// assert_eq!(review.rows()[0].decision, Decision::Replace);
    ///
    /// let bad = "term,kind,decision\nAmir,name,maybe\n";
    /// let err = Review::parse(bad, Path::new("review.csv")).unwrap_err();
    /// assert_eq!(err.problems[0].line, 2);
    /// assert_eq!(err.problems[0].column, 11);
    /// assert!(err.to_string().starts_with("review.csv:2:11: unknown decision \"maybe\""));
    /// ```
    pub fn parse(text: &str, path: &Path) -> Result<Review, ReviewError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut problems = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            None => return Ok(Review::new()),
            Some(Err(e)) => {
                return Err(error(path, vec![csv_problem(text, &e)]));
            }
            Some(Ok(h)) => h,
        };
        let mut columns: [Option<usize>; 8] = [None; 8];
        for (i, name) in header.iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}').to_lowercase();
            match REVIEW_COLUMNS.iter().position(|c| *c == name) {
                Some(c) if columns[c].is_none() => columns[c] = Some(i),
                Some(_) => problems.push(at(
                    text,
                    &header,
                    i,
                    format!("column \"{name}\" appears twice"),
                    Some(HEADER_HINT.to_owned()),
                )),
                None => problems.push(at(
                    text,
                    &header,
                    i,
                    format!("unknown column \"{name}\""),
                    Some(format!("{HEADER_HINT}; put remarks in the note column")),
                )),
            }
        }
        for required in ["term", "kind", "decision"] {
            let c = REVIEW_COLUMNS
                .iter()
                .position(|c| *c == required)
                .unwrap_or(0);
            if columns[c].is_none() {
                problems.push(ReviewProblem {
                    line: 1,
                    column: 1,
                    message: format!("missing column \"{required}\""),
                    hint: Some(HEADER_HINT.to_owned()),
                });
            }
        }
        if !problems.is_empty() {
            return Err(error(path, problems));
        }
        let col = |name: &str| columns[REVIEW_COLUMNS.iter().position(|c| *c == name).unwrap_or(0)];
        let mut rows: Vec<ReviewRow> = Vec::new();
        let mut first_line: std::collections::HashMap<String, usize> = Default::default();
        for record in records {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(csv_problem(text, &e));
                    continue;
                }
            };
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            let cell = |name: &str| -> (&str, Option<usize>) {
                match col(name) {
                    Some(i) => (unneutralize(record.get(i).unwrap_or("")), Some(i)),
                    None => ("", None),
                }
            };
            let mut bad = |index: Option<usize>, message: String, hint: Option<String>| {
                problems.push(at(text, &record, index.unwrap_or(0), message, hint));
            };
            let (term, ti) = cell("term");
            let term = term.split_whitespace().collect::<Vec<_>>().join(" ");
            if term.is_empty() {
                bad(
                    ti,
                    "empty term".to_owned(),
                    Some("give the text to find, or delete the row".to_owned()),
                );
                continue;
            }
            let (kind_text, ki) = cell("kind");
            let kind = Kind::parse(kind_text);
            if kind.is_none() {
                let names: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                bad(
                    ki,
                    format!("unknown kind \"{}\"", kind_text.trim()),
                    Some(format!("one of {}", names.join(", "))),
                );
            }
            let (rule_text, ri) = cell("rule");
            let rule = if rule_text.trim().is_empty() {
                Some(Rule::Manual)
            } else {
                Rule::parse(rule_text)
            };
            if rule.is_none() {
                bad(
                    ri,
                    format!("unknown rule \"{}\"", rule_text.trim()),
                    Some("leave the rule the scan wrote, or write manual".to_owned()),
                );
            }
            let (count_text, ci) = cell("count");
            let count = if count_text.trim().is_empty() {
                Some(0)
            } else {
                count_text.trim().parse::<usize>().ok()
            };
            if count.is_none() {
                bad(
                    ci,
                    format!("count \"{}\" is not a whole number", count_text.trim()),
                    Some("the scan fills this in; write 0 or leave it empty".to_owned()),
                );
            }
            let (decision_text, di) = cell("decision");
            let decision = if decision_text.trim().is_empty() {
                Some(Decision::Review)
            } else {
                Decision::parse(decision_text)
            };
            if decision.is_none() {
                bad(
                    di,
                    format!("unknown decision \"{}\"", decision_text.trim()),
                    Some("write replace, review or keep".to_owned()),
                );
            }
            let key = crate::matcher::fold_term(&term);
            if let Some(first) = first_line.get(&key) {
                bad(
                    ti,
                    format!("\"{term}\" is listed twice (first on line {first})"),
                    Some("keep one row per term".to_owned()),
                );
                continue;
            }
            first_line.insert(key, line);
            if let (Some(kind), Some(rule), Some(count), Some(decision)) =
                (kind, rule, count, decision)
            {
                rows.push(ReviewRow {
                    term,
                    kind,
                    rule,
                    count,
                    example: cell("example").0.to_owned(),
                    decision,
                    replacement: cell("replacement").0.trim().to_owned(),
                    note: cell("note").0.to_owned(),
                });
            }
        }
        if problems.is_empty() {
            Ok(Review::from_rows(rows))
        } else {
            Err(error(path, problems))
        }
    }
}

fn error(path: &Path, problems: Vec<ReviewProblem>) -> ReviewError {
    ReviewError {
        path: path.to_owned(),
        problems,
    }
}

/// A problem in cell `index` of `record`, located by finding the cell in the source text.
fn at(
    text: &str,
    record: &csv::StringRecord,
    index: usize,
    message: String,
    hint: Option<String>,
) -> ReviewProblem {
    let (line, byte) = record
        .position()
        .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
    let (line, column) = cell_location(text, line, byte, index);
    ReviewProblem {
        line,
        column,
        message,
        hint,
    }
}

/// The line and column (1-based, in characters) where cell `index` of the record starting
/// at `byte` (on `line`) begins, following quotes and newlines inside quoted cells.
fn cell_location(text: &str, line: usize, byte: usize, index: usize) -> (usize, usize) {
    let mut line = line;
    let mut column = 1;
    let mut cell = 0;
    let mut quoted = false;
    for c in text.get(byte..).unwrap_or("").chars() {
        if cell == index {
            break;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cell += 1,
            '\n' if !quoted => break,
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
        column += 1;
    }
    (line, column)
}

fn csv_problem(text: &str, e: &csv::Error) -> ReviewProblem {
    let (line, byte) = e
        .position()
        .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
    let _ = text.get(byte..);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
        _ => "not readable as CSV".to_owned(),
    };
    ReviewProblem {
        line,
        column: 1,
        message,
        hint: Some("save the file as CSV (UTF-8) from the spreadsheet".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(usize, usize, String)> {
        match Review::parse(text, Path::new("anonymisation/review.csv")) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .problems
                .into_iter()
                .map(|p| (p.line, p.column, p.message))
                .collect(),
        }
    }

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let text = "\
term,kind,rule,count,example,decision,replacement,note
Amir,name,first-name-list,2,\"P1: …Amir, he said…\",replace,[Name 1],
Leeds,town,place-list,1,,maybe,[Place],
,name,manual,0,,keep,,
Zoe,name,guessing,x,,keep,,
";
        // Line 3: "Leeds," is 6 characters, so kind starts at column 7; the decision cell
        // starts after "Leeds,town,place-list,1,," = 25 characters, at column 26.
        // Line 4: the empty term is at column 1. Line 5: "Zoe,name," = 9 → rule at 10;
        // "Zoe,name,guessing," = 18 → count at 19.
        assert_eq!(
            problems(text),
            [
                (3, 7, "unknown kind \"town\"".to_owned()),
                (3, 26, "unknown decision \"maybe\"".to_owned()),
                (4, 1, "empty term".to_owned()),
                (5, 10, "unknown rule \"guessing\"".to_owned()),
                (5, 19, "count \"x\" is not a whole number".to_owned()),
            ]
        );
    }

    #[test]
    fn a_quoted_cell_across_lines_moves_the_line_count_on() {
        // The example on line 2 runs onto line 3; the bad decision is on line 3, after
        // `second line",` (13 characters) → column 14.
        let text = "term,kind,example,decision\nAmir,name,\"first line\nsecond line\",perhaps\n";
        assert_eq!(
            problems(text),
            [(3, 14, "unknown decision \"perhaps\"".to_owned())]
        );
    }

    #[test]
    fn missing_and_unknown_columns_name_the_header() {
        assert_eq!(
            problems("term,kind,verdict\nAmir,name,replace\n"),
            [
                (1, 11, "unknown column \"verdict\"".to_owned()),
                (1, 1, "missing column \"decision\"".to_owned())
            ]
        );
        let err = Review::parse("term,kind\n", Path::new("r.csv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.csv:1:1: missing column \"decision\" (hint: the first line of review.csv is: \
             term,kind,rule,count,example,decision,replacement,note)"
        );
    }

    #[test]
    fn a_term_twice_is_an_error_naming_the_first_line() {
        let text = "term,kind,decision\nLeeds,place,keep\nleeds,place,replace\n";
        assert_eq!(
            problems(text),
            [(
                3,
                1,
                "\"leeds\" is listed twice (first on line 2)".to_owned()
            )]
        );
    }

    #[test]
    fn optional_columns_default_and_empty_decision_is_review() {
        let text = "decision,term,kind\n,Leeds,place\nREPLACE,Amir,name\n";
        let review = Review::parse(text, Path::new("r.csv")).unwrap();
        let leeds = review.get("leeds").unwrap();
        assert_eq!(
            (leeds.decision, leeds.rule, leeds.count),
            (Decision::Review, Rule::Manual, 0)
        );
        assert_eq!(review.get("amir").unwrap().decision, Decision::Replace);
        assert_eq!(Review::parse("", Path::new("r.csv")), Ok(Review::new()));
    }
}
