//! The reviewer's compare view: two coders' agreement per theme (the numbers of
//! `thematic agree --coders A,B`, point estimates), the places where they differ, and,
//! for one transcript, both coders' codings side by side.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use thematic_report::{ALL_THEMES, AgreementRow, UnitKind, round4};
use thematic_study::StudyError;

use super::agreement::compared;
use super::study::{CodingView, codings_in};
use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};

#[derive(Debug, Deserialize)]
pub(crate) struct CompareQuery {
    /// The first coder (default: the acting coder).
    a: Option<String>,
    /// The second coder (default: the first other coder).
    b: Option<String>,
    /// `turn`, `sentence` or `char` (default: `default_unit` of thematic.toml).
    unit: Option<String>,
    /// A transcript whose codings to return for the side-by-side view; empty for the
    /// study's first transcript (none when the study has none).
    transcript: Option<String>,
    /// `1` for 95 % intervals on the rows (a cluster bootstrap over the transcripts, as
    /// `thematic agree` prints them): seconds on a large study, so only when asked.
    intervals: Option<String>,
}

/// One row of the agreement table; statistics rounded to 4 places as in `thematic agree`'s
/// JSON, `null` when 0/0.
#[derive(Debug, Serialize)]
struct Row {
    theme: String,
    label: String,
    units: usize,
    pairable_units: usize,
    applied: Vec<usize>,
    percent_agreement: Option<f64>,
    cohen_kappa: Option<f64>,
    krippendorff_alpha: Option<f64>,
    gwet_ac1: Option<f64>,
    scott_pi: Option<f64>,
    fleiss_kappa: Option<f64>,
    brennan_prediger: Option<f64>,
    /// The 95 % intervals, when asked: `[lo, hi]` per statistic, `null` when undefined.
    #[serde(skip_serializing_if = "Option::is_none")]
    intervals: Option<Intervals>,
}

/// A row's bootstrap intervals, rounded as the estimates are.
#[derive(Debug, Serialize)]
struct Intervals {
    percent_agreement: Option<[f64; 2]>,
    cohen_kappa: Option<[f64; 2]>,
    krippendorff_alpha: Option<[f64; 2]>,
    gwet_ac1: Option<[f64; 2]>,
}

#[derive(Debug, Serialize)]
struct Disagreement {
    theme: String,
    label: String,
    transcript: String,
    turn: usize,
    speaker: String,
    start: usize,
    end: usize,
    text: String,
    applied_by: Vec<String>,
    not_applied_by: Vec<String>,
}

/// How many disagreements a transcript holds.
#[derive(Debug, Serialize)]
struct Count {
    transcript: String,
    count: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Comparison {
    coders: Vec<String>,
    unit: &'static str,
    rows: Vec<Row>,
    /// The disagreements in `transcript`, in turn order.
    disagreements: Vec<Disagreement>,
    /// Per transcript with any (in transcript order), how many disagreements it holds.
    disagreement_counts: Vec<Count>,
    /// The disagreements in the whole study.
    disagreements_total: usize,
    transcript: Option<String>,
    /// Per coder (in `coders` order), their codings of `transcript`.
    codings: Vec<Vec<CodingView>>,
    /// The study's transcript ids, for choosing another.
    transcripts: Vec<String>,
}

impl Row {
    /// The compare view's row of an agreement table row: point estimates rounded as in
    /// `thematic agree`'s JSON, with the theme's label.
    fn new(r: AgreementRow, label: String) -> Row {
        let ci = |e: &thematic_agreement::Estimate| {
            e.interval
                .and_then(|(lo, hi)| Some([round4(Some(lo))?, round4(Some(hi))?]))
        };
        let intervals = r.resampling.is_some().then(|| Intervals {
            percent_agreement: ci(&r.percent_agreement),
            cohen_kappa: ci(&r.cohen_kappa),
            krippendorff_alpha: ci(&r.krippendorff_alpha),
            gwet_ac1: ci(&r.gwet_ac1),
        });
        Row {
            intervals,
            theme: r.theme,
            label,
            units: r.units,
            pairable_units: r.pairable_units,
            applied: r.applied,
            percent_agreement: round4(r.percent_agreement.value),
            cohen_kappa: round4(r.cohen_kappa.value),
            krippendorff_alpha: round4(r.krippendorff_alpha.value),
            gwet_ac1: round4(r.gwet_ac1.value),
            scott_pi: round4(r.scott_pi),
            fleiss_kappa: round4(r.fleiss_kappa),
            brennan_prediger: round4(r.brennan_prediger),
        }
    }
}

/// The two coders to compare: `a` (default: the acting coder) and `b` (default: the first
/// other human coder), both with codings and different.
fn pair(
    state: &AppState,
    study: &thematic_study::Study,
    q: &CompareQuery,
) -> Result<(String, String), ApiError> {
    let all = study.coders()?;
    let others: Vec<&String> = all
        .iter()
        .filter(|c| *c != thematic_study::SUGGESTION_CODER)
        .collect();
    let a = q.a.clone().unwrap_or_else(|| state.coder.clone());
    let b = match q.b.clone() {
        Some(b) => b,
        None => others
            .iter()
            .find(|c| ***c != a)
            .map(|c| (*c).clone())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "comparing needs a second coder, and nobody else has codings in this study",
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

/// The unit asked for; segment units have no per-place disagreements to show, so they
/// fall back to turns when they are the study's default.
fn unit(study: &thematic_study::Study, q: &CompareQuery) -> Result<UnitKind, ApiError> {
    let unit = match q.unit.as_deref() {
        None => match thematic_report::default_unit(study) {
            UnitKind::Segment => UnitKind::Turn,
            u => u,
        },
        Some("") => UnitKind::Turn,
        Some(name) => UnitKind::from_name(name)
            .filter(|u| *u != UnitKind::Segment)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "the unit is turn, sentence or char, not \"{name}\""
                ))
            })?,
    };
    Ok(unit)
}

/// Computes what Compare shows first (the acting coder and the first other coder, at the
/// study's default unit), so the view answers at once; nothing when there is no second
/// coder.
pub(crate) fn warm(state: &AppState, study: &thematic_study::Study) -> ApiResult<()> {
    let q = CompareQuery {
        a: None,
        b: None,
        unit: None,
        transcript: None,
        intervals: None,
    };
    let (a, b) = pair(state, study, &q)?;
    compared(state, study, &a, &b, unit(study, &q)?, false)?;
    Ok(())
}

/// `GET /api/compare?a=&b=&unit=&transcript=`
pub(crate) async fn compare(
    State(state): State<Arc<AppState>>,
    Params(q): Params<CompareQuery>,
) -> ApiResult<Json<Comparison>> {
    blocking(move || {
        let study = state.study()?;
        let (a, b) = pair(&state, &study, &q)?;
        let unit = unit(&study, &q)?;
        let book = study.codebook()?;
        let intervals = q.intervals.as_deref() == Some("1");
        let data = compared(&state, &study, &a, &b, unit, intervals)?;
        let coders = [a.clone(), b.clone()];
        let label = |id: &str| book.get(id).map(|e| e.label.clone()).unwrap_or_default();
        let rows: Vec<Row> = data
            .rows
            .iter()
            .cloned()
            .map(|r| {
                let label = if r.theme == ALL_THEMES {
                    "All themes".to_string()
                } else {
                    label(&r.theme)
                };
                Row::new(r, label)
            })
            .collect();
        let transcripts: Vec<String> = study
            .transcript_files()?
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let transcript = match q.transcript {
            Some(t) if t.is_empty() => transcripts.first().cloned(),
            other => other,
        };
        let counts: BTreeMap<&str, usize> = data
            .parts
            .iter()
            .filter_map(|(t, p)| Some((t.as_str(), p.as_ref().as_ref()?.disagreements.len())))
            .filter(|(_, n)| *n > 0)
            .collect();
        let disagreement_counts = transcripts
            .iter()
            .filter_map(|t| {
                counts.get(t.as_str()).map(|&count| Count {
                    transcript: t.clone(),
                    count,
                })
            })
            .collect();
        let mut here: Vec<&thematic_report::Disagreement> = transcript
            .as_deref()
            .and_then(|t| data.part(t))
            .map(|p| p.disagreements.iter().collect())
            .unwrap_or_default();
        here.sort_by_key(|d| (d.turn, d.start, d.end));
        // The kept data holds places, not words: the words come from this transcript.
        let chars: Vec<char> = match (&transcript, here.is_empty()) {
            (Some(t), false) => study.transcript(t)?.text.chars().collect(),
            _ => Vec::new(),
        };
        let words = |d: &thematic_report::Disagreement| -> String {
            chars
                .get(d.start..d.end.min(chars.len()))
                .map(|w| w.iter().collect())
                .unwrap_or_default()
        };
        let disagreements = here
            .into_iter()
            .map(|d| {
                let who = |want: bool| -> Vec<String> {
                    d.coders_who(&coders, want)
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                };
                Disagreement {
                    theme: d.theme.clone(),
                    label: label(&d.theme),
                    transcript: d.transcript.clone(),
                    turn: d.turn,
                    speaker: d.speaker.clone(),
                    start: d.start,
                    end: d.end,
                    text: words(d),
                    applied_by: who(true),
                    not_applied_by: who(false),
                }
            })
            .collect();
        let codings = match &transcript {
            Some(t) => {
                study.transcript_path(t)?;
                vec![
                    codings_in(&state, &study, &a, t)?,
                    codings_in(&state, &study, &b, t)?,
                ]
            }
            None => Vec::new(),
        };
        Ok(Json(Comparison {
            coders: vec![a, b],
            unit: unit.as_str(),
            rows,
            disagreements,
            disagreement_counts,
            disagreements_total: data.disagreements_total,
            transcript,
            codings,
            transcripts,
        }))
    })
    .await
}
