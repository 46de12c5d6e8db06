//! What a candidate is ([`Kind`]) and how it was found ([`Rule`]), with the names used in
//! `review.csv`.

use std::fmt;

/// What kind of identifier a candidate is. The lower-case names are the `kind` column of
/// `review.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A person's name.
    Name,
    /// A speaker's label in the transcript (`Sarah Jones:`), when it is not already a code
    /// such as `P3` or a role such as `Interviewer`.
    Speaker,
    /// A place: a town, city, county, state, street or address.
    Place,
    /// An organisation: a hospital, school, employer, charity, surgery.
    Organisation,
    /// An e-mail address.
    Email,
    /// A telephone number (UK or North American).
    Phone,
    /// A full UK postcode (`SW1A 1AA`).
    Postcode,
    /// A US ZIP code (`90210`, `90210-1234`), next to a state or the word "zip".
    Zip,
    /// A full date (day, month and year) or a date of birth.
    Date,
    /// A web address.
    Url,
    /// An NHS number whose mod-11 check digit is right.
    NhsNumber,
    /// A UK National Insurance number in the official format with an allocated prefix.
    NiNumber,
    /// Another long run of digits (8 or more): a hospital number, an account, a reference.
    IdNumber,
}

impl Kind {
    /// Every kind, in the order `review.csv` lists them.
    pub const ALL: [Kind; 13] = [
        Kind::Name,
        Kind::Speaker,
        Kind::Place,
        Kind::Organisation,
        Kind::Email,
        Kind::Phone,
        Kind::Postcode,
        Kind::Zip,
        Kind::Date,
        Kind::Url,
        Kind::NhsNumber,
        Kind::NiNumber,
        Kind::IdNumber,
    ];

    /// The name in `review.csv` (`name`, `nhs_number`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Name => "name",
            Kind::Speaker => "speaker",
            Kind::Place => "place",
            Kind::Organisation => "organisation",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Postcode => "postcode",
            Kind::Zip => "zip",
            Kind::Date => "date",
            Kind::Url => "url",
            Kind::NhsNumber => "nhs_number",
            Kind::NiNumber => "ni_number",
            Kind::IdNumber => "id_number",
        }
    }

    /// The kind with this `review.csv` name (also accepts `organization`).
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_lowercase();
        if s == "organization" {
            return Some(Kind::Organisation);
        }
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the kind is about a person (a name or a speaker), whose replacements are
    /// numbered (`[Name 1]`, `[Name 2]`, …).
    pub fn is_person(self) -> bool {
        matches!(self, Kind::Name | Kind::Speaker)
    }

    /// The bracketed replacement prefilled for a term of this kind; people are numbered
    /// separately (see [`crate::Review`]).
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Name | Kind::Speaker => "[Name]",
            Kind::Place => "[Place]",
            Kind::Organisation => "[Organisation]",
            Kind::Email => "[Email]",
            Kind::Phone => "[Phone]",
            Kind::Postcode => "[Postcode]",
            Kind::Zip => "[ZIP code]",
            Kind::Date => "[Date]",
            Kind::Url => "[URL]",
            Kind::NhsNumber => "[NHS number]",
            Kind::NiNumber => "[NI number]",
            Kind::IdNumber => "[ID number]",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a candidate was found. The names are the `rule` column of `review.csv`; whether a
/// rule is a pattern or a guess decides the prefilled decision ([`Rule::is_guess`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A participant's name or id from `participants.csv`, or a name the study lists.
    KnownParticipant,
    /// A speaker label of a transcript.
    SpeakerLabel,
    /// A place or organisation on the study's own list.
    StudyList,
    /// The shape of an e-mail address.
    EmailPattern,
    /// The shape of a web address.
    UrlPattern,
    /// A UK or North American telephone number.
    PhonePattern,
    /// A full UK postcode.
    UkPostcode,
    /// A US ZIP code next to a state, or after "zip".
    UsZip,
    /// A full date: day, month and year.
    FullDate,
    /// A date after "born", "date of birth", "DOB" or "birthday".
    DateOfBirth,
    /// Ten digits whose NHS mod-11 check digit is right.
    NhsCheckDigit,
    /// The National Insurance number format with an allocated prefix.
    NiFormat,
    /// Eight or more digits in a row.
    LongDigits,
    /// A capitalised word after a title (Dr, Mrs, Mr, Ms, Miss, Prof, …).
    TitleBeforeName,
    /// A capitalised word after a relation ("my husband John", "her GP, Dr …").
    RelationBeforeName,
    /// A capitalised word after "called", "named", "my name is".
    CalledName,
    /// A capitalised word on the shipped first-name list.
    FirstNameList,
    /// A capitalised word on the shipped surname list.
    SurnameList,
    /// A capitalised word or words on the shipped list of UK and US places.
    PlaceList,
    /// A capitalised word in mid-sentence that is on no list (or a run of them ending in
    /// "Hospital", "Road", …).
    CapitalisedGuess,
    /// Added by hand (in the review file or the browser), not by the scan.
    Manual,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 21] = [
        Rule::KnownParticipant,
        Rule::SpeakerLabel,
        Rule::StudyList,
        Rule::EmailPattern,
        Rule::UrlPattern,
        Rule::PhonePattern,
        Rule::UkPostcode,
        Rule::UsZip,
        Rule::FullDate,
        Rule::DateOfBirth,
        Rule::NhsCheckDigit,
        Rule::NiFormat,
        Rule::LongDigits,
        Rule::TitleBeforeName,
        Rule::RelationBeforeName,
        Rule::CalledName,
        Rule::FirstNameList,
        Rule::SurnameList,
        Rule::PlaceList,
        Rule::CapitalisedGuess,
        Rule::Manual,
    ];

    /// The name in `review.csv` (`email-pattern`, `nhs-check-digit`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::KnownParticipant => "known-participant",
            Rule::SpeakerLabel => "speaker-label",
            Rule::StudyList => "study-list",
            Rule::EmailPattern => "email-pattern",
            Rule::UrlPattern => "url-pattern",
            Rule::PhonePattern => "phone-pattern",
            Rule::UkPostcode => "uk-postcode",
            Rule::UsZip => "us-zip",
            Rule::FullDate => "full-date",
            Rule::DateOfBirth => "date-of-birth",
            Rule::NhsCheckDigit => "nhs-check-digit",
            Rule::NiFormat => "ni-format",
            Rule::LongDigits => "long-digits",
            Rule::TitleBeforeName => "title-before-name",
            Rule::RelationBeforeName => "relation-before-name",
            Rule::CalledName => "called-name",
            Rule::FirstNameList => "first-name-list",
            Rule::SurnameList => "surname-list",
            Rule::PlaceList => "place-list",
            Rule::CapitalisedGuess => "capitalised-guess",
            Rule::Manual => "manual",
        }
    }

    /// The rule with this `review.csv` name.
    pub fn parse(s: &str) -> Option<Rule> {
        let s = s.trim().to_lowercase();
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the rule guesses (a word on a list, a capitalised word): its candidates are
    /// prefilled `review`. Patterns, known names, cues such as titles, and hand-added terms
    /// are prefilled `replace`.
    pub fn is_guess(self) -> bool {
        matches!(
            self,
            Rule::FirstNameList | Rule::SurnameList | Rule::PlaceList | Rule::CapitalisedGuess
        )
    }

    /// How sure the rule is, higher first: when two rules find the same term, the row keeps
    /// the surer one.
    pub fn strength(self) -> u8 {
        match self {
            Rule::Manual => 100,
            // An address holding a participant's name is an address.
            Rule::EmailPattern | Rule::UrlPattern => 97,
            Rule::KnownParticipant => 95,
            Rule::SpeakerLabel => 94,
            Rule::StudyList => 93,
            Rule::NhsCheckDigit | Rule::NiFormat | Rule::UkPostcode => 90,
            Rule::PhonePattern | Rule::UsZip | Rule::DateOfBirth => 85,
            Rule::FullDate => 84,
            Rule::LongDigits => 80,
            Rule::TitleBeforeName => 70,
            Rule::RelationBeforeName => 69,
            Rule::CalledName => 68,
            Rule::PlaceList => 50,
            Rule::FirstNameList => 49,
            Rule::SurnameList => 48,
            Rule::CapitalisedGuess => 10,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.as_str()), Some(r));
        }
        assert_eq!(Kind::parse("Organization"), Some(Kind::Organisation));
        assert_eq!(Kind::parse("person"), None);
    }

    #[test]
    fn guesses_are_the_list_and_capital_rules() {
        let guesses: Vec<_> = Rule::ALL.into_iter().filter(|r| r.is_guess()).collect();
        assert_eq!(
            guesses,
            [
                Rule::FirstNameList,
                Rule::SurnameList,
                Rule::PlaceList,
                Rule::CapitalisedGuess
            ]
        );
    }
}
