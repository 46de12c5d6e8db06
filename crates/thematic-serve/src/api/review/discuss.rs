//! Two coders on one theme, for the two traditions of thematic analysis that code in teams.
//!
//! In reflexive thematic analysis, coding together is for reflexivity, not for consensus
//! or a score (Braun & Clarke 2022): [`discuss`] lists, without statistics, the turns
//! where the two coders applied the theme's codes differently (one coded a turn with a
//! code of the theme and the other did not, or they chose different codes of it), with
//! each coder's words side by side, to talk through. In coding-reliability thematic
//! analysis, reviewers ask for agreement figures: [`agreement`] gives those of
//! `thematic agree` (Compare's, kept per transcript) for the theme's codes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use thematic_report::{ALL_THEMES, UnitKind, round4};
use thematic_study::{Coding, Study, StudyError, natural_cmp, theme_codes};

use super::current_theme;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Id, Params};
use crate::state::{AppState, blocking};

#[derive(Debug, Deserialize)]
pub(crate) struct PairQuery {
    /// The first coder (default: the acting coder).
    a: Option<String>,
    /// The second coder (default: the first other human coder).
    b: Option<String>,
    offset: Option<usize>,
    /// Default 20, at most 200.
    limit: Option<usize>,
}

/// One coding in a turn where the coders differ.
#[derive(Debug, Serialize)]
struct Side {
    code: String,
    label: String,
    /// Whether the code is one of the theme's.
    in_theme: bool,
    start: usize,
    end: usize,
    text: String,
}

/// A turn where the two coders applied the theme's codes differently.
#[derive(Debug, Serialize)]
struct Difference {
    transcript: String,
    turn: usize,
    /// `a` or `b`: only that coder coded the turn with a code of the theme; `both`: both
    /// did, with different codes of it.
    only: &'static str,
    /// Each coder's codings in the turn (every code, the theme's marked), by position.
    a: Vec<Side>,
    b: Vec<Side>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Discussion {
    coders: [String; 2],
    /// Turns with a code of the theme by either coder.
    turns: usize,
    /// Of those, turns where both applied the same codes of the theme.
    alike: usize,
    /// Turns where they differ, in all pages.
    total: usize,
    offset: usize,
    limit: usize,
    differences: Vec<Difference>,
}

/// The two coders a query names, both with codings and different.
fn pair(
    state: &AppState,
    study: &Study,
    a: Option<&str>,
    b: Option<&str>,
) -> ApiResult<(String, String)> {
    let all = study.coders()?;
    let a = a
        .filter(|a| !a.is_empty())
        .unwrap_or(&state.coder)
        .to_string();
    let b = match b.filter(|b| !b.is_empty()) {
        Some(b) => b.to_string(),
        None => study
            .human_coders()?
            .into_iter()
            .find(|c| *c != a)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "discussing needs a second coder, and nobody else has codings in this study",
                )
            })?,
    };
    for c in [&a, &b] {
        if !all.contains(c) {
            return Err(StudyError::unknown_coder(c, &all).into());
        }
    }
    if a == b {
        return Err(ApiError::bad_request("choose two different coders"));
    }
    Ok((a, b))
}

/// `GET /api/review/{id}/discuss?a=&b=&offset=&limit=`: the turns where coders `a` and `b`
/// applied theme `id`'s codes differently, transcript by transcript (natural order), turn
/// by turn. Only the transcripts where either coded one of the theme's codes are read.
pub(crate) async fn discuss(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Params(q): Params<PairQuery>,
) -> ApiResult<Json<Discussion>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        current_theme(&book, &id)?;
        let (a, b) = pair(&state, &study, q.a.as_deref(), q.b.as_deref())?;
        let codes: BTreeSet<String> = theme_codes(&book, &id)
            .into_iter()
            .map(|e| e.id.clone())
            .collect();
        let index = [
            state.model.coder(&study, &a)?,
            state.model.coder(&study, &b)?,
        ];
        let mut transcripts: Vec<&str> = index
            .iter()
            .flat_map(|i| i.tallies())
            .filter(|(_, theme, _)| codes.contains(*theme))
            .map(|(t, _, _)| t)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        transcripts.sort_by(|x, y| natural_cmp(x, y));
        let offset = q.offset.unwrap_or(0);
        let limit = q.limit.unwrap_or(20).clamp(1, 200);
        let label = |code: &str| {
            book.get(code)
                .map_or_else(|| code.to_string(), |e| e.label.clone())
        };
        let side = |c: &Coding| Side {
            code: c.theme.clone(),
            label: label(&c.theme),
            in_theme: codes.contains(&c.theme),
            start: c.start,
            end: c.end,
            text: c.text.clone(),
        };
        let (mut turns, mut alike, mut total) = (0, 0, 0);
        let mut differences = Vec::new();
        for t in transcripts {
            let read = |k: usize| -> Result<Vec<Coding>, StudyError> {
                let mut v: Vec<Coding> = index[k]
                    .codings_in(t)?
                    .into_iter()
                    .filter(|c| c.is_anchored() && !c.status.is_suggestion())
                    .collect();
                v.sort_by_key(|c| (c.start, c.end));
                Ok(v)
            };
            let (ca, cb) = (read(0)?, read(1)?);
            let mut by_turn: BTreeMap<usize, [Vec<&Coding>; 2]> = BTreeMap::new();
            for (k, list) in [&ca, &cb].into_iter().enumerate() {
                for c in list {
                    by_turn.entry(c.turn).or_default()[k].push(c);
                }
            }
            for (turn, [in_a, in_b]) in by_turn {
                let applied = |v: &[&Coding]| -> BTreeSet<String> {
                    v.iter()
                        .filter(|c| codes.contains(&c.theme))
                        .map(|c| c.theme.clone())
                        .collect()
                };
                let (sa, sb) = (applied(&in_a), applied(&in_b));
                if sa.is_empty() && sb.is_empty() {
                    continue;
                }
                turns += 1;
                if sa == sb {
                    alike += 1;
                    continue;
                }
                if total >= offset && differences.len() < limit {
                    differences.push(Difference {
                        transcript: t.to_string(),
                        turn,
                        only: match (sa.is_empty(), sb.is_empty()) {
                            (false, true) => "a",
                            (true, false) => "b",
                            _ => "both",
                        },
                        a: in_a.iter().map(|c| side(c)).collect(),
                        b: in_b.iter().map(|c| side(c)).collect(),
                    });
                }
                total += 1;
            }
        }
        Ok(Json(Discussion {
            coders: [a, b],
            turns,
            alike,
            total,
            offset,
            limit,
            differences,
        }))
    })
    .await
}

/// One code's agreement figures, point estimates rounded as in `thematic agree`'s JSON,
/// `null` when undefined.
#[derive(Debug, Serialize)]
struct Figures {
    theme: String,
    label: String,
    units: usize,
    /// Units each coder applied the code to.
    applied: Vec<usize>,
    percent_agreement: Option<f64>,
    cohen_kappa: Option<f64>,
    krippendorff_alpha: Option<f64>,
    gwet_ac1: Option<f64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Agreement {
    coders: [String; 2],
    unit: &'static str,
    /// The theme's codes, in codebook order, then the row of every theme of the study.
    rows: Vec<Figures>,
}

/// `GET /api/review/{id}/agreement?a=&b=`: the agreement of coders `a` and `b` on each of
/// theme `id`'s codes, at the study's default unit (turns for segment units), as Compare
/// and `thematic agree` count it.
pub(crate) async fn agreement(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Params(q): Params<PairQuery>,
) -> ApiResult<Json<Agreement>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        current_theme(&book, &id)?;
        let (a, b) = pair(&state, &study, q.a.as_deref(), q.b.as_deref())?;
        let unit = match thematic_report::default_unit(&study) {
            UnitKind::Segment => UnitKind::Turn,
            u => u,
        };
        let data = crate::api::agreement::compared(&state, &study, &a, &b, unit, false)?;
        let codes: Vec<String> = theme_codes(&book, &id)
            .into_iter()
            .map(|e| e.id.clone())
            .collect();
        let mut rows: Vec<Figures> = Vec::new();
        for want in codes.iter().map(String::as_str).chain([ALL_THEMES]) {
            let Some(r) = data.rows.iter().find(|r| r.theme == want) else {
                continue;
            };
            rows.push(Figures {
                label: if want == ALL_THEMES {
                    "All themes of the study".to_string()
                } else {
                    book.get(want)
                        .map_or_else(|| want.to_string(), |e| e.label.clone())
                },
                theme: r.theme.clone(),
                units: r.units,
                applied: r.applied.clone(),
                percent_agreement: round4(r.percent_agreement.value),
                cohen_kappa: round4(r.cohen_kappa.value),
                krippendorff_alpha: round4(r.krippendorff_alpha.value),
                gwet_ac1: round4(r.gwet_ac1.value),
            });
        }
        Ok(Json(Agreement {
            coders: [a, b],
            unit: unit.as_str(),
            rows,
        }))
    })
    .await
}
