//! `whohosts FILE --screenshot PATH`: once the capture is read and drawn, save the window as a
//! PNG and close. The outcome is shared with `main`, which turns it into the exit code.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::loading::{LoadState, OpenCapture};

/// Frames drawn after reading ended and the views were built before the picture is taken:
/// the first draws the finished views, the second whatever their sizes changed. Each costs
/// a software renderer tens of milliseconds.
const SETTLE_FRAMES: u32 = 2;

/// What happened: the PNG was written (with the reading error after which partial results
/// stood, if any), or why not. `None` until the job ended.
pub type Outcome = Option<Result<Option<String>, String>>;

pub struct ScreenshotJob {
    path: PathBuf,
    settled_frames: u32,
    requested: bool,
    outcome: Arc<Mutex<Outcome>>,
}

impl ScreenshotJob {
    pub fn new(path: PathBuf) -> ScreenshotJob {
        ScreenshotJob { path, settled_frames: 0, requested: false, outcome: Arc::default() }
    }

    pub fn outcome(&self) -> Outcome {
        self.outcome.lock().map(|o| o.clone()).unwrap_or_else(|e| e.into_inner().clone())
    }

    /// The shared outcome, for the caller to read after the window closed.
    pub fn outcome_handle(&self) -> Arc<Mutex<Outcome>> {
        self.outcome.clone()
    }

    /// Called every frame; asks for the picture once reading ended and the frame settled.
    pub fn step(&mut self, ctx: &egui::Context, capture: Option<&OpenCapture>, views_building: bool) {
        if self.requested {
            return;
        }
        let Some(capture) = capture else {
            ctx.request_repaint();
            return;
        };
        match &capture.state {
            // The reader wakes the window (a few times a second); drawing more often only
            // costs (under a software renderer, most of the time a screenshot takes).
            LoadState::Reading { .. } => {}
            LoadState::Failed => {
                let message =
                    capture.error.clone().unwrap_or_else(|| format!("{}: could not be read", capture.file_name()));
                self.finish(ctx, Err(message));
            }
            LoadState::Done | LoadState::Cancelled if views_building => {
                // The worker wakes the window when it is done; frames meanwhile only take
                // its cores (this one is a fallback).
                self.settled_frames = 0;
                ctx.request_repaint_after(std::time::Duration::from_millis(500));
            }
            LoadState::Done | LoadState::Cancelled => {
                ctx.request_repaint();
                self.settled_frames += 1;
                if self.settled_frames >= SETTLE_FRAMES {
                    self.requested = true;
                    let path = self.path.clone();
                    let outcome = self.outcome.clone();
                    let close = ctx.clone();
                    let warning = capture.error.clone();
                    ctx.request_screenshot(move |image| {
                        let result = save_png(&image, &path).map(|()| warning);
                        if let Ok(mut slot) = outcome.lock() {
                            *slot = Some(result);
                        }
                        close.send_viewport_cmd(egui::ViewportCommand::Close);
                        close.request_repaint();
                    });
                }
            }
        }
    }

    fn finish(&mut self, ctx: &egui::Context, result: Result<Option<String>, String>) {
        self.requested = true;
        if let Ok(mut slot) = self.outcome.lock() {
            *slot = Some(result);
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

/// Writes an egui image as an 8-bit RGBA PNG.
pub fn save_png(image: &egui::ColorImage, path: &Path) -> Result<(), String> {
    let [width, height] = image.size;
    let pixels: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_srgba_unmultiplied()).collect();
    let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(format!("{}: image too large", path.display()));
    };
    let buffer = image::RgbaImage::from_raw(width, height, pixels)
        .ok_or_else(|| format!("{}: image size does not match its pixels", path.display()))?;
    buffer.save_with_format(path, image::ImageFormat::Png).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_round_trips() {
        let image = egui::ColorImage::new([3, 2], vec![egui::Color32::from_rgb(10, 20, 30); 6]);
        let path = std::env::temp_dir().join(format!("whohosts-shot-{}.png", std::process::id()));
        save_png(&image, &path).unwrap();
        let back = image::open(&path).unwrap().to_rgba8();
        assert_eq!(back.dimensions(), (3, 2));
        assert_eq!(back.get_pixel(2, 1).0, [10, 20, 30, 255]);
        let _ = std::fs::remove_file(path);
    }
}
