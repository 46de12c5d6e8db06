//! Reading recordings from a project: an `AudioSource` or `VideoSource` with a
//! `Transcript` becomes a source like a `TextSource` (the transcript's text, its
//! `TranscriptSelection`s placed by their sync points' positions) that knows its recording
//! and the times of its sync points. What thematic has no place for is left out, by name:
//! a recording without a transcript, a second transcript, codings of stretches of the
//! recording itself (`AudioSelection`, `VideoSelection`) or of the whole recording.

use std::collections::HashMap;
use std::path::Path;

use roxmltree::Node;
use thematic_study::{MediaKind, Study, StudyError};
use thematic_transcript::Transcript;

use crate::refi::apply::Checked;
use crate::refi::media_study::{Linked, link_recording};
use crate::refi::package::Package;
use crate::refi::place::{Reading, place_points};
use crate::refi::read::{Lines, TextSource, attr, child_text, children, guid, read_selection};
use crate::refi::{ImportReport, LeftOut};

/// The recording a transcript came with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Recording {
    /// The `AudioSource`/`VideoSource` GUID (cases and notes may refer to it).
    pub guid: String,
    /// `AudioSource` or `VideoSource`.
    pub element: String,
    /// Its name in the project.
    pub name: String,
    /// Its `path` (`internal://…`, `relative://…`, `absolute://…`).
    pub path: Option<String>,
    /// (position, milliseconds) of every sync point that has both, as the project counts
    /// positions.
    pub sync: Vec<(i64, i64)>,
}

/// The transcript of an `AudioSource` or `VideoSource` as a source to import, or `None`
/// (with what was left out) for any other element or a recording without a transcript.
pub(crate) fn read_recording(
    lines: &Lines,
    s: Node<'_, '_>,
    left_out: &mut Vec<LeftOut>,
) -> Option<TextSource> {
    let element = s.tag_name().name();
    let kind = match element.to_ascii_lowercase().as_str() {
        "audiosource" => MediaKind::Audio,
        "videosource" => MediaKind::Video,
        _ => return None,
    };
    let name = attr(s, "name")
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{element} line {}", lines.of(s)));
    let (selection, what) = match kind {
        MediaKind::Audio => ("AudioSelection", "stretches of the recording"),
        MediaKind::Video => ("VideoSelection", "stretches of the video"),
    };
    let coded = children(s, selection).count();
    if coded > 0 {
        left_out.push(LeftOut::new(
            format!("{selection}: codings of {what} (thematic codes the transcript)"),
            format!("{name} ×{coded}"),
        ));
    }
    let whole = children(s, "Coding").count();
    if whole > 0 {
        left_out.push(LeftOut::new(
            "coding of a whole source (thematic codes excerpts)",
            format!("{name} ×{whole}"),
        ));
    }
    let mut transcripts = children(s, "Transcript");
    let Some(t) = transcripts.next() else {
        left_out.push(LeftOut::new(
            format!("{element} without a transcript (thematic codes transcripts)"),
            name,
        ));
        return None;
    };
    let more = transcripts.count();
    if more > 0 {
        left_out.push(LeftOut::new(
            "further transcript of a recording (thematic reads the first)",
            format!("{name} ×{more}"),
        ));
    }
    // Sync point GUID → (position, time).
    let mut points: HashMap<String, (Option<i64>, Option<i64>)> = HashMap::new();
    let number = |n: Node<'_, '_>, a: &str| attr(n, a).and_then(|v| v.trim().parse::<i64>().ok());
    let mut sync = Vec::new();
    for p in children(t, "SyncPoint") {
        let (position, ms) = (number(p, "position"), number(p, "timeStamp"));
        if let (Some(position), Some(ms)) = (position, ms) {
            sync.push((position, ms));
        }
        if let Some(g) = guid(p, "guid") {
            points.insert(g, (position, ms));
        }
    }
    sync.sort_unstable();
    sync.dedup();
    let stem = |p: Option<String>| p.as_deref().and_then(crate::refi::read::path_stem);
    let source_name = attr(t, "name")
        .filter(|n| !n.trim().is_empty())
        .or_else(|| stem(attr(t, "plainTextPath")))
        .or_else(|| stem(Some(name.clone())))
        .unwrap_or_else(|| name.clone());
    let mut source = TextSource {
        guid: guid(t, "guid").unwrap_or_default(),
        name: source_name,
        plain_path: attr(t, "plainTextPath").filter(|p| !p.trim().is_empty()),
        rich_path: attr(t, "richTextPath").filter(|p| !p.trim().is_empty()),
        content: child_text(t, "PlainTextContent"),
        line: lines.of(t),
        recording: Some(Recording {
            guid: guid(s, "guid").unwrap_or_default(),
            element: element.to_string(),
            name,
            path: attr(s, "path").filter(|p| !p.trim().is_empty()),
            sync,
        }),
        ..TextSource::default()
    };
    // A selection runs from one sync point's position to another's; one whose points are
    // missing has no position, and is kept as an orphaned coding by the import.
    let position = |a: &str, sel: Node<'_, '_>| {
        guid(sel, a)
            .and_then(|g| points.get(&g))
            .and_then(|(p, _)| *p)
    };
    for sel in children(t, "TranscriptSelection") {
        let mut selection = read_selection(lines, sel, &source.name, left_out);
        selection.start = position("fromSyncPoint", sel);
        selection.end = position("toSyncPoint", sel);
        source.selections.push(selection);
    }
    Some(source)
}

/// The turn times a recording's sync points give transcript `t`: (turn start, ms) for each
/// turn that a timed point starts, where the time differs from the turn's own (which the
/// text already gives). `points` are the sync points re-based into `t`'s text (`None`
/// outside it). A point at a turn's start, or in the speaker label before it (after the
/// previous turn's end), starts that turn; of several, the one nearest the start wins. A
/// point at position 0 and time 0 is passed over: QualCoder writes one into every
/// transcript, to say that text and recording begin together, not when the first turn does.
pub(crate) fn turn_times(t: &Transcript, points: &[(Option<usize>, i64)]) -> Vec<(usize, i64)> {
    let mut best: HashMap<usize, (usize, i64)> = HashMap::new();
    for &(q, ms) in points {
        let Some(q) = q.filter(|&q| (q, ms) != (0, 0)) else {
            continue;
        };
        let i = t.turns.partition_point(|x| x.start < q);
        let Some(turn) = t.turns.get(i) else { continue };
        let after = i.checked_sub(1).map_or(0, |p| t.turns[p].end);
        if q < after || (i > 0 && q == after && after < turn.start) {
            continue;
        }
        let distance = turn.start - q;
        let e = best.entry(i).or_insert((distance, ms));
        if distance < e.0 {
            *e = (distance, ms);
        }
    }
    let mut out: Vec<(usize, i64)> = best
        .into_iter()
        .filter(|(i, (_, ms))| t.turns[*i].start_ms != Some(*ms))
        .map(|(i, (_, ms))| (t.turns[i].start, ms))
        .collect();
    out.sort_unstable();
    out
}

/// The turn times a recording's sync points give its transcript as it will be stored
/// (see [`turn_times`]), its positions re-based as its selections' were (`reading`).
pub(crate) fn times_in(
    recording: &Recording,
    checked: &Checked,
    reading: Reading,
) -> Vec<(usize, i64)> {
    let ours = &checked.transcript.text;
    let raw = checked.text.raw.as_deref().unwrap_or(ours);
    let positions: Vec<i64> = recording.sync.iter().map(|(p, _)| *p).collect();
    let placed = place_points(raw, ours, reading, &positions);
    let points: Vec<(Option<usize>, i64)> = placed
        .into_iter()
        .zip(&recording.sync)
        .map(|(q, (_, ms))| (q, *ms))
        .collect();
    turn_times(&checked.transcript, &points)
}

/// A recording to link once its transcript is stored.
pub(crate) struct ToLink {
    /// The transcript's id.
    pub id: String,
    pub recording: Recording,
    /// The turn times its sync points give (see [`times_in`]).
    pub times: Vec<(usize, i64)>,
}

/// Who the import's links and sync times are logged as.
const WHO: &str = "imported";

/// Links transcript `id` to the recording the package holds for it (stored as
/// `media/<id>.<ext>`) and sets the turn times its sync points give. A recording the
/// package does not hold, of a kind thematic does not play, or where the study has another
/// is reported, never fatal; importing the same project again changes nothing.
pub(crate) fn link(
    study: &Study,
    package: &Package,
    to_link: &ToLink,
    report: &mut ImportReport,
) -> Result<(), StudyError> {
    let ToLink {
        id,
        recording,
        times,
    } = to_link;
    let name = format!("{} ({id})", recording.name);
    let path = recording.path.as_deref().unwrap_or_default();
    let lower = path.to_ascii_lowercase();
    let why = if path.is_empty() {
        Some("recording without a path".to_string())
    } else if !lower.starts_with("internal://") && lower.contains("://") {
        Some(
            "recording outside the package (thematic reads only what the package holds; link \
             it with `thematic media link ID FILE`)"
                .to_string(),
        )
    } else if thematic_study::media_type(Path::new(path)).is_none() {
        Some(format!(
            "recording of a kind thematic does not play ({})",
            path.rsplit('/').next().unwrap_or(path)
        ))
    } else {
        None
    };
    let entry = match (why, package.recording(path)) {
        (Some(why), _) => {
            report.left_out.push(LeftOut::new(why, name));
            return Ok(());
        }
        (None, None) => {
            report
                .left_out
                .push(LeftOut::new("recording not in the package", name));
            return Ok(());
        }
        (None, Some(entry)) => entry,
    };
    let ext = Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let copy = |out: &mut std::fs::File| package.copy_recording(&entry, out).map(drop);
    match link_recording(study, id, &ext, copy, WHO)? {
        Linked::New => report.recordings_linked.push(id.to_string()),
        // The same recording linked before (this project imported again): only the sync
        // times, which are set as they were.
        Linked::Already => {}
        Linked::Not(why) => {
            report.warnings.push(why);
            return Ok(());
        }
    }
    for &(start, ms) in times {
        if let Err(e) = study.set_sync_time(id, start, Some(ms), WHO) {
            report
                .warnings
                .push(format!("a sync time of {id} was not set: {e}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use thematic_transcript::{Options, parse};

    #[test]
    fn points_at_a_turn_start_or_in_its_label_time_that_turn_unless_the_text_says_so() {
        let t = parse(
            b"[00:00:01] Interviewer: Hello there\n\n[00:00:05] P1: Hi\n\nInterviewer: Bye\n",
            &Options::default(),
        )
        .unwrap();
        let [a, b, c] = [&t.turns[0], &t.turns[1], &t.turns[2]];
        let points = [
            // QualCoder's point at the very start: no turn's time.
            (Some(0), 0),
            // The first turn's start: the text already says 1 s.
            (Some(a.start), 1_000),
            // Inside the first turn: times no turn.
            (Some(a.start + 3), 2_000),
            // In the second turn's label (after the first's end): 5.5 s (the text has 5 s).
            (Some(b.start - 2), 5_500),
            // The second turn's start itself, 5.25 s: nearer, so it wins.
            (Some(b.start), 5_250),
            // The third turn has no time of its own.
            (Some(c.start), 9_000),
            (None, 7_000),
        ];
        assert_eq!(
            turn_times(&t, &points),
            [(b.start, 5_250), (c.start, 9_000)]
        );
    }
}
