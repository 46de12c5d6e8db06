use super::*;
use thematic_transcript::{Encoding, Format, Options, parse};

fn transcript(text: &str) -> Transcript {
    parse(text.as_bytes(), &Options::default()).expect("parses")
}

/// A coding on the only occurrence of `quote` in (1-based) turn `turn`.
fn code(t: &Transcript, id: &str, turn: usize, quote: &str) -> Coding {
    let tr = &t.turns[turn - 1];
    let turn_text = tr.text(&t.text);
    let at = turn_text.find(quote).expect("quote in turn");
    assert_eq!(
        turn_text.matches(quote).count(),
        1,
        "ambiguous quote {quote:?}"
    );
    let start = tr.start + turn_text[..at].chars().count();
    let end = start + quote.chars().count();
    coding(id, turn, start, end, quote)
}

fn coding(id: &str, turn: usize, start: usize, end: usize, text: &str) -> Coding {
    Coding {
        id: id.to_string(),
        coder: "ana".to_string(),
        transcript: "P6".to_string(),
        turn,
        start,
        end,
        theme: "t".to_string(),
        text: text.to_string(),
        created: "2024-05-01T10:00:00Z".to_string(),
        ..Coding::default()
    }
}

/// The code-point offset of the only occurrence of `needle` in `t`.
fn offset(t: &Transcript, needle: &str) -> usize {
    assert_eq!(t.text.matches(needle).count(), 1, "ambiguous {needle:?}");
    let at = t.text.find(needle).expect("present");
    t.text[..at].chars().count()
}

fn moved(a: &Anchor) -> (usize, usize, usize, &str, f64) {
    match a {
        Anchor::Moved {
            turn,
            start,
            end,
            text,
            similarity,
        } => (*turn, *start, *end, text.as_str(), *similarity),
        other => panic!("expected Moved, got {other:?}"),
    }
}

fn reason(a: &Anchor) -> &str {
    match a {
        Anchor::Orphaned { reason } => reason,
        other => panic!("expected Orphaned, got {other:?}"),
    }
}

/// `text[start..end]` in code points.
fn quote(t: &Transcript, start: usize, end: usize) -> String {
    t.text.chars().skip(start).take(end - start).collect()
}

const BASE: &str = "Interviewer: How did you start?\n\n\
    P6: I started in 2019 after working in housing.\n\n\
    Interviewer: What was hard about it?\n\n\
    P6: We did not recieve the funding we were promised, so it was hard to plan.\n\n\
    Interviewer: And now?\n\n\
    P6: Now it is better. We have a team of five.\n";

#[test]
fn parses_the_base_transcript_into_six_turns() {
    let t = transcript(BASE);
    assert_eq!(t.turns.len(), 6);
    assert_eq!(t.turns[1].speaker.as_deref(), Some("P6"));
    assert_eq!(
        t.turns[1].text(&t.text),
        "I started in 2019 after working in housing."
    );
}

#[test]
fn module_doc_example() {
    let before = "Interviewer: How did you start?\n\nP6: I startted in 2019.\n\n\
                  Interviewer: Why?\n\nP6: Housing.\n";
    let old = transcript(before);
    let new = transcript(&before.replace("startted", "started"));
    let c = coding("c-1", 2, 51, 55, "2019");
    assert_eq!(c, code(&old, "c-1", 2, "2019"));
    let out = reanchor(&old, &new, &[c]);
    assert!(matches!(
        out[0].anchor,
        Anchor::Moved {
            turn: 2,
            start: 50,
            end: 54,
            ..
        }
    ));
}

#[test]
fn unchanged_transcript_keeps_everything() {
    let t = transcript(BASE);
    let codings = vec![
        code(&t, "a", 2, "working in housing"),
        code(&t, "b", 4, "it was hard to plan"),
        code(&t, "c", 6, "a team of five"),
        code(&t, "d", 1, "How did you start?"),
    ];
    let out = reanchor(&t, &t, &codings);
    assert_eq!(out.len(), 4);
    for (r, c) in out.iter().zip(&codings) {
        assert_eq!(r.id, c.id);
        assert_eq!(r.coder, "ana");
        assert_eq!(r.anchor, Anchor::Kept);
    }
}

#[test]
fn typo_fixed_earlier_in_the_turn_moves_exactly() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace("We did not recieve", "We didn't recieve"));
    let c = code(&old, "a", 4, "it was hard to plan");
    let later = code(&old, "b", 6, "a team of five");
    let before = code(&old, "c", 2, "working in housing");
    let out = reanchor(&old, &new, &[c.clone(), later.clone(), before]);

    let (turn, start, end, text, sim) = moved(&out[0].anchor);
    assert_eq!((turn, text, sim), (4, "it was hard to plan", 1.0));
    assert_eq!(start, c.start - 1);
    assert_eq!(end, c.end - 1);
    assert_eq!(start, offset(&new, "it was hard to plan"));
    assert_eq!(start, 175);

    let (turn, start, end, _, sim) = moved(&out[1].anchor);
    assert_eq!(
        (turn, start, end, sim),
        (6, later.start - 1, later.end - 1, 1.0)
    );
    assert_eq!(out[2].anchor, Anchor::Kept);
}

#[test]
fn turn_inserted_before_moves_to_the_next_turn() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace(
        "Interviewer: What was hard",
        "Interviewer: Mm-hm.\n\nInterviewer: What was hard",
    ));
    assert_eq!(new.turns.len(), 7);
    let c = code(&old, "a", 4, "it was hard to plan");
    let first = code(&old, "b", 2, "working in housing");
    let out = reanchor(&old, &new, &[c.clone(), first]);
    let (turn, start, end, text, sim) = moved(&out[0].anchor);
    assert_eq!(turn, 5);
    assert_eq!(text, "it was hard to plan");
    assert_eq!(sim, 1.0);
    // "Mm-hm.\n\nInterviewer: " is 21 code points.
    assert_eq!((start, end), (c.start + 21, c.end + 21));
    assert_eq!(start, offset(&new, "it was hard to plan"));
    assert_eq!(out[1].anchor, Anchor::Kept);
}

#[test]
fn turn_deleted_before_moves_to_the_previous_turn() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace("Interviewer: And now?\n\n", ""));
    let c = code(&old, "a", 6, "a team of five");
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    let (turn, start, end, _, sim) = moved(&out[0].anchor);
    assert_eq!((turn, sim), (5, 1.0));
    assert_eq!((start, end), (c.start - 23, c.end - 23));
}

#[test]
fn lightly_corrected_words_move_fuzzily() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace("recieve", "receive"));
    let c = code(&old, "a", 4, "We did not recieve the funding");
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    let (turn, start, end, text, sim) = moved(&out[0].anchor);
    assert_eq!(turn, 4);
    assert_eq!((start, end), (c.start, c.end));
    assert_eq!(text, "We did not receive the funding");
    // Two substitutions in 30 code points.
    assert!((sim - (1.0 - 2.0 / 30.0)).abs() < 1e-9, "{sim}");
    assert!(sim > 0.8 && sim < 1.0);
}

#[test]
fn fuzzy_match_after_turn_insert_and_length_change() {
    let old = transcript(BASE);
    let new = transcript(
        &BASE
            .replace("recieve the funding", "receive the funds")
            .replace(
                "Interviewer: How did",
                "Interviewer: Hello.\n\nP6: Hi.\n\nInterviewer: How did",
            ),
    );
    let c = code(&old, "a", 4, "We did not recieve the funding");
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    let (turn, start, end, text, sim) = moved(&out[0].anchor);
    assert_eq!(turn, 6);
    // Grown to the whole word "funds", not cut at "fund".
    assert_eq!(text, "We did not receive the funds");
    assert_eq!(start, offset(&new, "We did not"));
    assert_eq!(end, start + 28);
    // Two substitutions for "recieve", three edits for "funding" → "funds".
    assert!((sim - (1.0 - 5.0 / 30.0)).abs() < 1e-9, "{sim}");
    // Refused with a stricter threshold, with the similarity in the reason.
    let strict = reanchor_with(&old, &new, &[c], 0.9);
    let why = reason(&strict[0].anchor);
    assert!(
        why.contains("no longer occur in turn 6 or anywhere else"),
        "{why}"
    );
    assert!(why.contains("83% similar (needs 90%)"), "{why}");
}

#[test]
fn a_word_grown_at_the_edge_is_not_quoted_in_half() {
    let old = transcript(BASE);
    let c = code(&old, "a", 6, "a team of five");
    // Same offsets, same characters, but "five" is now part of a longer word.
    let new = transcript(&BASE.replace("a team of five", "a team of fives"));
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    let (turn, start, end, text, sim) = moved(&out[0].anchor);
    assert_eq!((turn, start, end), (6, c.start, c.end + 1));
    assert_eq!(text, "a team of fives");
    assert!((sim - (1.0 - 1.0 / 15.0)).abs() < 1e-9, "{sim}");
    // Grown too much to be the same words: orphaned, not quoted as "… five|fold".
    let new = transcript(&BASE.replace("a team of five", "a team of fivefold"));
    let out = reanchor(&old, &new, &[c]);
    let why = reason(&out[0].anchor);
    assert!(
        why.contains("the closest match in turn 6 is 77% similar"),
        "{why}"
    );
}

#[test]
fn fuzzy_match_snaps_to_word_boundaries() {
    let old = transcript(BASE);
    // The quote's first word changes; an unsnapped match would start mid-word.
    let new = transcript(&BASE.replace("Now it is better", "Nowadays it is better"));
    let c = code(&old, "a", 6, "Now it is better. We have a team");
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    let (turn, start, end, text, sim) = moved(&out[0].anchor);
    assert_eq!(turn, 6);
    assert_eq!(text, "Nowadays it is better. We have a team");
    assert_eq!((start, end), (c.start, c.end + 5));
    assert!((0.8..1.0).contains(&sim), "{sim}");
}

#[test]
fn deleted_words_are_orphaned_with_a_reason() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace(
        "We did not recieve the funding we were promised, so it was hard to plan.",
        "Money was tight.",
    ));
    let c = code(&old, "a", 4, "the funding we were promised");
    let out = reanchor(&old, &new, &[c]);
    let why = reason(&out[0].anchor);
    assert!(
        why.starts_with("the coded words no longer occur in turn 4 or anywhere else"),
        "{why}"
    );
}

#[test]
fn reworded_quote_reports_the_closest_similarity() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace("a team of five", "a group of four"));
    let c = code(&old, "a", 6, "a team of five");
    let out = reanchor(&old, &new, &[c]);
    let why = reason(&out[0].anchor);
    assert!(why.contains("no longer occur in turn 6"), "{why}");
    assert!(why.contains("the closest match in turn 6 is"), "{why}");
    assert!(why.contains("% similar (needs 80%)"), "{why}");
}

#[test]
fn duplicate_phrase_picks_the_aligned_turn() {
    let text = "Interviewer: Tell me about work.\n\n\
        P6: Work was fine. It was hard at first.\n\n\
        Interviewer: And at home?\n\n\
        P6: At home it was hard too, with the kids.\n\n\
        Interviewer: Anything else?\n\n\
        P6: No, that is all.\n";
    let old = transcript(text);
    let c = code(&old, "a", 4, "it was hard");
    // Fix a word earlier in turn 4 so the offsets no longer match.
    let new = transcript(&text.replace("At home it", "At home, it"));
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    let (turn, start, end, _, _) = moved(&out[0].anchor);
    assert_eq!((turn, start, end), (4, c.start + 1, c.end + 1));
}

#[test]
fn duplicate_phrase_prefers_alignment_over_turn_number() {
    let text = "Interviewer: Tell me about work.\n\n\
        P6: Work was fine at the start.\n\n\
        Interviewer: And at home?\n\n\
        P6: At home it was hard, with the kids.\n\n\
        Interviewer: And the move?\n\n\
        P6: The move, it was hard as well.\n";
    let old = transcript(text);
    let c = code(&old, "a", 4, "it was hard");
    // The first two turns are deleted: old turn 4 is now turn 2, and the new turn 4
    // (old turn 6) holds the same words.
    let new = transcript(&text.replace(
        "Interviewer: Tell me about work.\n\nP6: Work was fine at the start.\n\n",
        "",
    ));
    let out = reanchor(&old, &new, &[c]);
    let (turn, start, end, text, sim) = moved(&out[0].anchor);
    assert_eq!((turn, text, sim), (2, "it was hard", 1.0));
    assert_eq!(start, offset(&new, "it was hard, with"));
    assert_eq!(end, start + 11);
}

#[test]
fn words_moved_to_another_turn_are_found_when_unique() {
    let old = transcript(BASE);
    // The transcriber moves a sentence from turn 6 to turn 2.
    let new = transcript(
        &BASE
            .replace(" We have a team of five.", "")
            .replace("in housing.", "in housing. We have a team of five."),
    );
    let c = code(&old, "a", 6, "We have a team of five.");
    let out = reanchor(&old, &new, &[c]);
    let (turn, start, end, _, sim) = moved(&out[0].anchor);
    assert_eq!((turn, sim), (2, 1.0));
    assert_eq!(start, offset(&new, "We have a team"));
    assert_eq!(end, start + 23);
}

#[test]
fn words_elsewhere_more_than_once_are_ambiguous() {
    let text = "Interviewer: First?\n\n\
        P6: Well, it was hard.\n\n\
        Interviewer: Second?\n\n\
        P6: Yes, it was hard.\n\n\
        Interviewer: Third?\n\n\
        P6: Honestly it was hard.\n";
    let old = transcript(text);
    let c = code(&old, "a", 4, "it was hard");
    let new = transcript(&text.replace("Yes, it was hard.", "Yes, quite difficult."));
    let out = reanchor(&old, &new, &[c]);
    let why = reason(&out[0].anchor);
    assert!(why.contains("no longer occur in turn 4"), "{why}");
    assert!(why.contains("occur 2 times elsewhere"), "{why}");
}

#[test]
fn speaker_relabel_moves_every_coding_exactly() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace("P6:", "P06:"));
    let a = code(&old, "a", 2, "working in housing");
    let b = code(&old, "b", 4, "it was hard to plan");
    let c = code(&old, "c", 6, "a team of five");
    let d = code(&old, "d", 3, "What was hard");
    let out = reanchor(&old, &new, &[a.clone(), b.clone(), c.clone(), d.clone()]);
    for (r, (c, shift, turn)) in out.iter().zip([(a, 1, 2), (b, 2, 4), (c, 3, 6), (d, 1, 3)]) {
        let (t, start, end, _, sim) = moved(&r.anchor);
        assert_eq!(
            (t, start, end, sim),
            (turn, c.start + shift, c.end + shift, 1.0)
        );
    }
}

#[test]
fn non_ascii_offsets_are_code_points() {
    let text = "Interviewer: Où étiez-vous?\n\n\
        P6: Au café 🙂 près de la gare, j’étais serveuse.\n\n\
        Interviewer: Et après?\n\n\
        P6: J’ai ouvert mon propre café ☕ en 2019.\n";
    let old = transcript(text);
    let c = code(&old, "a", 4, "mon propre café ☕");
    let d = code(&old, "b", 2, "près de la gare");
    assert_eq!(c.start, offset(&old, "mon propre"));
    assert_ne!(c.start, old.text.find("mon propre").expect("present"));
    // An emoji (one code point, four bytes) inserted early in both turns.
    let new = transcript(
        &text
            .replace("Au café 🙂", "Au café 🙂🙂")
            .replace("J’ai ouvert", "🎉 J’ai ouvert"),
    );
    let out = reanchor(&old, &new, &[c.clone(), d.clone()]);
    let (turn, start, end, q, sim) = moved(&out[0].anchor);
    assert_eq!((turn, q, sim), (4, "mon propre café ☕", 1.0));
    // One emoji earlier in the text plus "🎉 " in the turn: three code points.
    assert_eq!((start, end), (c.start + 3, c.end + 3));
    assert_eq!(end - start, 17);
    assert_eq!(quote(&new, start, end), "mon propre café ☕");
    let (turn, start, end, _, _) = moved(&out[1].anchor);
    assert_eq!((turn, start, end), (2, d.start + 1, d.end + 1));

    // A fuzzy match through accents counts code points too.
    let new = transcript(&text.replace("propre café ☕", "propre cafe ☕"));
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    let (turn, start, end, q, sim) = moved(&out[0].anchor);
    assert_eq!(
        (turn, start, end, q),
        (4, c.start, c.end, "mon propre cafe ☕")
    );
    assert!((sim - (1.0 - 1.0 / 17.0)).abs() < 1e-9);
}

#[test]
fn never_panics_on_odd_input() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace("2019", "2018"));
    let len = old.text.chars().count();
    let codings = vec![
        coding("past-end", 2, len + 10, len + 20, "housing"),
        coding("reversed", 2, 40, 30, "housing"),
        coding("turn-0", 0, 0, 5, "Inter"),
        coding("turn-99", 99, 5, 10, "zzz"),
        coding("empty", 2, 40, 40, ""),
        coding("empty-far", 42, 1_000, 1_000, ""),
        coding("whole", 1, 0, len, &old.text),
        coding("huge", usize::MAX, usize::MAX - 1, usize::MAX, "x"),
    ];
    let out = reanchor(&old, &new, &codings);
    assert_eq!(out.len(), codings.len());
    // Out-of-range offsets, but the words are unique: found.
    let (turn, ..) = moved(&out[0].anchor);
    assert_eq!(turn, 2);
    assert!(reason(&out[3].anchor).contains("turn 99"));
    assert_eq!(out[4].anchor, Anchor::Kept);
    assert!(reason(&out[5].anchor).contains("quotes no text"));
    assert!(out[7].anchor.is_orphaned());

    let empty = Transcript {
        format: Format::Txt,
        encoding: Encoding::Utf8,
        text: String::new(),
        header: Vec::new(),
        turns: Vec::new(),
        notes: Vec::new(),
        warnings: Vec::new(),
    };
    let out = reanchor(&old, &empty, &codings);
    assert!(out.iter().all(|r| r.anchor.is_orphaned()));
    let out = reanchor(&empty, &new, &codings);
    assert_eq!(out.len(), codings.len());
    let mut broken = old.clone();
    for t in &mut broken.turns {
        t.start += 10_000;
        t.end = 3;
    }
    let _ = reanchor(&broken, &new, &codings);
    let _ = reanchor(&old, &broken, &codings);
    let _ = reanchor_with(&old, &new, &codings, f64::NAN);
}

#[test]
fn apply_to_updates_moved_codings_only() {
    let old = transcript(BASE);
    let new = transcript(&BASE.replace("We did not", "We didn't"));
    let mut c = code(&old, "a", 4, "it was hard to plan");
    let out = reanchor(&old, &new, std::slice::from_ref(&c));
    assert!(out[0].anchor.apply_to(&mut c));
    assert_eq!(quote(&new, c.start, c.end), c.text);
    assert!(!out[0].anchor.apply_to(&mut c));
    assert!(reanchor(&new, &new, &[c])[0].anchor.is_kept());
}

/// A deterministic pseudo-random generator (64-bit LCG).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn random_edits_give_consistent_answers() {
    let old = transcript(BASE);
    let words: Vec<&str> = BASE.split(' ').collect();
    let mut rng = Lcg(7);
    for round in 0..60 {
        // Random word-level edits: drop, duplicate, or alter a few words.
        let mut edited: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        for _ in 0..1 + rng.next(4) {
            let i = rng.next(edited.len());
            match rng.next(3) {
                0 => {
                    edited.remove(i);
                }
                1 => edited.insert(i, "é🙂".to_string()),
                _ => edited[i] = edited[i].to_uppercase(),
            }
        }
        let Ok(new) = parse(edited.join(" ").as_bytes(), &Options::default()) else {
            continue;
        };
        let mut codings = Vec::new();
        for (t, turn) in old.turns.iter().enumerate() {
            let n = turn.end - turn.start;
            let s = turn.start + rng.next(n);
            let e = (s + 1 + rng.next(30)).min(turn.end);
            codings.push(coding(
                &format!("{round}-{t}"),
                t + 1,
                s,
                e,
                &quote(&old, s, e),
            ));
        }
        for r in reanchor(&old, &new, &codings) {
            match &r.anchor {
                Anchor::Moved {
                    turn,
                    start,
                    end,
                    text,
                    similarity,
                } => {
                    assert_eq!(&quote(&new, *start, *end), text);
                    let tr = &new.turns[turn - 1];
                    assert!(tr.start <= *start && *end <= tr.end);
                    assert!((0.8..=1.0).contains(similarity));
                }
                Anchor::Kept | Anchor::Orphaned { .. } => {}
            }
        }
    }
}

#[test]
fn many_codings_on_a_long_transcript() {
    // About 45 KB: 300 turns, a coding in each participant turn and one per question.
    let mut source = String::new();
    for i in 0..150 {
        source.push_str(&format!(
            "Interviewer: Question {i}, how did that go for you?\n\n"
        ));
        source.push_str(&format!(
            "P6: In year {i} we worked on the project number {i} with the council and the \
             tenants, and it went well enough, though the funding for item {i} was late \
             and the people in block {i} wanted more say in it, é🙂 and so on. We met every week in the hall.\n\n"
        ));
    }
    let old = transcript(&source);
    assert_eq!(old.turns.len(), 300);
    assert!(source.len() > 45_000);
    let mut codings = Vec::new();
    for i in 0..150 {
        codings.push(code(
            &old,
            &format!("p{i}"),
            2 * i + 2,
            &format!("item {i} was late"),
        ));
        codings.push(code(
            &old,
            &format!("q{i}"),
            2 * i + 1,
            &format!("Question {i},"),
        ));
    }
    let new = transcript(
        &source
            .replacen(
                "Interviewer: Question 3,",
                "Interviewer: Right.\n\nInterviewer: Question 3,",
                1,
            )
            .replace("item 100 was late", "item 100 was lately"),
    );
    let out = reanchor(&old, &new, &codings);
    assert_eq!(out.len(), 300);
    let kept = out.iter().filter(|r| r.anchor.is_kept()).count();
    assert_eq!(kept, 6); // turns 1–6 precede the insertion
    assert!(out.iter().all(|r| !r.anchor.is_orphaned()));
    let (turn, start, end, text, sim) = moved(&out[2 * 100].anchor);
    assert_eq!((turn, text), (203, "item 100 was lately"));
    assert_eq!(start, offset(&new, "item 100 was"));
    assert_eq!(end, start + 19);
    assert!(sim > 0.8 && sim < 1.0);
    let (turn, start, _, _, sim) = moved(&out[2 * 100 + 1].anchor);
    assert_eq!((turn, sim), (202, 1.0));
    assert_eq!(start, offset(&new, "Question 100,"));

    // Every turn edited: no turn text survives verbatim, yet each coding stays in its turn.
    let edited = transcript(
        &source
            .replace("é🙂 and so on", "and so on")
            .replace("go for you?", "go for you all?"),
    );
    let out = reanchor(&old, &edited, &codings);
    let mut kept = 0;
    for (r, c) in out.iter().zip(&codings) {
        if r.anchor.is_kept() {
            kept += 1;
            assert_eq!(quote(&edited, c.start, c.end), c.text);
            continue;
        }
        let (turn, start, end, text, sim) = moved(&r.anchor);
        assert_eq!((turn, text, sim), (c.turn, c.text.as_str(), 1.0));
        assert_eq!(quote(&edited, start, end), c.text);
    }
    assert_eq!(kept, 1); // turn 1: its edit comes after the quote
}
