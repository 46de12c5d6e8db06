//! `thematic init DIR`: create a study folder.

use std::path::PathBuf;
use std::process::ExitCode;

use thematic_study::{InitOptions, Study};

use crate::assets;
use crate::cmd::status;
use crate::error::{CliError, Result};
use crate::output::OutputArgs;

const EXAMPLES: &str = "\
Creates DIR (if needed) with thematic.toml, transcripts/, codebooks/, participants.csv (header
only), codings/, memos/ and .thematic/ (a rebuildable cache that git ignores).

Unless --codebook or --from is given, the codebook starts empty (codebooks/blank.toml: no
codes yet, and comments that walk through Braun & Clarke's six phases). Codes are made as
you read: in the browser (`thematic serve`) or with `thematic codebook add`.

Examples:
  A study with an empty codebook:
    $ thematic init my-study

  A study using the shipped social-prescribing mechanisms framework:
    $ thematic init link-workers --codebook social-prescribing-mechanisms --name \"Link workers\"

  A study made from a REFI-QDA project exported by NVivo, ATLAS.ti, MAXQDA or QualCoder: its
  codes become the codebook, its sources the transcripts, with every coding, memo and case:
    $ thematic init from-nvivo --from project.qdpx

  If that is cut short (the process killed), the folder keeps unfinished.toml, `thematic
  check` fails and names the command that finishes it, and running the same `init --from`
  again finishes it.";

/// `thematic init`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// The folder to create the study in.
    pub dir: PathBuf,
    /// The study's name (default: the folder name).
    #[arg(long)]
    pub name: Option<String>,
    /// A shipped codebook to start from: `blank` (empty, with a guide in its comments) or
    /// `social-prescribing-mechanisms`.
    #[arg(long, default_value = "blank", value_name = "NAME")]
    pub codebook: String,
    /// Make the study from a REFI-QDA project (.qdpx): its codebook, transcripts, codings,
    /// memos and participants.
    #[arg(long, value_name = "FILE.qdpx", conflicts_with = "codebook")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    if let Some(from) = &args.from {
        return from_project(args, from);
    }
    let (file, text) = assets::codebook(&args.codebook).ok_or_else(|| {
        CliError::user(format!(
            "there is no shipped codebook called \"{}\"",
            args.codebook
        ))
        .hint(format!(
            "choose one of: {}",
            assets::codebook_names().join(", ")
        ))
    })?;
    let name = args.name.clone().unwrap_or_else(|| {
        std::path::absolute(&args.dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "study".into())
    });
    let options = InitOptions {
        name,
        codebook_file: file.to_string(),
        codebook_text: text.to_string(),
    };
    let study = Study::init(&args.dir, &options).map_err(|e| {
        CliError::from(e).context(format!("cannot create a study in {}", args.dir.display()))
    })?;
    status(&format!(
        "created study \"{}\" in {} (codebook: {})\nnext: thematic --study {} import FILES…",
        study.config().name,
        args.dir.display(),
        study.config().codebook,
        args.dir.display()
    ));
    Ok(ExitCode::SUCCESS)
}

fn from_project(args: &Args, from: &std::path::Path) -> Result<ExitCode> {
    if !crate::cmd::qdpx::is_qdpx(from) {
        return Err(CliError::user(format!(
            "{}: --from takes a REFI-QDA project (.qdpx)",
            from.display()
        ))
        .hint("a codebook alone (.qdc) goes in with `thematic codebook import FILE.qdc`"));
    }
    let mut resuming = false;
    if args.dir.join(thematic_study::CONFIG_FILE).exists() {
        // A study left unfinished by a killed `init --from` of this same file is finished
        // rather than refused; any other study is refused.
        let pending = Study::open(&args.dir)
            .ok()
            .and_then(|s| s.unfinished().ok().flatten());
        match pending {
            Some(u) if u.is_init_from(from) => resuming = true,
            Some(u) => {
                return Err(CliError::user(format!(
                    "{} holds an unfinished study: {} did not finish",
                    args.dir.display(),
                    u.what()
                ))
                .hint(format!(
                    "to finish it, run in the study: {}",
                    u.finish_command()
                )));
            }
            None => {
                return Err(CliError::user(format!(
                    "{} already holds a study",
                    args.dir.display()
                ))
                .hint(format!(
                    "to add the project to it: thematic --study {} import {}",
                    args.dir.display(),
                    from.display()
                )));
            }
        }
        status(&format!(
            "{} holds an unfinished `thematic init --from` of {}: finishing it",
            args.dir.display(),
            from.display()
        ));
    }
    let (study, report) = thematic_exchange::refi::init_from_qdpx(
        &args.dir,
        from,
        args.name.as_deref(),
        &Default::default(),
    )
    .map_err(|e| {
        CliError::from(e).context(format!(
            "cannot create a study in {} from {}",
            args.dir.display(),
            from.display()
        ))
    })?;
    status(&format!(
        "{} study \"{}\" in {} from {}",
        if resuming { "finished" } else { "created" },
        study.config().name,
        args.dir.display(),
        from.display()
    ));
    crate::cmd::qdpx::finish_import(&study, from, &report, &args.output)
}
