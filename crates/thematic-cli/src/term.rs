//! The terminal: colour, width, and escaping untrusted text.

use std::io::IsTerminal;

/// Whether to colour output on stdout: a terminal, and `NO_COLOR` unset or empty
/// (<https://no-color.org>).
pub fn colour_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Whether stdout is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Escapes control and bidirectional-override characters in text from transcripts and
/// speaker names before it reaches a terminal, so a file cannot move the cursor, change
/// colours or reorder what is shown. Newlines and tabs are kept.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if bad(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi_overrides() {
        assert_eq!(sanitize("P6\u{1b}[31m"), "P6\\u{1b}[31m");
        assert_eq!(sanitize("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(sanitize("line\nnext\tx"), "line\nnext\tx");
    }
}
