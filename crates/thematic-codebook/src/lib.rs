//! The codebook: a hierarchical tree of themes — an overarching theme, groups, themes and
//! codes — read from a flat, hand-editable TOML file where each entry names its `parent`.
//!
//! ```
//! let text = r#"
//! format_version = 1
//! name = "Example"
//!
//! [[theme]]
//! id = "roles"
//! label = "Roles"
//! codable = false
//!
//! [[theme]]
//! id = "asking-questions"
//! label = "Asking questions"
//! parent = "roles"
//! "#;
//! let book = thematic_codebook::Codebook::from_toml(text, "example.toml").unwrap();
//! assert_eq!(book.get("asking-questions").unwrap().parent.as_deref(), Some("roles"));
//! assert_eq!(book.codable().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["asking-questions"]);
//! ```
//!
//! The format is documented in `docs/codebook-format.md`. Every problem is reported with
//! the file, line and column, and all problems in a file are reported at once.

mod board;
mod diff;
mod edit;
mod error;
mod escape;
mod lint;
mod map;
mod model;
mod new_code;
mod parse;
mod qdc;
mod similar;
mod write;

pub use board::{MISC_DEFINITION, MISC_ID, MISC_LABEL, Placement};
pub use diff::{ChangeKind, StructureChange, diff, extracts_in, summarize};
pub use edit::{
    CodebookEditor, EditError, MergeOutcome, NewEntry, TextField, ThemeText, slugify, unique_slug,
};
pub use error::{CodebookError, Diagnostic, Severity};
pub use escape::{
    neutralize, neutralized, xml_attribute, xml_attribute_escape, xml_escape, xml_text,
};
pub use lint::{Advice, advise};
pub use map::{MapOptions, map_dot, map_mermaid, map_svg, wrap_words};
pub use model::{Codebook, Entry, SearchRules};
pub use new_code::{
    CODE_COLOURS, CreatedCode, MAX_CODE_LABEL, UNSORTED_DEFINITION, UNSORTED_ID, UNSORTED_LABEL,
    UnsortedGroup, code_label, free_colour,
};
pub use qdc::{
    QDC_NAMESPACE, describe, from_qdc, from_qdc_with_guids, guid_for, normalize_guid, set_guid_for,
    to_qdc, write_codes, write_codes_with_notes, write_sets,
};
pub use similar::{closest, edit_distance};

/// The codebook format version this crate reads and writes.
pub const FORMAT_VERSION: i64 = 1;
