//! Downloads: the quote table in every export format (the study crate's writers, as
//! `thematic quotes` uses them) and the thematic map (as `thematic map --counts`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use thematic_codebook::{MapOptions, map_svg};
use thematic_report::CoderSelection;
use thematic_report::quotes::{QuoteFormat, QuoteOptions};
use thematic_study::{Study, StudyError};

use super::quote_view::{page, quote_view};
use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};

#[derive(Debug, Deserialize)]
pub(crate) struct QuotesQuery {
    /// A [`QuoteFormat`] by name (default `json`).
    pub format: Option<String>,
    /// Whose codings, comma-separated and pooled (default: the acting coder).
    pub coder: Option<String>,
    /// `1` to show in the page rather than download: with the JSON format, one page of
    /// the table (`offset`, `limit`), filtered by `theme` and `participant`.
    #[serde(default)]
    pub inline: Option<String>,
    /// The first quote of the page (default 0).
    pub offset: Option<usize>,
    /// Quotes in the page (default 100, at most [`MAX_PAGE`](super::quote_view::MAX_PAGE)).
    pub limit: Option<usize>,
    /// Only this theme and the themes under it.
    pub theme: Option<String>,
    /// Only this participant.
    pub participant: Option<String>,
    /// Only participants with this attribute value, `name:value` (the quote view).
    pub attribute: Option<String>,
    /// Downloads: `1` to cut quotes back to whole sentences (`thematic quotes --trim`).
    pub trim: Option<String>,
    /// Downloads: at most this many quotes per theme, spread across participants.
    pub per_theme: Option<usize>,
    /// Downloads: what follows a quote, comma-separated (`participant,gender`).
    pub attribution: Option<String>,
    /// Downloads: `1` to pseudonymise accepted identifiers in this file only
    /// (`thematic quotes --anonymise`).
    pub anonymise: Option<String>,
    /// Downloads: `1` to write accepted identifiers as they are (`--allow-identifiers`).
    pub allow_identifiers: Option<String>,
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
        if inline && format == QuoteFormat::Json {
            let kept = quote_view(&state, &study, coders)?;
            return Ok(Json(page(&state, &study, &kept, &q)?).into_response());
        }
        let mut options = QuoteOptions::new(CoderSelection::Pooled(coders));
        options.themes.extend(q.theme.clone());
        options.participants.extend(q.participant.clone());
        options.trim = q.trim.as_deref() == Some("1");
        options.per_theme = q.per_theme.filter(|n| *n > 0);
        if let Some(fields) = &q.attribution {
            options.attribution = fields
                .split(',')
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect();
        }
        let mut table = thematic_report::quotes::quote_table(&study, &options)?;
        // The identifier guard of every export (`thematic_study::Guard`).
        let mode = thematic_study::GuardMode::from_flags(
            q.allow_identifiers.as_deref() == Some("1"),
            q.anonymise.as_deref() == Some("1"),
        );
        table.screen(&thematic_study::Guard::from_study(&study)?, mode)?;
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

/// The thematic map with the counts of `coders`' codings, drawn once per state of the
/// files it comes from; the counts come from the coders' indexes, not from reading every
/// coding.
pub(crate) fn map_of(state: &AppState, study: &Study, coders: &[String]) -> ApiResult<Arc<String>> {
    let key = format!(
        "{}\u{0}{}",
        coders.join(","),
        state.model.study_key(study, coders)?
    );
    state.model.memoized("map", &key, || {
        let book = study.codebook()?;
        let index = coders
            .iter()
            .map(|c| state.model.coder(study, c))
            .collect::<Result<Vec<_>, _>>()?;
        let tallies = index.iter().flat_map(|i| {
            i.tallies()
                .map(|(transcript, theme, n)| (i.coder.as_str(), transcript, theme, n))
        });
        let counts = thematic_study::theme_counts_of(&book, tallies);
        let mut opts = MapOptions::default();
        opts.notes.extend(thematic_report::map_notes_of(counts));
        Ok(map_svg(&book.current(), &opts))
    })
}

/// `GET /api/map.svg?coders=`: whose codings the counts are of: the acting coder's alone
/// (blind coding) unless `coders=all` (the reviewer's view: everyone's, suggestions left
/// out).
#[derive(Debug, Deserialize)]
pub(crate) struct MapQuery {
    coders: Option<String>,
}

/// `GET /api/map.svg`: the current codebook's thematic map with counts (see [`MapQuery`]).
pub(crate) async fn map(
    State(state): State<Arc<AppState>>,
    Params(q): Params<MapQuery>,
) -> ApiResult<Response> {
    blocking(move || {
        let study = state.study()?;
        let coders = match q.coders.as_deref() {
            Some("all") => study
                .coders()?
                .into_iter()
                .filter(|c| c != thematic_study::SUGGESTION_CODER)
                .collect(),
            None | Some("") => vec![state.coder.clone()],
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "coders is \"all\" or left out (your own codings), not \"{other}\""
                )));
            }
        };
        let svg = map_of(&state, &study, &coders)?;
        let svg = String::clone(&svg);
        Ok((
            [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
            svg,
        )
            .into_response())
    })
    .await
}
