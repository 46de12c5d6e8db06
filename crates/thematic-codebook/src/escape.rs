//! Escaping text for the files other programs open: XML, HTML and SVG ([`xml_escape`]) and
//! spreadsheet cells ([`neutralize`], the CSV formula guard). These are the project's one
//! escaper of each kind: every writer of those files (the `.qdc`, the map, quote tables,
//! figures, Word files, coding sheets, the command line's HTML and CSV) calls them. They
//! live in the codebook crate because it is the lowest crate that writes such files (the
//! `.qdc` and the thematic map's SVG), so every crate above can use them.

use std::borrow::Cow;

/// Escapes text for XML, HTML and SVG, in element content and in attribute values alike:
/// `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`; tab,
/// line feed and carriage return are kept; the characters XML 1.0 forbids (the other C0
/// control characters, U+FFFE and U+FFFF) are dropped, so untrusted text such as a transcript
/// or a label cannot make a document ill-formed.
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

/// [`xml_escape`] for an attribute value: line feed, carriage return and tab also become
/// character references (`&#10;`, `&#13;`, `&#9;`), because a parser turns literal ones
/// into spaces (XML 1.0, section 3.3.3), so a value comes back as it went out.
pub fn xml_attribute_escape(s: &str) -> String {
    let escaped = xml_escape(s);
    if escaped.contains(['\n', '\r', '\t']) {
        escaped
            .replace('\n', "&#10;")
            .replace('\r', "&#13;")
            .replace('\t', "&#9;")
    } else {
        escaped
    }
}

/// A quick-xml attribute `key="value"`, the value escaped by [`xml_attribute_escape`]:
/// for the writers that build XML with quick-xml (the `.qdc`, a REFI-QDA project).
pub fn xml_attribute<'a>(
    key: &'a str,
    value: &str,
) -> quick_xml::events::attributes::Attribute<'a> {
    quick_xml::events::attributes::Attribute {
        key: quick_xml::name::QName(key),
        value: Cow::Owned(xml_attribute_escape(value)),
    }
}

/// A quick-xml text event, escaped by [`xml_escape`] (so characters XML forbids are
/// dropped, which quick-xml's own escaping keeps).
pub fn xml_text(text: &str) -> quick_xml::events::BytesText<'static> {
    quick_xml::events::BytesText::from_escaped(xml_escape(text))
}

/// A cell Excel would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return first)
/// gets a leading `'`, as OWASP's "CSV injection" advice recommends.
pub fn neutralize(s: &str) -> String {
    neutralized(s).into_owned()
}

/// [`neutralize`] without copying a cell that needs no change.
pub fn neutralized(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_quote_and_others_are_kept() {
        assert_eq!(neutralize("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralize("-1"), "'-1");
        assert_eq!(neutralize("@x"), "'@x");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert!(matches!(
            neutralized("plain = text"),
            Cow::Borrowed("plain = text")
        ));
    }

    #[test]
    fn attribute_values_keep_line_breaks_and_tabs_as_references() {
        assert_eq!(
            xml_attribute_escape("a\nb\r\tc 'd'\u{2}"),
            "a&#10;b&#13;&#9;c &#39;d&#39;"
        );
        let a = xml_attribute("name", "x & y");
        assert_eq!(a.value.as_ref(), "x &amp; y");
    }

    #[test]
    fn xml_escape_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml_escape("<script>a & 'b' \"c\"</script>\u{1}\t"),
            "&lt;script&gt;a &amp; &#39;b&#39; &quot;c&quot;&lt;/script&gt;\t"
        );
    }
}
