//! The study's transcripts: original files kept byte for byte in `transcripts/`, named by
//! transcript id, parsed on demand.

use std::path::{Path, PathBuf};

use thematic_transcript::{ParseError, Transcript};

use crate::error::StudyError;
use crate::study::Study;

/// File extensions that are transcripts.
pub const TRANSCRIPT_EXTENSIONS: &[&str] =
    &["txt", "md", "markdown", "docx", "vtt", "srt", "json", "tsv"];

/// One stored transcript file: its id, path, and the parse result.
pub type Loaded = (String, PathBuf, Result<Transcript, ParseError>);

/// A transcript of the study, parsed.
#[derive(Debug, Clone)]
pub struct StudyTranscript {
    /// The transcript id (the file stem in `transcripts/`), also the participant id.
    pub id: String,
    /// The stored file.
    pub path: PathBuf,
    /// What the parser made of it.
    pub transcript: Transcript,
}

/// The transcript id a file gets on import: a leading participant-like token of the file
/// name (`P6_zoom.vtt` → `P6`, `P12 typed.txt` → `P12`),
/// else the whole stem with spaces and punctuation turned into hyphens.
pub fn id_from_file_name(path: &Path) -> String {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let first = stem.split(['_', ' ', '-', '.']).next().unwrap_or("");
    let looks_like_id = !first.is_empty()
        && first.len() <= 16
        && first.chars().any(|c| c.is_ascii_digit())
        && first.chars().all(|c| c.is_ascii_alphanumeric());
    if looks_like_id {
        return first.to_string();
    }
    let cleaned: String = stem
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    cleaned.trim_matches('-').to_string()
}

impl Study {
    /// The stored transcript files, sorted by id.
    pub fn transcript_files(&self) -> Result<Vec<(String, PathBuf)>, StudyError> {
        let dir = self.transcripts_dir();
        let mut out = Vec::new();
        let entries = std::fs::read_dir(&dir).map_err(|e| StudyError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| StudyError::io(&dir, e))?;
            let path = entry.path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if !ext.is_some_and(|e| TRANSCRIPT_EXTENSIONS.contains(&e.as_str())) {
                continue;
            }
            // The directory entry's type needs no stat call (2,000 stats are most of a
            // small command's time); only symbolic links are followed.
            let kind = entry.file_type().map_err(|e| StudyError::io(&path, e))?;
            if !(kind.is_file() || kind.is_symlink() && path.is_file()) {
                continue;
            }
            let id = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            out.push((id, path));
        }
        out.sort_by(|a, b| natural_cmp(&a.0, &b.0));
        Ok(out)
    }

    /// The stored file of transcript `id`, if there is one. Tries `transcripts/<id>.<ext>`
    /// directly before listing the folder, so it costs a few file checks, not a listing.
    pub fn transcript_file(&self, id: &str) -> Result<Option<PathBuf>, StudyError> {
        let dir = self.transcripts_dir();
        if !id.is_empty() && !id.contains(['/', '\\']) && id != "." && id != ".." {
            for ext in TRANSCRIPT_EXTENSIONS {
                let path = dir.join(format!("{id}.{ext}"));
                if path.is_file() {
                    return Ok(Some(path));
                }
            }
        }
        Ok(self
            .transcript_files()?
            .into_iter()
            .find(|(t, _)| t == id)
            .map(|(_, p)| p))
    }

    /// Parses every transcript, on all cores. Each file's result is kept: one bad file does
    /// not hide the others.
    pub fn load_transcripts(&self) -> Result<Vec<Loaded>, StudyError> {
        let files = self.transcript_files()?;
        let options = self.parse_options();
        let results = parallel_map(&files, |(_, path)| read_transcript(path, &options));
        let mut out = Vec::with_capacity(files.len());
        for ((id, path), result) in files.into_iter().zip(results) {
            out.push((id, path, result?));
        }
        Ok(out)
    }

    /// Parses every transcript and fails on the first that cannot be read.
    pub fn transcripts(&self) -> Result<Vec<StudyTranscript>, StudyError> {
        self.load_transcripts()?
            .into_iter()
            .map(|(id, path, result)| match result {
                Ok(transcript) => Ok(StudyTranscript {
                    id,
                    path,
                    transcript,
                }),
                Err(e) => Err(unparsable(path, e)),
            })
            .collect()
    }
}

/// Reads and parses the transcript file at `path`, its extension as the format hint: an
/// error for a file that cannot be read, `Ok(Err(_))` for one that does not parse.
pub fn read_transcript(
    path: &Path,
    options: &thematic_transcript::Options,
) -> Result<Result<Transcript, ParseError>, StudyError> {
    let bytes = std::fs::read(path).map_err(|e| StudyError::io(path, e))?;
    Ok(parse_bytes(path, &bytes, options))
}

/// Reads and parses the transcript file at `path`: an error for a file that cannot be read,
/// [`StudyError::Unparsable`] for one that does not parse.
pub fn parse_file(
    path: &Path,
    options: &thematic_transcript::Options,
) -> Result<Transcript, StudyError> {
    read_transcript(path, options)?.map_err(|e| unparsable(path, e))
}

/// The error for a stored transcript file that does not parse: [`StudyError::Unparsable`],
/// to which the command line adds what to do.
pub(crate) fn unparsable(path: impl Into<PathBuf>, source: ParseError) -> StudyError {
    StudyError::Unparsable {
        path: path.into(),
        source,
    }
}

/// Parses the bytes of the transcript file at `path`, its extension (any case) as the format
/// hint: the one place that turns a stored file into a [`Transcript`].
pub fn parse_bytes(
    path: &Path,
    bytes: &[u8],
    options: &thematic_transcript::Options,
) -> Result<Transcript, ParseError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    thematic_transcript::parse_with_hint(bytes, options, ext.as_deref())
}

/// Maps `f` over `items` on every available core, keeping order. Scoped threads over
/// contiguous chunks: the work per item is similar, so no work stealing is needed.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Orders `P2` before `P10`: digit runs compare as numbers.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut text = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                let mut n = c.to_digit(10).map_or(0, u64::from);
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(u64::from(d));
                    chars.next();
                }
                out.push((std::mem::take(&mut text), n));
            } else {
                text.push(c);
            }
        }
        out.push((text, 0));
        out
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_file_names() {
        assert_eq!(id_from_file_name(Path::new("P6_zoom.vtt")), "P6");
        assert_eq!(id_from_file_name(Path::new("x/P12 typed.txt")), "P12");
        assert_eq!(
            id_from_file_name(Path::new("interview with Ann.docx")),
            "interview-with-Ann"
        );
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["P10", "P2", "P1", "Q1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["P1", "P2", "P10", "Q1"]);
    }
}
