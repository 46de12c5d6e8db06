//! A theme's extracts, code by code: one code's page in the review's order (starred
//! first, then participant and position, as the quote table orders them), each extract
//! with its codings (found in its transcript's rows) and the stars on them.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use thematic_report::Passage;
use thematic_report::quotes::{Starred, TranscriptQuotes};
use thematic_study::{Study, theme_codes};

use super::{MAX_PAGE, chosen_coders, current_theme, ordered, stars};
use crate::api::quote_view::quote_view;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Id, Params};
use crate::state::{AppState, blocking};

/// One coding behind an extract: whose, and its id (what a star names).
#[derive(Debug, Clone, Serialize)]
struct CodingRef {
    coder: String,
    id: String,
}

/// A star on an extract: who starred it, for which theme.
#[derive(Debug, Clone, Serialize)]
struct StarRef {
    by: String,
    theme: String,
}

/// One extract.
#[derive(Debug, Serialize)]
pub(super) struct ExtractView {
    /// The code it is coded with.
    code: String,
    participant: String,
    transcript: String,
    turn: usize,
    start: usize,
    end: usize,
    text: String,
    /// The coders who coded these words with this code.
    coders: Vec<String>,
    /// Their codings.
    codings: Vec<CodingRef>,
    /// Starred by anyone (it then comes first, here and in `thematic quotes`).
    starred: bool,
    /// Starred by the acting coder for this theme.
    mine: bool,
    /// The other stars on its codings: who starred it, for which theme.
    stars: Vec<StarRef>,
    /// The turn's start time, when the transcript has times.
    start_ms: Option<i64>,
}

/// The extracts of `code`, as the quote table orders them (starred first, then participant
/// in natural order and position): how many there are, and those from `offset`, at most
/// `limit`, each with its transcript and whether it is starred.
pub(super) fn code_page<'a>(
    ordered: &[(&'a str, &'a TranscriptQuotes)],
    code: &str,
    starred: &Starred,
    offset: usize,
    limit: usize,
) -> (usize, Vec<(&'a str, &'a Passage, bool)>) {
    let mut total = 0;
    let mut page = Vec::new();
    let take = |t: &'a str, p: &'a Passage, star: bool, total: &mut usize, page: &mut Vec<_>| {
        if *total >= offset && page.len() < limit {
            page.push((t, p, star));
        }
        *total += 1;
    };
    for (t, q) in ordered.iter().filter(|(t, _)| starred.in_transcript(t)) {
        for p in q.of(code).iter().filter(|p| starred.contains(p)) {
            take(t, p, true, &mut total, &mut page);
        }
    }
    for (t, q) in ordered {
        let here = q.of(code);
        if starred.in_transcript(t) {
            for p in here.iter().filter(|p| !starred.contains(p)) {
                take(t, p, false, &mut total, &mut page);
            }
        } else if total + here.len() <= offset || page.len() >= limit {
            total += here.len(); // nothing of this transcript on the page
        } else {
            for p in here {
                take(t, p, false, &mut total, &mut page);
            }
        }
    }
    (total, page)
}

/// Makes extract views: finds each passage's codings (by their coders' rows in its
/// transcript, read once per coder and transcript) and its turn's time.
pub(super) struct Views<'s> {
    state: &'s AppState,
    study: &'s Study,
    codings: HashMap<(String, String), Vec<thematic_study::Coding>>,
    times: HashMap<String, Vec<Option<i64>>>,
    /// Every author's stars: per (coder, coding), who starred it for which theme.
    stars: HashMap<(String, String), Vec<StarRef>>,
    /// The acting coder and the theme reviewed.
    me: String,
    theme: String,
}

impl<'s> Views<'s> {
    pub(super) fn new(state: &'s AppState, study: &'s Study, theme: &str) -> ApiResult<Views<'s>> {
        let files = study.transcript_files()?;
        let summaries = state.model.summaries(study, &files)?;
        let times = files
            .iter()
            .zip(&summaries)
            .map(|((id, _), s)| (id.clone(), s.turn_starts.clone()))
            .collect();
        let mut stars: HashMap<(String, String), Vec<StarRef>> = HashMap::new();
        for s in study.all_stars()? {
            stars.entry((s.coder, s.coding)).or_default().push(StarRef {
                by: s.by,
                theme: s.theme,
            });
        }
        Ok(Views {
            state,
            study,
            codings: HashMap::new(),
            times,
            stars,
            me: state.coder.clone(),
            theme: theme.to_string(),
        })
    }

    fn codings(&mut self, coder: &str, transcript: &str) -> ApiResult<&[thematic_study::Coding]> {
        let key = (coder.to_string(), transcript.to_string());
        if !self.codings.contains_key(&key) {
            let index = self.state.model.coder(self.study, coder)?;
            self.codings
                .insert(key.clone(), index.codings_in(transcript)?);
        }
        Ok(self.codings.get(&key).map_or(&[], Vec::as_slice))
    }

    pub(super) fn view(
        &mut self,
        transcript: &str,
        p: &Passage,
        starred: bool,
    ) -> ApiResult<ExtractView> {
        let mut codings = Vec::new();
        for coder in &p.coders {
            let found = self.codings(coder, transcript)?.iter().find(|c| {
                c.is_anchored() && (c.start, c.end) == (p.start, p.end) && c.theme == p.theme
            });
            if let Some(c) = found {
                codings.push(CodingRef {
                    coder: coder.clone(),
                    id: c.id.clone(),
                });
            }
        }
        let on: Vec<StarRef> = codings
            .iter()
            .filter_map(|c| self.stars.get(&(c.coder.clone(), c.id.clone())))
            .flatten()
            .cloned()
            .collect();
        let is_mine = |s: &StarRef| s.by == self.me && s.theme == self.theme;
        let mine = on.iter().any(is_mine);
        let stars = on.into_iter().filter(|s| !is_mine(s)).collect();
        let start_ms = self
            .times
            .get(transcript)
            .and_then(|ts| ts.get(p.turn.checked_sub(1)?).copied().flatten());
        Ok(ExtractView {
            code: p.theme.clone(),
            participant: p.participant.clone(),
            transcript: transcript.to_string(),
            turn: p.turn,
            start: p.start,
            end: p.end,
            text: p.text.clone(),
            coders: p.coders.clone(),
            codings,
            starred,
            mine,
            stars,
            start_ms,
        })
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExtractsQuery {
    /// The code.
    code: String,
    coders: Option<String>,
    offset: Option<usize>,
    /// Default 20, at most 200.
    limit: Option<usize>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ExtractsPage {
    code: String,
    total: usize,
    offset: usize,
    limit: usize,
    extracts: Vec<ExtractView>,
}

/// `GET /api/review/{id}/extracts?code=&coders=&offset=&limit=`: one page of one of the
/// theme's codes' extracts, in the order of the review (starred first).
pub(crate) async fn extracts(
    State(state): State<Arc<AppState>>,
    Id(id): Id,
    Params(q): Params<ExtractsQuery>,
) -> ApiResult<Json<ExtractsPage>> {
    blocking(move || {
        let study = state.study()?;
        let book = study.codebook()?;
        current_theme(&book, &id)?;
        if !theme_codes(&book, &id).iter().any(|c| c.id == q.code) {
            return Err(ApiError::bad_request(format!(
                "\"{}\" is not one of the codes of \"{id}\"",
                q.code
            )));
        }
        let coders = chosen_coders(&state, &study, q.coders.as_deref())?;
        let kept = quote_view(&state, &study, coders)?;
        let ordered = ordered(&kept);
        let starred = stars::starred(&state, &study)?;
        let offset = q.offset.unwrap_or(0);
        let limit = q.limit.unwrap_or(20).clamp(1, MAX_PAGE);
        let (total, page) = code_page(&ordered, &q.code, &starred, offset, limit);
        let mut views = Views::new(&state, &study, &id)?;
        let extracts = page
            .into_iter()
            .map(|(t, p, star)| views.view(t, p, star))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(Json(ExtractsPage {
            code: q.code,
            total,
            offset,
            limit,
            extracts,
        }))
    })
    .await
}
