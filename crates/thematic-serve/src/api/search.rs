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
    /// At most this many turns (default 50, at most [`MAX_LIMIT`]).
    limit: Option<usize>,
    /// Skip this many turns (default 0, at most [`MAX_OFFSET`]): the next page.
    offset: Option<usize>,
    /// Include interviewer turns.
    #[serde(default)]
    all_speakers: bool,
}

/// The most turns one answer holds.
pub(crate) const MAX_LIMIT: usize = 200;
/// The furthest a page may start; a query with more hits than this is better narrowed.
pub(crate) const MAX_OFFSET: usize = 10_000;

#[derive(Debug, Serialize)]
pub(crate) struct Results {
    /// Matching turns in all.
    total: usize,
    /// Where this page starts.
    offset: usize,
    /// The page size used (after clamping).
    limit: usize,
    hits: Vec<SearchHit>,
}

/// `GET /api/search?q=&offset=&limit=&all_speakers=`: one page of hits. The index is brought up to date first (built
/// on first use), under the index's file lock, so concurrent searches do not update it twice.
pub(crate) async fn search(
    State(state): State<Arc<AppState>>,
    Params(q): Params<Query>,
) -> ApiResult<Json<Results>> {
    blocking(move || {
        if q.q.trim().is_empty() {
            return Err(ApiError::bad_request("type something to search for"));
        }
        let limit = q.limit.unwrap_or(50).clamp(1, MAX_LIMIT);
        let offset = q.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(ApiError::bad_request(format!(
                "a page starts at most {MAX_OFFSET} turns in; narrow the search instead"
            )));
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
                limit: offset + limit,
                context: 60,
            },
        )?;
        Ok(Json(Results {
            total: results.total,
            offset,
            limit,
            hits: results.hits.into_iter().skip(offset).collect(),
        }))
    })
    .await
}
