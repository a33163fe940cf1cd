//! The pcap export as pcapng with a Name Resolution Block: the names whohosts learned
//! (address -> best name first, then the others) travel with the frames, so Wireshark and
//! tshark (`-N d`, `-z hosts`) show them without any look-up. The frames are chosen and
//! ordered by [`write_pcap_from`]; this module only re-wraps them.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::blocks::name_resolution::{Ipv4Record, Ipv6Record, NameResolutionBlock, Record};
use pcap_file::pcapng::{Block, PcapNgWriter};

use super::atomic::{AtomicFile, Overwrite};
use super::pcap::{write_pcap_from, PcapExport};
use super::ExportError;
use crate::flows::Flow;
use crate::snapshot::Snapshot;

/// Whether a destination asks for pcapng (by its extension).
pub fn wants_pcapng(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pcapng"))
}

/// Every address with learned names: the best name first, then the others in order seen.
pub fn learned_names(snapshot: &Snapshot) -> Vec<(IpAddr, Vec<String>)> {
    let mut out = Vec::new();
    for view in snapshot.endpoints.iter() {
        let mut names: Vec<String> = view.best_name.iter().cloned().collect();
        for sighting in &view.names {
            if !names.contains(&sighting.name) {
                names.push(sighting.name.clone());
            }
        }
        if !names.is_empty() {
            out.push((view.endpoint.ip, names));
        }
    }
    out
}

/// Writes the frames of `flows` from `source` as pcapng: one interface (the source's link
/// type, nanosecond timestamps), a Name Resolution Block holding `names`, then the frames.
pub fn write_pcapng_with_names(
    source: &Path,
    destination: &Path,
    flows: &[Flow],
    names: &[(IpAddr, Vec<String>)],
    overwrite: Overwrite,
) -> Result<PcapExport, ExportError> {
    write_pcapng_with_names_from(&[source.to_path_buf()], destination, flows, names, overwrite)
}

/// As [`write_pcapng_with_names`] from several captures read as one, their frames merged
/// in time order (see [`write_pcap_from`]).
pub fn write_pcapng_with_names_from(
    sources: &[PathBuf],
    destination: &Path,
    flows: &[Flow],
    names: &[(IpAddr, Vec<String>)],
    overwrite: Overwrite,
) -> Result<PcapExport, ExportError> {
    // The frames carry payloads: the owner's alone, as for a pcap.
    let out = AtomicFile::create_private(destination, overwrite)?;
    let staging = tempfile::Builder::new().suffix(".pcap").tempfile().map_err(|e| io_error(destination, &e))?;
    let mut written = write_pcap_from(sources, staging.path(), flows, Overwrite::Replace)?;
    written.path = destination.to_path_buf();

    let file = File::open(staging.path()).map_err(|e| io_error(staging.path(), &e))?;
    let mut reader = PcapReader::new(file).map_err(|e| io_error(staging.path(), &e))?;
    let header = reader.header();
    let target = File::create(out.temp_path()).map_err(|e| io_error(destination, &e))?;
    let mut writer = PcapNgWriter::new(BufWriter::new(target)).map_err(|e| io_error(destination, &e))?;
    let interface = InterfaceDescriptionBlock {
        linktype: header.datalink,
        snaplen: header.snaplen,
        options: vec![InterfaceDescriptionOption::IfTsResol(9)],
    };
    writer.write_block(&Block::InterfaceDescription(interface)).map_err(|e| io_error(destination, &e))?;
    if !names.is_empty() {
        let records = names.iter().map(|(ip, list)| name_record(*ip, list)).collect();
        let block = NameResolutionBlock { records, options: Vec::new() };
        writer.write_block(&Block::NameResolution(block)).map_err(|e| io_error(destination, &e))?;
    }
    while let Some(packet) = reader.next_packet() {
        let packet = packet.map_err(|e| io_error(staging.path(), &e))?;
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: packet.timestamp,
            original_len: packet.orig_len,
            data: Cow::Borrowed(&packet.data),
            options: Vec::new(),
        };
        writer.write_block(&Block::EnhancedPacket(block)).map_err(|e| io_error(destination, &e))?;
    }
    let mut inner = writer.into_inner();
    std::io::Write::flush(&mut inner).map_err(|e| io_error(destination, &e))?;
    drop(inner);
    out.commit()?;
    Ok(written)
}

fn io_error(path: &Path, e: &dyn std::fmt::Display) -> ExportError {
    ExportError::Io { path: path.to_path_buf(), reason: e.to_string() }
}

fn name_record(ip: IpAddr, names: &[String]) -> Record<'static> {
    let names = names.iter().map(|n| Cow::Owned(n.clone())).collect();
    match ip {
        IpAddr::V4(v4) => Record::Ipv4(Ipv4Record { ip_addr: Cow::Owned(v4.octets().to_vec()), names }),
        IpAddr::V6(v6) => Record::Ipv6(Ipv6Record { ip_addr: Cow::Owned(v6.octets().to_vec()), names }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcapng_by_extension() {
        assert!(wants_pcapng(Path::new("out.pcapng")) && wants_pcapng(Path::new("OUT.PCAPNG")));
        assert!(!wants_pcapng(Path::new("out.pcap")) && !wants_pcapng(Path::new("pcapng")));
    }

    #[test]
    fn records_hold_the_address_bytes_and_names() {
        let r = name_record("17.1.2.3".parse().unwrap(), &["a.example".into(), "b.example".into()]);
        match r {
            Record::Ipv4(v4) => {
                assert_eq!(v4.ip_addr.as_ref(), &[17, 1, 2, 3]);
                assert_eq!(v4.names, ["a.example", "b.example"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
