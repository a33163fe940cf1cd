//! The figure as PDF: its SVG converted by `svg2pdf` (through `usvg`), with text kept as
//! text and the font embedded (DejaVu Sans, shipped with whohosts, the one the figure was
//! measured with; the system's fonts as fallback).

use super::svg::to_svg;
use super::FigureScene;

/// The PDF document's bytes, or why it could not be made.
pub fn to_pdf(scene: &FigureScene) -> Result<Vec<u8>, String> {
    let svg = to_svg(scene);
    let mut options = svg2pdf::usvg::Options::default();
    let fontdb = options.fontdb_mut();
    fontdb.load_font_data(super::paint::FIGURE_FONT.to_vec());
    fontdb.load_system_fonts();
    let tree = svg2pdf::usvg::Tree::from_str(&svg, &options).map_err(|e| e.to_string())?;
    svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), svg2pdf::PageOptions::default())
        .map_err(|e| e.to_string())
}
