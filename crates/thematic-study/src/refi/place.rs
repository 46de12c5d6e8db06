//! Placing another tool's selections in our text.
//!
//! A source comes as a file of text; positions in `project.qde` count characters into it.
//! What a "character" is differs between tools: ATLAS.ti and MAXQDA count a `\r\n` line
//! ending as one, QualCoder counts both code points, and a byte-order mark may or may not
//! be counted. Our text is the source's text normalized (NFC, `\n`, no BOM), so each
//! position must be re-based.
//!
//! For a source with CRLF line endings or a BOM, every reading of its positions is tried
//! and the one under which its selections fit best wins: a selection scores when it lies
//! inside the text, and scores high when its `name` (most tools put the selected text
//! there) equals the text it points at. Each selection is then checked: one outside the
//! text, or whose name is its text in the other tool but not here, cannot be placed and is
//! reported, never dropped silently.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

/// A source file's text, decoded.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// Whether it began with a byte-order mark.
    pub bom: bool,
    /// Whether invalid UTF-8 had to be replaced.
    pub lossy: bool,
}

/// UTF-8 (with or without a BOM) or UTF-16 with a BOM; invalid UTF-8 is replaced by U+FFFD.
pub(crate) fn decode_text(bytes: &[u8]) -> (String, Decoded) {
    let utf16 = |b: &[u8], le: bool| {
        let units = b.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{fffd}'))
            .collect::<String>()
    };
    let (text, bom, lossy) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let t = String::from_utf8_lossy(rest);
        (t.into_owned(), true, std::str::from_utf8(rest).is_err())
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (utf16(rest, true), true, false)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (utf16(rest, false), true, false)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => (t.to_string(), false, false),
            Err(_) => (String::from_utf8_lossy(bytes).into_owned(), false, true),
        }
    };
    (text.clone(), Decoded { text, bom, lossy })
}

/// `\r\n` and a lone `\r` become `\n`.
pub(crate) fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// A selection to place: its positions and its name as the other tool wrote them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted<'a> {
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub name: Option<&'a str>,
}

/// Why a selection could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unplaced {
    /// No usable start or end position.
    NoPosition,
    /// Empty, reversed or beyond the end of the text.
    Outside,
    /// Its name, which is its text in the other tool, is not the text here.
    TextDiffers,
    /// Our reading of the source changed its text in a way positions cannot follow.
    TextChanged,
}

impl Unplaced {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Unplaced::NoPosition => "selection without a start or end position",
            Unplaced::Outside => "selection outside its source's text",
            Unplaced::TextDiffers => {
                "selection whose text differs from what the other tool recorded"
            }
            Unplaced::TextChanged => "selection in a source whose text changed when read",
        }
    }
}

/// How positions were read for one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reading {
    /// `\r\n` counted as two characters (else as one).
    pub crlf_as_two: bool,
    /// The byte-order mark counted as a character.
    pub bom_counted: bool,
}

impl Reading {
    /// A sentence for the import report, when the reading is not the plain one.
    pub(crate) fn describe(self, had_crlf: bool) -> Option<String> {
        let mut parts = Vec::new();
        if had_crlf {
            parts.push(if self.crlf_as_two {
                "CRLF line endings counted as two characters"
            } else {
                "CRLF line endings counted as one character"
            });
        }
        if self.bom_counted {
            parts.push("the byte-order mark counted as a character");
        }
        (!parts.is_empty()).then(|| format!("positions re-based: {}", parts.join(", ")))
    }
}

/// Where each selection lands in `ours` (code points, end exclusive), or why it does not.
#[derive(Debug)]
pub(crate) struct Placement {
    pub spans: Vec<Result<(usize, usize), Unplaced>>,
    pub reading: Reading,
}

/// Places `wanted` selections, given positions into the source text `raw` (decoded, BOM
/// removed; `bom` says whether it had one), in `ours`, the text our parser made of the
/// stored source.
pub(crate) fn place(raw: &str, bom: bool, ours: &str, wanted: &[Wanted<'_>]) -> Placement {
    let lines = normalize_newlines(raw);
    let line_chars: Vec<char> = lines.chars().collect();
    let crlf: Vec<usize> = {
        let chars: Vec<char> = raw.chars().collect();
        chars
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] == '\r' && w[1] == '\n')
            .map(|(i, _)| i)
            .collect()
    };
    let ours_chars: Vec<char> = ours.chars().collect();
    let mut readings = vec![Reading {
        crlf_as_two: false,
        bom_counted: false,
    }];
    if !crlf.is_empty() {
        readings.push(Reading {
            crlf_as_two: true,
            bom_counted: false,
        });
    }
    if bom {
        for r in readings.clone() {
            readings.push(Reading {
                bom_counted: true,
                ..r
            });
        }
    }
    // A position in the newline-normalized text, under a reading.
    let to_lines = |pos: i64, r: Reading| -> Option<usize> {
        let pos = usize::try_from(pos - i64::from(r.bom_counted)).ok()?;
        let q = if r.crlf_as_two {
            pos - crlf.partition_point(|&c| c < pos)
        } else {
            pos
        };
        (q <= line_chars.len()).then_some(q)
    };
    // From the normalized text to ours: the same, or re-based piece by piece through NFC.
    let mapper = Mapper::new(&line_chars, ours, wanted, &readings, &to_lines);

    let place_one = |w: &Wanted<'_>, r: Reading| -> Result<(usize, usize), Unplaced> {
        let (Some(s), Some(e)) = (w.start, w.end) else {
            return Err(Unplaced::NoPosition);
        };
        let (Some(s), Some(e)) = (to_lines(s, r), to_lines(e, r)) else {
            return Err(Unplaced::Outside);
        };
        let (Some(s), Some(e)) = (mapper.map(s), mapper.map(e)) else {
            return Err(Unplaced::TextChanged);
        };
        if s >= e || e > ours_chars.len() {
            return Err(Unplaced::Outside);
        }
        Ok((s, e))
    };
    let names_match = |w: &Wanted<'_>, span: (usize, usize)| -> Option<bool> {
        let name = w.name.map(str::trim).filter(|n| !n.is_empty())?;
        let text: String = ours_chars[span.0..span.1].iter().collect();
        Some(same_text(name, &text))
    };

    let mut best = (readings[0], -1i64);
    for &r in &readings {
        let mut score = 0i64;
        for w in wanted {
            if let Ok(span) = place_one(w, r) {
                score += 1;
                if names_match(w, span) == Some(true) {
                    score += 10;
                }
            }
        }
        if score > best.1 {
            best = (r, score);
        }
    }
    let reading = best.0;
    let spans: Vec<Result<(usize, usize), Unplaced>> =
        wanted.iter().map(|w| place_one(w, reading)).collect();
    // Names are evidence only when this tool writes the selected text there.
    let names_are_text = wanted
        .iter()
        .zip(&spans)
        .any(|(w, s)| s.as_ref().is_ok_and(|&s| names_match(w, s) == Some(true)));
    let spans = wanted
        .iter()
        .zip(spans)
        .map(|(w, s)| match s {
            Ok(span) if names_are_text && names_match(w, span) == Some(false) => {
                Err(Unplaced::TextDiffers)
            }
            other => other,
        })
        .collect();
    Placement { spans, reading }
}

/// Whether a selection's recorded name is the text it covers: the same words, whatever the
/// whitespace and normalization, or a shortened name (`…`, `...`) that begins it.
fn same_text(name: &str, text: &str) -> bool {
    if name.trim() == text.trim() {
        return true;
    }
    let squash = |s: &str| {
        s.nfc()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (name, text) = (squash(name), squash(text));
    if name == text {
        return true;
    }
    let short = name
        .trim_end_matches('…')
        .trim_end_matches("...")
        .trim_end();
    short.len() < name.len() && short.chars().count() >= 10 && text.starts_with(short)
}

/// Maps positions in the newline-normalized source text to positions in our text.
struct Mapper {
    /// `None`: the texts are the same. Else the sorted (from, to) boundary pairs.
    pairs: Option<Vec<(usize, usize)>>,
    failed: bool,
}

impl Mapper {
    fn new(
        lines: &[char],
        ours: &str,
        wanted: &[Wanted<'_>],
        readings: &[Reading],
        to_lines: &dyn Fn(i64, Reading) -> Option<usize>,
    ) -> Mapper {
        if lines.iter().copied().eq(ours.chars()) {
            return Mapper {
                pairs: None,
                failed: false,
            };
        }
        // Normalize the text piece by piece between every position any reading might use;
        // when the pieces make up our text, each boundary's place in it is known.
        let mut cuts: BTreeSet<usize> = [0, lines.len()].into();
        for w in wanted {
            for &r in readings {
                for p in [w.start, w.end].into_iter().flatten() {
                    if let Some(q) = to_lines(p, r) {
                        cuts.insert(q);
                    }
                }
            }
        }
        let cuts: Vec<usize> = cuts.into_iter().collect();
        let mut pairs = vec![(0, 0)];
        let mut built = String::with_capacity(ours.len());
        let mut count = 0usize;
        for w in cuts.windows(2) {
            let piece: String = lines[w[0]..w[1]].iter().collect();
            for c in piece.nfc() {
                built.push(c);
                count += 1;
            }
            pairs.push((w[1], count));
        }
        let failed = built != ours;
        Mapper {
            pairs: Some(pairs),
            failed,
        }
    }

    fn map(&self, q: usize) -> Option<usize> {
        match &self.pairs {
            None => Some(q),
            Some(_) if self.failed => None,
            Some(pairs) => pairs
                .binary_search_by_key(&q, |&(from, _)| from)
                .ok()
                .map(|i| pairs[i].1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(start: i64, end: i64, name: &str) -> Wanted<'_> {
        Wanted {
            start: Some(start),
            end: Some(end),
            name: Some(name),
        }
    }

    fn texts(ours: &str, p: &Placement) -> Vec<Result<String, Unplaced>> {
        let chars: Vec<char> = ours.chars().collect();
        p.spans
            .iter()
            .map(|s| s.map(|(a, b)| chars[a..b].iter().collect()))
            .collect()
    }

    #[test]
    fn crlf_counted_as_one_or_two_is_told_apart_by_the_selected_text() {
        let raw = "A: one\r\nB: two 🙂 three\r\nA: four\r\n";
        let ours = normalize_newlines(raw);
        // ATLAS.ti-style: CRLF is one character. "three" starts at 16 in `ours`.
        let p = place(
            raw,
            false,
            &ours,
            &[w(16, 21, "three"), w(22, 29, "A: four")],
        );
        assert_eq!(texts(&ours, &p), [Ok("three".into()), Ok("A: four".into())]);
        assert!(!p.reading.crlf_as_two);
        // QualCoder-style: both code points counted, so everything after a line end is
        // one further per line.
        let p = place(
            raw,
            false,
            &ours,
            &[w(17, 22, "three"), w(24, 31, "A: four")],
        );
        assert_eq!(texts(&ours, &p), [Ok("three".into()), Ok("A: four".into())]);
        assert!(p.reading.crlf_as_two);
        assert!(p.reading.describe(true).unwrap().contains("two characters"));
    }

    #[test]
    fn a_counted_bom_and_decomposed_accents_are_re_based() {
        // "Cafe\u{301}" is five code points in the source and four in NFC.
        let raw = "Cafe\u{301} talk: we meet";
        let ours: String = raw.nfc().collect();
        let p = place(raw, true, &ours, &[w(13, 20, "we meet")]);
        assert_eq!(texts(&ours, &p), [Ok("we meet".into())]);
        assert!(p.reading.bom_counted);
        let p = place(raw, true, &ours, &[w(12, 19, "we meet")]);
        assert_eq!(texts(&ours, &p), [Ok("we meet".into())]);
        assert!(!p.reading.bom_counted);
    }

    #[test]
    fn selections_that_do_not_fit_are_reported_not_dropped() {
        let raw = "P1: I listen to them.\nP1: And then we plan.";
        let p = place(
            raw,
            false,
            raw,
            &[
                w(4, 20, "I listen to them"),
                w(30, 999, "x"),
                w(26, 30, "something else entirely"),
                w(5, 5, ""),
                Wanted {
                    start: None,
                    end: Some(3),
                    name: None,
                },
            ],
        );
        assert_eq!(
            texts(raw, &p),
            [
                Ok("I listen to them".into()),
                Err(Unplaced::Outside),
                Err(Unplaced::TextDiffers),
                Err(Unplaced::Outside),
                Err(Unplaced::NoPosition),
            ]
        );
    }

    #[test]
    fn shortened_names_still_match_and_utf16_with_a_bom_decodes() {
        assert!(same_text(
            "I ask them, you know, the...",
            "I ask them, you know, the things"
        ));
        assert!(!same_text("short…", "shorter text"));
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Zoë 🙂".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let (text, d) = decode_text(&bytes);
        assert_eq!(text, "Zoë 🙂");
        assert!(d.bom && !d.lossy);
    }
}
