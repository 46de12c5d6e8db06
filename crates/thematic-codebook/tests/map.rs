//! The thematic map is checked as a figure: parsed and laid out by a real SVG renderer
//! (resvg/usvg, with the system's fonts), so a label that overflows its box, boxes that
//! overlap, or an SVG that does not render fail the test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use resvg::{tiny_skia, usvg};
use thematic_codebook::{Codebook, MapOptions, map_dot, map_mermaid, map_svg};

fn mechanisms() -> Codebook {
    Codebook::from_toml(
        include_str!("../../../codebooks/social-prescribing-mechanisms.toml"),
        "m.toml",
    )
    .unwrap()
}

fn tree(svg: &str) -> usvg::Tree {
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    assert!(
        !opt.fontdb.is_empty(),
        "no system fonts to lay out the labels; install fonts-dejavu-core"
    );
    usvg::Tree::from_str(svg, &opt).expect("the map is valid SVG")
}

fn rect(tree: &usvg::Tree, id: &str) -> tiny_skia::Rect {
    tree.node_by_id(id)
        .unwrap_or_else(|| panic!("no element #{id}"))
        .abs_bounding_box()
}

fn inside(inner: tiny_skia::Rect, outer: tiny_skia::Rect) -> bool {
    inner.left() >= outer.left() - 0.5
        && inner.right() <= outer.right() + 0.5
        && inner.top() >= outer.top() - 0.5
        && inner.bottom() <= outer.bottom() + 0.5
}

fn check_layout(book: &Codebook, opts: &MapOptions) -> usvg::Tree {
    let svg = map_svg(book, opts);
    let t = tree(&svg);
    let size = t.size();
    let page = tiny_skia::Rect::from_xywh(0.0, 0.0, size.width(), size.height()).unwrap();
    let ids: Vec<&str> = book.entries.iter().map(|e| e.id.as_str()).collect();
    for id in &ids {
        let b = rect(&t, &format!("box-{id}"));
        let l = rect(&t, &format!("label-{id}"));
        assert!(inside(b, page), "{id}: box {b:?} leaves the page {page:?}");
        assert!(inside(l, b), "{id}: label {l:?} overflows its box {b:?}");
        if opts.notes.contains_key(*id) {
            let n = t
                .node_by_id(&format!("note-{id}"))
                .unwrap_or_else(|| panic!("{id}: its note is not drawn"));
            assert!(inside(n.abs_bounding_box(), b), "{id}: note overflows");
        }
    }
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let (ra, rb) = (rect(&t, &format!("box-{a}")), rect(&t, &format!("box-{b}")));
            assert!(
                ra.intersect(&rb)
                    .is_none_or(|r| r.width() < 0.5 || r.height() < 0.5),
                "boxes {a} and {b} overlap"
            );
        }
    }
    t
}

#[test]
fn the_papers_map_lays_out_like_figure_1_and_fits() {
    let book = mechanisms();
    let t = check_layout(&book, &MapOptions::default());
    // Figure 1's shape: the overarching theme above three groups side by side, each group's
    // three themes stacked beneath it.
    let top = rect(&t, "box-solution-focused-strengths-based");
    let groups =
        ["splw-role", "patients-role", "the-approach"].map(|g| rect(&t, &format!("box-{g}")));
    for g in &groups {
        assert!(
            g.top() > top.bottom(),
            "groups sit below the overarching theme"
        );
        assert!(
            (g.top() - groups[0].top()).abs() < 0.5,
            "groups share a row"
        );
    }
    assert!(groups[0].right() < groups[1].left() && groups[1].right() < groups[2].left());
    for (g, themes) in groups.iter().zip([
        [
            "asking-questions",
            "motivational-interviewing",
            "therapeutic-alliance",
        ],
        ["empowerment", "active-engagement", "patient-stories"],
        ["solution-building", "goal-orientation", "what-matters"],
    ]) {
        let mut above = g.bottom();
        for th in themes {
            let r = rect(&t, &format!("box-{th}"));
            assert!(r.top() > above, "{th} is stacked under its group");
            assert!(
                r.left() >= g.left() && r.right() <= g.right() + 0.5,
                "{th} is in its group's column"
            );
            above = r.bottom();
        }
    }
    // Journal width: 493 pt (174 mm), and the smallest text is 9 pt.
    // (usvg converts the 493 pt width to CSS pixels, 96 per inch.)
    assert!((t.size().width() - 493.0 * 96.0 / 72.0).abs() < 0.01);
}

#[test]
fn counts_and_deep_trees_and_wide_codebooks_still_fit() {
    let mut book = mechanisms();
    let mut opts = MapOptions::default();
    for e in &book.entries {
        opts.notes
            .insert(e.id.clone(), "128 codings · 18 participants".into());
    }
    check_layout(&book, &opts);
    // A code two levels below a theme, and a very long label.
    let mut extra = book.entries[3].clone();
    extra.id = "deep-code".into();
    extra.parent = Some("asking-questions".into());
    extra.label =
        "A deliberately long label for a code nested well below its theme, to wrap".into();
    book.entries.push(extra);
    check_layout(&book, &opts);
    // Many roots and no overarching theme: columns wrap into bands.
    let text = (0..7)
        .map(|i| format!("[[theme]]\nid = \"t{i}\"\nlabel = \"Theme number {i}\"\n"))
        .collect::<String>();
    let flat = Codebook::from_toml(
        &format!("format_version = 1\nname = \"f\"\n{text}"),
        "f.toml",
    )
    .unwrap();
    check_layout(&flat, &MapOptions::default());
}

#[test]
fn the_map_renders_to_pixels() {
    let book = mechanisms();
    let t = tree(&map_svg(&book, &MapOptions::default()));
    let size = t.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width() * 2, size.height() * 2).unwrap();
    resvg::render(
        &t,
        tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    // Dark pixels are text and outlines: a map with no visible labels or boxes fails.
    let dark = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 96 && p.green() < 96 && p.blue() < 96)
        .count();
    let share = dark as f64 / pixmap.pixels().len() as f64;
    assert!(share > 0.01 && share < 0.5, "dark share {share}");
    // The centre of every box is inked (filled), not background.
    for e in &book.entries {
        let r = t
            .node_by_id(&format!("box-{}", e.id))
            .unwrap()
            .abs_bounding_box();
        let (x, y) = ((r.left() + 2.0) as u32 * 2, (r.top() + 2.0) as u32 * 2);
        let p = pixmap.pixel(x, y).unwrap();
        assert!(
            !(p.red() == 255 && p.green() == 255 && p.blue() == 255),
            "{} not drawn",
            e.id
        );
    }
}

#[test]
fn dot_and_mermaid_name_every_edge() {
    let book = mechanisms();
    let dot = map_dot(&book, &MapOptions::default());
    let mer = map_mermaid(&book, &MapOptions::default());
    assert!(dot.starts_with("digraph thematic_map {"));
    assert!(mer.starts_with("flowchart TD\n"));
    for e in &book.entries {
        if let Some(p) = &e.parent {
            assert!(
                dot.contains(&format!("\"{p}\" -> \"{}\";", e.id)),
                "{}",
                e.id
            );
            assert!(
                mer.contains(&format!(
                    "t_{} --- t_{}",
                    p.replace('-', "_"),
                    e.id.replace('-', "_")
                )),
                "{}",
                e.id
            );
        }
    }
    assert!(
        mer.contains("t_what_matters[\"What matters to the<br/>individual\"]")
            || mer.contains("t_what_matters[\"What matters to the individual\"]"),
        "{mer}"
    );
}

#[test]
fn control_characters_in_labels_leave_the_svg_well_formed() {
    // A control character pasted into a label (here a bell, U+0007) is not allowed in XML
    // 1.0: it is dropped, and the rest of the label, with its markup characters, is kept.
    let text = "format_version = 1\nname = \"Bells & <whistles>\"\n\
                [[theme]]\nid = \"bell\"\nlabel = \"Ring\\u0007ing 'bells' & <b>\"\n";
    let book = Codebook::from_toml(text, "bell.toml").unwrap();
    assert!(book.get("bell").unwrap().label.contains('\u{7}'));
    let svg = map_svg(&book, &MapOptions::default());
    assert!(!svg.contains('\u{7}'), "{svg}");
    assert!(
        svg.contains(">Ringing &#39;bells&#39; &amp; &lt;b&gt;</tspan>"),
        "{svg}"
    );
    assert!(
        svg.contains("<title>Bells &amp; &lt;whistles&gt;</title>"),
        "{svg}"
    );
    let t = tree(&svg);
    assert!(t.node_by_id("label-bell").is_some());
}

/// Not a check: renders the map to a PNG for a person to look at.
#[test]
#[ignore = "THEMATIC_MAP_PNG=/tmp/map.png cargo test -p thematic-codebook --test map -- --ignored"]
fn write_png_for_a_person_to_look_at() {
    let path = std::env::var("THEMATIC_MAP_PNG").unwrap_or_else(|_| "map.png".into());
    let book = mechanisms();
    let mut opts = MapOptions::default();
    opts.notes.insert(
        "asking-questions".into(),
        "12 codings · 7 participants".into(),
    );
    let t = tree(&map_svg(&book, &opts));
    let size = t.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width() * 2, size.height() * 2).unwrap();
    resvg::render(
        &t,
        tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    pixmap.save_png(path).unwrap();
}
