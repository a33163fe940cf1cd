//! The system's "save as" dialog (a folder picker for CSV tables), run on its own thread so
//! the UI never blocks. Without a dialog on the system rfd answers `None` at once; we notice
//! that so the export window can point at its path field instead.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// An answer faster than this was not a person pressing Cancel: no dialog was shown.
const NO_DIALOG_THRESHOLD: Duration = Duration::from_millis(300);

/// What the dialog answered.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveAnswer {
    Picked(PathBuf),
    Cancelled,
    /// No dialog could be shown on this system.
    Unavailable,
}

#[derive(Default)]
pub struct SaveDialog {
    pending: Option<(Receiver<Option<PathBuf>>, Instant)>,
}

impl SaveDialog {
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Shows the dialog starting at `current` (its folder and file name); `folder` picks a
    /// folder instead of a file. `wake` repaints the UI when it answers.
    pub fn start(&mut self, current: &Path, folder: bool, wake: impl Fn() + Send + 'static) {
        if self.pending.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let current = current.to_path_buf();
        let spawned = std::thread::Builder::new().name("whohosts-save-dialog".into()).spawn(move || {
            let mut dialog = rfd::FileDialog::new().set_title("Export to");
            if let Some(dir) = current.parent().filter(|d| d.is_dir()) {
                dialog = dialog.set_directory(dir);
            }
            let picked = if folder {
                dialog.pick_folder()
            } else {
                let name = current.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                dialog.set_file_name(name).save_file()
            };
            let _ = tx.send(picked);
            wake();
        });
        if spawned.is_ok() {
            self.pending = Some((rx, Instant::now()));
        }
    }

    /// The answer, once the dialog has given one.
    pub fn poll(&mut self) -> Option<SaveAnswer> {
        let (rx, started) = self.pending.as_ref()?;
        let picked = match rx.try_recv() {
            Ok(picked) => picked,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => None,
        };
        let quick = started.elapsed() < NO_DIALOG_THRESHOLD;
        self.pending = None;
        Some(match picked {
            Some(path) => SaveAnswer::Picked(path),
            None if quick => SaveAnswer::Unavailable,
            None => SaveAnswer::Cancelled,
        })
    }
}
