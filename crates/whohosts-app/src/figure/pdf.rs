//! The figure as PDF: its SVG converted by `svg2pdf` (through `usvg`), with text kept as
//! text and the font embedded (egui's own font, the one the figure was measured with, and
//! the system's fonts as fallback).

use super::svg::to_svg;
use super::FigureScene;

/// The PDF document's bytes, or why it could not be made.
pub fn to_pdf(scene: &FigureScene) -> Result<Vec<u8>, String> {
    let svg = to_svg(scene);
    let mut options = svg2pdf::usvg::Options::default();
    let fontdb = options.fontdb_mut();
    fontdb.load_system_fonts();
    for data in egui_font_bytes() {
        fontdb.load_font_data(data);
    }
    let tree = svg2pdf::usvg::Tree::from_str(&svg, &options).map_err(|e| e.to_string())?;
    svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), svg2pdf::PageOptions::default())
        .map_err(|e| e.to_string())
}

/// The proportional fonts egui draws the PNG with.
fn egui_font_bytes() -> Vec<Vec<u8>> {
    let definitions = egui::FontDefinitions::default();
    let proportional = definitions.families.get(&egui::FontFamily::Proportional).cloned().unwrap_or_default();
    proportional
        .iter()
        .filter_map(|name| definitions.font_data.get(name))
        .map(|data| (*data.font).as_ref().to_vec())
        .collect()
}
