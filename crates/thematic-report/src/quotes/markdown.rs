//! The quote table as Markdown: headings for the groups and themes, a block quote per quote.
//!
//! Markdown pipe tables cannot hold group rows or long, multi-line quotes, so this one is
//! laid out as a results section instead: a heading per codebook entry (nested by depth),
//! and under each theme its quotes as block quotes, each followed by its attribution.

use super::QuoteTable;

impl QuoteTable {
    /// The quote table as Markdown (CommonMark). Text is escaped so that nothing in a quote
    /// is read as markup.
    pub fn to_markdown(&self) -> String {
        let mut s = String::with_capacity(256 + self.len() * 200);
        s.push_str(&format!("# {}\n\n", md_text(&self.title)));
        s.push_str(&format!("{}.\n", md_text(&self.about())));
        for (shared, new, t) in self.sections() {
            // Headings for the ancestors not already open, then the theme's.
            for (k, a) in new.iter().enumerate() {
                heading(&mut s, shared + k, &a.label);
            }
            heading(&mut s, t.ancestors.len(), &t.theme.label);
            for q in &t.quotes {
                s.push('\n');
                let lines: Vec<&str> = q.text.lines().filter(|l| !l.trim().is_empty()).collect();
                for (i, line) in lines.iter().enumerate() {
                    s.push_str("> ");
                    s.push_str(&md_line(line));
                    if i + 1 < lines.len() {
                        s.push_str("\\\n");
                    }
                }
                s.push_str(&format!(" ({})\n", md_text(&q.attribution)));
            }
        }
        s
    }
}

fn heading(s: &mut String, depth: usize, label: &str) {
    s.push_str(&format!(
        "\n{} {}\n",
        "#".repeat((depth + 2).min(6)),
        md_text(label)
    ));
}

/// Text with every character Markdown could read as markup escaped.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One line of a block quote: [`md_text`], and a line start that would begin a list, a
/// heading underline or a numbered item is escaped too.
fn md_line(line: &str) -> String {
    let escaped = md_text(line);
    let trimmed = escaped.trim_start();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let numbered = digits > 0 && matches!(trimmed[digits..].chars().next(), Some('.') | Some(')'));
    if numbered {
        let lead = escaped.len() - trimmed.len() + digits;
        format!("{}\\{}", &escaped[..lead], &escaped[lead..])
    } else if trimmed.starts_with(['-', '+', '=']) {
        let lead = escaped.len() - trimmed.len();
        format!("{}\\{}", &escaped[..lead], &escaped[lead..])
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_quotes_is_escaped() {
        assert_eq!(
            md_text("a *b* [c](d) <e> #f"),
            "a \\*b\\* \\[c\\](d) \\<e\\> \\#f"
        );
        assert_eq!(md_line("- a list?"), "\\- a list?");
        assert_eq!(md_line("1. first"), "1\\. first");
        assert_eq!(md_line("  === "), "  \\=== ");
        assert_eq!(md_line("well - yes"), "well - yes");
    }
}
