//! Layer 0: bytes to normalized text.
//!
//! Order, after QualCoder's and the transcript-format spec §2: the byte-order mark first,
//! then strict UTF-8, then UTF-16 without a BOM (NUL bytes at alternating positions), then
//! Windows-1252 as the fallback (never ISO-8859-1: 0x80–0x9F are printable in 1252). The path
//! taken is reported. The text is then normalized: `\r\n` and lone `\r` become `\n`, and the
//! text is put in Unicode NFC, so that code-point offsets are stable.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::ParseError;
use crate::model::{Encoding, Warning, WarningKind};

/// Decoded, normalized text with how it was decoded.
#[derive(Debug)]
pub struct Decoded {
    /// The normalized text.
    pub text: String,
    /// The encoding path taken.
    pub encoding: Encoding,
    /// Warnings about the decoding.
    pub warnings: Vec<Warning>,
}

/// Text as a file holds it, decoded but not normalized (see [`decode_raw`]).
#[derive(Debug)]
pub struct RawText {
    /// The text, without a byte-order mark; line endings and normalization as in the file.
    pub text: String,
    /// The encoding path taken.
    pub encoding: Encoding,
    /// Whether the file began with a byte-order mark.
    pub bom: bool,
    /// Warnings about the decoding.
    pub warnings: Vec<Warning>,
}

/// Decodes `bytes` as every transcript reader does (byte-order mark, UTF-8, UTF-16, then
/// Windows-1252), without normalizing: for callers whose positions count the characters of
/// the file as it is (a REFI-QDA project's sources).
pub fn decode_raw(bytes: &[u8]) -> Result<RawText, ParseError> {
    let mut warnings = Vec::new();
    let (text, encoding) = decode_bytes(bytes, &mut warnings)?;
    let bom = [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|b| bytes.starts_with(b));
    Ok(RawText {
        text: text.into_owned(),
        encoding,
        bom,
        warnings,
    })
}

/// Decodes `bytes` to normalized text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, ParseError> {
    let mut warnings = Vec::new();
    let (raw, encoding) = decode_bytes(bytes, &mut warnings)?;
    if let Some(offset) = binary_control(&raw) {
        return Err(ParseError::Binary { offset });
    }
    let text = normalize(&raw);
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    if let Some((line, count)) = control_characters(&text) {
        warnings.push(Warning {
            line,
            kind: WarningKind::ControlCharacters,
            message: format!(
                "{count} control character(s) in the text (first on this line): kept, and shown escaped"
            ),
        });
    }
    Ok(Decoded {
        text,
        encoding,
        warnings,
    })
}

/// The byte-order mark, then strict UTF-8, UTF-16 without a BOM, and Windows-1252.
fn decode_bytes<'a>(
    bytes: &'a [u8],
    warnings: &mut Vec<Warning>,
) -> Result<(Cow<'a, str>, Encoding), ParseError> {
    Ok(if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (utf8_or_fallback(rest, warnings).0, Encoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (utf16(rest, true), Encoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (utf16(rest, false), Encoding::Utf16Be)
    } else if let Some(little) = utf16_without_bom(bytes) {
        warnings.push(Warning {
            line: 0,
            kind: WarningKind::Utf16WithoutBom,
            message: format!(
                "no byte-order mark, but the NUL bytes say UTF-16 {}: decoded as that",
                if little {
                    "little-endian"
                } else {
                    "big-endian"
                }
            ),
        });
        (
            utf16(bytes, little),
            if little {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            },
        )
    } else {
        if let Some(offset) = memchr_nul(bytes) {
            return Err(ParseError::Binary { offset });
        }
        utf8_or_fallback(bytes, warnings)
    })
}

fn utf8_or_fallback<'a>(bytes: &'a [u8], warnings: &mut Vec<Warning>) -> (Cow<'a, str>, Encoding) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(e) => {
            let upto = e.valid_up_to();
            let line = 1 + bytes[..upto].iter().filter(|&&b| b == b'\n').count();
            warnings.push(Warning {
                line,
                kind: WarningKind::EncodingFallback,
                message: format!(
                    "not valid UTF-8 (byte 0x{:02X} at offset {upto}): decoded as Windows-1252; \
                     save the file as UTF-8 to be sure of every character",
                    bytes[upto]
                ),
            });
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (s, Encoding::Windows1252)
        }
    }
}

fn utf16(bytes: &[u8], little: bool) -> Cow<'_, str> {
    let enc = if little {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::UTF_16BE
    };
    let (s, _) = enc.decode_without_bom_handling(bytes);
    s
}

/// UTF-16 without a BOM: at least a quarter of the bytes at odd (LE) or even (BE)
/// positions are NUL while the other positions have almost none.
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.len() < 8 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in sample.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let half = sample.len() / 2;
    if odd * 4 >= half * 3 && even * 20 < half {
        Some(true)
    } else if even * 4 >= half * 3 && odd * 20 < half {
        Some(false)
    } else {
        None
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// Text full of C0 control characters (other than tab, newline, CR, form feed) is binary.
fn binary_control(text: &str) -> Option<usize> {
    let sample: &str = match text.char_indices().nth(8192) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let mut count = 0usize;
    let mut first = None;
    for (i, c) in sample.char_indices() {
        if (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\u{fffd}' {
            count += 1;
            first.get_or_insert(i);
        }
    }
    let total = sample.chars().count().max(1);
    if count * 10 > total { first } else { None }
}

/// Control characters other than tab, newline and form feed: (first line, count).
fn control_characters(text: &str) -> Option<(usize, usize)> {
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\x0c'))
            || matches!(c, '\u{202a}'..='\u{202e}')
    };
    // Most transcripts are plain text: one fast pass over the bytes settles it.
    if !text
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c)) || b >= 0x7f)
    {
        return None;
    }
    let count = text.chars().filter(|&c| bad(c)).count();
    if count == 0 {
        return None;
    }
    let first = text.find(bad).unwrap_or(0);
    Some((1 + text[..first].matches('\n').count(), count))
}

/// Normalizes line endings to `\n`, removes a stray leading BOM, and applies NFC.
pub fn normalize(raw: &str) -> String {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let unified: Cow<'_, str> = if raw.contains('\r') {
        Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(raw)
    };
    if unified.is_ascii() {
        return unified.into_owned();
    }
    match is_nfc_quick(unified.chars()) {
        IsNormalized::Yes => unified.into_owned(),
        _ => unified.nfc().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_utf8_bom_and_crlf() {
        let d = decode(b"\xEF\xBB\xBFWEBVTT\r\n\r\n1\rx").unwrap();
        assert_eq!(d.text, "WEBVTT\n\n1\nx");
        assert_eq!(d.encoding, Encoding::Utf8Bom);
    }

    #[test]
    fn decodes_utf16le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "I: hello\u{e9}".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "I: hello\u{e9}");
        assert_eq!(d.encoding, Encoding::Utf16Le);
    }

    #[test]
    fn falls_back_to_windows_1252_with_a_warning() {
        let d = decode(b"P6: it\x92s \x93fine\x94\n").unwrap();
        assert_eq!(d.text, "P6: it\u{2019}s \u{201c}fine\u{201d}\n");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(d.warnings[0].kind, WarningKind::EncodingFallback);
    }

    #[test]
    fn nfc_composes_decomposed_names() {
        let d = decode("Zo\u{65}\u{301}: hi".as_bytes()).unwrap();
        assert_eq!(d.text, "Zo\u{e9}: hi");
    }

    #[test]
    fn binary_and_empty_are_errors() {
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00garbage"),
            Err(ParseError::Binary { .. })
        ));
        assert!(matches!(decode(b"  \n\r\n"), Err(ParseError::Empty)));
    }
}
