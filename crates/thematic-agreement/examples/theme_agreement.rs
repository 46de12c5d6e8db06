//! Agreement of two coders on one theme over 100 000 units, the way the command line
//! computes it: count the (missing, not applied, applied) pattern of each unit, build
//! binary ratings from the nine pattern counts, and summarise with bootstrap intervals.
//!
//! ```text
//! $ cargo run --release -p thematic-agreement --example theme_agreement
//! ```
#![allow(clippy::print_stdout)]

use std::time::Instant;

use thematic_agreement::{Options, Ratings, Resampling, summary};

fn main() {
    // Made-up counts: coder A applied the theme to 9 000 units, coder B to 9 400, both to
    // 8 300; 2 000 units only coder A coded.
    let (yes, no) = (Some(1), Some(0));
    let patterns = [
        ([yes, yes], 8_300),
        ([yes, no], 700),
        ([no, yes], 1_100),
        ([no, no], 87_900),
        ([no, None], 2_000),
    ];
    let ratings = Ratings::from_patterns(2, patterns).with_categories(2);

    let start = Instant::now();
    let options = Options {
        bootstrap: Some(Resampling {
            resamples: 1000,
            seed: 1,
        }),
        ..Options::default()
    };
    let s = summary(&ratings, &options);
    let elapsed = start.elapsed();

    println!("units {} (pairable {})", s.units, s.pairable_units);
    for (name, e) in [
        ("percent agreement", s.percent_agreement),
        ("Cohen's kappa", s.cohen_kappa),
        ("Krippendorff's alpha", s.krippendorff_alpha),
        ("Gwet's AC1", s.gwet_ac1),
    ] {
        let value = e.value.map_or("n/a".to_string(), |v| format!("{v:.4}"));
        let interval = e
            .interval
            .map_or(String::new(), |(lo, hi)| format!(" [{lo:.4}, {hi:.4}]"));
        println!("{name:>22}: {value}{interval}");
    }
    for c in &s.coder_counts {
        println!(
            "coder {} applied the theme to {} units",
            c.coder, c.per_category[1]
        );
    }
    println!("summary with 1000 resamples took {elapsed:?}");
}
