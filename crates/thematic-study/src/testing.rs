//! Fixtures shared by the tests of this crate and of the crates above it (report,
//! exchange, index, serve), so no test keeps its own copy: the shipped nine-mechanism
//! codebook of the sample study and a fresh study made with it.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use thematic_study::testing;
//!
//! let book = testing::mechanisms();
//! assert!(book.get("what-matters").is_some());
//! let study = testing::study(dir.path(), "codebook.toml");
//! assert_eq!(study.codebook().unwrap().name, book.name);
//! ```

use std::path::Path;

use thematic_codebook::Codebook;

use crate::study::{InitOptions, Study};

/// The file name of the shipped codebook.
pub const MECHANISMS_FILE: &str = "social-prescribing-mechanisms.toml";

/// The text of the shipped codebook: Walker, Griffiths & Jiang's (2023) overall theme,
/// three groups and nine mechanism themes. Its first codable themes in tree order are
/// `asking-questions` … `what-matters`.
pub const MECHANISMS: &str = include_str!("../../../codebooks/social-prescribing-mechanisms.toml");

/// The shipped codebook, parsed.
///
/// # Panics
///
/// Never for the shipped file, which its own tests check.
pub fn mechanisms() -> Codebook {
    Codebook::from_toml(MECHANISMS, MECHANISMS_FILE).expect("the shipped codebook is valid")
}

/// A new study in `dir` named "t", whose codebook is the shipped one saved as
/// `codebooks/<file_name>`.
///
/// # Panics
///
/// When the study cannot be made (the folder holds one already, or cannot be written).
pub fn study(dir: &Path, file_name: &str) -> Study {
    study_named(dir, "t", file_name)
}

/// Like [`study`], with the study's name.
///
/// # Panics
///
/// When the study cannot be made.
pub fn study_named(dir: &Path, name: &str, file_name: &str) -> Study {
    let mut options = InitOptions::new(name);
    options.codebook_file = file_name.into();
    options.codebook_text = MECHANISMS.into();
    Study::init(dir, &options).expect("a test study can be made")
}

/// A coding by `coder` of the first occurrence of `words` in transcript P1 of `study`, as it
/// reads now, under `theme`, made 2026-11-21T10:00:00Z: as `thematic code` would make it
/// (code-point offsets, the turn that holds them).
///
/// # Panics
///
/// When P1 is missing or does not hold `words` inside one turn.
pub fn coding_of(
    study: &Study,
    coder: &str,
    id: &str,
    words: &str,
    theme: &str,
) -> crate::codings::Coding {
    let t = study.transcript("P1").expect("the study has P1");
    let byte = t.text.find(words).expect("P1 holds the words");
    let start = t.text[..byte].chars().count();
    let end = start + words.chars().count();
    let turn = t
        .turns
        .iter()
        .position(|u| u.start <= start && end <= u.end)
        .expect("the words lie in one turn")
        + 1;
    crate::codings::Coding {
        id: id.into(),
        coder: coder.into(),
        transcript: "P1".into(),
        turn,
        start,
        end,
        theme: theme.into(),
        text: words.into(),
        memo: String::new(),
        created: "2026-11-21T10:00:00Z".into(),
        status: Default::default(),
    }
}

/// A WAV recording made for tests: `millis` ms of a 440 Hz sine tone, 8 kHz, mono, 16-bit
/// PCM, its RIFF header written by hand (44 bytes, then 16 bytes per ms). Browsers play it,
/// so the reader's player can be tested without a binary fixture.
pub fn sine_wav(millis: u32) -> Vec<u8> {
    const RATE: u32 = 8000;
    let samples = RATE * millis / 1000;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        let t = f64::from(i) / f64::from(RATE);
        let v = (t * 440.0 * std::f64::consts::TAU).sin() * 8000.0;
        out.extend_from_slice(&(v as i16).to_le_bytes());
    }
    out
}
