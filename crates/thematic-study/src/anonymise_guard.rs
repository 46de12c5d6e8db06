//! Keeping identifiers out of what leaves the study: the one guard every export asks.
//!
//! An identifier the researcher accepted in `anonymisation/review.csv` (decision `replace`)
//! but has not yet applied (`thematic anonymise apply`) must not reach a quote table, a
//! coding sheet, a REFI-QDA project or a browser download by accident. Each of those paths
//! builds a [`Guard`] from the study ([`Guard::from_study`]) and passes every piece of text it
//! is about to write through [`Guard::screen`], in one of three [`GuardMode`]s:
//!
//! - [`GuardMode::Refuse`] (the default): what is found is collected as [`Leak`]s, and the
//!   export then fails with [`refusal`], naming each identifier's kind and where it is (not
//!   the words themselves) and the ways out;
//! - [`GuardMode::Anonymise`] (`--anonymise`): the text is pseudonymised on the fly, each
//!   term becoming its replacement, in the output only; the study is not changed;
//! - [`GuardMode::Allow`] (`--allow-identifiers`): written as it is.
//!
//! Matching is the scanner's own ([`thematic_anonymise::find_terms`]: whole words, any
//! case but a name's capitals, longest term first), so the guard, `thematic check --identifiers` and `thematic
//! anonymise apply` agree on what an occurrence is.

use crate::error::StudyError;
use crate::study::Study;

/// One accepted identifier: a `review.csv` row whose decision is `replace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedTerm {
    /// The words as found (`Sarah Jones`).
    pub term: String,
    /// Its kind as `review.csv` names it (`name`, `place`, `email`, …).
    pub kind: String,
    /// What it becomes (`[Name 3]`, `[Town]`, or a chosen pseudonym).
    pub replacement: String,
}

impl AcceptedTerm {
    /// The replacement as it can stand in a speaker label or a header line, where `[…]`
    /// would not read as a label: the brackets taken off (`[Name 3]` → `Name 3`).
    pub fn label_form(&self) -> String {
        let r = self.replacement.trim();
        match r.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            Some(inner) if !inner.trim().is_empty() => inner.trim().to_string(),
            _ => r.to_string(),
        }
    }
}

/// What an export does with an accepted identifier it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GuardMode {
    /// Refuse to write the output (the default).
    #[default]
    Refuse,
    /// Write it as it is (`--allow-identifiers`).
    Allow,
    /// Write the replacement instead, in this output only (`--anonymise`).
    Anonymise,
}

impl GuardMode {
    /// The mode the two command-line switches ask for; `--anonymise` wins over
    /// `--allow-identifiers` (the safer of the two).
    pub fn from_flags(allow_identifiers: bool, anonymise: bool) -> GuardMode {
        if anonymise {
            GuardMode::Anonymise
        } else if allow_identifiers {
            GuardMode::Allow
        } else {
            GuardMode::Refuse
        }
    }
}

/// An accepted identifier found in text about to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// The term (for the researcher's own listing; [`refusal`] does not print it).
    pub term: String,
    /// Its kind (`name`, `place`, …).
    pub kind: String,
    /// Where it is, in words: `quote of P6, turn 4 (theme what-matters)`.
    pub place: String,
}

/// The accepted identifiers of a study, ready to find and replace.
#[derive(Debug, Clone)]
pub struct Guard {
    accepted: Vec<AcceptedTerm>,
    /// The terms compiled once, in the same order.
    matcher: thematic_anonymise::TermMatcher,
}

impl Default for Guard {
    fn default() -> Guard {
        Guard::new(Vec::new())
    }
}

/// One occurrence of an accepted term in a text, in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// Start, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// Which accepted term (an index into [`Guard::accepted`]).
    pub term: usize,
}

impl Guard {
    /// A guard over these accepted terms.
    pub fn new(accepted: Vec<AcceptedTerm>) -> Guard {
        let terms: Vec<&str> = accepted.iter().map(|a| a.term.as_str()).collect();
        let matcher = thematic_anonymise::TermMatcher::new(&terms);
        Guard { accepted, matcher }
    }

    /// The study's accepted identifiers: the `replace` rows of `anonymisation/review.csv`
    /// (none when there is no review yet).
    pub fn from_study(study: &Study) -> Result<Guard, StudyError> {
        Ok(Guard::new(accepted_terms(study)?))
    }

    /// The accepted terms, in `review.csv` order.
    pub fn accepted(&self) -> &[AcceptedTerm] {
        &self.accepted
    }

    /// Whether there is nothing to guard against.
    pub fn is_empty(&self) -> bool {
        self.accepted.is_empty()
    }

    /// Every occurrence of an accepted term in `text`, in text order, none overlapping.
    pub fn find(&self, text: &str) -> Vec<Occurrence> {
        let mut found: Vec<Occurrence> = self
            .matcher
            .find(text)
            .into_iter()
            .map(|m| Occurrence {
                start: m.start,
                end: m.end,
                term: m.term_index,
            })
            .collect();
        found.sort_by_key(|o| (o.start, o.end));
        found
    }

    /// `text` with each accepted term replaced by what `form` makes of it.
    pub(crate) fn replace_with(
        &self,
        text: &str,
        form: impl Fn(&AcceptedTerm) -> String,
    ) -> String {
        let found = self.find(text);
        if found.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 16 * found.len());
        let mut chars = text.chars();
        let mut at = 0;
        for o in found {
            out.extend(chars.by_ref().take(o.start - at));
            chars.by_ref().take(o.end - o.start).for_each(drop);
            out.push_str(&form(&self.accepted[o.term]));
            at = o.end;
        }
        out.extend(chars);
        out
    }

    /// `text` with every accepted term replaced by its replacement.
    pub fn pseudonymise(&self, text: &str) -> String {
        self.replace_with(text, |a| a.replacement.clone())
    }

    /// The identifiers in `text`, one [`Leak`] per distinct term, placed at `place`.
    pub fn leaks_in(&self, text: &str, place: &str) -> Vec<Leak> {
        let mut seen: Vec<usize> = Vec::new();
        let mut out = Vec::new();
        for o in self.find(text) {
            if seen.contains(&o.term) {
                continue;
            }
            seen.push(o.term);
            let a = &self.accepted[o.term];
            out.push(Leak {
                term: a.term.clone(),
                kind: a.kind.clone(),
                place: place.to_string(),
            });
        }
        out
    }

    /// Passes one piece of output text through the guard: in [`GuardMode::Refuse`] the
    /// identifiers found are added to `leaks` (`place` says where, and is only worked out
    /// when something is found); in [`GuardMode::Anonymise`] `text` is pseudonymised; in
    /// [`GuardMode::Allow`] nothing happens.
    pub fn screen(
        &self,
        mode: GuardMode,
        text: &mut String,
        place: impl FnOnce() -> String,
        leaks: &mut Vec<Leak>,
    ) {
        if self.is_empty() {
            return;
        }
        match mode {
            GuardMode::Allow => {}
            GuardMode::Anonymise => {
                let p = self.pseudonymise(text);
                if p != *text {
                    *text = p;
                }
            }
            GuardMode::Refuse => {
                let found = self.leaks_in(text, "");
                if !found.is_empty() {
                    let place = place();
                    leaks.extend(found.into_iter().map(|l| Leak {
                        place: place.clone(),
                        ..l
                    }));
                }
            }
        }
    }
}

/// The error an export gives when its output would hold accepted identifiers: `what` is
/// the output (`the quote table`, `the REFI-QDA project`). It names each identifier's kind
/// and place (the first few), never the words, and the ways out.
pub fn refusal(what: &str, leaks: &[Leak]) -> StudyError {
    const SHOWN: usize = 5;
    let places: Vec<String> = leaks
        .iter()
        .take(SHOWN)
        .map(|l| {
            let kind = kind_words(&l.kind);
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) || kind.starts_with("NHS")
            {
                "an" // an e-mail address, an NHS number
            } else {
                "a"
            };
            format!("{article} {kind} in {}", l.place)
        })
        .collect();
    let more = if leaks.len() > SHOWN {
        format!(", and {} more", leaks.len() - SHOWN)
    } else {
        String::new()
    };
    StudyError::Export(format!(
        "{what} would contain {} identifier(s) accepted in anonymisation/review.csv but not \
         yet replaced in the study: {}{more}; nothing was written. Either replace them in the \
         study with `thematic anonymise apply` (see `thematic check --identifiers`), or add \
         --anonymise to pseudonymise this output only (--allow-identifiers writes them as \
         they are).",
        leaks.len(),
        places.join("; ")
    ))
}

/// A kind as words in a sentence: `nhs_number` → `NHS number`.
pub(crate) fn kind_words(kind: &str) -> String {
    match kind {
        "nhs_number" => "NHS number".into(),
        "ni_number" => "National Insurance number".into(),
        "id_number" => "long id number".into(),
        "email" => "e-mail address".into(),
        "url" => "web address".into(),
        "zip" => "ZIP code".into(),
        "phone" => "phone number".into(),
        "speaker" => "speaker's name".into(),
        other => other.replace('_', " "),
    }
}

/// The `replace` rows of the study's `review.csv`, as [`AcceptedTerm`]s.
pub(crate) fn accepted_terms(study: &Study) -> Result<Vec<AcceptedTerm>, StudyError> {
    let review = study.read_anonymisation_review()?;
    Ok(review
        .accepted()
        .into_iter()
        .map(|a| AcceptedTerm {
            term: a.term.clone(),
            kind: a.kind.as_str().to_string(),
            replacement: a.replacement_or_default().to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn guard() -> Guard {
        Guard::new(vec![
            AcceptedTerm {
                term: "Sarah Jones".into(),
                kind: "name".into(),
                replacement: "[Name 1]".into(),
            },
            AcceptedTerm {
                term: "Leeds".into(),
                kind: "place".into(),
                replacement: "[Town]".into(),
            },
        ])
    }

    #[test]
    fn pseudonymises_every_occurrence_whole_words_capitals_kept() {
        // "Leedsy" is not the word "Leeds"; "LEEDS" is. "sarah jones" lacks the name's
        // capitals, so it is left as apply leaves it (`check --identifiers` warns of it).
        let g = guard();
        assert_eq!(
            g.pseudonymise("Sarah Jones moved from LEEDS to Leedsy; sarah jones."),
            "[Name 1] moved from [Town] to Leedsy; sarah jones."
        );
    }

    #[test]
    fn pseudonymises_by_code_point() {
        // "Née" and "à" before the term: offsets are code points, not bytes.
        let g = guard();
        assert_eq!(g.pseudonymise("Née à Leeds."), "Née à [Town].");
    }

    #[test]
    fn refuse_collects_one_leak_per_term_with_its_place() {
        let g = guard();
        let mut leaks = Vec::new();
        let mut text = "Leeds, Leeds and Sarah Jones".to_string();
        g.screen(
            GuardMode::Refuse,
            &mut text,
            || "quote 1".into(),
            &mut leaks,
        );
        assert_eq!(
            text, "Leeds, Leeds and Sarah Jones",
            "refusing changes nothing"
        );
        let kinds: Vec<(&str, &str)> = leaks
            .iter()
            .map(|l| (l.kind.as_str(), l.place.as_str()))
            .collect();
        // Text order: Leeds first (twice, one leak), then the name.
        assert_eq!(kinds, [("place", "quote 1"), ("name", "quote 1")]);
        let message = refusal("the quote table", &leaks).to_string();
        assert!(message.contains("2 identifier(s)"), "{message}");
        assert!(
            message.contains("a place in quote 1; a name in quote 1"),
            "{message}"
        );
        assert!(message.contains("--anonymise") && message.contains("--allow-identifiers"));
        assert!(
            !message.contains("Leeds"),
            "the words are not repeated: {message}"
        );
    }

    #[test]
    fn allow_and_anonymise_modes() {
        let g = guard();
        let mut leaks = Vec::new();
        let mut text = "in Leeds".to_string();
        g.screen(GuardMode::Allow, &mut text, || unreachable!(), &mut leaks);
        assert_eq!(text, "in Leeds");
        g.screen(
            GuardMode::Anonymise,
            &mut text,
            || unreachable!(),
            &mut leaks,
        );
        assert_eq!(text, "in [Town]");
        assert!(leaks.is_empty());
    }

    #[test]
    fn label_form_takes_the_brackets_off() {
        let a = |r: &str| AcceptedTerm {
            term: "x".into(),
            kind: "name".into(),
            replacement: r.into(),
        };
        assert_eq!(a("[Name 3]").label_form(), "Name 3");
        assert_eq!(a("Mary").label_form(), "Mary");
        assert_eq!(a("[]").label_form(), "[]");
    }

    #[test]
    fn flags_choose_the_safer_mode() {
        assert_eq!(GuardMode::from_flags(false, false), GuardMode::Refuse);
        assert_eq!(GuardMode::from_flags(true, false), GuardMode::Allow);
        assert_eq!(GuardMode::from_flags(true, true), GuardMode::Anonymise);
    }
}
