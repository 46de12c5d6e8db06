//! Recordings in REFI-QDA projects: never exported unless asked; with `with_media`, an
//! `AudioSource` holding the transcript, its sync points and its codings as
//! `TranscriptSelection`s, valid against the REFI project schema; and back into a new
//! study with the recording linked, the turn times and the codings as they were.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use thematic_exchange::refi::{
    Limits, MediaForExport, QdpxOptions, export_qdpx, export_qdpx_to, export_qdpx_with_media,
    import_qdpx, init_from_qdpx,
};
use thematic_study::{Coding, InitOptions, MediaKind, Study};

#[path = "../../../tests/support/refi.rs"]
mod refi;
use refi::{unzip_bytes as unzip, xmllint};

const BOOK: &str = r#"
format_version = 1
name = "Media test"

[[theme]]
id = "belonging"
label = "Belonging"

[[theme]]
id = "what-matters"
label = "What matters"
"#;

/// Captions with times to the millisecond: the text shows whole seconds
/// (`[00:00:01] Interviewer: …`), so only sync points can carry 1.25 s and 3.5 s back.
const P1_VTT: &str = "WEBVTT

00:00:01.250 --> 00:00:03.000
<v Interviewer>How did you hear about it?

00:00:03.500 --> 00:00:06.000
<v P1>My GP told me.
";

/// A typed transcript without times; the study keeps sync times for it.
const P2_TXT: &str = "Interviewer: Tell me more.

P2: Being listened to. That was it.
";

/// Where something is in a transcript's text, in code points: (start, end).
fn at(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).unwrap();
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

fn coding(id: &str, transcript: &str, span: (usize, usize), theme: &str, text: &str) -> Coding {
    Coding {
        id: id.into(),
        coder: "KW".into(),
        transcript: transcript.into(),
        turn: 2,
        start: span.0,
        end: span.1,
        theme: theme.into(),
        text: text.into(),
        memo: String::new(),
        created: "2026-11-21T10:00:00Z".into(),
        ..Coding::default()
    }
}

/// A study whose two transcripts have their recordings linked from a folder outside it,
/// P2's turns synced by hand, and three codings by KW.
struct Fixture {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    study: Study,
    /// The recordings as linked.
    wavs: BTreeMap<&'static str, (PathBuf, Vec<u8>)>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let mut opts = InitOptions::new("Media study");
    opts.codebook_file = "book.toml".into();
    opts.codebook_text = BOOK.into();
    let study = Study::init(&dir.path().join("study"), &opts).unwrap();
    std::fs::write(study.transcripts_dir().join("P1.vtt"), P1_VTT).unwrap();
    std::fs::write(study.transcripts_dir().join("P2.txt"), P2_TXT).unwrap();
    std::fs::write(study.participants_path(), "participant,age\nP1,52\nP2,40\n").unwrap();
    let mut wavs = BTreeMap::new();
    for (id, seed) in [("P1", 1), ("P2", 2)] {
        // A file name that names someone: it must not travel.
        let path = outside.path().join(format!("Jane Doe {id}.wav"));
        // Two recordings that differ (their lengths), so neither is taken for the other.
        let bytes = thematic_study::testing::sine_wav(300 + seed);
        std::fs::write(&path, &bytes).unwrap();
        study.link_media(id, &path, false, "KW").unwrap();
        wavs.insert(id, (path, bytes));
    }
    let p2 = study.transcript("P2").unwrap();
    study
        .set_sync_time("P2", p2.turns[0].start, Some(500), "KW")
        .unwrap();
    study
        .set_sync_time("P2", p2.turns[1].start, Some(2_750), "KW")
        .unwrap();
    let p1 = study.transcript("P1").unwrap().text;
    let p2 = p2.text;
    let mine = vec![
        coding(
            "c-000000000001",
            "P1",
            at(&p1, "My GP told me."),
            "belonging",
            "My GP told me.",
        ),
        coding(
            "c-000000000002",
            "P1",
            at(&p1, "GP told"),
            "what-matters",
            "GP told",
        ),
        coding(
            "c-000000000003",
            "P2",
            at(&p2, "Being listened to."),
            "what-matters",
            "Being listened to.",
        ),
    ];
    study
        .update_codings("KW", |f| {
            f.codings = mine;
            Ok(((), true))
        })
        .unwrap();
    Fixture {
        _dirs: (dir, outside),
        study,
        wavs,
    }
}

fn with_media() -> QdpxOptions {
    QdpxOptions {
        with_media: true,
        ..QdpxOptions::default()
    }
}

#[test]
fn without_with_media_no_recording_and_no_sync_point_leaves_the_study() {
    let f = fixture();
    // Even handed the recordings, an export not asked for media leaves them out.
    let given: Vec<MediaForExport> = f
        .wavs
        .iter()
        .map(|(id, (path, _))| MediaForExport {
            transcript: (*id).into(),
            path: path.clone(),
            kind: MediaKind::Audio,
            sync: Vec::new(),
        })
        .collect();
    for (bytes, report) in [
        export_qdpx(&f.study, &QdpxOptions::default()).unwrap(),
        export_qdpx_with_media(&f.study, &QdpxOptions::default(), &given).unwrap(),
    ] {
        assert_eq!(report.recordings, 0);
        let entries = unzip(&bytes);
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(
            names
                .iter()
                .all(|n| *n == "project.qde" || n.ends_with(".txt"))
        );
        let qde = String::from_utf8(entries[0].1.clone()).unwrap();
        for absent in [
            "AudioSource",
            "VideoSource",
            "Transcript ",
            "SyncPoint",
            ".wav",
        ] {
            assert!(!qde.contains(absent), "{absent} in {qde}");
        }
        assert_eq!(qde.matches("<TextSource").count(), 2);
        // Not a byte of either recording (they would be stored uncompressed).
        for (_, wav) in f.wavs.values() {
            assert!(!bytes.windows(64).any(|w| w == &wav[44..108]));
        }
    }
}

#[test]
fn with_media_each_recording_is_an_audio_source_with_its_transcript_and_sync_points() {
    let f = fixture();
    let (bytes, report) = export_qdpx(&f.study, &with_media()).unwrap();
    assert_eq!((report.recordings, report.codings), (2, 3));
    assert!(report.left_out.is_empty(), "{:?}", report.left_out);
    // The same study gives the same bytes, in memory or written straight to a file.
    assert_eq!(export_qdpx(&f.study, &with_media()).unwrap().0, bytes);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("study.qdpx");
    let written = export_qdpx_to(&f.study, &with_media(), &file).unwrap();
    assert_eq!(written, report);
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
    let entries = unzip(&bytes);
    let qde = &entries[0].1;
    let (ok, err) = xmllint(qde);
    assert!(ok, "project.qde does not validate: {err}");
    let xml = std::str::from_utf8(qde).unwrap();
    // Nothing of where the recordings are, or of their names.
    assert!(
        !xml.contains("Jane") && !xml.contains("absolute://"),
        "{xml}"
    );
    let doc = roxmltree::Document::parse(xml).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("TextSource"))
            .count(),
        0
    );
    let sources: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("AudioSource"))
        .collect();
    assert_eq!(sources.len(), 2);
    // Each participant's case refers to the recording that holds their interview.
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Case"))
        .collect();
    assert_eq!(cases.len(), 2);
    for (source, case) in sources.iter().zip(cases) {
        let target = case
            .children()
            .find(|n| n.has_tag_name("SourceRef"))
            .and_then(|r| r.attribute("targetGUID"));
        assert_eq!(target, source.attribute("guid"));
    }
    let mut times: BTreeMap<String, Vec<(usize, Option<i64>)>> = BTreeMap::new();
    for (source, id) in sources.iter().zip(["P1", "P2"]) {
        assert_eq!(source.attribute("name"), Some(format!("{id}.wav").as_str()));
        // The recording is in the package under its GUID, byte for byte.
        let path = source.attribute("path").unwrap();
        let file = path.strip_prefix("internal://").unwrap();
        assert_eq!(file, format!("{}.wav", source.attribute("guid").unwrap()));
        let (_, got) = entries
            .iter()
            .find(|(n, _)| *n == format!("sources/{file}"))
            .unwrap();
        assert_eq!(got, &f.wavs[id].1);
        let transcript = source
            .children()
            .find(|n| n.has_tag_name("Transcript"))
            .unwrap();
        // QualCoder cannot read a transcript without a date.
        assert!(transcript.attribute("modifiedDateTime").is_some());
        let text_path = transcript.attribute("plainTextPath").unwrap();
        let (_, text) = entries
            .iter()
            .find(|(n, _)| {
                *n == format!("sources/{}", text_path.strip_prefix("internal://").unwrap())
            })
            .unwrap();
        let chars: Vec<char> = std::str::from_utf8(text).unwrap().chars().collect();
        let points: BTreeMap<&str, (usize, Option<i64>)> = transcript
            .children()
            .filter(|n| n.has_tag_name("SyncPoint"))
            .map(|p| {
                let position = p.attribute("position").unwrap().parse().unwrap();
                let ms = p.attribute("timeStamp").map(|t| t.parse().unwrap());
                (p.attribute("guid").unwrap(), (position, ms))
            })
            .collect();
        // Each selection's sync points bound exactly its text.
        let selections: Vec<_> = transcript
            .children()
            .filter(|n| n.has_tag_name("TranscriptSelection"))
            .collect();
        assert!(!selections.is_empty());
        for sel in selections {
            let (s, _) = points[sel.attribute("fromSyncPoint").unwrap()];
            let (e, _) = points[sel.attribute("toSyncPoint").unwrap()];
            let got: String = chars[s..e].iter().collect();
            assert_eq!(got, sel.attribute("name").unwrap());
            assert_eq!(
                sel.children().filter(|n| n.has_tag_name("Coding")).count(),
                1
            );
        }
        let mut all: Vec<(usize, Option<i64>)> = points.into_values().collect();
        all.sort_unstable();
        times.insert(id.to_string(), all);
    }
    let p1 = f.study.transcript("P1").unwrap();
    let (t1, t2) = (p1.turns[0].start, p1.turns[1].start);
    let (gp, told) = at(&p1.text, "GP told");
    // P1: both turn starts (1.25 s, 3.5 s), the end of "My GP told me." (its turn's end, at
    // 6 s), and "GP told" inside the 14 characters of 3.5–6 s: 3 characters in, 3500 +
    // 2500·3/14 = 4035.7 → 4036 ms; 10 in, 3500 + 2500·10/14 = 5285.7 → 5286 ms.
    assert_eq!(
        times["P1"],
        [
            (t1, Some(1_250)),
            (t2, Some(3_500)),
            (gp, Some(4_036)),
            (told, Some(5_286)),
            (t2 + 14, Some(6_000)),
        ]
    );
    // P2: the study's sync times at its two turn starts (the coding begins at the second);
    // the coding's end lies after the last known time, so it has no timeStamp.
    let p2 = f.study.transcript("P2").unwrap();
    let (_, listened) = at(&p2.text, "Being listened to.");
    assert_eq!(
        times["P2"],
        [
            (p2.turns[0].start, Some(500)),
            (p2.turns[1].start, Some(2_750)),
            (listened, None),
        ]
    );
}

/// KW's codings as (transcript, start, end, theme, text), sorted.
fn spans(study: &Study) -> Vec<(String, usize, usize, String, String)> {
    let mut out: Vec<_> = study
        .all_codings()
        .unwrap()
        .into_iter()
        .flat_map(|f| f.codings)
        .map(|c| (c.transcript, c.start, c.end, c.theme, c.text))
        .collect();
    out.sort();
    out
}

/// Each turn's time as the reader shows it: the study's sync time, else the text's own.
fn turn_times(study: &Study, id: &str) -> Vec<Option<i64>> {
    let sync = study.sync_times(id).unwrap();
    study
        .transcript(id)
        .unwrap()
        .turns
        .iter()
        .map(|t| sync.get(&t.start).copied().or(t.start_ms))
        .collect()
}

#[test]
fn a_round_trip_links_the_recording_and_keeps_turn_times_and_codings() {
    let f = fixture();
    let (bytes, _) = export_qdpx(&f.study, &with_media()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let qdpx = dir.path().join("study.qdpx");
    std::fs::write(&qdpx, &bytes).unwrap();
    let (copy, report) =
        init_from_qdpx(&dir.path().join("copy"), &qdpx, None, &Limits::default()).unwrap();
    assert_eq!(report.recordings_linked, ["P1", "P2"]);
    assert!(report.left_out.is_empty(), "{:?}", report.left_out);
    for id in ["P1", "P2"] {
        let link = copy.media(id).unwrap().unwrap();
        assert_eq!(link.kind, MediaKind::Audio);
        // Copied into the new study, byte for byte.
        assert!(
            link.path.starts_with(copy.root().join("media")),
            "{:?}",
            link.path
        );
        assert_eq!(std::fs::read(&link.path).unwrap(), f.wavs[id].1);
    }
    // P1's text says 1 s and 3 s; the sync points bring back 1.25 s and 3.5 s.
    assert_eq!(turn_times(&f.study, "P1"), [Some(1_250), Some(3_500)]);
    assert_eq!(turn_times(&copy, "P1"), [Some(1_250), Some(3_500)]);
    assert_eq!(turn_times(&copy, "P2"), [Some(500), Some(2_750)]);
    assert_eq!(spans(&copy), spans(&f.study));
    assert_eq!(
        std::fs::read_to_string(copy.participants_path()).unwrap(),
        "participant,age\nP1,52\nP2,40\n"
    );
    // Importing the same project again adds nothing and links nothing twice.
    let again = import_qdpx(&copy, &qdpx, &Limits::default()).unwrap();
    assert!(again.recordings_linked.is_empty());
    assert_eq!((again.codings_total(), again.codings_present), (0, 3));
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    assert_eq!(spans(&copy), spans(&f.study));
}

#[test]
fn a_recording_that_cannot_be_read_is_left_out_and_its_transcript_goes_as_text() {
    let f = fixture();
    std::fs::remove_file(&f.wavs["P2"].0).unwrap();
    let (bytes, report) = export_qdpx(&f.study, &with_media()).unwrap();
    assert_eq!(report.recordings, 1);
    assert_eq!(report.left_out.len(), 1);
    assert!(
        report.left_out[0]
            .what
            .starts_with("recording that cannot be read")
    );
    let entries = unzip(&bytes);
    let (ok, err) = xmllint(&entries[0].1);
    assert!(ok, "{err}");
    let xml = std::str::from_utf8(&entries[0].1).unwrap();
    assert_eq!(
        (
            xml.matches("<AudioSource").count(),
            xml.matches("<TextSource").count()
        ),
        (1, 1)
    );
    assert_eq!(report.codings, 3);
}

/// A zip of `files`, deflated.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in files {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn recordings_from_another_tool_are_read_and_what_has_no_place_is_reported() {
    let text = "Interviewer: How was it?\nP7: I felt at home there.\n";
    let (start, end) = at(text, "felt at home");
    let turn = at(text, "I felt").0;
    // A video with its transcript: a sync point at P7's turn (which has no time in the
    // text), a selection bounded by two points, one whose second point is missing, a
    // coding of the video itself, a note on the transcript, and a case (P07) that refers
    // to the video; an audio source whose recording is outside the package; one without a
    // transcript.
    let qde = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="From elsewhere">
 <Users><User guid="00000000-0000-0000-0000-0000000000u1" name="Ruth"/></Users>
 <CodeBook><Codes><Code guid="C1" name="Belonging" isCodable="true"/></Codes></CodeBook>
 <Cases><Case guid="CA1" name="P07"><SourceRef targetGUID="V1"/></Case></Cases>
 <Sources>
  <VideoSource guid="V1" name="Interview 7.mp4" path="internal://V1.mp4">
   <Transcript guid="T1" name="P7" plainTextPath="internal://T1.txt">
    <SyncPoint guid="S0" position="0" timeStamp="0"/>
    <SyncPoint guid="S1" position="{turn}" timeStamp="4200"/>
    <SyncPoint guid="S2" position="{start}"/>
    <SyncPoint guid="S3" position="{end}"/>
    <TranscriptSelection guid="TS1" name="felt at home" fromSyncPoint="S2" toSyncPoint="S3">
     <Coding guid="K1"><CodeRef targetGUID="C1"/></Coding>
    </TranscriptSelection>
    <TranscriptSelection guid="TS2" name="lost" fromSyncPoint="S1" toSyncPoint="S9">
     <Coding guid="K2"><CodeRef targetGUID="C1"/></Coding>
    </TranscriptSelection>
    <NoteRef targetGUID="N1"/>
   </Transcript>
   <VideoSelection guid="VS1" begin="0" end="1000">
    <Coding guid="K3"><CodeRef targetGUID="C1"/></Coding>
   </VideoSelection>
  </VideoSource>
  <AudioSource guid="A2" name="Elsewhere.m4a" path="absolute:///home/x/Elsewhere.m4a">
   <Transcript guid="T2" name="P8" plainTextPath="internal://T2.txt"/>
  </AudioSource>
  <AudioSource guid="A3" name="Untranscribed.wav" path="internal://A3.wav"/>
 </Sources>
 <Notes><Note guid="N1" name="About P7"><PlainTextContent>Recorded at home.</PlainTextContent></Note></Notes>
</Project>"#
    );
    let video = b"not really a video, but bytes to link".to_vec();
    let dir = tempfile::tempdir().unwrap();
    let qdpx = dir.path().join("elsewhere.qdpx");
    let p8 = "Interviewer: And you?\nP8: I set goals.\n";
    std::fs::write(
        &qdpx,
        zip_of(&[
            ("project.qde", qde.as_bytes()),
            ("sources/V1.mp4", &video),
            ("sources/T1.txt", text.as_bytes()),
            ("sources/T2.txt", p8.as_bytes()),
        ]),
    )
    .unwrap();
    let (study, report) =
        init_from_qdpx(&dir.path().join("s"), &qdpx, None, &Limits::default()).unwrap();
    let outcomes: Vec<(&str, &str, usize, usize)> = report
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.status, s.codings, s.orphaned))
        .collect();
    assert_eq!(
        outcomes,
        [("P07", "imported", 1, 1), ("P8", "imported", 0, 0)]
    );
    // The transcript took the id of the case that refers to its recording.
    assert_eq!(report.recordings_linked, ["P07"]);
    let link = study.media("P07").unwrap().unwrap();
    assert_eq!(link.kind, MediaKind::Video);
    assert_eq!(std::fs::read(&link.path).unwrap(), video);
    assert!(study.media("P8").unwrap().is_none());
    // P7's turn had no time in its text: the sync point gives it 4.2 s.
    assert_eq!(
        study.sync_times("P07").unwrap(),
        BTreeMap::from([(turn, 4_200)])
    );
    let left: Vec<(&str, &str)> = report
        .left_out
        .iter()
        .map(|l| (l.what.as_str(), l.name.as_str()))
        .collect();
    for want in [
        "VideoSelection: codings of stretches of the video",
        "AudioSource without a transcript",
        "recording outside the package",
        "kept as an orphaned coding",
    ] {
        assert!(
            left.iter().any(|(w, _)| w.contains(want)),
            "{want} not in {left:?}"
        );
    }
    assert!(left.contains(&(
        "AudioSource without a transcript (thematic codes transcripts)",
        "Untranscribed.wav"
    )));
    // The note on the transcript is a memo on it.
    let memos: Vec<_> = study
        .memo_coders()
        .unwrap()
        .into_iter()
        .flat_map(|c| study.memos_of(&c).unwrap())
        .collect();
    assert_eq!(memos.len(), 1);
    assert_eq!(
        memos[0].about,
        thematic_study::MemoAbout::Transcript("P07".into())
    );
    let coded: Vec<(usize, usize, String)> = study
        .all_codings()
        .unwrap()
        .into_iter()
        .flat_map(|f| f.codings)
        .filter(|c| c.status == thematic_study::Status::Ok)
        .map(|c| (c.start, c.end, c.text))
        .collect();
    assert_eq!(coded, [(start, end, "felt at home".to_string())]);
}

#[test]
fn a_recording_bigger_than_refi_qda_allows_is_left_out_unread() {
    let f = fixture();
    // 2³¹ bytes, one more than REFI-QDA allows inside a project: a sparse file, so it takes
    // no room on disk (and is never read: its size alone leaves it out).
    let big = f.wavs["P1"].0.with_file_name("big.wav");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(1 << 31).unwrap();
    drop(file);
    f.study.link_media("P1", &big, false, "KW").unwrap();
    let (bytes, report) = export_qdpx(&f.study, &with_media()).unwrap();
    assert_eq!(report.recordings, 1);
    let left: Vec<&str> = report.left_out.iter().map(|l| l.what.as_str()).collect();
    assert_eq!(left.len(), 1);
    assert!(
        left[0].starts_with("recording bigger than the 2 GiB"),
        "{left:?}"
    );
    assert!(bytes.len() < 1 << 20);
    let entries = unzip(&bytes);
    let xml = std::str::from_utf8(&entries[0].1).unwrap();
    assert_eq!(
        (
            xml.matches("<AudioSource").count(),
            xml.matches("<TextSource").count()
        ),
        (1, 1)
    );
}

#[test]
fn a_video_goes_as_a_video_source_valid_against_the_schema_and_comes_back_as_video() {
    let f = fixture();
    let mp4 = f.wavs["P2"].0.with_file_name("call.mp4");
    std::fs::write(&mp4, b"....ftypisom, enough to stand for a video").unwrap();
    f.study.link_media("P2", &mp4, false, "KW").unwrap();
    let (bytes, report) = export_qdpx(&f.study, &with_media()).unwrap();
    assert_eq!(report.recordings, 2);
    let entries = unzip(&bytes);
    let (ok, err) = xmllint(&entries[0].1);
    assert!(ok, "project.qde does not validate: {err}");
    let xml = std::str::from_utf8(&entries[0].1).unwrap();
    assert_eq!(
        (
            xml.matches("<AudioSource").count(),
            xml.matches("<VideoSource").count()
        ),
        (1, 1)
    );
    assert!(xml.contains(r#"name="P2.mp4""#));
    let dir = tempfile::tempdir().unwrap();
    let qdpx = dir.path().join("v.qdpx");
    std::fs::write(&qdpx, &bytes).unwrap();
    let (copy, _) = init_from_qdpx(&dir.path().join("c"), &qdpx, None, &Limits::default()).unwrap();
    let link = copy.media("P2").unwrap().unwrap();
    assert_eq!(link.kind, MediaKind::Video);
    assert!(link.path.ends_with("media/P2.mp4"), "{:?}", link.path);
}
