//! IP packets built with `etherparse::PacketBuilder`, IPv4/IPv6 fragmentation of an already
//! built datagram, and the link-layer wrappers every sample file needs (Ethernet, VLAN,
//! MPLS, Linux SLL/SLL2, BSD NULL/LOOP).

use std::net::{IpAddr, SocketAddr};

use anyhow::{bail, Result};
use etherparse::{
    EtherType, Ethernet2Header, IpFragOffset, IpHeaders, IpNumber, Ipv4Extensions, Ipv4Header, Ipv6Extensions,
    Ipv6FlowLabel, Ipv6FragmentHeader, Ipv6Header, PacketBuilder, PacketBuilderStep, TcpOptionElement,
};

pub type Mac = [u8; 6];

/// IP-level header fields the builder cannot guess: IPv4 identification and TTL/hop limit.
#[derive(Clone, Copy, Debug)]
pub struct IpMeta {
    pub ip_id: u16,
    pub ttl: u8,
}

/// The IP header (no extensions) for a packet between `src` and `dst`.
pub fn ip_headers(src: IpAddr, dst: IpAddr, meta: IpMeta) -> Result<IpHeaders> {
    Ok(match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut h = Ipv4Header::new(0, meta.ttl, IpNumber::UDP, s.octets(), d.octets())?;
            h.identification = meta.ip_id;
            h.dont_fragment = true;
            IpHeaders::Ipv4(h, Ipv4Extensions::default())
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => IpHeaders::Ipv6(
            Ipv6Header {
                traffic_class: 0,
                flow_label: Ipv6FlowLabel::try_new(u32::from(meta.ip_id))?,
                payload_length: 0,
                next_header: IpNumber::UDP,
                hop_limit: meta.ttl,
                source: s.octets(),
                destination: d.octets(),
            },
            Ipv6Extensions::default(),
        ),
        _ => bail!("mixed address families {src} -> {dst}"),
    })
}

/// A UDP datagram in an IP packet (no link layer).
pub fn udp(src: SocketAddr, dst: SocketAddr, meta: IpMeta, payload: &[u8]) -> Result<Vec<u8>> {
    let headers = ip_headers(src.ip(), dst.ip(), meta)?;
    udp_with(headers, src.port(), dst.port(), payload)
}

/// A UDP datagram under caller-made IP headers (e.g. IPv6 with extension headers).
pub fn udp_with(headers: IpHeaders, sport: u16, dport: u16, payload: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    PacketBuilder::ip(headers).udp(sport, dport).write(&mut out, payload)?;
    Ok(out)
}

/// TCP flags and numbers of one segment.
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpSeg {
    pub seq: u32,
    pub ack: Option<u32>,
    pub syn: bool,
    pub fin: bool,
    pub psh: bool,
    pub rst: bool,
    pub window: u16,
    /// (TSval, TSecr) when the timestamp option is in use.
    pub timestamps: Option<(u32, u32)>,
    /// MSS and window scale announced on SYNs.
    pub syn_options: Option<(u16, u8)>,
}

/// A TCP segment in an IP packet (no link layer).
pub fn tcp(src: SocketAddr, dst: SocketAddr, meta: IpMeta, seg: &TcpSeg, payload: &[u8]) -> Result<Vec<u8>> {
    let headers = ip_headers(src.ip(), dst.ip(), meta)?;
    tcp_with(headers, src.port(), dst.port(), seg, payload)
}

/// A TCP segment under caller-made IP headers.
pub fn tcp_with(headers: IpHeaders, sport: u16, dport: u16, seg: &TcpSeg, payload: &[u8]) -> Result<Vec<u8>> {
    let mut step: PacketBuilderStep<_> = PacketBuilder::ip(headers).tcp(sport, dport, seg.seq, seg.window);
    if let Some(ack) = seg.ack {
        step = step.ack(ack);
    }
    if seg.syn {
        step = step.syn();
    }
    if seg.fin {
        step = step.fin();
    }
    if seg.psh {
        step = step.psh();
    }
    if seg.rst {
        step = step.rst();
    }
    let mut options = Vec::new();
    if let Some((mss, wscale)) = seg.syn_options {
        options.push(TcpOptionElement::MaximumSegmentSize(mss));
        options.push(TcpOptionElement::Noop);
        options.push(TcpOptionElement::WindowScale(wscale));
        options.push(TcpOptionElement::SelectiveAcknowledgementPermitted);
    }
    if let Some((tsval, tsecr)) = seg.timestamps {
        options.push(TcpOptionElement::Noop);
        options.push(TcpOptionElement::Noop);
        options.push(TcpOptionElement::Timestamp(tsval, tsecr));
    }
    if !options.is_empty() {
        step = step.options(&options)?;
    }
    let mut out = Vec::new();
    step.write(&mut out, payload)?;
    Ok(out)
}

/// Splits a complete, unfragmented IPv4 packet into fragments whose IP payloads are at most
/// `max_payload` bytes (rounded down to a multiple of 8), the way a sender over a small MTU
/// would.
pub fn fragment_ipv4(packet: &[u8], max_payload: usize) -> Result<Vec<Vec<u8>>> {
    let (header, payload) = Ipv4Header::from_slice(packet)?;
    let chunk = max_payload / 8 * 8;
    let pieces: Vec<&[u8]> = payload.chunks(chunk).collect();
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let mut h = header.clone();
        h.dont_fragment = false;
        h.more_fragments = i + 1 < pieces.len();
        h.fragment_offset = IpFragOffset::try_new((i * chunk / 8) as u16)?;
        h.set_payload_len(piece.len())?;
        let mut bytes = Vec::new();
        h.write(&mut bytes)?;
        bytes.extend_from_slice(piece);
        out.push(bytes);
    }
    Ok(out)
}

/// Splits a complete IPv6 packet without extension headers into fragments (fragment
/// extension header, identification `ident`), IP payload pieces at most `max_payload` bytes.
pub fn fragment_ipv6(packet: &[u8], max_payload: usize, ident: u32) -> Result<Vec<Vec<u8>>> {
    let (header, payload) = Ipv6Header::from_slice(packet)?;
    let chunk = max_payload / 8 * 8;
    let pieces: Vec<&[u8]> = payload.chunks(chunk).collect();
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let frag = Ipv6FragmentHeader::new(
            header.next_header,
            IpFragOffset::try_new((i * chunk / 8) as u16)?,
            i + 1 < pieces.len(),
            ident,
        );
        let mut h = header.clone();
        h.next_header = IpNumber::IPV6_FRAGMENTATION_HEADER;
        h.payload_length = (piece.len() + Ipv6FragmentHeader::LEN) as u16;
        let mut bytes = h.to_bytes().to_vec();
        bytes.extend_from_slice(&frag.to_bytes());
        bytes.extend_from_slice(piece);
        out.push(bytes);
    }
    Ok(out)
}

/// The ether type of an IP packet, from its version nibble.
pub fn ether_type_of(ip: &[u8]) -> EtherType {
    match ip.first().map(|b| b >> 4) {
        Some(6) => EtherType::IPV6,
        _ => EtherType::IPV4,
    }
}

/// Ethernet II frame around `payload` with the given ether type.
pub fn ethernet_raw(src: Mac, dst: Mac, ether_type: EtherType, payload: &[u8]) -> Vec<u8> {
    let mut out = Ethernet2Header { source: src, destination: dst, ether_type }.to_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

/// Ethernet II frame around an IP packet.
pub fn ethernet(src: Mac, dst: Mac, ip: &[u8]) -> Vec<u8> {
    ethernet_raw(src, dst, ether_type_of(ip), ip)
}

/// Ethernet frame with 802.1Q tags (outer first): one tag is 802.1Q, two is QinQ with an
/// 802.1ad (0x88a8) outer tag.
pub fn ethernet_vlan(src: Mac, dst: Mac, vlans: &[u16], ip: &[u8]) -> Vec<u8> {
    let first = if vlans.len() > 1 { EtherType::PROVIDER_BRIDGING } else { EtherType::VLAN_TAGGED_FRAME };
    let mut tags = Vec::new();
    for (i, vid) in vlans.iter().enumerate() {
        if i > 0 {
            tags.extend_from_slice(&0x8100u16.to_be_bytes());
        }
        tags.extend_from_slice(&(vid & 0x0fff).to_be_bytes());
    }
    tags.extend_from_slice(&ether_type_of(ip).0.to_be_bytes());
    tags.extend_from_slice(ip);
    ethernet_raw(src, dst, first, &tags)
}

/// Ethernet frame carrying an MPLS label stack (ether type 0x8847) then an IPv4 packet.
pub fn ethernet_mpls(src: Mac, dst: Mac, labels: &[u32], ip: &[u8]) -> Vec<u8> {
    let mut stack = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let bottom = u32::from(i + 1 == labels.len());
        let entry = (label << 12) | (bottom << 8) | 64; // TC 0, TTL 64
        stack.extend_from_slice(&entry.to_be_bytes());
    }
    stack.extend_from_slice(ip);
    ethernet_raw(src, dst, EtherType(0x8847), &stack)
}

/// Linux cooked header v1 (link type 113), 16 bytes.
pub fn linux_sll(outgoing: bool, addr: Mac, ip: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(if outgoing { 4u16 } else { 0 }).to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes()); // ARPHRD_ETHER
    out.extend_from_slice(&6u16.to_be_bytes());
    out.extend_from_slice(&addr);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&ether_type_of(ip).0.to_be_bytes());
    out.extend_from_slice(ip);
    out
}

/// Linux cooked header v2 (link type 276), 20 bytes.
pub fn linux_sll2(outgoing: bool, ifindex: u32, addr: Mac, ip: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&ether_type_of(ip).0.to_be_bytes());
    out.extend_from_slice(&[0, 0]); // reserved
    out.extend_from_slice(&ifindex.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes()); // ARPHRD_ETHER
    out.push(if outgoing { 4 } else { 0 });
    out.push(6);
    out.extend_from_slice(&addr);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(ip);
    out
}

/// Address family number for IPv4 (2, everywhere) or IPv6 (`inet6`, which differs by OS).
fn bsd_family(ip: &[u8], inet6: u32) -> u32 {
    if ether_type_of(ip) == EtherType::IPV6 {
        inet6
    } else {
        2
    }
}

/// BSD NULL (link type 0): the family in the capturing host's byte order. Our files are
/// little-endian, as if captured on a little-endian Mac.
pub fn bsd_null(ip: &[u8]) -> Vec<u8> {
    let mut out = bsd_family(ip, 30).to_le_bytes().to_vec(); // Darwin AF_INET6
    out.extend_from_slice(ip);
    out
}

/// OpenBSD LOOP (link type 108): the family in network byte order.
pub fn bsd_loop(ip: &[u8]) -> Vec<u8> {
    let mut out = bsd_family(ip, 24).to_be_bytes().to_vec(); // OpenBSD AF_INET6
    out.extend_from_slice(ip);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{Ipv4HeaderSlice, SlicedPacket};

    fn sample_udp(len: usize) -> Vec<u8> {
        let src: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let dst: SocketAddr = "10.0.0.2:53".parse().unwrap();
        udp(src, dst, IpMeta { ip_id: 9, ttl: 64 }, &vec![7u8; len]).unwrap()
    }

    #[test]
    fn ipv4_fragments_cover_the_payload_in_order() {
        let whole = sample_udp(3000);
        let frags = fragment_ipv4(&whole, 1480).unwrap();
        assert_eq!(frags.len(), 3);
        let mut joined = Vec::new();
        for (i, f) in frags.iter().enumerate() {
            let h = Ipv4HeaderSlice::from_slice(f).unwrap();
            assert_eq!(h.more_fragments(), i < 2);
            assert_eq!(usize::from(h.fragments_offset().value()) * 8, joined.len());
            joined.extend_from_slice(&f[20..]);
        }
        assert_eq!(joined, whole[20..]);
    }

    #[test]
    fn link_wrappers_put_the_family_in_the_right_byte_order() {
        let ip = sample_udp(10);
        assert_eq!(&bsd_null(&ip)[..4], &[2, 0, 0, 0]);
        assert_eq!(&bsd_loop(&ip)[..4], &[0, 0, 0, 2]);
        assert_eq!(linux_sll(true, [1; 6], &ip).len(), 16 + ip.len());
        assert_eq!(linux_sll2(true, 2, [1; 6], &ip).len(), 20 + ip.len());
        let qinq = ethernet_vlan([1; 6], [2; 6], &[100, 42], &ip);
        assert!(SlicedPacket::from_ethernet(&qinq).unwrap().vlan().is_some());
    }
}
