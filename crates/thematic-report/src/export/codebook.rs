//! The codebook as a paper's appendix (Markdown, Word) or a spreadsheet (CSV).

use thematic_codebook::{Codebook, Entry};

use super::docx::{Docx, Run};
use thematic_codebook::neutralize;

/// What kind of entry this is, in words: "overarching theme", "group", "theme", "code".
fn kind(book: &Codebook, e: &Entry) -> &'static str {
    let has_children = book.children(&e.id).next().is_some();
    match (e.parent.is_none(), e.codable, has_children) {
        (true, false, true) => "overarching theme",
        (_, false, _) => "group",
        (_, true, _) if book.depth(&e.id) >= 3 => "code",
        _ => "theme",
    }
}

fn view(book: &Codebook, include_retired: bool) -> Codebook {
    if include_retired {
        book.clone()
    } else {
        book.current()
    }
}

/// The codebook as Markdown: a heading per entry (nested by depth), then its definition,
/// when to use it, when not to, and example quotes.
pub fn codebook_markdown(book: &Codebook, include_retired: bool) -> String {
    let book = view(book, include_retired);
    let mut s = format!("# {}\n\n", book.name);
    if let Some(d) = &book.description {
        s.push_str(d.trim());
        s.push_str("\n\n");
    }
    for e in book.tree_order() {
        let level = (book.depth(&e.id) + 2).min(6);
        s.push_str(&format!(
            "{} {}\n\n",
            "#".repeat(level),
            md_inline(&e.label)
        ));
        let mut meta = format!("*{}* · id `{}`", kind(&book, e), e.id);
        if !e.codable {
            meta.push_str(" · not applied directly");
        }
        if e.retired {
            meta.push_str(" · **retired**");
        }
        s.push_str(&meta);
        s.push_str("\n\n");
        for (label, v) in [
            ("Definition.", &e.definition),
            ("When to use.", &e.include),
            ("When not to use.", &e.exclude),
        ] {
            if let Some(v) = v {
                s.push_str(&format!("**{label}** {}\n\n", md_inline(v.trim())));
            }
        }
        if !e.examples.is_empty() {
            s.push_str("**Examples.**\n\n");
            for x in &e.examples {
                s.push_str(&format!("> {}\n>\n", md_inline(x)));
            }
            s.truncate(s.len() - 2);
            s.push('\n');
        }
    }
    s
}

fn md_inline(s: &str) -> String {
    // Keep text literal: escape what Markdown would read as markup at line starts or inline.
    s.replace('\\', "\\\\")
        .replace('*', "\\*")
        .replace('_', "\\_")
        .replace('`', "\\`")
        .replace('<', "&lt;")
        .replace('\n', " ")
}

/// The codebook as CSV, one row per entry in tree order.
pub fn codebook_csv(book: &Codebook, include_retired: bool) -> Vec<u8> {
    let book = view(book, include_retired);
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "id",
        "label",
        "parent",
        "level",
        "kind",
        "codable",
        "retired",
        "definition",
        "include",
        "exclude",
        "examples",
        "colour",
        "keywords",
        "phrases",
        "patterns",
    ]);
    for e in book.tree_order() {
        let depth = book.depth(&e.id).to_string();
        let _ = w.write_record(
            [
                e.id.as_str(),
                &e.label,
                e.parent.as_deref().unwrap_or(""),
                &depth,
                kind(&book, e),
                if e.codable { "true" } else { "false" },
                if e.retired { "true" } else { "false" },
                e.definition.as_deref().unwrap_or(""),
                e.include.as_deref().unwrap_or(""),
                e.exclude.as_deref().unwrap_or(""),
                &e.examples.join("\n"),
                e.colour.as_deref().unwrap_or(""),
                &e.rules.keywords.join(" "),
                &e.rules.phrases.join("\n"),
                &e.rules.patterns.join("\n"),
            ]
            .map(neutralize),
        );
    }
    w.into_inner().unwrap_or_default()
}

/// The codebook as a Word document, laid out like [`codebook_markdown`].
pub fn codebook_docx(book: &Codebook, include_retired: bool) -> Vec<u8> {
    let book = view(book, include_retired);
    let mut d = Docx::new(&book.name);
    d.heading(0, &book.name);
    if let Some(desc) = &book.description {
        d.paragraph(&[Run::plain(desc.trim())]);
    }
    for e in book.tree_order() {
        d.heading(book.depth(&e.id) + 1, &e.label);
        let mut meta = format!("{} · id {}", kind(&book, e), e.id);
        if e.retired {
            meta.push_str(" · retired");
        }
        d.paragraph(&[Run::italic(meta)]);
        for (label, v) in [
            ("Definition. ", &e.definition),
            ("When to use. ", &e.include),
            ("When not to use. ", &e.exclude),
        ] {
            if let Some(v) = v {
                d.paragraph(&[Run::bold(label), Run::plain(v.trim())]);
            }
        }
        if !e.examples.is_empty() {
            d.paragraph(&[Run::bold("Examples.")]);
            for x in &e.examples {
                d.bullet(&[Run::italic(x.as_str())]);
            }
        }
    }
    d.to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Codebook {
        thematic_study::testing::mechanisms()
    }

    #[test]
    fn markdown_nests_by_depth_and_carries_the_guidance() {
        let md = codebook_markdown(&book(), false);
        assert!(md.contains("\n## Theoretical underpinning: Solution-focused and strengths-based\n\n*overarching theme* · id `solution-focused-strengths-based` · not applied directly\n"), "{md}");
        assert!(md.contains("\n### SPLWs' role\n\n*group*"), "{md}");
        assert!(md.contains("\n#### What matters to the individual\n\n*theme* · id `what-matters`\n\n**Definition.** "), "{md}");
        assert!(md.contains("**When not to use.** "));
        let b = book();
        let wm = b.get("what-matters").unwrap();
        assert!(md.contains(&format!("> {}", md_inline(&wm.examples[0]))));
    }

    #[test]
    fn csv_has_a_row_per_entry_in_tree_order() {
        let b = book();
        let bytes = codebook_csv(&b, false);
        let mut rdr = csv::Reader::from_reader(bytes.as_slice());
        let ids: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
        let want: Vec<String> = b.tree_order().iter().map(|e| e.id.clone()).collect();
        assert_eq!(ids, want);
    }

    #[test]
    fn docx_holds_every_label_and_definition() {
        let b = book();
        let bytes = codebook_docx(&b, false);
        let t = thematic_transcript::parse_with_hint(
            &bytes,
            &thematic_transcript::Options::default(),
            Some("docx"),
        )
        .unwrap();
        for e in &b.entries {
            assert!(t.text.contains(&e.label), "{}", e.label);
            if let Some(d) = &e.definition {
                assert!(t.text.contains(d.trim()), "{}", e.id);
            }
        }
    }
}
