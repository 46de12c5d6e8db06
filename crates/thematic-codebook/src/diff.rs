//! What changed in a codebook's structure between two versions: the thematic map's history.
//!
//! [`diff`] compares two codebooks by id (ids never change, so a renamed or moved theme is
//! recognised as the same theme) and says, for each entry that changed, what happened to
//! it, in words a methods section can use: created, renamed, moved, merged, split,
//! retired, restored, shared with another candidate theme, defined, redefined, removed.
//! Merges and splits are read from what the codebook records (`merged_into` on the retired
//! source, `split_from` on the theme a split made), so the diff of two versions tells the
//! same story as the change log, from the files alone.
//!
//! Each change carries the number of extracts it touches: for a code, its codings; for a
//! theme, the codings of everything in it (its subtree and the codes that also sit in it),
//! counted in the later version (the earlier one for what is gone: a removed entry, and a
//! theme retired or merged away, which holds nothing any more).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Codebook;

/// What happened to one entry between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    /// New in the later version.
    Created {
        /// Its parent there.
        parent: Option<String>,
    },
    /// Its label changed.
    Renamed {
        /// The earlier label.
        from: String,
        /// The later label.
        to: String,
    },
    /// Its parent changed.
    Moved {
        /// The earlier parent.
        from: Option<String>,
        /// The later parent.
        to: Option<String>,
    },
    /// Retired by merging it into another entry.
    Merged {
        /// The entry it was merged into.
        into: String,
    },
    /// New themes were split from it.
    Split {
        /// The themes split from it, in file order.
        into: Vec<String>,
    },
    /// Retired (discarded), kept for history.
    Retired,
    /// Current again.
    Restored,
    /// The other candidate themes it sits in changed.
    Shared {
        /// Themes it now also sits in.
        added: Vec<String>,
        /// Themes it no longer also sits in.
        removed: Vec<String>,
    },
    /// Marked defined and named.
    Defined,
    /// A candidate again.
    Undefined,
    /// Its title, central organising concept, definition, scope or boundaries changed.
    Redefined {
        /// The fields that changed (`title`, `concept`, `definition`, `include`, `exclude`).
        fields: Vec<String>,
    },
    /// In the earlier version, not in the later one (deleted by hand).
    Removed,
}

/// One change of the structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StructureChange {
    /// The entry's id.
    pub id: String,
    /// Its label in the later version (the earlier one if it is gone).
    pub label: String,
    /// Whether it can be coded (a code) or not (a theme or group).
    pub codable: bool,
    /// What happened.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// Extracts (codings, all coders) the change touches.
    pub extracts: usize,
}

impl StructureChange {
    /// The change in one line, labels quoted, e.g. `moved "Asking questions" from "Talk"
    /// to "SPLWs' role" (12 extracts)`. `a` and `b` are the two versions, for labels.
    pub fn describe(&self, a: &Codebook, b: &Codebook) -> String {
        let name = |id: &str| -> String {
            b.get(id)
                .or_else(|| a.get(id))
                .map_or_else(|| format!("\"{id}\""), |e| format!("\"{}\"", e.label))
        };
        let place = |p: &Option<String>| {
            p.as_deref()
                .map_or_else(|| "the top level".to_string(), name)
        };
        let names = |ids: &[String]| ids.iter().map(|i| name(i)).collect::<Vec<_>>().join(", ");
        let what = format!("\"{}\"", self.label);
        let text = match &self.kind {
            ChangeKind::Created { parent } => format!("created {what} under {}", place(parent)),
            ChangeKind::Renamed { from, to } => format!("renamed \"{from}\" to \"{to}\""),
            ChangeKind::Moved { from, to } => {
                format!("moved {what} from {} to {}", place(from), place(to))
            }
            ChangeKind::Merged { into } => format!("merged {what} into {}", name(into)),
            ChangeKind::Split { into } => format!("split {what}: {} made from it", names(into)),
            ChangeKind::Retired => format!("retired {what}"),
            ChangeKind::Restored => format!("restored {what}"),
            ChangeKind::Shared { added, removed } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("now also in {}", names(added)));
                }
                if !removed.is_empty() {
                    parts.push(format!("no longer also in {}", names(removed)));
                }
                format!("{what} {}", parts.join("; "))
            }
            ChangeKind::Defined => format!("defined {what}"),
            ChangeKind::Undefined => format!("{what} a candidate again"),
            ChangeKind::Redefined { fields } => {
                format!("redefined {what} ({})", fields.join(", "))
            }
            ChangeKind::Removed => format!("removed {what} from the file"),
        };
        let n = self.extracts;
        format!("{text} ({n} extract{})", if n == 1 { "" } else { "s" })
    }

    /// A one-word name of the change: `created`, `renamed`, `moved`, …
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ChangeKind::Created { .. } => "created",
            ChangeKind::Renamed { .. } => "renamed",
            ChangeKind::Moved { .. } => "moved",
            ChangeKind::Merged { .. } => "merged",
            ChangeKind::Split { .. } => "split",
            ChangeKind::Retired => "retired",
            ChangeKind::Restored => "restored",
            ChangeKind::Shared { .. } => "shared",
            ChangeKind::Defined => "defined",
            ChangeKind::Undefined => "undefined",
            ChangeKind::Redefined { .. } => "redefined",
            ChangeKind::Removed => "removed",
        }
    }
}

/// The extracts under `id` in `book`: the codings of `id`, of everything below it, and of
/// the codes that also sit in it (each entry counted once).
pub fn extracts_in(book: &Codebook, id: &str, counts: &BTreeMap<String, usize>) -> usize {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = vec![id];
    let mut total = 0;
    while let Some(cur) = stack.pop() {
        if !seen.insert(cur) {
            continue;
        }
        total += counts.get(cur).copied().unwrap_or(0);
        stack.extend(book.members(cur).map(|e| e.id.as_str()));
    }
    total
}

/// What changed from `a` to `b`, in `b`'s tree order (then what `b` no longer has, in
/// `a`'s order). `counts_a` and `counts_b` are the codings per entry id (all coders) at
/// each version. An entry can have several changes (renamed and moved).
pub fn diff(
    a: &Codebook,
    b: &Codebook,
    counts_a: &BTreeMap<String, usize>,
    counts_b: &BTreeMap<String, usize>,
) -> Vec<StructureChange> {
    let mut out = Vec::new();
    // The themes made by a split, by the theme they were split from.
    let mut splits: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in &b.entries {
        if let Some(from) = &e.split_from
            && a.get(&e.id)
                .is_none_or(|old| old.split_from.as_deref() != Some(from))
        {
            splits.entry(from.as_str()).or_default().push(e.id.clone());
        }
    }
    // Entries merged away in this diff: moves out of them into their target are the merge's.
    let merged: BTreeMap<&str, &str> = b
        .entries
        .iter()
        .filter(|e| e.retired && a.get(&e.id).is_some_and(|old| !old.retired))
        .filter_map(|e| Some((e.id.as_str(), e.merged_into.as_deref()?)))
        .collect();
    for e in b.tree_order() {
        let n = match a.get(&e.id) {
            // Discarded or merged away here: what it held has moved on, so count it as it
            // was.
            Some(old) if e.retired && !old.retired => extracts_in(a, &e.id, counts_a),
            _ => extracts_in(b, &e.id, counts_b),
        };
        let mut push = |kind: ChangeKind| {
            out.push(StructureChange {
                id: e.id.clone(),
                label: e.label.clone(),
                codable: e.codable,
                kind,
                extracts: n,
            });
        };
        let Some(old) = a.get(&e.id) else {
            // A theme split from one the earlier version has is told as that split; one
            // split from a theme that is new too is simply created.
            if e.split_from
                .as_deref()
                .is_none_or(|from| a.get(from).is_none())
            {
                push(ChangeKind::Created {
                    parent: e.parent.clone(),
                });
            }
            // Made and given up, or defined, between the two versions: say so too.
            if e.retired {
                push(match &e.merged_into {
                    Some(into) => ChangeKind::Merged { into: into.clone() },
                    None => ChangeKind::Retired,
                });
            }
            if e.defined {
                push(ChangeKind::Defined);
            }
            continue;
        };
        if let Some(into) = splits.get(e.id.as_str()) {
            push(ChangeKind::Split { into: into.clone() });
        }
        if old.label != e.label {
            push(ChangeKind::Renamed {
                from: old.label.clone(),
                to: e.label.clone(),
            });
        }
        let by_merge = old
            .parent
            .as_deref()
            .and_then(|p| merged.get(p))
            .is_some_and(|into| Some(*into) == e.parent.as_deref());
        if old.parent != e.parent && !by_merge {
            push(ChangeKind::Moved {
                from: old.parent.clone(),
                to: e.parent.clone(),
            });
        }
        match (old.retired, e.retired) {
            (false, true) => match &e.merged_into {
                Some(into) => push(ChangeKind::Merged { into: into.clone() }),
                None => push(ChangeKind::Retired),
            },
            (true, false) => push(ChangeKind::Restored),
            _ => {}
        }
        let added: Vec<String> = e
            .also_in
            .iter()
            .filter(|x| !old.also_in.contains(x))
            .cloned()
            .collect();
        let removed: Vec<String> = old
            .also_in
            .iter()
            .filter(|x| !e.also_in.contains(x) && !merged.contains_key(x.as_str()))
            .cloned()
            .collect();
        let added: Vec<String> = added
            .into_iter()
            .filter(|x| {
                !old.also_in
                    .iter()
                    .any(|o| merged.get(o.as_str()) == Some(&x.as_str()))
            })
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            push(ChangeKind::Shared { added, removed });
        }
        match (old.defined, e.defined) {
            (false, true) => push(ChangeKind::Defined),
            (true, false) => push(ChangeKind::Undefined),
            _ => {}
        }
        let fields: Vec<String> = [
            ("title", &old.title, &e.title),
            ("concept", &old.concept, &e.concept),
            ("definition", &old.definition, &e.definition),
            ("include", &old.include, &e.include),
            ("exclude", &old.exclude, &e.exclude),
        ]
        .into_iter()
        .filter(|(_, x, y)| x != y)
        .map(|(k, ..)| k.to_string())
        .collect();
        if !fields.is_empty() {
            push(ChangeKind::Redefined { fields });
        }
    }
    for old in a.tree_order() {
        if b.get(&old.id).is_none() {
            out.push(StructureChange {
                id: old.id.clone(),
                label: old.label.clone(),
                codable: old.codable,
                kind: ChangeKind::Removed,
                extracts: extracts_in(a, &old.id, counts_a),
            });
        }
    }
    out
}

/// Counts of the changes by kind name, for a one-line summary ("3 moved, 1 merged").
pub fn summarize(changes: &[StructureChange]) -> String {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for c in changes {
        *by.entry(c.kind_name()).or_default() += 1;
    }
    if by.is_empty() {
        return "no changes".into();
    }
    by.iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(entries: &str) -> Codebook {
        Codebook::from_toml(
            &format!("format_version = 1\nname = \"t\"\n{entries}"),
            "t.toml",
        )
        .unwrap()
    }

    fn kinds(changes: &[StructureChange]) -> Vec<String> {
        changes
            .iter()
            .map(|c| format!("{} {}", c.kind_name(), c.id))
            .collect()
    }

    const EARLY: &str = r#"
[[theme]]
id = "talk"
label = "Talk"
codable = false

[[theme]]
id = "misc"
label = "Miscellaneous"
codable = false

[[theme]]
id = "asking"
label = "Asking"
parent = "talk"

[[theme]]
id = "listening"
label = "Listening"
parent = "talk"

[[theme]]
id = "goals"
label = "Goals"
parent = "misc"
also_in = ["talk"]
"#;

    #[test]
    fn a_version_against_itself_has_no_changes() {
        let a = book(EARLY);
        assert!(diff(&a, &a, &BTreeMap::new(), &BTreeMap::new()).is_empty());
    }

    #[test]
    fn renames_moves_merges_splits_and_sharing_are_named() {
        let a = book(EARLY);
        // misc merged into talk (goals moves with it: the merge's move, not reported), talk
        // renamed, "doing" split from talk taking listening, goals no longer shared.
        let b = book(
            r#"
[[theme]]
id = "talk"
label = "Conversation"
codable = false
defined = true

[[theme]]
id = "misc"
label = "Miscellaneous"
codable = false
retired = true
merged_into = "talk"

[[theme]]
id = "doing"
label = "Doing"
codable = false
split_from = "talk"

[[theme]]
id = "asking"
label = "Asking"
parent = "talk"
concept = "questions not answers"

[[theme]]
id = "listening"
label = "Listening"
parent = "doing"

[[theme]]
id = "goals"
label = "Goals"
parent = "talk"
"#,
        );
        let counts: BTreeMap<String, usize> = [("asking", 5), ("listening", 3), ("goals", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let changes = diff(&a, &b, &counts, &counts);
        assert_eq!(
            kinds(&changes),
            [
                "split talk",
                "renamed talk",
                "defined talk",
                "redefined asking",
                // goals: its parent misc was merged into talk, so no move; its also_in
                // "talk" is now its parent, so it is no longer shared.
                "shared goals",
                "merged misc",
                "moved listening",
            ]
        );
        // talk holds asking (5) and goals (2) in b; listening moved to doing.
        assert_eq!(changes[0].extracts, 7);
        assert_eq!(
            changes[0].describe(&a, &b),
            "split \"Conversation\": \"Doing\" made from it (7 extracts)"
        );
        // misc held goals (2) when it was merged away; it holds nothing now.
        assert_eq!(changes[5].extracts, 2);
        assert_eq!(
            changes[6].describe(&a, &b),
            "moved \"Listening\" from \"Conversation\" to \"Doing\" (3 extracts)"
        );
        assert_eq!(
            summarize(&changes),
            "1 defined, 1 merged, 1 moved, 1 redefined, 1 renamed, 1 shared, 1 split"
        );
    }

    #[test]
    fn a_theme_made_and_given_up_between_versions_is_created_and_retired() {
        let a = book(EARLY);
        // "new" was made (and defined), "extra" split from it and merged back, "gone" made
        // and discarded, all after `a`.
        let b = book(&format!(
            r#"{EARLY}
[[theme]]
id = "new"
label = "New"
codable = false
defined = true

[[theme]]
id = "extra"
label = "Extra"
codable = false
split_from = "new"
retired = true
merged_into = "new"

[[theme]]
id = "gone"
label = "Gone"
codable = false
retired = true
"#
        ));
        assert_eq!(
            kinds(&diff(&a, &b, &BTreeMap::new(), &BTreeMap::new())),
            [
                "created new",
                "defined new",
                "created extra",
                "merged extra",
                "created gone",
                "retired gone"
            ]
        );
    }

    #[test]
    fn created_retired_and_removed() {
        let a = book(EARLY);
        let b = book(
            r#"
[[theme]]
id = "talk"
label = "Talk"
codable = false

[[theme]]
id = "misc"
label = "Miscellaneous"
codable = false
retired = true

[[theme]]
id = "asking"
label = "Asking"
parent = "talk"

[[theme]]
id = "goals"
label = "Goals"
parent = "misc"
also_in = ["talk"]

[[theme]]
id = "hope"
label = "Hope"
parent = "talk"
"#,
        );
        let counts_a: BTreeMap<String, usize> = [("listening".to_string(), 4)].into();
        let changes = diff(&a, &b, &counts_a, &BTreeMap::new());
        assert_eq!(
            kinds(&changes),
            ["created hope", "retired misc", "removed listening"]
        );
        assert_eq!(changes[2].extracts, 4);
    }
}
