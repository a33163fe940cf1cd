//! Flow records of the report.

use serde::Serialize;

use super::seconds;
use crate::flows::{DirectionStats, Flow};
use crate::snapshot::Snapshot;

#[derive(Debug, Serialize)]
pub struct FlowRecord {
    pub proto: String,
    pub src: String,
    pub sport: u16,
    pub dst: String,
    pub dport: u16,
    pub packets: u64,
    pub bytes: u64,
    pub first_ts: f64,
    pub last_ts: f64,
    /// "src" or "dst": which side is the remote endpoint.
    pub remote: &'static str,
    /// Owner of the remote side ("AWS", "AS714 APPLE-ENGINEERING", "Local network" ...).
    pub provider: String,
    /// Best name of the remote side, when the capture revealed one.
    pub remote_name: Option<String>,
    /// src -> dst
    pub forward: DirectionRecord,
    /// dst -> src
    pub reverse: DirectionRecord,
}

#[derive(Debug, Serialize)]
pub struct DirectionRecord {
    pub packets: u64,
    pub bytes: u64,
    pub captured_bytes: u64,
    /// TCP flags seen, as letters (e.g. "SAF"); empty for other protocols.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tcp_flags: String,
}

/// Name of an IP protocol number as used in the report.
pub fn proto_name(proto: u8) -> String {
    match proto {
        6 => "tcp".into(),
        17 => "udp".into(),
        1 => "icmp".into(),
        58 => "icmpv6".into(),
        2 => "igmp".into(),
        47 => "gre".into(),
        50 => "esp".into(),
        132 => "sctp".into(),
        other => format!("ip-proto-{other}"),
    }
}

fn flag_letters(flags: u8) -> String {
    const LETTERS: [(u8, char); 8] =
        [(0x02, 'S'), (0x10, 'A'), (0x08, 'P'), (0x01, 'F'), (0x04, 'R'), (0x20, 'U'), (0x40, 'E'), (0x80, 'C')];
    LETTERS.iter().filter(|(bit, _)| flags & bit != 0).map(|(_, c)| *c).collect()
}

fn direction(d: &DirectionStats, proto: u8) -> DirectionRecord {
    DirectionRecord {
        packets: d.packets,
        bytes: d.bytes,
        captured_bytes: d.captured_bytes,
        tcp_flags: if proto == 6 { flag_letters(d.tcp_flags) } else { String::new() },
    }
}

fn flow_record(f: &Flow, provider: String, remote_name: Option<String>) -> FlowRecord {
    FlowRecord {
        proto: proto_name(f.proto),
        src: f.src.to_string(),
        sport: f.src_port,
        dst: f.dst.to_string(),
        dport: f.dst_port,
        packets: f.packets(),
        bytes: f.bytes(),
        first_ts: seconds(f.first_ns),
        last_ts: seconds(f.last_ns),
        remote: if f.remote_is_dst { "dst" } else { "src" },
        provider,
        remote_name,
        forward: direction(&f.forward, f.proto),
        reverse: direction(&f.reverse, f.proto),
    }
}

pub(super) fn flow_records(snapshot: &Snapshot) -> Vec<FlowRecord> {
    snapshot
        .flows
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let endpoint = snapshot.flow_endpoint.get(i).and_then(|&e| snapshot.endpoints.get(e as usize));
            let provider = endpoint
                .and_then(|e| snapshot.owners.get(e.owner))
                .map_or_else(|| crate::snapshot::UNKNOWN_OWNER.to_string(), |o| o.owner.name.clone());
            flow_record(f, provider, endpoint.and_then(|e| e.best_name.clone()))
        })
        .collect()
}
