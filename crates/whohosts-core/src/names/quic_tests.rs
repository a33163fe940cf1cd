//! Tests for `quic`: RFC 9001 / RFC 9369 client Initials, split and coalesced ClientHellos,
//! hostile datagrams. Packets are protected with the module's own crypto.

use super::*;
use crate::names::quic_crypto::seal;
use crate::names::quic_crypto::tests::{unhex, RFC_DCID};
use crate::names::tls::tests::client_hello;
use std::net::IpAddr;

/// RFC 9001 A.2 CRYPTO frame (the ClientHello for example.com), before PADDING.
const RFC_CRYPTO_FRAME: &str = "
    060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868
    04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578
    616d706c652e636f6dff01000100000a00080006001d00170018001000070005
    04616c706e000500050100000000003300260024001d00209370b2c9caa47fba
    baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400
    0d0010000e0403050306030203080408050806002d00020101001c0002400100
    3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000
    75300901100f088394c8f03e51570806048000ffff";

fn varint_bytes(v: u64) -> Vec<u8> {
    if v < 64 {
        vec![v as u8]
    } else if v < 16384 {
        ((v as u16) | 0x4000).to_be_bytes().to_vec()
    } else {
        ((v as u32) | 0x8000_0000).to_be_bytes().to_vec()
    }
}

fn crypto_frame(offset: usize, data: &[u8]) -> Vec<u8> {
    let mut f = vec![0x06];
    f.extend(varint_bytes(offset as u64));
    f.extend(varint_bytes(data.len() as u64));
    f.extend_from_slice(data);
    f
}

/// A protected client Initial with a 4-byte packet number, as RFC 9001 A.2 builds it.
fn protect_initial(version: QuicVersion, dcid: &[u8], keys_dcid: &[u8], pn: u32, plain: &[u8]) -> Vec<u8> {
    let keys = client_initial_keys(version, keys_dcid);
    let wire_version: u32 = match version {
        QuicVersion::V1 => 1,
        QuicVersion::V2 => 0x6b33_43cf,
    };
    let mut header = vec![0xc3 | (version.initial_type() << 4)];
    header.extend_from_slice(&wire_version.to_be_bytes());
    header.push(dcid.len() as u8);
    header.extend_from_slice(dcid);
    header.extend_from_slice(&[0, 0]); // no SCID, no token
    header.extend_from_slice(&((4 + plain.len() + 16) as u16 | 0x4000).to_be_bytes());
    let pn_offset = header.len();
    header.extend_from_slice(&pn.to_be_bytes());
    let sealed = seal(&keys, u64::from(pn), &header, plain);
    let mask = header_mask(&keys.hp, sealed[..16].try_into().unwrap());
    header[0] ^= mask[0] & 0x0f;
    for i in 0..4 {
        header[pn_offset + i] ^= mask[1 + i];
    }
    header.extend_from_slice(&sealed);
    header
}

fn padded(mut frames: Vec<u8>, len: usize) -> Vec<u8> {
    frames.resize(len.max(frames.len()), 0);
    frames
}

fn key() -> FlowKey {
    FlowKey { src: IpAddr::from([192, 168, 1, 2]), sport: 50000, dst: IpAddr::from([203, 0, 113, 9]), dport: 443 }
}

pub(crate) fn rfc_packet(version: QuicVersion) -> Vec<u8> {
    let plain = padded(unhex(RFC_CRYPTO_FRAME), 1162);
    protect_initial(version, &unhex(RFC_DCID), &unhex(RFC_DCID), 2, &plain)
}

#[test]
fn rfc9001_client_initial_gives_example_com() {
    let packet = rfc_packet(QuicVersion::V1);
    assert_eq!(packet.len(), 1200);
    let rfc_prefix = unhex("c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11");
    assert_eq!(packet[..rfc_prefix.len()], rfc_prefix[..]);
    assert!(looks_like_initial(&packet));
    let mut stats = NameStats::default();
    let names = QuicTracker::default().observe(key(), 1, &packet, &mut stats).unwrap();
    assert_eq!(names.sni.as_deref(), Some("example.com"));
    assert_eq!((stats.quic_initials_decrypted, stats.quic_client_hellos), (1, 1));
}

#[test]
fn rfc9369_v2_client_initial_gives_example_com() {
    let packet = rfc_packet(QuicVersion::V2);
    let rfc_prefix = unhex("d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb");
    assert_eq!(packet[..rfc_prefix.len()], rfc_prefix[..]);
    assert!(looks_like_initial(&packet));
    let mut stats = NameStats::default();
    let names = QuicTracker::default().observe(key(), 1, &packet, &mut stats).unwrap();
    assert_eq!(names.sni.as_deref(), Some("example.com"));
}

#[test]
fn client_hello_split_over_two_initials_out_of_order() {
    let hello = client_hello("two.packets.example", false, 1800);
    let (head, tail) = hello.split_at(1000);
    let dcid = [7u8; 8];
    // Second half first, in a packet with the first DCID; then the first half in a packet
    // whose DCID changed (as after the server's reply): keys stay those of the first DCID.
    let p1 = protect_initial(QuicVersion::V1, &dcid, &dcid, 0, &padded(crypto_frame(1000, tail), 1162));
    let p2 = protect_initial(QuicVersion::V1, &[9u8; 4], &dcid, 1, &padded(crypto_frame(0, head), 1162));
    let mut tracker = QuicTracker::default();
    let mut stats = NameStats::default();
    assert_eq!(tracker.observe(key(), 1, &p1, &mut stats), None);
    let names = tracker.observe(key(), 2, &p2, &mut stats).unwrap();
    assert_eq!(names.sni.as_deref(), Some("two.packets.example"));
    // Later Initials of the same connection are skipped without decrypting.
    assert_eq!(tracker.observe(key(), 3, &p2, &mut stats), None);
    assert_eq!(stats.quic_initials_decrypted, 2);
    assert!(tracker.connections.is_empty(), "finished connections hold no state");
}

#[test]
fn coalesced_initials_in_one_datagram() {
    let hello = client_hello("coalesced.example", true, 300);
    let (head, tail) = hello.split_at(100);
    let dcid = [3u8; 12];
    let mut datagram = protect_initial(QuicVersion::V2, &dcid, &dcid, 0, &crypto_frame(0, head));
    let mut tail_frames = vec![0x01, 0x02, 0x00, 0x00, 0x00, 0x00]; // PING, ACK
    tail_frames.extend(crypto_frame(100, tail));
    datagram.extend(protect_initial(QuicVersion::V2, &dcid, &dcid, 1, &tail_frames));
    datagram.extend_from_slice(&[0x40, 1, 2, 3]); // a short-header packet ends the walk
    let mut stats = NameStats::default();
    let names = QuicTracker::default().observe(key(), 1, &datagram, &mut stats).unwrap();
    assert_eq!(names.sni.as_deref(), Some("coalesced.example"));
    assert!(names.ech);
    assert_eq!(stats.quic_initials, 2);
}

#[test]
fn undecryptable_and_hostile_datagrams() {
    let packet = rfc_packet(QuicVersion::V1);
    let mut stats = NameStats::default();
    let mut tracker = QuicTracker::default();
    for i in 0..packet.len() {
        let mut p = packet.clone();
        p[i] ^= 0x5a;
        let _ = tracker.observe(key(), i as u64, &p, &mut stats);
    }
    for cut in 0..packet.len() {
        let _ = QuicTracker::default().observe(key(), 1, &packet[..cut], &mut stats);
    }
    assert!(stats.quic_undecryptable > 0);
    assert!(!looks_like_initial(b"\x40\x00\x00\x00\x01"));
    assert!(!looks_like_initial(b"\xc0\x00\x00\x00\x02"));
    // v2 Initials use type bits 01; type 00 under v2 is a Retry.
    assert!(!looks_like_initial(b"\xc0\x6b\x33\x43\xcf"));
    assert!(looks_like_initial(b"\xd0\x6b\x33\x43\xcf"));
}

#[test]
fn unexpected_frame_keeps_earlier_crypto_data() {
    let hello = client_hello("frames.example", false, 0);
    let mut plain = crypto_frame(0, &hello);
    plain.push(0x08); // a STREAM frame: not allowed in Initial packets
    let dcid = [1u8; 8];
    let p = protect_initial(QuicVersion::V1, &dcid, &dcid, 0, &padded(plain, 1162));
    let mut stats = NameStats::default();
    let names = QuicTracker::default().observe(key(), 1, &p, &mut stats).unwrap();
    assert_eq!(names.sni.as_deref(), Some("frames.example"));
}
