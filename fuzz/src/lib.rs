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
