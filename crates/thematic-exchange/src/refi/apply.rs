//! Adding a project read from a `.qdpx` to a study: themes, transcripts, codings, memos and
//! participants, each merged with what the study already has.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use thematic_codebook::{Codebook, NewEntry, guid_for};
use thematic_transcript::Transcript;

use crate::refi::package::Package;
use crate::refi::place::{Placement, Reading, Wanted, normalize_newlines, place};
use crate::refi::read::{self, NoteTarget, Project};
use crate::refi::{ImportReport, LeftOut, Limits, SourceOutcome, guids};
use thematic_study::StudyError;
use thematic_study::atomic_write;
use thematic_study::id_from_file_name;
use thematic_study::valid_coder;
use thematic_study::{CONFIG_FILE, Unfinished};
use thematic_study::{Coding, Status};
use thematic_study::{Importer, InitOptions, Study};
use thematic_study::{Memo, MemoAbout};

/// A package read and its project parsed.
struct Opened {
    package: Package,
    project: Project,
}

fn open_package(path: &Path, limits: &Limits) -> Result<Opened, StudyError> {
    let size = std::fs::metadata(path)
        .map_err(|e| StudyError::io(path, e))?
        .len();
    if size > limits.max_total {
        return Err(StudyError::invalid(
            path,
            0,
            format!(
                "the file is {} MiB, more than the {} MiB thematic reads as a project",
                size >> 20,
                limits.max_total >> 20
            ),
        ));
    }
    // Read from the file: recordings stay in it until they are copied out.
    let package = Package::open(path, limits)?;
    let (name, qde) = package.project()?;
    let shown = PathBuf::from(format!("{}:{name}", path.display()));
    let project = read::parse(qde, &shown)?;
    Ok(Opened { package, project })
}

/// Creates a study in `dir` from a REFI-QDA project: its codebook becomes the study's,
/// then everything else is imported as by [`import_qdpx`]. `name` overrides the
/// project's name.
///
/// Before anything is stored, an intent record (`unfinished.toml`, see
/// [`thematic_study::Unfinished`]) is written into `dir`; it is removed only once
/// transcripts, codings, memos and participants are all stored. A study left with it (the
/// process was killed) is finished by [`import_qdpx`] of the same file, or by calling this
/// again with the same file, which resumes instead of refusing (`name` is then ignored).
pub fn init_from_qdpx(
    dir: &Path,
    qdpx: &Path,
    name: Option<&str>,
    limits: &Limits,
) -> Result<(Study, ImportReport), StudyError> {
    let opened = open_package(qdpx, limits)?;
    if dir.join(CONFIG_FILE).exists() {
        let mut study = Study::open(dir)?;
        if !study.unfinished()?.is_some_and(|u| u.is_init_from(qdpx)) {
            return Err(StudyError::AlreadyExists {
                dir: dir.to_path_buf(),
            });
        }
        let report = finish_from(&mut study, opened)?;
        return Ok((study, report));
    }
    let study_name = name
        .map(str::to_string)
        .or_else(|| opened.project.name.clone())
        .unwrap_or_else(|| "Imported study".into());
    let mut book = opened.project.codebook.clone();
    book.name.clone_from(&study_name);
    let options = InitOptions {
        name: study_name,
        codebook_file: "codebook.toml".into(),
        codebook_text: book.to_toml(),
    };
    // A study that cannot be made whole is not left half made; one whose making is cut
    // short keeps the record that says so, written before `thematic.toml` makes the folder
    // a study.
    let fresh = !dir.exists();
    let made = std::fs::create_dir_all(dir)
        .map_err(|e| StudyError::io(dir, e))
        .and_then(|()| Unfinished::init_from(qdpx).write(dir))
        .and_then(|()| Study::init(dir, &options))
        .and_then(|mut study| {
            let report = finish_from(&mut study, opened)?;
            Ok((study, report))
        });
    if made.is_err() {
        if fresh {
            let _ = std::fs::remove_dir_all(dir);
        } else if !dir.join(CONFIG_FILE).exists() {
            let _ = Unfinished::remove(dir);
        }
    }
    made
}

/// Fills a study being made by `init --from` with the project (its interviewers too) and,
/// once everything is stored, removes the intent record.
fn finish_from(study: &mut Study, opened: Opened) -> Result<ImportReport, StudyError> {
    if let Some(interviewers) = opened
        .project
        .description
        .as_deref()
        .and_then(crate::refi::write::interviewers_in)
        .filter(|i| !i.is_empty())
    {
        let mut config = study.config().clone();
        config.interviewers = interviewers;
        study.set_config(config)?;
    }
    let report = apply_project(study, opened)?;
    study.finished()?;
    Ok(report)
}

/// Imports a REFI-QDA project into this study: themes are matched to the codebook (by
/// GUID, id or label) or added to it; sources become transcripts (or match ones with the
/// same id and text); codings, memos and participants are added to what is there.
/// Importing the same project twice adds nothing the second time.
///
/// When the study is an unfinished `init --from` of this same file, this finishes it: the
/// project's interviewers are set as `init --from` sets them, and once everything is stored
/// the intent record is removed.
pub fn import_qdpx(
    study: &Study,
    qdpx: &Path,
    limits: &Limits,
) -> Result<ImportReport, StudyError> {
    let opened = open_package(qdpx, limits)?;
    // An unreadable record does not stop an import; `thematic check` reports it.
    let finishing = study
        .unfinished()
        .ok()
        .flatten()
        .is_some_and(|u| u.is_init_from(qdpx));
    if !finishing {
        // Sources, codebook, codings and memos are stored one after another: a cut-short
        // import is reported by `thematic check`, with this same import (which adds only
        // what is missing) to finish it.
        let source = std::path::absolute(qdpx).unwrap_or_else(|_| qdpx.to_path_buf());
        let intent = study.begin(Unfinished::new(
            "import",
            vec!["import".into(), source.to_string_lossy().into_owned()],
            "",
            "part of the project's transcripts, codes, codings, memos or participants may be missing",
        ))?;
        let report = apply_project(study, opened)?;
        intent.done(study)?;
        return Ok(report);
    }
    finish_from(&mut Study::open(study.root())?, opened)
}

/// Adds what an opened project holds to the study, as [`import_qdpx`] describes.
fn apply_project(study: &Study, opened: Opened) -> Result<ImportReport, StudyError> {
    let Opened { package, project } = opened;
    let mut report = ImportReport {
        project: project.name.clone(),
        left_out: project.left_out.clone(),
        warnings: project.codebook_warnings.clone(),
        ..ImportReport::default()
    };
    warn_of_interviewers(study, &project, &mut report);
    let themes = match_project_themes(study, &project, &mut report)?;
    let users = coder_names(&project, &mut report);
    let ids = transcript_ids(&project);
    let mut import = Import {
        study,
        package: &package,
        project: &project,
        themes,
        users,
        importer: study.importer()?,
        existing: study.transcript_files()?.into_iter().collect(),
        codings: Vec::new(),
        selection_codings: HashMap::new(),
        source_ids: BTreeMap::new(),
        case_of_selection: project
            .cases
            .iter()
            .flat_map(|c| c.selections.iter().map(|s| (s.clone(), safe_id(&c.name))))
            .collect(),
        speakers: Vec::new(),
        recordings: Vec::new(),
    };
    for (source, id) in project.sources.iter().zip(&ids) {
        let outcome = import.source(source, id, &mut report)?;
        report.sources.push(outcome);
    }
    add_imported_codings(study, std::mem::take(&mut import.codings), &mut report)?;
    for to_link in std::mem::take(&mut import.recordings) {
        crate::refi::media_read::link(study, &package, &to_link, &mut report)?;
    }
    let memos = import.memos(&mut report);
    add_imported_memos(study, memos, &mut report)?;
    merge_participants(study, &project, &import.speakers, &mut report)?;
    Ok(report)
}

/// Warns of the speaker labels the project counts as interviewers (in its description, as
/// thematic writes it) and the study does not.
fn warn_of_interviewers(study: &Study, project: &Project, report: &mut ImportReport) {
    let Some(theirs) = project
        .description
        .as_deref()
        .and_then(crate::refi::write::interviewers_in)
    else {
        return;
    };
    let ours = &study.config().interviewers;
    let missing: Vec<&String> = theirs
        .iter()
        .filter(|t| !ours.iter().any(|o| o.eq_ignore_ascii_case(t)))
        .collect();
    if !missing.is_empty() {
        report.warnings.push(format!(
            "the project counts {} as interviewer(s) and this study does not; add them \
             to `interviewers` in thematic.toml if they are",
            missing
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

/// An import under way: the project with its codes matched to themes and its users to
/// coders, and what its sources give the codings and memos that follow.
struct Import<'a> {
    study: &'a Study,
    package: &'a Package,
    project: &'a Project,
    /// The study's theme for each code (index as in `project.codebook.entries`).
    themes: Vec<String>,
    /// User GUID → coder.
    users: BTreeMap<String, String>,
    importer: Importer<'a>,
    /// The study's transcripts before the import: id → file.
    existing: BTreeMap<String, PathBuf>,
    /// The codings made from the sources' selections.
    codings: Vec<Coding>,
    /// Selection GUID → the ids of the codings made from it (for memos on selections).
    selection_codings: HashMap<String, Vec<String>>,
    /// Source GUID → transcript id, for the sources imported or already present.
    source_ids: BTreeMap<String, String>,
    /// Selection GUID → the participant (case) whose segment it is.
    case_of_selection: HashMap<String, String>,
    /// Speakers the cases' segments give: (participant, transcript, speaker key).
    speakers: Vec<[String; 3]>,
    /// Recordings to link once the transcripts are stored.
    recordings: Vec<crate::refi::media_read::ToLink>,
}

/// A source's text, parsed as the transcript it will be.
pub(crate) struct Checked {
    pub(crate) text: SourceText,
    /// `<id>.<ext>`: the file it is checked, and stored, as.
    file_name: PathBuf,
    ext: String,
    pub(crate) transcript: Transcript,
    /// Whether the study already has the transcript, with the same text.
    present: bool,
}

impl Import<'_> {
    /// The coder of a user GUID: `imported` for none, or one the project does not list.
    fn coder_of(&self, guid: Option<&String>) -> String {
        guid.and_then(|g| self.users.get(g))
            .cloned()
            .unwrap_or_else(|| "imported".to_string())
    }

    /// Imports one source as transcript `id` (unless the study has it already) with the
    /// codings of its selections; a source that cannot be imported is skipped and left out.
    fn source(
        &mut self,
        source: &read::TextSource,
        id: &str,
        report: &mut ImportReport,
    ) -> Result<SourceOutcome, StudyError> {
        let mut outcome = SourceOutcome {
            name: source.name.clone(),
            id: String::new(),
            status: "skipped",
            codings: 0,
            orphaned: 0,
            note: None,
        };
        let checked = match self.check_source(source, id) {
            Ok(checked) => checked,
            Err(why) => {
                let selections: usize = source.selections.iter().map(|s| s.codings.len()).sum();
                report.left_out.push(LeftOut::new(
                    format!("source that could not be read ({selections} codings in all such)"),
                    format!("{} (project.qde line {}: {why})", source.name, source.line),
                ));
                outcome.note = Some(why);
                return Ok(outcome);
            }
        };
        let reading = self.code_selections(source, id, &checked, &mut outcome, report);
        if let Some(recording) = &source.recording {
            let times = crate::refi::media_read::times_in(recording, &checked, reading);
            self.recordings.push(crate::refi::media_read::ToLink {
                id: id.to_string(),
                recording: recording.clone(),
                times,
            });
            self.source_ids
                .insert(recording.guid.clone(), id.to_string());
        }
        outcome.status = if checked.present {
            "present"
        } else {
            self.commit(checked, id)?;
            "imported"
        };
        outcome.id = id.to_string();
        self.source_ids.insert(source.guid.clone(), id.to_string());
        Ok(outcome)
    }

    /// The source's text, parsed as transcript `id`, or why it cannot be imported: its
    /// text cannot be read or parsed, or the study has a transcript `id` with other text.
    fn check_source(&self, source: &read::TextSource, id: &str) -> Result<Checked, String> {
        let text = source_text(self.package, source)?;
        let file_name = PathBuf::from(format!("{id}.{}", text.ext));
        let (_, ext, transcript) = self
            .importer
            .check(&file_name, &text.stored, Some(id))
            .map_err(|e| e.to_string())?;
        let present = match self.existing.get(id) {
            None => false,
            Some(path) => {
                match thematic_study::read_transcript(path, &self.study.parse_options()) {
                    Ok(Ok(old)) if old.text == transcript.text => true,
                    _ => {
                        return Err(format!(
                            "the study already has a transcript {id} with other text; \
                         rename or remove it, or import into a new study with \
                         `thematic init DIR --from FILE.qdpx`"
                        ));
                    }
                }
            }
        };
        Ok(Checked {
            text,
            file_name,
            ext,
            transcript,
            present,
        })
    }

    /// Stores a checked source as transcript `id`.
    fn commit(&mut self, checked: Checked, id: &str) -> Result<(), StudyError> {
        self.importer
            .commit(
                Path::new(&checked.file_name),
                &checked.text.stored,
                id.to_string(),
                &checked.ext,
                false,
                checked.transcript,
            )
            .map_err(|e| match e {
                thematic_study::ImportError::Study(e) => e,
                other => StudyError::invalid(&checked.file_name, 0, other.to_string()),
            })?;
        Ok(())
    }

    /// A coding for each coding of the source's selections, placed in the transcript's
    /// text, or kept as orphaned where its selection cannot be placed; the outcome counts
    /// them and notes how positions were re-based. Returns how positions were read.
    fn code_selections(
        &mut self,
        source: &read::TextSource,
        id: &str,
        checked: &Checked,
        outcome: &mut SourceOutcome,
        report: &mut ImportReport,
    ) -> Reading {
        let transcript = &checked.transcript;
        let raw = checked.text.raw.as_deref().unwrap_or(&transcript.text);
        let wanted: Vec<Wanted<'_>> = source
            .selections
            .iter()
            .map(|s| Wanted {
                start: s.start,
                end: s.end,
                name: s.name.as_deref(),
            })
            .collect();
        let placement = place(raw, checked.text.bom, &transcript.text, &wanted);
        outcome.note = placement_note(&placement, raw);
        let chars: Vec<char> = transcript.text.chars().collect();
        for (n, (sel, span)) in source.selections.iter().zip(&placement.spans).enumerate() {
            if let Some(case) = self.case_of_selection.get(&sel.guid) {
                let speaker = match span {
                    Ok((start, _)) => crate::refi::cases::speaker_at(transcript, *start),
                    Err(_) => Err("case segment that cannot be placed in its text"),
                };
                match speaker {
                    Ok(key) => {
                        let row = [case.clone(), id.to_string(), key];
                        if !self.speakers.contains(&row) {
                            self.speakers.push(row);
                        }
                    }
                    Err(why) => report.left_out.push(LeftOut::new(
                        why,
                        format!("{} line {} (case {case})", source.name, sel.line),
                    )),
                }
            } else if sel.codings.is_empty() {
                report.left_out.push(LeftOut::new(
                    "selection without a coding",
                    format!("{} line {}", source.name, sel.line),
                ));
            }
            for (k, c) in sel.codings.iter().enumerate() {
                let Some(theme) = self
                    .project
                    .code_index
                    .get(&c.code)
                    .and_then(|&i| self.themes.get(i))
                else {
                    report.left_out.push(LeftOut::new(
                        "coding with a code that is not in the project's codebook",
                        format!("{} line {} (code {})", source.name, sel.line, c.code),
                    ));
                    continue;
                };
                // A coding without a GUID gets one from where it is, so two of them never
                // collide.
                let guid = match (c.guid.is_empty(), sel.guid.is_empty()) {
                    (false, _) => c.guid.clone(),
                    (true, false) => format!("{}#{k}", sel.guid),
                    (true, true) => format!("{id}#{n}#{k}"),
                };
                let mut coding = Coding {
                    id: guids::coding_id(&guid),
                    coder: self.coder_of(c.user.as_ref().or(sel.user.as_ref())),
                    transcript: id.to_string(),
                    theme: theme.clone(),
                    memo: sel.description.clone().unwrap_or_default(),
                    created: timestamp(c.when.as_deref().or(sel.when.as_deref())),
                    ..Coding::default()
                };
                match span {
                    Ok((start, end)) => {
                        coding.start = *start;
                        coding.end = *end;
                        coding.turn = turn_of(transcript, *start);
                        coding.text = chars[*start..*end].iter().collect();
                        outcome.codings += 1;
                    }
                    Err(why) => {
                        orphan(&mut coding, sel);
                        outcome.orphaned += 1;
                        report.left_out.push(LeftOut::new(
                            format!("{} (kept as an orphaned coding)", why.describe()),
                            format!("{} line {}", source.name, sel.line),
                        ));
                    }
                }
                self.selection_codings
                    .entry(sel.guid.clone())
                    .or_default()
                    .push(coding.id.clone());
                self.codings.push(coding);
            }
        }
        placement.reading
    }

    /// The project's notes as memos, each about what refers to it.
    fn memos(&self, report: &mut ImportReport) -> Vec<Memo> {
        let mut out = Vec::new();
        for note in &self.project.notes {
            let label = note.name.clone().unwrap_or_else(|| note.guid.clone());
            let text = match (&note.content, &note.plain_path) {
                (Some(c), _) => Some(c.clone()),
                (None, Some(p)) => self
                    .package
                    .source(p)
                    .and_then(|(_, b)| thematic_transcript::decode_raw(b).ok())
                    .map(|raw| raw.text),
                (None, None) => None,
            };
            let Some(text) = text
                .map(|t| normalize_newlines(&t))
                .filter(|t| !t.trim().is_empty())
            else {
                report
                    .left_out
                    .push(LeftOut::new("note without text", label));
                continue;
            };
            let refs = self
                .project
                .note_refs
                .get(&note.guid)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let about = |t: &NoteTarget| -> Option<MemoAbout> {
                match t {
                    NoteTarget::Project => Some(MemoAbout::Journal),
                    NoteTarget::Code(g) => self
                        .project
                        .code_index
                        .get(g)
                        .and_then(|&i| self.themes.get(i))
                        .map(|id| MemoAbout::Theme(id.clone())),
                    NoteTarget::Source(g) => self
                        .source_ids
                        .get(g)
                        .map(|id| MemoAbout::Transcript(id.clone())),
                    NoteTarget::Selection(g) => self
                        .selection_codings
                        .get(g)
                        .and_then(|ids| ids.first())
                        .map(|id| MemoAbout::Coding(id.clone())),
                    NoteTarget::Coding(g) => Some(MemoAbout::Coding(guids::coding_id(g))),
                    NoteTarget::Other(_) => None,
                }
            };
            let mut targets = refs.iter().filter_map(about);
            let about = targets.next().unwrap_or(MemoAbout::Journal);
            if refs.len() > 1 {
                report.warnings.push(format!(
                    "note \"{label}\" is attached to {} objects; kept on the first",
                    refs.len()
                ));
            }
            if let Some(NoteTarget::Other(kind)) = refs.first() {
                report.warnings.push(format!(
                    "note \"{label}\" is attached to a {kind}, which thematic has no memos on; kept in the journal"
                ));
            }
            let text = match &note.name {
                Some(n)
                    if !guids::is_our_note(&note.guid)
                        && !n.trim().is_empty()
                        && !text.trim_start().starts_with(n.trim()) =>
                {
                    format!("**{}**\n\n{}", n.trim(), text.trim_matches('\n'))
                }
                _ => text.trim_matches('\n').to_string(),
            };
            out.push(Memo {
                id: guids::memo_id(&note.guid),
                coder: self.coder_of(note.user.as_ref()),
                when: timestamp(note.when.as_deref()),
                about,
                text,
                line: 0,
            });
        }
        out
    }
}

/// A source's note on its placement: how positions were re-based, and whether they could
/// be checked against the selected text.
fn placement_note(placement: &Placement, raw: &str) -> Option<String> {
    let mut notes: Vec<String> = placement
        .reading
        .describe(raw.contains("\r\n"))
        .into_iter()
        .collect();
    if !placement.checked && placement.spans.iter().any(Result::is_ok) {
        notes.push("positions not checked: the project does not record the selected text".into());
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// The study's theme id for each of the project's codes (index as in
/// `project.codebook.entries`); codes the codebook lacks are added to it.
fn match_project_themes(
    study: &Study,
    project: &Project,
    report: &mut ImportReport,
) -> Result<Vec<String>, StudyError> {
    let ours = study.codebook()?;
    let mut mapped: Vec<Option<String>> = Vec::new();
    let mut missing = Vec::new();
    let guids: BTreeMap<usize, &String> = project.code_index.iter().map(|(g, &i)| (i, g)).collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (i, e) in project.codebook.entries.iter().enumerate() {
        // Entries come parents first, so a parent is mapped before its children.
        let parent = match &e.parent {
            None => Some(None),
            Some(p) => project
                .codebook
                .entries
                .iter()
                .position(|x| x.id == *p)
                .and_then(|pi| mapped.get(pi).cloned().flatten())
                .map(Some),
        };
        let guid = guids.get(&i).map(|g| g.as_str());
        let label_unique = project
            .codebook
            .entries
            .iter()
            .filter(|x| x.label.trim().eq_ignore_ascii_case(e.label.trim()))
            .count()
            == 1;
        let found = find_theme(
            &ours,
            e,
            guid,
            parent.as_ref().map(Option::as_deref),
            label_unique,
            &taken,
        );
        match &found {
            None => missing.push(i),
            Some(id) => {
                report.themes_matched += 1;
                taken.insert(id.clone());
            }
        }
        mapped.push(found);
    }
    if !missing.is_empty() {
        let book = &project.codebook;
        let added = study.edit_codebook("import", "add", |editor| {
            let mut added = Vec::new();
            for &i in &missing {
                let e = &book.entries[i];
                let parent = e
                    .parent
                    .as_ref()
                    .and_then(|p| book.entries.iter().position(|x| x.id == *p))
                    .and_then(|p| mapped[p].clone())
                    .filter(|p| editor.codebook().get(p).is_some_and(|x| !x.retired));
                let free = editor.codebook().get(&e.id).is_none();
                let new = NewEntry {
                    id: free.then(|| e.id.clone()),
                    label: e.label.clone(),
                    parent,
                    codable: e.codable,
                    definition: e.definition.clone(),
                    include: e.include.clone(),
                    exclude: e.exclude.clone(),
                    colour: e.colour.clone(),
                };
                let id = editor.add(&new).map_err(|err| study.edit_error(err))?;
                mapped[i] = Some(id.clone());
                added.push(id);
            }
            let detail = format!("{} theme(s) from a REFI-QDA project", added.len());
            Ok((added, String::new(), detail))
        })?;
        report.themes_added = added;
    }
    Ok(mapped.into_iter().map(Option::unwrap_or_default).collect())
}

fn add_imported_codings(
    study: &Study,
    codings: Vec<Coding>,
    report: &mut ImportReport,
) -> Result<(), StudyError> {
    let mut by_coder: BTreeMap<String, Vec<Coding>> = BTreeMap::new();
    for c in codings {
        by_coder.entry(c.coder.clone()).or_default().push(c);
    }
    for (coder, new) in by_coder {
        let (added, present) = study.update_codings(&coder, |file| {
            let mut ids: BTreeSet<String> = file.codings.iter().map(|c| c.id.clone()).collect();
            let mut spans: BTreeSet<(String, usize, usize, String)> = file
                .codings
                .iter()
                .filter(|c| c.is_anchored())
                .map(|c| (c.transcript.clone(), c.start, c.end, c.theme.clone()))
                .collect();
            let (mut added, mut present) = (0, 0);
            for c in new {
                let span = (c.transcript.clone(), c.start, c.end, c.theme.clone());
                if ids.contains(&c.id) || (c.is_anchored() && spans.contains(&span)) {
                    present += 1;
                    continue;
                }
                ids.insert(c.id.clone());
                if c.is_anchored() {
                    spans.insert(span);
                }
                file.codings.push(c);
                added += 1;
            }
            Ok(((added, present), added > 0))
        })?;
        if added > 0 {
            report.codings_added.insert(coder, added);
        }
        report.codings_present += present;
    }
    Ok(())
}

fn add_imported_memos(
    study: &Study,
    memos: Vec<Memo>,
    report: &mut ImportReport,
) -> Result<(), StudyError> {
    let mut by_coder: BTreeMap<String, Vec<Memo>> = BTreeMap::new();
    for m in memos {
        by_coder.entry(m.coder.clone()).or_default().push(m);
    }
    for (coder, memos) in by_coder {
        let added = study.append_memos(&coder, &memos)?;
        report.memos_present += memos.len() - added;
        report.memos_added += added;
    }
    Ok(())
}

/// Adds the project's cases to `participants.csv`: new participants as rows, new
/// variables as columns, empty values filled. A value the study already has is kept over
/// a different one from the project (with a warning). `speakers` (participant,
/// transcript, speaker), from the cases' segments, become rows naming where each speaks; a
/// speaker a row already gives to another participant keeps it (with a warning).
fn merge_participants(
    study: &Study,
    project: &Project,
    speakers: &[[String; 3]],
    report: &mut ImportReport,
) -> Result<(), StudyError> {
    if project.cases.is_empty() {
        return Ok(());
    }
    let _lock = thematic_study::FileLock::acquire(&study.participants_path())?;
    let mut table = study.participants()?;
    let names: BTreeMap<&str, &str> = project
        .variables
        .iter()
        .map(|(g, n)| (g.as_str(), n.as_str()))
        .collect();
    let mut changed = false;
    for (_, name) in &project.variables {
        let name = name.trim();
        if !name.is_empty()
            && name != thematic_study::PARTICIPANT_COLUMN
            && !table.attributes.iter().any(|a| a == name)
        {
            table.attributes.push(name.to_string());
            report.attributes_added.push(name.to_string());
            for (_, values) in &mut table.rows {
                values.push(String::new());
            }
            changed = true;
        }
    }
    for case in &project.cases {
        let id = safe_id(&case.name);
        if id.is_empty() {
            report
                .left_out
                .push(LeftOut::new("case without a name", "(unnamed)"));
            continue;
        }
        let row = match table.rows.iter().position(|(r, _)| *r == id) {
            Some(i) => i,
            None => {
                table
                    .rows
                    .push((id.clone(), vec![String::new(); table.attributes.len()]));
                report.participants_added += 1;
                changed = true;
                table.rows.len() - 1
            }
        };
        for (var, value) in &case.values {
            let Some(col) = names
                .get(var.as_str())
                .and_then(|n| table.attributes.iter().position(|a| a == n.trim()))
            else {
                report.left_out.push(LeftOut::new(
                    "case value of a variable the project does not define",
                    format!("{id}: {value}"),
                ));
                continue;
            };
            let cell = &mut table.rows[row].1[col];
            if cell.is_empty() && !value.is_empty() {
                cell.clone_from(value);
                changed = true;
            } else if cell != value && !value.is_empty() {
                report.warnings.push(format!(
                    "participant {id}: kept {}={cell:?} (the project says {value:?})",
                    table.attributes[col]
                ));
            }
        }
    }
    for [participant, transcript, speaker] in speakers {
        if table.add(participant, transcript, speaker) {
            report.speakers_added += 1;
            changed = true;
            continue;
        }
        let has = table.participant_of(transcript, Some(speaker));
        if has != participant {
            report.warnings.push(format!(
                "speaker {speaker:?} of {transcript} is participant {has} in participants.csv; \
                 the project's case {participant} for it was not added"
            ));
        }
    }
    if changed {
        atomic_write(&study.participants_path(), &table.to_csv())?;
    }
    Ok(())
}

/// The study's theme for a project code: the same GUID, else the same id and label, else
/// the same label.
/// The study's theme for a project code: the one with the same GUID (a project that came
/// from thematic); else one with the same label (ignoring case) under the same parent,
/// preferring the same id; else the one theme with its label when the label is unique in
/// both the codebook and the project (`label_unique` says so for the project). `parent` is the study's id for the code's parent (`Some(None)`
/// for a root; `None` when the parent is new, so nothing under it can match). A theme
/// already matched to another code is not matched again, so two codes never merge.
fn find_theme(
    ours: &Codebook,
    e: &thematic_codebook::Entry,
    guid: Option<&str>,
    parent: Option<Option<&str>>,
    label_unique: bool,
    taken: &BTreeSet<String>,
) -> Option<String> {
    if let Some(x) = guid.and_then(|g| ours.entries.iter().find(|x| guid_for(&x.id) == g)) {
        return Some(x.id.clone());
    }
    let same_label = |x: &thematic_codebook::Entry| {
        x.label.trim().eq_ignore_ascii_case(e.label.trim()) && !taken.contains(&x.id)
    };
    if let Some(parent) = parent {
        let fits = |x: &&thematic_codebook::Entry| same_label(x) && x.parent.as_deref() == parent;
        if let Some(x) = ours
            .get(&e.id)
            .filter(fits)
            .or_else(|| ours.entries.iter().find(fits))
        {
            return Some(x.id.clone());
        }
    }
    // Elsewhere in the tree (a flat list of codes from another tool), only a label that is
    // unique on both sides.
    let mut ours_same = ours.entries.iter().filter(|x| same_label(x));
    match (ours_same.next(), ours_same.next(), label_unique) {
        (Some(x), None, true) => Some(x.id.clone()),
        _ => None,
    }
}

/// Coder names for the project's users: their names made safe as file names.
fn coder_names(project: &Project, report: &mut ImportReport) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for (guid, name) in &project.users {
        let mut safe: String = name
            .trim()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .trim_start_matches('.')
            .chars()
            .take(64)
            .collect();
        if safe.is_empty() || !valid_coder(&safe) {
            safe = "imported".into();
        }
        let base = safe.clone();
        let mut n = 2;
        while taken.get(&safe).is_some_and(|g| g != guid) {
            safe = format!("{base}-{n}");
            n += 1;
        }
        if safe != *name {
            report
                .warnings
                .push(format!("user \"{name}\" is coder \"{safe}\" here"));
        }
        taken.insert(safe.clone(), guid.clone());
        out.insert(guid.clone(), safe);
    }
    out
}

/// Letters, digits, `-` and `_`: what a transcript or participant id may hold.
fn safe_id(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_matches('_')
        .to_string()
}

/// A transcript id for each source: the name of the one case that refers to it, else one
/// taken from its name as from a file name; unique within the project.
fn transcript_ids(project: &Project) -> Vec<String> {
    let mut case_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &project.cases {
        for s in &c.sources {
            case_of.entry(s.as_str()).or_default().push(c.name.as_str());
        }
    }
    let mut used = BTreeSet::new();
    project
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // A case refers to a recording's transcript by the recording.
            let of = |g: &str| case_of.get(g).map(Vec::as_slice);
            let from_case =
                match of(&s.guid).or_else(|| s.recording.as_ref().and_then(|r| of(&r.guid))) {
                    Some([one]) => safe_id(one),
                    _ => String::new(),
                };
            let mut id = if from_case.is_empty() {
                safe_id(&id_from_file_name(Path::new(&format!(
                    "{}.txt",
                    s.name.trim()
                ))))
            } else {
                from_case
            };
            if id.is_empty() {
                id = format!("source-{}", i + 1);
            }
            let base = id.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

/// A source's text as it will be stored: the bytes, their extension, and the text its
/// positions count in (`None` for a Word source, whose parsed text is that text).
pub(crate) struct SourceText {
    stored: Vec<u8>,
    ext: &'static str,
    pub(crate) raw: Option<String>,
    pub(crate) bom: bool,
}

fn source_text(package: &Package, source: &read::TextSource) -> Result<SourceText, String> {
    let outside = |p: &str| {
        let lower = p.to_ascii_lowercase();
        lower.starts_with("absolute://")
            || lower.starts_with("relative://")
            || lower.starts_with("file:")
    };
    let plain = match (&source.plain_path, &source.content) {
        (Some(p), _) if outside(p) => {
            return Err(format!(
                "its text is outside the package ({p}); thematic reads only what the package holds"
            ));
        }
        (Some(p), content) => match (package.source(p), content) {
            (Some((_, bytes)), _) => Some(bytes.to_vec()),
            (None, Some(content)) => Some(content.as_bytes().to_vec()),
            // The rich-text version below may still be there.
            (None, None) if source.rich_path.is_some() => None,
            (None, None) => return Err(format!("{p} is not in the package")),
        },
        (None, Some(content)) => Some(content.as_bytes().to_vec()),
        (None, None) => None,
    };
    if let Some(bytes) = plain {
        let decoded = thematic_transcript::decode_raw(&bytes)
            .map_err(|e| format!("its text cannot be read: {e}"))?;
        if decoded.encoding == thematic_transcript::Encoding::Windows1252 {
            return Err("its text is not UTF-8 or UTF-16; save the source as UTF-8".into());
        }
        let stored = normalize_newlines(&decoded.text).into_bytes();
        return Ok(SourceText {
            stored,
            ext: "txt",
            raw: Some(decoded.text),
            bom: decoded.bom,
        });
    }
    match &source.rich_path {
        Some(p) if outside(p) => Err(format!("its text is outside the package ({p})")),
        Some(p) if p.to_ascii_lowercase().ends_with(".docx") => match package.source(p) {
            Some((_, bytes)) => Ok(SourceText {
                stored: bytes.to_vec(),
                ext: "docx",
                raw: None,
                bom: false,
            }),
            None => Err(format!("{p} is not in the package")),
        },
        Some(p) => Err(format!(
            "its only text is {p}, a rich-text format thematic does not read (Word .docx only)"
        )),
        None => Err("it has no text (no plainTextPath, PlainTextContent or richTextPath)".into()),
    }
}

/// The 1-based turn a position falls in: the turn that contains it, else the next one.
fn turn_of(t: &Transcript, pos: usize) -> usize {
    if t.turns.is_empty() {
        return 1;
    }
    let (Ok(i) | Err(i)) = thematic_study::turn_holding(&t.turns, pos, |x| (x.start, x.end));
    i.min(t.turns.len() - 1) + 1
}

fn orphan(coding: &mut Coding, sel: &read::Selection) {
    coding.status = Status::Orphaned;
    coding.start = usize::try_from(sel.start.unwrap_or(0)).unwrap_or(0);
    coding.end = usize::try_from(sel.end.unwrap_or(0))
        .unwrap_or(0)
        .max(coding.start);
    coding.turn = 1;
    coding.text = sel.name.clone().unwrap_or_default();
}

/// An `xsd:dateTime` as RFC 3339 UTC; one without a zone is taken as UTC; none, now.
fn timestamp(when: Option<&str>) -> String {
    let Some(w) = when.map(str::trim).filter(|w| !w.is_empty()) else {
        return thematic_study::now_rfc3339();
    };
    if let Ok(t) = w.parse::<jiff::Timestamp>() {
        return t.round(jiff::Unit::Second).unwrap_or(t).to_string();
    }
    if let Ok(dt) = w.parse::<jiff::civil::DateTime>()
        && let Ok(z) = dt.to_zoned(jiff::tz::TimeZone::UTC)
    {
        let t = z.timestamp();
        return t.round(jiff::Unit::Second).unwrap_or(t).to_string();
    }
    thematic_study::now_rfc3339()
}
