//! The regression corpus of real exports in `tests/real/` (sources and licences in its
//! README): every file with a sidecar parses into the turns and speakers worked out by
//! reading it.

#![allow(clippy::unwrap_used)]

mod expect;

use std::path::Path;

#[test]
fn every_real_export_reads_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real");
    let (checked, failures) = expect::check_dir(&dir);
    assert!(
        checked >= 30,
        "only {checked} real exports have expectations"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} real exports fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
