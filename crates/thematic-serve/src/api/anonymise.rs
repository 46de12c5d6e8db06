//! Reviewing the anonymisation candidates in the browser: the Anonymise view's answers,
//! over the same `anonymisation/review.csv` that `thematic anonymise scan` writes and a
//! spreadsheet can edit.
//!
//! The file is read afresh on every request, so an edit made in a spreadsheet shows on the
//! next one. Every answer carries the review's `version` (a hash of the file the rows make,
//! so saving the same rows again with other quoting is the same version); a write names the
//! version it was decided on and is refused (409), nothing written, when the rows have
//! changed since, so a decision never overwrites a change made meanwhile in a spreadsheet,
//! another tab or a re-scan. Writes read, check, change and write the file under its lock,
//! atomically ([`thematic_study::Study::update_anonymisation_review`]), and each is logged
//! in `changelog.csv`: the study's row with the counts of each decision, and one of ours
//! (`anonymise decision`, `anonymise add`) saying what kind of term changed and how, but
//! not the term, which is what anonymising keeps out of the study's shared files. A write
//! answers what the row was before; the page's Undo writes that back.
//!
//! | method and path | what |
//! | --- | --- |
//! | `GET /api/anonymise?kind=&decision=&offset=&limit=&per_term=` | one page of terms, each with its first extracts in context |
//! | `GET /api/anonymise/extracts?term=&offset=&limit=` | one page of one term's extracts |
//! | `POST /api/anonymise/decision` | `{term, decision?, replacement?, version}`: decide on a term |
//! | `POST /api/anonymise/terms` | `{term, kind, replacement?}`: add a term the scan missed |
//! | `POST /api/anonymise/scan` | scan the transcripts again (earlier decisions kept) |

mod found;
mod write;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use thematic_anonymise::{Decision, Kind, Review, ReviewRow};
use thematic_study::{Study, content_hash};

use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};
use found::{Extract, Hit, extracts as extracts_of, occurrences};

/// The file, as the page names it.
const FILE: &str = "anonymisation/review.csv";

/// Terms on one page, unless asked otherwise, and at most.
const PAGE: usize = 50;
const MAX_PAGE: usize = 200;

/// Extracts of each term in the list's answer, unless asked otherwise, and at most.
const PER_TERM: usize = 3;
const MAX_PER_TERM: usize = 50;

/// The longest term that can be added by hand, in characters.
const MAX_TERM: usize = 200;

/// The view's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/anonymise", get(list))
        .route("/api/anonymise/extracts", get(extracts))
        .route("/api/anonymise/decision", post(write::decide))
        .route("/api/anonymise/terms", post(write::add))
        .route("/api/anonymise/scan", post(write::scan))
}

/// Finds where the review's terms occur, on the warming thread, when the study has a
/// review: the first visit to the view then costs what a later one does (on 2,000
/// interviews, 4 s of reading every transcript). A failure is only a cold start.
pub(crate) fn warm(state: &AppState, study: &Study) {
    if !study.anonymisation_review_path().is_file() {
        return;
    }
    if let Ok((review, _, _)) = read(study) {
        let terms: Vec<String> = review.rows().iter().map(|r| r.term.clone()).collect();
        let _ = occurrences(state, study, &terms);
    }
}

/// The version of a review: a hash of the file it makes ([`Review::to_csv`]), so a file
/// saved again by a spreadsheet with the same rows (other quoting, other line ends) is the
/// same version, and any change to a row is another.
fn version_of(review: &Review) -> String {
    format!("{:016x}", content_hash(review.to_csv().as_bytes()))
}

/// The review as it is on disk (empty when there is no file), its version and whether the
/// file exists.
fn read(study: &Study) -> ApiResult<(Review, String, bool)> {
    let exists = study.anonymisation_review_path().is_file();
    let review = study.read_anonymisation_review()?;
    let version = version_of(&review);
    Ok((review, version, exists))
}

/// Under the review file's lock ([`Study::update_anonymisation_review_logged`]): reads the
/// review, checks it is still at `expected` (when given), lets `change` edit it and, when
/// `change` names a change-log line, writes it and logs that one line. Answers `change`'s
/// value, the new version and the review as it is. A version that differs is a 409 and
/// nothing is written.
fn update<T>(
    state: &AppState,
    study: &Study,
    expected: Option<&str>,
    change: impl FnOnce(&mut Review) -> ApiResult<(T, Option<(&'static str, String)>)>,
) -> ApiResult<(T, String, Review)> {
    let mut outcome: Option<ApiResult<T>> = None;
    let review = study.update_anonymisation_review_logged(&state.coder, |review| {
        if let Some(expected) = expected
            && expected != version_of(review)
        {
            outcome = Some(Err(ApiError::new(
                StatusCode::CONFLICT,
                format!(
                    "{FILE} has changed since this page read it (edited in a spreadsheet, \
                     another tab or a re-scan); nothing was written: reload the view to see \
                     it as it is now, then decide again"
                ),
            )));
            return None;
        }
        match change(review) {
            Ok((value, log)) => {
                outcome = Some(Ok(value));
                log.map(|(action, detail)| (action.to_string(), detail))
            }
            Err(e) => {
                outcome = Some(Err(e));
                None
            }
        }
    })?;
    let value = outcome.unwrap_or_else(|| {
        Err(ApiError::internal(
            "the review was not read; nothing was written",
        ))
    })?;
    Ok((value, version_of(&review), review))
}

/// The row of `term` (case and spacing aside, as the matcher sees terms).
fn row_of<'a>(review: &'a mut Review, term: &str) -> ApiResult<&'a mut ReviewRow> {
    review.get_mut(term).ok_or_else(|| {
        ApiError::not_found(format!(
            "\"{term}\" is not a term of {FILE}; reload the view (it may have been removed in a spreadsheet)"
        ))
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    kind: Option<String>,
    decision: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
    per_term: Option<usize>,
}

/// A term as the view shows it.
#[derive(Debug, Serialize)]
pub(crate) struct TermView {
    term: String,
    kind: String,
    rule: String,
    /// The count the scan wrote.
    count: Option<usize>,
    example: String,
    decision: &'static str,
    replacement: String,
    /// What apply would put in when the replacement is left empty.
    suggested: String,
    note: String,
    /// Occurrences in the transcripts now, and in how many transcripts.
    found: usize,
    transcripts: usize,
    /// The first occurrences, in the study's order.
    extracts: Vec<Extract>,
}

fn term_view(row: &ReviewRow, found: Option<&Found>, extracts: Vec<Extract>) -> TermView {
    TermView {
        term: row.term.clone(),
        kind: row.kind.as_str().to_string(),
        rule: row.rule.as_str().to_string(),
        count: Some(row.count),
        example: row.example.clone(),
        decision: row.decision.as_str(),
        replacement: row.replacement.clone(),
        suggested: row.kind.placeholder().to_string(),
        note: row.note.clone(),
        found: found.map_or(0, |f| f.n),
        transcripts: found.map_or(0, |f| f.transcripts),
        extracts,
    }
}

/// `rows` of `review` with their occurrences, counted over the whole review's terms (so the
/// hits kept for the view's list are used, not found again for these terms alone), each
/// with its first `per_term` extracts.
fn views_of(
    state: &AppState,
    study: &Study,
    review: &Review,
    rows: &[&ReviewRow],
    per_term: usize,
) -> ApiResult<Vec<TermView>> {
    let terms: Vec<String> = review.rows().iter().map(|r| r.term.clone()).collect();
    let found = tally(state, study, &terms, per_term)?;
    let index: HashMap<&str, usize> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let of = |r: &ReviewRow| index.get(r.term.as_str()).map(|&i| &found[i]);
    // Every extract shown, read at once: a transcript holding the first hits of many terms
    // is read once.
    let wanted: Vec<(&str, Hit)> = rows
        .iter()
        .flat_map(|r| of(r).map(|f| f.first.as_slice()).unwrap_or_default())
        .map(|(t, h)| (t.as_str(), *h))
        .collect();
    let mut read = extracts_of(study, &wanted).into_iter();
    Ok(rows
        .iter()
        .map(|r| {
            let f = of(r);
            let n = f.map_or(0, |f| f.first.len());
            let shown = read.by_ref().take(n).flatten().collect();
            term_view(r, f, shown)
        })
        .collect())
}

/// `row` of `review` as [`views_of`] gives it.
fn view_of(
    state: &AppState,
    study: &Study,
    review: &Review,
    row: &ReviewRow,
) -> ApiResult<TermView> {
    let mut one = views_of(state, study, review, &[row], PER_TERM)?;
    one.pop()
        .ok_or_else(|| ApiError::internal("the term's view was not made"))
}

/// One term's occurrences counted, with the first few (transcript and hit).
#[derive(Debug, Default)]
struct Found {
    n: usize,
    transcripts: usize,
    first: Vec<(String, Hit)>,
}

/// Counts `terms`' occurrences and keeps the first `keep` of each.
fn tally(state: &AppState, study: &Study, terms: &[String], keep: usize) -> ApiResult<Vec<Found>> {
    let mut out: Vec<Found> = terms.iter().map(|_| Found::default()).collect();
    let mut seen = vec![usize::MAX; terms.len()];
    for (k, (id, part)) in occurrences(state, study, terms)?.iter().enumerate() {
        for hit in part.iter() {
            let Some(f) = out.get_mut(hit.term) else {
                continue;
            };
            f.n += 1;
            if seen[hit.term] != k {
                seen[hit.term] = k;
                f.transcripts += 1;
            }
            if f.first.len() < keep {
                f.first.push((id.clone(), *hit));
            }
        }
    }
    Ok(out)
}

/// A count of each value.
#[derive(Debug, Serialize)]
struct KindCount {
    kind: String,
    n: usize,
}

#[derive(Debug, Serialize)]
struct DecisionCount {
    decision: &'static str,
    n: usize,
}

/// `GET /api/anonymise`: the answer.
#[derive(Debug, Serialize)]
pub(crate) struct Page {
    /// `anonymisation/review.csv`.
    file: &'static str,
    /// Whether the file exists (a scan writes it).
    exists: bool,
    /// The file's version, to send back with a write.
    version: String,
    /// Every row of the file.
    all: usize,
    /// Rows of each decision and kind, over the whole file.
    decisions: Vec<DecisionCount>,
    kinds: Vec<KindCount>,
    /// The kinds a term can have.
    known_kinds: Vec<&'static str>,
    /// Rows after the filters, the page's place, and its rows.
    total: usize,
    offset: usize,
    limit: usize,
    terms: Vec<TermView>,
}

fn counts(review: &Review) -> (Vec<DecisionCount>, Vec<KindCount>) {
    let decisions = Decision::ALL
        .into_iter()
        .map(|d| DecisionCount {
            decision: d.as_str(),
            n: review.rows().iter().filter(|r| r.decision == d).count(),
        })
        .collect();
    let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
    for r in review.rows() {
        *kinds.entry(r.kind).or_default() += 1;
    }
    let kinds = kinds
        .into_iter()
        .map(|(k, n)| KindCount {
            kind: k.as_str().to_string(),
            n,
        })
        .collect();
    (decisions, kinds)
}

/// `GET /api/anonymise?kind=&decision=&offset=&limit=&per_term=`: the file's rows, in its
/// order, filtered; each with its occurrences now and the first few in context.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Params(q): Params<ListQuery>,
) -> ApiResult<Json<Page>> {
    blocking(move || {
        let study = state.study()?;
        let (review, version, exists) = read(&study)?;
        let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(Kind::parse(k).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "\"{k}\" is not a kind of identifier: {}",
                    kinds_list()
                ))
            })?),
        };
        let decision = match q.decision.as_deref().filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(parse_decision(d)?),
        };
        let per_term = q.per_term.unwrap_or(PER_TERM).min(MAX_PER_TERM);
        let limit = q.limit.unwrap_or(PAGE).clamp(1, MAX_PAGE);
        let offset = q.offset.unwrap_or(0);
        let chosen: Vec<&ReviewRow> = review
            .rows()
            .iter()
            .filter(|r| kind.is_none_or(|k| r.kind == k))
            .filter(|r| decision.is_none_or(|d| r.decision == d))
            .collect();
        let page: Vec<&ReviewRow> = chosen.iter().skip(offset).take(limit).copied().collect();
        let terms = views_of(&state, &study, &review, &page, per_term)?;
        let (decisions, kinds) = counts(&review);
        Ok(Json(Page {
            file: FILE,
            exists,
            version,
            all: review.rows().len(),
            decisions,
            kinds,
            known_kinds: Kind::ALL.iter().map(|k| k.as_str()).collect(),
            total: chosen.len(),
            offset,
            limit,
            terms,
        }))
    })
    .await
}

fn kinds_list() -> String {
    Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_decision(d: &str) -> ApiResult<Decision> {
    Decision::parse(d).ok_or_else(|| {
        ApiError::bad_request(format!(
            "\"{d}\" is not a decision: replace, review or keep"
        ))
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExtractsQuery {
    term: String,
    offset: Option<usize>,
    limit: Option<usize>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ExtractPage {
    term: String,
    total: usize,
    offset: usize,
    extracts: Vec<Extract>,
}

/// `GET /api/anonymise/extracts?term=&offset=&limit=`: one page of one term's occurrences.
pub(crate) async fn extracts(
    State(state): State<Arc<AppState>>,
    Params(q): Params<ExtractsQuery>,
) -> ApiResult<Json<ExtractPage>> {
    blocking(move || {
        let study = state.study()?;
        let (mut review, _, _) = read(&study)?;
        let term = row_of(&mut review, &q.term)?.term.clone();
        let terms: Vec<String> = review.rows().iter().map(|r| r.term.clone()).collect();
        let Some(i) = terms.iter().position(|t| *t == term) else {
            return Err(ApiError::not_found(format!(
                "\"{term}\" is not a term of {FILE}"
            )));
        };
        let offset = q.offset.unwrap_or(0);
        let limit = q.limit.unwrap_or(20).clamp(1, MAX_PAGE);
        let mut total = 0;
        let all = occurrences(&state, &study, &terms)?;
        let mut page: Vec<(&str, Hit)> = Vec::new();
        for (id, part) in &all {
            for hit in part.iter().filter(|h| h.term == i) {
                if total >= offset && page.len() < limit {
                    page.push((id.as_str(), *hit));
                }
                total += 1;
            }
        }
        Ok(Json(ExtractPage {
            term,
            total,
            offset,
            extracts: extracts_of(&study, &page).into_iter().flatten().collect(),
        }))
    })
    .await
}
