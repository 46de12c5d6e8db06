//! The thematic map: the theme tree drawn as a figure (SVG), or as Graphviz DOT and Mermaid
//! source for people who lay figures out themselves.
//!
//! The SVG layout is written here rather than taken from a graph-layout crate: a thematic
//! map is a shallow tree with long labels, and the paper's figure shape (the overarching
//! theme on top, the groups side by side, each group's themes stacked beneath it) reads
//! better at journal column width than a generic layered layout with one row of nine boxes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::escape::xml_escape;
use crate::model::{Codebook, Entry};

/// How the figure is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOptions {
    /// An extra line under each label, by id (e.g. "12 codings · 7 participants").
    pub notes: BTreeMap<String, String>,
    /// Total width in points: 493 pt is a two-column journal page (174 mm).
    pub width: u32,
    /// Columns side by side before a new band starts.
    pub max_columns: usize,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            notes: BTreeMap::new(),
            width: 493,
            max_columns: 4,
        }
    }
}

const MARGIN: f64 = 8.0;
const GAP: f64 = 12.0;
const INDENT: f64 = 12.0;
const PAD: f64 = 5.0;
const VGAP: f64 = 7.0;
const FONT: &str = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/// A box to draw.
struct Placed<'a> {
    entry: &'a Entry,
    x: f64,
    y: f64,
    w: f64,
    lines: Vec<String>,
    note: Option<String>,
    size: f64,
    bold: bool,
    /// Heads of a row share the tallest head's height.
    min_h: f64,
}

impl Placed<'_> {
    fn h(&self) -> f64 {
        let n = self.lines.len() as f64;
        let note = if self.note.is_some() { 0.85 } else { 0.0 };
        (PAD * 2.0 + (n + note) * self.size * 1.2).max(self.min_h)
    }
}

/// The map as an SVG document.
pub fn map_svg(book: &Codebook, opts: &MapOptions) -> String {
    let (top, columns) = shape(book);
    let mut layout = Layout::new(book, opts, columns.len());
    let mut top_anchor = top.map(|t| layout.place_top(t));
    for band in columns.chunks(layout.ncols) {
        // Only the first band hangs from the overarching theme.
        layout.place_band(band, top_anchor.take());
    }
    render(book, opts, &layout)
}

/// Where every box of the figure goes, and the connectors between them, placed band by
/// band from the top down.
struct Layout<'a> {
    book: &'a Codebook,
    opts: &'a MapOptions,
    /// Total width in points.
    width: f64,
    /// Columns per band.
    ncols: usize,
    /// The width of one column.
    col_w: f64,
    boxes: Vec<Placed<'a>>,
    /// SVG `<path>` elements.
    connectors: Vec<String>,
    /// Where the next band starts.
    y: f64,
}

impl<'a> Layout<'a> {
    /// An empty figure for `columns` column heads.
    fn new(book: &'a Codebook, opts: &'a MapOptions, columns: usize) -> Self {
        let width = f64::from(opts.width.max(200));
        let ncols = columns.clamp(1, opts.max_columns.max(1));
        let col_w = (width - 2.0 * MARGIN - GAP * (ncols as f64 - 1.0)) / ncols as f64;
        Layout {
            book,
            opts,
            width,
            ncols,
            col_w,
            boxes: Vec::new(),
            connectors: Vec::new(),
            y: MARGIN,
        }
    }

    /// A box `w` wide for `entry` at (0, 0): its label wrapped to fit at `size` (in bold if
    /// `bold`) and its note, if it has a non-empty one.
    fn label_box(&self, entry: &'a Entry, w: f64, size: f64, bold: bool) -> Placed<'a> {
        Placed {
            entry,
            x: 0.0,
            y: 0.0,
            w,
            lines: wrap(&entry.label, w - 2.0 * PAD, size, bold),
            note: join_notes(
                self.opts.notes.get(&entry.id).map(String::as_str),
                also_in_note(self.book, entry).as_deref(),
            ),
            size,
            bold,
            min_h: 0.0,
        }
    }

    /// The x of column `i` of a band.
    fn column_x(&self, i: usize) -> f64 {
        MARGIN + i as f64 * (self.col_w + GAP)
    }

    /// Places the overarching theme, centred above the columns and two columns wide.
    /// Returns where its connectors start: the middle of its bottom edge.
    fn place_top(&mut self, top: &'a Entry) -> (f64, f64) {
        let w = (self.width - 2.0 * MARGIN).min(self.col_w * 2.0 + GAP);
        let p = Placed {
            x: (self.width - w) / 2.0,
            y: self.y,
            ..self.label_box(top, w, 11.0, true)
        };
        let anchor = (p.x + p.w / 2.0, p.y + p.h());
        self.y += p.h() + 22.0;
        self.boxes.push(p);
        anchor
    }

    /// Places one band: its heads side by side, connectors to them from `top_anchor` if
    /// given, and each head's descendants stacked in its column.
    fn place_band(&mut self, band: &[&'a Entry], top_anchor: Option<(f64, f64)>) {
        let band_top = self.y;
        let first_head = self.boxes.len();
        let head_h = self.place_heads(band, band_top);
        if let Some(anchor) = top_anchor {
            self.connect_top(anchor, first_head, band_top);
        }
        let mut band_bottom = band_top;
        for (i, head) in band.iter().enumerate() {
            let bottom = self.place_column(head, self.column_x(i), band_top + head_h);
            band_bottom = band_bottom.max(bottom);
        }
        self.y = band_bottom + 14.0;
    }

    /// Places a band's heads in a row at `band_top`, all as tall as the tallest. Returns
    /// that height.
    fn place_heads(&mut self, band: &[&'a Entry], band_top: f64) -> f64 {
        let first_head = self.boxes.len();
        for (i, head) in band.iter().enumerate() {
            let bold = !head.codable || self.book.children(&head.id).next().is_some();
            let p = Placed {
                x: self.column_x(i),
                y: band_top,
                ..self.label_box(head, self.col_w, 10.0, bold)
            };
            self.boxes.push(p);
        }
        let head_h = self.boxes[first_head..]
            .iter()
            .map(Placed::h)
            .fold(0.0_f64, f64::max);
        for b in &mut self.boxes[first_head..] {
            b.min_h = head_h;
        }
        head_h
    }

    /// Elbow connectors from the overarching theme's anchor `(tx, ty)` to each head placed
    /// from `first_head` on.
    fn connect_top(&mut self, (tx, ty): (f64, f64), first_head: usize, band_top: f64) {
        let bus = ty + 11.0;
        for b in &self.boxes[first_head..] {
            let hx = b.x + b.w / 2.0;
            self.connectors.push(format!(
                "<path d=\"M{tx:.1} {ty:.1}V{bus:.1}H{hx:.1}V{band_top:.1}\"/>"
            ));
        }
    }

    /// Stacks everything below `head` in the column at `x`, indented by depth, starting
    /// under the head's bottom edge `head_bottom`, each box with an outline connector.
    /// Returns the bottom of the column (below its last gap).
    fn place_column(&mut self, head: &'a Entry, x: f64, head_bottom: f64) -> f64 {
        let mut cy = head_bottom + VGAP;
        // The bottom of the last box drawn at each depth, where its connector starts.
        let mut last_bottom: Vec<f64> = vec![head_bottom];
        for (depth, e) in descendants(self.book, head) {
            let dx = INDENT * depth as f64;
            // Wrapped as regular text, drawn in bold when not codable.
            let p = Placed {
                x: x + dx,
                y: cy,
                bold: !e.codable,
                ..self.label_box(e, self.col_w - dx, 9.0, false)
            };
            // Outline connector: down the parent's left side, then across to the box.
            let px = x + dx - INDENT / 2.0;
            let mid = cy + p.h() / 2.0;
            let from = last_bottom.get(depth - 1).copied().unwrap_or(head_bottom);
            self.connectors.push(format!(
                "<path d=\"M{px:.1} {from:.1}V{mid:.1}H{:.1}\"/>",
                x + dx
            ));
            last_bottom.truncate(depth);
            last_bottom.push(cy + p.h());
            cy += p.h() + VGAP;
            self.boxes.push(p);
        }
        cy
    }

    /// The height of the figure.
    fn height(&self) -> f64 {
        (self.y - 14.0 + MARGIN).max(MARGIN * 2.0)
    }
}

/// Writes the laid-out figure as an SVG document.
fn render(book: &Codebook, opts: &MapOptions, layout: &Layout<'_>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}pt\" height=\"{h:.0}pt\" viewBox=\"0 0 {w} {h:.0}\" font-family=\"{FONT}\">",
        w = opts.width.max(200),
        h = layout.height().ceil()
    );
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&book.name));
    let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let _ = writeln!(
        s,
        "<g id=\"connectors\" fill=\"none\" stroke=\"#555555\" stroke-width=\"0.8\">"
    );
    for l in &layout.connectors {
        let _ = writeln!(s, "{l}");
    }
    let _ = writeln!(s, "</g>");
    for b in &layout.boxes {
        write_box(&mut s, b);
    }
    s.push_str("</svg>\n");
    s
}

/// Writes one box as `<g id="theme-…">`: its rectangle, its label and its note.
fn write_box(s: &mut String, b: &Placed<'_>) {
    let h = b.h();
    let stroke = b.entry.colour.as_deref().unwrap_or("#444444");
    let fill = b
        .entry
        .colour
        .as_deref()
        .map_or_else(|| "#f4f4f4".to_string(), |c| tint(c, 0.82));
    let id = xml_escape(&b.entry.id);
    let _ = writeln!(s, "<g id=\"theme-{id}\">");
    let dash = if b.entry.retired {
        " stroke-dasharray=\"3 2\""
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "<rect id=\"box-{id}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"{dash}/>",
        b.x,
        b.y,
        b.w,
        if b.bold { 1.4 } else { 0.9 }
    );
    let cx = b.x + b.w / 2.0;
    let weight = if b.bold { " font-weight=\"bold\"" } else { "" };
    let _ = writeln!(
        s,
        "<text id=\"label-{id}\" x=\"{cx:.1}\" text-anchor=\"middle\" font-size=\"{}\"{weight} fill=\"#000000\">",
        b.size
    );
    let mut ty = b.y + PAD + b.size;
    for line in &b.lines {
        let _ = writeln!(
            s,
            "<tspan x=\"{cx:.1}\" y=\"{ty:.1}\">{}</tspan>",
            xml_escape(line)
        );
        ty += b.size * 1.2;
    }
    let _ = writeln!(s, "</text>");
    if let Some(n) = &b.note {
        let _ = writeln!(
            s,
            "<text id=\"note-{id}\" x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"{:.1}\" fill=\"#333333\">{}</text>",
            ty - b.size * 0.15,
            b.size * 0.8,
            xml_escape(n)
        );
    }
    let _ = writeln!(s, "</g>");
}

/// The top box (a single root with children) and the column heads.
fn shape(book: &Codebook) -> (Option<&Entry>, Vec<&Entry>) {
    let roots: Vec<&Entry> = book.roots().collect();
    if let [only] = roots.as_slice() {
        let kids: Vec<&Entry> = book.children(&only.id).collect();
        if !kids.is_empty() {
            return (Some(only), kids);
        }
    }
    (None, roots)
}

/// Everything below `head`, depth-first, with depth relative to it (children are 1).
fn descendants<'a>(book: &'a Codebook, head: &'a Entry) -> Vec<(usize, &'a Entry)> {
    let base = book.depth(&head.id);
    book.subtree(&head.id)
        .into_iter()
        .skip(1)
        .map(|e| (book.depth(&e.id) - base, e))
        .collect()
}

/// Wraps `text` into lines that fit `width` points at `size` (a conservative estimate of
/// sans-serif glyph widths; long words are broken).
fn wrap(text: &str, width: f64, size: f64, bold: bool) -> Vec<String> {
    let per_char = size * if bold { 0.62 } else { 0.57 };
    wrap_words(text, ((width / per_char).floor() as usize).max(4))
}

/// Wraps `text` at spaces into lines of at most `max` characters (at least 4); a word longer
/// than a line is broken with a hyphen. Shared by the map and the study's figures.
pub fn wrap_words(text: &str, max: usize) -> Vec<String> {
    let max = max.max(4);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > max {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            let head: String = word.chars().take(max - 1).collect();
            lines.push(format!("{head}-"));
            word = word.chars().skip(max - 1).collect();
        }
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if need > max && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `#rrggbb` mixed with white: `amount` 0 keeps the colour, 1 gives white.
fn tint(hex: &str, amount: f64) -> String {
    let c = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("88"), 16).unwrap_or(0x88);
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * amount).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(c(1)), mix(c(3)), mix(c(5)))
}

/// "also in X, Y" for an entry that also sits in other current themes (a code shared
/// between candidate themes), else `None`.
fn also_in_note(book: &Codebook, e: &Entry) -> Option<String> {
    let labels: Vec<&str> = shared_with(book, e)
        .filter_map(|a| book.get(a))
        .map(|t| t.label.as_str())
        .collect();
    (!labels.is_empty()).then(|| format!("also in {}", labels.join(", ")))
}

/// Two optional notes as one line, joined by " · "; `None` when both are empty.
fn join_notes(a: Option<&str>, b: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [a, b]
        .into_iter()
        .flatten()
        .filter(|n| !n.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The current themes `e` also sits in, besides its parent.
fn shared_with<'a>(book: &'a Codebook, e: &'a Entry) -> impl Iterator<Item = &'a str> + 'a {
    e.also_in
        .iter()
        .filter(|a| book.get(a).is_some_and(|t| !t.retired))
        .map(String::as_str)
}

/// The map as Graphviz DOT (`dot -Tsvg map.dot > map.svg`). A code that also sits in
/// another candidate theme is joined to it by a dashed line.
pub fn map_dot(book: &Codebook, opts: &MapOptions) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "digraph thematic_map {{");
    let _ = writeln!(s, "  label=\"{}\";", dot_esc(&book.name));
    let _ = writeln!(s, "  labelloc=t;");
    let _ = writeln!(
        s,
        "  graph [rankdir=TB, nodesep=0.25, ranksep=0.45, fontname=\"Helvetica\"];"
    );
    let _ = writeln!(
        s,
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, fillcolor=\"#f4f4f4\", color=\"#444444\"];"
    );
    let _ = writeln!(s, "  edge [arrowhead=none, color=\"#555555\"];");
    for e in book.tree_order() {
        let mut label = wrap(&e.label, 150.0, 10.0, false)
            .iter()
            .map(|l| dot_esc(l))
            .collect::<Vec<_>>()
            .join("\\n");
        if let Some(n) = opts.notes.get(&e.id) {
            label.push_str("\\n");
            label.push_str(&dot_esc(n));
        }
        let mut attrs = format!("label=\"{label}\"");
        if let Some(c) = &e.colour {
            let _ = write!(attrs, ", color=\"{c}\", fillcolor=\"{}\"", tint(c, 0.82));
        }
        if !e.codable {
            attrs.push_str(", penwidth=1.6, fontname=\"Helvetica-Bold\"");
        }
        if e.retired {
            attrs.push_str(", style=\"rounded,filled,dashed\"");
        }
        let _ = writeln!(s, "  \"{}\" [{attrs}];", e.id);
    }
    for e in book.tree_order() {
        if let Some(p) = &e.parent {
            let _ = writeln!(s, "  \"{p}\" -> \"{}\";", e.id);
        }
        for a in shared_with(book, e) {
            let _ = writeln!(s, "  \"{a}\" -> \"{}\" [style=dashed];", e.id);
        }
    }
    s.push_str("}\n");
    s
}

fn dot_esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The map as a Mermaid flowchart (renders in GitHub and GitLab Markdown). A code that
/// also sits in another candidate theme is joined to it by a dotted line.
pub fn map_mermaid(book: &Codebook, opts: &MapOptions) -> String {
    let node = |id: &str| format!("t_{}", id.replace('-', "_"));
    let mut s = String::from("flowchart TD\n");
    for e in book.tree_order() {
        let mut label = wrap(&e.label, 150.0, 10.0, false).join("<br/>");
        if let Some(n) = opts.notes.get(&e.id) {
            let _ = write!(label, "<br/><small>{n}</small>");
        }
        let label = label.replace('"', "#quot;");
        let _ = writeln!(s, "  {}[\"{label}\"]", node(&e.id));
    }
    for e in book.tree_order() {
        if let Some(p) = &e.parent {
            let _ = writeln!(s, "  {} --- {}", node(p), node(&e.id));
        }
        for a in shared_with(book, e) {
            let _ = writeln!(s, "  {} -.- {}", node(a), node(&e.id));
        }
    }
    for e in book.tree_order() {
        let c = e.colour.as_deref().unwrap_or("#444444");
        let fill = e
            .colour
            .as_deref()
            .map_or_else(|| "#f4f4f4".to_string(), |c| tint(c, 0.82));
        let _ = writeln!(
            s,
            "  style {} fill:{fill},stroke:{c}{}{}",
            node(&e.id),
            if e.codable { "" } else { ",stroke-width:2px" },
            if e.retired {
                ",stroke-dasharray:4 3"
            } else {
                ""
            }
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_breaks_giants() {
        assert_eq!(
            wrap("What matters to the individual", 60.0, 10.0, false),
            ["What", "matters to", "the", "individual"]
        );
        assert_eq!(wrap("Goals", 200.0, 10.0, false), ["Goals"]);
        let giant = wrap("Supercalifragilisticexpialidocious", 40.0, 10.0, false);
        assert!(giant.len() > 1 && giant[0].ends_with('-'), "{giant:?}");
        assert_eq!(
            giant.concat().replace('-', ""),
            "Supercalifragilisticexpialidocious"
        );
    }

    #[test]
    fn a_shared_code_is_joined_to_its_second_theme() {
        let book = Codebook::from_toml(
            "format_version = 1\nname = \"t\"\n\n[[theme]]\nid = \"a\"\nlabel = \"A\"\ncodable = false\n\n[[theme]]\nid = \"b\"\nlabel = \"B\"\ncodable = false\n\n[[theme]]\nid = \"x\"\nlabel = \"X\"\nparent = \"a\"\nalso_in = [\"b\"]\n",
            "t.toml",
        )
        .unwrap();
        let opts = MapOptions::default();
        assert!(map_dot(&book, &opts).contains("\"b\" -> \"x\" [style=dashed];"));
        assert!(map_mermaid(&book, &opts).contains("t_b -.- t_x"));
        assert!(map_svg(&book, &opts).contains("also in B"));
    }

    #[test]
    fn tints_move_towards_white() {
        assert_eq!(tint("#000000", 0.5), "#808080");
        assert_eq!(tint("#ff0000", 0.0), "#ff0000");
    }
}
