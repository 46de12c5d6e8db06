//! The quote table as LaTeX: a `longtable` with `booktabs` rules, to `\input` into a paper.

use super::QuoteTable;
use super::format::typographic_quotes;

impl QuoteTable {
    /// The quote table as a LaTeX fragment: a captioned `longtable` (it breaks across
    /// pages) with `booktabs` rules and three columns, Theme, Quote and Participant. The
    /// header is repeated at the top of every page (`\endfirsthead`, `\endhead`), under a
    /// line "Table N (continued)". Each group is a bold row across the table. Every row
    /// names its theme: a theme's first row plainly, the rows after it through
    /// `\thematicrepeat`, which greys the name when `xcolor` is loaded (why every row: see
    /// [`QuoteTable::to_docx`]; LaTeX too breaks pages only once it typesets). Quotes are in
    /// typographic marks (``` ``…'' ```, the speaker's own double quotes as `` `…' `` inside),
    /// and every character LaTeX treats specially is escaped (`& % $ # _ { } ~ ^ \`, and
    /// `< > | [ ] --` and the backtick, which would otherwise print as other characters), so
    /// the text comes out as written.
    ///
    /// The preamble needs `\usepackage{array,booktabs,longtable}` (`array` for the
    /// ragged-right columns). pdfLaTeX reads UTF-8 by default; for quotes in scripts other
    /// than Latin, Greek or Cyrillic, compile with LuaLaTeX or XeLaTeX.
    pub fn to_latex(&self) -> String {
        let mut s = String::with_capacity(1024 + self.len() * 240);
        s.push_str(&format!(
            "% {}: {}.\n% Written by thematic. Needs \\usepackage{{array,booktabs,longtable}} in the preamble;\n% with xcolor loaded, a theme named again in the rows after its first is grey.\n",
            tex(&self.title).replace('\n', " "),
            tex(&self.about()).replace('\n', " ")
        ));
        let header = "\\toprule\n\\textbf{Theme} & \\textbf{Quote} & \\textbf{Participant} \\\\\n\\midrule\n";
        s.push_str("\\providecommand{\\thematicrepeat}[1]{\\ifdefined\\textcolor\\textcolor[gray]{0.45}{#1}\\else #1\\fi}\n");
        s.push_str(
            "\\begin{longtable}{@{}>{\\raggedright\\arraybackslash}p{0.2\\linewidth}>{\\raggedright\\arraybackslash}p{0.55\\linewidth}>{\\raggedright\\arraybackslash}p{0.17\\linewidth}@{}}\n",
        );
        s.push_str(&format!(
            "\\caption{{{}}}\\label{{tab:quotes}} \\\\\n{header}\\endfirsthead\n\\multicolumn{{3}}{{@{{}}l}}{{\\small\\textit{{Table \\thetable{{}} (continued)}}}} \\\\\n{header}\\endhead\n\\bottomrule\n\\endfoot\n",
            tex(&self.title)
        ));
        for (i, (_, new, t)) in self.sections().into_iter().enumerate() {
            if i > 0 && !new.is_empty() {
                s.push_str("\\addlinespace\n");
            }
            for a in new {
                s.push_str(&format!(
                    "\\multicolumn{{3}}{{@{{}}>{{\\raggedright\\arraybackslash}}p{{0.95\\linewidth}}@{{}}}}{{\\textbf{{{}}}}} \\\\*\n",
                    tex(&a.label)
                ));
            }
            let label = tex(&t.theme.label);
            for (j, q) in t.quotes.iter().enumerate() {
                let theme = if j == 0 {
                    label.clone()
                } else {
                    format!("\\thematicrepeat{{{label}}}")
                };
                s.push_str(&format!(
                    "{theme} & {} & {} \\\\\n",
                    tex(&format!("“{}”", typographic_quotes(&q.text, true))),
                    tex(&q.attribution)
                ));
            }
        }
        s.push_str("\\end{longtable}\n");
        s
    }
}

/// LaTeX text: straight quotation marks made typographic, then escaped as every table's
/// text is ([`crate::export::latex::escape`]: TeX's quote ligatures, specials, line breaks).
pub(crate) fn tex(s: &str) -> String {
    crate::export::latex::escape(&typographic_quotes(s, false))
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
        // Typographic marks as TeX ligatures, a thin space between two marks.
        assert_eq!(
            tex("“they’ll say ‘Actually.’”"),
            "``they'll say `Actually.'\\,''"
        );
        assert_eq!(
            tex("\"it's\" `x`"),
            "``it's'' \\textasciigrave{}x\\textasciigrave{}"
        );
    }
}
