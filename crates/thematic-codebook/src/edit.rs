//! Editing a codebook file in place: add, rename, move, retire and merge entries.
//!
//! Edits go through `toml_edit`, so a researcher's comments, blank lines and key order
//! survive every command; only the keys an operation touches change. After each edit the
//! whole text is validated again, so an edit can never leave an unreadable codebook.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::error::CodebookError;
use crate::model::{Codebook, Entry};
use crate::parse::is_slug;
use crate::similar::closest;

/// Why an edit was refused. The codebook is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// No entry has this id.
    #[error("no theme \"{id}\" in the codebook{}", suggestion.as_ref().map(|s| format!(" (did you mean \"{s}\"?)")).unwrap_or_default())]
    UnknownTheme {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        suggestion: Option<String>,
    },
    /// The new id is already taken.
    #[error("a theme with id \"{0}\" already exists")]
    DuplicateId(String),
    /// The id is not a slug.
    #[error("invalid id \"{0}\": ids are lowercase slugs such as \"asking-questions\"")]
    InvalidId(String),
    /// The operation is not allowed, with the reason.
    #[error("{0}")]
    Refused(String),
    /// The edited text does not validate (a bug; the file is not written).
    #[error(transparent)]
    Invalid(#[from] CodebookError),
}

/// A new entry for [`CodebookEditor::add`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewEntry {
    /// The id; made from the label when `None`.
    pub id: Option<String>,
    /// The label.
    pub label: String,
    /// The parent's id; `None` for a root.
    pub parent: Option<String>,
    /// Whether it can be applied directly.
    pub codable: bool,
    /// What it captures.
    pub definition: Option<String>,
    /// When to use it.
    pub include: Option<String>,
    /// When not to use it.
    pub exclude: Option<String>,
    /// Display colour, `#rgb` or `#rrggbb`.
    pub colour: Option<String>,
}

/// What [`CodebookEditor::merge`] did to the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOutcome {
    /// Children of the source that now sit under the target.
    pub reparented: Vec<String>,
}

/// A codebook file open for editing.
#[derive(Debug, Clone)]
pub struct CodebookEditor {
    doc: DocumentMut,
    path: String,
    book: Codebook,
}

impl CodebookEditor {
    /// Opens codebook text for editing; it must be valid.
    pub fn open(text: &str, path: &str) -> Result<CodebookEditor, CodebookError> {
        let book = Codebook::from_toml(text, path)?;
        // `toml` accepted the text, so `toml_edit` (the same parser) does too; should it not,
        // say where.
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |s| crate::error::line_col(text, s.start));
            CodebookError {
                diagnostics: vec![crate::error::Diagnostic {
                    path: path.to_string(),
                    line,
                    column,
                    severity: crate::error::Severity::Error,
                    message: e.message().to_string(),
                }],
            }
        })?;
        Ok(CodebookEditor {
            doc,
            path: path.to_string(),
            book,
        })
    }

    /// The codebook as it stands after the edits so far.
    pub fn codebook(&self) -> &Codebook {
        &self.book
    }

    /// The file's text after the edits so far.
    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Adds an entry after the last entry under its parent (at the end for a root).
    /// Returns the new entry's id.
    pub fn add(&mut self, new: &NewEntry) -> Result<String, EditError> {
        if new.label.trim().is_empty() {
            return Err(EditError::Refused("the label is empty".into()));
        }
        let id = match &new.id {
            Some(id) if !is_slug(id) => return Err(EditError::InvalidId(id.clone())),
            Some(id) if self.book.get(id).is_some() => {
                return Err(EditError::DuplicateId(id.clone()));
            }
            Some(id) => id.clone(),
            None => unique_slug(&new.label, &self.book),
        };
        let position = match &new.parent {
            Some(p) => {
                let parent = self.entry(p)?;
                if parent.retired {
                    return Err(EditError::Refused(format!(
                        "\"{p}\" is retired; choose a current parent"
                    )));
                }
                let subtree = self.subtree(p);
                self.book
                    .entries
                    .iter()
                    .rposition(|e| subtree.contains(&e.id))
                    .map_or(self.book.entries.len(), |i| i + 1)
            }
            None => self.book.entries.len(),
        };
        let mut t = Table::new();
        t.insert("id", value(id.as_str()));
        t.insert("label", value(new.label.trim()));
        if let Some(p) = &new.parent {
            t.insert("parent", value(p.as_str()));
        }
        if !new.codable {
            t.insert("codable", value(false));
        }
        for (key, v) in [
            ("definition", &new.definition),
            ("include", &new.include),
            ("exclude", &new.exclude),
            ("colour", &new.colour),
        ] {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                t.insert(key, value(v));
            }
        }
        t.decor_mut().set_prefix("\n");
        let mut tables = self.themes()?;
        tables.insert(position, t);
        self.replace_themes(tables);
        self.revalidate()?;
        Ok(id)
    }

    /// Changes an entry's label (its id stays). Returns the old label.
    pub fn rename(&mut self, id: &str, label: &str) -> Result<String, EditError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(EditError::Refused("the new label is empty".into()));
        }
        let old = self.entry(id)?.label.clone();
        self.table_mut(id)?.insert("label", value(label));
        self.revalidate()?;
        Ok(old)
    }

    /// Puts an entry under a new parent (`None` makes it a root). Refuses cycles.
    /// Returns the old parent.
    pub fn move_to(&mut self, id: &str, parent: Option<&str>) -> Result<Option<String>, EditError> {
        let old = self.entry(id)?.parent.clone();
        if let Some(p) = parent {
            if self.entry(p)?.retired {
                return Err(EditError::Refused(format!(
                    "\"{p}\" is retired; choose a current parent"
                )));
            }
            if self.subtree(id).iter().any(|s| s == p) {
                return Err(EditError::Refused(if p == id {
                    format!("\"{id}\" cannot be its own parent")
                } else {
                    format!("\"{p}\" sits under \"{id}\"; moving \"{id}\" there would make a cycle")
                }));
            }
        }
        let t = self.table_mut(id)?;
        match parent {
            Some(p) => {
                t.insert("parent", value(p));
            }
            None => {
                t.remove("parent");
            }
        }
        self.revalidate()?;
        Ok(old)
    }

    /// Marks an entry retired (`true`) or current again (`false`).
    pub fn set_retired(&mut self, id: &str, retired: bool) -> Result<(), EditError> {
        let t = self.table_mut(id)?;
        if retired {
            t.insert("retired", value(true));
        } else {
            t.remove("retired");
        }
        self.revalidate()
    }

    /// The codebook side of merging `source` into `target`: the source's children move under
    /// the target and the source is retired. (Moving the codings is the study's job.)
    pub fn merge(&mut self, source: &str, target: &str) -> Result<MergeOutcome, EditError> {
        let s = self.entry(source)?.clone();
        let t = self.entry(target)?.clone();
        if source == target {
            return Err(EditError::Refused(format!(
                "cannot merge \"{source}\" into itself"
            )));
        }
        if s.retired {
            return Err(EditError::Refused(format!(
                "\"{source}\" is already retired; restore it first (thematic codebook retire {source} --undo) if it still has codings to move"
            )));
        }
        if t.retired {
            return Err(EditError::Refused(format!(
                "\"{target}\" is retired; merge into a current theme"
            )));
        }
        if !t.codable {
            return Err(EditError::Refused(format!(
                "\"{target}\" cannot be coded (codable = false), so it cannot take the codings of \"{source}\"; merge into a theme, or make it codable first"
            )));
        }
        if self.subtree(source).iter().any(|s| s == target) {
            return Err(EditError::Refused(format!(
                "\"{target}\" sits under \"{source}\"; move it out first (thematic codebook move {target} --parent …)"
            )));
        }
        let children: Vec<String> = self.book.children(source).map(|e| e.id.clone()).collect();
        for c in &children {
            self.table_mut(c)?.insert("parent", value(target));
        }
        self.table_mut(source)?.insert("retired", value(true));
        self.revalidate()?;
        Ok(MergeOutcome {
            reparented: children,
        })
    }

    /// `id` and every id below it.
    fn subtree(&self, id: &str) -> Vec<String> {
        self.book
            .subtree(id)
            .into_iter()
            .map(|e| e.id.clone())
            .collect()
    }

    fn entry(&self, id: &str) -> Result<&Entry, EditError> {
        self.book.get(id).ok_or_else(|| EditError::UnknownTheme {
            id: id.to_string(),
            suggestion: closest(id, self.book.entries.iter().map(|e| e.id.as_str()))
                .map(str::to_string),
        })
    }

    /// The `[[theme]]` tables, in file order.
    fn themes(&self) -> Result<Vec<Table>, EditError> {
        match self.doc.get("theme") {
            Some(item) => item
                .as_array_of_tables()
                .map(|a| a.iter().cloned().collect())
                .ok_or_else(|| {
                    EditError::Refused("`theme` must be written as [[theme]] tables".into())
                }),
            None => Ok(Vec::new()),
        }
    }

    fn replace_themes(&mut self, tables: Vec<Table>) {
        let mut aot = ArrayOfTables::new();
        for (i, mut t) in tables.into_iter().enumerate() {
            // Positions decide the order tables are written in; renumber them so the array's
            // order is the file's order.
            t.set_position(isize::try_from(i + 1).unwrap_or(isize::MAX));
            aot.push(t);
        }
        self.doc.insert("theme", Item::ArrayOfTables(aot));
    }

    /// The table of entry `id` (an unknown id is an error with the closest id).
    fn table_mut(&mut self, id: &str) -> Result<&mut Table, EditError> {
        self.entry(id)?;
        let aot = self
            .doc
            .get_mut("theme")
            .and_then(Item::as_array_of_tables_mut)
            .ok_or_else(|| EditError::Refused("the codebook has no [[theme]] tables".into()))?;
        aot.iter_mut()
            .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
            .ok_or_else(|| EditError::Refused(format!("no [[theme]] table with id \"{id}\"")))
    }

    fn revalidate(&mut self) -> Result<(), EditError> {
        self.book = Codebook::from_toml(&self.doc.to_string(), &self.path)?;
        Ok(())
    }
}

/// A slug for `label` that no entry of `book` uses: "Peer support" → `peer-support`,
/// then `peer-support-2`, … Accents are dropped ("Café" → `cafe`); a label with no Latin
/// letters or digits gives `theme`.
pub fn unique_slug(label: &str, book: &Codebook) -> String {
    let base = slugify(label);
    let base = if base.is_empty() {
        "theme".to_string()
    } else {
        base
    };
    if book.get(&base).is_none() {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| book.get(s).is_none())
        .unwrap_or(base)
}

/// Lowercase ASCII slug of a label (at most 48 characters, cut at a hyphen when possible).
pub fn slugify(label: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in label.nfd() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if (c.is_ascii() || c.is_whitespace()) && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        // Other characters (combining accents, non-Latin letters) are dropped.
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > 48 {
        let cut = out[..48].rfind('-').unwrap_or(48);
        out.truncate(cut);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"# My codebook — a comment that must survive
format_version = 1
name = "t"

# The roles group
[[theme]]
id = "roles"
label = "Roles"
codable = false

[[theme]]
id = "asking"   # trailing comment
label = "Asking"
parent = "roles"

# Approach
[[theme]]
id = "approach"
label = "Approach"
codable = false

[[theme]]
id = "goals"
label = "Goals"
parent = "approach"
"#;

    fn ed() -> CodebookEditor {
        CodebookEditor::open(BOOK, "b.toml").unwrap()
    }

    fn ids(e: &CodebookEditor) -> Vec<String> {
        e.codebook().entries.iter().map(|e| e.id.clone()).collect()
    }

    #[test]
    fn add_places_the_entry_after_its_siblings_and_keeps_comments() {
        let mut e = ed();
        let id = e
            .add(&NewEntry {
                label: "Open questions".into(),
                parent: Some("roles".into()),
                codable: true,
                definition: Some("Questions that invite a story.".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(id, "open-questions");
        assert_eq!(
            ids(&e),
            ["roles", "asking", "open-questions", "approach", "goals"]
        );
        let text = e.text();
        assert!(text.starts_with("# My codebook — a comment that must survive\n"));
        assert!(text.contains("# The roles group\n[[theme]]"));
        assert!(text.contains("id = \"asking\"   # trailing comment"));
        assert!(text.contains("# Approach\n[[theme]]\nid = \"approach\""));
        assert!(
            text.contains(
                "\n[[theme]]\nid = \"open-questions\"\nlabel = \"Open questions\"\nparent = \"roles\"\ndefinition = \"Questions that invite a story.\"\n"
            ),
            "{text}"
        );
        // A root goes at the end; a second "Open questions" gets a fresh id.
        let again = e
            .add(&NewEntry {
                label: "Open questions".into(),
                codable: true,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(again, "open-questions-2");
        assert_eq!(ids(&e).last().unwrap(), "open-questions-2");
        assert!(
            e.codebook()
                .get("open-questions-2")
                .unwrap()
                .parent
                .is_none()
        );
    }

    #[test]
    fn add_refuses_bad_ids_and_unknown_parents() {
        let mut e = ed();
        let new = |id: &str, parent: &str| NewEntry {
            id: Some(id.into()),
            label: "X".into(),
            parent: Some(parent.into()),
            codable: true,
            ..Default::default()
        };
        assert_eq!(
            e.add(&new("asking", "roles")),
            Err(EditError::DuplicateId("asking".into()))
        );
        assert_eq!(
            e.add(&new("Bad_Id", "roles")),
            Err(EditError::InvalidId("Bad_Id".into()))
        );
        assert_eq!(
            e.add(&new("x", "role")).unwrap_err().to_string(),
            "no theme \"role\" in the codebook (did you mean \"roles\"?)"
        );
        assert_eq!(e.text(), BOOK, "a refused edit changes nothing");
    }

    #[test]
    fn rename_changes_only_the_label() {
        let mut e = ed();
        assert_eq!(e.rename("asking", "Asking questions").unwrap(), "Asking");
        let text = e.text();
        assert_eq!(
            text,
            BOOK.replace("label = \"Asking\"", "label = \"Asking questions\"")
        );
    }

    #[test]
    fn move_refuses_cycles_and_can_make_roots() {
        let mut e = ed();
        let err = e.move_to("roles", Some("asking")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"asking\" sits under \"roles\"; moving \"roles\" there would make a cycle"
        );
        assert_eq!(
            e.move_to("goals", Some("roles")).unwrap().as_deref(),
            Some("approach")
        );
        assert_eq!(
            e.codebook().get("goals").unwrap().parent.as_deref(),
            Some("roles")
        );
        e.move_to("goals", None).unwrap();
        assert!(e.codebook().get("goals").unwrap().parent.is_none());
        assert!(!e.text().contains("parent = \"approach\""));
    }

    #[test]
    fn merge_retires_the_source_and_rehomes_its_children() {
        let mut e = ed();
        e.add(&NewEntry {
            id: Some("sub".into()),
            label: "Sub".into(),
            parent: Some("asking".into()),
            codable: true,
            ..Default::default()
        })
        .unwrap();
        let out = e.merge("asking", "goals").unwrap();
        assert_eq!(out.reparented, ["sub"]);
        let book = e.codebook();
        assert!(book.get("asking").unwrap().retired);
        assert_eq!(book.get("sub").unwrap().parent.as_deref(), Some("goals"));
        assert!(
            e.merge("goals", "approach")
                .unwrap_err()
                .to_string()
                .contains("cannot be coded")
        );
        assert!(e.merge("goals", "goals").is_err());
        assert!(
            e.merge("goals", "asking")
                .unwrap_err()
                .to_string()
                .contains("retired")
        );
    }

    #[test]
    fn retire_and_restore() {
        let mut e = ed();
        e.set_retired("goals", true).unwrap();
        assert!(e.codebook().get("goals").unwrap().retired);
        assert!(e.codebook().codable().all(|x| x.id != "goals"));
        e.set_retired("goals", false).unwrap();
        assert_eq!(e.text(), BOOK);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Patients' role"), "patients-role");
        assert_eq!(slugify("  Café — société "), "cafe-societe");
        assert_eq!(slugify("社会"), "");
        assert_eq!(
            slugify("Asking questions rather than selling answers to patients who come in"),
            "asking-questions-rather-than-selling-answers-to"
        );
    }
}
