//! From what a researcher types to a tantivy query.
//!
//! tantivy's query parser does words, "phrases", AND/OR/NOT, `+`/`-`, `field:value` and
//! ranges. On top of it, before parsing, this module:
//!
//! - maps field names: `speaker:`, `role:`, `participant:`, `transcript:`, `turn:`, and
//!   every participant attribute by its column name (`location:rural`, `age:[40 TO 50]`);
//!   an unknown field is an error that lists the known ones;
//! - expands `theme:ID` to the theme and everything under it, coded by anyone, or by the
//!   coder asked (`--coder`);
//! - takes out the bare word `uncoded` (turns nobody — or not the coder asked — has coded);
//! - turns `word*` (prefix) and `word~N` (fuzzy, N edits, at most 2) into placeholders,
//!   which become prefix and fuzzy term queries on the unstemmed field after parsing (the
//!   parser has no per-word fuzzy or single-word prefix).
//!
//! Words are joined by AND unless the query says OR.
//!
//! Before any of that, a query is bounded: at most [`MAX_QUERY_CHARS`] characters and at
//! most [`MAX_QUERY_DEPTH`] nested groups (`(`, `[`, `{`, and a quoted phrase counts as one
//! more), because tantivy's parser recurses once per group and a few thousand brackets
//! would overflow the stack, which no panic guard can catch.

use std::collections::BTreeSet;

use tantivy::query::{
    AllQuery, BooleanQuery, FuzzyTermQuery, Occur, Query, QueryParser, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, Term};
use thematic_codebook::Codebook;

use crate::error::IndexError;
use crate::schema::Fields;

/// A word the parser cannot express, kept aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Special {
    /// `word*` on a field.
    Prefix(Field, String),
    /// `word~N` on a field.
    Fuzzy(Field, String, u8),
}

/// A query ready to run, and what to highlight.
pub(crate) struct Prepared {
    pub query: Box<dyn Query>,
    /// Whether the query has words to rank by (else results are in index order).
    pub ranked: bool,
    /// Stemmed terms of the `text` field to highlight.
    pub stems: BTreeSet<String>,
    /// Lowercased words of the `exact` field to highlight.
    pub words: BTreeSet<String>,
    /// Prefixes and fuzzy words on `exact` to highlight.
    pub specials: Vec<Special>,
}

/// What shapes a search besides the query text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Match words exactly (no stemming).
    pub exact: bool,
    /// Search every speaker's turns, not only participants'.
    pub all_speakers: bool,
    /// `theme:` and `uncoded` refer to this coder's codings, not anyone's.
    pub coder: Option<String>,
}

const BUILT_IN: &[(&str, &str)] = &[
    ("speaker", "speaker"),
    ("role", "role"),
    ("participant", "participant"),
    ("transcript", "transcript"),
    ("turn", "turn"),
    ("text", "text"),
    ("exact", "exact"),
];

/// The longest query accepted, in characters.
pub(crate) const MAX_QUERY_CHARS: usize = 2_000;

/// The deepest nesting of groups accepted: `(`, `[` and `{` each open one, and a quoted
/// phrase counts as one more level while it lasts.
pub(crate) const MAX_QUERY_DEPTH: usize = 20;

/// Refuses a query too long or too deeply nested to parse safely. Runs before tantivy's
/// recursive parser, so a hostile query costs one pass over its characters.
pub(crate) fn check_bounds(raw: &str) -> Result<(), IndexError> {
    let chars = raw.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(IndexError::query(
            &shortened(raw),
            format!("it is {chars} characters long; a query may have at most {MAX_QUERY_CHARS}"),
        ));
    }
    let depth = depth(raw);
    if depth > MAX_QUERY_DEPTH {
        return Err(IndexError::query(
            &shortened(raw),
            format!(
                "it nests brackets or quotes {depth} deep; a query may nest at most \
                 {MAX_QUERY_DEPTH} deep"
            ),
        ));
    }
    Ok(())
}

/// The deepest nesting of groups in `raw`. A closing bracket with nothing open is left for
/// the parser to report.
fn depth(raw: &str) -> usize {
    let (mut open, mut deepest, mut quoted) = (0usize, 0usize, false);
    for ch in raw.chars() {
        match ch {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => open += 1,
            ')' | ']' | '}' if !quoted => open = open.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(open + usize::from(quoted));
    }
    deepest
}

/// The start of a long query, for an error message that stays readable.
fn shortened(raw: &str) -> String {
    const SHOWN: usize = 60;
    if raw.chars().count() <= SHOWN {
        return raw.to_string();
    }
    let mut s: String = raw.chars().take(SHOWN).collect();
    s.push('…');
    s
}

pub(crate) fn prepare(
    index: &Index,
    fields: &Fields,
    codebook: &Codebook,
    raw: &str,
    scope: &Scope,
) -> Result<Prepared, IndexError> {
    check_bounds(raw)?;
    let default = if scope.exact {
        fields.exact
    } else {
        fields.text
    };
    let mut specials = Vec::new();
    let mut uncoded = false;
    let mut explicit_speaker = false;
    let mut out = String::new();
    let mut words = 0usize;
    // `NOT x` becomes `-x`: tantivy reads a lone `NOT x` as a query that matches nothing.
    let mut negate = false;
    for (piece, quoted) in pieces(raw) {
        if quoted {
            if std::mem::take(&mut negate) {
                out.push('-');
            }
            out.push_str(piece);
            words += 1;
            continue;
        }
        let mut token = String::new();
        for ch in piece.chars().chain(std::iter::once(' ')) {
            if ch.is_whitespace() || ch == '(' || ch == ')' {
                if !token.is_empty() {
                    let t = std::mem::take(&mut token);
                    if t == "NOT" {
                        negate = true;
                        continue;
                    }
                    let rewritten =
                        rewrite(&t, fields, codebook, scope, default, raw, &mut specials)?;
                    match rewritten {
                        Token::Uncoded => uncoded = true,
                        Token::Text {
                            text,
                            speaker,
                            word,
                        } => {
                            explicit_speaker |= speaker;
                            words += usize::from(word);
                            if std::mem::take(&mut negate) && !text.starts_with(['-', '+']) {
                                out.push('-');
                            }
                            out.push_str(&text);
                        }
                    }
                }
                if ch == '(' && std::mem::take(&mut negate) {
                    out.push('-');
                }
                if ch != ' ' || !out.ends_with(' ') {
                    out.push(ch);
                }
            } else {
                token.push(ch);
            }
        }
    }
    let text = out.trim();
    let mut parser = QueryParser::for_index(index, vec![default]);
    parser.set_conjunction_by_default();
    let user: Box<dyn Query> = if text.is_empty() {
        Box::new(AllQuery)
    } else {
        let q = parser
            .parse_query(text)
            .map_err(|e| IndexError::query(raw, explain(&e.to_string())))?;
        replace_placeholders(q, fields, &specials)
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user)];
    if !scope.all_speakers && !explicit_speaker {
        clauses.push((Occur::Must, term(fields.role, "participant")));
    }
    if uncoded {
        let who = scope.coder.as_deref().unwrap_or("*");
        clauses.push((Occur::MustNot, term(fields.coded_by, who)));
    }
    let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    let mut stems = BTreeSet::new();
    let mut plain = BTreeSet::new();
    query.query_terms(&mut |t, _| {
        if let Some(s) = t.value().as_str() {
            if t.field() == fields.text {
                stems.insert(s.to_string());
            } else if t.field() == fields.exact {
                plain.insert(s.to_string());
            }
        }
    });
    Ok(Prepared {
        query,
        ranked: words > 0,
        stems,
        words: plain,
        specials,
    })
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Splits a query into unquoted and quoted pieces (a quoted piece keeps its quotes).
fn pieces(raw: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(open) = rest.find('"') {
        out.push((&rest[..open], false));
        let after = &rest[open + 1..];
        let close = after.find('"').map_or(after.len(), |i| i + 1);
        let end = (open + 1 + close).min(rest.len());
        out.push((&rest[open..end], true));
        rest = &rest[end..];
    }
    out.push((rest, false));
    out
}

enum Token {
    Uncoded,
    Text {
        text: String,
        /// The token names the speaker or role (so no default role filter).
        speaker: bool,
        /// The token is a word of the query (something to rank by).
        word: bool,
    },
}

fn rewrite(
    token: &str,
    fields: &Fields,
    codebook: &Codebook,
    scope: &Scope,
    default: Field,
    raw: &str,
    specials: &mut Vec<Special>,
) -> Result<Token, IndexError> {
    if matches!(token, "AND" | "OR") {
        return Ok(Token::Text {
            text: token.to_string(),
            speaker: false,
            word: false,
        });
    }
    let (sign, body) = match token.strip_prefix(['+', '-']) {
        Some(b) => (&token[..1], b),
        None => ("", token),
    };
    if body.eq_ignore_ascii_case("uncoded") && sign.is_empty() {
        return Ok(Token::Uncoded);
    }
    let (name, value) = match body.split_once(':') {
        Some((n, v)) if n.chars().next().is_some_and(char::is_alphabetic) => (Some(n), v),
        _ => (None, body),
    };
    let Some(name) = name else {
        return Ok(Token::Text {
            text: format!("{sign}{}", special(default, value, specials, raw)?),
            speaker: false,
            word: true,
        });
    };
    let lower = name.to_lowercase();
    if lower == "theme" {
        return Ok(Token::Text {
            text: format!("{sign}{}", theme_clause(codebook, value, scope, raw)?),
            speaker: false,
            word: false,
        });
    }
    let field_name = BUILT_IN
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, f)| (*f).to_string())
        .or_else(|| {
            fields
                .attrs
                .iter()
                .find(|a| a.name.to_lowercase() == lower)
                .map(|a| a.field_name.clone())
        });
    let Some(field_name) = field_name else {
        let mut known: Vec<String> = BUILT_IN.iter().map(|(n, _)| (*n).to_string()).collect();
        known.push("theme".into());
        known.extend(fields.attrs.iter().map(|a| a.name.clone()));
        return Err(IndexError::query(
            raw,
            format!(
                "there is no field `{name}`; fields: {}, and the bare word `uncoded`",
                known.join(", ")
            ),
        ));
    };
    if lower == "role"
        && !value.is_empty()
        && !matches!(value, "interviewer" | "participant" | "other")
    {
        return Err(IndexError::query(
            raw,
            format!("role is interviewer, participant or other, not `{value}`"),
        ));
    }
    let field = field_by_name(fields, &field_name);
    let value = match field {
        Some(f) if !value.is_empty() => special(f, value, specials, raw)?,
        _ => value.to_string(),
    };
    // A placeholder carries its field.
    let text = if value.starts_with("ph:") {
        format!("{sign}{value}")
    } else {
        format!("{sign}{field_name}:{value}")
    };
    Ok(Token::Text {
        text,
        speaker: lower == "speaker" || lower == "role",
        word: matches!(lower.as_str(), "text" | "exact"),
    })
}

fn field_by_name(fields: &Fields, name: &str) -> Option<Field> {
    Some(match name {
        "speaker" => fields.speaker,
        "participant" => fields.participant,
        "text" => fields.text,
        "exact" => fields.exact,
        _ => {
            fields
                .attrs
                .iter()
                .find(|a| !a.numeric && a.field_name == name)?
                .field
        }
    })
}

/// `word*` and `word~N` become `ph:K`; anything else is kept as written.
fn special(
    field: Field,
    value: &str,
    specials: &mut Vec<Special>,
    raw: &str,
) -> Result<String, IndexError> {
    let is_word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_alphanumeric() || c == '\'' || c == '-')
    };
    if let Some(stem) = value.strip_suffix('*')
        && is_word(stem)
    {
        specials.push(Special::Prefix(field, stem.to_lowercase()));
        return Ok(format!("ph:{}", specials.len() - 1));
    }
    if let Some((word, n)) = value.rsplit_once('~')
        && is_word(word)
    {
        let n: u8 = n.parse().ok().filter(|n| *n <= 2).ok_or_else(|| {
            IndexError::query(
                raw,
                format!("`{value}`: write word~1 or word~2 (edits allowed)"),
            )
        })?;
        specials.push(Special::Fuzzy(field, word.to_lowercase(), n));
        return Ok(format!("ph:{}", specials.len() - 1));
    }
    Ok(value.to_string())
}

fn theme_clause(
    codebook: &Codebook,
    value: &str,
    scope: &Scope,
    raw: &str,
) -> Result<String, IndexError> {
    let id = value.trim_matches('"');
    if id.is_empty() {
        return Err(IndexError::query(
            raw,
            "write the theme id right after `theme:`, without quotes (e.g. theme:goal-orientation)",
        ));
    }
    if codebook.get(id).is_none() {
        let ids: Vec<&str> = codebook.entries.iter().map(|e| e.id.as_str()).collect();
        return Err(IndexError::query(
            raw,
            format!(
                "there is no theme `{id}` in the codebook; themes: {}",
                ids.join(", ")
            ),
        ));
    }
    let parts: Vec<String> = codebook
        .subtree(id)
        .iter()
        .map(|e| match &scope.coder {
            Some(c) => format!("coded:\"{c}/{}\"", e.id),
            None => format!("theme:\"{}\"", e.id),
        })
        .collect();
    Ok(format!("({})", parts.join(" OR ")))
}

/// Puts the prefix and fuzzy queries where their placeholders are.
fn replace_placeholders(
    q: Box<dyn Query>,
    fields: &Fields,
    specials: &[Special],
) -> Box<dyn Query> {
    if specials.is_empty() {
        return q;
    }
    if let Some(b) = q.downcast_ref::<BooleanQuery>() {
        let clauses = b
            .clauses()
            .iter()
            .map(|(o, c)| (*o, replace_placeholders(c.box_clone(), fields, specials)))
            .collect();
        return Box::new(BooleanQuery::new(clauses));
    }
    if let Some(t) = q.downcast_ref::<TermQuery>()
        && t.term().field() == fields.ph
    {
        let k: Option<usize> = t.term().value().as_str().and_then(|s| s.parse().ok());
        if let Some(s) = k.and_then(|k| specials.get(k)) {
            return build_special(s, fields);
        }
    }
    q
}

fn build_special(s: &Special, fields: &Fields) -> Box<dyn Query> {
    // Prefix and fuzzy words match the unstemmed words: `motivat*` finds "motivated" and
    // "motivation", which the stems would not all share.
    let target = |f: Field| if f == fields.text { fields.exact } else { f };
    match s {
        Special::Prefix(f, stem) => {
            let escaped = regex::escape(stem);
            match RegexQuery::from_pattern(&format!("{escaped}.*"), target(*f)) {
                Ok(q) => Box::new(q),
                Err(_) => Box::new(BooleanQuery::new(Vec::new())),
            }
        }
        Special::Fuzzy(f, word, n) => Box::new(FuzzyTermQuery::new(
            Term::from_field_text(target(*f), word),
            *n,
            true,
        )),
    }
}

/// Makes tantivy's parse errors say what to do.
fn explain(e: &str) -> String {
    format!(
        "{e}. Words are ANDed; use OR, NOT, \"a phrase\", word*, word~1, field:value \
         (see `thematic search --help`)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_phrases_are_kept_whole() {
        assert_eq!(
            pieces("a \"what matters\" b"),
            vec![("a ", false), ("\"what matters\"", true), (" b", false)]
        );
    }

    #[test]
    fn nesting_is_counted_outside_quotes() {
        assert_eq!(depth("a b"), 0);
        assert_eq!(depth("(a OR b) c"), 1);
        assert_eq!(depth("((a) [1 TO 2])"), 2);
        assert_eq!(depth("\"a ((( b\""), 1);
        assert_eq!(depth("(\"a b\")"), 2);
        assert_eq!(depth(")))((("), 3);
    }

    #[test]
    fn deep_and_long_queries_are_refused_before_parsing() {
        let deep = format!("{}a{}", "(".repeat(5_000), ")".repeat(5_000));
        let e = check_bounds(&deep).unwrap_err().to_string();
        assert!(e.contains("at most 2000"), "{e}");
        let deep = format!("{}a{}", "[".repeat(21), "]".repeat(21));
        let e = check_bounds(&deep).unwrap_err().to_string();
        assert!(e.contains("21 deep") && e.contains("at most 20"), "{e}");
        assert!(e.len() < 300, "the query is shortened in the message: {e}");
        let ok = format!("{}a{}", "(".repeat(20), ")".repeat(20));
        assert!(check_bounds(&ok).is_ok());
        assert!(check_bounds(&"word ".repeat(400)).is_ok());
        assert!(check_bounds(&"w".repeat(2_001)).is_err());
    }
}
