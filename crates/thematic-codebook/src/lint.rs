//! Advice on a valid codebook: what a careful reviewer of a codebook would point out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Codebook;
use crate::similar::levenshtein;

/// One piece of advice about one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// The entry's id.
    pub theme: String,
    /// The line of its `[[theme]]` table.
    pub line: usize,
    /// A short rule name: `missing-definition`, `codable-group`, `near-duplicate`, `unused`,
    /// `retired-in-use`, `group-in-use`.
    pub rule: &'static str,
    /// What to look at, and what to do.
    pub message: String,
}

/// Advice on `book`. `usage` (codings per theme id, all coders) enables the rules about use;
/// pass `None` when there are no codings to judge by.
pub fn advise(book: &Codebook, usage: Option<&BTreeMap<String, usize>>) -> Vec<Advice> {
    let mut out = Vec::new();
    let current: Vec<_> = book
        .tree_order()
        .into_iter()
        .filter(|e| !e.retired)
        .collect();
    for e in &current {
        let push = |out: &mut Vec<Advice>, rule, message| {
            out.push(Advice {
                theme: e.id.clone(),
                line: e.line,
                rule,
                message,
            });
        };
        if e.definition.is_none() {
            push(
                &mut out,
                "missing-definition",
                format!(
                    "\"{}\" has no definition: say what it captures, so coders apply it alike",
                    e.label
                ),
            );
        }
        let has_children = book.children(&e.id).any(|c| !c.retired);
        if e.codable && has_children {
            push(
                &mut out,
                "codable-group",
                format!(
                    "\"{}\" has themes below it but can be coded itself; if it is a group, set codable = false",
                    e.label
                ),
            );
        }
        if let Some(usage) = usage {
            let n = usage.get(&e.id).copied().unwrap_or(0);
            if e.codable && !has_children && n == 0 {
                push(
                    &mut out,
                    "unused",
                    format!(
                        "\"{}\" has never been coded: keep, merge or retire it",
                        e.label
                    ),
                );
            }
            if !e.codable && n > 0 {
                push(
                    &mut out,
                    "group-in-use",
                    format!(
                        "{n} coding(s) use \"{}\", which is not codable; recode them or make it codable",
                        e.label
                    ),
                );
            }
        }
    }
    if let Some(usage) = usage {
        for e in book.entries.iter().filter(|e| e.retired) {
            let n = usage.get(&e.id).copied().unwrap_or(0);
            if n > 0 {
                out.push(Advice {
                    theme: e.id.clone(),
                    line: e.line,
                    rule: "retired-in-use",
                    message: format!(
                        "{n} coding(s) still use retired \"{}\"; `thematic codebook merge {} TARGET` moves them",
                        e.label, e.id
                    ),
                });
            }
        }
    }
    for (i, a) in current.iter().enumerate() {
        for b in &current[i + 1..] {
            if near_duplicate(&a.label, &b.label) {
                out.push(Advice {
                    theme: b.id.clone(),
                    line: b.line,
                    rule: "near-duplicate",
                    message: format!(
                        "\"{}\" and \"{}\" ({}) are nearly the same label: merge them, or make the difference plain",
                        b.label, a.label, a.id
                    ),
                });
            }
        }
    }
    out.sort_by_key(|a| a.line);
    out
}

const STOP: &[&str] = &[
    "a", "an", "and", "the", "of", "to", "in", "for", "on", "with", "from", "by", "about", "as",
    "at", "their", "its",
];

fn words(label: &str) -> Vec<String> {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(|w| {
            w.strip_suffix('s')
                .filter(|s| s.len() > 2)
                .unwrap_or(w)
                .to_string()
        })
        .collect()
}

/// Labels that differ only in case, punctuation, small words, plurals, word order, or a
/// typo or two.
fn near_duplicate(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let sa: BTreeSet<&String> = wa.iter().collect();
    let sb: BTreeSet<&String> = wb.iter().collect();
    if sa == sb {
        return true;
    }
    let (ja, jb) = (wa.join(" "), wb.join(" "));
    let longest = ja.chars().count().max(jb.chars().count());
    longest >= 6 && levenshtein(&ja, &jb) * 6 <= longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates() {
        assert!(near_duplicate("Peer support", "peer-support"));
        assert!(near_duplicate("Support from peers", "Peers' support"));
        assert!(near_duplicate("Goal orientation", "Goal orientaton"));
        assert!(near_duplicate("The patients' stories", "Patient stories"));
        assert!(!near_duplicate("Empowerment", "Active engagement"));
        assert!(!near_duplicate("SPLWs' role", "Patients' role"));
        assert!(!near_duplicate("Goals", "Roles"));
    }

    #[test]
    fn advice_on_a_codebook_with_problems() {
        let text = r#"format_version = 1
name = "t"
[[theme]]
id = "roles"
label = "Roles"
definition = "d"
[[theme]]
id = "peer-support"
label = "Peer support"
parent = "roles"
definition = "d"
[[theme]]
id = "peers"
label = "Support from peers"
parent = "roles"
[[theme]]
id = "old"
label = "Old"
retired = true
"#;
        let book = Codebook::from_toml(text, "t.toml").unwrap();
        let usage = BTreeMap::from([("old".to_string(), 2), ("peer-support".to_string(), 1)]);
        let got: Vec<(String, String)> = advise(&book, Some(&usage))
            .iter()
            .map(|a| (a.theme.clone(), a.rule.to_string()))
            .collect();
        for want in [
            ("roles", "codable-group"),
            ("peers", "missing-definition"),
            ("peers", "unused"),
            ("peers", "near-duplicate"),
            ("old", "retired-in-use"),
        ] {
            assert!(
                got.contains(&(want.0.into(), want.1.into())),
                "{want:?} in {got:?}"
            );
        }
        assert!(
            !got.iter()
                .any(|(t, r)| t == "peer-support" && r == "unused")
        );
        // The shipped codebooks need no advice before coding starts.
        let text = include_str!("../../../codebooks/social-prescribing-mechanisms.toml");
        let book = Codebook::from_toml(text, "m.toml").unwrap();
        assert_eq!(advise(&book, None), []);
    }
}
