//! Downloads: the quote table in every export format (the study crate's writers, as
//! `thematic quotes` uses them) and the thematic map (as `thematic map --counts`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use thematic_codebook::{MapOptions, map_svg};
use thematic_report::CoderSelection;
use thematic_report::quotes::{
    Quote, QuoteFormat, QuoteOptions, QuoteTable, ThemeQuotes, quote_json,
};
use thematic_study::{Study, StudyError};

use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};

#[derive(Debug, Deserialize)]
pub(crate) struct QuotesQuery {
    /// A [`QuoteFormat`] by name (default `json`).
    format: Option<String>,
    /// Whose codings, comma-separated and pooled (default: the acting coder).
    coder: Option<String>,
    /// `1` to show in the page rather than download: with the JSON format, one page of
    /// the table (`offset`, `limit`), filtered by `theme` and `participant`.
    #[serde(default)]
    inline: Option<String>,
    /// The first quote of the page (default 0).
    offset: Option<usize>,
    /// Quotes in the page (default 100, at most [`MAX_PAGE`]).
    limit: Option<usize>,
    /// Only this theme and the themes under it.
    theme: Option<String>,
    /// Only this participant.
    participant: Option<String>,
}

/// The most quotes one page of the quote view holds.
pub(crate) const MAX_PAGE: usize = 500;

/// One page of the quote view.
#[derive(Debug, Serialize)]
struct QuotePage {
    /// Quotes after the filters, in all pages.
    total: usize,
    offset: usize,
    limit: usize,
    /// The quotes of this page, as the JSON download writes them.
    quotes: Vec<serde_json::Value>,
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
        let inline = q.inline.as_deref() == Some("1");
        let table = if inline && format == QuoteFormat::Json {
            quote_view_table(&state, &study, coders)?
        } else {
            Arc::new(thematic_report::quotes::quote_table(
                &study,
                &QuoteOptions::new(CoderSelection::Pooled(coders)),
            )?)
        };
        if inline && format == QuoteFormat::Json {
            return Ok(Json(page(&table, &q)).into_response());
        }
        let bytes = table.render(format, false)?;
        let disposition = if inline {
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

/// The quote table the view pages through, built once per state of the files it comes
/// from.
pub(crate) fn quote_view_table(
    state: &AppState,
    study: &Study,
    coders: Vec<String>,
) -> ApiResult<Arc<QuoteTable>> {
    let key = format!(
        "{}\u{0}{}",
        coders.join(","),
        state.model.study_key(study, &coders)?
    );
    state.model.memoized("quotes", &key, || {
        Ok(thematic_report::quotes::quote_table(
            study,
            &QuoteOptions::new(CoderSelection::Pooled(coders)),
        )?)
    })
}

/// The thematic map with everyone's counts, drawn once per state of the files it comes
/// from.
pub(crate) fn map_of(state: &AppState, study: &Study) -> ApiResult<Arc<String>> {
    let key = state.model.study_key(study, &study.coders()?)?;
    state.model.memoized("map", &key, || {
        let book = study.codebook()?;
        let mut opts = MapOptions::default();
        opts.notes.extend(thematic_report::map_notes(study, &book)?);
        Ok(map_svg(&book.current(), &opts))
    })
}

/// The page of `table` that `q` asks for.
fn page(table: &QuoteTable, q: &QuotesQuery) -> QuotePage {
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_PAGE);
    let wanted = |t: &ThemeQuotes, quote: &Quote| {
        q.theme
            .as_deref()
            .is_none_or(|id| t.theme.id == id || t.ancestors.iter().any(|a| a.id == id))
            && q.participant
                .as_deref()
                .is_none_or(|p| quote.participant == p)
    };
    let mut total = 0;
    let mut quotes = Vec::new();
    for (t, quote) in table.rows().filter(|(t, quote)| wanted(t, quote)) {
        if total >= offset && quotes.len() < limit {
            quotes.push(quote_json(t, quote));
        }
        total += 1;
    }
    QuotePage {
        total,
        offset,
        limit,
        quotes,
    }
}

/// `GET /api/map.svg`: the current codebook's thematic map with everyone's counts.
pub(crate) async fn map(State(state): State<Arc<AppState>>) -> ApiResult<Response> {
    blocking(move || {
        let study = state.study()?;
        let svg = map_of(&state, &study)?;
        let svg = String::clone(&svg);
        Ok((
            [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
            svg,
        )
            .into_response())
    })
    .await
}
