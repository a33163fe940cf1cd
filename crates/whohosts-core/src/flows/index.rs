//! The flow table's index: from a flow's key to its id. It stores the id and 32 bits of the
//! key's hash (8 bytes a flow instead of 48 with the key beside each) and compares keys
//! against the flows themselves, which a hit reads next anyway to count the packet. Growing
//! the table rehashes from the stored bits, without touching the flows.

use hashbrown::HashTable;

use super::{Flow, FlowId, FlowKey};

#[derive(Clone, Copy)]
struct Entry {
    id: FlowId,
    hash: u32,
}

#[derive(Default)]
pub(super) struct FlowIndex {
    table: HashTable<Entry>,
    hasher: ahash::RandomState,
}

impl Flow {
    /// Whether `key` is this flow's, whichever way round (without making the flow's key).
    fn has_key(&self, key: &FlowKey) -> bool {
        let (src, dst) = ((self.src, self.src_port), (self.dst, self.dst_port));
        self.proto == key.proto && ((src == key.lo && dst == key.hi) || (src == key.hi && dst == key.lo))
    }
}

/// The table's 64-bit hash, spread from the 32 bits kept (its top bits pick the control
/// byte, its low bits the bucket).
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl FlowIndex {
    fn hash32(&self, key: &FlowKey) -> u32 {
        (self.hasher.hash_one(key) >> 32) as u32
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn get(&self, key: &FlowKey, flows: &[Flow]) -> Option<FlowId> {
        let hash = self.hash32(key);
        self.table
            .find(spread(hash), |e| e.hash == hash && flows.get(e.id as usize).is_some_and(|f| f.has_key(key)))
            .map(|e| e.id)
    }

    /// Adds `id`, the flow of `key` (not yet indexed).
    pub fn insert(&mut self, key: &FlowKey, id: FlowId) {
        let hash = self.hash32(key);
        self.table.insert_unique(spread(hash), Entry { id, hash }, |e| spread(e.hash));
    }

    /// Follows a renumbering of the flows: `new_of_old[old] = new`.
    pub fn renumber(&mut self, new_of_old: &[FlowId]) {
        for e in self.table.iter_mut() {
            e.id = new_of_old.get(e.id as usize).copied().unwrap_or(e.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::flows::DirectionStats;

    fn flow(proto: u8, src: (IpAddr, u16), dst: (IpAddr, u16)) -> Flow {
        Flow {
            proto,
            src: src.0,
            src_port: src.1,
            dst: dst.0,
            dst_port: dst.1,
            forward: DirectionStats::default(),
            reverse: DirectionStats::default(),
            first_ns: 0,
            last_ns: 0,
            first_frame: 0,
            remote_is_dst: true,
            other: false,
        }
    }

    #[test]
    fn a_flow_is_found_by_its_key_either_way_round_and_by_no_other() {
        let ends: Vec<(IpAddr, u16)> = ["10.0.0.1", "10.0.0.2", "2001:db8::1", "::ffff:10.0.0.1", "0.0.0.0"]
            .iter()
            .flat_map(|a| [(a.parse().unwrap(), 0), (a.parse().unwrap(), 443), (a.parse().unwrap(), 50000)])
            .collect();
        let mut index = FlowIndex::default();
        let mut flows = Vec::new();
        for proto in [6, 17] {
            for &a in &ends {
                for &b in &ends {
                    let key = FlowKey::new(proto, a, b);
                    if index.get(&key, &flows).is_none() {
                        index.insert(&key, flows.len() as FlowId);
                        flows.push(flow(proto, a, b));
                    }
                }
            }
        }
        // Every unordered pair once per protocol.
        assert_eq!(flows.len(), 2 * ends.len() * (ends.len() + 1) / 2);
        for (id, f) in flows.iter().enumerate() {
            let (src, dst) = ((f.src, f.src_port), (f.dst, f.dst_port));
            for key in [FlowKey::new(f.proto, src, dst), FlowKey::new(f.proto, dst, src)] {
                assert_eq!(index.get(&key, &flows), Some(id as FlowId), "{key:?}");
            }
        }
    }
}
