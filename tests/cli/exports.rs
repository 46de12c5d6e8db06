//! The paper's tables and figures end to end: `quotes` in every format (each read back by a
//! parser: the Word and Excel files unzipped and parsed, the HTML parsed, the LaTeX compiled
//! when a TeX engine is installed), `participants --summary` against values computed by
//! hand, `matrix`, `cooccur` and `plot` (the SVG parsed, the PNG decoded and inked).

#![allow(clippy::unwrap_used)]

use std::io::Read;

use crate::util::{Dir, compile_tex, have};

/// Turn 4 of P1 holds every character that needs escaping somewhere.
const NASTY: &str = "=SUM(A1) & <script>alert('x')</script> 50% $ # _ { } ~ ^ \\ said the form.";

/// A study `s`: transcripts P1, P2 and P10, participants.csv (with two people without a
/// transcript), and codings by KW and CG.
fn study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let p1 = format!(
        "Interviewer: What matters most in your work?\n\n\
         P1: Finding out what matters to them, really. Then we set small goals together.\n\n\
         Interviewer: Anything else?\n\nP1: {NASTY}\n"
    );
    let p2 = "Interviewer: What do patients do?\n\n\
              P2: They take charge of their own lives.\n\n\
              Interviewer: And you?\n\n\
              P2: I ask what is important to them. Then I listen.\n";
    let p10 = "Interviewer: Tell me about your week.\n\n\
               P10: We talk about what matters to you, and you decide.\n";
    for (name, text) in [("P1", p1.as_str()), ("P2", p2), ("P10", p10)] {
        let f = d.write(&format!("in/{name}.txt"), text);
        d.cmd_in("s", &["import", f.to_str().unwrap()]).ok();
    }
    d.write(
        "s/participants.csv",
        "participant,gender,age,location\n\
         P1,female,30,rural\nP2,male,40,town\nP10,female,52,town\nP11,female,,town\nP12,,33,rural\n",
    );
    let code = |coder: &str, t: &str, turn: &str, text: Option<&str>, theme: &str| {
        d.code("s", coder, t, turn, text, theme);
    };
    code(
        "KW",
        "P1",
        "2",
        Some("what matters to them"),
        "what-matters",
    );
    code(
        "KW",
        "P1",
        "2",
        Some("Then we set small goals together."),
        "goal-orientation",
    );
    code("KW", "P1", "4", None, "empowerment");
    code("KW", "P2", "2", None, "empowerment");
    code("KW", "P2", "4", None, "what-matters");
    code("KW", "P10", "2", None, "what-matters");
    code(
        "CG",
        "P1",
        "2",
        Some("Finding out what matters"),
        "what-matters",
    );
    code("CG", "P2", "2", None, "empowerment");
    code("CG", "P10", "2", None, "active-engagement");
}

fn json_of(d: &Dir, args: &[&str]) -> serde_json::Value {
    d.json_in("s", args)
}

fn texts(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["theme"].as_str().unwrap().to_string(),
                q["participant"].as_str().unwrap().to_string(),
                q["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn quotes_are_blind_the_acting_coders_unless_asked() {
    let d = Dir::new();
    study(&d);
    d.cmd_in("s", &["quotes"])
        .fails_with(1)
        .stderr_has("whose codings? no coder given");
    let kw = json_of(&d, &["quotes", "--coder", "KW", "--format", "json"]);
    assert_eq!(kw.as_array().unwrap().len(), 6);
    assert!(
        kw.as_array()
            .unwrap()
            .iter()
            .all(|q| q["coders"] == serde_json::json!(["KW"])),
        "{kw}"
    );
    // Codebook order: empowerment and active engagement (patients' role) before
    // goal-orientation and what-matters (the approach); by participant, P2 before P10.
    let order: Vec<(String, String)> = texts(&kw).into_iter().map(|(t, p, _)| (t, p)).collect();
    let want = [
        ("empowerment", "P1"),
        ("empowerment", "P2"),
        ("goal-orientation", "P1"),
        ("what-matters", "P1"),
        ("what-matters", "P2"),
        ("what-matters", "P10"),
    ];
    assert_eq!(
        order,
        want.map(|(t, p)| (t.to_string(), p.to_string())).to_vec()
    );

    // Pooled: one quote for the passage both coded, naming both.
    let all = json_of(&d, &["quotes", "--all-coders", "--format", "json"]);
    let both: Vec<&serde_json::Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["coders"] == serde_json::json!(["CG", "KW"]))
        .collect();
    assert_eq!(both.len(), 1, "{all}");
    assert_eq!(both[0]["text"], "They take charge of their own lives.");

    // Consensus: only the words both coded with the same theme.
    let agreed = json_of(&d, &["quotes", "--consensus", "KW,CG", "--format", "json"]);
    assert_eq!(
        texts(&agreed),
        [
            (
                "empowerment".into(),
                "P2".into(),
                "They take charge of their own lives.".into()
            ),
            ("what-matters".into(), "P1".into(), "what matters".into()),
        ]
    );
    d.cmd_in("s", &["quotes", "--coder", "KX"])
        .fails_with(1)
        .stderr_has("did you mean \"KW\"?");
}

#[test]
fn quotes_in_every_format_read_back() {
    let d = Dir::new();
    study(&d);
    let q = |out: &str, extra: &[&str]| {
        let mut args = vec!["quotes", "--coder", "KW", "--output", out];
        args.extend_from_slice(extra);
        d.cmd_in("s", &args)
            .ok()
            .stderr_has("6 quote(s) from 3 participant(s)");
    };

    // Markdown: headings under the groups, the quote escaped.
    q("q.md", &[]);
    let md = d.read("s/q.md");
    assert!(
        md.contains("\n### Patients' role\n\n#### Empowerment\n"),
        "{md}"
    );
    assert!(md.contains("> \\=SUM(A1) \\& \\<script\\>"), "{md}");

    // CSV: the formula neutralised; --excel adds a byte-order mark.
    q("q.csv", &[]);
    let csv = d.read("s/q.csv");
    assert!(
        csv.starts_with("theme,theme_label,group,group_label,participant,"),
        "{csv}"
    );
    assert!(csv.contains(",'=SUM(A1) & <script>"), "{csv}");
    q("excel.csv", &["--excel"]);
    assert!(
        std::fs::read(d.join("s/excel.csv"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );

    // HTML: well-formed, and the script is text, not markup.
    q("q.html", &[]);
    let html = d.read("s/q.html");
    assert!(!html.contains("<script>"), "{html}");
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("the page parses");
    let cells: Vec<String> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("quote"))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect()
        })
        .collect();
    assert!(cells.contains(&NASTY.to_string()), "{cells:?}");

    // LaTeX: every special character escaped; compiled when a TeX engine is installed.
    q("q.tex", &[]);
    let tex = d.read("s/q.tex");
    assert!(
        tex.contains(
            r"``=SUM(A1) \& \textless{}script\textgreater{}alert(`x')\textless{}/script\textgreater{} 50\% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{} said the form.''"
        ),
        "{tex}"
    );
    // A header for the first page and one repeated on every page after it.
    assert!(
        tex.contains("\\endfirsthead") && tex.contains("\\endhead"),
        "{tex}"
    );
    assert!(!tex.contains('"'), "no straight double quote left: {tex}");
    compile_latex(&d, "s/q.tex", "");
    // With xcolor loaded, the repeated theme names are grey; it compiles either way.
    compile_latex(&d, "s/q.tex", "\\usepackage{xcolor}\n");

    // Word: the quote, in typographic marks, and its participant in one row of the table.
    q("q.docx", &[]);
    let rows = docx_rows(&std::fs::read(d.join("s/q.docx")).unwrap());
    assert_eq!(rows[0], ["Theme", "Quote", "Participant"]);
    let curly = format!("“{}”", NASTY.replace("('x')", "(‘x’)"));
    assert!(
        rows.iter()
            .any(|r| r.len() == 3 && r[1] == curly && r[2] == "P1"),
        "{rows:?}"
    );
    assert!(
        rows.contains(&vec!["Patients’ role".to_string()]),
        "a group row"
    );
    assert!(
        rows.iter()
            .skip(1)
            .filter(|r| r.len() == 3)
            .all(|r| !r[0].is_empty()),
        "every quote row names its theme: {rows:?}"
    );

    // Excel: every quote, the formula kept as text.
    q("q.xlsx", &[]);
    let cells = xlsx_rows(&std::fs::read(d.join("s/q.xlsx")).unwrap());
    assert_eq!(cells.len(), 7);
    assert!(
        cells.iter().any(|r| r[10] == NASTY && r[4] == "P1"),
        "{cells:?}"
    );

    // JSON: the documented keys.
    q("q.json", &[]);
    let v: serde_json::Value = serde_json::from_str(&d.read("s/q.json")).unwrap();
    let keys: Vec<&str> = v[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "theme",
        "theme_label",
        "group",
        "participant",
        "transcript",
        "turn",
        "text",
        "coders",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }

    // The same study gives the same files, byte for byte.
    for f in ["q.docx", "q.xlsx", "q.md"] {
        let before = std::fs::read(d.join("s").join(f)).unwrap();
        q(f, &[]);
        assert_eq!(
            std::fs::read(d.join("s").join(f)).unwrap(),
            before,
            "{f} changed"
        );
    }
}

fn docx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| {
            tr.children()
                .filter(|c| c.has_tag_name("tc"))
                .map(|tc| {
                    tc.descendants()
                        .filter(|t| t.has_tag_name("t"))
                        .filter_map(|t| t.text())
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range("quotes").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Compiles `file` inside a minimal document with pdfLaTeX or LuaLaTeX, when one is
/// installed (CI without TeX skips this, saying so on standard error).
#[allow(clippy::print_stderr)]
fn compile_latex(d: &Dir, file: &str, preamble: &str) {
    let Some(engine) = ["pdflatex", "lualatex"].into_iter().find(|e| have(e)) else {
        eprintln!("no pdflatex or lualatex: the LaTeX quote table is checked but not compiled");
        return;
    };
    let dir = d.join("tex");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(d.join(file), dir.join("quotes.tex")).unwrap();
    compile_tex(
        engine,
        &dir,
        &format!("\\usepackage{{array,booktabs,longtable}}\n{preamble}"),
        "quotes.tex",
        1,
    );
}

#[test]
fn quote_selection_options() {
    let d = Dir::new();
    study(&d);
    // --per-theme spreads across participants.
    let two = json_of(
        &d,
        &[
            "quotes",
            "--coder",
            "KW",
            "--theme",
            "what-matters",
            "--per-theme",
            "2",
            "--format",
            "json",
        ],
    );
    let who: Vec<String> = texts(&two).into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(who, ["P1", "P2"]);
    // Word limits, participant and attribute filters; attribution names what is asked.
    let v = json_of(
        &d,
        &[
            "quotes",
            "--coder",
            "KW",
            "--where",
            "location=town",
            "--min-words",
            "8",
            "--attribution",
            "participant,gender",
            "--format",
            "json",
        ],
    );
    let got: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["text"].as_str().unwrap().to_string(),
                q["attribution"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "I ask what is important to them. Then I listen.".to_string(),
                "P2, male".to_string()
            ),
            (
                "We talk about what matters to you, and you decide.".into(),
                "P10, female".into()
            ),
        ]
    );
    let p1 = json_of(
        &d,
        &[
            "quotes",
            "--coder",
            "KW",
            "--participant",
            "P1",
            "--format",
            "json",
        ],
    );
    assert_eq!(p1.as_array().unwrap().len(), 3);
    // --trim keeps whole sentences and marks cuts.
    let trimmed = json_of(
        &d,
        &[
            "quotes",
            "--coder",
            "KW",
            "--theme",
            "what-matters",
            "--participant",
            "P1",
            "--trim",
            "--format",
            "json",
        ],
    );
    assert_eq!(trimmed[0]["text"], "… what matters to them …");
    // Mistakes get clear messages.
    d.cmd_in("s", &["quotes", "--coder", "KW", "--theme", "what-mattres"])
        .fails_with(1)
        .stderr_has("did you mean \"what-matters\"?");
    d.cmd_in(
        "s",
        &["quotes", "--coder", "KW", "--where", "gendre=female"],
    )
    .fails_with(1)
    .stderr_has("did you mean \"gender\"?");
    d.cmd_in("s", &["quotes", "--coder", "KW", "--where", "gender=other"])
        .fails_with(1)
        .stderr_has("gender takes the values: female, male");
    d.cmd_in("s", &["quotes", "--coder", "KW", "--format", "docx"])
        .fails_with(1)
        .stderr_has("need --output");
    d.cmd_in("s", &["quotes", "--coder", "KW", "--output", "q.pdf"])
        .fails_with(1)
        .stderr_has("cannot write a .pdf file: this command can write .md");
}

#[test]
fn participants_summary_matches_hand_computed_values() {
    let d = Dir::new();
    study(&d);
    let v = json_of(&d, &["participants", "--summary", "--format", "json"]);
    let row = |attr: &str, value: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["attribute"] == attr && r["value"] == value)
            .unwrap_or_else(|| panic!("no row {attr} {value} in {v}"))
            .clone()
    };
    assert_eq!(row("participants", "")["n"], 5);
    // Ages 30, 40, 52, 33 (one missing): mean 38.75; sample SD √(286.75 / 3) = 9.78.
    let age = row("age", "");
    assert_eq!(
        (
            &age["n"],
            &age["min"],
            &age["max"],
            &age["mean"],
            &age["sd"]
        ),
        (
            &serde_json::json!(4),
            &serde_json::json!(30.0),
            &serde_json::json!(52.0),
            &serde_json::json!(38.75),
            &serde_json::json!(9.78)
        )
    );
    assert_eq!(row("age", "(missing)")["n"], 1);
    assert_eq!(
        (
            &row("gender", "female")["n"],
            &row("gender", "female")["percent"]
        ),
        (&serde_json::json!(3), &serde_json::json!(60.0))
    );
    assert_eq!(row("gender", "(missing)")["percent"], 20.0);
    let md = d
        .cmd_in("s", &["participants", "--summary", "--output", "table1.md"])
        .ok();
    drop(md);
    let md = d.read("s/table1.md");
    assert!(
        md.contains("| age (n = 4) | range 30–52, M = 38.8 (SD = 9.78) |"),
        "{md}"
    );
    assert!(md.contains("| gender: female | 3 (60.0%) |"), "{md}");
    let list = json_of(&d, &["participants", "--format", "json"]);
    assert_eq!(
        list[4],
        serde_json::json!({"participant": "P12", "gender": "", "age": "33", "location": "rural"})
    );
}

#[test]
fn the_matrix_counts_codings_and_prevalence_over_every_participant() {
    let d = Dir::new();
    study(&d);
    let v = json_of(&d, &["matrix", "--coder", "KW", "--format", "json"]);
    let row = |id: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["theme"] == id)
            .unwrap()
            .clone()
    };
    let wm = row("what-matters");
    assert_eq!(
        (&wm["P1"], &wm["P2"], &wm["P10"]),
        (&1.into(), &1.into(), &1.into())
    );
    assert_eq!(
        (&wm["prevalence"], &wm["participants"]),
        (&3.into(), &3.into())
    );
    let emp = row("empowerment");
    assert_eq!(
        (&emp["P10"], &emp["prevalence"], &emp["codings"]),
        (&0.into(), &2.into(), &2.into())
    );
    let csv = d
        .cmd_in(
            "s",
            &[
                "matrix", "--coder", "KW", "--cells", "quotes", "--output", "m.csv",
            ],
        )
        .ok();
    drop(csv);
    assert!(d.read("s/m.csv").contains("[2] what matters to them"));
    let md = d
        .cmd_in("s", &["matrix", "--coder", "KW", "--format", "md"])
        .ok()
        .stdout();
    assert!(
        md.contains("| What matters to the individual | 1 | 1 | 1 | 3 | 3 of 3 (100%) |"),
        "{md}"
    );
}

#[test]
fn cooccurrence_counts_units_and_jaccard() {
    let d = Dir::new();
    study(&d);
    let pair = |v: &serde_json::Value, a: &str, b: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["theme_a"] == a && r["theme_b"] == b)
            .unwrap()
            .clone()
    };
    // By turn: what-matters in P1:2, P2:4, P10:2; goal-orientation in P1:2.
    let turn = json_of(&d, &["cooccur", "--coder", "KW", "--format", "json"]);
    let g = pair(&turn, "goal-orientation", "what-matters");
    assert_eq!(
        (&g["units_a"], &g["units_b"], &g["both"], &g["jaccard"]),
        (&1.into(), &3.into(), &1.into(), &serde_json::json!(0.3333))
    );
    // By transcript: empowerment in P1, P2; what-matters in all three: 2 / 3.
    let t = json_of(
        &d,
        &[
            "cooccur",
            "--coder",
            "KW",
            "--unit",
            "transcript",
            "--format",
            "json",
        ],
    );
    assert_eq!(pair(&t, "empowerment", "what-matters")["jaccard"], 0.6667);
    // A window joins neighbouring turns: empowerment in P2:2 and what-matters in P2:4.
    let w = json_of(
        &d,
        &[
            "cooccur", "--coder", "KW", "--window", "2", "--format", "json",
        ],
    );
    assert!(
        pair(&w, "empowerment", "what-matters")["both"]
            .as_u64()
            .unwrap()
            >= 2
    );
    assert_eq!(pair(&turn, "empowerment", "what-matters")["both"], 0);
    d.cmd_in(
        "s",
        &[
            "cooccur",
            "--coder",
            "KW",
            "--unit",
            "transcript",
            "--window",
            "1",
        ],
    )
    .fails_with(1)
    .stderr_has("--window counts turns");
}

#[test]
fn plots_parse_as_svg_and_render_to_png_with_ink() {
    use resvg::{tiny_skia, usvg};
    let d = Dir::new();
    study(&d);
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    for kind in ["prevalence", "matrix", "cooccur"] {
        let svg = format!("{kind}.svg");
        d.cmd_in("s", &["plot", kind, "--coder", "KW", "--output", &svg])
            .ok();
        let tree = usvg::Tree::from_str(&d.read(&format!("s/{svg}")), &opt)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(tree.size().width() >= 400.0);
        let png = format!("{kind}.png");
        d.cmd_in("s", &["plot", kind, "--coder", "KW", "--output", &png])
            .ok();
        let pixmap = tiny_skia::Pixmap::decode_png(&std::fs::read(d.join("s").join(&png)).unwrap())
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let ink = pixmap
            .pixels()
            .iter()
            .filter(|p| p.red() < 128 && p.green() < 128)
            .count();
        assert!(ink > 500, "{kind}: only {ink} dark pixels");
    }
    let svg = d.read("s/prevalence.svg");
    assert!(
        svg.contains("id=\"bar-what-matters\"") && svg.contains(">3/3<"),
        "{svg}"
    );
    d.cmd_in("s", &["plot", "matrix", "--coder", "KW", "--format", "png"])
        .fails_with(1)
        .stderr_has("a PNG needs --output");
    d.cmd_in("s", &["plot", "matrix", "--coder", "KW", "--window", "2"])
        .fails_with(1)
        .stderr_has("are for `thematic plot cooccur`");
}

#[test]
fn the_demo_writes_table_1_and_says_what_needs_codings() {
    let d = Dir::new();
    let run = d.cmd(&["demo", "demo"]).ok();
    let md = d.read("demo/exports/table1.md");
    // Named as the demo's [participants] section says (checked in `paper_tables.rs`).
    assert!(md.contains("| Gender: Female | 16 (88.9%) |"), "{md}");
    assert!(d.join("demo/exports/table1.csv").exists());
    assert!(d.join("demo/exports/table1.docx").exists());
    // The sample study has KW's codings, so every table and figure is written. (The
    // message for a study without them is tested in `cmd/exports.rs`.)
    assert!(
        !run.stdout().contains("No codings by KW"),
        "{}",
        run.stdout()
    );
    for f in [
        "quotes.md",
        "quotes.docx",
        "quotes.xlsx",
        "prevalence.svg",
        "prevalence.png",
    ] {
        assert!(d.join("demo/exports").join(f).exists(), "{f} missing");
    }
}

/// `--outline-text`: the SVG's text becomes glyph outlines in the built-in font (no `<text>`
/// left), still a valid SVG of the same size; without it the text stays editable text.
#[test]
fn outlined_figures_have_no_text_and_keep_their_size() {
    let d = Dir::new();
    study(&d);
    for (args, file) in [
        (&["plot", "prevalence", "--coder", "KW"][..], "p"),
        (&["map"][..], "m"),
    ] {
        let plain = format!("{file}.svg");
        let outlined = format!("{file}-outlined.svg");
        d.cmd_in("s", &[args, &["--output", &plain]].concat()).ok();
        d.cmd_in(
            "s",
            &[args, &["--outline-text", "--output", &outlined]].concat(),
        )
        .ok();
        let (plain, outlined) = (
            d.read(&format!("s/{plain}")),
            d.read(&format!("s/{outlined}")),
        );
        assert!(
            plain.contains("<text"),
            "{file}: text stays text by default"
        );
        assert!(!outlined.contains("<text"), "{file}: {outlined}");
        assert!(outlined.contains("<path"), "{file}");
        let size = |svg: &str| {
            let doc = roxmltree::Document::parse(svg).unwrap();
            let root = doc.root_element();
            let n = |a: &str| {
                root.attribute(a)
                    .unwrap()
                    .trim_end_matches("pt")
                    .parse::<f64>()
                    .unwrap()
            };
            (n("width").round(), n("height").round())
        };
        // usvg writes the size in user units, which are points here.
        assert_eq!(size(&plain), size(&outlined), "{file}");
    }
}
