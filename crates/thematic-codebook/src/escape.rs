//! Escaping text for the files other programs open: spreadsheet cells (the CSV formula
//! guard). Every CSV writer in the project (quote tables, coding sheets, the codebook as CSV,
//! the command line's tables) shares it. It lives in the codebook crate because this is the
//! lowest crate that writes files for other programs, so every crate above can call it.

use std::borrow::Cow;

/// A cell Excel would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return first)
/// gets a leading `'`, as OWASP's "CSV injection" advice recommends.
pub fn neutralize(s: &str) -> String {
    neutralized(s).into_owned()
}

/// [`neutralize`] without copying a cell that needs no change.
pub fn neutralized(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_quote_and_others_are_kept() {
        assert_eq!(neutralize("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralize("-1"), "'-1");
        assert_eq!(neutralize("@x"), "'@x");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert!(matches!(neutralized("plain = text"), Cow::Borrowed("plain = text")));
    }
}
