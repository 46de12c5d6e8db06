//! Downloads: the quote table in every export format (the study crate's writers, as
//! `thematic quotes` uses them) and the thematic map (as `thematic map --counts`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use thematic_codebook::{MapOptions, map_svg};
use thematic_report::CoderSelection;
use thematic_report::quotes::{QuoteFormat, QuoteOptions};
use thematic_study::StudyError;

use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};

#[derive(Debug, Deserialize)]
pub(crate) struct QuotesQuery {
    /// A [`QuoteFormat`] by name (default `json`).
    format: Option<String>,
    /// Whose codings, comma-separated and pooled (default: the acting coder).
    coder: Option<String>,
    /// `1` to show in the page rather than download.
    #[serde(default)]
    inline: Option<String>,
}

/// `GET /api/quotes?format=&coder=`: every quote of the coder(s), theme by theme.
pub(crate) async fn quotes(
    State(state): State<Arc<AppState>>,
    Params(q): Params<QuotesQuery>,
) -> ApiResult<Response> {
    blocking(move || {
        let name = q.format.as_deref().unwrap_or("json");
        let Some(format) = QuoteFormat::from_name(name) else {
            return Err(ApiError::bad_request(format!(
                "no quote format \"{name}\"; use one of {}",
                QuoteFormat::ALL.map(QuoteFormat::name).join(", ")
            )));
        };
        let study = state.study()?;
        let coders: Vec<String> = match &q.coder {
            Some(list) => list
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
            None => vec![state.coder.clone()],
        };
        let known = study.coders()?;
        for c in &coders {
            if !known.contains(c) && *c != state.coder {
                return Err(StudyError::unknown_coder(c, &known).into());
            }
        }
        if coders.is_empty() {
            return Err(ApiError::bad_request("name at least one coder"));
        }
        let table = thematic_report::quotes::quote_table(
            &study,
            &QuoteOptions::new(CoderSelection::Pooled(coders)),
        )?;
        let bytes = table.render(format, false)?;
        let disposition = if q.inline.as_deref() == Some("1") {
            "inline".to_string()
        } else {
            format!("attachment; filename=\"quotes.{format}\"")
        };
        Ok((
            [
                (header::CONTENT_TYPE, format.content_type().to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response())
    })
    .await
}

/// `GET /api/map.svg`: the current codebook's thematic map with everyone's counts.
pub(crate) async fn map(State(state): State<Arc<AppState>>) -> ApiResult<Response> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let mut opts = MapOptions::default();
        opts.notes
            .extend(thematic_report::map_notes(&study, &book)?);
        let svg = map_svg(&book.current(), &opts);
        Ok((
            [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
            svg,
        )
            .into_response())
    })
    .await
}
