//! Editing a transcript's words in place: a corrected turn in the browser's edit mode, or
//! every identifier replaced by `thematic anonymise apply`. Both go through the same path as
//! `thematic transcripts update` ([`Study::replace_transcript`]): every coding re-anchored,
//! none lost, an intent record while it writes, a line in the change log.
//!
//! The edits are given over the transcript's normalized text (code points), which is what
//! codings point into. The stored file must then say the same thing, so this module writes a
//! new file that *parses back* to exactly the edited text with the same turns, trying, in
//! order:
//!
//! 1. the file's own format, when the normalized text is the file's text (typed `.txt`,
//!    `.md`, Otter and Rev exports): the edited text itself, same extension;
//! 2. for caption and timed formats (VTT, SRT, Teams, Whisper JSON, NVivo TSV), a WebVTT file
//!    with one cue per turn, `<v Speaker>` and the turns' own times to the millisecond (an
//!    edit inside a speaker's label renames the speaker);
//! 3. plain text (`.txt`), the edited text as it is rendered (`[hh:mm:ss] Speaker: text`).
//!
//! The first candidate whose parse gives the edited text, the same number of turns at the
//! same places and the same times is stored; if none does, nothing is changed and the error
//! says why. A typed Word document is stored as its text (`.txt`) after an edit, since the
//! words are what is analysed; its original stays in git or wherever the researcher keeps it.
//!
//! The change log records how many passages were rewritten, never their words: the words
//! may be the very identifiers being removed.

use std::path::PathBuf;

use thematic_transcript::{Format, Transcript};

use crate::codings::Coding;
use crate::error::StudyError;
use crate::fsutil::atomic_write;
use crate::reanchor::{Anchor, Reanchored, quote_similarity, reanchor};
use crate::study::Study;
use crate::update::UpdateReport;

/// One replacement in a transcript's normalized text: code points `start..end` become
/// `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    /// Start, in code points of the transcript's normalized text.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// The new words.
    pub replacement: String,
}

impl Study {
    /// Applies `edits` to transcript `id` and re-anchors every coding of it, exactly as
    /// `thematic transcripts update` does with a corrected file. With `dry_run`, reports what
    /// would happen to the codings and writes nothing.
    ///
    /// The edits must not overlap and must lie within the text; they may come in any order.
    /// Fails, changing nothing, when the edited transcript cannot be stored in a form that
    /// reads back with the same turns (see the module docs).
    pub fn rewrite_transcript(
        &self,
        id: &str,
        edits: &[TextEdit],
        who: &str,
        dry_run: bool,
    ) -> Result<UpdateReport, StudyError> {
        self.rewrite_transcript_of(id, None, edits, who, dry_run)
    }

    /// [`Study::rewrite_transcript`] for edits made against `base`, the transcript's whole
    /// normalized text as the caller read it (the browser's edit mode): if the transcript
    /// no longer reads so when the update holds its locks, nothing is changed and the error
    /// says another edit came first. Without `base`, the text read here is the base.
    pub fn rewrite_transcript_of(
        &self,
        id: &str,
        base: Option<&str>,
        edits: &[TextEdit],
        who: &str,
        dry_run: bool,
    ) -> Result<UpdateReport, StudyError> {
        let path = self.transcript_path(id)?;
        let old = crate::transcripts::parse_file(&path, &self.parse_options())?;
        if base.is_some_and(|b| b != old.text) {
            return Err(changed_meanwhile(&path));
        }
        let edits = sorted_checked(edits, old.text.chars().count())
            .map_err(|why| StudyError::invalid(&path, 0, format!("{why}; nothing was changed")))?;
        let new_text = apply(&old.text, &edits);
        let (bytes, ext, new) = self.store_form(&old, &edits, &new_text).map_err(|why| {
            StudyError::invalid(
                &path,
                0,
                format!(
                    "the edited transcript would not read back with the same turns ({why}); \
                     nothing was changed. Edit the file itself and use \
                     `thematic transcripts update {id} FILE`"
                ),
            )
        })?;
        let source = if dry_run {
            PathBuf::from(format!("{id}.{ext}"))
        } else {
            // The intent record names a file that finishes the update if this process dies
            // half way, so the new file is kept there until the update is done.
            let pending = self.cache_dir().join("pending");
            std::fs::create_dir_all(&pending).map_err(|e| StudyError::io(&pending, e))?;
            let file = pending.join(format!("{id}.{ext}"));
            atomic_write(&file, &bytes)?;
            file
        };
        let place = |old: &Transcript, new: &Transcript, codings: &[Coding]| {
            place_exactly(old, new, &edits, codings)
        };
        let report = self.replace_transcript_placing(
            id,
            &source,
            &bytes,
            ext,
            &new,
            who,
            dry_run,
            &place,
            Some(&old.text),
        )?;
        if !dry_run {
            let _ = std::fs::remove_file(&source);
            self.log_change(
                who,
                "edit-text",
                "",
                &format!("{id}: {} passage(s) rewritten", edits.len()),
            )?;
        }
        Ok(report)
    }

    /// The first stored form of the edited transcript that reads back right: its bytes,
    /// extension and parse.
    fn store_form(
        &self,
        old: &Transcript,
        edits: &[TextEdit],
        new_text: &str,
    ) -> Result<(Vec<u8>, &'static str, Transcript), String> {
        let expected = expected_turns(old, edits);
        let options = self.parse_options();
        let mut candidates: Vec<(Vec<u8>, &'static str)> = Vec::new();
        if let Some(ext) = own_text_extension(old.format) {
            candidates.push((new_text.as_bytes().to_vec(), ext));
        }
        if old.turns.iter().any(|t| t.start_ms.is_some())
            && let Some(vtt) = as_vtt(old, new_text, &expected, &speakers_after(old, edits))
        {
            candidates.push((vtt.into_bytes(), "vtt"));
        }
        candidates.push((new_text.as_bytes().to_vec(), "txt"));
        let mut why = String::new();
        for (bytes, ext) in candidates {
            match thematic_transcript::parse_with_hint(&bytes, &options, Some(ext)) {
                Ok(t) => match reads_back(&t, old, new_text, &expected) {
                    Ok(()) => return Ok((bytes, ext, t)),
                    Err(e) => why = format!("as .{ext}: {e}"),
                },
                Err(e) => why = format!("as .{ext}: {e}"),
            }
        }
        Err(why)
    }
}

/// The refusal of edits made against a text the transcript no longer has (checked before
/// the edit is prepared, and again under the update's locks).
pub(crate) fn changed_meanwhile(path: &std::path::Path) -> StudyError {
    StudyError::invalid(
        path,
        0,
        "the transcript changed while this edit was being made (another correction or \
         update came first); nothing was changed: read it again and redo the edit",
    )
}

/// The extension to store an edited transcript of this format under, when the format's
/// normalized text is the file's own text.
fn own_text_extension(format: Format) -> Option<&'static str> {
    match format {
        Format::Txt | Format::Otter | Format::Rev | Format::Docx => Some("txt"),
        Format::Md => Some("md"),
        _ => None,
    }
}

/// Sorts the edits and checks they are within `len` code points and do not overlap.
fn sorted_checked(edits: &[TextEdit], len: usize) -> Result<Vec<TextEdit>, String> {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut at = 0;
    for e in &edits {
        if e.start > e.end || e.end > len {
            return Err(format!(
                "an edit at {}..{} lies outside the text (0..{len})",
                e.start, e.end
            ));
        }
        if e.start < at {
            return Err(format!("edits overlap at code point {}", e.start));
        }
        at = e.end;
    }
    Ok(edits)
}

/// `text` with sorted, non-overlapping `edits` applied.
fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    let mut at = 0;
    for e in edits {
        out.extend(chars.by_ref().take(e.start - at));
        chars.by_ref().take(e.end - e.start).for_each(drop);
        out.push_str(&e.replacement);
        at = e.end;
    }
    out.extend(chars);
    out
}

/// Where a code point of the old text lands in the new one. A point inside an edit maps to
/// the edit's start, or its end when `end_side` (so a turn that ends inside an edit ends
/// after the replacement).
fn map_point(p: usize, edits: &[TextEdit], end_side: bool) -> usize {
    let mut shift: isize = 0;
    for e in edits {
        let new_len = e.replacement.chars().count();
        if p <= e.start {
            break;
        }
        let base = (e.start as isize + shift) as usize;
        if end_side && p <= e.end {
            return base + new_len;
        }
        if !end_side && p < e.end {
            return base;
        }
        shift += new_len as isize - (e.end - e.start) as isize;
    }
    (p as isize + shift) as usize
}

/// Each coding carried through the edits exactly: its ends mapped as a turn's are, its words
/// read from the new text. A coding whose words no longer match its offsets (stale before
/// this edit) is placed by the fuzzy [`reanchor`] instead.
fn place_exactly(
    old: &Transcript,
    new: &Transcript,
    edits: &[TextEdit],
    codings: &[Coding],
) -> Vec<Reanchored> {
    let old_chars: Vec<usize> = old.text.char_indices().map(|(b, _)| b).collect();
    let new_chars: Vec<usize> = new.text.char_indices().map(|(b, _)| b).collect();
    let slice = |text: &'_ str, idx: &[usize], s: usize, e: usize| -> Option<String> {
        let b = |cp: usize| {
            idx.get(cp)
                .copied()
                .or((cp == idx.len()).then_some(text.len()))
        };
        text.get(b(s)?..b(e)?).map(str::to_string)
    };
    codings
        .iter()
        .map(|c| {
            let exact = slice(&old.text, &old_chars, c.start, c.end).is_some_and(|t| t == c.text);
            if !exact {
                return reanchor(old, new, std::slice::from_ref(c)).remove(0);
            }
            let (start, end) = (
                map_point(c.start, edits, false),
                map_point(c.end, edits, true),
            );
            let text = slice(&new.text, &new_chars, start, end).unwrap_or_default();
            let turn = new
                .turns
                .iter()
                .position(|t| t.start <= start && end <= t.end)
                .map_or(c.turn, |i| i + 1);
            let anchor = if (start, end, turn) == (c.start, c.end, c.turn) && text == c.text {
                Anchor::Kept
            } else {
                Anchor::Moved {
                    turn,
                    start,
                    end,
                    similarity: quote_similarity(&c.text, &text),
                    text,
                }
            };
            Reanchored {
                id: c.id.clone(),
                coder: c.coder.clone(),
                anchor,
            }
        })
        .collect()
}

/// Each old turn's span mapped into the new text.
fn expected_turns(old: &Transcript, edits: &[TextEdit]) -> Vec<(usize, usize)> {
    old.turns
        .iter()
        .map(|t| {
            (
                map_point(t.start, edits, false),
                map_point(t.end, edits, true),
            )
        })
        .collect()
}

/// Each turn's speaker after `edits` (sorted, not overlapping): an edit inside the name
/// where the text writes it as the turn's label (its last occurrence between the previous
/// turn and this one) renames it, as `anonymise apply` renames "Ann Smith:" to "Name 2:".
/// An edit that crosses the name's edge leaves it as it was (the stored form then does not
/// read back, and the caller is told).
fn speakers_after(old: &Transcript, edits: &[TextEdit]) -> Vec<Option<String>> {
    let chars: Vec<char> = old.text.chars().collect();
    let mut previous_end = 0;
    let mut out = Vec::with_capacity(old.turns.len());
    for turn in &old.turns {
        let before = previous_end.min(turn.start);
        previous_end = turn.end;
        let Some(name) = &turn.speaker else {
            out.push(None);
            continue;
        };
        let region: String = chars
            .get(before..turn.start)
            .unwrap_or_default()
            .iter()
            .collect();
        let Some(byte) = region.rfind(name.as_str()) else {
            out.push(Some(name.clone()));
            continue;
        };
        let at = before + region[..byte].chars().count();
        let len = name.chars().count();
        let inside: Vec<&TextEdit> = edits
            .iter()
            .filter(|e| e.start < at + len && e.end > at)
            .collect();
        if inside.iter().any(|e| e.start < at || e.end > at + len) {
            out.push(Some(name.clone()));
            continue;
        }
        let name_chars: Vec<char> = name.chars().collect();
        let mut renamed = String::new();
        let mut pos = 0;
        for e in inside {
            renamed.extend(&name_chars[pos..e.start - at]);
            renamed.push_str(&e.replacement);
            pos = e.end - at;
        }
        renamed.extend(&name_chars[pos..]);
        out.push(Some(renamed));
    }
    out
}

/// The edited transcript as WebVTT, one cue per turn, each with its speaker (as
/// [`speakers_after`] gives them), or `None` when a turn has no time or its text would not
/// survive as one cue (a blank line inside it).
fn as_vtt(
    old: &Transcript,
    new_text: &str,
    expected: &[(usize, usize)],
    speakers: &[Option<String>],
) -> Option<String> {
    let offsets: Vec<usize> = new_text.char_indices().map(|(b, _)| b).collect();
    let byte = |cp: usize| offsets.get(cp).copied().unwrap_or(new_text.len());
    let mut out = String::from("WEBVTT\n\n");
    for ((turn, &(s, e)), speaker) in old.turns.iter().zip(expected).zip(speakers) {
        let start = turn.start_ms?;
        let end = turn.end_ms.unwrap_or(start).max(start);
        let words = new_text.get(byte(s)..byte(e))?;
        if words.contains("\n\n") || words.contains("-->") {
            return None;
        }
        out.push_str(&format!("{} --> {}\n", vtt_time(start), vtt_time(end)));
        if let Some(speaker) = speaker {
            out.push_str(&format!("<v {}>", escape_vtt(speaker)));
        }
        out.push_str(&escape_vtt(words));
        out.push_str("\n\n");
    }
    Some(out)
}

/// `hh:mm:ss.mmm`.
fn vtt_time(ms: i64) -> String {
    let ms = ms.max(0);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// The three characters WebVTT cue text escapes.
pub(crate) fn escape_vtt(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Whether `new` (a stored form, parsed) is the edited transcript: the edited text, the
/// turns at the expected places, the same times (to the second when stored as plain text).
fn reads_back(
    new: &Transcript,
    old: &Transcript,
    new_text: &str,
    expected: &[(usize, usize)],
) -> Result<(), String> {
    if new.text != new_text {
        return Err("its text differs from the edited text".into());
    }
    if new.turns.len() != old.turns.len() {
        return Err(format!(
            "{} turn(s) instead of {}",
            new.turns.len(),
            old.turns.len()
        ));
    }
    let seconds_only = matches!(new.format, Format::Txt | Format::Md) && old.format != new.format;
    for (i, ((n, o), &(s, e))) in new.turns.iter().zip(&old.turns).zip(expected).enumerate() {
        if (n.start, n.end) != (s, e) {
            return Err(format!("turn {} would move", i + 1));
        }
        let same_time = match (n.start_ms, o.start_ms) {
            (Some(a), Some(b)) if seconds_only => a / 1000 == b / 1000,
            (a, b) => a == b,
        };
        if !same_time {
            return Err(format!("turn {} would change its time", i + 1));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, r: &str) -> TextEdit {
        TextEdit {
            start,
            end,
            replacement: r.into(),
        }
    }

    #[test]
    fn applies_edits_by_code_point() {
        // "Née à Paris.": é and à are one code point each, so "Née" is 0..3 and the "is"
        // of Paris is 9..11 (N0 é1 e2 _3 à4 _5 P6 a7 r8 i9 s10 .11).
        let text = "Née à Paris.";
        let e = [edit(9, 11, "XY"), edit(0, 3, "Born")];
        let sorted = sorted_checked(&e, 12).unwrap();
        assert_eq!(apply(text, &sorted), "Born à ParXY.");
    }

    #[test]
    fn refuses_overlap_and_out_of_range() {
        assert!(sorted_checked(&[edit(0, 4, ""), edit(3, 5, "")], 10).is_err());
        assert!(sorted_checked(&[edit(8, 11, "")], 10).is_err());
        assert!(sorted_checked(&[edit(5, 4, "")], 10).is_err());
    }

    #[test]
    fn maps_points_around_edits() {
        // "Sam went to Leeds" with "Leeds" (12..17) → "[Town]" (6 code points, +1).
        let e = [edit(12, 17, "[Town]")];
        assert_eq!(map_point(0, &e, false), 0);
        assert_eq!(map_point(12, &e, false), 12); // a start at the edit stays before it
        assert_eq!(map_point(17, &e, true), 18); // an end at the edit's end follows it
        assert_eq!(map_point(14, &e, true), 18); // inside: to the replacement's end
        assert_eq!(map_point(14, &e, false), 12); // inside: to the replacement's start
        assert_eq!(map_point(20, &e, false), 21);
        assert_eq!(map_point(12, &e, true), 12); // a turn ending where the edit starts
        assert_eq!(map_point(17, &e, false), 18); // a turn starting where it ends
    }

    #[test]
    fn vtt_times_have_milliseconds() {
        assert_eq!(vtt_time(3_723_004), "01:02:03.004");
    }

    #[test]
    fn an_edit_inside_a_speakers_label_renames_the_speaker() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann Smith>Hello Ann Smith.\n\n\
                   00:00:03.000 --> 00:00:04.000\n<v Bob>Hi.\n";
        let t = thematic_transcript::parse_with_hint(
            vtt.as_bytes(),
            &thematic_transcript::Options::default(),
            Some("vtt"),
        )
        .unwrap();
        let chars: Vec<char> = t.text.chars().collect();
        let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        // The label "Ann Smith" is the last time the name is written before turn 1.
        let label = t.text.find("Ann Smith").unwrap();
        let label = t.text[..label].chars().count();
        assert_eq!(text(label, label + 9), "Ann Smith");
        assert!(label + 9 <= t.turns[0].start);
        let rename = [edit(label, label + 9, "Name 2")];
        assert_eq!(
            speakers_after(&t, &rename),
            [Some("Name 2".to_string()), Some("Bob".to_string())]
        );
        // The name in the words of the turn is not the label: the speaker stays.
        let words = t.turns[0].start + "Hello ".chars().count();
        assert_eq!(
            speakers_after(&t, &[edit(words, words + 9, "[Name 2]")])[0].as_deref(),
            Some("Ann Smith")
        );
        // An edit that crosses the label's edge leaves the speaker as it was.
        assert_eq!(
            speakers_after(&t, &[edit(label + 4, label + 12, "x")])[0].as_deref(),
            Some("Ann Smith")
        );
    }
}
