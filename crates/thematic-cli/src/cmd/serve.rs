//! `thematic serve`: the coding workspace in the browser (the `thematic-serve` crate).

use std::process::ExitCode;

use thematic_serve::{ServeError, ServeOptions};

use crate::context::Context;
use crate::error::{CliError, Result};

const EXAMPLES: &str = "\
Starts a local web app on 127.0.0.1 (never another interface) for coding in the browser:
the transcripts with each coder's progress, a reader where you select words and press 1–9
(or pick a theme) to code them, the codebook beside the text, memos, a compare view of two
coders with the agreement table, search, the quote table with downloads, and the thematic
map. It writes the same files as `thematic code`, `uncode` and `memo`, through the same
locked, atomic store, so the command line and the browser can be used at the same time.

The URL printed on standard output carries a random token; every request needs it (the page
keeps it in a cookie after the first visit), so other users of this machine and other web
sites can neither read nor change the study. Coding is blind: the reader shows only the
acting coder's codings (--coder, else THEMATIC_CODER, else default_coder). Ctrl-C stops the
server. See docs/serve.md.

Examples:
  $ thematic serve
  $ thematic serve --coder KW --open
  $ thematic serve --port 8421 --coder CG";

/// `thematic serve`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Code as this coder.
    #[arg(long)]
    pub coder: Option<String>,
    /// Open the URL in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let study = ctx.study()?;
    let coder = crate::cmd::code::acting_coder(ctx, args.coder.as_deref(), &study)?;
    let options = ServeOptions {
        study: study.root().to_path_buf(),
        coder: coder.clone(),
        port: args.port,
        token: None,
    };
    let mut printed: Result<()> = Ok(());
    thematic_serve::run_blocking(options, |url| {
        printed = crate::output::emit_to(None, format!("{url}\n").as_bytes());
        crate::cmd::status(&format!(
            "serving {} for coder {coder} on 127.0.0.1 only; Ctrl-C stops",
            study.root().display()
        ));
        if args.open {
            open_browser(url);
        }
    })
    .map_err(serve_error)?;
    printed?;
    Ok(ExitCode::SUCCESS)
}

fn serve_error(e: ServeError) -> CliError {
    match e {
        ServeError::Study(e) => e.into(),
        e @ ServeError::Bind { .. } => CliError::user(e.to_string())
            .hint("another program may be using the port; try --port 0 for a free one"),
        e => CliError::internal(e.to_string()),
    }
}

/// Opens `url` with the desktop's opener; a failure is reported, not fatal.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // The opener usually exits at once; reap it without holding up the server.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => crate::cmd::status(&format!(
            "could not open a browser ({e}); open the URL above yourself"
        )),
    }
}
