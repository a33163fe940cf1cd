//! The background chatter of the home network in `icloud.pcap`: DHCP renewal, ARP, mDNS
//! announcements and queries, and NTP (after its DNS look-up).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use anyhow::Result;
use etherparse::ArpOperation;
use simple_dns::TYPE;

use super::dns;
use super::net::{self, ethernet};
use super::noise::{self, BROADCAST};
use super::scene::{Scene, PHONE_IP, PHONE_MAC, ROUTER_IP, ROUTER_MAC};

/// DHCP renewal, ARP, mDNS, NTP, sprinkled over the two minutes.
pub fn background(s: &mut Scene, start_unix: u64, ntp_server: IpAddr) -> Result<()> {
    let client = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 68);
    let bcast = SocketAddr::new(Ipv4Addr::BROADCAST.into(), 67);
    let req = noise::dhcp(3, 0x5c1d_2011, PHONE_MAC, PHONE_IP, ROUTER_IP);
    let meta = s.meta(true);
    let dhcp_req = net::udp(client, bcast, meta, &req)?;
    s.push(s.at(0.0), ethernet(PHONE_MAC, BROADCAST, &dhcp_req));
    let ack = noise::dhcp(5, 0x5c1d_2011, PHONE_MAC, PHONE_IP, ROUTER_IP);
    let meta = s.meta(false);
    let dhcp_ack = net::udp(SocketAddr::new(ROUTER_IP.into(), 67), SocketAddr::new(PHONE_IP.into(), 68), meta, &ack)?;
    s.push(s.at(0.004), ethernet(ROUTER_MAC, PHONE_MAC, &dhcp_ack));
    for t in [0.05, 61.0, 115.2] {
        let who = noise::arp(ArpOperation::REQUEST, (PHONE_MAC, PHONE_IP), ([0; 6], ROUTER_IP), BROADCAST);
        s.push(s.at(t), who);
        let is_at = noise::arp(ArpOperation::REPLY, (ROUTER_MAC, ROUTER_IP), (PHONE_MAC, PHONE_IP), PHONE_MAC);
        s.push(s.at(t + 0.002), is_at);
    }
    let mdns_group = SocketAddr::new(Ipv4Addr::new(224, 0, 0, 251).into(), 5353);
    let mdns_mac = [0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb];
    let phone_mdns = SocketAddr::new(PHONE_IP.into(), 5353);
    for (t, payload) in [
        (0.3, dns::mdns_announce("Annas-iPhone.local", PHONE_IP.into())?),
        (0.31, dns::mdns_query("_companion-link._tcp.local")?),
        (45.2, dns::mdns_query("_airplay._tcp.local")?),
        (118.4, dns::mdns_query("_companion-link._tcp.local")?),
    ] {
        let meta = s.meta(true);
        let mut pkt = net::udp(phone_mdns, mdns_group, meta, &payload)?;
        pkt[8] = 255; // mDNS uses TTL 255
        let pkt = reserialize_ipv4(&pkt)?;
        s.push(s.at(t), ethernet(PHONE_MAC, mdns_mac, &pkt));
    }
    s.dns(0.6, "time.apple.com", TYPE::A, &["time.g.aaplimg.com"], &[ntp_server])?;
    let phone_ntp = SocketAddr::new(PHONE_IP.into(), 123);
    let server_ntp = SocketAddr::new(ntp_server, 123);
    for t in [0.7, 64.7] {
        let secs = (start_unix as f64 + t) as u32;
        s.udp(s.at(t), phone_ntp, server_ntp, &noise::ntp(false, secs))?;
        s.udp(s.at(t + 0.021), server_ntp, phone_ntp, &noise::ntp(true, secs))?;
    }
    Ok(())
}

/// Recomputes the IPv4 header checksum after a field was patched.
fn reserialize_ipv4(packet: &[u8]) -> Result<Vec<u8>> {
    let (header, payload) = etherparse::Ipv4Header::from_slice(packet)?;
    let mut out = Vec::new();
    header.write(&mut out)?;
    out.extend_from_slice(payload);
    Ok(out)
}
