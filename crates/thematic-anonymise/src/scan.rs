//! One text in, candidates out: known terms, patterns, then words, with overlaps settled
//! by how sure each rule is.

use std::collections::BTreeMap;

use crate::context::{Candidate, ScanContext};
use crate::offsets::Offsets;
use crate::{patterns, placeholder, words};

/// Finds the identifiers in `text`: the context's known terms (participants, speakers,
/// the study's list), patterns (e-mail, phone, postcode, ZIP, dates, URLs, NHS, NI and id
/// numbers) and names and places found from the words (titles, relations, the shipped
/// lists, capitalised words). Nothing inside an existing placeholder or bracketed note is
/// found. Where candidates overlap, the surer rule wins, then the longer one. The
/// candidates come back in text order, offsets in code points.
///
/// ```
/// use thematic_anonymise::{Kind, Rule, ScanContext, scan};
/// let text = "My husband Tom rang [Name 2] on 07700 900123 from Leeds.";
/// let found = scan(text, &ScanContext::new());
/// let got: Vec<_> = found.iter().map(|c| (c.term.as_str(), c.kind, c.rule)).collect();
/// assert_eq!(got, [
///     ("Tom", Kind::Name, Rule::RelationBeforeName),
///     ("07700 900123", Kind::Phone, Rule::PhonePattern),
///     ("Leeds", Kind::Place, Rule::PlaceList),
/// ]);
/// ```
pub fn scan(text: &str, ctx: &ScanContext) -> Vec<Candidate> {
    let offsets = Offsets::new(text);
    let mut out = Vec::new();
    let matcher = ctx.known_matcher();
    let known = ctx.known();
    for m in matcher.find(text) {
        let k = &known[m.term_index];
        out.push(Candidate {
            start: m.start,
            end: m.end,
            term: text.chars().skip(m.start).take(m.end - m.start).collect(),
            kind: k.kind,
            rule: k.rule,
        });
    }
    patterns::find(text, &offsets, &mut out);
    words::find(text, ctx, &mut out);
    let holes = placeholder::spans(text, &offsets);
    if !holes.is_empty() {
        // Holes are in text order and do not overlap: the one that could overlap a
        // candidate is the last starting before its end.
        out.retain(|c| {
            let i = holes.partition_point(|&(s, _)| s < c.end);
            i == 0 || holes[i - 1].1 <= c.start
        });
    }
    resolve(out)
}

/// Keeps the surest candidate where several overlap (then the longest, then the earliest)
/// and returns them in text order.
pub(crate) fn resolve(mut all: Vec<Candidate>) -> Vec<Candidate> {
    all.sort_by(|a, b| {
        b.rule
            .strength()
            .cmp(&a.rule.strength())
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: BTreeMap<usize, Candidate> = BTreeMap::new();
    for c in all {
        if c.end <= c.start {
            continue;
        }
        let before = kept.range(..c.end).next_back();
        if before.is_some_and(|(_, k)| k.end > c.start) {
            continue;
        }
        kept.insert(c.start, c);
    }
    kept.into_values().collect()
}
