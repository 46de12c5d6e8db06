//! What the export commands (`quotes`, `participants`, `matrix`, `cooccur`, `plot`) share:
//! whose codings (`--coder`, `--consensus`, `--all-coders`), checks of theme and participant
//! ids with "did you mean" hints, and the exports `thematic demo` writes. The output of their
//! tables is [`crate::cmd::paper_output`].

use thematic_report::CoderSelection;
use thematic_study::{Participants, Study};

use crate::context::Context;
use crate::error::{CliError, Result};
use crate::output::OutputFormat;

/// Whose codings an export shows. Coding is blind: without an option, the acting coder's.
#[derive(Debug, Clone, clap::Args)]
pub struct CoderArgs {
    /// Whose codings: one coder, or several separated by commas (their codings pooled).
    /// Default: the acting coder (THEMATIC_CODER, else default_coder in thematic.toml).
    #[arg(long, value_delimiter = ',', value_name = "C[,C…]")]
    pub coder: Vec<String>,
    /// Only what all of these coders coded with the same theme: where their codings of it
    /// overlap.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…", conflicts_with_all = ["coder", "all_coders"])]
    pub consensus: Vec<String>,
    /// Every coder's codings, pooled (all but `auto`).
    #[arg(long, conflicts_with = "coder")]
    pub all_coders: bool,
}

impl CoderArgs {
    /// The selection these options ask for, every coder named checked against the study.
    pub fn selection(&self, ctx: &Context, study: &Study) -> Result<CoderSelection> {
        let all = study.coders()?;
        let check = |names: &[String]| -> Result<()> {
            for c in names {
                if !all.contains(c) {
                    return Err(thematic_study::StudyError::unknown_coder(c, &all).into());
                }
            }
            Ok(())
        };
        if !self.consensus.is_empty() {
            if self.consensus.len() < 2 {
                return Err(CliError::user("--consensus needs two or more coders")
                    .hint("e.g. --consensus KW,CG; for one coder's codings use --coder"));
            }
            check(&self.consensus)?;
            return Ok(CoderSelection::Consensus(self.consensus.clone()));
        }
        if self.all_coders {
            let everyone = study.human_coders()?;
            if everyone.is_empty() {
                return Err(CliError::user("nobody has codings in this study yet")
                    .hint("code with `thematic code`, or import a coding sheet"));
            }
            return Ok(CoderSelection::Pooled(everyone));
        }
        if !self.coder.is_empty() {
            check(&self.coder)?;
            return Ok(CoderSelection::Pooled(self.coder.clone()));
        }
        let me = ctx.coder(None, study).ok_or_else(|| {
            CliError::user("whose codings? no coder given").hint(
                "pass --coder NAME (or several, A,B), --consensus A,B or --all-coders; \
                 or set THEMATIC_CODER or default_coder in thematic.toml",
            )
        })?;
        check(std::slice::from_ref(&me))?;
        Ok(CoderSelection::Pooled(vec![me]))
    }
}

/// Checks theme ids against the codebook, with a "did you mean" hint.
pub fn check_themes(study: &Study, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let book = study.codebook()?;
    for t in ids {
        thematic_study::theme(&book, t)?;
    }
    Ok(())
}

/// Checks participant ids against the study (who speaks in its transcripts: transcript ids,
/// and the participants `participants.csv` names for speakers), with a "did you mean" hint.
pub fn check_participants(study: &Study, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let known = study.attribution()?.participants();
    for id in ids {
        if !known.iter().any(|t| t == id) {
            let err = CliError::user(format!(
                "no participant \"{id}\" (no transcript with that id, and no participant \
                 speaking in one in participants.csv)"
            ));
            return Err(
                match thematic_codebook::closest(id, known.iter().map(String::as_str)) {
                    Some(near) => err.hint(format!("did you mean \"{near}\"?")),
                    None => {
                        err.hint("`thematic participants` and `thematic transcripts` list them")
                    }
                },
            );
        }
    }
    Ok(())
}

/// Checks attribute names against `participants.csv`, with a hint naming its columns.
pub fn check_attributes<'a>(
    study: &Study,
    participants: &Participants,
    names: impl IntoIterator<Item = &'a str>,
    allowed_extra: &[&str],
) -> Result<()> {
    for name in names {
        if allowed_extra.contains(&name) || participants.attributes.iter().any(|a| a == name) {
            continue;
        }
        let mut known: Vec<&str> = allowed_extra.to_vec();
        known.extend(participants.attributes.iter().map(String::as_str));
        let err = CliError::user(format!(
            "no attribute \"{name}\" in {}",
            study.shown(&study.participants_path())
        ));
        return Err(match thematic_codebook::closest(name, known.iter().copied()) {
            Some(near) => err.hint(format!("did you mean \"{near}\"?")),
            None if participants.attributes.is_empty() => err.hint(
                "participants.csv has no attribute columns yet: add columns such as gender,age after `participant`",
            ),
            None => err.hint(format!("use one of: {}", known.join(", "))),
        });
    }
    Ok(())
}

/// The coder whose codings `thematic demo` exports: the sample study's first coder.
pub const DEMO_CODER: &str = "KW";

/// Writes the paper's tables and figures for the demo study into `DIR/exports/`: the
/// participants' Table 1 always; with codings by [`DEMO_CODER`], also the quote table in
/// every format (three per theme, trimmed), the matrix, the co-occurrence table and the
/// three figures. Returns the lines of the demo's report.
pub fn write_demo_exports(study: &Study) -> Result<Vec<String>> {
    use thematic_report::plots::{cooccur_svg, matrix_svg, prevalence_svg, svg_to_png};
    use thematic_report::quotes::{QuoteFormat, QuoteOptions};
    use thematic_report::tables::CooccurUnit;

    let dir = study.root().join("exports");
    std::fs::create_dir_all(&dir)?;
    let write = |name: &str, bytes: &[u8]| -> Result<String> {
        thematic_study::atomic_write(&dir.join(name), bytes)?;
        Ok(name.to_string())
    };
    let mut lines = Vec::new();
    let t1 = crate::cmd::participants::table1(study, &study.participants()?, &[]);
    let summary = crate::cmd::participants::summary_table(&t1);
    let paper = crate::cmd::participants::table1_paper(&t1);
    let mut written = vec![
        write("table1.md", &summary.render(OutputFormat::Md)?)?,
        write("table1.csv", &summary.render(OutputFormat::Csv)?)?,
        write(
            "table1.docx",
            &paper.render(thematic_report::tables::PaperFormat::Docx)?,
        )?,
    ];
    let coded = study.coders()?.iter().any(|c| c == DEMO_CODER)
        && study
            .codings_of(DEMO_CODER)?
            .codings
            .iter()
            .any(|c| c.is_anchored());
    if !coded {
        lines.push(format!(
            "Participant characteristics (Table 1): {}",
            written.join(", ")
        ));
        lines.push(format!(
            "No codings by {DEMO_CODER} yet, so no quote tables, matrix or figures: code with \
             `thematic code`, then run `thematic quotes`."
        ));
        return Ok(lines);
    }
    let selection = CoderSelection::Pooled(vec![DEMO_CODER.to_string()]);
    let mut options = QuoteOptions::new(selection.clone());
    options.per_theme = Some(3);
    options.trim = true;
    let quotes = thematic_report::quotes::quote_table(study, &options)?;
    let mut quote_files = Vec::new();
    for format in QuoteFormat::ALL {
        quote_files.push(write(
            &format!("quotes.{}", format.name()),
            &quotes.render(format, true)?,
        )?);
    }
    let m = thematic_report::tables::theme_matrix(study, &selection)?;
    let matrix = crate::cmd::matrix::matrix_table(&m, crate::cmd::matrix::Cells::Count);
    let c = thematic_report::tables::cooccurrence(study, &selection, CooccurUnit::Turn, 0)?;
    let cooccur = crate::cmd::cooccur::cooccur_table(&c);
    written.extend([
        write("matrix.md", &matrix.render(OutputFormat::Md)?)?,
        write("matrix.csv", &matrix.render(OutputFormat::Csv)?)?,
        write("cooccur.md", &cooccur.render(OutputFormat::Md)?)?,
        write("cooccur.csv", &cooccur.render(OutputFormat::Csv)?)?,
    ]);
    let mut figures = Vec::new();
    for (name, svg) in [
        ("prevalence", prevalence_svg(&m)),
        ("matrix", matrix_svg(&m)),
        ("cooccur", cooccur_svg(&c)),
    ] {
        figures.push(write(&format!("{name}.svg"), svg.as_bytes())?);
        figures.push(write(&format!("{name}.png"), &svg_to_png(&svg, 2.0)?)?);
    }
    lines.push(format!(
        "Quotes by {DEMO_CODER}, three per theme ({} quotes): {}",
        quotes.len(),
        quote_files.join(", ")
    ));
    lines.push(format!("Tables: {}", written.join(", ")));
    lines.push(format!("Figures: {}", figures.join(", ")));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::PathBuf;

    use thematic_study::{Coding, InitOptions};

    use super::*;

    #[test]
    fn the_demo_exports_every_table_and_figure_once_kw_has_codings() {
        let dir = tempfile::tempdir().unwrap();
        let (file, text) = crate::assets::codebook("social-prescribing-mechanisms").unwrap();
        let study = Study::init(
            dir.path(),
            &InitOptions {
                name: "Demo".into(),
                codebook_file: file.into(),
                codebook_text: text.into(),
            },
        )
        .unwrap();
        let files: Vec<(PathBuf, &[u8])> = crate::assets::SAMPLE_STUDY
            .iter()
            .filter(|(n, _)| n.starts_with("P2_") || n.starts_with("P8_"))
            .map(|(n, b)| (PathBuf::from(n), *b))
            .collect();
        crate::cmd::import::import_all_bytes(&study, &files).unwrap();
        let lines = write_demo_exports(&study).unwrap();
        assert!(
            lines.iter().any(|l| l.contains("No codings by KW")),
            "{lines:?}"
        );
        assert!(!dir.path().join("exports/quotes.md").exists());

        for (id, theme) in [("P2", "what-matters"), ("P8", "empowerment")] {
            let t = study.transcript(id).unwrap();
            let turn = &t.turns[3];
            study
                .add_coding(&Coding {
                    id: format!("c-{id}"),
                    coder: DEMO_CODER.into(),
                    transcript: id.into(),
                    turn: 4,
                    start: turn.start,
                    end: turn.end,
                    theme: theme.into(),
                    text: turn.text(&t.text).to_string(),
                    created: "2026-11-21T10:00:00Z".into(),
                    ..Coding::default()
                })
                .unwrap();
        }
        let lines = write_demo_exports(&study).unwrap();
        assert!(lines[0].contains("(2 quotes)"), "{lines:?}");
        for ext in ["md", "csv", "tex", "html", "docx", "xlsx", "json"] {
            let f = dir.path().join(format!("exports/quotes.{ext}"));
            assert!(
                std::fs::metadata(&f).unwrap().len() > 100,
                "{}",
                f.display()
            );
        }
        for f in [
            "table1.md",
            "table1.csv",
            "matrix.md",
            "matrix.csv",
            "cooccur.md",
            "cooccur.csv",
            "prevalence.svg",
            "prevalence.png",
            "matrix.svg",
            "matrix.png",
            "cooccur.svg",
            "cooccur.png",
        ] {
            assert!(dir.path().join("exports").join(f).exists(), "{f} missing");
        }
    }
}
