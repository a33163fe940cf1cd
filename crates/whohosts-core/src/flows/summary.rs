//! Flows from connection summaries (a Zeek conn.log line) instead of packets: both
//! directions' totals arrive at once. Lines for the same 5-tuple (Zeek splits a UDP flow
//! after a silence) add up in one flow, as a capture would count them.

use std::net::IpAddr;
use std::sync::Arc;

use crate::decode::tcp_flags;
use crate::locality::LocalPolicy;

use super::{DirectionStats, Flow, FlowHit, FlowId, FlowKey, FlowTable, Lookup};

/// One connection as a log summarises it. The originator sent the first packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSummary {
    pub proto: u8,
    pub orig: (IpAddr, u16),
    pub resp: (IpAddr, u16),
    pub start_ns: i64,
    pub duration_ns: i64,
    /// Originator -> responder.
    pub orig_stats: DirectionStats,
    /// Responder -> originator.
    pub resp_stats: DirectionStats,
}

impl ConnectionSummary {
    /// Packets both ways.
    pub fn packets(&self) -> u64 {
        self.orig_stats.packets + self.resp_stats.packets
    }

    /// Bytes both ways.
    pub fn bytes(&self) -> u64 {
        self.orig_stats.bytes + self.resp_stats.bytes
    }

    pub fn end_ns(&self) -> i64 {
        self.start_ns.saturating_add(self.duration_ns.max(0))
    }
}

impl DirectionStats {
    fn add_totals(&mut self, other: &DirectionStats) {
        self.packets += other.packets;
        self.bytes += other.bytes;
        self.captured_bytes += other.captured_bytes;
        self.tcp_flags |= other.tcp_flags;
    }
}

/// The TCP flags a Zeek `history` string implies for each side: upper-case letters are the
/// originator's, lower-case the responder's (S syn, H syn-ack, A ack, D data, F fin, R rst).
pub fn flags_from_history(history: &str) -> (u8, u8) {
    let (mut orig, mut resp) = (0u8, 0u8);
    // Byte by byte: only ASCII letters count, and no byte of a longer character is one.
    for c in history.bytes() {
        let flags = match c.to_ascii_uppercase() {
            b'S' => tcp_flags::SYN,
            b'H' => tcp_flags::SYN | tcp_flags::ACK,
            b'A' | b'D' => tcp_flags::ACK,
            b'F' => tcp_flags::FIN,
            b'R' => tcp_flags::RST,
            _ => 0,
        };
        if c.is_ascii_uppercase() {
            orig |= flags;
        } else {
            resp |= flags;
        }
    }
    (orig, resp)
}

impl FlowTable {
    /// Counts a whole connection in its flow, creating the flow on first sight. The remote
    /// side is the one the policy says is not local, else the responder.
    pub fn add_summary(&mut self, c: &ConnectionSummary, policy: &LocalPolicy) -> FlowHit {
        self.lookup.summary(Arc::make_mut(&mut self.flows), c, policy)
    }

    /// [`FlowTable::add_summary`] for each connection in turn, its hit pushed on `hits`.
    pub fn add_summaries(&mut self, batch: &[ConnectionSummary], policy: &LocalPolicy, hits: &mut Vec<FlowHit>) {
        let flows = Arc::make_mut(&mut self.flows);
        hits.extend(batch.iter().map(|c| self.lookup.summary(flows, c, policy)));
    }

    /// Renumbers the flows: the flow at position `i` becomes the one that was `order[i]`
    /// (a permutation of every id), the index following.
    pub fn reorder(&mut self, order: &[FlowId]) {
        crate::reorder::permute(Arc::make_mut(&mut self.flows).as_mut_slice(), order);
        self.lookup.index.renumber(&crate::reorder::inverse(order));
    }
}

impl Lookup {
    fn summary(&mut self, flows: &mut Vec<Flow>, c: &ConnectionSummary, policy: &LocalPolicy) -> FlowHit {
        let key = FlowKey::new(c.proto, c.orig, c.resp);
        // Only a remote originator talking to a local responder makes the originator remote.
        let remote_is_dst = || !matches!((policy.is_local(c.orig.0), policy.is_local(c.resp.0)), (false, true));
        // One look-up for a known flow.
        let hit = match self.index.get(&key, flows) {
            Some(id) => FlowHit { id, created: false },
            None if self.index.len() >= self.max_flows => {
                self.folded_packets += c.packets();
                let remote = if remote_is_dst() { c.resp.0 } else { c.orig.0 };
                self.folded(flows, c.proto, remote, c.start_ns, 0)
            }
            None => self.add(
                flows,
                &key,
                Flow {
                    proto: c.proto,
                    src: c.orig.0,
                    src_port: c.orig.1,
                    dst: c.resp.0,
                    dst_port: c.resp.1,
                    forward: DirectionStats::default(),
                    reverse: DirectionStats::default(),
                    first_ns: c.start_ns,
                    last_ns: c.end_ns(),
                    first_frame: 0,
                    remote_is_dst: remote_is_dst(),
                    other: false,
                },
            ),
        };
        if let Some(flow) = flows.get_mut(hit.id as usize) {
            let (to_dst, to_src) = if flow.is_forward(c.orig, c.resp.0) {
                (&c.orig_stats, &c.resp_stats)
            } else {
                (&c.resp_stats, &c.orig_stats)
            };
            flow.forward.add_totals(to_dst);
            flow.reverse.add_totals(to_src);
            flow.first_ns = flow.first_ns.min(c.start_ns);
            flow.last_ns = flow.last_ns.max(c.end_ns());
        }
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(orig: &str, oport: u16, resp: &str, rport: u16, start_s: i64) -> ConnectionSummary {
        let stats = |packets, bytes| DirectionStats { packets, bytes, captured_bytes: 0, tcp_flags: 0 };
        ConnectionSummary {
            proto: 17,
            orig: (orig.parse().unwrap(), oport),
            resp: (resp.parse().unwrap(), rport),
            start_ns: start_s * 1_000_000_000,
            duration_ns: 2_000_000_000,
            orig_stats: stats(1, 76),
            resp_stats: stats(2, 400),
        }
    }

    #[test]
    fn history_letters_become_flags_per_side() {
        let (orig, resp) = flags_from_history("ShADadFf");
        assert_eq!(orig, tcp_flags::SYN | tcp_flags::ACK | tcp_flags::FIN);
        assert_eq!(resp, tcp_flags::SYN | tcp_flags::ACK | tcp_flags::FIN);
        assert_eq!(flags_from_history("D"), (tcp_flags::ACK, 0));
    }

    #[test]
    fn lines_of_one_five_tuple_add_up_in_one_flow() {
        let mut t = FlowTable::default();
        let policy = LocalPolicy::default();
        let a = t.add_summary(&conn("192.168.1.23", 123, "17.253.0.125", 123, 10), &policy);
        let b = t.add_summary(&conn("192.168.1.23", 123, "17.253.0.125", 123, 100), &policy);
        assert!(a.created && !b.created);
        let f = &t.flows()[0];
        assert_eq!((f.forward.packets, f.forward.bytes, f.reverse.bytes), (2, 152, 800));
        assert_eq!((f.first_ns, f.last_ns), (10_000_000_000, 102_000_000_000));
        assert_eq!(f.remote().0, "17.253.0.125".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_local_side_is_never_remote_even_as_responder() {
        let mut t = FlowTable::default();
        t.add_summary(&conn("17.1.1.1", 5000, "10.0.0.2", 22, 0), &LocalPolicy::default());
        assert!(!t.flows()[0].remote_is_dst);
    }

    #[test]
    fn past_the_limit_lines_fold_per_remote_address_either_way_round() {
        let mut t = FlowTable::with_limit(1);
        let policy = LocalPolicy::default();
        t.add_summary(&conn("192.168.1.23", 5000, "17.253.0.125", 443, 0), &policy);
        t.add_summary(&conn("192.168.1.23", 5001, "17.253.0.125", 443, 1), &policy);
        // A remote originator reaching a local responder folds under the originator.
        t.add_summary(&conn("17.253.0.125", 6000, "192.168.1.23", 22, 2), &policy);
        assert_eq!(t.len(), 2);
        let folded = &t.flows()[1];
        assert!(folded.other);
        assert_eq!(folded.remote().0, "17.253.0.125".parse::<IpAddr>().unwrap());
        // Towards the remote side is forward: 76 bytes from the first line's originator and
        // 400 from the second line's responder.
        assert_eq!((folded.forward.bytes, folded.reverse.bytes), (76 + 400, 400 + 76));
        assert_eq!(t.folded_packets(), 6);
    }
}
