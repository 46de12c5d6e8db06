//! The index schema and the build/search first piece.

use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{Index, IndexWriter, TantivyDocument, doc};

use crate::error::IndexError;

/// One turn, as indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnDoc {
    /// Transcript id.
    pub transcript: String,
    /// 1-based turn number.
    pub turn: u64,
    /// Speaker key.
    pub speaker: String,
    /// `interviewer`, `participant` or `other`.
    pub role: String,
    /// The utterance.
    pub text: String,
}

/// A search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Transcript id.
    pub transcript: String,
    /// 1-based turn number.
    pub turn: u64,
    /// BM25 score.
    pub score: f32,
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
struct Fields {
    transcript: Field,
    turn: Field,
    speaker: Field,
    role: Field,
    text: Field,
    exact: Field,
}

/// An open index.
#[allow(missing_debug_implementations)] // tantivy's Index has no useful Debug output
pub struct TurnIndex {
    index: Index,
    fields: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        transcript: b.add_text_field("transcript", STRING | STORED),
        turn: b.add_u64_field("turn", NumericOptions::default().set_stored().set_indexed()),
        speaker: b.add_text_field("speaker", STRING | STORED),
        role: b.add_text_field("role", STRING | STORED),
        text: b.add_text_field("text", stemmed),
        exact: b.add_text_field("exact", exact),
    };
    (b.build(), fields)
}

impl TurnIndex {
    /// Builds a fresh index of `docs` in `dir` (emptied first).
    pub fn build(dir: &Path, docs: &[TurnDoc]) -> Result<TurnIndex, IndexError> {
        let io = |e| IndexError::Io {
            path: dir.display().to_string(),
            source: e,
        };
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(io)?;
        }
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        let mut writer: IndexWriter = index.writer(100_000_000)?;
        for d in docs {
            writer.add_document(doc!(
                fields.transcript => d.transcript.as_str(),
                fields.turn => d.turn,
                fields.speaker => d.speaker.as_str(),
                fields.role => d.role.as_str(),
                fields.text => d.text.as_str(),
                fields.exact => d.text.as_str(),
            ))?;
        }
        writer.commit()?;
        Ok(TurnIndex { index, fields })
    }

    /// Ranked hits for `query` (tantivy query syntax over the stemmed text).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, IndexError> {
        let reader = self.index.reader()?;
        let searcher = reader.searcher();
        let parser = QueryParser::for_index(&self.index, vec![self.fields.text]);
        let parsed = parser.parse_query(query).map_err(|e| IndexError::Query {
            query: query.to_string(),
            reason: e.to_string(),
        })?;
        let top = searcher.search(&parsed, &TopDocs::with_limit(limit).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            let transcript = d
                .get_first(self.fields.transcript)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let turn = d
                .get_first(self.fields.turn)
                .and_then(|v| v.as_u64())
                .unwrap_or_default();
            hits.push(Hit {
                transcript: transcript.to_string(),
                turn,
                score,
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(t: &str, turn: u64, text: &str) -> TurnDoc {
        TurnDoc {
            transcript: t.into(),
            turn,
            speaker: t.into(),
            role: "participant".into(),
            text: text.into(),
        }
    }

    #[test]
    fn stemmed_search_and_phrases_rank_real_documents() {
        let dir = tempfile::tempdir().unwrap();
        let docs = [
            doc("P1", 1, "I ask open questions about what matters to them."),
            doc("P2", 4, "Funding for the walking group ran out."),
            doc("P3", 2, "Asking questions, not selling answers."),
        ];
        let index = TurnIndex::build(dir.path(), &docs).unwrap();
        let hits = index.search("question", 10).unwrap();
        let mut found: Vec<_> = hits.iter().map(|h| h.transcript.as_str()).collect();
        found.sort();
        assert_eq!(found, ["P1", "P3"]);
        let hits = index.search("\"what matters\"", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].transcript.as_str(), hits[0].turn), ("P1", 1));
        assert!(
            index
                .search("walking AND NOT funding", 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_bad_query_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let index = TurnIndex::build(dir.path(), &[doc("P1", 1, "x")]).unwrap();
        assert!(matches!(
            index.search("text:(", 10),
            Err(IndexError::Query { .. })
        ));
    }
}
