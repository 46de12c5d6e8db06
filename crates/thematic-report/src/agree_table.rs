//! The agreement table as typed rows: what `thematic agree` prints and the server's compare
//! view sends, computed once here from an [`AgreeData`], so the two cannot drift apart.
//!
//! Rows come in this order: with `by_transcript`, each transcript's rows (themes in the order
//! asked); then each theme over every transcript (with bootstrap intervals when asked);
//! then, when more than one theme was asked, the pooled row [`ALL_THEMES`].
//!
//! Intervals resample whole transcripts by default ([`Resample::Clusters`], a cluster
//! bootstrap: the transcripts are what a study samples, and the units of one interview are
//! not independent), which needs the counts per transcript
//! ([`AgreeOptions::by_transcript`]); [`Resample::Units`] resamples units as if they were
//! independent, with Krippendorff's bootstrap for α.

use thematic_agreement::{
    Clustered, Estimate, Options, Resample, Resampling, SegmentAgreement, Summary, summary,
    summary_clustered,
};

use crate::agree::{AgreeData, AgreeOptions, ThemeCounts, UnitKind};

/// The theme cell of the row that pools every theme.
pub const ALL_THEMES: &str = "(all themes)";

/// How the statistics of the table are computed.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Bootstrap resampling for the intervals of the rows over all transcripts; `None` for
    /// point estimates only. Per-transcript rows never carry intervals.
    pub resampling: Option<Resampling>,
    /// The confidence level of the intervals, in (0, 1).
    pub confidence: f64,
    /// What the bootstrap resamples: [`Resample::Clusters`], the transcripts (the rows'
    /// pooled units grouped by [`AgreeData::by_transcript`]; without those counts the rows
    /// get no intervals), or [`Resample::Units`].
    pub resample: Resample,
    /// Give each transcript's rows when the data has them ([`AgreeData::by_transcript`]);
    /// `false` when the per-transcript counts are there only for the cluster bootstrap.
    pub transcript_rows: bool,
}

impl Default for TableOptions {
    /// Point estimates only; 0.95 and resampling transcripts if bootstrapping; each
    /// transcript's rows when counted.
    fn default() -> TableOptions {
        TableOptions {
            resampling: None,
            confidence: 0.95,
            resample: Resample::Clusters,
            transcript_rows: true,
        }
    }
}

/// One row of the agreement table: one theme (or [`ALL_THEMES`]) over one transcript (or
/// every transcript). Statistics are unrounded; `None` is 0/0, never NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementRow {
    /// The theme id, or [`ALL_THEMES`].
    pub theme: String,
    /// The transcript id; empty for every transcript.
    pub transcript: String,
    /// Units (at segment units: segments).
    pub units: usize,
    /// Units rated by at least two coders.
    pub pairable_units: usize,
    /// Per coder (in [`AgreeData::coders`] order), the units (or segments) they applied the
    /// theme to.
    pub applied: Vec<usize>,
    /// Percent agreement, with its interval when bootstrapped.
    pub percent_agreement: Estimate,
    /// Cohen's κ (Conger's for more than two coders).
    pub cohen_kappa: Estimate,
    /// Krippendorff's α (nominal).
    pub krippendorff_alpha: Estimate,
    /// Gwet's AC1.
    pub gwet_ac1: Estimate,
    /// Scott's π.
    pub scott_pi: Option<f64>,
    /// Fleiss' κ.
    pub fleiss_kappa: Option<f64>,
    /// Brennan and Prediger's κ (at segment units, κn over the pooled themes).
    pub brennan_prediger: Option<f64>,
    /// What the bootstrap of the row's intervals resampled ([`Resample::Clusters`]: the
    /// transcripts); `None` when the row has no intervals.
    pub resampling: Option<Resample>,
    /// Why a statistic is missing or how to read the row; empty when there is nothing to say.
    pub note: String,
}

/// Every row of the agreement table of `data`, in the order described in the module docs.
pub fn agreement_rows(
    data: &AgreeData,
    options: &AgreeOptions,
    table: &TableOptions,
) -> Vec<AgreementRow> {
    // Over all transcripts, a theme's counts in each transcript (the clusters), or `None`
    // for a row without intervals; `overall` for the row that pools every theme.
    let row = |theme: &str,
               transcript: &str,
               counts: &ThemeCounts,
               clusters: Option<Vec<&ThemeCounts>>,
               overall: bool| {
        if options.unit == UnitKind::Segment {
            return segment_row(
                theme,
                transcript,
                counts,
                overall.then_some(data.themes.len()),
            );
        }
        let coders = data.coders.len();
        let resampling = clusters.as_ref().and(table.resampling);
        let summary_options = Options {
            bootstrap: resampling,
            confidence: table.confidence,
            ..Options::default()
        };
        let (s, resampled) = match (table.resample, clusters) {
            (Resample::Clusters, Some(clusters)) if !clusters.is_empty() => {
                let clustered =
                    Clustered::from_patterns(coders, clusters.iter().map(|c| c.rating_rows()))
                        .with_categories(2);
                (summary_clustered(&clustered, &summary_options), resampling)
            }
            (Resample::Clusters, _) => (
                summary(
                    &counts.ratings(coders),
                    &Options {
                        bootstrap: None,
                        ..summary_options
                    },
                ),
                None,
            ),
            (Resample::Units, _) => (
                summary(&counts.ratings(coders), &summary_options),
                resampling,
            ),
        };
        let mut r = unit_row(theme, transcript, counts, &s);
        r.resampling = resampled.map(|_| table.resample);
        r
    };
    let mut rows = Vec::new();
    if table.transcript_rows {
        for (transcript, per_theme) in &data.by_transcript {
            for (t, counts) in data.themes.iter().zip(per_theme) {
                rows.push(row(t, transcript, counts, None, false));
            }
        }
    }
    let of_theme = |i: usize| -> Vec<&ThemeCounts> {
        data.by_transcript
            .iter()
            .filter_map(|(_, per_theme)| per_theme.get(i))
            .collect()
    };
    for (i, (t, counts)) in data.themes.iter().zip(&data.pooled).enumerate() {
        rows.push(row(t, "", counts, Some(of_theme(i)), false));
    }
    if data.themes.len() > 1 {
        // Each transcript's themes pooled, as `AgreeData::all_themes` pools them overall.
        let all: Vec<ThemeCounts> = data
            .by_transcript
            .iter()
            .map(|(_, per_theme)| ThemeCounts::sum(data.coders.len(), per_theme))
            .collect();
        rows.push(row(
            ALL_THEMES,
            "",
            &data.all_themes(),
            Some(all.iter().collect()),
            true,
        ));
    }
    rows
}

/// A row at turn, sentence or character units, from the summary of its ratings.
fn unit_row(theme: &str, transcript: &str, counts: &ThemeCounts, s: &Summary) -> AgreementRow {
    let note = if s.pairable_units == 0 {
        "no unit was rated by two coders (did both code these transcripts?)"
    } else if s.krippendorff_alpha.value.is_none() && counts.applied.iter().all(|&n| n == 0) {
        "nobody applied the theme: κ, π and α are 0/0 (n/a); AC1 and BP are 1"
    } else if s.krippendorff_alpha.value.is_none() {
        "every rating is the same: chance agreement is 1, so κ, π and α are 0/0 (n/a)"
    } else {
        ""
    };
    AgreementRow {
        theme: theme.to_string(),
        transcript: transcript.to_string(),
        units: s.units,
        pairable_units: s.pairable_units,
        applied: counts.applied.clone(),
        percent_agreement: s.percent_agreement,
        cohen_kappa: s.cohen_kappa,
        krippendorff_alpha: s.krippendorff_alpha,
        gwet_ac1: s.gwet_ac1,
        scott_pi: s.scott_pi.value,
        fleiss_kappa: s.fleiss_kappa.value,
        brennan_prediger: s.brennan_prediger.value,
        resampling: None,
        note: note.to_string(),
    }
}

/// A row at segment units: the share of segments matched by every other coder, and for
/// the pooled row ([`ALL_THEMES`], `pooled_themes` = q) Brennan and Prediger's κn.
fn segment_row(
    theme: &str,
    transcript: &str,
    counts: &ThemeCounts,
    pooled_themes: Option<usize>,
) -> AgreementRow {
    let segments = SegmentAgreement {
        segments: counts.segments,
        matched: counts.segment_agreements,
    };
    let none = Estimate {
        value: None,
        interval: None,
    };
    let kn = pooled_themes.and_then(|k| segments.brennan_prediger(k));
    let note = if let (Some(k), Some(v)) = (pooled_themes, kn) {
        format!(
            "segments matched by every other coder; κn = {v:.3} (Brennan–Prediger, q = {k} themes)"
        )
    } else {
        "segments matched by every other coder".to_string()
    };
    AgreementRow {
        theme: theme.to_string(),
        transcript: transcript.to_string(),
        units: counts.segments,
        pairable_units: counts.segments,
        applied: counts.applied.clone(),
        percent_agreement: Estimate {
            value: segments.percent_agreement(),
            interval: None,
        },
        cohen_kappa: none,
        krippendorff_alpha: none,
        gwet_ac1: none,
        scott_pi: None,
        fleiss_kappa: None,
        brennan_prediger: kn,
        resampling: None,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two coders, one theme, four turn units: both applied (1 unit), only A (1 unit),
    /// neither (2 units).
    fn counts() -> ThemeCounts {
        let mut c = ThemeCounts::new(2);
        c.count(&[Some(true), Some(true)], 1);
        c.count(&[Some(true), Some(false)], 1);
        c.count(&[Some(false), Some(false)], 2);
        c
    }

    fn data(themes: &[&str]) -> AgreeData {
        AgreeData {
            coders: vec!["A".into(), "B".into()],
            themes: themes.iter().map(|t| t.to_string()).collect(),
            transcripts: 1,
            pooled: themes.iter().map(|_| counts()).collect(),
            by_transcript: Vec::new(),
            disagreements: Vec::new(),
        }
    }

    fn options(unit: UnitKind) -> AgreeOptions {
        AgreeOptions {
            coders: vec!["A".into(), "B".into()],
            themes: Vec::new(),
            unit,
            overlap: 0.9,
            by_transcript: false,
            disagreements: false,
            disagreement_text: false,
        }
    }

    #[test]
    fn a_theme_row_has_the_statistics_of_its_ratings() {
        let rows = agreement_rows(
            &data(&["t"]),
            &options(UnitKind::Turn),
            &TableOptions::default(),
        );
        assert_eq!(rows.len(), 1, "one theme: no pooled row");
        let r = &rows[0];
        assert_eq!((r.units, r.pairable_units), (4, 4));
        assert_eq!(r.applied, vec![2, 1]);
        // Agreement on 3 of 4 units.
        assert_eq!(r.percent_agreement.value, Some(0.75));
        // Cohen: p_o = 0.75; A applies 1/2, B 1/4, so p_e = 1/2·1/4 + 1/2·3/4 = 0.5 and
        // κ = (0.75 − 0.5)/(1 − 0.5) = 0.5.
        let kappa = r.cohen_kappa.value.unwrap();
        assert!((kappa - 0.5).abs() < 1e-12, "{kappa}");
        assert_eq!(r.note, "");
        assert_eq!(r.percent_agreement.interval, None, "no resampling asked");
    }

    #[test]
    fn several_themes_end_with_the_pooled_row() {
        let rows = agreement_rows(
            &data(&["t", "u"]),
            &options(UnitKind::Turn),
            &TableOptions::default(),
        );
        let themes: Vec<&str> = rows.iter().map(|r| r.theme.as_str()).collect();
        assert_eq!(themes, ["t", "u", ALL_THEMES]);
        // Pooling two identical themes doubles the units and keeps the proportions.
        assert_eq!(rows[2].units, 8);
        assert_eq!(rows[2].percent_agreement.value, Some(0.75));
    }

    /// Two transcripts of four turn units: in T1 the coders agree on every unit, in T2 on
    /// none. Pooled: 4 of 8.
    fn two_transcripts(themes: &[&str]) -> AgreeData {
        let mut t1 = ThemeCounts::new(2);
        t1.count(&[Some(true), Some(true)], 2);
        t1.count(&[Some(false), Some(false)], 2);
        let mut t2 = ThemeCounts::new(2);
        t2.count(&[Some(true), Some(false)], 2);
        t2.count(&[Some(false), Some(true)], 2);
        let mut pooled = t1.clone();
        pooled.add(&t2);
        let mut d = data(themes);
        d.transcripts = 2;
        d.pooled = themes.iter().map(|_| pooled.clone()).collect();
        d.by_transcript = vec![
            ("T1".into(), themes.iter().map(|_| t1.clone()).collect()),
            ("T2".into(), themes.iter().map(|_| t2.clone()).collect()),
        ];
        d
    }

    fn bootstrapped(resample: Resample, transcript_rows: bool) -> TableOptions {
        TableOptions {
            resampling: Some(Resampling {
                resamples: 1000,
                seed: 1,
            }),
            resample,
            transcript_rows,
            ..TableOptions::default()
        }
    }

    #[test]
    fn resampling_transcripts_spans_a_transcript_of_full_and_one_of_no_agreement() {
        let d = two_transcripts(&["t", "u"]);
        let rows = agreement_rows(
            &d,
            &options(UnitKind::Turn),
            &bootstrapped(Resample::Clusters, false),
        );
        let themes: Vec<&str> = rows.iter().map(|r| r.theme.as_str()).collect();
        assert_eq!(
            themes,
            ["t", "u", ALL_THEMES],
            "no per-transcript rows asked"
        );
        // A resample draws two transcripts: T1 twice (agreement 1, probability 1/4), T2
        // twice (0, 1/4) or one of each (0.5, 1/2); the 25th and 976th of 1000 sorted
        // replicates are 0 and 1. The pooled row resamples the same transcripts.
        for r in &rows {
            assert_eq!(r.percent_agreement.value, Some(0.5));
            assert_eq!(
                r.percent_agreement.interval,
                Some((0.0, 1.0)),
                "{}",
                r.theme
            );
            assert_eq!(r.resampling, Some(Resample::Clusters));
        }
        // Resampling the 8 turns as if independent gives a far narrower interval.
        let units = agreement_rows(
            &d,
            &options(UnitKind::Turn),
            &bootstrapped(Resample::Units, true),
        );
        assert_eq!(units.len(), 2 * 2 + 3, "per-transcript rows first");
        assert_eq!(
            units[0].resampling, None,
            "per-transcript rows have no intervals"
        );
        let (lo, hi) = units[4].percent_agreement.interval.unwrap();
        assert!(0.0 < lo && hi < 1.0, "{lo} {hi}");
        assert_eq!(units[4].resampling, Some(Resample::Units));
    }

    #[test]
    fn resampling_transcripts_needs_the_per_transcript_counts() {
        let rows = agreement_rows(
            &data(&["t"]),
            &options(UnitKind::Turn),
            &bootstrapped(Resample::Clusters, true),
        );
        assert_eq!(rows[0].percent_agreement.value, Some(0.75));
        assert_eq!(rows[0].percent_agreement.interval, None);
        assert_eq!(rows[0].resampling, None);
    }

    #[test]
    fn segment_rows_give_the_matched_share_and_kappa_n_when_pooled() {
        let mut d = data(&["t", "u"]);
        for c in &mut d.pooled {
            c.segments = 4;
            c.segment_agreements = 3;
        }
        let rows = agreement_rows(&d, &options(UnitKind::Segment), &TableOptions::default());
        assert_eq!(rows[0].percent_agreement.value, Some(0.75));
        assert_eq!(rows[0].brennan_prediger, None, "κn only on the pooled row");
        let pooled = &rows[2];
        // 6 of 8 segments matched; q = 2 themes: κn = (0.75 − 1/2)/(1 − 1/2) = 0.5.
        assert_eq!(pooled.percent_agreement.value, Some(0.75));
        assert_eq!(pooled.brennan_prediger, Some(0.5));
        assert!(pooled.note.contains("κn = 0.500"), "{}", pooled.note);
    }
}
