//! Codes made in the moment, while coding: a label from the words typed or selected (in-vivo
//! coding), a colour of its own, and a place in the tree (under the parent named, else in
//! the "Unsorted" group at the top of the codebook), through the same editor as every
//! other codebook change.

use crate::edit::{CodebookEditor, EditError, NewEntry};
use crate::model::Entry;

/// The id of the group that new codes land in when no parent is named.
pub const UNSORTED_ID: &str = "unsorted";

/// The label of the [`UNSORTED_ID`] group.
pub const UNSORTED_LABEL: &str = "Unsorted";

/// The definition the [`UNSORTED_ID`] group is created with.
pub const UNSORTED_DEFINITION: &str = "\
Codes made while coding, before they have a place in the tree. Move each under the theme it
belongs to (`thematic codebook move`); retire this group once it is empty.";

/// The longest label [`code_label`] makes, in characters.
pub const MAX_CODE_LABEL: usize = 80;

/// The colours new codes get, in the order they are handed out: Okabe & Ito's blue and
/// vermilion, then Paul Tol's green, purple, teal, olive and red, then Okabe & Ito's
/// reddish purple, colour-blind-safe hues that look distinct from one another.
///
/// Each has a contrast of at least 3:1 (WCAG 2.1, non-text contrast) against both white
/// and black, so a swatch, a coloured label or coloured text in a terminal reads on a light
/// page and in a light or a dark terminal; black text on a 38 % tint of any of them (as the
/// browser workspace marks coded words) has a contrast of at least 7:1.
pub const CODE_COLOURS: [&str; 8] = [
    "#0072b2", "#d55e00", "#228833", "#aa3377", "#009988", "#999933", "#ee6677", "#cc79a7",
];

/// What [`CodebookEditor::create_code`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCode {
    /// The code's id: the new code's, or the existing code's.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its parent's id.
    pub parent: Option<String>,
    /// Its colour, `#rrggbb`.
    pub colour: Option<String>,
    /// `true` when a current code already had this label (compared without regard to case
    /// or runs of white space): that code is returned and nothing was added.
    pub existed: bool,
    /// What happened to the "Unsorted" group on the way, if anything.
    pub unsorted: Option<UnsortedGroup>,
}

/// A change to the "Unsorted" group made so that a new code could go into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsortedGroup {
    /// It did not exist: it was added as the first entry of the codebook.
    Created,
    /// It was retired: it was made current again.
    Restored,
}

impl CodebookEditor {
    /// Makes a code from `words` in one step, as a researcher does while coding: the label
    /// is `words` tidied by [`code_label`], the id is made from it as
    /// [`add`](CodebookEditor::add) makes one, the colour is [`free_colour`] among its
    /// siblings, and it goes after the last entry under `parent`, or under the "Unsorted"
    /// group ([`UNSORTED_ID`]) when `parent` is `None`. That group is created at the top of
    /// the codebook on first use (a group, `codable = false`), or made current again if it
    /// was retired.
    ///
    /// When a current, codable entry already has this label (without regard to case or runs
    /// of white space), it is returned with `existed` set and the codebook is left as it was,
    /// so pressing Enter twice does not make twins.
    pub fn create_code(
        &mut self,
        words: &str,
        parent: Option<&str>,
    ) -> Result<CreatedCode, EditError> {
        let label = code_label(words);
        if label.is_empty() {
            return Err(EditError::Refused("the label is empty".into()));
        }
        let parent = parent.map(str::trim).filter(|p| !p.is_empty());
        if let Some(p) = parent.filter(|p| *p != UNSORTED_ID)
            && self.entry(p)?.retired
        {
            return Err(EditError::Refused(format!(
                "\"{p}\" is retired; choose a current parent"
            )));
        }
        if let Some(e) = self.code_labelled(&label) {
            return Ok(CreatedCode {
                id: e.id.clone(),
                label: e.label.clone(),
                parent: e.parent.clone(),
                colour: e.colour.clone(),
                existed: true,
                unsorted: None,
            });
        }
        let (parent, unsorted) = match parent {
            Some(p) if p != UNSORTED_ID => (p.to_string(), None),
            _ => (UNSORTED_ID.to_string(), self.ensure_unsorted()?),
        };
        let colour = free_colour(self.codebook().entries.iter(), &parent);
        let id = self.add(&NewEntry {
            id: None,
            label: label.clone(),
            parent: Some(parent.clone()),
            codable: true,
            colour: Some(colour.to_string()),
            ..Default::default()
        })?;
        Ok(CreatedCode {
            id,
            label,
            parent: Some(parent),
            colour: Some(colour.to_string()),
            existed: false,
            unsorted,
        })
    }

    /// The current, codable entry whose label is `label` without regard to case or runs of
    /// white space.
    fn code_labelled(&self, label: &str) -> Option<&Entry> {
        let key = label_key(label);
        self.codebook()
            .entries
            .iter()
            .find(|e| e.codable && !e.retired && label_key(&e.label) == key)
    }

    /// Makes sure the "Unsorted" group exists and is current; says what it changed.
    fn ensure_unsorted(&mut self) -> Result<Option<UnsortedGroup>, EditError> {
        match self.codebook().get(UNSORTED_ID) {
            Some(e) if e.retired => {
                self.set_retired(UNSORTED_ID, false)?;
                Ok(Some(UnsortedGroup::Restored))
            }
            Some(_) => Ok(None),
            None => {
                self.add(&NewEntry {
                    id: Some(UNSORTED_ID.into()),
                    label: UNSORTED_LABEL.into(),
                    codable: false,
                    definition: Some(UNSORTED_DEFINITION.into()),
                    ..Default::default()
                })?;
                // `add` puts a root last; the group goes first, where a researcher sees it.
                let mut tables = self.themes()?;
                if let Some(t) = tables.pop() {
                    tables.insert(0, t);
                }
                self.replace_themes(tables);
                self.revalidate()?;
                Ok(Some(UnsortedGroup::Created))
            }
        }
    }
}

/// A code's label from the words typed or selected: white space (line breaks and control
/// characters too) trimmed and each run made one space, a trailing `,`, `;` or `:` dropped,
/// and at most [`MAX_CODE_LABEL`] characters: a longer text is cut at the last space that
/// keeps at least half of it (else mid-word) and ends with `…`.
///
/// ```
/// use thematic_codebook::code_label;
/// assert_eq!(code_label("  someone\n to   talk to, "), "someone to talk to");
/// ```
pub fn code_label(words: &str) -> String {
    let words: Vec<&str> = words
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let label = words.join(" ");
    let label = label.trim_end_matches([',', ';', ':']).trim_end();
    if label.chars().count() <= MAX_CODE_LABEL {
        return label.to_string();
    }
    // Room for the ellipsis.
    let keep: String = label.chars().take(MAX_CODE_LABEL - 1).collect();
    let cut = match keep.rfind(' ') {
        Some(i) if keep[..i].chars().count() >= MAX_CODE_LABEL / 2 => &keep[..i],
        _ => keep.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// A label compared without regard to case or runs of white space.
fn label_key(label: &str) -> String {
    code_label(label).to_lowercase()
}

/// The colour a new entry under `parent` gets: the first of [`CODE_COLOURS`] that neither
/// `parent` nor any of its current children has; when all are taken, the one the fewest
/// children have (the earliest in the list on a tie). `entries` is the codebook's entries;
/// colours are compared as `#rrggbb` in lower case.
pub fn free_colour<'a>(entries: impl Iterator<Item = &'a Entry>, parent: &str) -> &'static str {
    let mut uses = [0usize; CODE_COLOURS.len()];
    let mut parent_colour = None;
    for e in entries {
        let Some(colour) = e.colour.as_deref() else {
            continue;
        };
        let Some(i) = CODE_COLOURS
            .iter()
            .position(|c| c.eq_ignore_ascii_case(colour))
        else {
            continue;
        };
        if e.id == parent {
            parent_colour = Some(i);
        } else if e.parent.as_deref() == Some(parent) && !e.retired {
            uses[i] += 1;
        }
    }
    let free = (0..CODE_COLOURS.len()).find(|&i| uses[i] == 0 && Some(i) != parent_colour);
    let i = free.unwrap_or_else(|| {
        (0..CODE_COLOURS.len())
            .min_by_key(|&i| (uses[i], i))
            .unwrap_or(0)
    });
    CODE_COLOURS[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r##"# A researcher's codebook — comments must survive
format_version = 1
name = "t"

# The roles group
[[theme]]
id = "roles"
label = "Roles"
codable = false
colour = "#0072b2"

[[theme]]
id = "asking"   # trailing comment
label = "Asking"
parent = "roles"
colour = "#d55e00"
"##;

    fn ed() -> CodebookEditor {
        CodebookEditor::open(BOOK, "b.toml").unwrap()
    }

    fn ids(e: &CodebookEditor) -> Vec<&str> {
        e.codebook().entries.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn the_first_new_code_makes_the_unsorted_group_at_the_top_once() {
        let mut e = ed();
        let first = e.create_code("Someone to talk to", None).unwrap();
        assert_eq!(
            first,
            CreatedCode {
                id: "someone-to-talk-to".into(),
                label: "Someone to talk to".into(),
                parent: Some("unsorted".into()),
                colour: Some("#0072b2".into()),
                existed: false,
                unsorted: Some(UnsortedGroup::Created),
            }
        );
        let second = e.create_code("Waiting lists", None).unwrap();
        assert_eq!(second.unsorted, None, "the group is made once");
        assert_eq!(second.colour.as_deref(), Some("#d55e00"));
        // The group and its codes come first in the file, as in the tree.
        assert_eq!(
            ids(&e),
            [
                "unsorted",
                "someone-to-talk-to",
                "waiting-lists",
                "roles",
                "asking"
            ]
        );
        let tree: Vec<&str> = e
            .codebook()
            .tree_order()
            .iter()
            .map(|x| x.id.as_str())
            .collect();
        assert_eq!(tree, ids(&e));
        let group = e.codebook().get("unsorted").unwrap();
        assert!(!group.codable);
        assert_eq!(group.label, "Unsorted");
        assert_eq!(group.definition.as_deref(), Some(UNSORTED_DEFINITION));
        // Comments stay with what they were written about.
        let text = e.text();
        assert!(text.starts_with(
            "# A researcher's codebook — comments must survive\nformat_version = 1\nname = \"t\"\n\n[[theme]]\nid = \"unsorted\"\nlabel = \"Unsorted\"\ncodable = false\n"
        ), "{text}");
        assert!(
            text.contains("\n# The roles group\n[[theme]]\nid = \"roles\""),
            "{text}"
        );
        assert!(text.contains("id = \"asking\"   # trailing comment"));
        assert!(text.contains(
            "\n[[theme]]\nid = \"waiting-lists\"\nlabel = \"Waiting lists\"\nparent = \"unsorted\"\ncolour = \"#d55e00\"\n\n# The roles group\n"
        ), "{text}");
        // A new root added later goes at the end: the group stays first.
        e.add(&NewEntry {
            label: "Later".into(),
            codable: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ids(&e)[0], "unsorted");
    }

    #[test]
    fn in_vivo_words_become_a_tidy_label_and_a_valid_id() {
        let mut e = ed();
        let c = e
            .create_code("  “It’s like having\n   a friend,”  she said:  ", None)
            .unwrap();
        assert_eq!(c.label, "“It’s like having a friend,” she said");
        assert_eq!(c.id, "its-like-having-a-friend-she-said");
        let long = "I had nobody to talk to and the doctor just kept giving me more tablets, which never helped with what was really going on";
        let c = e.create_code(long, None).unwrap();
        assert_eq!(
            c.label,
            "I had nobody to talk to and the doctor just kept giving me more tablets, which…"
        );
        assert!(c.label.chars().count() <= MAX_CODE_LABEL);
        assert_eq!(c.id, "i-had-nobody-to-talk-to-and-the-doctor-just");
        // Words without Latin letters still make a code, with a made-up id.
        assert_eq!(e.create_code("社会", None).unwrap().id, "theme");
        assert_eq!(
            e.create_code(" \n\t ", None),
            Err(EditError::Refused("the label is empty".into()))
        );
    }

    #[test]
    fn code_labels() {
        assert_eq!(code_label("a\u{7}b\r\nc"), "a b c");
        assert_eq!(code_label("trust;"), "trust");
        assert_eq!(code_label("why?"), "why?");
        let word = "x".repeat(100);
        assert_eq!(code_label(&word), format!("{}…", "x".repeat(79)));
        let l = code_label(&format!("short {word}"));
        assert_eq!(l.chars().count(), MAX_CODE_LABEL, "cut mid-word: {l}");
    }

    #[test]
    fn the_same_label_again_returns_the_existing_code() {
        let mut e = ed();
        let first = e.create_code("Peer support", None).unwrap();
        let text = e.text();
        let again = e.create_code("  peer   SUPPORT ", Some("roles")).unwrap();
        assert_eq!(
            again,
            CreatedCode {
                existed: true,
                unsorted: None,
                ..first.clone()
            }
        );
        assert_eq!(e.text(), text, "nothing changed");
        // An existing code made by hand counts too.
        let asking = e.create_code("asking", None).unwrap();
        assert!(asking.existed);
        assert_eq!(asking.parent.as_deref(), Some("roles"));
        // A group or a retired code with the label does not: a new code is made.
        let roles = e.create_code("Roles", None).unwrap();
        assert_eq!((roles.id.as_str(), roles.existed), ("roles-2", false));
        e.set_retired("peer-support", true).unwrap();
        let back = e.create_code("Peer support", None).unwrap();
        assert_eq!((back.id.as_str(), back.existed), ("peer-support-2", false));
    }

    #[test]
    fn a_named_parent_is_used_and_checked() {
        let mut e = ed();
        let c = e.create_code("Open questions", Some("roles")).unwrap();
        assert_eq!(c.parent.as_deref(), Some("roles"));
        assert_eq!(c.unsorted, None);
        assert!(e.codebook().get("unsorted").is_none(), "no group needed");
        assert_eq!(
            ids(&e),
            ["roles", "asking", "open-questions"],
            "after the parent's last child"
        );
        // Not the parent's colour, not the sibling's.
        assert_eq!(c.colour.as_deref(), Some("#228833"));
        assert_eq!(
            e.create_code("x", Some("role")).unwrap_err().to_string(),
            "no theme \"role\" in the codebook (did you mean \"roles\"?)"
        );
        e.set_retired("roles", true).unwrap();
        assert!(
            e.create_code("y", Some("roles"))
                .unwrap_err()
                .to_string()
                .contains("retired")
        );
    }

    #[test]
    fn a_retired_unsorted_group_is_made_current_again() {
        let mut e = ed();
        e.create_code("One", None).unwrap();
        e.set_retired("unsorted", true).unwrap();
        let c = e.create_code("Two", Some("unsorted")).unwrap();
        assert_eq!(c.unsorted, Some(UnsortedGroup::Restored));
        assert!(!e.codebook().get("unsorted").unwrap().retired);
        assert_eq!(ids(&e).iter().filter(|i| **i == "unsorted").count(), 1);
    }

    #[test]
    fn colours_are_handed_out_in_order_and_reused_least_first() {
        let mut e = ed();
        let colours: Vec<String> = (1..=10)
            .map(|i| {
                e.create_code(&format!("Code {i}"), None)
                    .unwrap()
                    .colour
                    .unwrap()
            })
            .collect();
        let mut expected: Vec<&str> = CODE_COLOURS.to_vec();
        expected.extend(&CODE_COLOURS[..2]);
        assert_eq!(colours, expected);
        // The same codebook gives the same colours.
        let mut again = ed();
        for i in 1..=10 {
            again.create_code(&format!("Code {i}"), None).unwrap();
        }
        assert_eq!(again.text(), e.text());
        // A freed colour is used first; a retired sibling's colour is free.
        e.set_retired("code-4", true).unwrap();
        let c = e.create_code("Code 11", None).unwrap();
        assert_eq!(c.colour.as_deref(), Some(CODE_COLOURS[3]));
    }

    #[test]
    fn the_palette_is_readable_on_light_and_dark_backgrounds() {
        fn channel(c: u8) -> f64 {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        fn rgb(hex: &str) -> [u8; 3] {
            let v = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
            [v(1), v(3), v(5)]
        }
        // WCAG 2.1 relative luminance and contrast ratio.
        fn luminance([r, g, b]: [u8; 3]) -> f64 {
            0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
        }
        fn contrast(a: f64, b: f64) -> f64 {
            (a.max(b) + 0.05) / (a.min(b) + 0.05)
        }
        let mut seen = std::collections::BTreeSet::new();
        for hex in CODE_COLOURS {
            assert!(seen.insert(hex), "{hex} twice");
            assert_eq!(hex.len(), 7);
            let l = luminance(rgb(hex));
            assert!(contrast(l, 1.0) >= 3.0, "{hex} on white");
            assert!(contrast(l, 0.0) >= 3.0, "{hex} on black");
            let tint = rgb(hex).map(|c| (0.38 * f64::from(c) + 0.62 * 255.0).round() as u8);
            assert!(contrast(luminance(tint), 0.0) >= 7.0, "black on {hex} tint");
        }
    }
}
