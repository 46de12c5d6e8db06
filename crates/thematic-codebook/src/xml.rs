//! The one XML escaper of the project.

/// Escapes text for XML, HTML and SVG, in element content and in attribute values alike:
/// `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`; tab,
/// line feed and carriage return are kept; the characters XML 1.0 forbids (the other C0
/// control characters, U+FFFE and U+FFFF) are dropped, so untrusted text such as a transcript
/// or a label cannot make a document ill-formed.
///
/// This is the one escaper used by every XML, HTML and SVG writer in the project. It lives in
/// the codebook crate because that is the lowest crate that writes XML (the `.qdc` and the
/// thematic map's SVG); the crates above it use it from here.
///
/// ```
/// assert_eq!(
///     thematic_codebook::xml_escape("a < b & 'c'\u{1}"),
///     "a &lt; b &amp; &#39;c&#39;"
/// );
/// ```
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
