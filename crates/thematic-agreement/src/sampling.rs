//! Seeded binomial and multinomial draws for the bootstrap.
//!
//! Resampling N units with replacement from P distinct unit rows is a multinomial draw of
//! the P counts, done here as P conditional binomial draws, so a resample costs O(P)
//! rather than O(N). Binomials use inversion for small means and Hörmann's (1993) BTRS
//! transformed rejection otherwise; both are exact up to floating point.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A ChaCha8 stream: the same seed gives the same draws.
pub(crate) struct Sampler {
    rng: ChaCha8Rng,
}

impl Sampler {
    pub(crate) fn new(seed: u64) -> Sampler {
        Sampler {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Uniform in [0, 1) with 53 random bits.
    fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Splits `n` draws over categories with the given non-negative `weights` (not
    /// necessarily summing to 1), writing the counts to `out` (same length).
    pub(crate) fn multinomial(&mut self, n: usize, weights: &[f64], out: &mut [usize]) {
        out.iter_mut().for_each(|o| *o = 0);
        let Some(last) = weights.iter().rposition(|w| *w > 0.0) else {
            return;
        };
        let mut remaining = n;
        let mut mass: f64 = weights[..=last].iter().filter(|w| **w > 0.0).sum();
        for (i, &w) in weights[..last].iter().enumerate() {
            if remaining == 0 {
                return;
            }
            if w <= 0.0 {
                continue;
            }
            let p = if mass > 0.0 { w / mass } else { 1.0 };
            let x = self.binomial(remaining, p);
            out[i] = x;
            remaining -= x;
            mass -= w;
        }
        out[last] = remaining;
    }

    /// A Binomial(n, p) draw.
    pub(crate) fn binomial(&mut self, n: usize, p: f64) -> usize {
        if n == 0 || p.is_nan() || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if p > 0.5 {
            return n - self.binomial(n, 1.0 - p);
        }
        if n as f64 * p < 10.0 {
            self.inversion(n, p)
        } else {
            self.btrs(n, p)
        }
    }

    /// Sequential search of the CDF from 0 (Kachitvichyanukul & Schmeiser's BINV); the
    /// expected number of steps is about n·p + 1.
    fn inversion(&mut self, n: usize, p: f64) -> usize {
        let q = 1.0 - p;
        let s = p / q;
        let a = (n as f64 + 1.0) * s;
        let start = (n as f64 * (-p).ln_1p()).exp();
        loop {
            let mut u = self.uniform();
            let mut r = start;
            let mut x = 0usize;
            loop {
                if u < r {
                    return x;
                }
                u -= r;
                x += 1;
                if x > n || r <= 0.0 {
                    break; // rounding left mass unaccounted for: draw again
                }
                r *= a / x as f64 - s;
            }
        }
    }

    /// Hörmann's (1993) BTRS for n·p ≥ 10, p ≤ 0.5.
    fn btrs(&mut self, n: usize, p: f64) -> usize {
        let nf = n as f64;
        let q = 1.0 - p;
        let spq = (nf * p * q).sqrt();
        let b = 1.15 + 2.53 * spq;
        let a = -0.0873 + 0.0248 * b + 0.01 * p;
        let c = nf * p + 0.5;
        let v_r = 0.92 - 4.2 / b;
        let alpha = (2.83 + 5.1 / b) * spq;
        let lpq = (p / q).ln();
        let m = ((nf + 1.0) * p).floor();
        let h = ln_factorial(m) + ln_factorial(nf - m);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - u.abs();
            if us <= 0.0 {
                continue;
            }
            let k = ((2.0 * a / us + b) * u + c).floor();
            if k < 0.0 || k > nf {
                continue;
            }
            if us >= 0.07 && v <= v_r {
                return k as usize;
            }
            let v = (v * alpha / (a / (us * us) + b)).ln();
            if v <= h - ln_factorial(k) - ln_factorial(nf - k) + (k - m) * lpq {
                return k as usize;
            }
        }
    }
}

/// ln(k!) for a non-negative integer-valued `k`: a sum of logarithms below 30, Stirling's
/// series with three correction terms above (truncation error below 1e-13).
fn ln_factorial(k: f64) -> f64 {
    if k < 30.0 {
        let mut sum = 0.0;
        let mut i = 2.0;
        while i <= k {
            sum += f64::ln(i);
            i += 1.0;
        }
        return sum;
    }
    let z = k + 1.0;
    let z2 = z * z;
    let tail = (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / z2) / z2) / z;
    (k + 0.5) * z.ln() - z + 0.5 * (2.0 * std::f64::consts::PI).ln() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(sampler: &mut Sampler, n: usize, p: f64, draws: usize) -> (f64, f64) {
        let xs: Vec<f64> = (0..draws).map(|_| sampler.binomial(n, p) as f64).collect();
        let mean = xs.iter().sum::<f64>() / draws as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (draws as f64 - 1.0);
        (mean, var)
    }

    #[test]
    fn binomial_moments_match_for_both_algorithms() {
        let mut s = Sampler::new(7);
        let draws = 40_000;
        for &(n, p) in &[
            (5usize, 0.3),
            (40, 0.1),
            (1_000, 0.3),
            (1_000_000, 0.5),
            (1_000_000, 1e-6),
            (100_000, 0.9),
            (25, 0.5),
        ] {
            let (mean, var) = moments(&mut s, n, p, draws);
            let expect = n as f64 * p;
            let expect_var = expect * (1.0 - p);
            let se = (expect_var / draws as f64).sqrt();
            assert!(
                (mean - expect).abs() < 5.0 * se + 1e-9,
                "n={n} p={p} mean={mean}"
            );
            assert!(
                (var / expect_var - 1.0).abs() < 0.05,
                "n={n} p={p} var={var}"
            );
        }
    }

    #[test]
    fn btrs_frequencies_match_the_binomial_pmf() {
        let (n, p) = (60usize, 0.35);
        let draws = 200_000;
        let mut s = Sampler::new(11);
        let mut freq = vec![0usize; n + 1];
        for _ in 0..draws {
            freq[s.binomial(n, p)] += 1;
        }
        let nf = n as f64;
        for (k, &f) in freq.iter().enumerate() {
            let kf = k as f64;
            let pmf = (ln_factorial(nf) - ln_factorial(kf) - ln_factorial(nf - kf)
                + kf * p.ln()
                + (nf - kf) * (1.0 - p).ln())
            .exp();
            let expected = pmf * draws as f64;
            let sd = (expected * (1.0 - pmf)).sqrt();
            assert!(
                (f as f64 - expected).abs() < 5.0 * sd + 2.0,
                "k={k} observed {f} expected {expected}"
            );
        }
    }

    #[test]
    fn ln_factorial_is_continuous_at_the_switch() {
        let exact: f64 = (2..=30).map(|i| f64::ln(i as f64)).sum();
        assert!((ln_factorial(30.0) - exact).abs() < 1e-11);
    }

    #[test]
    fn multinomial_counts_sum_to_n_and_respect_zero_weights() {
        let mut s = Sampler::new(3);
        let mut out = vec![0; 4];
        for _ in 0..100 {
            s.multinomial(1000, &[0.2, 0.0, 0.5, 0.3], &mut out);
            assert_eq!(out.iter().sum::<usize>(), 1000);
            assert_eq!(out[1], 0);
        }
        s.multinomial(5, &[0.0, 0.0], &mut out[..2]);
        assert_eq!(&out[..2], &[0, 0]);
    }

    #[test]
    fn same_seed_same_draws() {
        let mut a = Sampler::new(42);
        let mut b = Sampler::new(42);
        for _ in 0..100 {
            assert_eq!(a.binomial(10_000, 0.37), b.binomial(10_000, 0.37));
        }
    }
}
