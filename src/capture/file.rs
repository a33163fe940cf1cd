//! Reading pcap and pcapng files through libpcap (the `pcap` crate).

use std::path::{Path, PathBuf};

use pcap::{Capture, Offline, Precision};

use super::{CaptureError, Frame, FrameSource};

/// pcap file header; every record has a 16-byte header. Used for progress only.
const PCAP_FILE_HEADER_LEN: u64 = 24;
const RECORD_HEADER_LEN: u64 = 16;

pub struct FileSource {
    path: PathBuf,
    capture: Capture<Offline>,
    link_type: i32,
    frames: u64,
    position: u64,
    size: u64,
    done: bool,
}

impl FileSource {
    pub fn open(path: &Path) -> Result<FileSource, CaptureError> {
        let meta =
            std::fs::metadata(path).map_err(|e| CaptureError::Open { path: path.into(), reason: e.to_string() })?;
        if meta.is_dir() {
            return Err(CaptureError::Open { path: path.into(), reason: "it is a directory".into() });
        }
        // Opening the file ourselves first gives the OS's own wording for permission problems.
        std::fs::File::open(path).map_err(|e| CaptureError::Open { path: path.into(), reason: e.to_string() })?;
        let capture = Capture::from_file_with_precision(path, Precision::Nano)
            .map_err(|e| classify_open_error(path, &e.to_string()))?;
        let link_type = capture.get_datalink().0;
        Ok(FileSource {
            path: path.into(),
            capture,
            link_type,
            frames: 0,
            position: PCAP_FILE_HEADER_LEN,
            size: meta.len(),
            done: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn link_type(&self) -> i32 {
        self.link_type
    }
}

fn classify_open_error(path: &Path, message: &str) -> CaptureError {
    let reason = message.to_string();
    if message.contains("different from the type of the first interface") {
        CaptureError::MixedLinkTypes { path: path.into(), reason }
    } else if message.contains("unknown file format")
        || message.contains("truncated dump file")
        || message.contains("bad dump file format")
        || message.contains("archaic pcap")
    {
        CaptureError::NotACapture { path: path.into(), reason }
    } else {
        CaptureError::Open { path: path.into(), reason }
    }
}

impl FrameSource for FileSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if self.done {
            return Ok(None);
        }
        match self.capture.next_packet() {
            Ok(packet) => {
                self.frames += 1;
                self.position += RECORD_HEADER_LEN + u64::from(packet.header.caplen);
                let ts = &packet.header.ts;
                // With nanosecond precision libpcap puts nanoseconds in tv_usec. The field
                // widths differ between platforms, hence the conversions.
                #[allow(clippy::useless_conversion)]
                let ts_ns = i64::from(ts.tv_sec).saturating_mul(1_000_000_000).saturating_add(i64::from(ts.tv_usec));
                Ok(Some(Frame {
                    ts_ns,
                    wire_len: packet.header.len.max(packet.header.caplen),
                    link_type: self.link_type,
                    data: packet.data,
                }))
            }
            Err(pcap::Error::NoMorePackets) => {
                self.done = true;
                self.position = self.size;
                Ok(None)
            }
            Err(e) => {
                self.done = true;
                let reason = e.to_string();
                let path = self.path.clone();
                let frames = self.frames;
                Err(if reason.contains("truncated") {
                    CaptureError::Truncated { path, frames, reason }
                } else if reason.contains("different from the type of the first interface") {
                    CaptureError::MixedLinkTypes { path, reason }
                } else {
                    CaptureError::Read { path, frames, reason }
                })
            }
        }
    }

    fn position(&self) -> u64 {
        self.position.min(self.size)
    }

    fn size(&self) -> Option<u64> {
        Some(self.size)
    }
}
