//! The figure as a PNG file: renders [`figure_ui`] off-screen at the spec's size and
//! scale and writes the image atomically.

use std::path::{Path, PathBuf};

use image::RgbaImage;

use super::render::{render_offscreen, RenderError};
use super::views::AppViews;
use super::{figure_ui, FigureSpec};
use whohosts_core::export::atomic::{write_atomically, Overwrite};
use whohosts_core::export::filter::ViewFilter;
use whohosts_core::export::ExportError;
use whohosts_core::snapshot::Snapshot;

/// The image size in pixels for a spec: points times scale, rounded.
pub fn pixel_size(spec: &FigureSpec) -> (u32, u32) {
    let px = |points: u32| (points as f32 * spec.scale).round().max(0.0) as u32;
    (px(spec.width), px(spec.height))
}

/// Renders the figure to an image of [`pixel_size`] pixels.
pub fn render_figure(snapshot: &Snapshot, filter: &ViewFilter, spec: &FigureSpec) -> Result<RgbaImage, RenderError> {
    let (width, height) = pixel_size(spec);
    let mut fonts_set = false;
    render_offscreen(width, height, spec.scale, spec.dark, |ui| {
        if !fonts_set {
            // Takes effect from the next pass; the settling passes come first.
            ui.ctx().set_fonts(super::paint::figure_fonts());
            fonts_set = true;
        }
        figure_ui(ui, snapshot, filter, spec);
    })
}

/// The title a figure gets when the user gave none.
pub fn default_title(capture_name: &str) -> String {
    format!("Who hosts the traffic in {capture_name}")
}

/// Renders the figure: what the CLI and the app's export window both call, so the same
/// settings give the same picture. (`_views` is kept for callers of the window's export; the
/// figure is drawn from its own scene, the same one the SVG and PDF are written from.)
pub fn render_figure_with(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    spec: &FigureSpec,
    _views: &mut AppViews,
) -> Result<RgbaImage, RenderError> {
    render_figure(snapshot, filter, spec)
}

/// Encodes `image` as PNG into `path`, atomically.
pub fn write_png(path: &Path, image: &RgbaImage, overwrite: Overwrite) -> Result<PathBuf, ExportError> {
    let mut encoded = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut encoded), image::ImageFormat::Png)
        .map_err(|e| ExportError::Io { path: path.to_path_buf(), reason: format!("PNG encoding: {e}") })?;
    Ok(write_atomically(path, overwrite, |w| w.write_all(&encoded))?)
}
