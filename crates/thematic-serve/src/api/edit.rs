//! Correcting one turn's words in the reader's edit mode: the same path as `thematic
//! transcripts update` ([`Study::rewrite_transcript`]), so every coder's codings of the
//! transcript are kept, moved to their words or orphaned (never lost), and the change is
//! logged. A dry run says what would happen to the codings and writes nothing.
//!
//! The page sends the turn's text as it read it (`base`): when the turn reads otherwise
//! now (corrected meanwhile in another tab or on the command line), the edit is refused
//! rather than written over words the researcher has not seen.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use thematic_study::{Anchor, Study, TextEdit, UpdateReport};

use crate::error::{ApiError, ApiResult};
use crate::extract::Body;
use crate::state::{AppState, blocking};

/// `POST /api/transcripts/{id}/turns/{n}/text` body.
#[derive(Debug, Deserialize)]
pub(crate) struct TurnText {
    /// The corrected words of the turn, all of them.
    text: String,
    /// The turn's words as the page showed them; refused (409) when the turn reads
    /// otherwise now. Without it the edit applies to the turn as it is.
    #[serde(default)]
    base: Option<String>,
    /// Only say what would happen to the codings; write nothing.
    #[serde(default)]
    dry_run: bool,
}

/// What happened to one of the acting coder's codings.
#[derive(Debug, Serialize)]
pub(crate) struct CodingOutcome {
    id: String,
    theme: String,
    /// 1-based turn before the edit.
    turn: usize,
    /// `kept`, `moved` or `orphaned`.
    outcome: &'static str,
    /// The coded words before the edit.
    before: String,
    /// The coded words after it (the same for kept; empty for orphaned).
    after: String,
    /// Why an orphaned coding could not be placed.
    reason: Option<String>,
}

/// Kept, moved and orphaned codings.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Counts {
    kept: usize,
    moved: usize,
    orphaned: usize,
}

/// The answer: what happened (or, on a dry run, would happen) to the codings.
#[derive(Debug, Serialize)]
pub(crate) struct Edited {
    /// Whether the transcript was rewritten (false on a dry run or when nothing changed).
    written: bool,
    /// The text was the turn's text already: nothing to do.
    unchanged: bool,
    /// The turn, 1-based.
    turn: usize,
    /// Every coder's codings of the transcript, as `thematic transcripts update` counts them.
    all: Counts,
    /// The acting coder's.
    mine: Counts,
    /// The acting coder's codings in the edited turn, and any of theirs orphaned elsewhere
    /// (blind coding: nobody else's words are shown).
    codings: Vec<CodingOutcome>,
}

/// `POST /api/transcripts/{id}/turns/{n}/text`
pub(crate) async fn turn_text(
    State(state): State<Arc<AppState>>,
    Path((id, n)): Path<(String, usize)>,
    Body(body): Body<TurnText>,
) -> ApiResult<(StatusCode, Json<Edited>)> {
    blocking(move || {
        let study = state.study()?;
        let edited = edit_turn(&study, &state.coder, &id, n, &body)?;
        Ok((StatusCode::OK, Json(edited)))
    })
    .await
}

/// Checks the request against the turn as it reads now and rewrites it (or, on a dry run,
/// reports what would happen).
fn edit_turn(
    study: &Study,
    coder: &str,
    id: &str,
    n: usize,
    body: &TurnText,
) -> Result<Edited, ApiError> {
    let t = study.transcript(id)?;
    let Some(turn) = n.checked_sub(1).and_then(|i| t.turns.get(i)) else {
        return Err(ApiError::not_found(format!(
            "{id} has {} turns, not a turn {n}",
            t.turns.len()
        )));
    };
    let old: Vec<char> = t
        .text
        .chars()
        .skip(turn.start)
        .take(turn.end - turn.start)
        .collect();
    let old_text: String = old.iter().collect();
    if let Some(base) = &body.base
        && *base != old_text
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "turn {n} of {id} has changed since the page read it (corrected in another \
                 window or on the command line); nothing was written. Copy your correction, \
                 reload the page and make it again on the turn as it reads now"
            ),
        ));
    }
    let new_text = body.text.trim();
    if new_text.is_empty() {
        return Err(ApiError::bad_request(format!(
            "the corrected text of turn {n} is empty; a turn keeps at least one word (to remove \
             a turn, edit the file and use `thematic transcripts update {id} FILE`)"
        )));
    }
    if new_text.contains(['\n', '\r']) && !old_text.contains(['\n', '\r']) {
        return Err(ApiError::bad_request(format!(
            "the corrected text of turn {n} has a line break; a turn's words are one paragraph \
             here (a new turn needs a speaker line in the file: edit it and use `thematic \
             transcripts update {id} FILE`)"
        )));
    }
    let new: Vec<char> = new_text.chars().collect();
    let Some(edit) = minimal_edit(turn.start, &old, &new) else {
        return Ok(Edited {
            written: false,
            unchanged: true,
            turn: n,
            all: Counts::default(),
            mine: Counts::default(),
            codings: Vec::new(),
        });
    };
    // Sync times follow their turns through the rewrite (the study places them as it
    // places codings). The edit was made against `t.text`: the rewrite refuses it if the
    // transcript reads otherwise once it holds the locks (a correction in another window).
    let report = study.rewrite_transcript_of(
        id,
        Some(&t.text),
        std::slice::from_ref(&edit),
        coder,
        body.dry_run,
    )?;
    Ok(outcome(&report, coder, n))
}

/// The one replacement that turns `old` (a turn starting at code point `at`) into `new`:
/// the words between their common beginning and common end, so codings and file bytes
/// outside the change are untouched. `None` when they are the same.
fn minimal_edit(at: usize, old: &[char], new: &[char]) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    Some(TextEdit {
        start: at + prefix,
        end: at + old.len() - suffix,
        replacement: new[prefix..new.len() - suffix].iter().collect(),
    })
}

/// The report as the page shows it: counts for everyone and for `coder`, and `coder`'s
/// codings in turn `n` or orphaned.
fn outcome(report: &UpdateReport, coder: &str, n: usize) -> Edited {
    let mut all = Counts::default();
    let mut mine = Counts::default();
    let mut codings = Vec::new();
    for u in &report.codings {
        let is_mine = u.before.coder == coder;
        let (name, after, reason) = match &u.anchor {
            Anchor::Kept => ("kept", u.before.text.clone(), None),
            Anchor::Moved { text, .. } => ("moved", text.clone(), None),
            Anchor::Orphaned { reason } => ("orphaned", String::new(), Some(reason.clone())),
        };
        for c in [&mut all].into_iter().chain(is_mine.then_some(&mut mine)) {
            match name {
                "kept" => c.kept += 1,
                "moved" => c.moved += 1,
                _ => c.orphaned += 1,
            }
        }
        if is_mine && (u.before.turn == n || reason.is_some()) {
            codings.push(CodingOutcome {
                id: u.before.id.clone(),
                theme: u.before.theme.clone(),
                turn: u.before.turn,
                outcome: name,
                before: u.before.text.clone(),
                after,
                reason,
            });
        }
    }
    Edited {
        written: report.written,
        unchanged: false,
        turn: n,
        all,
        mine,
        codings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn the_edit_is_only_the_changed_words() {
        // "I walked to the park" → "I walked to the big park": "big " inserted at 16 (after
        // "I walked to the "), nothing removed; the turn starts at 100.
        let e = minimal_edit(
            100,
            &chars("I walked to the park"),
            &chars("I walked to the big park"),
        )
        .unwrap();
        assert_eq!((e.start, e.end, e.replacement.as_str()), (116, 116, "big "));
        // "aa" → "a": one "a" removed; the common end may not overlap the common start.
        let e = minimal_edit(0, &chars("aa"), &chars("a")).unwrap();
        assert_eq!((e.start, e.end, e.replacement.as_str()), (1, 2, ""));
        // Code points, not bytes: "café 🎯 ok" → "cafe 🎯 ok" replaces é (3..4) with e.
        let e = minimal_edit(0, &chars("café 🎯 ok"), &chars("cafe 🎯 ok")).unwrap();
        assert_eq!((e.start, e.end, e.replacement.as_str()), (3, 4, "e"));
        assert!(minimal_edit(5, &chars("same"), &chars("same")).is_none());
    }
}
