//! `thematic parse FILE…`: what the parser makes of files, no study needed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};
use thematic_transcript::{Format, Options, Transcript};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::{OutputArgs, OutputFormat, Table, emit, emit_table};
use crate::term::sanitize;

const EXAMPLES: &str = "\
The format is detected from the content (the extension is only a tie-breaker); --as forces
one. Inside a study, its interviewer labels are used for roles.

Table, CSV and Markdown output: one row per turn (file, turn, speaker, role, start, end, text).
Warnings go to standard error with their line numbers.

JSON output: for one FILE an object, for several an array of objects, each with
  file, format, encoding, header (array of [key, value]), text (the normalized text),
  turns[]: n, speaker, key, qualifier, role, start_ms, end_ms, start, end (code points), text
  notes[]: turn, kind (inaudible|crosstalk|pause|nonverbal|timestamp|editorial), start, end,
           text, time_ms — inline notes such as [inaudible 00:12:40], left in the text
  warnings[]: line, kind, message
A file that cannot be read is, in an array, an object with file, error and hint; a single
FILE that cannot be read prints nothing on standard output (the error is on standard error,
and the exit code is 1). A REFI-QDA project or codebook is named as such, with the command
that takes it.

Examples:
  $ thematic parse interview.vtt
  $ thematic parse P6.docx --format json | jq '.turns[0]'
  $ thematic parse notes.txt --as otter";

/// `thematic parse`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Transcript files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Read as this format instead of detecting it.
    #[arg(long = "as", value_name = "FORMAT", default_value = "auto", value_parser = format_names())]
    pub as_format: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn format_names() -> Vec<&'static str> {
    std::iter::once("auto")
        .chain(Format::ALL.iter().map(|f| f.as_str()))
        .collect()
}

/// Parses one file as `thematic parse` and `thematic import` do.
pub fn parse_file(path: &Path, options: &Options) -> Result<Transcript> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::user(format!("cannot read {}: {e}", path.display())))?;
    if let Some(kind) = crate::cmd::door::sniff(path, &bytes) {
        return Err(crate::cmd::door::wrong_door(path, kind, "a transcript"));
    }
    thematic_study::parse_bytes(path, &bytes, options)
        .map_err(|e| CliError::user(format!("{}: {e}", path.display())).hint(parse_hint(&e, None)))
}

/// What to do about a file that is not a transcript. `file`: the file, when the command
/// that failed has no `--as` (every command but `thematic parse`); the hint then names the
/// `thematic parse` command that reads it as another format.
pub fn parse_hint(e: &thematic_transcript::ParseError, file: Option<&Path>) -> String {
    let fixed = match e.kind() {
        "empty" => "the file has no text; check that it is the transcript you meant",
        "binary" => {
            "this looks like audio, video or another binary file; export the transcript as .txt, .docx, .vtt or .srt"
        }
        "corrupt_docx" => {
            "the .docx may be truncated; open it in Word and save it again, or save as .txt"
        }
        "too_large" => "split the file, or check that it is a transcript",
        _ => {
            return match file {
                None => "check the file, or force a format with --as (e.g. --as txt)".into(),
                Some(f) => format!(
                    "check the file, or see how it reads as another format: `thematic parse {} --as txt`",
                    thematic_study::shell_word(&f.display().to_string())
                ),
            };
        }
    };
    fixed.into()
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    // Inside a study, its interviewer labels apply; a study named with --study must open.
    let mut options = match ctx.study() {
        Ok(s) => s.parse_options(),
        Err(e) if ctx.explicit_study() => return Err(e),
        Err(_) => Options::default(),
    };
    options.format = Format::from_name(&args.as_format);
    let mut parsed = Vec::new();
    let mut failures = Vec::new();
    // In JSON, one entry per file in the order given: a transcript, or `{file, error}`.
    let mut docs: Vec<Value> = Vec::new();
    for file in &args.files {
        match parse_file(file, &options) {
            Ok(t) => {
                docs.push(to_json(file, &t));
                parsed.push((file.clone(), t));
            }
            Err(e) => {
                let rendered = e.render();
                crate::cmd::status(rendered.trim_end());
                docs.push(json!({
                    "file": file.display().to_string(),
                    "error": e.message,
                    "hint": e.hint,
                }));
                failures.push(file.display().to_string());
            }
        }
    }
    for (file, t) in &parsed {
        for w in &t.warnings {
            crate::cmd::status(&format!(
                "warning: {}:{}: {}",
                file.display(),
                w.line,
                sanitize(&w.message)
            ));
        }
    }
    if args.output.format == OutputFormat::Json {
        // One file: its transcript, or nothing on standard output when it failed (the error
        // is on standard error and the exit code is 1). Several: every file's entry.
        let doc = match (args.files.len(), parsed.pop()) {
            (1, Some((f, t))) => Some(to_json(&f, &t)),
            (1, None) => None,
            _ => Some(Value::Array(docs)),
        };
        if let Some(doc) = doc {
            let mut bytes = serde_json::to_vec_pretty(&doc)?;
            bytes.push(b'\n');
            emit(&args.output, &bytes)?;
        }
    } else {
        let mut table = Table::new(&[
            ("file", "File"),
            ("turn", "Turn"),
            ("speaker", "Speaker"),
            ("role", "Role"),
            ("start_ms", "Start"),
            ("end_ms", "End"),
            ("text", "Text"),
        ]);
        for (file, t) in &parsed {
            for (i, turn) in t.turns.iter().enumerate() {
                table.push(vec![
                    json!(file.display().to_string()),
                    json!(i + 1),
                    json!(turn.speaker),
                    json!(turn.role.as_str()),
                    json!(turn.start_ms),
                    json!(turn.end_ms),
                    json!(turn.text(&t.text)),
                ]);
            }
        }
        // Nothing read: the errors above say why; an empty table would only add noise.
        if !parsed.is_empty() {
            emit_table(&args.output, &table)?;
        }
    }
    if !failures.is_empty() {
        return Err(CliError::user(format!(
            "{} of {} file(s) could not be read",
            failures.len(),
            args.files.len()
        )));
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json(file: &Path, t: &Transcript) -> Value {
    json!({
        "file": file.display().to_string(),
        "format": t.format.as_str(),
        "encoding": t.encoding.as_str(),
        "header": t.header,
        "text": t.text,
        "turns": t.turns.iter().enumerate().map(|(i, turn)| json!({
            "n": i + 1,
            "speaker": turn.speaker,
            "key": turn.key,
            "qualifier": turn.qualifier,
            "role": turn.role.as_str(),
            "start_ms": turn.start_ms,
            "end_ms": turn.end_ms,
            "start": turn.start,
            "end": turn.end,
            "text": turn.text(&t.text),
        })).collect::<Vec<_>>(),
        "notes": t.notes.iter().map(|n| json!({
            "turn": n.turn + 1, "kind": n.kind, "start": n.start, "end": n.end, "text": n.text, "time_ms": n.time_ms,
        })).collect::<Vec<_>>(),
        "warnings": t.warnings.iter().map(|w| json!({
            "line": w.line, "kind": w.kind.as_str(), "message": w.message,
        })).collect::<Vec<_>>(),
    })
}
