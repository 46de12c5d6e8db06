//! Editing a codebook file in place: add, rename, move, retire and merge entries, recolour
//! them and change their definitions. (Codes made while coding are in `new_code.rs`.)
//!
//! Edits go through `toml_edit`, so a researcher's comments, blank lines and key order
//! survive every command; only the keys an operation touches change. After each edit the
//! whole text is validated again, so an edit can never leave an unreadable codebook.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::error::CodebookError;
use crate::model::{Codebook, Entry};
use crate::parse::{expand_colour, is_slug};
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
    /// The colour is not `#rgb` or `#rrggbb`.
    #[error("invalid colour \"{0}\": expected #rgb or #rrggbb, such as \"#0072b2\"")]
    InvalidColour(String),
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

/// A text field of an entry that [`CodebookEditor::set_text_field`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// `definition`: what the entry captures.
    Definition,
    /// `include`: when to use it.
    Include,
    /// `exclude`: when not to use it (for a theme: its boundaries, what it is not).
    Exclude,
    /// `title`: a theme's longer title, as the paper prints it.
    Title,
    /// `concept`: a theme's central organising concept.
    Concept,
}

impl TextField {
    /// All of them, in the order they are written in a `[[theme]]` table.
    pub const ALL: [TextField; 5] = [
        TextField::Title,
        TextField::Concept,
        TextField::Definition,
        TextField::Include,
        TextField::Exclude,
    ];

    /// The TOML key.
    pub fn key(self) -> &'static str {
        match self {
            TextField::Definition => "definition",
            TextField::Include => "include",
            TextField::Exclude => "exclude",
            TextField::Title => "title",
            TextField::Concept => "concept",
        }
    }

    /// The field's value in an entry.
    pub fn of(self, entry: &Entry) -> Option<&str> {
        match self {
            TextField::Definition => entry.definition.as_deref(),
            TextField::Include => entry.include.as_deref(),
            TextField::Exclude => entry.exclude.as_deref(),
            TextField::Title => entry.title.as_deref(),
            TextField::Concept => entry.concept.as_deref(),
        }
    }
}

/// An entry's text fields, for changing several at once: `None` leaves a field as it is,
/// and empty text removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeText {
    /// A theme's longer title.
    pub title: Option<String>,
    /// A theme's central organising concept.
    pub concept: Option<String>,
    /// What the entry captures.
    pub definition: Option<String>,
    /// When to use it.
    pub include: Option<String>,
    /// When not to use it.
    pub exclude: Option<String>,
}

impl ThemeText {
    /// The field's text, if given.
    pub fn get(&self, field: TextField) -> Option<&str> {
        match field {
            TextField::Definition => self.definition.as_deref(),
            TextField::Include => self.include.as_deref(),
            TextField::Exclude => self.exclude.as_deref(),
            TextField::Title => self.title.as_deref(),
            TextField::Concept => self.concept.as_deref(),
        }
    }

    /// Sets the field's text.
    pub fn set(&mut self, field: TextField, text: Option<String>) {
        match field {
            TextField::Definition => self.definition = text,
            TextField::Include => self.include = text,
            TextField::Exclude => self.exclude = text,
            TextField::Title => self.title = text,
            TextField::Concept => self.concept = text,
        }
    }

    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        TextField::ALL.iter().all(|f| self.get(*f).is_none())
    }
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
                t.insert(key, Item::Value(string_value(v)));
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

    /// Marks an entry retired (`true`) or current again (`false`; a restored entry is no
    /// longer "merged into" anything).
    pub fn set_retired(&mut self, id: &str, retired: bool) -> Result<(), EditError> {
        let t = self.table_mut(id)?;
        if retired {
            set_value(t, "retired", toml_edit::Value::from(true), KEY_ORDER);
        } else {
            t.remove("retired");
            t.remove("merged_into");
        }
        self.revalidate()
    }

    /// Sets the other candidate themes an entry sits in (`also_in`); an empty list removes
    /// the key. Each must be a current entry other than the entry, its parent and its own
    /// descendants. Returns the old list.
    pub fn set_also_in(&mut self, id: &str, themes: &[String]) -> Result<Vec<String>, EditError> {
        let e = self.entry(id)?.clone();
        let below = self.subtree(id);
        let mut list: Vec<String> = Vec::new();
        for t in themes {
            let target = self.entry(t)?;
            if target.retired {
                return Err(EditError::Refused(format!(
                    "\"{t}\" is retired; a code can sit only in current themes"
                )));
            }
            if below.contains(t) {
                return Err(EditError::Refused(format!(
                    "\"{t}\" is \"{id}\" or sits under it"
                )));
            }
            if e.parent.as_deref() != Some(t.as_str()) && !list.contains(t) {
                list.push(t.clone());
            }
        }
        self.write_also_in(id, &list)?;
        self.revalidate()?;
        Ok(e.also_in)
    }

    /// Writes `also_in` as `list` (removed when empty), without validating.
    fn write_also_in(&mut self, id: &str, list: &[String]) -> Result<(), EditError> {
        let table = self.table_mut(id)?;
        if list.is_empty() {
            table.remove("also_in");
        } else {
            let a: toml_edit::Array = list.iter().map(String::as_str).collect();
            set_value(table, "also_in", toml_edit::Value::Array(a), KEY_ORDER);
        }
        Ok(())
    }

    /// Marks a theme defined and named (`true`) or a candidate again (`false`). Refused
    /// while a code in it also sits in another current theme: resolve the shared codes
    /// first. Returns whether it was defined.
    pub fn set_defined(&mut self, id: &str, defined: bool) -> Result<bool, EditError> {
        let was = self.entry(id)?.defined;
        if defined {
            let shared: Vec<String> = self
                .book
                .members(id)
                .filter(|m| self.book.is_shared(&m.id))
                .map(|m| m.id.clone())
                .collect();
            if !shared.is_empty() {
                return Err(EditError::Refused(format!(
                    "\"{id}\" shares {} with other themes: {}; put each in one theme first (the review view lists them)",
                    if shared.len() == 1 { "a code" } else { "codes" },
                    shared.join(", ")
                )));
            }
        }
        let t = self.table_mut(id)?;
        if defined {
            set_value(t, "defined", toml_edit::Value::from(true), KEY_ORDER);
        } else {
            t.remove("defined");
        }
        self.revalidate()?;
        Ok(was)
    }

    /// Records that `id` was split from `from` (on the theme a split creates).
    pub fn set_split_from(&mut self, id: &str, from: &str) -> Result<(), EditError> {
        self.entry(from)?;
        let t = self.table_mut(id)?;
        set_key(t, "split_from", from, KEY_ORDER);
        self.revalidate()
    }

    /// Merges candidate theme `source` into `target`, neither of them a code: the codes
    /// and sub-themes in `source` move under `target`, codes that also sat in `source` sit
    /// in `target` instead, and `source` is retired with `merged_into = target`. No coding
    /// changes (a theme that cannot be coded has none).
    pub fn merge_theme(&mut self, source: &str, target: &str) -> Result<MergeOutcome, EditError> {
        let s = self.entry(source)?.clone();
        let t = self.entry(target)?.clone();
        if source == target {
            return Err(EditError::Refused(format!(
                "cannot merge \"{source}\" into itself"
            )));
        }
        if s.codable || t.codable {
            return Err(EditError::Refused(format!(
                "\"{}\" can be coded: merge codes with `thematic codebook merge`, which moves their codings",
                if s.codable { source } else { target }
            )));
        }
        if s.retired || t.retired {
            return Err(EditError::Refused(format!(
                "\"{}\" is retired; merge current themes",
                if s.retired { source } else { target }
            )));
        }
        if self.subtree(source).iter().any(|x| x == target) {
            return Err(EditError::Refused(format!(
                "\"{target}\" sits under \"{source}\"; move it out first"
            )));
        }
        let children: Vec<String> = self.book.children(source).map(|e| e.id.clone()).collect();
        for c in &children {
            self.table_mut(c)?.insert("parent", value(target));
        }
        // Codes that named `source` in also_in name `target` instead; none names its own
        // parent (a child of `source` now has `target` as its parent).
        let touched: Vec<Entry> = self
            .book
            .entries
            .iter()
            .filter(|e| {
                e.also_in.iter().any(|a| a == source)
                    || (children.contains(&e.id) && e.also_in.iter().any(|a| a == target))
            })
            .cloned()
            .collect();
        for e in touched {
            let parent = if children.contains(&e.id) {
                Some(target)
            } else {
                e.parent.as_deref()
            };
            let mut list: Vec<String> = Vec::new();
            for a in &e.also_in {
                let a = if a == source { target } else { a.as_str() };
                if Some(a) != parent && !list.iter().any(|x| x == a) {
                    list.push(a.to_string());
                }
            }
            self.write_also_in(&e.id, &list)?;
        }
        let table = self.table_mut(source)?;
        set_value(table, "retired", toml_edit::Value::from(true), KEY_ORDER);
        set_key(table, "merged_into", target, KEY_ORDER);
        self.revalidate()?;
        Ok(MergeOutcome {
            reparented: children,
        })
    }

    /// Gives an entry a display colour (`#rgb` or `#rrggbb`, written as lowercase
    /// `#rrggbb`), or removes it with `None`. Returns the old colour.
    pub fn set_colour(
        &mut self,
        id: &str,
        colour: Option<&str>,
    ) -> Result<Option<String>, EditError> {
        let colour = match colour.map(str::trim) {
            Some(c) => {
                Some(expand_colour(c).ok_or_else(|| EditError::InvalidColour(c.to_string()))?)
            }
            None => None,
        };
        let old = self.entry(id)?.colour.clone();
        let t = self.table_mut(id)?;
        match colour {
            Some(c) => set_key(t, "colour", &c, KEY_ORDER),
            None => {
                t.remove("colour");
            }
        }
        self.revalidate()?;
        Ok(old)
    }

    /// Sets an entry's definition, include or exclude note; `None`, or text that is only
    /// white space, removes it. The text is trimmed, and line breaks are kept (`\r\n` as
    /// `\n`): text with line breaks is written as a `"""` string. A new
    /// key goes after the keys that come before it in the documented order (`id`, `label`,
    /// `parent`, `codable`, `definition`, `include`, `exclude`); an existing one stays where
    /// it is, with its comment. Returns the old text.
    pub fn set_text_field(
        &mut self,
        id: &str,
        field: TextField,
        text: Option<&str>,
    ) -> Result<Option<String>, EditError> {
        let text = text
            .map(|t| t.replace("\r\n", "\n"))
            .filter(|t| !t.trim().is_empty());
        let old = field.of(self.entry(id)?).map(str::to_string);
        let t = self.table_mut(id)?;
        match text {
            Some(text) => set_key(t, field.key(), text.trim(), KEY_ORDER),
            None => {
                t.remove(field.key());
            }
        }
        self.revalidate()?;
        Ok(old)
    }

    /// Sets each field `text` gives (see [`set_text_field`](Self::set_text_field)).
    /// Returns the fields' old text, with `""` for one the entry did not have, so that
    /// passing the result back undoes the change.
    pub fn set_texts(&mut self, id: &str, text: &ThemeText) -> Result<ThemeText, EditError> {
        self.entry(id)?;
        let mut old = ThemeText::default();
        for field in TextField::ALL {
            if let Some(t) = text.get(field) {
                let was = self.set_text_field(id, field, Some(t))?;
                old.set(field, Some(was.unwrap_or_default()));
            }
        }
        Ok(old)
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
        let t = self.table_mut(source)?;
        t.insert("retired", value(true));
        set_key(t, "merged_into", target, KEY_ORDER);
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

    pub(crate) fn entry(&self, id: &str) -> Result<&Entry, EditError> {
        self.book.get(id).ok_or_else(|| EditError::UnknownTheme {
            id: id.to_string(),
            suggestion: closest(id, self.book.entries.iter().map(|e| e.id.as_str()))
                .map(str::to_string),
        })
    }

    /// The `[[theme]]` tables, in file order.
    pub(crate) fn themes(&self) -> Result<Vec<Table>, EditError> {
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

    pub(crate) fn replace_themes(&mut self, tables: Vec<Table>) {
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

    pub(crate) fn revalidate(&mut self) -> Result<(), EditError> {
        self.book = Codebook::from_toml(&self.doc.to_string(), &self.path)?;
        Ok(())
    }
}

/// The keys of a `[[theme]]` table in the order the format documents them; a key added by
/// an edit goes after the last of those before it that the table has.
const KEY_ORDER: &[&str] = &[
    "id",
    "label",
    "parent",
    "codable",
    "also_in",
    "title",
    "concept",
    "definition",
    "include",
    "exclude",
    "examples",
    "colour",
    "keywords",
    "phrases",
    "patterns",
    "defined",
    "retired",
    "merged_into",
    "split_from",
];

/// Sets `key` to the string `text` in `t`. An existing value is replaced in place, keeping
/// its surrounding white space and comment; a new key is placed after the last key of
/// `order` before it that `t` has (at the end when there is none), moving no other key.
fn set_key(t: &mut Table, key: &str, text: &str, order: &[&str]) {
    set_value(t, key, string_value(text), order);
}

/// Sets `key` to `new` in `t`, placed as [`set_key`] places it.
fn set_value(t: &mut Table, key: &str, new: toml_edit::Value, order: &[&str]) {
    if let Some(item) = t.get_mut(key) {
        match item.as_value_mut() {
            Some(v) => {
                let decor = v.decor().clone();
                *v = new;
                *v.decor_mut() = decor;
            }
            None => *item = Item::Value(new),
        }
        return;
    }
    let before: Vec<&str> = order.iter().take_while(|k| **k != key).copied().collect();
    let anchor = t
        .iter()
        .map(|(k, _)| k.to_string())
        .enumerate()
        .filter(|(_, k)| before.contains(&k.as_str()))
        .map(|(i, _)| i)
        .last();
    let Some(anchor) = anchor else {
        t.insert(key, Item::Value(new));
        return;
    };
    // Take the keys after the anchor off, add the new key, and put them back in order.
    let after: Vec<String> = t
        .iter()
        .skip(anchor + 1)
        .map(|(k, _)| k.to_string())
        .collect();
    let moved: Vec<(toml_edit::Key, Item)> =
        after.iter().filter_map(|k| t.remove_entry(k)).collect();
    t.insert(key, Item::Value(new));
    for (k, item) in moved {
        t.insert_formatted(&k, item);
    }
}

/// A TOML string for `text`: a `"""` multi-line string when it has line breaks, as the
/// shipped codebooks write definitions, else a one-line string.
fn string_value(text: &str) -> toml_edit::Value {
    if text.contains('\n') {
        // Backslashes escaped, and a quote escaped where it could close the string early
        // (before another quote, or last): no run of two unescaped quotes is left.
        let chars: Vec<char> = text.chars().collect();
        let mut escaped = String::with_capacity(text.len() + 8);
        for (i, &c) in chars.iter().enumerate() {
            match c {
                '\\' => escaped.push_str("\\\\"),
                '"' if chars.get(i + 1).is_none_or(|&n| n == '"') => escaped.push_str("\\\""),
                c => escaped.push(c),
            }
        }
        let repr = format!("\"\"\"\n{escaped}\"\"\"");
        // Anything the multi-line form cannot hold as it is (control characters) is
        // written as a one-line string with escapes instead.
        if let Ok(v) = repr.parse::<toml_edit::Value>()
            && v.as_str() == Some(text)
        {
            return v;
        }
    }
    toml_edit::Value::from(text)
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
    fn set_colour_validates_normalises_and_keeps_comments() {
        let mut e = ed();
        assert_eq!(e.set_colour("asking", Some("#0072B2")).unwrap(), None);
        assert_eq!(
            e.codebook().get("asking").unwrap().colour.as_deref(),
            Some("#0072b2")
        );
        assert_eq!(
            e.text(),
            BOOK.replace(
                "label = \"Asking\"\nparent = \"roles\"\n",
                "label = \"Asking\"\nparent = \"roles\"\ncolour = \"#0072b2\"\n"
            )
        );
        // #rgb is written out; the old colour comes back.
        assert_eq!(
            e.set_colour("asking", Some("#F0a")).unwrap().as_deref(),
            Some("#0072b2")
        );
        assert!(e.text().contains("colour = \"#ff00aa\""));
        for bad in ["red", "#12345", "0072b2", "#ggg", ""] {
            assert_eq!(
                e.set_colour("asking", Some(bad)),
                Err(EditError::InvalidColour(bad.into()))
            );
        }
        assert_eq!(
            e.set_colour("asking", Some("red")).unwrap_err().to_string(),
            "invalid colour \"red\": expected #rgb or #rrggbb, such as \"#0072b2\""
        );
        assert!(matches!(
            e.set_colour("askng", Some("#fff")),
            Err(EditError::UnknownTheme { .. })
        ));
        e.set_colour("asking", None).unwrap();
        assert_eq!(e.text(), BOOK, "removing the colour gives the file back");
    }

    #[test]
    fn set_text_field_places_new_keys_in_order_and_replaces_in_place() {
        let book = "format_version = 1\nname = \"t\"\n\n[[theme]]\nid = \"a\"\nlabel = \"A\"\nexclude = \"Not B.\"  # keep me\ncolour = \"#0072b2\"\nkeywords = [\"x\"]\n";
        let mut e = CodebookEditor::open(book, "b.toml").unwrap();
        let old = e
            .set_text_field("a", TextField::Definition, Some("  What A is. "))
            .unwrap();
        assert_eq!(old, None);
        // A new key goes after the keys before it in the documented order.
        assert_eq!(
            e.text(),
            book.replace(
                "label = \"A\"\n",
                "label = \"A\"\ndefinition = \"What A is.\"\n"
            )
        );
        e.set_text_field("a", TextField::Include, Some("When A."))
            .unwrap();
        assert!(
            e.text().contains(
                "definition = \"What A is.\"\ninclude = \"When A.\"\nexclude = \"Not B.\"  # keep me\n"
            ),
            "{}",
            e.text()
        );
        // An existing key keeps its place and its comment.
        let old = e
            .set_text_field("a", TextField::Exclude, Some("Not C."))
            .unwrap();
        assert_eq!(old.as_deref(), Some("Not B."));
        assert!(
            e.text().contains("exclude = \"Not C.\"  # keep me\n"),
            "{}",
            e.text()
        );
        // Line breaks make a """ string; quotes and backslashes survive a round trip.
        let long = "First line, \"quoted\".\r\nSecond line with a \\ and \"\"\" and a last \"";
        e.set_text_field("a", TextField::Definition, Some(long))
            .unwrap();
        assert!(
            e.text()
                .contains("definition = \"\"\"\nFirst line, \"quoted\".\nSecond line"),
            "{}",
            e.text()
        );
        assert_eq!(
            e.codebook().get("a").unwrap().definition.as_deref(),
            Some(long.replace("\r\n", "\n").as_str())
        );
        // A control character cannot go in a """ string as it is; it is escaped instead.
        e.set_text_field("a", TextField::Definition, Some("bell\u{7}\nnext"))
            .unwrap();
        assert_eq!(
            e.codebook().get("a").unwrap().definition.as_deref(),
            Some("bell\u{7}\nnext")
        );
        // Blank text removes the key.
        for f in TextField::ALL {
            e.set_text_field("a", f, Some("  \n ")).unwrap();
        }
        assert_eq!(
            e.text(),
            "format_version = 1\nname = \"t\"\n\n[[theme]]\nid = \"a\"\nlabel = \"A\"\ncolour = \"#0072b2\"\nkeywords = [\"x\"]\n"
        );
    }

    #[test]
    fn set_texts_returns_what_undoes_it() {
        let mut e = ed();
        let change = ThemeText {
            definition: Some("Asking, not telling.".into()),
            exclude: Some("Advice.".into()),
            ..Default::default()
        };
        let old = e.set_texts("asking", &change).unwrap();
        assert_eq!(
            old,
            ThemeText {
                definition: Some(String::new()),
                exclude: Some(String::new()),
                ..Default::default()
            }
        );
        let asking = e.codebook().get("asking").unwrap();
        assert_eq!(asking.definition.as_deref(), Some("Asking, not telling."));
        assert_eq!(asking.include, None);
        assert_eq!(e.set_texts("asking", &old).unwrap(), change);
        assert_eq!(e.text(), BOOK);
        assert!(e.set_texts("nope", &change).is_err());
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
