//! Runs the parser over every fixture in `tests/data/` and checks it against the fixture's
//! `.expect.toml` sidecar (schema in `tests/data/README.md`). One fixture per row of the
//! edge-case catalogue in the transcript-format spec, plus a clean file per format.

#![allow(clippy::unwrap_used)]

use std::path::Path;

mod expect;

use thematic_transcript::{Options, parse_with_hint};

#[test]
fn every_fixture_matches_its_expectations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let (checked, failures) = expect::check_dir(&dir);
    assert!(checked >= 60, "only {checked} fixtures found");
    assert!(
        failures.is_empty(),
        "{} of {checked} fixtures fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every file of the sample study parses, with its participant and interviewer.
#[test]
fn the_sample_study_parses_without_surprises() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-transcripts");
    let mut options = Options::default();
    options.interviewers.push("Kate Walker".into());
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with('P') || name.ends_with(".csv") {
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_string);
        let t = parse_with_hint(&std::fs::read(&path).unwrap(), &options, ext.as_deref()).unwrap();
        let id = name.split('_').next().unwrap();
        let roles: Vec<_> = t.turns.iter().map(|x| (x.key.as_deref(), x.role)).collect();
        assert!(
            roles.iter().all(|(k, r)| match r {
                thematic_transcript::Role::Interviewer => true,
                thematic_transcript::Role::Participant => *k == Some(id),
                thematic_transcript::Role::Other => false,
            }),
            "{name}: unexpected speakers {:?}",
            t.speakers()
        );
        assert!(
            (40..=120).contains(&t.turns.len()),
            "{name}: {} turns",
            t.turns.len()
        );
        assert!(
            t.warnings
                .iter()
                .all(|w| w.kind == thematic_transcript::WarningKind::OutOfOrder),
            "{name}: {:?}",
            t.warnings
        );
    }
}
