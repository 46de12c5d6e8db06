//! A transcript prepared for searching in code points: its characters, their byte
//! offsets, its turns' spans and speakers.

use thematic_transcript::Transcript;

/// A transcript prepared for searching: its characters and their byte offsets.
#[derive(Debug)]
pub(super) struct Doc<'a> {
    pub(super) text: &'a str,
    pub(super) chars: Vec<char>,
    /// The byte offset of every character, then `text.len()`.
    pub(super) bytes: Vec<usize>,
    /// Turn spans in code points, clamped to the text.
    pub(super) turns: Vec<(usize, usize)>,
    /// Turn speaker keys.
    pub(super) keys: Vec<Option<&'a str>>,
}

impl<'a> Doc<'a> {
    pub(super) fn new(t: &'a Transcript) -> Doc<'a> {
        let text = t.text.as_str();
        let mut chars = Vec::with_capacity(text.len());
        let mut bytes = Vec::with_capacity(text.len() + 1);
        for (b, c) in text.char_indices() {
            bytes.push(b);
            chars.push(c);
        }
        bytes.push(text.len());
        let len = chars.len();
        let turns = t
            .turns
            .iter()
            .map(|turn| {
                let start = turn.start.min(len);
                (start, turn.end.clamp(start, len))
            })
            .collect();
        let keys = t.turns.iter().map(|turn| turn.key.as_deref()).collect();
        Doc {
            text,
            chars,
            bytes,
            turns,
            keys,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.chars.len()
    }

    /// The text of a code-point span (clamped).
    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        let end = end.min(self.len());
        let start = start.min(end);
        self.text
            .get(self.bytes[start]..self.bytes[end])
            .unwrap_or_default()
    }

    pub(super) fn turn_text(&self, i: usize) -> &'a str {
        let (s, e) = self.turns[i];
        self.slice(s, e)
    }

    /// The code-point index of a byte offset that is a character boundary.
    fn char_at_byte(&self, byte: usize) -> usize {
        self.bytes.partition_point(|&b| b < byte)
    }

    pub(super) fn turn_contains(&self, i: usize, start: usize, end: usize) -> bool {
        let (ts, te) = self.turns[i];
        ts <= start && end <= te
    }

    /// The first turn holding the whole span.
    pub(super) fn turn_at(&self, start: usize, end: usize) -> Option<usize> {
        (0..self.turns.len()).find(|&i| self.turn_contains(i, start, end))
    }

    /// Every (possibly overlapping) occurrence of `needle` in the code-point span, as
    /// code-point starts.
    pub(super) fn find_all(&self, start: usize, end: usize, needle: &str) -> Vec<usize> {
        let mut found = Vec::new();
        if needle.is_empty() {
            return found;
        }
        let end = end.min(self.len());
        let start = start.min(end);
        let base = self.bytes[start];
        let hay = self.slice(start, end);
        let mut from = 0;
        while let Some(rest) = hay.get(from..) {
            let Some(at) = rest.find(needle) else { break };
            let byte = from + at;
            found.push(self.char_at_byte(base + byte));
            let step = rest[at..].chars().next().map_or(1, char::len_utf8);
            from = byte + step;
        }
        found
    }

    /// Whether a code-point position is a word boundary: not between two word characters.
    pub(super) fn is_boundary(&self, pos: usize) -> bool {
        pos == 0 || pos >= self.len() || !(is_word(self.chars[pos - 1]) && is_word(self.chars[pos]))
    }
}

/// Whether `c` belongs to a word (letters, digits and apostrophes).
pub(super) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}'
}
