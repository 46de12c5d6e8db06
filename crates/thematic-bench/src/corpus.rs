//! `thematic-bench gen`: a deterministic synthetic study.
//!
//! Each transcript is typed `Speaker: text`, about 8,000 words in 100–200 turns, speakers
//! `Interviewer` and `P<k>`. Two coders (`A`, `B`) code participant sentences at a realistic
//! density (a few hundred codings per transcript between them); B agrees with A on most
//! excerpts, shifts some boundaries and chooses a different theme for some.

use std::fmt::Write as _;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thematic_study::{Coding, CodingsFile, InitOptions, Study, atomic_write};

use crate::text;

use thematic_study::testing::{MECHANISMS as CODEBOOK, MECHANISMS_FILE};

/// The codable themes of the shipped codebook, in tree order.
fn themes() -> Vec<String> {
    thematic_codebook::Codebook::from_toml(CODEBOOK, MECHANISMS_FILE)
        .map(|book| book.codable().map(|e| e.id.clone()).collect())
        .unwrap_or_default()
}

/// One generated transcript: its text and codings by A and B.
pub struct Generated {
    pub id: String,
    pub text: String,
    pub a: Vec<Coding>,
    pub b: Vec<Coding>,
}

/// Generates transcript `k` (1-based) of the corpus with `seed`.
pub fn transcript(seed: u64, k: usize) -> Generated {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k as u64);
    let id = format!("P{k}");
    let turns = rng.random_range(100..=200usize);
    let per_answer = (7000 / (turns / 2)).max(20);
    let mut out = String::with_capacity(50_000);
    let _ = writeln!(out, "Interview ID: {id}\nInterviewer: R1\n");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut chars = out.chars().count();
    let themes = themes();
    for n in 1..=turns {
        let interviewer = n % 2 == 1;
        let (label, body) = if interviewer {
            ("Interviewer", text::question(&mut rng))
        } else {
            let words = rng.random_range(per_answer * 2 / 3..=per_answer * 4 / 3);
            (id.as_str(), text::answer(&mut rng, words))
        };
        let prefix = format!("{label}: ");
        let start = chars + prefix.chars().count();
        if !interviewer {
            code_sentences(&mut rng, &themes, &id, n, start, &body, &mut a, &mut b);
        }
        out.push_str(&prefix);
        out.push_str(&body);
        out.push_str("\n\n");
        chars = start + body.chars().count() + 2;
    }
    Generated {
        id,
        text: out,
        a,
        b,
    }
}

#[allow(clippy::too_many_arguments)]
fn code_sentences(
    rng: &mut ChaCha8Rng,
    themes: &[String],
    id: &str,
    turn: usize,
    turn_start: usize,
    body: &str,
    a: &mut Vec<Coding>,
    b: &mut Vec<Coding>,
) {
    let mut offset = 0usize;
    for sentence in body.split_inclusive(". ") {
        let len = sentence.trim_end().chars().count();
        let start = turn_start + offset;
        offset += sentence.chars().count();
        if !rng.random_bool(0.3) {
            continue;
        }
        let theme = themes[rng.random_range(0..themes.len())].as_str();
        let text: String = sentence.trim_end().to_string();
        let make = |coder: &str, theme: &str, s: usize, e: usize, text: String, n: usize| Coding {
            id: format!("{coder}-{id}-{n}"),
            coder: coder.to_string(),
            transcript: id.to_string(),
            turn,
            start: s,
            end: e,
            theme: theme.to_string(),
            text,
            memo: String::new(),
            created: "2026-01-01T00:00:00Z".into(),
            status: Default::default(),
        };
        a.push(make(
            "A",
            theme,
            start,
            start + len,
            text.clone(),
            a.len() + 1,
        ));
        let roll: f64 = rng.random();
        if roll < 0.70 {
            b.push(make("B", theme, start, start + len, text, b.len() + 1));
        } else if roll < 0.85 {
            let other = themes[rng.random_range(0..themes.len())].as_str();
            b.push(make("B", other, start, start + len, text, b.len() + 1));
        }
    }
}

/// Writes a study with `n` transcripts into `out`.
pub fn study(out: &Path, n: usize, seed: u64) -> Result<(), String> {
    let study = Study::init(
        out,
        &InitOptions {
            name: format!("Synthetic study ({n} transcripts, seed {seed})"),
            codebook_file: "social-prescribing-mechanisms.toml".into(),
            codebook_text: CODEBOOK.into(),
        },
    )
    .map_err(|e| e.to_string())?;
    let mut participants = String::from("participant,gender,age,location\n");
    let (mut all_a, mut all_b) = (Vec::new(), Vec::new());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for k in 1..=n {
        let g = transcript(seed, k);
        std::fs::write(
            study.transcripts_dir().join(format!("{}.txt", g.id)),
            &g.text,
        )
        .map_err(|e| e.to_string())?;
        let gender = if rng.random_bool(0.8) {
            "female"
        } else {
            "male"
        };
        let location = ["town", "rural", "mixed"][rng.random_range(0..3usize)];
        let _ = writeln!(
            participants,
            "{},{gender},{},{location}",
            g.id,
            rng.random_range(25..65u32)
        );
        all_a.extend(g.a);
        all_b.extend(g.b);
    }
    atomic_write(&study.participants_path(), participants.as_bytes()).map_err(|e| e.to_string())?;
    for (coder, codings) in [("A", all_a), ("B", all_b)] {
        let file = CodingsFile::new(coder, codings);
        atomic_write(
            &study.codings_dir().join(format!("{coder}.csv")),
            &file.to_csv(),
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_text_and_codings_point_at_their_text() {
        let one = transcript(1, 7);
        let two = transcript(1, 7);
        assert_eq!(one.text, two.text);
        assert_ne!(one.text, transcript(2, 7).text);
        let words = one.text.split_whitespace().count();
        assert!((6_000..=10_500).contains(&words), "{words} words");
        let parsed = thematic_transcript::parse(one.text.as_bytes(), &Default::default()).unwrap();
        assert!((100..=200).contains(&parsed.turns.len()));
        for c in one.a.iter().chain(&one.b) {
            let span: String = one
                .text
                .chars()
                .skip(c.start)
                .take(c.end - c.start)
                .collect();
            assert_eq!(span, c.text);
            let turn = &parsed.turns[c.turn - 1];
            assert!(
                turn.start <= c.start && c.end <= turn.end,
                "coding outside its turn"
            );
        }
        assert!(
            one.a.len() + one.b.len() > 150,
            "{} codings",
            one.a.len() + one.b.len()
        );
    }
}

#[cfg(test)]
mod study_tests {
    use super::*;

    #[test]
    fn same_seed_gives_byte_identical_studies() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        study(a.path(), 5, 42).unwrap();
        study(b.path(), 5, 42).unwrap();
        let files = |root: &Path| {
            let mut out = Vec::new();
            for sub in [
                "thematic.toml",
                "participants.csv",
                "codings/A.csv",
                "codings/B.csv",
                "transcripts/P3.txt",
            ] {
                out.push(std::fs::read(root.join(sub)).unwrap());
            }
            out
        };
        assert_eq!(files(a.path()), files(b.path()));
        let codings = CodingsFile::read(&a.path().join("codings/A.csv")).unwrap();
        assert!(
            codings.codings.len() > 5 * 100,
            "{} codings by A",
            codings.codings.len()
        );
    }
}
