//! Reading pcap and pcapng files through libpcap (the `pcap` crate).

use std::path::{Path, PathBuf};

use pcap::{Capture, Offline, Precision};

use super::pcapng::{looks_like_pcapng, PcapNgFallback};
use super::read_buffer::{self, ReadBuffer};
use super::{CaptureError, Frame, FrameSource};

enum Reader {
    /// The buffer, when there is one, is declared after the capture so that it outlives the
    /// stream that reads into it.
    Libpcap { capture: Capture<Offline>, _buffer: Option<ReadBuffer> },
    /// For pcapng files whose interfaces mix link types.
    MixedPcapNg(PcapNgFallback),
}

/// pcap file header; every record has a 16-byte header. Used for progress only.
const PCAP_FILE_HEADER_LEN: u64 = 24;
const RECORD_HEADER_LEN: u64 = 16;

pub struct FileSource {
    path: PathBuf,
    reader: Reader,
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
        let open = || Capture::from_file_with_precision(path, Precision::Nano);
        let (reader, link_type) = match open() {
            Ok(capture) if looks_like_pcapng(path) && mixes_link_types(open()) => {
                drop(capture);
                (Reader::MixedPcapNg(PcapNgFallback::open(path)?), -1)
            }
            Ok(capture) => {
                let link_type = capture.get_datalink().0;
                let buffer = if meta.is_file() { read_buffer::enlarge(&capture) } else { None };
                (Reader::Libpcap { capture, _buffer: buffer }, link_type)
            }
            Err(e) => match classify_open_error(path, &e.to_string()) {
                CaptureError::MixedLinkTypes { .. } => (Reader::MixedPcapNg(PcapNgFallback::open(path)?), -1),
                other => return Err(other),
            },
        };
        Ok(FileSource {
            path: path.into(),
            reader,
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

/// libpcap refuses pcapng files whose interfaces mix link types, but only on the first read:
/// try one on a throwaway handle.
fn mixes_link_types(probe: Result<Capture<Offline>, pcap::Error>) -> bool {
    let Ok(mut capture) = probe else { return false };
    matches!(capture.next_packet(), Err(e) if e.to_string().contains(MIXED_LINK_TYPES))
}

const MIXED_LINK_TYPES: &str = "different from the type of the first interface";

fn classify_open_error(path: &Path, message: &str) -> CaptureError {
    let reason = message.to_string();
    if message.contains(MIXED_LINK_TYPES) {
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

/// A pcap record's seconds are an unsigned 32-bit field (good until 2106), but libpcap
/// reads it as signed: a time after January 2038 arrives negative. No capture predates
/// 1970, so a negative value is taken back to the unsigned one it was.
fn seconds_since_epoch(tv_sec: i64) -> i64 {
    if tv_sec < 0 && tv_sec >= i64::from(i32::MIN) {
        tv_sec & 0xffff_ffff
    } else {
        tv_sec
    }
}

impl FrameSource for FileSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if self.done {
            return Ok(None);
        }
        let capture = match &mut self.reader {
            Reader::MixedPcapNg(fallback) => {
                let frame = fallback.next_frame();
                if !matches!(frame, Ok(Some(_))) {
                    self.done = true;
                }
                return frame;
            }
            Reader::Libpcap { capture, .. } => capture,
        };
        match capture.next_packet() {
            Ok(packet) => {
                self.frames += 1;
                self.position += RECORD_HEADER_LEN + u64::from(packet.header.caplen);
                let ts = &packet.header.ts;
                // With nanosecond precision libpcap puts nanoseconds in tv_usec. The field
                // widths differ between platforms, hence the conversions.
                #[allow(clippy::useless_conversion)]
                let ts_ns = seconds_since_epoch(i64::from(ts.tv_sec))
                    .saturating_mul(1_000_000_000)
                    .saturating_add(i64::from(ts.tv_usec));
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
                let reason = e.to_string();
                let path = self.path.clone();
                let frames = self.frames;
                self.done = true;
                Err(if reason.contains("truncated") {
                    CaptureError::Truncated { path, frames, reason }
                } else {
                    CaptureError::Read { path, frames, reason }
                })
            }
        }
    }

    fn position(&self) -> u64 {
        match &self.reader {
            Reader::MixedPcapNg(fallback) => fallback.position().min(self.size),
            Reader::Libpcap { .. } => self.position.min(self.size),
        }
    }

    fn size(&self) -> Option<u64> {
        Some(self.size)
    }
}

#[cfg(test)]
mod tests {
    use super::seconds_since_epoch;

    #[test]
    fn record_seconds_after_2038_are_not_read_as_before_1970() {
        assert_eq!(seconds_since_epoch(-1), i64::from(u32::MAX));
        assert_eq!(seconds_since_epoch(i64::from(i32::MIN)), 1 << 31);
        assert_eq!(seconds_since_epoch(0), 0);
        assert_eq!(seconds_since_epoch(1_767_225_600), 1_767_225_600);
        assert_eq!(seconds_since_epoch(1 << 40), 1 << 40);
    }
}
