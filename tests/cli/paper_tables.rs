//! Table 1, the matrix, co-occurrence and agreement tables as a paper prints them: the
//! `[participants]` section of thematic.toml, and `--output` as `.docx`, `.tex`, `.xlsx` and
//! `.html` (Word XML, LaTeX compiled with pdflatex, Excel read back, HTML parsed as XML).

#![allow(clippy::unwrap_used)]

use std::io::Read;

use crate::util::{Dir, compile_tex, have, soffice_to_pdf};

fn demo() -> Dir {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    d
}

/// `word/document.xml` of a .docx file.
fn document_xml(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    roxmltree::Document::parse(&xml).expect("document.xml is well-formed");
    xml
}

/// Compiles `fragment` (a .tex file we wrote) inside a minimal article with pdflatex; skips
/// (with a note) when pdflatex is not installed.
fn compiles(d: &Dir, fragment: &str, name: &str) {
    if !have("pdflatex") {
        return;
    }
    let dir = d.join(&format!("tex-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("table.tex"), fragment).unwrap();
    compile_tex(
        "pdflatex",
        &dir,
        "\\usepackage[T1]{fontenc}\n\\usepackage{array,booktabs,longtable}\n",
        "table.tex",
        1,
    );
}

/// Every cell of the first sheet of an .xlsx file, as (row, column, value).
fn xlsx_cells(path: &std::path::Path) -> Vec<(u32, u32, calamine::Data)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    range
        .cells()
        .map(|(r, c, v)| (r as u32, c as u32, v.clone()))
        .filter(|(_, _, v)| !matches!(v, calamine::Data::Empty))
        .collect()
}

#[test]
fn the_sample_study_prints_table1_as_the_paper_does() {
    // Walker et al. (2023), Table 1: age range 33–60 years, M = 47 (SD = 8.4); length of time
    // in role 5 to 30 months, M = 17.4 (SD = 8.44); 2 male, 16 female. By hand from
    // sample-transcripts/participants.csv: the 18 ages sum to 844, 844 / 18 = 46.89 → 47 at
    // decimals = 0; their SD is 8.42 → 8.4 (one more decimal). Months sum to 313,
    // 313 / 18 = 17.39 → 17.4 at decimals = 1; SD 8.437 → 8.44. 2 / 18 = 11.1%.
    let d = demo();
    let toml = d.read("demo/thematic.toml");
    assert!(
        toml.contains(
            "months_in_role = { label = \"Length of time in role\", unit = \"months\", decimals = 1 }"
        ),
        "{toml}"
    );
    let md = d
        .cmd_in("demo", &["participants", "--summary", "--format", "md"])
        .ok()
        .stdout();
    for row in [
        "| Participants | N = 18 |",
        "| Gender: Male | 2 (11.1%) |",
        "| Gender: Female | 16 (88.9%) |",
        "| Age | range 33–60 years, M = 47 (SD = 8.4) |",
        "| Length of time in role | range 5–30 months, M = 17.4 (SD = 8.44) |",
        "| Location of work: Town location only | 8 (44.4%) |",
        "| Location of work: Rural location only | 2 (11.1%) |",
        "| Location of work: Town and rural mixed | 8 (44.4%) |",
    ] {
        assert!(md.contains(row), "{row} not in\n{md}");
    }
    // Male before female, as the section orders them (female is the more frequent).
    assert!(md.find("Gender: Male").unwrap() < md.find("Gender: Female").unwrap());
    // The machines' columns keep the raw names and the unrounded-to-print values.
    let json = d.json_in("demo", &["participants", "--summary", "--format", "json"]);
    assert_eq!(json[3]["attribute"], "age");
    assert_eq!(json[3]["mean"], 46.89);

    // Word: the one Table 1 the demo writes, and the one the command writes.
    d.cmd_in("demo", &["participants", "--summary", "-o", "table1.docx"])
        .ok()
        .stderr_has("wrote table1.docx");
    for path in ["demo/table1.docx", "demo/exports/table1.docx"] {
        let xml = document_xml(&d.join(path));
        assert!(xml.contains("<w:tblHeader/>"), "{path}: header row repeats");
        assert!(
            xml.contains("range 33–60 years, M = 47 (SD = 8.4)"),
            "{path}"
        );
        assert!(xml.contains("Length of time in role"), "{path}");
        assert!(
            !xml.contains("months_in_role"),
            "{path}: no raw column names"
        );
        assert!(
            xml.contains("<w:insideV w:val=\"nil\"/>"),
            "{path}: no grid"
        );
    }
    // The same study gives the same bytes.
    let first = std::fs::read(d.join("demo/table1.docx")).unwrap();
    d.cmd_in("demo", &["participants", "--summary", "-o", "table1.docx"])
        .ok();
    assert_eq!(std::fs::read(d.join("demo/table1.docx")).unwrap(), first);

    // LaTeX compiles; Excel reads back; HTML is well-formed.
    d.cmd_in("demo", &["participants", "--summary", "-o", "table1.tex"])
        .ok();
    let tex = d.read("demo/table1.tex");
    assert!(
        tex.contains("range 33--60 years, M = 47 (SD = 8.4)"),
        "{tex}"
    );
    assert!(tex.contains("\\quad Male & 2 (11.1\\%)"), "{tex}");
    compiles(&d, &tex, "table1");
    d.cmd_in("demo", &["participants", "--summary", "-o", "table1.xlsx"])
        .ok();
    let cells = xlsx_cells(&d.join("demo/table1.xlsx"));
    let text = |r: u32, c: u32| {
        cells
            .iter()
            .find(|(rr, cc, _)| (*rr, *cc) == (r, c))
            .map(|(_, _, v)| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(text(0, 0), "Participant characteristics");
    assert_eq!(text(1, 0), "Characteristic");
    assert_eq!(text(3, 0), "Gender", "a group row");
    assert_eq!(
        (text(4, 0).as_str(), text(4, 1).as_str()),
        ("Male", "2 (11.1%)")
    );
    d.cmd_in("demo", &["participants", "--summary", "-o", "table1.html"])
        .ok();
    let html = d.read("demo/table1.html");
    roxmltree::Document::parse(html.trim_start_matches("<!DOCTYPE html>\n"))
        .expect("the page is well-formed");
    assert!(html.contains("<caption>Participant characteristics</caption>"));
    assert!(
        html.contains("<td class=\"indent\">Female</td><td>16 (88.9%)</td>"),
        "{html}"
    );
}

#[test]
fn the_participants_section_is_checked_with_its_line() {
    let d = Dir::new();
    let s = d.study("s");
    d.write(
        "s/participants.csv",
        "participant,gender,age\nP1,female,30\nP2,male,41\n",
    );
    let base = d.read("s/thematic.toml");
    // A column that does not exist: a warning naming the columns, the table still written.
    let toml = format!("{base}\n[participants]\nagee = {{ label = \"Age\" }}\n");
    let line = toml.lines().position(|l| l.starts_with("agee")).unwrap() + 1;
    std::fs::write(s.join("thematic.toml"), &toml).unwrap();
    d.cmd_in("s", &["participants", "--summary"])
        .ok()
        .stderr_has(&format!(
            "thematic.toml:{line}: [participants] names \"agee\""
        ))
        .stderr_has("did you mean \"age\"?")
        .stderr_has("its columns are: gender, age")
        .stdout_has("range 30–41");
    // A misspelt setting and too many decimals are refused with the line.
    let toml = format!("{base}\n[participants]\nage = {{ lable = \"Age\" }}\n");
    let line = toml.lines().position(|l| l.starts_with("age =")).unwrap() + 1;
    std::fs::write(s.join("thematic.toml"), &toml).unwrap();
    d.cmd_in("s", &["participants", "--summary"])
        .fails_with(1)
        .stderr_has(&format!("thematic.toml:{line}:"))
        .stderr_has("lable");
    let toml = format!("{base}\n[participants]\nage = {{ decimals = 12 }}\n");
    std::fs::write(s.join("thematic.toml"), &toml).unwrap();
    d.cmd_in("s", &["participants", "--summary"])
        .fails_with(1)
        .stderr_has(&format!(
            "thematic.toml:{line}: [participants] age: at most 6 decimals"
        ));
    // Decimals as asked: 30 and 41, mean 35.5 → "36" at 0 (half away from zero), SD 7.778 → 7.8.
    let toml = format!(
        "{base}\n[participants]\nage = {{ label = \"Age\", unit = \"years\", decimals = 0 }}\n"
    );
    std::fs::write(s.join("thematic.toml"), &toml).unwrap();
    d.cmd_in("s", &["participants", "--summary", "--format", "md"])
        .ok()
        .stdout_has("| Age | range 30–41 years, M = 36 (SD = 7.8) |");
}

#[test]
fn matrix_cooccur_and_agree_write_word_latex_excel_and_html() {
    let d = demo();
    for (args, name) in [
        (&["matrix", "--coder", "KW"][..], "matrix"),
        (&["cooccur", "--coder", "KW"][..], "cooccur"),
        (&["agree", "--resamples", "50"][..], "agree"),
    ] {
        for ext in ["docx", "tex", "xlsx", "html"] {
            let file = format!("{name}.{ext}");
            let mut a = args.to_vec();
            a.extend(["--output", file.as_str()]);
            d.cmd_in("demo", &a)
                .ok()
                .stderr_has(&format!("wrote {file}"));
        }
        let xml = document_xml(&d.join(&format!("demo/{name}.docx")));
        assert!(xml.contains("<w:tblHeader/>"), "{name}");
        assert!(
            xml.contains("Note. </w:t>"),
            "{name}: a note under the table"
        );
        compiles(&d, &d.read(&format!("demo/{name}.tex")), name);
        let html = d.read(&format!("demo/{name}.html"));
        roxmltree::Document::parse(html.trim_start_matches("<!DOCTYPE html>\n"))
            .unwrap_or_else(|e| panic!("{name}.html: {e}"));
        assert!(html.contains("<p class=\"note\">"), "{name}");
        assert!(!xlsx_cells(&d.join(&format!("demo/{name}.xlsx"))).is_empty());
    }
    // The matrix: 18 participants do not fit a portrait page, so the page turns; the
    // groups head their themes; counts are numbers in Excel.
    let xml = document_xml(&d.join("demo/matrix.docx"));
    assert!(xml.contains("w:orient=\"landscape\""));
    assert!(xml.contains("SPLWs&#39; role"), "group heading");
    let cells = xlsx_cells(&d.join("demo/matrix.xlsx"));
    let numbers = cells
        .iter()
        .filter(|(_, _, v)| matches!(v, calamine::Data::Float(_) | calamine::Data::Int(_)))
        .count();
    // 9 themes × (18 participants + n).
    assert_eq!(numbers, 9 * 19, "{cells:?}");
    // Agreement: percentages as percentages, intervals, and a note naming the statistics
    // and the unit.
    let xml = document_xml(&d.join("demo/agree.docx"));
    assert!(xml.contains("Agreement"), "header");
    let tex = d.read("demo/agree.tex");
    assert!(
        tex.contains("\\%\\newline {[}"),
        "a percentage with its interval: {tex}"
    );
    for words in [
        "Krippendorff's $\\alpha$ (nominal)",
        "Gwet's AC1",
        "Cohen's $\\kappa$",
        "The unit of analysis is a turn",
        "95\\% confidence intervals from 50 bootstrap resamples of whole transcripts",
    ] {
        assert!(tex.contains(words), "{words} not in the note: {tex}");
    }
    // Without intervals the note does not speak of them.
    d.cmd_in("demo", &["agree", "--resamples", "0", "-o", "plain.html"])
        .ok();
    assert!(!d.read("demo/plain.html").contains("confidence"));
    // --disagreements is a list, not a paper table.
    d.cmd_in("demo", &["agree", "--disagreements", "-o", "d.docx"])
        .fails_with(1)
        .stderr_has("--disagreements is a list to discuss")
        .stderr_has("can write .txt");
}

#[test]
fn table1_and_the_matrix_in_word_print_on_one_page_each_as_written() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let d = demo();
    d.cmd_in("demo", &["matrix", "--coder", "KW", "-o", "matrix.docx"])
        .ok();
    let stderr = soffice_to_pdf(
        &d.join("lo-profile"),
        &d.join("pdf"),
        &[
            d.join("demo/exports/table1.docx"),
            d.join("demo/matrix.docx"),
        ],
    );
    for (name, must) in [
        (
            "table1",
            &[
                "Participant characteristics",
                "range 33–60 years, M = 47 (SD = 8.4)",
                "range 5–30 months, M = 17.4 (SD = 8.44)",
                "Town and rural mixed",
                "Note.",
            ][..],
        ),
        (
            "matrix",
            &[
                "Themes by participant",
                "P18",
                "Prevalence",
                "SPLWs",
                "Note.",
            ][..],
        ),
    ] {
        let pdf = d.join(&format!("pdf/{name}.pdf"));
        assert!(pdf.exists(), "soffice: {stderr}");
        let text = std::process::Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout).to_string();
        // pdftotext ends each page with a form feed: one page, nothing spilling over.
        assert_eq!(text.matches('\u{c}').count(), 1, "{name}: pages\n{text}");
        for m in must {
            assert!(text.contains(m), "{name}: {m:?} not in\n{text}");
        }
        // No header word broken ("Prevalen/ce", "P1/8").
        assert!(
            !text.contains("Prevalen\n") && !text.contains(" P1 8"),
            "{text}"
        );
        if name == "matrix" {
            // A count whole on its line: Empowerment's row ends P18 = 1, n = 14, 11 (61%)
            // (as `thematic matrix` counts them), not "1" above "4".
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(words.contains("1 14 11 (61%)"), "{words}");
        }
    }
}
