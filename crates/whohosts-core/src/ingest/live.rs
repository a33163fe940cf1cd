//! The live read loop: pulls frames from an interface into an analysis and into the spill
//! kept for saving, obeys pause/resume/stop/save commands, and stops at a deadline. Used by
//! the command line directly and by the app through `Session::open_live`.
//!
//! Pause swaps a reject-all filter into the kernel (see `LiveSource::pause`): traffic while
//! paused is neither analysed nor saved nor counted as dropped; resuming continues the same
//! capture, leaving a gap.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender};
use std::time::{Duration, Instant};

use crate::analysis::Analysis;
use crate::capture::{
    libpcap_opener, CaptureError, LiveFrames, LiveOpener, LiveOptions, LiveStats, PcapNgSpill, Polled, SavedCapture,
};
use crate::ingest::Progress;

/// Frames between two looks at the clock and the command channel while traffic flows.
const CHECK_EVERY: u32 = 256;

/// Everything about a live capture that is decided before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCapture {
    pub source: LiveOptions,
    /// Stop by itself after this long (the command line's `--duration`).
    pub duration: Option<Duration>,
    /// Where the frames are kept for saving (an unlinked temporary file); `None` keeps nothing.
    pub spill_dir: Option<PathBuf>,
    /// Disk the kept frames may use; frames beyond it are analysed but not saved.
    pub spill_limit_bytes: u64,
}

impl LiveCapture {
    /// Capturing on `interface` until stopped, kept for saving in `default_spill_dir()`.
    pub fn new(interface: &str) -> Self {
        LiveCapture {
            source: LiveOptions::new(interface),
            duration: None,
            spill_dir: Some(default_spill_dir()),
            spill_limit_bytes: 8 << 30,
        }
    }
}

/// A folder on disk for the kept frames: `$XDG_CACHE_HOME/whohosts` or `~/.cache/whohosts`,
/// else `/var/tmp`. Not `/tmp`, which is often a RAM disk: the frames must not fill memory.
pub fn default_spill_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
    if let Some(dir) = cache.map(|c| c.join("whohosts")) {
        if std::fs::create_dir_all(&dir).is_ok() {
            return dir;
        }
    }
    let var_tmp = PathBuf::from("/var/tmp");
    if var_tmp.is_dir() {
        var_tmp
    } else {
        std::env::temp_dir()
    }
}

/// What a running capture can be told to do.
#[derive(Debug)]
pub enum LiveCommand {
    Pause,
    Resume,
    Stop,
    /// Save everything captured so far as pcapng; the result comes back on `reply`.
    Save {
        path: PathBuf,
        reply: SyncSender<Result<SavedCapture, CaptureError>>,
    },
}

/// Why and how a live capture ended. Every frame read before stays in the analysis.
pub struct LiveEnd {
    /// True when stopped by a command or by `on_tick`; false at the deadline or on an error.
    pub stopped: bool,
    /// The problem that ended the capture early (e.g. the interface went away).
    pub error: Option<CaptureError>,
    pub stats: LiveStats,
    /// Time from the capture being open to its end.
    pub elapsed: Duration,
    /// The kept frames, for saving after the end.
    pub spill: Option<PcapNgSpill>,
}

/// Opens the capture (errors here mean nothing was captured) and reads into `analysis`
/// until stopped, the deadline, or an error. `on_tick` is called once as soon as capturing
/// has started, then about every 100 ms and every few hundred frames with the counters; it
/// may return `Break` to stop.
pub fn capture_into(
    capture: &LiveCapture,
    analysis: &mut Analysis,
    commands: &Receiver<LiveCommand>,
    on_tick: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<LiveEnd, CaptureError> {
    capture_with(capture, &libpcap_opener(), analysis, commands, on_tick)
}

/// [`capture_into`] reading from what `opener` opens (libpcap in the product, a scripted
/// source in tests).
pub fn capture_with(
    capture: &LiveCapture,
    opener: &LiveOpener,
    analysis: &mut Analysis,
    commands: &Receiver<LiveCommand>,
    mut on_tick: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<LiveEnd, CaptureError> {
    let mut source = opener(&capture.source)?;
    let source = source.as_mut();
    let mut spill = match &capture.spill_dir {
        Some(dir) => Some(PcapNgSpill::create(
            dir,
            source.interface(),
            source.link_type(),
            capture.source.snaplen,
            capture.spill_limit_bytes,
        )?),
        None => None,
    };
    let started = Instant::now();
    let deadline = capture.duration.map(|d| started + d);
    let mut since_check = 0u32;
    let mut stopped = on_tick(&progress(source), analysis).is_break();
    let mut error = None;
    while !stopped {
        match source.poll_frame() {
            Ok(Polled::Frame(frame)) => {
                analysis.ingest(&frame);
                if let Some(spill) = &mut spill {
                    spill.record(&frame);
                }
                since_check += 1;
                if since_check < CHECK_EVERY {
                    continue;
                }
            }
            Ok(Polled::Idle) => {}
            Ok(Polled::End) => break,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
        since_check = 0;
        while let Ok(command) = commands.try_recv() {
            match obey(command, source, spill.as_mut()) {
                Ok(stop) => stopped |= stop,
                // A failed filter swap leaves the capture running; say so rather than hide it.
                Err(e) => analysis.note(e.to_string()),
            }
        }
        if stopped || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if on_tick(&progress(source), analysis).is_break() {
            stopped = true;
            break;
        }
    }
    if error.is_none() {
        error = drain(source, analysis, spill.as_mut(), capture.source.read_timeout * 2).err();
    }
    let stats = source.stats();
    note_losses(analysis, &stats, spill.as_ref());
    Ok(LiveEnd { stopped, error, stats, elapsed: started.elapsed(), spill })
}

/// Reads what the kernel still holds when the capture ends (it hands packets over in blocks,
/// up to one read timeout late), for at most `limit`.
fn drain(
    source: &mut dyn LiveFrames,
    analysis: &mut Analysis,
    mut spill: Option<&mut PcapNgSpill>,
    limit: Duration,
) -> Result<(), CaptureError> {
    let until = Instant::now() + limit;
    let mut idle = 0;
    while idle < 2 && Instant::now() < until {
        match source.poll_frame()? {
            Polled::Frame(frame) => {
                analysis.ingest(&frame);
                if let Some(spill) = spill.as_deref_mut() {
                    spill.record(&frame);
                }
            }
            Polled::Idle => idle += 1,
            Polled::End => break,
        }
    }
    Ok(())
}

fn progress(source: &mut dyn LiveFrames) -> Progress {
    let stats = source.stats();
    Progress { frames: stats.analysed, position: source.position(), size: None, live: Some(stats) }
}

/// Carries out one command; `Ok(true)` when it asks to stop.
fn obey(
    command: LiveCommand,
    source: &mut dyn LiveFrames,
    spill: Option<&mut PcapNgSpill>,
) -> Result<bool, CaptureError> {
    match command {
        LiveCommand::Pause => source.pause()?,
        LiveCommand::Resume => source.resume()?,
        LiveCommand::Stop => return Ok(true),
        LiveCommand::Save { path, reply } => save_in_background(spill, &source.stats(), path, reply),
    }
    Ok(false)
}

/// Flushes the spill here (quick) and copies it on another thread, so that capturing does
/// not stall while a large file is written.
fn save_in_background(
    spill: Option<&mut PcapNgSpill>,
    stats: &LiveStats,
    path: PathBuf,
    reply: SyncSender<Result<SavedCapture, CaptureError>>,
) {
    let copy = match spill {
        Some(spill) => spill.snapshot_for_save(&path, Some(stats)),
        None => Err(CaptureError::Save { path: path.clone(), reason: "this capture keeps no frames".into() }),
    };
    match copy {
        Ok(copy) => {
            let spawned = std::thread::Builder::new().name("whohosts-save".into()).spawn({
                let reply = reply.clone();
                let path = path.clone();
                move || {
                    let _ = reply.send(copy.save_to(&path));
                }
            });
            if let Err(e) = spawned {
                let _ = reply.send(Err(CaptureError::Save { path, reason: e.to_string() }));
            }
        }
        Err(e) => {
            let _ = reply.send(Err(e));
        }
    }
}

/// Saves after the capture has ended, on the calling thread, with the final counters.
pub fn save_after_end(end: &mut LiveEnd, path: PathBuf) -> Result<SavedCapture, CaptureError> {
    let stats = end.stats;
    match end.spill.as_mut() {
        Some(spill) => spill.snapshot_for_save(&path, Some(&stats))?.save_to(&path),
        None => Err(CaptureError::Save { path, reason: "this capture keeps no frames".into() }),
    }
}

/// Drops are warnings of the analysis, so that every report and view shows them.
fn note_losses(analysis: &mut Analysis, stats: &LiveStats, spill: Option<&PcapNgSpill>) {
    if stats.dropped > 0 {
        analysis.note(format!(
            "the kernel dropped {} of {} packets because whohosts did not read them fast enough",
            stats.dropped,
            stats.received.saturating_add(stats.dropped)
        ));
    }
    if stats.if_dropped > 0 {
        analysis.note(format!("the interface or its driver dropped {} packets", stats.if_dropped));
    }
    if let Some(spill) = spill.filter(|s| s.left_out() > 0) {
        analysis.note(format!(
            "{} frames were analysed but are not kept for saving (size limit reached or disk error)",
            spill.left_out()
        ));
    }
}
