//! Quote selection and every writer, read back.

use std::io::Read;

use super::*;

fn book() -> Codebook {
    thematic_study::testing::mechanisms()
}

fn people() -> Participants {
    let rows = [
        ("P1", ["female", "rural", "52"]),
        ("P2", ["male", "town", "41"]),
        ("P10", ["female", "town", "33"]),
    ];
    Participants {
        attributes: vec!["gender".into(), "location".into(), "age".into()],
        rows: rows
            .iter()
            .map(|(id, v)| (id.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect(),
        ..Participants::default()
    }
}

fn p(t: &str, start: usize, theme: &str, text: &str) -> Passage {
    Passage {
        theme: theme.into(),
        transcript: t.into(),
        participant: t.into(),
        turn: start / 100 + 1,
        start,
        end: start + text.chars().count(),
        text: text.into(),
        coders: vec!["KW".into()],
    }
}

fn passages() -> Vec<Passage> {
    let mut v = vec![
        p("P10", 0, "what-matters", "what matters to them, really"),
        p(
            "P2",
            300,
            "what-matters",
            "=SUM(A1) is what they say & <script>alert(1)</script>",
        ),
        p("P2", 100, "what-matters", "their own way"),
        p("P1", 0, "what-matters", "we talk about what matters to you"),
        p(
            "P1",
            500,
            "asking-questions",
            "I ask open questions: 50% $ # _ { } ~ ^ \\ of the time",
        ),
        p("P1", 700, "empowerment", "they take charge\nof their lives"),
        p("P1", 900, "retired-or-unknown", "left out"),
    ];
    crate::passages::sort_passages(&mut v);
    v
}

fn table(options: &QuoteOptions) -> QuoteTable {
    table_starred(options, &Starred::new())
}

fn table_starred(options: &QuoteOptions, starred: &Starred) -> QuoteTable {
    build(
        "Sample",
        &book(),
        &people(),
        passages(),
        options,
        &BTreeMap::new(),
        starred,
    )
    .unwrap()
}

/// P10's what-matters quote (the last of its theme) and P2's second, starred.
fn two_starred() -> Starred {
    let mut starred = Starred::new();
    for (t, start, end) in [("P10", 0, 28), ("P2", 300, 353)] {
        starred.insert(&thematic_study::Coding {
            id: format!("c-{t}-{start}"),
            coder: "CG".into(),
            transcript: t.into(),
            start,
            end,
            theme: "what-matters".into(),
            ..Default::default()
        });
    }
    starred
}

fn kw() -> QuoteOptions {
    QuoteOptions::new(CoderSelection::Pooled(vec!["KW".into()]))
}

#[test]
fn themes_come_in_codebook_order_with_quotes_by_participant_then_position() {
    let t = table(&kw());
    let themes: Vec<&str> = t.themes.iter().map(|t| t.theme.id.as_str()).collect();
    // Codebook order: asking-questions (SPLWs' role), empowerment (patients' role),
    // what-matters (the approach).
    assert_eq!(themes, ["asking-questions", "empowerment", "what-matters"]);
    let wm = &t.themes[2];
    let order: Vec<(&str, usize)> = wm
        .quotes
        .iter()
        .map(|q| (q.participant.as_str(), q.start))
        .collect();
    assert_eq!(order, [("P1", 0), ("P2", 100), ("P2", 300), ("P10", 0)]);
    assert_eq!(wm.group.as_ref().unwrap().id, "the-approach");
    let path: Vec<&str> = wm.ancestors.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(path, ["solution-focused-strengths-based", "the-approach"]);
    assert_eq!(t.left_out, 1);
    assert_eq!(t.len(), 6);
    // The same input always gives the same table.
    assert_eq!(t, table(&kw()));
}

#[test]
fn starred_quotes_come_first_in_their_theme_the_rest_in_the_usual_order() {
    let starred = two_starred();
    let t = table_starred(&kw(), &starred);
    let wm = &t.themes[2];
    let order: Vec<(&str, usize, bool)> = wm
        .quotes
        .iter()
        .map(|q| (q.participant.as_str(), q.start, q.starred))
        .collect();
    // Without stars: P1 0, P2 100, P2 300, P10 0. P2 300 and P10 0 are starred: they come
    // first, by participant then position among themselves, then the rest as before.
    assert_eq!(
        order,
        [
            ("P2", 300, true),
            ("P10", 0, true),
            ("P1", 0, false),
            ("P2", 100, false)
        ]
    );
    // Other themes are as they were, and the table is the same every time.
    assert_eq!(t.themes[..2], table(&kw()).themes[..2]);
    assert_eq!(t, table_starred(&kw(), &starred));
    // A star on other words (P10 0..5) or another code stars nothing.
    let mut other = Starred::new();
    other.insert(&thematic_study::Coding {
        transcript: "P10".into(),
        start: 0,
        end: 5,
        theme: "what-matters".into(),
        ..Default::default()
    });
    other.insert(&thematic_study::Coding {
        transcript: "P10".into(),
        start: 0,
        end: 28,
        theme: "empowerment".into(),
        ..Default::default()
    });
    assert_eq!(table_starred(&kw(), &other), table(&kw()));
    // With --per-theme 1 the starred quote is the one taken (the first in natural order).
    let mut one = kw();
    one.per_theme = Some(1);
    let t = table_starred(&one, &starred);
    assert_eq!(
        (
            t.themes[2].quotes.len(),
            t.themes[2].quotes[0].participant.as_str()
        ),
        (1, "P2")
    );
}

#[test]
fn filters_and_word_limits_narrow_the_table() {
    let mut o = kw();
    o.themes = vec!["the-approach".into()]; // a group stands for its subtree
    o.attributes = vec![("location".into(), vec!["town".into()])];
    let t = table(&o);
    assert_eq!(t.themes.len(), 1);
    let who: Vec<&str> = t.themes[0]
        .quotes
        .iter()
        .map(|q| q.participant.as_str())
        .collect();
    assert_eq!(who, ["P2", "P2", "P10"]);

    let mut o = kw();
    o.participants = vec!["P2".into()];
    o.min_words = Some(4);
    let t = table(&o);
    assert_eq!(t.len(), 1);
    assert!(t.themes[0].quotes[0].text.starts_with("=SUM"));

    let mut o = kw();
    o.max_words = Some(3);
    assert_eq!(table(&o).len(), 1); // "their own way"
}

#[test]
fn the_attribution_names_only_the_attributes_asked_for() {
    let t = table(&kw());
    assert!(t.rows().all(|(_, q)| q.attribution == q.participant));
    let mut o = kw();
    o.attribution = vec!["participant".into(), "gender".into(), "location".into()];
    let t = table(&o);
    let p1 = t.rows().find(|(_, q)| q.participant == "P1").unwrap().1;
    assert_eq!(p1.attribution, "P1, female, rural");
    // Nothing else about participants reaches any format.
    for bytes in [
        t.to_csv(false),
        t.to_json(),
        t.to_markdown().into_bytes(),
        t.to_html().into_bytes(),
        t.to_latex().into_bytes(),
    ] {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("52") && !text.contains("41"), "{text}");
    }
}

#[test]
fn per_theme_spreads_across_participants() {
    let mut o = kw();
    o.per_theme = Some(3);
    let t = table(&o);
    let wm = t
        .themes
        .iter()
        .find(|t| t.theme.id == "what-matters")
        .unwrap();
    let who: Vec<&str> = wm.quotes.iter().map(|q| q.participant.as_str()).collect();
    // P2 has two quotes but gives one until P1 and P10 have given one.
    assert_eq!(who, ["P1", "P2", "P10"]);
    // Of P2's, the longer one.
    assert!(wm.quotes[1].text.starts_with("=SUM"));
}

#[test]
fn markdown_has_headings_by_depth_and_block_quotes() {
    let md = table(&kw()).to_markdown();
    assert!(
        md.starts_with("# Illustrative quotes\n\nSample; coder KW; 6 quote(s).\n"),
        "{md}"
    );
    assert!(md.contains("\n## Theoretical underpinning: Solution-focused and strengths-based\n"));
    assert!(
        md.contains("\n### SPLWs' role\n\n#### Asking questions\n\n> I ask open"),
        "{md}"
    );
    assert!(
        md.contains("> they take charge\\\n> of their lives (P1)\n"),
        "{md}"
    );
    assert!(md.contains("\\<script\\>"), "{md}");
    // The overarching heading is written once.
    assert_eq!(md.matches("Theoretical underpinning").count(), 1);
}

#[test]
fn csv_neutralises_formulas_and_can_carry_a_bom() {
    let t = table(&kw());
    let csv = t.to_csv(false);
    let mut rdr = ::csv::Reader::from_reader(csv.as_slice());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        QUOTE_KEYS.to_vec()
    );
    let rows: Vec<::csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    let text = rows
        .iter()
        .map(|r| r[10].to_string())
        .find(|t| t.contains("SUM"))
        .unwrap();
    assert!(text.starts_with("'=SUM(A1)"), "{text}");
    assert!(t.to_csv(true).starts_with(b"\xEF\xBB\xBFtheme,"));
}

#[test]
fn latex_escapes_every_special_character() {
    let tex = table(&kw()).to_latex();
    assert!(
        tex.contains(r"I ask open questions: 50\% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{} of the time"),
        "{tex}"
    );
    assert!(tex.contains(r"\toprule") && tex.contains(r"\begin{longtable}"));
    assert!(tex.contains(r"\textless{}script\textgreater{}"));
    assert!(tex.contains(r"they take charge\newline of their lives"));
    // The header before the first page's rows and again on every page after it.
    let first = tex.find(r"\endfirsthead").expect("a first head");
    let head = tex.find(r"\endhead").expect("a repeated head");
    assert!(first < head && tex[first..head].contains(r"\textbf{Quote}"));
    assert!(tex.contains(r"\caption{Illustrative quotes}\label{tab:quotes}"));
    // Quotes in TeX's typographic marks, no straight double quote left.
    assert!(tex.contains("& ``I ask open questions:"), "{tex}");
    assert!(!tex.contains('"'), "{tex}");
    // The theme named again in every row after its first.
    assert!(tex.contains(r"\thematicrepeat{"), "{tex}");
}

#[test]
fn html_is_well_formed_and_escaped() {
    let html = table(&kw()).to_html();
    assert!(!html.contains("<script>"));
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(&html, options).expect("the page is well-formed");
    let cells: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td") && n.attribute("class") == Some("quote"))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect()
        })
        .collect();
    assert_eq!(cells.len(), 6);
    assert!(
        cells.contains(&"=SUM(A1) is what they say & <script>alert(1)</script>".to_string()),
        "{cells:?}"
    );
    let groups = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("group"))
        .count();
    assert_eq!(groups, 4); // the overarching theme and three groups
}

#[test]
fn docx_holds_every_quote_and_participant() {
    let t = table(&kw());
    let bytes = t.to_docx();
    assert_eq!(bytes, t.to_docx(), "deterministic");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let trs: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("tr")).collect();
    let text = |n: roxmltree::Node| -> String {
        n.descendants()
            .filter(|d| d.has_tag_name("t"))
            .filter_map(|d| d.text())
            .collect()
    };
    let rows: Vec<Vec<String>> = trs
        .iter()
        .map(|tr| {
            tr.children()
                .filter(|c| c.has_tag_name("tc"))
                .map(text)
                .collect()
        })
        .collect();
    assert_eq!(rows[0], ["Theme", "Quote", "Participant"]);
    // The header row, and only it, repeats on every page.
    let repeats = |tr: &roxmltree::Node| tr.descendants().any(|n| n.has_tag_name("tblHeader"));
    assert!(repeats(&trs[0]));
    assert_eq!(trs.iter().filter(|tr| repeats(tr)).count(), 1);
    let quote_rows: Vec<&Vec<String>> = rows.iter().filter(|r| r.len() == 3).skip(1).collect();
    assert_eq!(quote_rows.len(), 6);
    // In typographic marks; straight quotes in the text would have become curly.
    assert!(
        quote_rows.contains(&&vec![
            "Asking questions".to_string(),
            "“I ask open questions: 50% $ # _ { } ~ ^ \\ of the time”".to_string(),
            "P1".to_string()
        ]),
        "{quote_rows:?}"
    );
    // No quote row leaves its theme unnamed, whatever the page it starts.
    assert!(
        quote_rows.iter().all(|r| !r[0].is_empty()),
        "{quote_rows:?}"
    );
    assert!(rows.contains(&vec!["SPLWs’ role".to_string()]), "{rows:?}");
    // Three rules: the table's bottom border, and the header cells' top and bottom.
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let drawn: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| {
            n.parent()
                .is_some_and(|p| p.has_tag_name("tblBorders") || p.has_tag_name("tcBorders"))
        })
        .filter(|n| n.attribute((w, "val")) != Some("nil"))
        .map(|n| {
            (
                n.parent().unwrap().tag_name().name().to_string(),
                n.tag_name().name().to_string(),
            )
        })
        .collect();
    let mut want = vec![("tblBorders".to_string(), "bottom".to_string())];
    for _ in 0..3 {
        want.push(("tcBorders".into(), "top".into()));
        want.push(("tcBorders".into(), "bottom".into()));
    }
    assert_eq!(drawn, want);
    assert!(!xml.contains("TableGrid"), "no grid lines");
}

#[test]
fn xlsx_reads_back_with_every_quote() {
    use calamine::Reader;
    let t = table(&kw());
    let bytes = t.to_xlsx().unwrap();
    assert_eq!(bytes, t.to_xlsx().unwrap(), "deterministic");
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("quotes").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], QUOTE_KEYS.map(String::from).to_vec());
    assert_eq!(rows.len(), 7);
    let sum = rows.iter().find(|r| r[10].contains("SUM")).unwrap();
    assert_eq!(
        sum[10],
        "=SUM(A1) is what they say & <script>alert(1)</script>"
    );
    assert_eq!((sum[4].as_str(), sum[6].as_str()), ("P2", "4"));
}

#[test]
fn xlsx_print_sheet_is_laid_out_for_the_paper() {
    use calamine::{Data, Reader};
    let t = table(&kw());
    let bytes = t.to_xlsx().unwrap();
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["quotes", "table", "about"]);
    let range = wb.worksheet_range("table").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][0], "Table 1. Illustrative quotes");
    assert_eq!(rows[1], ["Theme", "Quote", "Participant"]);
    // Three columns only: no ids, offsets or coders.
    assert_eq!(range.width(), 3);
    let quotes: Vec<&Vec<String>> = rows[2..].iter().filter(|r| r[1].starts_with('“')).collect();
    assert_eq!(quotes.len(), 6);
    assert!(quotes.iter().all(|r| !r[0].is_empty() && !r[2].is_empty()));
    assert!(quotes.iter().any(|r| r[1]
        == "“=SUM(A1) is what they say & <script>alert(1)</script>”"
        && r[2] == "P2"));
    assert!(
        rows.iter()
            .any(|r| r[0] == "SPLWs’ role" && r[1].is_empty())
    );
    assert!(range.get_value((2, 0)) != Some(&Data::Empty));
    // The page setup: A4 landscape, one page wide, the header row on every page.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet2.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    assert!(sheet.contains("orientation=\"landscape\""), "{sheet}");
    assert!(sheet.contains("paperSize=\"9\""), "{sheet}");
    assert!(
        sheet.contains("fitToHeight=\"0\"") && sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"),
        "{sheet}"
    );
    let mut book = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut book)
        .unwrap();
    assert!(
        book.contains(
            "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">table!$2:$2</definedName>"
        ),
        "{book}"
    );
}

#[test]
fn json_has_the_documented_keys() {
    let v: serde_json::Value = serde_json::from_slice(&table(&kw()).to_json()).unwrap();
    let first = v[0].as_object().unwrap();
    let keys: Vec<&str> = first.keys().map(String::as_str).collect();
    assert_eq!(keys, QUOTE_KEYS);
    assert_eq!(v[0]["theme"], "asking-questions");
    assert_eq!(v[0]["group"], "splw-role");
    assert_eq!(v[0]["coders"], serde_json::json!(["KW"]));
}

/// `passages` kept per transcript, as the browser workspace keeps them.
fn per_transcript(passages: Vec<Passage>) -> Vec<(String, TranscriptQuotes)> {
    let mut by: BTreeMap<String, Vec<Passage>> = BTreeMap::new();
    for p in passages {
        by.entry(p.transcript.clone()).or_default().push(p);
    }
    by.into_iter()
        .map(|(id, v)| (id, TranscriptQuotes::new(v)))
        .collect()
}

#[test]
fn pages_are_the_tables_rows_in_its_order_whatever_the_page_size_and_filter() {
    let filters = [
        (None, None),
        (Some("what-matters"), None),
        (None, Some("P2")),
        (Some("empowerment"), Some("P1")),
    ];
    pages_match_the_table(passages(), &filters);
}

/// Every page of `quote_page` over `passages` kept per transcript, for each filter (theme,
/// participant) with and without stars and for every page size, gives the rows of the
/// table `build` makes, in its order.
fn pages_match_the_table(passages: Vec<Passage>, filters: &[(Option<&str>, Option<&str>)]) {
    let kept = per_transcript(passages.clone());
    // Deliberately not in natural order: the pager orders participants itself.
    let transcripts: Vec<(&str, &TranscriptQuotes)> =
        kept.iter().rev().map(|(id, q)| (id.as_str(), q)).collect();
    let starred = two_starred();
    for ((theme, participant), stars) in filters
        .iter()
        .copied()
        .flat_map(|f| [(f, None), (f, Some(&starred))])
    {
        let mut options = kw();
        options.themes = theme.into_iter().map(str::to_string).collect();
        options.participants = participant.into_iter().map(str::to_string).collect();
        let whole = build(
            "Sample",
            &book(),
            &people(),
            passages.clone(),
            &options,
            &BTreeMap::new(),
            stars.unwrap_or(&Starred::new()),
        )
        .unwrap();
        let expected: Vec<(String, Quote)> = whole
            .rows()
            .map(|(t, q)| (t.theme.id.clone(), q.clone()))
            .collect();
        for limit in 1..=expected.len() + 1 {
            let mut got = Vec::new();
            let mut offset = 0;
            loop {
                let only: Vec<&str> = participant.into_iter().collect();
                let request = PageRequest {
                    theme,
                    participants: participant.map(|_| only.as_slice()),
                    offset,
                    limit,
                    starred: stars,
                };
                let page = quote_page(&book(), &people(), &transcripts, &request);
                assert_eq!(page.total, expected.len(), "{theme:?} {participant:?}");
                if page.rows.is_empty() {
                    break;
                }
                assert!(page.rows.len() <= limit);
                for (t, q) in page.rows {
                    let from_table = whole.themes.iter().find(|w| w.theme == t.theme).unwrap();
                    assert_eq!(
                        (&t.ancestors, &t.group),
                        (&from_table.ancestors, &from_table.group)
                    );
                    got.push((t.theme.id, q));
                }
                offset += limit;
            }
            assert_eq!(got, expected, "{theme:?} {participant:?}, pages of {limit}");
        }
    }
}

/// `passages()` and a focus group, FG1, whose speakers `participants.csv` names: Ann is
/// P10 and Bob is P1 (both interviewed alone too); a fourth passage is spoken by a speaker
/// without a row, so it stays with the transcript, FG1.
fn with_focus_group() -> Vec<Passage> {
    let spoken = |who: &str, start: usize, theme: &str, text: &str| {
        let mut x = p("FG1", start, theme, text);
        x.participant = who.into();
        x
    };
    let mut v = passages();
    v.extend([
        spoken("P10", 50, "what-matters", "it was what mattered to me"),
        spoken("P1", 150, "what-matters", "someone who listened"),
        spoken("P10", 250, "what-matters", "we chose together"),
        spoken("FG1", 350, "empowerment", "all of us agreed"),
    ]);
    crate::passages::sort_passages(&mut v);
    v
}

fn focus_table(options: &QuoteOptions) -> QuoteTable {
    build(
        "Sample",
        &book(),
        &people(),
        with_focus_group(),
        options,
        &BTreeMap::new(),
        &Starred::new(),
    )
    .unwrap()
}

#[test]
fn focus_group_quotes_go_to_the_participant_who_speaks() {
    let mut options = kw();
    options.attribution = vec!["participant".into(), "gender".into()];
    let t = focus_table(&options);
    let theme = t
        .themes
        .iter()
        .find(|x| x.theme.id == "what-matters")
        .unwrap();
    // By participant (P1, P2, P10), then transcript (FG1 before P1 or P10), then position.
    let got: Vec<(&str, &str, usize, &str)> = theme
        .quotes
        .iter()
        .map(|q| {
            (
                q.participant.as_str(),
                q.transcript.as_str(),
                q.start,
                q.attribution.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("P1", "FG1", 150, "P1, female"),
            ("P1", "P1", 0, "P1, female"),
            ("P2", "P2", 100, "P2, male"),
            ("P2", "P2", 300, "P2, male"),
            ("P10", "FG1", 50, "P10, female"),
            ("P10", "FG1", 250, "P10, female"),
            ("P10", "P10", 0, "P10, female"),
        ]
    );
    // A participant filter takes their words from every transcript they speak in.
    options.participants = vec!["P10".into()];
    let only = focus_table(&options);
    assert_eq!(only.len(), 3);
    assert!(only.rows().all(|(_, q)| q.participant == "P10"));
}

#[test]
fn per_theme_rounds_spread_across_the_speakers_not_the_transcripts() {
    let mut options = kw();
    options.per_theme = Some(3);
    options.themes = vec!["what-matters".into()];
    let t = focus_table(&options);
    // Rounds: P10 has most quotes of the theme (3), then P1 and P2 (2 each, natural
    // order); one each fills the three, each participant's longest: P1's interview (7
    // words against FG1's 3), P2's at 300 (7 against 3) and P10's in FG1, "it was what
    // mattered to me" (6, against 5 and 3). By transcript, FG1 would have taken a place.
    let got: Vec<(&str, &str, usize)> = t
        .rows()
        .map(|(_, q)| (q.participant.as_str(), q.transcript.as_str(), q.start))
        .collect();
    assert_eq!(
        got,
        [("P1", "P1", 0), ("P2", "P2", 300), ("P10", "FG1", 50)]
    );
}

#[test]
fn pages_of_a_focus_group_are_the_tables_rows() {
    let filters = [
        (None, None),
        (Some("what-matters"), None),
        (None, Some("P10")),
        (None, Some("FG1")),
        (Some("what-matters"), Some("P1")),
    ];
    pages_match_the_table(with_focus_group(), &filters);
}
