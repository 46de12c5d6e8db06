//! Participant characteristics, the "Table 1" of a paper.
//!
//! Conventions:
//!
//! - N is every row of `participants.csv`.
//! - A value is missing when it is empty or `NA`, `N/A` or `n/a`.
//! - An attribute is numeric when every value that is not missing is a number (and at least
//!   one is), unless it is named as categorical. Numeric attributes are summarised by n,
//!   range, mean and the **sample** standard deviation (n − 1 in the denominator; none for
//!   n < 2). Categorical ones by the count and percentage of each value, percentages of N,
//!   most frequent first (ties in natural order), with missing values counted as their own
//!   row so that the percentages add up to 100.

use thematic_study::Participants;
use thematic_study::natural_cmp;

/// The summary of every attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantsSummary {
    /// Participants (rows of `participants.csv`).
    pub n: usize,
    /// One per attribute, in column order.
    pub attributes: Vec<AttributeSummary>,
}

/// One attribute's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeSummary {
    /// The column name.
    pub name: String,
    /// Participants without a value.
    pub missing: usize,
    /// The summary of the values present.
    pub summary: Summary,
}

/// Numbers or categories.
#[derive(Debug, Clone, PartialEq)]
pub enum Summary {
    /// A numeric attribute.
    Numeric(NumericSummary),
    /// A categorical attribute: each value with its count, most frequent first.
    Categorical(Vec<Category>),
}

/// A numeric attribute's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericSummary {
    /// Values present.
    pub n: usize,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
    /// The mean.
    pub mean: f64,
    /// The sample standard deviation (n − 1 denominator); `None` when n < 2.
    pub sd: Option<f64>,
}

/// One value of a categorical attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// The value as written.
    pub value: String,
    /// Participants with it.
    pub n: usize,
}

/// Whether a `participants.csv` value counts as missing: empty, `NA`, `N/A` (any case).
pub fn is_missing(v: &str) -> bool {
    let v = v.trim();
    v.is_empty() || v.eq_ignore_ascii_case("na") || v.eq_ignore_ascii_case("n/a")
}

impl ParticipantsSummary {
    /// The summary of every attribute of `participants` ("Table 1"); the attributes named in
    /// `categorical` are treated as categories even when their values are numbers (a site
    /// number, a year group).
    pub fn of(participants: &Participants, categorical: &[String]) -> ParticipantsSummary {
        let attributes = participants
            .attributes
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let values: Vec<&str> = participants
                    .rows
                    .iter()
                    .map(|(_, v)| v.get(i).map_or("", String::as_str))
                    .filter(|v| !is_missing(v))
                    .collect();
                let missing = participants.rows.len() - values.len();
                let numbers: Option<Vec<f64>> = values
                    .iter()
                    .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
                    .collect();
                let summary = match numbers {
                    Some(x) if !x.is_empty() && !categorical.contains(name) => {
                        Summary::Numeric(numeric(&x))
                    }
                    _ => Summary::Categorical(categories(&values)),
                };
                AttributeSummary {
                    name: name.clone(),
                    missing,
                    summary,
                }
            })
            .collect();
        ParticipantsSummary {
            n: participants.rows.len(),
            attributes,
        }
    }
}

fn numeric(x: &[f64]) -> NumericSummary {
    let n = x.len();
    let mean = x.iter().sum::<f64>() / n as f64;
    let sd = (n >= 2).then(|| {
        let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
        (ss / (n - 1) as f64).sqrt()
    });
    NumericSummary {
        n,
        min: x.iter().copied().fold(f64::INFINITY, f64::min),
        max: x.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        mean,
        sd,
    }
}

fn categories(values: &[&str]) -> Vec<Category> {
    let mut out: Vec<Category> = Vec::new();
    for v in values {
        let v = v.trim();
        match out.iter_mut().find(|c| c.value == v) {
            Some(c) => c.n += 1,
            None => out.push(Category {
                value: v.to_string(),
                n: 1,
            }),
        }
    }
    out.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| natural_cmp(&a.value, &b.value)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Participants {
        let rows = [
            ("P1", ["female", "30", "1"]),
            ("P2", ["male", "40", "2"]),
            ("P3", ["female", "", "1"]),
            ("P4", ["female", "52", "NA"]),
            ("P5", ["", "33", "2"]),
        ];
        Participants {
            attributes: vec!["gender".into(), "age".into(), "site".into()],
            rows: rows
                .iter()
                .map(|(id, v)| (id.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
            ..Participants::default()
        }
    }

    #[test]
    fn numbers_get_range_mean_and_the_sample_sd() {
        let s = ParticipantsSummary::of(&table(), &[]);
        assert_eq!(s.n, 5);
        let age = &s.attributes[1];
        assert_eq!(age.missing, 1);
        let Summary::Numeric(a) = &age.summary else {
            panic!("age is numeric")
        };
        // 30, 40, 52, 33: mean 38.75; squared deviations 76.5625, 1.5625, 175.5625,
        // 33.0625 sum to 286.75; / 3 = 95.5833…; √ = 9.7767…
        assert_eq!((a.n, a.min, a.max, a.mean), (4, 30.0, 52.0, 38.75));
        assert!((a.sd.unwrap() - 9.776_672).abs() < 1e-6, "{:?}", a.sd);
    }

    #[test]
    fn categories_are_counted_most_frequent_first_with_missing_apart() {
        let s = ParticipantsSummary::of(&table(), &["site".to_string()]);
        let gender = &s.attributes[0];
        assert_eq!(gender.missing, 1);
        assert_eq!(
            gender.summary,
            Summary::Categorical(vec![
                Category {
                    value: "female".into(),
                    n: 3
                },
                Category {
                    value: "male".into(),
                    n: 1
                },
            ])
        );
        // Numbers named categorical are categories.
        let site = &s.attributes[2];
        assert!(matches!(&site.summary, Summary::Categorical(c) if c.len() == 2));
        assert_eq!(site.missing, 1);
    }

    #[test]
    fn one_value_has_no_sd() {
        let p = Participants {
            attributes: vec!["age".into()],
            rows: vec![("P1".into(), vec!["41".into()])],
            ..Participants::default()
        };
        let Summary::Numeric(a) = &ParticipantsSummary::of(&p, &[]).attributes[0].summary else {
            panic!()
        };
        assert_eq!((a.mean, a.sd), (41.0, None));
    }
}
