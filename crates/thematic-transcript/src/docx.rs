//! Word `.docx`: the paragraphs of `word/document.xml`, with `<w:br/>` as a line break inside
//! a paragraph (Teams puts the name and time, then the speech, in one paragraph).
//!
//! `zip` + `quick-xml` by hand (spec §15.2): the docx crates either drop `<w:br/>` and
//! `<w:tab/>` or need the same walk through their own large model.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::ParseError;

/// The largest `word/document.xml` read (uncompressed), and the largest compression ratio
/// accepted: guards against zip bombs.
const MAX_XML: u64 = 256 * 1024 * 1024;
const MAX_RATIO: u64 = 200;

/// Extracts the document text: paragraphs separated by blank lines, `<w:br/>` as `\n`.
pub(crate) fn docx_text(bytes: &[u8]) -> Result<String, ParseError> {
    let corrupt = |reason: String| ParseError::CorruptDocx { reason };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("not a zip package ({e})")))?;
    let mut entry = archive
        .by_name("word/document.xml")
        .map_err(|_| corrupt("it has no word/document.xml".into()))?;
    let (size, packed) = (entry.size(), entry.compressed_size().max(1));
    if size > MAX_XML || size / packed > MAX_RATIO {
        return Err(corrupt(format!(
            "word/document.xml is implausibly large ({size} bytes from {packed})"
        )));
    }
    let mut xml = Vec::with_capacity(size as usize);
    entry
        .by_ref()
        .take(MAX_XML)
        .read_to_end(&mut xml)
        .map_err(|e| corrupt(format!("word/document.xml cannot be read ({e})")))?;
    paragraphs(&xml).map_err(corrupt)
}

fn paragraphs(xml: &[u8]) -> Result<String, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    let mut skip = 0usize; // inside w:del, w:delText or w:instrText
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("bad XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                "w:t" => in_text = true,
                "w:del" | "w:delText" | "w:instrText" => skip += 1,
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:del" | "w:delText" | "w:instrText" => skip = skip.saturating_sub(1),
                "w:p" => out.push(std::mem::take(&mut para)),
                "w:tc" => para.push('\t'),
                _ => {}
            },
            Event::Empty(e) if skip == 0 => match e.name().as_ref() {
                "w:br" | "w:cr" => para.push('\n'),
                "w:tab" => para.push('\t'),
                "w:noBreakHyphen" => para.push('\u{2011}'),
                "w:p" => out.push(String::new()),
                _ => {}
            },
            Event::Text(t) if in_text && skip == 0 => {
                para.push_str(&t);
            }
            Event::GeneralRef(r) if in_text && skip == 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    para.push(c);
                } else {
                    para.push_str(quick_xml::escape::resolve_xml_entity(&r).unwrap_or(""));
                }
            }
            Event::CData(t) if in_text && skip == 0 => para.push_str(&t),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !para.is_empty() {
        out.push(para);
    }
    // Blank lines between paragraphs; lines inside a paragraph stay single.
    let text: Vec<String> = out
        .into_iter()
        .map(|p| {
            p.split('\n')
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
                .trim_matches('\n')
                .to_string()
        })
        .filter(|p| !p.trim().is_empty())
        .collect();
    Ok(text.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_tabs_entities_and_deletions() {
        let xml = br#"<w:document><w:body>
            <w:p><w:r><w:t>Adeyemi, Ruth</w:t><w:tab/><w:t>0:03</w:t><w:br/><w:t>Thanks &amp; hello&#8217;s</w:t></w:r></w:p>
            <w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t xml:space="preserve">kept </w:t></w:r></w:p>
        </w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml).unwrap(),
            "Adeyemi, Ruth\t0:03\nThanks & hello\u{2019}s\n\nkept"
        );
    }

    #[test]
    fn a_truncated_package_is_an_error() {
        assert!(matches!(
            docx_text(b"PK\x03\x04\x14\x00\x00\x00"),
            Err(ParseError::CorruptDocx { .. })
        ));
    }
}
