//! `thematic codebook …` and `thematic map` end to end.

use crate::util::Dir;

const HEADER: &str = "id,transcript,turn,start,end,theme,text,memo,created\n";

fn study_with_codings(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    d.write(
        "s/codings/KW.csv",
        format!(
            "{HEADER}c1,P1,2,0,5,empowerment,hello,,2026-11-21T10:00:00Z\n\
             c2,P2,2,0,5,empowerment,hello,a memo,2026-11-21T10:00:00Z\n\
             c3,P2,4,9,12,what-matters,hey,,2026-11-21T10:00:00Z\n"
        ),
    );
    d.write(
        "s/codings/AB.csv",
        format!("{HEADER}c4,P1,2,0,5,active-engagement,hello,,2026-11-21T10:00:00Z\n"),
    );
}

#[test]
fn show_gives_the_tree_with_counts_in_json() {
    let d = Dir::new();
    study_with_codings(&d);
    let rows = d.json_in("s", &["codebook", "show", "--format", "json"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 13);
    let get = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    let emp = get("empowerment");
    for key in [
        "id",
        "label",
        "parent",
        "depth",
        "codable",
        "retired",
        "definition",
        "codings",
        "participants",
        "coders",
    ] {
        assert!(emp.get(key).is_some(), "{key} missing: {emp}");
    }
    assert_eq!(emp["label"], "Empowerment");
    assert_eq!(emp["parent"], "patients-role");
    assert_eq!(
        (
            emp["codings"].as_u64(),
            emp["participants"].as_u64(),
            emp["coders"].as_u64()
        ),
        (Some(2), Some(2), Some(1))
    );
    let group = get("patients-role");
    assert_eq!(group["codable"], false);
    assert_eq!(
        (group["codings"].as_u64(), group["coders"].as_u64()),
        (Some(3), Some(2))
    );
    // One coder's view.
    let kw = d.json_in(
        "s",
        &["codebook", "show", "--coder", "AB", "--format", "json"],
    );
    let emp = kw
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "empowerment")
        .unwrap()
        .clone();
    assert_eq!(emp["codings"], 0);
    // The table indents the tree and leaves the definition out.
    let table = d.cmd_in("s", &["codebook", "show"]).ok().stdout();
    assert!(table.contains("\n     Empowerment "), "{table}");
    assert!(!table.contains("Definition"));
}

#[test]
fn show_counts_only_the_acting_coders_codings_unless_all_coders() {
    // Coding is blind: with an acting coder, other coders' counts are not shown.
    let d = Dir::new();
    study_with_codings(&d);
    let count = |rows: &serde_json::Value, id: &str| {
        let row = rows.as_array().unwrap().iter().find(|r| r["id"] == id);
        (
            row.unwrap()["codings"].as_u64(),
            row.unwrap()["coders"].as_u64(),
        )
    };
    let toml = d.read("s/thematic.toml");
    d.write("s/thematic.toml", format!("default_coder = \"AB\"\n{toml}"));
    let as_ab = d.json_in("s", &["codebook", "show", "--format", "json"]);
    assert_eq!(count(&as_ab, "empowerment"), (Some(0), Some(0)));
    assert_eq!(count(&as_ab, "patients-role"), (Some(1), Some(1)));
    // An acting coder with no codings yet sees zeros.
    d.write("s/thematic.toml", format!("default_coder = \"CG\"\n{toml}"));
    let as_cg = d.json_in("s", &["codebook", "show", "--format", "json"]);
    assert_eq!(count(&as_cg, "patients-role"), (Some(0), Some(0)));
    let all = d.json_in(
        "s",
        &["codebook", "show", "--all-coders", "--format", "json"],
    );
    assert_eq!(count(&all, "patients-role"), (Some(3), Some(2)));
    d.cmd_in("s", &["codebook", "show", "--all-coders", "--coder", "KW"])
        .fails_with(1);
}

#[test]
fn refactoring_keeps_every_coding_and_is_logged() {
    let d = Dir::new();
    study_with_codings(&d);
    let s = |args: &[&str]| d.cmd_in("s", args);
    s(&[
        "codebook",
        "add",
        "Peer support",
        "--parent",
        "the-approach",
        "--coder",
        "KW",
    ])
    .ok()
    .stderr_has("added \"Peer support\" as peer-support");
    s(&[
        "codebook",
        "rename",
        "peer-support",
        "Support from peers",
        "--coder",
        "KW",
    ])
    .ok();
    s(&[
        "codebook",
        "move",
        "the-approach",
        "--parent",
        "peer-support",
    ])
    .fails_with(1)
    .stderr_has("would make a cycle");
    let (codings_before, book_before) = (
        d.read("s/codings/KW.csv"),
        d.read("s/codebooks/social-prescribing-mechanisms.toml"),
    );
    s(&[
        "codebook",
        "merge",
        "empowerment",
        "active-engagement",
        "--dry-run",
    ])
    .ok()
    .stderr_has("would move 2 coding(s)");
    assert_eq!(
        (
            d.read("s/codings/KW.csv"),
            d.read("s/codebooks/social-prescribing-mechanisms.toml")
        ),
        (codings_before, book_before),
        "a dry run changes nothing"
    );
    s(&[
        "codebook",
        "merge",
        "empowerment",
        "active-engagement",
        "--coder",
        "AB",
    ])
    .ok()
    .stderr_has("2 coding(s) moved (KW 2)");
    let kw = d.read("s/codings/KW.csv");
    assert_eq!(kw.matches(",active-engagement,").count(), 2, "{kw}");
    assert!(
        kw.contains("c2,P2,2,0,5,active-engagement,hello,a memo,"),
        "memos survive: {kw}"
    );
    assert!(d.read("s/codings/AB.csv").contains("c4,"));
    s(&["codebook", "merge", "what-matters", "the-approach"])
        .fails_with(1)
        .stderr_has("cannot be coded");
    s(&["codebook", "retire", "peer-support", "--coder", "KW"])
        .ok()
        .stderr_has("retired; its 0 coding(s) are kept");
    let book = d.read("s/codebooks/social-prescribing-mechanisms.toml");
    assert!(
        book.starts_with("# Social prescribing mechanisms"),
        "comments kept"
    );
    let history = s(&["codebook", "history", "--format", "json"]).ok().json();
    let actions: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["who"].as_str().unwrap(),
                c["action"].as_str().unwrap(),
                c["theme"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            "KW add peer-support",
            "KW rename peer-support",
            "AB merge empowerment",
            "KW retire peer-support"
        ]
    );
    // The merged-away theme now counts nothing and is hidden; the target has it all.
    let rows = s(&["codebook", "show", "--format", "json"]).ok().json();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != "empowerment")
    );
    let ae = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "active-engagement")
        .unwrap()
        .clone();
    assert_eq!(ae["codings"], 3);
}

#[test]
fn lint_reports_errors_with_locations_and_advice_by_rule() {
    let d = Dir::new();
    study_with_codings(&d);
    d.write(
        "s/codings/XY.csv",
        format!("{HEADER}c9,P3,1,0,2,empowerement,hi,,2026-11-21T10:00:00Z\n"),
    );
    let out = d
        .cmd_in("s", &["codebook", "lint", "--format", "json"])
        .fails_with(1)
        .json();
    let rules: Vec<&str> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"unknown-theme"), "{rules:?}");
    assert!(rules.contains(&"unused"), "{rules:?}");
    let unknown = out
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "unknown-theme")
        .unwrap();
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"empowerment\"")
    );
    // Advice alone passes, unless --strict.
    std::fs::remove_file(d.join("s/codings/XY.csv")).unwrap();
    d.cmd_in("s", &["codebook", "lint"]).ok();
    d.cmd_in("s", &["codebook", "lint", "--strict"])
        .fails_with(1);
    // A broken file: every error with file:line:column.
    d.write("bad.toml", "format_version = 1\nname = \"b\"\n[[theme]]\nid = \"a\"\nlabel = \"A\"\nparent = \"nope\"\ncolor = \"#fff\"\n");
    d.cmd(&["codebook", "lint", "--codebook", "bad.toml"])
        .fails_with(1)
        .stderr_has("bad.toml:7:1: unknown field \"color\" (did you mean \"colour\"?)");
}

#[test]
fn qdc_export_import_round_trip_keeps_ids_tree_and_definitions() {
    let d = Dir::new();
    d.cmd(&["init", "a", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    d.cmd_in(
        "a",
        &[
            "codebook",
            "export",
            "--format",
            "qdc",
            "--output",
            "../book.qdc",
        ],
    )
    .ok();
    let qdc = d.read("book.qdc");
    assert!(qdc.contains("<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\""));
    d.cmd(&["init", "b"]).ok();
    d.cmd_in("b", &["codebook", "import", "../book.qdc", "--use"])
        .ok()
        .stderr_has("imported 13 codes");
    assert!(
        d.read("b/thematic.toml")
            .contains("codebook = \"codebooks/book.toml\"")
    );
    let show = |s: &str| {
        let v = d
            .cmd_in(s, &["codebook", "show", "--format", "json"])
            .ok()
            .json();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].clone(),
                    r["label"].clone(),
                    r["parent"].clone(),
                    r["codable"].clone(),
                    r["definition"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(show("a"), show("b"));
    // Importing again does not overwrite.
    d.cmd_in("b", &["codebook", "import", "../book.qdc"])
        .fails_with(1)
        .stderr_has("already exists");
    // Appendix formats.
    let md = d
        .cmd_in("a", &["codebook", "export", "--format", "md"])
        .ok()
        .stdout();
    assert!(md.contains("#### What matters to the individual"), "{md}");
    let csv = d
        .cmd_in("a", &["codebook", "export", "--format", "csv"])
        .ok()
        .stdout();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let ids: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(ids.len(), 13, "one row per entry");
    assert_eq!(ids[0], "solution-focused-strengths-based");
    assert!(ids.contains(&"what-matters".to_string()));
    d.cmd_in(
        "a",
        &[
            "codebook",
            "export",
            "--format",
            "docx",
            "--output",
            "../book.docx",
        ],
    )
    .ok();
    let docx = std::fs::read(d.join("book.docx")).unwrap();
    assert_eq!(&docx[..2], b"PK");
    // Deterministic: the same export twice is the same bytes.
    d.cmd_in(
        "a",
        &[
            "codebook",
            "export",
            "--format",
            "docx",
            "--output",
            "../again.docx",
        ],
    )
    .ok();
    assert_eq!(docx, std::fs::read(d.join("again.docx")).unwrap());
}

#[test]
fn map_draws_every_current_theme() {
    let d = Dir::new();
    study_with_codings(&d);
    d.cmd_in("s", &["map", "--counts", "--output", "map.svg"])
        .ok();
    let svg = d.read("s/map.svg");
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"493pt\""));
    for id in [
        "solution-focused-strengths-based",
        "splw-role",
        "what-matters",
    ] {
        assert!(svg.contains(&format!("id=\"box-{id}\"")), "{id}");
    }
    assert!(svg.contains("2 codings · 2 participants"), "counts shown");
    d.cmd_in("s", &["codebook", "retire", "what-matters"]).ok();
    let svg = d.cmd_in("s", &["map"]).ok().stdout();
    assert!(
        !svg.contains("box-what-matters"),
        "retired themes are left out"
    );
    let dot = d.cmd_in("s", &["map", "--format", "dot"]).ok().stdout();
    assert!(dot.contains("\"patients-role\" -> \"empowerment\";"));
}
