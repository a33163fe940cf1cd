//! Capture-file writers: classic pcap (micro/nanosecond, either byte order) and pcapng with
//! several interfaces, all through the `pcap-file` crate so the byte order and timestamp
//! resolution can be chosen per file.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::{DataLink, Endianness, TsResolution};

/// One captured frame: its time since the Unix epoch and its link-layer bytes.
#[derive(Clone, Debug)]
pub struct Frame {
    pub ts: Duration,
    pub data: Vec<u8>,
}

/// Layout of a classic pcap file.
#[derive(Clone, Copy, Debug)]
pub struct PcapLayout {
    pub resolution: TsResolution,
    pub endianness: Endianness,
}

impl PcapLayout {
    /// What libpcap writes on a little-endian machine: microseconds, little-endian.
    pub const MICRO_LE: PcapLayout =
        PcapLayout { resolution: TsResolution::MicroSecond, endianness: Endianness::Little };
}

const SNAPLEN: u32 = 262_144;

/// Writes `frames` (sorted by time here, stable) as a classic pcap file.
pub fn write_pcap(path: &Path, link: DataLink, layout: PcapLayout, frames: &[Frame]) -> Result<()> {
    let file = File::create(path).with_context(|| format!("create {}", path.display()))?;
    let header = PcapHeader {
        datalink: link,
        ts_resolution: layout.resolution,
        endianness: layout.endianness,
        snaplen: SNAPLEN,
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(BufWriter::new(file), header)?;
    let mut sorted: Vec<&Frame> = frames.iter().collect();
    sorted.sort_by_key(|f| f.ts);
    for frame in sorted {
        let ts = match layout.resolution {
            // Round down to what the file can hold so readers see exactly what we meant.
            TsResolution::MicroSecond => Duration::from_micros(frame.ts.as_micros() as u64),
            TsResolution::NanoSecond => frame.ts,
        };
        writer.write_packet(&PcapPacket {
            timestamp: ts,
            orig_len: frame.data.len() as u32,
            data: Cow::Borrowed(&frame.data),
        })?;
    }
    Ok(())
}

/// Writes a pcapng file with one interface per entry of `links`; each frame names its
/// interface by index. Timestamps are nanoseconds (`if_tsresol` = 9).
pub fn write_pcapng(path: &Path, links: &[DataLink], frames: &[(u32, Frame)]) -> Result<()> {
    let file = File::create(path).with_context(|| format!("create {}", path.display()))?;
    let mut writer = PcapNgWriter::new(BufWriter::new(file))?;
    for link in links {
        writer.write_pcapng_block(InterfaceDescriptionBlock {
            linktype: *link,
            snaplen: SNAPLEN,
            // pcap-file writes EPB timestamps in nanoseconds; say so.
            options: vec![InterfaceDescriptionOption::IfTsResol(9)],
        })?;
    }
    let mut sorted: Vec<&(u32, Frame)> = frames.iter().collect();
    sorted.sort_by_key(|(_, f)| f.ts);
    for (interface_id, frame) in sorted {
        writer.write_pcapng_block(EnhancedPacketBlock {
            interface_id: *interface_id,
            timestamp: frame.ts,
            original_len: frame.data.len() as u32,
            data: Cow::Borrowed(&frame.data),
            options: vec![],
        })?;
    }
    Ok(())
}
