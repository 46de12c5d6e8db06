//! Properties every agreement statistic must have, checked over random ratings from fixed
//! seeds: symmetry in the coders, invariance to the order of units and to how identical
//! units are stored, 1 on perfect agreement, bounds, no NaN and no panic on odd input.
#![allow(clippy::unwrap_used)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thematic_agreement::{
    Coefficient, KappaWeights, Level, Options, PairDraws, Ratings, Resampling, summary,
};

type Rows = Vec<Vec<Option<usize>>>;

/// Random ratings around a true category per unit: each coder misses with `missing`
/// probability, else agrees with the truth with probability `agree`, else guesses.
fn random_rows(rng: &mut ChaCha8Rng, coders: usize, units: usize, categories: usize) -> Rows {
    let missing = rng.random_range(0.0..0.4);
    let agree = rng.random_range(0.0..1.0);
    (0..units)
        .map(|_| {
            let truth = rng.random_range(0..categories);
            (0..coders)
                .map(|_| {
                    if rng.random_bool(missing) {
                        None
                    } else if rng.random_bool(agree) {
                        Some(truth)
                    } else {
                        Some(rng.random_range(0..categories))
                    }
                })
                .collect()
        })
        .collect()
}

/// Every scalar statistic, by name, for comparing two ratings.
fn all_statistics(r: &Ratings) -> Vec<(String, Option<f64>)> {
    let mut out = vec![
        ("percent agreement".to_string(), r.percent_agreement()),
        ("light".to_string(), r.light_kappa()),
    ];
    for c in Coefficient::ALL {
        out.push((c.name().to_string(), r.coefficient(c)));
    }
    for w in [KappaWeights::Linear, KappaWeights::Quadratic] {
        out.push((format!("weighted {w:?}"), r.cohen_kappa_weighted(w)));
    }
    for level in Level::ALL {
        out.push((format!("alpha {level}"), r.krippendorff_alpha(level)));
    }
    for c in r.category_agreement() {
        out.push((format!("specific {}", c.category), c.specific_agreement));
        out.push((format!("kappa {}", c.category), c.kappa));
    }
    out
}

fn assert_same(a: &Ratings, b: &Ratings, what: &str) {
    for ((name, x), (_, y)) in all_statistics(a).into_iter().zip(all_statistics(b)) {
        match (x, y) {
            (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{what}: {name} {x} vs {y}"),
            (x, y) => assert_eq!(x, y, "{what}: {name}"),
        }
    }
}

fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

#[test]
fn symmetric_in_coder_order() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for _ in 0..200 {
        let coders = rng.random_range(2..6);
        let rows = {
            let units = rng.random_range(1..40);
            random_rows(&mut rng, coders, units, 4)
        };
        let mut order: Vec<usize> = (0..coders).collect();
        shuffle(&mut rng, &mut order);
        let permuted: Rows = rows
            .iter()
            .map(|row| order.iter().map(|&g| row[g]).collect())
            .collect();
        assert_same(
            &Ratings::new(coders, rows),
            &Ratings::new(coders, permuted),
            "coders permuted",
        );
    }
}

#[test]
fn invariant_to_unit_order_and_storage() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    for _ in 0..200 {
        let coders = rng.random_range(1..5);
        let mut rows = {
            let units = rng.random_range(0..40);
            random_rows(&mut rng, coders, units, 3)
        };
        let original = Ratings::new(coders, rows.clone());
        shuffle(&mut rng, &mut rows);
        assert_same(
            &original,
            &Ratings::new(coders, rows.clone()),
            "units shuffled",
        );
        // The same units, identical rows stored once with a count.
        rows.sort();
        let mut patterns: Vec<(Vec<Option<usize>>, usize)> = Vec::new();
        for row in rows {
            match patterns.last_mut() {
                Some((last, n)) if *last == row => *n += 1,
                _ => patterns.push((row, 1)),
            }
        }
        assert_same(
            &original,
            &Ratings::from_patterns(coders, patterns),
            "patterns",
        );
    }
}

#[test]
fn relabelling_categories_keeps_nominal_statistics() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..100 {
        let coders = rng.random_range(2..5);
        let rows = {
            let units = rng.random_range(2..30);
            random_rows(&mut rng, coders, units, 4)
        };
        let mut map: Vec<usize> = vec![3, 1_000, 17, usize::MAX];
        shuffle(&mut rng, &mut map);
        let relabelled: Rows = rows
            .iter()
            .map(|row| row.iter().map(|v| v.map(|c| map[c])).collect())
            .collect();
        let (a, b) = (Ratings::new(coders, rows), Ratings::new(coders, relabelled));
        for c in [
            Coefficient::CohenKappa,
            Coefficient::ScottPi,
            Coefficient::FleissKappa,
            Coefficient::CongerKappa,
        ] {
            let (x, y) = (a.coefficient(c), b.coefficient(c));
            assert_eq!(x.is_some(), y.is_some(), "{}", c.name());
            if let (Some(x), Some(y)) = (x, y) {
                assert!((x - y).abs() < 1e-9, "{}", c.name());
            }
        }
        let (x, y) = (
            a.krippendorff_alpha_nominal(),
            b.krippendorff_alpha_nominal(),
        );
        assert_eq!(x.map(|v| (v * 1e9).round()), y.map(|v| (v * 1e9).round()));
        assert_eq!(a.percent_agreement(), b.percent_agreement());
    }
}

#[test]
fn one_on_perfect_agreement() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    for _ in 0..200 {
        let coders = rng.random_range(2..6);
        let units = rng.random_range(2..40);
        let mut rows: Rows = (0..units)
            .map(|_| {
                let c = rng.random_range(0..4);
                (0..coders)
                    .map(|_| (!rng.random_bool(0.2)).then_some(c))
                    .collect()
            })
            .collect();
        // At least two categories on fully rated units, so chance agreement is below 1.
        rows.push(vec![Some(0); coders]);
        rows.push(vec![Some(1); coders]);
        let r = Ratings::new(coders, rows);
        assert_eq!(r.percent_agreement(), Some(1.0));
        for (name, value) in all_statistics(&r) {
            if name.starts_with("specific") || name.starts_with("kappa ") {
                continue; // a category nobody used has no specific agreement
            }
            let two_coder = [
                "Cohen's kappa",
                "Scott's pi",
                "weighted Linear",
                "weighted Quadratic",
            ];
            match value {
                Some(v) => assert!((v - 1.0).abs() < 1e-9, "{name} = {v}"),
                // Two-coder statistics need two coders; Light's κ needs every pair to
                // share a unit, which missing ratings may prevent.
                None => assert!(
                    name == "light" || (coders != 2 && two_coder.contains(&name.as_str())),
                    "{name} undefined on perfect agreement"
                ),
            }
        }
    }
}

#[test]
fn within_bounds_and_never_nan() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..300 {
        let coders = rng.random_range(0..6);
        let categories = rng.random_range(1..6);
        let rows = {
            let units = rng.random_range(0..30);
            random_rows(&mut rng, coders, units, categories)
        };
        let r = Ratings::new(coders, rows);
        for (name, value) in all_statistics(&r) {
            if let Some(v) = value {
                assert!(v.is_finite(), "{name} = {v}");
                assert!(v <= 1.0 + 1e-12, "{name} = {v} > 1");
            }
        }
        if let Some(pa) = r.percent_agreement() {
            assert!((0.0..=1.0).contains(&pa));
        }
        for c in r.category_agreement() {
            if let Some(s) = c.specific_agreement {
                assert!((0.0..=1.0 + 1e-12).contains(&s));
            }
        }
    }
}

#[test]
fn two_complete_coders_fleiss_is_scott_and_light_is_cohen() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    for _ in 0..100 {
        let rows: Rows = (0..rng.random_range(1..50))
            .map(|_| vec![Some(rng.random_range(0..3)), Some(rng.random_range(0..3))])
            .collect();
        let r = Ratings::new(2, rows);
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-12,
            (a, b) => a == b,
        };
        assert!(close(r.fleiss_kappa(), r.scott_pi()));
        assert!(close(r.light_kappa(), r.cohen_kappa()));
        assert!(close(r.conger_kappa(), r.cohen_kappa()));
    }
}

#[test]
fn alpha_levels_respect_their_scale_invariances() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..100 {
        let rows = {
            let units = rng.random_range(2..30);
            random_rows(&mut rng, 3, units, 5)
        };
        let base = [1.0, 2.0, 4.0, 7.0, 11.0];
        let affine: Vec<f64> = base.iter().map(|v| -3.0 * v + 100.0).collect();
        let scaled: Vec<f64> = base.iter().map(|v| 2.5 * v).collect();
        let monotone: Vec<f64> = base.iter().map(|v: &f64| v.powi(3)).collect();
        let r = |values: &[f64]| Ratings::new(3, rows.clone()).with_values(values).unwrap();
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (a, b) => a == b,
        };
        assert!(close(
            r(&base).krippendorff_alpha(Level::Interval),
            r(&affine).krippendorff_alpha(Level::Interval)
        ));
        assert!(close(
            r(&base).krippendorff_alpha(Level::Ratio),
            r(&scaled).krippendorff_alpha(Level::Ratio)
        ));
        assert!(close(
            r(&base).krippendorff_alpha(Level::Ordinal),
            r(&monotone).krippendorff_alpha(Level::Ordinal)
        ));
        // Ordinal ranks by value: decreasing values reverse the order, which α ignores.
        assert!(close(
            r(&base).krippendorff_alpha(Level::Ordinal),
            r(&affine).krippendorff_alpha(Level::Ordinal)
        ));
    }
}

#[test]
fn bootstrap_is_deterministic_and_brackets_the_estimate() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    for round in 0..20 {
        let coders = rng.random_range(2..4);
        let rows = random_rows(&mut rng, coders, 300, 3);
        let r = Ratings::new(coders, rows);
        let resampling = Resampling {
            resamples: 400,
            seed: round,
        };
        let a = r.bootstrap_units(&resampling, Ratings::fleiss_kappa);
        let b = r.bootstrap_units(&resampling, Ratings::fleiss_kappa);
        assert_eq!(a, b);
        let other = Resampling {
            resamples: 400,
            seed: round + 1000,
        };
        if a.values().first() != a.values().last() {
            assert_ne!(a, r.bootstrap_units(&other, Ratings::fleiss_kappa));
        }
        if let (Some(estimate), Some((lo, hi))) = (r.fleiss_kappa(), a.interval(0.95)) {
            assert!(lo <= hi);
            assert!(
                lo - 0.05 <= estimate && estimate <= hi + 0.05,
                "{lo} {estimate} {hi}"
            );
        }
        for draws in [PairDraws::Capped, PairDraws::Pairs] {
            let a = r.bootstrap_alpha(Level::Nominal, &resampling, draws);
            assert_eq!(a, r.bootstrap_alpha(Level::Nominal, &resampling, draws));
            if let (Some(estimate), Some((lo, hi))) = (
                r.krippendorff_alpha_nominal(),
                a.and_then(|a| a.interval(0.95)),
            ) {
                assert!(
                    lo - 0.05 <= estimate && estimate <= hi + 0.05,
                    "{lo} {estimate} {hi}"
                );
                assert!(lo >= -1.0 && hi <= 1.0);
            }
        }
    }
}

#[test]
fn odd_input_never_panics() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let options = Options {
        bootstrap: Some(Resampling {
            resamples: 20,
            seed: 1,
        }),
        ..Options::default()
    };
    for _ in 0..300 {
        let coders = rng.random_range(0..5);
        let rows: Rows = (0..rng.random_range(0..8))
            .map(|_| {
                (0..rng.random_range(0..7))
                    .map(|_| match rng.random_range(0..4) {
                        0 => None,
                        1 => Some(usize::MAX - rng.random_range(0..2)),
                        _ => Some(rng.random_range(0..3)),
                    })
                    .collect()
            })
            .collect();
        let mut r = Ratings::new(coders, rows);
        if rng.random_bool(0.5) {
            r = r.with_categories(rng.random_range(0..5));
        }
        let values: Vec<f64> = (0..3).map(|_| rng.random_range(-2.0..2.0)).collect();
        if let Ok(with_values) = r.clone().with_values(&values) {
            r = with_values;
        }
        for (name, value) in all_statistics(&r) {
            assert!(value.is_none_or(f64::is_finite), "{name}");
        }
        let s = summary(&r, &options);
        assert_eq!(s.units, r.units());
        for level in Level::ALL {
            let _ = r.bootstrap_alpha(level, &Resampling::default(), PairDraws::Pairs);
        }
    }
}

#[test]
fn large_binary_data_is_stored_as_patterns() {
    // 200 000 units, two coders: nine patterns at most, so resampling is cheap.
    let mut rng = ChaCha8Rng::seed_from_u64(10);
    let units: Vec<[Option<bool>; 2]> = (0..200_000)
        .map(|_| {
            let applied = rng.random_bool(0.1);
            let flip = rng.random_bool(0.05);
            [Some(applied), Some(applied != flip)]
        })
        .collect();
    let r = Ratings::binary(2, &units);
    assert_eq!(r.units(), 200_000);
    let resampling = Resampling {
        resamples: 1000,
        seed: 3,
    };
    let reps = r.bootstrap_units(&resampling, Ratings::cohen_kappa);
    let (lo, hi) = reps.interval(0.95).unwrap();
    let kappa = r.cohen_kappa().unwrap();
    assert!(lo < kappa && kappa < hi, "{lo} {kappa} {hi}");
    assert!(hi - lo < 0.05);
}
