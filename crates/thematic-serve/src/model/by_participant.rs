//! A coder's codings counted per participant rather than per transcript, for the counts
//! the views show beside each code ("12 extracts, 5 participants"). Where `participants.csv`
//! names the speakers of a transcript (a focus group), each of its codings belongs to the
//! participant who speaks where it starts, so its codings are read (that transcript's rows
//! only, through the coder's index); every other transcript is one participant and its
//! tallies are used as they are, with nothing read.

use std::borrow::Cow;

use thematic_study::{Attribution, StudyError};

use super::CoderIndex;

/// `(participant, theme, rows)`: a coder's rows of a theme for one participant.
pub(crate) type Tally<'a> = (&'a str, Cow<'a, str>, usize);

/// `(participant, theme, rows)` for `index`'s coder: its tallies with each transcript
/// replaced by its participant, and a focus group's split by who speaks.
pub(crate) fn tallies<'a>(
    index: &'a CoderIndex,
    attribution: &'a Attribution,
) -> Result<Vec<Tally<'a>>, StudyError> {
    let mut out: Vec<Tally<'a>> = Vec::new();
    let mut split: Vec<&str> = Vec::new();
    for (transcript, theme, n) in index.tallies() {
        if attribution.names_speakers_in(transcript) {
            if !split.contains(&transcript) {
                split.push(transcript);
            }
            continue;
        }
        let who = attribution.participant_at(transcript, 0, 0);
        out.push((who, Cow::Borrowed(theme), n));
    }
    for transcript in split {
        for c in index.codings_in(transcript)? {
            let who = attribution.participant_at(transcript, c.start, c.turn);
            out.push((who, Cow::Owned(c.theme), 1));
        }
    }
    Ok(out)
}
