//! Prints what the scan misses and what it finds wrongly on the planted test set.
#![allow(clippy::print_stdout)]
use thematic_anonymise::planted::{covered, planted_texts};
use thematic_anonymise::{Kind, ScanContext, scan};

fn main() {
    let texts = planted_texts(300, 20261207);
    let mut ctx = ScanContext::new();
    for t in &texts {
        ctx.add_participant(&t.participant, Some(&t.id));
    }
    let mut fp = std::collections::BTreeMap::<String, usize>::new();
    let mut miss = std::collections::BTreeMap::<String, usize>::new();
    for t in &texts {
        let c = scan(&t.text, &ctx);
        for p in &t.planted {
            if !covered(&p.term, p.start, &c) {
                *miss.entry(format!("{} {}", p.kind, p.term)).or_default() += 1;
                if std::env::var("SHOW").is_ok_and(|w| p.term.contains(&w)) {
                    let chars: Vec<char> = t.text.chars().collect();
                    let ctx: String = chars
                        [p.start.saturating_sub(40)..(p.end + 20).min(chars.len())]
                        .iter()
                        .collect();
                    println!("MISS {:?}", ctx);
                }
            }
        }
        for c in &c {
            if matches!(c.kind, Kind::Name | Kind::Speaker | Kind::Place)
                && !t.planted.iter().any(|p| c.start < p.end && p.start < c.end)
            {
                *fp.entry(format!("{} {} {}", c.kind, c.rule, c.term))
                    .or_default() += 1;
            }
        }
    }
    println!("missed: {miss:#?}\nwrong: {fp:#?}");
}
