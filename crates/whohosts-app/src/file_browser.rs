//! The in-window file browser (egui_file), for systems where no native dialog shows up (no
//! desktop portal, no zenity) and for anyone who asks for it: opening always works. Picks
//! several files (read as one) or a folder, like the native dialog.

use std::path::{Path, PathBuf};

use crate::app::command::AppCommand;
use crate::file_dialog::Pick;

/// The browser window's title.
pub const BROWSER_TITLE: &str = "Open a capture";
/// The browser window's title when it picks a folder.
pub const FOLDER_BROWSER_TITLE: &str = "Open a folder of captures";
/// The browser's "show hidden files" switch (tests find the browser by it).
pub const HIDDEN_FILES_LABEL: &str = "Show hidden files";

#[derive(Default)]
pub struct FileBrowser {
    dialog: Option<egui_file::FileDialog>,
}

impl FileBrowser {
    pub fn is_open(&self) -> bool {
        self.dialog.as_ref().is_some_and(egui_file::FileDialog::visible)
    }

    /// Shows the browser in `start` (a folder, or a file whose folder is shown): for files,
    /// several may be picked (Ctrl+click, Shift+click) and a selected folder opens whole;
    /// for a folder, the one selected or shown.
    pub fn open(&mut self, start: &Path, pick: Pick) {
        let dialog = match pick {
            Pick::Files => egui_file::FileDialog::open_file().multi_select(true).title(BROWSER_TITLE),
            Pick::Folder => egui_file::FileDialog::select_folder().title(FOLDER_BROWSER_TITLE),
        };
        let mut dialog = dialog
            .initial_path(start)
            .default_size([640.0, 420.0])
            .show_new_folder(false)
            .show_rename(false)
            .show_hidden_checkbox_text(HIDDEN_FILES_LABEL.into());
        dialog.open();
        self.dialog = Some(dialog);
    }

    /// Draws the browser while it is open; what to open once something was chosen.
    #[must_use]
    pub fn window_ui(&mut self, ctx: &egui::Context) -> Option<AppCommand> {
        let dialog = self.dialog.as_mut()?;
        let picked = if dialog.show(ctx).selected() { picked_paths(dialog) } else { Vec::new() };
        if !dialog.visible() {
            self.dialog = None;
        }
        (!picked.is_empty()).then_some(AppCommand::OpenMany(picked))
    }
}

/// What was picked: the files (and folders) selected, or the one double-clicked or typed.
fn picked_paths(dialog: &egui_file::FileDialog) -> Vec<PathBuf> {
    let selected: Vec<PathBuf> = if dialog.has_multi_select() {
        dialog.selection().into_iter().map(Path::to_path_buf).collect()
    } else {
        Vec::new()
    };
    if selected.is_empty() {
        dialog.path().map(Path::to_path_buf).into_iter().collect()
    } else {
        selected
    }
}

/// Where the browser starts: the open capture's folder, else the newest recent file's, else
/// the working directory.
pub fn start_folder(open: Option<&Path>, recent: &[PathBuf]) -> PathBuf {
    open.or(recent.first().map(PathBuf::as_path))
        .and_then(Path::parent)
        .filter(|p| p.is_dir())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}
