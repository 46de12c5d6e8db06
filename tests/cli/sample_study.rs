//! The sample study end to end: `thematic demo` reproduces the structure of
//!
//! > Walker, K., Griffiths, C. and Jiang, H. (2023) Understanding the Underlying Mechanisms
//! > of Action for Successful Implementation of Social Prescribing. *Open Journal of
//! > Preventive Medicine*, 13, 41–56. https://doi.org/10.4236/ojpm.2023.132004 (CC BY 4.0)
//!
//! Table 1's figures, the interview lengths, every published quote under the theme the paper
//! reports it under (attributed to the right participant), the nine themes in the map, and
//! agreement between the two sample coders in a range a reviewer would believe.

#![allow(clippy::unwrap_used)]

use serde_json::Value;

use crate::util::Dir;

/// The paper's quotes, `participant,theme,quote` (sample-transcripts/published-quotes.csv,
/// taken word for word from the paper's results section).
const PUBLISHED: &str = include_str!("../../sample-transcripts/published-quotes.csv");

fn demo() -> Dir {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    d
}

fn published() -> Vec<(String, String, String)> {
    let mut rdr = csv::Reader::from_reader(PUBLISHED.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[2].to_string())
        })
        .collect()
}

/// Words only, lowercased: quotes are compared without punctuation or spacing differences.
fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_published_quote_is_listed_under_the_papers_theme_for_its_participant() {
    let d = demo();
    let quotes = d.json_in("demo", &["quotes", "--coder", "KW", "--format", "json"]);
    let quotes = quotes.as_array().unwrap();
    let published = published();
    assert_eq!(
        published.len(),
        34,
        "the paper publishes 34 quote placements"
    );
    for (participant, theme, quote) in &published {
        let want = words(quote);
        let found = quotes.iter().any(|q| {
            q["theme"] == theme.as_str()
                && q["participant"] == participant.as_str()
                && words(q["text"].as_str().unwrap_or("")).contains(&want)
        });
        assert!(found, "{participant} under {theme}: {quote}");
    }
    // Attributed to the right participant only: no published quote under someone else.
    for (participant, _, quote) in &published {
        let want = words(quote);
        for q in quotes {
            if words(q["text"].as_str().unwrap_or("")).contains(&want) {
                assert_eq!(q["participant"], participant.as_str(), "{quote}");
            }
        }
    }
}

#[test]
fn table_1_and_interview_lengths_match_the_paper() {
    let d = demo();
    let summary = d.json_in("demo", &["participants", "--summary", "--format", "json"]);
    let text = serde_json::to_string(&summary).unwrap();
    let rows = summary.as_array().unwrap();
    let row = |attr: &str, value: &str| -> &Value {
        rows.iter()
            .find(|r| {
                r.as_object().unwrap().values().any(|v| v == attr)
                    && (value.is_empty() || r.as_object().unwrap().values().any(|v| v == value))
            })
            .unwrap_or_else(|| panic!("no row for {attr} {value}: {text}"))
    };
    // Walker et al. (2023), Table 1: 2 male, 16 female; age 33–60, M = 47, SD = 8.4; months in
    // role 5–30, M = 17.4, SD = 8.44; 8 town, 2 rural, 8 town and rural.
    for (attr, value, n) in [
        ("gender", "male", 2),
        ("gender", "female", 16),
        ("location", "town", 8),
        ("location", "rural", 2),
        ("location", "mixed", 8),
    ] {
        assert_eq!(row(attr, value)["n"], n, "{attr} {value}: {text}");
    }
    let age = row("age", "");
    assert_eq!(
        (age["min"].as_f64(), age["max"].as_f64()),
        (Some(33.0), Some(60.0))
    );
    // The paper prints the mean age to the year.
    assert_eq!(age["mean"].as_f64().map(f64::round), Some(47.0));
    assert_eq!(
        age["sd"].as_f64().map(|m| (m * 10.0).round() / 10.0),
        Some(8.4)
    );
    let months = row("months_in_role", "");
    assert_eq!(
        (months["min"].as_f64(), months["max"].as_f64()),
        (Some(5.0), Some(30.0))
    );
    assert_eq!(
        months["mean"].as_f64().map(|m| (m * 10.0).round() / 10.0),
        Some(17.4)
    );
    assert_eq!(
        months["sd"].as_f64().map(|m| (m * 100.0).round() / 100.0),
        Some(8.44)
    );

    // Interviews lasted 37–72 minutes (M = 53.9, SD = 9.6).
    let lengths = d.json_in("demo", &["transcripts", "--summary", "--format", "json"]);
    let dur = &lengths[0];
    assert_eq!(
        (
            dur["min"].as_f64(),
            dur["max"].as_f64(),
            dur["mean"].as_f64(),
            dur["sd"].as_f64()
        ),
        (Some(37.0), Some(72.0), Some(53.9), Some(9.6))
    );
}

#[test]
fn agreement_is_believable_and_the_map_has_the_nine_themes() {
    let d = demo();
    let rows = d.json_in("demo", &["agree", "--coders", "KW,CG", "--format", "json"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 10, "nine themes and the pooled row");
    // The paper reports no agreement figures; the sample coders are invented. These ranges
    // are what the sample was designed to show (moderate to high κ per theme, not perfect),
    // so a change to the codings or the statistics that leaves them is caught.
    for r in rows {
        let k = r["cohen_kappa"].as_f64().unwrap();
        let range = if r["theme"] == "(all themes)" {
            0.6..0.9
        } else {
            0.4..1.0
        };
        assert!(range.contains(&k), "{}: κ = {k}", r["theme"]);
        assert!(r["applied_KW"].as_u64().unwrap() >= 5, "{r}");
    }
    let dis = d.json_in(
        "demo",
        &[
            "agree",
            "--coders",
            "KW,CG",
            "--disagreements",
            "--format",
            "json",
        ],
    );
    assert!((5..=60).contains(&dis.as_array().unwrap().len()));
    d.cmd_in("demo", &["check"]).ok();
    let svg = d.read("demo/exports/thematic-map.svg");
    for id in [
        "asking-questions",
        "motivational-interviewing",
        "therapeutic-alliance",
        "empowerment",
        "active-engagement",
        "patient-stories",
        "solution-building",
        "goal-orientation",
        "what-matters",
    ] {
        assert!(
            svg.contains(&format!("id=\"box-{id}\"")),
            "{id} missing from the map"
        );
    }
    // The memos came along: a journal entry per coder.
    for coder in ["KW", "CG"] {
        let memos = d.read(&format!("demo/memos/{coder}.md"));
        assert!(memos.contains("journal"), "{coder}: {memos}");
    }
}

#[test]
fn the_demo_writes_the_whole_study_as_a_refi_qda_project() {
    let d = Dir::new();
    let run = d.cmd(&["demo", "demo"]).ok();
    // The theme tree carries each coder's counts, as the codings files have them.
    let mut rdr = csv::Reader::from_path(d.join("demo/codings/KW.csv")).unwrap();
    let kw: Vec<String> = rdr.records().map(|r| r.unwrap()[5].to_string()).collect();
    for theme in ["asking-questions", "empowerment", "what-matters"] {
        let n = kw.iter().filter(|t| *t == theme).count();
        let line = run
            .stdout()
            .lines()
            .find(|l| l.contains(&format!("[{theme}]")))
            .unwrap()
            .to_string();
        assert!(line.contains(&format!("KW {n} ·")), "{line}");
    }
    run
        .stdout_has("REFI-QDA project for NVivo, ATLAS.ti, MAXQDA and QualCoder (18 transcripts, 195 codings by 2 coders, 10 memos): sample-study.qdpx");
    // The same bytes `thematic export` writes; a study made from it agrees as the demo does.
    d.cmd_in("demo", &["export", "../study.qdpx"]).ok();
    assert_eq!(
        std::fs::read(d.join("demo/exports/sample-study.qdpx")).unwrap(),
        std::fs::read(d.join("study.qdpx")).unwrap()
    );
    d.cmd(&["init", "copy", "--from", "demo/exports/sample-study.qdpx"])
        .ok();
    let agree = |s: &str| {
        d.cmd_in(s, &["agree", "--coders", "KW,CG", "--format", "csv"])
            .ok()
            .stdout()
    };
    assert_eq!(agree("copy"), agree("demo"));
}

#[test]
fn the_demo_records_an_earlier_candidate_map_and_the_final_one() {
    let d = demo();
    // Two versions, in the order they were recorded.
    let versions = d.json_in("demo", &["codebook", "versions", "--format", "json"]);
    let names: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Initial candidate themes", "Final (as published)"]);
    // The final version is the codebook as it stands: no change since.
    let since = d
        .cmd_in("demo", &["codebook", "diff", "2", "current"])
        .ok()
        .stderr();
    assert!(since.contains("no changes"), "{since}");
    // From the candidate map to the paper's: the overarching theme and "The approach" made,
    // the two candidate themes renamed and put under it, three codes moved into "The
    // approach", and "What matters" no longer in two themes. The extracts are the demo's
    // codings (both coders): the 70 of "The approach" are its three codes' 21 + 24 + 25.
    let diff = d
        .cmd_in("demo", &["codebook", "diff", "1", "2"])
        .ok()
        .stdout();
    for line in [
        "renamed \"What the link worker does\" to \"SPLWs' role\"",
        "created \"The approach\" under \"Theoretical underpinning: Solution-focused and strengths-based\" (70 extracts)",
        "moved \"Solution building\" from \"SPLWs' role\" to \"The approach\" (21 extracts)",
        "moved \"Goal and action-orientated\" from \"SPLWs' role\" to \"The approach\" (24 extracts)",
        "\"What matters to the individual\" no longer also in \"Patients' role\" (25 extracts)",
        // Defined and named in phase 5; the three groups hold 63 + 62 + 70 = 195 extracts.
        "defined \"Theoretical underpinning: Solution-focused and strengths-based\" (195 extracts)",
    ] {
        assert!(diff.contains(line), "missing {line:?} in\n{diff}");
    }
    // The earlier map is drawn beside the final one, with the candidate themes' labels.
    let early = d.read("demo/exports/thematic-map-01-initial-candidate-themes.svg");
    assert!(early.contains("What the link worker does") && early.contains("also in"));
    assert!(
        !d.read("demo/exports/thematic-map.svg")
            .contains("What the link worker does")
    );
}
