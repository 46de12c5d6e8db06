//! The quote table a page at a time, from passages kept per transcript, without building
//! the whole table: for a viewer paging through hundreds of thousands of quotes (the
//! browser workspace's quote view), where a change to one transcript's codings should not
//! mean reading every coding again.
//!
//! The rows and their order are exactly those of [`quote_table`](super::quote_table) with
//! [`QuoteOptions::new`](super::QuoteOptions::new) (every quote, untrimmed, attributed by
//! participant): themes in codebook order (retired themes and ids not in the codebook
//! left out), then, within a theme, the starred extracts first (given as
//! [`PageRequest::starred`]), then participants in natural order, then position in the
//! transcript. A test checks the two against each other.

use std::collections::HashMap;

use thematic_codebook::Codebook;
use thematic_study::Participants;

use super::{Attributions, Quote, Starred, ThemeQuotes};
use crate::passages::{Passage, natural_ranks};

/// One transcript's passages, by theme, each theme's in transcript order.
#[derive(Debug, Clone, Default)]
pub struct TranscriptQuotes {
    by_theme: HashMap<String, Vec<Passage>>,
}

impl TranscriptQuotes {
    /// From one transcript's passages, as [`passages_of`](crate::passages_of) gives them
    /// (sorted by start, end and theme).
    pub fn new(passages: Vec<Passage>) -> TranscriptQuotes {
        let mut by_theme: HashMap<String, Vec<Passage>> = HashMap::new();
        for p in passages {
            by_theme.entry(p.theme.clone()).or_default().push(p);
        }
        TranscriptQuotes { by_theme }
    }

    /// The passages of `theme` (that code only, not the codes under it), in transcript
    /// order.
    pub fn of(&self, theme: &str) -> &[Passage] {
        self.by_theme.get(theme).map_or(&[], Vec::as_slice)
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
    /// Only these participants (transcript ids); `None` for all.
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
    let mut ordered: Vec<&(&str, &TranscriptQuotes)> = transcripts
        .iter()
        .filter(|(id, _)| request.participants.is_none_or(|p| p.contains(id)))
        .collect();
    ordered.sort_by_key(|(id, _)| rank[*id]);
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
        let mut row = |id: &str, p: &Passage, star: bool| {
            let theme = heading.get_or_insert_with(|| ThemeQuotes::of(&current, e, Vec::new()));
            let mut quote = Quote::of(p.clone(), attributions.of(id, &fields));
            quote.starred = star;
            (theme.clone(), quote)
        };
        let Some(starred) = starred else {
            for (id, quotes) in &ordered {
                pager.slice(quotes.of(&e.id), |p| row(id, p, false));
            }
            continue;
        };
        // The starred extracts first, then the rest; a transcript without a star is cut
        // as a slice, as without stars.
        for (id, quotes) in ordered.iter().filter(|(id, _)| starred.in_transcript(id)) {
            for p in quotes.of(&e.id).iter().filter(|p| starred.contains(p)) {
                pager.one(|| row(id, p, true));
            }
        }
        for (id, quotes) in &ordered {
            let here = quotes.of(&e.id);
            if !starred.in_transcript(id) {
                pager.slice(here, |p| row(id, p, false));
                continue;
            }
            for p in here.iter().filter(|p| !starred.contains(p)) {
                pager.one(|| row(id, p, false));
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
