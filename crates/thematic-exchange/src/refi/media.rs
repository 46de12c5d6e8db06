//! Recordings in a REFI-QDA project, written only when asked (`--with-media`): a transcript
//! with a linked recording goes out as an `AudioSource` or `VideoSource` holding the
//! recording (`sources/<guid>.<ext>`) and the transcript as its `Transcript`, whose
//! `SyncPoint`s tie positions in the text to times in the recording and whose codings are
//! `TranscriptSelection`s bounded by two sync points.
//!
//! Where sync points go (REFI-QDA 1.0: a `SyncPoint` has a `position`, a character offset
//! into the transcript's text, and a `timeStamp` in milliseconds; a `TranscriptSelection`
//! runs `fromSyncPoint` … `toSyncPoint`):
//! - one at the start of every turn whose time is known (its own time, or the one the study
//!   keeps for it), so another tool can play each turn;
//! - one at every position a coding or a participant's segment starts or ends, as each
//!   selection needs two to be bounded by. Its time is the turn's own where it is a turn
//!   start; inside a turn with a known start and a known end (its end time, or the next
//!   turn's start), the time in proportion to the characters; between turns (a speaker
//!   label) the next turn's start. Elsewhere it is left without a `timeStamp` (the schema
//!   makes it optional), rather than a time made up;
//! - never two at one position.
//!
//! Privacy: nothing here runs unless the export is asked for media, and the recording's
//! name in the project is the transcript id with its extension, not the file's own name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thematic_study::MediaKind;
use thematic_transcript::Transcript;

use crate::refi::guids;

/// The largest file REFI-QDA allows inside a project: 2³¹ − 1 bytes ("an exporting
/// application must detect file size limit during export and inform the user").
pub const MAX_INTERNAL_FILE: u64 = (1 << 31) - 1;

/// The project element of a recording: `AudioSource` or `VideoSource`.
pub(crate) fn element(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Audio => "AudioSource",
        MediaKind::Video => "VideoSource",
    }
}

/// A transcript's linked recording, as an export with media needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaForExport {
    /// The transcript id.
    pub transcript: String,
    /// The recording's file (absolute).
    pub path: PathBuf,
    /// Audio or video.
    pub kind: MediaKind,
    /// The turn times the study keeps for this transcript (turn start in code points →
    /// milliseconds), which override the transcript's own.
    pub sync: Vec<(usize, i64)>,
}

/// One sync point: where in the text, when in the recording (when known), and its GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyncPoint {
    pub position: usize,
    pub ms: Option<i64>,
    pub guid: String,
}

/// The sync points of one transcript, by position.
#[derive(Debug, Default)]
pub(crate) struct SyncPoints {
    by_position: BTreeMap<usize, SyncPoint>,
}

impl SyncPoints {
    /// The points in text order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &SyncPoint> {
        self.by_position.values()
    }

    /// The GUID of the point at `position` (every boundary given to [`plan`] has one).
    pub(crate) fn guid_at(&self, position: usize) -> Option<&str> {
        self.by_position.get(&position).map(|p| p.guid.as_str())
    }
}

/// The sync points of transcript `id`: one at each turn start with a known time and one at
/// each of `boundaries` (where selections start and end), timed as the module says.
pub(crate) fn plan(
    id: &str,
    transcript: &Transcript,
    sync: &[(usize, i64)],
    boundaries: impl IntoIterator<Item = usize>,
) -> SyncPoints {
    let times = TurnTimes::new(transcript, sync);
    let mut out = SyncPoints::default();
    let mut add = |position: usize| {
        out.by_position
            .entry(position)
            .or_insert_with(|| SyncPoint {
                position,
                ms: times.at(position),
                guid: guids::named("syncpoint", &format!("{id}@{position}")),
            });
    };
    for (start, _) in times.starts.iter().filter(|(_, ms)| ms.is_some()) {
        add(*start);
    }
    for b in boundaries {
        add(b);
    }
    out
}

/// Each turn's span and its start and end times, the study's sync times taking the place
/// of the transcript's own start times.
struct TurnTimes {
    /// (turn start, its time), in text order.
    starts: Vec<(usize, Option<i64>)>,
    /// (turn end, its end time).
    ends: Vec<(usize, Option<i64>)>,
}

impl TurnTimes {
    fn new(t: &Transcript, sync: &[(usize, i64)]) -> TurnTimes {
        let sync: BTreeMap<usize, i64> = sync.iter().copied().collect();
        TurnTimes {
            starts: t
                .turns
                .iter()
                .map(|x| (x.start, sync.get(&x.start).copied().or(x.start_ms)))
                .collect(),
            ends: t.turns.iter().map(|x| (x.end, x.end_ms)).collect(),
        }
    }

    /// The time at `position`, or `None` where it is not known (see the module's notes).
    fn at(&self, position: usize) -> Option<i64> {
        if let Some((_, ms)) = self.starts.iter().find(|(s, _)| *s == position) {
            return *ms;
        }
        // The turn the position lies in (start < position ≤ end) or, between turns, the one
        // whose label it is in.
        let next = self.starts.partition_point(|(s, _)| *s < position);
        if next == 0 {
            return None;
        }
        let i = next - 1;
        let (start, t0) = self.starts[i];
        let (end, end_ms) = self.ends[i];
        if position > end {
            return self.starts.get(next).and_then(|(_, ms)| *ms);
        }
        let t0 = t0?;
        let (to, t1) = match (end_ms, self.starts.get(next)) {
            (Some(e), _) if e >= t0 && end > start => (end, e),
            (_, Some((s, Some(ms)))) if *ms >= t0 && *s > start => (*s, *ms),
            _ => return None,
        };
        let span = i64::try_from(to - start).ok()?;
        let done = i64::try_from(position.min(to) - start).ok()?;
        // Rounded to the nearest millisecond.
        Some(t0 + ((t1 - t0) * done + span / 2) / span)
    }
}

/// The recording's entry in the package and how the project names it:
/// (`sources/<guid>.<ext>`, `internal://<guid>.<ext>`, `<transcript id>.<ext>`).
pub(crate) fn entry_names(id: &str, guid: &str, path: &Path) -> (String, String, String) {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    (
        format!("sources/{guid}{ext}"),
        format!("internal://{guid}{ext}"),
        format!("{id}{ext}"),
    )
}

/// The GUID of the `AudioSource`/`VideoSource` of transcript `id` (its `Transcript` keeps
/// the GUID a `TextSource` of it would have, so its text file is named the same).
pub(crate) fn recording_guid(id: &str) -> String {
    guids::named("recording", id)
}

/// Whether a package entry's name is that of a recording (by its extension).
pub(crate) fn is_recording_entry(name: &str) -> bool {
    thematic_study::media_type(Path::new(name)).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use thematic_transcript::{Options, parse};

    fn parsed(text: &str) -> Transcript {
        parse(text.as_bytes(), &Options::default()).unwrap()
    }

    #[test]
    fn turn_starts_are_exact_and_inside_a_turn_times_are_in_proportion() {
        // Two turns with start times and no end times (a typed transcript): 10 s and 20 s.
        let t = parsed("[00:00:10] Interviewer: Hello there\n\n[00:00:20] P1: Hi\n");
        let (a, b) = (&t.turns[0], &t.turns[1]);
        assert_eq!((a.start_ms, b.start_ms), (Some(10_000), Some(20_000)));
        let times = TurnTimes::new(&t, &[]);
        assert_eq!(times.at(a.start), Some(10_000));
        assert_eq!(times.at(b.start), Some(20_000));
        // "[00:00:10] Interviewer: " is 24 code points, "Hello there" 11, then "\n\n" and
        // "[00:00:20] P1: " (15): the turns start at 24 and 52.
        assert_eq!((a.start, a.end, b.start), (24, 35, 52));
        // "Hello |there": 6 of the 28 code points to the next turn's start, 6/28 of 10 s =
        // 2142.86 ms → 12 143 ms.
        assert_eq!(times.at(30), Some(12_143));
        // The second turn's label lies between the turns: timed as that turn's start.
        assert_eq!(times.at(b.start - 2), Some(20_000));
        // After the last turn's start nothing follows to time it by.
        assert_eq!(times.at(b.start + 1), None);
    }

    #[test]
    fn the_studys_sync_times_replace_unknown_and_known_turn_times() {
        let t = parsed("Interviewer: Hello there\n\nP1: Hi\n");
        let (a, b) = (t.turns[0].start, t.turns[1].start);
        // No times at all: no timeStamp anywhere.
        assert_eq!(TurnTimes::new(&t, &[]).at(a + 1), None);
        let times = TurnTimes::new(&t, &[(a, 1_000), (b, 3_000)]);
        assert_eq!(times.at(a), Some(1_000));
        assert_eq!(times.at(b), Some(3_000));
        let points = plan("P1", &t, &[(a, 1_000)], [a + 2, b]);
        // The first turn's start (timed), the boundary inside it, the second turn's start
        // (no time: the study keeps none for it here and the text has none).
        let got: Vec<(usize, Option<i64>)> = points.iter().map(|p| (p.position, p.ms)).collect();
        assert_eq!(got, [(a, Some(1_000)), (a + 2, None), (b, None)]);
        assert!(points.guid_at(a + 2).is_some());
        assert_ne!(points.guid_at(a), points.guid_at(b));
    }

    #[test]
    fn a_caption_turn_with_an_end_time_is_timed_to_its_end() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>abcd\n\n00:00:10.000 --> 00:00:11.000\n<v P1>Hi\n";
        let t = parsed(vtt);
        let a = &t.turns[0];
        assert_eq!(
            (a.start_ms, a.end_ms, a.end - a.start),
            (Some(1_000), Some(3_000), 4)
        );
        let times = TurnTimes::new(&t, &[]);
        // "ab|cd": two of four characters, half of 1 s → 3 s.
        assert_eq!(times.at(a.start + 2), Some(2_000));
        assert_eq!(times.at(a.end), Some(3_000));
    }

    #[test]
    fn entry_names_use_the_guid_and_the_transcript_id_never_the_files_name() {
        let (entry, path, name) = entry_names("P1", "abc", Path::new("/x/Jane Doe.WAV"));
        assert_eq!(entry, "sources/abc.wav");
        assert_eq!(path, "internal://abc.wav");
        assert_eq!(name, "P1.wav");
        assert!(is_recording_entry("sources/abc.wav"));
        assert!(!is_recording_entry("sources/abc.txt"));
    }
}
