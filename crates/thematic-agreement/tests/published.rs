//! Every statistic against values printed in the literature and in the documentation of
//! the reference implementations, asserted to the printed precision. Each test names its
//! source; where the source is a secondary one (a test suite or manual that reproduces a
//! paper's example), both are named.
#![allow(clippy::unwrap_used)]

use thematic_agreement::{Coefficient, KappaWeights, Level, PairDraws, Ratings};

/// Rounds like a printed table: `printed(0.43024, 3) == "0.430"`.
fn printed(value: Option<f64>, decimals: usize) -> String {
    format!("{:.*}", decimals, value.unwrap())
}

/// A two-coder contingency table (rows: coder 1, columns: coder 2) as ratings.
fn table(cells: &[&[usize]]) -> Ratings {
    Ratings::from_patterns(
        2,
        cells.iter().enumerate().flat_map(|(a, row)| {
            row.iter()
                .enumerate()
                .map(move |(b, &n)| ([Some(a), Some(b)], n))
        }),
    )
}

/// Fleiss-form data (per unit, how many of the `m` raters chose each category) as ratings;
/// which rater gave which rating is arbitrary, as in the sources.
fn distribution(m: usize, units: &[&[usize]]) -> Ratings {
    Ratings::new(
        m,
        units.iter().map(|counts| {
            counts
                .iter()
                .enumerate()
                .flat_map(|(k, &n)| std::iter::repeat_n(Some(k), n))
                .collect::<Vec<_>>()
        }),
    )
}

/// Rows of category indices, `None` for the missing-value marker.
fn rows<const C: usize>(units: &[[Option<usize>; C]]) -> Ratings {
    Ratings::new(C, units.iter().copied())
}

/// Krippendorff's "C" reliability data, 4 observers × 12 units, values 1–5 stored as
/// category indices 0–4 with values 1–5.
fn krippendorff_c() -> Ratings {
    let observers: [[u8; 12]; 4] = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
        [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
    ];
    let units = (0..12).map(|u| {
        observers
            .iter()
            .map(|o| (o[u] > 0).then(|| usize::from(o[u]) - 1))
            .collect::<Vec<_>>()
    });
    Ratings::new(4, units)
        .with_values(&[1.0, 2.0, 3.0, 4.0, 5.0])
        .unwrap()
}

/// Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
/// Psychological Measurement, 20(1), 37–46, Table 1: 200 units, three categories,
/// p_o = .70, p_c = .41, κ = .492.
#[test]
fn cohen_1960_table_1() {
    let r = table(&[&[88, 14, 18], &[10, 40, 10], &[2, 6, 12]]);
    let c = r.components(Coefficient::CohenKappa).unwrap();
    assert_eq!(printed(Some(c.observed), 2), "0.70");
    assert_eq!(printed(Some(c.expected), 2), "0.41");
    assert_eq!(printed(r.cohen_kappa(), 3), "0.492");
}

/// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
/// for Communication, University of Pennsylvania, example C (4 observers, 12 units, values
/// 1–5, missing data): nominal α = .743, ordinal .815, interval .849, ratio .797.
#[test]
fn krippendorff_2011_example_c_all_levels() {
    let r = krippendorff_c();
    assert_eq!(printed(r.krippendorff_alpha(Level::Nominal), 3), "0.743");
    assert_eq!(printed(r.krippendorff_alpha(Level::Ordinal), 3), "0.815");
    assert_eq!(printed(r.krippendorff_alpha(Level::Interval), 3), "0.849");
    assert_eq!(printed(r.krippendorff_alpha(Level::Ratio), 3), "0.797");
    assert_eq!(
        r.krippendorff_alpha_nominal(),
        r.krippendorff_alpha(Level::Nominal)
    );
}

/// Gwet's irrCAC README (K. Gwet, R package irrCAC, after Gwet 2014, Handbook of
/// Inter-Rater Reliability, 4th ed.), dataset `cac.raw4raters`:
/// pa 0.8181818; AC1 0.77544 with pe 0.1903212; Fleiss 0.76117 with pe 0.2387153;
/// Krippendorff 0.74342; Conger 0.76282 with pe 0.2334252; Brennan–Prediger 0.77273 with
/// pe 0.2 (five categories 1–5, all used).
#[test]
fn irrcac_raw4raters() {
    // As printed in the README: Krippendorff's C data, except that the lone rating of unit
    // 12 is Rater3's (observer B's in Krippendorff 2011), which only Conger's κ can tell.
    let s = |v: usize| Some(v - 1);
    let n = None;
    let r = rows(&[
        [s(1), s(1), n, s(1)],
        [s(2), s(2), s(3), s(2)],
        [s(3), s(3), s(3), s(3)],
        [s(3), s(3), s(3), s(3)],
        [s(2), s(2), s(2), s(2)],
        [s(1), s(2), s(3), s(4)],
        [s(4), s(4), s(4), s(4)],
        [s(1), s(1), s(2), s(1)],
        [s(2), s(2), s(2), s(2)],
        [n, s(5), s(5), s(5)],
        [n, n, s(1), s(1)],
        [n, n, s(3), n],
    ]);
    assert_eq!(printed(r.percent_agreement(), 7), "0.8181818");
    let ac1 = r.components(Coefficient::GwetAc1).unwrap();
    assert_eq!(printed(Some(ac1.expected), 7), "0.1903212");
    assert_eq!(printed(r.gwet_ac1(), 5), "0.77544");
    let fleiss = r.components(Coefficient::FleissKappa).unwrap();
    assert_eq!(printed(Some(fleiss.expected), 7), "0.2387153");
    assert_eq!(printed(r.fleiss_kappa(), 5), "0.76117");
    assert_eq!(printed(r.krippendorff_alpha_nominal(), 5), "0.74342");
    let conger = r.components(Coefficient::CongerKappa).unwrap();
    assert_eq!(printed(Some(conger.expected), 7), "0.2334252");
    assert_eq!(printed(r.conger_kappa(), 5), "0.76282");
    let bp = r.components(Coefficient::BrennanPrediger).unwrap();
    assert_eq!(bp.expected, 0.2);
    assert_eq!(printed(r.brennan_prediger(), 5), "0.77273");
}

/// irrCAC README, contingency table `cont3x3abstractors` (Gwet 2014; 100 pregnant women,
/// two abstractors, Ectopic/AIU/NIU): Cohen 0.7964094, Scott 0.7962397, AC1 0.8493305,
/// Brennan–Prediger 0.835, Krippendorff 0.7972585, percent agreement 0.89.
#[test]
fn irrcac_cont3x3abstractors() {
    let r = table(&[&[13, 0, 0], &[0, 20, 7], &[0, 4, 56]]);
    assert_eq!(printed(r.cohen_kappa(), 7), "0.7964094");
    assert_eq!(printed(r.scott_pi(), 7), "0.7962397");
    assert_eq!(printed(r.gwet_ac1(), 7), "0.8493305");
    assert_eq!(printed(r.brennan_prediger(), 3), "0.835");
    assert_eq!(printed(r.krippendorff_alpha_nominal(), 7), "0.7972585");
    assert_eq!(printed(r.percent_agreement(), 2), "0.89");
}

/// irrCAC README, `distrib.6raters` (the first 15 patients of Fleiss 1971, 6 raters):
/// AC1 0.4448007 (pa 0.5511111, pe 0.1914815), Fleiss 0.4139265 (pe 0.2340741),
/// Krippendorff 0.4204384, Brennan–Prediger 0.4388889.
#[test]
fn irrcac_distrib_6raters() {
    let r = distribution(
        6,
        &[
            &[0, 0, 0, 6, 0],
            &[0, 3, 0, 0, 3],
            &[0, 1, 4, 0, 1],
            &[0, 0, 0, 0, 6],
            &[0, 3, 0, 3, 0],
            &[2, 0, 4, 0, 0],
            &[0, 0, 4, 0, 2],
            &[2, 0, 3, 1, 0],
            &[2, 0, 0, 4, 0],
            &[0, 0, 0, 0, 6],
            &[1, 0, 0, 5, 0],
            &[1, 1, 0, 4, 0],
            &[0, 3, 3, 0, 0],
            &[1, 0, 0, 5, 0],
            &[0, 2, 0, 3, 1],
        ],
    );
    let ac1 = r.components(Coefficient::GwetAc1).unwrap();
    assert_eq!(printed(Some(ac1.observed), 7), "0.5511111");
    assert_eq!(printed(Some(ac1.expected), 7), "0.1914815");
    assert_eq!(printed(r.gwet_ac1(), 7), "0.4448007");
    let fleiss = r.components(Coefficient::FleissKappa).unwrap();
    assert_eq!(printed(Some(fleiss.expected), 7), "0.2340741");
    assert_eq!(printed(r.fleiss_kappa(), 7), "0.4139265");
    assert_eq!(printed(r.krippendorff_alpha_nominal(), 7), "0.4204384");
    assert_eq!(printed(r.brennan_prediger(), 7), "0.4388889");
}

/// Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
/// Psychological Bulletin, 76(5), 378–382: 30 patients, 6 psychiatrists each, 5 diagnoses
/// (raw data as R irr's `diagnoses`): P̄ = .5556, κ = .430, and the category-specific κ_j
/// (Table 2) .245, .245, .520, .471, .566. (Fleiss prints P̄_e = .2201 from rounded p_j;
/// unrounded it is .2199, so it is not asserted.) R irr `kappam.fleiss(diagnoses)` gives
/// 0.4302445 (statsmodels' test_inter_rater.py).
#[test]
fn fleiss_1971_diagnoses() {
    let d: [[usize; 6]; 30] = [
        [4, 4, 4, 4, 4, 4],
        [2, 2, 2, 5, 5, 5],
        [2, 3, 3, 3, 3, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4],
        [1, 1, 3, 3, 3, 3],
        [3, 3, 3, 3, 5, 5],
        [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4],
        [5, 5, 5, 5, 5, 5],
        [1, 4, 4, 4, 4, 4],
        [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3],
        [1, 4, 4, 4, 4, 4],
        [2, 2, 4, 4, 4, 5],
        [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5],
        [1, 1, 1, 1, 1, 2],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 4, 4, 4, 4, 4],
        [2, 2, 4, 5, 5, 5],
        [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5],
        [2, 2, 2, 2, 2, 4],
        [1, 1, 1, 1, 5, 5],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3],
        [5, 5, 5, 5, 5, 5],
    ];
    let r = Ratings::new(6, d.iter().map(|u| u.map(Some)));
    let c = r.components(Coefficient::FleissKappa).unwrap();
    assert_eq!(printed(Some(c.observed), 4), "0.5556");
    assert_eq!(printed(r.fleiss_kappa(), 3), "0.430");
    assert_eq!(printed(r.fleiss_kappa(), 7), "0.4302445");
    let kappas: Vec<String> = r
        .category_agreement()
        .iter()
        .map(|c| printed(c.kappa, 3))
        .collect();
    assert_eq!(kappas, ["0.245", "0.245", "0.520", "0.471", "0.566"]);
}

/// Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters, 5 categories):
/// κ = 0.210, as asserted in statsmodels' test_inter_rater.py.
#[test]
fn wikipedia_fleiss_example() {
    let r = distribution(
        14,
        &[
            &[0, 0, 0, 0, 14],
            &[0, 2, 6, 4, 2],
            &[0, 0, 3, 5, 6],
            &[0, 3, 9, 2, 0],
            &[2, 2, 8, 1, 1],
            &[7, 7, 0, 0, 0],
            &[3, 2, 6, 3, 0],
            &[2, 5, 3, 2, 2],
            &[6, 5, 2, 1, 0],
            &[0, 2, 2, 3, 7],
        ],
    );
    assert_eq!(printed(r.fleiss_kappa(), 3), "0.210");
}

/// Krippendorff, K. (2004). Content Analysis (2nd ed.), p. 224, binary data, two coders
/// (as reproduced in DKPro Statistics' Krippendorff2004Test): percent agreement .600,
/// D_o = .400, D_e = .442, α = .095. It is also ATLAS.ti's ICA manual example, coders
/// 1100000000 and 0110010100, whose percent agreement it prints as 6/10.
#[test]
fn krippendorff_2004_binary() {
    let a = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let b = [0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    let r = Ratings::binary(
        2,
        a.iter()
            .zip(&b)
            .map(|(x, y)| [Some(*x == 1), Some(*y == 1)]),
    );
    assert_eq!(printed(r.percent_agreement(), 3), "0.600");
    let parts = r.krippendorff_alpha_parts(Level::Nominal).unwrap();
    assert_eq!(printed(Some(parts.observed), 3), "0.400");
    assert_eq!(printed(Some(parts.expected), 3), "0.442");
    assert_eq!(printed(r.krippendorff_alpha_nominal(), 3), "0.095");
}

/// Krippendorff (2004), p. 227, two coders, 12 units, categories a–c (DKPro Statistics'
/// Krippendorff2004Test): percent agreement .833, α = .734.
#[test]
fn krippendorff_2004_three_categories() {
    let (a, b, c) = (Some(0), Some(1), Some(2));
    let r = rows(&[
        [a, a],
        [a, b],
        [b, b],
        [b, b],
        [b, b],
        [b, b],
        [b, c],
        [c, c],
        [c, c],
        [c, c],
        [c, c],
        [c, c],
    ]);
    assert_eq!(printed(r.percent_agreement(), 3), "0.833");
    assert_eq!(printed(r.krippendorff_alpha_nominal(), 3), "0.734");
}

/// Krippendorff (2004), p. 246: two tables with the same agreement, where Cohen's κ rewards
/// the coders' different marginals (DKPro Statistics' Krippendorff2004Test): percent
/// agreement .460, Bennett's S .190, Scott's π .186, Cohen's κ .186 and .258.
#[test]
fn krippendorff_2004_kappa_versus_pi() {
    let even = table(&[&[12, 9, 9], &[9, 14, 9], &[9, 9, 20]]);
    let skewed = table(&[&[12, 18, 18], &[0, 14, 18], &[0, 0, 20]]);
    for r in [&even, &skewed] {
        assert_eq!(printed(r.percent_agreement(), 3), "0.460");
        assert_eq!(printed(r.brennan_prediger(), 3), "0.190");
        assert_eq!(printed(r.scott_pi(), 3), "0.186");
    }
    assert_eq!(printed(even.cohen_kappa(), 3), "0.186");
    assert_eq!(printed(skewed.cohen_kappa(), 3), "0.258");
}

/// Krippendorff, K. (1980). Content Analysis, p. 139: three coders, nine units, values 1–4
/// (DKPro Statistics' Krippendorff1980Test): α nominal .642, interval .547, ratio .483.
/// (The percent agreement it lists as .740 is 20/27 = .7407, so it is not asserted.)
#[test]
fn krippendorff_1980_three_coders() {
    let units: [[usize; 3]; 9] = [
        [1, 1, 1],
        [1, 2, 2],
        [2, 2, 2],
        [4, 4, 4],
        [1, 4, 4],
        [2, 2, 2],
        [1, 2, 3],
        [3, 3, 3],
        [2, 2, 2],
    ];
    // Category index = value.
    let r = Ratings::new(3, units.iter().map(|u| u.map(Some)));
    assert_eq!(printed(r.krippendorff_alpha(Level::Nominal), 3), "0.642");
    assert_eq!(printed(r.krippendorff_alpha(Level::Interval), 3), "0.547");
    assert_eq!(printed(r.krippendorff_alpha(Level::Ratio), 3), "0.483");
}

/// Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
/// measure for coding data. Communication Methods and Measures, 1(1), 77–89, Table 1
/// (p. 84): 40 units, 5 observers, values 0–3 with missing data; ordinal α = .7598. Its
/// KALPHA bootstrap draws "a random sample of 239 pairs of judgments from the available
/// pairs" (quoted by K. Gwet, "Standard error of Krippendorff's alpha coefficient",
/// inter-rater-reliability.blogspot.com, 22 August 2015).
#[test]
fn hayes_krippendorff_2007_ordinal() {
    let n = None;
    let s = Some;
    let r = rows(&[
        [s(1), s(1), s(2), n, s(2)],
        [s(1), s(1), s(0), s(1), n],
        [s(2), s(3), s(3), s(3), n],
        [n, s(0), s(0), n, s(0)],
        [s(0), s(0), s(0), n, s(0)],
        [s(0), s(0), s(0), n, s(0)],
        [s(1), s(0), s(2), n, s(1)],
        [s(1), n, s(2), s(0), n],
        [s(2), s(2), s(2), n, s(2)],
        [s(2), s(1), s(1), s(1), n],
        [n, s(1), s(0), s(0), n],
        [s(0), s(0), s(0), s(0), n],
        [s(1), s(2), s(2), s(2), n],
        [s(3), s(3), s(2), s(2), s(3)],
        [s(1), s(1), s(1), n, s(1)],
        [s(1), s(1), s(1), n, s(1)],
        [s(2), s(1), s(2), n, s(2)],
        [s(1), s(2), s(3), s(3), n],
        [s(1), s(1), s(0), s(1), n],
        [s(0), s(0), s(0), n, s(0)],
        [s(0), s(0), s(1), s(1), n],
        [s(0), s(0), n, s(0), s(0)],
        [s(2), s(3), s(3), s(3), n],
        [s(0), s(0), s(0), s(0), n],
        [s(1), s(2), n, s(2), s(2)],
        [s(0), s(1), s(1), s(1), n],
        [s(0), s(0), s(0), s(1), s(0)],
        [s(1), s(2), s(1), s(2), n],
        [s(1), s(1), s(2), s(2), n],
        [s(1), s(1), s(2), n, s(2)],
        [s(1), s(1), s(0), n, s(0)],
        [s(2), s(1), s(2), s(1), n],
        [s(2), s(2), n, s(2), s(2)],
        [s(3), s(2), s(2), s(2), n],
        [s(2), s(2), s(2), n, s(2)],
        [s(2), s(2), s(3), n, s(2)],
        [s(2), s(2), s(2), n, s(2)],
        [s(2), s(2), n, s(1), s(2)],
        [s(2), s(2), s(2), s(2), n],
        [s(1), s(1), s(1), n, s(1)],
    ]);
    assert_eq!(r.units(), 40);
    assert_eq!(printed(r.krippendorff_alpha(Level::Ordinal), 4), "0.7598");
    assert_eq!(r.pair_draws(PairDraws::Pairs), 239);
}

/// Artstein, R., & Poesio, M. (2008). Inter-coder agreement for computational linguistics.
/// Computational Linguistics, 34(4), 555–596, examples on pp. 558 and 568 (as reproduced
/// in DKPro Statistics' ArtsteinPoesio2008Test): A_o = .7, S = .4, π = .341 with
/// A_e = .545, κ = .348 with A_e = .54; and A_o = .88, S = .82, π = .7995 with
/// A_e = .4014, κ = .8013 with A_e = .396.
#[test]
fn artstein_poesio_2008() {
    // Rows: coder A (STAT, IReq), columns: coder B.
    let first = table(&[&[20, 10], &[20, 50]]);
    assert_eq!(printed(first.percent_agreement(), 1), "0.7");
    assert_eq!(printed(first.brennan_prediger(), 1), "0.4");
    let pi = first.components(Coefficient::ScottPi).unwrap();
    assert_eq!(printed(Some(pi.expected), 3), "0.545");
    assert_eq!(printed(first.scott_pi(), 3), "0.341");
    let kappa = first.components(Coefficient::CohenKappa).unwrap();
    assert_eq!(printed(Some(kappa.expected), 2), "0.54");
    assert_eq!(printed(first.cohen_kappa(), 3), "0.348");

    // STAT, IReq, Chck.
    let second = table(&[&[46, 0, 0], &[6, 32, 6], &[0, 0, 10]]);
    assert_eq!(printed(second.percent_agreement(), 2), "0.88");
    assert_eq!(printed(second.brennan_prediger(), 2), "0.82");
    let pi = second.components(Coefficient::ScottPi).unwrap();
    assert_eq!(printed(Some(pi.expected), 4), "0.4014");
    assert_eq!(printed(second.scott_pi(), 4), "0.7995");
    let kappa = second.components(Coefficient::CohenKappa).unwrap();
    assert_eq!(printed(Some(kappa.expected), 3), "0.396");
    assert_eq!(printed(second.cohen_kappa(), 4), "0.8013");
}

/// Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses, and
/// alternatives. Educational and Psychological Measurement, 41(3), 687–699, pp. 689 and
/// 691 (proportions × 100; DKPro Statistics' BrennanPrediger1981Test): κ = .27 with
/// p_c = .45 and .29 with p_c = .44; κ_n = .40 for both (p_o = .60, three categories).
#[test]
fn brennan_prediger_1981() {
    let first = table(&[&[50, 0, 0], &[10, 10, 10], &[20, 0, 0]]);
    let second = table(&[&[50, 0, 10], &[0, 10, 10], &[10, 10, 0]]);
    for (r, pc, kappa) in [(&first, "0.45", "0.27"), (&second, "0.44", "0.29")] {
        let c = r.components(Coefficient::CohenKappa).unwrap();
        assert_eq!(printed(Some(c.observed), 2), "0.60");
        assert_eq!(printed(Some(c.expected), 2), pc);
        assert_eq!(printed(r.cohen_kappa(), 2), kappa);
        assert_eq!(printed(r.brennan_prediger(), 2), "0.40");
    }
}

/// Randolph's online kappa calculator (justusrandolph.net/kappa), outputs recorded in
/// statsmodels' test_inter_rater.py: subjects × categories counts [[7, 1], [3, 5]]:
/// overall agreement 0.607143, fixed-marginal (Fleiss) κ 0.161905, free-marginal κ
/// 0.214286; [[6, 1, 0], [0, 7, 0]] with three categories: 0.857143, 0.708333 and
/// free-marginal 0.785714 — q counts the *declared* third category nobody used.
#[test]
fn randolph_calculator() {
    let r = distribution(8, &[&[7, 1], &[3, 5]]);
    assert_eq!(printed(r.percent_agreement(), 6), "0.607143");
    assert_eq!(printed(r.fleiss_kappa(), 6), "0.161905");
    assert_eq!(printed(r.brennan_prediger(), 6), "0.214286");

    let r = distribution(7, &[&[6, 1, 0], &[0, 7, 0]]).with_categories(3);
    assert_eq!(printed(r.percent_agreement(), 6), "0.857143");
    assert_eq!(printed(r.fleiss_kappa(), 6), "0.708333");
    assert_eq!(printed(r.brennan_prediger(), 6), "0.785714");
}

/// Randolph, J. J. (2005). Free-marginal multirater kappa: an alternative to Fleiss'
/// fixed-marginal multirater kappa. Joensuu Learning and Instruction Symposium, p. 17
/// (DKPro Statistics' Randolph2005Test): three raters, yes/no; Fleiss' κ .33 (P̄ = .67,
/// P̄_e = .50) and −.20, free-marginal κ .33 in both.
#[test]
fn randolph_2005() {
    let (y, no) = (Some(1), Some(0));
    let first = rows(&[[y, y, y], [y, y, no], [no, no, y], [no, no, no]]);
    let c = first.components(Coefficient::FleissKappa).unwrap();
    assert_eq!(printed(Some(c.observed), 2), "0.67");
    assert_eq!(printed(Some(c.expected), 2), "0.50");
    assert_eq!(printed(first.fleiss_kappa(), 2), "0.33");
    assert_eq!(printed(first.brennan_prediger(), 2), "0.33");
    let second = rows(&[[y, y, y], [y, y, no], [y, y, no], [y, y, y]]);
    assert_eq!(printed(second.fleiss_kappa(), 2), "-0.20");
    assert_eq!(printed(second.brennan_prediger(), 2), "0.33");
}

/// Warrens, M. J. (2010). Inequalities between multi-rater kappas. Advances in Data
/// Analysis and Classification, 4(4), 271–286, p. 284, on O'Malley et al. (2006): 8
/// pathologists, 30 lesions, binary (DKPro Statistics' Warrens2010Test): Randolph's
/// (Brennan–Prediger) κ .8358, Fleiss' κ .8324, Light's κ .8325. These were computed from
/// rounded intermediates (p_a = .9179; unrounded, .917857 gives .835714, .832349 and a
/// mean pairwise κ of .832438), so they are asserted to three places.
#[test]
fn warrens_2010_eight_raters() {
    let (a, n) = (Some(1), Some(0));
    let r = Ratings::from_patterns(
        8,
        [
            ([n, n, n, n, n, n, n, n], 14),
            ([n, n, n, a, n, n, n, n], 1),
            ([n, n, n, n, n, n, n, a], 1),
            ([a, a, a, a, a, a, a, a], 10),
            ([a, a, n, a, a, a, a, n], 2),
            ([a, a, n, a, n, a, a, n], 1),
            ([a, a, n, a, n, a, n, n], 1),
        ],
    );
    assert_eq!(printed(r.brennan_prediger(), 3), "0.836");
    assert_eq!(printed(r.fleiss_kappa(), 3), "0.832");
    assert_eq!(printed(r.light_kappa(), 3), "0.832");
}

/// SAS PROC FREQ printout reproduced in statsmodels' test_inter_rater.py (table
/// [[0, 4, 1], [0, 8, 0], [0, 1, 5]]): simple κ 0.4842, weighted κ with SAS's default
/// Cicchetti–Allison (linear) weights 0.4701.
#[test]
fn sas_simple_and_weighted_kappa() {
    let r = table(&[&[0, 4, 1], &[0, 8, 0], &[0, 1, 5]]);
    assert_eq!(printed(r.cohen_kappa(), 4), "0.4842");
    assert_eq!(
        printed(r.cohen_kappa_weighted(KappaWeights::Unweighted), 4),
        "0.4842"
    );
    assert_eq!(
        printed(r.cohen_kappa_weighted(KappaWeights::Linear), 4),
        "0.4701"
    );
}

/// R irr `kappa2(anxiety[, 2:3])` with no, "equal" and "squared" weights, as recorded in
/// statsmodels' test_inter_rater.py: −0.006289308, 0.1459075, 0.2520325. irr spaces the
/// weights over the observed levels 1, 2, 3, 4, 6, so they are numbered 0–4 here.
#[test]
fn irr_anxiety_weighted_kappa() {
    let rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
    let rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];
    let level = |v: usize| Some([1, 2, 3, 4, 6].iter().position(|l| *l == v).unwrap());
    let r = Ratings::new(
        2,
        rater2
            .iter()
            .zip(&rater3)
            .map(|(a, b)| [level(*a), level(*b)]),
    );
    assert_eq!(printed(r.cohen_kappa(), 9), "-0.006289308");
    assert_eq!(
        printed(r.cohen_kappa_weighted(KappaWeights::Linear), 7),
        "0.1459075"
    );
    assert_eq!(
        printed(r.cohen_kappa_weighted(KappaWeights::Quadratic), 7),
        "0.2520325"
    );
}

/// Gwet's Ben/Gerry data (irrCAC `cac.ben.gerry`, Gwet 2014): 12 units, one rating of
/// Gerry missing. irrCAC's `fleiss.kappa.raw(cac.ben.gerry)`, which lets the unit with one
/// rating enter the category proportions, gives 0.649351; Scott's π on the 11 complete
/// pairs gives 0.648936. Both figures are recorded in the agreement spec the project was
/// given (`shared/specs/agreement.md`, "Convention traps", item 7: missing data with two
/// coders), summarised in `docs/agreement.md`.
#[test]
fn irrcac_ben_gerry_missing_rating() {
    let ben = "a a b b d c c c e d d a";
    let gerry = "b a b b b c c c e - d d";
    let code = |s: &str| (s != "-").then(|| usize::from(s.as_bytes()[0] - b'a'));
    let r = Ratings::new(
        2,
        ben.split(' ')
            .zip(gerry.split(' '))
            .map(|(a, b)| [code(a), code(b)]),
    );
    assert_eq!(printed(r.fleiss_kappa(), 6), "0.649351");
    assert_eq!(printed(r.scott_pi(), 6), "0.648936");
}
