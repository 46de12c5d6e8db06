//! The quote view: every quote of the chosen coders, a page at a time, filtered by theme
//! and participant on the server. The quotes are kept per transcript (its passages, for
//! the digests of the coders' rows in it), so after a coding changes only that
//! transcript's passages are made again, and a page is cut from them without building
//! the whole table ([`thematic_report::quotes::quote_page`], which gives exactly the rows
//! of `thematic quotes --format json`, in its order). Each quote is attributed to who
//! speaks it ([`Study::attribution`]): a transcript's quotes are made again when the rows
//! of `participants.csv` naming its speakers change too.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use thematic_report::quotes::{PageRequest, TranscriptQuotes, quote_json, quote_page};
use thematic_report::{CoderSelection, attribute, passages_of};
use thematic_study::{Participants, Study, StudyError, parallel_map};

use super::exports::QuotesQuery;
use crate::error::{ApiError, ApiResult};
use crate::model::fingerprint;
use crate::state::AppState;

/// The most quotes one page of the quote view holds.
pub(crate) const MAX_PAGE: usize = 500;

/// Each transcript's quotes, in no particular order.
pub(crate) type Kept = Vec<(String, Arc<TranscriptQuotes>)>;

/// One page of the quote view.
#[derive(Debug, Serialize)]
pub(crate) struct QuotePage {
    /// Quotes after the filters, in all pages.
    total: usize,
    offset: usize,
    limit: usize,
    /// The quotes of this page, as the JSON download writes them.
    quotes: Vec<serde_json::Value>,
}

/// The quotes of `coders` pooled, per transcript, kept for the state of the files they
/// come from; a transcript's are made again only when a coder's rows in it changed.
pub(crate) fn quote_view(
    state: &AppState,
    study: &Study,
    coders: Vec<String>,
) -> ApiResult<Arc<Kept>> {
    let key = format!(
        "{}\u{0}{}",
        coders.join(","),
        state.model.study_key(study, &coders)?
    );
    state.model.memoized("quotes", &key, || {
        let index = coders
            .iter()
            .map(|c| state.model.coder(study, c))
            .collect::<Result<Vec<_>, _>>()?;
        let ids: BTreeSet<&String> = index.iter().flat_map(|i| i.transcripts()).collect();
        let who = study.attribution()?;
        let wanted: Vec<(String, u64)> = ids
            .into_iter()
            .map(|t| {
                let mut digests: Vec<u64> = index.iter().map(|i| i.digest(t)).collect();
                digests.push(who.fingerprint(t));
                (t.clone(), fingerprint(&digests))
            })
            .collect();
        let selection = CoderSelection::Pooled(coders.clone());
        let parts = state
            .model
            .parts("quotes", &coders.join(","), &wanted, |missing| {
                let made = parallel_map(missing, |t| -> Result<TranscriptQuotes, StudyError> {
                    let per_coder = index
                        .iter()
                        .map(|i| Ok((i.coder.clone(), i.codings_in(t)?)))
                        .collect::<Result<Vec<_>, StudyError>>()?;
                    let mut passages = passages_of(&selection, per_coder);
                    attribute(&mut passages, &who);
                    Ok(TranscriptQuotes::new(passages))
                });
                Ok(made.into_iter().collect::<Result<Vec<_>, _>>()?)
            })?;
        Ok(parts)
    })
}

/// The page of the kept quotes that `q` asks for, each quote with its turn's start time
/// (`start_ms`, when the transcript has times).
pub(crate) fn page(
    state: &AppState,
    study: &Study,
    kept: &Kept,
    q: &QuotesQuery,
) -> ApiResult<QuotePage> {
    let book = study.codebook()?;
    let participants = study.participants()?;
    let transcripts: Vec<(&str, &TranscriptQuotes)> =
        kept.iter().map(|(t, k)| (t.as_str(), k.as_ref())).collect();
    let chosen = chosen_participants(&participants, q)?;
    let chosen: Option<Vec<&str>> = chosen
        .as_ref()
        .map(|c| c.iter().map(String::as_str).collect());
    let starred = super::review::stars::starred(state, study)?;
    let request = PageRequest {
        theme: q.theme.as_deref(),
        participants: chosen.as_deref(),
        offset: q.offset.unwrap_or(0),
        limit: q.limit.unwrap_or(100).clamp(1, MAX_PAGE),
        starred: Some(&starred),
    };
    let page = quote_page(&book, &participants, &transcripts, &request);
    let files = study.transcript_files()?;
    let summaries = state.model.summaries(study, &files)?;
    let times: HashMap<&str, &[Option<i64>]> = files
        .iter()
        .zip(&summaries)
        .map(|((id, _), s)| (id.as_str(), s.turn_starts.as_slice()))
        .collect();
    let quotes = page
        .rows
        .iter()
        .map(|(t, quote)| {
            let mut json = quote_json(t, quote);
            let at = times
                .get(quote.transcript.as_str())
                .and_then(|ts| ts.get(quote.turn.checked_sub(1)?).copied().flatten());
            json["start_ms"] = at.into();
            json
        })
        .collect();
    Ok(QuotePage {
        total: page.total,
        offset: request.offset,
        limit: request.limit,
        quotes,
    })
}

/// The participants `q` narrows the page to: its `participant`, and those whose attribute
/// has the value `attribute` names (`gender:female`); `None` for everyone.
fn chosen_participants(
    participants: &Participants,
    q: &QuotesQuery,
) -> ApiResult<Option<Vec<String>>> {
    let mut chosen: Option<Vec<String>> = q.participant.clone().map(|p| vec![p]);
    if let Some(filter) = q.attribute.as_deref().filter(|f| !f.is_empty()) {
        let Some((name, value)) = filter.split_once(':') else {
            return Err(ApiError::bad_request(format!(
                "the attribute filter is name:value (gender:female), not \"{filter}\""
            )));
        };
        let Some(column) = participants.attributes.iter().position(|a| a == name) else {
            return Err(ApiError::bad_request(format!(
                "participants.csv has no attribute \"{name}\"; it has {}",
                participants.attributes.join(", ")
            )));
        };
        let having: Vec<String> = participants
            .rows
            .iter()
            .filter(|(_, values)| values.get(column).is_some_and(|v| v == value))
            .map(|(id, _)| id.clone())
            .filter(|id| chosen.as_ref().is_none_or(|c| c.contains(id)))
            .collect();
        chosen = Some(having);
    }
    Ok(chosen)
}
