//! A live capture on a background thread, with the same updates as a file (progress with
//! snapshots, then `Finished`), plus the kernel's counters in `Progress::live` and a control
//! handle for pause, resume, stop and "save as pcapng now".
//!
//! After the capture ends the thread stays to serve saves of what was captured, until the
//! `Session` is dropped; then the kept frames are gone.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

use super::{send_update, Notify, Session, Update, UpdateKind, LIVE_SNAPSHOT_INTERVAL};
use crate::analysis::{Analysis, AnalysisConfig};
use crate::capture::{libpcap_opener, LiveOpener};
use crate::capture::{CaptureError, SavedCapture};
use crate::ingest::live::{capture_with, save_after_end, LiveCapture, LiveCommand};
use crate::snapshot::Snapshot;

/// Steers a running live capture. Commands are carried out within one read timeout.
#[derive(Debug)]
pub struct LiveControl {
    commands: Sender<LiveCommand>,
}

impl LiveControl {
    /// Stops analysing; the kernel discards traffic meanwhile (nothing is counted as dropped).
    pub fn pause(&self) {
        let _ = self.commands.send(LiveCommand::Pause);
    }
    pub fn resume(&self) {
        let _ = self.commands.send(LiveCommand::Resume);
    }
    /// Ends the capture; `Finished { cancelled: true }` follows. Saving stays possible.
    pub fn stop(&self) {
        let _ = self.commands.send(LiveCommand::Stop);
    }
    /// Saves everything captured so far as pcapng (atomically); works during the capture
    /// and after it ended. The result arrives on the ticket.
    pub fn save_as(&self, path: &Path) -> SaveTicket {
        let (reply, result) = sync_channel(1);
        let _ = self.commands.send(LiveCommand::Save { path: path.to_path_buf(), reply });
        SaveTicket { path: path.to_path_buf(), result }
    }
}

/// The pending result of a save.
#[derive(Debug)]
pub struct SaveTicket {
    path: PathBuf,
    result: Receiver<Result<SavedCapture, CaptureError>>,
}

impl SaveTicket {
    /// The result once the save is done, without waiting (poll it from the UI's frame loop).
    pub fn try_result(&self) -> Option<Result<SavedCapture, CaptureError>> {
        match self.result.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(self.gone())),
        }
    }

    /// Waits for the result.
    pub fn wait(self) -> Result<SavedCapture, CaptureError> {
        self.result.recv().unwrap_or_else(|_| Err(self.gone()))
    }

    fn gone(&self) -> CaptureError {
        CaptureError::Save { path: self.path.clone(), reason: "the capture was closed before saving".into() }
    }
}

impl Session {
    /// Starts capturing on `capture.source.interface` (with its filter). Returns at once;
    /// opening problems (no permission, bad filter, no such interface) arrive as `Failed`.
    /// `path` of the session is the interface name. For the local side of flows, pass
    /// `config.local = local_policy_for(interface)`.
    pub fn open_live(capture: LiveCapture, config: AnalysisConfig, generation: u64, notify: Notify) -> Session {
        Session::open_live_with(capture, libpcap_opener(), config, generation, notify)
    }

    /// [`Session::open_live`] capturing from what `opener` opens: the seam through which
    /// tests drive a live session (pause, resume, stop, save) without privileges.
    pub fn open_live_with(
        capture: LiveCapture,
        opener: LiveOpener,
        config: AnalysisConfig,
        generation: u64,
        notify: Notify,
    ) -> Session {
        let (tx, rx) = sync_channel(4);
        let (commands, command_rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let thread_cancel = cancel.clone();
        let interface = capture.source.interface.clone();
        let thread = std::thread::Builder::new()
            .name("whohosts-live".into())
            .spawn(move || run(&capture, &opener, config, generation, &tx, &command_rx, &thread_cancel, &notify))
            .ok();
        Session {
            generation,
            path: PathBuf::from(interface),
            updates: rx,
            cancel,
            thread,
            live: Some(LiveControl { commands }),
        }
    }

    /// Pause, resume, stop and save for a live capture; `None` for a file.
    pub fn live(&self) -> Option<&LiveControl> {
        self.live.as_ref()
    }
}

#[allow(clippy::too_many_arguments)]
fn run(
    capture: &LiveCapture,
    opener: &LiveOpener,
    config: AnalysisConfig,
    generation: u64,
    tx: &SyncSender<Update>,
    commands: &Receiver<LiveCommand>,
    cancel: &AtomicBool,
    notify: &Notify,
) {
    let send = |kind: UpdateKind, must_arrive: bool| send_update(tx, generation, notify, kind, must_arrive);
    let mut analysis = Analysis::new(config);
    let mut pacer = super::SnapshotPacer::every(super::LIVE_SNAPSHOT_INTERVAL);
    let mut last_progress = Instant::now();
    let result = capture_with(capture, opener, &mut analysis, commands, |progress, analysis| {
        if cancel.load(Ordering::Relaxed) {
            return ControlFlow::Break(());
        }
        if last_progress.elapsed() < LIVE_SNAPSHOT_INTERVAL / 2 {
            return ControlFlow::Continue(());
        }
        last_progress = Instant::now();
        let snapshot = pacer.snapshot_if_due(analysis, progress);
        send(UpdateKind::Progress { progress: *progress, snapshot }, false);
        ControlFlow::Continue(())
    });
    let mut end = match result {
        Ok(end) => end,
        Err(e) => return send(UpdateKind::Failed { error: e.to_string() }, true),
    };
    let error = end.error.as_ref().map(ToString::to_string);
    if let Some(e) = &error {
        analysis.note(e.clone());
    }
    analysis.finish();
    let progress =
        crate::ingest::Progress { frames: end.stats.analysed, position: 0, size: None, live: Some(end.stats) };
    send(UpdateKind::Progress { progress, snapshot: None }, true);
    send(UpdateKind::Finished { snapshot: Box::new(Snapshot::of(&analysis)), cancelled: end.stopped, error }, true);
    // Serve saves of the kept frames until the session is dropped.
    while let Ok(command) = commands.recv() {
        if let LiveCommand::Save { path, reply } = command {
            let _ = reply.send(save_after_end(&mut end, path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Says on the real stderr (libtest does not capture it) that a test could not run here.
    macro_rules! skipped {
        ($($arg:tt)*) => {{
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), $($arg)*);
        }};
    }

    #[test]
    fn a_missing_interface_fails_with_its_name() {
        let s = Session::open_live(LiveCapture::new("no-such-if9"), AnalysisConfig::default(), 3, Box::new(|_| {}));
        assert!(s.live().is_some());
        let update = s.wait_finished().expect("an update");
        assert_eq!(update.generation, 3);
        match update.kind {
            UpdateKind::Failed { error } => assert!(error.contains("no-such-if9"), "{error}"),
            other => panic!("{other:?}"),
        }
        let e = s.live().unwrap().save_as(Path::new("/tmp/never.pcapng")).wait().unwrap_err();
        assert!(e.to_string().contains("never.pcapng"), "{e}");
    }

    /// Sends `n` datagrams to `port` on loopback and lets the kernel hand them over.
    fn send_udp(port: u16, n: usize) {
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for _ in 0..n {
            sock.send_to(b"hello", ("127.0.0.1", port)).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(400));
    }

    fn wait_until_capturing(s: &Session) {
        let update = s.updates.recv().expect("a first progress update");
        assert!(matches!(update.kind, UpdateKind::Progress { progress, .. } if progress.live.is_some()), "{update:?}");
    }

    #[test]
    fn paused_traffic_is_neither_analysed_nor_dropped() {
        if !crate::capture::can_capture() {
            skipped!("SKIPPED: paused_traffic_is_neither_analysed_nor_dropped needs root or cap_net_raw");
            return;
        }
        let mut capture = LiveCapture::new("lo");
        capture.source.filter = Some("udp port 39998".into());
        let s = Session::open_live(capture, AnalysisConfig::default(), 1, Box::new(|_| {}));
        wait_until_capturing(&s);
        let control = s.live().unwrap();
        send_udp(39998, 5);
        control.pause();
        std::thread::sleep(std::time::Duration::from_millis(300));
        send_udp(39998, 7);
        control.resume();
        std::thread::sleep(std::time::Duration::from_millis(300));
        send_udp(39998, 3);
        control.stop();
        let mut last_live = None;
        let finished = loop {
            match s.updates.recv().expect("updates until Finished").kind {
                UpdateKind::Progress { progress, .. } => last_live = progress.live.or(last_live),
                other => break other,
            }
        };
        let UpdateKind::Finished { snapshot, .. } = finished else { panic!("{finished:?}") };
        assert_eq!(snapshot.totals.frames, 8);
        let stats = last_live.unwrap();
        assert_eq!((stats.analysed, stats.dropped, stats.paused), (8, 0, false));
    }

    #[test]
    fn loopback_capture_stops_sees_traffic_and_saves() {
        if !crate::capture::can_capture() {
            skipped!("SKIPPED: loopback_capture_stops_sees_traffic_and_saves needs root or cap_net_raw");
            return;
        }
        let mut capture = LiveCapture::new("lo");
        capture.source.filter = Some("udp port 39999".into());
        let s = Session::open_live(capture, AnalysisConfig::default(), 1, Box::new(|_| {}));
        wait_until_capturing(&s);
        send_udp(39999, 20);
        let control = s.live().unwrap();
        control.stop();
        let mut last_live = None;
        let finished = loop {
            let update = s.updates.recv().expect("updates until Finished");
            match update.kind {
                UpdateKind::Progress { progress, .. } => last_live = progress.live.or(last_live),
                other => break other,
            }
        };
        let UpdateKind::Finished { snapshot, cancelled, error } = finished else { panic!("{finished:?}") };
        assert!(cancelled && error.is_none());
        assert_eq!(snapshot.totals.frames, 20);
        let stats = last_live.expect("live stats");
        assert_eq!((stats.analysed, stats.dropped), (20, 0));
        let dest = std::env::temp_dir().join(format!("whohosts-live-session-{}.pcapng", std::process::id()));
        let saved = control.save_as(&dest).wait().unwrap();
        assert_eq!(saved.frames, 20);
        std::fs::remove_file(&dest).unwrap();
    }
}
