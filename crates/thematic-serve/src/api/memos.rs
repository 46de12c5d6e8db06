//! Memos on codings, themes and transcripts, and the journal: `memos/<coder>.md`, written
//! with the same call as `thematic memo add`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use thematic_study::MemoAbout;

use super::study::MemoView;
use crate::error::{ApiError, ApiResult};
use crate::extract::Body;
use crate::state::{AppState, blocking};

/// `POST /api/memos` body: `about` is `journal`, `theme`, `transcript` or `coding`, and
/// `target` the id it is about (empty for the journal).
#[derive(Debug, Deserialize)]
pub(crate) struct NewMemo {
    about: String,
    #[serde(default)]
    target: String,
    text: String,
}

/// `GET /api/memos`: the acting coder's memos, oldest first.
pub(crate) async fn list(State(state): State<Arc<AppState>>) -> ApiResult<Json<Vec<MemoView>>> {
    blocking(move || {
        let study = state.study()?;
        let mut memos = study.memos_of(&state.coder)?;
        memos.sort_by(|a, b| a.when.cmp(&b.when));
        Ok(Json(memos.iter().map(MemoView::from).collect()))
    })
    .await
}

/// `POST /api/memos`
pub(crate) async fn add(
    State(state): State<Arc<AppState>>,
    Body(new): Body<NewMemo>,
) -> ApiResult<(StatusCode, Json<MemoView>)> {
    blocking(move || {
        let study = state.study()?;
        if new.text.trim().is_empty() {
            return Err(ApiError::bad_request("the memo is empty; write its text"));
        }
        let target = new.target.trim().to_string();
        let about = match new.about.as_str() {
            "journal" => MemoAbout::Journal,
            "theme" => {
                let book = study.codebook()?;
                if book.get(&target).is_none() {
                    return Err(ApiError::bad_request(format!(
                        "no theme \"{target}\" in the codebook"
                    )));
                }
                MemoAbout::Theme(target)
            }
            "transcript" => {
                if study.transcript_file(&target)?.is_none() {
                    return Err(ApiError::bad_request(format!(
                        "no transcript \"{target}\" in the study"
                    )));
                }
                MemoAbout::Transcript(target)
            }
            "coding" => {
                let mine = study.codings_of(&state.coder)?;
                if !mine.codings.iter().any(|c| c.id == target) {
                    return Err(ApiError::bad_request(format!(
                        "{} has no coding \"{target}\"",
                        state.coder
                    )));
                }
                MemoAbout::Coding(target)
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "a memo is about a coding, theme, transcript or the journal, not \"{other}\""
                )));
            }
        };
        let memo = study.add_memo(&state.coder, about, &new.text)?;
        Ok((StatusCode::CREATED, Json(MemoView::from(&memo))))
    })
    .await
}
