//! `participants.csv`: one row per participant, a column per attribute, and optionally which
//! speaker of which transcript each participant is.
//!
//! The first column is `participant` (the id used in quotes); every other column is an
//! attribute (`gender`, `age`, `location`, …), except two that say where a participant
//! speaks:
//!
//! | column | meaning |
//! |---|---|
//! | `transcript` | a transcript id: this participant speaks in this transcript |
//! | `speaker` | the speaker label in that transcript (`Ann`, `P3`); empty for every speaker of the transcript that no other row names |
//!
//! Without them (every file written before they existed) a transcript is one participant,
//! whose id is the transcript id. With them, a focus group's four speakers can be four
//! participants, and a participant can speak in several transcripts (an interview and a
//! focus group): one row per transcript and speaker, the attributes given on any of them.
//! A participant keeps one set of attributes: the same attribute with two different values
//! on two of their rows is refused, naming both lines.
//!
//! Values are text; a column whose every non-empty value is a number is numeric for
//! summaries.

use std::collections::BTreeMap;
use std::path::Path;

use thematic_transcript::speaker_key;

use crate::error::StudyError;

/// The required first column.
pub const PARTICIPANT_COLUMN: &str = "participant";
/// The optional column naming a transcript the participant speaks in.
pub const TRANSCRIPT_COLUMN: &str = "transcript";
/// The optional column naming the participant's speaker label in that transcript.
pub const SPEAKER_COLUMN: &str = "speaker";

/// The participants table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participants {
    /// Attribute names (columns other than `participant`, `transcript` and `speaker`), in
    /// file order.
    pub attributes: Vec<String>,
    /// One row per participant, in order of first appearance: the id and one value per
    /// attribute (a participant's values gathered from all of their rows).
    pub rows: Vec<(String, Vec<String>)>,
    /// Where participants speak: the rows that name a transcript, in file order.
    pub speakers: Vec<SpeakerRow>,
}

/// A row of `participants.csv` that names a transcript: this speaker of this transcript
/// is this participant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeakerRow {
    /// The participant id.
    pub participant: String,
    /// The transcript id.
    pub transcript: String,
    /// The speaker label as written; empty for every speaker of the transcript that no
    /// other row names.
    pub speaker: String,
    /// The 1-based line of `participants.csv` (0 for a row not read from the file).
    pub line: usize,
}

impl SpeakerRow {
    /// Whether this row names `speaker` (a transcript's speaker key): compared as speaker
    /// keys are (spaces collapsed, curly apostrophes folded), ignoring case.
    pub fn names(&self, speaker: &str) -> bool {
        !self.speaker.is_empty() && match_key(&self.speaker) == match_key(speaker)
    }
}

/// [`Participants::participant_of`] among `rows`, the rows that name `transcript`.
pub(crate) fn participant_among<'a>(
    rows: impl IntoIterator<Item = &'a SpeakerRow>,
    transcript: &'a str,
    speaker: Option<&str>,
) -> &'a str {
    let key = speaker.map(match_key);
    let mut whole = None;
    for s in rows {
        if s.speaker.is_empty() {
            whole = Some(s.participant.as_str());
        } else if key.as_deref().is_some_and(|k| match_key(&s.speaker) == k) {
            return &s.participant;
        }
    }
    whole.unwrap_or(transcript)
}

/// A speaker label as rows and turns are matched: its speaker key, lower-cased.
pub(crate) fn match_key(label: &str) -> String {
    speaker_key(label).to_lowercase()
}

/// The columns of a header: where the participant id, the transcript, the speaker and each
/// attribute are.
struct Layout {
    transcript: Option<usize>,
    speaker: Option<usize>,
    /// Each attribute's column.
    attributes: Vec<usize>,
}

impl Layout {
    fn of(path: &Path, headers: &[String]) -> Result<Layout, StudyError> {
        if headers.first().map(String::as_str) != Some(PARTICIPANT_COLUMN) {
            return Err(StudyError::invalid(
                path,
                1,
                format!(
                    "the first column must be `{PARTICIPANT_COLUMN}` (found `{}`)",
                    headers.join(",")
                ),
            ));
        }
        let at = |name: &str| {
            headers
                .iter()
                .skip(1)
                .position(|h| h == name)
                .map(|i| i + 1)
        };
        let (transcript, speaker) = (at(TRANSCRIPT_COLUMN), at(SPEAKER_COLUMN));
        if speaker.is_some() && transcript.is_none() {
            return Err(StudyError::invalid(
                path,
                1,
                format!(
                    "a `{SPEAKER_COLUMN}` column needs a `{TRANSCRIPT_COLUMN}` column beside it: \
                     a speaker label means something only within one transcript; add the \
                     `{TRANSCRIPT_COLUMN}` column with the transcript id on each row that names \
                     a speaker"
                ),
            ));
        }
        let attributes = (1..headers.len())
            .filter(|i| Some(*i) != transcript && Some(*i) != speaker)
            .collect();
        Ok(Layout {
            transcript,
            speaker,
            attributes,
        })
    }
}

/// A participant being read: their row in the table and the line each attribute's value
/// came from.
struct Reading {
    row: usize,
    from: Vec<usize>,
}

impl Participants {
    /// Reads `participants.csv`; a missing file is an empty table.
    pub fn read(path: &Path) -> Result<Participants, StudyError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Participants::default());
            }
            Err(e) => return Err(StudyError::io(path, e)),
        };
        Participants::parse(path, &bytes)
    }

    /// Parses the bytes of a `participants.csv` (`path` is for messages).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Participants, StudyError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let headers = rdr
            .headers()
            .map_err(|e| StudyError::invalid(path, 1, e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect::<Vec<_>>();
        let layout = Layout::of(path, &headers)?;
        let mut table = Participants {
            attributes: layout
                .attributes
                .iter()
                .map(|&i| headers[i].clone())
                .collect(),
            ..Participants::default()
        };
        let mut seen: BTreeMap<String, Reading> = BTreeMap::new();
        // (participant, transcript, speaker key) → line, and (transcript, speaker key) →
        // (participant, line): each row once, each speaker one participant.
        let mut rows_at: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        let mut speaker_at: BTreeMap<(String, String), (String, usize)> = BTreeMap::new();
        for record in rdr.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                StudyError::invalid(
                    path,
                    line,
                    format!("{e}; every row needs {} fields", headers.len()),
                )
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let cell = |i: Option<usize>| {
                i.and_then(|i| record.get(i))
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            let id = cell(Some(0));
            if id.is_empty() {
                return Err(StudyError::invalid(path, line, "empty participant id"));
            }
            let transcript = cell(layout.transcript);
            let speaker = cell(layout.speaker);
            if !speaker.is_empty() && transcript.is_empty() {
                return Err(StudyError::invalid(
                    path,
                    line,
                    format!(
                        "speaker \"{speaker}\" of participant \"{id}\" has no transcript; a \
                         speaker label means something only within one transcript: give the \
                         transcript id (as `thematic transcripts` lists it) in the \
                         `{TRANSCRIPT_COLUMN}` column"
                    ),
                ));
            }
            let key = (id.clone(), transcript.clone(), match_key(&speaker));
            if let Some(first) = rows_at.insert(key, line) {
                let what = if transcript.is_empty() {
                    format!("participant \"{id}\" appears twice")
                } else if speaker.is_empty() {
                    format!("participant \"{id}\" is given for transcript \"{transcript}\" twice")
                } else {
                    format!(
                        "participant \"{id}\" is given as speaker \"{speaker}\" of transcript \
                         \"{transcript}\" twice"
                    )
                };
                return Err(StudyError::invalid(
                    path,
                    line,
                    format!("{what} (first on line {first}); remove one of the rows"),
                ));
            }
            if !transcript.is_empty() {
                let who = (transcript.clone(), match_key(&speaker));
                if let Some((other, first)) = speaker_at.get(&who) {
                    let whom = if speaker.is_empty() {
                        format!("transcript \"{transcript}\" as a whole")
                    } else {
                        format!("speaker \"{speaker}\" of transcript \"{transcript}\"")
                    };
                    return Err(StudyError::invalid(
                        path,
                        line,
                        format!(
                            "{whom} is participant \"{other}\" on line {first} and \"{id}\" \
                             here; a speaker is one participant: remove or correct one of \
                             the rows"
                        ),
                    ));
                }
                speaker_at.insert(who, (id.clone(), line));
                table.speakers.push(SpeakerRow {
                    participant: id.clone(),
                    transcript,
                    speaker,
                    line,
                });
            }
            let values: Vec<String> = layout.attributes.iter().map(|&i| cell(Some(i))).collect();
            match seen.get_mut(&id) {
                None => {
                    seen.insert(
                        id.clone(),
                        Reading {
                            row: table.rows.len(),
                            from: vec![line; values.len()],
                        },
                    );
                    table.rows.push((id, values));
                }
                Some(r) => {
                    let have = &mut table.rows[r.row].1;
                    for (k, value) in values.into_iter().enumerate() {
                        if value.is_empty() {
                            continue;
                        }
                        if have[k].is_empty() {
                            have[k] = value;
                            r.from[k] = line;
                        } else if have[k] != value {
                            return Err(StudyError::invalid(
                                path,
                                line,
                                format!(
                                    "participant \"{id}\" has {} \"{value}\" here but \"{}\" on \
                                     line {}; a participant has one set of attributes: give \
                                     the same value on each of their rows, or leave it empty \
                                     on all but one",
                                    table.attributes[k], have[k], r.from[k]
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Ok(table)
    }

    /// The table as `participants.csv`: the `participant` column, then the attributes, and
    /// `transcript` and `speaker` last when any participant names a transcript. A
    /// participant who speaks in several places has a row for each, with their attributes
    /// on every row.
    pub fn to_csv(&self) -> Vec<u8> {
        // Writing to memory cannot fail, and a flexible writer does not check row lengths
        // (every row has one value per attribute).
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let placed = !self.speakers.is_empty();
        let mut header: Vec<&str> = vec![PARTICIPANT_COLUMN];
        header.extend(self.attributes.iter().map(String::as_str));
        if placed {
            header.extend([TRANSCRIPT_COLUMN, SPEAKER_COLUMN]);
        }
        let _ = w.write_record(&header);
        for (id, values) in &self.rows {
            let mut wrote = false;
            for s in self.speakers.iter().filter(|s| s.participant == *id) {
                let mut row: Vec<&str> = vec![id];
                row.extend(values.iter().map(String::as_str));
                row.extend([s.transcript.as_str(), s.speaker.as_str()]);
                let _ = w.write_record(&row);
                wrote = true;
            }
            if !wrote {
                let mut row: Vec<&str> = vec![id];
                row.extend(values.iter().map(String::as_str));
                if placed {
                    row.extend(["", ""]);
                }
                let _ = w.write_record(&row);
            }
        }
        w.into_inner().unwrap_or_default()
    }

    /// The non-empty values of the attribute in column `i` (0 = the first attribute), in
    /// row order: one per participant.
    pub fn values(&self, i: usize) -> Vec<&str> {
        self.rows
            .iter()
            .filter_map(|(_, v)| v.get(i).map(String::as_str))
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The attributes of one participant, as (name, value) pairs.
    pub fn get(&self, id: &str) -> Option<Vec<(&str, &str)>> {
        let (_, values) = self.rows.iter().find(|(r, _)| r == id)?;
        Some(
            self.attributes
                .iter()
                .map(String::as_str)
                .zip(values.iter().map(String::as_str))
                .collect(),
        )
    }

    /// Whether any row names a transcript (else every transcript is its own participant).
    pub fn places_speakers(&self) -> bool {
        !self.speakers.is_empty()
    }

    /// The rows that name `transcript`.
    pub fn rows_of<'a>(&'a self, transcript: &'a str) -> impl Iterator<Item = &'a SpeakerRow> {
        self.speakers
            .iter()
            .filter(move |s| s.transcript == transcript)
    }

    /// The participant who is `speaker` (a speaker key, or `None` for a turn without a
    /// speaker) in `transcript`: the row naming both; else the row naming the transcript
    /// without a speaker; else the transcript id itself, as before these columns existed.
    pub fn participant_of<'a>(&'a self, transcript: &'a str, speaker: Option<&str>) -> &'a str {
        participant_among(self.rows_of(transcript), transcript, speaker)
    }

    /// Whether `speaker` of `transcript` is named by a row (its own, or the transcript's
    /// row without a speaker).
    pub fn is_placed(&self, transcript: &str, speaker: &str) -> bool {
        self.rows_of(transcript)
            .any(|s| s.speaker.is_empty() || s.names(speaker))
    }

    /// Adds a row for `participant`, with empty attributes when they are new, and a
    /// [`SpeakerRow`] when `transcript` is not empty. Refuses (`false`) a speaker that a
    /// row already names.
    pub fn add(&mut self, participant: &str, transcript: &str, speaker: &str) -> bool {
        if !transcript.is_empty()
            && self.rows_of(transcript).any(|s| {
                if speaker.is_empty() {
                    s.speaker.is_empty()
                } else {
                    s.names(speaker)
                }
            })
        {
            return false;
        }
        if !self.rows.iter().any(|(id, _)| id == participant) {
            self.rows.push((
                participant.to_string(),
                vec![String::new(); self.attributes.len()],
            ));
        }
        if !transcript.is_empty() {
            self.speakers.push(SpeakerRow {
                participant: participant.to_string(),
                transcript: transcript.to_string(),
                speaker: speaker.to_string(),
                line: 0,
            });
        }
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(text: &str) -> Result<Participants, StudyError> {
        Participants::parse(Path::new("participants.csv"), text.as_bytes())
    }

    fn message(text: &str) -> (usize, String) {
        match parse(text) {
            Err(StudyError::Invalid { line, message, .. }) => (line, message),
            other => panic!("expected an invalid file, got {other:?}"),
        }
    }

    #[test]
    fn the_table_round_trips_through_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("participants.csv");
        let table = Participants {
            attributes: vec!["age".into(), "place, town".into()],
            rows: vec![
                ("P1".into(), vec!["34".into(), "Leeds".into()]),
                (
                    "P2".into(),
                    vec![String::new(), "a \"quoted\" place".into()],
                ),
            ],
            speakers: Vec::new(),
        };
        std::fs::write(&path, table.to_csv()).unwrap();
        assert_eq!(Participants::read(&path).unwrap(), table);
        // A file without the new columns is written without them, as before.
        assert!(
            String::from_utf8(table.to_csv())
                .unwrap()
                .starts_with("participant,age,\"place, town\"\n")
        );
    }

    #[test]
    fn an_old_file_reads_as_before() {
        let t = parse("participant,gender,age\nP1,female,34\nP2,male,\n").unwrap();
        assert_eq!(t.attributes, ["gender", "age"]);
        assert_eq!(t.rows.len(), 2);
        assert!(t.speakers.is_empty());
        // Every transcript is its own participant.
        assert_eq!(t.participant_of("P1", Some("Ann")), "P1");
        assert_eq!(t.participant_of("FG1", None), "FG1");
        assert_eq!(
            message("participant,age\nP1,3\nP1,4\n"),
            (
                3,
                "participant \"P1\" appears twice (first on line 2); remove one of the rows".into()
            )
        );
    }

    #[test]
    fn speakers_of_a_focus_group_are_participants_with_one_set_of_attributes() {
        let text = "\
participant,gender,age,transcript,speaker
P1,female,34,,
P1,,,FG1,Ann
P2,male,51,FG1,Bob
P3,female,,FG1,  Carol  Jones
P3,,29,P3-interview,
";
        let t = parse(text).unwrap();
        // The transcript and speaker columns are not attributes.
        assert_eq!(t.attributes, ["gender", "age"]);
        // One row per participant, values gathered from all of their rows.
        assert_eq!(
            t.rows,
            vec![
                ("P1".to_string(), vec!["female".to_string(), "34".into()]),
                ("P2".into(), vec!["male".into(), "51".into()]),
                ("P3".into(), vec!["female".into(), "29".into()]),
            ]
        );
        assert_eq!(t.speakers.len(), 4);
        assert_eq!(t.speakers[0].line, 3);
        // Speakers are matched as keys are, ignoring case; the rest default as before.
        assert_eq!(t.participant_of("FG1", Some("ann")), "P1");
        assert_eq!(t.participant_of("FG1", Some("Carol Jones")), "P3");
        assert_eq!(t.participant_of("FG1", Some("Moderator")), "FG1");
        assert_eq!(t.participant_of("FG1", None), "FG1");
        // A row without a speaker takes the whole transcript.
        assert_eq!(t.participant_of("P3-interview", Some("Ann")), "P3");
        assert_eq!(t.participant_of("P1", Some("P1")), "P1");
        assert!(t.is_placed("FG1", "Bob") && !t.is_placed("FG1", "Dee"));
        // Written back: a row per place, attributes on each, read back the same.
        let again = parse(std::str::from_utf8(&t.to_csv()).unwrap()).unwrap();
        assert_eq!(again.rows, t.rows);
        assert_eq!(
            again
                .speakers
                .iter()
                .map(|s| (&s.participant, &s.transcript, &s.speaker))
                .collect::<Vec<_>>(),
            t.speakers
                .iter()
                .map(|s| (&s.participant, &s.transcript, &s.speaker))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn conflicting_rows_are_refused_with_both_lines_and_the_fix() {
        let (line, m) = message("participant,age,transcript,speaker\nP1,34,,\nP1,43,FG1,Ann\n");
        assert_eq!(line, 3);
        assert_eq!(
            m,
            "participant \"P1\" has age \"43\" here but \"34\" on line 2; a participant has \
             one set of attributes: give the same value on each of their rows, or leave it \
             empty on all but one"
        );
        let (line, m) = message("participant,transcript,speaker\nP1,FG1,Ann\nP2,FG1,ANN\n");
        assert_eq!(line, 3);
        assert!(
            m.starts_with("speaker \"ANN\" of transcript \"FG1\" is participant \"P1\" on line 2"),
            "{m}"
        );
        let (line, m) = message("participant,transcript,speaker\nP1,FG1,Ann\nP1,FG1,ann\n");
        assert_eq!(line, 3);
        assert!(m.contains("twice (first on line 2)"), "{m}");
        let (line, m) = message("participant,transcript,speaker\nP1,,Ann\n");
        assert_eq!(line, 2);
        assert!(m.contains("has no transcript"), "{m}");
        let (line, m) = message("participant,speaker\nP1,Ann\n");
        assert_eq!(line, 1);
        assert!(m.contains("needs a `transcript` column"), "{m}");
    }

    #[test]
    fn add_keeps_rows_and_refuses_a_speaker_already_named() {
        let mut t = parse("participant,age\nP1,34\n").unwrap();
        assert!(t.add("FG1-Ann", "FG1", "Ann"));
        assert!(!t.add("P9", "FG1", "ann"));
        assert!(t.add("P1", "FG1", "Bob"));
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1], ("FG1-Ann".to_string(), vec![String::new()]));
        assert_eq!(
            String::from_utf8(t.to_csv()).unwrap(),
            "participant,age,transcript,speaker\nP1,34,FG1,Bob\nFG1-Ann,,FG1,Ann\n"
        );
    }
}
