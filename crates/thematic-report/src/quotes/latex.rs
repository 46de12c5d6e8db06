//! The quote table as LaTeX: a `longtable` with `booktabs` rules, to `\input` into a paper.

use super::QuoteTable;

impl QuoteTable {
    /// The quote table as a LaTeX fragment: a `longtable` (it breaks across pages and repeats
    /// its header) with `booktabs` rules and three columns, Theme, Quote and Participant.
    /// Each group is a bold row across the table; a theme's label is on its first quote's
    /// row. Every character LaTeX treats specially is escaped (`& % $ # _ { } ~ ^ \`, and
    /// `< > | [ ]` and `--`, which would otherwise print as other characters), so the text
    /// comes out as written.
    ///
    /// The preamble needs `\usepackage{array,booktabs,longtable}` (`array` for the
    /// ragged-right columns). pdfLaTeX reads UTF-8 by
    /// default; for quotes in scripts other than Latin, Greek or Cyrillic, compile with
    /// LuaLaTeX or XeLaTeX.
    pub fn to_latex(&self) -> String {
        let mut s = String::with_capacity(512 + self.len() * 220);
        s.push_str(&format!(
            "% {}: {}.\n% Written by thematic. Needs \\usepackage{{array,booktabs,longtable}} in the preamble.\n",
            tex(&self.title).replace('\n', " "),
            tex(&self.about()).replace('\n', " ")
        ));
        s.push_str(
            "\\begin{longtable}{@{}>{\\raggedright\\arraybackslash}p{0.2\\linewidth}>{\\raggedright\\arraybackslash}p{0.55\\linewidth}>{\\raggedright\\arraybackslash}p{0.17\\linewidth}@{}}\n\
             \\toprule\n\\textbf{Theme} & \\textbf{Quote} & \\textbf{Participant} \\\\\n\\midrule\n\\endhead\n\
             \\bottomrule\n\\endfoot\n",
        );
        for (i, (_, new, t)) in self.sections().into_iter().enumerate() {
            if i > 0 && !new.is_empty() {
                s.push_str("\\addlinespace\n");
            }
            for a in new {
                s.push_str(&format!(
                    "\\multicolumn{{3}}{{@{{}}p{{0.9\\linewidth}}@{{}}}}{{\\textbf{{{}}}}} \\\\\n",
                    tex(&a.label)
                ));
            }
            for (j, q) in t.quotes.iter().enumerate() {
                let label = if j == 0 {
                    tex(&t.theme.label)
                } else {
                    String::new()
                };
                s.push_str(&format!(
                    "{label} & {} & {} \\\\\n",
                    tex(&q.text),
                    tex(&q.attribution)
                ));
            }
        }
        s.push_str("\\end{longtable}\n");
        s
    }
}

/// LaTeX text: specials escaped, line breaks as `\newline`, control characters dropped.
pub(crate) fn tex(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut prev = '\0';
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            '|' => out.push_str("\\textbar{}"),
            '[' | ']' => {
                // `[` right after `\\` would be read as an option of the line break.
                out.push('{');
                out.push(c);
                out.push('}');
            }
            '…' => out.push_str("\\dots{}"),
            // `--` and `---` are dashes in TeX; keep hyphens as typed.
            '-' if prev == '-' => out.push_str("{}-"),
            '\n' => out.push_str("\\newline "),
            c if c.is_control() => {}
            c => out.push(c),
        }
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_character_is_escaped() {
        assert_eq!(
            tex(r"& % $ # _ { } ~ ^ \ < > | [x] a--b"),
            r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{} \textless{} \textgreater{} \textbar{} {[}x{]} a-{}-b"
        );
        assert_eq!(tex("one\ntwo…\u{7}"), "one\\newline two\\dots{}");
    }
}
