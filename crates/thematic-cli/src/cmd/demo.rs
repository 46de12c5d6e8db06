//! `thematic demo [DIR]`: build the sample study and show what thematic makes of it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser as _;
use thematic_codebook::Codebook;
use thematic_study::{InitOptions, Study, atomic_write};

use crate::assets;
use crate::cmd::import::import_all_bytes;
use crate::error::{CliError, Result};
use crate::output::{OutputFormat, emit_to};

const EXAMPLES: &str = "\
Builds a study from the embedded sample (18 invented interviews with social prescribing link
workers, after Walker, Griffiths & Jiang 2023, CC BY 4.0) and the shipped nine-mechanism
codebook, with the codings and memos of two coders (KW, who codes every published quote under
the paper's theme, and CG, coding independently). It prints the import report, the
interview-length summary, the theme tree and the agreement of KW and CG per theme (turn
units), draws the thematic map (DIR/exports/thematic-map.svg, like the paper's Figure 1) and
writes the paper's tables and figures into DIR/exports/: the participants' Table 1, KW's quote
table in every format, the theme × participant matrix, co-occurrence and their figures, and
the whole study as a REFI-QDA project (sample-study.qdpx) for NVivo, ATLAS.ti, MAXQDA and
QualCoder.
DIR (default ./thematic-demo) is rebuilt if it holds an earlier demo; any other non-empty
folder is refused. Runs offline, in seconds.

Examples:
  $ thematic demo
  $ thematic demo /tmp/sp-demo && cd /tmp/sp-demo && thematic transcripts";

/// The file that marks a folder as a demo study, so it may be rebuilt.
const MARKER: &str = ".thematic/demo";

/// `thematic demo`
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Where to build the sample study.
    #[arg(default_value = "thematic-demo")]
    pub dir: PathBuf,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    prepare(&args.dir)?;
    let study = make_study(&args.dir)?;
    let mut report = String::new();
    let failed = import_sample(&study, &mut report)?;
    let mut coders = write_codings_and_memos(&study)?;
    report_summaries(&study, &mut report)?;
    // KW (the default coder, standing for the paper's first author) first.
    coders.sort_by_key(|c| (c != "KW", c.clone()));
    report_agreement(&study, &coders, &mut report)?;
    record_versions(&study, &mut report)?;
    write_exports(&study, &mut report)?;
    let _ = writeln!(
        report,
        "Done in {:.1} s. Try:\n  cd {}\n  thematic transcripts\n  thematic show P6 --coder KW\n  thematic codebook show\n  thematic search \"what matters\"\n  thematic participants --summary\n  thematic quotes --per-theme 3\n  thematic agree --disagreements --format md",
        started.elapsed().as_secs_f64(),
        args.dir.display()
    );
    emit_to(None, report.as_bytes())?;
    if failed > 0 {
        return Err(CliError::internal(format!(
            "{failed} sample transcript(s) failed to import"
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// The sample study's bytes named `name` (`participants.csv`, `P6_typed.txt`, …).
fn sample(name: &str) -> Option<&'static [u8]> {
    assets::SAMPLE_STUDY
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
}

/// A new study in `dir` with the shipped codebook, the interviewer's names, KW as the
/// default coder, and the marker that lets a later demo replace it.
fn make_study(dir: &Path) -> Result<Study> {
    let (file, text) = assets::codebook("social-prescribing-mechanisms")
        .ok_or_else(|| CliError::internal("the shipped codebook is missing from this build"))?;
    let mut study = Study::init(
        dir,
        &InitOptions {
            name: "Social prescribing link workers (sample study)".into(),
            codebook_file: file.into(),
            codebook_text: text.into(),
        },
    )?;
    atomic_write(
        &dir.join(MARKER),
        b"built by `thematic demo`; safe to delete the whole folder\n",
    )?;
    let mut config = study.config().clone();
    config
        .interviewers
        .extend(["Kate Walker".to_string(), "KW".to_string()]);
    config.default_coder = Some("KW".into());
    config.participants = sample_table1_display();
    study.set_config(config)?;
    Ok(study)
}

/// How the sample study's Table 1 prints each attribute, as Walker et al. (2023) print
/// theirs: the `[participants]` section `thematic demo` writes into thematic.toml.
fn sample_table1_display() -> std::collections::BTreeMap<String, thematic_study::AttributeDisplay> {
    use thematic_study::AttributeDisplay;
    let text = |s: &str| Some(s.to_string());
    let values = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    [
        (
            "gender",
            AttributeDisplay {
                label: text("Gender"),
                order: vec!["male".into(), "female".into()],
                values: values(&[("male", "Male"), ("female", "Female")]),
                ..AttributeDisplay::default()
            },
        ),
        (
            "age",
            AttributeDisplay {
                label: text("Age"),
                unit: text("years"),
                decimals: Some(0),
                ..AttributeDisplay::default()
            },
        ),
        (
            "months_in_role",
            AttributeDisplay {
                label: text("Length of time in role"),
                unit: text("months"),
                decimals: Some(1),
                ..AttributeDisplay::default()
            },
        ),
        (
            "location",
            AttributeDisplay {
                label: text("Location of work"),
                order: vec!["town".into(), "rural".into(), "mixed".into()],
                values: values(&[
                    ("town", "Town location only"),
                    ("rural", "Rural location only"),
                    ("mixed", "Town and rural mixed"),
                ]),
                ..AttributeDisplay::default()
            },
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Writes `participants.csv` and imports the sample transcripts, reporting the import
/// table; returns how many failed.
fn import_sample(study: &Study, report: &mut String) -> Result<usize> {
    if let Some(participants) = sample("participants.csv") {
        atomic_write(&study.participants_path(), participants)?;
    }
    let mut files: Vec<(PathBuf, &[u8])> = assets::SAMPLE_STUDY
        .iter()
        .filter(|(n, _)| !n.ends_with(".csv") && !n.ends_with(".md"))
        .map(|(n, b)| (PathBuf::from(n), *b))
        .collect();
    files.sort_by(|a, b| {
        thematic_study::natural_cmp(&a.0.to_string_lossy(), &b.0.to_string_lossy())
    });
    let (table, failed) = import_all_bytes(study, &files)?;
    let _ = writeln!(
        report,
        "Imported {} transcripts into {}:\n",
        files.len() - failed,
        study.root().display()
    );
    report.push_str(&String::from_utf8_lossy(
        &table.render(OutputFormat::Table)?,
    ));
    Ok(failed)
}

/// Writes the two coders' codings and memos (sample-transcripts/codings-KW.csv,
/// memos-KW.md, …); returns the coders, in the sample's order.
fn write_codings_and_memos(study: &Study) -> Result<Vec<String>> {
    let mut coders = Vec::new();
    for (name, bytes) in assets::SAMPLE_STUDY {
        if let Some(coder) = name
            .strip_prefix("codings-")
            .and_then(|n| n.strip_suffix(".csv"))
        {
            std::fs::create_dir_all(study.codings_dir())?;
            atomic_write(&study.codings_path(coder)?, bytes)?;
            coders.push(coder.to_string());
        } else if let Some(coder) = name
            .strip_prefix("memos-")
            .and_then(|n| n.strip_suffix(".md"))
        {
            std::fs::create_dir_all(study.memos_dir())?;
            atomic_write(&study.memos_dir().join(format!("{coder}.md")), bytes)?;
        }
    }
    Ok(coders)
}

/// Reports the interview lengths and the theme tree with each coder's counts.
fn report_summaries(study: &Study, report: &mut String) -> Result<()> {
    let summary = crate::cmd::transcripts::summary_for(study)?;
    let _ = writeln!(report, "\nInterview length and words (sample SD):\n");
    report.push_str(&String::from_utf8_lossy(
        &summary.render(OutputFormat::Table)?,
    ));

    let codebook = study.codebook()?;
    let files = study.all_codings()?;
    let all = thematic_study::theme_counts(&codebook, &files);
    let each: Vec<(String, BTreeMap<String, thematic_study::ThemeCounts>)> = files
        .iter()
        .map(|f| {
            let one = thematic_study::theme_counts(&codebook, std::slice::from_ref(f));
            (f.coder.clone(), one)
        })
        .collect();
    let _ = writeln!(
        report,
        "\nTheme tree ({}): codings by each coder, and the participants coded:\n",
        study.config().codebook
    );
    report.push_str(&tree(&codebook, &|id| {
        let per: Vec<String> = each
            .iter()
            .map(|(c, counts)| format!("{c} {}", counts.get(id).map_or(0, |n| n.codings)))
            .collect();
        let participants = all.get(id).map_or(0, |n| n.participants);
        if per.is_empty() {
            String::new()
        } else {
            format!("  {} · {participants} participants", per.join(", "))
        }
    }));
    Ok(())
}

/// Reports `thematic agree --unit turn` between the coders, when there are two or more.
fn report_agreement(study: &Study, coders: &[String], report: &mut String) -> Result<()> {
    if coders.len() < 2 {
        return Ok(());
    }
    let agree = crate::cli::Cli::try_parse_from([
        "thematic",
        "agree",
        "--coders",
        &coders.join(","),
        "--unit",
        "turn",
    ])
    .map_err(|e| CliError::internal(e.to_string()))?;
    if let crate::cli::Command::Agree(a) = agree.command {
        let table = crate::cmd::agree::statistics_for(study, &a)?;
        let _ = writeln!(
            report,
            "\nInter-coder agreement, {} (participant turns; `thematic agree --disagreements` lists\nthe passages to discuss):\n",
            coders.join(" and ")
        );
        report.push_str(&String::from_utf8_lossy(
            &table.render(OutputFormat::Table)?,
        ));
    }
    Ok(())
}

/// Records two versions of the thematic map: an earlier candidate structure (phase 3) and
/// the paper's final one (phase 5), and reports the diff between them, so the demo shows
/// the map's history (`thematic codebook versions`, `thematic codebook diff 1 2`).
fn record_versions(study: &Study, report: &mut String) -> Result<()> {
    let final_book = study.codebook()?;
    study.record_version(
        "Initial candidate themes",
        "Phase 3, after coding all 18 interviews: two candidate themes, what the link worker \
         does and the patients' part; 'what matters' sits in both. Illustrative: the paper \
         reports only its final map.",
        "KW",
        &candidate_structure(&final_book).to_toml(),
    )?;
    // The paper's themes are defined and named (phase 5): the overarching theme and its
    // three groups.
    for id in [
        "solution-focused-strengths-based",
        "splw-role",
        "patients-role",
        "the-approach",
    ] {
        study.set_theme_defined(id, true, None, "KW")?;
    }
    study.snapshot(
        "Final (as published)",
        "Phase 5: one overarching theme, three groups and nine mechanism themes (Figure 1).",
        "KW",
    )?;
    let (a, b, changes) = study.version_diff("1", "2")?;
    let _ = writeln!(
        report,
        "\nHow the map changed, from \"{}\" to \"{}\" (thematic codebook diff 1 2): {}",
        a.info.name,
        b.info.name,
        thematic_codebook::summarize(&changes)
    );
    for c in &changes {
        let _ = writeln!(report, "  {}", c.describe(&a.codebook, &b.codebook));
    }
    // The earlier map, to set beside the final one (exports/thematic-map.svg).
    let exports = study.root().join("exports");
    std::fs::create_dir_all(&exports)?;
    let early = exports.join(format!("thematic-map-{}.svg", a.info.folder));
    let svg = thematic_codebook::map_svg(
        &a.codebook.current(),
        &thematic_codebook::MapOptions::default(),
    );
    atomic_write(&early, svg.as_bytes())?;
    let _ = writeln!(report, "  The earlier map: {}", early.display());
    Ok(())
}

/// An earlier, candidate structure of the sample study's codebook (illustrative): no
/// overarching theme yet, and no "approach" group: the five codes of the link worker's
/// side under one candidate theme ("What the link worker does"), the patients' three under
/// another ("Patients' part"), and "What matters to the individual" in both.
fn candidate_structure(book: &Codebook) -> Codebook {
    let mut early = book.clone();
    early
        .entries
        .retain(|e| e.id != "solution-focused-strengths-based" && e.id != "the-approach");
    for e in &mut early.entries {
        match e.id.as_str() {
            "splw-role" => {
                e.parent = None;
                e.label = "What the link worker does".into();
            }
            "patients-role" => {
                e.parent = None;
                e.label = "Patients' part".into();
            }
            "solution-building" | "goal-orientation" => e.parent = Some("splw-role".into()),
            "what-matters" => {
                e.parent = Some("splw-role".into());
                e.also_in = vec!["patients-role".into()];
            }
            _ => {}
        }
    }
    early
}

/// Writes the thematic map, the paper's tables and figures and the REFI-QDA project into
/// `exports/`, and reports each.
fn write_exports(study: &Study, report: &mut String) -> Result<()> {
    let codebook = study.codebook()?;
    let map_path = study.root().join("exports").join("thematic-map.svg");
    std::fs::create_dir_all(study.root().join("exports"))?;
    atomic_write(
        &map_path,
        thematic_codebook::map_svg(
            &codebook.current(),
            &thematic_codebook::MapOptions::default(),
        )
        .as_bytes(),
    )?;
    let _ = writeln!(
        report,
        "\nThematic map (the paper's Figure 1): {}\n",
        map_path.display()
    );
    let _ = writeln!(
        report,
        "Tables and figures for the paper, in {}:",
        map_path.parent().unwrap_or(&map_path).display()
    );
    for line in crate::cmd::exports::write_demo_exports(study)? {
        let _ = writeln!(report, "  {line}");
    }
    let qdpx = study.root().join("exports").join("sample-study.qdpx");
    let (bytes, exported) = thematic_exchange::refi::export_qdpx(study, &Default::default())?;
    atomic_write(&qdpx, &bytes)?;
    let _ = writeln!(
        report,
        "  REFI-QDA project for NVivo, ATLAS.ti, MAXQDA and QualCoder ({} transcripts, {} codings \
         by {} coders, {} memos): {}",
        exported.transcripts,
        exported.codings,
        exported.coders,
        exported.memos,
        qdpx.file_name().unwrap_or_default().to_string_lossy()
    );
    report.push('\n');
    Ok(())
}

/// Makes `dir` ready: absent, empty, or an earlier demo (removed).
fn prepare(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let empty = std::fs::read_dir(dir)?.next().is_none();
    if empty {
        return Ok(());
    }
    if dir.join(MARKER).is_file() {
        std::fs::remove_dir_all(dir).map_err(|e| {
            CliError::user(format!(
                "cannot remove the earlier demo in {}: {e}",
                dir.display()
            ))
        })?;
        return Ok(());
    }
    Err(CliError::user(format!(
        "{} exists and is not a thematic demo",
        dir.display()
    ))
    .hint("give another folder: `thematic demo DIR`"))
}

/// The codebook as an indented tree; `note` adds text after each entry (given its id).
pub fn tree(book: &Codebook, note: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    fn visit(
        book: &Codebook,
        note: &dyn Fn(&str) -> String,
        id: &str,
        (prefix, last, root): (&str, bool, bool),
        out: &mut String,
    ) {
        let Some(e) = book.get(id) else { return };
        let branch = if root {
            ""
        } else if last {
            "└── "
        } else {
            "├── "
        };
        let tag = if e.codable {
            String::new()
        } else {
            "  (group)".into()
        };
        let _ = writeln!(
            out,
            "{prefix}{branch}{} [{}]{tag}{}",
            e.label,
            e.id,
            note(&e.id)
        );
        let children: Vec<_> = book.children(id).collect();
        let next = if root {
            String::new()
        } else {
            format!("{prefix}{}", if last { "    " } else { "│   " })
        };
        for (i, c) in children.iter().enumerate() {
            visit(
                book,
                note,
                &c.id,
                (&next, i + 1 == children.len(), false),
                out,
            );
        }
    }
    for r in book.roots() {
        visit(book, note, &r.id, ("", true, true), &mut out);
    }
    out
}
