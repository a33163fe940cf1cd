//! The About box (what whohosts is, where its data comes from, under which licences) and the
//! keyboard shortcuts window.

use crate::ui::app::AppCommand;

/// Data sources, their dates and licences. Filled in by the lead with the shipped range data.
pub const ABOUT_DATA: &str = "\
Provider ranges: (to be filled in: source, date, licence for each range file)\n\
AS numbers and names: (to be filled in: source, date, licence)\n\
Names are learned from the capture itself (DNS answers, TLS/QUIC SNI, HTTP Host).";

#[must_use]
pub fn about_window_ui(ctx: &egui::Context) -> Option<AppCommand> {
    let mut open = true;
    egui::Window::new("About whohosts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .default_width(420.0)
        .show(ctx, |ui| {
            ui.heading(format!("whohosts {}", env!("CARGO_PKG_VERSION")));
            ui.label(env!("CARGO_PKG_DESCRIPTION"));
            ui.add_space(8.0);
            ui.label(egui::RichText::new("Data").strong());
            ui.label(ABOUT_DATA);
            ui.add_space(8.0);
            ui.weak(format!("Licence: {}", env!("CARGO_PKG_LICENSE")));
        });
    (!open).then_some(AppCommand::ShowAbout(false))
}

#[must_use]
pub fn shortcuts_window_ui(ctx: &egui::Context) -> Option<AppCommand> {
    let mut open = true;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts").num_columns(2).spacing([24.0, 6.0]).show(ui, |ui| {
                for (keys, what) in crate::ui::app::SHORTCUT_HELP {
                    ui.monospace(keys);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
    (!open).then_some(AppCommand::ShowShortcuts(false))
}
