//! Names and places found from the words of a text: a capitalised word after a title
//! ("Dr Okafor"), after a relation ("my husband, Tom"), after "called"; capitalised words
//! on the shipped first-name, surname and place lists; and other capitalised words in
//! mid-sentence, as guesses.
//!
//! A capitalised word at the start of a sentence says little, so there a word on a list
//! counts only when the text never uses it in lower case ("Will you…" next to "I will"
//! is not a name). Common words that are capitalised for other reasons (days, months,
//! nationalities, `Mum`) are never names on their own.

use crate::context::{Candidate, ScanContext};
use crate::fxhash::FxHashSet;
use crate::kind::{Kind, Rule};
use crate::lists::{Lists, is_common_folded, lists};
use crate::tokens::{Folds, Word, in_address, tokenize};

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "doctor",
    "sir",
    "dame",
    "lady",
    "lord",
    "rev",
    "revd",
    "reverend",
    "father",
    "sister",
    "nurse",
    "auntie",
    "aunty",
    "aunt",
    "uncle",
    "nan",
    "nanna",
    "grandma",
    "grandad",
    "cllr",
    "councillor",
    "pastor",
    "imam",
    "rabbi",
];

const RELATIONS: &[&str] = &[
    "husband",
    "wife",
    "son",
    "daughter",
    "mum",
    "mam",
    "mom",
    "mother",
    "dad",
    "father",
    "brother",
    "sister",
    "partner",
    "friend",
    "boyfriend",
    "girlfriend",
    "grandson",
    "granddaughter",
    "nephew",
    "niece",
    "cousin",
    "neighbour",
    "neighbor",
    "colleague",
    "boss",
    "manager",
    "carer",
    "aunt",
    "auntie",
    "uncle",
    "nan",
    "gran",
    "grandma",
    "grandad",
    "grandpa",
    "grandmother",
    "grandfather",
    "fiancé",
    "fiance",
    "fiancée",
    "fiancee",
    "stepson",
    "stepdaughter",
    "stepdad",
    "stepmum",
    "child",
    "kid",
    "baby",
    "grandchild",
    "gp",
    "doctor",
    "consultant",
    "nurse",
    "worker",
    "therapist",
    "counsellor",
    "counselor",
    "mate",
    "pal",
    "teacher",
    "vicar",
    "priest",
    "landlord",
    "landlady",
    "ex",
    "sibling",
    "twin",
    "bloke",
    "lad",
    "lass",
    "love",
];

const POSSESSIVES: &[&str] = &["my", "his", "her", "our", "their", "your", "me"];

const RELATION_ADJECTIVES: &[&str] = &[
    "little", "older", "younger", "eldest", "oldest", "youngest", "best", "late", "new", "old",
    "big", "baby", "twin", "step", "other", "dear", "lovely", "own", "good", "first", "second",
    "ex", "social", "link", "support", "key", "care",
];

const CALLED: &[&str] = &["called", "named", "nicknamed", "christened"];

const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "at", "from", "to", "near", "around", "outside", "into", "towards", "via", "visit",
    "visiting", "moved", "live", "lived", "lives", "living", "of", "round",
];

const CONNECTORS: &[&str] = &[
    "of", "for", "and", "the", "on", "upon", "le", "de", "under", "&",
];

const ORGANISATION_ENDINGS: &[&str] = &[
    "hospital",
    "infirmary",
    "surgery",
    "practice",
    "clinic",
    "school",
    "academy",
    "college",
    "university",
    "council",
    "trust",
    "centre",
    "center",
    "church",
    "chapel",
    "mosque",
    "temple",
    "club",
    "society",
    "ltd",
    "limited",
    "plc",
    "group",
    "foundation",
    "association",
    "bank",
    "partnership",
    "services",
    "service",
    "charity",
    "nursery",
    "library",
    "hospice",
    "pharmacy",
    "ward",
    "unit",
    "team",
    "board",
    "institute",
    "company",
    "inc",
    "network",
    "project",
    "alliance",
    "union",
];

const PLACE_ENDINGS: &[&str] = &[
    "road", "street", "lane", "avenue", "close", "drive", "way", "crescent", "terrace", "place",
    "square", "grove", "gardens", "court", "park", "estate", "green", "hill", "village", "town",
    "city", "county", "borough", "heights", "rise", "walk", "row", "mews", "parade", "bridge",
];

/// Adds the names and places found from the words of `text` to `out`.
pub(crate) fn find(text: &str, ctx: &ScanContext, out: &mut Vec<Candidate>) {
    let use_lists = ctx.uses_shipped_lists();
    let words = tokenize(text);
    if words.is_empty() {
        return;
    }
    let addresses = crate::context::has_address(text);
    let lower: FxHashSet<&str> = words
        .iter()
        .filter(|w| {
            w.text.starts_with(|c: char| c.is_lowercase())
                && !w.text.chars().any(char::is_uppercase)
        })
        .filter(|w| !addresses || !in_address(text, w))
        .map(|w| w.text)
        .collect();
    let lists = lists();
    let folded = Folds::new(&words);
    let is = |i: usize, set: &[&str]| set.contains(&folded.get(i));
    let common = |i: usize| is_common_folded(lists, folded.get(i));
    // An ordinary English word ("Kindness.", "Whereas", "Self-referrals"): not a name
    // guess when it opens a sentence.
    let english = |i: usize| {
        let w = folded.get(i);
        lists.english.contains(w)
            || (w.contains('-')
                && w.split('-')
                    .all(|part| lists.english.contains(part) || is_common_folded(lists, part)))
    };
    let used_lower = |i: usize| lower.contains(folded.get(i)) || ctx.in_vocabulary(folded.get(i));
    // Only spaces (and, with `comma`, one comma) between words i and i + 1.
    let joined = |i: usize, comma: bool| {
        i + 1 < words.len()
            && text[words[i].end..words[i + 1].start]
                .chars()
                .all(|c| c == ' ' || (comma && c == ','))
            && words[i + 1].start > words[i].end
    };
    // A possible name at word i: capitalised and not a common word.
    let nameish = |i: usize| words[i].cap && !common(i);
    let mut claimed = vec![false; words.len()];
    let push = |out: &mut Vec<Candidate>,
                claimed: &mut [bool],
                from: usize,
                to: usize,
                kind: Kind,
                rule: Rule| {
        out.push(Candidate {
            start: words[from].cp_start,
            end: words[to].cp_end,
            term: text[words[from].start..words[to].end].to_owned(),
            kind,
            rule,
        });
        for c in &mut claimed[from..=to] {
            *c = true;
        }
    };
    // A name of one or two words starting at i.
    let name_end = |i: usize| {
        if joined(i, false) && nameish(i + 1) && !words[i + 1].sentence_start {
            i + 1
        } else {
            i
        }
    };

    for i in 0..words.len() {
        if !nameish(i) {
            continue;
        }
        // Cues: a title right before ("Dr Okafor", "Mrs. Hughes").
        if i > 0 && words[i - 1].cap && is(i - 1, TITLES) && {
            let gap = &text[words[i - 1].end..words[i].start];
            gap.trim_start_matches('.').chars().all(|c| c == ' ') && !gap.is_empty()
        } {
            let end = name_end(i);
            push(out, &mut claimed, i, end, Kind::Name, Rule::TitleBeforeName);
            continue;
        }
        // "my husband Tom", "her GP, Sarah", "my little sister Amy".
        if i > 0 && is(i - 1, RELATIONS) && joined(i - 1, true) {
            let mut j = i - 1;
            while j > 0 && is(j - 1, RELATION_ADJECTIVES) {
                j -= 1;
            }
            if j > 0 && is(j - 1, POSSESSIVES) {
                let end = name_end(i);
                push(
                    out,
                    &mut claimed,
                    i,
                    end,
                    Kind::Name,
                    Rule::RelationBeforeName,
                );
                continue;
            }
        }
        // "a lad called Jamie", "my name is Amir", "known as Bex".
        let called = i > 0
            && (is(i - 1, CALLED)
                || (i > 1 && folded.get(i - 1) == "is" && folded.get(i - 2) == "name")
                || (i > 1 && folded.get(i - 1) == "as" && folded.get(i - 2) == "known")
                || folded.get(i - 1) == "name's");
        if called && !words[i].sentence_start {
            let end = name_end(i);
            push(out, &mut claimed, i, end, Kind::Name, Rule::CalledName);
        }
    }

    if use_lists {
        find_places(
            text,
            &words,
            &folded,
            lists,
            &|f: &str| lower.contains(f) || ctx.in_vocabulary(f),
            &mut claimed,
            out,
        );
        for i in 0..words.len() {
            if claimed[i] || !nameish(i) || (words[i].sentence_start && used_lower(i)) {
                continue;
            }
            let first = lists.first_names.contains(folded.get(i));
            let last = lists.surnames.contains(folded.get(i));
            if first {
                // "Tom Baker": a following capitalised word is the surname.
                let end = if joined(i, false)
                    && nameish(i + 1)
                    && !claimed[i + 1]
                    && (lists.surnames.contains(folded.get(i + 1)) || !used_lower(i + 1))
                {
                    i + 1
                } else {
                    i
                };
                push(out, &mut claimed, i, end, Kind::Name, Rule::FirstNameList);
            } else if last && (!words[i].sentence_start || !used_lower(i)) {
                push(out, &mut claimed, i, i, Kind::Name, Rule::SurnameList);
            }
        }
    }

    // Guesses: runs of capitalised words in mid-sentence that nothing else claimed.
    let mut i = 0;
    while i < words.len() {
        if claimed[i] || !words[i].cap || words[i].sentence_start && (common(i) || used_lower(i)) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut j = i;
        while j + 1 < words.len() {
            if joined(j, false) && (words[j + 1].cap || words[j + 1].acronym) && !claimed[j + 1] {
                j += 1;
                end = j;
            } else if joined(j, false)
                && is(j + 1, CONNECTORS)
                && j + 2 < words.len()
                && joined(j + 1, false)
                && words[j + 2].cap
                && !claimed[j + 2]
                && !common(j + 2)
                && !used_lower(j + 2)
            {
                j += 2;
                end = j;
            } else {
                break;
            }
        }
        i = end + 1;
        // Drop a sentence-opening word from the run ("The Royal Infirmary").
        let start =
            if words[start].sentence_start && (common(start) || used_lower(start)) && start < end {
                start + 1
            } else {
                start
            };
        let run = start..=end;
        let last = folded.get(end);
        let kind = if ORGANISATION_ENDINGS.contains(&last)
            || (run.clone().any(|k| words[k].acronym) && !PLACE_ENDINGS.contains(&last))
        {
            Kind::Organisation
        } else if PLACE_ENDINGS.contains(&last) {
            Kind::Place
        } else {
            Kind::Name
        };
        let distinctive = run
            .clone()
            .filter(|&k| {
                words[k].cap && !common(k) && !used_lower(k) && words[k].text.chars().count() >= 3
            })
            .count();
        if distinctive == 0 {
            continue;
        }
        if kind == Kind::Name {
            // A name guess: every word distinctive, and not at a sentence start unless the
            // study's vocabulary is large enough to say the word is never written in lower
            // case ("Siobhan said…" in a study where "then", "well" are all seen).
            if (words[start].sentence_start && !ctx.judges_sentence_starts())
                || run.clone().any(|k| {
                    !words[k].cap
                        || common(k)
                        || used_lower(k)
                        || words[k].text.chars().count() < 3
                })
                // Opening a sentence or a turn, an English word is capitalised because it
                // opens ("Kindness.", "Whereas if…"); in mid-sentence a capital still says
                // something ("to Moss Side").
                || (words[start].sentence_start && run.clone().all(&english))
            {
                continue;
            }
        } else if end == start {
            continue; // "Road" alone says nothing
        }
        push(out, &mut claimed, start, end, kind, Rule::CapitalisedGuess);
    }
}

/// Places on the shipped list, written with capitals. A one-word place that is also a
/// first name or surname ("Charlotte", "Lincoln") counts only after "in", "at", "from", …;
/// one at a sentence start only if the text never uses the word in lower case ("Reading
/// is…"). Places are looked up by their first word, so the text is read once.
fn find_places(
    text: &str,
    words: &[Word<'_>],
    folded: &Folds,
    lists: &Lists,
    used_lower: &dyn Fn(&str) -> bool,
    claimed: &mut [bool],
    out: &mut Vec<Candidate>,
) {
    let mut i = 0;
    while i < words.len() {
        if claimed[i] || !words[i].cap {
            i += 1;
            continue;
        }
        let Some(places) = lists.places_by_first_word.get(folded.get(i)) else {
            i += 1;
            continue;
        };
        // The longest place that the words from i spell, with the same gaps.
        let matched = places.iter().find_map(|place| {
            let n = place.words.len();
            if i + n > words.len() {
                return None;
            }
            let same = (0..n).all(|k| {
                folded.get(i + k) == place.words[k]
                    && (k == 0
                        || same_gap(
                            &text[words[i + k - 1].end..words[i + k].start],
                            &place.gaps[k - 1],
                        ))
                    && (k == 0 || words[i + k].cap || CONNECTORS.contains(&place.words[k].as_str()))
                    && !claimed[i + k]
            });
            same.then_some(n)
        });
        let Some(n) = matched else {
            i += 1;
            continue;
        };
        if n == 1 {
            let f = folded.get(i);
            let after_preposition = i > 0 && PLACE_PREPOSITIONS.contains(&folded.get(i - 1));
            if is_common_folded(lists, f)
                || (words[i].sentence_start && used_lower(f))
                || ((lists.first_names.contains(f) || lists.surnames.contains(f))
                    && !after_preposition)
            {
                i += 1;
                continue;
            }
        }
        let last = i + n - 1;
        out.push(Candidate {
            start: words[i].cp_start,
            end: words[last].cp_end,
            term: text[words[i].start..words[last].end].to_owned(),
            kind: Kind::Place,
            rule: Rule::PlaceList,
        });
        for c in &mut claimed[i..=last] {
            *c = true;
        }
        i = last + 1;
    }
}

/// Whether the text between two words is the gap a place name has there (a run of white
/// space counts as one space).
fn same_gap(text_gap: &str, place_gap: &str) -> bool {
    squeeze(text_gap) == squeeze(place_gap)
}

/// White space runs as one space.
pub(crate) fn squeeze(gap: &str) -> String {
    let mut out = String::with_capacity(gap.len());
    for c in gap.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Kind, Rule)> {
        let mut out = Vec::new();
        find(text, &ScanContext::new(), &mut out);
        let out = crate::scan::resolve(out);
        out.into_iter().map(|c| (c.term, c.kind, c.rule)).collect()
    }

    fn terms(text: &str) -> Vec<String> {
        found(text).into_iter().map(|(t, _, _)| t).collect()
    }

    #[test]
    fn titles_relations_and_called_are_cues() {
        assert_eq!(
            found("we saw Dr Okafor there"),
            [("Okafor".into(), Kind::Name, Rule::TitleBeforeName)]
        );
        assert_eq!(
            terms("and Mrs. Wainwright-Hughes said"),
            ["Wainwright-Hughes"]
        );
        assert_eq!(
            found("and my husband, Tomasz, said"),
            [("Tomasz".into(), Kind::Name, Rule::RelationBeforeName)]
        );
        assert_eq!(
            terms("then my little sister Amy Brookes came"),
            ["Amy Brookes"]
        );
        assert_eq!(
            found("a lad called Jaxon"),
            [("Jaxon".into(), Kind::Name, Rule::CalledName)]
        );
        // No possessive: "the husband" is not a cue; "Bob" is still on the name list.
        assert_eq!(
            found("the husband Bob"),
            [("Bob".into(), Kind::Name, Rule::FirstNameList)]
        );
    }

    #[test]
    fn a_sentence_start_counts_only_when_the_word_is_never_lower_case() {
        // "Will" opens a question and "will" is used: not a name. "Sarah" opens a sentence
        // and is never lower case: a name.
        assert!(terms("Will you come? I will.").is_empty());
        assert_eq!(terms("Sarah came. I will."), ["Sarah"]);
        // In mid-sentence a capital is a name even when the word is also used lower case.
        assert_eq!(terms("I told Will that it will rain"), ["Will"]);
    }

    #[test]
    fn places_on_the_list() {
        assert_eq!(
            found("we moved to Leeds in 1990"),
            [("Leeds".into(), Kind::Place, Rule::PlaceList)]
        );
        assert_eq!(terms("a flat in Milton Keynes"), ["Milton Keynes"]);
        assert!(terms("the leeds").is_empty()); // not written with a capital
    }

    #[test]
    fn capitalised_runs_are_guesses_with_a_kind_from_their_last_word() {
        assert_eq!(
            found("she went to the Wythenshawe Infirmary on Thursday"),
            [(
                "Wythenshawe Infirmary".into(),
                Kind::Organisation,
                Rule::CapitalisedGuess
            )]
        );
        assert_eq!(
            found("lived on Acacia Avenue for years"),
            [("Acacia Avenue".into(), Kind::Place, Rule::CapitalisedGuess)]
        );
        assert_eq!(
            found("met Zebedee there"),
            [("Zebedee".into(), Kind::Name, Rule::CapitalisedGuess)]
        );
        // Common words, months and acronyms are not guesses.
        assert!(terms("on Monday the NHS and my GP said OK, in March.").is_empty());
        // An acronym carries a run on and makes it an organisation; a run of ordinary
        // words ("age" is used in lower case) is not a guess at all.
        assert_eq!(
            found("through Zebworth CVS and Age UK, for age is"),
            [(
                "Zebworth CVS".into(),
                Kind::Organisation,
                Rule::CapitalisedGuess
            )]
        );
    }

    #[test]
    fn an_ordinary_english_word_is_not_a_name_guess() {
        // One-word answers and sentence adverbs, capitalised in mid-line after a speaker
        // label as real transcripts have them (the sample study's P1, P9, P6 and P1): none
        // is a name, though the text never writes them in lower case.
        let text = "P1: Mixed. One of them. P9: Kindness. Self-referrals are best. Whereas";
        assert!(terms(text).is_empty(), "{:?}", terms(text));
        // In mid-sentence, capitals mean something even on English words: "Moss" is on
        // the surname list, and "Side" is a guess, so both words of the place are replaced.
        assert_eq!(
            terms("We moved to Moss Side when the kids were small."),
            ["Moss", "Side"]
        );
        // A word on no list and in no dictionary still is: "Siobhan" in mid-sentence, and a
        // hyphenated name whose parts are not both English words.
        assert_eq!(
            found("we asked Siobhan and the Warwick-Edinburgh scale"),
            [
                ("Siobhan".into(), Kind::Name, Rule::CapitalisedGuess),
                (
                    "Warwick-Edinburgh".into(),
                    Kind::Name,
                    Rule::CapitalisedGuess
                )
            ]
        );
    }
}
