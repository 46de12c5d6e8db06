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
            "theme" => MemoAbout::Theme(target),
            "transcript" => MemoAbout::Transcript(target),
            "coding" => MemoAbout::Coding(target),
            other => {
                return Err(ApiError::bad_request(format!(
                    "a memo is about a coding, theme, transcript or the journal, not \"{other}\""
                )));
            }
        };
        // A target that is not there is a fault of the request's body: a 400, not a 404.
        if let Err(e) = study.check_memo_about(&state.coder, &about) {
            let e = ApiError::from(e);
            return Err(if e.status.is_client_error() {
                ApiError::bad_request(e.message)
            } else {
                e
            });
        }
        let memo = study.add_memo(&state.coder, about, &new.text)?;
        Ok((StatusCode::CREATED, Json(MemoView::from(&memo))))
    })
    .await
}
