//! Reading `project.qde` leniently into a plain model: elements are matched by local name
//! (any namespace, or none), GUIDs in any case with or without braces, attributes missing
//! where the schema requires them tolerated where we can do without.
//!
//! The XML is parsed by `roxmltree`, which refuses a DTD: an internal subset can declare
//! entities that expand without bound ("billion laughs") and external entities that read
//! other files, and a project needs neither.

use std::collections::BTreeMap;
use std::path::Path;

use roxmltree::{Document, Node, ParsingOptions};
use thematic_codebook::{Codebook, from_qdc_with_guids, normalize_guid};

use crate::refi::LeftOut;
use thematic_study::StudyError;

/// What a project holds, as far as thematic can use it.
#[derive(Debug, Default)]
pub(crate) struct Project {
    pub name: Option<String>,
    /// The project's own `Description`.
    pub description: Option<String>,
    /// User GUID → name.
    pub users: BTreeMap<String, String>,
    pub codebook: Codebook,
    /// Code GUID → index into `codebook.entries`.
    pub code_index: BTreeMap<String, usize>,
    /// Variables: GUID → name, in document order.
    pub variables: Vec<(String, String)>,
    pub cases: Vec<Case>,
    pub sources: Vec<TextSource>,
    pub notes: Vec<Note>,
    /// Note GUID → what refers to it, in document order.
    pub note_refs: BTreeMap<String, Vec<NoteTarget>>,
    /// What the project holds that thematic has no place for.
    pub left_out: Vec<LeftOut>,
    /// Problems with the codebook, as messages.
    pub codebook_warnings: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Case {
    pub name: String,
    /// Variable GUID → value as text.
    pub values: Vec<(String, String)>,
    /// GUIDs of the sources it refers to.
    pub sources: Vec<String>,
    /// GUIDs of the selections it refers to (a participant's segments).
    pub selections: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct TextSource {
    pub guid: String,
    pub name: String,
    pub plain_path: Option<String>,
    pub rich_path: Option<String>,
    pub content: Option<String>,
    pub selections: Vec<Selection>,
    /// The line of the element in `project.qde`.
    pub line: u32,
    /// The recording this is the transcript of (an `AudioSource` or `VideoSource`).
    pub recording: Option<crate::refi::media_read::Recording>,
}

#[derive(Debug, Default)]
pub(crate) struct Selection {
    pub guid: String,
    pub name: Option<String>,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub user: Option<String>,
    pub when: Option<String>,
    pub description: Option<String>,
    pub codings: Vec<CodingRef>,
    pub line: u32,
}

#[derive(Debug, Default)]
pub(crate) struct CodingRef {
    pub guid: String,
    pub code: String,
    pub user: Option<String>,
    pub when: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Note {
    pub guid: String,
    pub name: Option<String>,
    pub user: Option<String>,
    pub when: Option<String>,
    pub content: Option<String>,
    pub plain_path: Option<String>,
}

/// What a `NoteRef` hangs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoteTarget {
    Project,
    Code(String),
    Source(String),
    Selection(String),
    Coding(String),
    Other(String),
}

pub(crate) fn attr(n: Node<'_, '_>, name: &str) -> Option<String> {
    n.attributes()
        .find(|a| a.name().eq_ignore_ascii_case(name))
        .map(|a| a.value().to_string())
}

pub(crate) fn guid(n: Node<'_, '_>, name: &str) -> Option<String> {
    attr(n, name)
        .map(|g| normalize_guid(&g))
        .filter(|g| !g.is_empty())
}

pub(crate) fn is(n: Node<'_, '_>, name: &str) -> bool {
    n.is_element() && n.tag_name().name().eq_ignore_ascii_case(name)
}

pub(crate) fn children<'a, 'i>(
    n: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children().filter(move |c| is(*c, name))
}

pub(crate) fn child_text(n: Node<'_, '_>, name: &str) -> Option<String> {
    children(n, name).next().map(|c| {
        c.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
    })
}

/// Line numbers by binary search over the line starts (roxmltree's `text_pos_at` scans from
/// the start of the document, which is quadratic over a project's selections).
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(memchr::memchr_iter(b'\n', text.as_bytes()).collect())
    }

    pub(crate) fn of(&self, n: Node<'_, '_>) -> u32 {
        u32::try_from(self.0.partition_point(|&p| p < n.range().start) + 1).unwrap_or(u32::MAX)
    }
}

/// Parses `project.qde`. `shown` names it in messages (`study.qdpx:project.qde`).
pub(crate) fn parse(bytes: &[u8], shown: &Path) -> Result<Project, StudyError> {
    let text = decode(bytes);
    let doc = parse_xml(&text, shown)?;
    let lines = Lines::new(&text);
    let root = doc.root_element();
    if !is(root, "Project") {
        return Err(StudyError::invalid(
            shown,
            1,
            format!(
                "the root element is <{}>, not <Project>: this is not a REFI-QDA project",
                root.tag_name().name()
            ),
        ));
    }
    let mut p = Project {
        name: attr(root, "name").filter(|n| !n.trim().is_empty()),
        description: child_text(root, "Description"),
        ..Project::default()
    };
    check_depth(root, shown)?;
    read_codebook(&mut p, &text, shown);
    read_users(&mut p, root);
    read_variables(&mut p, &lines, root);
    for section in children(root, "Cases") {
        for c in children(section, "Case") {
            p.cases.push(read_case(c));
        }
    }
    read_sources(&mut p, &lines, root);
    read_notes(&mut p, &lines, root);
    read_note_refs(&mut p, root);
    report_unread(&mut p, root);
    Ok(p)
}

/// The XML tree of `text`, refusing a DTD; errors name the line.
fn parse_xml<'i>(text: &'i str, shown: &Path) -> Result<Document<'i>, StudyError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::MAX,
    };
    Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        let message = match e {
            roxmltree::Error::DtdDetected => "the project declares a DTD (<!DOCTYPE … [ … ]>): \
                entity declarations can expand without bound and external entities read other \
                files, so thematic refuses them; a REFI-QDA project needs neither"
                .to_string(),
            roxmltree::Error::EntityReferenceLoop(_) => {
                "an entity refers to itself (entity expansion): refused".to_string()
            }
            e => format!("not well-formed XML: {e}"),
        };
        StudyError::invalid(shown, pos.row as usize, message)
    })
}

/// The codebook, by the `.qdc` reader, and the index of each code's GUID. A project
/// without a codebook (or with one that cannot be read) still has sources and notes worth
/// importing: the warnings say why its codes are missing.
fn read_codebook(p: &mut Project, text: &str, shown: &Path) {
    let shown = shown.display().to_string();
    let (book, warnings, guids) = match from_qdc_with_guids(
        text.as_bytes(),
        p.name.as_deref().unwrap_or("Imported"),
        &shown,
    ) {
        Ok(read) => read,
        Err(e) => {
            p.codebook_warnings.push(format!("no codes imported: {e}"));
            (Codebook::default(), Vec::new(), Vec::new())
        }
    };
    p.codebook_warnings
        .extend(warnings.iter().map(ToString::to_string));
    for (i, g) in guids.into_iter().enumerate() {
        if let Some(g) = g {
            p.code_index.insert(g, i);
        }
    }
    p.codebook = book;
}

/// Every `User` with a GUID, named by its name, else its id, else its GUID.
fn read_users(p: &mut Project, root: Node<'_, '_>) {
    for n in root.descendants().filter(|n| is(*n, "User")) {
        if let Some(g) = guid(n, "guid") {
            let name = attr(n, "name")
                .or_else(|| attr(n, "id"))
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| format!("user-{}", g.chars().take(8).collect::<String>()));
            p.users.insert(g, name);
        }
    }
}

/// The variables with a GUID and a name; the others are left out.
fn read_variables(p: &mut Project, lines: &Lines, root: Node<'_, '_>) {
    for section in children(root, "Variables") {
        for v in children(section, "Variable") {
            match (
                guid(v, "guid"),
                attr(v, "name").filter(|n| !n.trim().is_empty()),
            ) {
                (Some(g), Some(name)) => p.variables.push((g, name)),
                (_, name) => p.left_out.push(LeftOut::new(
                    "variable without a GUID or a name",
                    name.unwrap_or_else(|| format!("line {}", lines.of(v))),
                )),
            }
        }
    }
}

/// The text sources, and the transcripts of recordings (`AudioSource`, `VideoSource`); sources
/// of other kinds (pictures, PDF, a recording without a transcript) are left out.
fn read_sources(p: &mut Project, lines: &Lines, root: Node<'_, '_>) {
    for section in children(root, "Sources") {
        for s in section.children().filter(Node::is_element) {
            let kind = s.tag_name().name();
            if kind.eq_ignore_ascii_case("TextSource") {
                let source = read_source(lines, s, &mut p.left_out);
                p.sources.push(source);
            } else if let Some(source) =
                crate::refi::media_read::read_recording(lines, s, &mut p.left_out)
            {
                p.sources.push(source);
            } else {
                let name = attr(s, "name").unwrap_or_else(|| kind.to_string());
                p.left_out.push(LeftOut::new(
                    format!("{kind} (thematic reads text sources only)"),
                    name,
                ));
            }
        }
    }
}

/// The notes; one without a GUID is named by its line.
fn read_notes(p: &mut Project, lines: &Lines, root: Node<'_, '_>) {
    for section in children(root, "Notes") {
        for n in children(section, "Note") {
            // A note without a GUID cannot be referred to, but is still a memo.
            let g = guid(n, "guid").unwrap_or_else(|| format!("note-line-{}", lines.of(n)));
            p.notes.push(Note {
                guid: g,
                name: attr(n, "name"),
                user: guid(n, "creatingUser"),
                when: attr(n, "creationDateTime"),
                content: child_text(n, "PlainTextContent"),
                plain_path: attr(n, "plainTextPath"),
            });
        }
    }
}

/// Every `NoteRef`, anywhere: what its note hangs from.
fn read_note_refs(p: &mut Project, root: Node<'_, '_>) {
    for r in root.descendants().filter(|n| is(*n, "NoteRef")) {
        let (Some(target), Some(parent)) = (guid(r, "targetGUID"), r.parent_element()) else {
            continue;
        };
        let owner = guid(parent, "guid").unwrap_or_default();
        let what = parent.tag_name().name();
        let t = match what.to_ascii_lowercase().as_str() {
            "project" => NoteTarget::Project,
            "code" => NoteTarget::Code(owner),
            "textsource" | "transcript" | "audiosource" | "videosource" => {
                NoteTarget::Source(owner)
            }
            "plaintextselection" | "transcriptselection" => NoteTarget::Selection(owner),
            "coding" => NoteTarget::Coding(owner),
            _ => NoteTarget::Other(what.to_string()),
        };
        p.note_refs.entry(target).or_default().push(t);
    }
}

/// Links, graphs and sets, which thematic has no place for, as left out.
fn report_unread(p: &mut Project, root: Node<'_, '_>) {
    for (kind, why) in [
        ("Link", "links between objects"),
        ("Graph", "graphs (network views)"),
        ("Set", "sets"),
    ] {
        for n in root.descendants().filter(|n| is(*n, kind)) {
            // Sets with member codes are read by the codebook reader (a candidate theme the
            // codes also sit in), and it reports what it could not place.
            if kind == "Set" && n.children().any(|m| is(m, "MemberCode")) {
                continue;
            }
            let name = attr(n, "name").unwrap_or_else(|| kind.to_string());
            p.left_out.push(LeftOut::new(
                format!("{why} (thematic has no place for them)"),
                name,
            ));
        }
    }
}

/// How deep codes may nest: deeper trees are refused rather than risk the stack of the
/// code that walks them (no real codebook comes near).
const MAX_CODE_DEPTH: usize = 64;

fn check_depth(root: Node<'_, '_>, shown: &Path) -> Result<(), StudyError> {
    for n in root.descendants().filter(|n| is(*n, "Code")) {
        let depth = n
            .ancestors()
            .filter(|a| is(*a, "Code"))
            .take(MAX_CODE_DEPTH + 1)
            .count();
        if depth >= MAX_CODE_DEPTH {
            return Err(StudyError::invalid(
                shown,
                0,
                format!(
                    "codes are nested more than {MAX_CODE_DEPTH} deep; thematic refuses such a tree"
                ),
            ));
        }
    }
    Ok(())
}

fn read_case(c: Node<'_, '_>) -> Case {
    let mut case = Case {
        name: attr(c, "name").unwrap_or_default(),
        ..Case::default()
    };
    for v in children(c, "VariableValue") {
        let var = children(v, "VariableRef")
            .next()
            .and_then(|r| guid(r, "targetGUID"));
        let value = v
            .children()
            .filter(|x| x.is_element() && !is(*x, "VariableRef"))
            .map(|x| x.text().unwrap_or("").trim().to_string())
            .next();
        if let (Some(var), Some(value)) = (var, value) {
            case.values.push((var, value));
        }
    }
    for r in children(c, "SourceRef") {
        if let Some(g) = guid(r, "targetGUID") {
            case.sources.push(g);
        }
    }
    for r in children(c, "SelectionRef") {
        if let Some(g) = guid(r, "targetGUID") {
            case.selections.push(g);
        }
    }
    case
}

fn read_source(lines: &Lines, s: Node<'_, '_>, left_out: &mut Vec<LeftOut>) -> TextSource {
    let mut source = TextSource {
        guid: guid(s, "guid").unwrap_or_default(),
        name: attr(s, "name").unwrap_or_default(),
        plain_path: attr(s, "plainTextPath").filter(|p| !p.trim().is_empty()),
        rich_path: attr(s, "richTextPath").filter(|p| !p.trim().is_empty()),
        content: child_text(s, "PlainTextContent"),
        line: lines.of(s),
        ..TextSource::default()
    };
    // A source without a name (qc writes only its path) is known by its file's stem, as a
    // file imported on its own would be, not by its extension.
    if source.name.trim().is_empty()
        && let Some(stem) = source
            .plain_path
            .as_deref()
            .or(source.rich_path.as_deref())
            .and_then(path_stem)
    {
        source.name = stem;
    }
    for sel in children(s, "PlainTextSelection") {
        let selection = read_selection(lines, sel, &source.name, left_out);
        source.selections.push(selection);
    }
    let whole = children(s, "Coding").count();
    if whole > 0 {
        left_out.push(LeftOut::new(
            "coding of a whole source (thematic codes excerpts)",
            format!("{} ×{whole}", source.name),
        ));
    }
    source
}

/// A selection with its codings (`startPosition`/`endPosition`, where it has them); a
/// coding without a code is left out. `source` names its source in what is left out.
pub(crate) fn read_selection(
    lines: &Lines,
    sel: Node<'_, '_>,
    source: &str,
    left_out: &mut Vec<LeftOut>,
) -> Selection {
    let number = |name: &str| attr(sel, name).and_then(|v| v.trim().parse::<i64>().ok());
    let mut selection = Selection {
        guid: guid(sel, "guid").unwrap_or_default(),
        name: attr(sel, "name"),
        start: number("startPosition"),
        end: number("endPosition"),
        user: guid(sel, "creatingUser"),
        when: attr(sel, "creationDateTime"),
        description: child_text(sel, "Description").filter(|d| !d.trim().is_empty()),
        line: lines.of(sel),
        ..Selection::default()
    };
    for c in children(sel, "Coding") {
        let code = children(c, "CodeRef")
            .next()
            .and_then(|r| guid(r, "targetGUID"));
        match code {
            Some(code) => selection.codings.push(CodingRef {
                guid: guid(c, "guid").unwrap_or_default(),
                code,
                user: guid(c, "creatingUser"),
                when: attr(c, "creationDateTime"),
            }),
            None => left_out.push(LeftOut::new(
                "coding without a CodeRef (no code to give it)",
                format!("{source} line {}", lines.of(c)),
            )),
        }
    }
    selection
}

/// The text of an XML file: UTF-8 (BOM dropped), or UTF-16; the transcript reader's
/// decoding, without its normalization.
/// The stem of a REFI-QDA path (`internal://interview-3.txt`, `relative://a/b.docx`, a
/// plain path): `interview-3`, `b`.
pub(crate) fn path_stem(path: &str) -> Option<String> {
    let path = path.rsplit("://").next().unwrap_or(path);
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem).trim();
    (!stem.is_empty()).then(|| stem.to_string())
}

fn decode(bytes: &[u8]) -> String {
    thematic_transcript::decode_raw(bytes).map_or_else(
        |_| String::from_utf8_lossy(bytes).into_owned(),
        |raw| raw.text,
    )
}
