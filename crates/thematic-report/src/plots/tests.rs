//! The figures are checked as figures: parsed and laid out by a real SVG renderer (usvg,
//! with the system's fonts), every label inside the page, and rendered to PNG with ink.

use resvg::{tiny_skia, usvg};
use thematic_codebook::Codebook;

use super::*;
use crate::passages::Passage;
use crate::tables::{CooccurUnit, Cooccurrence, ThemeMatrix};

fn book() -> Codebook {
    thematic_study::testing::mechanisms()
}

fn passages() -> Vec<Passage> {
    let themes: Vec<String> = book().codable().map(|e| e.id.clone()).collect();
    let mut v = Vec::new();
    for k in 1..=18usize {
        for (i, t) in themes.iter().enumerate() {
            if (k + i) % 3 != 0 {
                for turn in 0..(k % 4) {
                    v.push(Passage {
                        theme: t.clone(),
                        transcript: format!("P{k}"),
                        participant: format!("P{k}"),
                        turn: 2 * turn + (i % 2) + 1,
                        start: turn * 100,
                        end: turn * 100 + 5,
                        text: "words".into(),
                        coders: vec!["KW".into()],
                    });
                }
            }
        }
    }
    v
}

fn matrix() -> ThemeMatrix {
    let people: Vec<String> = (1..=18).map(|k| format!("P{k}")).collect();
    ThemeMatrix::build(&book(), &people, &passages(), "coder KW")
}

fn tree(svg: &str) -> usvg::Tree {
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    assert!(
        !opt.fontdb.is_empty(),
        "no system fonts to lay out the labels; install fonts-dejavu-core"
    );
    usvg::Tree::from_str(svg, &opt).expect("valid SVG")
}

fn bounds(t: &usvg::Tree, id: &str) -> tiny_skia::Rect {
    t.node_by_id(id)
        .unwrap_or_else(|| panic!("no element #{id}"))
        .abs_bounding_box()
}

/// Every text element lies inside the page.
fn all_text_inside(t: &usvg::Tree) {
    let size = t.size();
    fn visit(g: &usvg::Group, w: f32, h: f32) {
        for n in g.children() {
            if let usvg::Node::Text(_) = n {
                let b = n.abs_bounding_box();
                assert!(
                    b.left() >= -0.5
                        && b.top() >= -0.5
                        && b.right() <= w + 0.5
                        && b.bottom() <= h + 0.5,
                    "text {:?} at {b:?} leaves the {w}×{h} page",
                    n.id()
                );
            }
            if let usvg::Node::Group(g) = n {
                visit(g, w, h);
            }
        }
    }
    visit(t.root(), size.width(), size.height());
}

fn inked(png: &[u8]) -> usize {
    let pixmap = tiny_skia::Pixmap::decode_png(png).expect("a PNG");
    pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 200 || p.green() < 200 || p.blue() < 200)
        .count()
}

#[test]
fn the_prevalence_chart_has_a_bar_per_theme_sized_by_prevalence() {
    let m = matrix();
    let svg = prevalence_svg(&m);
    assert_eq!(svg, prevalence_svg(&m), "deterministic");
    let t = tree(&svg);
    all_text_inside(&t);
    let mut widths = Vec::new();
    for r in &m.rows {
        let bar = bounds(&t, &format!("bar-{}", r.theme.id));
        let label = bounds(&t, &format!("label-{}", r.theme.id));
        assert!(
            label.right() < bar.left(),
            "{}: label runs into its bar",
            r.theme.id
        );
        widths.push((r.prevalence(), bar.width()));
    }
    // Bar length is proportional to prevalence.
    let (n0, w0) = widths[0];
    for &(n, w) in &widths {
        assert!((w * n0 as f32 - w0 * n as f32).abs() < 0.5, "{widths:?}");
    }
    let first = format!(">{}/18<", m.rows[0].prevalence());
    assert!(svg.contains(&first), "value labels are n/N");
    let png = svg_to_png(&svg, 2.0).unwrap();
    assert!(inked(&png) > 1000);
}

#[test]
fn the_matrix_heatmap_has_a_cell_per_theme_and_participant() {
    let m = matrix();
    let t = tree(&matrix_svg(&m));
    all_text_inside(&t);
    for (i, r) in m.rows.iter().enumerate() {
        let row = bounds(&t, &format!("row-{}", r.theme.id));
        let first = bounds(&t, &format!("cell-{i}-0"));
        assert!(row.right() <= first.left(), "row label overlaps the cells");
        for j in 0..18 {
            t.node_by_id(&format!("cell-{i}-{j}")).expect("a cell");
        }
    }
    let png = svg_to_png(&matrix_svg(&m), 1.0).unwrap();
    assert!(inked(&png) > 1000);
    // Each group of themes is named above its first row, left of the cells and above them.
    let svg = matrix_svg(&m);
    let mut groups: Vec<&str> = m
        .rows
        .iter()
        .filter_map(|r| r.group.as_ref().map(|g| g.id.as_str()))
        .collect();
    groups.dedup();
    assert!(!groups.is_empty(), "the sample codebook has groups");
    for (k, gid) in groups.iter().enumerate() {
        let name = bounds(&t, &format!("group-{gid}"));
        let i = m
            .rows
            .iter()
            .position(|r| r.group.as_ref().is_some_and(|g| g.id == *gid))
            .unwrap();
        let first = bounds(&t, &format!("cell-{i}-0"));
        assert!(
            name.bottom() <= first.top(),
            "group {k} name overlaps its first row"
        );
        let label = &m.rows[i].group.as_ref().unwrap().label;
        assert!(svg.contains(&format!(">{}<", thematic_codebook::xml_escape(label))));
    }
}

/// Participant ids too long to stand across a cell (a focus group's `FG1-Maureen`) are
/// turned to read upwards: each stands wholly above the grid and its group's name, none
/// running down into the cells (they did, their start hidden under the cells).
#[test]
fn turned_column_labels_stand_above_the_grid() {
    let people: Vec<String> = (1..=18).map(|k| format!("FG1-Participant{k}")).collect();
    let moved: Vec<Passage> = passages()
        .into_iter()
        .map(|mut p| {
            p.participant = format!("FG1-Participant{}", &p.participant[1..]);
            p
        })
        .collect();
    let m = ThemeMatrix::build(&book(), &people, &moved, "coder KW");
    let svg = matrix_svg(&m);
    let t = tree(&svg);
    all_text_inside(&t);
    let first_group = m.rows[0].group.as_ref().expect("the sample has groups");
    let group = bounds(&t, &format!("group-{}", first_group.id));
    let cell = bounds(&t, "cell-0-0");
    for j in 0..18 {
        let label = bounds(&t, &format!("col-{j}"));
        // Upright, "FG1-Participant10" is far taller than it is wide.
        assert!(
            label.height() > 3.0 * label.width(),
            "column {j} is not turned"
        );
        assert!(
            label.bottom() <= group.top() && label.bottom() <= cell.top(),
            "column {j}'s label runs into the grid: {label:?}, first cell {cell:?}"
        );
    }
}

#[test]
fn the_cooccurrence_heatmap_is_square_with_the_units_on_the_diagonal() {
    let c = Cooccurrence::build(
        &book(),
        &passages(),
        CooccurUnit::Turn,
        1,
        &Default::default(),
        "coder KW",
    );
    let svg = cooccur_svg(&c);
    let t = tree(&svg);
    all_text_inside(&t);
    for i in 0..9 {
        for j in 0..9 {
            t.node_by_id(&format!("cell-{i}-{j}")).expect("a cell");
        }
    }
    assert!(svg.contains("Jaccard index (turns, window ±1)"));
    // The diagonal (units, not a Jaccard index) is drawn apart, hatched, and said so;
    // every other cell is on the 0–1 scale.
    for i in 0..9 {
        for j in 0..9 {
            let fill = format!("id=\"cell-{i}-{j}\"");
            let line = svg.lines().find(|l| l.contains(&fill)).unwrap();
            assert_eq!(line.contains("url(#apart)"), i == j, "{line}");
        }
    }
    assert!(svg.contains("Diagonal (hatched): turns coded with the theme"));
    assert!(inked(&svg_to_png(&svg, 1.0).unwrap()) > 1000);
}

#[test]
fn figures_without_codings_still_draw() {
    let people: Vec<String> = vec!["P1".into()];
    let m = ThemeMatrix::build(&book(), &people, &[], "coder KW");
    for svg in [prevalence_svg(&m), matrix_svg(&m)] {
        all_text_inside(&tree(&svg));
    }
    let none = ThemeMatrix::build(&book(), &[], &[], "coder KW");
    all_text_inside(&tree(&prevalence_svg(&none)));
}

#[test]
fn tick_steps_are_round() {
    use super::bars::nice_step;
    assert_eq!(
        [1, 6, 7, 18, 60, 61, 250].map(nice_step),
        [1, 1, 2, 5, 10, 10, 50]
    );
}

#[test]
fn figures_are_drawn_with_the_built_in_fonts_only() {
    let db = figure_fonts();
    let faces: Vec<(String, u16)> = db
        .faces()
        .map(|f| (f.families[0].0.clone(), f.weight.0))
        .collect();
    assert_eq!(
        faces,
        [
            ("DejaVu Sans".to_string(), 400),
            ("DejaVu Sans".to_string(), 700)
        ]
    );
    // Whatever the SVG's font list names first, a face is found: its last resort,
    // `sans-serif`, is DejaVu Sans.
    let query = resvg::usvg::fontdb::Query {
        families: &[
            resvg::usvg::fontdb::Family::Name("Helvetica"),
            resvg::usvg::fontdb::Family::SansSerif,
        ],
        ..Default::default()
    };
    assert!(db.query(&query).is_some());
}
