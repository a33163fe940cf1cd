//! The menu bar: File (open, recent, export, quit), Capture (live), View (theme, graph layout), Help.

use std::path::PathBuf;

use egui::containers::menu::{MenuButton, MenuConfig};
use egui::PopupCloseBehavior;

use crate::app::command::AppCommand;
use crate::file_dialog::Pick;
use crate::settings::{GraphLayout, Settings};

#[must_use]
pub fn menu_bar_ui(
    ui: &mut egui::Ui,
    settings: &Settings,
    has_capture: bool,
    path_input: &mut String,
) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        // Clicks inside the File menu leave it open (the path field needs them); its buttons
        // close it themselves.
        let stays_open = MenuConfig::new().close_behavior(PopupCloseBehavior::CloseOnClickOutside);
        MenuButton::new("File").config(stays_open).ui(ui, |ui| {
            let open = ui.add(egui::Button::new("Open…").shortcut_text("Ctrl+O"));
            if open.on_hover_text("Captures or Zeek logs; several files are read as one").clicked() {
                commands.push(AppCommand::ShowOpenDialog(Pick::Files));
                ui.close();
            }
            let folder = ui.add(egui::Button::new("Open folder…").shortcut_text("Ctrl+Shift+O"));
            if folder.on_hover_text("Every capture (or Zeek log) in a folder, read as one").clicked() {
                commands.push(AppCommand::ShowOpenDialog(Pick::Folder));
                ui.close();
            }
            let browse = ui.button("Browse in window…");
            if browse
                .on_hover_text("whohosts' own file browser: Ctrl+click picks several, a folder opens whole")
                .clicked()
            {
                commands.push(AppCommand::ShowFileBrowser(Pick::Files));
                ui.close();
            }
            ui.menu_button("Open recent", |ui| {
                if settings.recent_files.is_empty() {
                    ui.weak("No recent files");
                }
                for path in &settings.recent_files {
                    if ui.button(path.display().to_string()).clicked() {
                        commands.push(AppCommand::Open(path.clone()));
                        ui.close();
                    }
                }
                if !settings.recent_files.is_empty() {
                    ui.separator();
                    if ui.button("Forget recent files").clicked() {
                        commands.push(AppCommand::ForgetRecentFiles);
                        ui.close();
                    }
                }
            });
            ui.horizontal(|ui| {
                if let Some(path) = path_field_ui(ui, path_input) {
                    commands.push(AppCommand::Open(path));
                    ui.close();
                }
            });
            ui.separator();
            let export = ui.add_enabled(has_capture, egui::Button::new("Export…").shortcut_text("Ctrl+E"));
            if export.on_disabled_hover_text("Open a capture first").clicked() {
                commands.push(AppCommand::ShowExport);
                ui.close();
            }
            if ui.add_enabled(has_capture, egui::Button::new("Close").shortcut_text("Ctrl+W")).clicked() {
                commands.push(AppCommand::Close);
                ui.close();
            }
            ui.separator();
            if ui.add(egui::Button::new("Quit").shortcut_text("Ctrl+Q")).clicked() {
                commands.push(AppCommand::Quit);
                ui.close();
            }
        });
        ui.menu_button("Capture", |ui| {
            if ui.button("Live capture…").clicked() {
                commands.push(AppCommand::Live(crate::app::command::LiveAction::ShowPicker));
            }
        });
        ui.menu_button("View", |ui| {
            if ui.radio(!settings.dark, "Light theme").clicked() {
                commands.push(AppCommand::SetDark(false));
            }
            if ui.radio(settings.dark, "Dark theme").clicked() {
                commands.push(AppCommand::SetDark(true));
            }
            ui.separator();
            if ui.radio(settings.graph_layout == GraphLayout::Layered, "Layered graph layout").clicked() {
                commands.push(AppCommand::SetGraphLayout(GraphLayout::Layered));
            }
            if ui.radio(settings.graph_layout == GraphLayout::Force, "Force graph layout").clicked() {
                commands.push(AppCommand::SetGraphLayout(GraphLayout::Force));
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Keyboard shortcuts").clicked() {
                commands.push(AppCommand::ShowShortcuts(true));
            }
            if ui.button("About whohosts").clicked() {
                commands.push(AppCommand::ShowAbout(true));
            }
        });
    });
    commands
}

/// The accessible label of the path field (tests find it by this).
pub const PATH_LABEL: &str = "Capture path";

/// A path field with an Open button, for systems without a file dialog. Returns the path to
/// open when the user pressed Enter or Open.
pub fn path_field_ui(ui: &mut egui::Ui, path_input: &mut String) -> Option<PathBuf> {
    let label = ui.label(PATH_LABEL);
    let response = ui
        .add(egui::TextEdit::singleline(path_input).hint_text("/path/to/capture.pcap").desired_width(320.0))
        .labelled_by(label.id);
    let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let clicked = ui.add_enabled(!path_input.trim().is_empty(), egui::Button::new("Open")).clicked();
    let path = path_input.trim();
    ((entered || clicked) && !path.is_empty()).then(|| PathBuf::from(path))
}
