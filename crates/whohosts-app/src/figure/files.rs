//! Writes the figure to files: PNG, SVG or PDF (chosen by the file's extension, or asked
//! for by name) and the layout dump as JSON. One scene is built per call and shared by every
//! format, so a PNG and an SVG of the same spec show the same figure.

use std::path::{Path, PathBuf};

use super::paint::EguiMeasure;
use super::render::RenderError;
use super::{build_figure, png, svg, FigureScene, FigureSpec};
use whohosts_core::export::atomic::{write_atomically, Overwrite};
use whohosts_core::export::filter::ViewFilter;
use whohosts_core::export::ExportError;
use whohosts_core::snapshot::Snapshot;

/// A figure file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureFormat {
    Png,
    Svg,
    Pdf,
}

impl FigureFormat {
    /// By the file's extension (case-insensitive); PNG when it has none or another one.
    pub fn of_path(path: &Path) -> FigureFormat {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("svg") => FigureFormat::Svg,
            Some("pdf") => FigureFormat::Pdf,
            _ => FigureFormat::Png,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Write(#[from] ExportError),
    #[error("{path}: PDF conversion failed: {reason}")]
    Pdf { path: PathBuf, reason: String },
}

/// The figure's scene measured with egui's font (what every format draws).
pub fn figure_scene(snapshot: &Snapshot, filter: &ViewFilter, spec: &FigureSpec) -> FigureScene {
    let measure = EguiMeasure::new();
    build_figure(snapshot, filter, spec, &|t, s| measure.width(t, s))
}

/// Writes the figure to `path` in `format`.
pub fn write_figure(
    path: &Path,
    format: FigureFormat,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    spec: &FigureSpec,
    overwrite: Overwrite,
) -> Result<PathBuf, FigureError> {
    match format {
        FigureFormat::Png => {
            let image = png::render_figure(snapshot, filter, spec)?;
            Ok(png::write_png(path, &image, overwrite)?)
        }
        FigureFormat::Svg => write_text(path, &svg::to_svg(&figure_scene(snapshot, filter, spec)), overwrite),
        FigureFormat::Pdf => {
            let scene = figure_scene(snapshot, filter, spec);
            let bytes =
                super::pdf::to_pdf(&scene).map_err(|reason| FigureError::Pdf { path: path.to_path_buf(), reason })?;
            Ok(write_atomically(path, overwrite, |w| w.write_all(&bytes)).map_err(ExportError::from)?)
        }
    }
}

/// Writes text (an SVG, a layout dump) atomically.
pub fn write_text(path: &Path, text: &str, overwrite: Overwrite) -> Result<PathBuf, FigureError> {
    Ok(write_atomically(path, overwrite, |w| w.write_all(text.as_bytes())).map_err(ExportError::from)?)
}
