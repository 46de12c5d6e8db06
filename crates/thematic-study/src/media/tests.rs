use super::*;

const P1: &str =
    "Interviewer: Hello?\nP1: The allotment keeps me going.\nP1: I set myself goals.\n";

fn study() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study = crate::testing::study(dir.path(), crate::testing::MECHANISMS_FILE);
    std::fs::write(study.transcripts_dir().join("P1.txt"), P1).unwrap();
    (dir, study)
}

#[test]
fn media_types_cover_the_issue_list_in_any_case() {
    assert_eq!(
        media_type(Path::new("a/P1.M4A")),
        Some((MediaKind::Audio, "audio/mp4"))
    );
    assert_eq!(
        media_type(Path::new("P1.mov")),
        Some((MediaKind::Video, "video/quicktime"))
    );
    assert_eq!(media_type(Path::new("P1.vtt")), None);
    assert_eq!(media_type(Path::new("P1")), None);
}

#[test]
fn fingerprint_reads_both_ends_and_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.wav");
    let mut bytes = vec![7u8; 300 * 1024];
    std::fs::write(&p, &bytes).unwrap();
    let (size, one) = fingerprint(&p).unwrap();
    assert_eq!(size, 300 * 1024);
    // A change in the middle (outside both 64 KiB ends) is not seen: the price of not
    // reading the whole file.
    bytes[150 * 1024] = 8;
    std::fs::write(&p, &bytes).unwrap();
    assert_eq!(fingerprint(&p).unwrap().1, one);
    // A change near the end is.
    bytes[300 * 1024 - 10] = 8;
    std::fs::write(&p, &bytes).unwrap();
    assert_ne!(fingerprint(&p).unwrap().1, one);
}

#[test]
fn link_relative_inside_absolute_outside_and_unlink() {
    let (_dir, study) = study();
    let inside = study.root().join("recordings");
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::write(inside.join("P1.wav"), b"RIFF....WAVE").unwrap();
    let link = study
        .link_media("P1", &inside.join("P1.wav"), false, "KW")
        .unwrap();
    assert_eq!(link.stored, "recordings/P1.wav");
    assert_eq!(link.size, 12);
    assert_eq!(link.mime, "audio/wav");
    assert_eq!(link.state(), MediaState::Ok);
    assert_eq!(
        study.media("P1").unwrap().unwrap().stored,
        "recordings/P1.wav"
    );
    assert_eq!(study.media("../P1").unwrap(), None);

    let outside = tempfile::tempdir().unwrap();
    let mp4 = outside.path().join("call.mp4");
    std::fs::write(&mp4, b"0123456789").unwrap();
    let link = study.link_media("P1", &mp4, false, "KW").unwrap();
    assert!(Path::new(&link.stored).is_absolute(), "{}", link.stored);
    assert_eq!(link.kind, MediaKind::Video);
    assert_eq!(
        study.media_links().unwrap().len(),
        1,
        "a link replaces the earlier one"
    );

    // Changed: same name, other bytes; missing: gone.
    std::fs::write(&mp4, b"0123456780").unwrap();
    assert!(matches!(
        study.media("P1").unwrap().unwrap().state(),
        MediaState::Changed(_)
    ));
    std::fs::remove_file(&mp4).unwrap();
    assert!(matches!(
        study.media("P1").unwrap().unwrap().state(),
        MediaState::Missing(_)
    ));

    assert!(study.unlink_media("P1", "KW").unwrap().is_some());
    assert!(study.unlink_media("P1", "KW").unwrap().is_none());
    assert!(study.media_links().unwrap().is_empty());
    let log = std::fs::read_to_string(study.root().join(crate::CHANGELOG_FILE)).unwrap();
    assert_eq!(log.matches(",media-link,").count(), 2, "{log}");
    assert_eq!(log.matches(",media-unlink,").count(), 1, "{log}");
}

#[test]
fn copy_puts_the_recording_in_media_and_links_the_copy() {
    let (_dir, study) = study();
    let outside = tempfile::tempdir().unwrap();
    let src = outside.path().join("Interview one.MP3");
    std::fs::write(&src, b"ID3 and some frames").unwrap();
    let link = study.link_media("P1", &src, true, "KW").unwrap();
    assert_eq!(link.stored, "media/P1.mp3");
    assert_eq!(
        std::fs::read(study.root().join("media/P1.mp3")).unwrap(),
        b"ID3 and some frames"
    );
    assert!(src.exists(), "the original is left where it was");
}

#[test]
fn link_refuses_unknown_transcripts_and_other_files() {
    let (_dir, study) = study();
    let f = study.root().join("notes.txt");
    std::fs::write(&f, b"x").unwrap();
    let e = study.link_media("P1", &f, false, "KW").unwrap_err();
    assert!(e.to_string().contains("not a recording"), "{e}");
    let wav = study.root().join("P2.wav");
    std::fs::write(&wav, b"x").unwrap();
    let e = study.link_media("P2", &wav, false, "KW").unwrap_err();
    assert!(matches!(e, StudyError::UnknownTranscript { .. }), "{e}");
    assert!(!study.media_path().exists(), "nothing written");
}

/// Where each turn of transcript `id` starts, in code points.
fn turn_starts(study: &Study, id: &str) -> Vec<usize> {
    study
        .transcript(id)
        .unwrap()
        .turns
        .iter()
        .map(|t| t.start)
        .collect()
}

#[test]
fn sync_times_set_change_clear_and_refuse_a_non_turn_start() {
    let (_dir, study) = study();
    // Turns: "Hello?" at 13, "The allotment keeps me going." at 24
    // ("Interviewer: Hello?\n" is 20 code points, "P1: " 4 more).
    let starts = turn_starts(&study, "P1");
    assert_eq!(&starts[..2], &[13, 24]);
    assert_eq!(
        study.set_sync_time("P1", 24, Some(1500), "KW").unwrap(),
        Some(1500)
    );
    assert_eq!(
        study.set_sync_time("P1", 13, Some(0), "KW").unwrap(),
        Some(0)
    );
    assert_eq!(
        study.set_sync_time("P1", 24, Some(1600), "KW").unwrap(),
        Some(1600)
    );
    let times = study.sync_times("P1").unwrap();
    assert_eq!(
        times.into_iter().collect::<Vec<_>>(),
        vec![(13, 0), (24, 1600)]
    );
    let e = study.set_sync_time("P1", 25, Some(10), "KW").unwrap_err();
    assert!(
        e.to_string()
            .contains("no turn of P1 starts at code point 25"),
        "{e}"
    );
    let e = study.set_sync_time("P1", 24, Some(-1), "KW").unwrap_err();
    assert!(e.to_string().contains("outside the recording"), "{e}");
    assert_eq!(study.set_sync_time("P1", 24, None, "KW").unwrap(), None);
    assert_eq!(study.sync_times("P1").unwrap().len(), 1);
    let log = std::fs::read_to_string(study.root().join(crate::CHANGELOG_FILE)).unwrap();
    assert_eq!(log.matches(",sync,").count(), 4, "{log}");
}

#[test]
fn check_reports_missing_changed_and_orphaned_sync_times() {
    let (_dir, study) = study();
    let wav = study.root().join("P1.wav");
    std::fs::write(&wav, b"RIFF one").unwrap();
    study.link_media("P1", &wav, false, "KW").unwrap();
    study.set_sync_time("P1", 24, Some(1500), "KW").unwrap();
    let kinds = |study: &Study| -> Vec<&'static str> {
        let mut k: Vec<_> = study
            .check()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.kind)
            .filter(|k| k.starts_with("media") || k.starts_with("sync"))
            .collect();
        k.sort_unstable();
        k
    };
    assert_eq!(kinds(&study), Vec::<&str>::new());
    std::fs::write(&wav, b"RIFF two").unwrap();
    assert_eq!(kinds(&study), vec!["media-changed"]);
    std::fs::remove_file(&wav).unwrap();
    // The turn that started at 24 now starts at 27 ("Hi, Hello?" moves it by 3... no: the
    // first line grows by 4 code points, "Hi, ", so every later start moves by 4).
    std::fs::write(
        study.transcripts_dir().join("P1.txt"),
        "Interviewer: Hi, Hello?\nP1: The allotment keeps me going.\nP1: I set myself goals.\n",
    )
    .unwrap();
    assert_eq!(kinds(&study), vec!["media-missing", "sync-orphaned"]);
    assert_eq!(study.check().unwrap().errors(), 0, "warnings only");
}

#[test]
fn the_recording_beside_a_transcript_is_found_by_its_stem_or_id() {
    let dir = tempfile::tempdir().unwrap();
    let vtt = dir.path().join("P6_zoom.vtt");
    assert_eq!(media_beside(&vtt, "P6"), None);
    std::fs::write(dir.path().join("P6.MP4"), b"x").unwrap();
    assert_eq!(media_beside(&vtt, "P6"), Some(dir.path().join("P6.MP4")));
    // Audio comes before video in MEDIA_TYPES, and the stem before the id.
    std::fs::write(dir.path().join("P6_zoom.m4a"), b"x").unwrap();
    assert_eq!(
        media_beside(&vtt, "P6"),
        Some(dir.path().join("P6_zoom.m4a"))
    );
    assert_eq!(media_beside(&dir.path().join("P7.txt"), "P7"), None);
}

#[test]
fn sync_times_follow_their_turns_through_an_update() {
    let (_dir, study) = study();
    // Turns start at 13, 24 and 54 ("P1: The allotment keeps me going.\n" is 34 code
    // points from 20, so the third line starts at 54 and its words at 58).
    let starts = turn_starts(&study, "P1");
    assert_eq!(starts, vec![13, 24, 58]);
    study.set_sync_time("P1", 24, Some(1500), "KW").unwrap();
    study.set_sync_time("P1", 58, Some(4000), "KW").unwrap();
    // "Hi, " before "Hello?" moves every later start by 4; the third turn's words also
    // change ("I set myself goals." → "I set myself goals!"), so it is found by the fuzzy
    // re-anchoring: one substitution in 19 code points, similarity 1 − 1/19 ≈ 0.95 ≥ 0.8.
    // ("… some goals." would be 1 − 5/24 ≈ 0.79: orphaned, as the next test shows.)
    let newer =
        "Interviewer: Hi, Hello?\nP1: The allotment keeps me going.\nP1: I set myself goals!\n";
    let file = study.root().join("P1-corrected.txt");
    std::fs::write(&file, newer).unwrap();
    study.update_transcript("P1", &file, "KW", false).unwrap();
    let times: Vec<(usize, i64)> = study.sync_times("P1").unwrap().into_iter().collect();
    assert_eq!(times, vec![(28, 1500), (62, 4000)]);
    let check = study.check().unwrap();
    assert!(
        !check.findings.iter().any(|f| f.kind == "sync-orphaned"),
        "{:?}",
        check.findings
    );
    let log = std::fs::read_to_string(study.root().join(crate::CHANGELOG_FILE)).unwrap();
    assert!(
        log.contains("P1 updated: 2 sync time(s) moved with their turns, 0 on a start"),
        "{log}"
    );
}

#[test]
fn a_sync_time_whose_turn_cannot_be_placed_stays_and_is_reported() {
    let (_dir, study) = study();
    study.set_sync_time("P1", 58, Some(4000), "KW").unwrap();
    // The third turn is replaced by other words entirely, and the first grows: 58 starts
    // nothing now, and the old turn is not found.
    let newer = "Interviewer: Hi there, Hello?\nP1: The allotment keeps me going.\nP1: Nothing like before at all, really.\n";
    let file = study.root().join("P1-corrected.txt");
    std::fs::write(&file, newer).unwrap();
    study.update_transcript("P1", &file, "KW", false).unwrap();
    assert_eq!(
        study
            .sync_times("P1")
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![(58, 4000)]
    );
    let check = study.check().unwrap();
    assert!(check.findings.iter().any(|f| f.kind == "sync-orphaned"));
}

#[test]
fn a_turn_corrected_in_place_carries_every_later_sync_time_exactly() {
    let (_dir, study) = study();
    study.set_sync_time("P1", 24, Some(1500), "KW").unwrap();
    study.set_sync_time("P1", 58, Some(4000), "KW").unwrap();
    // "Hello?" (13..19) becomes "Hello there?": 6 code points longer, so the later turns
    // start at 30 and 64; the edit is known, so they are placed exactly.
    study
        .rewrite_transcript(
            "P1",
            &[crate::TextEdit {
                start: 13,
                end: 19,
                replacement: "Hello there?".into(),
            }],
            "KW",
            false,
        )
        .unwrap();
    let times: Vec<(usize, i64)> = study.sync_times("P1").unwrap().into_iter().collect();
    assert_eq!(times, vec![(30, 1500), (64, 4000)]);
}

#[test]
fn links_made_at_once_are_all_kept() {
    let (_dir, study) = study();
    for n in 2..=8 {
        std::fs::write(study.transcripts_dir().join(format!("P{n}.txt")), P1).unwrap();
    }
    let wav = study.root().join("tone.wav");
    std::fs::write(&wav, crate::testing::sine_wav(20)).unwrap();
    // Eight writers of media.csv at once, each linking its own transcript: the lock and
    // the whole-file rewrite under it lose none.
    std::thread::scope(|s| {
        for n in 1..=8 {
            let (study, wav) = (&study, &wav);
            s.spawn(move || {
                study
                    .link_media(&format!("P{n}"), wav, false, "KW")
                    .unwrap()
            });
        }
    });
    let ids: Vec<String> = study
        .media_links()
        .unwrap()
        .into_iter()
        .map(|m| m.transcript)
        .collect();
    assert_eq!(ids, ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"]);
}

/// `media.csv` is rewritten whole, so a half-typed last row (a hand edit, no final new line)
/// is an error naming its line, not a row left out that the next link would drop.
#[test]
fn a_hand_edited_incomplete_last_row_is_an_error_not_dropped() {
    let (_dir, study) = study();
    let wav = study.root().join("P1.wav");
    std::fs::write(&wav, b"RIFF....WAVE").unwrap();
    study.link_media("P1", &wav, false, "KW").unwrap();
    let path = study.root().join(MEDIA_FILE);
    let whole = std::fs::read_to_string(&path).unwrap();
    // Line 1 the header, line 2 P1's link, line 3 the half-typed row.
    std::fs::write(&path, format!("{whole}P2,rec/P2.wav")).unwrap();
    let err = study.media_links().unwrap_err().to_string();
    assert!(err.contains(":3:"), "{err}");
    assert!(err.contains("incomplete"), "{err}");
    // Linking again is refused too, and the file keeps the row.
    assert!(study.link_media("P1", &wav, false, "KW").is_err());
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("P2,rec/P2.wav")
    );
}
