//! A test set made to measure the scan: synthetic interview transcripts with identifiers
//! planted at known places (names after relations and titles, in full, opening sentences;
//! places on and off the shipped lists; e-mail addresses, phone numbers, postcodes, NHS
//! and National Insurance numbers, dates of birth, web addresses; participants' names),
//! among sentences full of capitalised words that are not identifiers (days, months, the
//! NHS, "Will you…"). [`measure`] scores a scan against what was planted.
//!
//! The generator is deterministic (its own small xorshift generator, so the same seed
//! gives the same texts on every platform). Pools mix names the shipped lists hold with
//! names they do not (Siobhan, Oluwaseun, Kowalski), so recall is not flattered.

use std::collections::BTreeMap;

use crate::context::{Candidate, ScanContext};
use crate::kind::Kind;

/// One planted identifier: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The text planted.
    pub term: String,
    /// What it is (`Name` for a participant's name too).
    pub kind: Kind,
    /// Whether it is a participant's name given to the [`ScanContext`].
    pub known: bool,
}

/// A generated transcript and what was planted in it.
#[derive(Debug, Clone)]
pub struct PlantedText {
    /// `P0001`, …
    pub id: String,
    /// The transcript (typed, `Interviewer:` / participant turns).
    pub text: String,
    /// The participant's name, as the speaker label and `participants.csv` would give it.
    pub participant: String,
    /// The identifiers planted, in text order.
    pub planted: Vec<Planted>,
}

const FIRST: &[&str] = &[
    "Margaret",
    "Susan",
    "Gareth",
    "Siobhan",
    "Tomasz",
    "Priya",
    "Amir",
    "Oluwaseun",
    "Fatima",
    "Declan",
    "Bethan",
    "Kwame",
    "Agnieszka",
    "Rhys",
    "Jacqueline",
    "Terry",
    "Yusuf",
    "Niamh",
    "Callum",
    "Shirley",
    "Wayne",
    "Mandeep",
    "Graham",
    "Ewan",
    "Hamza",
    "Lorraine",
    "Kerry",
    "Bogdan",
    "Aled",
    "Dorothy",
];

const SURNAMES: &[&str] = &[
    "Davies",
    "Hughes",
    "Patel",
    "Khan",
    "Okafor",
    "Kowalski",
    "McAllister",
    "Evans",
    "O'Neill",
    "Thompson",
    "Begum",
    "Mensah",
    "Roberts",
    "Ahmed",
    "Fitzgerald",
    "Nowak",
    "Chowdhury",
    "Pritchard",
    "Wright",
    "Baxter",
];

/// Participants' names: a pool of their own, so knowing the participants does not find
/// the other people named.
const PARTICIPANT_FIRST: &[&str] = &[
    "Maureen", "Tariq", "Eileen", "Chidi", "Brendan", "Halina", "Iwan", "Roisin", "Sunita", "Colin",
];

const PARTICIPANT_SURNAMES: &[&str] = &[
    "Gallagher",
    "Hussain",
    "Llewellyn",
    "Adeyemi",
    "Kaur",
    "Sutcliffe",
    "Brennan",
    "Zielinski",
];

const PLACES: &[&str] = &[
    "Rochdale",
    "Wigan",
    "Oldham",
    "Stockport",
    "Bolton",
    "Leeds",
    "Swansea",
    "Milton Keynes",
    "Hull",
    "Belfast",
    "Kendal",
    "Penrith",
    "Wythenshawe",
    "Moss Side",
    "Heaton Norris",
    "Llanrug",
];

const RELATIONS: &[&str] = &[
    "husband",
    "wife",
    "son",
    "daughter",
    "sister",
    "brother",
    "neighbour",
    "friend",
    "support worker",
    "partner",
];

const TITLES: &[&str] = &["Dr", "Mrs", "Mr", "Ms", "Miss"];

/// Sentences with no identifier, full of capitals that are not names.
const FILLER: &[&str] = &[
    "On Monday I went to the GP and she was lovely.",
    "Christmas was hard that year, really hard.",
    "Will it help? I think it will, in the end.",
    "The NHS has been good to me, I can't fault it.",
    "Well, I suppose so.",
    "My mum always said you have to get out of the house.",
    "We watched the BBC news every night.",
    "I found the group on Facebook in the end.",
    "English isn't my first language, so it took time.",
    "In March it got worse, and by May I couldn't go out.",
    "Hope is important, hope keeps you going.",
    "It's the little things, a cup of tea, a chat.",
    "Mark my words, it makes a difference.",
    "The council sent a letter but nobody rang.",
    "I was on Universal Credit for a while.",
    "Sunday mornings were the worst.",
    "Grace and patience, that's what you need.",
    "To be honest I didn't know what to expect.",
    "So I said yes, and I'm glad I did.",
    "Then Covid came and everything stopped.",
];

const QUESTIONS: &[&str] = &[
    "Can you tell me how you first heard about the service?",
    "What happened next?",
    "How did that feel?",
    "Who else was involved?",
    "Is there anything else you'd like to add?",
];

/// A small deterministic generator (xorshift64*).
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Text being built, with the planted spans.
struct Builder {
    text: String,
    chars: usize,
    planted: Vec<Planted>,
}

impl Builder {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.chars += s.chars().count();
    }

    fn plant(&mut self, term: &str, kind: Kind, known: bool) {
        let start = self.chars;
        self.push(term);
        self.planted.push(Planted {
            start,
            end: self.chars,
            term: term.to_owned(),
            kind,
            known,
        });
    }
}

/// A valid NHS number (its mod-11 check digit right), written 3-3-4.
fn nhs_number(rng: &mut Rng) -> String {
    loop {
        let mut d: Vec<u32> = (0..9).map(|_| rng.below(10) as u32).collect();
        d[0] = 4 + rng.below(6) as u32; // issued numbers start 4–9
        let sum: u32 = d.iter().zip((2..=10).rev()).map(|(a, w)| a * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            c => c,
        };
        d.push(check);
        let s: String = d.iter().map(|x| char::from(b'0' + *x as u8)).collect();
        return format!("{} {} {}", &s[..3], &s[3..6], &s[6..]);
    }
}

/// `n` transcripts from `seed`, each a short interview with a participant's name and a
/// mix of planted identifiers among filler.
pub fn planted_texts(n: usize, seed: u64) -> Vec<PlantedText> {
    let mut rng = Rng(seed.max(1));
    (0..n).map(|i| one(&mut rng, i)).collect()
}

fn one(rng: &mut Rng, i: usize) -> PlantedText {
    let participant = format!(
        "{} {}",
        rng.pick(PARTICIPANT_FIRST),
        rng.pick(PARTICIPANT_SURNAMES)
    );
    let mut b = Builder {
        text: String::new(),
        chars: 0,
        planted: Vec::new(),
    };
    for turn in 0..6 {
        b.push("Interviewer: ");
        b.push(QUESTIONS[turn % QUESTIONS.len()]);
        b.push("\n\n");
        b.plant(&participant, Kind::Name, true);
        b.push(": ");
        for _ in 0..3 {
            b.push(rng.pick(FILLER));
            b.push(" ");
            plant_one(rng, &mut b, &participant);
            b.push(" ");
        }
        b.push("\n\n");
    }
    PlantedText {
        id: format!("P{:04}", i + 1),
        text: b.text,
        participant,
        planted: b.planted,
    }
}

fn plant_one(rng: &mut Rng, b: &mut Builder, participant: &str) {
    let first = rng.pick(FIRST);
    let surname = rng.pick(SURNAMES);
    match rng.below(16) {
        0 => {
            b.push("My ");
            b.push(rng.pick(RELATIONS));
            b.push(" ");
            b.plant(first, Kind::Name, false);
            b.push(" came with me.");
        }
        1 => {
            b.push("I saw ");
            b.push(rng.pick(TITLES));
            b.push(" ");
            b.plant(surname, Kind::Name, false);
            b.push(" at the surgery.");
        }
        2 => {
            b.push("I rang ");
            b.plant(&format!("{first} {surname}"), Kind::Name, false);
            b.push(" about it.");
        }
        3 => {
            b.plant(first, Kind::Name, false);
            b.push(" said it was fine.");
        }
        4 => {
            b.push("We moved to ");
            b.plant(rng.pick(PLACES), Kind::Place, false);
            b.push(" when the kids were small.");
        }
        5 => {
            b.push("There's a group down in ");
            b.plant(rng.pick(PLACES), Kind::Place, false);
            b.push(" on Tuesdays.");
        }
        6 => {
            b.push("You can email me on ");
            let mail = format!(
                "{}.{}{}@example.org.uk",
                first.to_lowercase(),
                surname.to_lowercase().replace('\'', ""),
                rng.below(90) + 10
            );
            b.plant(&mail, Kind::Email, false);
            b.push(".");
        }
        7 => {
            b.push("My number is ");
            let phone = match rng.below(3) {
                0 => format!("07700 9{:05}", rng.below(100_000)),
                1 => format!("0161 496 {:04}", rng.below(10_000)),
                _ => format!("+44 20 7946 {:04}", rng.below(10_000)),
            };
            b.plant(&phone, Kind::Phone, false);
            b.push(" if you need it.");
        }
        8 => {
            b.push("We live at ");
            let letters = "ABDEFGHJLNPQRSTUWXYZ".as_bytes();
            let pc = format!(
                "M{} {}{}{}",
                rng.below(40) + 1,
                rng.below(10),
                letters[rng.below(letters.len())] as char,
                letters[rng.below(letters.len())] as char
            );
            b.plant(&pc, Kind::Postcode, false);
            b.push(" now.");
        }
        9 => {
            b.push("My NHS number is ");
            let n = nhs_number(rng);
            b.plant(&n, Kind::NhsNumber, false);
            b.push(", they always ask.");
        }
        10 => {
            b.push("They wanted my National Insurance, ");
            let prefixes = ["AB", "JK", "SN", "WR", "CE", "HL"];
            let ni = format!(
                "{} {:02} {:02} {:02} {}",
                prefixes[rng.below(prefixes.len())],
                rng.below(100),
                rng.below(100),
                rng.below(100),
                ["A", "B", "C", "D"][rng.below(4)]
            );
            b.plant(&ni, Kind::NiNumber, false);
            b.push(", and my bank details.");
        }
        11 => {
            b.push("I was born on ");
            let months = ["January", "March", "June", "September", "November"];
            let dob = format!(
                "{} {} 19{}",
                rng.below(28) + 1,
                months[rng.below(months.len())],
                rng.below(50) + 40
            );
            b.plant(&dob, Kind::Date, false);
            b.push(", so I'm no spring chicken.");
        }
        12 => {
            b.push("It's all on ");
            b.plant("www.ourgroup.org.uk", Kind::Url, false);
            b.push(" these days.");
        }
        13 => {
            b.push("And ");
            let own_first = participant.split(' ').next().unwrap_or(participant);
            b.plant(own_first, Kind::Name, true);
            b.push(", they'd say, you're doing well.");
        }
        _ => {
            b.push(rng.pick(FILLER));
        }
    }
}

/// How a scan did on one kind of planted identifier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindScore {
    /// Identifiers planted.
    pub planted: usize,
    /// Of those, how many a candidate covered.
    pub found: usize,
}

impl KindScore {
    /// found / planted (1 when nothing was planted).
    pub fn recall(&self) -> f64 {
        if self.planted == 0 {
            1.0
        } else {
            self.found as f64 / self.planted as f64
        }
    }
}

/// A scan's score on a planted set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quality {
    /// Per kind (participants' names under their own key, `known`).
    pub by_kind: BTreeMap<String, KindScore>,
    /// Candidates of kind name, speaker or place.
    pub person_place_candidates: usize,
    /// Of those, how many cover something planted.
    pub person_place_correct: usize,
}

impl Quality {
    /// Precision on names and places: the share of name, speaker and place candidates that
    /// cover a planted identifier.
    pub fn precision(&self) -> f64 {
        if self.person_place_candidates == 0 {
            1.0
        } else {
            self.person_place_correct as f64 / self.person_place_candidates as f64
        }
    }

    /// Recall of one kind (`name`, `place`, `email`, …, or `known` for participants).
    pub fn recall(&self, kind: &str) -> f64 {
        self.by_kind.get(kind).map_or(1.0, KindScore::recall)
    }
}

/// Whether every word of `term` (at `start`) lies inside some candidate: a full name
/// found as a first name and a surname is found, since both words are replaced.
pub fn covered(term: &str, start: usize, candidates: &[Candidate]) -> bool {
    term.chars().enumerate().all(|(i, ch)| {
        let at = start + i;
        !ch.is_alphanumeric() || candidates.iter().any(|c| c.start <= at && at < c.end)
    })
}

/// Scans every text with a context that knows each text's participant and the set's
/// lower-case vocabulary (as a study scan does), and scores the
/// candidates against what was planted. A planted identifier is found when candidates
/// cover every letter and digit of it ([`covered`]).
pub fn measure(texts: &[PlantedText]) -> Quality {
    let mut ctx = ScanContext::new();
    for t in texts {
        ctx.add_participant(&t.participant, Some(&t.id));
        ctx.add_vocabulary(crate::lowercase_words(&t.text));
    }
    let mut quality = Quality::default();
    for t in texts {
        let candidates = crate::scan(&t.text, &ctx);
        score(t, &candidates, &mut quality);
    }
    quality
}

/// Adds one text's score to `quality`.
pub fn score(text: &PlantedText, candidates: &[Candidate], quality: &mut Quality) {
    for p in &text.planted {
        let key = if p.known {
            "known".to_owned()
        } else {
            p.kind.as_str().to_owned()
        };
        let entry = quality.by_kind.entry(key).or_default();
        entry.planted += 1;
        if covered(&p.term, p.start, candidates) {
            entry.found += 1;
        }
    }
    for c in candidates {
        if matches!(c.kind, Kind::Name | Kind::Speaker | Kind::Place) {
            quality.person_place_candidates += 1;
            if text
                .planted
                .iter()
                .any(|p| c.start < p.end && p.start < c.end)
            {
                quality.person_place_correct += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planted_spans_point_at_their_terms() {
        for t in planted_texts(20, 7) {
            let chars: Vec<char> = t.text.chars().collect();
            for p in &t.planted {
                let got: String = chars[p.start..p.end].iter().collect();
                assert_eq!(got, p.term);
            }
        }
    }

    #[test]
    fn generated_nhs_numbers_pass_their_check() {
        let mut rng = Rng(42);
        for _ in 0..100 {
            assert!(crate::is_nhs_number(&nhs_number(&mut rng)));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_texts() {
        let a: Vec<_> = planted_texts(5, 3).into_iter().map(|t| t.text).collect();
        let b: Vec<_> = planted_texts(5, 3).into_iter().map(|t| t.text).collect();
        assert_eq!(a, b);
    }
}
