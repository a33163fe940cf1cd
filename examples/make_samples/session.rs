//! The handful of packets every small sample carries: a DNS look-up over UDP and a short
//! HTTP exchange over TCP, for IPv4 or IPv6, plus transforms that fragment packets or add
//! IPv6 extension headers.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Result;
use etherparse::{IpNumber, Ipv6Header, Ipv6RawExtHeader};
use simple_dns::TYPE;

use super::dns;
use super::net::{self, IpMeta};
use super::tcp::{IpPacket, TcpFlow};

/// Who talks in a mini session.
#[derive(Clone, Copy)]
pub struct Hosts {
    pub client: IpAddr,
    pub server: IpAddr,
    pub resolver: IpAddr,
}

/// DNS look-up of `host` then `GET /` with that Host header; about 13 packets.
pub fn mini_session(hosts: Hosts, start: Duration, host: &str, seed: u32) -> Result<Vec<IpPacket>> {
    let mut out = Vec::new();
    let client_dns = SocketAddr::new(hosts.client, 53_000 + (seed % 1000) as u16);
    let resolver = SocketAddr::new(hosts.resolver, 53);
    let qtype = if hosts.server.is_ipv4() { TYPE::A } else { TYPE::AAAA };
    let id = (seed as u16).wrapping_mul(2_029);
    let meta = IpMeta { ip_id: id, ttl: 64 };
    out.push(IpPacket {
        ts: start,
        from_client: true,
        bytes: net::udp(client_dns, resolver, meta, &dns::query(id, host, qtype)?)?,
    });
    let answer = dns::answer(id, host, qtype, &[], &[hosts.server])?;
    out.push(IpPacket {
        ts: start + Duration::from_millis(11),
        from_client: false,
        bytes: net::udp(resolver, client_dns, meta, &answer)?,
    });
    let client = SocketAddr::new(hosts.client, 40_000 + (seed % 20_000) as u16);
    let mut flow = TcpFlow::new(client, SocketAddr::new(hosts.server, 80), start + Duration::from_millis(20), 30, seed);
    flow.handshake()?;
    let get = format!("GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n");
    flow.send(true, get.as_bytes())?;
    let body = "<html><body>sample</body></html>\n";
    let resp = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    flow.send(false, resp.as_bytes())?;
    flow.close()?;
    out.extend(flow.packets);
    Ok(out)
}

/// Replaces every packet of `packets` bigger than `max_payload` IP payload bytes by its
/// fragments (IPv4 or IPv6 by version).
pub fn fragment_all(packets: Vec<IpPacket>, max_payload: usize) -> Result<Vec<IpPacket>> {
    let mut out = Vec::new();
    for (i, p) in packets.into_iter().enumerate() {
        let is_v6 = p.bytes.first().map(|b| b >> 4) == Some(6);
        let header_len = if is_v6 { 40 } else { 20 };
        if p.bytes.len() <= header_len + max_payload {
            out.push(p);
            continue;
        }
        let pieces = if is_v6 {
            net::fragment_ipv6(&p.bytes, max_payload, 0x6a00 + i as u32)?
        } else {
            net::fragment_ipv4(&p.bytes, max_payload)?
        };
        for (k, bytes) in pieces.into_iter().enumerate() {
            out.push(IpPacket { ts: p.ts + Duration::from_micros(30 * k as u64), from_client: p.from_client, bytes });
        }
    }
    Ok(out)
}

/// Inserts hop-by-hop options, destination options and a routing header (segment routing,
/// type 4, no segments left, so the IPv6 destination stays final) after the IPv6 header.
pub fn add_ipv6_extensions(packet: &[u8]) -> Result<Vec<u8>> {
    let (mut header, payload) = Ipv6Header::from_slice(packet)?;
    let upper = header.next_header;
    let pad_n = [1u8, 4, 0, 0, 0, 0]; // one PadN option filling the 8-byte header
    let hop_by_hop = Ipv6RawExtHeader::new_raw(IpNumber::IPV6_DESTINATION_OPTIONS, &pad_n)?;
    let dest_opts = Ipv6RawExtHeader::new_raw(IpNumber::IPV6_ROUTE_HEADER, &pad_n)?;
    // type 4, segments left 0, last entry 0, flags 0, tag 0, then the one segment.
    let mut routing_body = vec![4u8, 0, 0, 0, 0, 0];
    routing_body.extend_from_slice(&header.destination);
    let routing = Ipv6RawExtHeader::new_raw(upper, &routing_body)?;
    let mut exts = Vec::new();
    exts.extend_from_slice(&hop_by_hop.to_bytes());
    exts.extend_from_slice(&dest_opts.to_bytes());
    exts.extend_from_slice(&routing.to_bytes());
    header.next_header = IpNumber::IPV6_HEADER_HOP_BY_HOP;
    header.payload_length = (exts.len() + payload.len()) as u16;
    let mut out = header.to_bytes().to_vec();
    out.extend_from_slice(&exts);
    out.extend_from_slice(payload);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::SlicedPacket;
    use std::net::Ipv6Addr;

    #[test]
    fn extension_headers_keep_the_transport_parseable() {
        let hosts = Hosts {
            client: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
            server: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
            resolver: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 3)),
        };
        let packets = mini_session(hosts, Duration::ZERO, "x.example", 1).unwrap();
        assert_eq!(packets.len(), 12);
        for p in &packets {
            let with_ext = add_ipv6_extensions(&p.bytes).unwrap();
            // hop-by-hop 8 + destination options 8 + routing 24 bytes
            assert_eq!(with_ext.len(), p.bytes.len() + 40);
            let sliced = SlicedPacket::from_ip(&with_ext).unwrap();
            assert!(sliced.transport.is_some());
        }
    }
}
