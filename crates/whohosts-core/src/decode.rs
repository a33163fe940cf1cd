//! Link layers and IP -> [`Datagram`] -> [`Packet`]. Owns nothing but parsing: fragment
//! reassembly lives in `fragments`, flow state in `flows`. Lenient by design: a frame cut
//! short by the snaplen yields whatever headers it still holds.
// Parsers of capture input: no index that hostile bytes can push out of range.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::net::IpAddr;

use etherparse::{
    ip_number, IpAuthHeaderSlice, Ipv6ExtensionsSlice, Ipv6FragmentHeaderSlice, Ipv6RawExtHeaderSlice, LaxIpSlice,
};

/// TCP flag bits as they appear in the header's flags byte.
pub mod tcp_flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

/// Link types (pcap LINKTYPE_* values) this decoder understands.
pub mod link_type {
    pub const NULL: i32 = 0;
    pub const ETHERNET: i32 = 1;
    pub const RAW_OPENBSD: i32 = 12;
    pub const RAW_BSDOS: i32 = 14;
    pub const RAW: i32 = 101;
    pub const LOOP: i32 = 108;
    pub const LINUX_SLL: i32 = 113;
    pub const IPV4: i32 = 228;
    pub const IPV6: i32 = 229;
    pub const LINUX_SLL2: i32 = 276;

    /// A short name for reports, e.g. "EN10MB" as tcpdump says, or the number.
    pub fn name(link_type: i32) -> String {
        match link_type {
            NULL => "NULL".into(),
            ETHERNET => "EN10MB".into(),
            RAW_OPENBSD | RAW_BSDOS | RAW => "RAW".into(),
            LOOP => "LOOP".into(),
            LINUX_SLL => "LINUX_SLL".into(),
            IPV4 => "IPV4".into(),
            IPV6 => "IPV6".into(),
            LINUX_SLL2 => "LINUX_SLL2".into(),
            other => format!("LINKTYPE_{other}"),
        }
    }

    /// Every link type `decode` understands.
    pub const SUPPORTED: [i32; 10] =
        [NULL, ETHERNET, RAW_OPENBSD, RAW_BSDOS, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2];

    pub fn is_supported(link_type: i32) -> bool {
        SUPPORTED.contains(&link_type)
    }
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
const ETHERTYPE_MPLS: u16 = 0x8847;
const ETHERTYPE_MPLS_MULTICAST: u16 = 0x8848;
/// Tag and label stacks deeper than this are treated as garbage.
const MAX_LINK_TAGS: usize = 8;

/// The transport header of a packet, as far as it could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp {
        sport: u16,
        dport: u16,
        seq: u32,
        flags: u8,
    },
    Udp {
        sport: u16,
        dport: u16,
    },
    /// ICMP, ICMPv6 and every other IP protocol: identified by address pair only.
    Other,
}

impl Transport {
    /// (source port, destination port), or None for protocols without ports.
    pub fn ports(&self) -> Option<(u16, u16)> {
        match *self {
            Transport::Tcp { sport, dport, .. } | Transport::Udp { sport, dport } => Some((sport, dport)),
            Transport::Other => None,
        }
    }
}

/// One IP datagram (reassembled when it arrived in fragments) with its transport header.
#[derive(Debug, Clone)]
pub struct Packet<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 ...).
    pub proto: u8,
    pub transport: Transport,
    /// Transport payload, possibly cut short by the capture's snaplen.
    pub payload: &'a [u8],
}

/// Where a fragment sits in its datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// IPv4 identification (16 bits) or IPv6 fragment identification (32 bits).
    pub id: u32,
    /// Offset of this fragment's payload in the datagram, in bytes.
    pub offset: u32,
    pub more: bool,
}

/// An IP datagram as it appeared in one frame: maybe only a fragment of the whole.
#[derive(Debug, Clone)]
pub struct Datagram<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub fragment: Option<Fragment>,
    /// The IP payload carried by this frame (the transport header sits at its start unless
    /// this is a non-first fragment).
    pub ip_payload: &'a [u8],
}

impl<'a> Datagram<'a> {
    /// The packet view of a datagram that is not fragmented (or is a first fragment, whose
    /// transport header is present).
    pub fn packet(&self) -> Packet<'a> {
        packet_from_ip_payload(self.src, self.dst, self.proto, self.ip_payload)
    }
}

/// What a frame turned out to hold.
#[derive(Debug, Clone)]
pub enum Decoded<'a> {
    Ip(Datagram<'a>),
    /// ARP, LLDP, STP ...: counted, not analysed.
    NonIp {
        ether_type: u16,
    },
}

/// Why a frame could not be decoded down to IP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unsupported link type {0}")]
    UnsupportedLinkType(i32),
    #[error("frame too short for its link header ({len} bytes)")]
    TruncatedLink { len: usize },
    #[error("malformed IP header: {0}")]
    BadIp(String),
    #[error("too many VLAN tags or MPLS labels")]
    TooManyTags,
}

/// Decodes one frame of the given link type down to its IP datagram.
pub fn decode(link_type: i32, frame: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    match link_type {
        link_type::ETHERNET => decode_ethernet(frame),
        link_type::RAW_OPENBSD | link_type::RAW_BSDOS | link_type::RAW | link_type::IPV4 | link_type::IPV6 => {
            decode_ip(frame)
        }
        link_type::NULL | link_type::LOOP => decode_null(frame),
        link_type::LINUX_SLL => {
            let ether_type = be16(frame, 14).ok_or(DecodeError::TruncatedLink { len: frame.len() })?;
            decode_ether_type(ether_type, frame.get(16..).unwrap_or_default())
        }
        link_type::LINUX_SLL2 => {
            let ether_type = be16(frame, 0).ok_or(DecodeError::TruncatedLink { len: frame.len() })?;
            let rest = frame.get(20..).ok_or(DecodeError::TruncatedLink { len: frame.len() })?;
            decode_ether_type(ether_type, rest)
        }
        other => Err(DecodeError::UnsupportedLinkType(other)),
    }
}

fn decode_ethernet(frame: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    let ether_type = be16(frame, 12).ok_or(DecodeError::TruncatedLink { len: frame.len() })?;
    decode_ether_type(ether_type, frame.get(14..).unwrap_or_default())
}

/// Walks VLAN tags and MPLS labels from `ether_type` down to IP.
fn decode_ether_type(mut ether_type: u16, mut rest: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    for _ in 0..MAX_LINK_TAGS {
        match ether_type {
            ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => return decode_ip(rest),
            ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => {
                ether_type = be16(rest, 2).ok_or(DecodeError::TruncatedLink { len: rest.len() })?;
                rest = rest.get(4..).unwrap_or_default();
            }
            ETHERTYPE_MPLS | ETHERTYPE_MPLS_MULTICAST => return decode_mpls(rest),
            other => return Ok(Decoded::NonIp { ether_type: other }),
        }
    }
    Err(DecodeError::TooManyTags)
}

/// Skips an MPLS label stack; the payload's IP version tells IPv4 from IPv6.
fn decode_mpls(mut rest: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    for _ in 0..MAX_LINK_TAGS {
        let (label, after) = rest.split_first_chunk::<4>().ok_or(DecodeError::TruncatedLink { len: rest.len() })?;
        let bottom_of_stack = label[2] & 0x01 != 0;
        rest = after;
        if bottom_of_stack {
            return decode_ip(rest);
        }
    }
    Err(DecodeError::TooManyTags)
}

/// BSD loopback: a 4-byte address family, host order for NULL, network order for LOOP.
/// Captures travel between machines, so both byte orders are accepted for either.
fn decode_null(frame: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    let (family, rest) = frame.split_first_chunk::<4>().ok_or(DecodeError::TruncatedLink { len: frame.len() })?;
    let little = u32::from_le_bytes(*family);
    let big = u32::from_be_bytes(*family);
    const AF_INET: u32 = 2;
    // AF_INET6 differs per OS: Linux 10, FreeBSD 28, macOS 30, NetBSD/OpenBSD 24.
    let is_ip = |f: u32| matches!(f, AF_INET | 10 | 24 | 28 | 30);
    if is_ip(little) || is_ip(big) {
        decode_ip(rest)
    } else {
        Ok(Decoded::NonIp { ether_type: 0 })
    }
}

fn decode_ip(data: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    let (ip, _ext_error) = LaxIpSlice::from_slice(data).map_err(|e| DecodeError::BadIp(e.to_string()))?;
    let payload = ip.payload();
    let fragment = match &ip {
        LaxIpSlice::Ipv4(v4) => {
            let header = v4.header();
            header.is_fragmenting_payload().then(|| Fragment {
                id: u32::from(header.identification()),
                offset: u32::from(header.fragments_offset().byte_offset()),
                more: header.more_fragments(),
            })
        }
        LaxIpSlice::Ipv6(v6) => ipv6_fragment(v6.extensions()),
    };
    Ok(Decoded::Ip(Datagram {
        src: ip.source_addr(),
        dst: ip.destination_addr(),
        proto: payload.ip_number.0,
        fragment,
        ip_payload: payload.payload,
    }))
}

/// The fragment header among an IPv6 datagram's extension headers, if it fragments.
///
/// Walks the headers with etherparse's checked slicers instead of its extension iterator:
/// after a lax parse stopped at a broken header, the iterator (0.21) goes on into the
/// header that was never checked and reads past the frame (found by `fuzz/decode`).
fn ipv6_fragment(extensions: &Ipv6ExtensionsSlice<'_>) -> Option<Fragment> {
    let mut next = extensions.first_header()?;
    let mut rest = extensions.slice();
    while !rest.is_empty() {
        let (len, after) = match next {
            ip_number::IPV6_FRAG => {
                let f = Ipv6FragmentHeaderSlice::from_slice(rest).ok()?;
                if f.is_fragmenting_payload() {
                    return Some(Fragment {
                        id: f.identification(),
                        offset: u32::from(f.fragment_offset().byte_offset()),
                        more: f.more_fragments(),
                    });
                }
                (f.slice().len(), f.next_header())
            }
            ip_number::AUTH => {
                let auth = IpAuthHeaderSlice::from_slice(rest).ok()?;
                (auth.slice().len(), auth.next_header())
            }
            ip_number::IPV6_HOP_BY_HOP | ip_number::IPV6_ROUTE | ip_number::IPV6_DEST_OPTIONS => {
                let raw = Ipv6RawExtHeaderSlice::from_slice(rest).ok()?;
                (raw.slice().len(), raw.next_header())
            }
            _ => return None,
        };
        rest = rest.get(len..)?;
        next = after;
    }
    None
}

/// Reads the transport header at the start of an IP payload. Ports need only the first four
/// bytes, so even a frame cut by a tiny snaplen keeps its flow.
pub fn packet_from_ip_payload(src: IpAddr, dst: IpAddr, proto: u8, data: &[u8]) -> Packet<'_> {
    let ports = be16(data, 0).zip(be16(data, 2));
    let (transport, payload) = match (proto, ports) {
        (6, Some((sport, dport))) => {
            let seq = be32(data, 4).unwrap_or(0);
            let flags = data.get(13).copied().unwrap_or(0);
            let header_len = data.get(12).map_or(data.len(), |b| usize::from(b >> 4) * 4);
            let payload = data.get(header_len.max(20)..).unwrap_or_default();
            (Transport::Tcp { sport, dport, seq, flags }, payload)
        }
        (17, Some((sport, dport))) => {
            // The UDP length field bounds the payload when Ethernet padding follows it.
            let udp_len = be16(data, 4).map_or(data.len(), usize::from);
            let end = udp_len.clamp(8, data.len().max(8));
            (Transport::Udp { sport, dport }, data.get(8..end).unwrap_or_default())
        }
        _ => (Transport::Other, data),
    };
    Packet { src, dst, proto, transport, payload }
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    let (b, _) = data.get(at..)?.split_first_chunk::<2>()?;
    Some(u16::from_be_bytes(*b))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let (b, _) = data.get(at..)?.split_first_chunk::<4>()?;
    Some(u32::from_be_bytes(*b))
}

#[cfg(test)]
mod tests;
