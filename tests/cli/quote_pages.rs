//! The demo's quote tables as a reader sees them: the Word table converted to PDF by
//! LibreOffice and the LaTeX table compiled by pdfLaTeX, then read back page by page with
//! `pdftotext`. Each test skips (saying so on standard error) when its tools are missing,
//! unless `THEMATIC_REQUIRE_OFFICE=1` is set, when a missing tool fails it.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use crate::util::{Dir, compile_tex, have, soffice_to_pdf};

/// Each page's text, laid out as printed (`pdftotext -layout`).
fn pages(pdf: &Path) -> Vec<String> {
    let info = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let n: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    (1..=n)
        .map(|i| {
            let p = i.to_string();
            let out = Command::new("pdftotext")
                .args(["-layout", "-f", &p, "-l", &p])
                .arg(pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        })
        .collect()
}

/// The line holding the three column headers, and the first line of text after it.
fn header_and_next(page: &str) -> Option<(usize, &str)> {
    let lines: Vec<&str> = page.lines().collect();
    let at = lines.iter().position(|l| {
        l.split_whitespace().collect::<Vec<_>>() == ["Theme", "Quote", "Participant"]
    })?;
    let next = lines[at + 1..].iter().find(|l| !l.trim().is_empty())?;
    Some((at, next))
}

#[test]
fn the_demo_quote_table_in_word_repeats_its_header_and_names_the_theme_on_every_page() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let stderr = soffice_to_pdf(
        &d.join("lo-profile"),
        &d.join("pdf"),
        &[d.join("demo/exports/quotes.docx")],
    );
    let pdf = d.join("pdf/quotes.pdf");
    assert!(pdf.exists(), "soffice: {stderr}");
    let pages = pages(&pdf);
    // The demo's 27 quotes at 10 pt fill 3 A4 pages in LibreOffice with its fallback fonts
    // (4 with the grid table at 11 pt before); the bounds leave room for other fonts but
    // make sure the header's repetition is exercised.
    assert!((2..=4).contains(&pages.len()), "{} pages", pages.len());
    assert!(pages[0].contains("Table 1") && pages[0].contains("Illustrative quotes"));
    for (i, page) in pages.iter().enumerate() {
        let (_, next) = header_and_next(page)
            .unwrap_or_else(|| panic!("page {} has no header row:\n{page}", i + 1));
        // The first row under the header starts in the theme column: a theme's name (a
        // group's name on a group row), never a blank theme cell.
        assert!(
            !next.starts_with(' '),
            "page {} starts without naming its theme: {next:?}\n{page}",
            i + 1
        );
        assert!(
            page.matches("Participa").count() == page.matches("Participant").count(),
            "a header word broken on page {}:\n{page}",
            i + 1
        );
    }
    let all = pages.concat();
    assert!(
        all.contains("“Definitely. If they don’t trust you"),
        "{all}"
    );
    assert!(!all.contains('"'), "straight quotes left: {all}");
}

#[test]
fn the_demo_quote_table_in_latex_compiles_and_repeats_its_header() {
    if !have("pdflatex") {
        return;
    }
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let dir = d.join("demo/exports");
    // Twice: longtable settles its column widths on the second run.
    compile_tex(
        "pdflatex",
        &dir,
        "\\usepackage{array,booktabs,longtable,xcolor}\n",
        "quotes.tex",
        2,
    );
    // Compiled: what CI (pdfLaTeX, no poppler) checks. The pages' text needs pdftotext.
    if !have("pdftotext") {
        return;
    }
    let pages = pages(&dir.join("paper.pdf"));
    assert!(pages.len() >= 2, "the demo's table spans pages");
    assert!(
        pages[0].contains("Table 1: Illustrative quotes"),
        "{}",
        pages[0]
    );
    for (i, page) in pages.iter().enumerate() {
        let (_, next) = header_and_next(page)
            .unwrap_or_else(|| panic!("page {} has no header row:\n{page}", i + 1));
        assert!(!next.starts_with(' '), "page {}: {next:?}\n{page}", i + 1);
        if i > 0 {
            assert!(page.contains("Table 1 (continued)"), "{page}");
        }
    }
    let all = pages.concat();
    assert!(
        all.contains("“Definitely. If they don’t trust you"),
        "{all}"
    );
}
