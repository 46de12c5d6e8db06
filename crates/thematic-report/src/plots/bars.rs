//! The prevalence of each theme as a horizontal bar chart.

use super::{MARGIN, PAGE_WIDTH, SIZE, Svg, shade, text_width, wrap};
use crate::tables::ThemeMatrix;

/// Each theme's prevalence (participants with at least one coding of it, out of every
/// participant) as horizontal bars, themes in codebook order under their group's name,
/// each bar labelled `n/N`, with an axis of participants below. 493 pt wide (a two-column
/// journal page). Ids: `bar-<theme>`, `label-<theme>`, `value-<theme>`, `group-<group>`.
pub fn prevalence_svg(m: &ThemeMatrix) -> String {
    let n_all = m.participants.len();
    let label_w = m
        .rows
        .iter()
        .map(|r| text_width(&r.theme.label, SIZE, false) + 10.0)
        .chain(
            m.rows
                .iter()
                .filter_map(|r| r.group.as_ref().map(|g| text_width(&g.label, SIZE, true))),
        )
        .fold(60.0, f64::max)
        .min(PAGE_WIDTH * 0.42);
    let value_w = text_width(&format!("{n_all}/{n_all}"), 8.0, false) + 6.0;
    let x0 = MARGIN + label_w + 8.0;
    let x1 = PAGE_WIDTH - MARGIN - value_w;
    let line_h = SIZE * 1.2;

    // Lay out first: one row per group heading and per theme.
    enum Row<'a> {
        Group(&'a str, Vec<String>),
        Theme(usize, Vec<String>),
    }
    let mut rows: Vec<(f64, f64, Row)> = Vec::new(); // (top, height, row)
    let mut y = MARGIN;
    let mut group: Option<&str> = None;
    for (i, r) in m.rows.iter().enumerate() {
        if let Some(g) = &r.group
            && group != Some(g.id.as_str())
        {
            group = Some(g.id.as_str());
            let lines = wrap(&g.label, label_w, SIZE, true);
            let h = lines.len() as f64 * line_h + 6.0;
            y += if rows.is_empty() { 0.0 } else { 4.0 };
            rows.push((y, h, Row::Group(&g.id, lines)));
            y += h;
        }
        let lines = wrap(&r.theme.label, label_w - 10.0, SIZE, false);
        let h = (lines.len() as f64 * line_h + 6.0).max(16.0);
        rows.push((y, h, Row::Theme(i, lines)));
        y += h;
    }
    let axis_y = y + 4.0;
    let height = axis_y + 34.0;

    let mut svg = Svg::new(PAGE_WIDTH, height);
    // Grid and axis: whole numbers of participants, at most about six ticks.
    let step = nice_step(n_all);
    let scale = |k: usize| x0 + (x1 - x0) * k as f64 / n_all.max(1) as f64;
    let mut k = 0;
    while k <= n_all.max(1) {
        let x = scale(k);
        svg.line(x, MARGIN, x, axis_y, "#dddddd");
        svg.text(
            "",
            x,
            axis_y + 11.0,
            &[k.to_string()],
            8.0,
            "middle",
            false,
            "#333333",
        );
        k += step;
    }
    svg.line(x0, axis_y, x1, axis_y, "#333333");
    svg.text(
        "axis-label",
        (x0 + x1) / 2.0,
        axis_y + 25.0,
        &[format!("Participants with the theme (of N = {n_all})")],
        8.0,
        "middle",
        false,
        "#000000",
    );
    for (top, h, row) in &rows {
        match row {
            Row::Group(id, lines) => {
                let base = top + 3.0 + SIZE;
                svg.text(
                    &format!("group-{id}"),
                    MARGIN,
                    base,
                    lines,
                    SIZE,
                    "start",
                    true,
                    "#000000",
                );
            }
            Row::Theme(i, lines) => {
                let r = &m.rows[*i];
                let id = &r.theme.id;
                let n = r.prevalence();
                let base = top + (h - lines.len() as f64 * line_h) / 2.0 + SIZE * 0.85;
                svg.text(
                    &format!("label-{id}"),
                    MARGIN + 10.0,
                    base,
                    lines,
                    SIZE,
                    "start",
                    false,
                    "#000000",
                );
                let bar_h = 10.0;
                let bar_y = top + (h - bar_h) / 2.0;
                let w = scale(n) - x0;
                svg.rect(
                    &format!("bar-{id}"),
                    x0,
                    bar_y,
                    w.max(0.0),
                    bar_h,
                    &shade(0.7),
                );
                svg.text(
                    &format!("value-{id}"),
                    x0 + w + 3.0,
                    bar_y + bar_h - 2.0,
                    &[format!("{n}/{n_all}")],
                    8.0,
                    "start",
                    false,
                    "#000000",
                );
            }
        }
    }
    svg.finish()
}

/// A tick step (1, 2, 5, 10, 20, …) giving at most about six ticks from 0 to `n`.
pub(super) fn nice_step(n: usize) -> usize {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if n / (step * m) <= 6 {
                return step * m;
            }
        }
        step *= 10;
    }
}
