//! The native "open a capture" dialog, run on its own thread (rfd must never block the UI).
//! When the system has no dialog (no portal, no zenity) rfd answers `None` at once; we notice
//! that and point the user at the path field and drag and drop instead.

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// An answer faster than this was not a person pressing Cancel: no dialog was shown.
const NO_DIALOG_THRESHOLD: Duration = Duration::from_millis(300);

/// What an open dialog picks: one or several files (read as one), or a folder of captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pick {
    #[default]
    Files,
    Folder,
}

#[derive(Default)]
pub struct FileDialog {
    pending: Option<(Receiver<Option<Vec<PathBuf>>>, Instant)>,
    /// What the last attempt was to pick (the in-window browser offers the same).
    pub last_pick: Pick,
    /// Set when the last attempt found no dialog on this system.
    pub unavailable: bool,
    /// Set once when an attempt found no dialog, until taken (the app then offers its own).
    fell_through: bool,
}

impl FileDialog {
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Shows the dialog on a new thread; `wake` repaints the UI when it answers.
    pub fn start(&mut self, pick: Pick, wake: impl Fn() + Send + 'static) {
        if self.pending.is_some() {
            return;
        }
        self.last_pick = pick;
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new().name("whohosts-file-dialog".into()).spawn(move || {
            let picked = match pick {
                Pick::Files => rfd::FileDialog::new()
                    .set_title("Open captures or Zeek logs (several are read as one)")
                    .add_filter("Packet captures", &["pcap", "pcapng", "cap", "dmp", "pcap.gz"])
                    .add_filter("Zeek logs", &["log", "gz", "json"])
                    .add_filter("All files", &["*"])
                    .pick_files(),
                Pick::Folder => rfd::FileDialog::new()
                    .set_title("Open a folder of captures or Zeek logs")
                    .pick_folder()
                    .map(|folder| vec![folder]),
            };
            let _ = tx.send(picked.filter(|p| !p.is_empty()));
            wake();
        });
        if spawned.is_ok() {
            self.pending = Some((rx, Instant::now()));
        } else {
            self.unavailable = true;
            self.fell_through = true;
        }
    }

    /// Whether the last attempt found no dialog (once: taking it clears it).
    pub fn take_fell_through(&mut self) -> bool {
        std::mem::take(&mut self.fell_through)
    }

    /// The picked files (or folder), once the dialog has answered with some.
    pub fn poll(&mut self) -> Option<Vec<PathBuf>> {
        let (rx, started) = self.pending.as_ref()?;
        let answer = match rx.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => None,
        };
        self.unavailable = answer.is_none() && started.elapsed() < NO_DIALOG_THRESHOLD;
        self.fell_through |= self.unavailable;
        self.pending = None;
        answer
    }
}
