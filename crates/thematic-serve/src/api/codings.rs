//! Coding, uncoding and changing a coding's theme: the same store calls and change-log rows
//! as `thematic code` and `thematic uncode`, so the browser and the command line interleave
//! safely.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use thematic_study::{
    Added, Coding, Scan, Study, codable_theme, new_coding_id, now_rfc3339, same_span,
};

use super::study::CodingView;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id};
use crate::state::{AppState, blocking};

/// `POST /api/codings` body. Offsets are Unicode code points into the transcript's
/// normalized text, end exclusive, as in `codings/<coder>.csv`.
#[derive(Debug, Deserialize)]
pub(crate) struct NewCoding {
    pub transcript: String,
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub memo: String,
    /// The words selected, as the client read them. When the transcript was corrected
    /// since (`transcripts update`), the offsets may hold other words now: the coding is
    /// then placed on these words where they are now, under the coder's lock, or refused
    /// (409) when they are gone. Without it the offsets are coded as they read now.
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Coded {
    /// False when the coder already had this theme on this span (nothing changed).
    added: bool,
    coding: CodingView,
}

/// `POST /api/codings`
pub(crate) async fn add(
    State(state): State<Arc<AppState>>,
    Body(new): Body<NewCoding>,
) -> ApiResult<(StatusCode, Json<Coded>)> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let theme = codable_theme(&book, &new.theme)?.id.clone();
        let (added, coding) = code_span(&state, &study, &new, &theme)?;
        let status = if added {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        Ok((
            status,
            Json(Coded {
                added,
                coding: CodingView::from(&coding),
            }),
        ))
    })
    .await
}

/// Codes `new`'s span of its transcript with `theme` for the acting coder (a codable theme,
/// checked again under the coder's lock): whether it was added (else the coder already had
/// it, which is returned), and the coding.
pub(crate) fn code_span(
    state: &AppState,
    study: &Study,
    new: &NewCoding,
    theme: &str,
) -> Result<(bool, Coding), ApiError> {
    let transcript = study.transcript(&new.transcript)?;
    if new.start >= new.end {
        return Err(ApiError::bad_request(
            "the selection is empty: select the words to code",
        ));
    }
    let here: String = transcript
        .text
        .chars()
        .skip(new.start)
        .take(new.end - new.start)
        .collect();
    // The words the client selected, if it says. Other words at the offsets now mean the
    // transcript was corrected since the client read it: the offsets are not checked against
    // the turns, and the coding is placed on its words under the lock (`code_placed_with`:
    // moved onto them where they are now, or refused with a 409 when they are gone).
    let stale = new.text.as_ref().is_some_and(|words| *words != here);
    let inside = transcript
        .turns
        .iter()
        .enumerate()
        .find(|(_, t)| t.start <= new.start && new.start < t.end);
    let i = match inside {
        Some((i, _)) if stale => i,
        // The last turn starting before the stale offsets: where re-anchoring looks first.
        None if stale => transcript
            .turns
            .iter()
            .rposition(|t| t.start <= new.start)
            .unwrap_or(0),
        Some((i, turn)) if new.end <= turn.end => i,
        Some((i, _)) => {
            return Err(ApiError::bad_request(format!(
                "the selection runs past the end of turn {}; a coding lies within one turn: \
                 select within one turn and code each turn on its own",
                i + 1
            )));
        }
        None => {
            return Err(ApiError::bad_request(format!(
                "characters {}–{} are not inside a turn of {}",
                new.start, new.end, new.transcript
            )));
        }
    };
    let text = if stale {
        new.text.clone().unwrap_or(here)
    } else {
        here
    };
    let coding = Coding {
        id: new_coding_id(),
        coder: state.coder.clone(),
        transcript: new.transcript.clone(),
        turn: i + 1,
        start: new.start,
        end: new.end,
        theme: theme.to_string(),
        text,
        memo: new.memo.trim().to_string(),
        created: now_rfc3339(),
        status: Default::default(),
    };
    // Whether the coder has this coding already, from the server's index of their file
    // (brought up to date under the coder's lock): a read of this transcript's rows
    // instead of a byte search through every coding.
    // A coding whose transcript changed since it was read comes back moved onto its words.
    let (added, coding) = study.code_placed_with(&coding, |_| {
        let index = state.model.coder(study, &state.coder)?;
        let rows = index.codings_in(&coding.transcript)?;
        Ok(match rows.into_iter().find(|c| same_span(c, &coding)) {
            Some(c) => Scan::Found(c.id),
            None => Scan::NotFound,
        })
    })?;
    match added {
        Added::New => Ok((true, coding)),
        Added::Existing(id) => {
            let same = state
                .model
                .coder(study, &state.coder)?
                .codings_in(&coding.transcript)?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or_else(|| ApiError::internal(format!("coding {id} vanished")))?;
            Ok((false, same))
        }
    }
}

/// `PATCH /api/codings/{id}` body.
#[derive(Debug, Deserialize)]
pub(crate) struct Change {
    theme: String,
}

/// `PATCH /api/codings/{id}`: give one of the acting coder's codings another theme.
pub(crate) async fn change(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(change): Body<Change>,
) -> ApiResult<Json<CodingView>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let theme = codable_theme(&book, &change.theme)?.id.clone();
        state.model.coder(&study, &state.coder)?;
        let Some(recoded) = study.recode(&state.coder, &id, &theme)? else {
            return Err(missing(&state.coder, &id));
        };
        if let Some(splice) = &recoded.splice {
            state.model.follow(&state.coder, splice)?;
        }
        let coding = recoded.coding;
        Ok(Json(CodingView::from(&coding)))
    })
    .await
}

/// `DELETE /api/codings/{id}`: what `thematic uncode` does.
pub(crate) async fn remove(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
) -> ApiResult<Json<CodingView>> {
    blocking(move || {
        let study = state.study()?;
        // Up to date first, so the index can follow the cut (see `Model::follow`).
        state.model.coder(&study, &state.coder)?;
        let Some(removed) = study.uncode_with(&state.coder, &id)? else {
            return Err(missing(&state.coder, &id));
        };
        if let Some(splice) = &removed.splice {
            state.model.follow(&state.coder, splice)?;
        }
        Ok(Json(CodingView::from(&removed.coding)))
    })
    .await
}

fn missing(coder: &str, id: &str) -> ApiError {
    ApiError::not_found(format!(
        "{coder} has no coding \"{id}\" (it may have been removed meanwhile; reload the page)"
    ))
}
