//! The codebook tree.

use serde::Serialize;

/// A codebook: named, with its entries in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Codebook {
    /// The codebook's name.
    pub name: String,
    /// Free text about it.
    pub description: Option<String>,
    /// Every entry, in file order (roots, groups, themes and codes alike).
    pub entries: Vec<Entry>,
}

/// One entry of the tree: an overarching theme, a group, a theme or a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The stable id (a slug); never changes on rename.
    pub id: String,
    /// The display label.
    pub label: String,
    /// The parent's id; `None` for a root.
    pub parent: Option<String>,
    /// Whether excerpts can be coded with it (groups usually cannot).
    pub codable: bool,
    /// What the entry captures.
    pub definition: Option<String>,
    /// When to use it.
    pub include: Option<String>,
    /// When not to use it.
    pub exclude: Option<String>,
    /// Illustrative quotes.
    pub examples: Vec<String>,
    /// Display colour, `#rrggbb` (a `#rgb` colour is expanded when read).
    pub colour: Option<String>,
    /// Auto-coding search rules.
    pub rules: SearchRules,
    /// Kept for history, hidden when coding.
    pub retired: bool,
    /// A longer title for a theme, as the paper prints it (the label is its short name).
    pub title: Option<String>,
    /// The theme's central organising concept: the one idea its codes share.
    pub concept: Option<String>,
    /// Candidate themes this entry also sits in, besides its parent (while themes are
    /// candidates a code may belong to more than one). Ids of other entries.
    pub also_in: Vec<String>,
    /// The theme is defined and named (phase 5); without it a theme is a candidate.
    pub defined: bool,
    /// The entry this one was merged into (set on the retired source of a merge).
    pub merged_into: Option<String>,
    /// The entry this one was split from (set on the theme a split creates).
    pub split_from: Option<String>,
    /// The line of its `[[theme]]` table, for messages.
    #[serde(skip)]
    pub line: usize,
}

/// Search rules that suggest where a theme may apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchRules {
    /// Single words, matched after stemming.
    pub keywords: Vec<String>,
    /// Exact phrases.
    pub phrases: Vec<String>,
    /// Regular expressions (case-insensitive).
    pub patterns: Vec<String>,
}

impl SearchRules {
    /// Whether there are no rules at all.
    pub fn is_empty(&self) -> bool {
        self.keywords.is_empty() && self.phrases.is_empty() && self.patterns.is_empty()
    }
}

impl Codebook {
    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Entries that can be applied now: codable and not retired, in tree order.
    pub fn codable(&self) -> impl Iterator<Item = &Entry> {
        self.tree_order()
            .into_iter()
            .filter(|e| e.codable && !e.retired)
    }

    /// Roots, in file order.
    pub fn roots(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.parent.is_none())
    }

    /// Children of `id`, in file order.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.parent.as_deref() == Some(id))
    }

    /// Ancestors of `id`, nearest first (empty for a root or an unknown id).
    pub fn ancestors(&self, id: &str) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = Vec::new();
        let mut cur = self.get(id).and_then(|e| e.parent.as_deref());
        while let Some(p) = cur {
            match self.get(p) {
                Some(e) if !out.iter().any(|o| o.id == e.id) => {
                    out.push(e);
                    cur = e.parent.as_deref();
                }
                _ => break,
            }
        }
        out
    }

    /// `id` and every entry below it, depth-first (empty for an unknown id).
    pub fn subtree(&self, id: &str) -> Vec<&Entry> {
        let Some(start) = self.entries.iter().position(|e| e.id == id) else {
            return Vec::new();
        };
        let kids = self.child_index();
        let mut out: Vec<&Entry> = Vec::new();
        let mut seen = vec![false; self.entries.len()];
        let mut stack: Vec<usize> = vec![start];
        while let Some(cur) = stack.pop() {
            if std::mem::replace(&mut seen[cur], true) {
                continue;
            }
            out.push(&self.entries[cur]);
            if let Some(k) = kids.get(self.entries[cur].id.as_str()) {
                stack.extend(k.iter().rev());
            }
        }
        out
    }

    /// Each parent's children (indices into `entries`, in file order), made in one pass so
    /// that walking the tree costs O(entries), not O(entries²): a codebook of a thousand
    /// codes is walked on every request of the browser workspace.
    fn child_index(&self) -> std::collections::HashMap<&str, Vec<usize>> {
        let mut kids: std::collections::HashMap<&str, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(p) = &e.parent {
                kids.entry(p.as_str()).or_default().push(i);
            }
        }
        kids
    }

    /// The codebook without retired entries; the children of a retired entry hang from its
    /// nearest current ancestor (or become roots).
    pub fn current(&self) -> Codebook {
        let mut out = self.clone();
        out.entries.retain(|e| !e.retired);
        for e in &mut out.entries {
            if let Some(p) = &e.parent
                && self.get(p).is_some_and(|p| p.retired)
            {
                e.parent = self
                    .ancestors(&e.id)
                    .into_iter()
                    .find(|a| !a.retired)
                    .map(|a| a.id.clone());
            }
        }
        out
    }

    /// Depth of `id` in the tree (0 for a root).
    pub fn depth(&self, id: &str) -> usize {
        self.ancestors(id).len()
    }

    /// Every entry, depth-first from the roots, siblings in file order: the order of the
    /// codebook in tables, quotes and the map.
    pub fn tree_order(&self) -> Vec<&Entry> {
        let kids = self.child_index();
        let mut out = Vec::with_capacity(self.entries.len());
        let mut seen = vec![false; self.entries.len()];
        let mut stack: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].parent.is_none())
            .rev()
            .collect();
        while let Some(cur) = stack.pop() {
            if std::mem::replace(&mut seen[cur], true) {
                continue;
            }
            out.push(&self.entries[cur]);
            if let Some(k) = kids.get(self.entries[cur].id.as_str()) {
                stack.extend(k.iter().rev());
            }
        }
        out
    }

    /// The entries that sit in `id`: its children, then the entries that name it in
    /// `also_in`, each in file order.
    pub fn members<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.children(id).chain(
            self.entries.iter().filter(move |e| {
                e.parent.as_deref() != Some(id) && e.also_in.iter().any(|a| a == id)
            }),
        )
    }

    /// Whether `id` sits in more than one place: under its parent and in an `also_in`
    /// theme that is current. Such a code is to be resolved before its themes are defined.
    pub fn is_shared(&self, id: &str) -> bool {
        self.get(id).is_some_and(|e| {
            e.also_in
                .iter()
                .any(|a| self.get(a).is_some_and(|t| !t.retired))
        })
    }

    /// The nearest non-codable ancestor's label: the group heading a theme is reported under.
    pub fn group_of(&self, id: &str) -> Option<&Entry> {
        self.ancestors(id).into_iter().find(|e| !e.codable)
    }
}
