//! Document-level speaker facts reported after the turns are built: bracketed qualifiers
//! kept apart from names, and the interviewer inferred when no label says who it is.

use crate::model::{Role, Turn, Warning, WarningKind};

/// Qualifiers (`Guest`, `External`, `she/her`) stay out of the speaker's name and key, so
/// `Participant 06 (Guest)` and `Participant 06` are one speaker; the file's qualifiers are
/// listed once in a warning.
pub(crate) fn qualifier_warning(turns: &[Turn], warnings: &mut Vec<Warning>) {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut line = 0;
    for t in turns {
        if let (Some(speaker), Some(q)) = (&t.speaker, &t.qualifier)
            && !seen.iter().any(|(s, x)| s == speaker && x == q)
        {
            if seen.is_empty() {
                line = t.line;
            }
            seen.push((speaker.clone(), q.clone()));
        }
    }
    if seen.is_empty() {
        return;
    }
    let listed: Vec<String> = seen
        .iter()
        .take(4)
        .map(|(s, q)| format!("\"{s} ({q})\""))
        .collect();
    let more = if seen.len() > 4 {
        format!(" and {} more", seen.len() - 4)
    } else {
        String::new()
    };
    warnings.push(Warning {
        line,
        kind: WarningKind::SpeakerQualifier,
        message: format!(
            "{}{more}: the bracketed part of a speaker label (a Teams \"(Guest)\", pronouns \
             such as \"(she/her)\") is kept as the turn's qualifier, not as part of the name, \
             so the speaker is the same with or without it",
            listed.join(", ")
        ),
    });
}

/// In a two-person transcript where no speaker is in the interviewer list, the speaker who
/// asks more questions (counted as `?` in their turns, at least two) is taken to be the
/// interviewer, and a warning says so and how to say otherwise.
pub(crate) fn infer_interviewer(text: &str, turns: &mut [Turn], warnings: &mut Vec<Warning>) {
    if turns.iter().any(|t| t.role == Role::Interviewer) {
        return;
    }
    // Who speaks first, then (only for exactly two people) who asks what: the questions are
    // counted over every turn's text, so not at all for a monologue or a group.
    let mut people: Vec<(&str, usize, usize)> = Vec::new(); // key, questions, first line
    for t in turns.iter() {
        let (Some(key), Role::Participant) = (t.key.as_deref(), t.role) else {
            continue;
        };
        if !people.iter().any(|p| p.0 == key) {
            people.push((key, 0, t.line));
            if people.len() > 2 {
                return;
            }
        }
    }
    if people.len() != 2 {
        return;
    }
    for t in turns.iter() {
        if let (Some(key), Role::Participant) = (t.key.as_deref(), t.role)
            && let Some(p) = people.iter_mut().find(|p| p.0 == key)
        {
            p.1 += questions(t.text(text));
        }
    }
    let [a, b] = people.as_slice() else {
        return;
    };
    let (asker, other) = if a.1 > b.1 { (a, b) } else { (b, a) };
    if asker.1 == other.1 || asker.1 < 2 {
        return;
    }
    let (key, asked, line) = (asker.0.to_string(), asker.1, asker.2);
    let (other_key, other_asked) = (other.0.to_string(), other.1);
    for t in turns.iter_mut() {
        if t.key.as_deref() == Some(key.as_str()) {
            t.role = Role::Interviewer;
        }
    }
    warnings.push(Warning {
        line,
        kind: WarningKind::InferredInterviewer,
        message: format!(
            "no speaker is in the interviewer list; \"{key}\" asks {asked} questions and \
             \"{other_key}\" {other_asked}, so \"{key}\" is taken to be the interviewer; to \
             say who is, set interviewers = [\"{key}\"] (or the other name) in thematic.toml"
        ),
    });
}

/// Question marks in `s`, ASCII and full-width: counted over bytes (a `?` byte is only ever
/// that character in UTF-8), which is several times faster than a search for either char,
/// on every turn of every transcript without a listed interviewer. The full-width `？`
/// (U+FF1F, bytes EF BC 9F) is searched for only when an EF byte occurs at all, which a
/// `memchr` over the turn finds at once in the usual text without one.
fn questions(s: &str) -> usize {
    let bytes = s.as_bytes();
    let ascii = bytes.iter().filter(|&&b| b == b'?').count();
    let wide = if bytes.contains(&0xEF) {
        s.matches('？').count()
    } else {
        0
    };
    ascii + wide
}

#[cfg(test)]
mod tests {
    use crate::{Options, Role, WarningKind, parse};

    /// Two speakers, neither in the interviewer list: Ruth asks three questions, Sam one, so
    /// Ruth is the interviewer and the warning says how to override it.
    #[test]
    fn the_speaker_who_asks_more_is_the_interviewer() {
        let file = b"Ruth: What brought you here? Was it the GP?\n\nSam: Yes. Why?\n\n\
                     Ruth: And how was the first visit?\n\nSam: Fine.\n";
        let t = parse(file, &Options::default()).unwrap();
        let roles: Vec<_> = t.turns.iter().map(|x| x.role).collect();
        assert_eq!(
            roles,
            [
                Role::Interviewer,
                Role::Participant,
                Role::Interviewer,
                Role::Participant
            ]
        );
        let w = t
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::InferredInterviewer)
            .unwrap();
        assert!(
            w.message
                .contains("\"Ruth\" asks 3 questions and \"Sam\" 1"),
            "{}",
            w.message
        );
        assert!(
            w.message.contains("interviewers = [\"Ruth\"]"),
            "{}",
            w.message
        );
        // Turned off, or with a named interviewer, nothing is inferred.
        let off = Options {
            infer_interviewer: false,
            ..Options::default()
        };
        let t = parse(file, &off).unwrap();
        assert!(t.turns.iter().all(|x| x.role == Role::Participant));
        let mut named = Options::default();
        named.interviewers.push("Sam".into());
        let t = parse(file, &named).unwrap();
        assert_eq!(t.turns[1].role, Role::Interviewer);
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    }

    /// A tie, or three speakers, infers nothing.
    #[test]
    fn no_inference_on_a_tie_or_a_group() {
        let tie = b"Ruth: Why?\n\nSam: Why not?\n\nRuth: Fine.\n\nSam: Good.\n";
        let t = parse(tie, &Options::default()).unwrap();
        assert!(t.turns.iter().all(|x| x.role == Role::Participant));
        let group = b"Ruth: Why? How?\n\nSam: Yes.\n\nAmy: No.\n\nRuth: Really? Sure?\n\nSam: Yes.\n\nAmy: No.\n";
        let t = parse(group, &Options::default()).unwrap();
        assert!(t.turns.iter().all(|x| x.role == Role::Participant));
    }

    /// Teams' "(Guest)" and pronouns stay out of the name; one warning lists them.
    #[test]
    fn qualifiers_are_one_speaker_and_reported() {
        let file = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ruth Adeyemi (she/her)>Hello?</v>\n\n\
                    00:02.000 --> 00:03.000\n<v Sam Okafor (Guest)>Hi.</v>\n\n\
                    00:03.000 --> 00:04.000\n<v Sam Okafor>Shall I start?</v>\n";
        let t = parse(file.as_bytes(), &Options::default()).unwrap();
        // Sam's two cues merge although only the first carries "(Guest)".
        assert_eq!(t.speakers(), ["Ruth Adeyemi", "Sam Okafor"]);
        assert_eq!(t.turns.len(), 2);
        assert_eq!(t.turns[1].qualifier.as_deref(), Some("Guest"));
        let w: Vec<_> = t
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::SpeakerQualifier)
            .collect();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message
                .starts_with("\"Ruth Adeyemi (she/her)\", \"Sam Okafor (Guest)\":"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn question_marks_are_counted_ascii_and_full_width() {
        assert_eq!(super::questions("Why? And how? 何？ No."), 3);
        assert_eq!(super::questions("None here."), 0);
        assert_eq!(super::questions("¿Qué? ？？"), 3);
    }
}
