//! The frames of selected flows as a pcap file: the source captures are re-read by libpcap
//! with BPF filters built from the flows' 5-tuples and the matching frames go to a
//! libpcap savefile. Many flows are split into several filters, each read as its own
//! stream; the streams (of every source) are merged by timestamp so the output stays in
//! time order.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use pcap::Packet;

use super::pcap_merge::Merge;

use super::atomic::{AtomicFile, Overwrite};
use super::ExportError;
use crate::flows::Flow;

/// Flow clauses per BPF expression: libpcap's optimiser slows down sharply past a few
/// hundred instructions, and each clause compiles to a few dozen.
const FLOWS_PER_FILTER: usize = 64;
/// Streams read at once (each holds the file open): bounds the flows one export takes.
const MAX_STREAMS: usize = 64;
pub const MAX_FLOWS: usize = FLOWS_PER_FILTER * MAX_STREAMS;

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcapExport {
    pub path: PathBuf,
    pub packets: u64,
    /// Sum of on-wire lengths.
    pub bytes: u64,
}

/// The BPF clause that matches one flow's packets in both directions.
pub fn flow_clause(flow: &Flow) -> String {
    let hosts = format!("host {} and host {}", flow.src, flow.dst);
    match flow.proto {
        6 | 17 => {
            let proto = if flow.proto == 6 { "tcp" } else { "udp" };
            format!("({hosts} and port {} and port {} and {proto})", flow.src_port, flow.dst_port)
        }
        proto => format!("({hosts} and (ip proto {proto} or ip6 proto {proto}))"),
    }
}

/// Matches the fragments (without transport header) between two hosts.
fn fragment_clause(a: IpAddr, b: IpAddr) -> String {
    match (a, b) {
        (IpAddr::V4(_), IpAddr::V4(_)) => format!("(ip[6:2] & 0x1fff != 0 and host {a} and host {b})"),
        _ => format!("(ip6[6] = 44 and host {a} and host {b})"),
    }
}

/// BPF expressions that together match every packet of `flows`, at most
/// [`FLOWS_PER_FILTER`] flows each. Flows between the same two hosts share an expression
/// where they fit, so that their fragments are matched by exactly one of them. The folded
/// "other" flow has no addresses to match and is left out.
pub fn bpf_filters(flows: &[Flow]) -> Vec<String> {
    let mut by_pair: Vec<((IpAddr, IpAddr), Vec<&Flow>)> = Vec::new();
    for flow in flows.iter().filter(|f| !f.other) {
        let pair = if flow.src <= flow.dst { (flow.src, flow.dst) } else { (flow.dst, flow.src) };
        match by_pair.iter_mut().find(|(p, _)| *p == pair) {
            Some((_, group)) => group.push(flow),
            None => by_pair.push((pair, vec![flow])),
        }
    }
    let mut filters: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut current_flows = 0;
    for ((a, b), group) in by_pair {
        let needs_fragments = group.iter().any(|f| f.proto == 6 || f.proto == 17);
        for (n, chunk) in group.chunks(FLOWS_PER_FILTER).enumerate() {
            if current_flows + chunk.len() > FLOWS_PER_FILTER && !current.is_empty() {
                filters.push(std::mem::take(&mut current));
                current_flows = 0;
            }
            current.extend(chunk.iter().map(|f| flow_clause(f)));
            if n == 0 && needs_fragments {
                current.push(fragment_clause(a, b));
            }
            current_flows += chunk.len();
        }
    }
    if !current.is_empty() {
        filters.push(current);
    }
    filters.into_iter().map(|clauses| clauses.join(" or ")).collect()
}

/// Writes every frame of `flows` from the capture `source` to `destination`, in time order,
/// keeping the source's link type, snap length and timestamp precision.
pub fn write_pcap(
    source: &Path,
    destination: &Path,
    flows: &[Flow],
    overwrite: Overwrite,
) -> Result<PcapExport, ExportError> {
    write_pcap_from(&[source.to_path_buf()], destination, flows, overwrite)
}

/// As [`write_pcap`] from several captures read as one (rotated files, a folder): their
/// frames are merged in time order, as the analysis merged them. They must share a link
/// type; the first one's header is kept. A file libpcap cannot open is left out, as the
/// analysis left it out.
pub fn write_pcap_from(
    sources: &[PathBuf],
    destination: &Path,
    flows: &[Flow],
    overwrite: Overwrite,
) -> Result<PcapExport, ExportError> {
    if flows.len() > MAX_FLOWS {
        return Err(ExportError::TooManyFlows { flows: flows.len(), max: MAX_FLOWS });
    }
    let filters = bpf_filters(flows);
    let mut merge = Merge::open(sources, &filters)?;
    // The frames carry payloads: a new file is for its owner's eyes only.
    let out = AtomicFile::create_private(destination, overwrite)?;
    let mut savefile = merge.header().savefile(out.temp_path()).map_err(|e| ExportError::Io {
        path: destination.to_path_buf(),
        reason: out.name_destination(&e.to_string()),
    })?;
    let mut written = PcapExport { path: destination.to_path_buf(), packets: 0, bytes: 0 };
    while let Some((header, data)) = merge.next()? {
        savefile.write(&Packet::new(&header, &data));
        written.packets += 1;
        written.bytes += u64::from(header.len);
    }
    savefile.flush().map_err(|e| ExportError::Io { path: destination.to_path_buf(), reason: e.to_string() })?;
    drop(savefile);
    out.commit()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::DirectionStats;
    use pcap::Capture;

    fn flow(src: &str, sport: u16, dst: &str, dport: u16, proto: u8) -> Flow {
        Flow {
            proto,
            src: src.parse().unwrap(),
            src_port: sport,
            dst: dst.parse().unwrap(),
            dst_port: dport,
            forward: DirectionStats::default(),
            reverse: DirectionStats::default(),
            first_ns: 0,
            last_ns: 0,
            first_frame: 1,
            remote_is_dst: true,
            other: false,
        }
    }

    #[test]
    fn clauses_name_hosts_ports_and_protocol() {
        assert_eq!(
            flow_clause(&flow("10.0.0.1", 5000, "17.1.1.1", 443, 6)),
            "(host 10.0.0.1 and host 17.1.1.1 and port 5000 and port 443 and tcp)"
        );
        assert_eq!(
            flow_clause(&flow("fe80::1", 0, "2001:db8::2", 0, 58)),
            "(host fe80::1 and host 2001:db8::2 and (ip proto 58 or ip6 proto 58))"
        );
        let filters = bpf_filters(&[flow("10.0.0.1", 1, "10.0.0.2", 53, 17)]);
        assert_eq!(
            filters,
            ["(host 10.0.0.1 and host 10.0.0.2 and port 1 and port 53 and udp) or (ip[6:2] & 0x1fff != 0 and host 10.0.0.1 and host 10.0.0.2)"]
        );
    }

    #[test]
    fn many_flows_are_chunked_with_one_fragment_clause_per_host_pair() {
        let flows: Vec<Flow> = (0..150).map(|i| flow("10.0.0.1", 1000 + i, "10.0.0.2", 443, 6)).collect();
        let filters = bpf_filters(&flows);
        assert_eq!(filters.len(), 3);
        let fragment_clauses: usize = filters.iter().map(|f| f.matches("0x1fff").count()).sum();
        assert_eq!(fragment_clauses, 1);
        let clauses: usize = filters.iter().map(|f| f.matches("and tcp)").count()).sum();
        assert_eq!(clauses, 150);
        // Every filter compiles.
        for f in &filters {
            let dead = Capture::dead(pcap::Linktype::ETHERNET).unwrap();
            dead.compile(f, true).unwrap();
        }
    }
}
