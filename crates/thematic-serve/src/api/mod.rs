//! The routes. Pages and assets at the top, the JSON API under `/api/`; every route is
//! behind the token check in [`crate::auth`], and every answer, refusals included, carries
//! its security headers. A body may hold at most [`crate::MAX_BODY_BYTES`]. Answers read the study through the server's
//! [`crate::model::Model`] and are paged and filtered here, so no view sends a whole large
//! study.
//!
//! | method and path | what |
//! | --- | --- |
//! | `GET /api/study` | the study's name, the acting coder, every coder, the codebook |
//! | `GET /api/transcripts` | the transcripts, with each coder's progress |
//! | `GET /api/transcripts/{id}` | one transcript's turns, the acting coder's codings and memos |
//! | `POST /api/codings` | code `{transcript, start, end, theme, memo?, text?}` (`text`: the words selected, placed where they are now) |
//! | `PATCH /api/codings/{id}` | change a coding's theme `{theme}` |
//! | `DELETE /api/codings/{id}` | remove a coding |
//! | `GET /api/memos` | the acting coder's memos |
//! | `POST /api/memos` | write a memo `{about, target, text}` |
//! | `GET /api/compare` | two coders' agreement, one transcript's disagreements (with counts per transcript) and codings |
//! | `GET /api/search` | keyword-in-context search, one page (`offset`, `limit` ≤ 200) |
//! | `GET /api/quotes` | the quote table in any export format; with `inline=1` and JSON, one page (`offset`, `limit` ≤ 500, `theme`, `participant`) |
//! | `GET /api/map.svg` | the thematic map |
//! | `GET /api/board`, `POST /api/board/place`, `POST /api/board/themes[/{id}/split\|merge\|discard\|status]` | the theme board (`board.rs`) |
//! | `GET /api/versions`, `POST /api/versions`, `GET /api/versions/diff`, `GET /api/versions/{name}/map.svg` | versions of the map |
//! | `GET /api/review/{id}` and below, `/api/stars` | a theme's review (`review.rs`) |
//! | `GET /api/status`, `POST /api/transcripts/{id}/read` | progress (`status.rs`) |
//! | `GET /api/anonymise`, `/api/anonymise/extracts`, `POST /api/anonymise/decision\|terms\|scan` | reviewing the anonymisation candidates of `anonymisation/review.csv` (`anonymise.rs`) |
//! | `POST /api/transcripts/{id}/turns/{n}/text` | correct a turn's words `{text, base?, dry_run?}`; codings re-anchored (`edit.rs`) |
//! | `GET /api/media/{id}` | the transcript's linked recording, streamed, with range requests (206, 416) (`media.rs`) |
//! | `POST /api/transcripts/{id}/sync` | set or clear a turn's sync time `{turn_start, ms}` (`ms: null` clears) (`media.rs`) |

mod agreement;
mod anonymise;
mod board;
mod codes;
mod codings;
mod compare;
mod edit;
mod exports;
mod media;
mod memos;
mod quote_view;
mod review;
mod search;
mod similar;
mod status;
mod study;
mod undo;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, patch};

use crate::error::ApiError;
use crate::state::AppState;

/// Computes, on the warming thread, what the views show first and what is slow to compute:
/// the model's summaries and indexes, the acting coder's quote table, the map, Compare of
/// the acting coder and the next, the search index, and where the anonymisation review's
/// terms occur (when the study has a review). A failure here is only a cold start: the
/// request reports it.
pub(crate) fn warm(state: &AppState, study: &thematic_study::Study) {
    state.model.warm(study);
    let _ = quote_view::quote_view(state, study, vec![state.coder.clone()]);
    let _ = exports::map_of(state, study, std::slice::from_ref(&state.coder));
    let _ = compare::warm(state, study);
    state.model.one_heavy(|| {
        let _ = thematic_index::StudyIndex::open(study, &mut |_| {});
    });
    anonymise::warm(state, study);
}

/// The whole app.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(crate::assets::index))
        .route("/app.css", get(crate::assets::css))
        .route("/app.js", get(crate::assets::js))
        .route("/js/{name}", get(crate::assets::module))
        .route("/api/study", get(study::study))
        .route("/api/transcripts", get(study::transcripts))
        .route("/api/transcripts/{id}", get(study::transcript))
        .route("/api/transcripts/{id}/turns/{n}", get(codes::turn))
        .route(
            "/api/transcripts/{id}/turns/{n}/text",
            axum::routing::post(edit::turn_text),
        )
        .route(
            "/api/transcripts/{id}/sync",
            axum::routing::post(media::sync),
        )
        .route("/api/media/{id}", get(media::media))
        .route("/api/counts", get(codes::counts))
        .route("/api/undo", axum::routing::post(undo::undo))
        .route("/api/redo", axum::routing::post(undo::redo))
        .route("/api/codes", axum::routing::post(codes::create))
        .route("/api/codes/{id}", patch(codes::change))
        .route("/api/codes/{id}/merge", axum::routing::post(codes::merge))
        .route("/api/codes/{id}/retire", axum::routing::post(codes::retire))
        .route("/api/codes/{id}/similar", get(similar::similar))
        .route(
            "/api/codes/{id}/similar/dismiss",
            axum::routing::post(similar::dismiss),
        )
        .route("/api/codings", axum::routing::post(codings::add))
        .route(
            "/api/codings/{id}",
            patch(codings::change).delete(codings::remove),
        )
        .route("/api/memos", get(memos::list).post(memos::add))
        .route("/api/compare", get(compare::compare))
        .route("/api/search", get(search::search))
        .route("/api/quotes", get(exports::quotes))
        .route("/api/map.svg", get(exports::map))
        .merge(board::routes())
        .merge(review::routes())
        .merge(status::routes())
        .merge(anonymise::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::require_token,
        ))
        .layer(axum::middleware::from_fn(crate::auth::security_headers))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("nothing at {}", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method}", uri.path()),
    )
}
