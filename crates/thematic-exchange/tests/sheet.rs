//! Coding sheets: export a coder's codings as CSV or XLSX, mark cells as a coder in a
//! spreadsheet would, import, and check exactly which codings were added and removed; and
//! that every bad sheet is refused with its row and column, writing nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use thematic_exchange::sheet::{Sheet, SheetUnit};
use thematic_exchange::sheet::{SheetError, coding_sheet, import_sheet, import_sheet_dry_run};
use thematic_study::{Coding, InitOptions, Status, Study};

const BOOK: &str = r#"
format_version = 1
name = "Sheet test"

[[theme]]
id = "mechanisms"
label = "Mechanisms"
codable = false

[[theme]]
id = "what-matters"
label = "What matters"
parent = "mechanisms"
definition = "What the participant says matters to them."

[[theme]]
id = "belonging"
label = "Belonging"
parent = "mechanisms"

[[theme]]
id = "old-code"
label = "Old code"
retired = true
"#;

const P1: &str = "Interviewer: How did you hear about it?

P1: My GP told me. Zoë said it would help, and it did.

Interviewer: What mattered most?

P1: =SUM(1) is what I'd call it.

Interviewer: And then?

P1: -not a formula, just a dash.
";

const P2: &str = "Interviewer: Tell me more.

P2: Being listened to. That was it.
";

fn study_named(name: &str) -> (tempfile::TempDir, Study) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = InitOptions::new(name);
    opts.codebook_file = "book.toml".into();
    opts.codebook_text = BOOK.into();
    let study = Study::init(dir.path(), &opts).unwrap();
    std::fs::write(study.transcripts_dir().join("P1.txt"), P1).unwrap();
    std::fs::write(study.transcripts_dir().join("P2.txt"), P2).unwrap();
    (dir, study)
}

fn study() -> (tempfile::TempDir, Study) {
    study_named("Sheet study")
}

/// The CSV cells of a sheet, header first, without the byte-order mark.
fn cells(csv: &[u8]) -> Vec<Vec<String>> {
    let body = csv
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn coding(
    id: &str,
    transcript: &str,
    turn: usize,
    span: (usize, usize),
    theme: &str,
    text: &str,
) -> Coding {
    Coding {
        id: id.into(),
        coder: "KW".into(),
        transcript: transcript.into(),
        turn,
        start: span.0,
        end: span.1,
        theme: theme.into(),
        text: text.into(),
        memo: String::new(),
        created: "2026-11-21T10:00:00Z".into(),
        ..Coding::default()
    }
}

const TURN_2: &str = "My GP told me. Zoë said it would help, and it did.";

/// KW has coded P1's second turn exactly with `belonging`, and the first sentence of P2's
/// turn with `what-matters`; AB's codings never show on KW's sheet.
fn with_codings() -> (tempfile::TempDir, Study) {
    let (d, study) = study();
    let mine = vec![
        coding("c-exact", "P1", 2, (45, 95), "belonging", TURN_2),
        coding(
            "c-part",
            "P2",
            2,
            (32, 50),
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
    let theirs = vec![coding("c-ab", "P1", 4, (135, 163), "belonging", "x")];
    study
        .update_codings("AB", |f| {
            f.codings = theirs;
            Ok(((), true))
        })
        .unwrap();
    (d, study)
}

fn codings_bytes(study: &Study, coder: &str) -> Vec<u8> {
    std::fs::read(study.codings_path(coder).unwrap()).unwrap()
}

/// `(transcript, turn, start, end, theme, text)` of codings, for exact comparisons.
fn spans(codings: &[Coding]) -> Vec<(String, usize, usize, usize, String, String)> {
    codings
        .iter()
        .map(|c| {
            (
                c.transcript.clone(),
                c.turn,
                c.start,
                c.end,
                c.theme.clone(),
                c.text.clone(),
            )
        })
        .collect()
}

fn span(
    t: &str,
    turn: usize,
    start: usize,
    end: usize,
    theme: &str,
    text: &str,
) -> (String, usize, usize, usize, String, String) {
    (t.into(), turn, start, end, theme.into(), text.into())
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// KW's sheet of turns, as CSV cells.
fn kw_rows(study: &Study) -> Vec<Vec<String>> {
    cells(
        &coding_sheet(study, "KW", SheetUnit::Turn, &[])
            .unwrap()
            .to_csv(),
    )
}

/// `rows` written as `kw.csv` in `dir`.
fn kw_csv(dir: &Path, rows: &[Vec<String>]) -> PathBuf {
    write_file(dir, "kw.csv", &to_csv(rows))
}

fn problems(err: SheetError) -> Vec<String> {
    match err {
        SheetError::Sheet { problems, .. } => problems.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected a sheet error, got: {other}"),
    }
}

/// Reads every worksheet of `xlsx` and writes them again as a spreadsheet program would
/// save them, with `edit(row, column header, cell)` applied to the cells of `coding`.
fn rewrite_xlsx(xlsx: &[u8], edit: impl Fn(usize, &str, String) -> String) -> Vec<u8> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(xlsx.to_vec())).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(range.start(), Some((0, 0)));
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r32, c16) = (r as u32, c as u16);
                if let Data::Float(f) = cell {
                    ws.write_number(r32, c16, *f).unwrap();
                    continue;
                }
                let mut text = cell.to_string();
                if name == "coding" && r > 0 {
                    text = edit(r, &header[c], text);
                }
                if !text.is_empty() {
                    ws.write_string(r32, c16, &text).unwrap();
                }
            }
        }
    }
    out.save_to_buffer().unwrap()
}

#[test]
fn csv_sheet_has_a_row_per_participant_turn_and_a_column_per_codable_theme() {
    let (_d, study) = with_codings();
    let sheet = coding_sheet(&study, "KW", SheetUnit::Turn, &[]).unwrap();
    let expected: Vec<Vec<&str>> = vec![
        vec![
            "transcript",
            "turn",
            "start",
            "end",
            "speaker",
            "text",
            "what-matters",
            "belonging",
        ],
        vec!["P1", "2", "45", "95", "P1", TURN_2, "", "x"],
        vec![
            "P1",
            "4",
            "135",
            "163",
            "P1",
            "'=SUM(1) is what I'd call it.",
            "",
            "",
        ],
        vec![
            "P1",
            "6",
            "193",
            "221",
            "P1",
            "'-not a formula, just a dash.",
            "",
            "",
        ],
        vec![
            "P2",
            "2",
            "32",
            "63",
            "P2",
            "Being listened to. That was it.",
            "~",
            "",
        ],
    ];
    assert_eq!(cells(&sheet.to_csv()), expected);
    // The same study gives the same bytes.
    assert_eq!(
        sheet.to_csv(),
        coding_sheet(&study, "KW", SheetUnit::Turn, &[])
            .unwrap()
            .to_csv()
    );
    // Only the transcripts asked for; an unknown one is named with a suggestion.
    let p2 = coding_sheet(&study, "KW", SheetUnit::Turn, &["P2".into()]).unwrap();
    assert_eq!(p2.rows.len(), 1);
    assert_eq!(p2.transcripts.len(), 1);
    let err = coding_sheet(&study, "KW", SheetUnit::Turn, &["P3".into()])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no transcript `P3` (did you mean `P1`?)"),
        "{err}"
    );
}

#[test]
fn csv_marks_become_codings_exactly_and_a_second_import_changes_nothing() {
    let (d, study) = with_codings();
    let mut rows = kw_rows(&study);
    rows[1][7] = String::new(); // unmark belonging on P1 turn 2: removes c-exact
    rows[1][6] = "X".into(); // what-matters on P1 turn 2
    rows[2][6] = " yes ".into(); // what-matters on the =SUM(1) turn
    rows[3][7] = "✓".into(); // belonging on the -not a formula turn
    rows[4][7] = "0".into(); // P2: stays uncoded; its ~ stays as it is
    // Sorting the rows in the spreadsheet changes nothing.
    rows[1..].reverse();
    let path = kw_csv(d.path(), &rows);

    let report = import_sheet(&study, &path, Some("KW")).unwrap();
    assert_eq!(report.coder, "KW");
    assert_eq!(
        spans(&report.added),
        [
            span(
                "P1",
                6,
                193,
                221,
                "belonging",
                "-not a formula, just a dash."
            ),
            span(
                "P1",
                4,
                135,
                163,
                "what-matters",
                "=SUM(1) is what I'd call it."
            ),
            span("P1", 2, 45, 95, "what-matters", TURN_2),
        ]
    );
    assert_eq!(
        report
            .removed
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["c-exact"]
    );
    assert_eq!(report.unchanged, 4);
    for c in &report.added {
        assert!(c.id.len() == 14 && c.id.starts_with("c-"), "{}", c.id);
        assert!(c.id[2..].chars().all(|h| h.is_ascii_hexdigit()), "{}", c.id);
        assert_eq!(c.coder, "KW");
        assert!(c.memo.is_empty() && !c.created.is_empty());
    }
    let now = study.codings_of("KW").unwrap().codings;
    let mut expected = vec![span("P2", 2, 32, 50, "what-matters", "Being listened to.")];
    expected.extend(spans(&report.added));
    assert_eq!(spans(&now), expected);
    assert_eq!(study.codings_of("AB").unwrap().codings.len(), 1);

    let before = codings_bytes(&study, "KW");
    let again = import_sheet(&study, &path, Some("KW")).unwrap();
    assert!(
        again.added.is_empty() && again.removed.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.unchanged, 8);
    assert_eq!(codings_bytes(&study, "KW"), before);

    // A fresh export shows the new state.
    let fresh = kw_rows(&study);
    assert_eq!(fresh[1][6..], ["x", ""]);
    assert_eq!(fresh[2][6..], ["x", ""]);
    assert_eq!(fresh[3][6..], ["", "x"]);
    assert_eq!(fresh[4][6..], ["~", ""]);
}

#[test]
fn formula_looking_text_round_trips_with_or_without_the_guarding_quote() {
    let (d, study) = study();
    let mut rows = kw_rows(&study);
    assert_eq!(rows[2][5], "'=SUM(1) is what I'd call it.");
    assert_eq!(rows[3][5], "'-not a formula, just a dash.");
    // A spreadsheet may save the text without the quote it was given.
    rows[2][5] = rows[2][5][1..].to_string();
    rows[2][6] = "x".into();
    rows[3][6] = "x".into();
    let path = kw_csv(d.path(), &rows);
    let report = import_sheet(&study, &path, Some("KW")).unwrap();
    assert_eq!(
        report
            .added
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        [
            "=SUM(1) is what I'd call it.",
            "-not a formula, just a dash."
        ]
    );

    // In a workbook the text is a plain string cell, never a formula.
    let xlsx = coding_sheet(&study, "KW", SheetUnit::Turn, &[])
        .unwrap()
        .to_xlsx()
        .unwrap();
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(xlsx.clone())).unwrap();
    let range = wb.worksheet_range("coding").unwrap();
    assert_eq!(
        range.get((2, 5)),
        Some(&Data::String("=SUM(1) is what I'd call it.".into()))
    );
    let path = write_file(d.path(), "kw.xlsx", &xlsx);
    let again = import_sheet(&study, &path, None).unwrap();
    assert!(
        again.added.is_empty() && again.removed.is_empty(),
        "{again:?}"
    );
}

#[test]
fn xlsx_sheet_round_trips_through_a_spreadsheet_and_names_its_coder() {
    let (d, study) = with_codings();
    let sheet = coding_sheet(&study, "KW", SheetUnit::Turn, &[]).unwrap();
    let xlsx = sheet.to_xlsx().unwrap();
    assert_eq!(
        xlsx,
        sheet.to_xlsx().unwrap(),
        "the same sheet gives the same bytes"
    );

    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(xlsx.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["coding", "about"]);
    let coding = wb.worksheet_range("coding").unwrap();
    let header: Vec<String> = coding
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "transcript",
            "turn",
            "start",
            "end",
            "speaker",
            "text",
            "what-matters",
            "belonging"
        ]
    );
    let row: Vec<String> = coding
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row, ["P1", "2", "45", "95", "P1", TURN_2, "", "x"]);
    let about = wb.worksheet_range("about").unwrap();
    let pairs: Vec<(String, String)> = about
        .rows()
        .take(4)
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("format".into(), "thematic coding sheet 1".into()),
            ("study".into(), "Sheet study".into()),
            ("coder".into(), "KW".into()),
            ("unit".into(), "turn".into()),
        ]
    );

    let marked = rewrite_xlsx(&xlsx, |row, header, cell| match (row, header) {
        (1, "belonging") => String::new(),
        (2, "belonging") | (4, "what-matters") => "x".into(),
        (3, "what-matters") => "1".into(),
        _ => cell,
    });
    let path = write_file(d.path(), "kw.xlsx", &marked);
    let report = import_sheet(&study, &path, None).unwrap();
    assert_eq!(report.coder, "KW");
    assert_eq!(
        spans(&report.added),
        [
            span(
                "P1",
                4,
                135,
                163,
                "belonging",
                "=SUM(1) is what I'd call it."
            ),
            span(
                "P1",
                6,
                193,
                221,
                "what-matters",
                "-not a formula, just a dash."
            ),
            span(
                "P2",
                2,
                32,
                63,
                "what-matters",
                "Being listened to. That was it."
            ),
        ]
    );
    assert_eq!(
        report
            .removed
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["c-exact"]
    );

    let before = codings_bytes(&study, "KW");
    let again = import_sheet(&study, &path, Some("KW")).unwrap();
    assert!(
        again.added.is_empty() && again.removed.is_empty(),
        "{again:?}"
    );
    assert_eq!(codings_bytes(&study, "KW"), before);
}

#[test]
fn sentence_sheets_code_sentences_and_leave_overlapping_turn_codings_alone() {
    let (d, study) = with_codings();
    let mut rows = cells(
        &coding_sheet(&study, "KW", SheetUnit::Sentence, &[])
            .unwrap()
            .to_csv(),
    );
    let texts: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[3].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            ("45", "59", "My GP told me."),
            ("60", "95", "Zoë said it would help, and it did."),
            ("135", "163", "'=SUM(1) is what I'd call it."),
            ("193", "221", "'-not a formula, just a dash."),
            ("32", "50", "Being listened to."),
            ("51", "63", "That was it."),
        ]
    );
    // The whole-turn coding overlaps both sentences of P1 turn 2; P2's first sentence is
    // coded exactly.
    assert_eq!(rows[1][6..], ["", "~"]);
    assert_eq!(rows[2][6..], ["", "~"]);
    assert_eq!(rows[5][6..], ["x", ""]);
    rows[2][6] = "x".into();
    let path = kw_csv(d.path(), &rows);
    let report = import_sheet(&study, &path, Some("KW")).unwrap();
    assert_eq!(
        spans(&report.added),
        [span(
            "P1",
            2,
            60,
            95,
            "what-matters",
            "Zoë said it would help, and it did."
        )]
    );
    assert!(report.removed.is_empty());
}

#[test]
fn a_changed_transcript_refuses_the_sheet_and_writes_nothing() {
    let (d, study) = with_codings();
    let sheet = coding_sheet(&study, "KW", SheetUnit::Turn, &[]).unwrap();
    let mut rows = cells(&sheet.to_csv());
    rows[4][6] = "x".into();
    let csv = kw_csv(d.path(), &rows);
    let xlsx = write_file(d.path(), "kw.xlsx", &sheet.to_xlsx().unwrap());
    let before = codings_bytes(&study, "KW");

    std::fs::write(
        study.transcripts_dir().join("P1.txt"),
        P1.replace("My GP told me.", "My doctor told me."),
    )
    .unwrap();
    let csv_problems = problems(import_sheet(&study, &csv, Some("KW")).unwrap_err());
    assert_eq!(
        csv_problems[0],
        "row 2: the text of P1 turn 2 no longer matches the transcript (it was changed after \
         the sheet was exported, or edited in the sheet); export a fresh sheet"
    );
    // The later turns of P1 moved too; P2 is fine. Every problem is listed.
    assert_eq!(csv_problems.len(), 3, "{csv_problems:?}");
    let err = import_sheet(&study, &xlsx, None).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}: 3 problems:\n  row 2: ", xlsx.display())),
        "{err}"
    );
    assert!(
        err.contains("the text of P1 turn 2 no longer matches the transcript (the transcript was changed after the sheet was exported); export a fresh sheet"),
        "{err}"
    );
    assert_eq!(codings_bytes(&study, "KW"), before);
    assert!(import_sheet_dry_run(&study, &csv, Some("KW")).is_err());
}

#[test]
fn text_edited_in_a_workbook_is_told_apart_from_a_changed_transcript() {
    let (d, study) = study();
    let xlsx = coding_sheet(&study, "KW", SheetUnit::Turn, &[])
        .unwrap()
        .to_xlsx()
        .unwrap();
    let edited = rewrite_xlsx(&xlsx, |row, header, cell| match (row, header) {
        (4, "text") => "Being heard. That was it.".into(),
        (4, "belonging") => "x".into(),
        _ => cell,
    });
    let path = write_file(d.path(), "kw.xlsx", &edited);
    assert_eq!(
        problems(import_sheet(&study, &path, None).unwrap_err()),
        [
            "row 5: the text, turn, start or end of P2 turn 2 was edited in the sheet (the \
          transcript itself is unchanged); undo the edit (only theme columns may change), or \
          export a fresh sheet"
        ]
    );
    assert!(!study.codings_path("KW").unwrap().exists());
}

#[test]
fn a_sheet_from_another_study_is_refused() {
    let (d, study) = study();
    let (_o, other) = study_named("Other study");
    std::fs::write(
        other.transcripts_dir().join("P9.txt"),
        "P9: Somewhere else entirely.\n",
    )
    .unwrap();
    let theirs = coding_sheet(&other, "KW", SheetUnit::Turn, &[]).unwrap();

    let xlsx = write_file(d.path(), "other.xlsx", &theirs.to_xlsx().unwrap());
    assert_eq!(
        problems(import_sheet(&study, &xlsx, None).unwrap_err()),
        [
            "this sheet was exported from the study \"Other study\", not from \"Sheet study\": \
          import it into the study it came from"
        ]
    );
    let mut rows = cells(&theirs.to_csv());
    rows.retain(|r| r[0] == "P9" || r[0] == "transcript");
    rows[1][6] = "x".into();
    let csv = write_file(d.path(), "other.csv", &to_csv(&rows));
    assert_eq!(
        problems(import_sheet(&study, &csv, Some("KW")).unwrap_err()),
        [
            "row 2, column A (transcript): this study has no transcript `P9`: is the sheet from \
          another study?"
        ]
    );
    assert!(!study.codings_path("KW").unwrap().exists());
}

#[test]
fn unknown_theme_columns_are_refused_with_a_suggestion() {
    let (d, study) = study();
    let mut rows = kw_rows(&study);
    rows[0][6] = "What matters".into();
    rows[0][7] = "belongin".into();
    rows[0].push("old-code".into());
    rows[0].push("mechanisms".into());
    for r in &mut rows[1..] {
        r.extend([String::new(), String::new()]);
    }
    let path = kw_csv(d.path(), &rows);
    let err = import_sheet(&study, &path, Some("KW")).unwrap_err();
    assert_eq!(
        problems(err),
        [
            "row 1, column G (What matters): `What matters` is not a theme of this study's \
             codebook (did you mean `what-matters`, the id of \"What matters\"?); name the \
             column with a theme id, or delete it",
            "row 1, column H (belongin): `belongin` is not a theme of this study's codebook \
             (did you mean `belonging`?); name the column with a theme id, or delete it",
            "row 1, column I (old-code): the theme `old-code` is retired and can no longer be \
             applied; delete the column",
            "row 1, column J (mechanisms): `mechanisms` is a group of themes, which is not \
             applied to text itself; delete the column",
        ]
    );
}

#[test]
fn bad_marks_and_repeated_rows_are_named_by_row_and_column() {
    let (d, study) = with_codings();
    let before = codings_bytes(&study, "KW");
    let mut rows = kw_rows(&study);
    rows[2][6] = "maybe".into();
    rows[3][7] = "x".into();
    rows.push(rows[1].clone());
    let path = kw_csv(d.path(), &rows);
    let err = import_sheet(&study, &path, Some("KW")).unwrap_err();
    let text = err.to_string();
    assert_eq!(
        problems(err),
        [
            "row 3, column G (what-matters): `maybe` is not a mark: write x to code this row \
             with `what-matters`, leave the cell empty (or 0, no) if it does not apply, or ~ to \
             leave it as it is",
            "row 6: this row repeats row 2 (P1 turn 2, 45..95); delete one",
        ]
    );
    assert!(
        text.starts_with(&format!("{}: 2 problems:\n", path.display())),
        "{text}"
    );
    assert_eq!(codings_bytes(&study, "KW"), before);
}

#[test]
fn the_coder_comes_from_the_workbook_or_must_be_named_for_csv() {
    let (d, study) = study();
    let sheet = coding_sheet(&study, "KW", SheetUnit::Turn, &[]).unwrap();
    let csv = write_file(d.path(), "sheet-KW.csv", &sheet.to_csv());
    assert_eq!(
        problems(import_sheet(&study, &csv, None).unwrap_err()),
        [
            "the sheet does not say whose codings it holds (a CSV sheet never does): name the \
          coder with --coder"
        ]
    );
    let xlsx = write_file(d.path(), "kw.xlsx", &sheet.to_xlsx().unwrap());
    assert_eq!(
        problems(import_sheet(&study, &xlsx, Some("AB")).unwrap_err()),
        [
            "this sheet holds KW's codings (see its about worksheet), not AB's: import it \
          without naming a coder, or export a sheet for AB"
        ]
    );
    assert_eq!(import_sheet(&study, &xlsx, Some("KW")).unwrap().coder, "KW");
    assert!(
        import_sheet(&study, &csv, Some("a/b"))
            .unwrap_err()
            .to_string()
            .contains("cannot be a coder name")
    );
}

#[test]
fn a_dry_run_reports_without_writing() {
    let (d, study) = with_codings();
    let before = codings_bytes(&study, "KW");
    let mut rows = kw_rows(&study);
    rows[1][7] = String::new();
    rows[2][7] = "x".into();
    let path = kw_csv(d.path(), &rows);
    let report = import_sheet_dry_run(&study, &path, Some("KW")).unwrap();
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.removed.len(), 1);
    assert_eq!(codings_bytes(&study, "KW"), before);
}

#[test]
fn sheet_type_is_usable_without_a_study() {
    let sheet = Sheet {
        study: "S".into(),
        coder: "KW".into(),
        unit: SheetUnit::Sentence,
        transcripts: Vec::new(),
        themes: Vec::new(),
        rows: Vec::new(),
    };
    assert_eq!(
        cells(&sheet.to_csv()),
        [["transcript", "turn", "start", "end", "speaker", "text"]]
    );
    assert!(!sheet.to_xlsx().unwrap().is_empty());
}

#[test]
fn orphaned_codings_are_neither_shown_nor_removed() {
    let (d, study) = study();
    let mut lost = coding("c-lost", "P1", 2, (45, 95), "belonging", TURN_2);
    lost.status = Status::Orphaned;
    study
        .update_codings("KW", |f| {
            f.codings = vec![lost];
            Ok(((), true))
        })
        .unwrap();
    let rows = kw_rows(&study);
    assert_eq!(rows[1][6..], ["", ""]);
    let path = kw_csv(d.path(), &rows);
    let report = import_sheet(&study, &path, Some("KW")).unwrap();
    assert!(
        report.added.is_empty() && report.removed.is_empty(),
        "{report:?}"
    );
    assert_eq!(study.codings_of("KW").unwrap().codings[0].id, "c-lost");
}
