//! Reviewing a theme (phase 4 of reflexive thematic analysis) and defining it (phase 5):
//! the review view's answers.
//!
//! A theme's review is read from the quote view's kept passages (per transcript, for the
//! coders shown; see [`super::quote_view`]), so its first page costs a walk over those,
//! not a read of every coding: all of the theme's extracts grouped by code (its codes are
//! [`thematic_study::theme_codes`]: the codes under it and the codes that also sit in it),
//! a first page of each, the participants who carry it, its overlap with other themes,
//! the codes it shares with other candidate themes, the acting coder's review notes
//! (memos about the theme) and stars. One code's pages and each extract's codings and
//! stars are [`extracts`]; keeping a shared code in one theme is [`keep`]; two coders'
//! differences on the theme, for discussion, and the agreement figures for its codes are
//! [`discuss`]; coverage and overlap are [`overlap`]; starring is [`stars`].
//!
//! | method and path | what |
//! | --- | --- |
//! | `GET /api/review/{id}?coders=&per_code=` | the review of theme `id` |
//! | `GET /api/review/{id}/extracts?code=&coders=&offset=&limit=` | one page of one code's extracts |
//! | `POST /api/review/{id}/keep` | `{code}`: keep a shared code in this theme only |
//! | `GET /api/review/{id}/discuss?a=&b=&offset=&limit=` | two coders' differences on the theme |
//! | `GET /api/review/{id}/agreement?a=&b=` | the agreement figures for the theme's codes |
//! | `GET /api/stars`, `POST /api/stars`, `DELETE /api/stars` | the acting coder's stars |

mod discuss;
mod extracts;
mod keep;
mod overlap;
pub(crate) mod stars;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use thematic_codebook::{Codebook, Entry};
use thematic_report::quotes::TranscriptQuotes;
use thematic_study::{MemoAbout, Study, StudyError, natural_cmp, theme_codes};

use super::quote_view::{Kept, quote_view};
use super::study::MemoView;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Id, Params};
use crate::state::{AppState, blocking};
use extracts::{ExtractView, Views, code_page};

/// Extracts of each code in the review's first answer, unless asked otherwise.
const PER_CODE: usize = 5;

/// The most extracts one page holds.
const MAX_PAGE: usize = 200;

/// A theme is carried by this many participants or fewer: the review says so.
const FEW_PARTICIPANTS: usize = 2;

/// The review view's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/review/{id}", get(review))
        .route("/api/review/{id}/extracts", get(extracts::extracts))
        .route("/api/review/{id}/keep", post(keep::keep))
        .route("/api/review/{id}/discuss", get(discuss::discuss))
        .route("/api/review/{id}/agreement", get(discuss::agreement))
        .route(
            "/api/stars",
            get(stars::list).post(stars::add).delete(stars::remove),
        )
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReviewQuery {
    /// Whose codings, comma-separated and pooled, or `all` (every human coder); default
    /// the acting coder (coding is blind).
    coders: Option<String>,
    /// Extracts of each code in the first answer (default 5, at most 200).
    per_code: Option<usize>,
}

/// The theme as the define form needs it.
#[derive(Debug, Serialize)]
struct ThemeView {
    id: String,
    label: String,
    title: Option<String>,
    concept: Option<String>,
    definition: Option<String>,
    include: Option<String>,
    exclude: Option<String>,
    defined: bool,
    codable: bool,
    parent: Option<String>,
    colour: Option<String>,
}

impl From<&Entry> for ThemeView {
    fn from(e: &Entry) -> ThemeView {
        ThemeView {
            id: e.id.clone(),
            label: e.label.clone(),
            title: e.title.clone(),
            concept: e.concept.clone(),
            definition: e.definition.clone(),
            include: e.include.clone(),
            exclude: e.exclude.clone(),
            defined: e.defined,
            codable: e.codable,
            parent: e.parent.clone(),
            colour: e.colour.clone(),
        }
    }
}

/// A theme named in the answer.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Named {
    id: String,
    label: String,
}

impl Named {
    fn of(e: &Entry) -> Named {
        Named {
            id: e.id.clone(),
            label: e.label.clone(),
        }
    }
}

/// One code of the theme, with its first page of extracts.
#[derive(Debug, Serialize)]
struct CodeView {
    id: String,
    label: String,
    /// The theme it sits under (its parent).
    parent: Option<String>,
    /// `under` (in the theme's subtree) or `also` (it also sits in the theme).
    via: &'static str,
    /// The other themes it sits in, when it sits in more than one.
    shared_with: Vec<Named>,
    extracts: usize,
    participants: usize,
    page: Vec<ExtractView>,
}

/// Who carries the theme.
#[derive(Debug, Serialize)]
struct CoverageView {
    /// The study's participants: who speaks in its transcripts (a transcript's own, or each
    /// speaker `participants.csv` names).
    of: usize,
    /// Per participant with an extract, how many: most first, then natural order.
    participants: Vec<(String, usize)>,
    /// Set when one or two participants carry the theme: the reviewer's question.
    warning: Option<String>,
}

/// A shared code, to resolve before the theme is defined.
#[derive(Debug, Serialize)]
struct SharedView {
    code: String,
    label: String,
    /// Every theme it sits in (its parent first).
    themes: Vec<Named>,
}

/// A star of the acting coder on this theme.
#[derive(Debug, Serialize)]
struct StarView {
    coder: String,
    coding: String,
    transcript: String,
    when: String,
    /// The words, when the coding is still there.
    text: Option<String>,
    code: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Review {
    theme: ThemeView,
    /// The theme's place: its ancestors, the root first.
    path: Vec<Named>,
    /// Whose codings are shown.
    coders: Vec<String>,
    /// Every human coder, for choosing.
    human_coders: Vec<String>,
    codes: Vec<CodeView>,
    /// Extracts of all the codes (an extract coded with two of them counts twice).
    extracts: usize,
    coverage: CoverageView,
    /// What overlap counts: turns coded with a code of each theme, by the coders shown.
    overlap_unit: &'static str,
    /// Turns with an extract of this theme.
    units: usize,
    /// The themes coded in the same turns most often, most first (at most five).
    overlap: Vec<overlap::Overlap>,
    shared: Vec<SharedView>,
    /// The acting coder's memos about the theme, oldest first.
    notes: Vec<MemoView>,
    stars: Vec<StarView>,
}

/// The coders a query names: `all` for every human coder, else a comma-separated list;
/// the acting coder when none. Each must have codings (or be the acting coder).
fn chosen_coders(state: &AppState, study: &Study, list: Option<&str>) -> ApiResult<Vec<String>> {
    let list = list.map(str::trim).filter(|l| !l.is_empty());
    let coders: Vec<String> = match list {
        None => vec![state.coder.clone()],
        Some("all") => {
            let mut all = study.human_coders()?;
            if all.is_empty() {
                all.push(state.coder.clone());
            }
            all
        }
        Some(list) => list
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let known = study.coders()?;
    for c in &coders {
        if !known.contains(c) && *c != state.coder {
            return Err(StudyError::unknown_coder(c, &known).into());
        }
    }
    Ok(coders)
}

/// The current theme `id`: an unknown id is a 404 (with the closest id), a retired one
/// says where it went.
fn current_theme<'a>(book: &'a Codebook, id: &str) -> ApiResult<&'a Entry> {
    let e = thematic_study::theme(book, id)
        .map_err(|e| ApiError::not_found(ApiError::from(e).message))?;
    if e.retired {
        let whither = e
            .merged_into
            .as_deref()
            .map(|m| format!("; it was merged into \"{m}\""))
            .unwrap_or_default();
        return Err(ApiError::not_found(format!(
            "\"{}\" is retired (discarded){whither}: review a current theme",
            e.label
        )));
    }
    Ok(e)
}

/// The kept transcripts in natural order of id.
fn ordered(kept: &Kept) -> Vec<(&str, &TranscriptQuotes)> {
    let mut v: Vec<(&str, &TranscriptQuotes)> =
        kept.iter().map(|(t, q)| (t.as_str(), q.as_ref())).collect();
    v.sort_by(|a, b| natural_cmp(a.0, b.0));
    v
}

/// `GET /api/review/{id}`: the review of theme `id` (see the module documentation).
pub(crate) async fn review(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Params(q): Params<ReviewQuery>,
) -> ApiResult<Json<Review>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        let theme = current_theme(&book, &id)?;
        let coders = chosen_coders(&state, &study, q.coders.as_deref())?;
        let per_code = q.per_code.unwrap_or(PER_CODE).min(MAX_PAGE);
        let kept = quote_view(&state, &study, coders.clone())?;
        let ordered = ordered(&kept);
        let starred = stars::starred(&state, &study)?;
        let codes = theme_codes(&book, &id);
        let in_theme: BTreeSet<&str> = book
            .subtree(&id)
            .into_iter()
            .map(|e| e.id.as_str())
            .collect();
        let mut views = Views::new(&state, &study, &id)?;
        let mut code_views = Vec::with_capacity(codes.len());
        for code in &codes {
            let (total, page) = code_page(&ordered, &code.id, &starred, 0, per_code);
            let participants = ordered
                .iter()
                .flat_map(|(_, q)| q.of(&code.id))
                .map(|p| p.participant.as_str())
                .collect::<BTreeSet<&str>>()
                .len();
            let page = page
                .into_iter()
                .map(|(t, p, star)| views.view(t, p, star))
                .collect::<ApiResult<Vec<_>>>()?;
            code_views.push(CodeView {
                id: code.id.clone(),
                label: code.label.clone(),
                parent: code.parent.clone(),
                via: if in_theme.contains(code.id.as_str()) {
                    "under"
                } else {
                    "also"
                },
                shared_with: if book.is_shared(&code.id) {
                    places(&book, code)
                        .into_iter()
                        .filter(|p| !in_theme.contains(p.id.as_str()))
                        .map(Named::of)
                        .collect()
                } else {
                    Vec::new()
                },
                extracts: total,
                participants,
                page,
            });
        }
        let code_ids: Vec<&str> = codes.iter().map(|c| c.id.as_str()).collect();
        let carried = overlap::coverage(&ordered, &code_ids);
        let of = study.attribution()?.participants().len();
        let coverage = CoverageView {
            warning: coverage_warning(&carried),
            of,
            participants: carried,
        };
        // The study's coded turns by code, kept while the quotes they come from stand: the
        // kept value holds those quotes, so their address (the key) is not reused while
        // it is kept.
        let marks_key = format!("{:p}", Arc::as_ptr(&kept));
        let marks = state.model.memoized("review-turns", &marks_key, || {
            Ok((kept.clone(), overlap::turn_marks(&ordered)))
        })?;
        let (units, overlap) = overlap::overlap(&book, &id, &marks.1);
        let shared = codes
            .iter()
            .filter(|c| book.is_shared(&c.id))
            .map(|c| SharedView {
                code: c.id.clone(),
                label: c.label.clone(),
                themes: places(&book, c).into_iter().map(Named::of).collect(),
            })
            .collect();
        let mut notes: Vec<_> = study
            .memos_of(&state.coder)?
            .into_iter()
            .filter(|m| matches!(&m.about, MemoAbout::Theme(t) if *t == id))
            .collect();
        notes.sort_by(|a, b| a.when.cmp(&b.when));
        let stars = star_views(&state, &study, &id)?;
        let mut path: Vec<Named> = book.ancestors(&id).into_iter().map(Named::of).collect();
        path.reverse();
        Ok(Json(Review {
            theme: ThemeView::from(theme),
            path,
            coders,
            human_coders: study.human_coders()?,
            extracts: code_views.iter().map(|c| c.extracts).sum(),
            codes: code_views,
            coverage,
            overlap_unit: "turn",
            units,
            overlap,
            shared,
            notes: notes.iter().map(MemoView::from).collect(),
            stars,
        }))
    })
    .await
}

/// "Carried by 2 participants: P3, P7 — is it a pattern across the data?", for a theme
/// with extracts from one or two participants only.
fn coverage_warning(carried: &[(String, usize)]) -> Option<String> {
    if carried.is_empty() || carried.len() > FEW_PARTICIPANTS {
        return None;
    }
    let mut who: Vec<&str> = carried.iter().map(|(p, _)| p.as_str()).collect();
    who.sort_by(|a, b| natural_cmp(a, b));
    Some(format!(
        "carried by {} participant{}: {} — is it a pattern across the data?",
        who.len(),
        if who.len() == 1 { "" } else { "s" },
        who.join(", ")
    ))
}

/// The current themes `code` sits in: its parent, then those of its `also_in`.
fn places<'a>(book: &'a Codebook, code: &Entry) -> Vec<&'a Entry> {
    code.parent
        .iter()
        .chain(&code.also_in)
        .filter_map(|p| book.get(p))
        .filter(|p| !p.retired)
        .collect()
}

/// The acting coder's stars for `theme`, each with its words when the coding is there.
fn star_views(state: &AppState, study: &Study, theme: &str) -> ApiResult<Vec<StarView>> {
    let mut out = Vec::new();
    for s in study.stars_of(&state.coder)? {
        if s.theme != theme {
            continue;
        }
        let coding = state
            .model
            .coder(study, &s.coder)?
            .codings_in(&s.transcript)?
            .into_iter()
            .find(|c| c.id == s.coding);
        out.push(StarView {
            text: coding.as_ref().map(|c| c.text.clone()),
            code: coding.map(|c| c.theme),
            coder: s.coder,
            coding: s.coding,
            transcript: s.transcript,
            when: s.when,
        });
    }
    Ok(out)
}
