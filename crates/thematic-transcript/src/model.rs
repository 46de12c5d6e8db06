//! The data model every format is read into.

use serde::{Deserialize, Serialize};

/// A transcript as read from one file.
///
/// `text` is the normalized transcript text: Unicode NFC, `\n` line endings, no byte-order
/// mark. Every offset in this crate (`Turn::start`, `Turn::end`) counts Unicode code points
/// into `text`, the REFI-QDA convention, so codings made against it survive an exchange with
/// NVivo, ATLAS.ti, MAXQDA and QualCoder.
///
/// For typed formats (plain text, Markdown, Word, Otter, Rev) `text` is the file's own text.
/// For caption and JSON formats (VTT, SRT, Whisper, NVivo tables) it is a rendering: one
/// paragraph per turn, `[hh:mm:ss] Speaker: words`.
#[derive(Debug, Clone, Serialize)]
pub struct Transcript {
    /// The detected (or forced) format.
    pub format: Format,
    /// How the bytes were decoded.
    pub encoding: Encoding,
    /// The normalized text that turn offsets point into.
    pub text: String,
    /// Metadata from the header zone, in file order: `("Interview ID", "P06")`.
    pub header: Vec<(String, String)>,
    /// Speaker turns in document order.
    pub turns: Vec<Turn>,
    /// Inline notes inside turns (`[inaudible 00:12:40]`, `[crosstalk]`, `(pause)` …), in
    /// text order. They stay in the text; these say where they are.
    pub notes: Vec<crate::notes::Note>,
    /// Everything odd that was noticed, with the line it was noticed on.
    pub warnings: Vec<Warning>,
}

/// One speaker turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Turn {
    /// The speaker label as written, without a trailing parenthetical qualifier.
    /// `None` when the turn has no speaker (a Zoom cue without a name, a fallback paragraph).
    pub speaker: Option<String>,
    /// The normalized speaker key used for grouping: NFC, spaces collapsed, curly
    /// apostrophes folded. `P6` and `P06` stay different keys (see `possible_alias`).
    pub key: Option<String>,
    /// A trailing parenthetical qualifier of the label: `Guest` for `Participant 06 (Guest)`.
    pub qualifier: Option<String>,
    /// Interviewer, participant or other.
    pub role: Role,
    /// Start time in milliseconds from the start of the recording, when known. Signed:
    /// legacy Teams files contain negative times (kept, with a warning).
    pub start_ms: Option<i64>,
    /// End time in milliseconds, when known.
    pub end_ms: Option<i64>,
    /// Start of the utterance in `Transcript::text`, in code points.
    pub start: usize,
    /// End (exclusive) of the utterance in `Transcript::text`, in code points.
    pub end: usize,
    /// Byte offsets of the same span, for slicing `text` directly.
    #[serde(skip)]
    pub byte_range: (usize, usize),
    /// The 1-based line of the source file where the turn begins.
    pub line: usize,
}

impl Turn {
    /// The utterance: the turn's span of the transcript text.
    pub fn text<'a>(&self, transcript_text: &'a str) -> &'a str {
        &transcript_text[self.byte_range.0..self.byte_range.1]
    }
}

/// Who a speaker is in the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Asks the questions: a label in the interviewer list.
    Interviewer,
    /// Any other named speaker.
    Participant,
    /// No speaker, or a collective/unknown one (`?`, `Unknown Speaker`, `All`).
    Other,
}

impl Role {
    /// The lowercase name used in JSON, CSV and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Interviewer => "interviewer",
            Role::Participant => "participant",
            Role::Other => "other",
        }
    }
}

/// The transcript formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Researcher-typed plain text with `Speaker:` turns.
    Txt,
    /// Markdown, read like typed text.
    Md,
    /// A typed Word document.
    Docx,
    /// A Microsoft Teams transcript downloaded as `.docx`.
    TeamsDocx,
    /// Generic WebVTT (OneDrive/Stream auto-captions, hand-made files).
    Vtt,
    /// Zoom cloud-recording transcript: `Name: text` cues.
    ZoomVtt,
    /// Microsoft Teams transcript: `<v Name>` voice tags.
    TeamsVtt,
    /// Legacy Teams/Stream transcript with unpadded times (`0:0:21.40`).
    TeamsVttLegacy,
    /// SubRip subtitles.
    Srt,
    /// Otter.ai text export: `Name  0:03` above the speech.
    Otter,
    /// Rev-style `Name (00:15):` transcripts.
    Rev,
    /// openai-whisper JSON.
    WhisperJson,
    /// WhisperX JSON (aligned, optionally diarized).
    WhisperxJson,
    /// whisper.cpp JSON (`transcription[]`).
    WhisperCppJson,
    /// NVivo's timestamped transcript import table (tab-separated).
    NvivoTsv,
}

impl Format {
    /// Every format, in the order `--as` lists them.
    pub const ALL: [Format; 15] = [
        Format::Txt,
        Format::Md,
        Format::Docx,
        Format::TeamsDocx,
        Format::Vtt,
        Format::ZoomVtt,
        Format::TeamsVtt,
        Format::TeamsVttLegacy,
        Format::Srt,
        Format::Otter,
        Format::Rev,
        Format::WhisperJson,
        Format::WhisperxJson,
        Format::WhisperCppJson,
        Format::NvivoTsv,
    ];

    /// The kebab-case name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Docx => "docx",
            Format::TeamsDocx => "teams-docx",
            Format::Vtt => "vtt",
            Format::ZoomVtt => "zoom-vtt",
            Format::TeamsVtt => "teams-vtt",
            Format::TeamsVttLegacy => "teams-vtt-legacy",
            Format::Srt => "srt",
            Format::Otter => "otter",
            Format::Rev => "rev",
            Format::WhisperJson => "whisper-json",
            Format::WhisperxJson => "whisperx-json",
            Format::WhisperCppJson => "whisper-cpp-json",
            Format::NvivoTsv => "nvivo-tsv",
        }
    }

    /// Looks a format up by its name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the file's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 with a byte-order mark (stripped).
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// UTF-16 little-endian (with a BOM, or detected without one).
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16 big-endian (with a BOM, or detected without one).
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Not valid UTF-8: decoded as Windows-1252 (a fallback, with a warning).
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Encoding {
    /// The name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the parser noticed and dealt with. The transcript is still usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line in the source file (0 when the warning is about the whole file).
    pub line: usize,
    /// What kind of thing it was; stable, for filtering and tests.
    pub kind: WarningKind,
    /// A sentence for a person: what was seen and what was done about it.
    pub message: String,
}

/// The kinds of warning. Their snake_case names are part of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum WarningKind {
    EncodingFallback,
    Utf16WithoutBom,
    NegativeTime,
    EndBeforeStart,
    OutOfOrder,
    AmbiguousFraction,
    SeparatorMismatch,
    MinutesOver59,
    EmptyCue,
    InvalidTimestamp,
    MissingBlankLine,
    MissingVoiceTags,
    NoTurns,
    UnplacedText,
    SpeakerSuggestion,
    PossibleAlias,
    WallClock,
    ControlCharacters,
    /// Unlabelled caption cues were joined to the labelled turn above them.
    ContinuedTurns,
    /// Speaker labels carry a bracketed qualifier (`(Guest)`, `(she/her)`), kept apart.
    SpeakerQualifier,
    /// No speaker matched the interviewer list; the interviewer was inferred.
    InferredInterviewer,
}

impl WarningKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::EncodingFallback => "encoding_fallback",
            WarningKind::Utf16WithoutBom => "utf16_without_bom",
            WarningKind::NegativeTime => "negative_time",
            WarningKind::EndBeforeStart => "end_before_start",
            WarningKind::OutOfOrder => "out_of_order",
            WarningKind::AmbiguousFraction => "ambiguous_fraction",
            WarningKind::SeparatorMismatch => "separator_mismatch",
            WarningKind::MinutesOver59 => "minutes_over_59",
            WarningKind::EmptyCue => "empty_cue",
            WarningKind::InvalidTimestamp => "invalid_timestamp",
            WarningKind::MissingBlankLine => "missing_blank_line",
            WarningKind::MissingVoiceTags => "missing_voice_tags",
            WarningKind::NoTurns => "no_turns",
            WarningKind::UnplacedText => "unplaced_text",
            WarningKind::SpeakerSuggestion => "speaker_suggestion",
            WarningKind::PossibleAlias => "possible_alias",
            WarningKind::WallClock => "wall_clock",
            WarningKind::ControlCharacters => "control_characters",
            WarningKind::ContinuedTurns => "continued_turns",
            WarningKind::SpeakerQualifier => "speaker_qualifier",
            WarningKind::InferredInterviewer => "inferred_interviewer",
        }
    }
}

impl Transcript {
    /// The key of the first participant turn that has one (`P07` of `P07: …`): whose
    /// interview this is, when the transcript says.
    pub fn participant_key(&self) -> Option<&str> {
        self.turns
            .iter()
            .find(|turn| turn.role == Role::Participant)
            .and_then(|turn| turn.key.as_deref())
    }

    /// Total duration in milliseconds: the latest time any turn reaches (its end, else its
    /// start), measured from the start of the recording. `None` when no turn has a time.
    pub fn duration_ms(&self) -> Option<i64> {
        self.turns
            .iter()
            .filter_map(|t| t.end_ms.or(t.start_ms))
            .max()
    }

    /// Number of words in the turns (whitespace-separated).
    pub fn word_count(&self) -> usize {
        self.turns
            .iter()
            .map(|t| t.text(&self.text).split_whitespace().count())
            .sum()
    }

    /// Distinct speaker keys, in order of first appearance.
    pub fn speakers(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for key in self.turns.iter().filter_map(|t| t.key.as_deref()) {
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen
    }
}
