//! REFI-QDA projects on the command line: `thematic export FILE.qdpx`, and what `import`
//! and `init --from` print after reading one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use thematic_exchange::refi::{ExportReport, ImportReport, LeftOut, QdpxOptions, group_left_out};
use thematic_study::Study;

use crate::cmd::status;
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};
use crate::term::sanitize;

const EXAMPLES: &str = "\
Writes the whole study as a REFI-QDA project, the exchange format NVivo, ATLAS.ti, MAXQDA
and QualCoder import: transcripts as text sources, the codebook (groups not codable,
definitions as descriptions), a user per coder, every coding, participants as cases with
typed variables, memos as notes. Positions count Unicode code points, as in the study.
Exporting the same study twice gives the same bytes. What cannot go in (orphaned codings,
autocode suggestions, a transcript that does not parse) is listed on stderr.

Examples:
  $ thematic export link-workers.qdpx
  For MAXQDA, which expects Windows line endings in sources:
    $ thematic export link-workers.qdpx --crlf
  With the linked recordings (audio or video, with the transcripts' sync points); only
  when asked, as recordings identify people:
    $ thematic export link-workers.qdpx --with-media
  Identifiers accepted in anonymisation/review.csv but not yet applied are refused;
  --anonymise exports an anonymised copy (the study is not changed):
    $ thematic export link-workers.qdpx --anonymise
  Bring it back, into a new study or into this one:
    $ thematic init copy --from link-workers.qdpx
    $ thematic import colleague.qdpx";

/// `thematic export`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct ExportArgs {
    /// The project file to write (`.qdpx`).
    pub file: PathBuf,
    /// Write sources with `\r\n` line endings (MAXQDA). Positions still count a line ending
    /// as one character.
    #[arg(long)]
    pub crlf: bool,
    /// Put each transcript's linked recording into the project too, as an AudioSource or
    /// VideoSource with the transcript and its sync points. Recordings identify people and
    /// are large: they never go into an export unless this is given.
    #[arg(long)]
    pub with_media: bool,
    #[command(flatten)]
    pub guard: crate::cmd::anonymise::guard::GuardArgs,
}

/// Whether a path names a REFI-QDA project package.
pub fn is_qdpx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("qdpx"))
}

pub fn export(ctx: &Context, args: &ExportArgs) -> Result<ExitCode> {
    if !is_qdpx(&args.file) {
        return Err(CliError::user(format!(
            "{}: a REFI-QDA project is written as a .qdpx file",
            args.file.display()
        ))
        .hint("name it e.g. study.qdpx; for the codebook alone use `thematic codebook export FILE.qdc`"));
    }
    let study = ctx.study()?;
    if args.guard.anonymise && args.with_media {
        return Err(CliError::user("--anonymise cannot pseudonymise recordings")
            .hint("leave out --with-media: a recording identifies people however its transcript reads"));
    }
    // Refused while an accepted identifier is left in the study; --anonymise exports an
    // anonymised copy (see `Study::for_whole_export`).
    let source = study.for_whole_export("the REFI-QDA project", args.guard.mode())?;
    // Written straight to the file: a recording is copied in, never held in memory whole.
    let report = thematic_exchange::refi::export_qdpx_to(
        source.study(),
        &QdpxOptions {
            crlf: args.crlf,
            with_media: args.with_media,
        },
        &args.file,
    )?;
    status(&export_summary(&args.file, &report));
    for w in &report.warnings {
        status(&format!("warning: {}", sanitize(w)));
    }
    print_left_out(&report.left_out);
    Ok(ExitCode::SUCCESS)
}

fn export_summary(file: &Path, r: &ExportReport) -> String {
    let recordings = match r.recordings {
        0 => String::new(),
        n => format!(", {n} recording(s)"),
    };
    format!(
        "wrote {}: {} transcript(s), {} coding(s) by {} coder(s), {} memo(s){recordings}",
        file.display(),
        r.transcripts,
        r.codings,
        r.coders,
        r.memos
    )
}

/// Lists what was left out on stderr, grouped by kind, a few names each.
fn print_left_out(items: &[LeftOut]) {
    for (what, count, names) in group_left_out(items) {
        let shown: Vec<String> = names
            .iter()
            .take(5)
            .map(|n| sanitize(n).into_owned())
            .collect();
        let more = if count > shown.len() {
            format!(", and {} more", count - shown.len())
        } else {
            String::new()
        };
        status(&format!(
            "left out: {count} × {what}: {}{more}",
            shown.join("; ")
        ));
    }
}

/// `thematic import FILE.qdpx`.
pub fn import(ctx: &Context, file: &Path, output: &OutputArgs) -> Result<ExitCode> {
    let study = ctx.study()?;
    let report = thematic_exchange::refi::import_qdpx(&study, file, &Default::default())
        .map_err(|e| CliError::from(e).context(format!("cannot import {}", file.display())))?;
    finish_import(&study, file, &report, output)
}

/// Prints an import's report: a row per source on stdout, the totals and what was left out
/// on stderr.
pub fn finish_import(
    study: &Study,
    file: &Path,
    r: &ImportReport,
    output: &OutputArgs,
) -> Result<ExitCode> {
    let mut table = Table::new(&[
        ("source", "Source"),
        ("id", "ID"),
        ("status", "Status"),
        ("codings", "Codings"),
        ("orphaned", "Orphaned"),
        ("note", "Note"),
    ]);
    for s in &r.sources {
        table.push(vec![
            json!(s.name),
            json!(s.id),
            json!(s.status),
            json!(s.codings),
            json!(s.orphaned),
            json!(s.note),
        ]);
    }
    emit_table(output, &table)?;
    let coders: Vec<String> = r
        .codings_added
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    status(&format!(
        "imported {} into {}: {} source(s); {} coding(s) added{}{}; {} memo(s) added{}; {} \
         theme(s) matched, {} added; {} participant(s) added{}",
        file.display(),
        study.root().display(),
        r.sources.iter().filter(|s| s.status != "skipped").count(),
        r.codings_total(),
        if coders.is_empty() {
            String::new()
        } else {
            format!(" ({})", coders.join(", "))
        },
        if r.codings_present > 0 {
            format!(", {} already present", r.codings_present)
        } else {
            String::new()
        },
        r.memos_added,
        if r.memos_present > 0 {
            format!(", {} already present", r.memos_present)
        } else {
            String::new()
        },
        r.themes_matched,
        r.themes_added.len(),
        r.participants_added,
        if r.speakers_added > 0 {
            format!(
                ", {} speaker(s) of shared transcripts named in participants.csv",
                r.speakers_added
            )
        } else {
            String::new()
        },
    ));
    if !r.recordings_linked.is_empty() {
        status(&format!(
            "linked the project's recording to {} (copied into media/)",
            sanitize(&r.recordings_linked.join(", "))
        ));
    }
    for w in &r.warnings {
        status(&format!("warning: {}", sanitize(w)));
    }
    print_left_out(&r.left_out);
    let orphaned: usize = r.sources.iter().map(|s| s.orphaned).sum();
    if orphaned > 0 {
        status(&format!(
            "{orphaned} coding(s) could not be placed in their text and are kept as orphaned: \
             `thematic check` lists them"
        ));
    }
    Ok(ExitCode::SUCCESS)
}
