//! The quote table's file formats, and the one place that picks the writer for each.

use super::QuoteTable;
use thematic_study::StudyError;

/// A file format of the quote table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteFormat {
    /// Markdown: headings and block quotes.
    Md,
    /// CSV, one row per quote (formula-safe).
    Csv,
    /// LaTeX: a booktabs longtable.
    Tex,
    /// A standalone HTML page.
    Html,
    /// A Word document.
    Docx,
    /// An Excel workbook.
    Xlsx,
    /// JSON, an array of quotes.
    Json,
}

impl QuoteFormat {
    /// Every format, in the order they are offered.
    pub const ALL: [QuoteFormat; 7] = [
        QuoteFormat::Md,
        QuoteFormat::Csv,
        QuoteFormat::Tex,
        QuoteFormat::Html,
        QuoteFormat::Docx,
        QuoteFormat::Xlsx,
        QuoteFormat::Json,
    ];

    /// Its name, which is also its file extension: `md`, `csv`, `tex`, `html`, `docx`,
    /// `xlsx` or `json`.
    pub fn name(self) -> &'static str {
        match self {
            QuoteFormat::Md => "md",
            QuoteFormat::Csv => "csv",
            QuoteFormat::Tex => "tex",
            QuoteFormat::Html => "html",
            QuoteFormat::Docx => "docx",
            QuoteFormat::Xlsx => "xlsx",
            QuoteFormat::Json => "json",
        }
    }

    /// What it is, in a few words (for help texts).
    pub fn description(self) -> &'static str {
        match self {
            QuoteFormat::Md => "Markdown: headings and block quotes",
            QuoteFormat::Csv => "CSV, one row per quote (formula-safe)",
            QuoteFormat::Tex => "LaTeX: a booktabs longtable",
            QuoteFormat::Html => "A standalone HTML page",
            QuoteFormat::Docx => "A Word document",
            QuoteFormat::Xlsx => "An Excel workbook",
            QuoteFormat::Json => "JSON, an array of quotes",
        }
    }

    /// The format named `name` exactly (see [`QuoteFormat::name`]).
    pub fn from_name(name: &str) -> Option<QuoteFormat> {
        QuoteFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format of a file with extension `ext` (lower case, no dot): its name, or
    /// `markdown`, `latex`, `htm`.
    pub fn from_extension(ext: &str) -> Option<QuoteFormat> {
        match ext {
            "markdown" => Some(QuoteFormat::Md),
            "latex" => Some(QuoteFormat::Tex),
            "htm" => Some(QuoteFormat::Html),
            _ => QuoteFormat::from_name(ext),
        }
    }

    /// Its media type, for an HTTP `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            QuoteFormat::Md => "text/markdown; charset=utf-8",
            QuoteFormat::Csv => "text/csv; charset=utf-8",
            QuoteFormat::Tex => "application/x-tex; charset=utf-8",
            QuoteFormat::Html => "text/html; charset=utf-8",
            QuoteFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            QuoteFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            QuoteFormat::Json => "application/json",
        }
    }

    /// Whether it is a binary file (Word, Excel), not text for a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, QuoteFormat::Docx | QuoteFormat::Xlsx)
    }
}

impl std::fmt::Display for QuoteFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl QuoteTable {
    /// The table written in `format`. `excel`: a CSV file starts with a byte-order mark, so
    /// Excel reads it as UTF-8 (other formats ignore it).
    pub fn render(&self, format: QuoteFormat, excel: bool) -> Result<Vec<u8>, StudyError> {
        Ok(match format {
            QuoteFormat::Md => self.to_markdown().into_bytes(),
            QuoteFormat::Csv => self.to_csv(excel),
            QuoteFormat::Tex => self.to_latex().into_bytes(),
            QuoteFormat::Html => self.to_html().into_bytes(),
            QuoteFormat::Docx => self.to_docx(),
            QuoteFormat::Xlsx => self.to_xlsx()?,
            QuoteFormat::Json => self.to_json(),
        })
    }
}

/// `s` with typographic quotation marks for the straight ones typed in transcripts: `"`
/// becomes “ or ”, `'` becomes ‘ or ’ (an apostrophe is ’). A mark opens after the start,
/// white space, an opening bracket, a dash, a slash or another opening mark, and closes
/// otherwise; a `'` before a digit or an elision (’90s, ’em, ’cause, ’til) is an apostrophe.
/// `nested`: the text will be printed inside “ ”, so its own double quotes become single
/// ones (‘ ’), as printed quotations nest.
pub(crate) fn typographic_quotes(s: &str, nested: bool) -> String {
    const ELISIONS: [&str; 8] = ["em", "cause", "til", "tis", "twas", "n", "bout", "round"];
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut last: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        let opens = last.is_none_or(|p| p.is_whitespace() || "([{<‘“—–-/".contains(p));
        let q = match c {
            '"' => match (opens, nested) {
                (true, false) => '“',
                (false, false) => '”',
                (true, true) => '‘',
                (false, true) => '’',
            },
            '\'' => {
                let next = chars.get(i + 1).copied();
                let word: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_alphabetic())
                    .collect::<String>()
                    .to_lowercase();
                let elided =
                    next.is_some_and(|n| n.is_ascii_digit()) || ELISIONS.contains(&word.as_str());
                if opens && !elided && next.is_some_and(|n| !n.is_whitespace()) {
                    '‘'
                } else {
                    '’'
                }
            }
            c => c,
        };
        out.push(q);
        last = Some(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_found_by_name_and_by_extension() {
        for f in QuoteFormat::ALL {
            assert_eq!(QuoteFormat::from_name(f.name()), Some(f));
            assert_eq!(QuoteFormat::from_extension(f.name()), Some(f));
            assert_eq!(f.to_string(), f.name());
        }
        assert_eq!(QuoteFormat::from_name("markdown"), None);
        assert_eq!(
            QuoteFormat::from_extension("markdown"),
            Some(QuoteFormat::Md)
        );
        assert_eq!(QuoteFormat::from_extension("latex"), Some(QuoteFormat::Tex));
        assert_eq!(QuoteFormat::from_extension("htm"), Some(QuoteFormat::Html));
        assert_eq!(QuoteFormat::from_extension("pdf"), None);
        assert!(QuoteFormat::Xlsx.is_binary() && !QuoteFormat::Csv.is_binary());
    }

    #[test]
    fn straight_quotes_become_typographic() {
        assert_eq!(
            typographic_quotes(r#"She said "it's fine" and 'left'."#, false),
            "She said “it’s fine” and ‘left’."
        );
        // Nested inside “ ”: doubles become singles; apostrophes stay apostrophes.
        assert_eq!(
            typographic_quotes(r#"they'll say "Actually, I'm drinking." (P12)"#, true),
            "they’ll say ‘Actually, I’m drinking.’ (P12)"
        );
        // Elisions and decades are apostrophes even where a quote would open.
        assert_eq!(
            typographic_quotes("back in the '90s, 'cause of 'em", false),
            "back in the ’90s, ’cause of ’em"
        );
        // After an opening bracket or a dash a mark opens; after punctuation it closes.
        assert_eq!(
            typographic_quotes(r#"("yes")—"no." 'x'"#, false),
            "(“yes”)—“no.” ‘x’"
        );
        assert_eq!(
            typographic_quotes("Patients' role", false),
            "Patients’ role"
        );
        assert_eq!(typographic_quotes("\"", false), "“");
    }
}
