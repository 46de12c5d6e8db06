//! Table 1 as a paper prints it: each attribute's display name, unit, category order and
//! decimals from the study's `[participants]` section ([`AttributeDisplay`]), applied to a
//! [`ParticipantsSummary`].
//!
//! The decimals rule: a numeric attribute's mean has `decimals` places (default 1) and its SD
//! one more (`sd_decimals` overrides), as many papers print them ("M = 47 (SD = 8.4)",
//! "M = 17.4 (SD = 8.44)"); rounding is half away from zero, as people round. The range is
//! printed as the values are written. Percentages have `percent_decimals` places (default 1).

use std::collections::BTreeMap;

use thematic_study::AttributeDisplay;

use super::participants::{NumericSummary, ParticipantsSummary, Summary};

/// The category cell of a missing value's line.
pub const MISSING: &str = "(missing)";

/// Table 1: N and each attribute's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Table1 {
    /// Participants (N).
    pub n: usize,
    /// One per attribute, in column order.
    pub attributes: Vec<Table1Attribute>,
}

/// One attribute of Table 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Table1Attribute {
    /// The column name in `participants.csv`.
    pub name: String,
    /// The printed name: its `label`, else the column name; with " (n = k)" when some
    /// participants have no value and the attribute is numeric.
    pub label: String,
    /// The numeric summary and its printed form
    /// ("range 33–60 years, M = 47 (SD = 8.4)"), for a numeric attribute.
    pub numeric: Option<(NumericSummary, String)>,
    /// The categories (and a [`MISSING`] line when values are missing), in print order.
    pub lines: Vec<Table1Line>,
}

/// A category's line: its value, printed name, count and "n (%)" text.
#[derive(Debug, Clone, PartialEq)]
pub struct Table1Line {
    /// The value as written in `participants.csv`, or [`MISSING`].
    pub value: String,
    /// The printed name (from `values`, else as written).
    pub label: String,
    /// Participants with it.
    pub n: usize,
    /// Percentage of N, unrounded; `None` when N is 0.
    pub percent: Option<f64>,
    /// "2 (11.1%)".
    pub shown: String,
}

impl Table1 {
    /// Table 1 of `summary` as `display` (the `[participants]` section) asks.
    pub fn of(
        summary: &ParticipantsSummary,
        display: &BTreeMap<String, AttributeDisplay>,
    ) -> Table1 {
        let none = AttributeDisplay::default();
        let attributes = summary
            .attributes
            .iter()
            .map(|a| {
                let d = display.get(&a.name).unwrap_or(&none);
                let name = d.label.clone().unwrap_or_else(|| a.name.clone());
                let pct_places = d.percent_decimals.unwrap_or(1);
                let line = |value: &str, label: &str, k: usize| {
                    let percent = (summary.n > 0).then(|| k as f64 * 100.0 / summary.n as f64);
                    Table1Line {
                        value: value.to_string(),
                        label: label.to_string(),
                        n: k,
                        percent,
                        shown: match percent {
                            Some(p) => format!("{k} ({}%)", fixed(p, pct_places)),
                            None => k.to_string(),
                        },
                    }
                };
                let mut lines = Vec::new();
                let mut numeric = None;
                let mut label = name.clone();
                match &a.summary {
                    Summary::Numeric(x) => {
                        if a.missing > 0 {
                            label = format!("{name} (n = {})", x.n);
                        }
                        numeric = Some((x.clone(), numeric_text(x, d)));
                    }
                    Summary::Categorical(cats) => {
                        let mut cats: Vec<_> = cats.iter().collect();
                        // Named values first, in the order given; the rest keep theirs.
                        cats.sort_by_key(|c| {
                            d.order
                                .iter()
                                .position(|o| *o == c.value)
                                .unwrap_or(usize::MAX)
                        });
                        for c in cats {
                            let shown = d.values.get(&c.value).unwrap_or(&c.value);
                            lines.push(line(&c.value, shown, c.n));
                        }
                    }
                }
                if a.missing > 0 {
                    let shown = d.values.get(MISSING).map_or("Missing", String::as_str);
                    lines.push(line(MISSING, shown, a.missing));
                }
                Table1Attribute {
                    name: a.name.clone(),
                    label,
                    numeric,
                    lines,
                }
            })
            .collect();
        Table1 {
            n: summary.n,
            attributes,
        }
    }
}

/// "range 33–60 years, M = 47 (SD = 8.4)".
fn numeric_text(x: &NumericSummary, d: &AttributeDisplay) -> String {
    let places = d.decimals.unwrap_or(1);
    let sd_places = d.sd_decimals.unwrap_or(places + 1);
    let unit = d.unit.as_deref().map_or(String::new(), |u| format!(" {u}"));
    let mut s = format!(
        "range {}–{}{unit}, M = {}",
        as_written(x.min),
        as_written(x.max),
        fixed(x.mean, places)
    );
    if let Some(sd) = x.sd {
        s.push_str(&format!(" (SD = {})", fixed(sd, sd_places)));
    }
    s
}

/// `x` to `places` decimals, halves rounded away from zero (46.5 → 47, where Rust's own
/// formatting would give 46), never "-0".
pub fn fixed(x: f64, places: u8) -> String {
    let f = 10f64.powi(i32::from(places));
    let mut r = (x * f).round() / f;
    if r == 0.0 {
        r = 0.0;
    }
    format!("{r:.*}", usize::from(places))
}

/// A value as it is written: `42`, `42.5`.
fn as_written(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use thematic_study::Participants;

    fn study(values: &[(&str, &str, &str)]) -> Participants {
        Participants {
            attributes: vec!["gender".into(), "age".into(), "months".into()],
            rows: values
                .iter()
                .enumerate()
                .map(|(i, (g, a, m))| {
                    (
                        format!("P{i}"),
                        vec![g.to_string(), a.to_string(), m.to_string()],
                    )
                })
                .collect(),
            ..Participants::default()
        }
    }

    #[test]
    fn decimals_give_the_mean_its_places_and_the_sd_one_more() {
        // Ages 40, 45, 56: mean 47; deviations −7, −2, 9 → squares 49 + 4 + 81 = 134;
        // / 2 = 67; √67 = 8.185…  Months 5, 30, 17: mean 17.333…; deviations −12.33, 12.67,
        // −0.33 → 152.11 + 160.44 + 0.11 = 312.67; / 2 = 156.33; √ = 12.503…
        let p = study(&[
            ("female", "40", "5"),
            ("male", "45", "30"),
            ("female", "56", "17"),
        ]);
        let s = ParticipantsSummary::of(&p, &[]);
        let display: BTreeMap<String, AttributeDisplay> = [
            (
                "age".to_string(),
                AttributeDisplay {
                    label: Some("Age".into()),
                    unit: Some("years".into()),
                    decimals: Some(0),
                    ..AttributeDisplay::default()
                },
            ),
            (
                "months".to_string(),
                AttributeDisplay {
                    decimals: Some(1),
                    ..AttributeDisplay::default()
                },
            ),
            (
                "gender".to_string(),
                AttributeDisplay {
                    label: Some("Gender".into()),
                    order: vec!["male".into(), "female".into()],
                    values: [("male".to_string(), "Male".to_string())].into(),
                    percent_decimals: Some(0),
                    ..AttributeDisplay::default()
                },
            ),
        ]
        .into();
        let t = Table1::of(&s, &display);
        assert_eq!(t.attributes[1].label, "Age");
        assert_eq!(
            t.attributes[1].numeric.as_ref().unwrap().1,
            "range 40–56 years, M = 47 (SD = 8.2)"
        );
        assert_eq!(
            t.attributes[2].numeric.as_ref().unwrap().1,
            "range 5–30, M = 17.3 (SD = 12.50)"
        );
        // Male first as ordered, named "Male"; 1/3 = 33%, 2/3 = 67% with no decimals.
        let g = &t.attributes[0];
        assert_eq!(g.label, "Gender");
        let lines: Vec<(&str, &str)> = g
            .lines
            .iter()
            .map(|l| (l.label.as_str(), l.shown.as_str()))
            .collect();
        assert_eq!(lines, [("Male", "1 (33%)"), ("female", "2 (67%)")]);
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(fixed(46.5, 0), "47");
        assert_eq!(fixed(2.5, 0), "3");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(8.4246, 2), "8.42");
    }

    #[test]
    fn missing_values_get_their_own_line_and_n() {
        let p = study(&[("female", "40", ""), ("", "", "3")]);
        let t = Table1::of(&ParticipantsSummary::of(&p, &[]), &BTreeMap::new());
        assert_eq!(t.attributes[1].label, "age (n = 1)");
        assert_eq!(
            t.attributes[1].numeric.as_ref().unwrap().1,
            "range 40–40, M = 40.0"
        );
        let last = t.attributes[0].lines.last().unwrap();
        assert_eq!(
            (
                last.value.as_str(),
                last.label.as_str(),
                last.shown.as_str()
            ),
            (MISSING, "Missing", "1 (50.0%)")
        );
    }
}
