//! A transcript's recording, and the sync times set from the reader.
//!
//! `GET /api/media/{transcript_id}` streams the recording linked to the transcript in the
//! study's `media.csv`, and nothing else: the id is only compared with the rows of
//! `media.csv` ([`thematic_study::Study::media`]), never joined to a path, so no part of
//! the request reaches the file system. The file is served by tower-http's `ServeFile`,
//! which answers a `Range: bytes=…` request with `206 Partial Content` and its
//! `Content-Range` (one range; open-ended `500-` and suffix `-500` too), an unsatisfiable
//! or multi-part range with `416` and `Content-Range: bytes */size`, a plain request with
//! the whole file, and always sends `Accept-Ranges: bytes`. It seeks to the range's start
//! and streams the file in 64 KiB chunks, so a seek into a 1 GB recording reads only what
//! is sent, and the server's memory does not grow with the file (BENCHMARKS.md,
//! "Recordings"). The content type is the study's, from the link's extension.
//!
//! `POST /api/transcripts/{id}/sync` `{turn_start, ms}` sets (`ms` a number of
//! milliseconds) or clears (`ms: null`) the sync time of the turn that starts at code point
//! `turn_start`, as the acting coder, and answers `{turn_start, synced_ms}`.

use std::sync::Arc;

use axum::Json;
use axum::body::Body as AxumBody;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use thematic_study::{MediaLink, Study};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id};
use crate::state::{AppState, blocking};

/// The recording as the reader needs it: where to fetch it and what it is.
#[derive(Debug, Serialize)]
pub(crate) struct MediaView {
    /// `/api/media/{id}`, percent-encoded.
    url: String,
    /// `audio` or `video`.
    kind: &'static str,
    /// The content type.
    mime: &'static str,
}

/// The reader's view of transcript `id`'s recording, `None` when none is linked. A link
/// whose file is missing is still shown (the player reports that it cannot load it, and
/// `thematic check` says why).
pub(crate) fn media_view(study: &Study, id: &str) -> ApiResult<Option<MediaView>> {
    Ok(study.media(id)?.map(|m| MediaView {
        url: format!("/api/media/{}", encode(id)),
        kind: m.kind.as_str(),
        mime: m.mime,
    }))
}

/// `id` percent-encoded for a path segment (ids are letters, digits, `-` and `_`, but a
/// hand-edited `media.csv` may hold anything).
fn encode(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /api/media/{id}` (and `HEAD`): the linked recording, with range requests.
pub(crate) async fn media(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    req: Request,
) -> ApiResult<Response> {
    let link: MediaLink = blocking(move || {
        let study = state.study()?;
        study.media(&id)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "no recording is linked to transcript \"{id}\"; link one with `thematic \
                 media link {id} FILE`"
            ))
        })
    })
    .await?;
    if !link.path.is_file() {
        return Err(ApiError::not_found(format!(
            "the recording of {} ({}) is not there any more; `thematic check` says what to do",
            link.transcript, link.stored
        )));
    }
    let mime = link
        .mime
        .parse()
        .map_err(|_| ApiError::internal("a recording's content type did not parse"))?;
    let mut serve = tower_http::services::ServeFile::new_with_mime(&link.path, &mime);
    let answer = serve.try_call(req).await.map_err(|e| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("the recording of {} cannot be read: {e}", link.transcript),
        )
    })?;
    // The security headers add `Cache-Control: no-store` to this answer too, so the
    // browser keeps no copy of the recording in its disk cache.
    let (parts, body) = answer.into_parts();
    Ok(Response::from_parts(parts, AxumBody::new(body)).into_response())
}

/// The body of `POST /api/transcripts/{id}/sync`.
#[derive(Debug, Deserialize)]
pub(crate) struct SyncBody {
    /// The turn's start, in code points.
    turn_start: usize,
    /// Milliseconds from the recording's start; `null` clears the time.
    ms: Option<i64>,
}

/// The answer: the turn and its time now.
#[derive(Debug, Serialize)]
pub(crate) struct SyncAnswer {
    turn_start: usize,
    /// The turn's sync time now (`null`: none).
    synced_ms: Option<i64>,
}

/// `POST /api/transcripts/{id}/sync`
pub(crate) async fn sync(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(body): Body<SyncBody>,
) -> ApiResult<Json<SyncAnswer>> {
    blocking(move || {
        let study = state.study()?;
        let synced_ms = study.set_sync_time(&id, body.turn_start, body.ms, &state.coder)?;
        Ok(Json(SyncAnswer {
            turn_start: body.turn_start,
            synced_ms,
        }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_percent_encoded_for_the_address() {
        assert_eq!(encode("P6"), "P6");
        assert_eq!(encode("focus-group_2"), "focus-group_2");
        // A hand-edited media.csv: space, slash and non-ASCII (é is C3 A9 in UTF-8).
        assert_eq!(encode("P 1/../é"), "P%201%2F..%2F%C3%A9");
    }
}
