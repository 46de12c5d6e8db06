//! Writing a study as a REFI-QDA project (`.qdpx`): `project.qde` plus one text file per
//! transcript under `sources/`.
//!
//! Written strictly to `Project.xsd` (element order matters there): users, the codebook,
//! variables, cases, sources with their selections and codings, notes. Everything is
//! written in a fixed order with deterministic GUIDs and zip timestamps, so exporting the
//! same study twice gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use thematic_codebook::{Codebook, guid_for, write_codes_with_notes};
use thematic_codebook::{xml_attribute, xml_text};

use crate::refi::cases::{Segment, segments};
use crate::refi::guids;
use crate::refi::media::{self, MediaForExport, SyncPoints};
use crate::refi::package::{Entry, write_entries};
use crate::refi::{ExportReport, LeftOut, PROJECT_NAMESPACE, QdpxOptions};
use std::io::Cursor;
use thematic_study::Participants;
use thematic_study::Study;
use thematic_study::StudyError;
use thematic_study::StudyTranscript;
use thematic_study::{Coding, Status};
use thematic_study::{Memo, MemoAbout};

/// Everything of a study that goes into a project, read once.
struct Contents {
    name: String,
    interviewers: Vec<String>,
    book: Codebook,
    transcripts: Vec<StudyTranscript>,
    codings: Vec<Coding>,
    memos: Vec<Memo>,
    participants: Participants,
    coders: BTreeSet<String>,
    /// Transcript id → its recording, when the export is asked for media.
    media: BTreeMap<String, Recording>,
}

/// A recording that goes into the project with its transcript.
struct Recording {
    kind: thematic_study::MediaKind,
    /// `internal://<guid>.<ext>`.
    path: String,
    /// `<transcript id>.<ext>`.
    name: String,
    /// The study's turn times for the transcript.
    sync: Vec<(usize, i64)>,
    /// When the transcript's file was last changed (`xsd:dateTime`), written as the
    /// `Transcript`'s `modifiedDateTime`: QualCoder cannot read a `Transcript` without it
    /// or a `creationDateTime`.
    modified: Option<String>,
}

/// The study as a REFI-QDA project package (`.qdpx` bytes), and what could not go in.
/// With [`QdpxOptions::with_media`], each transcript's linked recording goes in too.
pub fn export_qdpx(
    study: &Study,
    options: &QdpxOptions,
) -> Result<(Vec<u8>, ExportReport), StudyError> {
    let recordings = if options.with_media {
        crate::refi::media_study::recordings(study)?
    } else {
        Vec::new()
    };
    export_qdpx_with_media(study, options, &recordings)
}

/// [`export_qdpx`] with the recordings given: each goes in as an `AudioSource` or
/// `VideoSource` holding its transcript (see [`crate::refi::MediaForExport`]). They are
/// ignored unless [`QdpxOptions::with_media`] is set: recordings never go out by default.
pub fn export_qdpx_with_media(
    study: &Study,
    options: &QdpxOptions,
    recordings: &[MediaForExport],
) -> Result<(Vec<u8>, ExportReport), StudyError> {
    let (entries, report) = package_entries(study, options, recordings)?;
    let bytes = write_entries(Cursor::new(Vec::new()), &entries)
        .map_err(|e| StudyError::Export(format!("cannot write the project package: {e}")))?;
    Ok((bytes.into_inner(), report))
}

/// [`export_qdpx`] written straight to the file `out` (atomically: a package cut short
/// never takes its place), recordings copied in from their files as it is written, so
/// memory does not grow with their size. Returns what was written and left out.
pub fn export_qdpx_to(
    study: &Study,
    options: &QdpxOptions,
    out: &std::path::Path,
) -> Result<ExportReport, StudyError> {
    let recordings = if options.with_media {
        crate::refi::media_study::recordings(study)?
    } else {
        Vec::new()
    };
    let (entries, report) = package_entries(study, options, &recordings)?;
    crate::refi::package::write_file(out, &entries)?;
    Ok(report)
}

/// The package's entries: `project.qde`, the sources' texts and (with media) the
/// recordings, by file; and what was written and left out.
fn package_entries(
    study: &Study,
    options: &QdpxOptions,
    recordings: &[MediaForExport],
) -> Result<(Vec<(String, Entry)>, ExportReport), StudyError> {
    let mut report = ExportReport::default();
    let mut contents = project_contents(study, &mut report)?;
    let mut media_files = Vec::new();
    if options.with_media {
        for m in recordings {
            if let Some((recording, file)) = recording(m, &contents, &mut report) {
                contents.media.insert(m.transcript.clone(), recording);
                media_files.push(file);
            }
        }
    }
    report.recordings = contents.media.len();
    let qde = project_xml(&contents, &mut report);
    let mut files: Vec<(String, Entry)> =
        vec![("project.qde".into(), Entry::Bytes(qde.into_bytes()))];
    for t in &contents.transcripts {
        let text = if options.crlf {
            t.transcript.text.replace('\n', "\r\n")
        } else {
            t.transcript.text.clone()
        };
        files.push((
            format!("sources/{}.txt", source_guid(&t.id)),
            Entry::Bytes(text.into_bytes()),
        ));
    }
    files.extend(media_files);
    report.transcripts = contents.transcripts.len();
    Ok((files, report))
}

/// A recording to write, and its entry (name, bytes) in the package; `None`, with what was
/// left out and why, for one whose transcript is not exported, whose file cannot be read,
/// or that is bigger than REFI-QDA allows inside a project.
fn recording(
    m: &MediaForExport,
    c: &Contents,
    report: &mut ExportReport,
) -> Option<(Recording, (String, Entry))> {
    let shown = format!("{} ({})", m.transcript, m.path.display());
    if !c.transcripts.iter().any(|t| t.id == m.transcript) {
        report.left_out.push(LeftOut::new(
            "recording of a transcript that is not exported",
            shown,
        ));
        return None;
    }
    let size = std::fs::metadata(&m.path).map(|x| x.len());
    let readable = match size {
        Ok(n) if n > media::MAX_INTERNAL_FILE => {
            report.left_out.push(LeftOut::new(
                "recording bigger than the 2 GiB REFI-QDA allows inside a project (its \
                 transcript goes as text; shorten or re-encode the recording)",
                shown,
            ));
            return None;
        }
        // Read as the package is written; opened here so one that cannot be read is left out.
        Ok(_) => std::fs::File::open(&m.path).map(drop),
        Err(e) => Err(e),
    };
    if let Err(e) = readable {
        report.left_out.push(LeftOut::new(
            "recording that cannot be read (its transcript goes as text; see `thematic check`)",
            format!("{shown}: {e}"),
        ));
        return None;
    }
    let guid = media::recording_guid(&m.transcript);
    let (entry, path, name) = media::entry_names(&m.transcript, &guid, &m.path);
    let modified = c
        .transcripts
        .iter()
        .find(|t| t.id == m.transcript)
        .and_then(|t| std::fs::metadata(&t.path).and_then(|x| x.modified()).ok())
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string());
    let recording = Recording {
        kind: m.kind,
        path,
        name,
        sync: m.sync.clone(),
        modified,
    };
    Some((recording, (entry, Entry::File(m.path.clone()))))
}

fn project_contents(study: &Study, report: &mut ExportReport) -> Result<Contents, StudyError> {
    let book = study.codebook()?;
    let mut transcripts = Vec::new();
    let mut ids = BTreeSet::new();
    for (id, path, parsed) in study.load_transcripts()? {
        if !ids.insert(id.clone()) {
            report.left_out.push(LeftOut::new(
                "transcript file with the id of another (rename or remove one)",
                study.shown(&path),
            ));
            continue;
        }
        match parsed {
            Ok(transcript) => transcripts.push(StudyTranscript {
                id,
                path,
                transcript,
            }),
            Err(e) => report.left_out.push(LeftOut::new(
                "transcript that does not parse",
                format!("{} ({e})", study.shown(&path)),
            )),
        }
    }
    let known: BTreeSet<&str> = transcripts.iter().map(|t| t.id.as_str()).collect();
    let mut codings = Vec::new();
    let mut coders = BTreeSet::new();
    for file in study.all_codings()? {
        for c in file.codings {
            let why = match c.status {
                Status::Ok if !known.contains(c.transcript.as_str()) => {
                    Some("coding of a transcript not in the study")
                }
                Status::Ok if book.get(&c.theme).is_none() => {
                    Some("coding with a theme not in the codebook")
                }
                Status::Ok => None,
                Status::Orphaned => Some("orphaned coding (see `thematic check`)"),
                Status::Suggested | Status::Rejected | Status::Accepted => {
                    Some("autocode suggestion (accepted ones are in their coder's codings)")
                }
            };
            match why {
                Some(why) => report
                    .left_out
                    .push(LeftOut::new(why, format!("{} {}", file.coder, c.id))),
                None => {
                    coders.insert(file.coder.clone());
                    let mut c = c;
                    c.coder.clone_from(&file.coder);
                    codings.push(c);
                }
            }
        }
    }
    let mut memos = Vec::new();
    for coder in study.memo_coders()? {
        let mine = study.memos_of(&coder)?;
        if !mine.is_empty() {
            coders.insert(coder);
        }
        memos.extend(mine);
    }
    report.memos = memos.len();
    report.coders = coders.len();
    Ok(Contents {
        name: study.config().name.clone(),
        interviewers: study.config().interviewers.clone(),
        book,
        transcripts,
        codings,
        memos,
        participants: study.participants()?,
        coders,
        media: BTreeMap::new(),
    })
}

/// The GUID of a transcript's `TextSource`.
pub(crate) fn source_guid(id: &str) -> String {
    guids::named("transcript", id)
}

fn user_guid(coder: &str) -> String {
    guids::named("user", coder)
}

/// `project.qde`.
fn project_xml(c: &Contents, report: &mut ExportReport) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail: the results below are io::Result<()> from a Vec.
    let _ = write_project(&mut w, c, report);
    let mut out = String::from_utf8(w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut s = BytesStart::new(name);
    for (k, v) in attrs {
        s.push_attribute(xml_attribute(k, v));
    }
    s
}

type Xml = Writer<Vec<u8>>;

fn open(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.write_event(Event::Start(start(name, attrs)))
}

fn close(w: &mut Xml, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.write_event(Event::Empty(start(name, attrs)))
}

fn text_element(w: &mut Xml, name: &str, text: &str) -> std::io::Result<()> {
    open(w, name, &[])?;
    w.write_event(Event::Text(xml_text(text)))?;
    close(w, name)
}

/// A timestamp as `xsd:dateTime` wants it, or `None` for one that does not parse.
fn date_time(s: &str) -> Option<String> {
    s.trim()
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.to_string())
}

/// The whole project, each part in the order `Project.xsd` gives.
fn write_project(w: &mut Xml, c: &Contents, report: &mut ExportReport) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let origin = format!("thematic {}", env!("CARGO_PKG_VERSION"));
    open(
        w,
        "Project",
        &[
            ("xmlns", PROJECT_NAMESPACE),
            ("name", &c.name),
            ("origin", &origin),
        ],
    )?;
    write_users(w, c)?;
    let notes = NoteRefs::of(c, report);
    // The schema wants at least one code in a codebook: an empty one is left out.
    if !c.book.entries.is_empty() {
        open(w, "CodeBook", &[])?;
        write_codes_with_notes(w, &c.book, true, &notes.themes)?;
        close(w, "CodeBook")?;
    }
    let variables = variable_types(&c.participants);
    let segments = segments(&c.participants, &c.transcripts);
    write_variables(w, &variables)?;
    write_cases(w, c, &variables, &segments)?;
    write_sources(w, c, &notes, &segments, report)?;
    write_notes(w, c)?;
    // Codes that also sit in a second candidate theme: a Set per theme (REFI-QDA's place
    // for membership beyond the tree). Only codes in the exported codebook are members.
    if !c.book.entries.is_empty() {
        thematic_codebook::write_sets(w, &c.book, true, true)?;
    }
    text_element(w, "Description", &project_description(c, &origin))?;
    close(w, "Project")
}

/// `Users`: one `User` per coder (none when there are no coders).
fn write_users(w: &mut Xml, c: &Contents) -> std::io::Result<()> {
    if c.coders.is_empty() {
        return Ok(());
    }
    open(w, "Users", &[])?;
    for coder in &c.coders {
        empty(
            w,
            "User",
            &[("guid", &user_guid(coder)), ("name", coder), ("id", coder)],
        )?;
    }
    close(w, "Users")
}

/// The GUIDs of the notes each theme, transcript and coding refers to.
struct NoteRefs<'a> {
    themes: BTreeMap<String, Vec<String>>,
    transcripts: BTreeMap<&'a str, Vec<String>>,
    codings: BTreeMap<&'a str, Vec<String>>,
}

impl<'a> NoteRefs<'a> {
    /// Memos hang from what they are about; the journal (and memos about something no
    /// longer in the project, with a warning) are the project's own notes.
    fn of(c: &'a Contents, report: &mut ExportReport) -> NoteRefs<'a> {
        let mut refs = NoteRefs {
            themes: BTreeMap::new(),
            transcripts: BTreeMap::new(),
            codings: BTreeMap::new(),
        };
        let coding_ids: BTreeSet<&str> = c.codings.iter().map(|x| x.id.as_str()).collect();
        for m in &c.memos {
            let guid = guids::note(&m.coder, &m.id);
            match &m.about {
                MemoAbout::Theme(t) if c.book.get(t).is_some() => {
                    refs.themes.entry(t.clone()).or_default().push(guid);
                }
                MemoAbout::Transcript(t) if c.transcripts.iter().any(|x| x.id == *t) => {
                    refs.transcripts.entry(t).or_default().push(guid);
                }
                MemoAbout::Coding(id) if coding_ids.contains(id.as_str()) => {
                    refs.codings.entry(id).or_default().push(guid);
                }
                MemoAbout::Journal => {}
                other => report.warnings.push(format!(
                    "memo {} by {} is about {} {}, which is not in the project: it goes as a \
                     note of the project, its title naming what it was about",
                    m.id,
                    m.coder,
                    other.kind(),
                    other.target()
                )),
            }
        }
        refs
    }
}

/// `Variables`: one per participant attribute, with its type.
fn write_variables(w: &mut Xml, variables: &[(String, VariableType)]) -> std::io::Result<()> {
    if variables.is_empty() {
        return Ok(());
    }
    open(w, "Variables", &[])?;
    for (name, kind) in variables {
        empty(
            w,
            "Variable",
            &[
                ("guid", &guids::named("variable", name)),
                ("name", name),
                ("typeOfVariable", kind.as_str()),
            ],
        )?;
    }
    close(w, "Variables")
}

/// `Cases`: one per participant, with its non-empty values, a reference to each transcript
/// that is theirs as a whole (their interview), and one to each of their turns in
/// transcripts whose speakers `participants.csv` names (see [`crate::refi::cases`]).
fn write_cases(
    w: &mut Xml,
    c: &Contents,
    variables: &[(String, VariableType)],
    segments: &BTreeMap<&str, Vec<Segment>>,
) -> std::io::Result<()> {
    if c.participants.rows.is_empty() {
        return Ok(());
    }
    open(w, "Cases", &[])?;
    for (id, values) in &c.participants.rows {
        open(
            w,
            "Case",
            &[("guid", &guids::named("case", id)), ("name", id)],
        )?;
        for ((name, kind), value) in variables.iter().zip(values) {
            if value.is_empty() {
                continue;
            }
            open(w, "VariableValue", &[])?;
            empty(
                w,
                "VariableRef",
                &[("targetGUID", &guids::named("variable", name))],
            )?;
            text_element(w, kind.value_element(), value)?;
            close(w, "VariableValue")?;
        }
        for t in c.transcripts.iter().filter(|t| {
            !segments.contains_key(t.id.as_str())
                && c.participants.participant_of(&t.id, None) == id
        }) {
            let target = match c.media.contains_key(&t.id) {
                true => media::recording_guid(&t.id),
                false => source_guid(&t.id),
            };
            empty(w, "SourceRef", &[("targetGUID", &target)])?;
        }
        for s in segments.values().flatten().filter(|s| s.participant == *id) {
            empty(w, "SelectionRef", &[("targetGUID", &s.guid)])?;
        }
        close(w, "Case")?;
    }
    close(w, "Cases")
}

/// `Sources`: a `TextSource` per transcript, holding its codings as selections (in text
/// order), its participants' turns as selections without a coding where
/// `participants.csv` names its speakers, and references to the memos on it. Codings
/// outside the text are left out.
fn write_sources(
    w: &mut Xml,
    c: &Contents,
    notes: &NoteRefs<'_>,
    segments: &BTreeMap<&str, Vec<Segment>>,
    report: &mut ExportReport,
) -> std::io::Result<()> {
    if c.transcripts.is_empty() {
        return Ok(());
    }
    let mut by_transcript: BTreeMap<&str, Vec<&Coding>> = BTreeMap::new();
    for x in &c.codings {
        by_transcript.entry(&x.transcript).or_default().push(x);
    }
    let mut used = std::collections::HashSet::new();
    let guids = Guids {
        users: c.coders.iter().map(|u| (u.clone(), user_guid(u))).collect(),
        themes: c
            .book
            .entries
            .iter()
            .map(|e| (e.id.clone(), guid_for(&e.id)))
            .collect(),
    };
    open(w, "Sources", &[])?;
    for t in &c.transcripts {
        let guid = source_guid(&t.id);
        let path = format!("internal://{guid}.txt");
        let mut codings = by_transcript.remove(t.id.as_str()).unwrap_or_default();
        codings.sort_by(|a, b| {
            (a.start, a.end, &a.coder, &a.theme, &a.id)
                .cmp(&(b.start, b.end, &b.coder, &b.theme, &b.id))
        });
        let len = t.transcript.text.chars().count();
        codings.retain(|x| {
            let outside = x.start >= x.end || x.end > len;
            if outside {
                report.left_out.push(LeftOut::new(
                    "coding outside its transcript's text (see `thematic check`)",
                    format!("{} {}", x.coder, x.id),
                ));
            }
            !outside
        });
        let segs = segments.get(t.id.as_str()).map_or(&[][..], Vec::as_slice);
        let recording = c.media.get(&t.id);
        // With its recording, the transcript is the recording's `Transcript`, and every
        // selection is bounded by two sync points.
        let sync = recording.map(|r| {
            let bounds = codings.iter().map(|x| (x.start, x.end));
            let bounds = bounds.chain(segs.iter().map(|s| (s.start, s.end)));
            media::plan(
                &t.id,
                &t.transcript,
                &r.sync,
                bounds.flat_map(|(a, b)| [a, b]),
            )
        });
        let at = match &sync {
            Some(points) => At::Sync(points),
            None => At::Text,
        };
        match (recording, &sync) {
            (Some(r), Some(points)) => open_recording(w, &t.id, r, (&guid, &path), points)?,
            _ => open(
                w,
                "TextSource",
                &[("guid", &guid), ("name", &t.id), ("plainTextPath", &path)],
            )?,
        }
        for x in codings {
            let (mut sel, mut cod) = guids::coding(&x.coder, &x.id);
            if !used.insert(sel.clone()) {
                // Two codings share an id (`thematic check` reports it): GUIDs must
                // still be unique.
                let n = used.len().to_string();
                (sel, cod) = guids::coding(&x.coder, &format!("{}#{n}", x.id));
                used.insert(sel.clone());
            }
            write_selection(w, x, (&sel, &cod), &guids, &notes.codings, &at)?;
            report.codings += 1;
        }
        for s in segs {
            let (element, place) = at.of(s.start, s.end);
            let mut attrs = vec![("guid", s.guid.as_str()), ("name", s.text.as_str())];
            attrs.extend(place.iter().map(|(k, v)| (*k, v.as_str())));
            empty(w, element, &attrs)?;
        }
        for note in notes.transcripts.get(t.id.as_str()).into_iter().flatten() {
            empty(w, "NoteRef", &[("targetGUID", note)])?;
        }
        match recording {
            Some(r) => {
                close(w, "Transcript")?;
                close(w, media::element(r.kind))?;
            }
            None => close(w, "TextSource")?,
        }
    }
    close(w, "Sources")
}

/// How a selection says where it is: by positions in a `TextSource`'s text, or by two sync
/// points in a recording's `Transcript`.
enum At<'a> {
    Text,
    Sync(&'a SyncPoints),
}

impl At<'_> {
    /// The selection's element and the attributes that place it.
    fn of(&self, start: usize, end: usize) -> (&'static str, [(&'static str, String); 2]) {
        match self {
            At::Text => (
                "PlainTextSelection",
                [
                    ("startPosition", start.to_string()),
                    ("endPosition", end.to_string()),
                ],
            ),
            // `plan` put a point at every selection's start and end.
            At::Sync(points) => (
                "TranscriptSelection",
                [
                    (
                        "fromSyncPoint",
                        points.guid_at(start).unwrap_or_default().into(),
                    ),
                    (
                        "toSyncPoint",
                        points.guid_at(end).unwrap_or_default().into(),
                    ),
                ],
            ),
        }
    }
}

/// Opens a transcript's `AudioSource`/`VideoSource` and, in it, its `Transcript` with every
/// sync point; `(guid, path)` are the transcript's own, as its `TextSource` would have.
fn open_recording(
    w: &mut Xml,
    id: &str,
    r: &Recording,
    (guid, path): (&str, &str),
    points: &SyncPoints,
) -> std::io::Result<()> {
    open(
        w,
        media::element(r.kind),
        &[
            ("guid", &media::recording_guid(id)),
            ("name", &r.name),
            ("path", &r.path),
        ],
    )?;
    let mut attrs = vec![("guid", guid), ("name", id), ("plainTextPath", path)];
    if let Some(when) = &r.modified {
        attrs.push(("modifiedDateTime", when));
    }
    open(w, "Transcript", &attrs)?;
    for p in points.iter() {
        let position = p.position.to_string();
        let ms = p.ms.map(|ms| ms.to_string());
        let mut attrs = vec![("guid", p.guid.as_str()), ("position", position.as_str())];
        if let Some(ms) = &ms {
            attrs.push(("timeStamp", ms));
        }
        empty(w, "SyncPoint", &attrs)?;
    }
    Ok(())
}

/// `Notes`: every memo, the journal included.
fn write_notes(w: &mut Xml, c: &Contents) -> std::io::Result<()> {
    if c.memos.is_empty() {
        return Ok(());
    }
    open(w, "Notes", &[])?;
    for m in &c.memos {
        let user = user_guid(&m.coder);
        let when = date_time(&m.when);
        let mut attrs = vec![
            ("guid", guids::note(&m.coder, &m.id)),
            ("name", note_name(m)),
            ("creatingUser", user),
        ];
        if let Some(when) = when {
            attrs.push(("creationDateTime", when));
        }
        let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        open(w, "Note", &attrs)?;
        text_element(w, "PlainTextContent", &m.text)?;
        close(w, "Note")?;
    }
    close(w, "Notes")
}

/// GUIDs computed once per coder and theme rather than once per coding.
struct Guids {
    users: BTreeMap<String, String>,
    themes: BTreeMap<String, String>,
}

fn write_selection(
    w: &mut Xml,
    x: &Coding,
    (sel, cod): (&str, &str),
    guids: &Guids,
    coding_notes: &BTreeMap<&str, Vec<String>>,
    at: &At<'_>,
) -> std::io::Result<()> {
    let user = guids
        .users
        .get(&x.coder)
        .cloned()
        .unwrap_or_else(|| user_guid(&x.coder));
    let theme = guids
        .themes
        .get(&x.theme)
        .cloned()
        .unwrap_or_else(|| guid_for(&x.theme));
    let (element, place) = at.of(x.start, x.end);
    let when = date_time(&x.created);
    let mut attrs: Vec<(&str, &str)> = vec![("guid", sel), ("name", &x.text)];
    attrs.extend(place.iter().map(|(k, v)| (*k, v.as_str())));
    attrs.push(("creatingUser", &user));
    if let Some(when) = &when {
        attrs.push(("creationDateTime", when));
    }
    open(w, element, &attrs)?;
    if !x.memo.trim().is_empty() {
        text_element(w, "Description", &x.memo)?;
    }
    let mut attrs: Vec<(&str, &str)> = vec![("guid", cod), ("creatingUser", &user)];
    if let Some(when) = &when {
        attrs.push(("creationDateTime", when));
    }
    open(w, "Coding", &attrs)?;
    empty(w, "CodeRef", &[("targetGUID", &theme)])?;
    close(w, "Coding")?;
    for note in coding_notes.get(x.id.as_str()).into_iter().flatten() {
        empty(w, "NoteRef", &[("targetGUID", note)])?;
    }
    close(w, element)
}

/// The project's description: where it came from, and the speaker labels that are
/// interviewers (which decide the turns agreement counts), so a study made from the project
/// reads its transcripts as this one does.
fn project_description(c: &Contents, origin: &str) -> String {
    let mut out = format!("Exported by {origin}.\n\n{INTERVIEWERS_HEADING}\n");
    for i in &c.interviewers {
        out.push_str("- ");
        out.push_str(i);
        out.push('\n');
    }
    out
}

/// The heading of the interviewer list in a project's description.
pub(crate) const INTERVIEWERS_HEADING: &str = "Interviewers (speaker labels):";

/// The interviewer labels listed in a project description written by [`project_description`].
pub(crate) fn interviewers_in(description: &str) -> Option<Vec<String>> {
    let mut lines = description
        .lines()
        .skip_while(|l| l.trim() != INTERVIEWERS_HEADING);
    lines.next()?;
    Some(
        lines
            .map_while(|l| l.trim().strip_prefix("- ").map(|x| x.trim().to_string()))
            .filter(|x| !x.is_empty())
            .collect(),
    )
}

/// A memo's title in other tools.
fn note_name(m: &Memo) -> String {
    match &m.about {
        MemoAbout::Journal => format!("Reflexive journal ({})", m.coder),
        other => format!("Memo on {} {} ({})", other.kind(), other.target(), m.coder),
    }
}

/// The REFI-QDA variable types we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VariableType {
    Text,
    Boolean,
    Integer,
    Float,
    Date,
}

impl VariableType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            VariableType::Text => "Text",
            VariableType::Boolean => "Boolean",
            VariableType::Integer => "Integer",
            VariableType::Float => "Float",
            VariableType::Date => "Date",
        }
    }

    fn value_element(self) -> &'static str {
        match self {
            VariableType::Text => "TextValue",
            VariableType::Boolean => "BooleanValue",
            VariableType::Integer => "IntegerValue",
            VariableType::Float => "FloatValue",
            VariableType::Date => "DateValue",
        }
    }

    /// Whether `v` is written exactly as this type's schema type wants it, so it comes back
    /// from a round trip byte for byte.
    fn fits(self, v: &str) -> bool {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let unsigned = |s: &str| s.strip_prefix(['-', '+']).unwrap_or(s).to_string();
        match self {
            VariableType::Text => true,
            VariableType::Boolean => v == "true" || v == "false",
            VariableType::Integer => digits(&unsigned(v)),
            VariableType::Float => {
                let u = unsigned(v);
                match u.split_once('.') {
                    Some((a, b)) => {
                        (a.is_empty() || digits(a))
                            && (b.is_empty() || digits(b))
                            && !(a.is_empty() && b.is_empty())
                    }
                    None => digits(&u),
                }
            }
            VariableType::Date => {
                let b = v.as_bytes();
                b.len() == 10
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && v.parse::<jiff::civil::Date>().is_ok()
            }
        }
    }
}

/// Each attribute's type: the narrowest that every non-empty value fits, else text.
pub(crate) fn variable_types(p: &Participants) -> Vec<(String, VariableType)> {
    p.attributes
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values = p.values(i);
            let kind = [
                VariableType::Boolean,
                VariableType::Integer,
                VariableType::Float,
                VariableType::Date,
            ]
            .into_iter()
            .find(|k| !values.is_empty() && values.iter().all(|v| k.fits(v)))
            .unwrap_or(VariableType::Text);
            (name.clone(), kind)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_types_are_the_narrowest_that_round_trip() {
        let p = Participants {
            attributes: vec![
                "age".into(),
                "score".into(),
                "consent".into(),
                "interviewed".into(),
                "location".into(),
                "gpa".into(),
            ],
            rows: vec![
                (
                    "P1".into(),
                    vec![
                        "52".into(),
                        "3.5".into(),
                        "true".into(),
                        "2022-03-14".into(),
                        "rural".into(),
                        "1e3".into(),
                    ],
                ),
                (
                    "P2".into(),
                    vec![
                        "".into(),
                        "-4".into(),
                        "false".into(),
                        "2022-02-30".into(),
                        "12".into(),
                        "2".into(),
                    ],
                ),
            ],
            ..Participants::default()
        };
        let kinds: Vec<&str> = variable_types(&p).iter().map(|(_, k)| k.as_str()).collect();
        // 2022-02-30 is no date; 1e3 is not an xsd:decimal.
        assert_eq!(
            kinds,
            ["Integer", "Float", "Boolean", "Text", "Text", "Text"]
        );
    }
}
