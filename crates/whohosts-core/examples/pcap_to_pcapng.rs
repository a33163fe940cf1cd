//! Rewrites a pcap as pcapng (one interface, the same frames), so that `make bench` can
//! time the same packets in both formats. Timestamps are in microseconds, the pcapng
//! default that dumpcap and Wireshark write, or in nanoseconds with `--nsec`.
//!
//! Usage: pcap_to_pcapng [--nsec] IN.pcap OUT.pcapng

use std::fs::File;
use std::io::{BufReader, BufWriter};

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::PcapNgWriter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let nsec = args.first().is_some_and(|a| a == "--nsec");
    if nsec {
        args.remove(0);
    }
    let [input, output] = args.as_slice() else {
        return Err("usage: pcap_to_pcapng [--nsec] IN.pcap OUT.pcapng".into());
    };
    let mut reader = PcapReader::new(BufReader::with_capacity(1 << 20, File::open(input)?))?;
    let header = reader.header();
    let mut writer = PcapNgWriter::new(BufWriter::with_capacity(1 << 20, File::create(output)?))?;
    writer.write_pcapng_block(InterfaceDescriptionBlock {
        linktype: header.datalink,
        snaplen: header.snaplen,
        options: if nsec { vec![InterfaceDescriptionOption::IfTsResol(9)] } else { vec![] },
    })?;
    let mut frames = 0u64;
    while let Some(packet) = reader.next_packet() {
        let p = packet?;
        writer.write_pcapng_block(EnhancedPacketBlock {
            interface_id: 0,
            // pcap-file writes the count of nanoseconds as is: hand it the count of the
            // interface's unit.
            timestamp: if nsec { p.timestamp } else { std::time::Duration::from_nanos(p.timestamp.as_micros() as u64) },
            original_len: p.orig_len,
            data: p.data,
            options: vec![],
        })?;
        frames += 1;
    }
    eprintln!("{output}: {frames} frames");
    Ok(())
}
