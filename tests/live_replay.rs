//! Live sessions without privileges: the capture thread reads from `ReplaySource` (the
//! icloud sample replayed as if it arrived on an interface) through the same seam libpcap
//! uses, so pause, resume, stop and save are exercised in CI where no interface can be
//! opened.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use test_support::replay::ReplaySource;
use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::capture::{FileSource, FrameSource, LiveStats};
use whohosts_core::ingest::live::LiveCapture;
use whohosts_core::session::{Session, UpdateKind};
use whohosts_core::snapshot::Snapshot;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap")
}

/// The newest live counters, reading updates for at most `wait`.
fn latest_stats(session: &Session, stats: &mut LiveStats, wait: Duration) -> Option<Box<Snapshot>> {
    let until = Instant::now() + wait;
    let mut finished = None;
    while Instant::now() < until {
        match session.updates.recv_timeout(Duration::from_millis(20)) {
            Ok(update) => match update.kind {
                UpdateKind::Progress { progress, .. } => *stats = progress.live.unwrap_or(*stats),
                UpdateKind::Finished { snapshot, .. } => {
                    finished = Some(snapshot);
                    break;
                }
                UpdateKind::Failed { error } => panic!("the replayed capture failed: {error}"),
            },
            Err(_) => continue,
        }
    }
    finished
}

fn open(spill: &Path) -> Session {
    let mut capture = LiveCapture::new("replay0");
    capture.spill_dir = Some(spill.to_path_buf());
    let opener = ReplaySource::opener(&sample(), 4_000.0);
    Session::open_live_with(capture, opener, AnalysisConfig::default(), 7, Box::new(|_| {}))
}

#[test]
fn pause_resume_save_and_stop_without_privileges() {
    let dir = tempfile::tempdir().unwrap();
    let session = open(dir.path());
    let control = session.live().expect("a live session");
    let mut stats = LiveStats::default();
    latest_stats(&session, &mut stats, Duration::from_millis(600));
    assert!(stats.analysed > 200, "frames arrive while capturing: {stats:?}");

    control.pause();
    latest_stats(&session, &mut stats, Duration::from_millis(300));
    assert!(stats.paused, "{stats:?}");
    let while_paused = stats.analysed;
    latest_stats(&session, &mut stats, Duration::from_millis(400));
    assert_eq!(stats.analysed, while_paused, "nothing is analysed while paused: {stats:?}");
    assert!(stats.discarded_while_paused > 0, "traffic arriving while paused is discarded: {stats:?}");

    control.resume();
    latest_stats(&session, &mut stats, Duration::from_millis(400));
    assert!(!stats.paused && stats.analysed > while_paused, "{stats:?}");

    let saved_path = dir.path().join("so-far.pcapng");
    let saved = control.save_as(&saved_path).wait().expect("saved while capturing");
    let mut reread = FileSource::open(&saved_path).unwrap();
    let mut frames = 0u64;
    while reread.next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, saved.frames, "{saved:?}");
    assert!(frames >= while_paused, "the saved file holds what was analysed: {frames} < {while_paused}");

    control.stop();
    let snapshot = latest_stats(&session, &mut stats, Duration::from_secs(5)).expect("finished after stop");
    assert!(snapshot.totals.frames >= stats.analysed, "{} < {}", snapshot.totals.frames, stats.analysed);
    let names: Vec<_> = snapshot.endpoints.iter().filter_map(|e| e.best_name.as_deref()).collect();
    assert!(names.contains(&"p12-content.icloud.com"), "names are learned from replayed traffic: {names:?}");
}
