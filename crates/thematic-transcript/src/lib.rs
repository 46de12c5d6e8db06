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
//! Nothing is dropped: text that cannot be placed in a turn stays in [`Transcript::text`] and
//! is reported in [`Transcript::warnings`] with its line. Offsets are Unicode code points.

mod assemble;
mod decode;
mod error;
mod labels;
mod model;
mod options;
mod timestamp;
mod typed;

pub use assemble::role_of;
pub use decode::normalize;
pub use error::ParseError;
pub use labels::speaker_key;
pub use model::{Encoding, Format, Role, Transcript, Turn, Warning, WarningKind};
pub use options::{DEFAULT_INTERVIEWERS, MAX_BYTES, Options};
pub use timestamp::format_hms;

/// Parses a transcript file's bytes.
///
/// The format is sniffed from the content unless `options.format` forces one.
pub fn parse(bytes: &[u8], options: &Options) -> Result<Transcript, ParseError> {
    if bytes.len() > options.max_bytes {
        return Err(ParseError::TooLarge { size: bytes.len(), limit: options.max_bytes });
    }
    let decoded = decode::decode(bytes)?;
    let format = options.format.unwrap_or(Format::Txt);
    let mut warnings = decoded.warnings;
    let labelled = typed::parse_labelled(&decoded.text, options);
    warnings.extend(labelled.warnings);
    let turns = assemble::finish(&decoded.text, labelled.turns, options, &mut warnings);
    warnings.sort_by_key(|w| w.line);
    Ok(Transcript {
        format,
        encoding: decoded.encoding,
        text: decoded.text,
        header: labelled.header,
        turns,
        warnings,
    })
}
