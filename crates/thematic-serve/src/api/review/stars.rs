//! Stars: the acting coder (the author) stars a coding as an illustrative extract of a
//! theme, through [`Study::star_coding`] (`stars/<coder>.csv`, locked, logged). Every
//! author's starred extracts come first in their theme, in the review, the quote view and
//! `thematic quotes`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use thematic_report::quotes::Starred;
use thematic_study::{Star, Study, StudyError};

use crate::error::ApiResult;
use crate::extract::Body;
use crate::state::{AppState, blocking};

/// Every author's starred extracts, each coding found through its coder's index (only the
/// rows of its transcript are read).
pub(crate) fn starred(state: &AppState, study: &Study) -> ApiResult<Starred> {
    let stars = study.all_stars()?;
    if stars.is_empty() {
        return Ok(Starred::new());
    }
    Ok(Starred::resolve(&stars, |coder, transcript| {
        state.model.coder(study, coder)?.codings_in(transcript)
    })?)
}

/// `POST /api/stars` and `DELETE /api/stars` body.
#[derive(Debug, Deserialize)]
pub(crate) struct StarRequest {
    /// Whose coding (default: the acting coder).
    coder: Option<String>,
    /// The coding's id.
    coding: String,
    /// The theme it illustrates; for `DELETE`, left out: every theme.
    theme: Option<String>,
    /// The coding's transcript, when known: the coding is then found without reading the
    /// coder's whole file.
    transcript: Option<String>,
    /// `POST` with `false` takes the star off, as `DELETE` does.
    starred: Option<bool>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Starring {
    coder: String,
    coding: String,
    theme: Option<String>,
    /// Whether it is starred (for the theme) now.
    starred: bool,
    /// Whether anything was written.
    changed: bool,
}

/// The acting coder's stars.
#[derive(Debug, Serialize)]
pub(crate) struct Stars {
    by: String,
    stars: Vec<Star>,
}

/// `GET /api/stars`: the acting coder's stars, in file order.
pub(crate) async fn list(State(state): State<Arc<AppState>>) -> ApiResult<Json<Stars>> {
    blocking(move || {
        let study = state.study()?;
        Ok(Json(Stars {
            stars: study.stars_of(&state.coder)?,
            by: state.coder.clone(),
        }))
    })
    .await
}

/// `POST /api/stars` `{coder, coding, theme, transcript?}`: stars the coding for the
/// theme (201 when new, 200 when it was starred already); with `starred: false`, as
/// `DELETE`.
pub(crate) async fn add(
    State(state): State<Arc<AppState>>,
    Body(r): Body<StarRequest>,
) -> ApiResult<(StatusCode, Json<Starring>)> {
    blocking(move || {
        let study = state.study()?;
        if r.starred == Some(false) {
            return Ok((StatusCode::OK, Json(unstar(&state, &study, r)?)));
        }
        let coder = r.coder.clone().unwrap_or_else(|| state.coder.clone());
        let Some(theme) = r.theme.clone().filter(|t| !t.is_empty()) else {
            return Err(crate::error::ApiError::bad_request(
                "name the theme the extract illustrates: {\"theme\": \"…\"}",
            ));
        };
        let found = match &r.transcript {
            Some(t) => state
                .model
                .coder(&study, &coder)?
                .codings_in(t)?
                .into_iter()
                .find(|c| c.id == r.coding),
            None => None,
        };
        let added = match found {
            Some(c) => study.star_coding(&state.coder, &c, &theme)?,
            None => study.star(&state.coder, &coder, &r.coding, &theme)?,
        };
        let status = if added {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        Ok((
            status,
            Json(Starring {
                coder,
                coding: r.coding,
                theme: Some(theme),
                starred: true,
                changed: added,
            }),
        ))
    })
    .await
}

/// `DELETE /api/stars` `{coder, coding, theme?}`: takes the acting coder's star off the
/// coding, for the theme or (without one) for every theme.
pub(crate) async fn remove(
    State(state): State<Arc<AppState>>,
    Body(r): Body<StarRequest>,
) -> ApiResult<Json<Starring>> {
    blocking(move || {
        let study = state.study()?;
        Ok(Json(unstar(&state, &study, r)?))
    })
    .await
}

fn unstar(state: &AppState, study: &Study, r: StarRequest) -> Result<Starring, StudyError> {
    let coder = r.coder.unwrap_or_else(|| state.coder.clone());
    let theme = r.theme.filter(|t| !t.is_empty());
    let removed = study.unstar(&state.coder, &coder, &r.coding, theme.as_deref())?;
    Ok(Starring {
        coder,
        coding: r.coding,
        theme,
        starred: false,
        changed: removed > 0,
    })
}
