//! The About box (what whohosts is, where its data comes from, under which licences) and the
//! keyboard shortcuts window.

use crate::app::command::AppCommand;
use whohosts_core::providers::{Dataset, ASN_DATA_ATTRIBUTION, CLOUD_DATA_ATTRIBUTION};

/// Where names come from: the capture alone.
pub const ABOUT_NAMES: &str = "Names are learned from the capture itself (DNS answers with their \
CNAME chains, TLS and QUIC SNI, HTTP Host); whohosts makes no network request.";

#[must_use]
pub fn about_window_ui(ctx: &egui::Context, datasets: &[Dataset]) -> Option<AppCommand> {
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
            for d in datasets {
                let origin = if d.user_loaded { "loaded by you" } else { "shipped" };
                ui.label(format!(
                    "{} ({origin}): {}, data of {}, {}, {} prefixes",
                    d.name, d.source, d.date, d.licence, d.prefixes
                ));
            }
            ui.add_space(4.0);
            ui.label(CLOUD_DATA_ATTRIBUTION);
            ui.label(ASN_DATA_ATTRIBUTION);
            ui.label(ABOUT_NAMES);
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
                for (keys, what) in crate::app::SHORTCUT_HELP {
                    ui.monospace(keys);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
    (!open).then_some(AppCommand::ShowShortcuts(false))
}
