//! Recordings on the command line: `thematic import` links a recording beside a transcript
//! (`--copy-media` copies it into the study), `thematic media link|unlink|list|sync`,
//! `thematic transcripts` shows each transcript's recording, and `thematic check` reports a
//! recording that is missing or changed and a sync time left on a turn start that moved.
//! The recordings are WAV tones written by `thematic_study::testing::sine_wav`.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use crate::util::Dir;

const P1: &str = "Interviewer: Hello?\nP1: The allotment keeps me going.\n";
const P2: &str = "Interviewer: And you?\nP2: I set myself goals.\n";

/// The media findings of `thematic check` in `s`: (kind, transcript), and the messages.
fn media_findings(d: &Dir) -> (Vec<(String, String)>, Vec<String>) {
    let run = d.cmd_in("s", &["check", "--format", "json"]).ok();
    let all = run.json();
    let found: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let k = f["kind"].as_str().unwrap();
            k.starts_with("media") || k.starts_with("sync")
        })
        .collect();
    (
        found
            .iter()
            .map(|f| {
                (
                    f["kind"].as_str().unwrap().to_string(),
                    f["transcript"].as_str().unwrap().to_string(),
                )
            })
            .collect(),
        found
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect(),
    )
}

#[test]
fn import_links_the_recording_beside_a_transcript_and_transcripts_shows_it() {
    let d = Dir::new();
    d.study("s");
    let wav = thematic_study::testing::sine_wav(300);
    d.write("in/P1_zoom.txt", P1);
    d.write("in/P1_zoom.wav", &wav);
    d.write("in/P2.txt", P2);
    let run = d
        .cmd_in("s", &["import", "../in", "--format", "json"])
        .ok()
        .stderr_has("linked the recording P1_zoom.wav to P1");
    let rows = run.json();
    // Outside the study folder, the path is kept absolute.
    let linked = d.join("in/P1_zoom.wav").canonicalize().unwrap();
    assert_eq!(rows[0]["id"], "P1");
    assert_eq!(rows[0]["media"], json!(linked.to_str().unwrap()));
    assert_eq!(rows[1]["media"], Value::Null);
    assert!(!d.join("s/media").exists(), "not copied by default");

    let listed = d.json_in("s", &["transcripts", "--format", "json"]);
    assert_eq!(listed[0]["media"], json!(linked.to_str().unwrap()));
    assert_eq!(listed[0]["media_status"], "ok");
    assert_eq!(listed[1]["media"], Value::Null);
    assert_eq!(listed[1]["media_status"], Value::Null);
    // Importing again (unchanged) keeps the one link and logs nothing new.
    d.cmd_in("s", &["import", "../in"]).ok();
    let log = d.read("s/changelog.csv");
    assert_eq!(log.matches(",media-link,").count(), 1, "{log}");
}

#[test]
fn import_copy_media_copies_the_recording_into_the_study() {
    let d = Dir::new();
    d.study("s");
    let wav = thematic_study::testing::sine_wav(200);
    d.write("in/P1.txt", P1);
    d.write("in/P1.WAV", &wav);
    let rows = d.json_in(
        "s",
        &["import", "../in", "--copy-media", "--format", "json"],
    );
    assert_eq!(rows[0]["media"], "media/P1.wav");
    assert_eq!(std::fs::read(d.join("s/media/P1.wav")).unwrap(), wav);
    let list = d.json_in("s", &["media", "list", "--format", "json"]);
    assert_eq!(list[0]["path"], "media/P1.wav");
    assert_eq!(
        list[0]["size"],
        44 + 3200,
        "200 ms at 8 kHz, 2 bytes a sample"
    );
}

#[test]
fn link_list_unlink_and_check_a_missing_or_changed_recording() {
    let d = Dir::new();
    d.study("s");
    d.write("s/in/P1.txt", P1);
    d.write("s/in/P2.txt", P2);
    d.cmd_in("s", &["import", "in"]).ok();
    let rec = d.write(
        "s/recordings/second interview.wav",
        thematic_study::testing::sine_wav(100),
    );
    d.cmd_in("s", &["media", "link", "P2", rec.to_str().unwrap()])
        .ok()
        .stderr_has("linked audio recordings/second interview.wav (audio/wav");
    let list = d.json_in("s", &["media", "list", "--format", "json"]);
    assert_eq!(
        list,
        json!([{
            "transcript": "P2",
            "kind": "audio",
            "mime": "audio/wav",
            "path": "recordings/second interview.wav",
            "size": 44 + 1600,
            "modified": list[0]["modified"],
            "status": "ok",
            "synced": 0
        }])
    );
    assert_eq!(media_findings(&d).0, vec![]);

    // Changed: the same size, other samples.
    let mut other = thematic_study::testing::sine_wav(100);
    other[100] ^= 0xff;
    std::fs::write(&rec, &other).unwrap();
    let (kinds, messages) = media_findings(&d);
    assert_eq!(kinds, vec![("media-changed".to_string(), "P2".to_string())]);
    assert!(
        messages[0].contains("thematic media link P2 "),
        "{}",
        messages[0]
    );
    let list = d.json_in("s", &["media", "list", "--format", "json"]);
    assert_eq!(list[0]["status"], "changed");
    // Accepting it as it is now clears the finding.
    d.cmd_in("s", &["media", "link", "P2", rec.to_str().unwrap()])
        .ok();
    assert_eq!(media_findings(&d).0, vec![]);

    // Missing: a warning (a recording deleted after transcription is a choice), exit 0.
    std::fs::remove_file(&rec).unwrap();
    let (kinds, messages) = media_findings(&d);
    assert_eq!(kinds, vec![("media-missing".to_string(), "P2".to_string())]);
    assert!(
        messages[0].contains("thematic media unlink P2"),
        "{}",
        messages[0]
    );
    d.cmd_in("s", &["transcripts"])
        .ok()
        .stderr_has("the recording of P2, recordings/second interview.wav, is missing");

    d.cmd_in("s", &["media", "unlink", "P2"])
        .ok()
        .stderr_has("unlinked");
    d.cmd_in("s", &["media", "unlink", "P2"])
        .ok()
        .stderr_has("nothing to do");
    assert_eq!(
        d.json_in("s", &["media", "list", "--format", "json"]),
        json!([])
    );
    assert_eq!(media_findings(&d).0, vec![]);
}

#[test]
fn link_refuses_what_is_not_a_recording_or_not_a_transcript() {
    let d = Dir::new();
    d.study("s");
    d.write("s/in/P1.txt", P1);
    d.cmd_in("s", &["import", "in"]).ok();
    let notes = d.write("notes.txt", "x");
    d.cmd_in("s", &["media", "link", "P1", notes.to_str().unwrap()])
        .fails_with(1)
        .stderr_has("not a recording")
        .stderr_has(".m4a, .mp3, .wav");
    let wav = d.write("P1.wav", thematic_study::testing::sine_wav(10));
    d.cmd_in("s", &["media", "link", "P11", wav.to_str().unwrap()])
        .fails_with(1)
        .stderr_has("no transcript \"P11\"");
    assert!(!d.join("s/media.csv").exists());
}

#[test]
fn sync_times_are_set_cleared_and_checked_against_moved_turns() {
    let d = Dir::new();
    d.study("s");
    d.write("s/in/P1.txt", P1);
    d.cmd_in("s", &["import", "in"]).ok();
    // Turn 2, "The allotment keeps me going.", starts at code point 24:
    // "Interviewer: Hello?\n" is 20, "P1: " 4 more. 00:01.5 is 1,500 ms.
    d.cmd_in("s", &["media", "sync", "P1", "--turn", "2", "00:01.5"])
        .ok()
        .stderr_has("P1 turn at 24 starts at 00:00:01.500");
    assert!(
        d.read("s/sync.csv").contains("P1,24,1500,"),
        "{}",
        d.read("s/sync.csv")
    );
    d.cmd_in("s", &["media", "sync", "P1", "--turn", "3", "2"])
        .fails_with(1)
        .stderr_has("P1 has 2 turns; there is no turn 3");
    d.cmd_in("s", &["media", "sync", "P1", "--turn", "2", "soon"])
        .fails_with(1)
        .stderr_has("\"soon\" is not a time");
    assert_eq!(media_findings(&d).0, vec![]);

    // A hand correction moves turn 2 by 4 code points ("Hi, "): the time stays on 24,
    // where no turn starts now, and check says so with the command that clears it.
    std::fs::write(
        d.join("s/transcripts/P1.txt"),
        "Interviewer: Hi, Hello?\nP1: The allotment keeps me going.\n",
    )
    .unwrap();
    let (kinds, messages) = media_findings(&d);
    assert_eq!(kinds, vec![("sync-orphaned".to_string(), "P1".to_string())]);
    assert!(
        messages[0].contains("thematic media sync P1 --at 24 --clear"),
        "{}",
        messages[0]
    );
    d.cmd_in("s", &["media", "sync", "P1", "--at", "24", "--clear"])
        .ok();
    assert_eq!(media_findings(&d).0, vec![]);
    d.cmd_in("s", &["media", "sync", "P1", "--turn", "2", "3.25"])
        .ok();
    assert!(
        d.read("s/sync.csv").contains("P1,28,3250,"),
        "{}",
        d.read("s/sync.csv")
    );
    let log = d.read("s/changelog.csv");
    assert_eq!(log.matches(",sync,").count(), 3, "{log}");
}

/// An Ogg Vorbis file's length in seconds: the last page's granule position (samples) over
/// the identification header's sample rate. Written here, in a few lines, because the test
/// needs only these two numbers (Ogg: RFC 3533 §6; Vorbis I specification §4.2.2).
fn ogg_vorbis_seconds(bytes: &[u8]) -> f64 {
    let header = bytes.windows(7).position(|w| w == b"\x01vorbis").unwrap();
    // After "\x01vorbis": version (4 bytes), channels (1), sample rate (4, little-endian).
    let at = header + 7 + 4 + 1;
    let rate = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let last = bytes.windows(4).rposition(|w| w == b"OggS").unwrap();
    // The page header: "OggS", version (1), type (1), granule position (8, little-endian).
    let granule = u64::from_le_bytes(bytes[last + 6..last + 14].try_into().unwrap());
    granule as f64 / f64::from(rate)
}

#[test]
fn the_recorded_sample_imports_with_its_recording_and_the_turns_fit_it() {
    // sample-transcripts/recording/: a synthetic 47-second interview and its timed VTT, for
    // trying the player. Its recording is linked on import, and every turn starts and ends
    // inside the recording, the last ending within the 0.6 s pause before the end.
    let d = Dir::new();
    d.study("s");
    let vtt = crate::util::sample("recording/R1_interview.vtt");
    let run = d
        .cmd_in("s", &["import", vtt.to_str().unwrap(), "--format", "json"])
        .ok()
        .stderr_has("linked the recording R1_interview.ogg to R1");
    assert!(
        run.json()[0]["media"]
            .as_str()
            .unwrap()
            .ends_with("R1_interview.ogg")
    );
    let seconds = ogg_vorbis_seconds(&std::fs::read(vtt.with_extension("ogg")).unwrap());
    let parsed = d.json_in("s", &["parse", vtt.to_str().unwrap(), "--format", "json"]);
    let turns = parsed["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 8, "{turns:#?}");
    let ms = |t: &Value, k: &str| t[k].as_i64().unwrap_or_else(|| panic!("{k}: {t}"));
    let last_end = ms(turns.last().unwrap(), "end_ms") as f64 / 1000.0;
    assert!(
        last_end <= seconds && seconds - last_end < 1.0,
        "the last turn ends at {last_end} s, the recording is {seconds} s"
    );
    // Two speakers take turns, the interviewer first.
    let speakers: Vec<&str> = turns
        .iter()
        .map(|t| t["speaker"].as_str().unwrap())
        .collect();
    assert_eq!(speakers[..2], ["Interviewer", "R1"]);
}
