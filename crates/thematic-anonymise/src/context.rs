//! What the scan knows before it reads: the study's participants and speakers, its own
//! list of places and organisations, and whether to use the shipped name lists.

use std::collections::HashSet;

use crate::fxhash::FxHashSet;
use std::sync::OnceLock;

use crate::kind::{Kind, Rule};
use crate::matcher::{TermMatcher, fold_term};

/// One candidate found in a text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Candidate {
    /// First code point of the occurrence.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// The text of the occurrence, as written.
    pub term: String,
    /// What it is.
    pub kind: Kind,
    /// How it was found.
    pub rule: Rule,
}

/// A term the study already knows to be identifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownTerm {
    /// The term as the study writes it.
    pub term: String,
    /// What it is.
    pub kind: Kind,
    /// How it is known ([`Rule::KnownParticipant`], [`Rule::SpeakerLabel`] or
    /// [`Rule::StudyList`]).
    pub rule: Rule,
    /// The label the study already uses for this person (a participant id such as `P3`),
    /// offered as the replacement `[P3]`.
    pub label: Option<String>,
}

/// Everything [`crate::scan`] knows besides the text. Build one per study and share it
/// between threads.
///
/// ```
/// use thematic_anonymise::{Kind, ScanContext, scan};
/// let mut ctx = ScanContext::new();
/// ctx.add_participant("Margaret Hughes", Some("P3"));
/// ctx.add_speaker("Interviewer"); // a role, not an identifier: ignored
/// ctx.add_place("Ashworth Ward");
/// let found = scan("Margaret Hughes was moved to Ashworth Ward.", &ctx);
/// let kinds: Vec<_> = found.iter().map(|c| (c.term.as_str(), c.kind)).collect();
/// assert_eq!(kinds, [("Margaret Hughes", Kind::Name), ("Ashworth Ward", Kind::Place)]);
/// ```
#[derive(Debug, Default)]
pub struct ScanContext {
    known: Vec<KnownTerm>,
    without_lists: bool,
    matcher: OnceLock<TermMatcher>,
    vocabulary: FxHashSet<String>,
}

impl ScanContext {
    /// A context with no known terms that uses the shipped name and place lists.
    pub fn new() -> ScanContext {
        ScanContext::default()
    }

    /// Leaves the shipped first-name, surname and place lists out (titles, relations,
    /// known terms and patterns still work).
    pub fn without_shipped_lists(mut self) -> ScanContext {
        self.without_lists = true;
        self
    }

    /// Whether the shipped lists are used.
    pub fn uses_shipped_lists(&self) -> bool {
        !self.without_lists
    }

    /// A participant's name (or any spelling of it) from `participants.csv`, with the id
    /// the study uses for them. A name that is itself a code (`P3`, `Participant 3`) or a
    /// role (`Interviewer`) is not an identifier and is left out; so is a label that is.
    pub fn add_participant(&mut self, name: &str, label: Option<&str>) {
        if is_pseudonymous_label(name) {
            return;
        }
        let label = label.map(str::trim).filter(|l| {
            !l.is_empty() && is_pseudonymous_label(l) && fold_term(l) != fold_term(name)
        });
        self.push(
            name,
            Kind::Name,
            Rule::KnownParticipant,
            label.map(str::to_owned),
        );
        // The first and last words of a full name identify too ("Margaret", "Hughes").
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.len() > 1 {
            for w in [words[0], words[words.len() - 1]] {
                if w.chars().count() > 1 && !crate::lists::is_common_word(w) {
                    self.push(
                        w,
                        Kind::Name,
                        Rule::KnownParticipant,
                        label.map(str::to_owned),
                    );
                }
            }
        }
    }

    /// A speaker label from a transcript. Codes (`P3`, `R1`, `Participant 3`) and roles
    /// (`Interviewer`, `Facilitator`) are left out: they are what anonymised transcripts
    /// already use.
    pub fn add_speaker(&mut self, label: &str) {
        if is_pseudonymous_label(label) {
            return;
        }
        self.push(label, Kind::Speaker, Rule::SpeakerLabel, None);
    }

    /// A place on the study's own list.
    pub fn add_place(&mut self, place: &str) {
        self.push(place, Kind::Place, Rule::StudyList, None);
    }

    /// An organisation on the study's own list.
    pub fn add_organisation(&mut self, organisation: &str) {
        self.push(organisation, Kind::Organisation, Rule::StudyList, None);
    }

    /// Any other term the study lists, of the given kind.
    pub fn add_term(&mut self, term: &str, kind: Kind) {
        self.push(term, kind, Rule::StudyList, None);
    }

    fn push(&mut self, term: &str, kind: Kind, rule: Rule, label: Option<String>) {
        let term = term.split_whitespace().collect::<Vec<_>>().join(" ");
        if term.is_empty() {
            return;
        }
        let key = fold_term(&term);
        if let Some(k) = self.known.iter_mut().find(|k| fold_term(&k.term) == key) {
            // A term known twice keeps the surer rule, and any label.
            if rule.strength() > k.rule.strength() {
                k.rule = rule;
                k.kind = kind;
            }
            if k.label.is_none() {
                k.label = label;
            }
        } else {
            self.known.push(KnownTerm {
                term,
                kind,
                rule,
                label,
            });
        }
        self.matcher = OnceLock::new();
    }

    /// Words the study uses in lower case ("small", "patience", "will"): a capitalised
    /// word at the start of a sentence that the study also writes in lower case is taken
    /// for an ordinary word, not a name. Each text's own lower-case words always count;
    /// this adds the rest of the study's (see [`lowercase_words`]).
    pub fn add_vocabulary<I: IntoIterator<Item = S>, S: AsRef<str>>(&mut self, words: I) {
        for w in words {
            let w = w.as_ref();
            if !self.vocabulary.contains(w) {
                self.vocabulary.insert(w.to_owned());
            }
        }
    }

    /// Words in the study's vocabulary before a capitalised word opening a sentence that
    /// is on no list and never written in lower case is guessed to be a name.
    pub const VOCABULARY_TO_JUDGE: usize = 1500;

    /// Whether the vocabulary is large enough to judge sentence-opening words
    /// ([`ScanContext::VOCABULARY_TO_JUDGE`]).
    pub(crate) fn judges_sentence_starts(&self) -> bool {
        self.vocabulary.len() >= Self::VOCABULARY_TO_JUDGE
    }

    /// Whether the study's vocabulary has `folded` (a lower-case word).
    pub(crate) fn in_vocabulary(&self, folded: &str) -> bool {
        self.vocabulary.contains(folded)
    }

    /// The known terms, in the order they were added.
    pub fn known(&self) -> &[KnownTerm] {
        &self.known
    }

    /// The label (participant id) known for `term`, if any.
    pub fn label_of(&self, term: &str) -> Option<&str> {
        let key = fold_term(term);
        self.known
            .iter()
            .find(|k| fold_term(&k.term) == key)
            .and_then(|k| k.label.as_deref())
    }

    pub(crate) fn known_matcher(&self) -> &TermMatcher {
        self.matcher.get_or_init(|| {
            TermMatcher::new(
                &self
                    .known
                    .iter()
                    .map(|k| k.term.as_str())
                    .collect::<Vec<_>>(),
            )
        })
    }
}

/// The words `text` writes all in lower case, for [`ScanContext::add_vocabulary`].
pub fn lowercase_words(text: &str) -> HashSet<&str> {
    let addresses = has_address(text);
    text.split_whitespace()
        .filter(|token| !addresses || !is_address(token))
        .flat_map(|token| token.split(|c: char| !c.is_alphabetic() && c != '\'' && c != '’'))
        .map(|w| w.trim_matches(['\'', '’']))
        .filter(|w| w.len() > 1 && !w.chars().any(char::is_uppercase))
        .collect()
}

/// Whether `text` may hold an e-mail or web address at all (a cheap test first).
pub(crate) fn has_address(text: &str) -> bool {
    text.contains('@') || text.contains("://") || text.contains("www.") || text.contains("WWW.")
}

/// Whether a white-space-delimited token is an e-mail or web address, whose words
/// (`susan.jones@…`) say nothing about how the text writes them.
pub(crate) fn is_address(token: &str) -> bool {
    token.contains('@')
        || (token.contains('.')
            && (token.contains("://")
                || token
                    .as_bytes()
                    .windows(4)
                    .any(|w| w.eq_ignore_ascii_case(b"www."))))
}

/// Whether a speaker label or participant id is already pseudonymous: a role
/// (`Interviewer`, `Facilitator`, `Moderator`, `Researcher`, `Participant`, `Respondent`,
/// `Int`, `Q`, `A`, …), a single letter, or letters followed by a number (`P3`, `P03`,
/// `Participant 3`, `R1`, `ID-12`, `Speaker 2`).
pub fn is_pseudonymous_label(label: &str) -> bool {
    let label = label.trim();
    if label.is_empty() || label.chars().count() == 1 {
        return true;
    }
    if label.starts_with('[') || label.starts_with('<') {
        return true;
    }
    let lower = label.to_lowercase();
    const ROLES: &[&str] = &[
        "interviewer",
        "interviewee",
        "facilitator",
        "moderator",
        "researcher",
        "participant",
        "respondent",
        "int",
        "iv",
        "ie",
        "resp",
        "speaker",
        "unknown",
        "unidentified",
        "everyone",
        "all",
        "group",
        "several",
        "multiple",
        "note",
        "co-facilitator",
        "note-taker",
        "note taker",
        "observer",
        "chair",
        "host",
        "guest",
        "patient",
        "carer",
        "doctor",
        "nurse",
        "gp",
        "staff",
        "member",
    ];
    if ROLES.contains(&lower.as_str()) {
        return true;
    }
    // Letters (and separators) then digits, then at most one letter: P3, P03a, ID-12,
    // Participant 3, Speaker 2, FG1-P2.
    let trimmed = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = lower.len() - trimmed.len();
    if suffix <= 1 && trimmed.ends_with(|c: char| c.is_ascii_digit()) {
        let letters = trimmed
            .chars()
            .filter(|c| c.is_alphabetic())
            .collect::<String>();
        let words = trimmed.split_whitespace().count();
        return words <= 2 && (letters.len() <= 12 || ROLES.iter().any(|r| trimmed.starts_with(r)));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_roles_are_pseudonymous_and_names_are_not() {
        for l in [
            "P3",
            "P03",
            "p12a",
            "Participant 3",
            "Speaker 2",
            "R1",
            "ID-12",
            "FG1-P2",
            "Interviewer",
            "INT",
            "Q",
            "[Name 3]",
        ] {
            assert!(is_pseudonymous_label(l), "{l}");
        }
        for l in ["Sarah", "Sarah Jones", "Dr Patel", "Mohammed"] {
            assert!(!is_pseudonymous_label(l), "{l}");
        }
    }

    #[test]
    fn lowercase_words_leave_addresses_out() {
        let words = lowercase_words("I told susan.jones@example.org and Will, but will not.");
        let mut words: Vec<_> = words.into_iter().collect();
        words.sort();
        assert_eq!(words, ["and", "but", "not", "told", "will"]);
    }

    #[test]
    fn participants_add_their_first_and_last_names_with_the_label() {
        let mut ctx = ScanContext::new();
        ctx.add_participant("Margaret Hughes", Some("P3"));
        ctx.add_participant("P4", None);
        let terms: Vec<_> = ctx.known().iter().map(|k| k.term.as_str()).collect();
        assert_eq!(terms, ["Margaret Hughes", "Margaret", "Hughes"]);
        assert_eq!(ctx.label_of("margaret"), Some("P3"));
        assert_eq!(ctx.label_of("Leeds"), None);
    }

    #[test]
    fn a_term_known_twice_keeps_the_surer_rule() {
        let mut ctx = ScanContext::new();
        ctx.add_speaker("Sarah");
        ctx.add_participant("sarah", Some("P1"));
        assert_eq!(ctx.known().len(), 1);
        assert_eq!(ctx.known()[0].rule, Rule::KnownParticipant);
        assert_eq!(ctx.known()[0].label.as_deref(), Some("P1"));
    }
}
