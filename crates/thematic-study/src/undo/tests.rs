use super::*;
use crate::codings::CodingsFile;
use crate::store::Added;

fn study() -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let study = crate::testing::study(dir.path(), "c.toml");
    (dir, study)
}

fn coding(id: &str, start: usize, memo: &str) -> Coding {
    Coding {
        id: id.into(),
        coder: "KW".into(),
        transcript: "P1".into(),
        turn: 2,
        start,
        end: start + 5,
        theme: "what-matters".into(),
        text: "words".into(),
        memo: memo.into(),
        created: "2026-12-07T10:00:00Z".into(),
        status: Default::default(),
    }
}

fn file(study: &Study) -> Vec<u8> {
    std::fs::read(study.codings_path("KW").unwrap()).unwrap()
}

fn codings(study: &Study) -> Vec<Coding> {
    CodingsFile::read(&study.codings_path("KW").unwrap())
        .unwrap()
        .codings
}

fn actions(study: &Study) -> Vec<String> {
    study
        .changes()
        .unwrap()
        .into_iter()
        .map(|c| format!("{} {}", c.who, c.action))
        .collect()
}

#[test]
fn undo_of_code_removes_it_and_redo_brings_it_back_byte_for_byte() {
    let (_d, study) = study();
    let a = coding("c-00000000000a", 0, "");
    // A memo with a comma, quotes and a line break: still one log row, one line.
    let b = coding("c-00000000000b", 10, "key, \"really\"\nsecond line");
    study.code(&a).unwrap();
    let before_b = file(&study);
    assert_eq!(study.code(&b).unwrap(), Added::New);
    let with_b = file(&study);

    let undone = study.undo("KW").unwrap();
    assert_eq!((undone.step, undone.action.as_str()), (Step::Undo, "code"));
    match &undone.effect {
        Effect::Removed { coding, splice } => {
            assert_eq!(coding, &b);
            // (b's row has a line break, so it was added by a rewrite; the cut still
            // splices.)
            assert!(splice.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(file(&study), before_b, "every other byte kept");
    assert!(undone.to_string().starts_with("undid code ("), "{undone}");
    assert!(
        undone
            .to_string()
            .ends_with("removed coding c-00000000000b (what-matters, P1 turn 2 [10-15])"),
        "{undone}"
    );

    let redone = study.redo("KW").unwrap();
    assert!(matches!(redone.effect, Effect::Restored { .. }));
    assert_eq!(file(&study), with_b, "back byte for byte, at the end");
    assert_eq!(
        actions(&study),
        ["KW code", "KW code", "KW undo", "KW redo"]
    );
    let log = std::fs::read_to_string(study.changelog_path()).unwrap();
    assert_eq!(log.lines().count(), 5, "one line per row: {log}");

    // Undo twice: b, then a; a third has nothing left.
    study.undo("KW").unwrap();
    let second = study.undo("KW").unwrap();
    assert_eq!(second.effect.coding().unwrap().id, a.id);
    assert!(codings(&study).is_empty());
    let e = study.undo("KW").unwrap_err();
    assert!(matches!(e, StudyError::NothingToUndo { .. }), "{e}");
    assert!(e.to_string().starts_with("nothing to undo for KW"), "{e}");
    // Redo brings a back first, then b.
    assert_eq!(study.redo("KW").unwrap().effect.coding().unwrap().id, a.id);
    assert_eq!(study.redo("KW").unwrap().effect.coding().unwrap().id, b.id);
    assert_eq!(codings(&study), vec![a, b]);
    let e = study.redo("KW").unwrap_err();
    assert!(
        e.to_string().contains("nothing has been undone")
            || e.to_string().contains("nothing was undone"),
        "{e}"
    );
}

#[test]
fn undo_of_uncode_brings_the_coding_back_and_redo_removes_it_again() {
    let (_d, study) = study();
    let a = coding("c-00000000000a", 0, "my memo");
    let b = coding("c-00000000000b", 10, "");
    study.code(&a).unwrap();
    study.code(&b).unwrap();
    study.uncode("KW", &a.id).unwrap().unwrap();
    let undone = study.undo("KW").unwrap();
    assert_eq!(undone.action, "uncode");
    assert_eq!(undone.effect, Effect::Restored { coding: a.clone() });
    assert_eq!(codings(&study), vec![b.clone(), a.clone()], "appended");
    let redone = study.redo("KW").unwrap();
    assert!(matches!(redone.effect, Effect::Removed { .. }));
    assert_eq!(codings(&study), vec![b]);
}

#[test]
fn undo_and_redo_of_a_theme_change() {
    let (_d, study) = study();
    let a = coding("c-00000000000a", 0, "");
    study.code(&a).unwrap();
    study.recode("KW", &a.id, "goal-orientation").unwrap();
    let undone = study.undo("KW").unwrap();
    match &undone.effect {
        Effect::Rethemed {
            coding,
            from,
            splice,
        } => {
            assert_eq!(coding, &a);
            assert_eq!(from, "goal-orientation");
            assert!(splice.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(codings(&study), vec![a.clone()]);
    study.redo("KW").unwrap();
    assert_eq!(codings(&study)[0].theme, "goal-orientation");
    // Undo again, then undo the code itself: the coding as the recode's undo left it.
    study.undo("KW").unwrap();
    assert_eq!(study.undo("KW").unwrap().action, "code");
    assert!(codings(&study).is_empty());
}

#[test]
fn a_new_action_clears_the_redo_stack() {
    let (_d, study) = study();
    let a = coding("c-00000000000a", 0, "");
    let b = coding("c-00000000000b", 10, "");
    study.code(&a).unwrap();
    study.undo("KW").unwrap();
    study.code(&b).unwrap();
    let e = study.redo("KW").unwrap_err();
    assert!(
        e.to_string()
            .contains("nothing was undone after KW's code at"),
        "{e}"
    );
    // Undo now takes b, then finds a undone already: nothing more.
    assert_eq!(study.undo("KW").unwrap().effect.coding().unwrap().id, b.id);
    assert!(matches!(
        study.undo("KW").unwrap_err(),
        StudyError::NothingToUndo { .. }
    ));
    // A barrier (a bulk change) clears both.
    study.code(&a).unwrap();
    study
        .log_change("KW", "sheet-import", "", "s.csv: 1 added")
        .unwrap();
    let e = study.undo("KW").unwrap_err();
    assert!(e.to_string().contains("past KW's sheet-import"), "{e}");
    // A rename is passed over.
    study.code(&b).unwrap();
    study
        .log_change("KW", "rename", "what-matters", "label")
        .unwrap();
    assert_eq!(study.undo("KW").unwrap().effect.coding().unwrap().id, b.id);
}

#[test]
fn only_the_coders_own_actions_count() {
    let (_d, study) = study();
    let a = coding("c-00000000000a", 0, "");
    let mut theirs = coding("c-0000000000ab", 10, "");
    theirs.coder = "AB".into();
    study.code(&a).unwrap();
    study.code(&theirs).unwrap();
    assert_eq!(study.undo("KW").unwrap().effect.coding().unwrap().id, a.id);
    assert_eq!(study.codings_of("AB").unwrap().codings, vec![theirs]);
    let e = study.undo("ZZ").unwrap_err();
    assert!(matches!(e, StudyError::NothingToUndo { .. }), "{e}");
}

#[test]
fn a_coding_another_writer_changed_is_not_undone() {
    let (_d, study) = study();
    let a = coding("c-00000000000a", 0, "");
    study.code(&a).unwrap();
    // Another writer gives it another theme (by hand, or a merge): logged under AB.
    study
        .update_codings("KW", |f| {
            f.codings[0].theme = "empowerment".into();
            Ok(((), true))
        })
        .unwrap();
    study
        .log_change("AB", "merge", "what-matters", "merged into \"empowerment\"")
        .unwrap();
    let before = file(&study);
    let e = study.undo("KW").unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, StudyError::UndoRefused { .. }), "{text}");
    assert!(text.starts_with("cannot undo code at "), "{text}");
    assert!(
        text.contains("its theme is now empowerment (it was what-matters)"),
        "{text}"
    );
    assert!(text.contains("merge by AB at"), "{text}");
    assert_eq!(file(&study), before, "nothing written");
    assert_eq!(actions(&study).len(), 2, "nothing logged");

    // Removed by another process: refused, saying so.
    study.uncode("KW", &a.id).unwrap();
    let b = coding("c-00000000000b", 10, "");
    study.code(&b).unwrap();
    std::fs::write(
        study.codings_path("KW").unwrap(),
        crate::codings::header_line(),
    )
    .unwrap();
    let e = study.undo("KW").unwrap_err().to_string();
    assert!(e.contains("it is no longer in KW's codings"), "{e}");
}

#[test]
fn a_removed_coding_is_not_brought_back_twice() {
    let (_d, study) = study();
    let a = coding("c-00000000000a", 0, "");
    study.code(&a).unwrap();
    study.uncode("KW", &a.id).unwrap();
    // The same words coded again since, under another id.
    let again = coding("c-0000000000a2", 0, "");
    study.add_coding(&again).unwrap();
    let e = study.undo("KW").unwrap_err().to_string();
    assert!(
        e.contains("KW has coded the same words with the same theme again since (c-0000000000a2)"),
        "{e}"
    );
}

#[test]
fn undo_of_add_retires_the_theme_unless_it_has_codings() {
    let (_d, study) = study();
    let new = thematic_codebook::NewEntry {
        label: "Peer support".into(),
        codable: true,
        ..Default::default()
    };
    let id = study.add_theme(&new, "KW").unwrap();
    let undone = study.undo("KW").unwrap();
    assert_eq!(undone.effect, Effect::ThemeRetired { theme: id.clone() });
    assert!(study.codebook().unwrap().get(&id).unwrap().retired);
    let redone = study.redo("KW").unwrap();
    assert_eq!(redone.effect, Effect::ThemeRestored { theme: id.clone() });
    assert!(!study.codebook().unwrap().get(&id).unwrap().retired);
    let log = study.changes().unwrap();
    assert_eq!(
        log.iter().map(|c| c.action.as_str()).collect::<Vec<_>>(),
        ["add", "undo", "redo"]
    );
    assert!(log[1].detail.starts_with("add at "), "{}", log[1].detail);

    // Someone codes with it: undo of the add is refused, and says who has codings.
    let mut theirs = coding("c-0000000000ab", 0, "");
    theirs.coder = "AB".into();
    theirs.theme = id.clone();
    study.code(&theirs).unwrap();
    let e = study.undo("KW").unwrap_err().to_string();
    assert!(e.contains("it has codings now (AB 1)"), "{e}");
    assert!(!study.codebook().unwrap().get(&id).unwrap().retired);
}

#[test]
fn undo_of_a_memo_takes_it_out_and_redo_writes_it_back() {
    let (_d, study) = study();
    let first = study.add_memo("KW", MemoAbout::Journal, "First.").unwrap();
    let path = study.memos_path("KW").unwrap();
    let one = std::fs::read(&path).unwrap();
    let second = study
        .add_memo(
            "KW",
            MemoAbout::Theme("what-matters".into()),
            "Two lines,\n\"quoted\".",
        )
        .unwrap();
    let two = std::fs::read(&path).unwrap();
    let undone = study.undo("KW").unwrap();
    match &undone.effect {
        Effect::MemoRemoved { memo } => assert_eq!(memo.id, second.id),
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), one, "the file as it was");
    study.redo("KW").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), two, "and back");
    // Edited by hand since: refused.
    let edited = String::from_utf8(two).unwrap().replace("Two lines", "Two");
    std::fs::write(&path, edited).unwrap();
    let e = study.undo("KW").unwrap_err().to_string();
    assert!(e.contains("it was edited in memos/KW.md since"), "{e}");
    // A memo in the middle (one written after it without a log row, as `thematic merge`
    // writes them) comes out with its own lines only.
    std::fs::write(&path, &one).unwrap();
    let third = study
        .add_memo("KW", MemoAbout::Transcript("P1".into()), "Third.")
        .unwrap();
    let merged = Memo {
        id: "m-0000000000ff".into(),
        coder: "KW".into(),
        when: "2026-12-07T11:00:00Z".into(),
        about: MemoAbout::Journal,
        text: "From the other copy.".into(),
        line: 0,
    };
    study.append_memos("KW", &[merged]).unwrap();
    let undone = study.undo("KW").unwrap();
    match &undone.effect {
        Effect::MemoRemoved { memo } => assert_eq!(memo.id, third.id),
        other => panic!("{other:?}"),
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let ids: Vec<String> = crate::parse_memos("KW", &text)
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, [first.id, "m-0000000000ff".to_string()]);
    assert_eq!(
        text,
        format!(
            "{}\n## 2026-12-07T11:00:00Z · journal · m-0000000000ff\n\nFrom the other copy.\n",
            String::from_utf8(one).unwrap()
        )
    );
}

#[test]
fn an_old_log_row_without_data_ends_the_history() {
    let (_d, study) = study();
    std::fs::write(
        study.changelog_path(),
        "when,who,action,theme,detail\n\
         2026-11-21T23:23:53Z,KW,code,what-matters,c-1 P1 turn 2 [0-5]\n",
    )
    .unwrap();
    let e = study.undo("KW").unwrap_err().to_string();
    assert!(e.contains("was logged before undo existed"), "{e}");
    // A new action upgrades the log and can be undone.
    let a = coding("c-00000000000a", 0, "");
    study.code(&a).unwrap();
    assert_eq!(study.undo("KW").unwrap().effect.coding().unwrap().id, a.id);
    assert_eq!(study.changes().unwrap().len(), 3);
}
