//! Recordings in `thematic export FILE.qdpx`: never without `--with-media`; with it, the
//! recording as an `AudioSource` holding the transcript and its sync points, valid against
//! the REFI project schema; and `thematic init --from` links it again, with the turn times
//! the study kept.

#![allow(clippy::unwrap_used)]

use crate::util::{Dir, unzip, xmllint};

const P1: &str = "Interviewer: Hello?\nP1: The allotment keeps me going.\n";

/// A study `s` with P1 and its recording (beside it on import, so linked), turn 2 synced
/// to 1.5 s and coded by KW; returns the recording's bytes.
fn study_with_recording(d: &Dir) -> Vec<u8> {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let wav = thematic_study::testing::sine_wav(300);
    d.write("in/P1.txt", P1);
    d.write("in/P1.wav", &wav);
    d.cmd_in("s", &["import", "../in"]).ok();
    d.cmd_in("s", &["media", "sync", "P1", "--turn", "2", "00:01.5"])
        .ok();
    d.code(
        "s",
        "KW",
        "P1",
        "2",
        Some("allotment keeps"),
        "asking-questions",
    );
    wav
}

#[test]
fn export_leaves_recordings_out_unless_with_media_is_given() {
    let d = Dir::new();
    let wav = study_with_recording(&d);
    d.cmd_in("s", &["export", "../plain.qdpx"])
        .ok()
        .stderr_has("1 transcript(s), 1 coding(s)");
    let entries = unzip(&d.join("plain.qdpx"));
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[1].ends_with(".txt"), "{names:?}");
    let xml = String::from_utf8(entries[0].1.clone()).unwrap();
    assert!(
        !xml.contains("AudioSource") && !xml.contains("SyncPoint"),
        "{xml}"
    );
    let all = std::fs::read(d.join("plain.qdpx")).unwrap();
    assert!(
        !all.windows(200).any(|w| w == &wav[44..244]),
        "no recording bytes"
    );

    d.cmd_in("s", &["export", "../media.qdpx", "--with-media"])
        .ok()
        .stderr_has("memo(s), 1 recording(s)");
    let entries = unzip(&d.join("media.qdpx"));
    let qde = &entries[0].1;
    let (valid, complaint) = xmllint(qde);
    assert!(valid, "{complaint}");
    let xml = std::str::from_utf8(qde).unwrap();
    let doc = roxmltree::Document::parse(xml).unwrap();
    let source = doc
        .descendants()
        .find(|n| n.has_tag_name("AudioSource"))
        .unwrap();
    let entry = format!(
        "sources/{}",
        source
            .attribute("path")
            .unwrap()
            .strip_prefix("internal://")
            .unwrap()
    );
    let (_, got) = entries.iter().find(|(n, _)| *n == entry).unwrap();
    assert_eq!(got, &wav);
    // The turn synced to 1.5 s starts at code point 24 ("Interviewer: Hello?\nP1: ").
    let synced = doc
        .descendants()
        .filter(|n| n.has_tag_name("SyncPoint"))
        .find(|p| p.attribute("position") == Some("24"))
        .unwrap();
    assert_eq!(synced.attribute("timeStamp"), Some("1500"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("TranscriptSelection"))
            .count(),
        1
    );
}

#[test]
fn a_project_with_media_makes_a_study_with_the_recording_linked_and_synced() {
    let d = Dir::new();
    let wav = study_with_recording(&d);
    d.cmd_in("s", &["export", "../media.qdpx", "--with-media"])
        .ok();
    d.cmd(&["init", "copy", "--from", "media.qdpx"])
        .ok()
        .stderr_has("linked the project's recording to P1");
    assert_eq!(std::fs::read(d.join("copy/media/P1.wav")).unwrap(), wav);
    let list = d.json_in("copy", &["media", "list", "--format", "json"]);
    assert_eq!(list[0]["transcript"], "P1");
    assert_eq!(list[0]["path"], "media/P1.wav");
    assert_eq!(list[0]["synced"], 1);
    assert!(
        d.read("copy/sync.csv").contains("P1,24,1500,"),
        "{}",
        d.read("copy/sync.csv")
    );
    // KW's coding, as (transcript, start, end, theme, text), the same in both studies.
    let coded = |s: &str| {
        let mut rdr = csv::Reader::from_path(d.join(&format!("{s}/codings/KW.csv"))).unwrap();
        let head = rdr.headers().unwrap().clone();
        let col = |name: &str| head.iter().position(|h| h == name).unwrap();
        let cols = ["transcript", "start", "end", "theme", "text"].map(col);
        rdr.records()
            .map(|r| cols.map(|c| r.as_ref().unwrap()[c].to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(coded("copy"), coded("s"));
    assert_eq!(coded("copy").len(), 1);
    // The same project again links nothing twice.
    d.cmd_in("copy", &["import", "../media.qdpx"]).ok();
    let log = d.read("copy/changelog.csv");
    assert_eq!(log.matches(",media-link,").count(), 1, "{log}");
}
