//! The bidirectional flow table: one entry per protocol + address pair + port pair, with
//! per-direction counters. Memory grows with flows, never with packets.

use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;

use crate::decode::{tcp_flags, Transport};
use crate::locality::LocalPolicy;

mod fold;
mod index;
mod summary;

use index::FlowIndex;

pub use summary::{flags_from_history, ConnectionSummary};

pub type FlowId = u32;

/// Order-independent identity of a flow: both directions map to the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FlowKey {
    proto: u8,
    lo: (IpAddr, u16),
    hi: (IpAddr, u16),
}

impl std::hash::Hash for FlowKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // An IPv4 key in one write instead of one per field: the flow index hashes a key
        // for every packet or connection.
        if let ((IpAddr::V4(lo), lo_port), (IpAddr::V4(hi), hi_port)) = (self.lo, self.hi) {
            let addresses = u128::from(u32::from(lo)) << 96 | u128::from(u32::from(hi)) << 64;
            state
                .write_u128(addresses | u128::from(lo_port) << 32 | u128::from(hi_port) << 16 | u128::from(self.proto));
        } else {
            (self.proto, self.lo, self.hi).hash(state);
        }
    }
}

impl FlowKey {
    fn new(proto: u8, a: (IpAddr, u16), b: (IpAddr, u16)) -> Self {
        if a <= b {
            FlowKey { proto, lo: a, hi: b }
        } else {
            FlowKey { proto, lo: b, hi: a }
        }
    }
}

/// Counters for one direction of a flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DirectionStats {
    pub packets: u64,
    /// On-wire frame lengths, as Wireshark's Conversations counts them.
    pub bytes: u64,
    /// Bytes actually present in the capture (at most `bytes`).
    pub captured_bytes: u64,
    /// OR of the TCP flags seen in this direction.
    pub tcp_flags: u8,
}

impl DirectionStats {
    fn add(&mut self, wire_len: u32, captured_len: u32, flags: u8) {
        self.packets += 1;
        self.bytes += u64::from(wire_len);
        self.captured_bytes += u64::from(captured_len);
        self.tcp_flags |= flags;
    }
}

/// One bidirectional flow. `src` sent the flow's first packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub proto: u8,
    pub src: IpAddr,
    pub src_port: u16,
    pub dst: IpAddr,
    pub dst_port: u16,
    /// src -> dst
    pub forward: DirectionStats,
    /// dst -> src
    pub reverse: DirectionStats,
    pub first_ns: i64,
    pub last_ns: i64,
    /// 1-based number of the frame that opened the flow.
    pub first_frame: u64,
    /// True when `dst` is the remote side (the usual case: a local client talks out).
    pub remote_is_dst: bool,
    /// Counts the flows that began after the table was full: those of one remote address
    /// (`dst`; the local side `src` unspecified), or of every address (both unspecified).
    pub other: bool,
}

impl Flow {
    pub fn packets(&self) -> u64 {
        self.forward.packets + self.reverse.packets
    }
    pub fn bytes(&self) -> u64 {
        self.forward.bytes + self.reverse.bytes
    }
    pub fn remote(&self) -> (IpAddr, u16) {
        if self.remote_is_dst {
            (self.dst, self.dst_port)
        } else {
            (self.src, self.src_port)
        }
    }
    pub fn local(&self) -> (IpAddr, u16) {
        if self.remote_is_dst {
            (self.src, self.src_port)
        } else {
            (self.dst, self.dst_port)
        }
    }
    pub fn duration_ns(&self) -> i64 {
        self.last_ns.saturating_sub(self.first_ns)
    }
}

/// What one packet did to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowHit {
    pub id: FlowId,
    pub created: bool,
}

/// One packet's worth of flow-relevant facts.
#[derive(Debug, Clone, Copy)]
pub struct FlowPacket {
    pub ts_ns: i64,
    pub frame: u64,
    pub wire_len: u32,
    pub captured_len: u32,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub transport: Transport,
}

/// Flows kept apart before new ones are folded into "other": bounds memory on a SYN flood
/// (about 200 bytes a flow, twice that while a report or snapshot is built).
pub const MAX_FLOWS: usize = 500_000;

/// The address that stands for "many" in the "other" flow.
pub const OTHER_ADDRESS: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

pub struct FlowTable {
    /// Shared with snapshots; copied on write only while a snapshot still holds it.
    flows: Arc<Vec<Flow>>,
    lookup: Lookup,
}

/// The rest of the table: the index and the limit. Its methods take the flows as a plain
/// vector, made writable by the caller: `Arc::make_mut` is a locked instruction that waits
/// for every earlier store, so a batch of log lines makes it once, not twice a line.
struct Lookup {
    max_flows: usize,
    /// Packets counted in "other" flows because the table was full.
    folded_packets: u64,
    /// "Other" flows made so far.
    folded_flows: usize,
    index: FlowIndex,
}

impl Default for FlowTable {
    fn default() -> Self {
        FlowTable::with_limit(MAX_FLOWS)
    }
}

impl FlowTable {
    /// A table that keeps at most `max_flows` flows apart, then counts new ones together
    /// (see `fold.rs`).
    pub fn with_limit(max_flows: usize) -> Self {
        let lookup = Lookup { max_flows, folded_packets: 0, folded_flows: 0, index: FlowIndex::default() };
        FlowTable { flows: Arc::default(), lookup }
    }

    /// Packets counted in "other" flows because the table was full.
    pub fn folded_packets(&self) -> u64 {
        self.lookup.folded_packets
    }

    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    /// All flows, shared without copying.
    pub fn shared(&self) -> Arc<Vec<Flow>> {
        Arc::clone(&self.flows)
    }

    pub fn get(&self, id: FlowId) -> Option<&Flow> {
        self.flows.get(id as usize)
    }

    pub fn len(&self) -> usize {
        self.flows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Counts a packet in its flow, creating the flow on first sight.
    pub fn ingest(&mut self, p: &FlowPacket, policy: &LocalPolicy) -> FlowHit {
        self.lookup.packet(Arc::make_mut(&mut self.flows), p, policy)
    }
}

impl Lookup {
    /// Adds `flow`, whose key `key` is not in the table yet.
    fn add(&mut self, flows: &mut Vec<Flow>, key: &FlowKey, flow: Flow) -> FlowHit {
        let id = FlowId::try_from(flows.len()).unwrap_or(FlowId::MAX);
        flows.push(flow);
        self.index.insert(key, id);
        FlowHit { id, created: true }
    }

    fn packet(&mut self, flows: &mut Vec<Flow>, p: &FlowPacket, policy: &LocalPolicy) -> FlowHit {
        let (sport, dport, flags) = match p.transport {
            Transport::Tcp { sport, dport, flags, .. } => (sport, dport, flags),
            Transport::Udp { sport, dport } => (sport, dport, 0),
            Transport::Other => (0, 0, 0),
        };
        let key = FlowKey::new(p.proto, (p.src, sport), (p.dst, dport));
        let hit = match self.index.get(&key, flows) {
            Some(id) => FlowHit { id, created: false },
            None if self.index.len() >= self.max_flows => {
                self.folded_packets += 1;
                let remote = if remote_is_dst(p, (sport, dport), flags, policy) { p.dst } else { p.src };
                self.folded(flows, p.proto, remote, p.ts_ns, p.frame)
            }
            None => self.add(
                flows,
                &key,
                Flow {
                    proto: p.proto,
                    src: p.src,
                    src_port: sport,
                    dst: p.dst,
                    dst_port: dport,
                    forward: DirectionStats::default(),
                    reverse: DirectionStats::default(),
                    first_ns: p.ts_ns,
                    last_ns: p.ts_ns,
                    first_frame: p.frame,
                    remote_is_dst: remote_is_dst(p, (sport, dport), flags, policy),
                    other: false,
                },
            ),
        };
        if let Some(flow) = flows.get_mut(hit.id as usize) {
            let stats = if flow.is_forward((p.src, sport), p.dst) { &mut flow.forward } else { &mut flow.reverse };
            stats.add(p.wire_len, p.captured_len, flags);
            flow.first_ns = flow.first_ns.min(p.ts_ns);
            flow.last_ns = flow.last_ns.max(p.ts_ns);
        }
        hit
    }
}

/// Ports below this are services' (IANA system ports); the other side of a flow between
/// one of them and a higher port is the client.
const FIRST_EPHEMERAL_PORT: u16 = 1024;

/// Decides the remote side from the flow's first packet: the policy when it tells the two
/// apart, otherwise the responder: the SYN's target, the sender of a SYN-ACK, and without
/// a handshake the side on a service port talking to a higher one (as Zeek does), so that
/// a capture that starts with a server's reply (a DNS answer from port 53) is not turned
/// around. Failing all that, the first packet's target.
fn remote_is_dst(p: &FlowPacket, (sport, dport): (u16, u16), flags: u8, policy: &LocalPolicy) -> bool {
    match (policy.is_local(p.src), policy.is_local(p.dst)) {
        (true, false) => true,
        (false, true) => false,
        _ => {
            let syn = flags & tcp_flags::SYN != 0;
            let ack = flags & tcp_flags::ACK != 0;
            if syn {
                return !ack;
            }
            let has_ports = matches!(p.transport, Transport::Tcp { .. } | Transport::Udp { .. });
            let from_service = sport < FIRST_EPHEMERAL_PORT && dport >= FIRST_EPHEMERAL_PORT;
            !(has_ports && from_service)
        }
    }
}

/// Names of the IP protocols people filter and read by: as tables show them ("ICMPv6") and
/// as reports and filters write them ("icmpv6").
const PROTOCOL_NAMES: [(u8, &str, &str); 8] = [
    (1, "ICMP", "icmp"),
    (2, "IGMP", "igmp"),
    (6, "TCP", "tcp"),
    (17, "UDP", "udp"),
    (47, "GRE", "gre"),
    (50, "ESP", "esp"),
    (58, "ICMPv6", "icmpv6"),
    (132, "SCTP", "sctp"),
];

/// The name of an IP protocol number as tables show it, when it has a common one.
pub fn protocol_name(proto: u8) -> Option<&'static str> {
    PROTOCOL_NAMES.iter().find(|(number, ..)| *number == proto).map(|(_, name, _)| *name)
}

/// The same name in lower case, as reports and filters write it.
pub fn protocol_keyword(proto: u8) -> Option<&'static str> {
    PROTOCOL_NAMES.iter().find(|(number, ..)| *number == proto).map(|(.., keyword)| *keyword)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(src: &str, sport: u16, dst: &str, dport: u16, len: u32, flags: u8) -> FlowPacket {
        FlowPacket {
            ts_ns: 0,
            frame: 1,
            wire_len: len,
            captured_len: len.min(68),
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            proto: 6,
            transport: Transport::Tcp { sport, dport, seq: 0, flags },
        }
    }

    #[test]
    fn both_directions_share_one_flow_with_separate_counters() {
        let mut t = FlowTable::default();
        let policy = LocalPolicy::default();
        let a = t.ingest(&pkt("192.168.1.2", 50000, "17.1.1.1", 443, 74, tcp_flags::SYN), &policy);
        let b = t.ingest(&pkt("17.1.1.1", 443, "192.168.1.2", 50000, 1514, tcp_flags::ACK), &policy);
        assert!(a.created && !b.created);
        assert_eq!(a.id, b.id);
        let f = &t.flows()[0];
        assert_eq!((f.forward.packets, f.forward.bytes), (1, 74));
        assert_eq!((f.reverse.packets, f.reverse.bytes, f.reverse.captured_bytes), (1, 1514, 68));
        assert_eq!(f.remote(), ("17.1.1.1".parse().unwrap(), 443));
        assert_eq!(f.forward.tcp_flags, tcp_flags::SYN);
    }

    #[test]
    fn different_ports_are_different_flows() {
        let mut t = FlowTable::default();
        let policy = LocalPolicy::default();
        t.ingest(&pkt("192.168.1.2", 50000, "17.1.1.1", 443, 60, 0), &policy);
        t.ingest(&pkt("192.168.1.2", 50001, "17.1.1.1", 443, 60, 0), &policy);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn a_full_table_folds_new_flows_per_remote_address() {
        let mut t = FlowTable::with_limit(2);
        let policy = LocalPolicy::default();
        for port in 0..10 {
            t.ingest(&pkt("192.168.1.2", 50000 + port, "17.1.1.1", 443, 60, tcp_flags::SYN), &policy);
        }
        // The first two flows stay apart and keep counting.
        t.ingest(&pkt("17.1.1.1", 443, "192.168.1.2", 50000, 60, tcp_flags::ACK), &policy);
        // A reply in a folded flow counts in its reverse direction.
        t.ingest(&pkt("17.1.1.1", 443, "192.168.1.2", 50009, 1500, tcp_flags::ACK), &policy);
        assert_eq!(t.len(), 3);
        assert_eq!(t.flows()[0].packets(), 2);
        let other = &t.flows()[2];
        assert!(other.other && !other.stands_for_every_address());
        assert_eq!(other.remote(), ("17.1.1.1".parse().unwrap(), 0));
        assert_eq!((other.src, other.forward.packets, other.forward.bytes), (OTHER_ADDRESS, 8, 480));
        assert_eq!((other.reverse.packets, other.reverse.bytes), (1, 1500));
        assert_eq!(t.folded_packets(), 9);
    }

    #[test]
    fn past_its_folded_flows_a_full_table_folds_every_address_into_one_flow() {
        // Two flows kept apart, then one folded flow per remote (a tenth, rounded up).
        let mut t = FlowTable::with_limit(2);
        let policy = LocalPolicy::default();
        for (i, remote) in ["17.1.1.1", "17.1.1.2", "17.1.1.3", "17.1.1.4", "17.1.1.3"].iter().enumerate() {
            t.ingest(&pkt("192.168.1.2", 50000 + i as u16, remote, 443, 60, tcp_flags::SYN), &policy);
        }
        let remotes: Vec<_> = t.flows().iter().map(|f| (f.remote().0.to_string(), f.other, f.packets())).collect();
        // 17.1.1.4 comes after the one folded flow (17.1.1.3, which keeps counting its own).
        let expected = [("17.1.1.1", false, 1), ("17.1.1.2", false, 1), ("17.1.1.3", true, 2), ("0.0.0.0", true, 1)];
        assert_eq!(remotes, expected.map(|(ip, other, packets)| (ip.to_owned(), other, packets)));
        assert!(t.flows()[3].stands_for_every_address());
    }

    #[test]
    fn locality_falls_back_to_the_initiator() {
        let policy = LocalPolicy::default();
        let mut t = FlowTable::default();
        // Both public: the SYN sender is local.
        t.ingest(&pkt("8.8.8.8", 40000, "17.1.1.1", 443, 60, tcp_flags::SYN), &policy);
        assert!(t.flows()[0].remote_is_dst);
        // Capture began at the SYN-ACK: its sender is the remote server.
        t.ingest(&pkt("17.1.1.1", 443, "8.8.8.8", 40001, 60, tcp_flags::SYN | tcp_flags::ACK), &policy);
        assert!(!t.flows()[1].remote_is_dst);
        assert_eq!(t.flows()[1].remote().1, 443);
        // A remote host reaching a private one: the private side is local.
        t.ingest(&pkt("17.1.1.1", 5000, "10.0.0.2", 22, 60, tcp_flags::SYN), &policy);
        assert!(!t.flows()[2].remote_is_dst);
    }

    fn udp(src: &str, sport: u16, dst: &str, dport: u16) -> FlowPacket {
        FlowPacket { transport: Transport::Udp { sport, dport }, proto: 17, ..pkt(src, sport, dst, dport, 80, 0) }
    }

    #[test]
    fn a_flow_first_seen_at_the_servers_reply_is_not_turned_around() {
        let policy = LocalPolicy::default();
        let mut t = FlowTable::default();
        // Both public, and the capture starts with the DNS answer.
        t.ingest(&udp("8.8.8.8", 53, "17.5.5.5", 53000), &policy);
        assert_eq!(t.flows()[0].remote(), ("8.8.8.8".parse().unwrap(), 53));
        // Mid-stream TLS from the server, no handshake seen.
        t.ingest(&pkt("17.1.1.1", 443, "8.8.4.4", 50000, 1500, tcp_flags::ACK), &policy);
        assert_eq!(t.flows()[1].remote().1, 443);
        // A query still goes out to the server; two high ports keep the first packet's target.
        t.ingest(&udp("17.5.5.5", 53001, "8.8.8.8", 53), &policy);
        assert_eq!(t.flows()[2].remote().1, 53);
        t.ingest(&udp("17.5.5.5", 40000, "8.8.8.8", 50000), &policy);
        assert!(t.flows()[3].remote_is_dst);
    }
}
