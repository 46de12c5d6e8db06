//! `thematic agree` and `thematic reliability` end to end. The statistics themselves are
//! tested against published values in crates/thematic-agreement; here the units built from
//! codings are checked against counts worked out by hand, and the ratings-file reader
//! against a published example.

#![allow(clippy::unwrap_used)]

use crate::util::Dir;

/// Five participant turns, each a short sentence pair.
const P1: &str = "Interviewer: One?\n\nP1: Alpha one. Alpha two.\n\n\
Interviewer: Two?\n\nP1: Bravo one. Bravo two.\n\n\
Interviewer: Three?\n\nP1: Charlie one. Charlie two.\n\n\
Interviewer: Four?\n\nP1: Delta one. Delta two.\n\n\
Interviewer: Five?\n\nP1: Echo one. Echo two.\n";

fn study(d: &Dir) {
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let f = d.write("in/P1.txt", P1);
    d.cmd_in("s", &["import", f.to_str().unwrap()]).ok();
    // KW applies what-matters to participant turns 1 and 2 (turns 2 and 4), AB to 1 and 3.
    for (coder, turn, words) in [
        ("KW", "2", "Alpha one."),
        ("KW", "4", "Bravo two."),
        ("AB", "2", "Alpha"),
        ("AB", "6", "Charlie one."),
    ] {
        d.cmd_in(
            "s",
            &[
                "code",
                "P1",
                "--turn",
                turn,
                "--text",
                words,
                "--theme",
                "what-matters",
                "--coder",
                coder,
            ],
        )
        .ok();
    }
}

fn row<'a>(rows: &'a serde_json::Value, theme: &str) -> &'a serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["theme"] == theme)
        .unwrap()
}

#[test]
fn turn_units_give_cohens_kappa_from_the_hand_counted_table() {
    let d = Dir::new();
    study(&d);
    let rows = d.json_in(
        "s",
        &[
            "agree",
            "--theme",
            "what-matters",
            "--unit",
            "turn",
            "--resample",
            "units",
            "--format",
            "json",
        ],
    );
    let r = row(&rows, "what-matters");
    assert_eq!(r["resampling"], "units");
    // 5 participant turns: both (turn 2), KW only (4), AB only (6), neither (8, 10).
    // p_o = 3/5; p_e = .4·.4 + .6·.6 = .52; κ = (.6 − .52)/(1 − .52) = 1/6 (Cohen 1960).
    assert_eq!(r["units"], 5);
    assert_eq!(
        (r["applied_KW"].as_u64(), r["applied_AB"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(r["percent_agreement"], 0.6);
    assert_eq!(r["cohen_kappa"], 0.1667);
    let lo = r["cohen_kappa_low"].as_f64().unwrap();
    let hi = r["cohen_kappa_high"].as_f64().unwrap();
    assert!(lo < 0.1667 && 0.1667 < hi, "{lo} {hi}");
    // By default the bootstrap resamples transcripts. There is one, so every resample is
    // the study itself and the interval is the point: [1/6, 1/6].
    let rows = d.json_in(
        "s",
        &[
            "agree",
            "--theme",
            "what-matters",
            "--unit",
            "turn",
            "--format",
            "json",
        ],
    );
    let r = row(&rows, "what-matters");
    assert_eq!(
        (
            &r["cohen_kappa_low"],
            &r["cohen_kappa_high"],
            &r["resampling"]
        ),
        (&0.1667.into(), &0.1667.into(), &"transcripts".into())
    );
    // Sentence units: 10 sentences; both: "Alpha one."; KW only: "Bravo two."; AB only:
    // "Charlie one."; p_o = 8/10, p_e = .2·.2 + .8·.8 = .68, κ = .12/.32 = .375.
    let rows = d.json_in(
        "s",
        &[
            "agree",
            "--theme",
            "what-matters",
            "--unit",
            "sentence",
            "--format",
            "json",
        ],
    );
    let r = row(&rows, "what-matters");
    assert_eq!(
        (r["units"].as_u64(), r["percent_agreement"].as_f64()),
        (Some(10), Some(0.8))
    );
    assert_eq!(r["cohen_kappa"], 0.375);
}

/// The width of κ's interval on the `(all themes)` row of the sample study.
fn kappa_width(d: &Dir, unit: &str, resample: &str) -> f64 {
    let rows = d.json_in(
        "demo",
        &[
            "agree",
            "--unit",
            unit,
            "--resample",
            resample,
            "--format",
            "json",
        ],
    );
    let r = row(&rows, "(all themes)");
    assert_eq!(
        r["resampling"],
        if resample == "units" {
            "units"
        } else {
            "transcripts"
        }
    );
    r["cohen_kappa_high"].as_f64().unwrap() - r["cohen_kappa_low"].as_f64().unwrap()
}

#[test]
fn resampling_transcripts_gives_intervals_of_like_width_at_char_and_turn_units() {
    // The sample study: 18 transcripts coded by CG and KW; κ over all themes is 0.794 at
    // turn units (4950 turn × theme decisions) and 0.778 at character units (1 562 670).
    // Resampling units as if independent, the character interval is some 16 times narrower
    // than the turn one (widths 0.008 and 0.129 with seed 1): a million characters of 18
    // interviews are not a million independent observations. Resampling the transcripts,
    // both intervals reflect the 18 interviews (widths 0.118 and 0.156).
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let (turn, char) = (
        kappa_width(&d, "turn", "transcripts"),
        kappa_width(&d, "char", "transcripts"),
    );
    assert!((0.5..=2.0).contains(&(char / turn)), "{char} / {turn}");
    let (turn_u, char_u) = (
        kappa_width(&d, "turn", "units"),
        kappa_width(&d, "char", "units"),
    );
    assert!(char_u / turn_u < 0.2, "{char_u} / {turn_u}");
    assert!(char / char_u > 5.0, "{char} / {char_u}");
}

#[test]
fn char_units_count_characters_and_segments_match_by_overlap() {
    let d = Dir::new();
    study(&d);
    let rows = d.json_in(
        "s",
        &[
            "agree",
            "--theme",
            "what-matters",
            "--unit",
            "char",
            "--format",
            "json",
        ],
    );
    let r = row(&rows, "what-matters");
    // Characters of the five participant turns: 2×(10+10+1) + 2×(12+12+1)… counted directly.
    let turns = [
        "Alpha one. Alpha two.",
        "Bravo one. Bravo two.",
        "Charlie one. Charlie two.",
        "Delta one. Delta two.",
        "Echo one. Echo two.",
    ];
    let n: usize = turns.iter().map(|t| t.chars().count()).sum();
    assert_eq!(r["units"].as_u64(), Some(n as u64));
    // KW: "Alpha one." (10) + "Bravo two." (10); AB: "Alpha" (5) + "Charlie one." (12).
    assert_eq!(
        (r["applied_KW"].as_u64(), r["applied_AB"].as_u64()),
        (Some(20), Some(17))
    );
    let both = 5.0;
    let agree = (n as f64 - (20.0 - both) - (17.0 - both)) / n as f64;
    assert!((r["percent_agreement"].as_f64().unwrap() - agree).abs() < 1e-4);
    // Segments: "Alpha" overlaps "Alpha one." by 5/10 — a match at 0.5, not at 0.9.
    let seg = |overlap: &str| {
        let rows = d.json_in(
            "s",
            &[
                "agree",
                "--theme",
                "what-matters",
                "--unit",
                "segment",
                "--overlap",
                overlap,
                "--format",
                "json",
            ],
        );
        row(&rows, "what-matters")["percent_agreement"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(seg("0.9"), 0.0); // 4 segments, none matched
    assert_eq!(seg("0.5"), 0.5); // the two Alpha segments match each other
}

#[test]
fn disagreements_name_the_text_and_who_coded_it() {
    let d = Dir::new();
    study(&d);
    let rows = d.json_in(
        "s",
        &[
            "agree",
            "--disagreements",
            "--unit",
            "sentence",
            "--format",
            "json",
        ],
    );
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (
            rows[0]["text"].as_str(),
            rows[0]["applied_by"].as_str(),
            rows[0]["not_applied_by"].as_str()
        ),
        (Some("Bravo two."), Some("KW"), Some("AB"))
    );
    assert_eq!(
        (rows[1]["text"].as_str(), rows[1]["turn"].as_u64()),
        (Some("Charlie one."), Some(6))
    );
    let html = d
        .cmd_in(
            "s",
            &[
                "agree",
                "--disagreements",
                "--unit",
                "sentence",
                "--format",
                "html",
            ],
        )
        .ok()
        .stdout();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<td>Bravo two.</td>"),
        "{html}"
    );
    // One coder is not enough.
    d.cmd_in("s", &["agree", "--coders", "KW"])
        .fails_with(1)
        .stderr_has("agreement needs two coders");
    d.cmd_in("s", &["agree", "--coders", "KW,AC"])
        .fails_with(1)
        .stderr_has("did you mean \"AB\"?");
}

#[test]
fn reliability_reads_a_ratings_file_krippendorff_2011_example_c() {
    let d = Dir::new();
    // Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, example C:
    // 4 observers, 12 units, values 1–5 with missing data; α nominal .743, ordinal .815,
    // interval .849, ratio .797.
    let csv = "unit,A,B,C,D\n1,1,1,,1\n2,2,2,3,2\n3,3,3,3,3\n4,3,3,3,3\n5,2,2,2,2\n6,1,2,3,4\n\
               7,4,4,4,4\n8,1,1,2,1\n9,2,2,2,2\n10,,5,5,5\n11,,,1,1\n12,,,3,\n";
    let f = d.write("c.csv", csv);
    for (level, alpha) in [
        ("nominal", "0.743"),
        ("ordinal", "0.815"),
        ("interval", "0.849"),
        ("ratio", "0.797"),
    ] {
        let v = d
            .cmd(&[
                "reliability",
                f.to_str().unwrap(),
                "--level",
                level,
                "--format",
                "json",
            ])
            .ok()
            .json();
        assert_eq!(
            format!("{:.3}", v["krippendorff_alpha"].as_f64().unwrap()),
            alpha,
            "{level}"
        );
        assert_eq!(
            (v["n_units"].as_u64(), v["n_coders"].as_u64()),
            (Some(12), Some(4))
        );
        assert!(v["cohen_kappa"].is_null(), "four coders: no Cohen's κ");
    }
    // Declaring a sixth, unused category changes Brennan–Prediger (q = 6, not 5).
    let q5 = d
        .cmd(&["reliability", f.to_str().unwrap(), "--format", "json"])
        .ok()
        .json();
    let q6 = d
        .cmd(&[
            "reliability",
            f.to_str().unwrap(),
            "--categories",
            "1,2,3,4,5,6",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(q5["q"], 5);
    assert_eq!(q6["q"], 6);
    // Gwet (2014), irrCAC `cac.raw4raters` (the same data): Brennan–Prediger 0.77273 with
    // q = 5; with q = 6 it is (pa − 1/6)/(1 − 1/6) for the same pa = 0.8181818, 0.78182.
    let bp = |v: &serde_json::Value| format!("{:.5}", v["brennan_prediger"].as_f64().unwrap());
    assert_eq!((bp(&q5), bp(&q6)), ("0.77273".into(), "0.78182".into()));
    let ci = d
        .cmd(&[
            "reliability",
            f.to_str().unwrap(),
            "--ci",
            "0.95",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let (lo, hi) = (
        ci["krippendorff_alpha_ci"][0].as_f64().unwrap(),
        ci["krippendorff_alpha_ci"][1].as_f64().unwrap(),
    );
    assert!(lo < 0.743 && 0.743 < hi, "{lo} {hi}");
    // Bad input names the line.
    let bad = d.write("bad.csv", "unit,A,B\n1,yes,no\n2,yes\n");
    d.cmd(&["reliability", bad.to_str().unwrap()])
        .fails_with(1)
        .stderr_has("bad.csv:3:");
    d.cmd(&["reliability", f.to_str().unwrap(), "--categories", "1,2,3"])
        .fails_with(1)
        .stderr_has("not among --categories");
    // Ordinal labels need their order declared; alphabetical would rank high < low.
    let o = d.write(
        "o.csv",
        "unit,A,B\n1,low,high\n2,medium,medium\n3,low,low\n",
    );
    d.cmd(&["reliability", o.to_str().unwrap(), "--level", "ordinal"])
        .fails_with(1)
        .stderr_has("--categories listing them in order");
    // The order given is the order used: reversing it changes nothing, but putting "high"
    // between the others does (then low–high is a small step and low–medium a large one).
    let ordinal = |order: &str| {
        d.cmd(&[
            "reliability",
            o.to_str().unwrap(),
            "--level",
            "ordinal",
            "--categories",
            order,
            "--format",
            "json",
        ])
        .ok()
        .json()["krippendorff_alpha"]
            .as_f64()
            .unwrap()
    };
    let declared = ordinal("low,medium,high");
    assert_eq!(declared, ordinal("high,medium,low"));
    assert!(
        (declared - ordinal("low,high,medium")).abs() > 0.5,
        "{declared}"
    );
    d.cmd(&[
        "reliability",
        o.to_str().unwrap(),
        "--categories",
        "low,low",
    ])
    .fails_with(1)
    .stderr_has("names \"low\" twice");
}

/// Fleiss (1971), Psychological Bulletin 76(5), 378–382: 30 patients, 6 psychiatrists, 5
/// diagnoses (R irr's `diagnoses`); κ = .430 (R irr `kappam.fleiss(diagnoses)`: 0.4302445).
const DIAGNOSES: [[u8; 6]; 30] = [
    [4, 4, 4, 4, 4, 4],
    [2, 2, 2, 5, 5, 5],
    [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5],
    [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4],
    [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3],
    [1, 4, 4, 4, 4, 4],
    [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5],
    [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4],
    [2, 2, 4, 5, 5, 5],
    [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4],
    [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3],
    [5, 5, 5, 5, 5, 5],
];

/// The diagnoses as a CSV whose first column is `first` (header) with `id(i)` per row.
fn diagnoses_csv(first: &str, id: impl Fn(usize) -> String) -> String {
    let mut out = format!("{first},rater1,rater2,rater3,rater4,rater5,rater6\n");
    for (i, row) in DIAGNOSES.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(u8::to_string).collect();
        out.push_str(&format!("{},{}\n", id(i + 1), cells.join(",")));
    }
    out
}

fn fleiss(run: crate::util::Run) -> String {
    format!("{:.3}", run.json()["fleiss_kappa"].as_f64().unwrap())
}

#[test]
fn reliability_skips_an_id_column_as_r_and_pandas_write_it_fleiss_1971() {
    let d = Dir::new();
    let json = ["--format", "json"];
    // R's write.csv of irr's data frame with a `subject` column: skipped, with a notice,
    // and κ is Fleiss' .430. Counted as a seventh coder it was 0.28.
    let r = d.write("r.csv", diagnoses_csv("subject", |i| i.to_string()));
    let run = d
        .cmd(&[&["reliability", r.to_str().unwrap()][..], &json].concat())
        .ok()
        .stderr_has("the first column, \"subject\", names the units");
    assert_eq!(run.json()["n_coders"], 6);
    assert_eq!(fleiss(run), "0.430");
    // pandas' to_csv writes the index under an empty header.
    let p = d.write("p.csv", diagnoses_csv("", |i| (i - 1).to_string()));
    let run = d
        .cmd(&[&["reliability", p.to_str().unwrap()][..], &json].concat())
        .ok();
    assert_eq!(fleiss(run), "0.430");
    // Different text on every row: an id, whatever its header.
    let t = d.write("t.csv", diagnoses_csv("patient", |i| format!("pt-{i:02}")));
    let run = d
        .cmd(&[&["reliability", t.to_str().unwrap()][..], &json].concat())
        .ok()
        .stderr_has("holds different text on every row");
    assert_eq!(fleiss(run), "0.430");
    // Different numbers on every row under another header: unclear, so the command stops
    // and names both ways out; each gives what it says.
    let n = d.write("n.csv", diagnoses_csv("patient", |i| i.to_string()));
    d.cmd(&["reliability", n.to_str().unwrap()])
        .fails_with(1)
        .stderr_has("the first column, \"patient\", has a different number on every row")
        .stderr_has("--id-column patient")
        .stderr_has("--no-id-column");
    let run = d
        .cmd(
            &[
                &["reliability", n.to_str().unwrap(), "--id-column", "patient"][..],
                &json,
            ]
            .concat(),
        )
        .ok();
    assert_eq!(fleiss(run), "0.430");
    let run = d
        .cmd(
            &[
                &["reliability", n.to_str().unwrap(), "--no-id-column"][..],
                &json,
            ]
            .concat(),
        )
        .ok();
    assert_eq!(run.json()["n_coders"], 7, "counted as a coder when told");
    // A first column of ratings that repeat is a coder, as before: a seventh rater who
    // rated as the first did.
    let plain = d.write(
        "plain.csv",
        diagnoses_csv("rater0", |i| DIAGNOSES[i - 1][0].to_string()),
    );
    let run = d
        .cmd(&[&["reliability", plain.to_str().unwrap()][..], &json].concat())
        .ok();
    assert_eq!(run.json()["n_coders"], 7);
}
