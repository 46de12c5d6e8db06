//! Participants as REFI-QDA cases, and back.
//!
//! A participant who is a whole transcript (an interview) is a `Case` with a `SourceRef` to
//! it, as other tools write cases. Where `participants.csv` names a transcript's speakers (a
//! focus group), each of their turns is written as a `PlainTextSelection` without a coding,
//! named by its words as every selection is, and the participant's case refers to each with a
//! `SelectionRef`: a case per participant holding their segments. Read back, a case's
//! selections give the speaker of the turn each falls in, which becomes a row of
//! `participants.csv` (participant, transcript, speaker).

use std::collections::BTreeMap;

use thematic_study::{Participants, StudyTranscript};
use thematic_transcript::{Role, Transcript};

use crate::refi::guids;

/// One participant's turn in a transcript whose speakers `participants.csv` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    /// The selection's GUID.
    pub guid: String,
    /// The participant.
    pub participant: String,
    /// The turn's words (a selection's name is its text).
    pub text: String,
    /// The turn's span, in code points.
    pub start: usize,
    pub end: usize,
}

/// The segments of every transcript whose speakers rows of `table` name, by transcript id:
/// each participant turn (not an interviewer's) whose speaker a row names, or that a row
/// for the whole transcript gives to a participant.
pub(crate) fn segments<'a>(
    table: &Participants,
    transcripts: &'a [StudyTranscript],
) -> BTreeMap<&'a str, Vec<Segment>> {
    let mut out = BTreeMap::new();
    for t in transcripts {
        let rows: Vec<_> = table.rows_of(&t.id).collect();
        if !rows.iter().any(|r| !r.speaker.is_empty()) {
            continue;
        }
        let mut mine = Vec::new();
        for (i, turn) in t.transcript.turns.iter().enumerate() {
            if turn.role != Role::Participant {
                continue;
            }
            let Some(key) = turn.key.as_deref() else {
                continue;
            };
            let row = rows
                .iter()
                .find(|r| r.names(key))
                .or_else(|| rows.iter().find(|r| r.speaker.is_empty()));
            if let Some(row) = row {
                mine.push(Segment {
                    guid: guids::named("segment", &format!("{}#{}", t.id, i + 1)),
                    participant: row.participant.clone(),
                    text: turn.text(&t.transcript.text).to_string(),
                    start: turn.start,
                    end: turn.end,
                });
            }
        }
        out.insert(t.id.as_str(), mine);
    }
    out
}

/// What a case's `SelectionRef` gives once its selection is placed in a transcript: the
/// speaker of the participant turn it starts in, or why it gives none.
pub(crate) fn speaker_at(transcript: &Transcript, start: usize) -> Result<String, &'static str> {
    let i = thematic_study::turn_holding(&transcript.turns, start, |t| (t.start, t.end))
        .map_err(|_| "case segment outside every turn")?;
    let turn = &transcript.turns[i];
    if turn.role != Role::Participant {
        return Err("case segment in a turn that is not a participant's (an interviewer's)");
    }
    turn.key
        .clone()
        .ok_or("case segment in a turn without a speaker")
}
