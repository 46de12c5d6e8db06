//! "More like these": the turns suggested for a code resemble the coder's extracts of it,
//! and what the coder has coded with it, dismissed, or an interviewer said is left out.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use thematic_index::{SimilarQuery, SimilarTurns, StudyIndex};
use thematic_study::{Coding, Study};

const P1: &str = "Interviewer: What helped you most?
P1: The gardening group at the allotment. Planting vegetables and weeding the beds with the others got me out of the house.
Interviewer: Anything else?
P1: My link worker sorted out the housing forms and the benefits letters for me.
P1: Growing tomatoes in the community garden gave me something to look after, planting and weeding.
";
const P2: &str =
    "Interviewer: Tell me about the garden project, the planting and the weeding at the allotment.
P2: I joined the allotment and now I grow vegetables and plant seeds every spring.
P2: The bus into town is expensive, so I rarely go anywhere.
P2: Money worries keep me awake at night, the debts mostly.
";
const P3: &str = "Interviewer: How was the first meeting?
P3: We talked about debts and the council tax and what to do first.
P3: Weeding and planting in the garden with the volunteers calms me down.
P3: I also started a walking group on Tuesdays with my neighbour.
";
const P4: &str = "Interviewer: And since then?
P4: The allotment is where I feel useful, growing vegetables with the others.
P4: My daughter visits on Sundays and we cook together.
P4: I still plant seedlings in the garden and weed the vegetable beds most mornings.
P4: The doctor changed my tablets in the spring.
P4: Planting out the tomatoes at the community garden, that was the best day.
";
const P5: &str = "Interviewer: Is there anything you would change?
P5: More buses in the evening, and someone to help with forms.
P5: The phone line at the surgery is always engaged.
P5: I would like more time with the link worker, the sessions are short.
P5: My neighbour helps with shopping on Fridays.
";

fn study() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study =
        thematic_study::testing::study(dir.path(), thematic_study::testing::MECHANISMS_FILE);
    for (id, text) in [("P1", P1), ("P2", P2), ("P3", P3), ("P4", P4), ("P5", P5)] {
        std::fs::write(study.transcripts_dir().join(format!("{id}.txt")), text).unwrap();
    }
    (dir, study)
}

/// Codes turn `turn` of `transcript` (all of it, or its first `chars` characters).
fn code(
    study: &Study,
    coder: &str,
    transcript: &str,
    turn: usize,
    theme: &str,
    chars: Option<usize>,
) {
    let t = study.transcript(transcript).unwrap();
    let x = &t.turns[turn - 1];
    let end = chars.map_or(x.end, |n| x.start + n);
    let c = Coding {
        id: thematic_study::new_coding_id(),
        coder: coder.into(),
        transcript: transcript.into(),
        turn,
        start: x.start,
        end,
        theme: theme.into(),
        text: t.text.chars().skip(x.start).take(end - x.start).collect(),
        ..Coding::default()
    };
    study.add_coding(&c).unwrap();
}

fn similar(
    study: &Study,
    coder: &str,
    theme: &str,
    dismissed: &[(&str, u64)],
    offset: usize,
    limit: usize,
) -> SimilarTurns {
    let (index, _) = StudyIndex::open(study, &mut |_| {}).unwrap();
    let q = SimilarQuery {
        coder: coder.into(),
        theme: theme.into(),
        dismissed: dismissed.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
        offset,
        limit,
        context: 30,
    };
    index.similar(&study.codebook().unwrap(), &q).unwrap()
}

fn turns(found: &SimilarTurns) -> Vec<(String, u64)> {
    found
        .suggestions
        .iter()
        .map(|s| (s.transcript.clone(), s.turn))
        .collect()
}

fn at(list: &[(&str, u64)]) -> BTreeSet<(String, u64)> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

/// The participants' gardening turns that KW has not coded.
const GARDENING: &[(&str, u64)] = &[("P2", 2), ("P3", 3), ("P4", 2), ("P4", 4), ("P4", 6)];

#[test]
fn turns_about_gardening_are_found_for_a_code_whose_extracts_are_about_gardening() {
    let (_dir, study) = study();
    code(&study, "KW", "P1", 2, "active-engagement", None);
    code(&study, "KW", "P1", 5, "active-engagement", None);
    let found = similar(&study, "KW", "active-engagement", &[], 0, 20);
    assert_eq!((found.coded_turns, found.examples), (2, 2));
    for word in ["planting", "weeding", "garden", "allotment", "vegetables"] {
        assert!(
            found.terms.iter().any(|t| t == word),
            "{word} in {:?}",
            found.terms
        );
    }
    assert!(
        !found.terms.iter().any(|t| t == "the" || t == "me"),
        "{:?}",
        found.terms
    );
    // The gardening turns first, every one of them, and no coded or interviewer turn.
    let got = turns(&found);
    let first: BTreeSet<(String, u64)> = got.iter().take(GARDENING.len()).cloned().collect();
    assert_eq!(first, at(GARDENING), "{got:?}");
    for left_out in [("P1", 2), ("P1", 5), ("P2", 1)] {
        assert!(
            !at(&[left_out]).is_subset(&got.iter().cloned().collect()),
            "{left_out:?} in {got:?}"
        );
    }
    assert!(found.suggestions.iter().all(|s| s.role != "interviewer"));
    // Best first, ties in transcript and turn order.
    assert!(found.suggestions.windows(2).all(|w| w[0].score > w[1].score
        || (w[0].score == w[1].score
            && (&w[0].transcript, w[0].turn) < (&w[1].transcript, w[1].turn))));
    // The suggestion is the whole turn, with its words marked in the snippet.
    let p3 = found
        .suggestions
        .iter()
        .find(|s| (s.transcript.as_str(), s.turn) == ("P3", 3))
        .unwrap();
    let t = study.transcript("P3").unwrap();
    assert_eq!(
        (p3.start, p3.end),
        (t.turns[2].start as u64, t.turns[2].end as u64)
    );
    assert!(p3.text.starts_with("Weeding and planting"), "{}", p3.text);
    let chars: Vec<char> = p3.snippet.chars().collect();
    let marked: Vec<String> = p3
        .marks
        .iter()
        .map(|&(a, b)| chars[a..b].iter().collect())
        .collect();
    assert!(
        marked.iter().any(|m| m.contains("Weeding")),
        "{marked:?} in {}",
        p3.snippet
    );
    assert_eq!(p3.participant, "P3");
    assert_eq!(p3.speaker, "P3");
}

#[test]
fn coded_dismissed_and_other_coders_turns() {
    let (_dir, study) = study();
    code(&study, "KW", "P1", 2, "active-engagement", None);
    code(&study, "KW", "P1", 5, "active-engagement", None);
    // Part of a turn coded with the code: the turn counts as coded.
    code(&study, "KW", "P4", 4, "active-engagement", Some(12));
    // Coded with another code: still a suggestion.
    code(&study, "KW", "P4", 2, "what-matters", None);
    // Another coder's codings are neither examples nor coded (blind coding).
    code(&study, "AB", "P3", 3, "active-engagement", None);
    code(&study, "AB", "P5", 4, "active-engagement", None);
    let found = similar(&study, "KW", "active-engagement", &[("P4", 6)], 0, 20);
    let got: BTreeSet<(String, u64)> = turns(&found).into_iter().collect();
    assert!(
        at(&[("P2", 2), ("P3", 3), ("P4", 2)]).is_subset(&got),
        "{got:?}"
    );
    for left_out in [("P4", 4), ("P4", 6), ("P1", 2), ("P1", 5)] {
        assert!(
            !got.contains(&(left_out.0.to_string(), left_out.1)),
            "{left_out:?} in {got:?}"
        );
    }
    assert_eq!(found.coded_turns, 3);
    assert!(
        !found.terms.iter().any(|t| t == "sessions"),
        "AB's extract is not an example"
    );
}

#[test]
fn a_group_stands_for_the_codes_under_it() {
    let (_dir, study) = study();
    code(&study, "KW", "P1", 2, "active-engagement", None);
    code(&study, "KW", "P1", 5, "empowerment", None);
    // patients-role is the group above both.
    let found = similar(&study, "KW", "patients-role", &[], 0, 5);
    assert_eq!(found.coded_turns, 2);
    let first: BTreeSet<(String, u64)> = turns(&found).into_iter().collect();
    assert_eq!(first, at(GARDENING));
    // A code under the group sees only its own extracts.
    assert_eq!(
        similar(&study, "KW", "empowerment", &[], 0, 5).coded_turns,
        1
    );
}

#[test]
fn pages_follow_on_and_answers_repeat() {
    let (_dir, study) = study();
    code(&study, "KW", "P1", 2, "active-engagement", None);
    code(&study, "KW", "P1", 5, "active-engagement", None);
    let all = similar(&study, "KW", "active-engagement", &[], 0, 50);
    assert!(!all.more);
    assert!(all.suggestions.len() > 4, "{:?}", turns(&all));
    let one = similar(&study, "KW", "active-engagement", &[], 0, 2);
    let two = similar(&study, "KW", "active-engagement", &[], 2, 2);
    assert!(one.more && two.more);
    let mut paged = turns(&one);
    paged.extend(turns(&two));
    assert_eq!(paged, turns(&all)[..4].to_vec());
    assert_eq!(similar(&study, "KW", "active-engagement", &[], 0, 50), all);
    // Dismissing a turn of the first page pulls the next one up.
    let first = &one.suggestions[0];
    let after = similar(
        &study,
        "KW",
        "active-engagement",
        &[(&first.transcript, first.turn)],
        0,
        2,
    );
    assert_eq!(turns(&after), turns(&all)[1..3].to_vec());
}

#[test]
fn a_code_without_extracts_suggests_nothing_and_an_unknown_code_is_an_error() {
    let (_dir, study) = study();
    let found = similar(&study, "KW", "active-engagement", &[], 0, 20);
    assert_eq!(found, SimilarTurns::default());
    let (index, _) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    let q = SimilarQuery {
        coder: "KW".into(),
        theme: "active-engagemnt".into(),
        limit: 5,
        ..SimilarQuery::default()
    };
    let e = index.similar(&study.codebook().unwrap(), &q).unwrap_err();
    assert!(e.to_string().contains("active-engagemnt"), "{e}");
}

#[test]
fn many_extracts_are_sampled_evenly() {
    let (_dir, study) = study();
    // Coded turns about the allotment, each followed by five about buses, so the
    // allotment's words stay in fewer than a fifth of the turns.
    let mut long = String::from("Interviewer: Tell me about your week.\n");
    let n = thematic_index::MAX_EXAMPLES + 20;
    for k in 0..n {
        long.push_str(&format!(
            "P9: Week {k} we were weeding and planting at the allotment.\n"
        ));
        for bus in ["late", "full", "cancelled", "early", "slow"] {
            long.push_str(&format!("P9: On day {k} the bus was {bus} again.\n"));
        }
    }
    std::fs::write(study.transcripts_dir().join("P9.txt"), long).unwrap();
    let t = study.transcript("P9").unwrap();
    let codings: Vec<Coding> = (0..n)
        .map(|k| {
            let turn = &t.turns[1 + 6 * k];
            Coding {
                id: thematic_study::new_coding_id(),
                coder: "KW".into(),
                transcript: "P9".into(),
                turn: 2 + 6 * k,
                start: turn.start,
                end: turn.end,
                theme: "active-engagement".into(),
                text: turn.text(&t.text).into(),
                ..Coding::default()
            }
        })
        .collect();
    study.add_codings("KW", &codings).unwrap();
    let found = similar(&study, "KW", "active-engagement", &[], 0, 7);
    assert_eq!(
        (found.coded_turns, found.examples),
        (n, thematic_index::MAX_EXAMPLES)
    );
    assert!(
        found.terms.iter().any(|t| t == "weeding"),
        "{:?}",
        found.terms
    );
    let got: BTreeSet<(String, u64)> = turns(&found).into_iter().collect();
    let uncoded_in_p1 = at(&[("P1", 2), ("P1", 5)]);
    assert_eq!(got, at(GARDENING).union(&uncoded_in_p1).cloned().collect());
}
