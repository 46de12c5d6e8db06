//! Byte offsets (what regex and the tokenizer give) to code points (what candidates carry).

/// The way from byte offsets of one text to code-point offsets.
#[derive(Debug)]
pub(crate) struct Offsets {
    /// Byte offset of each code point; `None` for an all-ASCII text, where they are equal.
    starts: Option<Vec<usize>>,
}

impl Offsets {
    pub(crate) fn new(text: &str) -> Offsets {
        Offsets {
            starts: (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b).collect()),
        }
    }

    /// The code point at (or, inside a character, after) `byte`.
    pub(crate) fn cp(&self, byte: usize) -> usize {
        match &self.starts {
            None => byte,
            Some(starts) => starts.partition_point(|&b| b < byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_become_code_points() {
        let text = "Zoë said";
        let o = Offsets::new(text);
        // "ë" is two bytes: "said" starts at byte 5, code point 4.
        assert_eq!(o.cp(text.find("said").unwrap_or(0)), 4);
        assert_eq!(Offsets::new("abc").cp(2), 2);
    }
}
