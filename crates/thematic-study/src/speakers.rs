//! Who speaks: the participant behind each coded word.
//!
//! Without `transcript` and `speaker` rows in `participants.csv`, a transcript is one
//! participant whose id is the transcript id, as it always was. With them, a transcript's
//! turns belong to the participants its rows name (a focus group's four speakers are four
//! participants) and a participant can speak in several transcripts. [`Attribution`] is
//! that answer for a whole study, read once: the report's quotes, matrix and prevalence, the
//! exchange's cases and the server's quote view all ask it, so they cannot disagree.
//!
//! [`SharedTranscript`] is the other side: a transcript with more than one speaker who is
//! not an interviewer, and which of them no row names yet — what `thematic participants
//! suggest` proposes rows for, what an import notes and what `thematic check` warns about.

use std::collections::{BTreeMap, BTreeSet};

use thematic_transcript::Role;

use crate::error::StudyError;
use crate::fsutil::{FileLock, atomic_write};
use crate::participants::{Participants, SpeakerRow, match_key, participant_among};
use crate::stable_hash::StableHasher;
use crate::study::Study;
use crate::transcripts::natural_cmp;
use crate::turn_cache::{TurnSpan, turn_holding};

/// Who speaks where in a study: each transcript's participants, and the participant of
/// any position in a transcript.
#[derive(Debug, Clone, Default)]
pub struct Attribution {
    table: Participants,
    /// Every transcript id of the study, in natural order.
    transcripts: Vec<String>,
    /// For each transcript whose rows name speakers: its turns' spans and participants,
    /// in text order.
    turns: BTreeMap<String, Vec<(usize, usize, String)>>,
    /// For each such transcript: the participants of its non-interviewer turns, in order
    /// of first appearance.
    present: BTreeMap<String, Vec<String>>,
}

impl Attribution {
    /// Every transcript its own participant, unless `table` has a row for the whole
    /// transcript (no speaker): what a study whose `participants.csv` names no speakers
    /// gives, with no transcript read.
    pub fn without_turns(table: Participants, transcripts: Vec<String>) -> Attribution {
        Attribution {
            table,
            transcripts,
            ..Attribution::default()
        }
    }

    /// The attribution of `table` over `transcripts`' turns (id and turns, any order).
    pub fn new(table: Participants, transcripts: &[(String, Vec<TurnSpan>)]) -> Attribution {
        let mut ids: Vec<String> = transcripts.iter().map(|(id, _)| id.clone()).collect();
        ids.sort_by(|a, b| natural_cmp(a, b));
        // Each transcript's rows, so a turn looks only at its own transcript's.
        let mut rows: BTreeMap<&str, Vec<&SpeakerRow>> = BTreeMap::new();
        for s in &table.speakers {
            rows.entry(s.transcript.as_str()).or_default().push(s);
        }
        rows.retain(|_, v| v.iter().any(|s| !s.speaker.is_empty()));
        let mut turns = BTreeMap::new();
        let mut present = BTreeMap::new();
        for (id, spans) in transcripts {
            let Some(mine) = rows.get(id.as_str()) else {
                continue;
            };
            let mut here: Vec<String> = Vec::new();
            let whose: Vec<(usize, usize, String)> = spans
                .iter()
                .map(|t| {
                    let who = participant_among(mine.iter().copied(), id, t.speaker.as_deref())
                        .to_string();
                    if t.role == Role::Participant && !here.contains(&who) {
                        here.push(who.clone());
                    }
                    (t.start, t.end, who)
                })
                .collect();
            if here.is_empty() {
                here.push(participant_among(mine.iter().copied(), id, None).to_string());
            }
            turns.insert(id.clone(), whose);
            present.insert(id.clone(), here);
        }
        Attribution {
            table,
            transcripts: ids,
            turns,
            present,
        }
    }

    /// `participants.csv` as read.
    pub fn table(&self) -> &Participants {
        &self.table
    }

    /// Whether every transcript is one participant named by its id (no row names a
    /// transcript): then a participant is a transcript, everywhere.
    pub fn is_by_transcript(&self) -> bool {
        !self.table.places_speakers()
    }

    /// The participant who speaks at code point `start` of `transcript`, in its 1-based
    /// `turn` (used when `start` is in no turn, e.g. a coding in a header): the speaker's
    /// participant where rows name speakers, else the transcript's.
    pub fn participant_at<'a>(&'a self, transcript: &'a str, start: usize, turn: usize) -> &'a str {
        let Some(turns) = self.turns.get(transcript) else {
            return self.table.participant_of(transcript, None);
        };
        let i = match turn_holding(turns, start, |t| (t.0, t.1)) {
            Ok(i) => Some(i),
            Err(_) => turn.checked_sub(1).filter(|i| *i < turns.len()),
        };
        match i {
            Some(i) => &turns[i].2,
            None => self.table.participant_of(transcript, None),
        }
    }

    /// Whether rows of `participants.csv` name speakers of `transcript` (a focus group): then
    /// its positions belong to different participants, and [`Attribution::participant_at`]
    /// must be asked for each; else the whole transcript is one participant's.
    pub fn names_speakers_in(&self, transcript: &str) -> bool {
        self.turns.contains_key(transcript)
    }

    /// The participants who speak in `transcript` (not its interviewers), in order of
    /// first appearance; its own participant when rows name none of its speakers.
    pub fn participants_in<'a>(&'a self, transcript: &'a str) -> Vec<&'a str> {
        match self.present.get(transcript) {
            Some(v) => v.iter().map(String::as_str).collect(),
            None => vec![self.table.participant_of(transcript, None)],
        }
    }

    /// Every participant who speaks in a transcript of the study, each once, in natural
    /// order: the study's N for prevalence and the columns of the matrix. A study without
    /// speaker rows gives its transcript ids.
    pub fn participants(&self) -> Vec<String> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for t in &self.transcripts {
            seen.extend(self.participants_in(t));
        }
        let mut out: Vec<String> = seen.into_iter().map(str::to_string).collect();
        out.sort_by(|a, b| natural_cmp(a, b));
        out
    }

    /// The transcripts each participant speaks in, in natural order.
    pub fn transcripts_of(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in &self.transcripts {
            for p in self.participants_in(t) {
                out.entry(p.to_string()).or_default().push(t.clone());
            }
        }
        out
    }

    /// A hash of how `transcript`'s turns are attributed: it changes when a row naming
    /// the transcript, or the transcript's turns, change (for caches of one transcript).
    pub fn fingerprint(&self, transcript: &str) -> u64 {
        let mut h = StableHasher::default();
        std::hash::Hash::hash(&self.table.participant_of(transcript, None), &mut h);
        std::hash::Hash::hash(&self.turns.get(transcript), &mut h);
        std::hash::Hasher::finish(&h)
    }
}

/// A transcript with more than one speaker who is not an interviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedTranscript {
    /// The transcript id.
    pub transcript: String,
    /// Its speakers who are not interviewers (speaker keys), in order of first appearance.
    pub speakers: Vec<String>,
    /// Those of them no row of `participants.csv` names (neither their own row nor a row
    /// for the whole transcript).
    pub unplaced: Vec<String>,
    /// Its speakers who are interviewers (left out above), in order of first appearance.
    pub interviewers: Vec<String>,
}

impl SharedTranscript {
    /// The transcript's speakers from its turns (role and speaker key), if more than one
    /// is not an interviewer; `None` for an interview with one participant.
    pub fn of<'a>(
        table: &Participants,
        transcript: &str,
        turns: impl IntoIterator<Item = (Role, Option<&'a str>)>,
    ) -> Option<SharedTranscript> {
        let mut speakers: Vec<String> = Vec::new();
        let mut interviewers: Vec<String> = Vec::new();
        for (role, key) in turns {
            let list = match role {
                Role::Participant => &mut speakers,
                Role::Interviewer => &mut interviewers,
                Role::Other => continue,
            };
            if let Some(k) = key
                && !list.iter().any(|s| s == k)
            {
                list.push(k.to_string());
            }
        }
        if speakers.len() < 2 {
            return None;
        }
        let unplaced = speakers
            .iter()
            .filter(|s| !table.is_placed(transcript, s))
            .cloned()
            .collect();
        Some(SharedTranscript {
            transcript: transcript.to_string(),
            speakers,
            unplaced,
            interviewers,
        })
    }

    /// The participant id proposed for `speaker`: a participant of `table` whose id is the
    /// speaker label (a focus group that labels people by their ids, `P3`), else the
    /// transcript id and the label (`FG1-Ann`), made unique against `taken`.
    pub fn proposed_id(&self, table: &Participants, speaker: &str, taken: &[String]) -> String {
        if let Some((id, _)) = table
            .rows
            .iter()
            .find(|(id, _)| match_key(id) == match_key(speaker))
        {
            return id.clone();
        }
        let label: String = speaker
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let label = label.trim_matches('-');
        let base = format!("{}-{label}", self.transcript);
        let free =
            |id: &str| !taken.iter().any(|t| t == id) && !table.rows.iter().any(|(r, _)| r == id);
        if free(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| free(id))
            .unwrap_or(base)
    }

    /// The rows to add for the unplaced speakers: (participant, transcript, speaker).
    pub fn proposals(&self, table: &Participants, taken: &mut Vec<String>) -> Vec<[String; 3]> {
        self.unplaced
            .iter()
            .map(|s| {
                let id = self.proposed_id(table, s, taken);
                taken.push(id.clone());
                [id, self.transcript.clone(), s.clone()]
            })
            .collect()
    }
}

impl Study {
    /// Who speaks where ([`Attribution`]): reads `participants.csv`, and the turns (from
    /// the turn cache) only when it names speakers.
    pub fn attribution(&self) -> Result<Attribution, StudyError> {
        let table = self.participants()?;
        if !table.speakers.iter().any(|s| !s.speaker.is_empty()) {
            let ids = self
                .transcript_files()?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            return Ok(Attribution::without_turns(table, ids));
        }
        let turns: Vec<(String, Vec<TurnSpan>)> = self
            .turn_spans()?
            .into_iter()
            .map(|t| (t.id, t.turns))
            .collect();
        Ok(Attribution::new(table, &turns))
    }

    /// Every transcript with more than one speaker who is not an interviewer, in natural
    /// order, with the speakers `participants.csv` does not name yet.
    pub fn shared_transcripts(&self) -> Result<Vec<SharedTranscript>, StudyError> {
        let table = self.participants()?;
        Ok(self
            .turn_spans()?
            .iter()
            .filter_map(|t| {
                SharedTranscript::of(
                    &table,
                    &t.id,
                    t.turns.iter().map(|x| (x.role, x.speaker.as_deref())),
                )
            })
            .collect())
    }

    /// Adds rows to `participants.csv` (participant, transcript, speaker), keeping every
    /// row it has: under its lock, written atomically, logged as `participants`. A speaker
    /// a row already names is left as it is. Returns the rows added.
    pub fn add_participant_rows(
        &self,
        who: &str,
        rows: &[[String; 3]],
    ) -> Result<Vec<[String; 3]>, StudyError> {
        let path = self.participants_path();
        let _lock = FileLock::acquire(&path)?;
        let mut table = self.participants()?;
        let added: Vec<[String; 3]> = rows
            .iter()
            .filter(|[p, t, s]| table.add(p, t, s))
            .cloned()
            .collect();
        if added.is_empty() {
            return Ok(added);
        }
        atomic_write(&path, &table.to_csv())?;
        let details: Vec<String> = added
            .iter()
            .map(|[p, t, s]| format!("speaker \"{s}\" of {t} is participant {p}"))
            .collect();
        let rows: Vec<(&str, &str)> = details.iter().map(|d| ("", d.as_str())).collect();
        self.log_changes(who, "participants", &rows)?;
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::Path;

    use super::*;

    fn table(text: &str) -> Participants {
        Participants::parse(Path::new("participants.csv"), text.as_bytes()).unwrap()
    }

    fn span(start: usize, end: usize, role: Role, speaker: &str) -> TurnSpan {
        TurnSpan {
            start,
            end,
            role,
            speaker: Some(speaker.to_string()),
            start_ms: None,
            end_ms: None,
        }
    }

    /// A focus group FG1 (moderator, Ann, Bob, Cat) and two interviews, P1 and P7.
    fn study_turns() -> Vec<(String, Vec<TurnSpan>)> {
        vec![
            (
                "FG1".into(),
                vec![
                    span(0, 10, Role::Interviewer, "Moderator"),
                    span(10, 20, Role::Participant, "Ann"),
                    span(20, 30, Role::Participant, "Bob"),
                    span(30, 40, Role::Participant, "Cat"),
                    span(40, 50, Role::Participant, "Ann"),
                ],
            ),
            (
                "P7".into(),
                vec![
                    span(0, 5, Role::Interviewer, "I"),
                    span(5, 9, Role::Participant, "P7"),
                ],
            ),
            ("P1".into(), vec![span(0, 5, Role::Participant, "P1")]),
        ]
    }

    #[test]
    fn without_speaker_rows_a_transcript_is_a_participant() {
        let a = Attribution::new(table("participant,age\nP1,30\n"), &study_turns());
        assert!(a.is_by_transcript());
        assert_eq!(a.participant_at("FG1", 25, 3), "FG1");
        assert_eq!(a.participants(), ["FG1", "P1", "P7"]);
    }

    #[test]
    fn a_focus_group_is_its_speakers_and_a_participant_can_speak_twice() {
        // Ann is P1, who was also interviewed alone (transcript P1); Cat has no row.
        let a = Attribution::new(
            table("participant,transcript,speaker\nP1,FG1,Ann\nP9,FG1,Bob\n"),
            &study_turns(),
        );
        assert_eq!(a.participant_at("FG1", 12, 2), "P1");
        assert_eq!(a.participant_at("FG1", 45, 5), "P1");
        assert_eq!(a.participant_at("FG1", 20, 3), "P9");
        // Unnamed speakers and the moderator fall back to the transcript, as before.
        assert_eq!(a.participant_at("FG1", 31, 4), "FG1");
        assert_eq!(a.participant_at("FG1", 3, 1), "FG1");
        // A position in no turn goes by the recorded turn.
        assert_eq!(a.participant_at("FG1", 99, 3), "P9");
        assert_eq!(a.participant_at("P7", 6, 2), "P7");
        assert_eq!(a.participants_in("FG1"), ["P1", "P9", "FG1"]);
        // P1 once, though in two transcripts: N = 4 (FG1 stands for Cat).
        assert_eq!(a.participants(), ["FG1", "P1", "P7", "P9"]);
        assert_eq!(a.transcripts_of()["P1"], ["FG1", "P1"]);
        let other = Attribution::new(
            table("participant,transcript,speaker\nP1,FG1,Ann\nP9,FG1,Cat\n"),
            &study_turns(),
        );
        assert_ne!(a.fingerprint("FG1"), other.fingerprint("FG1"));
        assert_eq!(a.fingerprint("P7"), other.fingerprint("P7"));
    }

    #[test]
    fn shared_transcripts_list_their_unnamed_speakers_and_propose_ids() {
        let t = table("participant,age,transcript,speaker\nP1,30,FG1,Ann\nCat,,,\n");
        let turns = &study_turns()[0].1;
        let shared = SharedTranscript::of(
            &t,
            "FG1",
            turns.iter().map(|x| (x.role, x.speaker.as_deref())),
        )
        .unwrap();
        assert_eq!(shared.speakers, ["Ann", "Bob", "Cat"]);
        assert_eq!(shared.unplaced, ["Bob", "Cat"]);
        assert_eq!(shared.interviewers, ["Moderator"]);
        let mut taken = Vec::new();
        // Bob gets a new id; Cat is already a participant id.
        assert_eq!(
            shared.proposals(&t, &mut taken),
            [
                ["FG1-Bob".to_string(), "FG1".into(), "Bob".into()],
                ["Cat".into(), "FG1".into(), "Cat".into()],
            ]
        );
        // An interview has one participant speaker: nothing to propose.
        let p7 = &study_turns()[1].1;
        assert!(
            SharedTranscript::of(&t, "P7", p7.iter().map(|x| (x.role, x.speaker.as_deref())))
                .is_none()
        );
    }
}
