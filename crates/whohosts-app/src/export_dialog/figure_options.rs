//! The export dialog's figure options: title, subtitle, caption, size, text size, owner
//! colours and folds, scale and theme, as a form, and the `FigureSpec` they make.

use egui::DragValue;

use crate::figure::png;
use crate::figure::{FigureSpec, View};

/// What the user chose for an exported figure.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureOptions {
    pub title: String,
    pub subtitle: String,
    /// The author's words for the caption's first line.
    pub caption: String,
    /// Text size relative to the default.
    pub font_scale: f32,
    /// Owners with a colour of their own; 0: decided from the data.
    pub max_coloured: usize,
    /// Owners always folded into "Other ASes", comma-separated.
    pub fold: String,
    /// Colours chosen for owners: "OWNER=#RRGGBB", comma-separated.
    pub colours: String,
    /// Figure size in points.
    pub width: u32,
    pub height: u32,
    /// Pixels per point, 1 to 4.
    pub scale: u32,
    pub dark: bool,
}

impl Default for FigureOptions {
    fn default() -> Self {
        let spec = FigureSpec::default();
        FigureOptions {
            title: String::new(),
            subtitle: String::new(),
            caption: String::new(),
            font_scale: spec.font_scale,
            max_coloured: 0,
            fold: String::new(),
            colours: String::new(),
            width: spec.width,
            height: spec.height,
            scale: spec.scale.round() as u32,
            dark: spec.dark,
        }
    }
}

impl FigureOptions {
    /// The figure's fields, as a two-column form.
    pub fn settings_ui(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("export_figure_settings").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            let label = ui.label("Figure title");
            ui.add(egui::TextEdit::singleline(&mut self.title).desired_width(360.0)).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Subtitle");
            ui.add(egui::TextEdit::singleline(&mut self.subtitle).desired_width(360.0)).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Caption");
            ui.add(egui::TextEdit::multiline(&mut self.caption).desired_rows(2).desired_width(360.0))
                .labelled_by(label.id);
            ui.end_row();
            ui.label("Size (points)");
            ui.horizontal(|ui| {
                ui.add(DragValue::new(&mut self.width).range(200..=4000).suffix(" wide"));
                ui.label("×");
                ui.add(DragValue::new(&mut self.height).range(150..=4000).suffix(" high"));
                for (name, w, h) in crate::figure::PRESETS {
                    if ui.small_button(name).on_hover_text(format!("{w} × {h} points")).clicked() {
                        (self.width, self.height) = (w, h);
                    }
                }
            });
            ui.end_row();
            let label = ui.label("Text size");
            ui.add(DragValue::new(&mut self.font_scale).range(0.5..=3.0).speed(0.05).suffix("×")).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Coloured owners");
            ui.horizontal(|ui| {
                ui.add(DragValue::new(&mut self.max_coloured).range(0..=12)).labelled_by(label.id);
                ui.weak(if self.max_coloured == 0 {
                    "from the data; the rest fold into \"Other ASes\"".to_string()
                } else {
                    format!("the largest {}; the rest fold into \"Other ASes\"", self.max_coloured)
                });
            });
            ui.end_row();
            let label = ui.label("Fold owners");
            ui.add(
                egui::TextEdit::singleline(&mut self.fold).hint_text("AS15133 Edgecast, Akamai").desired_width(360.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Owner colours");
            ui.add(
                egui::TextEdit::singleline(&mut self.colours)
                    .hint_text("Apple=#222222, AS8075 Microsoft=#7F3C8D")
                    .desired_width(360.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("Scale");
            ui.horizontal(|ui| {
                for scale in 1..=4 {
                    ui.selectable_value(&mut self.scale, scale, format!("{scale}x"));
                }
                let (w, h) = (self.width.saturating_mul(self.scale), self.height.saturating_mul(self.scale));
                ui.weak(format!("{w} × {h} px"));
            });
            ui.end_row();
            ui.label("Theme");
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.dark, false, "Light (print)");
                ui.radio_value(&mut self.dark, true, "Dark");
            });
            ui.end_row();
        });
    }

    /// The figure to draw `view` of capture `capture_name` with `sources` named in its
    /// caption: the same fields `whohosts export --png` fills from its flags.
    pub fn spec(&self, view: View, capture_name: String, sources: Vec<String>) -> FigureSpec {
        let title = self.title.trim();
        FigureSpec {
            view,
            width: self.width,
            height: self.height,
            scale: self.scale.clamp(1, 4) as f32,
            dark: self.dark,
            title: if title.is_empty() { png::default_title(&capture_name) } else { title.to_string() },
            subtitle: self.subtitle.trim().to_string(),
            caption: self.caption.trim().to_string(),
            capture_name,
            sources,
            font_scale: self.font_scale,
            palette: crate::palette::PaletteOptions {
                max_coloured: (self.max_coloured > 0).then_some(self.max_coloured),
                fold: self.fold.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
                overrides: parse_colours(&self.colours),
                room: None,
            },
        }
    }
}

/// "OWNER=#RRGGBB, OWNER=#RRGGBB" as colour choices; entries that do not parse are skipped.
pub fn parse_colours(text: &str) -> Vec<(String, crate::palette::Rgb)> {
    text.split(',')
        .filter_map(|entry| {
            let (owner, hex) = entry.rsplit_once('=')?;
            let hex = hex.trim().trim_start_matches('#');
            let byte = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
            let rgb = crate::palette::Rgb(byte(0)?, byte(2)?, byte(4)?);
            (hex.len() == 6 && !owner.trim().is_empty()).then(|| (owner.trim().to_string(), rgb))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_colours_parse_and_bad_entries_are_skipped() {
        let parsed = parse_colours("Apple=#222222, AS8075 Microsoft = 7f3c8d, nonsense, X=#12");
        assert_eq!(
            parsed,
            vec![
                ("Apple".to_string(), crate::palette::Rgb(0x22, 0x22, 0x22)),
                ("AS8075 Microsoft".to_string(), crate::palette::Rgb(0x7F, 0x3C, 0x8D)),
            ]
        );
    }
}
