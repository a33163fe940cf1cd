//! The start screen shown when no capture is open: open and live capture buttons, path
//! field, recent files.

use egui::RichText;

use crate::app::command::AppCommand;
use crate::file_dialog::Pick;
use crate::menu::path_field_ui;

#[must_use]
pub fn welcome_ui(
    ui: &mut egui::Ui,
    recent: &[std::path::PathBuf],
    path_input: &mut String,
    no_dialog: bool,
) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.18).max(24.0));
        ui.label(RichText::new("whohosts").size(34.0).strong());
        ui.label(RichText::new("Who really hosts what this machine talks to?").size(16.0).weak());
        ui.add_space(24.0);
        let open = egui::Button::new(RichText::new("Open a capture…").size(16.0)).min_size(egui::vec2(200.0, 36.0));
        if ui.add(open).on_hover_text("Ctrl+O · several files are read as one").clicked() {
            commands.push(AppCommand::ShowOpenDialog(Pick::Files));
        }
        ui.add_space(6.0);
        let live =
            egui::Button::new(RichText::new("Start a live capture…").size(16.0)).min_size(egui::vec2(200.0, 36.0));
        if ui.add(live).on_hover_text("Capture on a network interface").clicked() {
            commands.push(AppCommand::Live(crate::app::command::LiveAction::ShowPicker));
        }
        if ui.link("Browse in this window…").on_hover_text("whohosts' own file browser").clicked() {
            commands.push(AppCommand::ShowFileBrowser(Pick::Files));
        }
        if no_dialog {
            ui.add_space(6.0);
            ui.label(
                RichText::new("No file dialog is available on this system: type the path below or drop the file here.")
                    .color(ui.visuals().warn_fg_color),
            );
        }
        ui.add_space(16.0);
        ui.weak("or type a path");
        ui.add_space(4.0);
        // Centre the path row: its width is known only roughly, so lay it out in a fixed box.
        let width = 520.0_f32.min(ui.available_width());
        ui.allocate_ui(egui::vec2(width, 28.0), |ui| {
            ui.horizontal(|ui| {
                if let Some(path) = path_field_ui(ui, path_input) {
                    commands.push(AppCommand::Open(path));
                }
            });
        });
        ui.add_space(6.0);
        ui.weak("or drop a pcap / pcapng file anywhere on this window");
        if !recent.is_empty() {
            ui.add_space(28.0);
            ui.label(RichText::new("Recent captures").strong());
            ui.add_space(4.0);
            for path in recent {
                let name =
                    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
                if ui.link(name).on_hover_text(path.display().to_string()).clicked() {
                    commands.push(AppCommand::Open(path.clone()));
                }
            }
        }
    });
    commands
}
