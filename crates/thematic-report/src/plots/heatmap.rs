//! The themes × participants matrix and theme co-occurrence as heatmaps.

use super::{MARGIN, PAGE_WIDTH, SIZE, Svg, ink, legend, shade, text_width, wrap};
use crate::tables::{Cooccurrence, ThemeMatrix};

/// What a heatmap shows.
struct Grid<'a> {
    /// Row labels (ids for the `row-…` elements, and the text).
    rows: Vec<(&'a str, String)>,
    /// Group of each row (id, label): a rule between groups and the group's name above
    /// its first row.
    groups: Vec<Option<(&'a str, &'a str)>>,
    /// Column labels.
    cols: Vec<String>,
    /// Shade of each cell, 0–1 (`None`: a grey cell, e.g. the diagonal).
    shades: Vec<Vec<Option<f64>>>,
    /// Text in each cell.
    texts: Vec<Vec<String>>,
    /// The legend's name and largest value.
    legend: (String, String),
    /// What the grey, hatched cells (`None` shades) show, said beside the legend.
    apart: Option<String>,
}

/// The themes × participants matrix as a heatmap: a row per theme (codebook order, a rule
/// between groups), a column per participant, each cell shaded by its number of codings
/// (the darkest is the largest count) and showing it. Ids: `row-<theme>`, `col-<n>`,
/// `cell-<row>-<col>` (0-based).
pub fn matrix_svg(m: &ThemeMatrix) -> String {
    let max = m.rows.iter().flat_map(|r| r.counts()).max().unwrap_or(0);
    let grid = Grid {
        rows: m
            .rows
            .iter()
            .map(|r| (r.theme.id.as_str(), r.theme.label.clone()))
            .collect(),
        groups: m
            .rows
            .iter()
            .map(|r| r.group.as_ref().map(|g| (g.id.as_str(), g.label.as_str())))
            .collect(),
        cols: m.participants.clone(),
        shades: m
            .rows
            .iter()
            .map(|r| {
                r.counts()
                    .into_iter()
                    .map(|c| Some(if max == 0 { 0.0 } else { c as f64 / max as f64 }))
                    .collect()
            })
            .collect(),
        texts: m
            .rows
            .iter()
            .map(|r| {
                r.counts()
                    .into_iter()
                    .map(|c| if c == 0 { String::new() } else { c.to_string() })
                    .collect()
            })
            .collect(),
        legend: ("Codings".into(), max.to_string()),
        apart: None,
    };
    draw(&grid)
}

/// Theme co-occurrence as a heatmap: themes numbered in codebook order down the rows (with
/// their labels) and across the columns, each cell shaded by the Jaccard index of the two
/// themes (0–1) and showing it to two decimals. The diagonal is drawn apart from the
/// Jaccard scale, hatched grey, with each theme's number of units, and a note
/// beside the legend says so. Ids as for [`matrix_svg`].
pub fn cooccur_svg(c: &Cooccurrence) -> String {
    let n = c.themes.len();
    let mut shades = vec![vec![None; n]; n];
    let mut texts = vec![vec![String::new(); n]; n];
    for a in 0..n {
        for b in 0..n {
            if a == b {
                texts[a][b] = c.units[a].to_string();
            } else if let Some(j) = c.jaccard(a, b) {
                shades[a][b] = Some(j);
                texts[a][b] = if c.both[a][b] == 0 {
                    String::new()
                } else {
                    format!("{j:.2}")
                };
            } else {
                shades[a][b] = Some(0.0);
            }
        }
    }
    let grid = Grid {
        rows: c
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), format!("{} {}", i + 1, t.label)))
            .collect(),
        groups: vec![None; n],
        cols: (1..=n).map(|i| i.to_string()).collect(),
        shades,
        texts,
        legend: (
            format!(
                "Jaccard index ({}s{})",
                c.unit.as_str(),
                if c.window > 0 {
                    format!(", window ±{}", c.window)
                } else {
                    String::new()
                }
            ),
            "1".into(),
        ),
        apart: Some(format!(
            "Diagonal (hatched): {}s coded with the theme",
            c.unit.as_str()
        )),
    };
    draw(&grid)
}

fn draw(g: &Grid) -> String {
    let line_h = SIZE * 1.2;
    let label_w = g
        .rows
        .iter()
        .map(|(_, l)| text_width(l, SIZE, false))
        .fold(60.0, f64::max)
        .min(PAGE_WIDTH * 0.4);
    let ncols = g.cols.len().max(1);
    let x0 = MARGIN + label_w + 6.0;
    let cell_w = ((PAGE_WIDTH - MARGIN - x0) / ncols as f64).clamp(14.0, 40.0);
    let width = (x0 + cell_w * ncols as f64 + MARGIN).max(PAGE_WIDTH);
    let col_text = g
        .cols
        .iter()
        .map(|c| text_width(c, 8.0, false))
        .fold(0.0, f64::max);
    // Column labels across when they fit in a cell, else turned to read upwards.
    let upright = col_text + 2.0 <= cell_w;
    let head_h = if upright { 14.0 } else { col_text + 8.0 };
    let y0 = MARGIN + head_h;
    let labels: Vec<Vec<String>> = g
        .rows
        .iter()
        .map(|(_, l)| wrap(l, label_w, SIZE, false))
        .collect();
    let heights: Vec<f64> = labels
        .iter()
        .map(|l| (l.len() as f64 * line_h + 4.0).max(cell_w.min(20.0)))
        .collect();
    // A band above each group's first row for its name.
    let band_h = SIZE * 1.2 + 6.0;
    let starts_group =
        |i: usize| g.groups[i].is_some() && (i == 0 || g.groups[i] != g.groups[i - 1]);
    let bands = (0..g.rows.len()).filter(|&i| starts_group(i)).count();
    let grid_h: f64 = heights.iter().sum::<f64>() + band_h * bands as f64;
    let height = y0 + grid_h + if g.apart.is_some() { 56.0 } else { 36.0 };
    let mut svg = Svg::new(width, height);
    if g.apart.is_some() {
        svg.raw(
            "<defs><pattern id=\"apart\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#eeeeee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"#bbbbbb\" stroke-width=\"1.2\"/></pattern></defs>\n",
        );
    }
    for (j, c) in g.cols.iter().enumerate() {
        let cx = x0 + cell_w * (j as f64 + 0.5);
        if upright {
            svg.text(
                &format!("col-{j}"),
                cx,
                y0 - 4.0,
                std::slice::from_ref(c),
                8.0,
                "middle",
                false,
                "#000000",
            );
        } else {
            svg.text_up(&format!("col-{j}"), cx + 3.0, y0 - 4.0, c, 8.0);
        }
    }
    let mut y = y0;
    for (i, ((id, _), lines)) in g.rows.iter().zip(&labels).enumerate() {
        let h = heights[i];
        if i > 0 && g.groups[i] != g.groups[i - 1] {
            svg.line(MARGIN, y, x0 + cell_w * ncols as f64, y, "#333333");
        }
        if starts_group(i)
            && let Some((gid, label)) = g.groups[i]
        {
            svg.text(
                &format!("group-{gid}"),
                MARGIN,
                y + SIZE + 3.0,
                &wrap(label, x0 + cell_w * ncols as f64 - MARGIN, SIZE, true)[..1],
                SIZE,
                "start",
                true,
                "#000000",
            );
            y += band_h;
        }
        let base = y + (h - lines.len() as f64 * line_h) / 2.0 + SIZE * 0.85;
        svg.text(
            &format!("row-{id}"),
            x0 - 6.0,
            base,
            lines,
            SIZE,
            "end",
            false,
            "#000000",
        );
        for j in 0..g.cols.len() {
            let x = x0 + cell_w * j as f64;
            let (fill, text_fill) = match g.shades[i][j] {
                Some(t) => (shade(t), ink(t)),
                None => ("url(#apart)".to_string(), "#000000"),
            };
            svg.rect(
                &format!("cell-{i}-{j}"),
                x + 0.5,
                y + 0.5,
                cell_w - 1.0,
                h - 1.0,
                &fill,
            );
            let t = &g.texts[i][j];
            if !t.is_empty() {
                let size = if text_width(t, 7.5, false) + 2.0 <= cell_w {
                    7.5
                } else {
                    6.0
                };
                svg.text(
                    "",
                    x + cell_w / 2.0,
                    y + h / 2.0 + size * 0.35,
                    std::slice::from_ref(t),
                    size,
                    "middle",
                    false,
                    text_fill,
                );
            }
        }
        y += h;
    }
    legend(&mut svg, MARGIN, y + 12.0, &g.legend.0, &g.legend.1);
    if let Some(note) = &g.apart {
        // Below the legend's 0 and 1 (their baseline is 31 pt under the grid).
        svg.rect("legend-apart", MARGIN, y + 36.0, 12.0, 9.0, "url(#apart)");
        svg.text(
            "legend-apart-label",
            MARGIN + 16.0,
            y + 44.0,
            std::slice::from_ref(note),
            8.0,
            "start",
            false,
            "#000000",
        );
    }
    svg.finish()
}
