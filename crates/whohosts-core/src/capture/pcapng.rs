//! A pcapng reader for the files libpcap refuses: those whose interfaces use different link
//! types (e.g. Ethernet and raw IP merged by mergecap). Each frame carries its own
//! interface's link type. Everything else goes through libpcap.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::PcapError;

use super::{CaptureError, Frame};

pub struct PcapNgFallback {
    path: PathBuf,
    reader: PcapNgReader<BufReader<File>>,
    data: Vec<u8>,
    frames: u64,
    position: u64,
}

/// One frame's metadata, with its bytes in `PcapNgFallback::data`.
struct Header {
    ts_ns: i64,
    wire_len: u32,
    link_type: i32,
}

impl PcapNgFallback {
    pub fn open(path: &Path) -> Result<PcapNgFallback, CaptureError> {
        let file = File::open(path).map_err(|e| CaptureError::Open { path: path.into(), reason: e.to_string() })?;
        let reader = PcapNgReader::new(BufReader::new(file))
            .map_err(|e| CaptureError::NotACapture { path: path.into(), reason: e.to_string() })?;
        Ok(PcapNgFallback { path: path.into(), reader, data: Vec::new(), frames: 0, position: 0 })
    }

    pub fn position(&self) -> u64 {
        self.position
    }

    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            // pcap-file is meant to return errors, but hostile input must not take the whole
            // program down if one of its checks is missing.
            let next = crate::quiet_panic::catch_quietly(|| self.next_header());
            let header = match next {
                Some(result) => result?,
                None => return Err(read_error(&self.path, self.frames, "malformed block")),
            };
            let header = match header {
                None => return Ok(None),
                Some(None) => continue,
                Some(Some(header)) => header,
            };
            self.frames += 1;
            self.position += 32 + self.data.len() as u64;
            return Ok(Some(Frame {
                ts_ns: header.ts_ns,
                wire_len: header.wire_len,
                link_type: header.link_type,
                data: &self.data,
            }));
        }
    }

    /// `Ok(None)` at the end; `Ok(Some(None))` for a block that is not a packet.
    fn next_header(&mut self) -> Result<Option<Option<Header>>, CaptureError> {
        let Some(block) = self.reader.next_block() else { return Ok(None) };
        let block = block.map_err(|e| read_error(&self.path, self.frames, &describe(&e)))?;
        // (interface, raw timestamp, original length); the bytes go to `self.data`.
        let (interface_id, raw_ts, original_len) = match block {
            Block::EnhancedPacket(p) => {
                self.data.clear();
                self.data.extend_from_slice(&p.data);
                (p.interface_id, Some(u64::try_from(p.timestamp.as_nanos()).unwrap_or(u64::MAX)), p.original_len)
            }
            Block::SimplePacket(p) => {
                self.data.clear();
                self.data.extend_from_slice(&p.data);
                (0, None, p.original_len)
            }
            _ => return Ok(Some(None)),
        };
        let interface = self.reader.interfaces().get(interface_id as usize);
        Ok(Some(Some(Header {
            ts_ns: raw_ts.zip(interface).map_or(0, |(raw, i)| timestamp_ns(raw, i)),
            wire_len: original_len.max(u32::try_from(self.data.len()).unwrap_or(u32::MAX)),
            link_type: interface.map_or(-1, |i| u32::from(i.linktype) as i32),
        })))
    }
}

/// pcap-file's I/O error says only "Error reading bytes"; the cause is in its source.
fn describe(error: &PcapError) -> String {
    match error {
        PcapError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            format!("incomplete block at the end of the file ({io})")
        }
        PcapError::IncompleteBuffer => "incomplete block at the end of the file".into(),
        PcapError::IoError(io) => format!("{error}: {io}"),
        other => other.to_string(),
    }
}

fn read_error(path: &Path, frames: u64, reason: &str) -> CaptureError {
    let (path, reason) = (path.to_path_buf(), reason.to_string());
    if reason.contains("ncomplete") {
        CaptureError::Truncated { path, frames, reason }
    } else {
        CaptureError::Read { path, frames, reason }
    }
}

/// pcap-file hands over the raw timestamp count; `if_tsresol` says its unit (default µs).
fn timestamp_ns(raw: u64, interface: &InterfaceDescriptionBlock<'_>) -> i64 {
    let resolution = interface
        .options
        .iter()
        .find_map(|o| match o {
            InterfaceDescriptionOption::IfTsResol(r) => Some(*r),
            _ => None,
        })
        .unwrap_or(6);
    let raw = i128::from(raw);
    let ns = if resolution & 0x80 == 0 {
        let exp = i32::from(resolution);
        if exp <= 9 {
            raw * 10i128.pow((9 - exp) as u32)
        } else {
            raw / 10i128.pow((exp - 9).min(30) as u32)
        }
    } else {
        // Negative power of two: raw / 2^n seconds.
        let n = u32::from(resolution & 0x7f).min(100);
        (raw * 1_000_000_000) >> n.min(127)
    };
    i64::try_from(ns).unwrap_or(i64::MAX)
}
