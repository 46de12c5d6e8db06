//! Prints how a transcript file is read: its format, speakers, turns and warnings.
//!
//! `cargo run -p thematic-transcript --example turns -- FILE [INTERVIEWER…]`

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line example prints

use thematic_transcript::{Options, parse_with_hint};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: turns FILE [INTERVIEWER…]");
        std::process::exit(2);
    };
    let mut options = Options::default();
    options.interviewers.extend(args);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let ext = std::path::Path::new(&path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let t = match parse_with_hint(&bytes, &options, ext.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            println!("error: {} ({e})", e.kind());
            return;
        }
    };
    println!(
        "format {} encoding {} turns {}",
        t.format,
        t.encoding,
        t.turns.len()
    );
    println!("speakers {:?}", t.speakers());
    for (i, turn) in t.turns.iter().enumerate() {
        let text: String = turn.text(&t.text).chars().take(70).collect();
        println!(
            "{:>3} L{:<4} {:<22} {:<11} {:?}..{:?} {:?}",
            i + 1,
            turn.line,
            turn.speaker.as_deref().unwrap_or("-"),
            turn.role.as_str(),
            turn.start_ms,
            turn.end_ms,
            text
        );
    }
    for w in &t.warnings {
        println!("warning L{} {}: {}", w.line, w.kind.as_str(), w.message);
    }
}
