//! Chance-corrected coefficients (p_a − p_e)/(1 − p_e) and Gwet's (2014) multi-coder
//! family: percent agreement, Fleiss' κ, Gwet's AC1 and Brennan–Prediger, all with missing
//! ratings allowed.

use serde::Serialize;

use crate::Ratings;

/// A coefficient of the form κ = (p_a − p_e)/(1 − p_e), where p_a is the observed and p_e
/// the chance agreement. How each one treats missing ratings is documented on the
/// [`Ratings`] method of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coefficient {
    /// Cohen's κ (1960): two coders, each coder's own marginals ([`Ratings::cohen_kappa`]).
    CohenKappa,
    /// Scott's π (1955): two coders, pooled marginals ([`Ratings::scott_pi`]).
    ScottPi,
    /// Fleiss' κ (1971) with Gwet's (2014) treatment of missing ratings
    /// ([`Ratings::fleiss_kappa`]).
    FleissKappa,
    /// Conger's κ (1980), the multi-coder Cohen's κ ([`Ratings::conger_kappa`]).
    CongerKappa,
    /// Gwet's AC1 (2008) ([`Ratings::gwet_ac1`]).
    GwetAc1,
    /// Brennan & Prediger's κ_n (1981), chance agreement 1/q ([`Ratings::brennan_prediger`]).
    BrennanPrediger,
}

impl Coefficient {
    /// Every coefficient, in declaration order.
    pub const ALL: [Coefficient; 6] = [
        Coefficient::CohenKappa,
        Coefficient::ScottPi,
        Coefficient::FleissKappa,
        Coefficient::CongerKappa,
        Coefficient::GwetAc1,
        Coefficient::BrennanPrediger,
    ];

    /// A display name, e.g. `Cohen's kappa`.
    pub fn name(self) -> &'static str {
        match self {
            Coefficient::CohenKappa => "Cohen's kappa",
            Coefficient::ScottPi => "Scott's pi",
            Coefficient::FleissKappa => "Fleiss' kappa",
            Coefficient::CongerKappa => "Conger's kappa",
            Coefficient::GwetAc1 => "Gwet's AC1",
            Coefficient::BrennanPrediger => "Brennan-Prediger",
        }
    }
}

/// The observed agreement p_a and chance agreement p_e behind a [`Coefficient`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Components {
    /// Observed agreement p_a.
    pub observed: f64,
    /// Chance agreement p_e.
    pub expected: f64,
}

impl Components {
    /// (p_a − p_e)/(1 − p_e), or `None` when p_e is 1 (up to 1e-12), the 0/0 case of
    /// coders who all use a single category.
    pub fn value(&self) -> Option<f64> {
        chance_corrected(self.observed, self.expected)
    }
}

/// (observed − expected)/(1 − expected), `None` when expected is (within 1e-12 of) 1.
pub(crate) fn chance_corrected(observed: f64, expected: f64) -> Option<f64> {
    let room = 1.0 - expected;
    if room <= 1e-12 {
        return None;
    }
    Some((observed - expected) / room)
}

/// Gwet's building blocks: p_a over units with two or more ratings, and π_k, the mean over
/// units with at least one rating of the share of the unit's ratings in category k.
struct GwetParts {
    observed: f64,
    pi: Vec<f64>,
}

impl Ratings {
    /// The p_a and p_e of `coefficient`, or `None` when either is undefined (for instance
    /// no unit rated by two coders, or a two-coder coefficient on other than two coders).
    pub fn components(&self, coefficient: Coefficient) -> Option<Components> {
        match coefficient {
            Coefficient::CohenKappa => self.cohen_components(),
            Coefficient::ScottPi => self.scott_components(),
            Coefficient::CongerKappa => self.conger_components(),
            Coefficient::FleissKappa => {
                let parts = self.gwet_parts()?;
                let expected = parts.pi.iter().map(|p| p * p).sum();
                Some(Components {
                    observed: parts.observed,
                    expected,
                })
            }
            Coefficient::GwetAc1 => {
                let q = self.category_count();
                if q < 2 {
                    return None;
                }
                let parts = self.gwet_parts()?;
                let spread: f64 = parts.pi.iter().map(|p| p * (1.0 - p)).sum();
                Some(Components {
                    observed: parts.observed,
                    expected: spread / (q - 1) as f64,
                })
            }
            Coefficient::BrennanPrediger => {
                let q = self.category_count();
                let observed = self.percent_agreement()?;
                Some(Components {
                    observed,
                    expected: 1.0 / q as f64,
                })
            }
        }
    }

    /// The value of `coefficient`; `None` where [`Ratings::components`] is `None` or p_e = 1.
    pub fn coefficient(&self, coefficient: Coefficient) -> Option<f64> {
        self.components(coefficient)?.value()
    }

    /// Percent agreement (Fleiss/Gwet p_a): over units rated by at least two coders, the
    /// mean share of agreeing coder pairs, Σ_k r_ik(r_ik − 1)/(r_i(r_i − 1)). For two coders
    /// with complete data, the share of units coded identically. Units with fewer than two
    /// ratings are left out. `None` when no unit has two ratings.
    pub fn percent_agreement(&self) -> Option<f64> {
        let mut sum = 0.0;
        let mut n = 0.0;
        self.for_each_unit(|w, m, counts| {
            if m >= 2 {
                sum += w * pair_agreement(m, counts);
                n += w;
            }
        });
        (n > 0.0).then(|| sum / n)
    }

    /// Fleiss' κ (1971) generalised to missing ratings as in Gwet (2014) and irrCAC:
    /// p_a is [`Ratings::percent_agreement`]; p_e = Σ_k π_k², where π_k averages, over every
    /// unit with at least one rating, the share of that unit's ratings in category k (so
    /// units rated once count towards chance agreement but not towards p_a). With complete
    /// data this is Fleiss' κ; with two coders and complete data, Scott's π.
    ///
    /// `None` when no unit has two ratings or all ratings fall in one category (p_e = 1).
    pub fn fleiss_kappa(&self) -> Option<f64> {
        self.coefficient(Coefficient::FleissKappa)
    }

    /// Gwet's AC1 (2008), with missing ratings as in Gwet (2014): p_a as in
    /// [`Ratings::fleiss_kappa`], p_e = Σ_k π_k(1 − π_k)/(q − 1) with q =
    /// [`Ratings::category_count`] (declare it with [`Ratings::with_categories`]; irrCAC
    /// counts only categories that occur unless told otherwise).
    ///
    /// Unlike κ, AC1 is defined, and 1, when every coder uses a single category.
    /// `None` when q < 2 or no unit has two ratings.
    pub fn gwet_ac1(&self) -> Option<f64> {
        self.coefficient(Coefficient::GwetAc1)
    }

    /// Brennan & Prediger's (1981) κ_n, also Bennett et al.'s S and Randolph's free-marginal
    /// κ: p_a as in [`Ratings::percent_agreement`], p_e = 1/q with q =
    /// [`Ratings::category_count`], the number of *declared* categories (MAXQDA's "number of
    /// codes in the table"; the Randolph calculator and statsmodels agree, irrCAC and nltk
    /// count categories that occur). Declare q with [`Ratings::with_categories`]; by default
    /// it is the largest category index used plus one.
    ///
    /// Defined, and 1, when every coder uses a single category. `None` when q < 2 or no
    /// unit has two ratings.
    pub fn brennan_prediger(&self) -> Option<f64> {
        self.coefficient(Coefficient::BrennanPrediger)
    }

    /// p_a and π_k of the Gwet (2014) family; `None` when no unit has two ratings.
    fn gwet_parts(&self) -> Option<GwetParts> {
        let mut pi = vec![0.0; self.label_count()];
        let (mut rated, mut agree, mut pairable) = (0.0, 0.0, 0.0);
        self.for_each_unit(|w, m, counts| {
            rated += w;
            for &(c, r) in counts {
                pi[c as usize] += w * f64::from(r) / f64::from(m);
            }
            if m >= 2 {
                pairable += w;
                agree += w * pair_agreement(m, counts);
            }
        });
        if pairable <= 0.0 {
            return None;
        }
        pi.iter_mut().for_each(|p| *p /= rated);
        Some(GwetParts {
            observed: agree / pairable,
            pi,
        })
    }
}

/// The share of agreeing ordered coder pairs in a unit with `m` ≥ 2 ratings.
pub(crate) fn pair_agreement(m: u32, counts: &[(u32, u32)]) -> f64 {
    let agreeing: f64 = counts
        .iter()
        .map(|&(_, r)| f64::from(r) * f64::from(r.saturating_sub(1)))
        .sum();
    let m = f64::from(m);
    agreeing / (m * (m - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_category_is_undefined_for_kappa_but_one_for_ac1_and_bp() {
        let r = Ratings::new(2, vec![vec![Some(0), Some(0)]; 4]).with_categories(2);
        assert_eq!(r.fleiss_kappa(), None);
        assert_eq!(r.gwet_ac1(), Some(1.0));
        assert_eq!(r.brennan_prediger(), Some(1.0));
        let undeclared = Ratings::new(2, vec![vec![Some(0), Some(0)]; 4]);
        assert_eq!(undeclared.gwet_ac1(), None);
        assert_eq!(undeclared.brennan_prediger(), None);
    }

    #[test]
    fn no_pairable_unit_gives_none() {
        let r = Ratings::new(3, [[Some(0), None, None], [None, Some(1), None]]);
        for c in Coefficient::ALL {
            assert_eq!(r.coefficient(c), None, "{}", c.name());
        }
        assert_eq!(r.percent_agreement(), None);
    }

    #[test]
    fn single_ratings_count_towards_chance_only() {
        let paired = Ratings::new(2, [[Some(0), Some(0)], [Some(1), Some(0)]]);
        let extra = Ratings::new(2, [[Some(0), Some(0)], [Some(1), Some(0)], [Some(1), None]]);
        assert_eq!(paired.percent_agreement(), extra.percent_agreement());
        assert_ne!(paired.fleiss_kappa(), extra.fleiss_kappa());
    }
}
