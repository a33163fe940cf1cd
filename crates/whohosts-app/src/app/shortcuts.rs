//! Keyboard shortcuts, turned into commands before any widget sees the keys.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::command::AppCommand;
use crate::file_dialog::Pick;

pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const OPEN_FOLDER: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers { shift: true, ..Modifiers::COMMAND }, Key::O);
pub const CLOSE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::W);
pub const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
pub const FIND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
pub const EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);

/// (keys, what they do) for the Help window.
pub const SHORTCUT_HELP: [(&str, &str); 9] = [
    ("Ctrl+O", "Open captures (several are read as one)"),
    ("Ctrl+Shift+O", "Open a folder of captures"),
    ("Ctrl+W", "Close the capture"),
    ("Ctrl+Q", "Quit"),
    ("Ctrl+F", "Filter flows"),
    ("Ctrl+E", "Export a figure or tables"),
    ("Esc", "Clear the selection and chips, then the time range"),
    ("↑ ↓", "Previous or next flow in the table"),
    ("Drop a file", "Open it"),
];

/// The commands the keys pressed this frame ask for. `dialog_open`: Esc closes the dialog.
pub fn shortcut_commands(ctx: &egui::Context, dialog_open: bool) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    // Esc in a text field leaves the field; only otherwise does it clear the selection.
    let esc_is_ours = !dialog_open && ctx.memory(|m| m.focused().is_none());
    ctx.input_mut(|i| {
        // The folder's shortcut first: Ctrl+O alone would take Ctrl+Shift+O too.
        if i.consume_shortcut(&OPEN_FOLDER) {
            commands.push(AppCommand::ShowOpenDialog(Pick::Folder));
        }
        if i.consume_shortcut(&OPEN) {
            commands.push(AppCommand::ShowOpenDialog(Pick::Files));
        }
        if i.consume_shortcut(&CLOSE) {
            commands.push(AppCommand::Close);
        }
        if i.consume_shortcut(&QUIT) {
            commands.push(AppCommand::Quit);
        }
        if i.consume_shortcut(&FIND) {
            commands.push(AppCommand::FocusFilter);
        }
        if i.consume_shortcut(&EXPORT) {
            commands.push(AppCommand::ShowExport);
        }
        if dialog_open && i.consume_key(Modifiers::NONE, Key::Escape) {
            commands.push(AppCommand::ShowAbout(false));
            commands.push(AppCommand::ShowShortcuts(false));
            commands.push(AppCommand::HideExport);
        } else if esc_is_ours && i.consume_key(Modifiers::NONE, Key::Escape) {
            commands.push(AppCommand::ClearSelectionOrRange);
        }
    });
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands_for(modifiers: Modifiers, key: Key) -> Vec<AppCommand> {
        let ctx = egui::Context::default();
        let mut input = egui::RawInput::default();
        input.events.push(egui::Event::ModifiersChanged(modifiers));
        input.events.push(egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers });
        let mut commands = Vec::new();
        let mut output = ctx.run_ui(input, |ui| commands = shortcut_commands(ui.ctx(), false));
        output.textures_delta.clear();
        commands
    }

    #[test]
    fn ctrl_o_opens_files_and_ctrl_shift_o_a_folder() {
        let ctrl = Modifiers { ctrl: true, command: true, ..Modifiers::NONE };
        assert_eq!(commands_for(ctrl, Key::O), vec![AppCommand::ShowOpenDialog(Pick::Files)]);
        let ctrl_shift = Modifiers { shift: true, ..ctrl };
        assert_eq!(commands_for(ctrl_shift, Key::O), vec![AppCommand::ShowOpenDialog(Pick::Folder)]);
    }
}
