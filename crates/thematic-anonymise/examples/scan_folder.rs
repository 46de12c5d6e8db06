//! Scans every `.txt` file of a folder the way a study scan does (vocabulary, scan, count),
//! on every core, and prints the time of each step:
//! `cargo run --release -p thematic-anonymise --example scan_folder -- /tmp/corpus2000/transcripts`.
#![allow(clippy::print_stdout)]
use std::time::Instant;

use thematic_anonymise::{Findings, ScanContext, count_matches, lowercase_words, scan};

fn par<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(n).max(1);
    std::thread::scope(|s| {
        let hs: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<_>>()))
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/corpus2000/transcripts".into());
    let mut texts = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if let Ok(t) = std::fs::read_to_string(e.path()) {
            texts.push((e.file_name().to_string_lossy().into_owned(), t));
        }
    }
    texts.sort();
    let mb = texts.iter().map(|(_, t)| t.len()).sum::<usize>() as f64 / 1e6;
    let t0 = Instant::now();
    let mut ctx = ScanContext::new();
    let indices: Vec<usize> = (0..texts.len()).collect();
    for w in par(&indices, |&i| lowercase_words(&texts[i].1)) {
        ctx.add_vocabulary(w);
    }
    let t1 = Instant::now();
    let found = par(&texts, |(id, t)| {
        let mut f = Findings::new();
        f.add(id, t, &scan(t, &ctx));
        f
    });
    let mut findings = Findings::new();
    for f in found {
        findings.extend(f);
    }
    let t2 = Instant::now();
    let matcher = findings.matcher();
    let n = findings.len();
    let counts = par(&texts, |(_, t)| {
        let mut c = vec![0; n];
        count_matches(t, &matcher, &mut c);
        c
    });
    let t3 = Instant::now();
    let mut total = vec![0; n];
    for c in counts {
        for (a, b) in total.iter_mut().zip(c) {
            *a += b;
        }
    }
    let review = findings.into_review(&total, &ctx);
    println!(
        "{} texts, {mb:.1} MB: vocabulary {:.2} s, scan {:.2} s, count {:.2} s; {} terms",
        texts.len(),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        review.len()
    );
}
