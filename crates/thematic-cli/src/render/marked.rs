//! A turn's text with its codings marked: `[theme]coded words[/theme]` without colour, the
//! coded words in the theme's colour on a terminal.
//!
//! The markers are BBCode-like on purpose: a closing marker names its theme, so codings that
//! overlap without nesting (one starts inside another and ends after it) still read
//! unambiguously.

use std::fmt::Write as _;

use thematic_study::Coding;

use crate::term::sanitize;

/// How to mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `[theme]…[/theme]`, with the coder when several coders are shown.
    Brackets,
    /// ANSI colours: coded text in the theme's colour, markers dimmed.
    Colour,
}

/// A coding clipped to one turn, with the colour to draw it in.
#[derive(Debug, Clone)]
pub struct Mark<'a> {
    /// The coding.
    pub coding: &'a Coding,
    /// `#rrggbb`, when the codebook gives the theme a colour.
    pub colour: Option<&'a str>,
}

/// Renders `text` (a turn's text, starting at code point `turn_start` of the transcript)
/// with `marks` inserted. `with_coder` adds the coder to each marker.
pub fn render(
    text: &str,
    turn_start: usize,
    marks: &[Mark<'_>],
    style: Style,
    with_coder: bool,
) -> String {
    let len = text.chars().count();
    // (position, is_open, index into marks); closes sort before opens at one position, and
    // closes in the reverse order of their opens so nested codings nest.
    let mut events: Vec<(usize, bool, usize)> = Vec::with_capacity(marks.len() * 2);
    for (k, m) in marks.iter().enumerate() {
        let a = m.coding.start.saturating_sub(turn_start).min(len);
        let b = m.coding.end.saturating_sub(turn_start).min(len);
        events.push((a, true, k));
        events.push((b, false, k));
    }
    events.sort_by(|x, y| {
        x.0.cmp(&y.0)
            .then(x.1.cmp(&y.1))
            .then(if x.1 { x.2.cmp(&y.2) } else { y.2.cmp(&x.2) })
    });
    let mut out = String::with_capacity(text.len() + marks.len() * 24);
    let mut active: Vec<usize> = Vec::new();
    let mut next = 0usize;
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0usize;
    while pos <= len {
        while let Some(&(at, open, k)) = events.get(next) {
            if at != pos {
                break;
            }
            next += 1;
            let m = &marks[k];
            let name = if with_coder {
                format!("{}/{}", m.coding.theme, m.coding.coder)
            } else {
                m.coding.theme.clone()
            };
            if open {
                active.push(k);
            } else {
                active.retain(|&x| x != k);
            }
            match style {
                Style::Brackets => {
                    let _ = write!(out, "[{}{}]", if open { "" } else { "/" }, sanitize(&name));
                }
                Style::Colour => {
                    let _ = write!(
                        out,
                        "\x1b[0m\x1b[2m{}{}]\x1b[0m",
                        if open { "[" } else { "[/" },
                        sanitize(&name),
                    );
                }
            }
            if style == Style::Colour {
                // Back to the colour of the innermost coding still open.
                if let Some(&inner) = active.last() {
                    out.push_str(&ansi(marks[inner].colour));
                }
            }
        }
        if pos == len {
            break;
        }
        let c = chars[pos];
        out.push_str(&sanitize(c.encode_utf8(&mut [0u8; 4])));
        pos += 1;
    }
    if style == Style::Colour && !active.is_empty() {
        out.push_str("\x1b[0m");
    }
    out
}

/// The ANSI sequence for a `#rrggbb` colour (24-bit), bold when there is none.
fn ansi(colour: Option<&str>) -> String {
    let rgb = colour
        .and_then(|c| c.strip_prefix('#'))
        .filter(|h| h.len() == 6)
        .and_then(|h| {
            let p = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
            Some((p(0)?, p(2)?, p(4)?))
        });
    match rgb {
        Some((r, g, b)) => format!("\x1b[1;38;2;{r};{g};{b}m"),
        None => "\x1b[1m".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(theme: &str, coder: &str, start: usize, end: usize) -> Coding {
        Coding {
            id: "c-1".into(),
            coder: coder.into(),
            transcript: "P6".into(),
            turn: 1,
            start,
            end,
            theme: theme.into(),
            text: String::new(),
            memo: String::new(),
            created: String::new(),
            status: Default::default(),
        }
    }

    #[test]
    fn nested_and_crossing_codings_read_unambiguously() {
        let a = coding("a", "KW", 100, 109);
        let b = coding("b", "KW", 104, 115);
        let c = coding("c", "AB", 104, 109);
        let marks = [
            Mark {
                coding: &a,
                colour: None,
            },
            Mark {
                coding: &b,
                colour: None,
            },
            Mark {
                coding: &c,
                colour: None,
            },
        ];
        // "we really do it together" starts at code point 100 of the transcript.
        let text = "we really do it together";
        assert_eq!(
            render(text, 100, &marks[..2], Style::Brackets, false),
            "[a]we r[b]eally[/a] do it[/b] together"
        );
        assert_eq!(
            render(text, 100, &marks[..], Style::Brackets, true),
            "[a/KW]we r[b/KW][c/AB]eally[/c/AB][/a/KW] do it[/b/KW] together"
        );
    }

    #[test]
    fn offsets_are_code_points_and_codings_are_clipped_to_the_turn() {
        let a = coding("a", "KW", 2, 4);
        let whole = coding("w", "KW", 0, 999);
        let marks = [Mark {
            coding: &a,
            colour: None,
        }];
        assert_eq!(
            render("Zoë 👍 ok", 0, &marks, Style::Brackets, false),
            "Zo[a]ë [/a]👍 ok"
        );
        let marks = [Mark {
            coding: &whole,
            colour: None,
        }];
        assert_eq!(
            render("abc", 10, &marks, Style::Brackets, false),
            "[w]abc[/w]"
        );
    }

    #[test]
    fn colour_uses_the_theme_colour_and_resets() {
        let a = coding("a", "KW", 0, 2);
        let marks = [Mark {
            coding: &a,
            colour: Some("#ff8000"),
        }];
        let out = render("hi there", 0, &marks, Style::Colour, false);
        assert!(out.contains("\x1b[1;38;2;255;128;0mhi"), "{out:?}");
        assert!(out.ends_with("\x1b[0m there"), "{out:?}");
        assert!(out.contains("\x1b[2m[/a]\x1b[0m"), "{out:?}");
    }
}
