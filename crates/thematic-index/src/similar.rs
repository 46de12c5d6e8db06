//! "More like these": the turns that resemble a coder's extracts of a code, for the coder
//! to accept or dismiss one by one. Nothing here codes anything.
//!
//! - **Examples.** The coder's own extracts of the code (the theme and every theme under
//!   it), read from the index itself: each turn stores the codings that overlap it, so the
//!   coded words are cut from the turn's stored text and no codings file is read. With more
//!   than [`MAX_EXAMPLES`] coded turns, an even sample in transcript order is used.
//! - **Terms.** Their words, stemmed as the index stems them, less [`STOP_WORDS`] and
//!   numbers, are weighed by how often the examples use them and how rare they are in the
//!   study (tf × idf, as Lucene's more-like-this does); the [`MAX_TERMS`] best are kept,
//!   ties by the word. A word in only one turn (the example itself) or in more than a fifth
//!   of all turns finds nothing worth suggesting and is left out. The choice is made here
//!   rather than by tantivy, whose more-like-this walks a hash map and so may keep
//!   different words tied at the cut from one request to the next: the next page would
//!   then not follow on from this one.
//! - **Query.** The chosen words go to tantivy's [`MoreLikeThisQuery`] over the stemmed
//!   `text` field as a pre-tokenized value (so they are not stemmed twice), which boosts
//!   each by its weight. Interviewer turns and turns the coder has coded with the code (any
//!   of their codings of it overlapping the turn: the index's `coded` pairs) are left out in
//!   the query; the turns dismissed, which the caller passes in, after it.
//! - **Order.** Best first by score, ties in transcript (natural) and turn order. At most
//!   [`MAX_CANDIDATES`] turns are ranked: a page ends there, and one starting further in is
//!   empty.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use thematic_codebook::Codebook;
use thematic_study::natural_cmp;

use crate::StudyIndex;
use crate::error::IndexError;
use crate::kwic;
use crate::query::Prepared;
use crate::update::Span;

/// The most coded turns whose words are read; more are sampled evenly.
pub const MAX_EXAMPLES: usize = 300;
/// The most words looked for.
pub const MAX_TERMS: usize = 30;
/// The most turns ranked; a page must end within them.
pub const MAX_CANDIDATES: usize = 1_000;

/// Words that say nothing about what an extract is about: English function words and the
/// fillers of speech. They are stemmed with the index's analyzer before use.
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "actually", "after", "again", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "being", "but", "by", "can", "could", "did",
    "do", "does", "don", "er", "erm", "even", "for", "from", "get", "got", "had", "has",
    "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it",
    "its", "just", "kind", "know", "like", "ll", "lot", "m", "maybe", "me", "mean", "mm",
    "more", "much", "my", "no", "not", "now", "of", "oh", "ok", "okay", "on", "one", "or",
    "our", "out", "quite", "re", "really", "right", "s", "said", "say", "she", "so", "some",
    "something", "sort", "still", "such", "t", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "thing", "things", "think", "this", "those", "to",
    "too", "uh", "um", "up", "us", "ve", "very", "was", "way", "we", "well", "were", "what",
    "when", "where", "which", "who", "will", "with", "would", "yeah", "yes", "you", "your",
];

/// What to look for: a coder's extracts of a code, and the page wanted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimilarQuery {
    /// The coder whose extracts are the examples, and whose codings count as coded.
    pub coder: String,
    /// The code (theme id); its subtree counts with it.
    pub theme: String,
    /// Turns not to suggest (dismissed): `(transcript, turn)`.
    pub dismissed: BTreeSet<(String, u64)>,
    /// Suggestions to skip: where the page starts.
    pub offset: usize,
    /// At most this many suggestions.
    pub limit: usize,
    /// Characters of context each side of the first matching word.
    pub context: usize,
}

/// One suggested turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarTurn {
    /// Transcript id.
    pub transcript: String,
    /// The participant (the transcript's id).
    pub participant: String,
    /// 1-based turn number.
    pub turn: u64,
    /// Speaker key.
    pub speaker: String,
    /// participant or other (never interviewer).
    pub role: String,
    /// Start time of the turn in ms, when known.
    pub time_ms: Option<i64>,
    /// The turn's start, in code points of the transcript text: what accepting codes.
    pub start: u64,
    /// The turn's end (exclusive).
    pub end: u64,
    /// The whole turn.
    pub text: String,
    /// A keyword-in-context line around the first word looked for.
    pub snippet: String,
    /// The words looked for within `snippet`, in code points.
    pub marks: Vec<(usize, usize)>,
    /// The words looked for within the turn, in code points of the transcript text.
    pub hits: Vec<(u64, u64)>,
    /// The more-like-this score (higher: more alike).
    pub score: f32,
}

/// A page of suggestions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SimilarTurns {
    /// Turns the coder has coded with the code (or a theme under it).
    pub coded_turns: usize,
    /// Of those, the turns whose coded words were read (all, or an even sample of
    /// [`MAX_EXAMPLES`]).
    pub examples: usize,
    /// The words looked for, most telling first, as the examples most often write them.
    pub terms: Vec<String>,
    /// The page, best first.
    pub suggestions: Vec<SimilarTurn>,
    /// Whether more suggestions follow this page.
    pub more: bool,
}

/// A chosen word: its stem, how it is written, its weight.
struct Chosen {
    stem: String,
    shown: String,
    count: usize,
}

impl StudyIndex {
    /// The turns most like `q.coder`'s extracts of `q.theme` that they have not coded with
    /// it, have not dismissed, and an interviewer did not say: one page, best first. An
    /// unknown theme is [`thematic_study::StudyError::UnknownTheme`]; a code without
    /// extracts, or whose extracts hold no telling word, gives an empty page.
    pub fn similar(
        &self,
        codebook: &Codebook,
        q: &SimilarQuery,
    ) -> Result<SimilarTurns, IndexError> {
        thematic_study::theme(codebook, &q.theme)?;
        let subtree: BTreeSet<&str> = codebook
            .subtree(&q.theme)
            .into_iter()
            .map(|e| e.id.as_str())
            .collect();
        let pairs: Vec<Term> = subtree
            .iter()
            .map(|t| Term::from_field_text(self.fields.coded, &format!("{}/{t}", q.coder)))
            .collect();
        let searcher = self.reader.searcher();
        let coded = self.coded_turns(&searcher, &pairs)?;
        let mut out = SimilarTurns {
            coded_turns: coded.len(),
            ..SimilarTurns::default()
        };
        let sample = even_sample(&coded, MAX_EXAMPLES);
        out.examples = sample.len();
        let mut pieces = Vec::with_capacity(sample.len());
        for &address in &sample {
            let d: TantivyDocument = searcher.doc(address)?;
            pieces.extend(self.coded_words(&d, &q.coder, &subtree));
        }
        let chosen = self.choose_terms(&searcher, &pieces)?;
        out.terms = chosen.iter().map(|c| c.shown.clone()).collect();
        let wanted = q.offset.saturating_add(q.limit);
        if chosen.is_empty() || q.limit == 0 || q.offset >= MAX_CANDIDATES {
            return Ok(out);
        }

        let like = more_like(self.fields.text, &chosen);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(like.clone())),
            (Occur::MustNot, term_query(self.fields.role, "interviewer")),
        ];
        for pair in pairs {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(pair, IndexRecordOption::Basic)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        // One more than the page, to know whether another follows, and room for the
        // dismissed turns that will be dropped.
        let k = wanted
            .saturating_add(1)
            .saturating_add(q.dismissed.len())
            .min(MAX_CANDIDATES);
        let top = searcher.search(&query, &TopDocs::with_limit(k).order_by_score())?;
        let prepared = Prepared {
            query: Box::new(like),
            ranked: true,
            stems: chosen.iter().map(|c| c.stem.clone()).collect(),
            words: BTreeSet::new(),
            specials: Vec::new(),
        };
        // (score, transcript, turn, document), dismissed turns left out.
        let mut found = Vec::with_capacity(top.len());
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            let key = (
                self.str_of(&d, self.fields.transcript),
                self.u64_of(&d, self.fields.turn),
            );
            if !q.dismissed.contains(&key) {
                found.push((score, key.0, key.1, d));
            }
        }
        found.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| natural_cmp(&a.1, &b.1))
                .then(a.2.cmp(&b.2))
        });
        out.more = found.len() > wanted;
        out.suggestions = found
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|(score, _, _, d)| self.similar_turn(d, &prepared, q.context, *score))
            .collect();
        Ok(out)
    }

    /// The turns holding a coding of one of `pairs` (`coder/theme`), in transcript
    /// (natural) order, and within a transcript in index order.
    fn coded_turns(
        &self,
        searcher: &Searcher,
        pairs: &[Term],
    ) -> Result<Vec<DocAddress>, IndexError> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let any: Vec<(Occur, Box<dyn Query>)> = pairs
            .iter()
            .map(|t| {
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        let mut docs: Vec<DocAddress> = searcher
            .search(&BooleanQuery::new(any), &DocSetCollector)?
            .into_iter()
            .collect();
        docs.sort();
        // The transcript of each, from the fast field: no stored document is read, and each
        // segment's dictionary is walked once for the names it holds.
        let mut names: Vec<String> = Vec::new();
        let mut known: HashMap<String, usize> = HashMap::new();
        let mut keyed: Vec<(usize, DocAddress)> = Vec::with_capacity(docs.len());
        for chunk in docs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
            let segment = chunk[0].segment_ord;
            let Some(col) = searcher
                .segment_reader(segment)
                .fast_fields()
                .str("transcript")?
            else {
                continue;
            };
            let ords: Vec<(u64, u32)> = chunk
                .iter()
                .filter_map(|a| Some((col.term_ords(a.doc_id).next()?, a.doc_id)))
                .collect();
            let mut distinct: Vec<u64> = ords.iter().map(|&(o, _)| o).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let mut here: Vec<usize> = Vec::with_capacity(distinct.len());
            col.dictionary()
                .sorted_ords_to_term_cb(&distinct, |bytes| {
                    let name = String::from_utf8_lossy(bytes).into_owned();
                    let n = *known.entry(name).or_insert_with_key(|name| {
                        names.push(name.clone());
                        names.len() - 1
                    });
                    here.push(n);
                })
                .map_err(|e| IndexError::io(&self.dir, e))?;
            for (ord, doc) in ords {
                if let Some(&n) = distinct.binary_search(&ord).ok().and_then(|i| here.get(i)) {
                    keyed.push((n, DocAddress::new(segment, doc)));
                }
            }
        }
        let mut by_name: Vec<usize> = (0..names.len()).collect();
        by_name.sort_by(|&a, &b| natural_cmp(&names[a], &names[b]));
        let mut rank = vec![0; names.len()];
        for (r, &n) in by_name.iter().enumerate() {
            rank[n] = r;
        }
        keyed.sort_unstable_by_key(|&(n, a)| (rank[n], a));
        Ok(keyed.into_iter().map(|(_, a)| a).collect())
    }

    /// The words of `coder`'s codings of the `themes` on turn `d`: the coded parts of its
    /// text, overlapping codings merged.
    fn coded_words(
        &self,
        d: &TantivyDocument,
        coder: &str,
        themes: &BTreeSet<&str>,
    ) -> Vec<String> {
        let text = self.str_of(d, self.fields.text);
        let start = self.u64_of(d, self.fields.start) as usize;
        let spans: Vec<Span> = d
            .get_first(self.fields.spans)
            .and_then(|v| v.as_str())
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .filter(|s| s.c == coder && themes.contains(s.t.as_str()))
            .map(|s| (s.s.saturating_sub(start), s.e.saturating_sub(start)))
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        merged
            .into_iter()
            .map(|(a, b)| text.chars().skip(a).take(b.saturating_sub(a)).collect())
            .collect()
    }

    /// The words to look for in `pieces`: stems weighed by tf × idf, the best
    /// [`MAX_TERMS`], ties by stem.
    fn choose_terms(
        &self,
        searcher: &Searcher,
        pieces: &[String],
    ) -> Result<Vec<Chosen>, IndexError> {
        let Some(mut analyzer) = self.index.tokenizers().get("en_stem") else {
            return Ok(Vec::new());
        };
        let mut stop: BTreeSet<String> = BTreeSet::new();
        for w in STOP_WORDS {
            analyzer.token_stream(w).process(&mut |t| {
                stop.insert(t.text.clone());
            });
        }
        // Stem → (uses, how it is written → uses).
        let mut counts: BTreeMap<String, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
        for piece in pieces {
            analyzer.token_stream(piece).process(&mut |t| {
                let number = t.text.chars().all(|c| c.is_ascii_digit());
                if number || t.text.chars().count() < 2 || stop.contains(&t.text) {
                    return;
                }
                let written = piece
                    .get(t.offset_from..t.offset_to)
                    .unwrap_or(&t.text)
                    .to_lowercase();
                let entry = counts.entry(t.text.clone()).or_default();
                entry.0 += 1;
                *entry.1.entry(written).or_default() += 1;
            });
        }
        let turns = searcher.num_docs();
        let max_df = (turns / 5).max(10);
        let mut scored: Vec<(f32, Chosen)> = Vec::new();
        for (stem, (count, written)) in counts {
            let df = searcher.doc_freq(&Term::from_field_text(self.fields.text, &stem))?;
            if df < 2 || df > max_df {
                continue;
            }
            let weight = count as f32 * idf(df, turns);
            let shown = written
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map_or_else(|| stem.clone(), |(w, _)| w);
            scored.push((weight, Chosen { stem, shown, count }));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.stem.cmp(&b.1.stem)));
        scored.truncate(MAX_TERMS);
        Ok(scored.into_iter().map(|(_, c)| c).collect())
    }

    fn similar_turn(
        &self,
        d: &TantivyDocument,
        prepared: &Prepared,
        context: usize,
        score: f32,
    ) -> SimilarTurn {
        let f = &self.fields;
        let text = self.str_of(d, f.text);
        let turn_start = self.u64_of(d, f.start);
        let bytes = kwic::hits(&self.index, f, prepared, &text);
        let (snippet, marks) = kwic::snippet(&text, &bytes, context);
        let cp = |b: usize| text[..b].chars().count() as u64 + turn_start;
        let hits = bytes.iter().map(|&(a, b)| (cp(a), cp(b))).collect();
        let transcript = self.str_of(d, f.transcript);
        SimilarTurn {
            participant: transcript.clone(),
            transcript,
            turn: self.u64_of(d, f.turn),
            speaker: self.str_of(d, f.speaker_shown),
            role: self.str_of(d, f.role),
            time_ms: d.get_first(f.time).and_then(|v| v.as_i64()),
            start: turn_start,
            end: self.u64_of(d, f.end),
            text,
            snippet,
            marks,
            hits,
            score,
        }
    }

    fn str_of(&self, d: &TantivyDocument, field: tantivy::schema::Field) -> String {
        d.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    }

    fn u64_of(&self, d: &TantivyDocument, field: tantivy::schema::Field) -> u64 {
        d.get_first(field)
            .and_then(|v| v.as_u64())
            .unwrap_or_default()
    }
}

/// tantivy's more-like-this query for the chosen words: each stem handed over as a
/// pre-tokenized value, as often as the examples use it, so tantivy weighs it as chosen
/// (tf × idf) and keeps every one.
fn more_like(text: tantivy::schema::Field, chosen: &[Chosen]) -> MoreLikeThisQuery {
    let mut tokens = Vec::new();
    for c in chosen {
        for _ in 0..c.count {
            tokens.push(Token {
                position: tokens.len(),
                text: c.stem.clone(),
                ..Token::default()
            });
        }
    }
    let value = OwnedValue::PreTokStr(PreTokenizedString {
        text: String::new(),
        tokens,
    });
    MoreLikeThisQuery::builder()
        .with_min_doc_frequency(1)
        .with_min_term_frequency(1)
        .with_max_query_terms(chosen.len())
        .with_document_fields(vec![(text, vec![value])])
}

fn term_query(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// BM25's inverse document frequency, as tantivy's more-like-this computes it.
fn idf(doc_freq: u64, docs: u64) -> f32 {
    let x = (docs.saturating_sub(doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    (1.0 + x).ln()
}

/// At most `n` of `items`, evenly spaced, first included; all of them when there are few.
fn even_sample<T: Copy>(items: &[T], n: usize) -> Vec<T> {
    if items.len() <= n {
        return items.to_vec();
    }
    (0..n).map(|k| items[k * items.len() / n]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_even_and_start_at_the_first() {
        let items: Vec<usize> = (0..10).collect();
        assert_eq!(even_sample(&items, 20), items);
        assert_eq!(even_sample(&items, 5), vec![0, 2, 4, 6, 8]);
        assert_eq!(even_sample(&items, 3), vec![0, 3, 6]);
        assert!(even_sample(&items, 0).is_empty());
    }
}
