//! Agreement over coded segments, MAXQDA's "segment level": the share of segments the other
//! coders matched, and Brennan & Prediger's κ_n over it.

use serde::Serialize;

use crate::chance::chance_corrected;

/// Counts of coded segments compared between coders, and how many of them were matched.
///
/// With free segmentation the units are the segments the coders made, so there are no units
/// that every coder left uncoded (the "neither" cell). What the segments are, and what
/// matches one, is the caller's choice: `thematic agree --unit segment` takes each coder's
/// segments of a theme and calls one matched when every other coder has a segment of the
/// theme that overlaps it by at least a share of intersection over union. Counting each
/// coder's segments (not pairs), two coders with N₁ and N₂ segments and A matched pairs,
/// each segment matching at most one, give 2A matched of N₁ + N₂: the percent agreement is
/// then Holsti's index 2A/(N₁ + N₂) (Holsti, O. R. (1969). *Content Analysis for the Social
/// Sciences and Humanities*. Addison-Wesley).
///
/// ```
/// use thematic_agreement::SegmentAgreement;
///
/// // 8 segments, 6 of them matched; 4 themes in the table.
/// let s = SegmentAgreement { segments: 8, matched: 6 };
/// assert_eq!(s.percent_agreement(), Some(0.75));
/// assert!((s.brennan_prediger(4).unwrap() - 2.0 / 3.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SegmentAgreement {
    /// The segments compared.
    pub segments: usize,
    /// Those of them that were matched (at most `segments`).
    pub matched: usize,
}

impl SegmentAgreement {
    /// p = matched / segments; `None` when no segment was compared.
    pub fn percent_agreement(&self) -> Option<f64> {
        (self.segments > 0).then(|| self.matched as f64 / self.segments as f64)
    }

    /// Brennan & Prediger's (1981) κ_n = (p − 1/q)/(1 − 1/q), with p the
    /// [`percent_agreement`](SegmentAgreement::percent_agreement) and chance agreement 1/q,
    /// q being the number of codes (themes) compared. This is MAXQDA's segment-level κ: its
    /// manual (Intercoder Agreement) takes chance agreement as 1 over the number of codes
    /// in the result table, so choosing fewer codes lowers κ_n.
    ///
    /// Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses, and
    /// alternatives. *Educational and Psychological Measurement*, 41(3), 687–699.
    ///
    /// κ_n runs from −1/(q − 1) (no segment matched) to 1 (every one). `None` when no
    /// segment was compared or q < 2.
    pub fn brennan_prediger(&self, codes: usize) -> Option<f64> {
        if codes < 2 {
            return None;
        }
        chance_corrected(self.percent_agreement()?, 1.0 / codes as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn maxqda_kappa_over_four_themes() {
        // docs/agreement.md, "Segments, the MAXQDA way": 8 segments compared, 6 matched,
        // 4 themes. p = 6/8 = 0.75, p_e = 1/4, κ_n = (0.75 − 0.25)/(1 − 0.25) = 0.5/0.75
        // = 2/3 (printed 0.667).
        let s = SegmentAgreement {
            segments: 8,
            matched: 6,
        };
        assert_eq!(s.percent_agreement(), Some(0.75));
        assert!(close(s.brennan_prediger(4), 2.0 / 3.0));
        // Fewer themes, more chance agreement: q = 2 gives (0.75 − 0.5)/0.5 = 0.5, and
        // q = 9 gives (0.75 − 1/9)/(8/9) = (23/36)/(8/9) = 23/32 = 0.71875.
        assert!(close(s.brennan_prediger(2), 0.5));
        assert!(close(s.brennan_prediger(9), 23.0 / 32.0));
    }

    #[test]
    fn two_coders_give_holstis_index() {
        // N₁ = 3 and N₂ = 5 segments, A = 2 matched pairs: 4 of the 8 segments matched.
        // Holsti: 2A/(N₁ + N₂) = 4/8 = 0.5. With q = 2, κ_n = (0.5 − 0.5)/0.5 = 0.
        let s = SegmentAgreement {
            segments: 3 + 5,
            matched: 2 * 2,
        };
        assert_eq!(s.percent_agreement(), Some(0.5));
        assert_eq!(s.brennan_prediger(2), Some(0.0));
    }

    #[test]
    fn bounds_are_one_and_minus_one_over_q_minus_one() {
        // Every segment matched: p = 1, κ_n = (1 − 1/q)/(1 − 1/q) = 1 for any q.
        let all = SegmentAgreement {
            segments: 5,
            matched: 5,
        };
        for q in [2, 3, 9] {
            assert!(close(all.brennan_prediger(q), 1.0), "q = {q}");
        }
        // None matched: p = 0, κ_n = −(1/4)/(3/4) = −1/3 with q = 4.
        let none = SegmentAgreement {
            segments: 5,
            matched: 0,
        };
        assert_eq!(none.percent_agreement(), Some(0.0));
        assert!(close(none.brennan_prediger(4), -1.0 / 3.0));
    }

    #[test]
    fn undefined_without_segments_or_with_fewer_than_two_codes() {
        let empty = SegmentAgreement::default();
        assert_eq!(empty.percent_agreement(), None);
        assert_eq!(empty.brennan_prediger(4), None);
        // q = 1: chance agreement is 1 and κ_n is 0/0; q = 0 has no chance agreement.
        let s = SegmentAgreement {
            segments: 4,
            matched: 3,
        };
        assert_eq!(s.brennan_prediger(1), None);
        assert_eq!(s.brennan_prediger(0), None);
    }
}
