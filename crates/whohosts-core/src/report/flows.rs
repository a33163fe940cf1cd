//! Flow records of the report.

use std::borrow::Cow;

use crate::providers::owner::UNKNOWN_LABEL;
use std::net::IpAddr;
use std::sync::LazyLock;

use serde::Serialize;

use super::seconds;
use crate::flows::{DirectionStats, Flow};
use crate::snapshot::Snapshot;

/// Borrows from the snapshot: a report of a million flows makes one record at a time, and
/// no copies of the strings it already holds.
#[derive(Debug, Serialize)]
pub struct FlowRecord<'a> {
    pub proto: Cow<'static, str>,
    pub src: IpAddr,
    pub sport: u16,
    pub dst: IpAddr,
    pub dport: u16,
    pub packets: u64,
    pub bytes: u64,
    pub first_ts: f64,
    pub last_ts: f64,
    /// "src" or "dst": which side is the remote endpoint.
    pub remote: &'static str,
    /// Owner of the remote side ("AWS", "AS714 APPLE-ENGINEERING", "Local network" ...).
    pub provider: Cow<'a, str>,
    /// Best name of the remote side, when the capture revealed one.
    pub remote_name: Option<&'a str>,
    /// src -> dst
    pub forward: DirectionRecord,
    /// dst -> src
    pub reverse: DirectionRecord,
    /// The flows that began after the flow table was full, counted together: per remote
    /// address (`src` 0.0.0.0, ports 0), or past that limit of every address (both 0.0.0.0).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub other: bool,
}

#[derive(Debug, Serialize)]
pub struct DirectionRecord {
    pub packets: u64,
    pub bytes: u64,
    pub captured_bytes: u64,
    /// TCP flags seen, as letters (e.g. "SAF"); empty for other protocols.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub tcp_flags: &'static str,
}

/// Name of an IP protocol number as used in the report.
pub fn proto_name(proto: u8) -> Cow<'static, str> {
    match crate::flows::protocol_keyword(proto) {
        Some(name) => name.into(),
        None => format!("ip-proto-{proto}").into(),
    }
}

/// The letters of every combination of TCP flags, made once.
static FLAG_LETTERS: LazyLock<Vec<String>> = LazyLock::new(|| {
    const LETTERS: [(u8, char); 8] =
        [(0x02, 'S'), (0x10, 'A'), (0x08, 'P'), (0x01, 'F'), (0x04, 'R'), (0x20, 'U'), (0x40, 'E'), (0x80, 'C')];
    (0..=u8::MAX).map(|flags| LETTERS.iter().filter(|(bit, _)| flags & bit != 0).map(|(_, c)| *c).collect()).collect()
});

fn flag_letters(flags: u8) -> &'static str {
    FLAG_LETTERS.get(usize::from(flags)).map_or("", String::as_str)
}

fn direction(d: &DirectionStats, proto: u8) -> DirectionRecord {
    DirectionRecord {
        packets: d.packets,
        bytes: d.bytes,
        captured_bytes: d.captured_bytes,
        tcp_flags: if proto == 6 { flag_letters(d.tcp_flags) } else { "" },
    }
}

fn flow_record<'a>(f: &Flow, provider: Cow<'a, str>, remote_name: Option<&'a str>) -> FlowRecord<'a> {
    FlowRecord {
        proto: proto_name(f.proto),
        src: f.src,
        sport: f.src_port,
        dst: f.dst,
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
        other: f.other,
    }
}

/// Every flow of a snapshot as report records, made one at a time when serialised so that a
/// capture with a million flows never holds a million records.
#[derive(Debug, Clone)]
pub struct FlowRecords {
    snapshot: Snapshot,
}

impl FlowRecords {
    pub(super) fn new(snapshot: Snapshot) -> Self {
        FlowRecords { snapshot }
    }

    pub fn len(&self) -> usize {
        self.snapshot.flows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.snapshot.flows.is_empty()
    }

    /// The record of flow `index` (in order of first packet).
    pub fn get(&self, index: usize) -> Option<FlowRecord<'_>> {
        let s = &self.snapshot;
        let f = s.flows.get(index)?;
        let endpoint = s.flow_endpoint.get(index).and_then(|&e| s.endpoints.get(e as usize));
        let provider = endpoint.and_then(|e| s.owner(e)).map_or(Cow::Borrowed(UNKNOWN_LABEL), |o| o.label());
        Some(flow_record(f, provider, endpoint.and_then(|e| e.best_name.as_deref())))
    }

    pub fn iter(&self) -> impl Iterator<Item = FlowRecord<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The `n` largest flows by bytes, ties broken by start time.
    pub fn top_by_bytes(&self, n: usize) -> Vec<FlowRecord<'_>> {
        let flows = &self.snapshot.flows;
        let mut order: Vec<usize> = (0..flows.len()).collect();
        order.sort_by(|&a, &b| flows[b].bytes().cmp(&flows[a].bytes()).then(flows[a].first_ns.cmp(&flows[b].first_ns)));
        order.into_iter().take(n).filter_map(|i| self.get(i)).collect()
    }
}

impl Serialize for FlowRecords {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}
