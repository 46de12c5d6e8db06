//! One module per subcommand, and the one dispatch `match`.

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;

pub mod agree;
pub mod anonymise;
pub mod autocode;
pub mod check;
pub mod code;
pub mod codebook;
pub mod completions;
pub mod cooccur;
pub mod demo;
pub mod door;
pub mod exports;
pub mod import;
pub mod index;
pub mod init;
pub mod log;
pub mod map;
pub mod matrix;
pub mod media;
pub mod memo;
pub mod merge;
pub mod paper_output;
pub mod parse;
pub mod participants;
pub mod plot;
pub mod qdpx;
pub mod quotes;
pub mod reliability;
pub mod search;
pub mod serve;
pub mod sheet;
pub mod show;
pub mod star;
pub mod status;
pub mod suggestions;
pub mod transcripts;
pub mod undo;
pub mod update;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Context::new(cli.study);
    match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Parse(args) => parse::run(&ctx, &args),
        Command::Import(args) => import::run(&ctx, &args),
        Command::Export(args) => qdpx::export(&ctx, &args),
        Command::Transcripts(args) => transcripts::run(&ctx, &args),
        Command::Show(args) => show::run(&ctx, &args),
        Command::Code(args) => code::run(&ctx, &args),
        Command::Uncode(args) => code::uncode(&ctx, &args),
        Command::Undo(args) => undo::undo(&ctx, &args),
        Command::Redo(args) => undo::redo(&ctx, &args),
        Command::Agree(args) => agree::run(&ctx, &args),
        Command::Check(args) => check::run(&ctx, &args),
        Command::Index(args) => index::run(&ctx, &args),
        Command::Search(args) => search::run(&ctx, &args),
        Command::Autocode(args) => autocode::run(&ctx, &args),
        Command::Suggestions(args) => suggestions::run(&ctx, &args),
        Command::Reliability(args) => reliability::run(&args),
        Command::Log(args) => log::run(&ctx, &args),
        Command::Status(args) => status::run(&ctx, &args),
        Command::Memo(args) => memo::run(&ctx, &args),
        Command::Merge(args) => merge::run(&ctx, &args),
        Command::Sheet(args) => sheet::run(&ctx, &args),
        Command::Codebook(args) => codebook::run(&ctx, &args),
        Command::Serve(args) => serve::run(&ctx, &args),
        Command::Map(args) => map::run(&ctx, &args),
        Command::Quotes(args) => quotes::run(&ctx, &args),
        Command::Star(args) => star::run(&ctx, &args),
        Command::Participants(args) => participants::run(&ctx, &args),
        Command::Anonymise(args) => anonymise::run(&ctx, &args),
        Command::Matrix(args) => matrix::run(&ctx, &args),
        Command::Media(args) => media::run(&ctx, &args),
        Command::Cooccur(args) => cooccur::run(&ctx, &args),
        Command::Plot(args) => plot::run(&ctx, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => completions::man(&args),
    }
}

/// Writes a status line to stderr (never stdout, which carries data only).
pub fn status(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
