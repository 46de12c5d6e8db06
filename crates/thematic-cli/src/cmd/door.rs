//! The right door: a file given to a command that takes something else is named for what it
//! is, with the command that takes it, instead of failing as a malformed file of the kind
//! the command expected (a `.qdpx` read as a "truncated .docx", a project read as "not
//! well-formed XML").

use std::path::Path;

use crate::error::CliError;

/// What a file is, when it is not what a command expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A REFI-QDA project: a zip holding `project.qde` (`.qdpx`).
    RefiProject,
    /// A REFI-QDA codebook: XML whose root is `CodeBook` (`.qdc`).
    RefiCodebook,
}

/// What `bytes` (read from `path`) are, by content first and then by extension; `None`
/// for anything else.
pub fn sniff(path: &Path, bytes: &[u8]) -> Option<Kind> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    // A zip's local headers and central directory carry entry names as plain bytes.
    if bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"project.qde") {
        return Some(Kind::RefiProject);
    }
    let head = &bytes[..bytes.len().min(4096)];
    if contains(head, b"<CodeBook") {
        return Some(Kind::RefiCodebook);
    }
    if contains(head, b"<Project") && contains(head, b"urn:QDA-XML:project") {
        return Some(Kind::RefiProject);
    }
    match ext.as_deref() {
        Some("qdpx" | "qde") => Some(Kind::RefiProject),
        Some("qdc") => Some(Kind::RefiCodebook),
        _ => None,
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The error for `path`, a `kind` file, given to a command that `expects` something else
/// ("a transcript"), with the commands that take it.
pub fn wrong_door(path: &Path, kind: Kind, expects: &str) -> CliError {
    let file = thematic_study::shell_word(&path.display().to_string());
    match kind {
        Kind::RefiProject => CliError::user(format!(
            "{} is a REFI-QDA project (from NVivo, ATLAS.ti, MAXQDA, QualCoder or `thematic \
             export`), not {expects}",
            path.display()
        ))
        .hint(format!(
            "`thematic import {file}` brings its transcripts, codes, codings and memos into a \
             study; `thematic init DIR --from {file}` makes a new study of it"
        )),
        Kind::RefiCodebook => CliError::user(format!(
            "{} is a REFI-QDA codebook (.qdc), not {expects}",
            path.display()
        ))
        .hint(format!(
            "`thematic codebook import {file}` makes it the study's codebook"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_and_codebooks_are_known_by_content_then_by_name() {
        let zip = b"PK\x03\x04....project.qde....";
        assert_eq!(sniff(Path::new("x.docx"), zip), Some(Kind::RefiProject));
        assert_eq!(
            sniff(Path::new("x.docx"), b"PK\x03\x04word/document.xml"),
            None
        );
        let qdc = b"<?xml version=\"1.0\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\">";
        assert_eq!(sniff(Path::new("x.txt"), qdc), Some(Kind::RefiCodebook));
        assert_eq!(
            sniff(Path::new("p.QDPX"), b"garbage"),
            Some(Kind::RefiProject)
        );
        assert_eq!(sniff(Path::new("c.qdc"), b""), Some(Kind::RefiCodebook));
        assert_eq!(sniff(Path::new("t.txt"), b"Interviewer: Hello."), None);
    }
}
