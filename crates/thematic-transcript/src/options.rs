//! Options that change how a file is read.

use crate::model::Format;

/// The largest transcript read, in bytes (64 MiB). A real interview transcript is well under
/// 1 MiB; anything this large is not a transcript, and refusing it keeps memory bounded.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// The interviewer labels used when a study does not name its own.
pub const DEFAULT_INTERVIEWERS: &[&str] = &[
    "Interviewer",
    "I",
    "Int",
    "IV",
    "IR",
    "Q",
    "Moderator",
    "Facilitator",
    "Researcher",
];

/// How to read a transcript.
#[derive(Debug, Clone, Hash)]
pub struct Options {
    /// Force a format instead of sniffing it.
    pub format: Option<Format>,
    /// Speaker labels that are interviewers (compared case-insensitively on the speaker key).
    pub interviewers: Vec<String>,
    /// Merge consecutive cues of the same named speaker into one turn (default true).
    pub merge_cues: bool,
    /// Sort caption cues by start time (stable) before merging (default false; Teams writes
    /// cues slightly out of order and the sort is reported as a warning when it moves any).
    pub sort_cues: bool,
    /// The size limit, in bytes.
    pub max_bytes: usize,
    /// When no speaker is in `interviewers`, take the one of two speakers who asks more
    /// questions to be the interviewer, with an `inferred_interviewer` warning (default
    /// true; a study that names its interviewers can turn it off).
    pub infer_interviewer: bool,
}

impl Options {
    /// Whether the speaker key `key` is one of the interviewer labels (compared on their
    /// speaker keys, case-insensitively).
    pub fn is_interviewer(&self, key: &str) -> bool {
        self.interviewers
            .iter()
            .any(|i| crate::labels::speaker_key(i).eq_ignore_ascii_case(key))
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: None,
            interviewers: DEFAULT_INTERVIEWERS.iter().map(|s| s.to_string()).collect(),
            merge_cues: true,
            sort_cues: false,
            max_bytes: MAX_BYTES,
            infer_interviewer: true,
        }
    }
}
