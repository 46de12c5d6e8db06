//! Running a search: ranked hits with keyword-in-context lines, and distributions.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument};
use thematic_codebook::Codebook;

use crate::StudyIndex;
use crate::error::IndexError;
use crate::kwic;
use crate::query::{self, Scope};

/// A search to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// What the researcher typed.
    pub query: String,
    /// Exactness, speakers and coder.
    pub scope: Scope,
    /// At most this many hits (0: all).
    pub limit: usize,
    /// Characters of context each side of the first hit.
    pub context: usize,
}

/// One turn that matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// Transcript id.
    pub transcript: String,
    /// The participant who speaks: the speaker's participant where `participants.csv` names
    /// speakers (a focus group), else the transcript's id.
    pub participant: String,
    /// 1-based turn number.
    pub turn: u64,
    /// Speaker key.
    pub speaker: String,
    /// interviewer, participant or other.
    pub role: String,
    /// Start time of the turn in ms, when known.
    pub time_ms: Option<i64>,
    /// Start of the first hit, in code points of the transcript text (the turn's start
    /// when the match is on filters only).
    pub start: u64,
    /// End of the first hit (exclusive).
    pub end: u64,
    /// The whole turn.
    pub text: String,
    /// The keyword-in-context line.
    pub snippet: String,
    /// The hits within `snippet`, in code points.
    pub marks: Vec<(usize, usize)>,
    /// Every hit within the turn, in code points of the transcript text.
    pub hits: Vec<(u64, u64)>,
    /// BM25 score (0 when the query has no words).
    pub score: f32,
}

/// The hits of a search.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// Matching turns in all.
    pub total: usize,
    /// The hits returned, best first.
    pub hits: Vec<SearchHit>,
}

/// What to count matching turns by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBy {
    /// Per transcript.
    Transcript,
    /// Per participant.
    Participant,
    /// Per theme coded on the turn (a turn counts once for each of its themes).
    Theme,
    /// Per speaker.
    Speaker,
}

impl StudyIndex {
    /// Runs `q`: the matching turns, best first (ties in transcript and turn order).
    pub fn search(
        &self,
        codebook: &Codebook,
        q: &SearchQuery,
    ) -> Result<SearchResults, IndexError> {
        let prepared = query::prepare(&self.index, &self.fields, codebook, &q.query, &q.scope)?;
        let searcher = self.reader.searcher();
        let limit = if q.limit == 0 {
            searcher.num_docs() as usize
        } else {
            q.limit
        };
        let (top, total) = searcher.search(
            &prepared.query,
            &(TopDocs::with_limit(limit.max(1)).order_by_score(), Count),
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(
                &d,
                &prepared,
                q.context,
                if prepared.ranked { score } else { 0.0 },
            ));
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| thematic_study::natural_cmp(&a.transcript, &b.transcript))
                .then(a.turn.cmp(&b.turn))
        });
        Ok(SearchResults { total, hits })
    }

    fn hit(
        &self,
        d: &TantivyDocument,
        prepared: &query::Prepared,
        context: usize,
        score: f32,
    ) -> SearchHit {
        let f = &self.fields;
        let s = |field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let u = |field| {
            d.get_first(field)
                .and_then(|v| v.as_u64())
                .unwrap_or_default()
        };
        let text = s(f.text);
        let turn_start = u(f.start);
        let bytes = kwic::hits(&self.index, f, prepared, &text);
        let (snippet, marks) = kwic::snippet(&text, &bytes, context);
        let cp = |b: usize| text[..b].chars().count() as u64 + turn_start;
        let hits: Vec<(u64, u64)> = bytes.iter().map(|&(a, b)| (cp(a), cp(b))).collect();
        let (start, end) = hits.first().copied().unwrap_or((turn_start, u(f.end)));
        let transcript = s(f.transcript);
        let participant = Some(s(f.participant))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| transcript.clone());
        SearchHit {
            participant,
            transcript,
            turn: u(f.turn),
            speaker: s(f.speaker_shown),
            role: s(f.role),
            time_ms: d.get_first(f.time).and_then(|v| v.as_i64()),
            start,
            end,
            text,
            snippet,
            marks,
            hits,
            score,
        }
    }

    /// How many matching turns there are per transcript, participant, theme or speaker,
    /// most first (ties by name).
    pub fn count_by(
        &self,
        codebook: &Codebook,
        q: &SearchQuery,
        by: CountBy,
    ) -> Result<Vec<(String, u64)>, IndexError> {
        let prepared = query::prepare(&self.index, &self.fields, codebook, &q.query, &q.scope)?;
        let searcher = self.reader.searcher();
        // Counting is order-independent; the set is sorted anyway for a stable walk.
        let mut docs: Vec<DocAddress> = searcher
            .search(&prepared.query, &DocSetCollector)?
            .into_iter()
            .collect();
        docs.sort();
        let mut by_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for DocAddress {
            segment_ord,
            doc_id,
        } in docs
        {
            by_segment.entry(segment_ord).or_default().push(doc_id);
        }
        let (column, prefix) = match (by, &q.scope.coder) {
            (CountBy::Transcript, _) => ("transcript", None),
            (CountBy::Participant, _) => ("participant", None),
            (CountBy::Speaker, _) => ("speaker", None),
            (CountBy::Theme, None) => ("theme", None),
            (CountBy::Theme, Some(c)) => ("coded", Some(format!("{c}/"))),
        };
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        let mut value = String::new();
        for (segment, docs) in by_segment {
            let reader = searcher.segment_reader(segment);
            let Some(col) = reader.fast_fields().str(column)? else {
                continue;
            };
            let mut per_ord: BTreeMap<u64, u64> = BTreeMap::new();
            for doc in docs {
                for ord in col.term_ords(doc) {
                    *per_ord.entry(ord).or_default() += 1;
                }
            }
            for (ord, n) in per_ord {
                value.clear();
                col.ord_to_str(ord, &mut value)
                    .map_err(|e| IndexError::io(&self.dir, e))?;
                let key = match &prefix {
                    Some(p) => match value.strip_prefix(p.as_str()) {
                        Some(rest) => rest.to_string(),
                        None => continue,
                    },
                    None => value.clone(),
                };
                *counts.entry(key).or_default() += n;
            }
        }
        let mut out: Vec<(String, u64)> = counts.into_iter().collect();
        out.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| thematic_study::natural_cmp(&a.0, &b.0))
        });
        Ok(out)
    }
}
