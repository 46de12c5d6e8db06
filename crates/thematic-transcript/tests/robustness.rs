//! The parser never panics on damaged input: every fixture, truncated and mutated, read as
//! every format. A deterministic, stable-Rust companion of the cargo-fuzz targets in `fuzz/`.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thematic_transcript::{Format, Options, parse};

fn check(bytes: &[u8], format: Option<Format>) {
    let options = Options {
        format,
        ..Options::default()
    };
    if let Ok(t) = parse(bytes, &options) {
        let chars = t.text.chars().count();
        for turn in &t.turns {
            assert!(
                turn.start <= turn.end && turn.end <= chars,
                "span outside the text"
            );
            assert_eq!(turn.text(&t.text).chars().count(), turn.end - turn.start);
        }
    }
}

#[test]
fn damaged_fixtures_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut rng = ChaCha8Rng::seed_from_u64(20261121);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.to_string_lossy().ends_with(".toml") && !p.to_string_lossy().ends_with(".md")
        })
        .collect();
    files.sort();
    let mut runs = 0usize;
    for path in files {
        let original = std::fs::read(&path).unwrap();
        for round in 0..40 {
            let mut bytes = original.clone();
            match round % 4 {
                0 => bytes.truncate(rng.random_range(0..=bytes.len())),
                1 => {
                    for _ in 0..rng.random_range(1..8) {
                        if !bytes.is_empty() {
                            let i = rng.random_range(0..bytes.len());
                            bytes[i] = rng.random();
                        }
                    }
                }
                2 => {
                    let i = rng.random_range(0..=bytes.len());
                    let junk: &[u8] = [
                        &b"-->"[..],
                        b"<v ",
                        b": ",
                        b"\r",
                        b"\xEF\xBB\xBF",
                        b"\xFF\xFE",
                        b"[00:",
                        b"\n\n",
                        b"&#x110000;",
                    ][rng.random_range(0..9)];
                    bytes.splice(i..i, junk.iter().copied());
                }
                _ => {
                    let i = rng.random_range(0..=bytes.len());
                    let j = rng.random_range(i..=bytes.len());
                    bytes.drain(i..j);
                }
            }
            check(&bytes, None);
            for f in Format::ALL {
                check(&bytes, Some(f));
            }
            runs += 1;
        }
    }
    assert!(runs > 2000, "{runs} inputs");
}
