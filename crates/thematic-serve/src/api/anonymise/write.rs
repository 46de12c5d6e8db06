//! The Anonymise view's writes: a decision or a replacement, a term added by hand, and a
//! scan from the browser. Each goes through [`super::update`] (the file's lock, the version
//! check), and is logged without the term.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use thematic_anonymise::{Kind, ReviewRow, Rule};

use super::{
    DecisionCount, MAX_TERM, TermView, counts, kinds_list, parse_decision, row_of, update,
    version_of, view_of,
};
use crate::error::{ApiError, ApiResult};
use crate::extract::Body;
use crate::state::{AppState, blocking};

/// `POST /api/anonymise/decision` body.
#[derive(Debug, Deserialize)]
pub(crate) struct DecisionBody {
    term: String,
    decision: Option<String>,
    replacement: Option<String>,
    /// The version of the file the decision was made on.
    version: String,
}

/// What a write answers: the row as written, what it was before, the file's new version
/// and counts.
#[derive(Debug, Serialize)]
pub(crate) struct Written {
    version: String,
    row: TermView,
    before: Before,
    created: bool,
    all: usize,
    decisions: Vec<DecisionCount>,
}

/// A row's decision and replacement before a write: what Undo writes back.
#[derive(Debug, Clone, Serialize)]
struct Before {
    decision: &'static str,
    replacement: String,
}

/// `POST /api/anonymise/decision`: sets a term's decision and/or replacement, refused when
/// the file changed since `version`.
pub(crate) async fn decide(
    State(state): State<Arc<AppState>>,
    Body(body): Body<DecisionBody>,
) -> ApiResult<Json<Written>> {
    blocking(move || {
        let study = state.study()?;
        let decision = body.decision.as_deref().map(parse_decision).transpose()?;
        let replacement = body.replacement.as_deref().map(|r| r.trim().to_string());
        if decision.is_none() && replacement.is_none() {
            return Err(ApiError::bad_request(
                "say what to change: a decision (replace, review or keep) or a replacement",
            ));
        }
        if let Some(r) = &replacement
            && (r.contains('\n') || r.chars().count() > MAX_TERM)
        {
            return Err(ApiError::bad_request(format!(
                "a replacement is one line of at most {MAX_TERM} characters"
            )));
        }
        let ((row, before, all, decisions), version, review) =
            update(&state, &study, Some(&body.version), |review| {
                let row = row_of(review, &body.term)?;
                let before = Before {
                    decision: row.decision.as_str(),
                    replacement: row.replacement.clone(),
                };
                if let Some(d) = decision {
                    row.decision = d;
                }
                if let Some(r) = replacement {
                    row.replacement = r;
                }
                let row = row.clone();
                // The log says what changed, never the term: the change log is shared with
                // the study, and the term is what anonymising keeps out of it.
                let log = format!(
                    "one {} term ({}): {} → {}{}",
                    row.kind,
                    row.rule,
                    before.decision,
                    row.decision.as_str(),
                    if before.replacement == row.replacement {
                        ""
                    } else {
                        "; replacement changed"
                    }
                );
                let (decisions, _) = counts(review);
                Ok((
                    (row, before, review.rows().len(), decisions),
                    Some(("anonymise decision", log)),
                ))
            })?;
        Ok(Json(Written {
            version,
            row: view_of(&state, &study, &review, &row)?,
            before,
            created: false,
            all,
            decisions,
        }))
    })
    .await
}

/// `POST /api/anonymise/terms` body.
#[derive(Debug, Deserialize)]
pub(crate) struct NewTerm {
    term: String,
    kind: String,
    replacement: Option<String>,
}

/// `POST /api/anonymise/terms`: adds a term (rule `manual`, decision `replace`) unless the
/// file has it already, which is answered as it is (200, `created: false`).
pub(crate) async fn add(
    State(state): State<Arc<AppState>>,
    Body(new): Body<NewTerm>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    blocking(move || {
        let study = state.study()?;
        let term = new.term.split_whitespace().collect::<Vec<_>>().join(" ");
        if term.is_empty() {
            return Err(ApiError::bad_request(
                "select the words to add as an identifier first",
            ));
        }
        if term.chars().count() > MAX_TERM {
            return Err(ApiError::bad_request(format!(
                "an identifier is at most {MAX_TERM} characters; select fewer words"
            )));
        }
        let kind = Kind::parse(&new.kind).ok_or_else(|| {
            ApiError::bad_request(format!(
                "\"{}\" is not a kind of identifier: {}",
                new.kind,
                kinds_list()
            ))
        })?;
        let ((row, created, all, decisions), version, review) =
            update(&state, &study, None, |review| {
                if let Some(r) = review.get(&term) {
                    let (decisions, _) = counts(review);
                    return Ok(((r.clone(), false, review.rows().len(), decisions), None));
                }
                let mut row = ReviewRow::manual(&term, kind);
                match new.replacement.as_deref().map(str::trim) {
                    Some(r) if !r.is_empty() => row.replacement = r.to_string(),
                    // A person gets the next number, as the scan numbers people.
                    _ if kind.is_person() => {
                        row.replacement = format!("[Name {}]", review.next_name_number());
                    }
                    _ => {}
                }
                review.upsert(row.clone());
                let (decisions, _) = counts(review);
                let log = format!("one {kind} term added by hand ({})", Rule::Manual);
                Ok((
                    (row, true, review.rows().len(), decisions),
                    Some(("anonymise add", log)),
                ))
            })?;
        let view = view_of(&state, &study, &review, &row)?;
        let before = Before {
            decision: row.decision.as_str(),
            replacement: row.replacement.clone(),
        };
        let status = if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        Ok((
            status,
            Json(Written {
                version,
                row: view,
                before,
                created,
                all,
                decisions,
            }),
        ))
    })
    .await
}

/// `POST /api/anonymise/scan` answer.
#[derive(Debug, Serialize)]
pub(crate) struct Scanned {
    version: String,
    /// Rows in the review after the scan, and how many are new.
    terms: usize,
    added: usize,
    /// Transcripts scanned, and those skipped because they could not be read.
    transcripts: usize,
    skipped: usize,
}

/// `POST /api/anonymise/scan`: scans the transcripts again, as `thematic anonymise scan`
/// does; the decisions already made are kept.
pub(crate) async fn scan(State(state): State<Arc<AppState>>) -> ApiResult<Json<Scanned>> {
    blocking(move || {
        let study = state.study()?;
        let scanned = state
            .model
            .one_heavy(|| study.rescan_identifiers(&state.coder))?;
        let version = version_of(&scanned.review);
        Ok(Json(Scanned {
            version,
            terms: scanned.review.len(),
            added: scanned.new_terms,
            transcripts: scanned.transcripts,
            skipped: scanned.skipped.len(),
        }))
    })
    .await
}
