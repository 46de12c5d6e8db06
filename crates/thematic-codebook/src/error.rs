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
