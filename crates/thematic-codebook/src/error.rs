//! Problems found in a codebook file, each with its location.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The codebook cannot be loaded.
    Error,
    /// The codebook loads, but something deserves a look.
    Warning,
}

/// One problem at one place: `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as given when loading.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in lower case, naming the value.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warn = if self.severity == Severity::Warning {
            "warning: "
        } else {
            ""
        };
        write!(
            f,
            "{}:{}:{}: {warn}{}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// A codebook that could not be loaded: every error found, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookError {
    /// The errors (never empty).
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for CodebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        match self.diagnostics.first() {
            Some(first) if n == 1 => write!(f, "{first}"),
            Some(first) => write!(
                f,
                "{first} (and {} more problem{})",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
            None => write!(f, "invalid codebook"),
        }
    }
}

impl std::error::Error for CodebookError {}

/// Converts a byte offset into a 1-based (line, column in characters).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Where each line of a text starts, so that many offsets are turned into lines and
/// columns without counting the lines before each again ([`line_col`] per entry made
/// reading a codebook of 1,000 entries quadratic: most of a board move's time).
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    /// The line starts of `text`.
    pub(crate) fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// [`line_col`] of `offset` in `text` (the text these lines are of).
    pub(crate) fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (
            line,
            text.get(start..offset).map_or(0, |s| s.chars().count()) + 1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_what_line_col_gives_at_every_offset() {
        let text = "a = 1\n\n[[theme]]\nlabel = \"Café — é\"\nlast";
        let lines = Lines::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(
                lines.line_col(text, offset),
                line_col(text, offset),
                "{offset}"
            );
        }
        // "[[theme]]" starts line 3; the "l" of "last" is line 5, column 1.
        assert_eq!(lines.line_col(text, 7), (3, 1));
        assert_eq!(lines.line_col(text, text.len() - 4), (5, 1));
        assert_eq!(lines.line_col(text, usize::MAX), line_col(text, usize::MAX));
    }
}
