//! Versions of the thematic map, from the board: record one (`Study::snapshot`), list
//! them, say what changed between two (`thematic_codebook::diff`, as `Study::version_diff`
//! and `thematic codebook diff` do) and draw each one's map.
//!
//! | method and path | what |
//! | --- | --- |
//! | `GET /api/versions` | the versions recorded, oldest first |
//! | `POST /api/versions` | `{name, note?}`: record the structure now |
//! | `GET /api/versions/diff?a=&b=` | what changed from `a` to `b` (`b` left out: `current`) |
//! | `GET /api/versions/{name}/map.svg` | that version's map, with its counts |

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use thematic_codebook::{Codebook, MapOptions, StructureChange, extracts_in, map_svg};
use thematic_study::{CURRENT, Study, Version, VersionInfo};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id, Params};
use crate::state::{AppState, blocking};

/// The versions' routes.
pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/versions", get(list).post(record))
        .route("/api/versions/diff", get(diff))
        .route("/api/versions/{name}/map.svg", get(map))
}

/// A version as the board lists it.
#[derive(Debug, Serialize)]
pub(crate) struct VersionView {
    name: String,
    note: String,
    /// RFC 3339 UTC.
    recorded: String,
    coder: String,
    /// Its folder under `versions/` (`01-candidate-themes`).
    folder: String,
    /// Its number, from the folder's name.
    number: Option<usize>,
    /// Extracts (codings, every coder's) when it was recorded.
    extracts: usize,
}

impl From<&VersionInfo> for VersionView {
    fn from(v: &VersionInfo) -> VersionView {
        VersionView {
            name: v.name.clone(),
            note: v.note.clone(),
            recorded: v.recorded.clone(),
            coder: v.coder.clone(),
            folder: v.folder.clone(),
            number: v.folder.split('-').next().and_then(|n| n.parse().ok()),
            extracts: v.extracts.values().sum(),
        }
    }
}

/// `GET /api/versions`
#[derive(Debug, Serialize)]
pub(crate) struct Versions {
    /// Oldest first.
    versions: Vec<VersionView>,
}

/// `GET /api/versions`: the versions recorded, oldest first.
pub(crate) async fn list(State(state): State<Arc<AppState>>) -> ApiResult<Json<Versions>> {
    blocking(move || {
        let study = state.study()?;
        let versions = study.versions()?.iter().map(VersionView::from).collect();
        Ok(Json(Versions { versions }))
    })
    .await
}

/// `POST /api/versions` body.
#[derive(Debug, Deserialize)]
pub(crate) struct NewVersion {
    name: String,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/versions`: records the structure as it is now (logged `snapshot`).
pub(crate) async fn record(
    State(state): State<Arc<AppState>>,
    Body(v): Body<NewVersion>,
) -> ApiResult<(StatusCode, Json<VersionView>)> {
    blocking(move || {
        let study = state.study()?;
        if v.name.trim().is_empty() {
            return Err(ApiError::bad_request(
                "a version needs a name, e.g. \"candidate themes\"",
            ));
        }
        let info = study.snapshot(&v.name, v.note.as_deref().unwrap_or(""), &state.coder)?;
        Ok((StatusCode::CREATED, Json(VersionView::from(&info))))
    })
    .await
}

/// `GET /api/versions/diff?a=&b=`
#[derive(Debug, Deserialize)]
pub(crate) struct DiffQuery {
    /// The earlier version: a name, number or folder, or `current`.
    a: Option<String>,
    /// The later one (default `current`).
    b: Option<String>,
}

/// One change, with its sentence.
#[derive(Debug, Serialize)]
pub(crate) struct ChangeView {
    #[serde(flatten)]
    change: StructureChange,
    /// The change in words, as `thematic codebook diff` prints it.
    text: String,
}

/// A version named in a diff.
#[derive(Debug, Serialize)]
pub(crate) struct Side {
    name: String,
    folder: String,
    recorded: String,
}

/// What changed between two versions.
#[derive(Debug, Serialize)]
pub(crate) struct DiffView {
    a: Side,
    b: Side,
    /// Counts by kind, `3 moved, 1 created`, or `no changes`.
    summary: String,
    /// In the later version's tree order.
    changes: Vec<ChangeView>,
}

/// The structure as it is now, with every coder's codings per entry counted from the
/// server's indexes rather than by reading every codings file (what `Study::version`
/// counts for `current`, without the reading).
fn current(state: &AppState, study: &Study) -> ApiResult<Version> {
    let path = study.codebook_path();
    let text =
        std::fs::read_to_string(&path).map_err(|e| thematic_study::StudyError::io(&path, e))?;
    let codebook = Codebook::from_toml(&text, &study.shown(&path))
        .map_err(thematic_study::StudyError::from)?;
    let mut extracts: BTreeMap<String, usize> = BTreeMap::new();
    for coder in study.coders()? {
        let index = state.model.coder(study, &coder)?;
        for (_, theme, n) in index.tallies() {
            *extracts.entry(theme.to_string()).or_default() += n;
        }
    }
    extracts.retain(|_, n| *n > 0);
    let info = VersionInfo {
        name: CURRENT.into(),
        note: String::new(),
        recorded: thematic_study::now_rfc3339(),
        coder: String::new(),
        codebook: study.shown(&path),
        extracts,
        folder: String::new(),
    };
    Ok(Version {
        info,
        codebook,
        text,
    })
}

/// Version `name`, `current` included.
fn version(state: &AppState, study: &Study, name: &str) -> ApiResult<Version> {
    if name.trim().eq_ignore_ascii_case(CURRENT) {
        current(state, study)
    } else {
        Ok(study.version(name)?)
    }
}

/// `GET /api/versions/diff?a=&b=`: what was created, renamed, moved, merged, split or
/// retired from `a` to `b`, each with the extracts it touches.
pub(crate) async fn diff(
    State(state): State<Arc<AppState>>,
    Params(q): Params<DiffQuery>,
) -> ApiResult<Json<DiffView>> {
    blocking(move || {
        let study = state.study()?;
        let Some(a) = q.a.as_deref().map(str::trim).filter(|a| !a.is_empty()) else {
            return Err(ApiError::bad_request(
                "name the earlier version: a= (a version's name, number or folder, or current)",
            ));
        };
        let b =
            q.b.as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .unwrap_or(CURRENT);
        let va = version(&state, &study, a)?;
        let vb = version(&state, &study, b)?;
        let changes = thematic_codebook::diff(
            &va.codebook,
            &vb.codebook,
            &va.info.extracts,
            &vb.info.extracts,
        );
        let summary = thematic_codebook::summarize(&changes);
        let changes = changes
            .into_iter()
            .map(|c| ChangeView {
                text: c.describe(&va.codebook, &vb.codebook),
                change: c,
            })
            .collect();
        let side = |v: &Version| Side {
            name: v.info.name.clone(),
            folder: v.info.folder.clone(),
            recorded: v.info.recorded.clone(),
        };
        Ok(Json(DiffView {
            a: side(&va),
            b: side(&vb),
            summary,
            changes,
        }))
    })
    .await
}

/// `GET /api/versions/{name}/map.svg`: the map of version `name` (or `current`), each box
/// noting the extracts in it when the version was recorded (every coder's).
pub(crate) async fn map(State(state): State<Arc<AppState>>, Id(name): Id) -> ApiResult<Response> {
    blocking(move || {
        let study = state.study()?;
        let v = version(&state, &study, &name)?;
        let book = v.codebook.current();
        let mut opts = MapOptions::default();
        for e in &book.entries {
            let n = extracts_in(&book, &e.id, &v.info.extracts);
            opts.notes.insert(
                e.id.clone(),
                format!("{n} coding{}", if n == 1 { "" } else { "s" }),
            );
        }
        let file = if v.info.folder.is_empty() {
            CURRENT.to_string()
        } else {
            v.info.folder.clone()
        };
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "image/svg+xml; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"map-{file}.svg\""),
                ),
            ],
            map_svg(&book, &opts),
        )
            .into_response())
    })
    .await
}
