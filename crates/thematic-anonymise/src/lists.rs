//! The shipped word lists (see `data/README.md` for their sources and licences), loaded
//! once into sets of lower-case words, and the matcher over place names.

use std::sync::OnceLock;

use crate::fxhash::{FxHashMap, FxHashSet};
use crate::matcher::fold_term;
use crate::tokens::{Folds, tokenize};

const FIRST_NAMES: &str = include_str!("../data/first_names.txt");
const SURNAMES: &str = include_str!("../data/surnames.txt");
const PLACES_UK: &str = include_str!("../data/places_uk.txt");
const PLACES_US: &str = include_str!("../data/places_us.txt");
const COMMON_WORDS: &str = include_str!("../data/common_words.txt");
const ENGLISH_WORDS: &str = include_str!("../data/english_words.txt");

/// The lists, built on first use.
#[derive(Debug)]
pub(crate) struct Lists {
    pub first_names: FxHashSet<String>,
    pub surnames: FxHashSet<String>,
    pub common: FxHashSet<String>,
    /// Ordinary English words (SCOWL), lower case: a name guess made only of them is not
    /// a guess.
    pub english: FxHashSet<String>,
    pub places: Vec<String>,
    /// Each place's words and the gaps between them, under its first word (folded),
    /// longest first.
    pub places_by_first_word: FxHashMap<String, Vec<PlaceName>>,
}

/// A place name as the scan compares it with a text's words.
#[derive(Debug)]
pub(crate) struct PlaceName {
    /// The words, folded.
    pub words: Vec<String>,
    /// The text between each word and the next, white space squeezed.
    pub gaps: Vec<String>,
}

fn index_places(places: &[String]) -> FxHashMap<String, Vec<PlaceName>> {
    let mut index: FxHashMap<String, Vec<PlaceName>> = FxHashMap::default();
    for place in places {
        let words = tokenize(place);
        if words.is_empty() {
            continue;
        }
        let folds = Folds::new(&words);
        let name = PlaceName {
            words: (0..words.len()).map(|i| folds.get(i).to_owned()).collect(),
            gaps: words
                .windows(2)
                .map(|w| crate::words::squeeze(&place[w[0].end..w[1].start]))
                .collect(),
        };
        // Longest first; names of one length in file order.
        let list = index.entry(name.words[0].clone()).or_default();
        let at = list.partition_point(|p| p.words.len() >= name.words.len());
        list.insert(at, name);
    }
    index
}

/// The entries of a list file: one per line, `#` starts a comment line.
fn entries(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

pub(crate) fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let set = |text| entries(text).map(fold_term).collect::<FxHashSet<_>>();
        let common = set(COMMON_WORDS);
        let places: Vec<String> = entries(PLACES_UK)
            .chain(entries(PLACES_US))
            .map(str::to_owned)
            .collect();
        Lists {
            first_names: set(FIRST_NAMES),
            surnames: set(SURNAMES),
            places_by_first_word: index_places(&places),
            places,
            common,
            english: entries(ENGLISH_WORDS).map(str::to_owned).collect(),
        }
    })
}

/// Whether `word` is a common word that is capitalised for other reasons than being a
/// name (`Monday`, `God`, `English`, `Mum`, `Okay`), or a function word.
pub(crate) fn is_common_word(word: &str) -> bool {
    is_common_folded(lists(), &fold_term(word))
}

/// [`is_common_word`] of a folded word, a plural (`Sundays`) counting as its singular.
pub(crate) fn is_common_folded(lists: &Lists, folded: &str) -> bool {
    lists.common.contains(folded)
        || folded
            .strip_suffix('s')
            .is_some_and(|stem| stem.len() > 2 && lists.common.contains(stem))
}

/// The sizes of the shipped lists: first names, surnames, places.
pub fn shipped_list_sizes() -> (usize, usize, usize) {
    let l = lists();
    (l.first_names.len(), l.surnames.len(), l.places.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_load_and_hold_what_they_should() {
        let l = lists();
        assert!(l.first_names.contains("margaret"));
        assert!(l.surnames.contains("smith"));
        assert!(l.places.iter().any(|p| p == "Leeds"));
        let newcastle = &l.places_by_first_word["newcastle"];
        assert_eq!(newcastle[0].words, ["newcastle", "upon", "tyne"]);
        assert_eq!(newcastle.last().map(|p| p.words.len()), Some(1));
        assert!(is_common_word("Monday"));
        assert!(is_common_word("Sundays"));
        assert!(!is_common_word("Ross")); // "ros" is not a common word
        assert!(!is_common_word("Margaret"));
    }
}
