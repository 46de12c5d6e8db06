//! Deterministic GUIDs for a project, so exporting the same study twice gives the same bytes
//! and another tool recognises its objects again on a second import.
//!
//! Most objects get a name-based UUID (v5) under a namespace of ours. Codings and memos carry
//! their own id inside the GUID instead: `c-5f2a9c01d3e7` and `m-5f2a9c01d3e7` have 48 bits
//! of hex, which become the GUID's last group behind a fixed prefix per kind. Their ids then
//! come back unchanged from a round trip, and memos about codings still find their codings.

use uuid::Uuid;

/// The namespace under which our name-based GUIDs are made.
const NAMESPACE: Uuid = Uuid::from_u128(0x8c3e_51d2_7a44_4b0e_9d6f_1e2a_3b4c_5d60);

/// The fixed first 20 hex digits of a GUID that carries a selection's (a coding's) id.
const SELECTION_PREFIX: &str = "7e3a0c51-6f0b-4d1e-9a01-";
/// … of a GUID that carries a coding's id.
const CODING_PREFIX: &str = "7e3a0c51-6f0b-4d1e-9a02-";
/// … of a GUID that carries a memo's id.
const NOTE_PREFIX: &str = "7e3a0c51-6f0b-4d1e-9a03-";

/// A name-based GUID for `kind` and `name` (`user`, `KW`).
pub(crate) fn named(kind: &str, name: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{name}").as_bytes()).to_string()
}

/// The 12 hex digits of an id such as `c-5f2a9c01d3e7` (prefix `c-`), lowercase.
fn id_hex<'a>(id: &'a str, prefix: &str) -> Option<&'a str> {
    let hex = id.strip_prefix(prefix)?;
    (hex.len() == 12
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(hex)
}

/// The GUIDs of a coding's `PlainTextSelection` and of its `Coding`. An id that is not of
/// the usual shape gets name-based GUIDs (its id is then not carried through a round trip).
pub(crate) fn coding(coder: &str, id: &str) -> (String, String) {
    match id_hex(id, "c-") {
        Some(hex) => (
            format!("{SELECTION_PREFIX}{hex}"),
            format!("{CODING_PREFIX}{hex}"),
        ),
        None => (
            named("selection", &format!("{coder}/{id}")),
            named("coding", &format!("{coder}/{id}")),
        ),
    }
}

/// The GUID of a memo's `Note`.
pub(crate) fn note(coder: &str, id: &str) -> String {
    match id_hex(id, "m-") {
        Some(hex) => format!("{NOTE_PREFIX}{hex}"),
        None => named("note", &format!("{coder}/{id}")),
    }
}

/// The coding id a `Coding` GUID stands for: the id it carries when thematic wrote it, else
/// one derived from the GUID (the same GUID always gives the same id).
pub(crate) fn coding_id(guid: &str) -> String {
    carried(guid, CODING_PREFIX, "c-")
}

/// The memo id a `Note` GUID stands for (see [`coding_id`]).
pub(crate) fn memo_id(guid: &str) -> String {
    carried(guid, NOTE_PREFIX, "m-")
}

/// Whether a `Note` GUID was written by thematic (its text is then the memo's whole text).
pub(crate) fn is_our_note(guid: &str) -> bool {
    guid.starts_with(NOTE_PREFIX)
}

fn carried(guid: &str, prefix: &str, id_prefix: &str) -> String {
    let guid = guid.to_ascii_lowercase();
    if let Some(hex) = guid.strip_prefix(prefix)
        && id_hex(&format!("{id_prefix}{hex}"), id_prefix).is_some()
    {
        return format!("{id_prefix}{hex}");
    }
    let derived = Uuid::new_v5(&NAMESPACE, format!("id:{guid}").as_bytes())
        .simple()
        .to_string();
    format!("{id_prefix}{}", &derived[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_inside_guids_and_others_are_derived_stably() {
        let (sel, cod) = coding("KW", "c-7b6f01370903");
        assert_eq!(sel, "7e3a0c51-6f0b-4d1e-9a01-7b6f01370903");
        assert_eq!(coding_id(&cod), "c-7b6f01370903");
        assert_eq!(coding_id(&cod.to_uppercase()), "c-7b6f01370903");
        assert_eq!(memo_id(&note("KW", "m-86f16ba2543d")), "m-86f16ba2543d");
        // An unusual id still gets a valid GUID; a foreign GUID a stable id.
        let (odd, _) = coding("KW", "legacy 7");
        assert_eq!(odd.len(), 36);
        let foreign = "8e0b2b4b-1c1f-4f67-9e6a-6e4d2a1b3c11";
        assert_eq!(coding_id(foreign), coding_id(foreign));
        assert!(coding_id(foreign).starts_with("c-") && coding_id(foreign).len() == 14);
        assert_eq!(named("user", "KW"), named("user", "KW"));
        assert_ne!(named("user", "KW"), named("user", "CG"));
    }
}
