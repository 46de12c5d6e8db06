//! Keyword-in-context search over the study's index, as `thematic search` does.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use thematic_index::{Scope, SearchHit, SearchQuery, StudyIndex};

use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};

#[derive(Debug, Deserialize)]
pub(crate) struct Query {
    /// The query, in `thematic search`'s syntax.
    q: String,
    /// At most this many turns (default 50).
    limit: Option<usize>,
    /// Include interviewer turns.
    #[serde(default)]
    all_speakers: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct Results {
    total: usize,
    hits: Vec<SearchHit>,
}

/// `GET /api/search?q=&limit=&all_speakers=`. The index is brought up to date first (built
/// on first use), under the index's file lock, so concurrent searches do not update it twice.
pub(crate) async fn search(
    State(state): State<Arc<AppState>>,
    Params(q): Params<Query>,
) -> ApiResult<Json<Results>> {
    blocking(move || {
        if q.q.trim().is_empty() {
            return Err(ApiError::bad_request("type something to search for"));
        }
        let study = state.study()?;
        let book = study.codebook()?;
        let (index, _) = StudyIndex::open(&study, &mut |_| {})?;
        let results = index.search(
            &book,
            &SearchQuery {
                query: q.q.clone(),
                scope: Scope {
                    exact: false,
                    all_speakers: q.all_speakers,
                    coder: None,
                },
                limit: q.limit.unwrap_or(50),
                context: 60,
            },
        )?;
        Ok(Json(Results {
            total: results.total,
            hits: results.hits,
        }))
    })
    .await
}
