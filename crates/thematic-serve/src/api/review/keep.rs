//! Resolving a shared code from the review: keep it in this theme only.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use thematic_codebook::Placement;
use thematic_study::{StudyError, theme_codes};

use super::current_theme;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id};
use crate::state::{AppState, blocking};

/// `POST /api/review/{id}/keep` body.
#[derive(Debug, Deserialize)]
pub(crate) struct Keep {
    code: String,
    /// A note for the reflexive journal, if any.
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Kept1 {
    code: String,
    /// The themes it left.
    left: Vec<String>,
}

/// `POST /api/review/{id}/keep`: the shared code stays in theme `id` only: moved under it
/// when its parent is outside it, then taken out of every theme it also sat in; each step
/// a logged codebook edit, as on the board.
pub(crate) async fn keep(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(k): Body<Keep>,
) -> ApiResult<Json<Kept1>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        current_theme(&book, &id)?;
        let Some(code) = book.get(&k.code).cloned() else {
            return Err(StudyError::UnknownTheme {
                id: k.code.clone(),
                closest: None,
            }
            .into());
        };
        if !theme_codes(&book, &id).iter().any(|c| c.id == code.id) {
            return Err(ApiError::bad_request(format!(
                "\"{}\" does not sit in \"{id}\"",
                code.id
            )));
        }
        let within: BTreeSet<String> = book
            .subtree(&id)
            .into_iter()
            .map(|e| e.id.clone())
            .collect();
        let who = state.coder.as_str();
        let note = k.note.as_deref().filter(|n| !n.trim().is_empty());
        let mut left = Vec::new();
        if !code.parent.as_ref().is_some_and(|p| within.contains(p)) {
            left.extend(code.parent.clone());
            study.place_code(&code.id, Some(&id), Placement::Move, note, who)?;
        }
        let now = study.codebook()?;
        let also = now
            .get(&code.id)
            .map(|e| e.also_in.clone())
            .unwrap_or_default();
        for a in also {
            study.place_code(&code.id, Some(&a), Placement::Leave, None, who)?;
            left.push(a);
        }
        Ok(Json(Kept1 {
            code: code.id,
            left,
        }))
    })
    .await
}
