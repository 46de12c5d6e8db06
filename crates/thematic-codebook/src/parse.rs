//! Reading and validating the TOML codebook format (`docs/codebook-format.md`).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::FORMAT_VERSION;
use crate::error::{CodebookError, Diagnostic, Lines, Severity};
use crate::model::{Codebook, Entry, SearchRules};
use crate::similar::closest;

const FIELDS: &[&str] = &[
    "id",
    "label",
    "parent",
    "codable",
    "definition",
    "include",
    "exclude",
    "examples",
    "colour",
    "keywords",
    "phrases",
    "patterns",
    "retired",
    "title",
    "concept",
    "also_in",
    "defined",
    "merged_into",
    "split_from",
];
const TOP_FIELDS: &[&str] = &["format_version", "name", "description", "theme"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format_version: Spanned<i64>,
    name: Spanned<String>,
    description: Option<String>,
    #[serde(default)]
    theme: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    label: Spanned<String>,
    parent: Option<Spanned<String>>,
    codable: Option<bool>,
    definition: Option<String>,
    include: Option<String>,
    exclude: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    colour: Option<Spanned<String>>,
    #[serde(default)]
    keywords: Vec<Spanned<String>>,
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    retired: bool,
    title: Option<String>,
    concept: Option<String>,
    #[serde(default)]
    also_in: Vec<Spanned<String>>,
    #[serde(default)]
    defined: bool,
    merged_into: Option<Spanned<String>>,
    split_from: Option<Spanned<String>>,
}

struct Ctx<'a> {
    text: &'a str,
    path: &'a str,
    out: Vec<Diagnostic>,
    lines: Lines,
}

impl Ctx<'_> {
    fn at(&mut self, offset: usize, severity: Severity, message: String) {
        let (line, column) = self.lines.line_col(self.text, offset);
        self.out.push(Diagnostic {
            path: self.path.to_string(),
            line,
            column,
            severity,
            message,
        });
    }
    fn error(&mut self, offset: usize, message: String) {
        self.at(offset, Severity::Error, message);
    }
}

impl Codebook {
    /// Reads a codebook from TOML text. `path` is used in messages only.
    ///
    /// On success, returns the codebook; warnings are available from [`Codebook::from_toml_with_warnings`].
    pub fn from_toml(text: &str, path: &str) -> Result<Codebook, CodebookError> {
        parse(text, path).map(|(book, _)| book)
    }

    /// Reads a codebook and also returns its warnings (entries without a definition).
    pub fn from_toml_with_warnings(
        text: &str,
        path: &str,
    ) -> Result<(Codebook, Vec<Diagnostic>), CodebookError> {
        parse(text, path)
    }
}

fn parse(text: &str, path: &str) -> Result<(Codebook, Vec<Diagnostic>), CodebookError> {
    let mut cx = Ctx {
        text,
        path,
        out: Vec::new(),
        lines: Lines::new(text),
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            cx.error(offset, toml_message(&e));
            return Err(CodebookError {
                diagnostics: cx.out,
            });
        }
    };
    cx.check_top(&raw);
    // Each id with the line it is first defined on.
    let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
    let entries: Vec<Entry> = raw
        .theme
        .iter()
        .map(|spanned| cx.entry(spanned, &mut first_seen))
        .collect();
    cx.check_parents(&raw.theme, &entries, &first_seen);
    cx.check_references(&raw.theme, &entries, &first_seen);
    let warnings = cx.definition_warnings(&raw.theme, &entries);

    if !cx.out.is_empty() {
        cx.out.sort_by_key(|d| (d.line, d.column));
        return Err(CodebookError {
            diagnostics: cx.out,
        });
    }
    let book = Codebook {
        name: raw.name.into_inner().trim().to_string(),
        description: raw.description,
        entries,
    };
    Ok((book, warnings))
}

impl Ctx<'_> {
    /// Checks the top-level fields: the format version and the name.
    fn check_top(&mut self, raw: &RawFile) {
        if *raw.format_version.get_ref() != FORMAT_VERSION {
            self.error(
                raw.format_version.span().start,
                format!(
                    "unsupported format_version {} (this version of thematic reads format_version {FORMAT_VERSION})",
                    raw.format_version.get_ref()
                ),
            );
        }
        if raw.name.get_ref().trim().is_empty() {
            self.error(raw.name.span().start, "the codebook name is empty".into());
        }
    }

    /// Checks one `[[theme]]` table on its own (its id, that the id is new, its label, colour
    /// and search rules) and gives its entry. Records the id's line in `first_seen`.
    fn entry(
        &mut self,
        spanned: &Spanned<RawEntry>,
        first_seen: &mut BTreeMap<String, usize>,
    ) -> Entry {
        let e = spanned.get_ref();
        let id = e.id.get_ref();
        if !is_slug(id) {
            self.error(
                e.id.span().start,
                format!(
                    "invalid id \"{id}\": ids are lowercase slugs such as \"asking-questions\""
                ),
            );
        }
        let (line, _) = self.lines.line_col(self.text, spanned.span().start);
        if let Some(&first) = first_seen.get(id) {
            self.error(
                e.id.span().start,
                format!("duplicate id \"{id}\" (first defined at line {first})"),
            );
        } else {
            first_seen.insert(id.clone(), line);
        }
        if e.label.get_ref().trim().is_empty() {
            self.error(
                e.label.span().start,
                format!("theme \"{id}\" has an empty label"),
            );
        }
        let colour = e.colour.as_ref().and_then(|c| self.colour(c));
        self.check_rules(e);
        Entry {
            id: id.clone(),
            label: e.label.get_ref().trim().to_string(),
            parent: e.parent.as_ref().map(|p| p.get_ref().clone()),
            codable: e.codable.unwrap_or(true),
            definition: e.definition.clone().filter(|d| !d.trim().is_empty()),
            include: e.include.clone().filter(|d| !d.trim().is_empty()),
            exclude: e.exclude.clone().filter(|d| !d.trim().is_empty()),
            examples: e.examples.clone(),
            colour,
            rules: SearchRules {
                keywords: e
                    .keywords
                    .iter()
                    .map(|k| k.get_ref().to_lowercase())
                    .collect(),
                phrases: e.phrases.iter().map(|k| k.get_ref().clone()).collect(),
                patterns: e.patterns.iter().map(|k| k.get_ref().clone()).collect(),
            },
            retired: e.retired,
            title: e.title.clone().filter(|d| !d.trim().is_empty()),
            concept: e.concept.clone().filter(|d| !d.trim().is_empty()),
            also_in: e.also_in.iter().map(|a| a.get_ref().clone()).collect(),
            defined: e.defined,
            merged_into: e.merged_into.as_ref().map(|m| m.get_ref().clone()),
            split_from: e.split_from.as_ref().map(|m| m.get_ref().clone()),
            line,
        }
    }

    /// A colour as `#rrggbb`, or `None` with an error if it is not `#rgb` or `#rrggbb`.
    fn colour(&mut self, c: &Spanned<String>) -> Option<String> {
        let colour = expand_colour(c.get_ref());
        if colour.is_none() {
            self.error(
                c.span().start,
                format!(
                    "invalid colour \"{}\": expected #rgb or #rrggbb",
                    c.get_ref()
                ),
            );
        }
        colour
    }

    /// Checks a theme's search rules: keywords are single words, phrases are not blank,
    /// patterns compile.
    fn check_rules(&mut self, e: &RawEntry) {
        let id = e.id.get_ref();
        for k in &e.keywords {
            if k.get_ref().trim().is_empty() {
                self.error(k.span().start, format!("empty keyword in theme \"{id}\""));
            } else if k.get_ref().contains(char::is_whitespace) {
                self.error(
                    k.span().start,
                    format!(
                        "keyword \"{}\" contains whitespace; put it in phrases instead",
                        k.get_ref()
                    ),
                );
            }
        }
        for p in &e.phrases {
            if p.get_ref().trim().is_empty() {
                self.error(p.span().start, format!("empty phrase in theme \"{id}\""));
            }
        }
        for p in &e.patterns {
            if p.get_ref().is_empty() {
                self.error(p.span().start, format!("empty pattern in theme \"{id}\""));
            } else if let Err(reason) = pattern_compiles(p.get_ref()) {
                self.error(
                    p.span().start,
                    format!("invalid pattern '{}': {reason}", p.get_ref()),
                );
            }
        }
    }

    /// Checks the ids that `also_in`, `merged_into` and `split_from` name: known ids (else
    /// the closest one is suggested), not the entry itself; `also_in` names neither the
    /// entry's parent nor one id twice.
    fn check_references(
        &mut self,
        raw: &[Spanned<RawEntry>],
        entries: &[Entry],
        first_seen: &BTreeMap<String, usize>,
    ) {
        for (spanned, entry) in raw.iter().zip(entries) {
            let e = spanned.get_ref();
            let mut refs: Vec<(&str, &Spanned<String>)> =
                e.also_in.iter().map(|a| ("also_in", a)).collect();
            refs.extend(e.merged_into.iter().map(|m| ("merged_into", m)));
            refs.extend(e.split_from.iter().map(|m| ("split_from", m)));
            let mut seen: Vec<&str> = Vec::new();
            for (key, r) in refs {
                let id = r.get_ref().as_str();
                let at = r.span().start;
                if id == entry.id {
                    self.error(at, format!("{key} of \"{id}\" names the theme itself"));
                } else if !first_seen.contains_key(id) {
                    let hint = closest(id, entries.iter().map(|e| e.id.as_str()))
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                    self.error(at, format!("unknown theme \"{id}\" in {key}{hint}"));
                } else if key == "also_in" && entry.parent.as_deref() == Some(id) {
                    self.error(
                        at,
                        format!("\"{}\" is already under \"{id}\" (its parent); also_in names the other themes it sits in", entry.id),
                    );
                } else if key == "also_in" && seen.contains(&id) {
                    self.error(at, format!("\"{id}\" is named twice in also_in"));
                }
                if key == "also_in" {
                    seen.push(id);
                }
            }
        }
    }

    /// Checks every parent: not the theme itself, a known id (else the closest one is
    /// suggested), and not part of a cycle (each cycle reported once, at its smallest id).
    fn check_parents(
        &mut self,
        raw: &[Spanned<RawEntry>],
        entries: &[Entry],
        first_seen: &BTreeMap<String, usize>,
    ) {
        for (spanned, entry) in raw.iter().zip(entries) {
            let Some(parent) = &spanned.get_ref().parent else {
                continue;
            };
            let p = parent.get_ref();
            if p == &entry.id {
                self.error(
                    parent.span().start,
                    format!("theme \"{p}\" is its own parent"),
                );
            } else if !first_seen.contains_key(p) {
                let hint = closest(p, entries.iter().map(|e| e.id.as_str()))
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                self.error(parent.span().start, format!("unknown parent \"{p}\"{hint}"));
            } else if let Some(cycle) = cycle_from(entries, &entry.id) {
                // Report each cycle once, at its smallest id.
                if cycle.iter().min() == Some(&entry.id) {
                    self.error(
                        parent.span().start,
                        format!("parent cycle: {}", cycle_text(&cycle)),
                    );
                }
            }
        }
    }

    /// A warning for each current theme without a definition, at its table.
    fn definition_warnings(&self, raw: &[Spanned<RawEntry>], entries: &[Entry]) -> Vec<Diagnostic> {
        let mut warnings = Vec::new();
        for (spanned, entry) in raw.iter().zip(entries) {
            if entry.definition.is_none() && !entry.retired {
                let (line, column) = self.lines.line_col(self.text, spanned.span().start);
                warnings.push(Diagnostic {
                    path: self.path.to_string(),
                    line,
                    column,
                    severity: Severity::Warning,
                    message: format!("theme \"{}\" has no definition", entry.id),
                });
            }
        }
        warnings
    }
}

fn toml_message(e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    // serde: "unknown field `color`, expected one of `id`, `label`, …"
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some(end) = rest.find('`')
    {
        let field = &rest[..end];
        let known = if msg.contains("`format_version`") {
            TOP_FIELDS
        } else {
            FIELDS
        };
        let hint = closest(field, known.iter().copied())
            .map(|c| format!(" (did you mean \"{c}\"?)"))
            .unwrap_or_else(|| format!(" (known fields: {})", known.join(", ")));
        return format!("unknown field \"{field}\"{hint}");
    }
    if let Some(rest) = msg.strip_prefix("missing field `")
        && let Some(end) = rest.find('`')
    {
        return format!("missing required field \"{}\"", &rest[..end]);
    }
    msg
}

/// Whether `pattern` compiles as a regular expression, and why not: remembered per pattern
/// for the life of the process. Compiling the patterns of a large codebook takes
/// milliseconds, and a long-running process (the browser workspace's server, which reads
/// the codebook on every coding it writes) would otherwise compile the same patterns again
/// and again. The regex crate keeps no such cache, so this small one is kept here.
fn pattern_compiles(pattern: &str) -> Result<(), String> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex, PoisonError};
    static SEEN: LazyLock<Mutex<HashMap<String, Result<(), String>>>> =
        LazyLock::new(Mutex::default);
    if let Some(known) = SEEN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(pattern)
    {
        return known.clone();
    }
    let result = regex::Regex::new(pattern)
        .map(|_| ())
        .map_err(|e| regex_reason(&e));
    let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
    // Bounded: a process that sees endless distinct patterns starts afresh.
    if seen.len() >= 10_000 {
        seen.clear();
    }
    seen.insert(pattern.to_string(), result.clone());
    result
}

fn regex_reason(err: &regex::Error) -> String {
    let s = err.to_string();
    if s.contains("look-around") {
        "look-around is not supported".into()
    } else if s.contains("backreferences") {
        "backreferences are not supported".into()
    } else {
        s.lines()
            .last()
            .unwrap_or("does not compile")
            .trim()
            .trim_start_matches("error: ")
            .to_string()
    }
}

/// Whether `s` matches `^[a-z0-9]+(-[a-z0-9]+)*$`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub(crate) fn expand_colour(c: &str) -> Option<String> {
    let hex = c.strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(format!(
            "#{}",
            hex.chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase()
        )),
        _ => None,
    }
}

/// If following parents from `id` comes back to `id`, the cycle's ids.
fn cycle_from(entries: &[Entry], id: &str) -> Option<Vec<String>> {
    let mut path = vec![id.to_string()];
    let mut cur = id;
    loop {
        let parent = entries.iter().find(|e| e.id == cur)?.parent.as_deref()?;
        if parent == id {
            return Some(path);
        }
        if path.iter().any(|p| p == parent) || path.len() > entries.len() {
            return None; // a cycle further up, reported from its own members
        }
        path.push(parent.to_string());
        cur = parent;
    }
}

fn cycle_text(cycle: &[String]) -> String {
    let mut parts: Vec<String> = cycle.iter().map(|c| format!("\"{c}\"")).collect();
    parts.push(format!("\"{}\"", cycle[0]));
    parts.join(" -> ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        Codebook::from_toml(text, "x.toml")
            .expect_err("should fail")
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const HEAD: &str = "format_version = 1\nname = \"t\"\n";

    #[test]
    fn unknown_parent_with_close_match() {
        let text = format!(
            "{HEAD}[[theme]]\nid = \"splw-role\"\nlabel = \"R\"\n\n[[theme]]\nid = \"a\"\nlabel = \"A\"\nparent = \"splw-rol\"\n"
        );
        assert_eq!(
            errors(&text),
            ["x.toml:10:10: unknown parent \"splw-rol\" (did you mean \"splw-role\"?)"]
        );
    }

    #[test]
    fn cycles_duplicates_colours_and_labels() {
        let text = format!(
            "{HEAD}[[theme]]\nid = \"a\"\nlabel = \"A\"\nparent = \"b\"\n[[theme]]\nid = \"b\"\nlabel = \" \"\nparent = \"a\"\ncolour = \"#12345\"\n[[theme]]\nid = \"a\"\nlabel = \"again\"\n"
        );
        let errs = errors(&text);
        assert!(
            errs.contains(&"x.toml:6:10: parent cycle: \"a\" -> \"b\" -> \"a\"".to_string()),
            "{errs:?}"
        );
        assert!(errs.iter().any(|e| e.contains("empty label")), "{errs:?}");
        assert!(
            errs.iter().any(|e| e.contains("invalid colour \"#12345\"")),
            "{errs:?}"
        );
        assert!(errs.iter().any(|e| e.starts_with("x.toml:13:6: duplicate id \"a\" (first defined at line 3)")), "{errs:?}");
    }

    #[test]
    fn unknown_field_suggests_the_spelling() {
        let text = format!("{HEAD}[[theme]]\nid = \"a\"\nlabel = \"A\"\ncolor = \"#fff\"\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].contains("unknown field \"color\" (did you mean \"colour\"?)"),
            "{errs:?}"
        );
        assert!(errs[0].starts_with("x.toml:6:1:"), "{errs:?}");
    }

    #[test]
    fn bad_ids_keywords_and_patterns() {
        let text = format!(
            "{HEAD}[[theme]]\nid = \"Asking_Questions\"\nlabel = \"A\"\nkeywords = [\"open questions\"]\npatterns = ['\\bwhat(?= would)']\n"
        );
        let errs = errors(&text);
        assert!(
            errs[0].starts_with("x.toml:4:6: invalid id \"Asking_Questions\""),
            "{errs:?}"
        );
        assert!(
            errs[1].contains("keyword \"open questions\" contains whitespace"),
            "{errs:?}"
        );
        assert!(errs[2].contains("look-around is not supported"), "{errs:?}");
        // The second reading answers from the remembered verdict, with the same words.
        assert_eq!(errors(&text), errs);
    }

    #[test]
    fn a_remembered_pattern_verdict_is_the_compilers() {
        for (pattern, ok) in [
            ("\\bgoal(s)?\\b", true),
            ("(unclosed", false),
            ("a{5000000}", false),
        ] {
            for _ in 0..2 {
                assert_eq!(pattern_compiles(pattern).is_ok(), ok, "{pattern}");
                assert_eq!(
                    pattern_compiles(pattern).is_ok(),
                    regex::Regex::new(pattern).is_ok()
                );
            }
        }
    }

    #[test]
    fn shipped_codebooks_load() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../codebooks/");
        for name in ["social-prescribing-mechanisms.toml", "blank.toml"] {
            let text = std::fs::read_to_string(format!("{root}{name}")).unwrap();
            let (book, warnings) = Codebook::from_toml_with_warnings(&text, name).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            // The starter codebook has no entries: a new study makes its own codes.
            assert_eq!(book.entries.is_empty(), name == "blank.toml", "{name}");
        }
    }

    #[test]
    fn mechanisms_codebook_has_the_papers_structure() {
        let text = include_str!("../../../codebooks/social-prescribing-mechanisms.toml");
        let book = Codebook::from_toml(text, "m.toml").unwrap();
        let root = book.roots().collect::<Vec<_>>();
        assert_eq!(root.len(), 1);
        assert_eq!(
            root[0].label,
            "Theoretical underpinning: Solution-focused and strengths-based"
        );
        let groups: Vec<&str> = book
            .children(&root[0].id)
            .map(|e| e.label.as_str())
            .collect();
        assert_eq!(groups, ["SPLWs' role", "Patients' role", "The approach"]);
        let themes: Vec<&str> = book.codable().map(|e| e.id.as_str()).collect();
        assert_eq!(
            themes,
            [
                "asking-questions",
                "motivational-interviewing",
                "therapeutic-alliance",
                "empowerment",
                "active-engagement",
                "patient-stories",
                "solution-building",
                "goal-orientation",
                "what-matters"
            ]
        );
        for t in book.codable() {
            assert!(
                t.definition.is_some() && t.include.is_some() && t.exclude.is_some(),
                "{}",
                t.id
            );
            assert!(!t.rules.is_empty(), "{} has no search rules", t.id);
        }
    }
}
