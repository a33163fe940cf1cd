//! Paints a [`FigureScene`] with egui: the PNG export (off-screen) and the window's preview
//! draw the figure this way. Text is laid out with the same font the scene was measured with
//! ([`EguiMeasure`]).

use egui::{Align2, Color32, FontId, Pos2, Stroke};

use super::scene::{Anchor, FigureScene, Item};
use crate::palette::Rgb;

fn colour(c: Rgb, opacity: f32) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2).gamma_multiply(opacity.clamp(0.0, 1.0))
}

/// Paints `scene` with its top-left corner at `origin` (points).
pub fn paint_scene(painter: &egui::Painter, origin: Pos2, scene: &FigureScene) {
    let at = |p: (f32, f32)| origin + egui::vec2(p.0, p.1);
    let full = egui::Rect::from_min_size(origin, egui::vec2(scene.width, scene.height));
    painter.rect_filled(full, 0.0, colour(scene.background, 1.0));
    for item in &scene.items {
        match item {
            Item::Rect { bounds, fill, opacity, stroke } => {
                let rect = egui::Rect::from_min_size(at((bounds.x, bounds.y)), egui::vec2(bounds.w, bounds.h));
                painter.rect_filled(rect, 1.0, colour(*fill, *opacity));
                if let Some((c, w)) = stroke {
                    painter.rect_stroke(rect, 1.0, Stroke::new(*w, colour(*c, 1.0)), egui::StrokeKind::Inside);
                }
            }
            Item::Band { top, bottom, fill, opacity } => {
                let c = colour(*fill, *opacity);
                let mut mesh = egui::Mesh::default();
                for (s, (t, b)) in top.iter().zip(bottom).enumerate() {
                    mesh.colored_vertex(at(*t), c);
                    mesh.colored_vertex(at(*b), c);
                    if s > 0 {
                        let base = 2 * s as u32;
                        mesh.add_triangle(base - 2, base - 1, base);
                        mesh.add_triangle(base - 1, base + 1, base);
                    }
                }
                painter.add(egui::Shape::mesh(mesh));
            }
            Item::Line { points, colour: c, width, opacity } => {
                painter.add(egui::Shape::line(
                    points.iter().map(|p| at(*p)).collect(),
                    Stroke::new(*width, colour(*c, *opacity)),
                ));
            }
            Item::Text(t) => {
                let align = if t.anchor == Anchor::End { Align2::RIGHT_TOP } else { Align2::LEFT_TOP };
                painter.text(at((t.x, t.y)), align, &t.text, FontId::proportional(t.size), colour(t.colour, 1.0));
            }
        }
    }
}

/// The figure's font: DejaVu Sans, shipped in assets, so that the PNG, the SVG (which names
/// it; most systems have it) and the PDF (which embeds it) have the same text widths.
pub const FIGURE_FONT: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
const FIGURE_FONT_NAME: &str = "DejaVu Sans";

/// egui's fonts with DejaVu Sans first for proportional text.
pub fn figure_fonts() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(FIGURE_FONT_NAME.to_owned(), std::sync::Arc::new(egui::FontData::from_static(FIGURE_FONT)));
    fonts.families.entry(egui::FontFamily::Proportional).or_default().insert(0, FIGURE_FONT_NAME.to_owned());
    fonts
}

/// Text widths with the figure's font, as the PNG draws it.
pub struct EguiMeasure {
    ctx: egui::Context,
}

impl EguiMeasure {
    pub fn new() -> Self {
        let ctx = egui::Context::default();
        ctx.set_fonts(figure_fonts());
        // One pass loads the fonts.
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        // Nothing is painted from this context: the font atlas's deltas are not needed.
        output.textures_delta.clear();
        EguiMeasure { ctx }
    }

    /// With the fonts of an existing context (one that uses [`figure_fonts`]).
    pub fn of(ctx: &egui::Context) -> Self {
        EguiMeasure { ctx: ctx.clone() }
    }

    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.ctx.fonts_mut(|f| f.layout_no_wrap(text.to_owned(), FontId::proportional(size), Color32::WHITE).size().x)
    }
}

impl Default for EguiMeasure {
    fn default() -> Self {
        Self::new()
    }
}
