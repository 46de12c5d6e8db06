//! Quote tables: illustrative verbatim quotes, theme by theme in codebook order under the
//! group headings, each with its participant — the results section of a thematic analysis.
//!
//! [`quote_table`] selects the quotes ([`QuoteOptions`]); the writers, one file each,
//! turn the [`QuoteTable`] into Markdown, CSV, LaTeX, HTML, Word, Excel or JSON, and
//! [`QuoteTable::render`] picks the writer for a [`QuoteFormat`].
//!
//! How quotes are chosen and ordered, so the same study always gives the same table:
//!
//! - A quote is a coded passage ([`crate::Passage`]) of the chosen coders; orphaned codings
//!   and codings of themes that are retired or not in the codebook are left out (counted in
//!   [`QuoteTable::left_out`]).
//! - Filters (themes with their subtrees, participants, participant attributes) come first,
//!   then `--trim`, then the word limits, which count the words of the quote as shown.
//! - With `per_theme` N, each theme's quotes are taken in rounds: every participant with a
//!   quote there gives one before anyone gives a second. Themes are taken in codebook
//!   order, and within a round the participants quoted least so far in the table come
//!   first, then those with more quotes of the theme, then by id in natural order, so the
//!   table spreads across participants too. A participant's quotes are taken in order of
//!   most coders, then most words, then position in the transcript.
//! - A quote's participant is who speaks it: the transcript's id, or, where
//!   `participants.csv` names a transcript's speakers (a focus group), that speaker's
//!   participant ([`crate::attribute`]). Filters, attributes, rounds and order all go by it.
//! - The quotes of a theme are shown by participant (natural order: P2 before P10), then by
//!   transcript and position in it; but the extracts an author starred (`thematic star`,
//!   [`Starred`]) come first, in that same order among themselves. With `per_theme` N the
//!   starred quotes are taken before the rounds, and count towards N.

mod csv;
mod docx;
mod format;
mod guard;
mod html;
mod json;
mod latex;
mod markdown;
mod paged;
mod select;
mod starred;
mod trim;
mod xlsx;

use std::collections::{BTreeMap, BTreeSet};

use thematic_codebook::Codebook;
use thematic_transcript::Transcript;

use crate::passages::{CoderSelection, Passage, natural_ranks};
use thematic_study::Participants;
use thematic_study::Study;
use thematic_study::StudyError;
use thematic_study::{parallel_map, parse_file};

pub use format::QuoteFormat;
pub use json::{QUOTE_KEYS, quote_json};
pub use paged::{PageRequest, QuotePage, TranscriptQuotes, quote_page};
pub use starred::Starred;

/// The attribution field that is the participant's id.
pub const PARTICIPANT_FIELD: &str = "participant";

/// What a quote table holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteOptions {
    /// Whose codings.
    pub coders: CoderSelection,
    /// Only these themes (each with the entries below it); empty for all.
    pub themes: Vec<String>,
    /// Only these participants (ids as quotes name them); empty for all.
    pub participants: Vec<String>,
    /// Only participants whose attribute has one of the values (`participants.csv`); several
    /// attributes must all match.
    pub attributes: Vec<(String, Vec<String>)>,
    /// At least this many words (white-space separated, as shown).
    pub min_words: Option<usize>,
    /// At most this many words.
    pub max_words: Option<usize>,
    /// At most this many quotes per theme, spread across participants.
    pub per_theme: Option<usize>,
    /// Cut quotes back to whole sentences, marking cuts with an ellipsis.
    pub trim: bool,
    /// What follows a quote: `participant` and attribute names, joined with ", "
    /// (`["participant", "gender"]` gives "P6, female"). Only these attributes leave the
    /// study.
    pub attribution: Vec<String>,
}

impl QuoteOptions {
    /// Every quote of these coders, attributed by participant id.
    pub fn new(coders: CoderSelection) -> QuoteOptions {
        QuoteOptions {
            coders,
            themes: Vec::new(),
            participants: Vec::new(),
            attributes: Vec::new(),
            min_words: None,
            max_words: None,
            per_theme: None,
            trim: false,
            attribution: vec![PARTICIPANT_FIELD.to_string()],
        }
    }
}

/// A codebook entry named in a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: String,
}

/// One quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The participant who speaks the words (the id in `participants.csv`): the
    /// transcript id, unless `participants.csv` names the transcript's speakers.
    pub participant: String,
    /// The transcript id.
    pub transcript: String,
    /// The 1-based turn.
    pub turn: usize,
    /// Start of the quoted words in the transcript's text, in code points.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// The words as spoken; with `trim`, with `…` where words were left out.
    pub text: String,
    /// Words in `text`.
    pub words: usize,
    /// The attribution, e.g. `P6` or `P6, female, rural`.
    pub attribution: String,
    /// The coders who coded it.
    pub coders: Vec<String>,
    /// Whether an author starred it (see [`Starred`]): it then comes first in its theme.
    pub starred: bool,
}

/// One theme's quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeQuotes {
    /// The theme.
    pub theme: Heading,
    /// Its ancestors, the root first: the headings it sits under.
    pub ancestors: Vec<Heading>,
    /// Its nearest group (an ancestor that is not codable).
    pub group: Option<Heading>,
    /// The quotes, by participant then position.
    pub quotes: Vec<Quote>,
}

/// A quote table, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteTable {
    /// The title ("Illustrative quotes").
    pub title: String,
    /// The study's name.
    pub study: String,
    /// Whose codings, in words ("coder KW").
    pub source: String,
    /// The themes with quotes, in codebook order.
    pub themes: Vec<ThemeQuotes>,
    /// Passages left out because their theme is retired or not in the codebook.
    pub left_out: usize,
}

impl QuoteTable {
    /// Every quote with its theme, in table order.
    pub fn rows(&self) -> impl Iterator<Item = (&ThemeQuotes, &Quote)> {
        self.themes
            .iter()
            .flat_map(|t| t.quotes.iter().map(move |q| (t, q)))
    }

    /// The number of quotes.
    pub fn len(&self) -> usize {
        self.themes.iter().map(|t| t.quotes.len()).sum()
    }

    /// Whether there are no quotes.
    pub fn is_empty(&self) -> bool {
        self.themes.iter().all(|t| t.quotes.is_empty())
    }

    /// Each theme with the headings to open before it: its ancestors that are not already
    /// open from the theme before (the first of them at depth `.0`). A theme's own heading
    /// is at the depth of its number of ancestors.
    pub(crate) fn sections(&self) -> Vec<(usize, &[Heading], &ThemeQuotes)> {
        let mut open: Vec<&str> = Vec::new();
        let mut out = Vec::with_capacity(self.themes.len());
        for t in &self.themes {
            let shared = open
                .iter()
                .zip(&t.ancestors)
                .take_while(|(a, b)| **a == b.id)
                .count();
            out.push((shared, &t.ancestors[shared..], t));
            open = t.ancestors.iter().map(|a| a.id.as_str()).collect();
            open.push(&t.theme.id);
        }
        out
    }

    /// "Study X; coder KW; 24 quotes": a line for the top of a document.
    pub fn about(&self) -> String {
        format!("{}; {}; {} quote(s)", self.study, self.source, self.len())
    }
}

/// The quote table `options` ask for (see the [module documentation](self) for how
/// quotes are chosen and ordered), starred extracts first. With `trim`, the transcripts
/// quoted are parsed (in parallel); otherwise only codings, the codebook,
/// `participants.csv` and the star files (with the codings they name) are read.
pub fn quote_table(study: &Study, options: &QuoteOptions) -> Result<QuoteTable, StudyError> {
    let book = study.codebook()?;
    let participants = study.participants()?;
    // Each codings file is read once, for the quotes and for the stars alike.
    let stars = study.all_stars()?;
    let mut coders = options.coders.coders().to_vec();
    for s in &stars {
        if !coders.contains(&s.coder) {
            coders.push(s.coder.clone());
        }
    }
    let mut files: BTreeMap<String, Vec<thematic_study::Coding>> = study
        .codings_of_each(&coders)?
        .into_iter()
        .map(|f| (f.coder, f.codings))
        .collect();
    let starred = Starred::of_files(&stars, &files);
    let per_coder = options
        .coders
        .coders()
        .iter()
        .map(|c| (c.clone(), files.remove(c).unwrap_or_default()))
        .collect();
    let mut passages = crate::passages_of(&options.coders, per_coder);
    crate::attribute(&mut passages, &study.attribution()?);
    let transcripts = if options.trim {
        let ids: BTreeSet<&str> = passages.iter().map(|p| p.transcript.as_str()).collect();
        parse_some(study, &ids.into_iter().collect::<Vec<_>>())?
    } else {
        BTreeMap::new()
    };
    build(
        &study.config().name,
        &book,
        &participants,
        passages,
        options,
        &transcripts,
        &starred,
    )
}

/// Parses these transcripts in parallel; a missing one is left out of the map.
fn parse_some(study: &Study, ids: &[&str]) -> Result<BTreeMap<String, Transcript>, StudyError> {
    let options = study.parse_options();
    let results = parallel_map(ids, |id| -> Result<_, StudyError> {
        let Some(path) = study.transcript_file(id)? else {
            return Ok(None);
        };
        parse_file(&path, &options).map(Some)
    });
    let mut out = BTreeMap::new();
    for (id, r) in ids.iter().zip(results) {
        if let Some(t) = r? {
            out.insert(id.to_string(), t);
        }
    }
    Ok(out)
}

/// The quote table from passages (see [`quote_table`]). `transcripts` holds the
/// parsed transcripts `trim` needs; `starred` the extracts that come first.
pub fn build(
    study: &str,
    book: &Codebook,
    participants: &Participants,
    passages: Vec<Passage>,
    options: &QuoteOptions,
    transcripts: &BTreeMap<String, Transcript>,
    starred: &Starred,
) -> Result<QuoteTable, StudyError> {
    let current = book.current();
    let wanted: Option<BTreeSet<&str>> = (!options.themes.is_empty()).then(|| {
        options
            .themes
            .iter()
            .flat_map(|t| current.subtree(t))
            .map(|e| e.id.as_str())
            .collect()
    });
    let people: BTreeSet<&str> = options.participants.iter().map(String::as_str).collect();
    let attributes = Attributions::new(participants);
    let matches_attributes = |participant: &str| {
        options.attributes.iter().all(|(name, values)| {
            attributes
                .value(participant, name)
                .is_some_and(|v| values.iter().any(|w| w == v))
        })
    };
    let mut left_out = 0;
    let mut by_theme: BTreeMap<String, Vec<Quote>> = BTreeMap::new();
    for p in passages {
        if current.get(&p.theme).is_none() {
            left_out += 1;
            continue;
        }
        if wanted
            .as_ref()
            .is_some_and(|w| !w.contains(p.theme.as_str()))
            || (!people.is_empty() && !people.contains(p.participant.as_str()))
            || !matches_attributes(&p.participant)
        {
            continue;
        }
        let is_starred = starred.contains(&p);
        let (start, end, text) = if options.trim {
            trimmed(&p, transcripts)?
        } else {
            (p.start, p.end, p.text.clone())
        };
        let words = text.split_whitespace().count();
        if options.min_words.is_some_and(|m| words < m)
            || options.max_words.is_some_and(|m| words > m)
        {
            continue;
        }
        let attribution = attributes.of(&p.participant, &options.attribution);
        by_theme.entry(p.theme).or_default().push(Quote {
            participant: p.participant,
            transcript: p.transcript,
            turn: p.turn,
            start,
            end,
            text,
            words,
            attribution,
            coders: p.coders,
            starred: is_starred,
        });
    }
    let mut themes = Vec::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for e in current.tree_order() {
        let Some(mut quotes) = by_theme.remove(&e.id) else {
            continue;
        };
        if let Some(n) = options.per_theme {
            quotes = select::spread(quotes, n, &mut used);
        }
        let rank = natural_ranks(quotes.iter().map(|q| q.participant.as_str()));
        let in_rank = natural_ranks(quotes.iter().map(|q| q.transcript.as_str()));
        let mut keyed: Vec<(QuoteKey, Quote)> = quotes
            .into_iter()
            .map(|q| {
                let key = (
                    !q.starred,
                    rank[q.participant.as_str()],
                    in_rank[q.transcript.as_str()],
                    q.start,
                    q.end,
                );
                (key, q)
            })
            .collect();
        keyed.sort_by_key(|k| k.0);
        let quotes: Vec<Quote> = keyed.into_iter().map(|(.., q)| q).collect();
        if quotes.is_empty() {
            continue;
        }
        themes.push(ThemeQuotes::of(&current, e, quotes));
    }
    Ok(QuoteTable {
        title: "Illustrative quotes".into(),
        study: study.to_string(),
        source: options.coders.describe(),
        themes,
        left_out,
    })
}

/// Where a quote goes in its theme: not starred first, then participant's rank, transcript's
/// rank, start and end.
type QuoteKey = (bool, usize, usize, usize, usize);

/// What follows a quote, from `participants.csv`.
#[derive(Debug)]
pub struct Attributions<'a> {
    attributes: BTreeMap<&'a str, Vec<(&'a str, &'a str)>>,
}

impl<'a> Attributions<'a> {
    /// The attributions of the participants in `participants`.
    pub fn new(participants: &'a Participants) -> Attributions<'a> {
        let attributes = participants
            .rows
            .iter()
            .filter_map(|(id, _)| Some((id.as_str(), participants.get(id)?)))
            .collect();
        Attributions { attributes }
    }

    /// `participant`'s value of attribute `name`, if it has one.
    fn value(&self, participant: &str, name: &str) -> Option<&'a str> {
        self.attributes
            .get(participant)
            .and_then(|attrs| attrs.iter().find(|(n, _)| *n == name))
            .map(|(_, v)| *v)
    }

    /// The attribution of `participant`: the `fields` asked for, those without a value
    /// left out, joined with ", "; the participant's id when none has a value.
    pub fn of(&self, participant: &str, fields: &[String]) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for f in fields {
            if f == PARTICIPANT_FIELD {
                parts.push(participant);
            } else if let Some(v) = self.value(participant, f)
                && !v.is_empty()
            {
                parts.push(v);
            }
        }
        if parts.is_empty() {
            participant.to_string()
        } else {
            parts.join(", ")
        }
    }
}

impl ThemeQuotes {
    /// Entry `e` of `current` (the codebook without retired entries) with its headings,
    /// holding `quotes`.
    pub fn of(current: &Codebook, e: &thematic_codebook::Entry, quotes: Vec<Quote>) -> ThemeQuotes {
        let heading = |e: &thematic_codebook::Entry| Heading {
            id: e.id.clone(),
            label: e.label.clone(),
        };
        let mut ancestors: Vec<Heading> =
            current.ancestors(&e.id).into_iter().map(heading).collect();
        ancestors.reverse();
        ThemeQuotes {
            theme: heading(e),
            ancestors,
            group: current.group_of(&e.id).map(heading),
            quotes,
        }
    }
}

impl Quote {
    /// Passage `p` as an untrimmed quote with `attribution`.
    pub fn of(p: Passage, attribution: String) -> Quote {
        Quote {
            participant: p.participant,
            words: p.text.split_whitespace().count(),
            transcript: p.transcript,
            turn: p.turn,
            start: p.start,
            end: p.end,
            text: p.text,
            attribution,
            coders: p.coders,
            starred: false,
        }
    }
}

/// The passage cut back to whole sentences, with `…` marking cuts.
fn trimmed(
    p: &Passage,
    transcripts: &BTreeMap<String, Transcript>,
) -> Result<(usize, usize, String), StudyError> {
    let t = transcripts.get(&p.transcript).ok_or_else(|| {
        StudyError::Export(format!(
            "there is no transcript \"{}\" to trim a quote of \"{}\" against; run `thematic check`",
            p.transcript, p.theme
        ))
    })?;
    trim::trim(t, p).ok_or_else(|| {
        StudyError::Export(format!(
            "a coding of \"{}\" in {} at {}-{} no longer matches the transcript's words, so it \
             cannot be trimmed; run `thematic check`",
            p.theme, p.transcript, p.start, p.end
        ))
    })
}

#[cfg(test)]
mod tests;
