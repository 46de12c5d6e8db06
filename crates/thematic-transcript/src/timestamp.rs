//! One tolerant timestamp lexer for every format (spec §3).
//!
//! Hand-written: no crate reads all of `00:00:21.040`, `0:0:21.40` (legacy Teams, integer
//! milliseconds), `0:0:-6.-820`, `100:00:01.000`, `00:00:21,040` and `58:33` without either
//! failing or silently misreading one of them.

/// A parsed clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Milliseconds; signed (legacy Teams writes negative components).
    pub ms: i64,
    /// The fraction separator, if there was a fraction.
    pub separator: Option<char>,
    /// A 1–2 digit fraction was read as a decimal fraction (`1,5` → 1.500 s).
    pub ambiguous_fraction: bool,
    /// Minutes or seconds were 60 or more (accepted, leniently).
    pub over_59: bool,
}

/// How to read 1–2 digit fractions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FractionRule {
    /// A decimal fraction: `.5` is 500 ms (flagged as ambiguous).
    Decimal,
    /// Integer milliseconds, the legacy Teams profile: `21.40` is 21.040 s.
    IntegerMs,
}

/// Parses `[-]H:MM:SS[.fff]`, `MM:SS[.fff]`, `H:M:S.f`, with `.` or `,` before the fraction
/// and any number of hour digits. Returns `None` when `s` is not a clock time.
pub fn parse_clock(s: &str, rule: FractionRule) -> Option<Clock> {
    let s = s.trim();
    if s.is_empty() || s.len() > 32 {
        return None;
    }
    let (clock, fraction, separator) = match s.rfind(['.', ',']) {
        Some(i) if s[..i].contains(':') => (&s[..i], Some(&s[i + 1..]), s[i..].chars().next()),
        Some(_) => return None,
        None => (s, None, None),
    };
    let mut parts = [0i64; 3];
    let mut n = 0;
    for piece in clock.split(':') {
        if n == 3 {
            return None;
        }
        parts[n] = signed_int(piece)?;
        n += 1;
    }
    if n < 2 {
        return None;
    }
    let (h, m, sec) = if n == 3 {
        (parts[0], parts[1], parts[2])
    } else {
        (0, parts[0], parts[1])
    };
    let over_59 = m.abs() >= 60 || sec.abs() >= 60;
    let mut ambiguous_fraction = false;
    let frac_ms = match fraction {
        None => 0,
        Some(f) => {
            let negative = f.starts_with('-');
            let digits = f.trim_start_matches('-');
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let v: i64 = digits.parse().ok()?;
            let ms = match (digits.len(), rule) {
                (3, _) => v,
                (1 | 2, FractionRule::IntegerMs) => v,
                (1, FractionRule::Decimal) => {
                    ambiguous_fraction = true;
                    v * 100
                }
                (2, FractionRule::Decimal) => {
                    ambiguous_fraction = true;
                    v * 10
                }
                (len, _) => v / 10i64.pow(len as u32 - 3),
            };
            if negative { -ms } else { ms }
        }
    };
    Some(Clock {
        ms: ((h * 60 + m) * 60 + sec) * 1000 + frac_ms,
        separator,
        ambiguous_fraction,
        over_59,
    })
}

fn signed_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    Some(if s.starts_with('-') { -v } else { v })
}

/// Formats milliseconds as `hh:mm:ss` (negative times clamp to zero for display).
pub fn format_hms(ms: i64) -> String {
    let total = ms.max(0) / 1000;
    format!(
        "{:02}:{:02}:{:02}",
        total / 3600,
        total / 60 % 60,
        total % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        parse_clock(s, FractionRule::Decimal).unwrap().ms
    }

    #[test]
    fn vtt_and_srt_forms() {
        assert_eq!(ms("00:00:21.040"), 21_040);
        assert_eq!(ms("00:21.040"), 21_040);
        assert_eq!(ms("00:00:21,040"), 21_040);
        assert_eq!(ms("100:00:01.000"), 360_001_000);
        assert_eq!(ms("1:02:26"), 3_746_000);
        assert_eq!(ms("58:33"), 3_513_000);
    }

    #[test]
    fn legacy_teams_fractions_are_integer_milliseconds() {
        let c = parse_clock("0:0:21.40", FractionRule::IntegerMs).unwrap();
        assert_eq!(c.ms, 21_040);
        assert!(!c.ambiguous_fraction);
        assert_eq!(
            parse_clock("0:1:35.0", FractionRule::IntegerMs).unwrap().ms,
            95_000
        );
        assert_eq!(
            parse_clock("0:0:-6.-820", FractionRule::IntegerMs)
                .unwrap()
                .ms,
            -6_820
        );
    }

    #[test]
    fn short_fractions_elsewhere_are_decimal_and_flagged() {
        let c = parse_clock("00:00:01,5", FractionRule::Decimal).unwrap();
        assert_eq!(c.ms, 1_500);
        assert!(c.ambiguous_fraction);
    }

    #[test]
    fn not_times() {
        for s in ["", "12", "abc", "10:3x", "1:2:3:4", "1.5", "http://x"] {
            assert!(parse_clock(s, FractionRule::Decimal).is_none(), "{s}");
        }
    }

    #[test]
    fn over_59_is_accepted_and_flagged() {
        let c = parse_clock("00:75:00", FractionRule::Decimal).unwrap();
        assert!(c.over_59);
        assert_eq!(c.ms, 4_500_000);
    }
}
