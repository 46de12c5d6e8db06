//! Figures for a paper or a slide: the prevalence of each theme as a bar chart, and the
//! themes × participants matrix and theme co-occurrence as heatmaps. SVG, and PNG rendered
//! from it.
//!
//! The SVG is written by hand here. The Rust charting crates available either draw through
//! a backend that writes verbose, unstyled SVG (a path per glyph or per cell, coordinates
//! with many decimals), or lay labels out without knowing how long they are; none lets a
//! test find a bar or a label by id. A bar chart and a heatmap are a few rectangles and
//! labels, so writing them keeps the output small, readable, deterministic (the same data
//! always gives the same bytes) and checkable: `tests` parse it with `usvg` and check that
//! every label lies inside the figure. PNG is the same SVG rendered by `resvg` with the
//! system's fonts.

mod bars;
mod heatmap;

use std::fmt::Write as _;

pub use bars::prevalence_svg;
pub use heatmap::{cooccur_svg, matrix_svg};

use thematic_codebook::xml_escape;
use thematic_study::StudyError;

/// The fonts asked for, the first one installed is used.
const FONT: &str = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";
/// Width of a figure across a two-column journal page (174 mm), in points.
pub const PAGE_WIDTH: f64 = 493.0;
const MARGIN: f64 = 8.0;
/// Label text size, in points.
const SIZE: f64 = 9.0;

/// DejaVu Sans and DejaVu Sans Bold (Bitstream Vera licence, `fonts/LICENSE`), built in.
const FIGURE_FONTS: [&[u8]; 2] = [
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Bold.ttf"),
];

/// The fonts figures are drawn with: only the built-in DejaVu Sans, never the system's,
/// so a PNG is the same on every machine (a label's width, and so the layout, would
/// otherwise depend on which of the SVG's font list the machine has).
pub fn figure_fonts() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            for font in FIGURE_FONTS {
                db.load_font_data(font.to_vec());
            }
            db.set_sans_serif_family("DejaVu Sans");
            std::sync::Arc::new(db)
        })
        .clone()
}

/// The SVG with its text drawn as outlines (paths) in the built-in fonts
/// ([`figure_fonts`]), so it looks the same in every viewer whatever fonts it has, as
/// journals that ask for "fonts converted to outlines" want; the text can then no longer
/// be edited or searched. Written by usvg, which resolves the text into glyph paths.
pub fn outline_text(svg: &str) -> Result<String, StudyError> {
    use resvg::usvg;
    let opt = usvg::Options {
        fontdb: figure_fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt)
        .map_err(|e| StudyError::Export(format!("the figure is not valid SVG: {e}")))?;
    let out = tree.to_string(&usvg::WriteOptions::default());
    // usvg gives the size in pixels (493pt → 657); keep the figure's own size in points,
    // which a journal's column width is given in (the viewBox keeps the drawing).
    let mut out = out;
    for name in ["width", "height"] {
        if let (Some(want), Some(range)) = (root_attribute(svg, name), attribute_range(&out, name))
        {
            out.replace_range(range, &want);
        }
    }
    Ok(out)
}

/// The value of attribute `name` on the root `<svg …>` element of `svg`.
fn root_attribute(svg: &str, name: &str) -> Option<String> {
    attribute_range(svg, name).map(|r| svg[r].to_string())
}

/// Where the value of attribute `name` of the root `<svg …>` element lies in `svg`.
fn attribute_range(svg: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let open = svg.find("<svg")?;
    let close = open + svg[open..].find('>')?;
    let key = format!(" {name}=\"");
    let start = open + svg[open..close].find(&key)? + key.len();
    let end = start + svg[start..close].find('"')?;
    Some(start..end)
}

/// The SVG rendered as PNG at `scale` pixels per point (2 gives 144 dpi, sharp on a
/// slide), with the built-in fonts ([`figure_fonts`]), on white.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, StudyError> {
    use resvg::{tiny_skia, usvg};
    let opt = usvg::Options {
        fontdb: figure_fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt)
        .map_err(|e| StudyError::Export(format!("the figure is not valid SVG: {e}")))?;
    let too_large = || {
        StudyError::Export(
            "the figure is too large to render as PNG; write it as SVG instead (`--output FILE.svg`: it has no pixel limit), or render the PNG at a smaller scale".into(),
        )
    };
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(too_large)?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(too_large)?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| StudyError::Export(format!("the PNG could not be encoded: {e}")))
}

/// An SVG document being written.
struct Svg {
    s: String,
}

impl Svg {
    fn new(width: f64, height: f64) -> Svg {
        let mut s = String::with_capacity(16 * 1024);
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}pt\" height=\"{height:.0}pt\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}\" font-size=\"{SIZE}\">"
        );
        let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        Svg { s }
    }

    fn rect(&mut self, id: &str, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        let id = if id.is_empty() {
            String::new()
        } else {
            format!(" id=\"{}\"", xml_escape(id))
        };
        let _ = writeln!(
            self.s,
            "<rect{id} x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>"
        );
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) {
        let _ = writeln!(
            self.s,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"0.6\"/>"
        );
    }

    /// Lines of text, the first baseline at `y`; `anchor` is `start`, `middle` or `end`.
    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        id: &str,
        x: f64,
        y: f64,
        lines: &[String],
        size: f64,
        anchor: &str,
        bold: bool,
        fill: &str,
    ) {
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        let id = if id.is_empty() {
            String::new()
        } else {
            format!(" id=\"{}\"", xml_escape(id))
        };
        let _ = write!(
            self.s,
            "<text{id} x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{weight} fill=\"{fill}\">"
        );
        for (i, l) in lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { size * 1.2 };
            let _ = write!(
                self.s,
                "<tspan x=\"{x:.1}\" dy=\"{dy:.1}\">{}</tspan>",
                xml_escape(l)
            );
        }
        let _ = writeln!(self.s, "</text>");
    }

    /// `text` reading upwards from `(x, y)`: turned a quarter left, its start at the point
    /// (so a column label stands above the column, its first letter just over the grid).
    fn text_up(&mut self, id: &str, x: f64, y: f64, text: &str, size: f64) {
        let _ = writeln!(
            self.s,
            "<text id=\"{}\" transform=\"translate({x:.1} {y:.1}) rotate(-90)\" font-size=\"{size}\" text-anchor=\"start\" fill=\"#000000\">{}</text>",
            xml_escape(id),
            xml_escape(text)
        );
    }

    fn raw(&mut self, s: &str) {
        self.s.push_str(s);
    }

    fn finish(mut self) -> String {
        self.s.push_str("</svg>\n");
        self.s
    }
}

/// A generous estimate of the width of `text` at `size` points, in points.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    text.chars().count() as f64 * size * if bold { 0.64 } else { 0.59 }
}

/// Wraps `text` into lines no wider than `width` at `size` (by [`text_width`]; a word too
/// long for a line is broken with a hyphen).
fn wrap(text: &str, width: f64, size: f64, bold: bool) -> Vec<String> {
    let per_char = text_width("x", size, bold);
    thematic_codebook::wrap_words(text, (width / per_char).floor() as usize)
}

/// The sequential blue scale of ColorBrewer (Blues, 9 classes): `t` 0 is nearly white, 1
/// dark blue, interpolated between the classes.
fn shade(t: f64) -> String {
    const STOPS: [(u8, u8, u8); 9] = [
        (0xf7, 0xfb, 0xff),
        (0xde, 0xeb, 0xf7),
        (0xc6, 0xdb, 0xef),
        (0x9e, 0xca, 0xe1),
        (0x6b, 0xae, 0xd6),
        (0x42, 0x92, 0xc6),
        (0x21, 0x71, 0xb5),
        (0x08, 0x51, 0x9c),
        (0x08, 0x30, 0x6b),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let at = t * (STOPS.len() - 1) as f64;
    let i = (at.floor() as usize).min(STOPS.len() - 2);
    let f = at - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// Text colour that reads on `shade(t)`.
fn ink(t: f64) -> &'static str {
    if t > 0.55 { "#ffffff" } else { "#000000" }
}

/// A legend: a colour ramp from 0 to `max`, named `what`, its top left at (`x`, `y`).
fn legend(svg: &mut Svg, x: f64, y: f64, what: &str, max: &str) {
    let w = 120.0;
    svg.raw("<defs><linearGradient id=\"ramp\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">");
    for k in 0..=8 {
        let t = f64::from(k) / 8.0;
        svg.raw(&format!(
            "<stop offset=\"{t:.3}\" stop-color=\"{}\"/>",
            shade(t)
        ));
    }
    svg.raw("</linearGradient></defs>\n");
    svg.text(
        "legend-label",
        x,
        y + 8.0,
        &[what.to_string()],
        8.0,
        "start",
        false,
        "#000000",
    );
    let bar_x = x + text_width(what, 8.0, false) + 6.0;
    svg.raw(&format!(
        "<rect id=\"legend\" x=\"{bar_x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"9\" fill=\"url(#ramp)\" stroke=\"#999999\" stroke-width=\"0.4\"/>\n"
    ));
    svg.text(
        "",
        bar_x - 2.0,
        y + 19.0,
        &["0".into()],
        7.0,
        "start",
        false,
        "#333333",
    );
    svg.text(
        "",
        bar_x + w + 2.0,
        y + 19.0,
        &[max.to_string()],
        7.0,
        "end",
        false,
        "#333333",
    );
}

#[cfg(test)]
mod tests;
