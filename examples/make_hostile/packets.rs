//! Raw frame builders for the hostile captures: Ethernet, IPv4 (with any fragment fields),
//! UDP and TCP written byte by byte, so that broken fields are as easy to write as good ones.

use std::net::Ipv4Addr;

/// The capturing machine: private, so its peers are the remote endpoints.
pub const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 10);
pub const REMOTE: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);

const ETHERTYPE_IPV4: [u8; 2] = [0x08, 0x00];
pub const MORE_FRAGMENTS: u16 = 0x2000;

/// Ethernet II around an IP datagram (fixed MACs).
pub fn ethernet(ip: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02];
    frame.extend_from_slice(&ETHERTYPE_IPV4);
    frame.extend_from_slice(ip);
    frame
}

/// IPv4 header (20 bytes, checksummed) and payload. `fragment` holds the flags and the
/// offset in 8-byte units as on the wire.
pub fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, id: u16, fragment: u16, payload: &[u8]) -> Vec<u8> {
    let total = u16::try_from(20 + payload.len()).unwrap_or(u16::MAX);
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&id.to_be_bytes());
    h.extend_from_slice(&fragment.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0]);
    h.extend_from_slice(&src.octets());
    h.extend_from_slice(&dst.octets());
    let sum = checksum(&h);
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    h.extend_from_slice(payload);
    h
}

fn checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header.chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// UDP header (length field true to the payload, checksum 0) and payload.
pub fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(8 + payload.len());
    d.extend_from_slice(&sport.to_be_bytes());
    d.extend_from_slice(&dport.to_be_bytes());
    d.extend_from_slice(&u16::try_from(8 + payload.len()).unwrap_or(u16::MAX).to_be_bytes());
    d.extend_from_slice(&[0, 0]);
    d.extend_from_slice(payload);
    d
}

/// TCP header (20 bytes, no options, checksum 0) and payload.
pub fn tcp(sport: u16, dport: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(20 + payload.len());
    d.extend_from_slice(&sport.to_be_bytes());
    d.extend_from_slice(&dport.to_be_bytes());
    d.extend_from_slice(&seq.to_be_bytes());
    d.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    d.extend_from_slice(payload);
    d
}

pub const SYN: u8 = 0x02;
pub const PSH_ACK: u8 = 0x18;

/// A whole Ethernet frame: UDP from `src` to `dst`.
pub fn udp_frame(src: Ipv4Addr, sport: u16, dst: Ipv4Addr, dport: u16, payload: &[u8]) -> Vec<u8> {
    ethernet(&ipv4(src, dst, 17, 1, 0, &udp(sport, dport, payload)))
}

/// A whole Ethernet frame: TCP from `src` to `dst`.
pub fn tcp_frame(src: Ipv4Addr, sport: u16, dst: Ipv4Addr, dport: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    ethernet(&ipv4(src, dst, 6, 1, 0, &tcp(sport, dport, seq, flags, payload)))
}

/// A DNS name in wire form (no compression).
pub fn dns_name(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// A DNS response header: id, flags (response, recursion), and the four counts.
pub fn dns_header(id: u16, questions: u16, answers: u16) -> Vec<u8> {
    let mut h = id.to_be_bytes().to_vec();
    h.extend_from_slice(&[0x81, 0x80]);
    for count in [questions, answers, 0, 0] {
        h.extend_from_slice(&count.to_be_bytes());
    }
    h
}

/// An A record's fixed part after its name: type A, class IN, TTL 300, 4 bytes of address.
pub fn a_record_tail(addr: Ipv4Addr) -> Vec<u8> {
    let mut r = vec![0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4];
    r.extend_from_slice(&addr.octets());
    r
}

/// A well-formed response: `name` -> `addr`, the answer's name a pointer to the question.
pub fn dns_response(id: u16, name: &str, addr: Ipv4Addr) -> Vec<u8> {
    let mut m = dns_header(id, 1, 1);
    m.extend_from_slice(&dns_name(name));
    m.extend_from_slice(&[0, 1, 0, 1]);
    m.extend_from_slice(&[0xc0, 12]);
    m.extend_from_slice(&a_record_tail(addr));
    m
}

/// A TLS 1.2-style ClientHello record with one SNI extension, every length true.
pub fn client_hello(sni: &str) -> Vec<u8> {
    let name = sni.as_bytes();
    let mut sni_ext = Vec::new();
    sni_ext.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
    sni_ext.push(0);
    sni_ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
    sni_ext.extend_from_slice(name);
    let mut extensions = vec![0, 0];
    extensions.extend_from_slice(&(sni_ext.len() as u16).to_be_bytes());
    extensions.extend_from_slice(&sni_ext);
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[0x11; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0, 2, 0x13, 0x01]); // cipher suites
    body.extend_from_slice(&[1, 0]); // compression
    body.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    body.extend_from_slice(&extensions);
    let mut handshake = vec![0x01];
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}
