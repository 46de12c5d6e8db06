//! `--per-theme N`: a few quotes per theme, spread across participants.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use super::Quote;
use thematic_study::natural_cmp;

/// Up to `n` of one theme's `quotes`: the starred ones first (by participant in natural
/// order, then position, when there are more than `n`), then the rest taken in rounds so
/// that no participant gives a second quote before every participant with a quote gives
/// one. Within a round, participants quoted least so far in the table (`used`, updated
/// here) come first, then those with more quotes of the theme, then natural order of id;
/// each participant's quotes are taken by most coders, then most words, then position. The
/// result is in no set order.
pub(crate) fn spread(
    quotes: Vec<Quote>,
    n: usize,
    used: &mut BTreeMap<String, usize>,
) -> Vec<Quote> {
    let (mut out, quotes): (Vec<Quote>, Vec<Quote>) = quotes.into_iter().partition(|q| q.starred);
    out.sort_by(|a, b| {
        natural_cmp(&a.participant, &b.participant).then((a.start, a.end).cmp(&(b.start, b.end)))
    });
    out.truncate(n);
    // The starred quotes count as quoted already, so the rounds spread the rest around them.
    for q in &out {
        *used.entry(q.participant.clone()).or_default() += 1;
    }
    let starred = out.len();
    let mut by_participant: Vec<(String, Vec<Quote>)> = Vec::new();
    for q in quotes {
        match by_participant.iter_mut().find(|(p, _)| *p == q.participant) {
            Some((_, v)) => v.push(q),
            None => by_participant.push((q.participant.clone(), vec![q])),
        }
    }
    for (_, v) in &mut by_participant {
        v.sort_by_key(|q| (Reverse(q.coders.len()), Reverse(q.words), q.start, q.end));
        v.reverse(); // popped from the back: best first
    }
    let times = |p: &str| used.get(p).copied().unwrap_or(0);
    by_participant.sort_by(|(a, va), (b, vb)| {
        times(a)
            .cmp(&times(b))
            .then(vb.len().cmp(&va.len()))
            .then(natural_cmp(a, b))
    });
    while out.len() < n {
        let mut took = false;
        for (_, v) in &mut by_participant {
            if out.len() == n {
                break;
            }
            if let Some(q) = v.pop() {
                out.push(q);
                took = true;
            }
        }
        if !took {
            break;
        }
    }
    for q in &out[starred..] {
        *used.entry(q.participant.clone()).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(participant: &str, start: usize, words: usize) -> Quote {
        Quote {
            participant: participant.into(),
            transcript: participant.into(),
            turn: 1,
            start,
            end: start + 1,
            text: "w ".repeat(words).trim().to_string(),
            words,
            attribution: participant.into(),
            coders: vec!["KW".into()],
            starred: false,
        }
    }

    fn picked(quotes: Vec<Quote>, n: usize) -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = spread(quotes, n, &mut BTreeMap::new())
            .into_iter()
            .map(|q| (q.participant, q.start))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn no_participant_gives_a_second_quote_before_everyone_gave_one() {
        // P1 has five quotes, P2 two, P3 one.
        let mut quotes: Vec<Quote> = (0..5).map(|i| q("P1", i, 5)).collect();
        quotes.extend([q("P2", 0, 5), q("P2", 1, 5), q("P3", 0, 5)]);
        for n in 1..=8 {
            let got = spread(quotes.clone(), n, &mut BTreeMap::new());
            assert_eq!(got.len(), n);
            let count = |p: &str| got.iter().filter(|q| q.participant == p).count();
            let (c1, c2, c3) = (count("P1"), count("P2"), count("P3"));
            // Round by round: the spread never differs by more than one among participants
            // who still have quotes left.
            if n >= 3 {
                assert!(c1 >= 1 && c2 >= 1 && c3 == 1, "n = {n}: {c1} {c2} {c3}");
            }
            if c1 >= 2 {
                assert!(c2 >= 1 && c3 >= 1, "n = {n}");
            }
            if c1 >= 3 {
                assert!(c2 == 2, "n = {n}");
            }
        }
        // Below one round, those with more quotes of the theme come first.
        assert_eq!(
            picked(quotes.clone(), 2),
            [("P1".into(), 0), ("P2".into(), 0)]
        );
        // All of them when N is large.
        assert_eq!(spread(quotes, 100, &mut BTreeMap::new()).len(), 8);
    }

    #[test]
    fn a_participants_longest_quote_comes_first_then_the_earliest() {
        let quotes = vec![q("P1", 10, 3), q("P1", 20, 9), q("P1", 5, 9)];
        assert_eq!(picked(quotes.clone(), 1), [("P1".into(), 5)]);
        assert_eq!(picked(quotes, 2), [("P1".into(), 5), ("P1".into(), 20)]);
    }

    #[test]
    fn participants_quoted_less_in_the_table_so_far_come_first() {
        let quotes = vec![q("P1", 0, 5), q("P1", 1, 5), q("P2", 0, 5), q("P3", 0, 5)];
        let mut used = BTreeMap::from([("P1".to_string(), 2), ("P2".to_string(), 1)]);
        let got: Vec<String> = spread(quotes, 2, &mut used)
            .into_iter()
            .map(|q| q.participant)
            .collect();
        assert_eq!(got, ["P3", "P2"]);
        assert_eq!(used["P3"], 1);
        assert_eq!(used["P2"], 2);
    }

    #[test]
    fn starred_quotes_are_taken_first_and_count_towards_n() {
        // P1 has three quotes, P2 and P3 one each; P3's and P1's third are starred.
        let mut quotes = vec![
            q("P1", 0, 9),
            q("P1", 1, 9),
            q("P1", 2, 1),
            q("P2", 0, 9),
            q("P3", 0, 1),
        ];
        quotes[2].starred = true;
        quotes[4].starred = true;
        // N = 3: both starred, then the first pick of a round among the rest: P1 has more
        // quotes left than P2, but its starred quote counts as quoted already, so P2 (quoted
        // 0 times) comes first.
        assert_eq!(
            picked(quotes.clone(), 3),
            [("P1".into(), 2), ("P2".into(), 0), ("P3".into(), 0)]
        );
        // N = 1: only starred quotes, the first in natural order.
        assert_eq!(picked(quotes.clone(), 1), [("P1".into(), 2)]);
        assert_eq!(spread(quotes, 100, &mut BTreeMap::new()).len(), 5);
    }

    #[test]
    fn ties_between_participants_go_by_natural_order() {
        let quotes = vec![q("P10", 0, 5), q("P2", 0, 5), q("P9", 0, 5)];
        assert_eq!(picked(quotes, 2), [("P2".into(), 0), ("P9".into(), 0)]);
    }
}
