//! Writing a whole codebook as TOML (for imports; edits of an existing file go through
//! [`crate::CodebookEditor`], which keeps the file's comments).

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};

use crate::FORMAT_VERSION;
use crate::model::Codebook;

impl Codebook {
    /// The codebook in the documented TOML format: keys in a fixed order, entries in file
    /// order, defaults left out. Reading the result gives back an equal codebook.
    pub fn to_toml(&self) -> String {
        let mut doc = DocumentMut::new();
        doc.insert("format_version", value(FORMAT_VERSION));
        doc.insert("name", value(self.name.as_str()));
        if let Some(d) = &self.description {
            doc.insert("description", value(d.as_str()));
        }
        let mut aot = ArrayOfTables::new();
        for e in &self.entries {
            let mut t = Table::new();
            t.insert("id", value(e.id.as_str()));
            t.insert("label", value(e.label.as_str()));
            if let Some(p) = &e.parent {
                t.insert("parent", value(p.as_str()));
            }
            if !e.codable {
                t.insert("codable", value(false));
            }
            list(&mut t, "also_in", &e.also_in);
            for (key, v) in [
                ("title", &e.title),
                ("concept", &e.concept),
                ("definition", &e.definition),
                ("include", &e.include),
                ("exclude", &e.exclude),
            ] {
                if let Some(v) = v {
                    t.insert(key, value(v.as_str()));
                }
            }
            list(&mut t, "examples", &e.examples);
            if let Some(c) = &e.colour {
                t.insert("colour", value(c.as_str()));
            }
            list(&mut t, "keywords", &e.rules.keywords);
            list(&mut t, "phrases", &e.rules.phrases);
            list(&mut t, "patterns", &e.rules.patterns);
            if e.defined {
                t.insert("defined", value(true));
            }
            if e.retired {
                t.insert("retired", value(true));
            }
            for (key, v) in [
                ("merged_into", &e.merged_into),
                ("split_from", &e.split_from),
            ] {
                if let Some(v) = v {
                    t.insert(key, value(v.as_str()));
                }
            }
            t.decor_mut().set_prefix("\n");
            aot.push(t);
        }
        if !aot.is_empty() {
            doc.insert("theme", Item::ArrayOfTables(aot));
        }
        doc.to_string()
    }
}

fn list(t: &mut Table, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let mut a: Array = items.iter().map(String::as_str).collect();
    if items.len() > 1 || items.iter().any(|s| s.len() > 40) {
        // One item a line, as a person would write them.
        for v in a.iter_mut() {
            v.decor_mut().set_prefix("\n  ");
        }
        a.set_trailing("\n");
        a.set_trailing_comma(true);
    }
    t.insert(key, value(a));
}

#[cfg(test)]
mod tests {
    use crate::Codebook;

    #[test]
    fn shipped_codebook_survives_a_rewrite() {
        let text = include_str!("../../../codebooks/social-prescribing-mechanisms.toml");
        let book = Codebook::from_toml(text, "m.toml").unwrap();
        let again = Codebook::from_toml(&book.to_toml(), "again.toml").unwrap();
        let strip = |b: &Codebook| {
            let mut b = b.clone();
            for e in &mut b.entries {
                e.line = 0;
            }
            b
        };
        assert_eq!(strip(&again), strip(&book));
        let out = book.to_toml();
        assert!(out.starts_with("format_version = 1\nname = "), "{out}");
        assert!(
            out.contains("\n\n[[theme]]\nid = \"asking-questions\"\n"),
            "{out}"
        );
    }
}
