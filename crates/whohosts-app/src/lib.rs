//! The desktop app (eframe/egui): the window, its views and the figure renderer. Reads only
//! `Snapshot`s from whohosts-core and drives a background `Session`; the core never imports egui.
//!
//! `app` owns the window's state and splits its work by job; the panels (menu, flow table,
//! inspector, status bar, welcome screen, about box) are functions that draw and return
//! commands. The graph, timeline and theme modules belong to the views.

pub mod about;
pub mod app;
pub mod export_dialog;
pub mod export_job;
pub mod figure;
pub mod file_browser;
pub mod file_dialog;
pub mod flow_table;
pub mod format;
pub mod graph;
pub mod inspector;
pub mod interface_picker;
pub mod live_panel;
pub mod loading;
pub mod menu;
pub mod palette;
pub mod renderer;
pub mod save_dialog;
pub mod screenshot;
pub mod settings;
pub mod status_bar;
pub mod theme;
pub mod timeline_view;
pub mod view_command;
pub mod welcome;

#[cfg(test)]
mod views_tests;

use std::sync::{Arc, Mutex};

pub use app::{Launch, WhohostsApp};

/// Opens the window and runs until it closes. With `launch.screenshot`, returns an error
/// when the capture could not be read or the picture could not be saved, and the reading
/// error after which partial results stood (a truncated file) as `Ok(Some(warning))`.
pub fn run_window(launch: Launch) -> Result<Option<String>, String> {
    let (width, height) = launch.window_size.unwrap_or((1280, 800));
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("whohosts")
        .with_inner_size([width as f32, height as f32])
        .with_min_inner_size([640.0, 480.0]);
    if launch.window_size.is_some() {
        // An asked-for size is kept, not replaced by the remembered one.
        viewport = viewport.with_position([0.0, 0.0]);
    }
    let options = eframe::NativeOptions {
        viewport: viewport.with_drag_and_drop(true).with_app_id("whohosts"),
        persist_window: launch.screenshot.is_none() && launch.window_size.is_none(),
        ..Default::default()
    };
    let wants_screenshot = launch.screenshot.is_some();
    // The app's screenshot job reports through this handle once the window has closed.
    let handle: Arc<Mutex<Option<Arc<Mutex<screenshot::Outcome>>>>> = Arc::default();
    let handle_in_app = handle.clone();
    let renderer = renderer::chosen();
    eframe::run_native(
        "whohosts",
        eframe::NativeOptions { renderer, ..options },
        Box::new(move |cc| {
            let app = WhohostsApp::new(cc, launch);
            if let Ok(mut slot) = handle_in_app.lock() {
                *slot = app.screenshot_outcome_handle();
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| match e {
        // No display to open a window on: no renderer would help.
        eframe::Error::Winit(_) | eframe::Error::WinitEventLoop(_) => format!("could not open the window: {e}"),
        _ => format!("could not open the window: {e} ({})", renderer::other_renderer_hint(renderer)),
    })?;
    if !wants_screenshot {
        return Ok(None);
    }
    let outcome = handle.lock().ok().and_then(|slot| slot.as_ref().and_then(|o| o.lock().ok().and_then(|o| o.clone())));
    outcome.unwrap_or_else(|| Err("the window closed before the screenshot was taken".to_string()))
}
