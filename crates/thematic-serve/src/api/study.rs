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
        Ok(Json(StudyInfo {
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

/// `GET /api/transcripts`
pub(crate) async fn transcripts(
    State(state): State<Arc<AppState>>,
) -> ApiResult<Json<Vec<TranscriptRow>>> {
    blocking(move || {
        let study = state.study()?;
        let files = study.all_codings()?;
        // transcript → coder → (turns, codings, last)
        let mut progress: BTreeMap<&str, Vec<Progress>> = BTreeMap::new();
        for file in &files {
            let mut per: BTreeMap<&str, (Vec<usize>, usize, &str)> = BTreeMap::new();
            for c in file.codings.iter().filter(|c| !c.status.is_suggestion()) {
                let e = per.entry(c.transcript.as_str()).or_default();
                e.0.push(c.turn);
                e.1 += 1;
                if c.created.as_str() > e.2 {
                    e.2 = &c.created;
                }
            }
            for (t, (mut turns, n, last)) in per {
                turns.sort_unstable();
                turns.dedup();
                progress.entry(t).or_default().push(Progress {
                    coder: file.coder.clone(),
                    turns_coded: turns.len(),
                    codings: n,
                    last_touched: last.to_string(),
                });
            }
        }
        let mut rows = Vec::new();
        for (id, _, result) in study.load_transcripts()? {
            let progress = progress.remove(id.as_str()).unwrap_or_default();
            rows.push(match result {
                Ok(t) => TranscriptRow {
                    participant: t.participant_key().map(str::to_string),
                    turns: t.turns.len(),
                    words: t.word_count(),
                    duration_ms: t.duration_ms(),
                    id,
                    progress,
                    error: None,
                },
                Err(e) => TranscriptRow {
                    id,
                    participant: None,
                    turns: 0,
                    words: 0,
                    duration_ms: None,
                    progress,
                    error: Some(e.to_string()),
                },
            });
        }
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
    /// Code points into the transcript text.
    start: usize,
    end: usize,
    text: String,
}

pub(crate) fn turns(t: &Transcript) -> Vec<TurnView> {
    t.turns
        .iter()
        .enumerate()
        .map(|(i, turn)| TurnView {
            n: i + 1,
            speaker: turn.speaker.clone(),
            role: turn.role.as_str(),
            start_ms: turn.start_ms,
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
}

/// The codings of `coder` in transcript `id` that still point at their words.
pub(crate) fn codings_in(study: &Study, coder: &str, id: &str) -> ApiResult<Vec<CodingView>> {
    Ok(study
        .codings_of(coder)?
        .codings
        .iter()
        .filter(|c| c.transcript == id && c.is_anchored() && !c.status.is_suggestion())
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
        let codings = codings_in(&study, &state.coder, &id)?;
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
        Ok(Json(TranscriptView {
            turns: turns(&t),
            id,
            coder: state.coder.clone(),
            codings,
            memos,
        }))
    })
    .await
}
