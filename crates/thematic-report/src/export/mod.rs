//! Exports for papers: the codebook as an appendix, and the Word writer and text escaping
//! that every export shares.

mod codebook;
pub mod docx;

pub use codebook::{codebook_csv, codebook_docx, codebook_markdown};

/// XML (and HTML, SVG) text escaping of `&`, `<`, `>`, `"` and `'`, dropping the characters
/// XML 1.0 forbids (control characters other than tab, line feed and carriage return).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml_escape("<script>a & 'b' \"c\"</script>\u{1}\t"),
            "&lt;script&gt;a &amp; &#39;b&#39; &quot;c&quot;&lt;/script&gt;\t"
        );
    }
}
