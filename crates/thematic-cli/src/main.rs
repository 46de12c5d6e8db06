//! `thematic`: reflexive thematic analysis of interview transcripts from the command line.
//!
//! A thin binary: argument parsing (clap), one module per subcommand, and errors turned into
//! exit codes in one place. The work is done by the library crates.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: `thematic serve` on a large study frees
/// hundreds of megabytes after computing an answer (agreement data, a quote table), and
/// glibc's allocator keeps most of that resident; mimalloc gives it back to the system.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod assets;
mod cli;
mod cmd;
mod context;
mod error;
mod output;
mod progress;
mod render;
mod term;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version on stdout (exit 0) and usage errors on stderr.
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
    };
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::stderr().lock().write_all(e.render().as_bytes());
            ExitCode::from(e.code)
        }
    }
}
