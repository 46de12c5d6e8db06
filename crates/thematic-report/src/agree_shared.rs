//! What `thematic agree` and the server's compare view both need from [`AgreeData`]: the
//! unit from its name, the counts as ratings, the coders on each side of a disagreement,
//! and the rounding of the statistics.
//!
//! [`AgreeData`]: crate::AgreeData

use thematic_agreement::Ratings;

use crate::agree::{Disagreement, ThemeCounts, UnitKind};
use thematic_study::Study;

impl UnitKind {
    /// The unit named `name`: `turn`, `sentence`, `char` or `segment` (as `--unit` and
    /// `default_unit` spell them); `None` for anything else.
    pub fn from_name(name: &str) -> Option<UnitKind> {
        match name {
            "turn" => Some(UnitKind::Turn),
            "sentence" => Some(UnitKind::Sentence),
            "char" => Some(UnitKind::Char),
            "segment" => Some(UnitKind::Segment),
            _ => None,
        }
    }
}

/// The unit `default_unit` of thematic.toml names; turns when it names none.
pub fn default_unit(study: &Study) -> UnitKind {
    UnitKind::from_name(&study.config().default_unit).unwrap_or(UnitKind::Turn)
}

impl ThemeCounts {
    /// The counts as binary ratings (not applied, applied) of `coders` coders.
    pub fn ratings(&self, coders: usize) -> Ratings {
        Ratings::from_patterns(coders, self.rating_rows()).with_categories(2)
    }
}

impl Disagreement {
    /// Those of `coders` (the [`AgreeData::coders`](crate::AgreeData::coders), in order)
    /// who applied the theme here (`applied`), or who did not.
    pub fn coders_who<'a>(&self, coders: &'a [String], applied: bool) -> Vec<&'a str> {
        coders
            .iter()
            .zip(&self.ratings)
            .filter(|(_, r)| **r == Some(applied))
            .map(|(c, _)| c.as_str())
            .collect()
    }
}

/// A statistic rounded to 4 decimal places, as `thematic agree`'s JSON and the compare
/// view give it.
pub fn round4(x: Option<f64>) -> Option<f64> {
    x.map(|v| (v * 10_000.0).round() / 10_000.0)
}
