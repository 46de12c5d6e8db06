//! Fuzzes format sniffing: any bytes, with no format forced.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic_transcript::{Options, parse};

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = parse(data, &Options::default()) {
        let chars = t.text.chars().count();
        for turn in &t.turns {
            assert!(turn.start <= turn.end && turn.end <= chars);
        }
    }
});
