//! The in-window file browser (egui_file), for systems where no native dialog shows up (no
//! desktop portal, no zenity) and for anyone who asks for it: opening always works.

use std::path::{Path, PathBuf};

use crate::app::command::AppCommand;

/// The browser window's title.
pub const BROWSER_TITLE: &str = "Open a capture";
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

    /// Shows the browser in `start` (a folder, or a file whose folder is shown).
    pub fn open(&mut self, start: &Path) {
        let mut dialog = egui_file::FileDialog::open_file()
            .initial_path(start)
            .title(BROWSER_TITLE)
            .default_size([640.0, 420.0])
            .show_new_folder(false)
            .show_rename(false)
            .show_hidden_checkbox_text(HIDDEN_FILES_LABEL.into());
        dialog.open();
        self.dialog = Some(dialog);
    }

    /// Draws the browser while it is open; the file to open once one was chosen.
    #[must_use]
    pub fn window_ui(&mut self, ctx: &egui::Context) -> Option<AppCommand> {
        let dialog = self.dialog.as_mut()?;
        let picked = if dialog.show(ctx).selected() { dialog.path().map(Path::to_path_buf) } else { None };
        if !dialog.visible() {
            self.dialog = None;
        }
        picked.map(AppCommand::Open)
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
