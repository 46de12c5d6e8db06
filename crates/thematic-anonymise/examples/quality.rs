//! Prints the scan's recall and precision on the planted test set:
//! `cargo run -p thematic-anonymise --example quality -- [TEXTS] [SEED]`.
#![allow(clippy::print_stdout)]
use thematic_anonymise::planted::{measure, planted_texts};

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(300);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(20261207);
    let q = measure(&planted_texts(n, seed));
    println!("kind\tplanted\tfound\trecall");
    for (kind, s) in &q.by_kind {
        println!("{kind}\t{}\t{}\t{:.3}", s.planted, s.found, s.recall());
    }
    println!(
        "precision (name, speaker, place candidates)\t{}\t{}\t{:.3}",
        q.person_place_candidates,
        q.person_place_correct,
        q.precision()
    );
}
