//! Link layers and IP -> [`Packet`]. Owns nothing but parsing; flow state lives in `flows`.

use std::net::IpAddr;

/// TCP flag bits as they appear in the header's flags byte.
pub mod tcp_flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

/// The transport header of a packet, as far as it could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp { sport: u16, dport: u16, seq: u32, flags: u8 },
    Udp { sport: u16, dport: u16 },
    /// ICMP, ICMPv6 and every other IP protocol: identified by address pair only.
    Other,
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
