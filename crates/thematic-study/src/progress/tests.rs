//! Progress counted on small studies worked out by hand.

use super::*;
use crate::codings::{Coding, Status};

/// A small study worked out by hand: an `unsorted` group holding one code, a candidate
/// theme "Overall" holding the candidate theme "Support" (two codes, one of them also in
/// "Change"), a defined theme "Change"
/// holding one code, Miscellaneous holding one code, a code at the top level and a
/// retired code; transcripts P1, P2, P3 (three turns each).
const BOOK: &str = r##"
format_version = 1
name = "Small"

[[theme]]
id = "unsorted"
label = "Unsorted"
codable = false

[[theme]]
id = "new-code"
label = "New code"
parent = "unsorted"

[[theme]]
id = "overall"
label = "Overall"
codable = false

[[theme]]
id = "support"
label = "Support"
parent = "overall"
codable = false

[[theme]]
id = "listening"
label = "Listening"
parent = "support"

[[theme]]
id = "time"
label = "Time"
parent = "support"
also_in = ["change"]

[[theme]]
id = "change"
label = "Change"
codable = false
defined = true

[[theme]]
id = "goals"
label = "Goals"
parent = "change"

[[theme]]
id = "miscellaneous"
label = "Miscellaneous"
codable = false

[[theme]]
id = "odd"
label = "Odd"
parent = "miscellaneous"

[[theme]]
id = "loose"
label = "Loose"

[[theme]]
id = "gone"
label = "Gone"
parent = "support"
retired = true
"##;

fn coding(coder: &str, transcript: &str, turn: usize, theme: &str) -> Coding {
    let text = format!("{transcript}: The allotment.");
    Coding {
        id: crate::new_coding_id(),
        coder: coder.into(),
        transcript: transcript.into(),
        turn,
        start: 20,
        end: 20 + text.chars().count(),
        theme: theme.into(),
        text,
        memo: String::new(),
        created: "2026-01-01T00:00:00Z".into(),
        status: Status::Ok,
    }
}

fn study() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let mut options = crate::InitOptions::new("Small study");
    options.codebook_file = "small.toml".into();
    options.codebook_text = BOOK.into();
    let study = Study::init(dir.path(), &options).unwrap();
    for id in ["P1", "P2", "P3"] {
        std::fs::write(
            study.transcripts_dir().join(format!("{id}.txt")),
            format!("Interviewer: Hello?\n{id}: The allotment.\nInterviewer: Thanks.\n"),
        )
        .unwrap();
    }
    (dir, study)
}

#[test]
fn the_numbers_of_a_small_study_worked_out_by_hand() {
    let (_dir, study) = study();
    // KW: P1 turn 2 twice (two codings, one turn), P2 turn 2 once: 2 transcripts,
    // 2 turns, 3 codings.
    for c in [
        coding("KW", "P1", 2, "listening"),
        coding("KW", "P1", 2, "goals"),
        coding("KW", "P2", 2, "time"),
    ] {
        study.add_coding(&c).unwrap();
    }
    // AB: P1 turn 2 and an orphaned coding in P1 turn 1 (counted): 1 transcript,
    // 2 turns, 2 codings.
    let mut orphan = coding("AB", "P1", 1, "loose");
    orphan.status = Status::Orphaned;
    study.add_coding(&coding("AB", "P1", 2, "odd")).unwrap();
    study.add_coding(&orphan).unwrap();
    // auto: a suggestion in P3, never a coder, never "coded".
    let mut s = coding("auto", "P3", 2, "listening");
    s.status = Status::Suggested;
    study.add_coding(&s).unwrap();
    // Reading: KW read P1 to the end and started P2; CD (no codings) read P3.
    study.record_reading("KW", "P1", 3, 3).unwrap();
    study.record_reading("KW", "P2", 1, 3).unwrap();
    study.mark_read("CD", "P3").unwrap();
    // Memos: KW two journal entries and one on a theme; EF only a memo.
    study
        .add_memo("KW", MemoAbout::Journal, "Day one.")
        .unwrap();
    study
        .add_memo("KW", MemoAbout::Journal, "Day two.")
        .unwrap();
    study
        .add_memo("KW", MemoAbout::Theme("support".into()), "Coheres?")
        .unwrap();
    study
        .add_memo("EF", MemoAbout::Transcript("P1".into()), "Long.")
        .unwrap();
    study.snapshot("first map", "", "KW").unwrap();

    let p = study.progress().unwrap();
    assert_eq!(p.study, "Small study");
    assert_eq!(p.transcripts, 3);
    // P1 (KW, AB) and P2 (KW); P3 only by auto.
    assert_eq!(p.transcripts_coded, 2);
    // P1 (KW) and P3 (CD).
    assert_eq!(p.transcripts_read, 2);
    let names: Vec<&str> = p.coders.iter().map(|c| c.coder.as_str()).collect();
    assert_eq!(names, ["AB", "CD", "EF", "KW"]);
    let kw = &p.coders[3];
    assert_eq!(
        (
            kw.transcripts_read,
            kw.transcripts_started,
            kw.transcripts_coded,
            kw.turns_coded,
            kw.codings,
            kw.memos,
            kw.journal
        ),
        (1, 1, 2, 2, 3, 3, 2)
    );
    assert!(kw.last_read.is_some());
    let ab = &p.coders[0];
    assert_eq!(
        (
            ab.transcripts_read,
            ab.transcripts_coded,
            ab.turns_coded,
            ab.codings
        ),
        (0, 1, 2, 2)
    );
    assert_eq!((p.coders[1].transcripts_read, p.coders[1].codings), (1, 0));
    assert_eq!((p.coders[2].memos, p.coders[2].journal), (1, 0));

    let t = &p.themes;
    // Codes: new-code, listening, time, goals, odd, loose (gone is retired) = 6.
    assert_eq!(t.codes, 6);
    // Unsorted: new-code (in unsorted) and loose (top level) = 2.
    assert_eq!(t.unsorted, 2);
    assert_eq!(t.miscellaneous, 1);
    // Shared: time (in support, also in change).
    assert_eq!(t.shared, 1);
    let ids = |v: &[ThemeRef]| {
        v.iter()
            .map(|r| (r.id.clone(), r.codes))
            .collect::<Vec<_>>()
    };
    // Support holds listening and time, and so Overall, above it; Change holds goals,
    // and time via also_in.
    assert_eq!(
        ids(&t.candidates),
        [("overall".to_string(), 2), ("support".to_string(), 2)]
    );
    assert_eq!(ids(&t.defined), [("change".to_string(), 2)]);
    assert_eq!(p.snapshots.count, 1);
    assert_eq!(p.snapshots.latest.as_ref().unwrap().name, "first map");
    assert_eq!(p.phase.name, "coding");
    assert_eq!(p.phase.summary, "2 of 3 transcripts coded");
}

#[test]
fn the_phase_follows_the_numbers() {
    let (_dir, study) = study();
    let p = study.progress().unwrap();
    assert_eq!(
        (p.phase.name.as_str(), p.phase.summary.as_str()),
        ("familiarisation", "0 of 3 transcripts read; no codings yet")
    );
    assert!(p.coders.is_empty());
    for t in ["P1", "P2", "P3"] {
        study.add_coding(&coding("KW", t, 2, "listening")).unwrap();
    }
    let p = study.progress().unwrap();
    // Two candidates (overall, support), one defined (change), 2 unsorted, 1 shared.
    assert_eq!(p.phase.name, "defining themes");
    assert_eq!(
        p.phase.summary,
        "1 of 3 themes defined; 2 codes unsorted, 1 shared"
    );
}

#[test]
fn a_tally_given_is_used_as_it_is() {
    let (_dir, study) = study();
    let mut tallies = Tallies::new();
    tallies.insert(
        "KW".into(),
        BTreeMap::from([
            (
                "P1".to_string(),
                Tally {
                    turns: 2,
                    codings: 5,
                },
            ),
            // A transcript no longer in the study: its codings count, it is not
            // "coded" out of the study's three.
            (
                "P9".to_string(),
                Tally {
                    turns: 1,
                    codings: 1,
                },
            ),
        ]),
    );
    tallies.insert("ZZ".into(), BTreeMap::new());
    let p = study.progress_with(&tallies).unwrap();
    assert_eq!(p.coders.len(), 2);
    let kw = &p.coders[0];
    assert_eq!(
        (kw.transcripts_coded, kw.turns_coded, kw.codings),
        (1, 3, 6)
    );
    assert_eq!(p.coders[1].coder, "ZZ");
    assert_eq!(p.transcripts_coded, 1);
}

#[test]
fn a_torn_last_row_is_left_out_and_a_bad_row_elsewhere_is_an_error_with_its_line() {
    let (_dir, study) = study();
    study
        .add_coding(&coding("KW", "P1", 2, "listening"))
        .unwrap();
    study
        .add_coding(&coding("KW", "P2", 3, "listening"))
        .unwrap();
    let path = study.codings_path("KW").unwrap();
    let whole = std::fs::read_to_string(&path).unwrap();
    // An append cut off inside its turn column.
    std::fs::write(&path, format!("{whole}c-000000000001,P3,")).unwrap();
    let p = study.progress().unwrap();
    let kw = &p.coders[0];
    assert_eq!(
        (kw.transcripts_coded, kw.turns_coded, kw.codings),
        (2, 2, 2)
    );
    // The same row in the middle of the file (line 3 of 4): an error naming the line.
    let mut lines: Vec<&str> = whole.lines().collect();
    lines.insert(
        2,
        "c-000000000001,P3,two,0,1,listening,x,,2026-01-01T00:00:00Z,",
    );
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let e = study.progress().unwrap_err().to_string();
    assert!(e.contains("KW.csv:3:"), "{e}");
    assert!(e.contains("turn \"two\" is not a number"), "{e}");
}
