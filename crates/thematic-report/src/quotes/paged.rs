//! The quote table a page at a time, from passages kept per transcript, without building
//! the whole table: for a viewer paging through hundreds of thousands of quotes (the
//! browser workspace's quote view), where a change to one transcript's codings should not
//! mean reading every coding again.
//!
//! The rows and their order are exactly those of [`quote_table`](super::quote_table) with
//! [`QuoteOptions::new`](super::QuoteOptions::new) (every quote, untrimmed, attributed by
//! participant): themes in codebook order (retired themes and ids not in the codebook
//! left out), then, within a theme, the starred extracts first (given as
//! [`PageRequest::starred`]), then participants in natural order, then transcript and
//! position in it. A transcript with several participants (a focus group whose speakers
//! `participants.csv` names) gives a run of rows for each. A test checks the two against
//! each other.

use std::collections::HashMap;

use thematic_codebook::Codebook;
use thematic_study::Participants;

use super::{Attributions, Quote, Starred, ThemeQuotes};
use crate::passages::{Passage, natural_ranks};

/// One transcript's passages, by theme, each theme's by participant (natural order), then
/// in transcript order.
#[derive(Debug, Clone, Default)]
pub struct TranscriptQuotes {
    by_theme: HashMap<String, Vec<Passage>>,
    /// The participants of the passages, in natural order, each with its rank.
    participants: Vec<String>,
}

impl TranscriptQuotes {
    /// From one transcript's passages, as [`passages_of`](crate::passages_of) gives them
    /// (sorted by start, end and theme) and [`attribute`](crate::attribute) attributes them.
    pub fn new(passages: Vec<Passage>) -> TranscriptQuotes {
        let rank = natural_ranks(passages.iter().map(|p| p.participant.as_str()));
        let mut by_theme: HashMap<String, Vec<Passage>> = HashMap::new();
        for p in passages {
            by_theme.entry(p.theme.clone()).or_default().push(p);
        }
        if rank.len() > 1 {
            // Only sorted, so the hash map's order reaches no output.
            #[allow(clippy::iter_over_hash_type)]
            for v in by_theme.values_mut() {
                v.sort_by_key(|p| rank[p.participant.as_str()]);
            }
        }
        let mut participants: Vec<(usize, String)> =
            rank.into_iter().map(|(p, r)| (r, p)).collect();
        participants.sort_unstable();
        TranscriptQuotes {
            by_theme,
            participants: participants.into_iter().map(|(_, p)| p).collect(),
        }
    }

    /// The passages of `theme` (that code only, not the codes under it), by participant,
    /// then in transcript order.
    pub fn of(&self, theme: &str) -> &[Passage] {
        self.by_theme.get(theme).map_or(&[], Vec::as_slice)
    }

    /// The passages of `theme` that `participant` speaks, in transcript order.
    pub fn of_participant(&self, theme: &str, participant: &str) -> &[Passage] {
        let all = self.of(theme);
        if self.participants.len() < 2 {
            return if self.participants.iter().any(|p| p == participant) {
                all
            } else {
                &[]
            };
        }
        let rank = |p: &Passage| self.participants.iter().position(|x| *x == p.participant);
        let Some(want) = self.participants.iter().position(|x| x == participant) else {
            return &[];
        };
        let from = all.partition_point(|p| rank(p) < Some(want));
        let to = all.partition_point(|p| rank(p) <= Some(want));
        &all[from..to]
    }

    /// The participants who speak the passages, in natural order.
    pub fn participants(&self) -> &[String] {
        &self.participants
    }

    /// Every passage, theme by theme in no set order (for counting).
    pub fn all(&self) -> impl Iterator<Item = &Passage> {
        // Only counted by callers, so the hash map's order does not reach any output.
        #[allow(clippy::iter_over_hash_type)]
        self.by_theme.values().flatten()
    }
}

/// Which rows of the table to give.
#[derive(Debug, Clone, Default)]
pub struct PageRequest<'a> {
    /// Only this theme and the themes under it.
    pub theme: Option<&'a str>,
    /// Only these participants (ids as quotes name them); `None` for all.
    pub participants: Option<&'a [&'a str]>,
    /// The first row, after the filters.
    pub offset: usize,
    /// How many rows at most.
    pub limit: usize,
    /// The starred extracts, which come first in their theme; `None` for none.
    pub starred: Option<&'a Starred>,
}

/// One page of the table.
#[derive(Debug, Clone)]
pub struct QuotePage {
    /// Rows after the filters, in all pages.
    pub total: usize,
    /// The page's rows, each with its theme's headings (a [`ThemeQuotes`] without quotes).
    pub rows: Vec<(ThemeQuotes, Quote)>,
}

/// The page `request` asks for of the table of `transcripts`' quotes (id and quotes, in any
/// order), attributed by participant id.
pub fn quote_page(
    book: &Codebook,
    participants: &Participants,
    transcripts: &[(&str, &TranscriptQuotes)],
    request: &PageRequest<'_>,
) -> QuotePage {
    let current = book.current();
    let rank = natural_ranks(transcripts.iter().map(|(id, _)| *id));
    // A run of rows per participant and transcript, by participant, then transcript.
    let mut ordered: Vec<(&str, &str, &TranscriptQuotes)> = transcripts
        .iter()
        .flat_map(|(id, q)| q.participants().iter().map(move |p| (p.as_str(), *id, *q)))
        .filter(|(p, ..)| request.participants.is_none_or(|want| want.contains(p)))
        .collect();
    let who = natural_ranks(ordered.iter().map(|(p, ..)| *p));
    ordered.sort_by_key(|(p, id, _)| (who[*p], rank[*id]));
    let wanted: Option<Vec<&str>> = request.theme.map(|t| {
        current
            .subtree(t)
            .into_iter()
            .map(|e| e.id.as_str())
            .collect()
    });
    let attributions = Attributions::new(participants);
    let fields = [super::PARTICIPANT_FIELD.to_string()];
    let starred = request.starred.filter(|s| !s.is_empty());
    let mut pager = Pager {
        request,
        page: QuotePage {
            total: 0,
            rows: Vec::new(),
        },
    };
    for e in current.tree_order() {
        if wanted.as_ref().is_some_and(|w| !w.contains(&e.id.as_str())) {
            continue;
        }
        let mut heading: Option<ThemeQuotes> = None;
        let mut row = |p: &Passage, star: bool| {
            let theme = heading.get_or_insert_with(|| ThemeQuotes::of(&current, e, Vec::new()));
            let mut quote = Quote::of(p.clone(), attributions.of(&p.participant, &fields));
            quote.starred = star;
            (theme.clone(), quote)
        };
        let Some(starred) = starred else {
            for (who, _, quotes) in &ordered {
                pager.slice(quotes.of_participant(&e.id, who), |p| row(p, false));
            }
            continue;
        };
        // The starred extracts first, then the rest; a transcript without a star is cut
        // as a slice, as without stars.
        for (who, _, quotes) in ordered
            .iter()
            .filter(|(_, id, _)| starred.in_transcript(id))
        {
            for p in quotes
                .of_participant(&e.id, who)
                .iter()
                .filter(|p| starred.contains(p))
            {
                pager.one(|| row(p, true));
            }
        }
        for (who, id, quotes) in &ordered {
            let here = quotes.of_participant(&e.id, who);
            if !starred.in_transcript(id) {
                pager.slice(here, |p| row(p, false));
                continue;
            }
            for p in here.iter().filter(|p| !starred.contains(p)) {
                pager.one(|| row(p, false));
            }
        }
    }
    pager.page
}

/// A page being cut from the table's rows as they are walked in order.
struct Pager<'r, 'a> {
    request: &'r PageRequest<'a>,
    page: QuotePage,
}

impl Pager<'_, '_> {
    /// The next row of the table: on the page if it falls there (`make` is called only
    /// then).
    fn one(&mut self, make: impl FnOnce() -> (ThemeQuotes, Quote)) {
        if self.page.total >= self.request.offset && self.page.rows.len() < self.request.limit {
            self.page.rows.push(make());
        }
        self.page.total += 1;
    }

    /// The next rows of the table, `here`, without walking those before the page.
    fn slice(&mut self, here: &[Passage], mut make: impl FnMut(&Passage) -> (ThemeQuotes, Quote)) {
        let from = self
            .request
            .offset
            .saturating_sub(self.page.total)
            .min(here.len());
        let room = self.request.limit.saturating_sub(self.page.rows.len());
        for p in here[from..].iter().take(room) {
            self.page.rows.push(make(p));
        }
        self.page.total += here.len();
    }
}
