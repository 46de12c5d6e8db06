//! Downloads: the quote table in every export format (the study crate's writers, as
//! `thematic quotes` uses them) and the thematic map (as `thematic map --counts`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use thematic_codebook::{MapOptions, map_svg};
use thematic_study::quotes::{QuoteOptions, QuoteTable};
use thematic_study::{CoderSelection, theme_counts};

use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};

/// The quote table formats: name (the `format` parameter and the file extension), content
/// type, and whether the browser should save rather than show it.
pub(crate) const QUOTE_FORMATS: [(&str, &str); 7] = [
    ("md", "text/markdown; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("tex", "application/x-tex; charset=utf-8"),
    ("html", "text/html; charset=utf-8"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("json", "application/json"),
];

#[derive(Debug, Deserialize)]
pub(crate) struct QuotesQuery {
    /// One of [`QUOTE_FORMATS`] (default `json`).
    format: Option<String>,
    /// Whose codings, comma-separated and pooled (default: the acting coder).
    coder: Option<String>,
    /// `1` to show in the page rather than download.
    #[serde(default)]
    inline: Option<String>,
}

fn render(table: &QuoteTable, format: &str) -> ApiResult<Vec<u8>> {
    Ok(match format {
        "md" => table.to_markdown().into_bytes(),
        "csv" => table.to_csv(false),
        "tex" => table.to_latex().into_bytes(),
        "html" => table.to_html().into_bytes(),
        "docx" => table.to_docx(),
        "xlsx" => table.to_xlsx()?,
        _ => table.to_json(),
    })
}

/// `GET /api/quotes?format=&coder=`: every quote of the coder(s), theme by theme.
pub(crate) async fn quotes(
    State(state): State<Arc<AppState>>,
    Params(q): Params<QuotesQuery>,
) -> ApiResult<Response> {
    blocking(move || {
        let format = q.format.as_deref().unwrap_or("json");
        let Some((ext, content_type)) = QUOTE_FORMATS.iter().find(|(f, _)| *f == format) else {
            return Err(ApiError::bad_request(format!(
                "no quote format \"{format}\"; use one of {}",
                QUOTE_FORMATS.map(|(f, _)| f).join(", ")
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
                return Err(ApiError::bad_request(format!(
                    "no codings by \"{c}\" in this study"
                )));
            }
        }
        if coders.is_empty() {
            return Err(ApiError::bad_request("name at least one coder"));
        }
        let table = study.quote_table(&QuoteOptions::new(CoderSelection::Pooled(coders)))?;
        let bytes = render(&table, format)?;
        let disposition = if q.inline.as_deref() == Some("1") {
            "inline".to_string()
        } else {
            format!("attachment; filename=\"quotes.{ext}\"")
        };
        Ok((
            [
                (header::CONTENT_TYPE, (*content_type).to_string()),
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
        for (id, c) in theme_counts(&book, &study.all_codings()?) {
            opts.notes.insert(
                id,
                format!("{} codings · {} participants", c.codings, c.participants),
            );
        }
        let svg = map_svg(&book.current(), &opts);
        Ok((
            [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
            svg,
        )
            .into_response())
    })
    .await
}
