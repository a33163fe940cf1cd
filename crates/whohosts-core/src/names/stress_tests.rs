//! Stress tests of [`NameBook::observe`]: random payloads must never panic, and the cost of
//! packets without names (an ignored test: run with `--release --ignored --nocapture`).

use std::net::IpAddr;
use std::time::Instant;

use super::dns::tests::response;
use super::quic::tests::rfc_packet;
use super::quic_crypto::QuicVersion;
use super::tests::{tcp, udp, CLIENT, RESOLVER};
use super::tls::tests::{client_hello, in_records};
use super::NameBook;

/// Pseudo-random payloads behind every parser's entry check must never panic.
#[test]
fn random_payloads_never_panic() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let prefixes: [&[u8]; 6] = [
        b"",
        b"\x16\x03\x01\x02\x00\x01",
        b"GET / HTTP/1.1\r\nHost: ",
        b"\xc3\x00\x00\x00\x01\x08",
        b"\xd3\x6b\x33\x43\xcf\x08",
        b"\x00\x07\x81\x80\x00\x01\x00\x02",
    ];
    let mut book = NameBook::new();
    for frame in 0..30_000u64 {
        let r = next();
        let mut payload = prefixes[(r % 6) as usize].to_vec();
        let len = (r >> 8) as usize % 1400;
        payload.extend((0..len).map(|_| next() as u8));
        let port = [53, 5353, 5355, 443, 80][(r >> 20) as usize % 5];
        let seq = (r >> 32) as u32 % 4096;
        let packet = if r & (1 << 40) == 0 {
            udp(RESOLVER, port, CLIENT, port, &payload)
        } else {
            tcp(RESOLVER, port, CLIENT, 40000 + (r % 8) as u16, seq, &payload)
        };
        book.observe(frame, &packet);
    }
    assert!(book.stats().dns_malformed > 0);
}

/// Cost of `observe` on packets that carry no names (run with --release --ignored).
#[test]
#[ignore]
fn observe_cost_on_packets_without_names() {
    let data = [0x17u8; 1200];
    let packets = [
        tcp(CLIENT, 51000, [17, 253, 144, 10], 443, 1, &data),
        tcp([17, 253, 144, 10], 443, CLIENT, 51000, 1, &data),
        udp(CLIENT, 60000, [142, 250, 1, 1], 443, &[0x40; 1200]),
        tcp(CLIENT, 51000, [17, 253, 144, 10], 443, 1, &[]),
    ];
    let mut book = NameBook::new();
    // Keep one stream open so TCP data pays the table look-up.
    book.observe(1, &tcp(CLIENT, 1, [10, 0, 0, 1], 443, 1, &in_records(&client_hello("x", false, 2000), 16384)[..100]));
    let rounds = 2_000_000u64;
    let start = Instant::now();
    for i in 0..rounds {
        book.observe(i, &packets[(i % 4) as usize]);
    }
    let per_packet = start.elapsed().as_nanos() as f64 / rounds as f64;
    println!("observe on packets without names: {per_packet:.1} ns/packet");

    let addr = IpAddr::from([20, 150, 70, 36]);
    let dns = response("p59-content.icloud.com", &["a.akadns.net", "b.windows.net"], &[addr]);
    let quic = rfc_packet(QuicVersion::V1);
    let hello = in_records(&client_hello("www.example.com", false, 500), 16384);
    let rounds = 20_000u16;
    let start = Instant::now();
    for i in 0..rounds {
        book.observe(u64::from(i), &udp(RESOLVER, 53, CLIENT, i, &dns));
    }
    let dns_ns = start.elapsed().as_nanos() / u128::from(rounds);
    let start = Instant::now();
    for i in 0..rounds {
        book.observe(u64::from(i), &tcp(CLIENT, i, [17, 253, 144, 10], 443, 1, &hello));
    }
    let tls_ns = start.elapsed().as_nanos() / u128::from(rounds);
    let start = Instant::now();
    for i in 0..rounds {
        book.observe(u64::from(i), &udp(CLIENT, i, [142, 250, 1, 1], 443, &quic));
    }
    let quic_ns = start.elapsed().as_nanos() / u128::from(rounds);
    println!("DNS response {dns_ns} ns, TLS ClientHello {tls_ns} ns, QUIC Initial {quic_ns} ns");
}
