//! Small samples, one per link type or file format, each a mini session (UDP DNS + TCP
//! HTTP) under a different link layer or container, plus the broken files a reader must
//! survive (truncated, garbage).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use etherparse::ArpOperation;
use pcap_file::{DataLink, Endianness, TsResolution};
use simple_dns::TYPE;

use super::net::{self, IpMeta, Mac};
use super::noise::{self, BROADCAST};
use super::session::{add_ipv6_extensions, fragment_all, mini_session, Hosts};
use super::tcp::IpPacket;
use super::writer::{write_pcap, write_pcapng, Frame, PcapLayout};
use super::{dns, tls};

/// 2024-03-01 12:00:00 UTC.
const START: u64 = 1_709_294_400;
const CLIENT_MAC: Mac = [0x02, 0x00, 0x5e, 0x10, 0x00, 0x01];
const SERVER_MAC: Mac = [0x02, 0x00, 0x5e, 0x10, 0x00, 0x02];

fn v4_hosts() -> Hosts {
    Hosts {
        client: IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)),
        server: IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)),
        resolver: IpAddr::V4(Ipv4Addr::new(10, 1, 2, 1)),
    }
}

fn v6_hosts() -> Hosts {
    Hosts {
        client: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x23)),
        server: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 5, 0, 0, 0, 0, 7)),
        resolver: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1)),
    }
}

fn start(offset_secs: u64) -> Duration {
    Duration::from_secs(START + offset_secs) + Duration::from_nanos(123_456_789)
}

/// A v4 mini session then a v6 one a second later.
fn dual_stack(offset: u64) -> Result<Vec<IpPacket>> {
    let mut packets = mini_session(v4_hosts(), start(offset), "www.example.com", 11)?;
    packets.extend(mini_session(v6_hosts(), start(offset + 1), "v6.example.com", 12)?);
    Ok(packets)
}

/// Wraps each IP packet into a frame with `link`.
fn frames(packets: &[IpPacket], link: impl Fn(bool, &[u8]) -> Vec<u8>) -> Vec<Frame> {
    packets.iter().map(|p| Frame { ts: p.ts, data: link(p.from_client, &p.bytes) }).collect()
}

fn eth(from_client: bool, ip: &[u8]) -> Vec<u8> {
    if from_client {
        net::ethernet(CLIENT_MAC, SERVER_MAC, ip)
    } else {
        net::ethernet(SERVER_MAC, CLIENT_MAC, ip)
    }
}

fn micro(out: &Path, name: &str, link: DataLink, frames: &[Frame]) -> Result<()> {
    write_pcap(&out.join(name), link, PcapLayout::MICRO_LE, frames)
}

/// A DNS TXT answer of about 3.5 kB: three fragments at a 1500-byte MTU.
fn big_udp(hosts: Hosts, at: Duration) -> Result<Vec<IpPacket>> {
    let client = SocketAddr::new(hosts.client, 53_999);
    let resolver = SocketAddr::new(hosts.resolver, 53);
    let meta = IpMeta { ip_id: 0x4d2, ttl: 64 };
    let query = net::udp(client, resolver, meta, &dns::query(0x77aa, "big.example.com", TYPE::TXT)?)?;
    let txt: Vec<String> = (0..42).map(|i| format!("chunk-{i:02}-{}", "x".repeat(60))).collect();
    let answer = dns::big_txt_answer(0x77aa, "big.example.com", &txt, &[])?;
    let reply = net::udp(resolver, client, meta, &answer)?;
    Ok(vec![
        IpPacket { ts: at, from_client: true, bytes: query },
        IpPacket { ts: at + Duration::from_millis(9), from_client: false, bytes: reply },
    ])
}

pub fn write_all(out: &Path) -> Result<()> {
    let v4 = mini_session(v4_hosts(), start(0), "www.example.com", 11)?;
    let both = dual_stack(0)?;

    let tagged = |vlans: &'static [u16]| {
        move |c: bool, ip: &[u8]| {
            let (s, d) = if c { (CLIENT_MAC, SERVER_MAC) } else { (SERVER_MAC, CLIENT_MAC) };
            net::ethernet_vlan(s, d, vlans, ip)
        }
    };
    micro(out, "vlan-8021q.pcap", DataLink::ETHERNET, &frames(&v4, tagged(&[42])))?;
    micro(out, "vlan-qinq.pcap", DataLink::ETHERNET, &frames(&both, tagged(&[100, 42])))?;
    let mpls = |c: bool, ip: &[u8]| {
        let (s, d) = if c { (CLIENT_MAC, SERVER_MAC) } else { (SERVER_MAC, CLIENT_MAC) };
        net::ethernet_mpls(s, d, &[1_001, 16], ip)
    };
    micro(out, "mpls.pcap", DataLink::ETHERNET, &frames(&v4, mpls))?;

    let sll = |c: bool, ip: &[u8]| net::linux_sll(c, if c { CLIENT_MAC } else { SERVER_MAC }, ip);
    micro(out, "linux-sll.pcap", DataLink::LINUX_SLL, &frames(&both, sll))?;
    let sll2 = |c: bool, ip: &[u8]| net::linux_sll2(c, 2, if c { CLIENT_MAC } else { SERVER_MAC }, ip);
    micro(out, "linux-sll2.pcap", DataLink::LINUX_SLL2, &frames(&both, sll2))?;

    let raw = |_: bool, ip: &[u8]| ip.to_vec();
    micro(out, "raw-ip-12.pcap", DataLink::Unknown(12), &frames(&both, raw))?;
    micro(out, "raw-ip-101.pcap", DataLink::RAW, &frames(&both, raw))?;
    micro(out, "raw-ipv4-228.pcap", DataLink::IPV4, &frames(&v4, raw))?;
    let v6 = mini_session(v6_hosts(), start(0), "v6.example.com", 12)?;
    micro(out, "raw-ipv6-229.pcap", DataLink::IPV6, &frames(&v6, raw))?;
    micro(out, "bsd-null.pcap", DataLink::NULL, &frames(&both, |_, ip| net::bsd_null(ip)))?;
    micro(out, "bsd-loop.pcap", DataLink::LOOP, &frames(&both, |_, ip| net::bsd_loop(ip)))?;

    let mut ext = Vec::new();
    for p in &v6 {
        ext.push(IpPacket { bytes: add_ipv6_extensions(&p.bytes)?, ..p.clone() });
    }
    micro(out, "ipv6-ext-headers.pcap", DataLink::ETHERNET, &frames(&ext, eth))?;

    let mut v4_big = v4.clone();
    v4_big.extend(big_udp(v4_hosts(), start(2))?);
    micro(out, "ipv4-fragments.pcap", DataLink::ETHERNET, &frames(&fragment_all(v4_big, 1480)?, eth))?;
    let mut v6_big = v6.clone();
    v6_big.extend(big_udp(v6_hosts(), start(2))?);
    micro(out, "ipv6-fragments.pcap", DataLink::ETHERNET, &frames(&fragment_all(v6_big, 1448)?, eth))?;

    let nano = PcapLayout { resolution: TsResolution::NanoSecond, endianness: Endianness::Little };
    write_pcap(&out.join("nanosecond.pcap"), DataLink::ETHERNET, nano, &frames(&both, eth))?;
    let big_endian = PcapLayout { resolution: TsResolution::MicroSecond, endianness: Endianness::Big };
    write_pcap(&out.join("big-endian.pcap"), DataLink::ETHERNET, big_endian, &frames(&both, eth))?;

    // pcapng: interface 0 carries the v4 session, interface 1 the v6 one.
    let split: Vec<(u32, Frame)> = frames(&both, eth)
        .into_iter()
        .map(|f| (if f.data.get(12..14) == Some(&[0x86, 0xdd]) { 1 } else { 0 }, f))
        .collect();
    write_pcapng(&out.join("pcapng-two-interfaces.pcapng"), &[DataLink::ETHERNET, DataLink::ETHERNET], &split)?;
    let mut mixed: Vec<(u32, Frame)> = frames(&v4, eth).into_iter().map(|f| (0, f)).collect();
    mixed.extend(frames(&v6, raw).into_iter().map(|f| (1, f)));
    write_pcapng(&out.join("pcapng-mixed-linktypes.pcapng"), &[DataLink::ETHERNET, DataLink::RAW], &mixed)?;

    truncated(out, &frames(&v4, eth))?;
    garbage(out)?;
    non_ip(out, &v4)
}

/// `truncated.pcap`: the Ethernet v4 session cut in the middle of its last record.
fn truncated(out: &Path, frames: &[Frame]) -> Result<()> {
    let path = out.join("truncated.pcap");
    micro(out, "truncated.pcap", DataLink::ETHERNET, frames)?;
    let bytes = std::fs::read(&path)?;
    let last_len = frames.last().map_or(0, |f| f.data.len());
    // Keep the record header and half of the last frame's bytes.
    let cut = bytes.len() - last_len / 2;
    std::fs::write(&path, &bytes[..cut])?;
    Ok(())
}

/// `garbage.pcap`: not a capture at all (text then seeded bytes), named like one.
fn garbage(out: &Path) -> Result<()> {
    let mut bytes = b"This is not a packet capture. whohosts must say so and not panic.\n".to_vec();
    let mut noise = vec![0u8; 600];
    tls::seeded_fill(&mut noise);
    bytes.extend_from_slice(&noise);
    std::fs::write(out.join("garbage.pcap"), bytes)?;
    Ok(())
}

/// `non-ip-mixed.pcap`: ARP and LLDP frames between the IP packets of a session.
fn non_ip(out: &Path, v4: &[IpPacket]) -> Result<()> {
    let mut all = frames(v4, eth);
    let (client, resolver) = (Ipv4Addr::new(10, 1, 2, 3), Ipv4Addr::new(10, 1, 2, 1));
    let t0 = v4.first().map_or(start(0), |p| p.ts);
    let before = |ms: u64| t0.saturating_sub(Duration::from_millis(ms));
    all.push(Frame {
        ts: before(5),
        data: noise::arp(ArpOperation::REQUEST, (CLIENT_MAC, client), ([0; 6], resolver), BROADCAST),
    });
    all.push(Frame {
        ts: before(4),
        data: noise::arp(ArpOperation::REPLY, (SERVER_MAC, resolver), (CLIENT_MAC, client), CLIENT_MAC),
    });
    all.push(Frame { ts: before(2), data: noise::lldp([0x02, 0x00, 0x5e, 0x10, 0x00, 0xfe], "sw-core-1") });
    all.push(Frame {
        ts: t0 + Duration::from_millis(60),
        data: noise::lldp([0x02, 0x00, 0x5e, 0x10, 0x00, 0xfe], "sw-core-1"),
    });
    micro(out, "non-ip-mixed.pcap", DataLink::ETHERNET, &all)
}
