//! The prevalence of each theme as a horizontal bar chart.

use super::{MARGIN, PAGE_WIDTH, SIZE, Svg, shade, text_width, wrap};
use crate::tables::{MatrixRow, ThemeMatrix};

/// Each theme's prevalence (participants with at least one coding of it, out of every
/// participant) as horizontal bars, themes in codebook order under their group's name,
/// each bar labelled `n/N`, with an axis of participants below. 493 pt wide (a two-column
/// journal page). Ids: `bar-<theme>`, `label-<theme>`, `value-<theme>`, `group-<group>`.
pub fn prevalence_svg(m: &ThemeMatrix) -> String {
    let layout = Layout::new(m);
    let mut svg = Svg::new(PAGE_WIDTH, layout.axis_y + 34.0);
    layout.draw_axis(&mut svg);
    for row in &layout.rows {
        match &row.kind {
            RowKind::Group(id, lines) => draw_group(&mut svg, row, id, lines),
            RowKind::Theme(i, lines) => layout.draw_theme(&mut svg, row, &m.rows[*i], lines),
        }
    }
    svg.finish()
}

/// The height of a line of labels.
const LINE_H: f64 = SIZE * 1.2;

/// Where everything goes: the label column, the bars between `x0` and `x1`, a row per
/// group heading and per theme, and the axis below them.
struct Layout<'a> {
    /// Every participant: the axis runs from 0 to this.
    n_all: usize,
    x0: f64,
    x1: f64,
    rows: Vec<Row<'a>>,
    axis_y: f64,
}

/// A row of the chart, from `top`, `height` high.
struct Row<'a> {
    top: f64,
    height: f64,
    kind: RowKind<'a>,
}

/// A group heading (its id and label lines), or a theme (its row in the matrix and label
/// lines).
enum RowKind<'a> {
    Group(&'a str, Vec<String>),
    Theme(usize, Vec<String>),
}

impl<'a> Layout<'a> {
    /// Lays the chart out: the label column wide enough for the longest label (up to a
    /// limit, beyond which labels wrap), and the rows top to bottom.
    fn new(m: &'a ThemeMatrix) -> Layout<'a> {
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
        let mut rows: Vec<Row<'a>> = Vec::new();
        let mut y = MARGIN;
        let mut group: Option<&str> = None;
        for (i, r) in m.rows.iter().enumerate() {
            if let Some(g) = &r.group
                && group != Some(g.id.as_str())
            {
                group = Some(g.id.as_str());
                let lines = wrap(&g.label, label_w, SIZE, true);
                let height = lines.len() as f64 * LINE_H + 6.0;
                y += if rows.is_empty() { 0.0 } else { 4.0 };
                rows.push(Row {
                    top: y,
                    height,
                    kind: RowKind::Group(&g.id, lines),
                });
                y += height;
            }
            let lines = wrap(&r.theme.label, label_w - 10.0, SIZE, false);
            let height = (lines.len() as f64 * LINE_H + 6.0).max(16.0);
            rows.push(Row {
                top: y,
                height,
                kind: RowKind::Theme(i, lines),
            });
            y += height;
        }
        Layout {
            n_all,
            x0: MARGIN + label_w + 8.0,
            x1: PAGE_WIDTH - MARGIN - value_w,
            rows,
            axis_y: y + 4.0,
        }
    }

    /// The x of `k` participants.
    fn scale(&self, k: usize) -> f64 {
        self.x0 + (self.x1 - self.x0) * k as f64 / self.n_all.max(1) as f64
    }

    /// The grid and axis: whole numbers of participants, at most about six ticks, and the
    /// axis label.
    fn draw_axis(&self, svg: &mut Svg) {
        let (x0, x1, axis_y, n_all) = (self.x0, self.x1, self.axis_y, self.n_all);
        let step = nice_step(n_all);
        let mut k = 0;
        while k <= n_all.max(1) {
            let x = self.scale(k);
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
    }

    /// A theme's row: its label, its bar and the bar's `n/N`.
    fn draw_theme(&self, svg: &mut Svg, row: &Row<'_>, r: &MatrixRow, lines: &[String]) {
        let (top, h) = (row.top, row.height);
        let id = &r.theme.id;
        let n = r.prevalence();
        let base = top + (h - lines.len() as f64 * LINE_H) / 2.0 + SIZE * 0.85;
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
        let w = self.scale(n) - self.x0;
        svg.rect(
            &format!("bar-{id}"),
            self.x0,
            bar_y,
            w.max(0.0),
            bar_h,
            &shade(0.7),
        );
        svg.text(
            &format!("value-{id}"),
            self.x0 + w + 3.0,
            bar_y + bar_h - 2.0,
            &[format!("{n}/{}", self.n_all)],
            8.0,
            "start",
            false,
            "#000000",
        );
    }
}

/// A group's heading, in bold.
fn draw_group(svg: &mut Svg, row: &Row<'_>, id: &str, lines: &[String]) {
    svg.text(
        &format!("group-{id}"),
        MARGIN,
        row.top + 3.0 + SIZE,
        lines,
        SIZE,
        "start",
        true,
        "#000000",
    );
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
