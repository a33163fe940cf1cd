//! Writes a [`FigureScene`] as SVG text: rectangles, ribbons as closed paths, text as
//! `<text>` (selectable and searchable), the font named (DejaVu Sans, the font the figure
//! is measured and rendered with, then Verdana, its look-alike, then any sans-serif). Sizes in points map one to one to SVG user units.

use std::fmt::Write;

use super::scene::{Anchor, FigureScene, Item};

/// The font stack the SVG names.
pub const FONT_FAMILY: &str = "'DejaVu Sans', Verdana, sans-serif";
/// Where a line's baseline sits below its top, as a share of the font size (DejaVu's ascent).
const BASELINE: f32 = 0.93;

/// The SVG document.
pub fn to_svg(scene: &FigureScene) -> String {
    let mut out = String::new();
    let (w, h) = (scene.width, scene.height);
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{}">"#,
        escape(FONT_FAMILY)
    );
    let _ = writeln!(out, r#"<rect x="0" y="0" width="{w}" height="{h}" fill="{}"/>"#, scene.background.hex());
    for item in &scene.items {
        match item {
            Item::Rect { bounds, fill, opacity, stroke } => {
                let _ = write!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}"#,
                    num(bounds.x),
                    num(bounds.y),
                    num(bounds.w),
                    num(bounds.h),
                    fill.hex(),
                    opacity_attr("fill-opacity", *opacity)
                );
                if let Some((c, sw)) = stroke {
                    let _ = write!(out, r#" stroke="{}" stroke-width="{}""#, c.hex(), num(*sw));
                }
                out.push_str("/>\n");
            }
            Item::Band { top, bottom, fill, opacity } => {
                let mut d = String::new();
                for (i, p) in top.iter().enumerate() {
                    let _ = write!(d, "{}{} {} ", if i == 0 { "M" } else { "L" }, num(p.0), num(p.1));
                }
                for p in bottom.iter().rev() {
                    let _ = write!(d, "L{} {} ", num(p.0), num(p.1));
                }
                d.push('Z');
                let _ =
                    writeln!(out, r#"<path d="{d}" fill="{}"{}/>"#, fill.hex(), opacity_attr("fill-opacity", *opacity));
            }
            Item::Line { points, colour, width, opacity } => {
                let pts: Vec<String> = points.iter().map(|p| format!("{},{}", num(p.0), num(p.1))).collect();
                let _ = writeln!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"{}/>"#,
                    pts.join(" "),
                    colour.hex(),
                    num(*width),
                    opacity_attr("stroke-opacity", *opacity)
                );
            }
            Item::Text(t) => {
                let anchor = if t.anchor == Anchor::End { r#" text-anchor="end""# } else { "" };
                let _ = writeln!(
                    out,
                    r#"<text x="{}" y="{}" font-size="{}" fill="{}"{anchor} xml:space="preserve">{}</text>"#,
                    num(t.x),
                    num(t.y + t.size * BASELINE),
                    num(t.size),
                    t.colour.hex(),
                    escape(&t.text)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

/// Parses an SVG document with a strict XML and SVG parser (usvg); returns its size.
pub fn parse_size(text: &str) -> Result<(f32, f32), String> {
    let tree = svg2pdf::usvg::Tree::from_str(text, &svg2pdf::usvg::Options::default()).map_err(|e| e.to_string())?;
    Ok((tree.size().width(), tree.size().height()))
}

fn opacity_attr(name: &str, opacity: f32) -> String {
    if opacity >= 1.0 {
        String::new()
    } else {
        format!(r#" {name}="{}""#, num(opacity))
    }
}

/// A coordinate with at most two decimals, no "-0".
fn num(v: f32) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

/// XML text and attribute escaping.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::scene::{BoxF, LayoutDump, TextRun};
    use crate::palette::Rgb;

    #[test]
    fn text_stays_text_and_is_escaped() {
        let run = TextRun {
            text: "AT&T <AS7018>".into(),
            x: 10.0,
            y: 20.0,
            size: 12.0,
            colour: Rgb::grey(20),
            anchor: Anchor::End,
            bold: false,
            bounds: BoxF::default(),
            role: "node",
        };
        let scene = FigureScene {
            width: 100.0,
            height: 50.0,
            background: Rgb::grey(255),
            items: vec![Item::Text(run)],
            dump: LayoutDump::default(),
        };
        let svg = to_svg(&scene);
        assert!(svg.contains(r#"text-anchor="end""#));
        assert!(svg.contains(">AT&amp;T &lt;AS7018&gt;</text>"), "{svg}");
        assert!(svg.contains(r#"viewBox="0 0 100 50""#));
    }
}
