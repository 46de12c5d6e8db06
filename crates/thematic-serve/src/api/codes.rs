//! Codes as the researcher works with them while coding: how often the acting coder has
//! used each (the palette's counts, blind: only their own codings), and one turn of a
//! transcript for an extract's context; and making and refining codes from the page, each
//! through the same codebook editor as `thematic codebook`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use thematic_codebook::ThemeText;

use super::codings::{NewCoding, code_span};
use super::study::CodingView;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id};
use crate::state::{AppState, blocking};

/// One code's use by the acting coder (a group counts the codes under it).
#[derive(Debug, Serialize)]
pub(crate) struct Use {
    codings: usize,
    participants: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Counts {
    /// Whose codings were counted: the acting coder's alone.
    coder: String,
    /// Per codebook id.
    counts: BTreeMap<String, Use>,
}

/// `GET /api/counts`: the acting coder's codings and participants per code, from the
/// server's index of their file (no coding is read, except a focus group's whose speakers
/// `participants.csv` names: those count for the participant who speaks).
pub(crate) async fn counts(State(state): State<Arc<AppState>>) -> ApiResult<Json<Counts>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let index = state.model.coder(&study, &state.coder)?;
        // Participants, not transcripts: a focus group's codings count for who speaks.
        let attribution = study.attribution()?;
        let by_participant = crate::model::participant_tallies(&index, &attribution)?;
        let tallies = by_participant.iter().map(|(participant, theme, n)| {
            (state.coder.as_str(), *participant, theme.as_ref(), *n)
        });
        let counts = thematic_study::theme_counts_of(&book, tallies)
            .into_iter()
            .map(|(id, c)| {
                let u = Use {
                    codings: c.codings,
                    participants: c.participants,
                };
                (id, u)
            })
            .collect();
        Ok(Json(Counts {
            coder: state.coder.clone(),
            counts,
        }))
    })
    .await
}

/// One turn, for an extract's context.
#[derive(Debug, Serialize)]
pub(crate) struct TurnView {
    n: usize,
    speaker: Option<String>,
    role: &'static str,
    start: usize,
    end: usize,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    text: String,
}

/// `GET /api/transcripts/{id}/turns/{n}`: turn `n` (from 1) of a transcript.
pub(crate) async fn turn(
    State(state): State<Arc<AppState>>,
    Path((id, n)): Path<(String, usize)>,
) -> ApiResult<Json<TurnView>> {
    blocking(move || {
        let study = state.study()?;
        let t = study.transcript(&id)?;
        let Some(turn) = n.checked_sub(1).and_then(|i| t.turns.get(i)) else {
            return Err(ApiError::not_found(format!(
                "{id} has {} turns, not a turn {n}",
                t.turns.len()
            )));
        };
        let text: String = t
            .text
            .chars()
            .skip(turn.start)
            .take(turn.end - turn.start)
            .collect();
        Ok(Json(TurnView {
            n,
            speaker: turn.speaker.clone(),
            role: turn.role.as_str(),
            start: turn.start,
            end: turn.end,
            start_ms: turn.start_ms,
            end_ms: turn.end_ms,
            text,
        }))
    })
    .await
}

/// `POST /api/codes` body: a code made in the moment, and the selection to code with it.
#[derive(Debug, Deserialize)]
pub(crate) struct NewCode {
    /// The label (in-vivo: the selected words).
    label: String,
    /// The parent group's id; `None` for the codebook's "Unsorted" group.
    #[serde(default)]
    parent: Option<String>,
    /// The span to code with it at once.
    #[serde(default)]
    apply: Option<NewCoding>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MadeCode {
    /// The code's id.
    id: String,
    label: String,
    /// `false` when a code of that label existed already and was used.
    created: bool,
    /// The coding made with it, if a span was given.
    coding: Option<CodingView>,
    /// `false` when the coder already had that coding.
    added: bool,
}

/// `POST /api/codes`: creates a code through the codebook editor, as `thematic codebook
/// add` does (validated, comments kept, logged, locked), and codes the selection with it:
/// one request for the researcher's one step.
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    Body(new): Body<NewCode>,
) -> ApiResult<(StatusCode, Json<MadeCode>)> {
    blocking(move || {
        let study = state.study()?;
        if let Some(apply) = &new.apply {
            // Refuse a bad selection before the codebook changes.
            study.transcript(&apply.transcript)?;
            if apply.start >= apply.end {
                return Err(ApiError::bad_request(
                    "the selection is empty: select the words to code",
                ));
            }
        }
        let made = study.create_code(&new.label, new.parent.as_deref(), &state.coder)?;
        let (coding, added) = match &new.apply {
            Some(apply) => {
                let (added, coding) = code_span(&state, &study, apply, &made.id)?;
                (Some(CodingView::from(&coding)), added)
            }
            None => (None, false),
        };
        let status = if made.existed {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        Ok((
            status,
            Json(MadeCode {
                id: made.id,
                label: made.label,
                created: !made.existed,
                coding,
                added,
            }),
        ))
    })
    .await
}

/// `PATCH /api/codes/{id}` body: what to change; fields left out stay.
#[derive(Debug, Deserialize)]
pub(crate) struct CodeChange {
    label: Option<String>,
    colour: Option<String>,
    /// The new parent's id; `null` for the top level. Left out: unchanged.
    #[serde(default, deserialize_with = "some_or_null")]
    parent: Option<Option<String>>,
    definition: Option<String>,
    include: Option<String>,
    exclude: Option<String>,
    /// A theme's longer title.
    title: Option<String>,
    /// A theme's central organising concept.
    concept: Option<String>,
    /// Defined and named (`true`) or a candidate (`false`).
    defined: Option<bool>,
}

/// A field that may be given as `null` (`Some(None)`) as well as left out (`None`).
fn some_or_null<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

#[derive(Debug, Serialize)]
pub(crate) struct Changed {
    id: String,
    /// What changed, in words (`label`, `colour`, …); empty when nothing did.
    changed: Vec<&'static str>,
}

/// `PATCH /api/codes/{id}`: recolours, renames, moves and (re)defines a code through the
/// codebook editor, in that order, each change its own logged edit as `thematic codebook`
/// makes it; only what differs is written, and a refused change (a bad colour first, the
/// likeliest) stops the ones after it.
pub(crate) async fn change(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(change): Body<CodeChange>,
) -> ApiResult<Json<Changed>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let Some(entry) = book.get(&id).cloned() else {
            return Err(thematic_study::StudyError::UnknownTheme {
                id: id.clone(),
                closest: None,
            }
            .into());
        };
        let who = state.coder.as_str();
        let mut changed = Vec::new();
        if let Some(colour) = change.colour.as_deref().map(str::trim)
            && !entry
                .colour
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(colour))
        {
            study.recolour_theme(&id, (!colour.is_empty()).then_some(colour), who)?;
            changed.push("colour");
        }
        if let Some(label) = change.label.as_deref().map(str::trim)
            && label != entry.label
        {
            study.rename_theme(&id, label, who)?;
            changed.push("label");
        }
        if let Some(parent) = &change.parent {
            let parent = parent.as_deref().filter(|p| !p.is_empty());
            if parent != entry.parent.as_deref() {
                study.move_theme(&id, parent, who)?;
                changed.push("parent");
            }
        }
        let differs = |new: &Option<String>, old: &Option<String>| {
            new.as_deref()
                .is_some_and(|n| n.trim() != old.as_deref().unwrap_or("").trim())
        };
        let text = ThemeText {
            title: change
                .title
                .clone()
                .filter(|_| differs(&change.title, &entry.title)),
            concept: change
                .concept
                .clone()
                .filter(|_| differs(&change.concept, &entry.concept)),
            definition: change
                .definition
                .clone()
                .filter(|_| differs(&change.definition, &entry.definition)),
            include: change
                .include
                .clone()
                .filter(|_| differs(&change.include, &entry.include)),
            exclude: change
                .exclude
                .clone()
                .filter(|_| differs(&change.exclude, &entry.exclude)),
        };
        if !text.is_empty() {
            study.define_theme(&id, &text, who)?;
            changed.push("definition");
        }
        if let Some(defined) = change.defined
            && defined != entry.defined
        {
            study.set_theme_defined(&id, defined, None, who)?;
            changed.push("status");
        }
        Ok(Json(Changed { id, changed }))
    })
    .await
}

/// `POST /api/codes/{id}/merge` body.
#[derive(Debug, Deserialize)]
pub(crate) struct MergeInto {
    into: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Merged {
    /// Codings moved, every coder's.
    moved: usize,
    /// Codings folded into an identical coding of the target.
    folded: usize,
}

/// `POST /api/codes/{id}/merge`: what `thematic codebook merge` does: every coder's
/// codings follow, the code is retired.
pub(crate) async fn merge(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(m): Body<MergeInto>,
) -> ApiResult<Json<Merged>> {
    blocking(move || {
        let study = state.study()?;
        let report = study.merge_themes(&id, &m.into, &state.coder)?;
        Ok(Json(Merged {
            moved: report.total(),
            folded: report.folded.len(),
        }))
    })
    .await
}

#[derive(Debug, Serialize)]
pub(crate) struct Retired {
    /// Codings of the code, every coder's, which are kept.
    kept: usize,
}

/// `POST /api/codes/{id}/retire`: what `thematic codebook retire` does.
pub(crate) async fn retire(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
) -> ApiResult<Json<Retired>> {
    blocking(move || {
        let study = state.study()?;
        let kept = study.retire_theme(&id, true, &state.coder)?;
        Ok(Json(Retired { kept }))
    })
    .await
}
