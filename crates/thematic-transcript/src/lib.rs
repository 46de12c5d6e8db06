//! Reads interview transcripts in the formats researchers really have — typed text and Word
//! files, Zoom and Teams captions, Otter and Rev exports, SRT, Whisper JSON, NVivo tables —
//! into one model of speaker turns over normalized text.
//!
//! ```
//! use thematic_transcript::{parse, Options, Role};
//!
//! let file = b"Interview ID: P06\n\nInterviewer: What helps?\n\nP06: Being listened to.\n";
//! let t = parse(file, &Options::default()).unwrap();
//! assert_eq!(t.header[0], ("Interview ID".to_string(), "P06".to_string()));
//! assert_eq!(t.turns.len(), 2);
//! assert_eq!(t.turns[1].speaker.as_deref(), Some("P06"));
//! assert_eq!(t.turns[1].role, Role::Participant);
//! assert_eq!(t.turns[1].text(&t.text), "Being listened to.");
//! ```
//!
//! The size limit is [`MAX_BYTES`] (64 MiB) unless [`Options::max_bytes`] says otherwise:
//! a larger file is refused with [`ParseError::TooLarge`].
//!
//! Nothing is dropped: text that cannot be placed in a turn stays in [`Transcript::text`] and
//! is reported in [`Transcript::warnings`] with its line. Offsets are Unicode code points.

mod assemble;
mod captions;
mod cues;
mod decode;
mod docx;
mod error;
mod json;
mod labels;
mod model;
mod notes;
mod options;
mod roles;
mod sentences;
mod sniff;
mod speakers;
mod timestamp;
mod tsv;
mod typed;

pub use assemble::role_of;
pub use decode::{RawText, decode_raw, normalize};
pub use error::ParseError;
pub use labels::speaker_key;
pub use model::{Encoding, Format, Role, Transcript, Turn, Warning, WarningKind};
pub use notes::{Note, NoteKind};
pub use options::{DEFAULT_INTERVIEWERS, MAX_BYTES, Options};
pub use sentences::sentences;
pub use timestamp::format_hms;

/// Parses a transcript file's bytes, sniffing the format from the content unless
/// `options.format` forces one.
pub fn parse(bytes: &[u8], options: &Options) -> Result<Transcript, ParseError> {
    parse_with_hint(bytes, options, None)
}

/// Like [`parse`], with the file's lowercase extension as a tie-breaker for sniffing (a
/// `.md` file is Markdown; content always wins over the extension).
pub fn parse_with_hint(
    bytes: &[u8],
    options: &Options,
    ext: Option<&str>,
) -> Result<Transcript, ParseError> {
    if bytes.len() > options.max_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: options.max_bytes,
        });
    }
    let wants_docx = matches!(options.format, Some(Format::Docx | Format::TeamsDocx));
    let (text, encoding, mut warnings, format) =
        if sniff::is_zip(bytes) || wants_docx || ext == Some("docx") && options.format.is_none() {
            let text = decode::normalize(&docx::docx_text(bytes)?);
            if text.trim().is_empty() {
                return Err(ParseError::Empty);
            }
            let format = options.format.unwrap_or_else(|| sniff::sniff_docx(&text));
            (text, Encoding::Utf8, Vec::new(), format)
        } else {
            let decoded = decode::decode(bytes)?;
            let format = options
                .format
                .unwrap_or_else(|| sniff::sniff_text(&decoded.text, ext));
            (decoded.text, decoded.encoding, decoded.warnings, format)
        };
    let (format, text, header, raw) = match format {
        Format::Vtt | Format::ZoomVtt | Format::TeamsVtt | Format::TeamsVttLegacy | Format::Srt => {
            let c = captions::parse_captions(&text, format == Format::Srt);
            warnings.extend(c.warnings);
            let flavour = if options.format.is_some() {
                format
            } else {
                c.format.unwrap_or(format)
            };
            let (rendered, raw) = cues::cues_to_turns(c.cues, options, &mut warnings);
            (flavour, rendered, c.header, raw)
        }
        Format::WhisperJson | Format::WhisperxJson | Format::WhisperCppJson => {
            let (flavour, cues) = json::parse_json(&text)?;
            if cues.is_empty() {
                warnings.push(Warning {
                    line: 1,
                    kind: WarningKind::NoTurns,
                    message:
                        "JSON without Whisper `segments` or whisper.cpp `transcription` entries: \
                              no turns; is this a Whisper transcript?"
                            .into(),
                });
            }
            let (rendered, raw) = cues::cues_to_turns(cues, options, &mut warnings);
            (
                if options.format.is_some() {
                    format
                } else {
                    flavour
                },
                rendered,
                Vec::new(),
                raw,
            )
        }
        Format::NvivoTsv => {
            let cues = tsv::parse_tsv(&text, &mut warnings);
            let (rendered, raw) = cues::cues_to_turns(cues, options, &mut warnings);
            (format, rendered, Vec::new(), raw)
        }
        Format::TeamsDocx => {
            // Teams writes an entry every few seconds: read the labels, then treat the
            // entries as cues, so consecutive entries of one speaker merge into one turn.
            let labelled = typed::parse_labelled(&text, options);
            warnings.extend(labelled.warnings);
            let cues = labelled
                .turns
                .iter()
                .map(|t| cues::Cue {
                    speaker: t.speaker.clone(),
                    qualifier: t.qualifier.clone(),
                    start_ms: t.start_ms,
                    end_ms: t.end_ms,
                    text: text[t.bytes.0..t.bytes.1]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    line: t.line,
                })
                .collect();
            let (rendered, raw) = cues::cues_to_turns(cues, options, &mut warnings);
            (format, rendered, labelled.header, raw)
        }
        Format::Txt | Format::Md | Format::Docx | Format::Otter | Format::Rev => {
            let labelled = typed::parse_labelled(&text, options);
            warnings.extend(labelled.warnings);
            (format, text, labelled.header, labelled.turns)
        }
    };
    let turns = assemble::finish(&text, raw, options, &mut warnings);
    warnings.sort_by_key(|w| w.line);
    let notes = turns
        .iter()
        .enumerate()
        .flat_map(|(i, t)| notes::notes_in(&text, i, t.byte_range, t.start))
        .collect();
    Ok(Transcript {
        format,
        encoding,
        text,
        header,
        turns,
        notes,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_the_limit_are_refused_before_reading() {
        let options = Options {
            max_bytes: 10,
            ..Options::default()
        };
        let err = parse(b"Interviewer: far too long", &options).unwrap_err();
        assert_eq!(err.kind(), "too_large");
        assert!(
            err.to_string().contains("over the limit of 10 bytes"),
            "{err}"
        );
    }
}
