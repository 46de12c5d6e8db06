//! The `.qdc` we write validates against the REFI-QDA schemas, checked by a real validator
//! (`xmllint`, from libxml2; `.ci/run` installs it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use thematic_codebook::{Codebook, CodebookEditor, from_qdc, to_qdc, write_codes};

const SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/refi-qda/");

fn xmllint(xml: &str, xsd: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(Path::new(SCHEMAS).join(xsd))
        .arg(&file)
        .output()
        .expect("xmllint is needed for the schema tests: apt-get install libxml2-utils");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The shipped codebooks, the starter one with a first code made while coding: it has no
/// entries of its own, and a `<Codes>` without a `<Code>` is not valid (an empty codebook
/// is not exported; a project leaves it out).
fn books() -> Vec<Codebook> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../codebooks/");
    let read = |n: &str| std::fs::read_to_string(format!("{root}{n}")).unwrap();
    let mut blank = CodebookEditor::open(&read("blank.toml"), "blank.toml").unwrap();
    blank.create_code("Someone to talk to", None).unwrap();
    // Themes in development: a code in a second candidate theme (written as a Set), a
    // defined theme with a title and concept, a split.
    let mut developing =
        CodebookEditor::open(&read("social-prescribing-mechanisms.toml"), "m.toml").unwrap();
    let candidate = developing.create_theme("Talking it through", None).unwrap();
    developing
        .place(
            "asking-questions",
            Some(&candidate),
            thematic_codebook::Placement::AlsoIn,
        )
        .unwrap();
    developing
        .split_theme(&candidate, "Being heard", &["asking-questions".to_string()])
        .unwrap();
    vec![
        Codebook::from_toml(&read("social-prescribing-mechanisms.toml"), "m.toml").unwrap(),
        blank.codebook().clone(),
        developing.codebook().clone(),
    ]
}

#[test]
fn qdc_validates_against_the_codebook_schema() {
    for book in books() {
        let xml = to_qdc(&book, "thematic test", true);
        let (ok, err) = xmllint(&xml, "Codebook.xsd");
        assert!(ok, "{}: {err}", book.name);
    }
}

#[test]
fn codes_validate_inside_a_project() {
    for book in books() {
        let mut w = quick_xml::Writer::new(Vec::new());
        write_codes(&mut w, &book, false).unwrap();
        let codes = String::from_utf8(w.into_inner()).unwrap();
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"t\"><CodeBook>{codes}</CodeBook></Project>"
        );
        let (ok, err) = xmllint(&xml, "Project.xsd");
        assert!(ok, "{}: {err}", book.name);
    }
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    // A CSS colour is not an RGBType, and a missing isCodable is an error: the checks
    // above can fail.
    let bad = "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code guid=\"22222222-2222-2222-2222-222222222222\" name=\"x\" isCodable=\"true\" color=\"rgb(1,2,3)\"/></Codes></CodeBook>";
    let (ok, err) = xmllint(bad, "Codebook.xsd");
    assert!(!ok);
    assert!(err.contains("color"), "{err}");
    let bad = "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code guid=\"22222222-2222-2222-2222-222222222222\" name=\"x\"/></Codes></CodeBook>";
    let (ok, err) = xmllint(bad, "Codebook.xsd");
    assert!(!ok);
    assert!(err.contains("isCodable"), "{err}");
}

#[test]
fn control_characters_in_labels_and_definitions_leave_the_qdc_well_formed() {
    // A label and a definition pasted with control characters (a bell, a vertical tab)
    // and markup: XML 1.0 forbids the control characters even as references, so they are
    // dropped, and the rest is escaped.
    let text = "format_version = 1\nname = \"t\"\n\n[[theme]]\nid = \"ringing\"\nlabel = \"Ringing\\u0007 'bells' & <b>\"\ndefinition = \"Tab\\u000Bbed \\\"quotes\\\"\"\n";
    let book = Codebook::from_toml(text, "t.toml").unwrap();
    let xml = to_qdc(&book, "thematic test", true);
    assert!(!xml.contains('\u{7}') && !xml.contains('\u{b}'), "{xml}");
    assert!(
        xml.contains("name=\"Ringing &#39;bells&#39; &amp; &lt;b&gt;\""),
        "{xml}"
    );
    let (ok, err) = xmllint(&xml, "Codebook.xsd");
    assert!(ok, "{err}\n{xml}");
    let (back, _) = from_qdc(xml.as_bytes(), "t", "t.qdc").unwrap();
    assert_eq!(back.entries[0].label, "Ringing 'bells' & <b>");
}
