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

use unicode_normalization::UnicodeNormalization;

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
    /// Positions count UTF-16 code units (as Qt- and .NET-based tools do), so a character
    /// outside the Basic Multilingual Plane (an emoji) counts as two.
    pub utf16: bool,
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
        if self.utf16 {
            parts.push("UTF-16 code units counted (an emoji as two)");
        }
        (!parts.is_empty()).then(|| format!("positions re-based: {}", parts.join(", ")))
    }
}

/// Where each selection lands in `ours` (code points, end exclusive), or why it does not.
#[derive(Debug)]
pub(crate) struct Placement {
    pub spans: Vec<Result<(usize, usize), Unplaced>>,
    pub reading: Reading,
    /// Whether the other tool recorded the selected text (as selection names), so that
    /// each selection could be checked against it.
    pub checked: bool,
}

/// The source text in the forms positions may count in.
struct Source {
    /// The text with line endings normalized (`\n`), as characters.
    lines: Vec<char>,
    /// Character index in the raw text of each `\r` of a `\r\n`.
    crlf: Vec<usize>,
    /// UTF-16 offset at which each raw character starts, plus the end; empty when every
    /// character is in the Basic Multilingual Plane (the offsets are then the indices).
    utf16: Vec<usize>,
}

impl Source {
    fn new(raw: &str) -> Source {
        let chars: Vec<char> = raw.chars().collect();
        let crlf = chars
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] == '\r' && w[1] == '\n')
            .map(|(i, _)| i)
            .collect();
        let utf16 = if chars.iter().any(|c| c.len_utf16() > 1) {
            let mut at = 0;
            let mut v = Vec::with_capacity(chars.len() + 1);
            for c in &chars {
                v.push(at);
                at += c.len_utf16();
            }
            v.push(at);
            v
        } else {
            Vec::new()
        };
        Source {
            lines: normalize_newlines(raw).chars().collect(),
            crlf,
            utf16,
        }
    }

    /// The readings worth trying for this source.
    fn readings(&self, bom: bool) -> Vec<Reading> {
        let mut out = Vec::new();
        for utf16 in [false, true] {
            for bom_counted in [false, true] {
                for crlf_as_two in [false, true] {
                    let pointless = (utf16 && self.utf16.is_empty())
                        || (bom_counted && !bom)
                        || (crlf_as_two && self.crlf.is_empty());
                    if !pointless {
                        out.push(Reading {
                            crlf_as_two,
                            bom_counted,
                            utf16,
                        });
                    }
                }
            }
        }
        out
    }

    /// A position as the other tool counted it, as an index into `lines`.
    fn to_lines(&self, pos: i64, r: Reading) -> Option<usize> {
        let pos = usize::try_from(pos.checked_sub(i64::from(r.bom_counted))?).ok()?;
        // From UTF-16 units to raw characters (a position inside a surrogate pair is none).
        let pos = if r.utf16 {
            self.utf16.binary_search(&pos).ok()?
        } else {
            pos
        };
        // From raw characters (CRLF as two) to normalized lines (CRLF as one). Positions
        // count raw characters whenever CRLF counts as two; under UTF-16 too, since the
        // UTF-16 offsets were taken over the raw text.
        let q = if r.crlf_as_two || r.utf16 {
            pos - self.crlf.partition_point(|&c| c < pos)
        } else {
            pos
        };
        (q <= self.lines.len()).then_some(q)
    }
}

/// Places `wanted` selections, given positions into the source text `raw` (decoded, BOM
/// removed; `bom` says whether it had one), in `ours`, the text our parser made of the
/// stored source.
pub(crate) fn place(raw: &str, bom: bool, ours: &str, wanted: &[Wanted<'_>]) -> Placement {
    let source = Source::new(raw);
    let lines = &source.lines;
    // The span of a selection in the normalized lines under a reading.
    let span = |w: &Wanted<'_>, r: Reading| -> Result<(usize, usize), Unplaced> {
        let (Some(s), Some(e)) = (w.start, w.end) else {
            return Err(Unplaced::NoPosition);
        };
        match (source.to_lines(s, r), source.to_lines(e, r)) {
            (Some(s), Some(e)) if s < e => Ok((s, e)),
            _ => Err(Unplaced::Outside),
        }
    };
    let names_match = |w: &Wanted<'_>, (s, e): (usize, usize)| -> Option<bool> {
        let name = w.name.map(str::trim).filter(|n| !n.is_empty())?;
        let text: String = lines[s..e].iter().collect();
        Some(same_text(name, &text))
    };

    // The reading under which most selections fit, above all with their recorded text.
    let readings = source.readings(bom);
    let mut best = (readings[0], -1i64);
    for &r in &readings {
        let mut score = 0i64;
        for w in wanted {
            if let Ok(sp) = span(w, r) {
                score += 1;
                if names_match(w, sp) == Some(true) {
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
        wanted.iter().map(|w| span(w, reading)).collect();
    // Names are evidence only when this tool writes the selected text there.
    let checked = wanted
        .iter()
        .zip(&spans)
        .any(|(w, s)| s.as_ref().is_ok_and(|&s| names_match(w, s) == Some(true)));
    let mapper = Mapper::new(lines, ours);
    let spans = wanted
        .iter()
        .zip(spans)
        .map(|(w, s)| {
            let (s, e) = s?;
            if checked && names_match(w, (s, e)) == Some(false) {
                return Err(Unplaced::TextDiffers);
            }
            match (mapper.map(s), mapper.map(e)) {
                (Some(s), Some(e)) if s < e => Ok((s, e)),
                _ => Err(Unplaced::TextChanged),
            }
        })
        .collect();
    Placement {
        spans,
        reading,
        checked,
    }
}

/// Single positions (a recording's sync points) re-based as [`place`] re-based the
/// selections of the same source, under its `reading`; `None` for one outside the text.
pub(crate) fn place_points(
    raw: &str,
    ours: &str,
    reading: Reading,
    points: &[i64],
) -> Vec<Option<usize>> {
    let source = Source::new(raw);
    let mapper = Mapper::new(&source.lines, ours);
    points
        .iter()
        .map(|&p| source.to_lines(p, reading).and_then(|q| mapper.map(q)))
        .collect()
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

/// Maps positions in the newline-normalized source text to positions in our text: the
/// same when the texts are, else through NFC, which composes characters (`e` + U+0301 →
/// `é`) and so shifts what follows.
///
/// The text is cut wherever NFC cannot join the characters on either side (before a
/// character of combining class 0 that does not compose with the one before it), each
/// piece is normalized alone, and each cut's place in our text recorded. A position at a
/// cut maps; one inside a piece (between a letter and its accent) does not, and only the
/// selections with such a position fail.
struct Mapper {
    /// `None`: the texts are the same. Else, for each position, its place in our text.
    table: Option<Vec<Option<usize>>>,
}

impl Mapper {
    fn new(lines: &[char], ours: &str) -> Mapper {
        use unicode_normalization::char::{canonical_combining_class, compose};
        if lines.iter().copied().eq(ours.chars()) {
            return Mapper { table: None };
        }
        let mut table = vec![None; lines.len() + 1];
        table[0] = Some(0);
        let mut built = String::with_capacity(ours.len());
        let (mut count, mut from) = (0, 0);
        for q in 1..=lines.len() {
            let cut = q == lines.len()
                || (canonical_combining_class(lines[q]) == 0
                    && compose(lines[q - 1], lines[q]).is_none());
            if cut {
                for c in lines[from..q].iter().copied().nfc() {
                    built.push(c);
                    count += 1;
                }
                table[q] = Some(count);
                from = q;
            }
        }
        if built != ours {
            // Our reader changed the text beyond normalizing it: nothing maps.
            table.iter_mut().for_each(|t| *t = None);
        }
        Mapper { table: Some(table) }
    }

    fn map(&self, q: usize) -> Option<usize> {
        match &self.table {
            None => Some(q),
            Some(t) => t.get(q).copied().flatten(),
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
    fn decomposed_text_maps_at_every_cut_and_fails_only_inside_a_character() {
        // A BOM makes "BOM counted" a candidate reading whose positions fall one earlier,
        // between "e" and its accent; that must not spoil the reading chosen.
        let raw = "Cafe\u{301} talk. Re\u{301}sume\u{301} done.";
        let ours: String = raw.nfc().collect();
        let p = place(
            raw,
            true,
            &ours,
            &[
                w(0, 5, "Café"),
                w(6, 10, "talk"),
                w(12, 14, "Re"),
                w(21, 25, "done"),
            ],
        );
        assert_eq!(
            texts(&ours, &p),
            [
                Ok("Café".into()),
                Ok("talk".into()),
                // Ends between "e" and its accent: no place in composed text.
                Err(Unplaced::TextChanged),
                Ok("done".into()),
            ]
        );
    }

    #[test]
    fn utf16_code_units_are_recognised_after_an_emoji() {
        // Qt- and .NET-based tools count an emoji as two.
        let raw = "P1: 🙂 I listen here, 🙂 and here.";
        let (s1, e1) = (7, 15); // "I listen" in UTF-16 units
        let (s2, e2) = (29, 33); // "here" after the second emoji
        let p = place(raw, false, raw, &[w(s1, e1, "I listen"), w(s2, e2, "here")]);
        assert_eq!(texts(raw, &p), [Ok("I listen".into()), Ok("here".into())]);
        assert!(p.reading.utf16 && p.checked);
        // Without names to go by, code points are assumed, and the placement says that it
        // was not checked.
        let p = place(
            raw,
            false,
            raw,
            &[Wanted {
                start: Some(6),
                end: Some(14),
                name: None,
            }],
        );
        assert_eq!(texts(raw, &p), [Ok("I listen".into())]);
        assert!(!p.reading.utf16 && !p.checked);
    }

    #[test]
    fn hostile_positions_are_outside_not_a_panic() {
        let p = place(
            "abc",
            true,
            "abc",
            &[w(i64::MIN, 2, "ab"), w(0, i64::MAX, "abc"), w(-5, -1, "")],
        );
        assert!(
            p.spans.iter().all(|s| *s == Err(Unplaced::Outside)),
            "{p:?}"
        );
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
        let d = thematic_transcript::decode_raw(&bytes).unwrap();
        assert_eq!(d.text, "Zoë 🙂");
        assert!(d.bom && d.encoding == thematic_transcript::Encoding::Utf16Le);
    }
}
