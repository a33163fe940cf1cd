//! Helpers shared by the fuzz targets: packets aimed at the name parsers, a scratch file
//! per process for the file-reading entry points, and the checks every target ends with.

pub mod quic_initial;

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use whohosts_core::decode::{tcp_flags, Packet, Transport};
use whohosts_core::names::NameBook;

pub const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 10));
pub const SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));

/// A UDP packet from `src`:`sport` to `dst`:`dport` carrying `payload`.
pub fn udp<'a>(src: IpAddr, sport: u16, dst: IpAddr, dport: u16, payload: &'a [u8]) -> Packet<'a> {
    Packet { src, dst, proto: 17, transport: Transport::Udp { sport, dport }, payload }
}

/// A TCP segment with PSH|ACK (and the given extra flags).
pub fn tcp<'a>(src: IpAddr, sport: u16, dst: IpAddr, dport: u16, seq: u32, flags: u8, payload: &'a [u8]) -> Packet<'a> {
    Packet {
        src,
        dst,
        proto: 6,
        transport: Transport::Tcp { sport, dport, seq, flags: flags | tcp_flags::ACK | tcp_flags::PSH },
        payload,
    }
}

/// Splits fuzz input as `[hi, lo, bytes...]`: the first two bytes choose where the rest is
/// cut in two (modulo its length, so every choice is valid).
pub fn split_by_prefix(data: &[u8]) -> (&[u8], &[u8]) {
    match data {
        [hi, lo, rest @ ..] => {
            let at = usize::from(u16::from_be_bytes([*hi, *lo])) % (rest.len() + 1);
            rest.split_at(at)
        }
        _ => (data, &[]),
    }
}

/// Cuts `bytes` into segments and orders them as `plan` says: each plan byte is a segment
/// length (1 to 64); the first segment stays first, the others are sorted by the following
/// plan bytes (so any order can be asked for), and a plan byte with the high bit repeats
/// its segment. Returns (offset, bytes) in delivery order; every byte is delivered.
pub fn segments<'a>(bytes: &'a [u8], plan: &[u8]) -> Vec<(usize, &'a [u8])> {
    let mut cuts = Vec::new();
    let mut offset = 0;
    let mut lengths = plan.iter().cycle();
    while offset < bytes.len() {
        let len = lengths.next().map_or(bytes.len(), |&b| usize::from(b & 0x3f) + 1);
        let end = (offset + len).min(bytes.len());
        cuts.push((offset, &bytes[offset..end]));
        offset = end;
    }
    let Some((first, rest)) = cuts.split_first() else { return cuts };
    let key = |i: usize| plan.get(i % plan.len().max(1)).copied().unwrap_or(0).rotate_left(i as u32 % 8);
    let mut order: Vec<usize> = (0..rest.len()).collect();
    order.sort_by_key(|&i| key(i));
    let mut out = vec![*first];
    for i in order {
        out.push(rest[i]);
        if key(i) & 0x80 != 0 {
            out.push(rest[i]);
        }
    }
    out
}

/// What was learned must serialise to JSON that parses back.
pub fn check_book(book: &NameBook) {
    for (_, names) in book.endpoints() {
        let _ = names.best_name();
    }
    let json = serde_json::to_string(book).expect("a NameBook always serialises");
    serde_json::from_str::<serde_json::Value>(&json).expect("NameBook JSON parses back");
}

/// A scratch file for this process (libFuzzer runs one input at a time per process).
pub fn scratch_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("whohosts-fuzz-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("temp dir writable");
    path
}

#[cfg(test)]
mod segment_tests {
    use super::segments;

    #[test]
    fn every_byte_is_delivered_and_the_first_segment_first() {
        let bytes: Vec<u8> = (0..200).collect();
        for plan in [&[][..], &[0], &[5, 200, 3, 0x81], &[63, 1, 2]] {
            let cut = segments(&bytes, plan);
            assert_eq!(cut[0].0, 0);
            let mut seen = vec![false; bytes.len()];
            for (offset, piece) in &cut {
                assert_eq!(*piece, &bytes[*offset..*offset + piece.len()]);
                seen[*offset..*offset + piece.len()].iter_mut().for_each(|s| *s = true);
            }
            assert!(seen.iter().all(|s| *s), "{plan:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello in a CRYPTO frame inside an Initial made here is read back by the
    /// library: the quic target's encrypted mode reaches the frame parsers.
    #[test]
    fn protected_initial_opens_in_the_library() {
        let hello = std::fs::read_dir("seeds/tls")
            .expect("seeds")
            .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
            .next()
            .expect("a tls seed");
        let handshake = &hello[2 + 5..];
        let mut frame = vec![0x06, 0x00, 0x40 | (handshake.len() >> 8) as u8, handshake.len() as u8];
        frame.extend_from_slice(handshake);
        frame.resize(1200, 0); // PADDING
        let packet = quic_initial::protect_initial(&[7; 8], 0, &frame);
        let mut book = NameBook::new();
        book.observe(1, &udp(CLIENT, 50000, SERVER, 443, &packet));
        let stats = book.stats();
        assert_eq!((stats.quic_initials_decrypted, stats.quic_client_hellos), (1, 1), "{stats:?}");
    }
}
