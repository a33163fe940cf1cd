//! Bounded helpers for per-flow name state: an in-order TCP byte prefix reassembler and a
//! capped, periodically swept table keyed by directional flow. Owns no protocol knowledge.

use std::collections::HashMap;
use std::net::IpAddr;

/// One direction of a TCP or UDP conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FlowKey {
    pub src: IpAddr,
    pub sport: u16,
    pub dst: IpAddr,
    pub dport: u16,
}

/// Why a stream buffer stopped accepting data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StreamGiveUp {
    #[error("stream would exceed {cap} buffered bytes")]
    TooLarge { cap: usize },
    #[error("too many out-of-order segments waiting for a gap at offset {gap_at}")]
    Gap { gap_at: usize },
}

/// Most segments held back while waiting for a gap to fill.
const MAX_PENDING_SEGMENTS: usize = 16;

/// The in-order bytes of one TCP direction from a starting sequence number on, with a few
/// out-of-order segments held back. Memory is capped at `cap` bytes in order plus `cap` pending.
#[derive(Debug)]
pub(crate) struct PrefixBuffer {
    /// Sequence number of `data[0]`.
    base_seq: u32,
    data: Vec<u8>,
    pending: Vec<(u32, Vec<u8>)>,
    pending_bytes: usize,
    cap: usize,
}

impl PrefixBuffer {
    pub fn new(base_seq: u32, cap: usize) -> Self {
        Self { base_seq, data: Vec::new(), pending: Vec::new(), pending_bytes: 0, cap }
    }

    /// The bytes received in order so far.
    pub fn contiguous(&self) -> &[u8] {
        &self.data
    }

    /// Drops `n` bytes from the front (a consumed message), moving the base forward.
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.data.len());
        self.data.drain(..n);
        // Sequence numbers wrap at 2^32 by design; truncation is the TCP arithmetic.
        self.base_seq = self.base_seq.wrapping_add(n as u32);
    }

    /// Adds one segment. Duplicates and overlaps are trimmed; a segment past a gap waits.
    pub fn push(&mut self, seq: u32, bytes: &[u8]) -> Result<(), StreamGiveUp> {
        if bytes.is_empty() {
            return Ok(());
        }
        if !self.append_if_adjacent(seq, bytes)? {
            let gap_at = self.data.len();
            if self.pending.len() >= MAX_PENDING_SEGMENTS || self.pending_bytes + bytes.len() > self.cap {
                return Err(StreamGiveUp::Gap { gap_at });
            }
            self.pending_bytes += bytes.len();
            self.pending.push((seq, bytes.to_vec()));
            return Ok(());
        }
        // Segments held back may now fit; repeat until none moves.
        loop {
            let mut moved = false;
            let mut i = 0;
            while let Some((seq, seg)) = self.pending.get(i) {
                let (seq, seg) = (*seq, seg.clone());
                if self.append_if_adjacent(seq, &seg)? {
                    self.pending_bytes -= seg.len();
                    self.pending.swap_remove(i);
                    moved = true;
                } else {
                    i += 1;
                }
            }
            if !moved {
                return Ok(());
            }
        }
    }

    /// Appends the new part of a segment that starts at or before the end of `data`.
    /// Returns false when the segment starts beyond a gap.
    fn append_if_adjacent(&mut self, seq: u32, bytes: &[u8]) -> Result<bool, StreamGiveUp> {
        // Signed distance from the base: a retransmission of older bytes is negative.
        let rel = i64::from(seq.wrapping_sub(self.base_seq) as i32);
        let have = self.data.len() as i64;
        let end = rel + bytes.len() as i64;
        if end <= have {
            return Ok(true); // nothing new
        }
        if rel > have {
            return Ok(false);
        }
        let skip = usize::try_from(have - rel).unwrap_or(0);
        let new = bytes.get(skip..).unwrap_or_default();
        if self.data.len() + new.len() > self.cap {
            return Err(StreamGiveUp::TooLarge { cap: self.cap });
        }
        self.data.extend_from_slice(new);
        Ok(true)
    }
}

/// A table of per-flow state with a hard entry cap. When full, entries not touched for
/// `idle_frames` frames are swept (at most once every `SWEEP_INTERVAL` frames); if it is
/// still full the new flow is refused and the caller counts it.
///
/// Most packets belong to no tracked flow, so a count of entries per source port answers
/// "certainly not here" with one array read before the map is hashed.
#[derive(Debug)]
pub(crate) struct FlowTable<V> {
    entries: HashMap<FlowKey, (u64, V)>,
    entries_per_sport: Vec<u16>,
    max_entries: usize,
    idle_frames: u64,
    next_sweep_frame: u64,
}

const SWEEP_INTERVAL: u64 = 1024;

impl<V> FlowTable<V> {
    pub fn new(max_entries: usize, idle_frames: u64) -> Self {
        Self {
            entries: HashMap::new(),
            entries_per_sport: vec![0; usize::from(u16::MAX) + 1],
            max_entries,
            idle_frames,
            next_sweep_frame: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn may_contain(&self, key: &FlowKey) -> bool {
        self.entries_per_sport.get(usize::from(key.sport)).is_some_and(|&n| n > 0)
    }

    fn count_port(&mut self, sport: u16, added: bool) {
        if let Some(n) = self.entries_per_sport.get_mut(usize::from(sport)) {
            *n = if added { n.saturating_add(1) } else { n.saturating_sub(1) };
        }
    }

    pub fn get_mut(&mut self, key: &FlowKey, frame: u64) -> Option<&mut V> {
        if !self.may_contain(key) {
            return None;
        }
        self.entries.get_mut(key).map(|(last, v)| {
            *last = frame;
            v
        })
    }

    pub fn remove(&mut self, key: &FlowKey) -> Option<V> {
        if !self.may_contain(key) {
            return None;
        }
        let (_, value) = self.entries.remove(key)?;
        self.count_port(key.sport, false);
        Some(value)
    }

    /// Inserts new state; returns false (dropping `value`) when the table is full.
    pub fn insert(&mut self, key: FlowKey, frame: u64, value: V) -> bool {
        if self.entries.len() >= self.max_entries && !self.entries.contains_key(&key) {
            if frame >= self.next_sweep_frame {
                self.next_sweep_frame = frame + SWEEP_INTERVAL;
                let oldest_kept = frame.saturating_sub(self.idle_frames);
                let counts = &mut self.entries_per_sport;
                self.entries.retain(|key, (last, _)| {
                    let keep = *last >= oldest_kept;
                    if !keep {
                        if let Some(n) = counts.get_mut(usize::from(key.sport)) {
                            *n = n.saturating_sub(1);
                        }
                    }
                    keep
                });
            }
            if self.entries.len() >= self.max_entries {
                return false;
            }
        }
        if self.entries.insert(key, (frame, value)).is_none() {
            self.count_port(key.sport, true);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_out_of_order_and_duplicates() {
        let mut b = PrefixBuffer::new(1000, 64);
        b.push(1000, b"abc").unwrap();
        b.push(1006, b"ghi").unwrap(); // waits for the gap
        assert_eq!(b.contiguous(), b"abc");
        b.push(1001, b"bcdef").unwrap(); // overlaps, fills the gap
        assert_eq!(b.contiguous(), b"abcdefghi");
        b.push(998, b"xxab").unwrap(); // old retransmission
        assert_eq!(b.contiguous(), b"abcdefghi");
        b.consume(4);
        assert_eq!(b.contiguous(), b"efghi");
        b.push(1009, b"j").unwrap();
        assert_eq!(b.contiguous(), b"efghij");
    }

    #[test]
    fn sequence_wraparound() {
        let mut b = PrefixBuffer::new(u32::MAX - 1, 64);
        b.push(u32::MAX - 1, b"ab").unwrap();
        b.push(0, b"cd").unwrap();
        assert_eq!(b.contiguous(), b"abcd");
    }

    #[test]
    fn caps_are_enforced() {
        let mut b = PrefixBuffer::new(0, 8);
        assert_eq!(b.push(0, b"123456789"), Err(StreamGiveUp::TooLarge { cap: 8 }));
        let mut b = PrefixBuffer::new(0, 1 << 20);
        for i in 0..MAX_PENDING_SEGMENTS as u32 {
            b.push(100 + i * 10, b"x").unwrap();
        }
        assert_eq!(b.push(5000, b"x"), Err(StreamGiveUp::Gap { gap_at: 0 }));
    }

    #[test]
    fn table_refuses_when_full_and_sweeps_idle() {
        let key = |port| FlowKey {
            src: IpAddr::from([10, 0, 0, 1]),
            sport: port,
            dst: IpAddr::from([10, 0, 0, 2]),
            dport: 443,
        };
        let mut t = FlowTable::new(2, 100);
        assert!(t.insert(key(1), 1, ()));
        assert!(t.insert(key(2), 2, ()));
        assert!(!t.insert(key(3), 50, ())); // both still fresh
        assert!(t.insert(key(4), 2000, ())); // both idle: swept
        assert_eq!(t.len(), 1);
        assert!(t.get_mut(&key(4), 2001).is_some());
        assert!(t.remove(&key(4)).is_some());
        assert!(t.is_empty());
    }
}
