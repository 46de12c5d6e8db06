//! LaTeX text for every table the report writes (quotes, Table 1, matrix, co-occurrence,
//! agreement): one escaper, so a character is written the same way in all of them.

/// `s` as LaTeX text for pdfLaTeX with T1 fonts: specials escaped; typographic quotation
/// marks (`“ ” ‘ ’`) written as TeX's quote ligatures (` `` `, `''`, `` ` ``, `'`), with a thin
/// space between two marks side by side and a guard after `?` and `!` (`?`` and `!`` are
/// TeX's ligatures for ¿ and ¡); the statistics' Greek letters and signs in math mode; an en
/// dash as `--` and two hyphens kept apart (`--` would be a dash); line breaks as
/// `\newline`; control characters dropped. Straight quotes are left as typed: callers that
/// want them typographic turn them first (`quotes::format::typographic_quotes`).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut prev = '\0';
    for c in s.chars() {
        let mark = |c: char| matches!(c, '“' | '”' | '‘' | '’');
        if mark(c) && mark(prev) {
            out.push_str("\\,");
        } else if matches!(c, '“' | '‘') && matches!(prev, '?' | '!') {
            out.push_str("{}");
        }
        match c {
            '“' => out.push_str("``"),
            '”' => out.push_str("''"),
            '‘' => out.push('`'),
            '’' => out.push('\''),
            '`' => out.push_str("\\textasciigrave{}"),
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
            '–' => out.push_str("--"),
            '−' => out.push_str("$-$"),
            'κ' => out.push_str("$\\kappa$"),
            'α' => out.push_str("$\\alpha$"),
            'π' => out.push_str("$\\pi$"),
            '±' => out.push_str("$\\pm$"),
            '×' => out.push_str("$\\times$"),
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
    fn specials_marks_and_symbols() {
        assert_eq!(
            escape(r"& % $ # _ { } ~ ^ \ < > | [x] a--b"),
            r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{} \textless{} \textgreater{} \textbar{} {[}x{]} a-{}-b"
        );
        assert_eq!(escape("one\ntwo…\u{7}"), "one\\newline two\\dots{}");
        assert_eq!(
            escape("“they’ll say ‘Actually.’”"),
            "``they'll say `Actually.'\\,''"
        );
        assert_eq!(escape("Why?‘No.’"), "Why?{}`No.'");
        assert_eq!(
            escape("κ = 0.43 ± 0.1, 33–60, −1 × 2, α π"),
            "$\\kappa$ = 0.43 $\\pm$ 0.1, 33--60, $-$1 $\\times$ 2, $\\alpha$ $\\pi$"
        );
    }
}
