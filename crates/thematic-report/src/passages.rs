//! Coded passages: whose codings a quote table, matrix or figure is made from.
//!
//! Coding is blind, so every export says whose codings it shows. [`CoderSelection`] is that
//! choice: one coder's codings, several coders' pooled, or only what all of them coded (the
//! stretches where their codings of a theme overlap). [`passages`](crate::passages()) turns it into
//! [`Passage`]s, each a stretch of a transcript with a theme, the coders behind it and the
//! participant who speaks there ([`attribute`]: by default the transcript's own
//! participant, its id; a speaker's participant where `participants.csv` names speakers).

use std::collections::{BTreeMap, HashMap};

use thematic_study::Attribution;
use thematic_study::Coding;
use thematic_study::Study;
use thematic_study::StudyError;
use thematic_study::natural_cmp;

/// Whose codings to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoderSelection {
    /// These coders' codings, pooled. With one coder this is the blind, usual case. A passage
    /// that several of them coded identically (same transcript, start, end and theme) is
    /// one passage naming all of them.
    Pooled(Vec<String>),
    /// Only what every one of these coders coded with the same theme: for each coding of the
    /// first coder, its overlap with an overlapping coding of the same theme and transcript
    /// by each of the others (the intersection of the spans). The text is the first coder's.
    Consensus(Vec<String>),
}

impl CoderSelection {
    /// The coders named, in the order given.
    pub fn coders(&self) -> &[String] {
        match self {
            CoderSelection::Pooled(c) | CoderSelection::Consensus(c) => c,
        }
    }

    /// "KW", "KW and CG (pooled)" or "coded by all of KW and CG": for report headers.
    pub fn describe(&self) -> String {
        let names = join_and(self.coders());
        match self {
            CoderSelection::Pooled(c) if c.len() == 1 => format!("coder {names}"),
            CoderSelection::Pooled(_) => format!("coders {names} (pooled)"),
            CoderSelection::Consensus(_) => format!("coded by all of {names}"),
        }
    }
}

fn join_and(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A coded stretch of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The theme (codebook entry id).
    pub theme: String,
    /// The transcript id.
    pub transcript: String,
    /// The participant who speaks there: the transcript id, unless `participants.csv` names
    /// the transcript's speakers ([`attribute`]).
    pub participant: String,
    /// The 1-based turn, as recorded in the coding.
    pub turn: usize,
    /// Start in the transcript's normalized text, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// The words, exactly as coded (`text[start..end]`).
    pub text: String,
    /// The coders behind it, in the order of the selection.
    pub coders: Vec<String>,
}

/// The passages `selection` gives: anchored codings only (orphaned ones are left out),
/// ordered by transcript (natural order), start, end and theme, each attributed to the
/// participant who speaks there ([`Study::attribution`]).
pub fn passages(study: &Study, selection: &CoderSelection) -> Result<Vec<Passage>, StudyError> {
    passages_by(study, selection, &study.attribution()?)
}

/// [`passages`] with the study's [`Attribution`] already read.
pub(crate) fn passages_by(
    study: &Study,
    selection: &CoderSelection,
    who: &Attribution,
) -> Result<Vec<Passage>, StudyError> {
    let files = study.codings_of_each(selection.coders())?;
    let per_coder: Vec<(String, Vec<Coding>)> =
        files.into_iter().map(|f| (f.coder, f.codings)).collect();
    let mut out = passages_of(selection, per_coder);
    attribute(&mut out, who);
    Ok(out)
}

/// Sets each passage's participant: who speaks where it starts. [`passages_of`] leaves
/// the transcript id there, which is the answer for every study whose `participants.csv`
/// names no transcripts (then nothing is looked up).
pub fn attribute(passages: &mut [Passage], who: &Attribution) {
    if who.is_by_transcript() {
        return;
    }
    for p in passages {
        let id = who.participant_at(&p.transcript, p.start, p.turn);
        if id != p.participant {
            p.participant = id.to_string();
        }
    }
}

/// The passages `selection` gives from codings already read: per coder of the selection
/// (in its order), their codings — of the whole study, or of one transcript for a caller
/// that keeps each transcript's passages. Orphaned codings are left out here. Each
/// passage's participant is its transcript id until [`attribute`] says otherwise.
pub fn passages_of(
    selection: &CoderSelection,
    per_coder: Vec<(String, Vec<Coding>)>,
) -> Vec<Passage> {
    let per_coder: Vec<(String, Vec<Coding>)> = per_coder
        .into_iter()
        .map(|(coder, codings)| {
            let anchored = codings.into_iter().filter(Coding::is_anchored).collect();
            (coder, anchored)
        })
        .collect();
    match selection {
        CoderSelection::Pooled(_) => pooled(per_coder),
        CoderSelection::Consensus(_) => {
            let mut out = consensus(&per_coder);
            sort_passages(&mut out);
            out
        }
    }
}

/// Sorts passages by transcript (natural order), start, end, theme.
pub(crate) fn sort_passages(v: &mut [Passage]) {
    let rank = natural_ranks(v.iter().map(|p| p.transcript.as_str()));
    v.sort_by(|a, b| {
        rank[a.transcript.as_str()]
            .cmp(&rank[b.transcript.as_str()])
            .then(a.start.cmp(&b.start))
            .then(a.end.cmp(&b.end))
            .then_with(|| a.theme.cmp(&b.theme))
    });
}

/// Each distinct id's place in natural order (`P2` before `P10`), so that sorting many
/// items by id compares numbers instead of splitting the ids again for every comparison.
pub(crate) fn natural_ranks<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut distinct: Vec<&str> = ids
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    distinct.sort_by(|a, b| natural_cmp(a, b));
    distinct
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id.to_string(), i))
        .collect()
}

/// Pooled passages, sorted as [`sort_passages`] sorts them. The keys are turned into numbers
/// first (transcripts by their natural-order rank, themes by theirs), so sorting and merging
/// 100,000 codings compares integers, not strings.
fn pooled(per_coder: Vec<(String, Vec<Coding>)>) -> Vec<Passage> {
    let transcript_rank = natural_ranks(
        per_coder
            .iter()
            .flat_map(|(_, v)| v.iter().map(|c| c.transcript.as_str())),
    );
    let mut themes: Vec<&str> = per_coder
        .iter()
        .flat_map(|(_, v)| v.iter().map(|c| c.theme.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    themes.sort_unstable();
    // Lookups only (never iterated), so a hash map keeps the order deterministic.
    let theme_rank: HashMap<String, usize> = themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.to_string(), i))
        .collect();
    let transcript_rank: HashMap<String, usize> = transcript_rank.into_iter().collect();
    let coders: Vec<String> = per_coder.iter().map(|(c, _)| c.clone()).collect();
    let mut keyed: Vec<([usize; 5], Coding)> = per_coder
        .into_iter()
        .enumerate()
        .flat_map(|(k, (_, codings))| codings.into_iter().map(move |c| (k, c)))
        .map(|(k, c)| {
            let key = [
                transcript_rank
                    .get(c.transcript.as_str())
                    .copied()
                    .unwrap_or(0),
                c.start,
                c.end,
                theme_rank.get(c.theme.as_str()).copied().unwrap_or(0),
                k,
            ];
            (key, c)
        })
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);
    let mut out: Vec<Passage> = Vec::with_capacity(keyed.len());
    let mut last: Option<[usize; 4]> = None;
    for (key, c) in keyed {
        let span = [key[0], key[1], key[2], key[3]];
        let coder = &coders[key[4]];
        if last == Some(span)
            && let Some(p) = out.last_mut()
        {
            if !p.coders.contains(coder) {
                p.coders.push(coder.clone());
            }
            continue;
        }
        last = Some(span);
        out.push(Passage {
            theme: c.theme,
            participant: c.transcript.clone(),
            transcript: c.transcript,
            turn: c.turn,
            start: c.start,
            end: c.end,
            text: c.text,
            coders: vec![coder.clone()],
        });
    }
    out
}

/// One coder's coded spans by (transcript, theme), each list sorted by start.
type SpansBy<'a> = BTreeMap<(&'a str, &'a str), Vec<(usize, usize)>>;

fn consensus(per_coder: &[(String, Vec<Coding>)]) -> Vec<Passage> {
    let Some(((_, first), others)) = per_coder.split_first() else {
        return Vec::new();
    };
    let names: Vec<String> = per_coder.iter().map(|(c, _)| c.clone()).collect();
    // Each other coder's spans by (transcript, theme), sorted by start.
    let index: Vec<SpansBy> = others
        .iter()
        .map(|(_, codings)| {
            let mut m = SpansBy::new();
            for c in codings {
                m.entry((c.transcript.as_str(), c.theme.as_str()))
                    .or_default()
                    .push((c.start, c.end));
            }
            for v in m.values_mut() {
                v.sort_unstable();
            }
            m
        })
        .collect();
    let mut seen: BTreeMap<(String, usize, usize, String), ()> = BTreeMap::new();
    let mut out = Vec::new();
    for a in first {
        let mut spans = vec![(a.start, a.end)];
        for other in &index {
            let Some(theirs) = other.get(&(a.transcript.as_str(), a.theme.as_str())) else {
                spans.clear();
                break;
            };
            let mut next = Vec::new();
            for &(s, e) in &spans {
                // Spans sorted by start: stop at the first that starts at or after `e`.
                let upto = theirs.partition_point(|&(bs, _)| bs < e);
                for &(bs, be) in &theirs[..upto] {
                    if be > s {
                        next.push((s.max(bs), e.min(be)));
                    }
                }
            }
            next.sort_unstable();
            next.dedup();
            spans = next;
            if spans.is_empty() {
                break;
            }
        }
        for (s, e) in spans {
            let key = (a.transcript.clone(), s, e, a.theme.clone());
            if seen.insert(key, ()).is_some() {
                continue;
            }
            out.push(Passage {
                theme: a.theme.clone(),
                transcript: a.transcript.clone(),
                participant: a.transcript.clone(),
                turn: a.turn,
                start: s,
                end: e,
                text: chars_between(
                    &a.text,
                    s.saturating_sub(a.start),
                    e.saturating_sub(a.start),
                ),
                coders: names.clone(),
            });
        }
    }
    out
}

/// The code points `from..to` of `s` (clamped to its length).
pub(crate) fn chars_between(s: &str, from: usize, to: usize) -> String {
    s.chars().skip(from).take(to.saturating_sub(from)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(coder: &str, t: &str, start: usize, text: &str, theme: &str) -> Coding {
        Coding {
            id: format!("c-{coder}-{start}"),
            coder: coder.into(),
            transcript: t.into(),
            turn: 2,
            start,
            end: start + text.chars().count(),
            theme: theme.into(),
            text: text.into(),
            created: "2026-11-21T10:00:00Z".into(),
            ..Coding::default()
        }
    }

    #[test]
    fn pooled_codings_of_the_same_span_are_one_passage_naming_both_coders() {
        let kw = vec![
            coding("KW", "P10", 0, "alpha beta", "a"),
            coding("KW", "P2", 5, "gamma", "a"),
        ];
        let cg = vec![
            coding("CG", "P10", 0, "alpha beta", "a"),
            coding("CG", "P10", 0, "alpha beta", "b"),
        ];
        let got = pooled(vec![("KW".into(), kw), ("CG".into(), cg)]);
        let summary: Vec<(&str, &str, Vec<String>)> = got
            .iter()
            .map(|p| (p.transcript.as_str(), p.theme.as_str(), p.coders.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("P2", "a", vec!["KW".to_string()]),
                ("P10", "a", vec!["KW".into(), "CG".into()]),
                ("P10", "b", vec!["CG".into()]),
            ]
        );
    }

    #[test]
    fn consensus_is_the_overlap_of_every_coders_codings_of_the_theme() {
        //             0         1         2         3
        //             0123456789012345678901234567890123
        let text = "we set small goals together, slowly";
        let kw = vec![coding("KW", "P6", 100, text, "goals")];
        // CG coded "small goals together" (offset 7..27) and, elsewhere, another theme.
        let cg = vec![
            coding("CG", "P6", 107, "small goals together", "goals"),
            coding("CG", "P6", 100, "we set", "other"),
        ];
        let got = consensus(&[("KW".into(), kw.clone()), ("CG".into(), cg)]);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].start, got[0].end, got[0].text.as_str()),
            (107, 127, "small goals together")
        );
        assert_eq!(got[0].coders, ["KW", "CG"]);
        // A coder who did not code the theme there: no consensus.
        let ab = vec![coding("AB", "P6", 100, "we set", "other")];
        assert!(consensus(&[("KW".into(), kw), ("AB".into(), ab)]).is_empty());
    }
}
