//! The data behind `thematic agree`: for each theme, how the coders' codings fall on units
//! (turns, sentences, characters or coded segments), counted as rating patterns, and the
//! places where the coders differ.
//!
//! Conventions (also in `thematic agree --help`):
//! - **Units.** Turn and sentence units are the participant turns (or their sentences),
//!   plus any other turn someone coded. Character units are every code point of those turns.
//!   Segment units are the coded segments themselves.
//! - **Applied.** A theme applies to a unit for a coder when one of the coder's codings of
//!   that theme — or of a theme under it, so a group can be compared too — overlaps the unit
//!   by at least one character. Orphaned codings are left out.
//! - **Missing.** A coder who has no coding at all in a transcript did not code it: their
//!   ratings of its units are missing, not "not applied". Units no selected coder rated are
//!   not units.
//! - **Segments** (MAXQDA / QDA Miner style): each coded segment of a theme is a unit; it is
//!   an agreement when every other coder who coded the transcript has a segment of the same
//!   theme overlapping it by at least the overlap share, measured as the intersection over
//!   the union of the two segments.

use std::collections::{BTreeMap, HashMap};

use thematic_codebook::Codebook;
use thematic_study::Study;
use thematic_study::StudyError;
use thematic_study::TurnSpan;
use thematic_study::parallel_map;
use thematic_study::{Coding, Status};

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A turn.
    Turn,
    /// A sentence of a turn (see `thematic_transcript::sentences`).
    Sentence,
    /// A character (code point).
    Char,
    /// A coded segment.
    Segment,
}

impl UnitKind {
    /// `turn`, `sentence`, `char` or `segment`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Turn => "turn",
            UnitKind::Sentence => "sentence",
            UnitKind::Char => "char",
            UnitKind::Segment => "segment",
        }
    }
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct AgreeOptions {
    /// The coders (at least two).
    pub coders: Vec<String>,
    /// The themes (codebook ids; a group stands for its whole subtree).
    pub themes: Vec<String>,
    /// The unit.
    pub unit: UnitKind,
    /// Segment units: the least overlap (intersection over union) that counts as a match.
    pub overlap: f64,
    /// Count per transcript as well as pooled: for each transcript's rows, and for intervals
    /// that resample transcripts (`TableOptions::resample`).
    pub by_transcript: bool,
    /// Collect the places where the coders differ.
    pub disagreements: bool,
    /// Give each disagreement its text. That needs every coded transcript parsed; without
    /// it, turn and character units read only the turn cache (and a caller that shows one
    /// transcript's disagreements can take their text from that transcript).
    pub disagreement_text: bool,
}

/// A rating pattern: per coder, missing, not applied or applied.
pub type Pattern = Vec<Option<bool>>;

/// Counts for one theme (pooled, or in one transcript).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeCounts {
    /// How many units showed each pattern (turn, sentence and char units).
    pub patterns: BTreeMap<Pattern, usize>,
    /// Per coder, the units they applied the theme to (for segments: their segments).
    pub applied: Vec<usize>,
    /// Segment units: segments matched by every other coder.
    pub segment_agreements: usize,
    /// Segment units: segments compared.
    pub segments: usize,
}

impl ThemeCounts {
    pub(crate) fn new(coders: usize) -> ThemeCounts {
        ThemeCounts {
            applied: vec![0; coders],
            ..ThemeCounts::default()
        }
    }

    /// The counts of `coders` coders in `all` added up (pooling themes or transcripts).
    pub fn sum<'a>(coders: usize, all: impl IntoIterator<Item = &'a ThemeCounts>) -> ThemeCounts {
        let mut sum = ThemeCounts::new(coders);
        for counts in all {
            sum.add(counts);
        }
        sum
    }

    /// Adds `other`'s counts to these (pooling themes or transcripts).
    pub fn add(&mut self, other: &ThemeCounts) {
        for (p, n) in &other.patterns {
            *self.patterns.entry(p.clone()).or_default() += n;
        }
        for (a, b) in self.applied.iter_mut().zip(&other.applied) {
            *a += b;
        }
        self.segment_agreements += other.segment_agreements;
        self.segments += other.segments;
    }

    /// The patterns as category rows for `thematic_agreement::Ratings::from_patterns`:
    /// per coder `None` (missing), `Some(0)` (not applied) or `Some(1)` (applied), with
    /// the number of units showing each.
    pub fn rating_rows(&self) -> impl Iterator<Item = (Vec<Option<usize>>, usize)> + '_ {
        self.patterns
            .iter()
            .map(|(p, n)| (p.iter().map(|r| r.map(usize::from)).collect(), *n))
    }

    pub(crate) fn count(&mut self, pattern: &[Option<bool>], n: usize) {
        if n == 0 || pattern.iter().all(Option::is_none) {
            return;
        }
        for (a, p) in self.applied.iter_mut().zip(pattern) {
            if *p == Some(true) {
                *a += n;
            }
        }
        match self.patterns.get_mut(pattern) {
            Some(c) => *c += n,
            None => {
                self.patterns.insert(pattern.to_vec(), n);
            }
        }
    }
}

/// A place where the coders differ on a theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The theme.
    pub theme: String,
    /// The transcript.
    pub transcript: String,
    /// The 1-based turn.
    pub turn: usize,
    /// The speaker of the turn.
    pub speaker: String,
    /// Start, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// The text of the unit (or stretch, or segment).
    pub text: String,
    /// Per coder: applied, not applied, or missing (did not code the transcript).
    pub ratings: Pattern,
}

/// Everything `thematic agree` computes statistics from.
#[derive(Debug, Clone)]
pub struct AgreeData {
    /// The coders, in the order of every pattern.
    pub coders: Vec<String>,
    /// The themes, in the order asked.
    pub themes: Vec<String>,
    /// Per theme, pooled over transcripts.
    pub pooled: Vec<ThemeCounts>,
    /// Per transcript (when asked): `(transcript, per theme)`, in transcript order.
    pub by_transcript: Vec<(String, Vec<ThemeCounts>)>,
    /// The places where the coders differ (when asked), by theme then transcript order.
    pub disagreements: Vec<Disagreement>,
    /// Transcripts with a coding by at least one of the coders.
    pub transcripts: usize,
}

impl AgreeData {
    /// Every theme's pooled counts added up: the `(all themes)` row of `thematic agree`,
    /// where each unit × theme is one yes/no decision.
    pub fn all_themes(&self) -> ThemeCounts {
        ThemeCounts::sum(self.coders.len(), &self.pooled)
    }
}

/// Counts rating patterns per theme for `options`; see the module documentation for
/// the conventions.
pub fn agreement_data(study: &Study, options: &AgreeOptions) -> Result<AgreeData, StudyError> {
    let counter = AgreeCounter::new(&study.codebook()?, options);
    let mut by_transcript: BTreeMap<String, Vec<Coding>> = BTreeMap::new();
    for file in study.codings_of_each(&options.coders)? {
        for c in file.codings {
            // Suggestions count only for the suggestion coder, and only when named.
            if c.status != Status::Orphaned {
                by_transcript
                    .entry(c.transcript.clone())
                    .or_default()
                    .push(c);
            }
        }
    }
    let groups: Vec<(String, Vec<Coding>)> = by_transcript.into_iter().collect();
    let missing = |id: &str| missing_transcript(study, id);
    let results: Vec<Result<_, StudyError>> = if counter.needs_text() {
        let files: HashMap<String, std::path::PathBuf> =
            study.transcript_files()?.into_iter().collect();
        let parse_options = study.parse_options();
        parallel_map(&groups, |(id, codings)| {
            let path = files.get(id).ok_or_else(|| missing(id))?;
            let t = thematic_study::parse_file(path, &parse_options)?;
            Ok(counter.transcript(id, &TurnSpan::of(&t), Some(&t.text), codings))
        })
    } else {
        // Turn and character units need only where the turns are, which the turn cache
        // knows without parsing.
        let all = study.turn_spans()?;
        let cached: HashMap<&str, &thematic_study::CachedTranscript> =
            all.iter().map(|c| (c.id.as_str(), c)).collect();
        parallel_map(&groups, |(id, codings)| {
            let t = cached.get(id.as_str()).ok_or_else(|| missing(id))?;
            if let Some(e) = &t.error {
                return Err(StudyError::invalid(&t.path, 0, e.clone()));
            }
            Ok(counter.transcript(id, &t.turns, None, codings))
        })
    };
    let mut parts = Vec::with_capacity(groups.len());
    for ((id, _), r) in groups.into_iter().zip(results) {
        parts.push((id, r?));
    }
    Ok(counter.assemble(parts))
}

/// The error for codings of a transcript the study does not have.
pub fn missing_transcript(study: &Study, id: &str) -> StudyError {
    StudyError::invalid(
        study.transcripts_dir(),
        0,
        format!(
            "codings refer to transcript \"{id}\", which is not in the study; run `thematic check`"
        ),
    )
}

/// One transcript's part of [`AgreeData`]: its counts per theme and its disagreements.
#[derive(Debug, Clone, Default)]
pub struct TranscriptAgreement {
    /// Per theme, in the order asked. A theme no coder applied in the transcript is not
    /// counted here (turn and sentence units): its entry is empty (`applied` is empty) and
    /// its units all show `blank`'s pattern. A study of a thousand codes has most codes
    /// absent from most transcripts, so this keeps each transcript's part small.
    pub counts: Vec<ThemeCounts>,
    /// The pattern every unit of a theme no coder applied here shows, and how many units
    /// the transcript has; `None` when every theme was counted in full.
    pub blank: Option<(Pattern, usize)>,
    /// The places where the coders differ (when asked), by theme then start.
    pub disagreements: Vec<Disagreement>,
}

/// Counts agreement one transcript at a time, for [`agreement_data`] and for callers that
/// keep each transcript's part and count again only the transcripts that changed (the
/// browser workspace's Compare view). The parts of a study, put together with
/// [`AgreeCounter::assemble`], are exactly [`agreement_data`]'s answer.
#[derive(Debug, Clone)]
pub struct AgreeCounter {
    options: AgreeOptions,
    /// For each theme asked, the ids whose codings count for it (its subtree).
    counts_for: HashMap<String, Vec<usize>>,
    coder_index: HashMap<String, usize>,
}

impl AgreeCounter {
    /// A counter for `options` over `book`'s themes.
    pub fn new(book: &Codebook, options: &AgreeOptions) -> AgreeCounter {
        let mut counts_for: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, theme) in options.themes.iter().enumerate() {
            for e in book.subtree(theme) {
                counts_for.entry(e.id.clone()).or_default().push(k);
            }
        }
        let coder_index = options
            .coders
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        AgreeCounter {
            options: options.clone(),
            counts_for,
            coder_index,
        }
    }

    /// Whether [`AgreeCounter::transcript`] needs the transcript's text: for sentence units
    /// and for quoted disagreements. Without it, the turn cache's spans are enough.
    pub fn needs_text(&self) -> bool {
        self.options.unit == UnitKind::Sentence
            || (self.options.disagreements && self.options.disagreement_text)
    }

    /// Counts (and disagreements, when asked) in transcript `id`, whose turns are `turns`
    /// and whose text is `text` (see [`AgreeCounter::needs_text`]), from the codings of
    /// the coders asked in it (orphaned ones left out by the caller).
    pub fn transcript(
        &self,
        id: &str,
        turns: &[TurnSpan],
        text: Option<&str>,
        codings: &[Coding],
    ) -> TranscriptAgreement {
        let ctx = Ctx {
            options: &self.options,
            counts_for: &self.counts_for,
            coder_index: &self.coder_index,
        };
        let (counts, disagreements, blank) = ctx.transcript(id, turns, text, codings);
        TranscriptAgreement {
            counts,
            blank,
            disagreements,
        }
    }

    /// The study's agreement data from each coded transcript's part: counts pooled, the
    /// per-transcript counts kept when asked, disagreements in their order.
    pub fn assemble(&self, parts: Vec<(String, TranscriptAgreement)>) -> AgreeData {
        let options = &self.options;
        let m = options.coders.len();
        let mut data = AgreeData {
            coders: options.coders.clone(),
            themes: options.themes.clone(),
            pooled: vec![ThemeCounts::new(m); options.themes.len()],
            by_transcript: Vec::new(),
            disagreements: Vec::new(),
            transcripts: parts.len(),
        };
        let mut disagreements = Vec::new();
        for (id, mut part) in parts {
            // A theme left blank here counts its units with the blank pattern.
            if let Some((pattern, n)) = &part.blank {
                for c in part.counts.iter_mut().filter(|c| c.applied.is_empty()) {
                    *c = ThemeCounts::new(m);
                    c.count(pattern, *n);
                }
            }
            for (p, c) in data.pooled.iter_mut().zip(&part.counts) {
                p.add(c);
            }
            if options.by_transcript {
                data.by_transcript.push((id, part.counts));
            }
            disagreements.extend(part.disagreements);
        }
        data.by_transcript
            .sort_by(|a, b| thematic_study::natural_cmp(&a.0, &b.0));
        let order: HashMap<&str, usize> = options
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        disagreements.sort_by(|a: &Disagreement, b| {
            order
                .get(a.theme.as_str())
                .cmp(&order.get(b.theme.as_str()))
                .then_with(|| thematic_study::natural_cmp(&a.transcript, &b.transcript))
                .then(a.start.cmp(&b.start))
        });
        data.disagreements = disagreements;
        data
    }
}

struct Ctx<'a> {
    options: &'a AgreeOptions,
    counts_for: &'a HashMap<String, Vec<usize>>,
    coder_index: &'a HashMap<String, usize>,
}

/// Per theme, per coder: the coder's coded spans (merged, sorted).
type Spans = Vec<Vec<Vec<(usize, usize)>>>;

impl Ctx<'_> {
    /// Counts (and disagreements, when asked) in one transcript. `text` is needed for
    /// sentence units and for quoting disagreements.
    fn transcript(
        &self,
        id: &str,
        turns: &[TurnSpan],
        text: Option<&str>,
        codings: &[Coding],
    ) -> (
        Vec<ThemeCounts>,
        Vec<Disagreement>,
        Option<(Pattern, usize)>,
    ) {
        let text = Quoter::new(text.unwrap_or(""));
        let (covered, spans) = self.coded_spans(codings);
        let coded = Coded {
            options: self.options,
            id,
            turns,
            covered,
            spans,
        };
        // The turns that are units: participant turns and any coded turn.
        let unit_turns: Vec<usize> = (0..turns.len())
            .filter(|&i| {
                let turn = &turns[i];
                turn.role == thematic_transcript::Role::Participant
                    || codings
                        .iter()
                        .any(|c| c.start < turn.end && c.end > turn.start)
            })
            .collect();
        let mut blank = None;
        let (counts, mut dis) = match self.options.unit {
            UnitKind::Turn | UnitKind::Sentence => {
                let units = coded.units(&unit_turns, &text);
                blank = Some((coded.pattern(&|_| false), units.len()));
                coded.count_units(&units)
            }
            UnitKind::Char => coded.count_chars(&unit_turns),
            UnitKind::Segment => coded.count_segments(),
        };
        for d in &mut dis {
            d.text = text.slice(d.start, d.end).to_string();
        }
        (counts, dis, blank)
    }

    /// Per coder, whether they coded the transcript at all; and per theme asked, each
    /// coder's spans of it (merged, sorted).
    fn coded_spans(&self, codings: &[Coding]) -> (Vec<bool>, Spans) {
        let m = self.options.coders.len();
        let k = self.options.themes.len();
        let mut covered = vec![false; m];
        let mut spans: Spans = vec![vec![Vec::new(); m]; k];
        for c in codings {
            let Some(&ci) = self.coder_index.get(c.coder.as_str()) else {
                continue;
            };
            covered[ci] = true;
            for &ti in self.counts_for.get(&c.theme).into_iter().flatten() {
                spans[ti][ci].push((c.start, c.end.max(c.start)));
            }
        }
        for per_theme in &mut spans {
            for s in per_theme.iter_mut() {
                *s = merge_spans(std::mem::take(s));
            }
        }
        (covered, spans)
    }
}

/// A transcript's text, sliced by code point (for quoting and sentences).
struct Quoter<'t> {
    text: &'t str,
    /// The byte offset of every code point, and of the end.
    bounds: Vec<usize>,
}

impl<'t> Quoter<'t> {
    fn new(text: &'t str) -> Quoter<'t> {
        let mut bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        bounds.push(text.len());
        Quoter { text, bounds }
    }

    /// Code points `a..b`, clamped to the text.
    fn slice(&self, a: usize, b: usize) -> &'t str {
        let last = self.bounds.len() - 1;
        let a = a.min(last);
        let b = b.clamp(a, last);
        &self.text[self.bounds[a]..self.bounds[b]]
    }
}

/// One transcript's codings, as spans per theme and coder, ready to be counted in units.
struct Coded<'a> {
    options: &'a AgreeOptions,
    id: &'a str,
    turns: &'a [TurnSpan],
    /// Per coder: whether they coded the transcript (else their ratings are missing).
    covered: Vec<bool>,
    spans: Spans,
}

/// Per theme, the counts; and the disagreements found.
type Tally = (Vec<ThemeCounts>, Vec<Disagreement>);

impl Coded<'_> {
    /// Empty counts for every theme, and no disagreements.
    fn tally(&self) -> Tally {
        (
            vec![ThemeCounts::new(self.options.coders.len()); self.options.themes.len()],
            Vec::new(),
        )
    }

    /// The rating pattern of a unit: per coder, missing if they did not code the
    /// transcript, else whether `has` says they applied the theme.
    fn pattern(&self, has: &dyn Fn(usize) -> bool) -> Pattern {
        self.covered
            .iter()
            .enumerate()
            .map(|(c, &covered)| covered.then(|| has(c)))
            .collect()
    }

    /// A disagreement on theme `ti` over `a..b` of (0-based) turn `turn`; its text is
    /// quoted once the span is final (char stretches grow).
    fn disagreement(
        &self,
        ti: usize,
        turn: usize,
        a: usize,
        b: usize,
        ratings: Pattern,
    ) -> Disagreement {
        Disagreement {
            theme: self.options.themes[ti].clone(),
            transcript: self.id.to_string(),
            turn: turn + 1,
            speaker: self
                .turns
                .get(turn)
                .and_then(|x| x.speaker.clone())
                .unwrap_or_default(),
            start: a,
            end: b,
            text: String::new(),
            ratings,
        }
    }

    /// Turn or sentence units, as (0-based turn, start, end).
    fn units(&self, unit_turns: &[usize], text: &Quoter<'_>) -> Vec<(usize, usize, usize)> {
        let mut units = Vec::new();
        for &i in unit_turns {
            let turn = &self.turns[i];
            if self.options.unit == UnitKind::Turn {
                units.push((i, turn.start, turn.end));
            } else {
                for (a, b) in thematic_transcript::sentences(text.slice(turn.start, turn.end)) {
                    units.push((i, turn.start + a, turn.start + b));
                }
            }
        }
        units
    }

    /// Turn and sentence units: one pattern per unit and theme.
    fn count_units(&self, units: &[(usize, usize, usize)]) -> Tally {
        let mut counts = vec![ThemeCounts::default(); self.options.themes.len()];
        let mut dis = Vec::new();
        for (ti, per_coder) in self.spans.iter().enumerate() {
            // No coder applied it here: left blank, counted by the blank pattern when the
            // parts are put together (see `TranscriptAgreement::blank`).
            if per_coder.iter().all(Vec::is_empty) {
                continue;
            }
            counts[ti] = ThemeCounts::new(self.options.coders.len());
            for &(turn, a, b) in units {
                let p = self.pattern(&|c| overlaps(&per_coder[c], a, b));
                counts[ti].count(&p, 1);
                if self.options.disagreements && disagree(&p) {
                    dis.push(self.disagreement(ti, turn, a, b, p));
                }
            }
        }
        (counts, dis)
    }

    /// Character units: each unit turn cut where any coder's span of the theme starts or
    /// ends, each piece counted once per character; adjacent pieces with the same
    /// disagreement make one stretch.
    fn count_chars(&self, unit_turns: &[usize]) -> Tally {
        let (mut counts, mut dis) = self.tally();
        for (ti, per_coder) in self.spans.iter().enumerate() {
            for &i in unit_turns {
                let turn = &self.turns[i];
                let mut open: Option<Disagreement> = None;
                for w in cuts(turn, per_coder).windows(2) {
                    let (a, b) = (w[0], w[1]);
                    let p = self.pattern(&|c| overlaps(&per_coder[c], a, b));
                    counts[ti].count(&p, b - a);
                    if !self.options.disagreements {
                        continue;
                    }
                    if disagree(&p) {
                        match &mut open {
                            Some(d) if d.ratings == p && d.end == a => d.end = b,
                            _ => {
                                dis.extend(open.take());
                                open = Some(self.disagreement(ti, i, a, b, p));
                            }
                        }
                    } else {
                        dis.extend(open.take());
                    }
                }
                dis.extend(open.take());
            }
        }
        (counts, dis)
    }

    /// Segment units: each coder's segment matched, or not, by every other coder who coded
    /// the transcript.
    fn count_segments(&self) -> Tally {
        let (mut counts, mut dis) = self.tally();
        let m = self.options.coders.len();
        for (ti, per_coder) in self.spans.iter().enumerate() {
            for c in 0..m {
                for &(a, b) in &per_coder[c] {
                    counts[ti].applied[c] += 1;
                    let others: Vec<usize> =
                        (0..m).filter(|&d| d != c && self.covered[d]).collect();
                    if others.is_empty() {
                        continue;
                    }
                    let matched: Vec<(usize, bool)> = others
                        .iter()
                        .map(|&d| (d, best_overlap(&per_coder[d], a, b) >= self.options.overlap))
                        .collect();
                    counts[ti].segments += 1;
                    if matched.iter().all(|(_, ok)| *ok) {
                        counts[ti].segment_agreements += 1;
                    } else if self.options.disagreements {
                        let mut p: Pattern = vec![None; m];
                        p[c] = Some(true);
                        for (d, ok) in matched {
                            p[d] = Some(ok);
                        }
                        let turn =
                            thematic_study::turn_holding(self.turns, a, |x| (x.start, x.end))
                                .unwrap_or(0);
                        dis.push(self.disagreement(ti, turn, a, b, p));
                    }
                }
            }
        }
        (counts, dis)
    }
}

/// Whether the coders who rated a unit differ on it.
fn disagree(p: &Pattern) -> bool {
    let rated: Vec<bool> = p.iter().flatten().copied().collect();
    rated.len() >= 2 && rated.iter().any(|&x| x != rated[0])
}

/// Where a turn is cut into character units: its ends, and every start and end of a coded
/// span inside it; sorted, without repeats.
fn cuts(turn: &TurnSpan, per_coder: &[Vec<(usize, usize)>]) -> Vec<usize> {
    let mut cuts = vec![turn.start, turn.end];
    for s in per_coder {
        for &(a, b) in s {
            for x in [a, b] {
                if x > turn.start && x < turn.end {
                    cuts.push(x);
                }
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// Sorts and merges overlapping or touching spans.
fn merge_spans(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Whether any of the sorted, merged `spans` overlaps `a..b`.
fn overlaps(spans: &[(usize, usize)], a: usize, b: usize) -> bool {
    let i = spans.partition_point(|s| s.1 <= a);
    spans.get(i).is_some_and(|s| s.0 < b)
}

/// The largest intersection-over-union of `a..b` with one of `spans`.
fn best_overlap(spans: &[(usize, usize)], a: usize, b: usize) -> f64 {
    let i = spans.partition_point(|s| s.1 <= a);
    spans[i..]
        .iter()
        .take_while(|s| s.0 < b)
        .map(|&(c, d)| {
            let inter = b.min(d).saturating_sub(a.max(c));
            let union = b.max(d) - a.min(c);
            if union == 0 {
                0.0
            } else {
                inter as f64 / union as f64
            }
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_merge_and_overlap() {
        let s = merge_spans(vec![(10, 20), (0, 5), (5, 8), (15, 30)]);
        assert_eq!(s, [(0, 8), (10, 30)]);
        assert!(overlaps(&s, 7, 9));
        assert!(!overlaps(&s, 8, 10));
        assert!(overlaps(&s, 29, 40));
        assert!(!overlaps(&s, 30, 40));
        assert!((best_overlap(&s, 10, 20) - 10.0 / 20.0).abs() < 1e-12);
        assert_eq!(best_overlap(&s, 40, 50), 0.0);
    }
}
