//! The index over a real study folder: what searches find, and that the index follows the
//! study's files (incremental updates, rebuilds of an index that cannot be trusted).
#![allow(clippy::unwrap_used)]

use thematic_index::{CountBy, Scope, SearchQuery, StudyIndex};
use thematic_study::{Coding, Study};

const P6: &str = "Interviewer: What do you do in a first meeting?
P6: I ask them what matters to them. We set small goals together, one at a time.
Interviewer: And motivation?
P6: Motivational interviewing helps. I was motivated to train in it.
P6: Funding for the walking group ran out last year.
";
const P7: &str = "Interviewer: Tell me about goals.
P7: Goal setting is the core of it, honestly. We review the goal every fortnight.
P7: Sometimes people just want someone to listen.
";

fn study() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study =
        thematic_study::testing::study(dir.path(), thematic_study::testing::MECHANISMS_FILE);
    std::fs::write(study.transcripts_dir().join("P6.txt"), P6).unwrap();
    std::fs::write(study.transcripts_dir().join("P7.txt"), P7).unwrap();
    std::fs::write(
        study.participants_path(),
        "participant,gender,age,location\nP6,female,52,rural\nP7,male,38,town\n",
    )
    .unwrap();
    (dir, study)
}

fn code(study: &Study, coder: &str, transcript: &str, turn: usize, theme: &str) {
    let t = study
        .transcripts()
        .unwrap()
        .into_iter()
        .find(|t| t.id == transcript)
        .unwrap()
        .transcript;
    let x = &t.turns[turn - 1];
    let c = Coding {
        id: thematic_study::new_coding_id(),
        coder: coder.into(),
        transcript: transcript.into(),
        turn,
        start: x.start,
        end: x.end,
        theme: theme.into(),
        text: x.text(&t.text).into(),
        ..Coding::default()
    };
    study.add_coding(&c).unwrap();
}

fn found(study: &Study, query: &str, scope: Scope) -> Vec<(String, u64)> {
    let (index, _) = StudyIndex::open(study, &mut |_| {}).unwrap();
    let q = SearchQuery {
        query: query.into(),
        scope,
        limit: 0,
        context: 30,
    };
    let mut got: Vec<(String, u64)> = index
        .search(&study.codebook().unwrap(), &q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| (h.transcript, h.turn))
        .collect();
    got.sort();
    got
}

fn at(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

#[test]
fn words_phrases_prefixes_and_fuzzy_words_find_the_right_turns() {
    let (_d, study) = study();
    let all = Scope::default;
    // Stemmed by default: "goal" finds goals and goal; only participant turns.
    assert_eq!(found(&study, "goal", all()), at(&[("P6", 2), ("P7", 2)]));
    // --exact: only the word as written.
    let exact = Scope {
        exact: true,
        ..Scope::default()
    };
    assert_eq!(found(&study, "goals", exact), at(&[("P6", 2)]));
    // Phrases, AND by default, OR and NOT.
    assert_eq!(found(&study, "\"what matters\"", all()), at(&[("P6", 2)]));
    assert_eq!(found(&study, "goal review", all()), at(&[("P7", 2)]));
    assert_eq!(
        found(&study, "walking OR listen", all()),
        at(&[("P6", 5), ("P7", 3)])
    );
    assert_eq!(
        found(&study, "goal AND NOT fortnight", all()),
        at(&[("P6", 2)])
    );
    // Prefix and fuzzy words, on the unstemmed words.
    assert_eq!(found(&study, "motivat*", all()), at(&[("P6", 4)]));
    assert_eq!(found(&study, "fundng~1", all()), at(&[("P6", 5)]));
    // The interviewer's turns only when asked.
    let everyone = Scope {
        all_speakers: true,
        ..Scope::default()
    };
    assert_eq!(
        found(&study, "goals", everyone),
        at(&[("P6", 2), ("P7", 1), ("P7", 2)])
    );
    assert_eq!(
        found(&study, "role:interviewer goals", all()),
        at(&[("P7", 1)])
    );
    assert_eq!(found(&study, "speaker:p7 goal", all()), at(&[("P7", 2)]));
}

#[test]
fn the_hit_is_highlighted_in_its_context_with_transcript_offsets() {
    let (_d, study) = study();
    let (index, _) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    let q = SearchQuery {
        query: "fortnight".into(),
        limit: 5,
        context: 20,
        ..Default::default()
    };
    let r = index.search(&study.codebook().unwrap(), &q).unwrap();
    assert_eq!(r.total, 1);
    let h = &r.hits[0];
    let chars: Vec<char> = h.snippet.chars().collect();
    let (a, b) = h.marks[0];
    assert_eq!(chars[a..b].iter().collect::<String>(), "fortnight");
    // start/end are code points of the transcript's normalized text.
    let t = &study.transcripts().unwrap()[1].transcript;
    let text: Vec<char> = t.text.chars().collect();
    assert_eq!(
        text[h.start as usize..h.end as usize]
            .iter()
            .collect::<String>(),
        "fortnight"
    );
    assert_eq!((h.speaker.as_str(), h.role.as_str()), ("P7", "participant"));
}

#[test]
fn filters_by_theme_coder_uncoded_and_participant_attributes() {
    let (_d, study) = study();
    code(&study, "KW", "P6", 2, "goal-orientation");
    code(&study, "CG", "P7", 2, "goal-orientation");
    code(&study, "CG", "P6", 4, "motivational-interviewing");
    let all = Scope::default;
    let kw = || Scope {
        coder: Some("KW".into()),
        ..Scope::default()
    };
    assert_eq!(
        found(&study, "theme:goal-orientation", all()),
        at(&[("P6", 2), ("P7", 2)])
    );
    assert_eq!(
        found(&study, "theme:goal-orientation", kw()),
        at(&[("P6", 2)])
    );
    // A group finds the themes under it.
    assert_eq!(
        found(&study, "theme:the-approach", all()),
        at(&[("P6", 2), ("P7", 2)])
    );
    assert_eq!(found(&study, "uncoded", all()), at(&[("P6", 5), ("P7", 3)]));
    assert_eq!(
        found(&study, "uncoded", kw()),
        at(&[("P6", 4), ("P6", 5), ("P7", 2), ("P7", 3)])
    );
    assert_eq!(
        found(&study, "location:rural", all()),
        at(&[("P6", 2), ("P6", 4), ("P6", 5)])
    );
    assert_eq!(found(&study, "gender:Male goal", all()), at(&[("P7", 2)]));
    assert_eq!(found(&study, "age:[40 TO 60]", all()).len(), 3);
    assert_eq!(found(&study, "participant:p7", all()).len(), 2);

    let (index, _) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    let book = study.codebook().unwrap();
    let q = SearchQuery {
        query: "goal".into(),
        ..Default::default()
    };
    let by = |b| index.count_by(&book, &q, b).unwrap();
    assert_eq!(
        by(CountBy::Transcript),
        vec![("P6".into(), 1), ("P7".into(), 1)]
    );
    assert_eq!(by(CountBy::Theme), vec![("goal-orientation".into(), 2)]);
    let q = SearchQuery {
        query: "".into(),
        scope: kw(),
        ..Default::default()
    };
    assert_eq!(
        index.count_by(&book, &q, CountBy::Theme).unwrap(),
        vec![("goal-orientation".into(), 1)]
    );
}

#[test]
fn bad_queries_say_what_is_wrong() {
    let (_d, study) = study();
    let (index, _) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    let book = study.codebook().unwrap();
    let err = |q: &str| {
        let q = SearchQuery {
            query: q.into(),
            limit: 5,
            ..Default::default()
        };
        index
            .search(&book, &q)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(
        err("colour:red").contains("there is no field `colour`"),
        "{}",
        err("colour:red")
    );
    assert!(err("colour:red").contains("location"));
    assert!(err("theme:nope").contains("there is no theme `nope`"));
    assert!(err("role:boss").contains("interviewer, participant or other"));
    assert!(err("goal~5").contains("word~1 or word~2"));
    assert!(!err("(goal").is_empty());
}

#[test]
fn the_index_follows_the_study_incrementally() {
    let (_d, study) = study();
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert_eq!(fresh.rebuilt.as_deref(), Some("there was no index yet"));
    assert_eq!(fresh.indexed, 2);
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert_eq!((fresh.rebuilt.clone(), fresh.indexed), (None, 0));

    // One appended coding re-indexes one transcript.
    code(&study, "KW", "P7", 3, "patient-stories");
    let (index, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert_eq!((fresh.rebuilt.clone(), fresh.indexed), (None, 1));
    drop(index);
    assert_eq!(
        found(&study, "theme:patient-stories", Scope::default()),
        at(&[("P7", 3)])
    );

    // An edited transcript is re-indexed alone, and keeps the codings of the others.
    code(&study, "KW", "P6", 2, "what-matters");
    std::fs::write(
        study.transcripts_dir().join("P7.txt"),
        format!("{P7}P7: A new turn about gardening.\n"),
    )
    .unwrap();
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert_eq!((fresh.rebuilt.clone(), fresh.indexed), (None, 2));
    assert_eq!(
        found(&study, "gardening", Scope::default()),
        at(&[("P7", 4)])
    );
    assert_eq!(
        found(&study, "theme:patient-stories", Scope::default()),
        at(&[("P7", 3)])
    );
    assert_eq!(
        found(&study, "theme:what-matters", Scope::default()),
        at(&[("P6", 2)])
    );

    // A rewritten codings file (a coding removed) is noticed.
    let path = study.codings_path("KW").unwrap();
    let kept: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("patient-stories"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, kept.concat()).unwrap();
    assert!(found(&study, "theme:patient-stories", Scope::default()).is_empty());
    assert_eq!(
        found(&study, "theme:what-matters", Scope::default()),
        at(&[("P6", 2)])
    );

    // A removed transcript leaves the index.
    std::fs::remove_file(study.transcripts_dir().join("P7.txt")).unwrap();
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert_eq!(fresh.removed, 1);
    assert!(found(&study, "gardening", Scope::default()).is_empty());

    // New participant attributes mean a new schema: rebuilt.
    std::fs::write(study.participants_path(), "participant,site\nP6,north\n").unwrap();
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert_eq!(fresh.rebuilt.as_deref(), Some("participants.csv changed"));
    assert_eq!(
        found(&study, "site:north goal", Scope::default()),
        at(&[("P6", 2)])
    );
}

#[test]
fn a_corrupt_or_foreign_index_is_rebuilt_not_trusted() {
    let (_d, study) = study();
    StudyIndex::open(&study, &mut |_| {}).unwrap();
    let dir = study.cache_dir().join("index");
    std::fs::write(dir.join("meta.json"), "{ not json").unwrap();
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert!(
        fresh
            .rebuilt
            .unwrap()
            .starts_with("the index could not be opened")
    );
    assert_eq!(
        found(&study, "fortnight", Scope::default()),
        at(&[("P7", 2)])
    );

    let manifest = dir.join("thematic.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(env!("CARGO_PKG_VERSION"), "0.0.0-other"),
    )
    .unwrap();
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert_eq!(
        fresh.rebuilt.as_deref(),
        Some("it was built by another version of thematic")
    );
    // Deleted segment files: rebuilt, not a crash.
    let mut deleted = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "idx") {
            std::fs::remove_file(p).unwrap();
            deleted += 1;
        }
    }
    assert!(deleted > 0, "the index has segment files to delete");
    let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    assert!(fresh.rebuilt.is_some(), "a damaged index is rebuilt");
    assert_eq!(
        found(&study, "fortnight", Scope::default()),
        at(&[("P7", 2)])
    );
}

/// A focus group whose speakers `participants.csv` names: each turn belongs to the person
/// who speaks, so `participant:C4` finds Dennis's turns only, hits say whose they are, and
/// counting by participant counts people, not the one transcript.
#[test]
fn a_focus_group_is_searched_by_the_participant_who_speaks() {
    let dir = tempfile::tempdir().unwrap();
    let study =
        thematic_study::testing::study(dir.path(), thematic_study::testing::MECHANISMS_FILE);
    std::fs::write(
        study.transcripts_dir().join("FG1.txt"),
        include_str!("../../../sample-transcripts/focus-groups/FG1_typed.txt"),
    )
    .unwrap();
    std::fs::write(
        study.participants_path(),
        include_str!("../../../sample-transcripts/focus-groups/participants.csv"),
    )
    .unwrap();
    let (index, _) = StudyIndex::open(&study, &mut |_| {}).unwrap();
    let book = study.codebook().unwrap();
    let q = |query: &str| SearchQuery {
        query: query.into(),
        scope: Scope::default(),
        limit: 0,
        context: 30,
    };
    // "allotment" is said by Dennis (C4) in turns at lines 34, 38, 52 of the file (and
    // perhaps by others): every hit carries its speaker's participant.
    let hits = index.search(&book, &q("allotment")).unwrap().hits;
    assert!(!hits.is_empty());
    for h in &hits {
        let expected = match h.speaker.as_str() {
            "Maureen" => "C1",
            "Tariq" => "C2",
            "Jo" => "C3",
            "Dennis" => "C4",
            other => panic!("a participant turn by {other}"),
        };
        assert_eq!(h.participant, expected, "{h:?}");
    }
    let dennis = index
        .search(&book, &q("allotment participant:C4"))
        .unwrap()
        .hits;
    assert!(!dennis.is_empty());
    assert!(dennis.iter().all(|h| h.speaker == "Dennis"));
    assert_eq!(
        dennis.len(),
        hits.iter().filter(|h| h.speaker == "Dennis").count()
    );
    // Every participant turn counted by who speaks: the four people, never "FG1".
    let counts = index
        .count_by(&book, &q("*"), CountBy::Participant)
        .unwrap();
    let mut who: Vec<&str> = counts.iter().map(|(p, _)| p.as_str()).collect();
    who.sort();
    assert_eq!(who, ["C1", "C2", "C3", "C4"]);
    let by_speaker = index.count_by(&book, &q("*"), CountBy::Speaker).unwrap();
    let mut a: Vec<u64> = counts.iter().map(|(_, n)| *n).collect();
    let mut b: Vec<u64> = by_speaker
        .iter()
        .filter(|(s, _)| s != "Moderator")
        .map(|(_, n)| *n)
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "one participant per speaker: the same counts");
    // Attributes are the speaker's: the women of the group are Maureen (C1) and Jo (C3).
    let women = index
        .count_by(&book, &q("gender:female"), CountBy::Participant)
        .unwrap();
    let mut who: Vec<&str> = women.iter().map(|(p, _)| p.as_str()).collect();
    who.sort();
    assert_eq!(who, ["C1", "C3"]);
}
