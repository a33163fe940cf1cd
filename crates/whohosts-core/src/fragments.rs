//! IP fragment bookkeeping: tells which flow every fragment belongs to (only the first
//! fragment carries ports) and reassembles datagrams so names can be read from them.
//! Bounded: incomplete datagrams expire after a capture-time timeout or when the table is
//! full, and their fragments are handed back so they are still counted.
// Parsers of capture input: no index that hostile bytes can push out of range.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use etherparse::defrag::IpDefragBuf;
use etherparse::{IpFragOffset, IpNumber};

use crate::decode::{packet_from_ip_payload, Datagram, Transport};

/// Datagrams waiting for fragments longer than this (capture time) are given up.
const TIMEOUT_NS: i64 = 30_000_000_000;
/// At most this many datagrams are reassembled at once.
const MAX_DATAGRAMS: usize = 4096;
/// Fragments held back before their first fragment arrives, per datagram.
const MAX_PENDING_PER_DATAGRAM: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DatagramKey {
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    id: u32,
}

/// A fragment whose flow was not known when it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldFragment {
    pub ts_ns: i64,
    pub wire_len: u32,
    pub frame: u64,
}

/// Fragments released to be counted in one flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    /// The transport header from the first fragment, or `Other` when it never arrived.
    pub transport: Transport,
    pub fragments: Vec<HeldFragment>,
}

/// What to do with one fragment.
#[derive(Debug, Default)]
pub struct FragmentOutcome {
    /// The fragment's flow is known: count it there now.
    pub transport: Option<Transport>,
    /// Earlier fragments (of this or expired datagrams) to count now.
    pub releases: Vec<Release>,
    /// The whole IP payload, when this fragment completed its datagram.
    pub reassembled: Option<Vec<u8>>,
}

struct Entry {
    created_ns: i64,
    transport: Option<Transport>,
    held: Vec<HeldFragment>,
    buf: Option<IpDefragBuf>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FragmentStats {
    pub fragments: u64,
    pub reassembled: u64,
    /// Datagrams given up (timeout, table full, or inconsistent fragments).
    pub incomplete: u64,
}

#[derive(Default)]
pub struct Defragmenter {
    entries: HashMap<DatagramKey, Entry>,
    /// Creation order, for expiry; keys may be stale (already completed).
    order: VecDeque<(i64, DatagramKey)>,
    stats: FragmentStats,
}

impl Defragmenter {
    pub fn stats(&self) -> FragmentStats {
        self.stats
    }

    /// Takes one fragment (`datagram.fragment` must be set).
    pub fn add(&mut self, ts_ns: i64, wire_len: u32, frame: u64, datagram: &Datagram<'_>) -> FragmentOutcome {
        let mut outcome = FragmentOutcome::default();
        let Some(fragment) = datagram.fragment else {
            return outcome;
        };
        self.stats.fragments += 1;
        self.expire(ts_ns, &mut outcome.releases);

        let key = DatagramKey { src: datagram.src, dst: datagram.dst, proto: datagram.proto, id: fragment.id };
        if !self.entries.contains_key(&key) {
            if self.entries.len() >= MAX_DATAGRAMS {
                self.evict_oldest(&mut outcome.releases);
            }
            self.order.push_back((ts_ns, key));
        }
        let entry = self.entries.entry(key).or_insert_with(|| Entry {
            created_ns: ts_ns,
            transport: None,
            held: Vec::new(),
            buf: Some(IpDefragBuf::new(IpNumber(datagram.proto), Vec::new(), Vec::new())),
        });

        if fragment.offset == 0 {
            let first = packet_from_ip_payload(datagram.src, datagram.dst, datagram.proto, datagram.ip_payload);
            entry.transport = Some(first.transport);
            if !entry.held.is_empty() {
                outcome.releases.push(Release {
                    src: key.src,
                    dst: key.dst,
                    proto: key.proto,
                    transport: first.transport,
                    fragments: std::mem::take(&mut entry.held),
                });
            }
        }
        match entry.transport {
            Some(transport) => outcome.transport = Some(transport),
            None if entry.held.len() < MAX_PENDING_PER_DATAGRAM => {
                entry.held.push(HeldFragment { ts_ns, wire_len, frame })
            }
            // Too many fragments without a first one: count them by address pair now.
            None => outcome.transport = Some(Transport::Other),
        }

        let added = match (&mut entry.buf, offset_units(fragment.offset)) {
            (Some(buf), Some(offset)) => buf.add(offset, fragment.more, datagram.ip_payload).is_ok(),
            _ => false,
        };
        if !added {
            // Inconsistent or overlapping beyond repair: stop reassembling, keep counting.
            if entry.buf.take().is_some() {
                self.stats.incomplete += 1;
            }
        } else if entry.buf.as_ref().is_some_and(|b| b.is_complete()) {
            if let Some(buf) = entry.buf.take() {
                self.stats.reassembled += 1;
                outcome.reassembled = Some(buf.take_bufs().0);
            }
            if entry.transport.is_some() {
                self.entries.remove(&key);
            }
        }
        outcome
    }

    /// Gives up on every datagram still open (end of capture), releasing held fragments.
    pub fn finish(&mut self) -> Vec<Release> {
        let mut releases = Vec::new();
        while !self.order.is_empty() {
            self.evict_oldest(&mut releases);
        }
        releases
    }

    fn expire(&mut self, now_ns: i64, releases: &mut Vec<Release>) {
        while let Some(&(created, _)) = self.order.front() {
            if now_ns.saturating_sub(created) <= TIMEOUT_NS {
                break;
            }
            self.evict_oldest(releases);
        }
    }

    fn evict_oldest(&mut self, releases: &mut Vec<Release>) {
        let Some((created, key)) = self.order.pop_front() else { return };
        let Some(entry) = self.entries.get(&key) else { return };
        if entry.created_ns != created {
            return; // a later datagram reusing the same id owns this key now
        }
        if let Some(entry) = self.entries.remove(&key) {
            if entry.buf.is_some() {
                self.stats.incomplete += 1;
            }
            if !entry.held.is_empty() {
                releases.push(Release {
                    src: key.src,
                    dst: key.dst,
                    proto: key.proto,
                    transport: Transport::Other,
                    fragments: entry.held,
                });
            }
        }
    }
}

fn offset_units(byte_offset: u32) -> Option<IpFragOffset> {
    if byte_offset % 8 != 0 {
        return None;
    }
    IpFragOffset::try_new(u16::try_from(byte_offset / 8).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Fragment;

    fn frag<'a>(id: u32, offset: u32, more: bool, payload: &'a [u8]) -> Datagram<'a> {
        Datagram {
            src: "10.0.0.1".parse().unwrap(),
            dst: "10.0.0.2".parse().unwrap(),
            proto: 17,
            fragment: Some(Fragment { id, offset, more }),
            ip_payload: payload,
        }
    }

    fn udp_first_fragment() -> Vec<u8> {
        // UDP header 5353 -> 53, length 8 + 16, then 8 payload bytes in this fragment.
        let mut v = vec![0x14, 0xe9, 0x00, 0x35, 0x00, 24, 0, 0];
        v.extend_from_slice(b"abcdefgh");
        v
    }

    #[test]
    fn in_order_fragments_reassemble_and_share_the_flow() {
        let mut d = Defragmenter::default();
        let first = udp_first_fragment();
        let out = d.add(0, 60, 1, &frag(7, 0, true, &first));
        assert_eq!(out.transport, Some(Transport::Udp { sport: 5353, dport: 53 }));
        assert!(out.reassembled.is_none());
        let out = d.add(1, 50, 2, &frag(7, 16, false, b"ijklmnop"));
        assert_eq!(out.transport, Some(Transport::Udp { sport: 5353, dport: 53 }));
        let whole = out.reassembled.expect("complete");
        assert_eq!(&whole[8..], b"abcdefghijklmnop");
        assert_eq!(d.stats().reassembled, 1);
        assert!(d.entries.is_empty());
    }

    #[test]
    fn fragments_before_the_first_are_held_then_released_to_its_flow() {
        let mut d = Defragmenter::default();
        let out = d.add(0, 50, 1, &frag(9, 16, false, b"ijklmnop"));
        assert_eq!(out.transport, None);
        let first = udp_first_fragment();
        let out = d.add(1, 60, 2, &frag(9, 0, true, &first));
        assert_eq!(out.transport, Some(Transport::Udp { sport: 5353, dport: 53 }));
        assert_eq!(out.releases.len(), 1);
        assert_eq!(out.releases[0].fragments, vec![HeldFragment { ts_ns: 0, wire_len: 50, frame: 1 }]);
        assert!(out.reassembled.is_some());
    }

    #[test]
    fn orphan_fragments_expire_and_are_released_by_address_pair() {
        let mut d = Defragmenter::default();
        d.add(0, 50, 1, &frag(1, 16, true, b"ijklmnop"));
        let out = d.add(TIMEOUT_NS + 1, 50, 2, &frag(2, 16, true, b"ijklmnop"));
        assert_eq!(out.releases.len(), 1);
        assert_eq!(out.releases[0].transport, Transport::Other);
        assert_eq!(d.stats().incomplete, 1);
        let rest = d.finish();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].fragments[0].frame, 2);
    }

    #[test]
    fn table_is_bounded() {
        let mut d = Defragmenter::default();
        let mut released = 0;
        for id in 0..(MAX_DATAGRAMS as u32 + 100) {
            released += d.add(0, 50, u64::from(id), &frag(id, 8, true, b"12345678")).releases.len();
        }
        assert!(d.entries.len() <= MAX_DATAGRAMS);
        assert_eq!(released, 100);
    }

    #[test]
    fn overlapping_conflicting_fragments_stop_reassembly_but_keep_counting() {
        let mut d = Defragmenter::default();
        let first = udp_first_fragment();
        d.add(0, 60, 1, &frag(3, 0, true, &first[..8]));
        d.add(1, 60, 2, &frag(3, 16, false, b"12345678"));
        // A second "last" fragment with another end contradicts the first one.
        let out = d.add(2, 60, 3, &frag(3, 24, false, b"12345678"));
        assert!(out.transport.is_some());
        assert!(out.reassembled.is_none());
        assert_eq!(d.stats().incomplete, 1);
        let out = d.add(3, 60, 4, &frag(3, 8, true, b"abcdefgh"));
        assert!(out.transport.is_some());
        assert!(out.reassembled.is_none());
        assert_eq!(d.stats().incomplete, 1);
    }
}
