//! Rewrites a pcap as pcapng (one interface, nanosecond timestamps, the same frames), so
//! that `make bench` can time the same packets in both formats.
//!
//! Usage: pcap_to_pcapng IN.pcap OUT.pcapng

use std::fs::File;
use std::io::{BufReader, BufWriter};

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::PcapNgWriter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: pcap_to_pcapng IN.pcap OUT.pcapng".into());
    };
    let mut reader = PcapReader::new(BufReader::with_capacity(1 << 20, File::open(&input)?))?;
    let header = reader.header();
    let mut writer = PcapNgWriter::new(BufWriter::with_capacity(1 << 20, File::create(&output)?))?;
    writer.write_pcapng_block(InterfaceDescriptionBlock {
        linktype: header.datalink,
        snaplen: header.snaplen,
        options: vec![InterfaceDescriptionOption::IfTsResol(9)],
    })?;
    let mut frames = 0u64;
    while let Some(packet) = reader.next_packet() {
        let p = packet?;
        writer.write_pcapng_block(EnhancedPacketBlock {
            interface_id: 0,
            timestamp: p.timestamp,
            original_len: p.orig_len,
            data: p.data,
            options: vec![],
        })?;
        frames += 1;
    }
    eprintln!("{output}: {frames} frames");
    Ok(())
}
