//! The capture that is open: its background reading session, the latest snapshot it sent,
//! and how far reading got. Owns nothing of the views; they only see `snapshot`.

use std::path::{Path, PathBuf};
use std::sync::mpsc::TryRecvError;
use std::sync::Arc;
use std::time::{Duration, Instant};

use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::capture::LiveOpener;
use whohosts_core::capture::LiveStats;
use whohosts_core::ingest::live::LiveCapture;
use whohosts_core::ingest::Progress;
use whohosts_core::input::Input;
use whohosts_core::session::{LiveControl, Session, UpdateKind};
use whohosts_core::snapshot::Snapshot;

/// While a file is read, the window draws at most this often for the reader's updates: each
/// frame costs a software renderer as much as reading tens of thousands of packets. (The
/// reader sends a new snapshot less often, `FILE_SNAPSHOT_INTERVAL`; the frames in between
/// move the progress.)
pub const READING_FRAME_INTERVAL: Duration = Duration::from_millis(400);

/// Where the window notes, for the views' worker threads, whether a file is being read.
fn reading_id() -> egui::Id {
    egui::Id::unique("whohosts-reading-a-file")
}

/// Notes whether a file is being read, once a frame: see [`wake_for_result`].
pub fn note_reading(ctx: &egui::Context, reading: bool) {
    ctx.data_mut(|d| d.insert_temp(reading_id(), reading));
}

/// Wakes the window for a view's result computed on a worker: at once, but while a file
/// is read at the reader's pace, since the next snapshot is on its way and every frame
/// takes the cores the reading needs.
pub fn wake_for_result(ctx: &egui::Context) {
    if ctx.data(|d| d.get_temp::<bool>(reading_id())).unwrap_or(false) {
        ctx.request_repaint_after(READING_FRAME_INTERVAL);
    } else {
        ctx.request_repaint();
    }
}

/// A reader's wake-up call that draws a frame at most every `READING_FRAME_INTERVAL`: the
/// first call in an interval asks for a frame when the interval is up (at once when it
/// already is), later ones in the same interval do nothing. Each request wakes the window's
/// event loop, so the reader's frequent progress updates are not passed on one by one. The
/// last update is drawn at once.
pub fn throttled_wake(ctx: egui::Context) -> whohosts_core::session::Notify {
    let next_frame = std::sync::Mutex::new(None::<Instant>);
    Box::new(move |sent| {
        if sent == whohosts_core::session::Sent::Last {
            ctx.request_repaint();
            return;
        }
        let mut next_frame = next_frame.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        match *next_frame {
            // A frame is already asked for in this interval.
            Some(due) if now < due => {}
            // The last interval is over: a frame now, or when the one it began with is old enough.
            _ => {
                let due = next_frame.map_or(now, |previous| (previous + READING_FRAME_INTERVAL).max(now));
                *next_frame = Some(due);
                match due.checked_duration_since(now) {
                    Some(wait) if !wait.is_zero() => ctx.request_repaint_after(wait),
                    _ => ctx.request_repaint(),
                }
            }
        }
    })
}

/// Where reading the capture stands.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Reading {
        progress: Progress,
    },
    /// Read to the end (perhaps with an error after which the partial results stand).
    Done,
    Cancelled,
    /// Nothing could be read.
    Failed,
}

pub struct OpenCapture {
    pub path: PathBuf,
    /// The latest snapshot; empty until the first one arrives.
    pub snapshot: Arc<Snapshot>,
    /// Bumped whenever `snapshot` changes, so caches know when to recompute.
    pub version: u64,
    pub state: LoadState,
    /// What went wrong, with the file name, when reading stopped on an error.
    pub error: Option<String>,
    started: Instant,
    finished_after: Option<Duration>,
    session: Option<Session>,
    /// Set for a live capture: what it captures and the latest counters.
    live: Option<LiveInfo>,
    /// The name shown for several files or Zeek logs ("a.pcap and 2 more"); else the file's.
    label: Option<String>,
    /// Read from Zeek logs: progress counts connections, not packets.
    pub zeek: bool,
    /// The capture files whose frames a pcap export reads again (several merged in time
    /// order); none for Zeek logs.
    pub captures: Vec<PathBuf>,
}

/// What the app shows about a live capture besides its snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveInfo {
    pub interface: String,
    pub filter: Option<String>,
    /// The kernel's and libpcap's counters; zero until the first update.
    pub stats: LiveStats,
}

impl OpenCapture {
    /// Starts reading `path` in the background; `notify` wakes the UI after each update.
    pub fn open(
        path: &Path,
        config: AnalysisConfig,
        generation: u64,
        notify: whohosts_core::session::Notify,
    ) -> OpenCapture {
        OpenCapture::open_paths(&[path.to_path_buf()], config, generation, notify)
    }

    /// Starts reading what `paths` hold, decided from their content: one or several
    /// captures (or a folder of them) read as one in time order, or Zeek logs.
    pub fn open_paths(
        paths: &[PathBuf],
        config: AnalysisConfig,
        generation: u64,
        notify: whohosts_core::session::Notify,
    ) -> OpenCapture {
        match Input::detect(paths) {
            Ok(input) => {
                let label = (input.paths().len() > 1 || input.is_zeek()).then(|| input.display_name());
                let zeek = input.is_zeek();
                let input_paths = (!zeek).then(|| input.paths().to_vec());
                let mut open = OpenCapture::open_session(Session::open_input(input, config, generation, notify));
                open.label = label;
                open.zeek = zeek;
                open.captures = match &input_paths {
                    Some(paths) => paths.clone(),
                    None => Vec::new(),
                };
                open
            }
            Err(e) => {
                let mut open = OpenCapture::from_snapshot("", Snapshot::empty());
                open.path = paths.first().cloned().unwrap_or_default();
                open.state = LoadState::Failed;
                open.error = Some(e.to_string());
                open
            }
        }
    }

    /// Starts capturing live; the session stays after the capture ends so it can still be
    /// saved. `config.local` should already be the interface's own addresses.
    pub fn live(
        capture: LiveCapture,
        opener: LiveOpener,
        config: AnalysisConfig,
        generation: u64,
        notify: whohosts_core::session::Notify,
    ) -> Self {
        let live = LiveInfo {
            interface: capture.source.interface.clone(),
            filter: capture.source.filter.clone(),
            stats: LiveStats::default(),
        };
        let session = Session::open_live_with(capture, opener, config, generation, notify);
        let mut open = OpenCapture::open_session(session);
        open.live = Some(live);
        open
    }

    fn open_session(session: Session) -> OpenCapture {
        let path = session.path.clone();
        OpenCapture {
            path: path.clone(),
            snapshot: Arc::new(Snapshot::empty()),
            version: 0,
            state: LoadState::Reading { progress: Progress { frames: 0, position: 0, size: None, live: None } },
            error: None,
            started: Instant::now(),
            finished_after: None,
            session: Some(session),
            live: None,
            label: None,
            zeek: false,
            captures: vec![path.clone()],
        }
    }

    /// The live capture's interface, filter and counters; `None` for a file.
    pub fn live_info(&self) -> Option<&LiveInfo> {
        self.live.as_ref()
    }

    /// Pause, resume, stop and save, while the live session lasts.
    pub fn live_control(&self) -> Option<&LiveControl> {
        self.session.as_ref().and_then(Session::live)
    }

    /// Shows a snapshot that did not come from a file (tests, demos).
    pub fn from_snapshot(name: &str, snapshot: Snapshot) -> OpenCapture {
        OpenCapture {
            path: PathBuf::from(name),
            snapshot: Arc::new(snapshot),
            version: 1,
            state: LoadState::Done,
            error: None,
            started: Instant::now(),
            finished_after: Some(Duration::ZERO),
            session: None,
            live: None,
            label: None,
            zeek: false,
            captures: Vec::new(),
        }
    }

    /// The file name alone, for titles and messages.
    pub fn file_name(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }

    pub fn is_reading(&self) -> bool {
        matches!(self.state, LoadState::Reading { .. })
    }

    pub fn cancel(&self) {
        if let Some(control) = self.live_control() {
            // A live capture stops cleanly and stays savable.
            control.stop();
        } else if let Some(session) = &self.session {
            session.cancel();
        }
    }

    /// Takes what the reader sent, for at most `budget`; keeps only the newest snapshot.
    /// Returns whether anything changed.
    pub fn drain(&mut self, budget: Duration) -> bool {
        let Some(session) = &self.session else { return false };
        let deadline = Instant::now() + budget;
        let mut changed = false;
        let mut newest: Option<Snapshot> = None;
        while Instant::now() < deadline {
            let update = match session.updates.try_recv() {
                Ok(update) => update,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if self.is_reading() {
                        self.state = LoadState::Failed;
                        self.error = Some(format!("{}: reading stopped unexpectedly", self.file_name()));
                        changed = true;
                    }
                    break;
                }
            };
            if update.generation != session.generation {
                continue; // from a capture that was closed since
            }
            changed = true;
            match update.kind {
                UpdateKind::Progress { progress, snapshot } => {
                    if let (Some(live), Some(stats)) = (&mut self.live, progress.live) {
                        live.stats = stats;
                    }
                    if !self.is_reading() {
                        continue; // the live capture's last counters come after it ended
                    }
                    self.state = LoadState::Reading { progress };
                    if let Some(s) = snapshot {
                        newest = Some(*s);
                    }
                }
                UpdateKind::Finished { snapshot, cancelled, error } => {
                    newest = Some(*snapshot);
                    self.state = if cancelled { LoadState::Cancelled } else { LoadState::Done };
                    self.error = error.map(|e| self.message_for(&e));
                    self.finished_after = Some(self.started.elapsed());
                }
                UpdateKind::Failed { error } => {
                    self.state = LoadState::Failed;
                    self.error = Some(self.message_for(&error));
                    self.finished_after = Some(self.started.elapsed());
                }
            }
        }
        // Only the newest: a snapshot held back would be one more copy of the capture's
        // tables (and its timeline) in memory.
        if let Some(snapshot) = newest {
            self.snapshot = Arc::new(snapshot);
            self.version += 1;
        }
        // A live session stays after the end: it serves saves of what was captured.
        if !self.is_reading() && self.live.is_none() {
            self.session = None;
        }
        changed
    }

    /// The error with the file name in front, unless the reader already named it.
    fn message_for(&self, error: &str) -> String {
        let name = self.file_name();
        if error.contains(&name) {
            error.to_string()
        } else {
            format!("{name}: {error}")
        }
    }

    /// Reading speed and time left, while reading.
    pub fn rates(&self) -> Option<Rates> {
        let LoadState::Reading { progress } = &self.state else { return None };
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let bytes_per_second = progress.position as f64 / seconds;
        let left = progress.size.map(|size| size.saturating_sub(progress.position) as f64);
        let seconds_left = match left {
            Some(left) if bytes_per_second > 0.0 => Some(left / bytes_per_second),
            _ => None,
        };
        Some(Rates {
            fraction: progress.size.filter(|&s| s > 0).map(|s| (progress.position as f64 / s as f64).clamp(0.0, 1.0)),
            packets_per_second: progress.frames as f64 / seconds,
            bytes_per_second,
            seconds_left,
        })
    }

    /// How long reading took, once it ended.
    pub fn read_time(&self) -> Option<Duration> {
        self.finished_after
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub fraction: Option<f64>,
    pub packets_per_second: f64,
    pub bytes_per_second: f64,
    pub seconds_left: Option<f64>,
}
