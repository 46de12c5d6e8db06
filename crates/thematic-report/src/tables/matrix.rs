//! The themes × participants matrix: how often each participant's words were coded with
//! each theme (or the quotes themselves, a framework matrix), and each theme's prevalence.
//!
//! A participant is who speaks ([`Study::attribution`]): each transcript's own participant
//! (its id), or, where `participants.csv` names a transcript's speakers (a focus group),
//! each of them; a participant who speaks in several transcripts is one column.
//! Prevalence is the number of participants with at least one coding of the theme by the
//! chosen coders, out of N, every participant who speaks in a transcript of the study,
//! whether coded or not.

use std::collections::BTreeMap;

use thematic_codebook::Codebook;

use crate::passages::{CoderSelection, Passage};
use crate::quotes::Heading;
use thematic_study::Study;
use thematic_study::StudyError;

/// Themes × participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeMatrix {
    /// The participants (columns), in natural order: every participant who speaks in a
    /// transcript of the study (each transcript's id when `participants.csv` names no
    /// speakers).
    pub participants: Vec<String>,
    /// One row per codable theme, in codebook order.
    pub rows: Vec<MatrixRow>,
    /// Whose codings, in words.
    pub source: String,
}

/// One theme's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    /// The theme.
    pub theme: Heading,
    /// Its nearest group.
    pub group: Option<Heading>,
    /// Per participant (in [`ThemeMatrix::participants`] order), the passages coded with the
    /// theme, in transcript order.
    pub cells: Vec<Vec<MatrixQuote>>,
}

/// A passage in a matrix cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixQuote {
    /// The 1-based turn.
    pub turn: usize,
    /// The words, as coded.
    pub text: String,
}

impl MatrixRow {
    /// Codings per participant.
    pub fn counts(&self) -> Vec<usize> {
        self.cells.iter().map(Vec::len).collect()
    }

    /// Codings in the row.
    pub fn total(&self) -> usize {
        self.cells.iter().map(Vec::len).sum()
    }

    /// Participants with at least one coding of the theme.
    pub fn prevalence(&self) -> usize {
        self.cells.iter().filter(|c| !c.is_empty()).count()
    }
}

impl ThemeMatrix {
    /// The matrix of the current codable themes of `book` over `participants`, from
    /// `passages` (sorted as [`passages`](crate::passages()) sorts them), each counted for
    /// its [`Passage::participant`]. Passages of other entries or of other participants
    /// are left out.
    pub fn build(
        book: &Codebook,
        participants: &[String],
        passages: &[Passage],
        source: &str,
    ) -> ThemeMatrix {
        let current = book.current();
        let column: BTreeMap<&str, usize> = participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let mut rows: Vec<MatrixRow> = current
            .codable()
            .map(|e| MatrixRow {
                theme: Heading {
                    id: e.id.clone(),
                    label: e.label.clone(),
                },
                group: current.group_of(&e.id).map(|g| Heading {
                    id: g.id.clone(),
                    label: g.label.clone(),
                }),
                cells: vec![Vec::new(); participants.len()],
            })
            .collect();
        let row: BTreeMap<String, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.theme.id.clone(), i))
            .collect();
        for p in passages {
            if let (Some(&r), Some(&c)) = (row.get(&p.theme), column.get(p.participant.as_str())) {
                rows[r].cells[c].push(MatrixQuote {
                    turn: p.turn,
                    text: p.text.clone(),
                });
            }
        }
        ThemeMatrix {
            participants: participants.to_vec(),
            rows,
            source: source.to_string(),
        }
    }
}

/// The themes × participants matrix of `selection`'s codings over every participant of
/// the study. A passage spoken where no participant is named (a moderator's turn of a
/// focus group, counted for the transcript) adds its participant as a column.
pub fn theme_matrix(study: &Study, selection: &CoderSelection) -> Result<ThemeMatrix, StudyError> {
    let book = study.codebook()?;
    let who = study.attribution()?;
    let mut participants = who.participants();
    let passages = crate::passages::passages_by(study, selection, &who)?;
    let known: std::collections::BTreeSet<&str> = participants.iter().map(String::as_str).collect();
    let extra: std::collections::BTreeSet<String> = passages
        .iter()
        .filter(|p| !known.contains(p.participant.as_str()))
        .map(|p| p.participant.clone())
        .collect();
    if !extra.is_empty() {
        participants.extend(extra);
        participants.sort_by(|a, b| thematic_study::natural_cmp(a, b));
    }
    Ok(ThemeMatrix::build(
        &book,
        &participants,
        &passages,
        &selection.describe(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Codebook {
        thematic_study::testing::mechanisms()
    }

    fn passage(t: &str, theme: &str, start: usize) -> Passage {
        Passage {
            theme: theme.into(),
            transcript: t.into(),
            participant: t.into(),
            turn: 2,
            start,
            end: start + 3,
            text: format!("w{start}"),
            coders: vec!["KW".into()],
        }
    }

    #[test]
    fn counts_and_prevalence_over_every_participant() {
        let people: Vec<String> = ["P1", "P2", "P3"].map(String::from).to_vec();
        let passages = [
            passage("P1", "what-matters", 0),
            passage("P1", "what-matters", 10),
            passage("P3", "what-matters", 0),
            passage("P2", "empowerment", 0),
            passage("P9", "empowerment", 0), // not a transcript of the study
            passage("P2", "splw-role", 0),   // a group: not a row
        ];
        let m = ThemeMatrix::build(&book(), &people, &passages, "coder KW");
        assert_eq!(m.rows.len(), 9);
        let row = |id: &str| m.rows.iter().find(|r| r.theme.id == id).unwrap();
        let wm = row("what-matters");
        assert_eq!(wm.counts(), [2, 0, 1]);
        assert_eq!((wm.total(), wm.prevalence()), (3, 2));
        assert_eq!(wm.cells[0][1].text, "w10");
        assert_eq!(wm.group.as_ref().unwrap().id, "the-approach");
        assert_eq!(row("empowerment").counts(), [0, 1, 0]);
        assert_eq!(row("asking-questions").prevalence(), 0);
    }

    #[test]
    fn a_focus_groups_speakers_are_columns_and_a_participant_in_two_transcripts_is_one() {
        // FG1's Ann is P1 (also interviewed, transcript P1); Bob and Cat are FG1-Bob and
        // FG1-Cat. Four columns: P1 and P2 interviewed, and FG1's three speakers, one of
        // them P1.
        let people: Vec<String> = ["FG1-Bob", "FG1-Cat", "P1", "P2"]
            .map(String::from)
            .to_vec();
        let spoken = |who: &str, start: usize| {
            let mut p = passage("FG1", "what-matters", start);
            p.participant = who.into();
            p
        };
        let passages = [
            spoken("P1", 0),
            spoken("FG1-Bob", 20),
            spoken("P1", 40),
            spoken("FG1-Cat", 60),
            passage("P1", "what-matters", 5),
        ];
        let m = ThemeMatrix::build(&book(), &people, &passages, "coder KW");
        let wm = m
            .rows
            .iter()
            .find(|r| r.theme.id == "what-matters")
            .unwrap();
        // P1: two turns in FG1 and one in the interview; P2 none.
        assert_eq!(wm.counts(), [1, 1, 3, 0]);
        // 3 of the 4 participants, where by transcript it would be 2 of 2.
        assert_eq!(wm.prevalence(), 3);
    }
}
