//! The theme board (phases 3 to 5 of reflexive thematic analysis): every code as a card
//! with its counts, the candidate themes as areas holding them, and the changes a
//! researcher makes while clustering codes into themes. Each change is one codebook edit
//! through the study's theme operations (validated, written atomically under the
//! codebook's lock, logged in `changelog.csv`), and a note sent with it goes to the coder's
//! reflexive journal. No change touches a coding: codes move, what was coded stays.
//!
//! | method and path | what |
//! | --- | --- |
//! | `GET /api/board?coders=` | everything the board draws, in one answer (see [`Board`]) |
//! | `POST /api/board/place` | `{code, theme, how: move/also/leave, note?}` |
//! | `POST /api/board/themes` | `{label, parent?, note?}`: a new candidate theme |
//! | `POST /api/board/themes/{id}/split` | `{label, codes, note?}` |
//! | `POST /api/board/themes/{id}/merge` | `{into, note?}` |
//! | `POST /api/board/themes/{id}/discard` | `{note?}` |
//! | `POST /api/board/themes/{id}/status` | `{defined, note?}` |
//!
//! The changes are in [`changes`]; the versions of the map (`/api/versions…`) in
//! [`versions`].
//!
//! The counts are of the acting coder's codings (the workspace is blind by default), or of
//! every coder's with `coders=all`; they come from the server's indexes of the codings
//! files and are kept until a codings file changes, so moving a code recomputes nothing
//! but the board's structure.

mod changes;
mod versions;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use thematic_codebook::{Codebook, Entry, MISC_ID, UNSORTED_ID};
use thematic_study::Study;

use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::state::{AppState, blocking};

/// The board's routes, and the versions'.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/board", get(board))
        .route("/api/board/place", post(changes::place))
        .route("/api/board/themes", post(changes::create))
        .route("/api/board/themes/{id}/split", post(changes::split))
        .route("/api/board/themes/{id}/merge", post(changes::merge))
        .route("/api/board/themes/{id}/discard", post(changes::discard))
        .route("/api/board/themes/{id}/status", post(changes::status))
        .merge(versions::routes())
}

// ---------- what the board draws ----------

/// One code as a card.
#[derive(Debug, Serialize)]
pub(crate) struct Card {
    id: String,
    label: String,
    colour: Option<String>,
    /// Its parent in the codebook: a theme, a code, or `None` at the top level.
    parent: Option<String>,
    /// The area it is drawn in: its nearest ancestor that is a theme; `None` for the
    /// "Unsorted" pile (a code under the `unsorted` group, or at the top level).
    home: Option<String>,
    /// The other current themes it also sits in.
    also_in: Vec<String>,
    /// It sits in more than one theme: to be resolved before those themes are defined.
    shared: bool,
    /// Its codings (not those of codes under it, which have cards of their own).
    extracts: usize,
    /// Distinct participants of those codings (a transcript is one participant unless
    /// `participants.csv` names its speakers, as for a focus group).
    participants: usize,
}

/// One candidate theme (or sub-theme) as an area.
#[derive(Debug, Serialize)]
pub(crate) struct Area {
    id: String,
    label: String,
    /// The longer title, if it has one.
    title: Option<String>,
    colour: Option<String>,
    /// Its parent in the codebook (`None` at the top level).
    parent: Option<String>,
    /// The area it is drawn in (its nearest ancestor that is a theme); `None` at the top.
    within: Option<String>,
    /// How many areas it is drawn within.
    depth: usize,
    /// Defined and named (phase 5), else a candidate.
    defined: bool,
    /// The theme it was split from.
    split_from: Option<String>,
    /// The "Miscellaneous" theme, where a discarded theme's codes go.
    misc: bool,
    /// The cards drawn in it: the codes whose home it is, in tree order, then the codes
    /// that also sit in it.
    cards: Vec<String>,
    /// Distinct codes in it and in its sub-themes.
    codes: usize,
    /// Their codings.
    extracts: usize,
    /// Distinct participants of those codings.
    participants: usize,
    /// The codes in it or its sub-themes that sit in another theme too.
    shared: Vec<String>,
}

/// Counts over the whole board.
#[derive(Debug, Serialize)]
pub(crate) struct Totals {
    codes: usize,
    /// Codes in the "Unsorted" pile.
    unsorted: usize,
    /// Candidate and defined themes (sub-themes included).
    themes: usize,
    defined: usize,
    /// Codes in more than one theme.
    shared: usize,
}

/// `GET /api/board`: the whole board in one answer.
#[derive(Debug, Serialize)]
pub(crate) struct Board {
    /// The acting coder.
    coder: String,
    /// Whether the counts are every coder's (`coders=all`).
    everyone: bool,
    /// Whose codings were counted.
    counted: Vec<String>,
    /// Where a code dropped on the "Unsorted" pile goes: the `unsorted` group when the
    /// codebook has it, else the top level (`null`).
    pile: Option<String>,
    /// The cards of the "Unsorted" pile.
    pile_cards: Vec<String>,
    /// Whether "Miscellaneous" exists (it is made on the first drop, or a discard).
    misc: bool,
    /// The areas, in tree order.
    areas: Vec<Area>,
    /// Every current code, in tree order.
    cards: Vec<Card>,
    totals: Totals,
}

/// `?coders=all` for every coder's counts; left out: the acting coder's.
#[derive(Debug, Deserialize)]
pub(crate) struct BoardQuery {
    coders: Option<String>,
}

/// The coders whose codings a view counts: `all` (every coder but the suggestions) or,
/// left out, the acting coder alone.
pub(crate) fn whose(
    state: &AppState,
    study: &Study,
    asked: Option<&str>,
) -> ApiResult<Vec<String>> {
    match asked {
        Some("all") => Ok(study
            .coders()?
            .into_iter()
            .filter(|c| c != thematic_study::SUGGESTION_CODER)
            .collect()),
        None | Some("") => Ok(vec![state.coder.clone()]),
        Some(other) => Err(ApiError::bad_request(format!(
            "coders is \"all\" or left out (your own codings), not \"{other}\""
        ))),
    }
}

/// One code's own use: its codings and the participants (numbered) who speak in them.
#[derive(Debug, Default)]
struct Use {
    extracts: usize,
    participants: Vec<u32>,
}

/// Every code's use by some coders, and how many participants were numbered.
#[derive(Debug, Default)]
struct Uses {
    by_code: BTreeMap<String, Use>,
    participants: usize,
}

/// The codes' use by `coders`, from the server's indexes of their codings files, kept
/// until one of those files changes (a codebook edit does not change it).
fn uses(state: &AppState, study: &Study, coders: &[String]) -> ApiResult<Arc<Uses>> {
    let index = coders
        .iter()
        .map(|c| state.model.coder(study, c))
        .collect::<Result<Vec<_>, _>>()?;
    // participants.csv says who a focus group's speakers are: a change to it changes the
    // participant counts.
    let key = index
        .iter()
        .map(|i| format!("{}={:?}", i.coder, i.stamp()))
        .chain([format!(
            "{:?}",
            thematic_study::file_stamp(&study.participants_path())
        )])
        .collect::<Vec<_>>()
        .join(";");
    state.model.memoized("board", &key, || {
        let attribution = study.attribution()?;
        let mut numbers: HashMap<&str, u32> = HashMap::new();
        let mut uses = Uses::default();
        for i in &index {
            for (participant, theme, n) in crate::model::participant_tallies(i, &attribution)? {
                if n == 0 {
                    continue;
                }
                let next = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
                let t = *numbers.entry(participant).or_insert(next);
                let u = uses.by_code.entry(theme.into_owned()).or_default();
                u.extracts += n;
                u.participants.push(t);
            }
        }
        for u in uses.by_code.values_mut() {
            u.participants.sort_unstable();
            u.participants.dedup();
        }
        uses.participants = numbers.len();
        Ok(uses)
    })
}

/// A set of participants, one bit each.
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn add(&mut self, numbers: &[u32]) {
        for &t in numbers {
            let t = t as usize;
            if let Some(w) = self.0.get_mut(t / 64) {
                *w |= 1 << (t % 64);
            }
        }
    }

    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// Lays the current codebook out as the board draws it.
fn layout(book: &Codebook, uses: &Uses) -> (Vec<Area>, Vec<Card>, Vec<String>) {
    let by_id: HashMap<&str, &Entry> = book.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let is_area = |e: &Entry| !e.codable && e.id != UNSORTED_ID;
    // The nearest ancestor that is a theme (`None`: the pile or the top level). The walk
    // is bounded, so a cycle a hand edit left could not hang it (validation refuses them).
    let home_of = |e: &Entry| -> Option<&str> {
        let mut cur = e.parent.as_deref();
        for _ in 0..book.entries.len() {
            let p = by_id.get(cur?)?;
            if p.id == UNSORTED_ID {
                return None;
            }
            if is_area(p) {
                return Some(p.id.as_str());
            }
            cur = p.parent.as_deref();
        }
        None
    };
    // Tree order, with the children found once rather than by a scan per entry.
    let mut kids: HashMap<&str, Vec<&Entry>> = HashMap::new();
    let mut roots = Vec::new();
    for e in &book.entries {
        match e.parent.as_deref() {
            Some(p) if by_id.contains_key(p) => kids.entry(p).or_default().push(e),
            _ => roots.push(e),
        }
    }
    let mut order: Vec<&Entry> = Vec::with_capacity(book.entries.len());
    let mut stack: Vec<&Entry> = roots.into_iter().rev().collect();
    while let Some(e) = stack.pop() {
        if order.len() > book.entries.len() {
            break;
        }
        order.push(e);
        if let Some(k) = kids.get(e.id.as_str()) {
            stack.extend(k.iter().rev());
        }
    }
    let area_ids: HashMap<&str, usize> = order
        .iter()
        .filter(|e| is_area(e))
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut areas: Vec<Area> = Vec::with_capacity(area_ids.len());
    let mut cards: Vec<Card> = Vec::new();
    let mut pile = Vec::new();
    for e in &order {
        if is_area(e) {
            let within = home_of(e).map(str::to_string);
            let depth = within
                .as_deref()
                .and_then(|w| area_ids.get(w))
                .map_or(0, |&i| areas.get(i).map_or(0, |a: &Area| a.depth + 1));
            areas.push(Area {
                id: e.id.clone(),
                label: e.label.clone(),
                title: e.title.clone(),
                colour: e.colour.clone(),
                parent: e.parent.clone(),
                within,
                depth,
                defined: e.defined,
                split_from: e.split_from.clone(),
                misc: e.id == MISC_ID,
                cards: Vec::new(),
                codes: 0,
                extracts: 0,
                participants: 0,
                shared: Vec::new(),
            });
        } else if e.codable {
            let also_in: Vec<String> = e
                .also_in
                .iter()
                .filter(|a| area_ids.contains_key(a.as_str()))
                .cloned()
                .collect();
            let u = uses.by_code.get(&e.id);
            cards.push(Card {
                id: e.id.clone(),
                label: e.label.clone(),
                colour: e.colour.clone(),
                parent: e.parent.clone(),
                home: home_of(e).map(str::to_string),
                shared: !also_in.is_empty(),
                also_in,
                extracts: u.map_or(0, |u| u.extracts),
                participants: u.map_or(0, |u| u.participants.len()),
            });
        }
    }
    // Each area's cards, and the codes in it or below it (a code counted once per area).
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); areas.len()];
    for (ci, c) in cards.iter().enumerate() {
        match c.home.as_deref().and_then(|h| area_ids.get(h)) {
            Some(&ai) => {
                areas[ai].cards.push(c.id.clone());
                members[ai].push(ci);
            }
            None => pile.push(c.id.clone()),
        }
    }
    for (ci, c) in cards.iter().enumerate() {
        for a in &c.also_in {
            if let Some(&ai) = area_ids.get(a.as_str())
                && c.home.as_deref() != Some(a.as_str())
            {
                areas[ai].cards.push(c.id.clone());
                members[ai].push(ci);
            }
        }
    }
    // Sub-themes come after their theme in tree order: fold each into the one it is
    // drawn within, deepest first.
    for ai in (0..areas.len()).rev() {
        let mut mine = std::mem::take(&mut members[ai]);
        mine.sort_unstable();
        mine.dedup();
        let mut bits = Bits::new(uses.participants);
        let mut extracts = 0;
        let mut shared = Vec::new();
        for &ci in &mine {
            let c = &cards[ci];
            extracts += c.extracts;
            if let Some(u) = uses.by_code.get(&c.id) {
                bits.add(&u.participants);
            }
            if c.shared {
                shared.push(c.id.clone());
            }
        }
        let a = &mut areas[ai];
        a.codes = mine.len();
        a.extracts = extracts;
        a.participants = bits.count();
        a.shared = shared;
        if let Some(&up) = a.within.as_deref().and_then(|w| area_ids.get(w)) {
            members[up].extend_from_slice(&mine);
        }
        members[ai] = mine;
    }
    (areas, cards, pile)
}

/// `GET /api/board?coders=`: see [`Board`].
pub(crate) async fn board(
    State(state): State<Arc<AppState>>,
    Params(q): Params<BoardQuery>,
) -> ApiResult<Json<Board>> {
    blocking(move || {
        let study = state.study()?;
        let counted = whose(&state, &study, q.coders.as_deref())?;
        let uses = uses(&state, &study, &counted)?;
        let book = study.codebook()?.current();
        let (areas, cards, pile_cards) = layout(&book, &uses);
        let totals = Totals {
            codes: cards.len(),
            unsorted: pile_cards.len(),
            themes: areas.len(),
            defined: areas.iter().filter(|a| a.defined).count(),
            shared: cards.iter().filter(|c| c.shared).count(),
        };
        Ok(Json(Board {
            coder: state.coder.clone(),
            everyone: q.coders.as_deref() == Some("all"),
            counted,
            pile: book.get(UNSORTED_ID).map(|e| e.id.clone()),
            pile_cards,
            misc: book.get(MISC_ID).is_some(),
            areas,
            cards,
            totals,
        }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(entries: &str) -> Codebook {
        Codebook::from_toml(
            &format!("format_version = 1\nname = \"t\"\n{entries}"),
            "t.toml",
        )
        .unwrap()
    }

    #[test]
    fn the_layout_nests_areas_folds_counts_and_draws_a_shared_code_twice() {
        let b = book(
            r#"
[[theme]]
id = "unsorted"
label = "Unsorted"
codable = false
[[theme]]
id = "loose"
label = "Loose"
parent = "unsorted"
[[theme]]
id = "talk"
label = "Talk"
codable = false
[[theme]]
id = "asking"
label = "Asking"
parent = "talk"
[[theme]]
id = "listening"
label = "Listening"
parent = "talk"
also_in = ["doing"]
[[theme]]
id = "hearing"
label = "Hearing"
parent = "talk"
codable = false
[[theme]]
id = "nodding"
label = "Nodding"
parent = "hearing"
[[theme]]
id = "doing"
label = "Doing"
codable = false
[[theme]]
id = "goals"
label = "Goals"
"#,
        );
        let mut uses = Uses {
            participants: 3,
            ..Uses::default()
        };
        // asking: 2 codings in transcripts 0 and 1; listening: 3 in 1 and 2; nodding: 1 in 0.
        for (code, n, ts) in [
            ("asking", 2, vec![0, 1]),
            ("listening", 3, vec![1, 2]),
            ("nodding", 1, vec![0]),
        ] {
            uses.by_code.insert(
                code.into(),
                Use {
                    extracts: n,
                    participants: ts,
                },
            );
        }
        let (areas, cards, pile) = layout(&b, &uses);
        let ids: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["talk", "hearing", "doing"]);
        assert_eq!(pile, ["loose", "goals"]);
        let talk = &areas[0];
        assert_eq!(talk.cards, ["asking", "listening"]);
        // Its own two codes and the sub-theme's one: 2 + 3 + 1 extracts, transcripts {0,1,2}.
        assert_eq!((talk.codes, talk.extracts, talk.participants), (3, 6, 3));
        assert_eq!(talk.shared, ["listening"]);
        let hearing = &areas[1];
        assert_eq!(
            (hearing.within.as_deref(), hearing.depth),
            (Some("talk"), 1)
        );
        assert_eq!(
            (hearing.codes, hearing.extracts, hearing.participants),
            (1, 1, 1)
        );
        // "Listening" is drawn in "Doing" too, and counted there.
        let doing = &areas[2];
        assert_eq!(doing.cards, ["listening"]);
        assert_eq!((doing.codes, doing.extracts, doing.participants), (1, 3, 2));
        let listening = cards.iter().find(|c| c.id == "listening").unwrap();
        assert_eq!(
            (listening.home.as_deref(), listening.shared),
            (Some("talk"), true)
        );
        assert_eq!(cards.iter().find(|c| c.id == "loose").unwrap().home, None);
    }
}
