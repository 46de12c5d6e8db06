//! The REFI-QDA codebook exchange format (`.qdc`, QDA-XML codebook 1.0), read by NVivo,
//! ATLAS.ti, MAXQDA and QualCoder.
//!
//! Written strictly to the schema: `<CodeBook xmlns="urn:QDA-XML:codebook:1.0">`, then
//! `<Codes>` with nested `<Code guid name isCodable color>`, each with an optional
//! `<Description>`. Read leniently: any namespace (or none), a `project.qde` whose
//! `<CodeBook>` is taken, GUIDs with or without braces, colours as `#rgb`, `#rrggbb`,
//! `rrggbb` or `#aarrggbb`.
//!
//! The schema has one free-text field per code, `Description`. Our fields that have no
//! place of their own go into it as labelled paragraphs other tools show as plain text:
//!
//! ```text
//! <definition>
//!
//! When to use: <include>
//!
//! When not to use: <exclude>
//!
//! Examples:
//! - <example>
//!
//! Keywords: a, b
//! Phrases:
//! - <phrase>
//! Patterns:
//! - <pattern>
//! Retired: yes
//! Thematic id: <id>
//! ```
//!
//! so a codebook that goes out and comes back keeps its ids and every field. A description
//! without these labels is read as the definition. GUIDs are derived from ids (UUID v5), so
//! exporting twice gives the same GUIDs and other tools recognise the codes again.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use quick_xml::escape::unescape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesRef, BytesStart, Event};
use quick_xml::{Reader, Writer};

use crate::edit::unique_slug;
use crate::error::{CodebookError, Diagnostic, Severity, line_col};
use crate::escape::{xml_attribute, xml_text};
use crate::model::{Codebook, Entry, SearchRules};
use crate::parse::is_slug;

/// The codebook namespace written.
pub const QDC_NAMESPACE: &str = "urn:QDA-XML:codebook:1.0";

/// The UUID namespace under which theme GUIDs are derived from ids.
const GUID_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5d1f_6c1e_9a43_4c55_8f0b_7e1c_2b3a_d401);

/// The GUID a theme id is exported with: the same id always gives the same GUID.
pub fn guid_for(id: &str) -> String {
    uuid::Uuid::new_v5(&GUID_NAMESPACE, format!("theme:{id}").as_bytes()).to_string()
}

/// Writes the codebook as a `.qdc` document. `origin` names the writing program.
/// Retired entries are left out unless `include_retired`; their children then hang from the
/// nearest current ancestor.
pub fn to_qdc(book: &Codebook, origin: &str, include_retired: bool) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    let mut root = BytesStart::new("CodeBook");
    root.push_attribute(("xmlns", QDC_NAMESPACE));
    root.push_attribute(("origin", origin));
    let _ = w.write_event(Event::Start(root));
    let _ = write_codes(&mut w, book, include_retired);
    let _ = write_sets(&mut w, book, include_retired, false);
    let _ = w.write_event(Event::End(BytesEnd::new("CodeBook")));
    let mut out = String::from_utf8(w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

/// Writes `<Codes>…</Codes>` (the part a `.qdc` and a `.qdpx` project share).
pub fn write_codes<W: Write>(
    w: &mut Writer<W>,
    book: &Codebook,
    include_retired: bool,
) -> std::io::Result<()> {
    write_codes_with_notes(w, book, include_retired, &BTreeMap::new())
}

/// [`write_codes`] for a project: `notes` maps a theme id to the GUIDs of the memos about
/// it, written as `<NoteRef targetGUID="…"/>` after the code's `Description`.
pub fn write_codes_with_notes<W: Write>(
    w: &mut Writer<W>,
    book: &Codebook,
    include_retired: bool,
    notes: &BTreeMap<String, Vec<String>>,
) -> std::io::Result<()> {
    let view = if include_retired {
        book.clone()
    } else {
        book.current()
    };
    w.write_event(Event::Start(BytesStart::new("Codes")))?;
    for root in view.roots() {
        write_code(w, &view, root, notes)?;
    }
    w.write_event(Event::End(BytesEnd::new("Codes")))?;
    Ok(())
}

/// Writes `<Sets>`: for each theme that codes also sit in (`also_in`), a `Set` named as
/// the theme, its members those codes (not the theme's children, which the tree holds).
/// Nothing when no code sits in a second theme. A `.qdc` has them inside `CodeBook`, each
/// member as `MemberCode@guid` (the codebook schema); a project (`in_project`) at the
/// project level, each member as `MemberCode@targetGUID` (the project schema).
pub fn write_sets<W: Write>(
    w: &mut Writer<W>,
    book: &Codebook,
    include_retired: bool,
    in_project: bool,
) -> std::io::Result<()> {
    let member_attr = if in_project { "targetGUID" } else { "guid" };
    let view = if include_retired {
        book.clone()
    } else {
        book.current()
    };
    let themes: Vec<&Entry> = view
        .tree_order()
        .into_iter()
        .filter(|t| view.entries.iter().any(|e| e.also_in.contains(&t.id)))
        .collect();
    if themes.is_empty() {
        return Ok(());
    }
    w.write_event(Event::Start(BytesStart::new("Sets")))?;
    for t in themes {
        let mut start = BytesStart::new("Set");
        start.push_attribute(("guid", set_guid_for(&t.id).as_str()));
        start.push_attribute(xml_attribute("name", &t.label));
        w.write_event(Event::Start(start))?;
        let description = format!(
            "Codes that also sit in the candidate theme \"{}\", besides their own place in the tree.\n{ID} {}",
            t.label, t.id
        );
        w.write_event(Event::Start(BytesStart::new("Description")))?;
        w.write_event(Event::Text(xml_text(&description)))?;
        w.write_event(Event::End(BytesEnd::new("Description")))?;
        for e in view.entries.iter().filter(|e| e.also_in.contains(&t.id)) {
            let mut m = BytesStart::new("MemberCode");
            m.push_attribute((member_attr, guid_for(&e.id).as_str()));
            w.write_event(Event::Empty(m))?;
        }
        w.write_event(Event::End(BytesEnd::new("Set")))?;
    }
    w.write_event(Event::End(BytesEnd::new("Sets")))?;
    Ok(())
}

/// The GUID of the set of theme `id`'s extra members: stable, and not the theme's own.
pub fn set_guid_for(id: &str) -> String {
    uuid::Uuid::new_v5(&GUID_NAMESPACE, format!("set:{id}").as_bytes()).to_string()
}

fn write_code<W: Write>(
    w: &mut Writer<W>,
    book: &Codebook,
    e: &Entry,
    notes: &BTreeMap<String, Vec<String>>,
) -> std::io::Result<()> {
    let mut start = BytesStart::new("Code");
    start.push_attribute(("guid", guid_for(&e.id).as_str()));
    start.push_attribute(xml_attribute("name", &e.label));
    start.push_attribute(("isCodable", if e.codable { "true" } else { "false" }));
    if let Some(c) = &e.colour {
        start.push_attribute(("color", c.to_ascii_uppercase().as_str()));
    }
    w.write_event(Event::Start(start))?;
    let description = describe(e);
    w.write_event(Event::Start(BytesStart::new("Description")))?;
    w.write_event(Event::Text(xml_text(&description)))?;
    w.write_event(Event::End(BytesEnd::new("Description")))?;
    for guid in notes.get(&e.id).into_iter().flatten() {
        let mut r = BytesStart::new("NoteRef");
        r.push_attribute(("targetGUID", guid.as_str()));
        w.write_event(Event::Empty(r))?;
    }
    for child in book.children(&e.id) {
        write_code(w, book, child, notes)?;
    }
    w.write_event(Event::End(BytesEnd::new("Code")))?;
    Ok(())
}

const WHEN: &str = "When to use:";
const WHEN_NOT: &str = "When not to use:";
const EXAMPLES: &str = "Examples:";
const KEYWORDS: &str = "Keywords:";
const PHRASES: &str = "Phrases:";
const PATTERNS: &str = "Patterns:";
const RETIRED: &str = "Retired:";
const TITLE: &str = "Title:";
const CONCEPT: &str = "Central organising concept:";
const DEFINED: &str = "Defined:";
const MERGED_INTO: &str = "Merged into:";
const SPLIT_FROM: &str = "Split from:";
const ID: &str = "Thematic id:";

/// The `Description` text of an entry (see the module documentation).
pub fn describe(e: &Entry) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = &e.definition {
        parts.push(d.trim().to_string());
    }
    if let Some(i) = &e.include {
        parts.push(format!("{WHEN} {}", i.trim()));
    }
    if let Some(x) = &e.exclude {
        parts.push(format!("{WHEN_NOT} {}", x.trim()));
    }
    let bullets = |label: &str, items: &[String]| {
        let mut s = label.to_string();
        for i in items {
            s.push_str("\n- ");
            s.push_str(&i.replace('\n', " "));
        }
        s
    };
    if !e.examples.is_empty() {
        parts.push(bullets(EXAMPLES, &e.examples));
    }
    let mut tail: Vec<String> = Vec::new();
    if !e.rules.keywords.is_empty() {
        tail.push(format!("{KEYWORDS} {}", e.rules.keywords.join(", ")));
    }
    if !e.rules.phrases.is_empty() {
        tail.push(bullets(PHRASES, &e.rules.phrases));
    }
    if !e.rules.patterns.is_empty() {
        tail.push(bullets(PATTERNS, &e.rules.patterns));
    }
    if e.retired {
        tail.push(format!("{RETIRED} yes"));
    }
    let one_line = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(t) = &e.title {
        tail.push(format!("{TITLE} {}", one_line(t)));
    }
    if let Some(c) = &e.concept {
        tail.push(format!("{CONCEPT} {}", one_line(c)));
    }
    if e.defined {
        tail.push(format!("{DEFINED} yes"));
    }
    if let Some(m) = &e.merged_into {
        tail.push(format!("{MERGED_INTO} {m}"));
    }
    if let Some(m) = &e.split_from {
        tail.push(format!("{SPLIT_FROM} {m}"));
    }
    tail.push(format!("{ID} {}", e.id));
    parts.push(tail.join("\n"));
    parts.join("\n\n")
}

/// The fields recovered from a `Description`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Described {
    definition: Option<String>,
    include: Option<String>,
    exclude: Option<String>,
    examples: Vec<String>,
    rules: SearchRules,
    retired: bool,
    title: Option<String>,
    concept: Option<String>,
    defined: bool,
    merged_into: Option<String>,
    split_from: Option<String>,
    id: Option<String>,
}

fn undescribe(text: &str) -> Described {
    #[derive(Clone, Copy, PartialEq)]
    enum Sec {
        Definition,
        Include,
        Exclude,
        Examples,
        Phrases,
        Patterns,
    }
    let mut d = Described::default();
    let (mut def, mut inc, mut exc) = (String::new(), String::new(), String::new());
    let mut sec = Sec::Definition;
    for line in text.replace("\r\n", "\n").lines() {
        let t = line.trim();
        let push = |s: &mut String, l: &str| {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(l);
        };
        if let Some(r) = t.strip_prefix(WHEN_NOT) {
            sec = Sec::Exclude;
            push(&mut exc, r.trim());
        } else if let Some(r) = t.strip_prefix(WHEN) {
            sec = Sec::Include;
            push(&mut inc, r.trim());
        } else if t == EXAMPLES {
            sec = Sec::Examples;
        } else if t == PHRASES {
            sec = Sec::Phrases;
        } else if t == PATTERNS {
            sec = Sec::Patterns;
        } else if let Some(r) = t.strip_prefix(KEYWORDS) {
            d.rules.keywords = r
                .split(',')
                .map(|k| k.trim().to_lowercase())
                .filter(|k| !k.is_empty())
                .collect();
        } else if let Some(r) = t.strip_prefix(RETIRED) {
            d.retired = matches!(r.trim(), "yes" | "true");
        } else if let Some(r) = t.strip_prefix(TITLE) {
            d.title = Some(r.trim().to_string()).filter(|r| !r.is_empty());
        } else if let Some(r) = t.strip_prefix(CONCEPT) {
            d.concept = Some(r.trim().to_string()).filter(|r| !r.is_empty());
        } else if let Some(r) = t.strip_prefix(DEFINED) {
            d.defined = matches!(r.trim(), "yes" | "true");
        } else if let Some(r) = t.strip_prefix(MERGED_INTO) {
            d.merged_into = Some(r.trim().to_string()).filter(|r| is_slug(r));
        } else if let Some(r) = t.strip_prefix(SPLIT_FROM) {
            d.split_from = Some(r.trim().to_string()).filter(|r| is_slug(r));
        } else if let Some(r) = t.strip_prefix(ID) {
            d.id = Some(r.trim().to_string());
        } else if let (Some(item), Sec::Examples | Sec::Phrases | Sec::Patterns) =
            (line.strip_prefix("- "), sec)
        {
            match sec {
                Sec::Examples => d.examples.push(item.to_string()),
                Sec::Phrases => d.rules.phrases.push(item.to_string()),
                _ => d.rules.patterns.push(item.to_string()),
            }
        } else {
            match sec {
                Sec::Include => push(&mut inc, line),
                Sec::Exclude => push(&mut exc, line),
                // A free line after a list, or the definition itself.
                _ => {
                    sec = Sec::Definition;
                    push(&mut def, line);
                }
            }
        }
    }
    let clean = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    d.definition = clean(def);
    d.include = clean(inc);
    d.exclude = clean(exc);
    d
}

/// Reads a `.qdc` codebook (or the `<CodeBook>` of a `project.qde`). `name` becomes the
/// codebook's name; `path` is used in messages. Returns the codebook and warnings about what
/// was changed or left out on the way in.
pub fn from_qdc(
    bytes: &[u8],
    name: &str,
    path: &str,
) -> Result<(Codebook, Vec<Diagnostic>), CodebookError> {
    from_qdc_with_guids(bytes, name, path).map(|(book, warnings, _)| (book, warnings))
}

/// A codebook read from a `.qdc` or project, its warnings, and each entry's GUID.
pub type WithGuids = (Codebook, Vec<Diagnostic>, Vec<Option<String>>);

/// [`from_qdc`], also giving each entry's GUID as the file had it (lowercase, without
/// braces; `None` when it had none), in the order of `Codebook::entries`, so a project's
/// `CodeRef`s can be resolved to theme ids.
pub fn from_qdc_with_guids(
    bytes: &[u8],
    name: &str,
    path: &str,
) -> Result<WithGuids, CodebookError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut read = QdcRead::new(text, path);
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(pos);
                return Err(read.error(at, format!("not well-formed XML: {e}")));
            }
        };
        match event {
            Event::Start(ref e) => read.start(e, false, pos),
            Event::Empty(ref e) => read.start(e, true, pos),
            Event::End(ref e) => read.end(e, pos),
            Event::Text(t) if read.in_description => {
                read.description.push_str(&t);
            }
            Event::CData(t) if read.in_description => {
                read.description.push_str(&t);
            }
            Event::GeneralRef(r) if read.in_description => read.reference(&r),
            Event::Eof => break,
            _ => {}
        }
    }
    read.finish(name)
}

/// What reading a `.qdc` has found so far, and where in the document it is.
struct QdcRead<'a> {
    /// The document, for locations in messages.
    text: &'a str,
    /// The file, for messages.
    path: &'a str,
    warnings: Vec<Diagnostic>,
    /// Codes in document order, each with its parent's slot and the id it came with.
    slots: Vec<(Entry, Option<usize>, Option<String>)>,
    /// Each code's GUID, by slot.
    guids: Vec<Option<String>>,
    /// The slots of the open `<Code>` elements, innermost last.
    stack: Vec<usize>,
    in_codebook: bool,
    saw_codebook: bool,
    in_description: bool,
    /// The text of the open `<Description>`.
    description: String,
    /// `<Set>` elements read, in document order.
    sets: Vec<SetRead>,
    /// Inside a `<Set>`.
    in_set: bool,
}

/// A `<Set>` as read: its name, description, member codes' GUIDs and where it starts.
#[derive(Debug, Default)]
struct SetRead {
    name: String,
    description: String,
    members: Vec<String>,
    pos: usize,
}

impl<'a> QdcRead<'a> {
    /// Nothing read yet.
    fn new(text: &'a str, path: &'a str) -> Self {
        QdcRead {
            text,
            path,
            warnings: Vec::new(),
            slots: Vec::new(),
            guids: Vec::new(),
            stack: Vec::new(),
            in_codebook: false,
            saw_codebook: false,
            in_description: false,
            description: String::new(),
            sets: Vec::new(),
            in_set: false,
        }
    }

    /// A diagnostic at byte `offset` of the document.
    fn diag(&self, offset: usize, severity: Severity, message: String) -> Diagnostic {
        let (line, column) = line_col(self.text, offset);
        Diagnostic {
            path: self.path.to_string(),
            line,
            column,
            severity,
            message,
        }
    }

    /// Records a warning at byte `offset`.
    fn warn(&mut self, offset: usize, message: String) {
        let d = self.diag(offset, Severity::Warning, message);
        self.warnings.push(d);
    }

    /// The error that ends reading, at byte `offset`.
    fn error(&self, offset: usize, message: String) -> CodebookError {
        CodebookError {
            diagnostics: vec![self.diag(offset, Severity::Error, message)],
        }
    }

    /// An element opened at byte `pos` (`empty` for `<…/>`). Element names are matched
    /// without regard to case, as other tools vary.
    fn start(&mut self, e: &BytesStart<'_>, empty: bool, pos: usize) {
        match e.local_name().as_ref().to_ascii_lowercase().as_str() {
            "codebook" => {
                self.in_codebook = !empty;
                self.saw_codebook = true;
            }
            "code" if self.in_codebook => self.code(e, empty, pos),
            "description" if self.in_set && !empty => {
                self.in_description = true;
                self.description.clear();
            }
            "description" if self.in_codebook && !empty && !self.stack.is_empty() => {
                self.in_description = true;
                self.description.clear();
            }
            "set" => {
                let name = e
                    .try_get_attribute("name")
                    .ok()
                    .flatten()
                    .and_then(|a| unescape(&a.value).ok().map(|v| v.trim().to_string()))
                    .unwrap_or_default();
                self.sets.push(SetRead {
                    name,
                    pos,
                    ..SetRead::default()
                });
                self.in_set = !empty;
            }
            "membercode" if self.in_set => {
                // The schema says `targetGUID`; some writers use `guid`.
                if let Some(g) = e
                    .try_get_attribute("targetGUID")
                    .ok()
                    .flatten()
                    .or_else(|| e.try_get_attribute("guid").ok().flatten())
                    .and_then(|a| unescape(&a.value).ok().map(|v| normalize_guid(&v)))
                    && let Some(set) = self.sets.last_mut()
                {
                    set.members.push(g);
                }
            }
            _ => {}
        }
    }

    /// A `<Code>` at byte `pos`: a new entry, a child of the innermost open code, with its
    /// name, codability and colour from the attributes.
    fn code(&mut self, e: &BytesStart<'_>, empty: bool, pos: usize) {
        let attrs = self.code_attributes(e, pos);
        let label = match attrs.label.map(|l| l.trim().to_string()) {
            Some(l) if !l.is_empty() => l,
            _ => {
                let n = self.slots.len() + 1;
                self.warn(
                    pos,
                    format!("a code without a name; called it \"Unnamed code {n}\""),
                );
                format!("Unnamed code {n}")
            }
        };
        let entry = Entry {
            id: String::new(),
            label,
            parent: None,
            codable: attrs.codable,
            definition: None,
            include: None,
            exclude: None,
            examples: Vec::new(),
            colour: attrs.colour,
            rules: SearchRules::default(),
            retired: false,
            title: None,
            concept: None,
            also_in: Vec::new(),
            defined: false,
            merged_into: None,
            split_from: None,
            line: line_col(self.text, pos).0,
        };
        self.slots.push((entry, self.stack.last().copied(), None));
        self.guids.push(attrs.guid);
        if !empty {
            self.stack.push(self.slots.len() - 1);
        }
    }

    /// The attributes of a `<Code>` at byte `pos`, warning about a colour not understood.
    fn code_attributes(&mut self, e: &BytesStart<'_>, pos: usize) -> CodeAttributes {
        let mut attrs = CodeAttributes {
            label: None,
            codable: true,
            colour: None,
            guid: None,
        };
        for a in e.attributes().flatten() {
            let v = unescape(&a.value).map_or_else(|_| a.value.to_string(), Cow::into_owned);
            match a.key.local_name().as_ref() {
                "name" => attrs.label = Some(v),
                "isCodable" => {
                    attrs.codable = !matches!(v.trim(), "false" | "0" | "False" | "FALSE");
                }
                "color" => {
                    attrs.colour = lenient_colour(&v);
                    if attrs.colour.is_none() && !v.trim().is_empty() {
                        self.warn(pos, format!("colour \"{v}\" not understood; left out"));
                    }
                }
                // GUIDs are not kept in the codebook (ids are, and GUIDs are derived from
                // them on the way out), only returned.
                "guid" => attrs.guid = Some(normalize_guid(&v)),
                _ => {}
            }
        }
        attrs
    }

    /// An element closed at byte `pos`.
    fn end(&mut self, e: &BytesEnd<'_>, pos: usize) {
        match e.local_name().as_ref().to_ascii_lowercase().as_str() {
            "codebook" => self.in_codebook = false,
            "description" if self.in_description && self.in_set => {
                self.in_description = false;
                if let Some(set) = self.sets.last_mut() {
                    set.description = std::mem::take(&mut self.description);
                }
            }
            "description" if self.in_description => {
                self.in_description = false;
                self.end_description(pos);
            }
            "set" => self.in_set = false,
            "code" if self.in_codebook => {
                self.stack.pop();
            }
            _ => {}
        }
    }

    /// A `</Description>` at byte `pos`: its fields go to the innermost open code, with
    /// warnings about search rules that had to be changed.
    fn end_description(&mut self, pos: usize) {
        let Some(&slot) = self.stack.last() else {
            return;
        };
        let mut d = undescribe(&self.description);
        for problem in sanitize_rules(&mut d.rules) {
            self.warn(pos, problem);
        }
        let (entry, _, id) = &mut self.slots[slot];
        entry.definition = d.definition;
        entry.include = d.include;
        entry.exclude = d.exclude;
        entry.examples = d.examples;
        entry.rules = d.rules;
        entry.retired = d.retired;
        entry.title = d.title;
        entry.concept = d.concept;
        entry.defined = d.defined;
        entry.merged_into = d.merged_into;
        entry.split_from = d.split_from;
        *id = d.id;
    }

    /// A character or entity reference inside a description, resolved (an unknown entity
    /// gives nothing).
    fn reference(&mut self, r: &BytesRef<'_>) {
        if let Ok(Some(c)) = r.resolve_char_ref() {
            self.description.push(c);
        } else {
            self.description
                .push_str(quick_xml::escape::resolve_xml_entity(r).unwrap_or(""));
        }
    }

    /// The codebook read, or an error if the document had no `<CodeBook>`.
    fn finish(mut self, name: &str) -> Result<WithGuids, CodebookError> {
        if !self.saw_codebook {
            return Err(self.error(
                0,
                "no <CodeBook> element: this is not a REFI-QDA codebook (.qdc) or project (.qde)"
                    .into(),
            ));
        }
        let mut book = assign_ids(std::mem::take(&mut self.slots), name);
        let mut guids = std::mem::take(&mut self.guids);
        let sets = std::mem::take(&mut self.sets);
        for set in sets {
            self.apply_set(&mut book, &mut guids, set);
        }
        Ok((book, self.warnings, guids))
    }

    /// Reads a code set as a candidate theme's extra members (thematic writes one per theme
    /// that codes also sit in, see [`write_sets`]): the theme is the entry the description's
    /// `Thematic id:` names, else the current entry labelled as the set is named, else a new
    /// candidate theme (a root, `codable = false`) made for the set, as another tool's code
    /// group is one. Each member code then also sits in it. Members that are not codes of
    /// this codebook are warned about; a set without member codes is left out with a warning.
    fn apply_set(&mut self, book: &mut Codebook, guids: &mut Vec<Option<String>>, set: SetRead) {
        let by_guid = |g: &str| guids.iter().position(|x| x.as_deref() == Some(g));
        let mut members: Vec<usize> = Vec::new();
        for g in &set.members {
            match by_guid(g) {
                Some(i) if !members.contains(&i) => members.push(i),
                Some(_) => {}
                None => self.warn(
                    set.pos,
                    format!(
                        "set \"{}\": member code {g} is not in the codebook; left out",
                        set.name
                    ),
                ),
            }
        }
        if members.is_empty() {
            self.warn(
                set.pos,
                format!("set \"{}\" has no member codes; left out", set.name),
            );
            return;
        }
        let named = undescribe(&set.description)
            .id
            .filter(|id| book.get(id).is_some());
        let theme = named.or_else(|| {
            book.entries
                .iter()
                .find(|e| !e.retired && !set.name.is_empty() && e.label == set.name)
                .map(|e| e.id.clone())
        });
        let theme = match theme {
            Some(t) => t,
            None => {
                let label = if set.name.is_empty() {
                    "Unnamed set".to_string()
                } else {
                    set.name.clone()
                };
                let id = unique_slug(&label, book);
                let definition = Some(set.description.trim().to_string()).filter(|d| !d.is_empty());
                book.entries.push(Entry {
                    id: id.clone(),
                    label,
                    parent: None,
                    codable: false,
                    definition,
                    include: None,
                    exclude: None,
                    examples: Vec::new(),
                    colour: None,
                    rules: SearchRules::default(),
                    retired: false,
                    title: None,
                    concept: None,
                    also_in: Vec::new(),
                    defined: false,
                    merged_into: None,
                    split_from: None,
                    line: line_col(self.text, set.pos).0,
                });
                guids.push(None);
                id
            }
        };
        for i in members {
            let e = &mut book.entries[i];
            if e.id != theme
                && e.parent.as_deref() != Some(theme.as_str())
                && !e.also_in.contains(&theme)
            {
                e.also_in.push(theme.clone());
            }
        }
    }
}

/// What a `<Code>` element's attributes say.
struct CodeAttributes {
    label: Option<String>,
    codable: bool,
    colour: Option<String>,
    guid: Option<String>,
}

/// A GUID as REFI-QDA allows it (any case, optionally in braces) in one canonical form:
/// lowercase, without braces or surrounding space.
pub fn normalize_guid(guid: &str) -> String {
    guid.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim()
        .to_ascii_lowercase()
}

/// Gives every code its id (the `Thematic id:` it came with if it is a free slug, else one
/// made from its label) and links parents.
fn assign_ids(slots: Vec<(Entry, Option<usize>, Option<String>)>, name: &str) -> Codebook {
    let mut book = Codebook {
        name: name.to_string(),
        description: None,
        entries: Vec::with_capacity(slots.len()),
    };
    let mut parents = Vec::with_capacity(slots.len());
    for (mut entry, parent, explicit) in slots {
        entry.id = match explicit {
            Some(id) if is_slug(&id) && book.get(&id).is_none() => id,
            _ => unique_slug(&entry.label, &book),
        };
        parents.push(parent);
        book.entries.push(entry);
    }
    for (i, parent) in parents.into_iter().enumerate() {
        book.entries[i].parent = parent.map(|p| book.entries[p].id.clone());
    }
    book
}

/// Makes search rules read from another tool valid: a keyword with spaces becomes a phrase,
/// a pattern that does not compile is dropped. Returns what was changed, for warnings.
fn sanitize_rules(rules: &mut SearchRules) -> Vec<String> {
    let mut problems = Vec::new();
    let mut keywords = Vec::new();
    for k in std::mem::take(&mut rules.keywords) {
        if k.contains(char::is_whitespace) {
            problems.push(format!("keyword \"{k}\" has spaces; kept as a phrase"));
            rules.phrases.push(k);
        } else {
            keywords.push(k);
        }
    }
    rules.keywords = keywords;
    rules.phrases.retain(|p| !p.trim().is_empty());
    rules.patterns.retain(|p| match regex::Regex::new(p) {
        Ok(_) if !p.is_empty() => true,
        _ => {
            problems.push(format!(
                "pattern '{p}' is not a valid regular expression; left out"
            ));
            false
        }
    });
    problems
}

/// `#rgb`, `#rrggbb`, `rrggbb`, and .NET's `#aarrggbb` (alpha dropped) → `#rrggbb`.
fn lenient_colour(v: &str) -> Option<String> {
    let hex = v.trim().trim_start_matches('#');
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    match hex.len() {
        3 => Some(format!(
            "#{}",
            hex.chars().flat_map(|c| [c, c]).collect::<String>()
        )),
        6 => Some(format!("#{hex}")),
        8 => Some(format!("#{}", &hex[2..])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mechanisms() -> Codebook {
        Codebook::from_toml(
            include_str!("../../../codebooks/social-prescribing-mechanisms.toml"),
            "m.toml",
        )
        .unwrap()
    }

    fn without_lines(b: &Codebook) -> Codebook {
        let mut b = b.clone();
        for e in &mut b.entries {
            e.line = 0;
        }
        b.description = None;
        b
    }

    #[test]
    fn toml_to_qdc_to_toml_keeps_everything() {
        let book = mechanisms();
        let xml = to_qdc(&book, "thematic test", true);
        let (back, warnings) = from_qdc(xml.as_bytes(), &book.name, "m.qdc").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let again = Codebook::from_toml(&back.to_toml(), "again.toml").unwrap();
        assert_eq!(without_lines(&again), without_lines(&book));
    }

    #[test]
    fn qdc_is_deterministic_and_shaped_like_the_schema() {
        let book = mechanisms();
        let a = to_qdc(&book, "thematic", false);
        assert_eq!(a, to_qdc(&book, "thematic", false));
        assert!(a.starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"thematic\">\n  <Codes>\n    <Code guid=\""
        ), "{a}");
        let g = guid_for("what-matters");
        assert_eq!(g.len(), 36);
        assert!(a.contains(&format!("<Code guid=\"{g}\" name=\"What matters to the individual\" isCodable=\"true\" color=\"#")), "{a}");
        assert!(
            // The project's one escaper writes an apostrophe as `&#39;` (valid in XML and
            // in HTML 4, where `&apos;` is not).
            a.contains("name=\"SPLWs&#39;s role\"") || a.contains("name=\"SPLWs&#39; role\""),
            "{a}"
        );
    }

    #[test]
    fn reads_other_tools_leniently() {
        // Shapes seen in the wild: ATLAS.ti's 0:4 namespace, braces around GUIDs, a colour
        // with alpha, a plain description, a Set, and a code without a description.
        let xml = r##"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="ATLAS.ti">
  <Codes>
    <Code guid="{8E0B2B4B-1C1F-4F67-9E6A-6E4D2A1B3C11}" name="Belonging" isCodable="false" color="#FFFF8800">
      <Description>Feeling part of &amp; accepted by a group.</Description>
      <Code guid="8e0b2b4b-1c1f-4f67-9e6a-6e4d2a1b3c12" name="Peer support" isCodable="true" color="#0a0"/>
      <Code guid="8e0b2b4b-1c1f-4f67-9e6a-6e4d2a1b3c13" name="Peer support" isCodable="true" color="red"/>
    </Code>
    <Code guid="8e0b2b4b-1c1f-4f67-9e6a-6e4d2a1b3c14" name="Café culture"/>
  </Codes>
  <Sets><Set guid="8e0b2b4b-1c1f-4f67-9e6a-6e4d2a1b3c15" name="s"><MemberCode guid="8e0b2b4b-1c1f-4f67-9e6a-6e4d2a1b3c12"/></Set></Sets>
</CodeBook>"##;
        let (book, warnings) = from_qdc(xml.as_bytes(), "Imported", "x.qdc").unwrap();
        let got: Vec<(&str, Option<&str>, bool, Option<&str>)> = book
            .entries
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.parent.as_deref(),
                    e.codable,
                    e.colour.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("belonging", None, false, Some("#ff8800")),
                ("peer-support", Some("belonging"), true, Some("#00aa00")),
                ("peer-support-2", Some("belonging"), true, None),
                ("cafe-culture", None, true, None),
                // The set "s", which names no code, becomes a candidate theme.
                ("s", None, false, None),
            ]
        );
        assert_eq!(book.get("peer-support").unwrap().also_in, ["s"]);
        assert_eq!(
            book.get("belonging").unwrap().definition.as_deref(),
            Some("Feeling part of & accepted by a group.")
        );
        let msgs: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("colour \"red\" not understood")),
            "{msgs:?}"
        );
        // What comes in is a valid codebook.
        Codebook::from_toml(&book.to_toml(), "x.toml").unwrap();
    }

    #[test]
    fn codes_in_a_second_theme_travel_as_sets_and_come_back() {
        let text = r#"format_version = 1
name = "t"

[[theme]]
id = "talk"
label = "Talk"
codable = false
defined = true
title = "Talking it through"
concept = "Questions, not answers"

[[theme]]
id = "doing"
label = "Doing"
codable = false
split_from = "talk"

[[theme]]
id = "asking"
label = "Asking"
parent = "talk"
also_in = ["doing"]
"#;
        let book = Codebook::from_toml(text, "t.toml").unwrap();
        let xml = to_qdc(&book, "test", false);
        assert!(
            xml.contains("<Set guid=") && xml.contains("name=\"Doing\""),
            "{xml}"
        );
        assert!(xml.contains(&format!("<MemberCode guid=\"{}\"/>", guid_for("asking"))));
        let (back, warnings) = from_qdc(xml.as_bytes(), "t", "t.qdc").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back.get("asking").unwrap().also_in, ["doing"]);
        let talk = back.get("talk").unwrap();
        assert!(talk.defined);
        assert_eq!(talk.title.as_deref(), Some("Talking it through"));
        assert_eq!(talk.concept.as_deref(), Some("Questions, not answers"));
        assert_eq!(
            back.get("doing").unwrap().split_from.as_deref(),
            Some("talk")
        );
        // No set when no code sits in a second theme.
        assert!(!to_qdc(&mechanisms(), "test", false).contains("<Sets>"));
    }

    #[test]
    fn a_project_file_gives_its_codebook_and_garbage_is_an_error() {
        let xml = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="demo"><CodeBook><Codes>
            <Code guid="22222222-2222-2222-2222-222222222222" name="Theme" isCodable="false">
              <Code guid="33333333-3333-3333-3333-333333333333" name="peer support" isCodable="true"/>
            </Code></Codes></CodeBook><Sources/></Project>"#;
        let (book, _) = from_qdc(xml.as_bytes(), "p", "project.qde").unwrap();
        assert_eq!(book.entries.len(), 2);
        assert_eq!(book.entries[1].parent.as_deref(), Some("theme"));
        let err =
            from_qdc(b"<CodeBook><Codes><Code name='x'></Codes>", "p", "bad.qdc").unwrap_err();
        assert!(err.to_string().starts_with("bad.qdc:1:"), "{err}");
        let err = from_qdc(b"<html/>", "p", "page.qdc").unwrap_err();
        assert!(err.to_string().contains("no <CodeBook> element"), "{err}");
    }

    #[test]
    fn foreign_search_rules_are_made_valid() {
        let xml = "<CodeBook><Codes><Code guid=\"22222222-2222-2222-2222-222222222222\" name=\"x\" isCodable=\"true\"><Description>Keywords: open questions, ask\nPatterns:\n- what(?= would)\n- \\bgoals?\\b</Description></Code></Codes></CodeBook>";
        let (book, warnings) = from_qdc(xml.as_bytes(), "p", "x.qdc").unwrap();
        let r = &book.entries[0].rules;
        assert_eq!(r.keywords, ["ask"]);
        assert_eq!(r.phrases, ["open questions"]);
        assert_eq!(r.patterns, ["\\bgoals?\\b"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        Codebook::from_toml(&book.to_toml(), "x.toml").unwrap();
    }

    #[test]
    fn descriptions_round_trip_and_plain_text_is_a_definition() {
        let d = undescribe("Just a note.\nSecond line.");
        assert_eq!(d.definition.as_deref(), Some("Just a note.\nSecond line."));
        assert_eq!(d.id, None);
    }
}
