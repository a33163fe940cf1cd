//! The flow table's index: from a flow's key to its id. It stores only the ids (about 5
//! bytes a flow instead of 48 with the key beside each) and compares keys against the
//! flows themselves, which a hit reads next anyway to count the packet.

use hashbrown::HashTable;

use super::{Flow, FlowId, FlowKey};

#[derive(Default)]
pub(super) struct FlowIndex {
    table: HashTable<FlowId>,
    hasher: ahash::RandomState,
}

impl Flow {
    fn key(&self) -> FlowKey {
        FlowKey::new(self.proto, (self.src, self.src_port), (self.dst, self.dst_port))
    }
}

impl FlowIndex {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn get(&self, key: &FlowKey, flows: &[Flow]) -> Option<FlowId> {
        let hash = self.hasher.hash_one(key);
        self.table.find(hash, |&id| flows.get(id as usize).is_some_and(|f| f.key() == *key)).copied()
    }

    /// Adds `id`, whose flow must already be in `flows` (growing the table hashes the
    /// stored flows again).
    pub fn insert(&mut self, key: &FlowKey, id: FlowId, flows: &[Flow]) {
        let hash = self.hasher.hash_one(key);
        let hasher = &self.hasher;
        self.table.insert_unique(hash, id, |&id| flows.get(id as usize).map_or(0, |f| hasher.hash_one(f.key())));
    }

    /// Follows a renumbering of the flows: `new_of_old[old] = new`.
    pub fn renumber(&mut self, new_of_old: &[FlowId]) {
        for id in self.table.iter_mut() {
            *id = new_of_old.get(*id as usize).copied().unwrap_or(*id);
        }
    }
}
