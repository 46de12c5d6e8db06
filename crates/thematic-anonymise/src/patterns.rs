//! Identifiers with a shape: e-mail and web addresses, phone numbers, UK postcodes, US ZIP
//! codes, full dates and dates of birth, NHS and National Insurance numbers, long digit
//! runs. Each pattern is a regular expression, checked further in code where a shape alone
//! says too little (check digits, dates that exist, the digit count of a phone number).

use std::sync::OnceLock;

use regex::{Regex, RegexSet};

use crate::checks::{is_nhs_number, is_ni_number};
use crate::context::Candidate;
use crate::kind::{Kind, Rule};
use crate::offsets::Offsets;

struct Patterns {
    email: Regex,
    url: Regex,
    uk_phone: Regex,
    us_phone: Regex,
    postcode: Regex,
    zip_after_state: Regex,
    zip_after_word: Regex,
    zip_plus_four: Regex,
    numeric_date: Regex,
    iso_date: Regex,
    day_month_year: Regex,
    month_day_year: Regex,
    birth_cue: Regex,
    birth_date: Regex,
    nhs: Regex,
    ni: Regex,
    long_digits: Regex,
    card: Regex,
    /// All of the above but `birth_date`, in [`Gate`] order: one pass over a text says
    /// which of them can match at all, and only those run.
    gate: RegexSet,
}

/// The patterns' places in [`Patterns::gate`].
#[derive(Debug, Clone, Copy)]
enum Gate {
    Email,
    Url,
    UkPhone,
    UsPhone,
    Postcode,
    ZipAfterState,
    ZipAfterWord,
    ZipPlusFour,
    NumericDate,
    IsoDate,
    DayMonthYear,
    MonthDayYear,
    BirthCue,
    Nhs,
    Ni,
    LongDigits,
    Card,
}

const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec";

const US_STATE_CODES: &str = "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR";

const US_STATES: &str = "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming";

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        // The expressions are constants: a failure to compile is a bug caught by the tests.
        // Word boundaries are ASCII ones: every identifier here is ASCII, and a Unicode
        // `\b` makes the regex engine give up its fast automaton on any text with a curly
        // quote or an accent (twenty times slower on the benchmark corpus).
        let re = |s: &str| {
            Regex::new(&s.replace(r"\b", r"(?-u:\b)"))
                .unwrap_or_else(|e| panic!("bad pattern {s}: {e}"))
        };
        let mut p = Patterns {
            email: re(r"\b[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
            url: re(r#"(?i)\b(?:https?://|www\.)[^\s<>"\[\]()]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:co\.uk|org\.uk|ac\.uk|gov\.uk|nhs\.uk|me\.uk|com|org|net|io|edu|gov|info)\b(?:/[^\s<>"\[\]()]*)?"#),
            uk_phone: re(r"(?:(?:\+|\b00)44[\s-]?(?:\(0\)[\s-]?)?|\(0|\b0)\d(?:[\s)-]{0,2}\d){8,9}\b"),
            us_phone: re(r"(?:\+1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"),
            postcode: re(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b"),
            zip_after_state: re(&format!(r"\b(?:{US_STATE_CODES}|{US_STATES}),?\s+(\d{{5}}(?:-\d{{4}})?)\b")),
            zip_after_word: re(r"(?i)\bzip(?:\s*code)?\s*(?:is|:)?\s*(\d{5}(?:-\d{4})?)\b"),
            zip_plus_four: re(r"\b\d{5}-\d{4}\b"),
            numeric_date: re(r"\b(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4}|\d{2})\b"),
            iso_date: re(r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"),
            day_month_year: re(&format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTHS})\.?,?\s+(?:19|20)\d{{2}}\b")),
            month_day_year: re(&format!(r"\b(?:{MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b")),
            birth_cue: re(r"(?i)\b(?:born(?:\s+on)?|date\s+of\s+birth(?:\s+is)?|d\.?o\.?b\.?|birthday(?:\s+is)?(?:\s+on)?)\s*[:\-]?\s*(?:the\s+)?"),
            birth_date: re(&format!(r"^(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTHS})\b(?:\.?,?\s+(?:19|20)\d{{2}}\b)?|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d{{2}}\b)?|(?:{MONTHS})\s+(?:19|20)\d{{2}}\b)")),
            nhs: re(r"\b[1-9]\d{2}[\s-]?\d{3}[\s-]?\d{4}\b"),
            ni: re(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}(?:\s?[A-D])?\b"),
            long_digits: re(r"\b\d{8,}\b"),
            card: re(r"\b\d{4}(?:[\s-]\d{4}){3}\b"),
            gate: RegexSet::empty(),
        };
        let sources = [
            &p.email,
            &p.url,
            &p.uk_phone,
            &p.us_phone,
            &p.postcode,
            &p.zip_after_state,
            &p.zip_after_word,
            &p.zip_plus_four,
            &p.numeric_date,
            &p.iso_date,
            &p.day_month_year,
            &p.month_day_year,
            &p.birth_cue,
            &p.nhs,
            &p.ni,
            &p.long_digits,
            &p.card,
        ]
        .map(Regex::as_str);
        p.gate = RegexSet::new(sources).unwrap_or_else(|e| panic!("bad pattern set: {e}"));
        p
    })
}

/// Adds every patterned identifier in `text` to `out`.
pub(crate) fn find(text: &str, offsets: &Offsets, out: &mut Vec<Candidate>) {
    let p = patterns();
    let mut push = |start: usize, end: usize, kind: Kind, rule: Rule| {
        out.push(Candidate {
            start: offsets.cp(start),
            end: offsets.cp(end),
            term: text[start..end].to_owned(),
            kind,
            rule,
        });
    };
    let hits = p.gate.matches(text);
    let on = |g: Gate| hits.matched(g as usize);
    if on(Gate::Email) {
        for m in p.email.find_iter(text) {
            push(m.start(), m.end(), Kind::Email, Rule::EmailPattern);
        }
    }
    if on(Gate::Url) {
        for m in p.url.find_iter(text) {
            let s = m
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
            if text[..m.start()].ends_with('@') {
                continue; // the domain of an e-mail address
            }
            if is_service_home(s) {
                continue; // "Transcribed by https://otter.ai": the tool, not a person
            }
            push(m.start(), m.start() + s.len(), Kind::Url, Rule::UrlPattern);
        }
    }
    {
        for m in on(Gate::UkPhone)
            .then(|| p.uk_phone.find_iter(text))
            .into_iter()
            .flatten()
        {
            let s = m.as_str();
            let digits = s.chars().filter(char::is_ascii_digit).count();
            // The national number: without the country code, with the trunk 0 (written
            // "(0)" or implied).
            let country = if s.starts_with('+') {
                2
            } else if s.starts_with("00") {
                4
            } else {
                0
            };
            let trunk = usize::from(country > 0 && !s.contains("(0)"));
            let national = digits.saturating_sub(country) + trunk;
            if (10..=11).contains(&national) {
                push(m.start(), m.end(), Kind::Phone, Rule::PhonePattern);
            }
        }
        for m in on(Gate::UsPhone)
            .then(|| p.us_phone.find_iter(text))
            .into_iter()
            .flatten()
        {
            let s = m.as_str();
            let area = s
                .strip_prefix("+1")
                .unwrap_or(s)
                .trim_start_matches([' ', '.', '-', '(']);
            if area.starts_with(['2', '3', '4', '5', '6', '7', '8', '9']) {
                push(m.start(), m.end(), Kind::Phone, Rule::PhonePattern);
            }
        }
        for m in on(Gate::Postcode)
            .then(|| p.postcode.find_iter(text))
            .into_iter()
            .flatten()
        {
            push(m.start(), m.end(), Kind::Postcode, Rule::UkPostcode);
        }
        for (gate, re) in [
            (Gate::ZipAfterState, &p.zip_after_state),
            (Gate::ZipAfterWord, &p.zip_after_word),
        ] {
            if !on(gate) {
                continue;
            }
            for c in re.captures_iter(text) {
                if let Some(g) = c.get(1) {
                    push(g.start(), g.end(), Kind::Zip, Rule::UsZip);
                }
            }
        }
        for m in on(Gate::ZipPlusFour)
            .then(|| p.zip_plus_four.find_iter(text))
            .into_iter()
            .flatten()
        {
            push(m.start(), m.end(), Kind::Zip, Rule::UsZip);
        }
        for c in on(Gate::NumericDate)
            .then(|| p.numeric_date.captures_iter(text))
            .into_iter()
            .flatten()
        {
            let n = |i: usize| {
                c.get(i)
                    .and_then(|g| g.as_str().parse::<u32>().ok())
                    .unwrap_or(0)
            };
            let (a, b) = (n(1), n(3));
            let same_separator = c.get(2).map(|g| g.as_str()) == c.get(4).map(|g| g.as_str());
            let valid = |day: u32, month: u32| (1..=31).contains(&day) && (1..=12).contains(&month);
            if same_separator
                && (valid(a, b) || valid(b, a))
                && let Some(m) = c.get(0)
            {
                push(m.start(), m.end(), Kind::Date, Rule::FullDate);
            }
        }
        for (gate, re) in [
            (Gate::IsoDate, &p.iso_date),
            (Gate::DayMonthYear, &p.day_month_year),
            (Gate::MonthDayYear, &p.month_day_year),
        ] {
            if !on(gate) {
                continue;
            }
            for m in re.find_iter(text) {
                push(m.start(), m.end(), Kind::Date, Rule::FullDate);
            }
        }
        for m in on(Gate::Nhs)
            .then(|| p.nhs.find_iter(text))
            .into_iter()
            .flatten()
        {
            if is_nhs_number(m.as_str()) {
                push(m.start(), m.end(), Kind::NhsNumber, Rule::NhsCheckDigit);
            }
        }
        for (gate, re) in [(Gate::LongDigits, &p.long_digits), (Gate::Card, &p.card)] {
            if !on(gate) {
                continue;
            }
            for m in re.find_iter(text) {
                push(m.start(), m.end(), Kind::IdNumber, Rule::LongDigits);
            }
        }
        for m in on(Gate::Ni)
            .then(|| p.ni.find_iter(text))
            .into_iter()
            .flatten()
        {
            if is_ni_number(m.as_str()) {
                push(m.start(), m.end(), Kind::NiNumber, Rule::NiFormat);
            }
        }
    }
    // Dates of birth may have no year ("born on the 3rd of May"), so no digit test for
    // the cue… but a day number is needed, or a year.
    {
        for cue in on(Gate::BirthCue)
            .then(|| p.birth_cue.find_iter(text))
            .into_iter()
            .flatten()
        {
            let rest = &text[cue.end()..];
            if let Some(m) = p.birth_date.find(rest) {
                push(
                    cue.end() + m.start(),
                    cue.end() + m.end(),
                    Kind::Date,
                    Rule::DateOfBirth,
                );
            }
        }
    }
}

/// Transcription services whose home address their exports write into every transcript
/// ("Transcribed by https://otter.ai"): naming the tool identifies no one.
const TRANSCRIPTION_SERVICES: &[&str] = &[
    "otter.ai",
    "rev.com",
    "temi.com",
    "trint.com",
    "sonix.ai",
    "happyscribe.com",
    "descript.com",
];

/// Whether `url` is a transcription service's bare home address (any scheme, `www.` or
/// not, at most a trailing `/`); a longer address (a shared transcript's link) is not.
fn is_service_home(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let host = host.strip_prefix("www.").unwrap_or(host);
    let host = host.strip_suffix('/').unwrap_or(host);
    TRANSCRIPTION_SERVICES.contains(&host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Kind)> {
        let mut out = Vec::new();
        find(text, &Offsets::new(text), &mut out);
        let mut out = crate::scan::resolve(out);
        out.sort();
        out.into_iter().map(|c| (c.term, c.kind)).collect()
    }

    fn one(text: &str) -> Option<(String, Kind)> {
        let f = found(text);
        assert!(f.len() <= 1, "{text}: {f:?}");
        f.into_iter().next()
    }

    #[test]
    fn email_addresses() {
        assert_eq!(
            one("mail amir.khan+study@example.co.uk."),
            Some(("amir.khan+study@example.co.uk".into(), Kind::Email))
        );
        assert_eq!(one("no at sign here"), None);
    }

    #[test]
    fn web_addresses_lose_trailing_punctuation() {
        assert_eq!(
            one("see https://example.org/a?b=1."),
            Some(("https://example.org/a?b=1".into(), Kind::Url))
        );
        assert_eq!(
            one("on www.ourgroup.org.uk, they"),
            Some(("www.ourgroup.org.uk".into(), Kind::Url))
        );
        // A transcription service's own trailer names the tool, not a person; a link to a
        // shared transcript on the same service is an address like any other.
        assert_eq!(one("Transcribed by https://otter.ai"), None);
        assert_eq!(one("Transcribed by www.rev.com/"), None);
        assert_eq!(
            one("see https://otter.ai/u/AbC123 for it"),
            Some(("https://otter.ai/u/AbC123".into(), Kind::Url))
        );
        assert_eq!(
            one("the site stockportcarers.org.uk"),
            Some(("stockportcarers.org.uk".into(), Kind::Url))
        );
        assert_eq!(one("it was 3.5 miles"), None);
    }

    #[test]
    fn uk_and_us_phone_numbers() {
        for (text, number) in [
            ("ring 07700 900123 today", "07700 900123"),
            ("ring 07700900123", "07700900123"),
            ("on 020 7946 0018.", "020 7946 0018"),
            ("on (0161) 496 0000", "(0161) 496 0000"),
            ("on +44 7700 900123", "+44 7700 900123"),
            ("on +44 (0)20 7946 0018", "+44 (0)20 7946 0018"),
            ("call (555) 234-5678", "(555) 234-5678"),
            ("call 555-234-5678", "555-234-5678"),
            ("call +1 555 234 5678", "+1 555 234 5678"),
        ] {
            assert_eq!(one(text), Some((number.into(), Kind::Phone)), "{text}");
        }
        // Too few digits for a UK number; a year; a time.
        assert_eq!(one("about 0161 49"), None);
        assert_eq!(one("in 2019 and 2020"), None);
    }

    #[test]
    fn uk_postcodes_and_us_zips() {
        for pc in [
            "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB",
        ] {
            assert_eq!(
                one(&format!("lives at {pc} now")),
                Some((pc.into(), Kind::Postcode)),
                "{pc}"
            );
        }
        assert_eq!(one("the M62 motorway"), None);
        assert_eq!(
            one("Austin, TX 78701 is"),
            Some(("78701".into(), Kind::Zip))
        );
        assert_eq!(
            one("Portland, Oregon 97201"),
            Some(("97201".into(), Kind::Zip))
        );
        assert_eq!(one("zip code 10001"), Some(("10001".into(), Kind::Zip)));
        assert_eq!(
            one("ZIP 20500-0003"),
            Some(("20500-0003".into(), Kind::Zip))
        );
        assert_eq!(one("walked 10000 steps"), None);
    }

    #[test]
    fn full_dates_and_dates_of_birth() {
        for d in [
            "12/03/1985",
            "3.5.85",
            "1985-03-12",
            "12 March 1985",
            "12th of March, 1985",
            "March 12, 1985",
            "Sept 3rd 2001",
        ] {
            assert_eq!(
                one(&format!("on {d} we")),
                Some((d.into(), Kind::Date)),
                "{d}"
            );
        }
        assert_eq!(one("on 13/13/1985"), None); // no thirteenth month either way
        assert_eq!(one("in March 1985"), None); // not a full date, no birth cue
        assert_eq!(one("in March"), None);
        let f = found("she was born on the 3rd of May");
        assert_eq!(f, [("3rd of May".into(), Kind::Date)]);
        let f = found("DOB: 04/07/1962");
        assert_eq!(f, [("04/07/1962".into(), Kind::Date)]);
        let f = found("born in March 1950");
        assert!(f.is_empty(), "{f:?}"); // "in" is not a cue the date follows directly
        let f = found("born March 1950");
        assert_eq!(f, [("March 1950".into(), Kind::Date)]);
    }

    #[test]
    fn nhs_ni_and_long_numbers() {
        assert_eq!(
            one("NHS number 943 476 5919."),
            Some(("943 476 5919".into(), Kind::NhsNumber))
        );
        // A wrong check digit: not an NHS number; ten digits in 3-3-4 look like a US phone.
        assert_eq!(
            one("number 943 476 5918"),
            Some(("943 476 5918".into(), Kind::Phone))
        );
        // Ten digits written together with a wrong check digit: a long id number.
        assert_eq!(
            one("number 9434765918"),
            Some(("9434765918".into(), Kind::IdNumber))
        );
        assert_eq!(
            one("NI AB 12 34 56 C ok"),
            Some(("AB 12 34 56 C".into(), Kind::NiNumber))
        );
        assert_eq!(one("NI QQ 12 34 56 C"), None);
        assert_eq!(
            one("hospital number 12345678"),
            Some(("12345678".into(), Kind::IdNumber))
        );
        assert_eq!(
            one("card 4929 1234 5678 9012"),
            Some(("4929 1234 5678 9012".into(), Kind::IdNumber))
        );
        assert_eq!(one("1234567 is seven digits"), None);
    }

    #[test]
    fn positions_are_code_points() {
        let text = "Zoë: 07700 900123";
        let mut out = Vec::new();
        find(text, &Offsets::new(text), &mut out);
        assert_eq!((out[0].start, out[0].end), (5, 17));
    }
}
