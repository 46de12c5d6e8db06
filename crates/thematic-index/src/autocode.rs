//! Suggestions from the codebook's search rules: `keywords` (stemmed words), `phrases`
//! (exact word sequences) and `patterns` (case-insensitive regular expressions), run over
//! the participants' turns. Each match suggests the sentence it is in (or its whole turn).
//!
//! Keywords and phrases run as index queries, so only the turns that contain them are
//! read; patterns are matched against the text of every participant turn.

use std::collections::BTreeMap;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};
use thematic_codebook::{Codebook, Entry};

use crate::StudyIndex;
use crate::error::IndexError;

/// How much text a suggestion covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SuggestUnit {
    /// The sentence the match is in.
    #[default]
    Sentence,
    /// The whole turn.
    Turn,
}

/// One suggested coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Theme id.
    pub theme: String,
    /// Transcript id.
    pub transcript: String,
    /// 1-based turn.
    pub turn: usize,
    /// Start in code points of the transcript text.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// The suggested words.
    pub text: String,
    /// The rules that matched, e.g. `keyword "goal"; phrase "small steps"`.
    pub rules: String,
}

/// Per (transcript, turn): the turn and its matches as (byte range, rule).
type Found = BTreeMap<(String, usize), (Turn, Vec<((usize, usize), String)>)>;

/// A keyword or phrase rule: its label, its query, and the analyzer and terms to find.
type WordRule = (String, Box<dyn Query>, (&'static str, Vec<String>));

#[derive(Clone)]
struct Turn {
    transcript: String,
    turn: usize,
    start: usize,
    text: String,
}

impl StudyIndex {
    /// Suggestions for `themes` (all codable, current themes with rules when empty), in
    /// theme, transcript and position order. An invalid pattern is an error naming its
    /// theme.
    pub fn suggest(
        &self,
        codebook: &Codebook,
        themes: &[String],
        unit: SuggestUnit,
    ) -> Result<Vec<Suggestion>, IndexError> {
        let chosen: Vec<&Entry> = codebook
            .codable()
            .filter(|e| !e.rules.is_empty())
            .filter(|e| themes.is_empty() || themes.contains(&e.id))
            .collect();
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let participant = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.role, "participant"),
                IndexRecordOption::Basic,
            ))
        };
        let mut all_turns: Option<Vec<Turn>> = None;
        let mut out = Vec::new();
        for entry in chosen {
            // (transcript, turn) → matches as (byte range in the turn, rule).
            let mut found: Found = BTreeMap::new();
            let words = self.word_rules(entry);
            if !words.is_empty() {
                let any: Vec<(Occur, Box<dyn Query>)> = words
                    .iter()
                    .map(|(_, q, _)| (Occur::Should, q.box_clone()))
                    .collect();
                let q = BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                    ),
                    (Occur::Must, participant()),
                ]);
                let mut docs: Vec<DocAddress> =
                    searcher.search(&q, &DocSetCollector)?.into_iter().collect();
                docs.sort();
                for address in docs {
                    let t = self.turn_of(&searcher.doc(address)?);
                    let mut hits = Vec::new();
                    for (label, _, tokens) in &words {
                        for range in self.find_tokens(&t.text, tokens) {
                            hits.push((range, label.clone()));
                        }
                    }
                    if !hits.is_empty() {
                        found.insert((t.transcript.clone(), t.turn), (t, hits));
                    }
                }
            }
            for pattern in &entry.rules.patterns {
                let re = regex::RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .map_err(|e| {
                        IndexError::query(
                            pattern,
                            format!("the pattern of theme `{}` is not a valid regular expression: {e}; fix it in the codebook (`thematic codebook lint`)", entry.id),
                        )
                    })?;
                if all_turns.is_none() {
                    let mut docs: Vec<DocAddress> = searcher
                        .search(&participant(), &DocSetCollector)?
                        .into_iter()
                        .collect();
                    docs.sort();
                    let mut turns = Vec::with_capacity(docs.len());
                    for a in docs {
                        turns.push(self.turn_of(&searcher.doc(a)?));
                    }
                    all_turns = Some(turns);
                }
                for t in all_turns.iter().flatten() {
                    for m in re.find_iter(&t.text) {
                        if m.start() == m.end() {
                            continue;
                        }
                        let hit = ((m.start(), m.end()), format!("pattern {pattern:?}"));
                        found
                            .entry((t.transcript.clone(), t.turn))
                            .or_insert_with(|| (t.clone(), Vec::new()))
                            .1
                            .push(hit);
                    }
                }
            }
            let mut mine = Vec::new();
            for (_, (t, hits)) in found {
                mine.extend(suggestions_in(&entry.id, &t, &hits, unit));
            }
            mine.sort_by(|a: &Suggestion, b| {
                thematic_study::natural_cmp(&a.transcript, &b.transcript)
                    .then(a.start.cmp(&b.start))
            });
            out.extend(mine);
        }
        Ok(out)
    }

    fn turn_of(&self, d: &TantivyDocument) -> Turn {
        let f = &self.fields;
        Turn {
            transcript: d
                .get_first(f.transcript)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
            turn: d
                .get_first(f.turn)
                .and_then(|v| v.as_u64())
                .unwrap_or_default() as usize,
            start: d
                .get_first(f.start)
                .and_then(|v| v.as_u64())
                .unwrap_or_default() as usize,
            text: d
                .get_first(f.text)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
        }
    }

    /// Keyword and phrase rules: a label, the query, and the tokens to find in a turn
    /// (`(analyzer, terms)`).
    fn word_rules(&self, entry: &Entry) -> Vec<WordRule> {
        let mut out = Vec::new();
        for k in &entry.rules.keywords {
            let stems = self.tokens("en_stem", k);
            if let [stem] = stems.as_slice() {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.text, stem),
                    IndexRecordOption::Basic,
                ));
                out.push((format!("keyword {k:?}"), q, ("en_stem", stems)));
            }
        }
        for p in &entry.rules.phrases {
            let words = self.tokens("default", p);
            let q: Box<dyn Query> = match words.as_slice() {
                [] => continue,
                [w] => Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.exact, w),
                    IndexRecordOption::Basic,
                )),
                _ => Box::new(PhraseQuery::new(
                    words
                        .iter()
                        .map(|w| Term::from_field_text(self.fields.exact, w))
                        .collect(),
                )),
            };
            out.push((format!("phrase {p:?}"), q, ("default", words)));
        }
        out
    }

    fn tokens(&self, analyzer: &str, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(mut a) = self.index.tokenizers().get(analyzer) {
            a.token_stream(text)
                .process(&mut |t| out.push(t.text.clone()));
        }
        out
    }

    /// Byte ranges in `text` where `tokens` occur in sequence.
    fn find_tokens(
        &self,
        text: &str,
        (analyzer, want): &(&'static str, Vec<String>),
    ) -> Vec<(usize, usize)> {
        let mut got: Vec<(String, usize, usize)> = Vec::new();
        if let Some(mut a) = self.index.tokenizers().get(analyzer) {
            a.token_stream(text)
                .process(&mut |t| got.push((t.text.clone(), t.offset_from, t.offset_to)));
        }
        let n = want.len();
        if n == 0 || got.len() < n {
            return Vec::new();
        }
        (0..=got.len() - n)
            .filter(|&i| (0..n).all(|k| got[i + k].0 == want[k]))
            .map(|i| (got[i].1, got[i + n - 1].2))
            .collect()
    }
}

/// One suggestion per sentence (or turn) holding a match, with every rule that matched in it.
fn suggestions_in(
    theme: &str,
    t: &Turn,
    hits: &[((usize, usize), String)],
    unit: SuggestUnit,
) -> Vec<Suggestion> {
    let cp = |b: usize| t.text[..b].chars().count();
    let spans: Vec<(usize, usize)> = match unit {
        SuggestUnit::Turn => vec![(0, t.text.chars().count())],
        SuggestUnit::Sentence => thematic_transcript::sentences(&t.text),
    };
    let chars: Vec<char> = t.text.chars().collect();
    let mut out: Vec<Suggestion> = Vec::new();
    for &(a, b) in &spans {
        let mut rules: Vec<&str> = hits
            .iter()
            .filter(|((x, _), _)| (a..b).contains(&cp(*x)))
            .map(|(_, r)| r.as_str())
            .collect();
        if rules.is_empty() {
            continue;
        }
        rules.sort_unstable();
        rules.dedup();
        // Trim the sentence's trailing space, so the suggestion is the words.
        let text: String = chars[a..b].iter().collect();
        let trimmed = text.trim_end();
        let end = a + trimmed.chars().count();
        out.push(Suggestion {
            theme: theme.to_string(),
            transcript: t.transcript.clone(),
            turn: t.turn,
            start: t.start + a,
            end: t.start + end,
            text: trimmed.to_string(),
            rules: rules.join("; "),
        });
    }
    out
}
