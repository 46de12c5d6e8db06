//! Making a coding sheet from the transcripts and a coder's codings.

use std::collections::HashMap;

use thematic_transcript::{Role, Transcript};

use super::{Mark, Sheet, SheetRow, SheetTheme, SheetTranscript, SheetUnit, text_fingerprint};
use thematic_study::Coding;
use thematic_study::StudyError;

use super::SheetError;
use thematic_study::Study;

/// The coding sheet of `coder`'s codings: one row per participant turn (or sentence) of
/// `transcripts` (all transcripts when empty), one column per codable theme. See
/// [`crate::sheet`] for the columns and marks.
///
/// Fails when `coder` is not a valid coder name, a transcript is unknown (with the
/// nearest id as a suggestion) or cannot be read, or the codebook has errors.
pub fn coding_sheet(
    study: &Study,
    coder: &str,
    unit: SheetUnit,
    transcripts: &[String],
) -> Result<Sheet, SheetError> {
    study.codings_path(coder)?;
    let book = study.codebook()?;
    let themes: Vec<SheetTheme> = book
        .codable()
        .map(|e| SheetTheme {
            id: e.id.clone(),
            label: e.label.clone(),
            definition: e.definition.clone(),
        })
        .collect();
    let loaded = transcripts_named(study, transcripts)?;
    let codings = study.codings_of(coder)?.codings;
    let mut by_transcript: HashMap<&str, Vec<&Coding>> = HashMap::new();
    for c in codings.iter().filter(|c| c.is_anchored()) {
        by_transcript.entry(&c.transcript).or_default().push(c);
    }
    let mut rows = Vec::new();
    let mut listed = Vec::new();
    for (id, transcript) in &loaded {
        let mine = by_transcript
            .get(id.as_str())
            .map_or(&[][..], Vec::as_slice);
        let before = rows.len();
        push_rows(&mut rows, id, transcript, unit, &themes, mine);
        if rows.len() > before {
            listed.push(SheetTranscript {
                id: id.clone(),
                fingerprint: text_fingerprint(&transcript.text),
            });
        }
    }
    Ok(Sheet {
        study: study.config().name.clone(),
        coder: coder.to_string(),
        unit,
        transcripts: listed,
        themes,
        rows,
    })
}

/// The transcripts with these ids (every transcript when `ids` is empty), parsed on all
/// cores, in natural order. An unknown id is an error suggesting the nearest one.
pub(crate) fn transcripts_named(
    study: &Study,
    ids: &[String],
) -> Result<Vec<(String, Transcript)>, SheetError> {
    if ids.is_empty() {
        return Ok(study
            .transcripts()?
            .into_iter()
            .map(|t| (t.id, t.transcript))
            .collect());
    }
    for id in ids {
        study.transcript_path(id).map_err(|e| match e {
            StudyError::UnknownTranscript { id, closest } => {
                let hint = closest
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                StudyError::invalid(
                    study.transcripts_dir(),
                    0,
                    format!(
                        "there is no transcript `{id}`{hint}; `thematic transcripts` lists them"
                    ),
                )
            }
            e => e,
        })?;
    }
    let files: Vec<_> = study
        .transcript_files()?
        .into_iter()
        .filter(|(f, _)| ids.contains(f))
        .collect();
    let options = study.parse_options();
    thematic_study::parallel_map(&files, |(id, path)| {
        thematic_study::parse_file(path, &options).map(|t| (id.clone(), t))
    })
    .into_iter()
    .collect::<Result<_, _>>()
    .map_err(SheetError::from)
}

/// Appends the rows of one transcript: its participant turns, or their sentences.
fn push_rows(
    rows: &mut Vec<SheetRow>,
    id: &str,
    transcript: &Transcript,
    unit: SheetUnit,
    themes: &[SheetTheme],
    codings: &[&Coding],
) {
    for (i, turn) in transcript.turns.iter().enumerate() {
        if turn.role != Role::Participant || turn.start == turn.end {
            continue;
        }
        let text = turn.text(&transcript.text);
        let spans = match unit {
            SheetUnit::Turn => vec![(0, turn.end - turn.start)],
            SheetUnit::Sentence => thematic_transcript::sentences(text),
        };
        for (s, e) in spans {
            let (start, end) = (turn.start + s, turn.start + e);
            rows.push(SheetRow {
                transcript: id.to_string(),
                turn: i + 1,
                start,
                end,
                speaker: turn.speaker.clone().unwrap_or_default(),
                text: super::char_slice(text, s, e)
                    .unwrap_or_default()
                    .to_string(),
                marks: themes
                    .iter()
                    .map(|t| mark_of(codings, &t.id, start, end))
                    .collect(),
            });
        }
    }
}

/// `x` for a coding of `theme` spanning exactly `start..end`, `~` for one overlapping it.
fn mark_of(codings: &[&Coding], theme: &str, start: usize, end: usize) -> Mark {
    let mut mark = Mark::Empty;
    for c in codings.iter().filter(|c| c.theme == theme) {
        if c.start == start && c.end == end {
            return Mark::Coded;
        }
        if c.start < end && start < c.end {
            mark = Mark::Partial;
        }
    }
    mark
}
