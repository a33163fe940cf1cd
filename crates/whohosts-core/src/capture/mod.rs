//! Frame sources: capture files and live interfaces, behind one pull interface.
//! Owns libpcap access and the translation of its errors into messages that name the file
//! or the interface.
// Parsers of capture input: no index that hostile bytes can push out of range.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod batch;
mod file;
mod interfaces;
mod live;
mod live_errors;
mod live_frames;
mod merged;
mod pcapng;
pub mod read_buffer;
mod spill;

use std::path::PathBuf;

pub use batch::{Batch, BatchMessage, BatchReader};
pub use file::{is_stdin, FileSource, STDIN_PATH};
pub use interfaces::{list_interfaces, local_policy_for, InterfaceAddress, InterfaceInfo};
pub use live::{can_capture, check_filter, LiveOptions, LiveSource, LiveStats};
pub use live_frames::{libpcap_opener, LiveFrames, LiveOpener};
pub use merged::MergedSource;
pub use spill::{PcapNgSpill, SavedCapture, SpillCopy};

/// One captured frame, borrowed from the source until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// Capture timestamp, nanoseconds since the Unix epoch.
    pub ts_ns: i64,
    /// Length of the frame on the wire.
    pub wire_len: u32,
    /// pcap LINKTYPE_* of the interface the frame came from.
    pub link_type: i32,
    /// The captured bytes (at most the snaplen).
    pub data: &'a [u8],
}

/// Largest wire length believed: libpcap's own maximum snapshot length. A record that claims
/// more (and more than it captured) is counted at its captured length.
pub const MAX_WIRE_LEN: u32 = 262_144;

/// The wire length to count for a frame: `None` when it is believable as it is, otherwise
/// the captured length to count instead.
pub fn capped_wire_len(frame: &Frame<'_>) -> Option<u32> {
    let captured = u32::try_from(frame.data.len()).unwrap_or(u32::MAX);
    (frame.wire_len > MAX_WIRE_LEN && frame.wire_len > captured).then_some(captured)
}

/// What a non-blocking pull found.
#[derive(Debug, Clone, Copy)]
pub enum Polled<'a> {
    Frame(Frame<'a>),
    /// Nothing arrived within the source's read timeout; a live source is still running.
    Idle,
    /// The real end: end of file, or a live capture that was stopped.
    End,
}

/// Something that hands out frames one at a time.
pub trait FrameSource {
    /// The next frame; `Ok(None)` only at the real end (a live source waits through quiet
    /// periods). After an error the source is finished.
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError>;
    /// Like `next_frame`, but returns `Idle` when a live source's read timeout passes
    /// without a frame, so that a loop can notice cancel, pause or a deadline. Files never
    /// idle.
    fn poll_frame(&mut self) -> Result<Polled<'_>, CaptureError> {
        Ok(match self.next_frame()? {
            Some(frame) => Polled::Frame(frame),
            None => Polled::End,
        })
    }
    /// Rough count of input bytes consumed so far, for progress.
    fn position(&self) -> u64;
    /// Total input size when known (a file's length), for progress.
    fn size(&self) -> Option<u64>;
}

/// A problem reading a capture. Every variant names the file or the interface (and the
/// filter expression when that was the problem).
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{path}: cannot open: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("{path}: not a pcap or pcapng capture file ({reason})")]
    NotACapture { path: PathBuf, reason: String },
    #[error(
        "{path}: the interfaces of this pcapng file use different link types, which libpcap cannot read ({reason})"
    )]
    MixedLinkTypes { path: PathBuf, reason: String },
    #[error("{path}: file is cut short after {frames} frames ({reason}); everything before the cut was kept")]
    Truncated { path: PathBuf, frames: u64, reason: String },
    #[error("{path}: read error after {frames} frames: {reason}")]
    Read { path: PathBuf, frames: u64, reason: String },
    #[error(
        "{interface}: no permission to capture ({reason}). Run whohosts as root, or allow it to capture once with: sudo setcap cap_net_raw,cap_net_admin=eip {binary}"
    )]
    NoPermission { interface: String, reason: String, binary: String },
    #[error("{interface}: no such interface ({reason}); `whohosts interfaces` lists the ones there are")]
    NoSuchInterface { interface: String, reason: String },
    #[error("{interface}: the interface is down ({reason})")]
    InterfaceDown { interface: String, reason: String },
    #[error("{interface}: bad capture filter '{filter}': {reason}")]
    BadFilter { interface: String, filter: String, reason: String },
    #[error("{interface}: cannot start capturing: {reason}")]
    LiveOpen { interface: String, reason: String },
    #[error(
        "{interface}: the interface went away after {frames} frames ({reason}); everything captured before was kept"
    )]
    InterfaceGone { interface: String, frames: u64, reason: String },
    #[error("{interface}: capture error after {frames} frames: {reason}")]
    LiveRead { interface: String, frames: u64, reason: String },
    #[error("cannot list network interfaces: {reason}")]
    ListInterfaces { reason: String },
    #[error("{path}: cannot save the capture: {reason}")]
    Save { path: PathBuf, reason: String },
}

impl CaptureError {
    /// Whether the frames read before this error are still sound (the report keeps them and
    /// exits successfully with a warning).
    pub fn keeps_partial_results(&self) -> bool {
        matches!(
            self,
            CaptureError::Truncated { .. }
                | CaptureError::Read { .. }
                | CaptureError::InterfaceGone { .. }
                | CaptureError::LiveRead { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_lengths_beyond_belief_count_as_captured() {
        let frame = |wire_len, data| Frame { ts_ns: 0, wire_len, link_type: 1, data };
        assert_eq!(capped_wire_len(&frame(1514, &[0; 68])), None);
        assert_eq!(capped_wire_len(&frame(MAX_WIRE_LEN, &[0; 60])), None);
        assert_eq!(capped_wire_len(&frame(u32::MAX, &[0; 141])), Some(141));
    }
}
