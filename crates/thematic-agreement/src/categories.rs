//! Agreement per category: specific agreement and Fleiss' category-specific κ.

use serde::Serialize;

use crate::Ratings;
use crate::chance::chance_corrected;

/// Agreement on one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryAgreement {
    /// The category index.
    pub category: usize,
    /// Specific agreement (Uebersax's generalisation of Fleiss 1975): of the ordered pairs
    /// of ratings within a unit that involve this category at least once, the share where
    /// both are this category, Σ_i r_ik(r_ik − 1) / Σ_i r_ik(r_i − 1) over units with two or
    /// more ratings. For two coders, 2·n_kk/(n_k+ + n_+k); for binary data and category 1,
    /// positive agreement 2a/(2a + b + c). `None` when the category never occurs in a unit
    /// with two ratings.
    pub specific_agreement: Option<f64>,
    /// Fleiss' (1971) category-specific κ_k: Fleiss' κ (as in [`Ratings::fleiss_kappa`],
    /// with Gwet's treatment of missing ratings) of the category against all others put
    /// together. With complete data, 1 − Σ_i r_ik(m − r_ik) / (N m (m − 1) p_k (1 − p_k)).
    /// `None` when no unit has two ratings or the category is used by every or no rating.
    pub kappa: Option<f64>,
}

impl Ratings {
    /// Agreement on each category of [`Ratings::categories`], in that order. One pass over
    /// the units.
    pub fn category_agreement(&self) -> Vec<CategoryAgreement> {
        let labels = self.label_count();
        let mut same = vec![0.0; labels];
        let mut involving = vec![0.0; labels];
        let mut disagree = vec![0.0; labels];
        let mut pi = vec![0.0; labels];
        let (mut rated, mut pairable) = (0.0, 0.0);
        self.for_each_unit(|w, m, counts| {
            rated += w;
            let mf = f64::from(m);
            for &(c, r) in counts {
                pi[c as usize] += w * f64::from(r) / mf;
            }
            if m < 2 {
                return;
            }
            pairable += w;
            for &(c, r) in counts {
                let r = f64::from(r);
                same[c as usize] += w * r * (r - 1.0);
                involving[c as usize] += w * r * (mf - 1.0);
                disagree[c as usize] += w * 2.0 * r * (mf - r) / (mf * (mf - 1.0));
            }
        });
        (0..labels)
            .map(|c| {
                let specific_agreement = (involving[c] > 0.0).then(|| same[c] / involving[c]);
                let kappa = if pairable > 0.0 {
                    let p = pi[c] / rated;
                    chance_corrected(1.0 - disagree[c] / pairable, p * p + (1.0 - p) * (1.0 - p))
                } else {
                    None
                };
                CategoryAgreement {
                    category: self.label(c),
                    specific_agreement,
                    kappa,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_coder_specific_agreement_is_the_dice_ratio() {
        // Positive specific agreement 2a / (2a + b + c) and negative 2d / (2d + b + c):
        // Fleiss (1975), "Measuring agreement between two judges on the presence or absence
        // of a trait", Biometrics 31, 651–659; Cicchetti & Feinstein (1990), J Clin
        // Epidemiol 43, 551–558.
        // a = 40 both 1, b = 5 and c = 3 disagreements, d = 52 both 0.
        let r = Ratings::from_patterns(
            2,
            [
                ([Some(1), Some(1)], 40),
                ([Some(1), Some(0)], 5),
                ([Some(0), Some(1)], 3),
                ([Some(0), Some(0)], 52),
            ],
        );
        let per = r.category_agreement();
        let positive = per[1].specific_agreement.unwrap();
        assert!((positive - 80.0 / 88.0).abs() < 1e-12);
        let negative = per[0].specific_agreement.unwrap();
        assert!((negative - 104.0 / 112.0).abs() < 1e-12);
        // With two categories, each category against the rest is the whole table.
        let fleiss = r.fleiss_kappa().unwrap();
        assert!((per[0].kappa.unwrap() - fleiss).abs() < 1e-12);
        assert!((per[1].kappa.unwrap() - fleiss).abs() < 1e-12);
    }

    #[test]
    fn unused_or_universal_categories_are_undefined() {
        let r = Ratings::new(2, vec![vec![Some(0), Some(0)]; 3]).with_categories(2);
        let per = r.category_agreement();
        assert_eq!(per[0].specific_agreement, Some(1.0));
        assert_eq!(per[0].kappa, None);
        assert_eq!(per[1].specific_agreement, None);
        assert_eq!(per[1].kappa, None);
    }
}
