//! Fuzzes the srt reader: any bytes, read as srt, must give a transcript or an error, never a
//! panic, and every turn's span must lie inside the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic_transcript::{Format, Options, parse};

fuzz_target!(|data: &[u8]| {
    let options = Options { format: Some(Format::Srt), ..Options::default() };
    if let Ok(t) = parse(data, &options) {
        let chars = t.text.chars().count();
        for turn in &t.turns {
            assert!(turn.start <= turn.end && turn.end <= chars);
            let _ = turn.text(&t.text);
        }
    }
});
