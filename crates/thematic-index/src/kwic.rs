//! Keyword in context: where the query's words are in a turn, and a line around the first.
//!
//! The turn is run through the same analyzers as the index (English stems for `text`,
//! lowercased words for `exact`); a token is a hit when its term is one the query searched
//! for, or matches one of its prefixes or fuzzy words. This is what tantivy's own snippet
//! generator does, but it gives offsets in the whole turn, which the results need.

use tantivy::Index;
use tantivy::tokenizer::TextAnalyzer;

use crate::query::{Prepared, Special};
use crate::schema::Fields;

/// Byte ranges of the hits in `text`, sorted and merged.
pub(crate) fn hits(
    index: &Index,
    fields: &Fields,
    prepared: &Prepared,
    text: &str,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let manager = index.tokenizers();
    if !prepared.stems.is_empty()
        && let Some(mut a) = manager.get("en_stem")
    {
        collect(&mut a, text, &mut out, |t| prepared.stems.contains(t));
    }
    let specials: Vec<&Special> = prepared
        .specials
        .iter()
        .filter(|s| matches!(s, Special::Prefix(f, _) | Special::Fuzzy(f, _, _) if *f == fields.text || *f == fields.exact))
        .collect();
    if (!prepared.words.is_empty() || !specials.is_empty())
        && let Some(mut a) = manager.get("default")
    {
        collect(&mut a, text, &mut out, |t| {
            prepared.words.contains(t)
                || specials.iter().any(|s| match s {
                    Special::Prefix(_, p) => t.starts_with(p.as_str()),
                    Special::Fuzzy(_, w, n) => within(t, w, usize::from(*n)),
                })
        });
    }
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (a, b) in out {
        match merged.last_mut() {
            // Neighbouring words ("what matters") read as one hit.
            Some(last) if a <= last.1 || text[last.1..a].trim().is_empty() => {
                last.1 = last.1.max(b);
            }
            _ => merged.push((a, b)),
        }
    }
    merged
}

fn collect(
    a: &mut TextAnalyzer,
    text: &str,
    out: &mut Vec<(usize, usize)>,
    hit: impl Fn(&str) -> bool,
) {
    let mut stream = a.token_stream(text);
    stream.process(&mut |t| {
        if hit(&t.text) {
            out.push((t.offset_from, t.offset_to));
        }
    });
}

/// Whether `a` is within `n` edits (insert, delete, substitute, swap neighbours) of `b`.
/// Hand-written: a dozen lines, and the fuzzy query itself is tantivy's.
fn within(a: &str, b: &str, n: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > n {
        return false;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()] <= n
}

/// A keyword-in-context line: up to `context` characters each side of the first hit, cut
/// at word boundaries, with `…` where the turn goes on. Returns the line and the hits'
/// code-point ranges within it.
pub(crate) fn snippet(
    text: &str,
    hits: &[(usize, usize)],
    context: usize,
) -> (String, Vec<(usize, usize)>) {
    let Some(&(first, first_end)) = hits.first() else {
        let shown: String = text.chars().take(context * 2).collect();
        let more = text.chars().count() > context * 2;
        return (if more { format!("{shown}…") } else { shown }, Vec::new());
    };
    // Start: `context` chars before the hit, moved forward to a word start.
    let mut start = text[..first]
        .char_indices()
        .rev()
        .nth(context.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    if start > 0
        && let Some(sp) = text[start..first].find(char::is_whitespace)
    {
        start += sp + 1;
    }
    let mut end = text[first_end..]
        .char_indices()
        .nth(context)
        .map_or(text.len(), |(i, _)| first_end + i);
    if end < text.len()
        && let Some(sp) = text[first_end..end].rfind(char::is_whitespace)
    {
        end = first_end + sp;
    }
    let mut line = String::new();
    let lead = start > 0;
    if lead {
        line.push('…');
    }
    let body = text[start..end].trim_end();
    line.push_str(body);
    if end < text.len() {
        line.push('…');
    }
    let offset = usize::from(lead);
    let marks = hits
        .iter()
        .filter(|(a, b)| *a >= start && *b <= start + body.len())
        .map(|(a, b)| {
            let from = text[start..*a].chars().count() + offset;
            (from, from + text[*a..*b].chars().count())
        })
        .collect();
    (line, marks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_distance_counts_swaps_as_one() {
        assert!(within("goal", "goals", 1));
        assert!(within("recieve", "receive", 1));
        assert!(!within("goal", "gaol", 0));
        assert!(!within("motivation", "motive", 2));
    }

    #[test]
    fn snippets_cut_at_words_and_mark_the_hit() {
        let text = "We talk for a while first. Then we always set small goals together, \
                    one at a time, and we review them every fortnight.";
        let at = text.find("goals").unwrap();
        let (line, marks) = snippet(text, &[(at, at + 5)], 20);
        assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
        let chars: Vec<char> = line.chars().collect();
        let (a, b) = marks[0];
        assert_eq!(chars[a..b].iter().collect::<String>(), "goals");
        assert!(!line.contains("first"), "{line}");
        // Whole short turns are shown whole.
        let (line, marks) = snippet("Set goals.", &[(4, 9)], 20);
        assert_eq!((line.as_str(), marks), ("Set goals.", vec![(4, 9)]));
    }
}
