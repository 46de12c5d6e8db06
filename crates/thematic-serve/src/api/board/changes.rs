//! The board's changes, each one codebook edit through the study's theme operations
//! (validated, written atomically under the codebook's lock, logged), a note going to the
//! coder's journal. Ids in a body are checked first, so a refusal names what is wrong
//! ("did you mean …", "is a code, not a theme") and writes nothing.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use thematic_codebook::{Codebook, Entry, MISC_ID, MISC_LABEL, Placement, UNSORTED_ID};
use thematic_study::StudyError;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Id};
use crate::state::{AppState, blocking};

/// The entry `id` of `book`, or an error naming it with the closest id there is.
fn entry<'a>(book: &'a Codebook, id: &str) -> Result<&'a Entry, StudyError> {
    book.get(id).ok_or_else(|| StudyError::UnknownTheme {
        id: id.to_string(),
        closest: thematic_codebook::closest(id, book.entries.iter().map(|e| e.id.as_str()))
            .map(str::to_string),
    })
}

/// The current theme (not a code) `id` of `book`, or an error saying what it is instead.
fn current_theme<'a>(book: &'a Codebook, id: &str) -> ApiResult<&'a Entry> {
    let e = entry(book, id)?;
    if e.retired {
        return Err(ApiError::bad_request(format!(
            "\"{}\" ({id}) was discarded (retired); choose a current theme, or bring it back with `thematic codebook retire {id} --undo`",
            e.label
        )));
    }
    if e.codable {
        return Err(ApiError::bad_request(format!(
            "\"{}\" ({id}) is a code, not a theme; choose a candidate theme",
            e.label
        )));
    }
    Ok(e)
}

/// A note for the journal: `None` when empty.
fn note(n: &Option<String>) -> Option<&str> {
    n.as_deref().map(str::trim).filter(|n| !n.is_empty())
}

/// How `POST /api/board/place` puts a code in a theme.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum How {
    /// Under the theme, out of every other.
    Move,
    /// In the theme as well.
    Also,
    /// Out of a theme it also sits in.
    Leave,
}

/// `POST /api/board/place` body.
#[derive(Debug, Deserialize)]
pub(crate) struct Place {
    /// The code (or theme) to place.
    code: String,
    /// The theme; `null` for the top level (with `move` only).
    #[serde(default)]
    theme: Option<String>,
    how: How,
    /// Why, for the journal.
    #[serde(default)]
    note: Option<String>,
}

/// What a placement did, with what undoes it.
#[derive(Debug, Serialize)]
pub(crate) struct Placed {
    code: String,
    theme: Option<String>,
    how: How,
    /// The parent before (a move's way back).
    old_parent: Option<String>,
    /// The themes it also sat in before.
    old_also_in: Vec<String>,
    /// Whether "Miscellaneous" was made (or brought back) for this placement.
    made_misc: bool,
}

/// `POST /api/board/place`: moves a code under a theme, puts it in a theme as well, or
/// takes it out of a theme it also sat in (`Study::place_code`, logged `move` or
/// `share`). Dropping on "Miscellaneous" before it exists makes it first (logged `add`).
pub(crate) async fn place(
    State(state): State<Arc<AppState>>,
    Body(p): Body<Place>,
) -> ApiResult<Json<Placed>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let who = state.coder.as_str();
        let code = entry(&book, &p.code)?;
        if code.retired {
            return Err(ApiError::bad_request(format!(
                "\"{}\" ({}) is retired; bring it back with `thematic codebook retire {} --undo` first",
                code.label, code.id, code.id
            )));
        }
        let theme = p.theme.as_deref().filter(|t| !t.is_empty());
        if theme.is_none() && p.how != How::Move {
            return Err(ApiError::bad_request(
                "name the theme: a code is put in a theme as well (also), or taken out of one (leave)",
            ));
        }
        let mut made_misc = false;
        match theme {
            Some(MISC_ID) if book.get(MISC_ID).is_none_or(|m| m.retired) && p.how != How::Leave => {
                study.edit_codebook(who, "add", |ed| {
                    ed.ensure_misc().map_err(|e| study.edit_error(e))?;
                    let detail = format!(
                        "added candidate theme \"{MISC_LABEL}\" as a root, for codes that fit no theme yet"
                    );
                    Ok(((), MISC_ID.to_string(), detail))
                })?;
                made_misc = true;
            }
            // A code moves to a theme or to the "Unsorted" group; it sits also in a theme.
            Some(t) if p.how == How::Move => {
                theme_or_group(&book, t)?;
            }
            Some(UNSORTED_ID) if p.how == How::Also => {
                return Err(ApiError::bad_request(
                    "\"Unsorted\" (unsorted) holds the codes no theme has yet; a code sits also in a candidate theme, not in Unsorted",
                ));
            }
            Some(t) if p.how == How::Also => {
                current_theme(&book, t)?;
            }
            Some(t) => {
                entry(&book, t)?;
            }
            None => {}
        }
        let how = match p.how {
            How::Move => Placement::Move,
            How::Also => Placement::AlsoIn,
            How::Leave => Placement::Leave,
        };
        let old_also_in = code.also_in.clone();
        let old_parent = study.place_code(&p.code, theme, how, note(&p.note), who)?;
        Ok(Json(Placed {
            code: p.code,
            theme: theme.map(str::to_string),
            how: p.how,
            old_parent,
            old_also_in,
            made_misc,
        }))
    })
    .await
}

/// A theme to place into: a current theme, or the `unsorted` group.
fn theme_or_group<'a>(book: &'a Codebook, id: &str) -> ApiResult<&'a Entry> {
    match book.get(id) {
        Some(e) if e.id == UNSORTED_ID && !e.retired => Ok(e),
        _ => current_theme(book, id),
    }
}

/// `POST /api/board/themes` body.
#[derive(Debug, Deserialize)]
pub(crate) struct NewTheme {
    label: String,
    /// The theme it is a sub-theme of; left out for a theme of its own.
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A theme made (by `create` or `split`).
#[derive(Debug, Serialize)]
pub(crate) struct Made {
    id: String,
    label: String,
}

/// `POST /api/board/themes`: a new candidate theme (`Study::create_theme`, logged `add`).
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    Body(new): Body<NewTheme>,
) -> ApiResult<(StatusCode, Json<Made>)> {
    blocking(move || {
        let study = state.study()?;
        let label = new.label.trim();
        if label.is_empty() {
            return Err(ApiError::bad_request(
                "the theme needs a name: type its label",
            ));
        }
        let parent = new.parent.as_deref().filter(|p| !p.is_empty());
        if let Some(p) = parent {
            current_theme(&study.codebook()?, p)?;
        }
        let id = study.create_theme(label, parent, note(&new.note), &state.coder)?;
        Ok((
            StatusCode::CREATED,
            Json(Made {
                id,
                label: label.to_string(),
            }),
        ))
    })
    .await
}

/// `POST /api/board/themes/{id}/split` body.
#[derive(Debug, Deserialize)]
pub(crate) struct Split {
    /// The new theme's label.
    label: String,
    /// What goes to the new theme: codes (or sub-themes) in the theme split.
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/board/themes/{id}/split`: a new candidate theme beside `id` takes some of
/// its codes (`Study::split_theme`, logged `split`).
pub(crate) async fn split(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(s): Body<Split>,
) -> ApiResult<(StatusCode, Json<Made>)> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let t = current_theme(&book, &id)?;
        let label = s.label.trim();
        if label.is_empty() {
            return Err(ApiError::bad_request(
                "the new theme needs a name: type its label",
            ));
        }
        if s.codes.is_empty() {
            return Err(ApiError::bad_request(format!(
                "choose the codes that go to the new theme: a split takes some of \"{}\"'s codes",
                t.label
            )));
        }
        for c in &s.codes {
            let e = entry(&book, c)?;
            if e.parent.as_deref() != Some(id.as_str()) && !e.also_in.contains(&id) {
                return Err(ApiError::bad_request(format!(
                    "\"{}\" ({c}) is not in \"{}\"; a split takes codes of the theme split",
                    e.label, t.label
                )));
            }
        }
        let new = study.split_theme(&id, label, &s.codes, note(&s.note), &state.coder)?;
        Ok((
            StatusCode::CREATED,
            Json(Made {
                id: new,
                label: label.to_string(),
            }),
        ))
    })
    .await
}

/// `POST /api/board/themes/{id}/merge` body.
#[derive(Debug, Deserialize)]
pub(crate) struct MergeInto {
    /// The theme that takes in `id`'s codes.
    into: String,
    #[serde(default)]
    note: Option<String>,
}

/// What a merge did.
#[derive(Debug, Serialize)]
pub(crate) struct MergedTheme {
    id: String,
    into: String,
    /// What moved under `into`.
    moved: Vec<String>,
}

/// `POST /api/board/themes/{id}/merge`: theme `id` into theme `into`; `id` is retired
/// with `merged_into` (`Study::merge_theme`, logged `merge-theme`).
pub(crate) async fn merge(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(m): Body<MergeInto>,
) -> ApiResult<Json<MergedTheme>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        current_theme(&book, &id)?;
        current_theme(&book, &m.into)?;
        let out = study.merge_theme(&id, &m.into, note(&m.note), &state.coder)?;
        Ok(Json(MergedTheme {
            id,
            into: m.into,
            moved: out.reparented,
        }))
    })
    .await
}

/// A body with only a note.
#[derive(Debug, Deserialize)]
pub(crate) struct NoteOnly {
    #[serde(default)]
    note: Option<String>,
}

/// What a discard did.
#[derive(Debug, Serialize)]
pub(crate) struct Discarded {
    id: String,
    /// What moved to "Miscellaneous".
    moved: Vec<String>,
}

/// `POST /api/board/themes/{id}/discard`: the theme is retired (kept for history) and its
/// codes go to "Miscellaneous" (`Study::discard_theme`, logged `discard`).
pub(crate) async fn discard(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(n): Body<NoteOnly>,
) -> ApiResult<Json<Discarded>> {
    blocking(move || {
        let study = state.study()?;
        current_theme(&study.codebook()?, &id)?;
        let moved = study.discard_theme(&id, note(&n.note), &state.coder)?;
        Ok(Json(Discarded { id, moved }))
    })
    .await
}

/// `POST /api/board/themes/{id}/status` body.
#[derive(Debug, Deserialize)]
pub(crate) struct Status {
    /// Defined and named (`true`), or a candidate again (`false`).
    defined: bool,
    #[serde(default)]
    note: Option<String>,
}

/// What a change of status did.
#[derive(Debug, Serialize)]
pub(crate) struct StatusChanged {
    id: String,
    defined: bool,
    /// Whether it was defined before.
    was: bool,
}

/// `POST /api/board/themes/{id}/status`: marks a theme defined and named, or a candidate
/// again (`Study::set_theme_defined`, logged `status`). Refused, naming the codes, while a
/// code in it also sits in another theme.
pub(crate) async fn status(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Body(s): Body<Status>,
) -> ApiResult<Json<StatusChanged>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let t = current_theme(&book, &id)?;
        if s.defined {
            let shared: Vec<String> = book
                .members(&id)
                .filter(|m| book.is_shared(&m.id))
                .map(|m| {
                    let elsewhere: Vec<String> = std::iter::once(m.parent.as_deref())
                        .flatten()
                        .chain(m.also_in.iter().map(String::as_str))
                        .filter(|o| *o != id && book.get(o).is_some_and(|x| !x.retired))
                        .map(|o| format!("\"{}\"", book.get(o).map_or(o, |x| x.label.as_str())))
                        .collect();
                    format!("\"{}\" ({}) also sits in {}", m.label, m.id, elsewhere.join(", "))
                })
                .collect();
            if !shared.is_empty() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!(
                        "\"{}\" cannot be defined while it shares codes with other themes: {}; put each code in one theme first (move it, or take it out of the other)",
                        t.label,
                        shared.join("; ")
                    ),
                ));
            }
        }
        let was = study.set_theme_defined(&id, s.defined, note(&s.note), &state.coder)?;
        Ok(Json(StatusChanged {
            id,
            defined: s.defined,
            was,
        }))
    })
    .await
}
