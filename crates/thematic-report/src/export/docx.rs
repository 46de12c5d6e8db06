//! A small Word (.docx) writer: headings, paragraphs with bold/italic runs, bullets and
//! tables — what codebooks and quote tables need.
//!
//! Written by hand over `zip` rather than with a docx crate: the crates available either
//! stamp the current time into the package (so the same export differs byte for byte, and
//! exports must be deterministic) or pull in a second, older `zip`. WordprocessingML for
//! these few elements is small and fixed.

use std::io::Write;

use zip::write::SimpleFileOptions;

use thematic_codebook::xml_escape as esc;

/// A run of text with its emphasis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The text (newlines become line breaks).
    pub text: String,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
}

impl Run {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
            italic: false,
        }
    }
    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Run {
        Run {
            bold: true,
            ..Run::plain(text)
        }
    }
    /// Italic text.
    pub fn italic(text: impl Into<String>) -> Run {
        Run {
            italic: true,
            ..Run::plain(text)
        }
    }
}

/// A row of a [`Docx::table_with`] table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableRow {
    /// One cell per column, each a paragraph of runs.
    Cells(Vec<Vec<Run>>),
    /// One cell across every column, shaded: a heading inside the table.
    Banner(Vec<Run>),
}

/// The width of an A4 page's text with 2.54 cm margins, in twentieths of a point.
pub const TEXT_WIDTH: u32 = 9026;

/// A Word document being built.
#[derive(Debug, Clone, Default)]
pub struct Docx {
    body: String,
    title: String,
}

impl Docx {
    /// A new document; `title` goes into the document properties.
    pub fn new(title: &str) -> Docx {
        Docx {
            body: String::new(),
            title: title.to_string(),
        }
    }

    /// A heading, level 1–3 (deeper levels are shown as level 3).
    pub fn heading(&mut self, level: usize, text: &str) {
        let style = match level {
            0 => "Title",
            1 => "Heading1",
            2 => "Heading2",
            _ => "Heading3",
        };
        self.paragraph_styled(Some(style), &[Run::plain(text)]);
    }

    /// A paragraph of runs.
    pub fn paragraph(&mut self, runs: &[Run]) {
        self.paragraph_styled(None, runs);
    }

    /// A bulleted paragraph.
    pub fn bullet(&mut self, runs: &[Run]) {
        let mut all = vec![Run::plain("\u{2022}\t")];
        all.extend_from_slice(runs);
        self.paragraph_styled(Some("ListBullet"), &all);
    }

    fn paragraph_styled(&mut self, style: Option<&str>, runs: &[Run]) {
        self.body.push_str(&paragraph_xml(style, runs));
    }

    /// A table with a bold, repeated header row and columns of equal width. Every row should
    /// have the header's length.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<Vec<Run>>]) {
        let cols = header.len().max(1);
        let widths = vec![TEXT_WIDTH / cols as u32; cols];
        let rows: Vec<TableRow> = rows.iter().cloned().map(TableRow::Cells).collect();
        self.table_with(&widths, header, &rows);
    }

    /// A table with a bold, repeated header row, these column widths (in twentieths of a
    /// point; the page's text is [`TEXT_WIDTH`] wide) and rows that are either cells or a
    /// banner across every column (a group heading inside a table).
    pub fn table_with(&mut self, widths: &[u32], header: &[&str], rows: &[TableRow]) {
        let total: u32 = widths.iter().sum();
        let b = &mut self.body;
        b.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>");
        for w in widths {
            b.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        b.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
        for (h, w) in header.iter().zip(widths) {
            cell_xml(b, *w, None, &[Run::bold(*h)]);
        }
        b.push_str("</w:tr>");
        for row in rows {
            b.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            match row {
                TableRow::Cells(cells) => {
                    for (cell, w) in cells.iter().zip(widths) {
                        cell_xml(b, *w, None, cell);
                    }
                }
                TableRow::Banner(runs) => cell_xml(b, total, Some(widths.len()), runs),
            }
            b.push_str("</w:tr>");
        }
        b.push_str("</w:tbl>");
        // Word needs a paragraph between a table and what follows.
        self.paragraph(&[]);
    }

    /// The .docx file's bytes. The same document always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\"><w:body>{}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
            self.body
        );
        let core = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>thematic</dc:creator></cp:coreProperties>",
            esc(&self.title)
        );
        let parts: [(&str, &str); 6] = [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/_rels/document.xml.rels", DOC_RELS),
            ("word/document.xml", &document),
            ("word/styles.xml", STYLES),
            ("docProps/core.xml", &core),
        ];
        for (name, body) in parts {
            // Writing into memory cannot fail.
            let _ = zip.start_file(name, opts);
            let _ = zip.write_all(body.as_bytes());
        }
        zip.finish().map(|c| c.into_inner()).unwrap_or_default()
    }
}

fn cell_xml(out: &mut String, width: u32, span: Option<usize>, runs: &[Run]) {
    out.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
    ));
    if let Some(n) = span {
        out.push_str(&format!(
            "<w:gridSpan w:val=\"{n}\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EDEDED\"/>"
        ));
    }
    out.push_str("</w:tcPr>");
    out.push_str(&paragraph_xml(None, runs));
    out.push_str("</w:tc>");
}

fn paragraph_xml(style: Option<&str>, runs: &[Run]) -> String {
    let mut p = String::from("<w:p>");
    if let Some(s) = style {
        p.push_str(&format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"));
    }
    for r in runs {
        p.push_str("<w:r>");
        if r.bold || r.italic {
            p.push_str("<w:rPr>");
            if r.bold {
                p.push_str("<w:b/>");
            }
            if r.italic {
                p.push_str("<w:i/>");
            }
            p.push_str("</w:rPr>");
        }
        for (i, line) in r.text.split('\n').enumerate() {
            if i > 0 {
                p.push_str("<w:br/>");
            }
            for (j, part) in line.split('\t').enumerate() {
                if j > 0 {
                    p.push_str("<w:tab/>");
                }
                if !part.is_empty() {
                    p.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(part)));
                }
            }
        }
        p.push_str("</w:r>");
    }
    p.push_str("</w:p>");
    p
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="60"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:i/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="left" w:pos="360"/></w:tabs><w:ind w:left="360" w:hanging="360"/></w:pPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_is_deterministic_and_readable_by_our_own_reader() {
        let mut d = Docx::new("T");
        d.heading(1, "Theme & <friends>");
        d.paragraph(&[Run::bold("Definition. "), Run::plain("Line one\nline two")]);
        d.bullet(&[Run::italic("\"a quote\" (P6)")]);
        d.table(
            &["Theme", "Quote"],
            &[vec![vec![Run::plain("A")], vec![Run::plain("B\u{1}")]]],
        );
        let bytes = d.to_bytes();
        assert_eq!(bytes, d.to_bytes());
        // The transcript crate's .docx reader sees the text.
        let t = thematic_transcript::parse_with_hint(
            &bytes,
            &thematic_transcript::Options::default(),
            Some("docx"),
        )
        .unwrap();
        for want in [
            "Theme & <friends>",
            "Definition. Line one\nline two",
            "\"a quote\" (P6)",
            "Quote",
            "\tB",
        ] {
            assert!(t.text.contains(want), "{want:?} not in {:?}", t.text);
        }
        assert!(!t.text.contains('\u{1}'), "control characters are dropped");
    }
}
