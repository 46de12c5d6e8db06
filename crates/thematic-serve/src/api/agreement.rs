//! Compare's numbers: two coders' agreement over the whole study, as `thematic agree`
//! counts it, kept per transcript so that after a coding changes only that transcript is
//! counted again (on 2,000 interviews, milliseconds instead of a second).
//!
//! Each transcript's part ([`TranscriptAgreement`]) is kept for a fingerprint of the
//! transcript file's stamp and the digests of both coders' rows in it; the parts depend
//! beyond that on the coders, the unit, the parse options and the themes compared with
//! their subtrees (the scope), not on labels, definitions or colours.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use thematic_agreement::Resampling;
use thematic_report::{
    AgreeCounter, AgreeOptions, AgreementRow, TableOptions, TranscriptAgreement, UnitKind,
    agreement_rows, missing_transcript,
};
use thematic_study::{
    CachedTranscript, Status, Study, StudyError, TurnSpan, file_stamp, natural_cmp, parallel_map,
    parse_file,
};

use crate::error::{ApiError, ApiResult};
use crate::model::{CoderIndex, fingerprint};
use crate::state::AppState;

/// Up to this many transcripts to count, each is parsed for its turns; more, and the turn
/// cache (one file for the whole study) is read instead.
const PARSE_AT_MOST: usize = 16;

/// One transcript's part: `None` when the coders' only codings in it are orphaned (it is
/// then not a coded transcript, as in `thematic agree`).
pub(crate) type Part = Option<TranscriptAgreement>;

/// Two coders' agreement over the whole study.
#[derive(Debug)]
pub(crate) struct Compared {
    /// The agreement table's rows over all transcripts (point estimates).
    pub rows: Vec<AgreementRow>,
    /// Each transcript either coder has codings in, in natural order, with its part.
    pub parts: Vec<(String, Arc<Part>)>,
    /// The disagreements in the whole study.
    pub disagreements_total: usize,
}

impl Compared {
    /// `transcript`'s part, if either coder coded it.
    pub fn part(&self, transcript: &str) -> Option<&TranscriptAgreement> {
        self.parts
            .iter()
            .find(|(t, _)| t == transcript)
            .and_then(|(_, p)| p.as_ref().as_ref())
    }
}

/// The agreement of coders `a` and `b` at `unit` over the whole study, kept for the state
/// of the files it comes from, each transcript's part counted again only when it changed.
///
/// With `intervals`, the rows carry 95 % intervals from a cluster bootstrap over the
/// transcripts (1,000 resamples, seed 0: what `thematic agree` prints), kept in a slot of
/// their own: seconds on a large study, so only when asked.
pub(crate) fn compared(
    state: &AppState,
    study: &Study,
    a: &str,
    b: &str,
    unit: UnitKind,
    intervals: bool,
) -> ApiResult<Arc<Compared>> {
    let coders = vec![a.to_string(), b.to_string()];
    let key = format!(
        "{a}\u{0}{b}\u{0}{}\u{0}{}",
        unit.as_str(),
        state.model.study_key(study, &coders)?
    );
    let slot = if intervals {
        "compare-intervals"
    } else {
        "compare"
    };
    state.model.memoized(slot, &key, || {
        let book = study.codebook()?;
        let options = AgreeOptions {
            themes: book.current().codable().map(|e| e.id.clone()).collect(),
            coders,
            unit,
            overlap: 0.9,
            // The cluster bootstrap resamples transcripts: it needs their counts.
            by_transcript: intervals,
            disagreements: true,
            // The text of one transcript's disagreements comes from that transcript.
            disagreement_text: false,
        };
        let counter = AgreeCounter::new(&book, &options);
        let index = [state.model.coder(study, a)?, state.model.coder(study, b)?];
        let files: HashMap<String, PathBuf> = study.transcript_files()?.into_iter().collect();
        let wanted = fingerprints(&index, &files);
        let subtrees: Vec<Vec<&str>> = options
            .themes
            .iter()
            .map(|t| book.subtree(t).into_iter().map(|e| e.id.as_str()).collect())
            .collect();
        let scope = format!(
            "{a}\u{0}{b}\u{0}{}\u{0}{:x}\u{0}{subtrees:?}",
            unit.as_str(),
            study.parse_options_hash()
        );
        let parts = state.model.parts("compare", &scope, &wanted, |missing| {
            count(study, &counter, &index, &files, missing)
        })?;
        let counted: Vec<(String, TranscriptAgreement)> = parts
            .iter()
            .filter_map(|(t, p)| {
                let p = p.as_ref().as_ref()?;
                let counts = TranscriptAgreement {
                    counts: p.counts.clone(),
                    blank: p.blank.clone(),
                    disagreements: Vec::new(),
                };
                Some((t.clone(), counts))
            })
            .collect();
        let data = counter.assemble(counted);
        let table = if intervals {
            TableOptions {
                resampling: Some(Resampling::default()),
                transcript_rows: false,
                ..TableOptions::default()
            }
        } else {
            TableOptions::default()
        };
        let rows = agreement_rows(&data, &options, &table);
        let disagreements_total = parts
            .iter()
            .filter_map(|(_, p)| p.as_ref().as_ref())
            .map(|p| p.disagreements.len())
            .sum();
        Ok(Compared {
            rows,
            parts,
            disagreements_total,
        })
    })
}

/// Each transcript either coder has rows in, in natural order, with the fingerprint of
/// what its part is counted from.
fn fingerprints(index: &[Arc<CoderIndex>], files: &HashMap<String, PathBuf>) -> Vec<(String, u64)> {
    let mut ids: Vec<&String> = index
        .iter()
        .flat_map(|i| i.transcripts())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ids.sort_by(|x, y| natural_cmp(x, y));
    ids.into_iter()
        .map(|t| {
            let (len, (secs, nanos)) = files
                .get(t)
                .and_then(|p| file_stamp(p).ok())
                .unwrap_or_default();
            let mut of = vec![len, secs, u64::from(nanos)];
            of.extend(index.iter().map(|i| i.digest(t)));
            (t.clone(), fingerprint(&of))
        })
        .collect()
}

/// The parts of the `missing` transcripts, counted in parallel.
fn count(
    study: &Study,
    counter: &AgreeCounter,
    index: &[Arc<CoderIndex>],
    files: &HashMap<String, PathBuf>,
    missing: &[&str],
) -> ApiResult<Vec<Part>> {
    let parse = counter.needs_text() || missing.len() <= PARSE_AT_MOST;
    let cache = if parse {
        Vec::new()
    } else {
        study.turn_spans()?
    };
    let cached: HashMap<&str, &CachedTranscript> =
        cache.iter().map(|c| (c.id.as_str(), c)).collect();
    let parse_options = study.parse_options();
    let results = parallel_map(missing, |id| -> Result<Part, StudyError> {
        let mut codings = Vec::new();
        for coder in index {
            let mine = coder.codings_in(id)?;
            codings.extend(mine.into_iter().filter(|c| c.status != Status::Orphaned));
        }
        if codings.is_empty() {
            return Ok(None);
        }
        if parse {
            let path = files
                .get(*id)
                .ok_or_else(|| missing_transcript(study, id))?;
            let t = parse_file(path, &parse_options)?;
            let turns = TurnSpan::of(&t);
            let text = counter.needs_text().then_some(t.text.as_str());
            return Ok(Some(counter.transcript(id, &turns, text, &codings)));
        }
        let t = cached
            .get(id)
            .ok_or_else(|| missing_transcript(study, id))?;
        if let Some(e) = &t.error {
            return Err(StudyError::invalid(&t.path, 0, e.clone()));
        }
        Ok(Some(counter.transcript(id, &t.turns, None, &codings)))
    });
    results
        .into_iter()
        .map(|r| r.map_err(ApiError::from))
        .collect()
}
