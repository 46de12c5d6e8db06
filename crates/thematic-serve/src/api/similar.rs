//! "More like these": for a code, the turns that resemble the acting coder's extracts of it
//! and that they have not coded with it, to accept or dismiss one by one. Nothing is coded
//! here: accepting is an ordinary `POST /api/codings` of the turn's span. Blind: only the
//! acting coder's codings are examples, and only theirs count as coded.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use thematic_index::{SimilarQuery, SimilarTurn, StudyIndex};
use thematic_study::{Study, StudyError};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id, Params};
use crate::state::{AppState, blocking};

/// The most suggestions one answer holds.
pub(crate) const MAX_LIMIT: usize = 100;

#[derive(Debug, Deserialize)]
pub(crate) struct Query {
    /// Skip this many suggestions (default 0).
    offset: Option<usize>,
    /// At most this many (default 20, at most [`MAX_LIMIT`]).
    limit: Option<usize>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Similar {
    /// The code asked for.
    code: String,
    /// Whose extracts were the examples: the acting coder.
    coder: String,
    /// Turns the coder has coded with the code (or a code under it).
    coded_turns: usize,
    /// Of those, the turns whose words were used (an even sample when there are many).
    examples: usize,
    /// The words looked for, most telling first.
    terms: Vec<String>,
    /// Where this page starts.
    offset: usize,
    /// The page size used (after clamping).
    limit: usize,
    /// Whether another page follows.
    more: bool,
    /// Best first.
    suggestions: Vec<SimilarTurn>,
}

/// `GET /api/codes/{id}/similar?offset=&limit=`: one page of the turns most like the
/// acting coder's extracts of code `id` (and the codes under it), less interviewer turns,
/// turns they coded with it and turns they dismissed for it. The search index is brought up
/// to date first, as for a search.
pub(crate) async fn similar(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Params(q): Params<Query>,
) -> ApiResult<Json<Similar>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        known_code(&book, &id)?;
        let limit = q.limit.unwrap_or(20).clamp(1, MAX_LIMIT);
        let offset = q.offset.unwrap_or(0);
        if offset >= thematic_index::MAX_CANDIDATES {
            return Err(ApiError::bad_request(format!(
                "suggestions go {} deep; a page starts before that",
                thematic_index::MAX_CANDIDATES
            )));
        }
        let dismissed = study
            .dismissed_turns(&state.coder, &id)?
            .into_iter()
            .map(|(t, n)| (t, n as u64))
            .collect();
        let (index, _) = StudyIndex::open(&study, &mut |_| {})?;
        let found = index.similar(
            &book,
            &SimilarQuery {
                coder: state.coder.clone(),
                theme: id.clone(),
                dismissed,
                offset,
                limit,
                context: 60,
            },
        )?;
        Ok(Json(Similar {
            code: id,
            coder: state.coder.clone(),
            coded_turns: found.coded_turns,
            examples: found.examples,
            terms: found.terms,
            offset,
            limit,
            more: found.more,
            suggestions: found.suggestions,
        }))
    })
    .await
}

/// `POST /api/codes/{id}/similar/dismiss` body: the turn not to suggest again.
#[derive(Debug, Deserialize)]
pub(crate) struct Dismiss {
    transcript: String,
    /// 1-based.
    turn: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Dismissed {
    code: String,
    transcript: String,
    turn: usize,
    /// `false` when the coder had dismissed it already (nothing written).
    added: bool,
}

/// `POST /api/codes/{id}/similar/dismiss`: remembers, in `dismissed/<coder>.csv`, that the
/// acting coder does not want the turn suggested for code `id` again (logged as
/// `dismiss`). 201 when remembered, 200 when it was already.
pub(crate) async fn dismiss(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(d): Body<Dismiss>,
) -> ApiResult<(StatusCode, Json<Dismissed>)> {
    blocking(move || {
        let study = state.study()?;
        known_code(&study.codebook()?, &id)?;
        check_turn(&study, &d.transcript, d.turn)?;
        let added = study.dismiss(&state.coder, &d.transcript, d.turn, &id)?;
        let status = if added {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        Ok((
            status,
            Json(Dismissed {
                code: id,
                transcript: d.transcript,
                turn: d.turn,
                added,
            }),
        ))
    })
    .await
}

/// 404 for a code the codebook does not have, with the closest id.
fn known_code(book: &thematic_codebook::Codebook, id: &str) -> ApiResult<()> {
    match thematic_study::theme(book, id) {
        Ok(_) => Ok(()),
        Err(e @ StudyError::UnknownTheme { .. }) => {
            let hint = match &e {
                StudyError::UnknownTheme {
                    closest: Some(c), ..
                } => format!("; did you mean \"{c}\"?"),
                _ => String::new(),
            };
            Err(ApiError::not_found(format!("{e}{hint}")))
        }
        Err(e) => Err(e.into()),
    }
}

/// 404 for a turn the transcript does not have.
fn check_turn(study: &Study, transcript: &str, turn: usize) -> ApiResult<()> {
    let t = study.transcript(transcript)?;
    if turn == 0 || turn > t.turns.len() {
        return Err(ApiError::not_found(format!(
            "{transcript} has {} turns, not a turn {turn}",
            t.turns.len()
        )));
    }
    Ok(())
}
