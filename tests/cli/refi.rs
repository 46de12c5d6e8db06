//! REFI-QDA projects (`.qdpx`): export validated against the REFI schema, the round trip
//! through a new study, projects written by other tools read leniently, and hostile
//! packages refused.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;

use crate::util::{Dir, sample, unzip, xmllint};

/// A zip of `files`.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Codings of one coder as sorted CSV records (every column).
fn codings(d: &Dir, study: &str, coder: &str) -> Vec<Vec<String>> {
    let mut rdr = csv::Reader::from_path(d.join(&format!("{study}/codings/{coder}.csv"))).unwrap();
    let mut rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    rows.sort();
    rows
}

/// Checks the package: project.qde valid against the REFI project schema, and every
/// selection's recorded text exactly the code points `startPosition..endPosition` of its
/// source (a line ending counted as one character).
fn check_package(path: &Path) -> usize {
    let entries = unzip(path);
    let (name, qde) = &entries[0];
    assert_eq!(name, "project.qde");
    let (ok, err) = xmllint(qde);
    assert!(ok, "project.qde does not validate: {err}");
    let text = std::str::from_utf8(qde).unwrap();
    assert!(!text.starts_with('\u{feff}'));
    let doc = roxmltree::Document::parse(text).unwrap();
    let mut checked = 0;
    for source in doc.descendants().filter(|n| n.has_tag_name("TextSource")) {
        let path = source.attribute("plainTextPath").unwrap();
        let file = path.strip_prefix("internal://").unwrap();
        let (_, bytes) = entries
            .iter()
            .find(|(n, _)| *n == format!("sources/{file}"))
            .unwrap();
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "sources carry no BOM");
        let chars: Vec<char> = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("\r\n", "\n")
            .chars()
            .collect();
        for sel in source
            .children()
            .filter(|n| n.has_tag_name("PlainTextSelection"))
        {
            let s: usize = sel.attribute("startPosition").unwrap().parse().unwrap();
            let e: usize = sel.attribute("endPosition").unwrap().parse().unwrap();
            let got: String = chars[s..e].iter().collect();
            // Attribute values have their line breaks read as spaces.
            let want = sel.attribute("name").unwrap();
            assert_eq!(got.replace('\n', " "), want.replace('\n', " "));
            checked += 1;
        }
    }
    checked
}

#[test]
fn the_sample_study_exports_to_a_valid_project_and_comes_back_the_same() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    let run = d
        .cmd_in("demo", &["export", "../study.qdpx"])
        .ok()
        .stderr_has("wrote ../study.qdpx: 18 transcript(s)");
    assert!(!run.stderr().contains("left out"), "{}", run.stderr());
    let selections = check_package(&d.join("study.qdpx"));
    let kw = codings(&d, "demo", "KW");
    let cg = codings(&d, "demo", "CG");
    assert_eq!(
        selections,
        kw.len() + cg.len(),
        "every coding is a selection"
    );

    // Exporting twice gives the same bytes.
    d.cmd_in("demo", &["export", "../again.qdpx"]).ok();
    assert_eq!(
        std::fs::read(d.join("study.qdpx")).unwrap(),
        std::fs::read(d.join("again.qdpx")).unwrap()
    );

    // Round trip: a new study from the project has the same codings for every coder (ids,
    // offsets, turns, text, memos, times), participants, memos and codebook.
    d.cmd(&["init", "back", "--from", "study.qdpx"])
        .ok()
        .stderr_has("195 coding(s) added (CG 96, KW 99)");
    assert_eq!(codings(&d, "back", "KW"), kw);
    assert_eq!(codings(&d, "back", "CG"), cg);
    assert_eq!(
        d.read("back/participants.csv"),
        d.read("demo/participants.csv")
    );
    for coder in ["KW", "CG"] {
        assert_eq!(
            d.read(&format!("back/memos/{coder}.md")),
            d.read(&format!("demo/memos/{coder}.md"))
        );
    }
    let book = |s: &str| {
        d.cmd_in(s, &["codebook", "show", "--all-coders", "--format", "json"])
            .ok()
            .json()
    };
    assert_eq!(book("back"), book("demo"));
    // The same transcripts: turns, speakers, times (to the second: sources are plain text,
    // and captions are rendered `[hh:mm:ss]`), text, and every coder's codings in place.
    for id in ["P1", "P6", "P9", "P14", "P18"] {
        let show = |s: &str| d.cmd_in(s, &["show", id, "--all-coders"]).ok().stdout();
        assert_eq!(show("back"), show("demo"), "{id}");
    }
    // So agreement is the same, to the last digit.
    let agree = |s: &str| d.cmd_in(s, &["agree", "--coders", "KW,CG"]).ok().stdout();
    assert_eq!(agree("back"), agree("demo"));

    // Exported again, the new study gives the same bytes; imported again, nothing is added.
    d.cmd_in("back", &["export", "../back.qdpx"]).ok();
    assert_eq!(
        std::fs::read(d.join("back.qdpx")).unwrap(),
        std::fs::read(d.join("study.qdpx")).unwrap()
    );
    d.cmd_in("back", &["import", "../study.qdpx"])
        .ok()
        .stderr_has("0 coding(s) added, 195 already present; 0 memo(s) added, 10 already present");
    assert_eq!(codings(&d, "back", "KW"), kw);
}

#[test]
fn crlf_sources_for_maxqda_keep_positions_and_read_back() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    d.cmd_in("demo", &["export", "../crlf.qdpx", "--crlf"]).ok();
    let entries = unzip(&d.join("crlf.qdpx"));
    let source = &entries[1].1;
    assert!(source.windows(2).any(|w| w == b"\r\n"));
    assert!(!source.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
    assert_eq!(check_package(&d.join("crlf.qdpx")), 195);
    d.cmd(&["init", "back", "--from", "crlf.qdpx"])
        .ok()
        .stdout_has("CRLF line endings counted as one character");
    assert_eq!(codings(&d, "back", "KW"), codings(&d, "demo", "KW"));
}

/// Code points before `needle` in `text`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// A project as ATLAS.ti or NVivo might write it: another namespace spelling, GUIDs in
/// braces and upper case, `Sources/` capitalised, a path without a scheme, a source with a
/// BOM and CRLF line endings, a source only as Word, codes five levels deep, a case with
/// variables, a note on a code, and things thematic has no place for.
fn foreign_project(docx_text: &str) -> Vec<u8> {
    let p21 = "Interviewer: How do you start?\nP21: I listen first. Then we plan together 🙂 and café talk.\nInterviewer: Thanks.\n";
    let (s1, e1) = at(p21, "I listen first");
    let (s2, e2) = at(p21, "café talk");
    let (s3, e3) = at(docx_text, "I'm not going to know the answer");
    let qde = format!(
        r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" name="From ATLAS" origin="ATLAS.ti 23">
  <Users><User guid="{{AAAAAAAA-0000-4000-8000-000000000001}}" name="Ruth Adeyemi"/></Users>
  <CodeBook><Codes>
    <Code guid="{{C0000000-0000-4000-8000-000000000001}}" name="Level one" isCodable="false">
      <Code guid="c0000000-0000-4000-8000-000000000002" name="Level two" isCodable="true">
        <Code guid="c0000000-0000-4000-8000-000000000003" name="Level three" isCodable="true">
          <Code guid="c0000000-0000-4000-8000-000000000004" name="Level four" isCodable="true">
            <Code guid="c0000000-0000-4000-8000-000000000005" name="Deep code" isCodable="true" color="#FF0000">
              <Description>Five levels down.</Description>
              <NoteRef targetGUID="{{E0000000-0000-4000-8000-000000000001}}"/>
            </Code>
          </Code>
        </Code>
      </Code>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="d0000000-0000-4000-8000-000000000001" name="age" typeOfVariable="Integer"/>
    <Variable guid="d0000000-0000-4000-8000-000000000002" name="setting" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="f0000000-0000-4000-8000-000000000001" name="P21">
      <VariableValue><VariableRef targetGUID="d0000000-0000-4000-8000-000000000001"/><IntegerValue>41</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="d0000000-0000-4000-8000-000000000002"/><TextValue>rural</TextValue></VariableValue>
      <SourceRef targetGUID="{{B0000000-0000-4000-8000-000000000001}}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{{B0000000-0000-4000-8000-000000000001}}" name="Interview twenty-one" plainTextPath="p21.txt">
      <PlainTextSelection guid="a1000000-0000-4000-8000-000000000001" name="I listen first" startPosition="{s1}" endPosition="{e1}" creatingUser="{{AAAAAAAA-0000-4000-8000-000000000001}}">
        <Coding guid="a2000000-0000-4000-8000-000000000001" creatingUser="AAAAAAAA-0000-4000-8000-000000000001" creationDateTime="2023-01-05T10:00:00"><CodeRef targetGUID="{{C0000000-0000-4000-8000-000000000005}}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="a1000000-0000-4000-8000-000000000002" name="café talk" startPosition="{s2}" endPosition="{e2}" creatingUser="aaaaaaaa-0000-4000-8000-000000000001">
        <Description>After the emoji.</Description>
        <Coding guid="a2000000-0000-4000-8000-000000000002"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000002"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="a1000000-0000-4000-8000-000000000003" name="far away" startPosition="5000" endPosition="5010" creatingUser="aaaaaaaa-0000-4000-8000-000000000001">
        <Coding guid="a2000000-0000-4000-8000-000000000003"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000003"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="b0000000-0000-4000-8000-000000000002" name="P22 interview" richTextPath="internal://p22.docx">
      <PlainTextSelection guid="a1000000-0000-4000-8000-000000000004" startPosition="{s3}" endPosition="{e3}" creatingUser="aaaaaaaa-0000-4000-8000-000000000001">
        <Coding guid="a2000000-0000-4000-8000-000000000004"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000004"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="b0000000-0000-4000-8000-000000000003" name="Photo of the noticeboard" path="internal://photo.jpg"/>
    <AudioSource guid="b0000000-0000-4000-8000-000000000004" name="Recording 21" path="internal://r21.m4a"/>
  </Sources>
  <Notes>
    <Note guid="e0000000-0000-4000-8000-000000000001" name="On the deep code" creatingUser="aaaaaaaa-0000-4000-8000-000000000001" creationDateTime="2023-01-06T09:30:00Z"><PlainTextContent>Check with the team.</PlainTextContent></Note>
  </Notes>
  <Links><Link guid="91000000-0000-4000-8000-000000000001" name="leads to" direction="OneWay" originGUID="c0000000-0000-4000-8000-000000000002" targetGUID="c0000000-0000-4000-8000-000000000003"/></Links>
</Project>
"##
    );
    let source: Vec<u8> = b"\xEF\xBB\xBF"
        .iter()
        .copied()
        .chain(p21.replace('\n', "\r\n").into_bytes())
        .collect();
    let docx = std::fs::read(sample("P6_typed.docx")).unwrap();
    zip_of(&[
        ("project.qde", qde.as_bytes()),
        ("Sources/p21.txt", &source),
        ("Sources/p22.docx", &docx),
        ("Sources/photo.jpg", b"\xFF\xD8\xFF"),
    ])
}

#[test]
fn projects_from_other_tools_are_read_leniently_and_nothing_is_dropped_silently() {
    let d = Dir::new();
    let docx_text = d
        .cmd(&[
            "parse",
            sample("P6_typed.docx").to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .json()["text"]
        .as_str()
        .unwrap()
        .to_string();
    d.write("atlas.qdpx", foreign_project(&docx_text));
    let run = d.cmd(&["init", "s", "--from", "atlas.qdpx"]).ok();
    let err = run.stderr();
    for reported in [
        "created study \"From ATLAS\"",
        "user \"Ruth Adeyemi\" is coder \"Ruth-Adeyemi\" here",
        "left out: 1 × PictureSource (thematic reads text sources only): Photo of the noticeboard",
        "left out: 1 × AudioSource (thematic reads text sources only): Recording 21",
        "left out: 1 × links between objects (thematic has no place for them): leads to",
        "left out: 1 × selection outside its source's text (kept as an orphaned coding)",
        "1 coding(s) could not be placed",
    ] {
        assert!(err.contains(reported), "stderr lacks {reported:?}:\n{err}");
    }
    // The CRLF source with a BOM: stored as normalized text; positions re-based.
    assert!(
        run.stdout()
            .contains("CRLF line endings counted as one character")
    );
    assert!(d.join("s/transcripts/P21.txt").exists());
    assert!(d.join("s/transcripts/P22.docx").exists());
    let p21 = d.read("s/transcripts/P21.txt");
    assert!(!p21.contains('\r') && !p21.starts_with('\u{feff}'));

    let rows = codings(&d, "s", "Ruth-Adeyemi");
    let find = |text: &str| rows.iter().find(|r| r[6] == text).unwrap().clone();
    let listen = find("I listen first");
    let (s, e) = at(&p21, "I listen first");
    assert_eq!(
        listen[1..6],
        ["P21", "2", &s.to_string(), &e.to_string(), "deep-code"]
    );
    assert_eq!(listen[8], "2023-01-05T10:00:00Z");
    let cafe = find("café talk");
    let (s, e) = at(&p21, "café talk");
    assert_eq!(
        cafe[3..6],
        [s.to_string(), e.to_string(), "level-two".into()]
    );
    assert_eq!(cafe[7], "After the emoji.");
    let word = find("I'm not going to know the answer");
    assert_eq!(word[1], "P22");
    let orphan = find("far away");
    assert_eq!(orphan[9], "orphaned");

    // Codes nested five deep; the note on the code is a memo on the theme.
    let book = d.json_in("s", &["codebook", "show", "--format", "json"]);
    let text = book.to_string();
    for id in [
        "level-one",
        "level-two",
        "level-three",
        "level-four",
        "deep-code",
    ] {
        assert!(text.contains(id), "{id} missing: {text}");
    }
    assert!(
        d.read("s/codebooks/codebook.toml")
            .contains("parent = \"level-four\"")
    );
    let memos = d.read("s/memos/Ruth-Adeyemi.md");
    assert!(memos.contains("· theme deep-code ·"), "{memos}");
    assert!(
        memos.contains("**On the deep code**\n\nCheck with the team."),
        "{memos}"
    );
    assert_eq!(
        d.read("s/participants.csv"),
        "participant,age,setting\nP21,41,rural\n"
    );
    // The orphan is there for the researcher to resolve.
    d.cmd_in("s", &["check"]).stdout_has("orphaned");
}

#[test]
fn a_project_imported_into_a_study_merges_themes_by_name_and_adds_the_rest() {
    let d = Dir::new();
    d.cmd(&["init", "s", "--codebook", "social-prescribing-mechanisms"])
        .ok();
    let xml = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>
      <Code guid="11111111-1111-4111-8111-111111111111" name="what matters to the individual" isCodable="true"/>
      <Code guid="11111111-1111-4111-8111-111111111112" name="Loneliness" isCodable="true"/>
      <Code guid="11111111-1111-4111-8111-111111111113" name="Barriers" isCodable="false">
        <Code guid="11111111-1111-4111-8111-111111111114" name="Other" isCodable="true"/>
      </Code>
      <Code guid="11111111-1111-4111-8111-111111111115" name="Enablers" isCodable="false">
        <Code guid="11111111-1111-4111-8111-111111111116" name="Other" isCodable="true"/>
      </Code>
    </Codes></CodeBook>
    <Sources><TextSource guid="22222222-2222-4222-8222-222222222222" name="P30">
      <PlainTextContent>Interviewer: And?
P30: Being lonely is what matters most.</PlainTextContent>
      <PlainTextSelection guid="33333333-3333-4333-8333-333333333331" startPosition="23" endPosition="35">
        <Coding guid="44444444-4444-4444-8444-444444444441"><CodeRef targetGUID="11111111-1111-4111-8111-111111111112"/></Coding>
        <Coding guid="44444444-4444-4444-8444-444444444442"><CodeRef targetGUID="11111111-1111-4111-8111-111111111111"/></Coding>
      </PlainTextSelection>
    </TextSource></Sources></Project>"#;
    d.write("p.qdpx", zip_of(&[("project.qde", xml.as_bytes())]));
    d.cmd_in("s", &["import", "../p.qdpx"])
        .ok()
        .stderr_has("1 theme(s) matched, 5 added");
    // Two codes of one name under different parents stay two themes.
    let book = d.read("s/codebooks/social-prescribing-mechanisms.toml");
    for added in [
        "id = \"loneliness\"",
        "id = \"other\"\nlabel = \"Other\"\nparent = \"barriers\"",
        "id = \"other-2\"\nlabel = \"Other\"\nparent = \"enablers\"",
    ] {
        assert!(book.contains(added), "{added} missing:\n{book}");
    }
    let rows = codings(&d, "s", "imported");
    let themes: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[5].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        themes,
        [
            ("loneliness", "Being lonely"),
            ("what-matters", "Being lonely")
        ]
    );
    // A second import adds nothing; a transcript of the same id with other text is refused
    // by name, its codings reported, and nothing else changes.
    d.cmd_in("s", &["import", "../p.qdpx"])
        .ok()
        .stderr_has("2 already present");
    let other = xml.replace("Being lonely", "Being alone!");
    d.write("q.qdpx", zip_of(&[("project.qde", other.as_bytes())]));
    d.cmd_in("s", &["import", "../q.qdpx"])
        .ok()
        .stdout_has("skipped")
        .stderr_has("already has a transcript P30 with other text");
    assert_eq!(codings(&d, "s", "imported").len(), 2);
}

/// Runs `thematic import` of `bytes` into a fresh study; asserts it is refused with
/// `message` and that the study is untouched.
fn refused(bytes: &[u8], message: &str) {
    let d = Dir::new();
    d.study("s");
    d.write("evil.qdpx", bytes);
    d.cmd_in("s", &["import", "../evil.qdpx"])
        .fails_with(1)
        .stderr_has(message);
    assert!(
        std::fs::read_dir(d.join("s/transcripts"))
            .unwrap()
            .next()
            .is_none()
    );
    assert!(
        std::fs::read_dir(d.join("s/codings"))
            .unwrap()
            .next()
            .is_none()
    );
    // Nothing was written anywhere under the test's folder but the package itself.
    let mut written = Vec::new();
    let mut folders = vec![d.path().to_path_buf()];
    while let Some(dir) = folders.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                folders.push(p);
            } else if p.to_string_lossy().contains("evil") && !p.ends_with("evil.qdpx") {
                written.push(p);
            }
        }
    }
    assert!(written.is_empty(), "{written:?}");
    // Nor is a study made from it.
    d.cmd(&["init", "t", "--from", "evil.qdpx"]).fails_with(1);
    assert!(!d.join("t").exists(), "no half-made study is left");
}

const MINIMAL: &str = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>
<TextSource guid="22222222-2222-4222-8222-222222222222" name="P1" plainTextPath="internal://p1.txt"/>
</Sources></Project>"#;

#[test]
fn entries_escaping_the_package_are_refused() {
    refused(
        &zip_of(&[
            ("project.qde", MINIMAL.as_bytes()),
            ("../../evil.txt", b"P1: pwned"),
        ]),
        "points outside the package",
    );
    let absolute = format!("/tmp/thematic-evil-{}.txt", std::process::id());
    refused(
        &zip_of(&[
            ("project.qde", MINIMAL.as_bytes()),
            (absolute.as_str(), b"P1: pwned"),
        ]),
        "points outside the package",
    );
    assert!(!Path::new(&absolute).exists());
    for name in ["C:\\evil.txt", "..\\..\\evil.txt"] {
        refused(
            &zip_of(&[("project.qde", MINIMAL.as_bytes()), (name, b"P1: pwned")]),
            "points outside the package",
        );
    }
}

#[test]
fn zip_bombs_are_refused() {
    let zeros = vec![b'0'; 64 << 20];
    refused(
        &zip_of(&[
            ("project.qde", MINIMAL.as_bytes()),
            ("sources/p1.txt", &zeros),
        ]),
        "refused as a zip bomb",
    );
}

#[test]
fn entity_expansion_and_external_entities_are_refused() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"#;
    refused(
        &zip_of(&[("project.qde", laughs.as_bytes())]),
        "declares a DTD",
    );
    let external = r#"<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"#;
    refused(
        &zip_of(&[("project.qde", external.as_bytes())]),
        "declares a DTD",
    );
}

#[test]
fn sources_outside_the_package_are_not_read() {
    let d = Dir::new();
    d.study("s");
    d.write("secret.txt", "P1: a file the project points at");
    let xml = format!(
        r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>
<TextSource guid="22222222-2222-4222-8222-222222222222" name="P1" plainTextPath="absolute://{}"/>
</Sources></Project>"#,
        d.join("secret.txt").display()
    );
    d.write("p.qdpx", zip_of(&[("project.qde", xml.as_bytes())]));
    d.cmd_in("s", &["import", "../p.qdpx"])
        .ok()
        .stderr_has("its text is outside the package");
    assert!(!d.join("s/transcripts/P1.txt").exists());
}

#[test]
fn what_is_not_a_project_gets_a_clear_error() {
    let d = Dir::new();
    d.study("s");
    d.write("notzip.qdpx", "hello");
    d.cmd_in("s", &["import", "../notzip.qdpx"])
        .fails_with(1)
        .stderr_has("not a REFI-QDA project package (a .qdpx is a zip file)");
    d.write("empty.qdpx", zip_of(&[("readme.txt", b"hi")]));
    d.cmd_in("s", &["import", "../empty.qdpx"])
        .fails_with(1)
        .stderr_has("the package has no project.qde");
    d.write(
        "bad.qdpx",
        zip_of(&[("project.qde", b"<Project name='x'><Sources>")]),
    );
    d.cmd_in("s", &["import", "../bad.qdpx"])
        .fails_with(1)
        .stderr_has("project.qde:1: not well-formed XML");
    d.cmd_in("s", &["export", "../out.zip"])
        .fails_with(1)
        .stderr_has("a REFI-QDA project is written as a .qdpx file");
}

#[test]
fn typed_variables_and_a_study_without_codes_export_valid_projects_and_come_back() {
    let d = Dir::new();
    // A project with a source and no codes makes a study with an empty codebook.
    let xml = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="no codes"><Sources>
<TextSource guid="22222222-2222-4222-8222-222222222222" name="P1"><PlainTextContent>Interviewer: Hello?
P1: Hello.</PlainTextContent></TextSource></Sources></Project>"#;
    d.write("p.qdpx", zip_of(&[("project.qde", xml.as_bytes())]));
    d.cmd(&["init", "s", "--from", "p.qdpx"]).ok();
    let table = "participant,consent,interviewed,score,age,notes\nP1,true,2022-03-14,3.5,41,\"says \"\"hi\"\"\"\nP2,false,2022-03-15,-0.25,,\n";
    d.write("s/participants.csv", table);
    d.cmd_in("s", &["export", "../s.qdpx"]).ok();
    check_package(&d.join("s.qdpx"));
    let qde = String::from_utf8(unzip(&d.join("s.qdpx"))[0].1.clone()).unwrap();
    assert!(!qde.contains("<CodeBook"), "an empty codebook is left out");
    for t in [
        r#"name="consent" typeOfVariable="Boolean""#,
        r#"name="interviewed" typeOfVariable="Date""#,
        r#"name="score" typeOfVariable="Float""#,
        r#"name="age" typeOfVariable="Integer""#,
        r#"name="notes" typeOfVariable="Text""#,
    ] {
        assert!(qde.contains(t), "{t} missing");
    }
    d.cmd(&["init", "back", "--from", "s.qdpx"]).ok();
    assert_eq!(d.read("back/participants.csv"), table);
}

#[test]
fn a_transcript_id_held_by_two_files_is_reported_not_exported_twice() {
    let d = Dir::new();
    d.study("s");
    d.write(
        "s/transcripts/P1.txt",
        "Interviewer: Hi.\nP1: Hello there.\n",
    );
    d.write(
        "s/transcripts/P1.md",
        "Interviewer: Hi.\nP1: Hello again.\n",
    );
    d.cmd_in("s", &["export", "../s.qdpx"])
        .ok()
        .stderr_has("wrote ../s.qdpx: 1 transcript(s)")
        .stderr_has("left out: 1 × transcript file with the id of another");
    check_package(&d.join("s.qdpx"));
}

#[test]
fn a_code_in_a_second_candidate_theme_travels_as_a_set_and_comes_back() {
    let d = Dir::new();
    d.cmd(&["demo", "demo"]).ok();
    // A candidate theme that "Asking questions" also sits in, besides its group.
    let path = "demo/codebooks/social-prescribing-mechanisms.toml";
    let text = d.read(path).replacen(
        "id = \"asking-questions\"\n",
        "id = \"asking-questions\"\nalso_in = [\"talking-it-through\"]\n",
        1,
    );
    d.write(
        path,
        format!(
            "{text}\n[[theme]]\nid = \"talking-it-through\"\nlabel = \"Talking it through\"\ncodable = false\n"
        ),
    );
    d.cmd_in("demo", &["export", "../study.qdpx"]).ok();
    check_package(&d.join("study.qdpx"));
    let qde = unzip(&d.join("study.qdpx"))
        .into_iter()
        .find(|(n, _)| n == "project.qde")
        .unwrap()
        .1;
    let qde = String::from_utf8(qde).unwrap();
    assert!(qde.contains("<Set guid=") && qde.contains("name=\"Talking it through\""));
    let run = d.cmd(&["init", "back", "--from", "study.qdpx"]).ok();
    assert!(!run.stderr().contains("sets (thematic"), "{}", run.stderr());
    let config = d.read("back/thematic.toml");
    let book = config
        .lines()
        .find_map(|l| l.strip_prefix("codebook = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    let back = d.read(&format!("back/{book}"));
    assert!(
        back.contains("also_in = [\"talking-it-through\"]"),
        "the code sits in the candidate theme again:\n{back}"
    );
}

/// A project whose sources carry only a path (as qc writes them) gets the files' names as
/// transcript ids, not `txt` and `txt-2`.
#[test]
fn sources_without_a_name_take_their_files_stem() {
    let d = Dir::new();
    let qde = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="qc project" origin="qc">
  <Sources>
    <TextSource guid="b0000000-0000-4000-8000-000000000011" plainTextPath="internal://interview-anna.txt"/>
    <TextSource guid="b0000000-0000-4000-8000-000000000012" plainTextPath="internal://interview-ben.txt"/>
  </Sources>
</Project>
"#;
    d.write(
        "qc.qdpx",
        zip_of(&[
            ("project.qde", qde.as_bytes()),
            (
                "Sources/interview-anna.txt",
                b"Interviewer: Hello.\n\nAnna: Hi.\n",
            ),
            (
                "Sources/interview-ben.txt",
                b"Interviewer: Hello.\n\nBen: Hello.\n",
            ),
        ]),
    );
    d.cmd(&["init", "s", "--from", "qc.qdpx"]).ok();
    let ids: Vec<String> = d
        .json_in("s", &["transcripts", "--format", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["interview-anna", "interview-ben"]);
}
