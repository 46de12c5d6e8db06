//! The study, its transcripts (with each coder's progress) and one transcript to read.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use thematic_codebook::{Codebook, Entry};
use thematic_study::{Coding, Memo, MemoAbout, Study};
use thematic_transcript::Transcript;

use crate::error::ApiResult;
use crate::extract::Id;
use crate::state::{AppState, blocking};

/// A codebook entry as the page needs it.
#[derive(Debug, Serialize)]
pub(crate) struct Theme {
    id: String,
    label: String,
    parent: Option<String>,
    depth: usize,
    codable: bool,
    definition: Option<String>,
    include: Option<String>,
    exclude: Option<String>,
    examples: Vec<String>,
    colour: Option<String>,
    /// A theme's longer title.
    title: Option<String>,
    /// A theme's central organising concept.
    concept: Option<String>,
    /// Other current themes the entry also sits in.
    also_in: Vec<String>,
    /// Defined and named (phase 5), not a candidate.
    defined: bool,
    /// Split from this theme.
    split_from: Option<String>,
}

fn theme(book: &Codebook, e: &Entry) -> Theme {
    Theme {
        id: e.id.clone(),
        label: e.label.clone(),
        parent: e.parent.clone(),
        depth: book.depth(&e.id),
        codable: e.codable,
        definition: e.definition.clone(),
        include: e.include.clone(),
        exclude: e.exclude.clone(),
        examples: e.examples.clone(),
        colour: e.colour.clone(),
        title: e.title.clone(),
        concept: e.concept.clone(),
        also_in: e
            .also_in
            .iter()
            .filter(|a| book.get(a).is_some())
            .cloned()
            .collect(),
        defined: e.defined,
        split_from: e.split_from.clone(),
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct StudyInfo {
    name: String,
    coder: String,
    coders: Vec<String>,
    /// `coders` without the suggestion coder (`auto`): the people to compare or pick.
    human_coders: Vec<String>,
    /// The current (not retired) codebook, in tree order.
    themes: Vec<Theme>,
    /// Each attribute of `participants.csv` with its distinct values, for filters.
    attributes: std::collections::BTreeMap<String, Vec<String>>,
}

/// `GET /api/study`
pub(crate) async fn study(State(state): State<Arc<AppState>>) -> ApiResult<Json<StudyInfo>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?.current();
        let mut coders = study.coders()?;
        if !coders.contains(&state.coder) {
            coders.push(state.coder.clone());
        }
        let human_coders = coders
            .iter()
            .filter(|c| *c != thematic_study::SUGGESTION_CODER)
            .cloned()
            .collect();
        let participants = study.participants()?;
        let attributes = participants
            .attributes
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let values: std::collections::BTreeSet<&str> = participants
                    .rows
                    .iter()
                    .filter_map(|(_, v)| v.get(i).map(String::as_str))
                    .filter(|v| !v.is_empty())
                    .collect();
                (
                    name.clone(),
                    values.into_iter().map(str::to_string).collect(),
                )
            })
            .collect();
        Ok(Json(StudyInfo {
            attributes,
            name: study.config().name.clone(),
            coder: state.coder.clone(),
            coders,
            human_coders,
            themes: book
                .tree_order()
                .into_iter()
                .map(|e| theme(&book, e))
                .collect(),
        }))
    })
    .await
}

/// One coder's progress in a transcript.
#[derive(Debug, Serialize)]
struct Progress {
    coder: String,
    /// Distinct turns with at least one coding.
    turns_coded: usize,
    codings: usize,
    /// The newest coding's time (RFC 3339).
    last_touched: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct TranscriptRow {
    id: String,
    /// The first participant's speaker key.
    participant: Option<String>,
    turns: usize,
    words: usize,
    duration_ms: Option<i64>,
    /// Per coder with codings here, in coder order.
    progress: Vec<Progress>,
    /// Why the file could not be read, if it could not.
    error: Option<String>,
}

/// `GET /api/transcripts`: from the server's model, so only transcripts that changed since
/// the last request are parsed, and only codings files that changed are read.
pub(crate) async fn transcripts(
    State(state): State<Arc<AppState>>,
) -> ApiResult<Json<Vec<TranscriptRow>>> {
    blocking(move || {
        let study = state.study()?;
        let files = study.transcript_files()?;
        let summaries = state.model.summaries(&study, &files)?;
        let coders: Vec<_> = study
            .coders()?
            .iter()
            .map(|c| state.model.coder(&study, c))
            .collect::<Result<_, _>>()?;
        let rows = files
            .into_iter()
            .zip(summaries)
            .map(|((id, _), s)| {
                let progress = coders
                    .iter()
                    .filter_map(|c| {
                        c.progress.get(&id).map(|p| Progress {
                            coder: c.coder.clone(),
                            turns_coded: p.turns.len(),
                            codings: p.codings,
                            last_touched: p.last.clone(),
                        })
                    })
                    .collect();
                TranscriptRow {
                    id,
                    participant: s.participant.clone(),
                    turns: s.turns,
                    words: s.words,
                    duration_ms: s.duration_ms,
                    progress,
                    error: s.error.clone(),
                }
            })
            .collect();
        Ok(Json(rows))
    })
    .await
}

/// A turn as the reader shows it.
#[derive(Debug, Serialize)]
pub(crate) struct TurnView {
    /// 1-based, as `thematic show` numbers turns.
    n: usize,
    speaker: Option<String>,
    role: &'static str,
    start_ms: Option<i64>,
    /// The study's sync time for the turn (`sync.csv`), set from the player; the reader
    /// plays from it when the turn has no `start_ms` of its own.
    synced_ms: Option<i64>,
    /// Code points into the transcript text.
    start: usize,
    end: usize,
    text: String,
}

/// The turns of `t`, each with its sync time from `synced` (turn start → ms).
pub(crate) fn turns(t: &Transcript, synced: &BTreeMap<usize, i64>) -> Vec<TurnView> {
    t.turns
        .iter()
        .enumerate()
        .map(|(i, turn)| TurnView {
            n: i + 1,
            speaker: turn.speaker.clone(),
            role: turn.role.as_str(),
            start_ms: turn.start_ms,
            synced_ms: synced.get(&turn.start).copied(),
            start: turn.start,
            end: turn.end,
            text: turn.text(&t.text).to_string(),
        })
        .collect()
}

/// A coding as the page needs it.
#[derive(Debug, Serialize)]
pub(crate) struct CodingView {
    id: String,
    coder: String,
    turn: usize,
    start: usize,
    end: usize,
    theme: String,
    text: String,
    memo: String,
    created: String,
}

impl From<&Coding> for CodingView {
    fn from(c: &Coding) -> CodingView {
        CodingView {
            id: c.id.clone(),
            coder: c.coder.clone(),
            turn: c.turn,
            start: c.start,
            end: c.end,
            theme: c.theme.clone(),
            text: c.text.clone(),
            memo: c.memo.clone(),
            created: c.created.clone(),
        }
    }
}

/// A memo as the page needs it.
#[derive(Debug, Serialize)]
pub(crate) struct MemoView {
    id: String,
    coder: String,
    when: String,
    about: &'static str,
    target: String,
    text: String,
}

impl From<&Memo> for MemoView {
    fn from(m: &Memo) -> MemoView {
        MemoView {
            id: m.id.clone(),
            coder: m.coder.clone(),
            when: m.when.clone(),
            about: m.about.kind(),
            target: m.about.target().to_string(),
            text: m.text.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct TranscriptView {
    id: String,
    coder: String,
    turns: Vec<TurnView>,
    /// The acting coder's anchored codings of this transcript (blind: nobody else's).
    codings: Vec<CodingView>,
    /// The acting coder's memos on this transcript and on its codings.
    memos: Vec<MemoView>,
    /// The linked recording (`null`: none).
    media: Option<super::media::MediaView>,
}

/// The codings of `coder` in transcript `id` that still point at their words, read through
/// the server's model (only that transcript's rows are parsed).
pub(crate) fn codings_in(
    state: &AppState,
    study: &Study,
    coder: &str,
    id: &str,
) -> ApiResult<Vec<CodingView>> {
    Ok(state
        .model
        .coder(study, coder)?
        .codings_in(id)?
        .iter()
        .filter(|c| c.is_anchored() && !c.status.is_suggestion())
        .map(CodingView::from)
        .collect())
}

/// `GET /api/transcripts/{id}`
pub(crate) async fn transcript(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
) -> ApiResult<Json<TranscriptView>> {
    blocking(move || {
        let study = state.study()?;
        let t = study.transcript(&id)?;
        let codings = codings_in(&state, &study, &state.coder, &id)?;
        let memos = study
            .memos_of(&state.coder)?
            .iter()
            .filter(|m| match &m.about {
                MemoAbout::Transcript(t) => *t == id,
                MemoAbout::Coding(c) => codings.iter().any(|x| x.id == *c),
                _ => false,
            })
            .map(MemoView::from)
            .collect();
        let media = super::media::media_view(&study, &id)?;
        let synced = study.sync_times(&id)?;
        Ok(Json(TranscriptView {
            turns: turns(&t, &synced),
            media,
            id,
            coder: state.coder.clone(),
            codings,
            memos,
        }))
    })
    .await
}
