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
    /// Grey (a repeated label, shown lighter than the text around it).
    pub muted: bool,
}

impl Run {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
            italic: false,
            muted: false,
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
    /// Grey text: a label repeated from the row above, there for the reader who starts
    /// on a new page.
    pub fn muted(text: impl Into<String>) -> Run {
        Run {
            muted: true,
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
    landscape: bool,
}

impl Docx {
    /// A new document; `title` goes into the document properties.
    pub fn new(title: &str) -> Docx {
        Docx {
            body: String::new(),
            title: title.to_string(),
            landscape: false,
        }
    }

    /// Lays the page out landscape (A4 turned, the text 13,958 twentieths of a point wide),
    /// for a table wider than a portrait page.
    pub fn landscape(&mut self) {
        self.landscape = true;
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
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\"><w:body>{}<w:sectPr>{}<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
            self.body,
            if self.landscape {
                "<w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>"
            } else {
                "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
            }
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

/// How the text of a [`Column`] is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left (text).
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right (numbers).
    Right,
}

/// A column of a [`Docx::three_line_table`]: its header, width and alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header text (bold; it wraps only between words, see [`fit_header_words`]).
    pub header: String,
    /// The width in twentieths of a point (the page's text is [`TEXT_WIDTH`] wide).
    pub width: u32,
    /// How the header and the cells are aligned.
    pub align: Align,
}

impl Column {
    /// A column of text, flush left.
    pub fn left(header: impl Into<String>, width: u32) -> Column {
        Column {
            header: header.into(),
            width,
            align: Align::Left,
        }
    }
    /// A column of numbers, flush right.
    pub fn right(header: impl Into<String>, width: u32) -> Column {
        Column {
            align: Align::Right,
            ..Column::left(header, width)
        }
    }
    /// A centred column.
    pub fn center(header: impl Into<String>, width: u32) -> Column {
        Column {
            align: Align::Center,
            ..Column::left(header, width)
        }
    }
}

/// A three-line table's text size, in half-points (10 pt).
pub const TABLE_TEXT_HALF_POINTS: u32 = 20;

/// A table cell's left and right padding, in twentieths of a point.
const CELL_PAD: u32 = 85;

/// The rules of a three-line table: 1 pt above and below the table, ½ pt under the header.
const HEAVY_RULE: &str = "w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\"";
const LIGHT_RULE: &str = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"";

/// The widths of `columns`, each widened (taking from the columns with the most room to
/// spare) so that the longest word of its header fits on one line: a header wraps between
/// words, never inside one ("Participa/nt"). The estimate is generous (0.7 em a character
/// of bold 10 pt text, wider than Calibri, Arial or DejaVu Sans), so it holds in whichever
/// font the reader's Word or LibreOffice substitutes. The total width stays the same when
/// the columns can give up the room; otherwise the table grows.
pub fn fit_header_words(columns: &[Column]) -> Vec<u32> {
    let need: Vec<u32> = columns
        .iter()
        .map(|c| {
            let longest = c
                .header
                .split_whitespace()
                .map(|w| w.chars().count() as u32)
                .max()
                .unwrap_or(0);
            // 0.7 em of 10 pt = 7 pt = 140 twentieths of a point.
            longest * 140 + 2 * CELL_PAD + 40
        })
        .collect();
    let mut widths: Vec<u32> = columns.iter().map(|c| c.width).collect();
    for i in 0..widths.len() {
        while widths[i] < need[i] {
            let short = need[i] - widths[i];
            // The column with the most to spare, lowest index first on a tie.
            let donor = (0..widths.len())
                .filter(|&j| j != i && widths[j] > need[j])
                .max_by_key(|&j| (widths[j] - need[j], std::cmp::Reverse(j)));
            let Some(j) = donor else {
                widths[i] = need[i];
                break;
            };
            let give = short.min(widths[j] - need[j]);
            widths[j] -= give;
            widths[i] += give;
        }
    }
    widths
}

impl Docx {
    /// A table as a journal prints it (booktabs style), the one Word table every paper
    /// export shares. How to use it:
    ///
    /// ```
    /// use thematic_report::export::docx::{Column, Docx, Run, TEXT_WIDTH, TableRow};
    /// let mut d = Docx::new("Table 2");
    /// d.three_line_table(
    ///     &[Run::bold("Table 2. "), Run::italic("Themes by participant")],
    ///     &[Column::left("Theme", TEXT_WIDTH - 1600), Column::right("n", 1600)],
    ///     &[
    ///         TableRow::Banner(vec![Run::bold("A group of themes")]),
    ///         TableRow::Cells(vec![vec![Run::plain("Trust")], vec![Run::plain("12")]]),
    ///     ],
    /// );
    /// let bytes = d.to_bytes();
    /// # assert!(!bytes.is_empty());
    /// ```
    ///
    /// - `caption` is a paragraph kept with the table (Word's keep-with-next), above it;
    ///   empty for none.
    /// - `columns` give the header, width and alignment; widths are widened where a header
    ///   word would not fit ([`fit_header_words`]). Every [`TableRow::Cells`] should have
    ///   one cell per column (extra cells are dropped, missing ones left empty).
    /// - The header row is bold, marked to repeat at the top of every page
    ///   (`<w:tblHeader/>`), and carries the top rule (1 pt) and the rule under the header
    ///   (½ pt), so both repeat with it; the table's own bottom border is the bottom rule
    ///   (1 pt). There are no other lines: no verticals, none between rows.
    /// - No row breaks across a page (`<w:cantSplit/>`), so a page ends at most one row
    ///   early. A [`TableRow::Banner`] (a group heading across the table, bold as given,
    ///   space above) is kept with the row after it.
    /// - Text is 10 pt, single spaced. The same table always gives the same XML.
    pub fn three_line_table(&mut self, caption: &[Run], columns: &[Column], rows: &[TableRow]) {
        if !caption.is_empty() {
            self.body.push_str(&paragraph_with(
                "<w:pStyle w:val=\"Caption\"/><w:keepNext/>",
                caption,
            ));
        }
        let widths = fit_header_words(columns);
        let total: u32 = widths.iter().sum();
        let b = &mut self.body;
        b.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom {HEAVY_RULE}/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"29\" w:type=\"dxa\"/><w:left w:w=\"{CELL_PAD}\" w:type=\"dxa\"/><w:bottom w:w=\"29\" w:type=\"dxa\"/><w:right w:w=\"{CELL_PAD}\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>"
        ));
        for w in &widths {
            b.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        b.push_str("</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        for (c, w) in columns.iter().zip(&widths) {
            b.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:tcBorders><w:top {HEAVY_RULE}/><w:bottom {LIGHT_RULE}/></w:tcBorders><w:vAlign w:val=\"bottom\"/></w:tcPr>"
            ));
            b.push_str(&paragraph_with(
                &table_ppr(c.align, true, false),
                &[Run::bold(c.header.as_str())],
            ));
            b.push_str("</w:tc>");
        }
        b.push_str("</w:tr>");
        for row in rows {
            b.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            match row {
                TableRow::Cells(cells) => {
                    for (i, (c, w)) in columns.iter().zip(&widths).enumerate() {
                        let runs = cells.get(i).map_or(&[][..], Vec::as_slice);
                        b.push_str(&format!(
                            "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>"
                        ));
                        b.push_str(&paragraph_with(&table_ppr(c.align, false, false), runs));
                        b.push_str("</w:tc>");
                    }
                }
                TableRow::Banner(runs) => {
                    b.push_str(&format!(
                        "<w:tc><w:tcPr><w:tcW w:w=\"{total}\" w:type=\"dxa\"/><w:gridSpan w:val=\"{}\"/></w:tcPr>",
                        widths.len().max(1)
                    ));
                    b.push_str(&paragraph_with(&table_ppr(Align::Left, true, true), runs));
                    b.push_str("</w:tc>");
                }
            }
            b.push_str("</w:tr>");
        }
        b.push_str("</w:tbl>");
        // Word needs a paragraph between a table and what follows.
        self.paragraph(&[]);
    }
}

/// The paragraph properties of a three-line table's cell.
fn table_ppr(align: Align, keep_next: bool, space_above: bool) -> String {
    let mut p = String::from("<w:pStyle w:val=\"TableText\"/>");
    if keep_next {
        p.push_str("<w:keepNext/>");
    }
    if space_above {
        p.push_str("<w:spacing w:before=\"120\"/>");
    }
    match align {
        Align::Left => {}
        Align::Center => p.push_str("<w:jc w:val=\"center\"/>"),
        Align::Right => p.push_str("<w:jc w:val=\"right\"/>"),
    }
    p
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
    let ppr = style.map_or(String::new(), |s| format!("<w:pStyle w:val=\"{s}\"/>"));
    paragraph_with(&ppr, runs)
}

/// A paragraph whose `<w:pPr>` holds `ppr` (nothing when empty).
fn paragraph_with(ppr: &str, runs: &[Run]) -> String {
    let mut p = String::from("<w:p>");
    if !ppr.is_empty() {
        p.push_str(&format!("<w:pPr>{ppr}</w:pPr>"));
    }
    for r in runs {
        p.push_str("<w:r>");
        if r.bold || r.italic || r.muted {
            p.push_str("<w:rPr>");
            if r.bold {
                p.push_str("<w:b/>");
            }
            if r.italic {
                p.push_str("<w:i/>");
            }
            if r.muted {
                p.push_str("<w:color w:val=\"767676\"/>");
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
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="60"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:i/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="left" w:pos="360"/></w:tabs><w:ind w:left="360" w:hanging="360"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

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

    #[test]
    fn header_words_are_never_broken() {
        // "Participant": 11 characters * 140 + 2 * 85 + 40 = 1750 twentieths of a point.
        let cols = [
            Column::left("Theme", 2000),
            Column::left("Quote", 5576),
            Column::left("Participant", 1450),
        ];
        let w = fit_header_words(&cols);
        assert_eq!(
            w,
            vec![2000, 5276, 1750],
            "taken from the quote column, which has room"
        );
        assert_eq!(w.iter().sum::<u32>(), 9026);
        // Words wrap between them: only the longest word counts.
        assert_eq!(
            fit_header_words(&[Column::right("n of all", 100)]),
            vec![3 * 140 + 170 + 40]
        );
    }

    #[test]
    fn three_line_table_has_a_repeated_header_and_only_three_rules() {
        let mut d = Docx::new("T");
        d.three_line_table(
            &[Run::bold("Table 1. "), Run::italic("Caption")],
            &[Column::left("A", 3000), Column::right("B", 3000)],
            &[
                TableRow::Banner(vec![Run::bold("Group")]),
                TableRow::Cells(vec![vec![Run::plain("x")], vec![Run::muted("1")]]),
            ],
        );
        let xml = &d.body;
        assert!(xml.starts_with("<w:p><w:pPr><w:pStyle w:val=\"Caption\"/><w:keepNext/>"));
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 1);
        assert!(xml.find("<w:tblHeader/>") < xml.find("<w:t xml:space=\"preserve\">A<"));
        // Rules: the table's bottom border, and the header cells' top and bottom (2 cells).
        assert_eq!(xml.matches("w:val=\"single\"").count(), 1 + 2 * 2);
        assert_eq!(xml.matches("<w:insideH w:val=\"nil\"/>").count(), 1);
        assert!(!xml.contains("TableGrid") && !xml.contains("w:shd"));
        assert!(xml.contains("<w:jc w:val=\"right\"/>"));
        assert!(xml.contains("<w:color w:val=\"767676\"/>"));
        assert!(xml.contains("<w:gridSpan w:val=\"2\"/>"));
    }
}
