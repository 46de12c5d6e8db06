//! `thematic completions SHELL` and `thematic man`: generated from the clap definitions, so
//! they never drift from the real options.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Result;
use crate::output::emit_to;

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  $ thematic completions bash > ~/.local/share/bash-completion/completions/thematic
  $ thematic completions zsh > \"${fpath[1]}/_thematic\"
  $ thematic completions fish > ~/.config/fish/completions/thematic.fish
  $ thematic completions powershell >> $PROFILE";

/// `thematic completions`
#[derive(Debug, clap::Args)]
#[command(after_long_help = COMPLETIONS_EXAMPLES)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

const MAN_EXAMPLES: &str = "\
Examples:
  $ thematic man > thematic.1 && man ./thematic.1
  $ thematic man --output /usr/local/share/man/man1/thematic.1";

/// `thematic man`
#[derive(Debug, clap::Args)]
#[command(after_long_help = MAN_EXAMPLES)]
pub struct ManArgs {
    /// Write to this file (.1) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "thematic", &mut buf);
    emit_to(None, &buf)?;
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: &ManArgs) -> Result<ExitCode> {
    crate::output::choose(
        &[(crate::output::Plain::Roff, &["1", "man", "roff"])],
        None,
        args.output.as_deref(),
    )?;
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    // One section per subcommand, each with its own options and worked example.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("thematic-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name)
            .display_name(format!("thematic {}", sub.get_name()))
            .version(env!("CARGO_PKG_VERSION"));
        let mut page = Vec::new();
        clap_mangen::Man::new(sub).render(&mut page)?;
        buf.extend_from_slice(&page);
    }
    emit_to(args.output.as_deref(), &buf)?;
    Ok(ExitCode::SUCCESS)
}
