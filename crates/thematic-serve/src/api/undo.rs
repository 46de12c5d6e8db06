//! Undo and redo of the acting coder's own last coding actions (code, uncode, recode, a new
//! code, a memo): `thematic undo` and `thematic redo`, derived from the change log by the
//! study ([`thematic_study::Study::undo`]). When the codings file was edited in place the
//! server's index follows the edit, as after a removal in the page.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use thematic_study::{Step, Study};

use crate::error::ApiResult;
use crate::state::{AppState, blocking};

#[derive(Debug, Serialize)]
pub(crate) struct Done {
    /// `undo` or `redo`.
    step: &'static str,
    /// The action undone or redone (`code`, `uncode`, `recode`, `add`, `memo`).
    action: String,
    /// What was done, in words (the line `thematic undo` prints).
    done: String,
    /// What kind of change: `removed`, `restored`, `rethemed` (a coding), `theme-retired`,
    /// `theme-restored`, `memo-removed`, `memo-restored` ([`thematic_study::Effect::kind`]).
    effect: &'static str,
    /// The theme concerned (the coding's now, or the theme retired or restored).
    theme: Option<String>,
    /// The transcript whose codings changed, if a coding did: the page reloads it.
    transcript: Option<String>,
    /// The coding's turn, if a coding changed.
    turn: Option<usize>,
    /// Worth knowing (a coding brought back under a retired theme).
    note: Option<String>,
}

fn step(state: &AppState, study: &Study, step: Step) -> ApiResult<Done> {
    // The index brought up to date first, so that it can follow the edit (it follows only
    // from the file's state just before).
    state.model.coder(study, &state.coder)?;
    let undone = match step {
        Step::Undo => study.undo(&state.coder)?,
        Step::Redo => study.redo(&state.coder)?,
    };
    if let Some(splice) = undone.effect.splice() {
        state.model.follow(&state.coder, splice)?;
    }
    Ok(Done {
        step: step.as_str(),
        action: undone.action.clone(),
        done: undone.effect.to_string(),
        effect: undone.effect.kind(),
        theme: undone.effect.theme().map(str::to_string),
        transcript: undone.effect.coding().map(|c| c.transcript.clone()),
        turn: undone.effect.coding().map(|c| c.turn),
        note: undone.note.clone(),
    })
}

/// `POST /api/undo`
pub(crate) async fn undo(State(state): State<Arc<AppState>>) -> ApiResult<Json<Done>> {
    blocking(move || {
        let study = state.study()?;
        Ok(Json(step(&state, &study, Step::Undo)?))
    })
    .await
}

/// `POST /api/redo`
pub(crate) async fn redo(State(state): State<Arc<AppState>>) -> ApiResult<Json<Done>> {
    blocking(move || {
        let study = state.study()?;
        Ok(Json(step(&state, &study, Step::Redo)?))
    })
    .await
}
