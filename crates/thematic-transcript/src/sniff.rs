//! Format sniffing from content, with the file extension only as a tie-breaker (spec §13).

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Format;
use crate::tsv::is_nvivo_header;

#[allow(clippy::unwrap_used)] // constant patterns
static OTTER_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[^\s:\[\]][^:\n\[\]]{0,62}?[ \t\u{a0}]{2,}(?:\d+:)?\d{1,2}:\d{2}[ \t]*$")
        .unwrap()
});
#[allow(clippy::unwrap_used)]
static REV_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[^\n:]{1,63} \((?:\d{1,2}:)?\d{1,2}:\d{2}\):[ \t]*$").unwrap()
});
#[allow(clippy::unwrap_used)]
static TIMING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*-?[\d:.,-]+\s*-->\s*-?[\d:.,-]+").unwrap());

/// Whether the bytes are a ZIP package (a `.docx`).
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The format of decoded text. `ext` is the lowercase file extension, if any.
pub(crate) fn sniff_text(text: &str, ext: Option<&str>) -> Format {
    let head = &text[..crate::labels::floor_char_boundary(text, 8192)];
    let trimmed = head.trim_start();
    if trimmed.starts_with('{') || (trimmed.starts_with('[') && ext == Some("json")) {
        return Format::WhisperJson; // refined by the JSON reader
    }
    if trimmed.starts_with("WEBVTT") {
        return Format::Vtt; // refined by the caption reader
    }
    if TIMING.is_match(head) {
        let first = trimmed.lines().next().unwrap_or("").trim();
        let numbered = first.bytes().all(|b| b.is_ascii_digit()) && !first.is_empty();
        return if numbered || ext == Some("srt") || ext != Some("vtt") {
            Format::Srt
        } else {
            Format::Vtt
        };
    }
    if is_nvivo_header(trimmed.lines().next().unwrap_or("")) {
        return Format::NvivoTsv;
    }
    if head.contains("Transcribed by https://otter.ai")
        || OTTER_HEAD.find_iter(head).take(2).count() >= 2
    {
        return Format::Otter;
    }
    if REV_HEAD.find_iter(head).take(2).count() >= 2 {
        return Format::Rev;
    }
    if ext == Some("md") || ext == Some("markdown") {
        Format::Md
    } else {
        Format::Txt
    }
}

/// A docx's text: a Teams download (`Name   0:03` lines) or a typed document.
pub(crate) fn sniff_docx(text: &str) -> Format {
    let head = &text[..crate::labels::floor_char_boundary(text, 8192)];
    let teams_lines = OTTER_HEAD.find_iter(head).take(3).count();
    if teams_lines >= 2 || head.contains("started transcription") {
        Format::TeamsDocx
    } else {
        Format::Docx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content_not_extension() {
        assert_eq!(
            sniff_text("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", Some("txt")),
            Format::Vtt
        );
        assert_eq!(
            sniff_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n", Some("txt")),
            Format::Srt
        );
        assert_eq!(sniff_text("{\"segments\": []}", None), Format::WhisperJson);
        assert_eq!(
            sniff_text("Timespan\tContent\tSpeaker\n", None),
            Format::NvivoTsv
        );
        assert_eq!(
            sniff_text("Ruth  0:03\nHello\n\nP06  0:09\nHi\n", None),
            Format::Otter
        );
        assert_eq!(
            sniff_text(
                "Speaker 1 (00:15):\nHello\n\nSpeaker 2 (00:20):\nHi\n",
                None
            ),
            Format::Rev
        );
        assert_eq!(sniff_text("I: hello\nP6: hi\n", Some("md")), Format::Md);
        assert_eq!(sniff_text("I: hello\nP6: hi\n", None), Format::Txt);
    }
}
