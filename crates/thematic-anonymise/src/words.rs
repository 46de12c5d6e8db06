//! Names and places found from the words of a text: a capitalised word after a title
//! ("Dr Okafor"), after a relation ("my husband, Tom"), after "called"; capitalised words
//! on the shipped first-name, surname and place lists; and other capitalised words in
//! mid-sentence, as guesses.
//!
//! A capitalised word at the start of a sentence says little, so there a word on a list
//! counts only when the text never uses it in lower case ("Will you…" next to "I will"
//! is not a name). Common words that are capitalised for other reasons (days, months,
//! nationalities, `Mum`) are never names on their own.

use std::collections::HashSet;

use crate::context::{Candidate, ScanContext};
use crate::kind::{Kind, Rule};
use crate::lists::{Lists, is_common_folded, lists};
use crate::matcher::fold_char;

/// A word of the text.
#[derive(Debug, Clone, Copy)]
struct Word<'t> {
    text: &'t str,
    /// Byte range.
    start: usize,
    end: usize,
    /// Code-point range.
    cp_start: usize,
    cp_end: usize,
    /// First letter upper case and some lower case after it (`Tom`, `McDonald`, not `NHS`).
    cap: bool,
    /// First word of a sentence, a line or a turn.
    sentence_start: bool,
    /// All capitals, two to six letters (`UK`, `NHS`, `CAB`).
    acronym: bool,
}

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
    let lower: HashSet<&str> = words
        .iter()
        .filter(|w| {
            w.text.starts_with(|c: char| c.is_lowercase())
                && !w.text.chars().any(char::is_uppercase)
        })
        .filter(|w| !in_address(text, w))
        .map(|w| w.text)
        .collect();
    let lists = lists();
    let folded: Vec<String> = words
        .iter()
        .map(|w| w.text.chars().map(fold_char).collect())
        .collect();
    let is = |i: usize, set: &[&str]| set.contains(&folded[i].as_str());
    let common = |i: usize| is_common_folded(lists, &folded[i]);
    let used_lower = |i: usize| lower.contains(folded[i].as_str()) || ctx.in_vocabulary(&folded[i]);
    // Only spaces (and, with `comma`, one comma) between words i and i + 1.
    let joined = |i: usize, comma: bool| {
        i + 1 < words.len()
            && text[words[i].end..words[i + 1].start]
                .chars()
                .all(|c| c == ' ' || (comma && c == ','))
            && words[i + 1].start > words[i].end
    };
    // A possible name at word i: capitalised and not a common word.
    let nameish = |i: usize| {
        words[i].cap && !common(i) && !folded[i].contains(['-'])
            || (words[i].cap && folded[i].contains('-') && !common(i))
    };
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
                || (i > 1 && folded[i - 1] == "is" && folded[i - 2] == "name")
                || (i > 1 && folded[i - 1] == "as" && folded[i - 2] == "known")
                || folded[i - 1] == "name's");
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
            let first = lists.first_names.contains(&folded[i]);
            let last = lists.surnames.contains(&folded[i]);
            if first {
                // "Tom Baker": a following capitalised word is the surname.
                let end = if joined(i, false)
                    && nameish(i + 1)
                    && !claimed[i + 1]
                    && (lists.surnames.contains(&folded[i + 1]) || !used_lower(i + 1))
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
        let last = &folded[end];
        let kind = if ORGANISATION_ENDINGS.contains(&last.as_str())
            || (run.clone().any(|k| words[k].acronym) && !PLACE_ENDINGS.contains(&last.as_str()))
        {
            Kind::Organisation
        } else if PLACE_ENDINGS.contains(&last.as_str()) {
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
        let needed = if kind == Kind::Name {
            end - start + 1
        } else {
            1
        };
        if distinctive == 0 || (kind == Kind::Name && distinctive < needed.min(1)) {
            continue;
        }
        if kind == Kind::Name {
            // A name guess: every word distinctive, and not at a sentence start unless the
            // study's vocabulary is large enough to say the word is never written in lower
            // case ("Siobhan said…" in a study where "then", "well" are all seen).
            if (words[start].sentence_start && !ctx.judges_sentence_starts())
                || run.clone().any(|k| {
                    !words[k].cap || common(k) || used_lower(k) || words[k].text.chars().count() < 3
                })
            {
                continue;
            }
        } else if end == start {
            continue; // "Road" alone says nothing
        }
        push(out, &mut claimed, start, end, kind, Rule::CapitalisedGuess);
    }
}

/// Whether word `w` is part of an e-mail or web address.
fn in_address(text: &str, w: &Word<'_>) -> bool {
    let from = text[..w.start]
        .rfind(char::is_whitespace)
        .map_or(0, |i| i + 1);
    let to = text[w.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| w.end + i);
    crate::context::is_address(&text[from..to])
}

/// Places on the shipped list, written with capitals. A one-word place that is also a
/// first name ("Charlotte", "Lincoln") counts only after "in", "at", "from", …; one at a
/// sentence start only if the text never uses the word in lower case ("Reading is…").
fn find_places(
    text: &str,
    words: &[Word<'_>],
    folded: &[String],
    lists: &Lists,
    used_lower: &dyn Fn(&str) -> bool,
    claimed: &mut [bool],
    out: &mut Vec<Candidate>,
) {
    if words.iter().all(|w| !w.cap) {
        return;
    }
    for m in lists.place_matcher.find(text) {
        // The words the match covers.
        let first = words.partition_point(|w| w.cp_end <= m.start);
        let last = words.partition_point(|w| w.cp_start < m.end);
        if first >= last || claimed[first..last].iter().any(|&c| c) {
            continue;
        }
        let covered = &words[first..last];
        if covered[0].cp_start != m.start || !covered[0].cap {
            continue;
        }
        if covered
            .iter()
            .enumerate()
            .any(|(k, w)| !w.cap && !CONNECTORS.contains(&folded[first + k].as_str()) && k > 0)
        {
            continue;
        }
        if last - first == 1 {
            let f = folded[first].as_str();
            if is_common_folded(lists, f) || (covered[0].sentence_start && used_lower(f)) {
                continue;
            }
            let after_preposition =
                first > 0 && PLACE_PREPOSITIONS.contains(&folded[first - 1].as_str());
            if (lists.first_names.contains(f) || lists.surnames.contains(f)) && !after_preposition {
                continue;
            }
        }
        out.push(Candidate {
            start: m.start,
            end: m.end,
            term: text[covered[0].start..covered[covered.len() - 1].end].to_owned(),
            kind: Kind::Place,
            rule: Rule::PlaceList,
        });
        for c in &mut claimed[first..last] {
            *c = true;
        }
    }
}

/// The words of `text`: letters, with inner apostrophes and hyphens (`O'Brien`,
/// `Mary-Jane`).
fn tokenize(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut cp = 0;
    let mut iter = text.char_indices().peekable();
    let mut boundary = true; // a sentence boundary since the last word
    while let Some((b, c)) = iter.next() {
        if !c.is_alphabetic() {
            if matches!(
                c,
                '.' | '!' | '?' | ':' | ';' | '\n' | '…' | ']' | '"' | '“' | '”'
            ) {
                boundary = true;
            }
            cp += 1;
            continue;
        }
        let start = b;
        let cp_start = cp;
        let mut end = b + c.len_utf8();
        cp += 1;
        let mut upper = usize::from(c.is_uppercase());
        let mut lower = 0;
        while let Some(&(b2, c2)) = iter.peek() {
            if c2.is_alphabetic() {
                upper += usize::from(c2.is_uppercase());
                lower += usize::from(c2.is_lowercase());
                end = b2 + c2.len_utf8();
                cp += 1;
                iter.next();
            } else if matches!(c2, '\'' | '’' | '-')
                && text[b2 + c2.len_utf8()..].starts_with(|n: char| n.is_alphabetic())
                && !text[b2 + c2.len_utf8()..].starts_with(['s', 'S'])
                    | (c2 == '-')
                    | text[b2 + c2.len_utf8()..]
                        .chars()
                        .nth(1)
                        .is_some_and(char::is_alphabetic)
            {
                // An inner apostrophe or hyphen; "Tom's" stops before the "'s".
                end = b2 + c2.len_utf8();
                cp += 1;
                iter.next();
            } else {
                break;
            }
        }
        let word = &text[start..end];
        let cap = c.is_uppercase() && lower > 0 && upper <= 3;
        words.push(Word {
            text: word,
            start,
            end,
            cp_start,
            cp_end: cp,
            cap,
            sentence_start: boundary,
            acronym: lower == 0
                && (2..=6).contains(&upper)
                && upper == word.chars().filter(|c| c.is_alphabetic()).count(),
        });
        boundary = false;
    }
    words
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
    fn words_keep_inner_apostrophes_but_not_possessive_s() {
        let w: Vec<_> = tokenize("O'Brien and Mary-Jane's dog, Tom's")
            .iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(w, ["O'Brien", "and", "Mary-Jane", "s", "dog", "Tom", "s"]);
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
}
