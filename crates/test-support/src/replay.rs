//! A live capture without privileges: replays a capture file's frames as if they arrived
//! on an interface, at a steady rate, over and over. It pauses, resumes and counts like
//! libpcap does (frames arriving while paused are discarded, not analysed), so the live
//! paths (pause, resume, stop, save) run in CI where nobody may open a real interface.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use whohosts_core::capture::{
    CaptureError, FileSource, Frame, FrameSource, LiveFrames, LiveOpener, LiveOptions, LiveStats, Polled,
};

struct Recorded {
    ts_ns: i64,
    wire_len: u32,
    data: Vec<u8>,
}

pub struct ReplaySource {
    interface: String,
    link_type: i32,
    frames: Vec<Recorded>,
    /// Time between the first and last frame plus a second: each round is shifted by it.
    round_ns: i64,
    frames_per_second: f64,
    started: Instant,
    /// Frames that have "arrived" so far (analysed or discarded).
    arrived: u64,
    analysed: u64,
    discarded: u64,
    captured_bytes: u64,
    paused: bool,
    /// The frame handed out last, shifted to its round.
    current: Option<(usize, i64)>,
}

impl ReplaySource {
    /// Reads `path` whole; frames then arrive at `frames_per_second` on `interface`.
    pub fn open(path: &Path, interface: &str, frames_per_second: f64) -> Result<ReplaySource, CaptureError> {
        let mut file = FileSource::open(path)?;
        let mut frames = Vec::new();
        let mut link_type = 1;
        while let Some(frame) = file.next_frame()? {
            link_type = frame.link_type;
            frames.push(Recorded { ts_ns: frame.ts_ns, wire_len: frame.wire_len, data: frame.data.to_vec() });
        }
        let first = frames.first().map_or(0, |f| f.ts_ns);
        let last = frames.last().map_or(0, |f| f.ts_ns);
        Ok(ReplaySource {
            interface: interface.to_string(),
            link_type,
            frames,
            round_ns: last - first + 1_000_000_000,
            frames_per_second,
            started: Instant::now(),
            arrived: 0,
            analysed: 0,
            discarded: 0,
            captured_bytes: 0,
            paused: false,
            current: None,
        })
    }

    /// An opener for `Session::open_live_with` and the app: every capture it opens replays
    /// `path`, whatever the interface asked for.
    pub fn opener(path: &Path, frames_per_second: f64) -> LiveOpener {
        let path = path.to_path_buf();
        Arc::new(move |options: &LiveOptions| {
            let source = ReplaySource::open(&path, &options.interface, frames_per_second)?;
            Ok(Box::new(source) as Box<dyn LiveFrames>)
        })
    }

    /// Frames due by now at the replay rate.
    fn due(&self) -> u64 {
        (self.started.elapsed().as_secs_f64() * self.frames_per_second) as u64
    }
}

impl FrameSource for ReplaySource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            if let Polled::Frame(_) = self.poll_frame()? {
                break;
            }
        }
        let Some((index, ts_ns)) = self.current else { return Ok(None) };
        Ok(self.frames.get(index).map(|f| Frame {
            ts_ns,
            wire_len: f.wire_len,
            link_type: self.link_type,
            data: &f.data,
        }))
    }

    fn poll_frame(&mut self) -> Result<Polled<'_>, CaptureError> {
        let count = self.frames.len() as u64;
        while count > 0 && self.arrived < self.due() {
            let index = (self.arrived % count) as usize;
            let round = (self.arrived / count) as i64;
            self.arrived += 1;
            if self.paused {
                self.discarded += 1;
                continue;
            }
            let Some(frame) = self.frames.get(index) else { continue };
            self.analysed += 1;
            self.captured_bytes += frame.data.len() as u64;
            let ts_ns = frame.ts_ns + round * self.round_ns;
            self.current = Some((index, ts_ns));
            return Ok(Polled::Frame(Frame {
                ts_ns,
                wire_len: frame.wire_len,
                link_type: self.link_type,
                data: &frame.data,
            }));
        }
        // Nothing due: wait a little, as libpcap's read timeout would.
        std::thread::sleep(Duration::from_millis(2));
        Ok(Polled::Idle)
    }

    fn position(&self) -> u64 {
        self.captured_bytes
    }

    fn size(&self) -> Option<u64> {
        None
    }
}

impl LiveFrames for ReplaySource {
    fn interface(&self) -> &str {
        &self.interface
    }

    fn link_type(&self) -> i32 {
        self.link_type
    }

    fn pause(&mut self) -> Result<(), CaptureError> {
        self.paused = true;
        Ok(())
    }

    fn resume(&mut self) -> Result<(), CaptureError> {
        self.paused = false;
        Ok(())
    }

    fn stats(&mut self) -> LiveStats {
        LiveStats {
            received: self.arrived,
            dropped: 0,
            if_dropped: 0,
            analysed: self.analysed,
            discarded_while_paused: self.discarded,
            paused: self.paused,
        }
    }
}
