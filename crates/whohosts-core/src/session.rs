//! Reading a capture on a background thread. The thread owns the mutable analysis and sends
//! snapshots over a bounded channel a few times a second; it never waits for the receiver
//! (a snapshot the receiver has no room for is skipped). Every update carries the session's
//! generation so that a receiver can drop what a closed capture still sends.
//! Live captures (`Session::open_live`) are in session/live.rs.

mod live;

pub use live::{LiveControl, SaveTicket};

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::analysis::{Analysis, AnalysisConfig};
use crate::capture::{CaptureError, FileSource, FrameSource, MergedSource};
use crate::ingest::zeek_logs::analyse_zeek_logs_with;
use crate::ingest::{read_into_pipelined, Finish, Progress};
use crate::input::Input;
use crate::snapshot::Snapshot;

/// Called after each update is sent, e.g. to wake the UI, with which update it was.
pub type Notify = Box<dyn Fn(Sent) + Send>;

/// The update just sent: one more while reading, or the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Update,
    Last,
}

/// A live capture's snapshots are sent at most this often; slower when building one takes long.
const LIVE_SNAPSHOT_INTERVAL: Duration = Duration::from_millis(100);

/// A file's, after the first (which comes after `LIVE_SNAPSHOT_INTERVAL`): every snapshot of
/// a large capture costs the reader a copy of its tables and the window new layouts, taken
/// from the cores the reading needs; the progress in between comes without one.
pub const FILE_SNAPSHOT_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub enum UpdateKind {
    /// Reading is under way.
    Progress { progress: Progress, snapshot: Option<Box<Snapshot>> },
    /// Reading ended (end of file, cancel, or an error after which the partial results stand).
    Finished { snapshot: Box<Snapshot>, cancelled: bool, error: Option<String> },
    /// Nothing could be read at all.
    Failed { error: String },
}

#[derive(Debug, Clone)]
pub struct Update {
    pub generation: u64,
    pub kind: UpdateKind,
}

/// A capture being read in the background.
pub struct Session {
    pub generation: u64,
    /// The file, or the interface name of a live capture.
    pub path: PathBuf,
    pub updates: Receiver<Update>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    live: Option<LiveControl>,
}

impl Session {
    /// Starts reading `path`. Returns at once; results arrive on `updates`.
    pub fn open_file(path: &Path, config: AnalysisConfig, generation: u64, notify: Notify) -> Session {
        let (tx, rx) = sync_channel(4);
        let cancel = Arc::new(AtomicBool::new(false));
        let thread_cancel = cancel.clone();
        let thread_path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("whohosts-ingest".into())
            .spawn(move || read_file(&thread_path, config, generation, &tx, &thread_cancel, &notify))
            .ok();
        Session { generation, path: path.to_path_buf(), updates: rx, cancel, thread, live: None }
    }

    /// Starts reading an [`Input`]: one capture, several merged in time order, or Zeek
    /// logs. `path` is the first path given.
    pub fn open_input(input: Input, config: AnalysisConfig, generation: u64, notify: Notify) -> Session {
        if let Input::Captures(paths) = &input {
            if let [one] = paths.as_slice() {
                return Session::open_file(one, config, generation, notify);
            }
        }
        let (tx, rx) = sync_channel(4);
        let cancel = Arc::new(AtomicBool::new(false));
        let thread_cancel = cancel.clone();
        let path = input.paths().first().cloned().unwrap_or_default();
        let thread = std::thread::Builder::new()
            .name("whohosts-ingest".into())
            .spawn(move || read_input(input, config, generation, &tx, &thread_cancel, &notify))
            .ok();
        Session { generation, path, updates: rx, cancel, thread, live: None }
    }

    /// Asks the reader to stop; a `Finished { cancelled: true }` update follows.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Blocks until the next update, for tests and the command line.
    pub fn wait_finished(&self) -> Option<Update> {
        while let Ok(update) = self.updates.recv() {
            if !matches!(update.kind, UpdateKind::Progress { .. }) {
                return Some(update);
            }
        }
        None
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.cancel();
        // The thread ends on its own once it sees the flag; no need to wait for it.
        drop(self.thread.take());
    }
}

/// Decides when a reader takes a snapshot: at most every `minimum`, and less often when
/// building one is slow, so snapshots cost at most a fifth of the reader's time. None when,
/// at the pace so far, the reading ends within another interval: the last comes soon anyway.
pub(crate) struct SnapshotPacer {
    started: Instant,
    last: Instant,
    minimum: Duration,
    interval: Duration,
}

impl SnapshotPacer {
    /// The first snapshot comes after `LIVE_SNAPSHOT_INTERVAL` at the latest, so that a large
    /// capture shows something at once.
    pub(crate) fn every(minimum: Duration) -> Self {
        let now = Instant::now();
        SnapshotPacer { started: now, last: now, minimum, interval: minimum.min(LIVE_SNAPSHOT_INTERVAL) }
    }

    pub(crate) fn snapshot_if_due(&mut self, analysis: &mut Analysis, progress: &Progress) -> Option<Box<Snapshot>> {
        if self.last.elapsed() < self.interval || self.ends_within(progress, self.interval) {
            return None;
        }
        let started = Instant::now();
        analysis.flush_timeline();
        let snapshot = Box::new(Snapshot::of(analysis));
        self.interval = self.minimum.max(started.elapsed() * 5);
        self.last = Instant::now();
        Some(snapshot)
    }

    /// Whether, at the pace so far, the rest of the input takes less than `time`.
    fn ends_within(&self, progress: &Progress, time: Duration) -> bool {
        let Some(size) = progress.size.filter(|&size| size > 0 && progress.position > 0) else { return false };
        let left = size.saturating_sub(progress.position) as f64 / progress.position as f64;
        self.started.elapsed().mul_f64(left) < time
    }
}

/// Sends one update: blocking when it must arrive (the last one), otherwise skipped when the
/// receiver has no room, so the reader never waits for the UI. Wakes the receiver.
pub(crate) fn send_update(
    tx: &SyncSender<Update>,
    generation: u64,
    notify: &Notify,
    kind: UpdateKind,
    must_arrive: bool,
) {
    let update = Update { generation, kind };
    let sent = if must_arrive {
        tx.send(update).is_ok()
    } else {
        !matches!(tx.try_send(update), Err(TrySendError::Disconnected(_)))
    };
    if sent {
        notify(if must_arrive { Sent::Last } else { Sent::Update });
    }
}

fn read_file(
    path: &Path,
    config: AnalysisConfig,
    generation: u64,
    tx: &SyncSender<Update>,
    cancel: &AtomicBool,
    notify: &Notify,
) {
    let send = |kind: UpdateKind, must_arrive: bool| send_update(tx, generation, notify, kind, must_arrive);
    match FileSource::open(path) {
        Ok(source) => read_source(Box::new(source), Vec::new, config, generation, tx, cancel, notify),
        Err(e) => send(UpdateKind::Failed { error: e.to_string() }, true),
    }
}

/// Several captures or Zeek logs, on the reader thread.
fn read_input(
    input: Input,
    config: AnalysisConfig,
    generation: u64,
    tx: &SyncSender<Update>,
    cancel: &AtomicBool,
    notify: &Notify,
) {
    let send = |kind: UpdateKind, must_arrive: bool| send_update(tx, generation, notify, kind, must_arrive);
    match input {
        Input::ZeekLogs(paths) => {
            let mut pacer = SnapshotPacer::every(FILE_SNAPSHOT_INTERVAL);
            let read = analyse_zeek_logs_with(&paths, config, |progress, analysis| {
                if cancel.load(Ordering::Relaxed) {
                    return ControlFlow::Break(());
                }
                let snapshot = pacer.snapshot_if_due(analysis, progress);
                send(UpdateKind::Progress { progress: *progress, snapshot }, false);
                ControlFlow::Continue(())
            });
            match read {
                Ok((analysis, finish)) => {
                    let snapshot = Box::new(Snapshot::of(&analysis));
                    let cancelled = finish == Finish::Cancelled;
                    send(UpdateKind::Finished { snapshot, cancelled, error: None }, true);
                }
                Err(e) => send(UpdateKind::Failed { error: e.to_string() }, true),
            }
        }
        Input::Captures(paths) => {
            let (problems_tx, problems) = std::sync::mpsc::channel();
            let source = MergedSource::open(&paths, problems_tx);
            if source.files() == 0 {
                let error = problems.try_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ");
                return send(UpdateKind::Failed { error }, true);
            }
            let problems = move || problems.try_iter().collect();
            read_source(Box::new(source), problems, config, generation, tx, cancel, notify);
        }
    }
}

/// Reads a frame source to its end, sending progress, snapshots and the result.
/// `problems` gives the files skipped along the way (for several captures).
fn read_source(
    source: Box<dyn FrameSource + Send>,
    problems: impl FnOnce() -> Vec<CaptureError>,
    config: AnalysisConfig,
    generation: u64,
    tx: &SyncSender<Update>,
    cancel: &AtomicBool,
    notify: &Notify,
) {
    let send = |kind: UpdateKind, must_arrive: bool| send_update(tx, generation, notify, kind, must_arrive);
    let mut analysis = Analysis::new(config);
    let mut pacer = SnapshotPacer::every(FILE_SNAPSHOT_INTERVAL);
    let result = read_into_pipelined(source, &mut analysis, |progress, analysis| {
        if cancel.load(Ordering::Relaxed) {
            return ControlFlow::Break(());
        }
        let snapshot = pacer.snapshot_if_due(analysis, progress);
        send(UpdateKind::Progress { progress: *progress, snapshot }, false);
        ControlFlow::Continue(())
    });
    for problem in problems() {
        analysis.note(if problem.keeps_partial_results() { problem.to_string() } else { format!("skipped {problem}") });
    }
    let (cancelled, error) = match result {
        Ok(Finish::Cancelled) => (true, None),
        Ok(Finish::EndOfInput) => (false, None),
        Err(e) => {
            analysis.note(e.to_string());
            (false, Some(e.to_string()))
        }
    };
    analysis.finish();
    send(UpdateKind::Finished { snapshot: Box::new(Snapshot::of(&analysis)), cancelled, error }, true);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn no_snapshot_when_the_reading_ends_before_the_next_would_be_due() {
        let mut pacer = SnapshotPacer::every(FILE_SNAPSHOT_INTERVAL);
        pacer.started -= Duration::from_secs(2);
        pacer.last -= Duration::from_secs(2);
        let at = |position| Progress { frames: 1, position, size: Some(100), live: None };
        // Two seconds for 40%: three more to go.
        assert!(pacer.snapshot_if_due(&mut Analysis::new(AnalysisConfig::default()), &at(40)).is_some());
        pacer.last -= Duration::from_secs(2);
        // Two seconds for 95%: a tenth of a second to go, less than the interval.
        assert!(pacer.snapshot_if_due(&mut Analysis::new(AnalysisConfig::default()), &at(95)).is_none());
        // Without a size (a live capture or a pipe) there is no end to foresee.
        let live = Progress { size: None, ..at(95) };
        assert!(pacer.snapshot_if_due(&mut Analysis::new(AnalysisConfig::default()), &live).is_some());
    }

    /// A TSV conn.log of connections `first..first + lines`, each its own flow.
    fn conn_log(first: usize, lines: usize) -> Vec<u8> {
        let mut out = String::from("#separator \\x09\n#path\tconn\n");
        out.push_str("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\t");
        out.push_str("orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\n");
        for i in first..first + lines {
            let port = 1024 + i % 60_000;
            let server = i / 60_000 + 1;
            out.push_str(&format!(
                "{}.5\tC{i}\t192.168.1.23\t{port}\t16.15.101.{server}\t443\ttcp\t1.0\t3\t200\t4\t3000\n",
                1_749_488_400 + i
            ));
        }
        out.into_bytes()
    }

    fn zeek_dir(name: &str, plain_lines: usize, gzip_lines: usize) -> (tempfile::TempDir, u64) {
        let dir = tempfile::Builder::new().prefix(name).tempdir().unwrap();
        std::fs::write(dir.path().join("a-conn.log"), conn_log(0, plain_lines)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&conn_log(plain_lines, gzip_lines)).unwrap();
        std::fs::write(dir.path().join("b-conn.log.gz"), gz.finish().unwrap()).unwrap();
        let total = ["a-conn.log", "b-conn.log.gz"].iter().map(|f| dir.path().join(f).metadata().unwrap().len()).sum();
        (dir, total)
    }

    fn open_zeek(dir: &Path) -> Session {
        let input = Input::ZeekLogs(vec![dir.to_path_buf()]);
        Session::open_input(input, AnalysisConfig::default(), 5, Box::new(|_| {}))
    }

    #[test]
    fn zeek_logs_report_progress_in_bytes_of_all_files_then_finish() {
        let (dir, total) = zeek_dir("whohosts-zeek-progress", 20_000, 20_000);
        let session = open_zeek(dir.path());
        let mut seen = Vec::new();
        let finished = loop {
            let update = session.updates.recv().expect("updates until finished");
            assert_eq!(update.generation, 5);
            match update.kind {
                UpdateKind::Progress { progress, .. } => seen.push(progress),
                UpdateKind::Finished { snapshot, cancelled, error } => break (snapshot, cancelled, error),
                UpdateKind::Failed { error } => panic!("{error}"),
            }
        };
        let (snapshot, cancelled, error) = finished;
        assert!(!cancelled && error.is_none());
        assert_eq!(snapshot.flows.len(), 40_000);
        assert!(seen.len() >= 2, "{seen:?}");
        assert!(seen.iter().all(|p| p.size == Some(total) && p.position <= total), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].position <= w[1].position && w[0].frames <= w[1].frames), "{seen:?}");
        assert!(seen.iter().any(|p| p.position > 0 && p.position < total), "progress within the files: {seen:?}");
    }

    #[test]
    fn cancelling_zeek_loading_stops_it_and_keeps_what_was_read() {
        let (dir, _) = zeek_dir("whohosts-zeek-cancel", 60_000, 60_000);
        let session = open_zeek(dir.path());
        session.cancel();
        match session.wait_finished().expect("an update").kind {
            UpdateKind::Finished { snapshot, cancelled, .. } => {
                assert!(cancelled);
                let flows = snapshot.flows.len();
                assert!(flows > 0 && flows < 60_000, "{flows} flows read before the cancel was seen");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_file_fails_with_its_name() {
        let s = Session::open_file(Path::new("/no/such.pcap"), AnalysisConfig::default(), 7, Box::new(|_| {}));
        let update = s.wait_finished().expect("an update");
        assert_eq!(update.generation, 7);
        match update.kind {
            UpdateKind::Failed { error } => assert!(error.contains("/no/such.pcap")),
            other => panic!("{other:?}"),
        }
    }
}
