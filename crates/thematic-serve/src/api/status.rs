//! Progress at a glance: where the analysis stands (`GET /api/status`, the Progress view
//! `#/status`), and how far the acting coder has read a transcript (`POST
//! /api/transcripts/{id}/read`, sent by the reader).
//!
//! | method and path | what |
//! | --- | --- |
//! | `GET /api/status` | [`thematic_study::Progress`] as JSON, the object `thematic status --format json` prints |
//! | `POST /api/transcripts/{id}/read` | `{turn}`: the furthest turn (1-based) the acting coder has scrolled to; the server keeps the furthest |
//!
//! The per-coder counts of codings come from the server's model (its index of each
//! codings file), so no coding is read for a status; the rest (codebook, memos, reading
//! records, versions) are small files read per request.
//!
//! A reported turn must be one of the transcript's: a turn past its last (a page left open
//! while the transcript was corrected to fewer turns) is refused with 400, nothing
//! recorded, rather than clamped, so a stale page cannot mark a transcript read.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use thematic_study::{Progress, Tallies, Tally};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id};
use crate::state::{AppState, blocking};

/// The Progress view's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/status", get(status))
        .route("/api/transcripts/{id}/read", post(read))
}

/// `GET /api/status`: where the analysis stands. The acting coder is listed even before
/// their first coding.
pub(crate) async fn status(State(state): State<Arc<AppState>>) -> ApiResult<Json<Progress>> {
    blocking(move || {
        let study = state.study()?;
        let mut tallies = Tallies::new();
        for coder in study.coders()? {
            let index = state.model.coder(&study, &coder)?;
            let per = index
                .progress
                .iter()
                .map(|(t, p)| {
                    let tally = Tally {
                        turns: p.turns.len(),
                        codings: p.codings,
                    };
                    (t.clone(), tally)
                })
                .collect();
            tallies.insert(coder, per);
        }
        tallies.entry(state.coder.clone()).or_default();
        Ok(Json(study.progress_with(&tallies)?))
    })
    .await
}

/// The body of `POST /api/transcripts/{id}/read`.
#[derive(Debug, Deserialize)]
pub(crate) struct Reached {
    /// The furthest turn reached, 1-based.
    turn: usize,
}

/// The answer: the transcript's reading record as it is now.
#[derive(Debug, Serialize)]
pub(crate) struct ReadingView {
    transcript: String,
    coder: String,
    /// The furthest turn reached.
    turn: usize,
    /// The transcript's turns.
    turns: usize,
    /// Read to the end.
    read: bool,
    /// This report moved the furthest turn on.
    changed: bool,
}

/// `POST /api/transcripts/{id}/read`: the acting coder reached turn `turn` of `id`.
pub(crate) async fn read(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(body): Body<Reached>,
) -> ApiResult<Json<ReadingView>> {
    blocking(move || {
        let study = state.study()?;
        let turns = study.transcript(&id)?.turns.len();
        if body.turn == 0 || body.turn > turns {
            return Err(ApiError::bad_request(format!(
                "{id} has turns 1 to {turns}; turn {} is not one of them (reload the \
                 transcript if it was corrected); nothing was recorded",
                body.turn
            )));
        }
        let done = study.record_reading(&state.coder, &id, body.turn, turns)?;
        Ok(Json(ReadingView {
            read: done.reading.finished(),
            transcript: id,
            coder: state.coder.clone(),
            turn: done.reading.turn,
            turns: done.reading.turns,
            changed: done.changed,
        }))
    })
    .await
}
