//! `thematic import FILE…|DIR`: copy transcripts into the study.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use thematic_study::{
    ImportError, Imported, SharedTranscript, Study, StudyError, TRANSCRIPT_EXTENSIONS, natural_cmp,
    parallel_map,
};

use crate::cmd::parse::parse_hint;
use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, Table, emit_table};
use crate::term::sanitize;

const EXAMPLES: &str = "\
Each file is copied byte for byte into transcripts/, named by its transcript id: the leading
participant-like token of the file name (P6_zoom.vtt → P6), or --id. The report has one row
per file: file, id, status, format, turns, speakers, duration, warnings. A file that cannot be
read is reported and skipped; the others are still imported, and the exit code is 1. A file
the study already holds byte for byte is reported `unchanged` and not stored again, so
importing the same files again finishes an import that was cut short (`thematic check` names
that command while the import is unfinished).
JSON keys: file, id, status (imported|replaced|unchanged|failed), format, turns, speakers,
duration_ms, warnings, error, kept, moved, orphaned, media.

A recording beside a transcript, named like it (P6_zoom.vtt and P6_zoom.m4a, or P6.m4a; .m4a
.mp3 .wav .ogg .webm .mp4 .mov), is linked to it for the browser's player: the study keeps
its path, not a copy (a line on standard error says so; the media column in CSV and JSON). --copy-media copies it into the study's media/
folder instead. See `thematic media`.

--replace takes the place of a transcript with the same id as `thematic transcripts update`
does: every coder's codings of it are re-anchored onto the new text, each kept (same words,
same place), moved (found again) or orphaned (kept, flagged, listed by `thematic check`); the
counts are printed and, in CSV and JSON, are the kept, moved and orphaned columns (empty for
a transcript that was not replaced).

A REFI-QDA project (.qdpx, from NVivo, ATLAS.ti, MAXQDA, QualCoder or `thematic export`) is
imported whole: its sources as transcripts, its codes matched to the codebook or added, every
coding, memo and case. Selections that cannot be placed in their text are kept as orphaned
codings; anything without a place in a study is listed by name and count. Importing the same
project twice adds nothing new. JSON keys: source, id, status (imported|present|skipped),
codings, orphaned, note.

Examples:
  $ thematic import ~/interviews/
  $ thematic import ~/interviews/ --copy-media
  $ thematic import colleague.qdpx
  $ thematic import 'Zoom recording 2022-03-14.vtt' --id P6
  $ thematic import P6_corrected.docx --id P6 --replace";

/// `thematic import`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Transcript files, or folders to import every transcript file from; or one REFI-QDA
    /// project (.qdpx).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The transcript id (only with a single file).
    #[arg(long)]
    pub id: Option<String>,
    /// Replace a transcript that has the same id, re-anchoring its codings onto the new text.
    #[arg(long)]
    pub replace: bool,
    /// Copy a recording found beside a transcript into the study's media/ folder (by default
    /// it is linked where it is).
    #[arg(long)]
    pub copy_media: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    if args.paths.iter().any(|p| crate::cmd::qdpx::is_qdpx(p)) {
        return match args.paths.as_slice() {
            [one] if args.id.is_none() && !args.replace => {
                crate::cmd::qdpx::import(ctx, one, &args.output)
            }
            _ => Err(CliError::user(
                "a .qdpx project is imported on its own, without --id or --replace",
            )
            .hint("run `thematic import PROJECT.qdpx`, then import transcript files separately")),
        };
    }
    if let Some(qdc) = args
        .paths
        .iter()
        .find(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("qdc")))
    {
        return Err(crate::cmd::door::wrong_door(
            qdc,
            crate::cmd::door::Kind::RefiCodebook,
            "a transcript or a REFI-QDA project (.qdpx)",
        ));
    }
    let study = ctx.study()?;
    let files = expand(&args.paths)?;
    if files.is_empty() {
        return Err(
            CliError::user("no transcript files to import").hint(format!(
                "a folder is searched for files ending in .{} (not in subfolders)",
                TRANSCRIPT_EXTENSIONS.join(", .")
            )),
        );
    }
    if args.id.is_some() && files.len() != 1 {
        return Err(CliError::user(format!(
            "--id names one transcript, but {} files were given",
            files.len()
        )));
    }
    let who = ctx.who(None, &study);
    // An intent record while files are stored: a killed import is reported by `thematic
    // check`, with this same command (which skips what is already there) to finish it.
    let intent = study.begin(thematic_study::Unfinished::new(
        "import",
        finish_args(args),
        &who,
        "some of the files may not have been imported yet",
    ))?;
    let media = if args.copy_media {
        Media::Copy
    } else {
        Media::Link
    };
    let (table, failed) = import_all(
        &study,
        &files,
        args.id.as_deref(),
        args.replace,
        &who,
        media,
    )?;
    intent.done(&study)?;
    emit_table(&args.output, &table)?;
    if failed > 0 {
        return Err(CliError::user(format!(
            "{failed} of {} file(s) were not imported",
            files.len()
        ))
        .hint("see the error column; fix those files and import them again"));
    }
    Ok(ExitCode::SUCCESS)
}

/// The arguments of `thematic` that run this import again: the paths made absolute, and
/// the options that change what is stored.
fn finish_args(args: &Args) -> Vec<String> {
    let mut out = vec!["import".to_string()];
    for p in &args.paths {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        out.push(p.to_string_lossy().into_owned());
    }
    if let Some(id) = &args.id {
        out.extend(["--id".into(), id.clone()]);
    }
    if args.replace {
        out.push("--replace".into());
    }
    if args.copy_media {
        out.push("--copy-media".into());
    }
    out
}

/// What an import does with a recording found beside a transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// Nothing (files that are not on disk, as the demo's).
    Off,
    /// Link it where it is.
    Link,
    /// Copy it into `media/` and link the copy.
    Copy,
}

/// Imports `files` and builds the per-file report. Returns the report and how many failed.
/// Files are read and parsed on every core, then stored one by one in the order given.
pub fn import_all(
    study: &Study,
    files: &[PathBuf],
    id: Option<&str>,
    replace: bool,
    who: &str,
    media: Media,
) -> Result<(Table, usize)> {
    let loaded = parallel_map(files, |f| std::fs::read(f));
    let sources = files
        .iter()
        .zip(&loaded)
        .map(|(f, read)| {
            let bytes = read.as_deref().map_err(|e| {
                // Keep the operating system's reason (permission denied, is a folder …).
                ImportError::Study(StudyError::Io {
                    path: f.clone(),
                    source: std::io::Error::new(e.kind(), e.to_string()),
                })
            });
            (f.clone(), bytes)
        })
        .collect();
    import_named(study, sources, id, replace, who, media)
}

/// Imports in-memory files (name, bytes), as the demo does with the embedded sample.
pub fn import_all_bytes(study: &Study, files: &[(PathBuf, &[u8])]) -> Result<(Table, usize)> {
    import_named(
        study,
        files.iter().map(|(f, b)| (f.clone(), Ok(*b))).collect(),
        None,
        false,
        "import",
        Media::Off,
    )
}

/// A file to import: its name, and its bytes or why they could not be read.
type Source<'a> = (PathBuf, std::result::Result<&'a [u8], ImportError>);

fn import_named(
    study: &Study,
    sources: Vec<Source<'_>>,
    id: Option<&str>,
    replace: bool,
    who: &str,
    media: Media,
) -> Result<(Table, usize)> {
    let mut importer = study.importer()?.acting_as(who);
    let checked = parallel_map(&sources, |(f, bytes)| match bytes {
        Ok(bytes) => Some(importer.check(f, bytes, id)),
        Err(_) => None,
    });
    let mut names = Vec::with_capacity(sources.len());
    let mut results = Vec::with_capacity(sources.len());
    for ((file, bytes), checked) in sources.into_iter().zip(checked) {
        results.push(match (bytes, checked) {
            (Err(e), _) => Err(e),
            (Ok(bytes), Some(checked)) => {
                checked.and_then(|(id, ext, t)| importer.commit(&file, bytes, id, &ext, replace, t))
            }
            // Every readable source was checked above; this arm only keeps the match total.
            (Ok(bytes), None) => importer.import_bytes(&file, bytes, id, replace),
        });
        names.push(file);
    }
    note_shared_speakers(study, &results);
    let linked = link_recordings(study, &names, &results, media, who);
    Ok(report(&names, results, &linked))
}

/// Links the recording beside each imported transcript file (see
/// [`thematic_study::media_beside`]), copying it with [`Media::Copy`]; returns the linked
/// path (as `media.csv` keeps it) per file. A recording already linked is left as it is; one
/// that cannot be linked is a warning, not a failed import.
fn link_recordings(
    study: &Study,
    files: &[PathBuf],
    results: &[std::result::Result<Imported, ImportError>],
    media: Media,
    who: &str,
) -> Vec<Option<String>> {
    files
        .iter()
        .zip(results)
        .map(|(file, result)| {
            let done = result.as_ref().ok()?;
            if media == Media::Off {
                return None;
            }
            let found = thematic_study::media_beside(file, &done.id)?;
            let already = study.media(&done.id).ok().flatten();
            if let Some(link) = already.filter(|l| {
                media == Media::Link && l.path.canonicalize().ok() == found.canonicalize().ok()
            }) {
                return Some(link.stored);
            }
            match study.link_media(&done.id, &found, media == Media::Copy, who) {
                Ok(link) => {
                    crate::cmd::status(&sanitize(&format!(
                        "linked the recording {} to {}{}",
                        found.file_name().unwrap_or_default().to_string_lossy(),
                        done.id,
                        if media == Media::Copy {
                            format!(" (copied to {})", link.stored)
                        } else {
                            String::new()
                        }
                    )));
                    Some(link.stored)
                }
                Err(e) => {
                    crate::cmd::status(&sanitize(&format!(
                        "warning: the recording {} was not linked to {}: {e}",
                        found.display(),
                        done.id
                    )));
                    None
                }
            }
        })
        .collect()
}

/// A note for each transcript imported with more than one speaker who is not an
/// interviewer (a focus group) and some of them without a row in participants.csv: until
/// they have one, the transcript counts as one participant.
fn note_shared_speakers(study: &Study, results: &[std::result::Result<Imported, ImportError>]) {
    // An unreadable participants.csv does not stop an import; `thematic check` reports it.
    let table = study.participants().unwrap_or_default();
    for done in results.iter().flatten() {
        let turns = done
            .transcript
            .turns
            .iter()
            .map(|t| (t.role, t.key.as_deref()));
        if let Some(s) = SharedTranscript::of(&table, &done.id, turns)
            && !s.unplaced.is_empty()
        {
            crate::cmd::status(&sanitize(&format!(
                "note: {} has {} speakers who are not interviewers ({}); to count each as a \
                 participant in quotes, the matrix and prevalence, run `thematic participants \
                 suggest --write` (until then they are one participant, {})",
                done.id,
                s.speakers.len(),
                s.speakers.join(", "),
                table.participant_of(&done.id, None)
            )));
        }
    }
}

fn report(
    files: &[PathBuf],
    results: Vec<std::result::Result<Imported, ImportError>>,
    linked: &[Option<String>],
) -> (Table, usize) {
    let mut table = Table::new(&[
        ("file", "File"),
        ("id", "ID"),
        ("status", "Status"),
        ("format", "Format"),
        ("turns", "Turns"),
        ("speakers", "Speakers"),
        ("duration_ms", "Duration"),
        ("warnings", "Warnings"),
        ("error", "Error"),
        ("kept", "Kept"),
        ("moved", "Moved"),
        ("orphaned", "Orphaned"),
        ("media", "Recording"),
    ])
    .machine_only(&["kept", "moved", "orphaned", "media"]);
    let mut failed = 0;
    for ((file, result), media) in files.iter().zip(results).zip(linked) {
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match result {
            Ok(done) => {
                let t = &done.transcript;
                for w in &t.warnings {
                    crate::cmd::status(&format!(
                        "warning: {name}:{}: {}",
                        w.line,
                        sanitize(&w.message)
                    ));
                }
                let counts = done.reanchored.as_ref().map(|r| r.counts());
                if let Some((kept, moved, orphaned)) = counts {
                    crate::cmd::status(&format!(
                        "replaced {}: its codings were re-anchored: {kept} kept, {moved} moved, {orphaned} orphaned{}",
                        done.id,
                        if orphaned > 0 {
                            " (kept and flagged; `thematic check` lists them)"
                        } else {
                            ""
                        }
                    ));
                }
                let duration = t.duration_ms();
                table.push(vec![
                    json!(name),
                    json!(done.id),
                    json!(if done.unchanged {
                        "unchanged"
                    } else if done.replaced {
                        "replaced"
                    } else {
                        "imported"
                    }),
                    json!(t.format.as_str()),
                    json!(t.turns.len()),
                    json!(t.speakers()),
                    json!(duration),
                    json!(t.warnings.len()),
                    json!(null),
                    json!(counts.map(|c| c.0)),
                    json!(counts.map(|c| c.1)),
                    json!(counts.map(|c| c.2)),
                    json!(media),
                ]);
            }
            Err(e) => {
                failed += 1;
                let hint = match &e {
                    ImportError::Parse { source, path } => {
                        format!(" ({})", parse_hint(source, Some(path)))
                    }
                    ImportError::Duplicate { .. } => " (use --replace to replace it)".into(),
                    _ => String::new(),
                };
                table.push(vec![
                    json!(name),
                    json!(null),
                    json!("failed"),
                    json!(null),
                    json!(null),
                    json!(null),
                    json!(null),
                    json!(null),
                    json!(format!("{e}{hint}")),
                    json!(null),
                    json!(null),
                    json!(null),
                    json!(null),
                ]);
            }
        }
    }
    (table, failed)
}

/// Files named directly, plus transcript files directly inside named folders, in natural
/// order of their names.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| CliError::user(format!("cannot read folder {}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && is_transcript(f))
                .collect();
            inside.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
            out.extend(inside);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(CliError::user(format!("{} does not exist", p.display())));
        }
    }
    Ok(out)
}

fn is_transcript(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TRANSCRIPT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}
