//! When a caption cue's label is a speaker label. A label is a label when the file labels
//! speakers consistently; a line that merely looks like one in a file that otherwise labels
//! no one is speech.
//!
//! The evidence, for the cues without a `<v>` voice tag:
//! - **`(Name)` lines** (Google Meet): a first line that is only `(Name)`, with speech after
//!   it, names the cue's speaker when at least half of the cues start with one and some
//!   name recurs. Subtitles' sound descriptions (`(deep rumbling)`) are rare, varied and
//!   usually alone in their cue, so they stay text.
//! - **`Name:` prefixes** (Zoom, SRT from editing tools): a prefix names the speaker when
//!   the same name starts two or more cues, when at least half of the cues carry a prefix,
//!   when the name is a known role (`Interviewer`, `P6`, `SPEAKER_00` …), or when the label
//!   stands alone on the cue's first line (`MAN:`) and two or more cues have such a line.
//! - Anything else that looks like a label ("Lesson one: never…" once in a film) is read as
//!   speech and suggested in a [`WarningKind::SpeakerSuggestion`] warning.

use std::collections::HashMap;

use crate::cues::split_speakers;
use crate::labels::{CONVENTIONS, is_known_role, plausible_label, speaker_key, split_qualifier};
use crate::model::{Warning, WarningKind};

/// How many suggestions one file gets before the rest are counted in one warning.
const MAX_SUGGESTIONS: usize = 5;

/// A cue without a voice tag, as the naming sees it.
pub(crate) struct Found<'a> {
    /// The cue's text, its lines joined by spaces.
    pub text: &'a str,
    /// Its first line.
    pub first: &'a str,
    /// Whether text follows the first line.
    pub more: bool,
    /// Its line in the file, for warnings.
    pub line: usize,
}

/// A cue's speaker, qualifier and remaining text, when it is named.
pub(crate) type Naming = Option<(String, Option<String>, String)>;

/// What [`name_cues`] decided.
pub(crate) struct Named {
    /// Per cue, in order.
    pub names: Vec<Naming>,
    /// Suggestions for candidates that were not taken.
    pub warnings: Vec<Warning>,
}

/// Names the cues whose labels the file bears out; the rules are in the module docs.
pub(crate) fn name_cues(cues: &[Found<'_>]) -> Named {
    let n = cues.len();
    let mut names: Vec<Naming> = vec![None; n];
    // `(Name)` lines.
    let parens: Vec<Option<&str>> = cues.iter().map(paren_label).collect();
    let mut paren_counts: HashMap<String, usize> = HashMap::new();
    for p in parens.iter().flatten() {
        *paren_counts.entry(speaker_key(p)).or_default() += 1;
    }
    let paren_cues = parens.iter().flatten().count();
    let meet = paren_cues * 2 >= n && paren_counts.values().any(|&c| c >= 2);
    if meet {
        for ((name, cue), p) in names.iter_mut().zip(cues).zip(&parens) {
            if let Some(p) = p {
                let (base, qualifier) = split_qualifier(p.trim());
                let rest = cue.text[cue.first.len().min(cue.text.len())..].trim();
                *name = Some((
                    base.to_string(),
                    qualifier.map(str::to_string),
                    rest.to_string(),
                ));
            }
        }
    }
    // `Name:` prefixes, on the cues not already named.
    let texts: Vec<&str> = cues.iter().map(|c| c.text).collect();
    let splits = split_speakers(&texts);
    let prefixed = splits.iter().filter(|s| s.is_some()).count();
    // Most caption files label every cue (Zoom, Teams without voice tags): then every prefix
    // is taken and nothing needs counting, which keeps the common case as fast as before
    // these rules existed.
    let most = prefixed * 2 >= n;
    let (recurs, own_line) = if most {
        (vec![true; n], 0)
    } else {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut own_line = 0usize;
        for (split, cue) in splits.iter().zip(cues) {
            if let Some((speaker, _, _)) = split {
                *counts.entry(speaker.as_str()).or_default() += 1;
                own_line += usize::from(alone_on_first_line(cue, speaker));
            }
        }
        let recurs = splits
            .iter()
            .map(|s| {
                s.as_ref()
                    .is_some_and(|(sp, _, _)| counts.get(sp.as_str()).copied().unwrap_or(0) >= 2)
            })
            .collect();
        (recurs, own_line)
    };
    let mut warnings = Vec::new();
    let mut suggested = 0usize;
    for (((name, split), cue), recurs) in names.iter_mut().zip(splits).zip(cues).zip(recurs) {
        let Some((speaker, qualifier, rest)) = split else {
            continue;
        };
        if name.is_some() {
            continue;
        }
        let taken = recurs
            || most
            || is_known_role(&speaker_key(&speaker))
            || (own_line >= 2 && alone_on_first_line(cue, &speaker));
        if taken {
            *name = Some((speaker, qualifier, rest));
            continue;
        }
        suggested += 1;
        if suggested <= MAX_SUGGESTIONS {
            warnings.push(Warning {
                line: cue.line,
                kind: WarningKind::SpeakerSuggestion,
                message: format!(
                    "\"{speaker}\" looks like a speaker label, but it starts only this cue and \
                     {prefixed} of {n} cues carry a label, so it is read as speech; if it is a \
                     speaker, label the file's turns consistently (`Name: …` on each turn)"
                ),
            });
        }
    }
    if suggested > MAX_SUGGESTIONS {
        warnings.push(Warning {
            line: warnings.last().map_or(0, |w| w.line),
            kind: WarningKind::SpeakerSuggestion,
            message: format!(
                "{} more cue(s) start with something like a speaker label; all read as speech",
                suggested - MAX_SUGGESTIONS
            ),
        });
    }
    Named { names, warnings }
}

/// `(Ruth Adeyemi)` alone on a cue's first line, with speech after it.
fn paren_label<'a>(cue: &Found<'a>) -> Option<&'a str> {
    let inner = cue.first.strip_prefix('(')?.strip_suffix(')')?.trim();
    if !cue.more
        || inner.is_empty()
        || inner.contains(['(', ')'])
        || CONVENTIONS.iter().any(|s| inner.eq_ignore_ascii_case(s))
        || !plausible_label(inner)
    {
        return None;
    }
    Some(inner)
}

/// Whether the cue's first line is the label `speaker` and its colon alone (`MAN:`).
fn alone_on_first_line(cue: &Found<'_>, speaker: &str) -> bool {
    cue.more
        && cue
            .first
            .strip_suffix([':', '：'])
            .is_some_and(|l| split_qualifier(l.trim()).0 == speaker)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(text: &str) -> (String, String, bool) {
        let lines: Vec<&str> = text.split('\n').collect();
        (lines.join(" "), lines[0].to_string(), lines.len() > 1)
    }

    fn name(texts: &[&str]) -> Named {
        let owned: Vec<(String, String, bool)> = texts.iter().map(|t| cue(t)).collect();
        let found: Vec<Found<'_>> = owned
            .iter()
            .enumerate()
            .map(|(i, (text, first, more))| Found {
                text,
                first,
                more: *more,
                line: i + 1,
            })
            .collect();
        name_cues(&found)
    }

    fn who(n: &Named) -> Vec<&str> {
        n.names
            .iter()
            .map(|x| x.as_ref().map_or("", |(s, _, _)| s.as_str()))
            .collect()
    }

    /// A film that labels no one keeps "Lesson one: …" as speech and says why.
    #[test]
    fn a_lone_prefix_in_an_unlabelled_film_is_speech() {
        let n = name(&[
            "Lesson one: never trust a man in a hat.",
            "Why not?",
            "Because I wear one.",
            "- Fair enough.\n- Quite.",
        ]);
        assert_eq!(who(&n), ["", "", "", ""]);
        assert_eq!(n.warnings.len(), 1);
        assert_eq!(n.warnings[0].kind, WarningKind::SpeakerSuggestion);
        assert!(n.warnings[0].message.contains("\"Lesson one\""));
        assert!(n.warnings[0].message.contains("1 of 4 cues"));
    }

    /// Zoom: every cue has a prefix, so a guest who speaks once is a speaker.
    #[test]
    fn prefixes_on_most_cues_are_speakers_even_once() {
        let n = name(&[
            "Ruth: Hello.",
            "Ruth: Welcome.",
            "Guest: Hi.",
            "Ruth: Good.",
        ]);
        assert_eq!(who(&n), ["Ruth", "Ruth", "Guest", "Ruth"]);
        assert!(n.warnings.is_empty());
        assert_eq!(n.names[2].as_ref().unwrap().2, "Hi.");
    }

    /// Editing tools: `MAN:` alone on the first line of the cue that starts a turn.
    #[test]
    fn own_line_labels_count_when_two_cues_have_one() {
        let n = name(&[
            "MAN:\nWhen we think",
            "we have this vision",
            "MAN 2:\nE equals m c-squared",
            "not about an old Einstein.",
        ]);
        assert_eq!(who(&n), ["MAN", "", "MAN 2", ""]);
        // One such line among sound effects is not enough.
        let n = name(&[
            "(deep rumbling)",
            "MAN:\nHow did we end up here?",
            "Smells bad.",
        ]);
        assert_eq!(who(&n), ["", "", ""]);
        assert_eq!(n.warnings.len(), 1);
    }

    /// Google Meet: `(Name)` on its own line above the speech.
    #[test]
    fn meet_parenthesised_names() {
        let n = name(&[
            "(Ruth Adeyemi)\nShall we start?",
            "(Sam Okafor)\nYes, go ahead.",
            "(Ruth Adeyemi)\nWhat helps?",
        ]);
        assert_eq!(who(&n), ["Ruth Adeyemi", "Sam Okafor", "Ruth Adeyemi"]);
        assert_eq!(n.names[1].as_ref().unwrap().2, "Yes, go ahead.");
        // Sound descriptions in subtitles are not names.
        let n = name(&[
            "(deep rumbling)",
            "(MUMBLING)\nYeah.",
            "(GRUNTS)\nLittle help.",
            "Okay.",
        ]);
        assert_eq!(who(&n), ["", "", "", ""]);
        assert!(n.warnings.is_empty());
    }
}
