//! Reading pcap and pcapng files through libpcap (the `pcap` crate). The input is opened
//! once and read in one pass, so a pipe, `/dev/stdin` or `-` (standard input) reads like a
//! file; only a regular file whose pcapng interfaces mix link types is read a second time,
//! by the fallback reader.

use std::fs::File;
use std::path::{Path, PathBuf};

use pcap::{Capture, Offline};

use super::pcapng::PcapNgFallback;
use super::read_buffer::{self, ReadBuffer};
use super::{CaptureError, Frame, FrameSource};

enum Reader {
    /// The buffer is declared after the capture so that it outlives the stream that reads
    /// into it.
    Libpcap { capture: Capture<Offline>, _buffer: ReadBuffer },
    /// For pcapng files whose interfaces mix link types.
    MixedPcapNg(PcapNgFallback),
}

/// pcap file header; every record has a 16-byte header. Used for progress only.
const PCAP_FILE_HEADER_LEN: u64 = 24;
const RECORD_HEADER_LEN: u64 = 16;

/// The path that means standard input.
pub const STDIN_PATH: &str = "-";

pub struct FileSource {
    path: PathBuf,
    reader: Reader,
    link_type: i32,
    frames: u64,
    position: u64,
    /// The file's length; None for pipes and devices.
    size: Option<u64>,
    done: bool,
}

/// Whether `path` names standard input (`-`).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_PATH
}

/// Opens `path` (or standard input for `-`) once: the returned file is the only handle.
fn open_input(path: &Path) -> Result<File, CaptureError> {
    let open_error = |e: std::io::Error| CaptureError::Open { path: path.into(), reason: e.to_string() };
    if is_stdin(path) {
        use std::os::fd::AsFd;
        let fd = std::io::stdin().as_fd().try_clone_to_owned().map_err(open_error)?;
        return Ok(File::from(fd));
    }
    File::open(path).map_err(open_error)
}

impl FileSource {
    pub fn open(path: &Path) -> Result<FileSource, CaptureError> {
        let file = open_input(path)?;
        let meta = file.metadata().map_err(|e| CaptureError::Open { path: path.into(), reason: e.to_string() })?;
        if meta.is_dir() {
            return Err(CaptureError::Open { path: path.into(), reason: "it is a directory".into() });
        }
        let size = meta.is_file().then_some(meta.len());
        let (reader, link_type) = match read_buffer::open_offline(file) {
            Ok((capture, buffer)) => {
                let link_type = capture.get_datalink().0;
                (Reader::Libpcap { capture, _buffer: buffer }, link_type)
            }
            Err(e) => match classify_open_error(path, &e) {
                // Only a file can be read a second time.
                CaptureError::MixedLinkTypes { .. } if size.is_some() => {
                    (Reader::MixedPcapNg(PcapNgFallback::open(path)?), -1)
                }
                other => return Err(other),
            },
        };
        Ok(FileSource {
            path: path.into(),
            reader,
            link_type,
            frames: 0,
            position: PCAP_FILE_HEADER_LEN,
            size,
            done: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn link_type(&self) -> i32 {
        self.link_type
    }

    /// libpcap met an interface of another link type after `self.frames` frames: a regular
    /// file is read again by the fallback reader, which skips the frames already handed out.
    fn switch_to_fallback(&mut self, reason: String) -> Result<(), CaptureError> {
        let path = self.path.clone();
        if self.size.is_none() {
            return Err(CaptureError::MixedLinkTypes {
                path,
                reason: format!("{reason}; save it to a file first, which whohosts can read"),
            });
        }
        let mut fallback = PcapNgFallback::open(&path)?;
        for _ in 0..self.frames {
            if fallback.next_frame()?.is_none() {
                break;
            }
        }
        self.link_type = -1;
        self.reader = Reader::MixedPcapNg(fallback);
        Ok(())
    }
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

/// What one libpcap read found, with no borrow of the capture left, so that the reader
/// can still be switched to the fallback afterwards.
enum LibpcapRead {
    /// The bytes stay in libpcap's buffer until its next read.
    Frame {
        ts_ns: i64,
        wire_len: u32,
        caplen: u32,
        data: *const u8,
    },
    End,
    Failed(String),
}

fn read_libpcap(capture: &mut Capture<Offline>) -> LibpcapRead {
    match capture.next_packet() {
        Ok(packet) => {
            let ts = &packet.header.ts;
            // With nanosecond precision libpcap puts nanoseconds in tv_usec. The field
            // widths differ between platforms, hence the conversions.
            #[allow(clippy::useless_conversion)]
            let ts_ns = seconds_since_epoch(i64::from(ts.tv_sec))
                .saturating_mul(1_000_000_000)
                .saturating_add(i64::from(ts.tv_usec));
            LibpcapRead::Frame {
                ts_ns,
                wire_len: packet.header.len,
                caplen: u32::try_from(packet.data.len()).unwrap_or(u32::MAX),
                data: packet.data.as_ptr(),
            }
        }
        Err(pcap::Error::NoMorePackets) => LibpcapRead::End,
        Err(e) => LibpcapRead::Failed(e.to_string()),
    }
}

impl FrameSource for FileSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if self.done {
            return Ok(None);
        }
        let read = match &mut self.reader {
            Reader::Libpcap { capture, .. } => Some(read_libpcap(capture)),
            // The fallback reads below.
            Reader::MixedPcapNg(_) => None,
        };
        match read {
            None => {}
            Some(LibpcapRead::Frame { ts_ns, wire_len, caplen, data }) => {
                self.frames += 1;
                self.position += RECORD_HEADER_LEN + u64::from(caplen);
                let wire_len = wire_len.max(caplen);
                // SAFETY: `data` points at `caplen` bytes in libpcap's buffer, which stay put
                // until the capture's next read; that needs `&mut self`, which the returned
                // frame's borrow of `self` rules out while the frame lives.
                let data = unsafe { std::slice::from_raw_parts(data, caplen as usize) };
                return Ok(Some(Frame { ts_ns, wire_len, link_type: self.link_type, data }));
            }
            Some(LibpcapRead::End) => {
                self.done = true;
                self.position = self.size.unwrap_or(self.position);
                return Ok(None);
            }
            Some(LibpcapRead::Failed(reason)) if reason.contains(MIXED_LINK_TYPES) => {
                if let Err(e) = self.switch_to_fallback(reason) {
                    self.done = true;
                    return Err(e);
                }
            }
            Some(LibpcapRead::Failed(reason)) => {
                let path = self.path.clone();
                self.done = true;
                return Err(if reason.contains("truncated") {
                    CaptureError::Truncated { path, frames: self.frames, reason }
                } else {
                    CaptureError::Read { path, frames: self.frames, reason }
                });
            }
        }
        let Reader::MixedPcapNg(fallback) = &mut self.reader else { return Ok(None) };
        let frame = fallback.next_frame();
        if !matches!(frame, Ok(Some(_))) {
            self.done = true;
        }
        frame
    }

    fn position(&self) -> u64 {
        let position = match &self.reader {
            Reader::MixedPcapNg(fallback) => fallback.position(),
            Reader::Libpcap { .. } => self.position,
        };
        self.size.map_or(position, |size| position.min(size))
    }

    fn size(&self) -> Option<u64> {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_seconds_after_2038_are_not_read_as_before_1970() {
        assert_eq!(seconds_since_epoch(-1), i64::from(u32::MAX));
        assert_eq!(seconds_since_epoch(i64::from(i32::MIN)), 1 << 31);
        assert_eq!(seconds_since_epoch(0), 0);
        assert_eq!(seconds_since_epoch(1_767_225_600), 1_767_225_600);
        assert_eq!(seconds_since_epoch(1 << 40), 1 << 40);
    }
}
