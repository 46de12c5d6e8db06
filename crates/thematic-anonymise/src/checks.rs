//! Check digits and allocation rules of UK identifiers.

/// Whether ten digits are an NHS number: the mod-11 check digit (weights 10 down to 2 on
/// the first nine digits; check = 11 − (sum mod 11), 11 meaning 0 and 10 meaning "never
/// issued") equals the tenth. Spaces and hyphens are ignored; anything else, or a count of
/// digits other than ten, is not an NHS number.
///
/// NHS Digital, "NHS number" data dictionary entry: "The NHS Number is a 10 digit number
/// … the 10th digit is a check digit calculated using the Modulus 11 algorithm".
pub fn is_nhs_number(s: &str) -> bool {
    let mut digits = Vec::with_capacity(10);
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c as u32 - '0' as u32),
            ' ' | '-' => {}
            _ => return false,
        }
    }
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == digits[9]
}

/// Whether a string is a UK National Insurance number: two prefix letters, six digits and a
/// suffix letter A–D (spaces allowed between the pairs), with an allocated prefix. HMRC's
/// rules (National Insurance Manual NIM39110): the first letter is not D, F, I, Q, U or V;
/// the second is not D, F, I, O, Q, U or V; and the prefixes BG, GB, KN, NK, NT, TN and ZZ
/// are not allocated. The suffix may be left out (some forms do).
pub fn is_ni_number(s: &str) -> bool {
    let compact: Vec<char> = s.chars().filter(|c| *c != ' ').collect();
    if !(compact.len() == 8 || compact.len() == 9) {
        return false;
    }
    let (a, b) = (compact[0], compact[1]);
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() {
        return false;
    }
    if "DFIQUV".contains(a) || "DFIOQUV".contains(b) {
        return false;
    }
    let prefix: String = [a, b].iter().collect();
    if ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&prefix.as_str()) {
        return false;
    }
    if !compact[2..8].iter().all(char::is_ascii_digit) {
        return false;
    }
    compact.len() == 8 || matches!(compact[8], 'A'..='D')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_with_a_right_check_digit_pass() {
        // 9 4 3 4 7 6 5 9 1 weighted 10..2: 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 =
        // 2; 11 − 2 = 9 = the tenth digit.
        assert!(is_nhs_number("943 476 5919"));
        assert!(is_nhs_number("9434765919"));
        assert!(is_nhs_number("943-476-5919"));
        // 401 023 2137: 4·10 + 0·9 + 1·8 + 0·7 + 2·6 + 3·5 + 2·4 + 1·3 + 3·2 = 92;
        // 92 mod 11 = 4; 11 − 4 = 7 = the tenth digit.
        assert!(is_nhs_number("401 023 2137"));
    }

    #[test]
    fn wrong_check_digits_and_shapes_fail() {
        assert!(!is_nhs_number("943 476 5918")); // check digit should be 9
        assert!(!is_nhs_number("943 476 591")); // nine digits
        assert!(!is_nhs_number("943 476 59190")); // eleven
        assert!(!is_nhs_number("943.476.5919"));
        // 1 2 3 4 5 6 7 8 9: 10+18+24+28+30+30+28+24+18 = 210; 210 mod 11 = 1; 11 − 1 = 10:
        // a number whose check would be 10 is never issued, whatever the tenth digit.
        for last in 0..=9 {
            assert!(!is_nhs_number(&format!("123456789{last}")));
        }
    }

    #[test]
    fn ni_numbers_follow_the_prefix_rules() {
        assert!(is_ni_number("AB 12 34 56 C"));
        assert!(is_ni_number("AB123456C"));
        assert!(is_ni_number("JK 55 12 34")); // suffix left out
        // HMRC's own example QQ 12 34 56 C has a disallowed first letter (Q).
        assert!(!is_ni_number("QQ 12 34 56 C"));
        for bad in [
            "DA123456A",
            "FA123456A",
            "IA123456A",
            "UA123456A",
            "VA123456A",
        ] {
            assert!(!is_ni_number(bad), "{bad}");
        }
        for bad in ["AO123456A", "AD123456A", "AV123456A"] {
            assert!(!is_ni_number(bad), "{bad}");
        }
        for bad in [
            "BG123456A",
            "GB123456A",
            "KN123456A",
            "NK123456A",
            "NT123456A",
            "TN123456A",
            "ZZ123456A",
        ] {
            assert!(!is_ni_number(bad), "{bad}");
        }
        assert!(!is_ni_number("AB123456E")); // suffix beyond D
        assert!(!is_ni_number("ab123456c")); // lower case is not the format
        assert!(!is_ni_number("AB12345C"));
    }
}
