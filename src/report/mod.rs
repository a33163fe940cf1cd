//! The report over a finished analysis: one serialisable structure, printed as text for
//! people or as JSON for programs. Reads the analysis; changes nothing.

mod text;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::decode::link_type;
use crate::flows::{DirectionStats, Flow};

pub use text::write_text;

#[derive(Debug, Serialize)]
pub struct Report {
    pub file: String,
    pub capture: CaptureSummary,
    pub flows: Vec<FlowRecord>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CaptureSummary {
    pub packets: u64,
    pub bytes: u64,
    pub captured_bytes: u64,
    /// Seconds since the Unix epoch.
    pub first_ts: Option<f64>,
    pub last_ts: Option<f64>,
    pub duration: f64,
    pub link_types: Vec<LinkTypeCount>,
    pub ip_packets: u64,
    pub non_ip_packets: u64,
    pub fragments: u64,
    pub reassembled_datagrams: u64,
    pub flows: usize,
    pub endpoints: usize,
}

#[derive(Debug, Serialize)]
pub struct LinkTypeCount {
    pub link_type: i32,
    pub name: String,
    pub packets: u64,
}

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

pub fn seconds(ns: i64) -> f64 {
    ns as f64 / 1e9
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

fn flow_record(f: &Flow) -> FlowRecord {
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
        forward: direction(&f.forward, f.proto),
        reverse: direction(&f.reverse, f.proto),
    }
}

impl Report {
    pub fn build(file: &str, analysis: &Analysis) -> Report {
        let t = analysis.totals();
        let frag = analysis.fragment_stats();
        let capture = CaptureSummary {
            packets: t.frames,
            bytes: t.bytes,
            captured_bytes: t.captured_bytes,
            first_ts: t.first_ns.map(seconds),
            last_ts: t.last_ns.map(seconds),
            duration: t.first_ns.zip(t.last_ns).map_or(0.0, |(f, l)| seconds(l.saturating_sub(f))),
            link_types: t
                .link_types
                .iter()
                .map(|(&lt, &n)| LinkTypeCount { link_type: lt, name: link_type::name(lt), packets: n })
                .collect(),
            ip_packets: t.ip_frames,
            non_ip_packets: t.non_ip.values().sum(),
            fragments: frag.fragments,
            reassembled_datagrams: frag.reassembled,
            flows: analysis.flows().len(),
            endpoints: analysis.endpoints().len(),
        };
        Report {
            file: file.to_string(),
            capture,
            flows: analysis.flows().flows().iter().map(flow_record).collect(),
            warnings: analysis.warnings(),
        }
    }
}
