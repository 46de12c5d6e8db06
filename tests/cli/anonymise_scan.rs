//! `thematic anonymise scan`: the candidates written to `anonymisation/review.csv`, the
//! summary by kind, a re-scan that keeps decisions, a broken review file named with its
//! line and column.

#![allow(clippy::unwrap_used)]

use crate::util::Dir;

/// A study `s` with two transcripts: P1 (Sarah Jones speaking, twice) and P2, with
/// participants.csv naming P1's speaker, and the study's own list of terms.
fn study(d: &Dir) {
    d.study("s");
    let p1 = d.write(
        "in/P1.txt",
        "Interviewer: Where do you go for help?\n\n\
         Sarah Jones: Mostly the Ashworth Centre. My husband Tomasz drives me.\n\n\
         Interviewer: And how do they reach you?\n\n\
         Sarah Jones: On 07700 900123 or sarah.jones@example.org, we're at M14 5TQ. \
         My NHS number is 943 476 5919.\n",
    );
    let p2 = d.write(
        "in/P2.txt",
        "Interviewer: Who helped?\n\n\
         P2: Dr Okafor at the surgery, and [Name 1] from the group.\n\n\
         Interviewer: Anything else?\n\n\
         P2: I saw Sarah at the Ashworth Centre on Monday.\n",
    );
    d.cmd_in("s", &["import", p1.to_str().unwrap(), p2.to_str().unwrap()])
        .ok();
    d.write(
        "s/participants.csv",
        "participant,transcript,speaker\nP1,P1,Sarah Jones\nP2,P2,P2\n",
    );
    d.write(
        "s/anonymisation/terms.csv",
        "term,kind\nAshworth Centre,organisation\n",
    );
}

#[test]
fn scan_writes_the_review_and_prints_a_summary_by_kind() {
    let d = Dir::new();
    study(&d);
    let run = d
        .cmd_in(
            "s",
            &["anonymise", "scan", "--coder", "KW", "--format", "json"],
        )
        .ok();
    // Worked out from the two transcripts above:
    // name: Sarah Jones (P1's speaker, 2 labels), Sarah (her first name, in P2), Tomasz
    //   ("my husband"), Okafor ("Dr"); "[Name 1]" is a placeholder, left alone;
    // organisation: Ashworth Centre (the study's list), twice;
    // email, phone, postcode, nhs_number: one each.
    let summary = run.json();
    let rows: Vec<(String, u64, u64, u64, u64)> = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["terms"].as_u64().unwrap(),
                r["found"].as_u64().unwrap(),
                r["replace"].as_u64().unwrap(),
                r["review"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("name", 4, 5, 4, 0),
        ("organisation", 1, 2, 1, 0),
        ("email", 1, 1, 1, 0),
        ("phone", 1, 1, 1, 0),
        ("postcode", 1, 1, 1, 0),
        ("nhs_number", 1, 1, 1, 0),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|&(k, t, f, r, v)| (k.to_owned(), t, f, r, v))
        .collect();
    assert_eq!(rows, expected, "{}", run.stdout());
    assert!(
        run.stderr()
            .contains("anonymisation/review.csv: 9 term(s) in 2 transcript(s), 9 new"),
        "{}",
        run.stderr()
    );

    let review = d.read("s/anonymisation/review.csv");
    let mut lines = review.lines();
    assert_eq!(
        lines.next(),
        Some("term,kind,rule,count,example,decision,replacement,note")
    );
    let terms: Vec<(&str, &str, &str, &str)> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0], cells[1], cells[2], cells[cells.len() - 2])
        })
        .collect();
    assert_eq!(
        terms,
        [
            ("Okafor", "name", "title-before-name", "[Name 2]"),
            ("Sarah", "name", "known-participant", "[P1]"),
            ("Sarah Jones", "name", "known-participant", "[P1]"),
            ("Tomasz", "name", "relation-before-name", "[Name 1]"),
            (
                "Ashworth Centre",
                "organisation",
                "study-list",
                "[Organisation]"
            ),
            (
                "sarah.jones@example.org",
                "email",
                "email-pattern",
                "[Email]"
            ),
            ("07700 900123", "phone", "phone-pattern", "[Phone]"),
            ("M14 5TQ", "postcode", "uk-postcode", "[Postcode]"),
            (
                "943 476 5919",
                "nhs_number",
                "nhs-check-digit",
                "[NHS number]"
            ),
        ],
        "{review}"
    );
    // The change log records the scan with counts, never the terms.
    let log = d.read("s/changelog.csv");
    assert!(log.contains("anonymise scan"), "{log}");
    assert!(!log.contains("Tomasz") && !log.contains("07700"), "{log}");
}

#[test]
fn a_rescan_keeps_decisions_notes_and_terms_no_longer_found() {
    let d = Dir::new();
    study(&d);
    d.cmd_in("s", &["anonymise", "scan"]).ok();
    // The researcher keeps "Okafor" (a public figure, say) with a note, and renames Tomasz.
    let review = d.read("s/anonymisation/review.csv");
    let edited = review
        .lines()
        .map(|l| {
            if l.starts_with("Okafor,") {
                let mut cells: Vec<String> = l.split(',').map(str::to_owned).collect();
                let n = cells.len();
                cells[n - 3] = "keep".into();
                cells[n - 1] = "the practice's public lead".into();
                cells.join(",")
            } else if l.starts_with("Tomasz,") {
                let mut cells: Vec<String> = l.split(',').map(str::to_owned).collect();
                let n = cells.len();
                cells[n - 2] = "Piotr".into();
                cells.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    d.write("s/anonymisation/review.csv", format!("{edited}\n"));
    // P1 loses its phone number and gains a new name.
    let p1 = d
        .read("s/transcripts/P1.txt")
        .replace("On 07700 900123 or", "Ask my neighbour Bronwen or");
    d.write("s/transcripts/P1.txt", p1);
    let run = d.cmd_in("s", &["anonymise", "scan"]).ok();
    assert!(
        run.stderr()
            .contains("1 new, 1 no longer found (kept, count 0)"),
        "{}",
        run.stderr()
    );
    let review = d.read("s/anonymisation/review.csv");
    let row = |term: &str| {
        review
            .lines()
            .find(|l| l.starts_with(&format!("{term},")))
            .unwrap_or_else(|| panic!("no row for {term}: {review}"))
            .to_owned()
    };
    assert!(
        row("Okafor").ends_with(",keep,[Name 2],the practice's public lead"),
        "{review}"
    );
    assert!(row("Tomasz").ends_with(",replace,Piotr,"), "{review}");
    // The vanished phone number stays, count 0; Bronwen is new and numbered after the
    // highest [Name n] in use (2).
    assert!(
        row("07700 900123").contains(",phone,phone-pattern,0,"),
        "{review}"
    );
    assert!(
        row("Bronwen").contains(",relation-before-name,1,"),
        "{review}"
    );
    assert!(row("Bronwen").ends_with(",replace,[Name 3],"), "{review}");
}

#[test]
fn a_broken_review_file_is_refused_with_its_line_and_column() {
    let d = Dir::new();
    study(&d);
    d.write(
        "s/anonymisation/review.csv",
        "term,kind,rule,count,example,decision,replacement,note\n\
         Tomasz,name,manual,1,,perhaps,[Name 1],\n",
    );
    // "Tomasz,name,manual,1,," is 22 characters: the decision starts at column 23.
    d.cmd_in("s", &["anonymise", "scan"])
        .fails_with(1)
        .stderr_has("review.csv:2:23: unknown decision \"perhaps\"")
        .stderr_has("write replace, review or keep");
    // The file is left as it was.
    assert!(d.read("s/anonymisation/review.csv").contains("perhaps"));
}

#[test]
fn list_prints_every_term_and_help_has_a_worked_example() {
    let d = Dir::new();
    study(&d);
    let csv = d
        .cmd_in("s", &["anonymise", "scan", "--list", "--format", "csv"])
        .ok()
        .stdout();
    assert!(
        csv.starts_with("term,kind,rule,count,decision,replacement,example\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Tomasz,name,relation-before-name,1,replace,[Name 1],P1: "),
        "{csv}"
    );
    d.cmd(&["anonymise", "scan", "--help"])
        .ok()
        .stdout_has("$ thematic anonymise scan")
        .stdout_has("term,kind,rule,count,example,decision");
}

#[test]
fn the_sample_study_gets_few_guesses_and_no_ordinary_words() {
    // The 18 sample transcripts are typed, Otter, Zoom and Teams exports as researchers get
    // them: one-word answers ("Mixed.", "Kindness."), sentence adverbs ("Totally.",
    // "Whereas …") and header words ("Duration:") open turns and sentences, capitalised,
    // and a study of 18 transcripts never writes many of them in lower case. None is a name.
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    d.cmd_in("demo", &["anonymise", "scan"]).ok();
    let review = d.read("demo/anonymisation/review.csv");
    let guesses: Vec<&str> = review
        .lines()
        .filter(|l| l.contains(",name,capitalised-guess,"))
        .map(|l| l.split(',').next().unwrap_or(""))
        .collect();
    for word in [
        "Mixed",
        "Kindness",
        "Totally",
        "Whereas",
        "Duration",
        "Warmth",
        "Normally",
        "Cheers",
        "Ooh",
        "Hiya",
        "Mm-hm",
        "Self-referrals",
        "Problem-solving",
        "Transcribed",
    ] {
        assert!(
            !guesses.contains(&word),
            "{word} guessed a name: {guesses:?}"
        );
    }
    // What is left is worth a look: a psychologist, a records system, a scale, a Brownie
    // pack (at most these six).
    assert!(guesses.len() <= 6, "{guesses:?}");
    assert!(guesses.contains(&"Maslow"), "{guesses:?}");
    // And the interviewer's name and the first names the scan knows are still found.
    assert!(
        review.contains("Kate Walker,speaker,speaker-label,"),
        "{review}"
    );
    assert!(review.contains("\nJean,name,first-name-list,"), "{review}");
    // Otter's "Transcribed by https://otter.ai" (P4, P11) names the tool, not a person.
    assert!(!review.contains("otter.ai"), "{review}");
}
