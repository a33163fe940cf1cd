//! What a full flow table does with new flows: it counts them together, one flow per
//! protocol and remote address, so the bytes still reach their endpoint and owner (a day of
//! Zeek logs easily holds more connections than the table keeps apart). Those flows are
//! bounded too: past `max_folded` of them (a flood from random addresses), new flows go to
//! one flow per protocol that stands for every address.

use std::net::IpAddr;

use super::{DirectionStats, Flow, FlowHit, FlowKey, Lookup, OTHER_ADDRESS};

/// How many flows a full table counts per remote address before it counts every new flow
/// under the unspecified address, as a share of the flows it keeps apart.
pub(super) const FOLDED_FLOWS_PER_KEPT: usize = 10;

impl Lookup {
    /// The flow that counts a new flow to or from `remote` once the table is full, made on
    /// first use; its local side is the unspecified address.
    pub(super) fn folded(
        &mut self,
        flows: &mut Vec<Flow>,
        proto: u8,
        remote: IpAddr,
        ts_ns: i64,
        frame: u64,
    ) -> FlowHit {
        let per_remote = FlowKey::new(proto, (OTHER_ADDRESS, 0), (remote, 0));
        if let Some(id) = self.index.get(&per_remote, flows) {
            return FlowHit { id, created: false };
        }
        let (key, remote) = if self.folded_flows < self.max_flows.div_ceil(FOLDED_FLOWS_PER_KEPT) {
            (per_remote, remote)
        } else {
            let every = FlowKey::new(proto, (OTHER_ADDRESS, 0), (OTHER_ADDRESS, 0));
            if let Some(id) = self.index.get(&every, flows) {
                return FlowHit { id, created: false };
            }
            (every, OTHER_ADDRESS)
        };
        self.folded_flows += 1;
        self.add(
            flows,
            &key,
            Flow {
                proto,
                src: OTHER_ADDRESS,
                src_port: 0,
                dst: remote,
                dst_port: 0,
                forward: DirectionStats::default(),
                reverse: DirectionStats::default(),
                first_ns: ts_ns,
                last_ns: ts_ns,
                first_frame: frame,
                remote_is_dst: true,
                other: true,
            },
        )
    }
}

impl Flow {
    /// Whether traffic sent to `dst` counts in this flow's forward direction: for a folded
    /// flow, traffic towards its remote address (or all of it when that is unspecified).
    pub(super) fn is_forward(&self, src: (IpAddr, u16), dst: IpAddr) -> bool {
        if self.other {
            self.dst == OTHER_ADDRESS || self.dst == dst
        } else {
            self.src == src.0 && self.src_port == src.1
        }
    }

    /// The flow that stands for new flows of every address once the table was full (its
    /// remote side is the unspecified address), not one remote's folded flows.
    pub fn stands_for_every_address(&self) -> bool {
        self.other && self.dst == OTHER_ADDRESS
    }
}
