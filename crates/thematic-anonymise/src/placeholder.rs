//! Placeholders already in the text (`[NAME]`, `[Name 3]`, `[Town]`, `<redacted>`, `{name}`,
//! `XXX`, `***`) and bracketed transcription notes (`[laughs]`, `[inaudible 00:12:03]`):
//! nothing inside them is a candidate.

use std::sync::OnceLock;

use regex::Regex;

use crate::offsets::Offsets;

/// The spans (code points) of placeholders and bracketed notes in `text`, in order.
pub(crate) fn spans(text: &str, offsets: &Offsets) -> Vec<(usize, usize)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"\[[^\[\]\n]{0,80}\]|<[A-Za-z][A-Za-z _-]{0,30}>|\{[A-Za-z][A-Za-z0-9 _-]{0,30}\}|(?-u:\b)[Xx]{3,}(?-u:\b)|\*{3,}|█+")
            .unwrap_or_else(|e| panic!("bad placeholder pattern: {e}"))
    });
    if !text.contains(['[', '<', '{', 'X', 'x', '*', '█']) {
        return Vec::new();
    }
    re.find_iter(text)
        .map(|m| (offsets.cp(m.start()), offsets.cp(m.end())))
        .collect()
}

/// Whether `replacement` looks like a placeholder (so a term inside it is not found again).
pub fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    let offsets = Offsets::new(s);
    spans(s, &offsets) == [(0, s.chars().count())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_notes_are_recognised() {
        for p in [
            "[NAME]",
            "[Name 3]",
            "[Town]",
            "<redacted>",
            "{name}",
            "XXX",
            "***",
            "[laughs]",
            "[inaudible 00:12:03]",
            "██",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for p in ["Leeds", "[unclosed", "x"] {
            assert!(!is_placeholder(p), "{p}");
        }
    }
}
