//! REFI-QDA test helpers shared by the CLI tests (`tests/cli/util.rs`) and
//! `thematic-exchange`'s tests, each of which includes this file with `#[path]`: the project
//! schema, a zip's entries and schema validation with xmllint.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

/// The REFI-QDA project schema the `.qde` we write is validated against (both including
/// crates sit two levels below the workspace root).
pub const PROJECT_XSD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/refi-qda/Project.xsd"
);

/// The entries of a zip (a `.qdpx`) held in memory, by name, in the zip's order.
pub fn unzip_bytes(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut out).unwrap();
            (f.name().unwrap().to_string(), out)
        })
        .collect()
}

/// Whether `xml` is valid against the REFI-QDA project schema, and xmllint's complaint.
pub fn xmllint(xml: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("project.qde");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", PROJECT_XSD])
        .arg(&file)
        .output()
        .expect("xmllint is needed for the schema tests: apt-get install libxml2-utils");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
