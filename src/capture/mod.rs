//! Frame sources: capture files now, live interfaces later, behind one pull interface.
//! Owns libpcap access and the translation of its errors into messages that name the file.
// Parsers of capture input: no index that hostile bytes can push out of range.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod batch;
mod file;
mod pcapng;

use std::path::PathBuf;

pub use batch::{Batch, BatchMessage, BatchReader};
pub use file::FileSource;

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

/// Something that hands out frames one at a time.
pub trait FrameSource {
    /// The next frame; `Ok(None)` at the end. After an error the source is finished.
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError>;
    /// Rough count of input bytes consumed so far, for progress.
    fn position(&self) -> u64;
    /// Total input size when known (a file's length), for progress.
    fn size(&self) -> Option<u64>;
}

/// A problem reading a capture. Every variant names the file.
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
}

impl CaptureError {
    /// Whether the frames read before this error are still sound (the report keeps them and
    /// exits successfully with a warning).
    pub fn keeps_partial_results(&self) -> bool {
        matches!(self, CaptureError::Truncated { .. } | CaptureError::Read { .. })
    }
}
