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
    #[error("a segment after the gap at offset {gap_at} reaches past the {cap}-byte limit")]
    Gap { gap_at: usize, cap: usize },
}

/// The in-order bytes of one TCP direction from a starting sequence number on. Segments
/// past a gap are held at their place in a window of `cap` bytes, however many there are
/// and in whatever order they come (a sender may cut a ClientHello into hundreds of
/// one-byte segments and send them backwards); memory stays under about `2 * cap` bytes.
#[derive(Debug)]
pub(crate) struct PrefixBuffer {
    /// Sequence number of `data[0]`.
    base_seq: u32,
    data: Vec<u8>,
    /// Bytes that arrived past a gap, at their offset from `base_seq`; `held` marks which.
    /// Both are empty while the stream arrives in order.
    ahead: Vec<u8>,
    held: Vec<bool>,
    cap: usize,
}

impl PrefixBuffer {
    pub fn new(base_seq: u32, cap: usize) -> Self {
        Self { base_seq, data: Vec::new(), ahead: Vec::new(), held: Vec::new(), cap }
    }

    /// The bytes received in order so far.
    pub fn contiguous(&self) -> &[u8] {
        &self.data
    }

    /// Drops `n` bytes from the front (a consumed message), moving the base forward.
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.data.len());
        self.data.drain(..n);
        let held = n.min(self.ahead.len());
        self.ahead.drain(..held);
        self.held.drain(..held);
        // Sequence numbers wrap at 2^32 by design; truncation is the TCP arithmetic.
        self.base_seq = self.base_seq.wrapping_add(n as u32);
    }

    /// Adds one segment. Duplicates and overlaps are trimmed; a segment past a gap waits
    /// in the window until the gap is filled.
    pub fn push(&mut self, seq: u32, bytes: &[u8]) -> Result<(), StreamGiveUp> {
        if bytes.is_empty() {
            return Ok(());
        }
        // Signed distance from the base: a retransmission of older bytes is negative.
        let rel = i64::from(seq.wrapping_sub(self.base_seq) as i32);
        let have = self.data.len() as i64;
        let end = rel + bytes.len() as i64;
        if end <= have {
            return Ok(()); // nothing new
        }
        if rel > have {
            return self.hold(rel, bytes);
        }
        let skip = usize::try_from(have - rel).unwrap_or(0);
        let new = bytes.get(skip..).unwrap_or_default();
        if self.data.len() + new.len() > self.cap {
            return Err(StreamGiveUp::TooLarge { cap: self.cap });
        }
        self.data.extend_from_slice(new);
        self.absorb_held();
        Ok(())
    }

    /// Keeps a segment that starts past the gap at its offset `rel` (> the in-order length).
    fn hold(&mut self, rel: i64, bytes: &[u8]) -> Result<(), StreamGiveUp> {
        let start = usize::try_from(rel).unwrap_or(usize::MAX);
        let end = start.saturating_add(bytes.len());
        if end > self.cap {
            return Err(StreamGiveUp::Gap { gap_at: self.data.len(), cap: self.cap });
        }
        if self.ahead.len() < end {
            self.ahead.resize(end, 0);
            self.held.resize(end, false);
        }
        if let (Some(place), Some(marks)) = (self.ahead.get_mut(start..end), self.held.get_mut(start..end)) {
            place.copy_from_slice(bytes);
            marks.fill(true);
        }
        Ok(())
    }

    /// Moves held bytes that now follow the in-order data onto it.
    fn absorb_held(&mut self) {
        while let Some(true) = self.held.get(self.data.len()) {
            match self.ahead.get(self.data.len()) {
                Some(&byte) => self.data.push(byte),
                None => break,
            }
        }
        if self.data.len() >= self.ahead.len() {
            self.ahead.clear();
            self.held.clear();
        }
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
        let mut b = PrefixBuffer::new(0, 64);
        b.push(60, b"abcd").unwrap();
        assert_eq!(b.push(61, b"abcd"), Err(StreamGiveUp::Gap { gap_at: 0, cap: 64 }));
        assert_eq!(b.push(u32::MAX / 2, b"x"), Err(StreamGiveUp::Gap { gap_at: 0, cap: 64 }));
    }

    #[test]
    fn any_number_of_segments_in_any_order_within_the_cap() {
        let message: Vec<u8> = (0..600u32).map(|i| (i % 251) as u8).collect();
        // Backwards, one byte a segment: the first byte comes last.
        let mut b = PrefixBuffer::new(7, 1024);
        for (i, byte) in message.iter().enumerate().rev() {
            b.push(7 + i as u32, std::slice::from_ref(byte)).unwrap();
        }
        assert_eq!(b.contiguous(), message.as_slice());
        // Interleaved odd then even 3-byte pieces, with duplicates.
        let mut b = PrefixBuffer::new(0, 1024);
        for start in (0..600).step_by(3).filter(|s| s % 2 == 1).chain((0..600).step_by(3)) {
            let end = (start + 3).min(600);
            b.push(start as u32, &message[start..end]).unwrap();
        }
        assert_eq!(b.contiguous(), message.as_slice());
        b.consume(100);
        assert_eq!(b.contiguous(), &message[100..]);
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
