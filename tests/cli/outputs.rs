//! One rule for `--output`: every command that takes it writes the format its extension
//! names, or refuses (exit 1, "can write" and the list) without writing anything.
//!
//! The commands are found in `thematic --help` and each subcommand's help, so a new command
//! with `--output` is covered without touching this file (if it needs arguments to run,
//! [`args_for`] says which).

use crate::util::{Dir, sample};

/// Every extension tried against every command.
const EXTENSIONS: &[&str] = &[
    "txt", "csv", "md", "json", "html", "docx", "xlsx", "tex", "svg", "png", "pdf", "qdc", "qdpx",
    "toml", "dot", "mmd", "1", "xyz",
];

/// Every command path (`["codebook", "show"]`) whose help lists `-o, --output <…>`.
fn commands_with_output(d: &Dir) -> Vec<Vec<String>> {
    fn walk(d: &Dir, path: Vec<String>, found: &mut Vec<Vec<String>>) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = d.cmd(&args).ok().stdout();
        if help
            .lines()
            .any(|l| l.trim_start().starts_with("-o, --output <"))
        {
            found.push(path.clone());
        }
        let mut in_commands = false;
        for line in help.lines() {
            if line.starts_with("Commands:") {
                in_commands = true;
                continue;
            }
            if in_commands {
                if line.trim().is_empty() || !line.starts_with(' ') {
                    break;
                }
                // A command's name is indented by two; wrapped descriptions by more.
                if line.starts_with("   ") {
                    continue;
                }
                let name = line.split_whitespace().next().unwrap_or_default();
                if name != "help" {
                    let mut sub = path.clone();
                    sub.push(name.to_string());
                    walk(d, sub, found);
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(d, Vec::new(), &mut found);
    found
}

/// The arguments a command needs to run in the demo study `s` (with `../p.qdpx`,
/// `../c.qdc` and `../ratings.csv` beside it).
fn args_for(command: &[String], ext: &str) -> Vec<String> {
    let p1 = sample("P2_typed.txt").to_string_lossy().into_owned();
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let joined = command.join(" ");
    match joined.as_str() {
        "init" => vec![format!("../new-{ext}"), "--from".into(), "../p.qdpx".into()],
        "parse" | "import" => vec![p1],
        "transcripts update" => vec!["P1".into(), "transcripts/P1.vtt".into()],
        "show" => v(&["P1"]),
        "search" => v(&["support"]),
        "agree" => v(&["--resamples", "0"]),
        "reliability" => v(&["../ratings.csv"]),
        "merge" => v(&["../other", "--dry-run"]),
        "codebook diff" => v(&["1", "2"]),
        "codebook import" => v(&["../c.qdc"]),
        "sheet export" => v(&["--coder", "KW"]),
        "plot" => v(&["prevalence"]),
        "star" => v(&["--list"]),
        _ => Vec::new(),
    }
}

/// Checks that `bytes` are a `.ext` file; panics naming the command otherwise.
fn assert_is(ext: &str, bytes: &[u8], what: &str) {
    let text = || {
        std::str::from_utf8(bytes)
            .unwrap_or_else(|_| panic!("{what}: a .{ext} file that is not UTF-8 text"))
            .trim_start_matches('\u{feff}')
    };
    let zip_has = |part: &str| {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .unwrap_or_else(|e| panic!("{what}: a .{ext} file that is not a zip: {e}"));
        assert!(z.by_name(part).is_ok(), "{what}: .{ext} without {part}");
    };
    let xml_root = || {
        let t = text();
        let doc = roxmltree::Document::parse(t)
            .unwrap_or_else(|e| panic!("{what}: .{ext} is not XML: {e}"));
        doc.root_element().tag_name().name().to_string()
    };
    match ext {
        "txt" => {
            assert!(!bytes.starts_with(b"PK"), "{what}: a zip in a .txt");
            text();
        }
        "csv" => {
            let header = text().lines().next().unwrap_or("");
            assert!(
                !header.is_empty() && !header.starts_with('<') && !header.starts_with('{'),
                "{what}: a .csv without a header row: {header:?}"
            );
        }
        "md" => {
            let t = text();
            assert!(
                t.starts_with('|') || t.starts_with('#') || t.contains("\n|") || t.is_empty(),
                "{what}: .md is not Markdown: {:?}",
                &t[..t.len().min(80)]
            );
        }
        "json" => {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .unwrap_or_else(|e| panic!("{what}: .json does not parse: {e}"));
        }
        "html" => {
            let t = text().trim_start().to_ascii_lowercase();
            assert!(
                t.starts_with("<!doctype") || t.starts_with("<table"),
                "{what}: .html starts {:?}",
                &t[..t.len().min(40)]
            );
        }
        "docx" => zip_has("word/document.xml"),
        "xlsx" => zip_has("xl/workbook.xml"),
        "qdpx" => zip_has("project.qde"),
        "tex" => assert!(text().contains("\\begin"), "{what}: .tex without \\begin"),
        "svg" => assert_eq!(xml_root(), "svg", "{what}"),
        "qdc" => assert_eq!(xml_root(), "CodeBook", "{what}"),
        "png" => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{what}: not a PNG"),
        "pdf" => assert!(bytes.starts_with(b"%PDF"), "{what}: not a PDF"),
        "toml" => {
            let t = text();
            assert!(t.contains(" = "), "{what}: .toml without a key");
        }
        "dot" => assert!(text().starts_with("digraph"), "{what}: .dot"),
        "mmd" => {
            let t = text();
            assert!(
                t.starts_with("flowchart") || t.starts_with("graph") || t.starts_with("%%"),
                "{what}: .mmd starts {:?}",
                &t[..t.len().min(30)]
            );
        }
        "1" => {
            let t = text();
            assert!(t.contains(".TH"), "{what}: a man page without .TH");
        }
        other => panic!("{what}: wrote a .{other} file, which no command should write"),
    }
}

#[test]
fn every_output_command_writes_its_extension_or_refuses_listing_what_it_can_write() {
    let d = Dir::new();
    d.cmd(&["demo", "s"]).ok();
    d.cmd(&["demo", "other"]).ok();
    d.cmd_in("s", &["export", "../p.qdpx"]).ok();
    d.cmd_in("s", &["codebook", "export", "-o", "../c.qdc"])
        .ok();
    d.write(
        "ratings.csv",
        "unit,A,B\n1,yes,yes\n2,no,no\n3,yes,no\n4,no,no\n",
    );
    let commands = commands_with_output(&d);
    // At least the tabular commands, the figures, the exports and the paper tables.
    for expected in [
        "agree",
        "transcripts",
        "search",
        "plot",
        "map",
        "quotes",
        "matrix",
    ] {
        assert!(
            commands.iter().any(|c| c.join(" ") == expected),
            "{expected} not found among {commands:?}"
        );
    }
    assert!(
        commands.len() >= 25,
        "only {} commands: {commands:?}",
        commands.len()
    );
    let mut written = 0;
    let mut refused = 0;
    let mut failures = Vec::new();
    for command in &commands {
        for ext in EXTENSIONS {
            let out = format!("../out/{}-{ext}.{ext}", command.join("-"));
            let mut args: Vec<String> = command.clone();
            args.extend(args_for(command, ext));
            args.push("--output".into());
            args.push(out.clone());
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            std::fs::create_dir_all(d.join("out")).unwrap();
            let run = d.cmd_in("s", &argv);
            let what = format!("`thematic {}`", args.join(" "));
            let file = d.join(&out[3..]);
            match run.code() {
                0 => {
                    let Ok(bytes) = std::fs::read(&file) else {
                        failures.push(format!("{what}: exit 0 but no file written"));
                        continue;
                    };
                    let checked = std::panic::catch_unwind(|| assert_is(ext, &bytes, &what));
                    if let Err(e) = checked {
                        let msg = e
                            .downcast_ref::<String>()
                            .cloned()
                            .unwrap_or_else(|| format!("{what}: wrong bytes"));
                        failures.push(msg);
                    }
                    written += 1;
                }
                1 => {
                    if !run.stderr().contains("can write .") {
                        failures.push(format!(
                            "{what}: exit 1 without the formats it can write:\n{}",
                            run.stderr()
                        ));
                    }
                    if file.exists() {
                        failures.push(format!("{what}: refused but wrote {out}"));
                    }
                    refused += 1;
                }
                code => failures.push(format!("{what}: exit {code}\n{}", run.stderr())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every command writes at least one of the extensions (man's .1 included).
    for command in &commands {
        let any = EXTENSIONS.iter().any(|ext| {
            d.join(&format!("out/{}-{ext}.{ext}", command.join("-")))
                .exists()
        });
        assert!(
            any,
            "`thematic {}` wrote none of the extensions",
            command.join(" ")
        );
    }
    assert!(
        written > 0 && refused > 0,
        "{written} written, {refused} refused"
    );
}

#[test]
fn a_format_that_contradicts_the_extension_is_refused_and_the_extension_alone_is_enough() {
    let d = Dir::new();
    d.cmd(&["demo", "s"]).ok();
    d.cmd_in("s", &["transcripts", "--format", "csv", "-o", "t.json"])
        .fails_with(1)
        .stderr_has("--format csv contradicts the .json extension");
    assert!(!d.join("s/t.json").exists());
    d.cmd_in("s", &["transcripts", "--format", "json", "-o", "t.json"])
        .ok();
    // The extension names the format: no --format needed for a .qdc, a .xlsx sheet or a .png.
    d.cmd_in("s", &["codebook", "export", "-o", "c.qdc"]).ok();
    assert!(d.read("s/c.qdc").contains("<CodeBook"));
    d.cmd_in("s", &["sheet", "export", "--coder", "KW", "-o", "k.xlsx"])
        .ok();
    assert!(
        std::fs::read(d.join("s/k.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
    d.cmd_in("s", &["agree", "-o", "a.docx", "--format", "md"])
        .fails_with(1)
        .stderr_has("contradicts");
    d.cmd_in("s", &["codebook", "export"])
        .fails_with(1)
        .stderr_has("which format?");
}

/// `thematic agree` on a terminal: a compact table that fits 100 columns (theme, units,
/// % agree as a percentage, κ with its interval, α); `--wide` gives every column.
#[test]
fn the_agreement_table_fits_100_columns_and_wide_shows_every_column() {
    let d = Dir::new();
    d.cmd(&["demo", "s"]).ok();
    let widest = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let compact = d.cmd_in("s", &["agree", "--resamples", "50"]).ok().stdout();
    // The demo's longest theme id is 26 characters: 26 + 5 + 7 + 20 + 4 and the gaps
    // come to 73 columns.
    assert!(
        widest(&compact) <= 100,
        "{} columns:\n{compact}",
        widest(&compact)
    );
    let header = compact.lines().next().unwrap();
    for h in ["Theme", "Units", "% agree", "κ", "α"] {
        assert!(header.contains(h), "{h} missing: {header}");
    }
    assert!(
        !header.contains("AC1") && !header.contains("applied"),
        "{header}"
    );
    // 0.996 as a percentage, κ with its interval.
    let row = compact.lines().nth(2).unwrap();
    assert!(row.contains('%') && row.contains(" ["), "{row}");
    let wide = d
        .cmd_in("s", &["agree", "--resamples", "50", "--wide"])
        .ok()
        .stdout();
    assert!(widest(&wide) > 100, "--wide is the full table");
    let header = wide.lines().next().unwrap();
    for h in ["applied", "AC1", "Note"] {
        assert!(header.contains(h), "{h} missing from --wide: {header}");
    }
    assert!(
        wide.contains("% ["),
        "percent agreement's interval as percentages"
    );
    // The data formats are unchanged by the terminal's compact table.
    let csv = d
        .cmd_in("s", &["agree", "--resamples", "0", "--format", "csv"])
        .ok()
        .stdout();
    assert!(csv.lines().next().unwrap().contains("gwet_ac1,"), "{csv}");
}
