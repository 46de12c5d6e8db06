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

/// The codebook file's text after the starter's own (its comments and top-level keys).
fn entries_of(d: &Dir, study: &str) -> String {
    let text = d.read(&format!("{study}/codebooks/blank.toml"));
    let end = "semantic/latent).\"\"\"\n";
    let at = text.find(end).expect("the starter codebook's description") + end.len();
    text[at..].to_string()
}

#[test]
fn a_new_study_starts_empty_and_codes_are_made_in_the_moment() {
    let d = Dir::new();
    d.cmd(&["init", "s"]).ok();
    let s = |args: &[&str]| d.cmd_in("s", args);
    assert_eq!(entries_of(&d, "s"), "", "no entries");
    s(&["codebook", "lint"])
        .ok()
        .stderr_has("codebooks/blank.toml: 0 entries, no problems found");
    let shown = s(&["codebook", "show", "--format", "json"])
        .ok()
        .stderr_has("the codebook has no themes yet: make codes as you read");
    assert_eq!(shown.json(), serde_json::json!([]));

    // In-vivo: the words as selected become the label; the group is made once.
    let run = s(&[
        "codebook",
        "add",
        "  someone to\n talk to, ",
        "--unsorted",
        "--coder",
        "KW",
    ])
    .ok();
    assert_eq!(
        run.stderr(),
        "added the \"Unsorted\" group (unsorted) at the top\n\
         added \"someone to talk to\" as someone-to-talk-to under unsorted (colour #0072b2)\n"
    );
    assert!(run.stdout().is_empty());
    let run = s(&["codebook", "add", "Someone To Talk To", "--unsorted"]).ok();
    assert_eq!(
        run.stderr(),
        "\"someone to talk to\" is already a code: someone-to-talk-to; nothing added\n"
    );
    s(&[
        "codebook",
        "add",
        "Waiting lists",
        "--unsorted",
        "--coder",
        "KW",
    ])
    .ok()
    .stderr_has("added \"Waiting lists\" as waiting-lists under unsorted (colour #d55e00)");

    // Refine: colour and definition notes.
    let run = s(&[
        "codebook",
        "recolour",
        "waiting-lists",
        "#C39",
        "--coder",
        "KW",
    ])
    .ok();
    assert_eq!(run.stderr(), "waiting-lists: colour #d55e00 -> #cc3399\n");
    let run = s(&[
        "codebook",
        "define",
        "waiting-lists",
        "--definition",
        "Delays before support starts.\nWeeks, sometimes months.",
        "--exclude",
        "",
        "--coder",
        "KW",
    ])
    .ok();
    assert_eq!(
        run.stderr(),
        "waiting-lists: definition added, exclude not set\n"
    );
    s(&[
        "codebook",
        "define",
        "someone-to-talk-to",
        "--include",
        "Wanting to be listened to.",
    ])
    .ok()
    .stderr_has("someone-to-talk-to: include added");
    assert_eq!(
        entries_of(&d, "s"),
        "
[[theme]]
id = \"unsorted\"
label = \"Unsorted\"
codable = false
definition = \"\"\"
Codes made while coding, before they have a place in the tree. Move each under the theme it
belongs to (`thematic codebook move`); retire this group once it is empty.\"\"\"

[[theme]]
id = \"someone-to-talk-to\"
label = \"someone to talk to\"
parent = \"unsorted\"
include = \"Wanting to be listened to.\"
colour = \"#0072b2\"

[[theme]]
id = \"waiting-lists\"
label = \"Waiting lists\"
parent = \"unsorted\"
definition = \"\"\"
Delays before support starts.
Weeks, sometimes months.\"\"\"
colour = \"#cc3399\"
"
    );
    let book = d.read("s/codebooks/blank.toml");
    assert!(
        book.starts_with("# Starter codebook for a new reflexive thematic analysis\n"),
        "comments kept"
    );

    // Refused changes leave everything as it was.
    s(&["codebook", "recolour", "waiting-lists", "red"])
        .fails_with(1)
        .stderr_has(
            "error: codebooks/blank.toml: invalid colour \"red\": expected #rgb or #rrggbb, such as \"#0072b2\"",
        );
    s(&["codebook", "recolour", "waiting-list", "#fff"])
        .fails_with(1)
        .stderr_has("did you mean \"waiting-lists\"?");
    s(&["codebook", "define", "waiting-lists"])
        .fails_with(1)
        .stderr_has("--definition");
    s(&["codebook", "add", "x", "--unsorted", "--parent", "unsorted"])
        .fails_with(1)
        .stderr_has("'--unsorted' cannot be used with '--parent <ID>'");
    assert_eq!(d.read("s/codebooks/blank.toml"), book);

    // Codes made this way are coded and refined like any other.
    let f = d.write(
        "P1.txt",
        "Interviewer: How was it?\nP1: I just wanted someone to talk to.\nInterviewer: And?\nP1: The waiting lists were long.\n",
    );
    s(&["import", f.to_str().unwrap()]).ok();
    d.code(
        "s",
        "KW",
        "P1",
        "2",
        Some("someone to talk to"),
        "someone-to-talk-to",
    );
    d.code("s", "KW", "P1", "4", None, "waiting-lists");
    s(&["codebook", "add", "Being heard", "--group"]).ok();
    s(&[
        "codebook",
        "move",
        "someone-to-talk-to",
        "--parent",
        "being-heard",
    ])
    .ok();
    s(&[
        "codebook",
        "rename",
        "someone-to-talk-to",
        "Someone to talk to",
    ])
    .ok();
    s(&["codebook", "merge", "waiting-lists", "someone-to-talk-to"])
        .ok()
        .stderr_has("1 coding(s) moved (KW 1)");
    let codings = d.read("s/codings/KW.csv");
    assert_eq!(
        codings.matches(",someone-to-talk-to,").count(),
        2,
        "{codings}"
    );
    s(&["codebook", "retire", "unsorted"]).ok();
    let history = s(&["codebook", "history", "--format", "json"]).ok().json();
    let actions: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["action"].as_str().unwrap(),
                c["theme"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            "add unsorted",
            "add someone-to-talk-to",
            "add waiting-lists",
            "recolour waiting-lists",
            "define waiting-lists",
            "define someone-to-talk-to",
            "add being-heard",
            "move someone-to-talk-to",
            "rename someone-to-talk-to",
            "merge waiting-lists",
            "retire unsorted",
        ]
    );
    let define = &history[4]["detail"];
    assert_eq!(
        define,
        "definition (none) -> \"Delays before support starts.\\nWeeks, sometimes months.\""
    );
    assert!(
        d.read("s/codebooks/blank.toml")
            .starts_with("# Starter codebook for a new reflexive thematic analysis\n")
    );
}

#[test]
fn recolour_and_define_work_on_any_codebook_and_say_so_in_help() {
    let d = Dir::new();
    study_with_codings(&d);
    let s = |args: &[&str]| d.cmd_in("s", args);
    let run = s(&["codebook", "recolour", "empowerment", "--none"]).ok();
    assert_eq!(run.stderr(), "empowerment: colour #882255 -> (none)\n");
    let book = d.read("s/codebooks/social-prescribing-mechanisms.toml");
    assert!(book.starts_with("# Social prescribing mechanisms"));
    let run = s(&[
        "codebook",
        "define",
        "empowerment",
        "--exclude",
        "Being told what to do: use therapeutic-alliance.",
        "--include",
        "",
    ])
    .ok();
    let stderr = run.stderr();
    assert!(
        stderr.starts_with("empowerment: include removed, exclude changed"),
        "{stderr}"
    );
    let e = s(&["codebook", "export", "--format", "csv"]).ok().stdout();
    assert!(e.contains("Being told what to do: use therapeutic-alliance."));
    // `add` without --unsorted is as it was: a root at the end, no colour of its own.
    s(&["codebook", "add", "Barriers"]).ok();
    let book = d.read("s/codebooks/social-prescribing-mechanisms.toml");
    assert!(
        book.ends_with("\n[[theme]]\nid = \"barriers\"\nlabel = \"Barriers\"\n"),
        "{book}"
    );
    for (sub, example) in [
        (
            "recolour",
            "$ thematic codebook recolour peer-support \"#0072b2\"",
        ),
        ("define", "$ thematic codebook define peer-support"),
        (
            "add",
            "$ thematic codebook add \"someone to talk to\" --unsorted",
        ),
    ] {
        d.cmd(&["codebook", sub, "--help"]).ok().stdout_has(example);
    }
}
