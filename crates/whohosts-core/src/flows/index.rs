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
    fn key(&self) -> FlowKey {
        FlowKey::new(self.proto, (self.src, self.src_port), (self.dst, self.dst_port))
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
            .find(spread(hash), |e| e.hash == hash && flows.get(e.id as usize).is_some_and(|f| f.key() == *key))
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
