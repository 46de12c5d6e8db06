//! Developing themes from the command line (`thematic codebook theme | share | unshare |
//! split | merge-theme | discard | define --defined`) end to end: each a codebook edit in
//! the change log, its note in the journal, and no coding changed.

#![allow(clippy::unwrap_used)]

use serde_json::Value;

use crate::util::Dir;
use crate::versions::coded_study;

const BOOK: &str = "s/codebooks/social-prescribing-mechanisms.toml";

/// The codebook history's rows after the first `skip`, as "action theme: detail".
fn history(d: &Dir, skip: usize) -> Vec<String> {
    let rows = d.json_in("s", &["codebook", "history", "--format", "json"]);
    rows.as_array().unwrap()[skip..]
        .iter()
        .map(|c| {
            format!(
                "{} {}: {}",
                c["action"].as_str().unwrap(),
                c["theme"].as_str().unwrap(),
                c["detail"].as_str().unwrap()
            )
        })
        .collect()
}

fn entry(d: &Dir, id: &str) -> Value {
    let rows = d.json_in(
        "s",
        &["codebook", "show", "--include-retired", "--format", "json"],
    );
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the codebook"))
        .clone()
}

#[test]
fn the_theme_board_from_the_command_line_changes_no_coding() {
    let d = Dir::new();
    coded_study(&d);
    let (kw, ab) = (d.read("s/codings/KW.csv"), d.read("s/codings/AB.csv"));
    let before = d
        .json_in("s", &["codebook", "history", "--format", "json"])
        .as_array()
        .unwrap()
        .len();
    let s = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--coder", "KW"]);
        d.cmd_in("s", &all)
    };

    s(&[
        "codebook",
        "theme",
        "Talking it through",
        "--note",
        "P1 keeps coming back to this",
    ])
    .ok()
    .stderr_has("added candidate theme \"Talking it through\" as talking-it-through (top level)");
    let theme = entry(&d, "talking-it-through");
    assert_eq!(
        (&theme["codable"], &theme["defined"]),
        (&false.into(), &false.into())
    );

    s(&[
        "codebook",
        "move",
        "asking-questions",
        "--parent",
        "talking-it-through",
    ])
    .ok()
    .stderr_has("asking-questions: parent splw-role -> talking-it-through");
    s(&["codebook", "share", "what-matters", "talking-it-through"])
        .ok()
        .stderr_has("what-matters: also in talking-it-through (its place: the-approach)");
    assert_eq!(
        entry(&d, "what-matters")["also_in"],
        serde_json::json!(["talking-it-through"])
    );
    let table = d.cmd_in("s", &["codebook", "show"]).ok().stdout();
    assert!(
        table.contains("What matters to the individual (also in: Talking it through)"),
        "{table}"
    );

    // Defining a theme that shares a code is refused, naming the code and the commands
    // that resolve it; nothing changes.
    let book = d.read(BOOK);
    s(&["codebook", "define", "talking-it-through", "--defined"])
        .fails_with(1)
        .stderr_has("shares a code with other themes: what-matters")
        .stderr_has("hint: put each shared code in one theme")
        .stderr_has("`thematic codebook unshare what-matters talking-it-through` (keeps it in the-approach only)")
        .stderr_has("`thematic codebook move what-matters --parent talking-it-through`");
    assert_eq!(d.read(BOOK), book, "a refused define changes nothing");

    s(&["codebook", "unshare", "what-matters", "talking-it-through"])
        .ok()
        .stderr_has("what-matters: no longer also in talking-it-through (its place: the-approach)");
    s(&[
        "codebook",
        "define",
        "talking-it-through",
        "--title",
        "Talking it through: asked, not told",
        "--concept",
        "Change starts when the patient does the talking.",
        "--defined",
        "--note",
        "ready to name",
    ])
    .ok()
    .stderr_has("talking-it-through: defined; title added, concept added");
    let book = d.read(BOOK);
    assert!(
        book.contains("title = \"Talking it through: asked, not told\""),
        "{book}"
    );
    assert!(book.contains("concept = \"Change starts when the patient does the talking.\""));
    assert!(book.contains("defined = true"), "{book}");
    let table = d.cmd_in("s", &["codebook", "show"]).ok().stdout();
    assert!(
        table.contains("Talking it through (group) (defined)"),
        "{table}"
    );

    // A second candidate theme, split, merged back, then discarded.
    s(&["codebook", "theme", "Being heard"]).ok();
    s(&["codebook", "move", "empowerment", "--parent", "being-heard"]).ok();
    s(&[
        "codebook",
        "move",
        "patient-stories",
        "--parent",
        "being-heard",
    ])
    .ok();
    s(&[
        "codebook",
        "split",
        "being-heard",
        "Feeling able",
        "empowerment",
    ])
    .ok()
    .stderr_has("split being-heard: \"Feeling able\" (feeling-able) takes empowerment");
    assert_eq!(entry(&d, "empowerment")["parent"], "feeling-able");
    // `merge` is for codes; for two themes it points to merge-theme.
    s(&["codebook", "merge", "feeling-able", "being-heard"])
        .fails_with(1)
        .stderr_has("hint: both are themes")
        .stderr_has("`thematic codebook merge-theme feeling-able being-heard`");
    s(&[
        "codebook",
        "merge-theme",
        "feeling-able",
        "being-heard",
        "--note",
        "one idea after all",
    ])
    .ok()
    .stderr_has("merged feeling-able into being-heard: moved empowerment; feeling-able retired");
    s(&["codebook", "discard", "being-heard", "--note", "too thin"])
        .ok()
        .stderr_has(
            "discarded being-heard (retired, kept for history); moved to Miscellaneous (miscellaneous): empowerment, patient-stories",
        );
    let misc = entry(&d, "miscellaneous");
    assert_eq!(
        (&misc["codable"], &misc["parent"]),
        (&false.into(), &Value::Null)
    );
    assert_eq!(entry(&d, "patient-stories")["parent"], "miscellaneous");
    assert_eq!(entry(&d, "being-heard")["retired"], true);
    s(&["codebook", "define", "talking-it-through", "--candidate"])
        .ok()
        .stderr_has("talking-it-through: a candidate again");

    // Each command is one row of the change log (journal notes are memos, in `thematic log`).
    assert_eq!(
        history(&d, before),
        [
            "add talking-it-through: added candidate theme \"Talking it through\" as a root",
            "move asking-questions: parent \"splw-role\" -> \"talking-it-through\"",
            "share what-matters: also in \"talking-it-through\"",
            "share what-matters: no longer also in \"talking-it-through\"",
            "status talking-it-through: candidate -> defined",
            "define talking-it-through: title (none) -> \"Talking it through: asked, not told\"; concept (none) -> \"Change starts when the patient does the talking.\"",
            "add being-heard: added candidate theme \"Being heard\" as a root",
            "move empowerment: parent \"patients-role\" -> \"being-heard\"",
            "move patient-stories: parent \"patients-role\" -> \"being-heard\"",
            "split being-heard: split: new theme \"feeling-able\" (\"Feeling able\") takes empowerment",
            "merge-theme feeling-able: merged into \"being-heard\"; source retired; moved under \"being-heard\": empowerment",
            "discard being-heard: discarded (retired); moved to \"miscellaneous\": empowerment, patient-stories",
            "status talking-it-through: defined -> candidate",
        ]
    );
    // The notes are in KW's journal, each after what was done.
    let journal = d.read("s/memos/KW.md");
    for (done, note) in [
        (
            "added candidate theme \"Talking it through\" as a root",
            "P1 keeps coming back to this",
        ),
        (
            "status talking-it-through: candidate -> defined",
            "ready to name",
        ),
        (
            "merge-theme feeling-able: merged into \"being-heard\"",
            "one idea after all",
        ),
        ("discard being-heard: discarded (retired)", "too thin"),
    ] {
        let at = journal
            .find(done)
            .unwrap_or_else(|| panic!("{done} missing:\n{journal}"));
        assert!(journal[at..].contains(note), "{note} missing:\n{journal}");
    }
    // Every coding is as it was, byte for byte.
    assert_eq!(d.read("s/codings/KW.csv"), kw);
    assert_eq!(d.read("s/codings/AB.csv"), ab);
}

#[test]
fn define_texts_alone_and_their_note() {
    let d = Dir::new();
    coded_study(&d);
    d.cmd_in(
        "s",
        &[
            "codebook",
            "define",
            "patients-role",
            "--concept",
            "The patient does the work.",
            "--note",
            "from the P1 interview",
            "--coder",
            "KW",
        ],
    )
    .ok()
    .stderr_has("patients-role: concept added");
    let journal = d.read("s/memos/KW.md");
    assert!(
        journal.contains("*define patients-role: concept added.*"),
        "{journal}"
    );
    assert!(journal.contains("from the P1 interview"));
    // Changing it, then removing it.
    d.cmd_in(
        "s",
        &[
            "codebook",
            "define",
            "patients-role",
            "--concept",
            "Doing, not receiving.",
        ],
    )
    .ok()
    .stderr_has("patients-role: concept changed");
    d.cmd_in(
        "s",
        &["codebook", "define", "patients-role", "--concept", ""],
    )
    .ok()
    .stderr_has("patients-role: concept removed");
    assert!(!d.read(BOOK).contains("concept ="));
    // Defined twice is said, not an error; --defined and --candidate together are refused.
    d.cmd_in("s", &["codebook", "define", "patients-role", "--defined"])
        .ok()
        .stderr_has("patients-role: defined");
    d.cmd_in("s", &["codebook", "define", "patients-role", "--defined"])
        .ok()
        .stderr_has("patients-role: already defined");
    d.cmd_in(
        "s",
        &[
            "codebook",
            "define",
            "patients-role",
            "--defined",
            "--candidate",
        ],
    )
    .fails_with(1);
    d.cmd_in("s", &["codebook", "define", "patients-role"])
        .fails_with(1);
}

#[test]
fn board_commands_refuse_what_would_lose_or_confuse() {
    let d = Dir::new();
    coded_study(&d);
    let book = d.read(BOOK);
    let s = |args: &[&str]| d.cmd_in("s", args);
    // A code is retired, not discarded (its codings are kept either way).
    s(&["codebook", "discard", "empowerment"])
        .fails_with(1)
        .stderr_has("it is a code, not a theme; retire it instead");
    // A split takes codes that are in the theme.
    s(&[
        "codebook",
        "split",
        "patients-role",
        "Other",
        "asking-questions",
    ])
    .fails_with(1)
    .stderr_has("\"asking-questions\" is not in \"patients-role\"");
    s(&["codebook", "split", "patients-role", "Other"]).fails_with(1);
    // Unsharing a code from its own parent says to move it instead.
    s(&["codebook", "unshare", "empowerment", "patients-role"])
        .fails_with(1)
        .stderr_has("it is its parent: move it elsewhere instead");
    // merge-theme is for themes; codes are merged with `merge`.
    s(&[
        "codebook",
        "merge-theme",
        "empowerment",
        "active-engagement",
    ])
    .fails_with(1)
    .stderr_has("merge codes with `thematic codebook merge`");
    // A code merged into a theme: move it there instead.
    s(&["codebook", "merge", "empowerment", "the-approach"])
        .fails_with(1)
        .stderr_has("hint: to put the code in that theme, move it: `thematic codebook move empowerment --parent the-approach`");
    // An unknown theme gets a suggestion.
    s(&["codebook", "share", "empowerment", "the-aproach"])
        .fails_with(1)
        .stderr_has("the-approach");
    assert_eq!(d.read(BOOK), book, "refused commands change nothing");
}
