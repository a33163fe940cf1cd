//! Background traffic a home network always has: ARP, DHCP, NTP, mDNS and LLDP payloads.
//! DHCP, NTP and LLDP are small fixed layouts written out field by field (no library needed
//! for these); ARP uses etherparse.

use std::net::Ipv4Addr;

use etherparse::{ArpEthIpv4Packet, ArpOperation, EtherType};

use super::net::{ethernet_raw, Mac};

pub const BROADCAST: Mac = [0xff; 6];

/// An ARP request or reply in an Ethernet frame (padded to the 60-byte minimum).
pub fn arp(op: ArpOperation, sender: (Mac, Ipv4Addr), target: (Mac, Ipv4Addr), dst: Mac) -> Vec<u8> {
    let packet = ArpEthIpv4Packet {
        operation: op,
        sender_mac: sender.0,
        sender_ipv4: sender.1.octets(),
        target_mac: target.0,
        target_ipv4: target.1.octets(),
    };
    let mut frame = ethernet_raw(sender.0, dst, EtherType::ARP, &packet.to_bytes());
    frame.resize(60, 0);
    frame
}

/// A DHCP message (BOOTP layout + options). `msg_type` 3 = REQUEST, 5 = ACK.
pub fn dhcp(msg_type: u8, xid: u32, client_mac: Mac, your_ip: Ipv4Addr, server: Ipv4Addr) -> Vec<u8> {
    let reply = msg_type == 2 || msg_type == 5;
    let mut m = vec![if reply { 2 } else { 1 }, 1, 6, 0];
    m.extend_from_slice(&xid.to_be_bytes());
    m.extend_from_slice(&[0, 0, 0, 0]); // secs, flags
    m.extend_from_slice(&[0; 4]); // ciaddr
    m.extend_from_slice(&(if reply { your_ip } else { Ipv4Addr::UNSPECIFIED }).octets());
    m.extend_from_slice(&[0; 8]); // siaddr, giaddr
    m.extend_from_slice(&client_mac);
    m.extend_from_slice(&[0; 10 + 64 + 128]); // chaddr padding, sname, file
    m.extend_from_slice(&[99, 130, 83, 99]); // magic cookie
    m.extend_from_slice(&[53, 1, msg_type]);
    if reply {
        m.extend_from_slice(&[54, 4]);
        m.extend_from_slice(&server.octets());
        m.extend_from_slice(&[51, 4, 0, 0, 0x0e, 0x10]); // lease 3600 s
        m.extend_from_slice(&[1, 4, 255, 255, 255, 0]);
        m.extend_from_slice(&[3, 4]);
        m.extend_from_slice(&server.octets());
        m.extend_from_slice(&[6, 4]);
        m.extend_from_slice(&server.octets());
    } else {
        m.extend_from_slice(&[61, 7, 1]);
        m.extend_from_slice(&client_mac);
        m.extend_from_slice(&[50, 4]);
        m.extend_from_slice(&your_ip.octets());
        m.extend_from_slice(&[12, 6]);
        m.extend_from_slice(b"iPhone");
        m.extend_from_slice(&[55, 4, 1, 3, 6, 15]);
    }
    m.push(255);
    m
}

/// An NTP v4 client request (mode 3) or server reply (mode 4), 48 bytes.
pub fn ntp(reply: bool, transmit_secs: u32) -> Vec<u8> {
    let mut m = vec![0u8; 48];
    m[0] = (4 << 3) | if reply { 4 } else { 3 };
    if reply {
        m[1] = 1; // stratum 1
        m[12..16].copy_from_slice(b"GPSs");
    }
    // NTP era 0 seconds since 1900.
    let ntp_secs = transmit_secs.wrapping_add(2_208_988_800);
    m[40..44].copy_from_slice(&ntp_secs.to_be_bytes());
    m
}

/// An LLDP frame (ether type 0x88cc) from a switch port: chassis id, port id, TTL, name.
pub fn lldp(switch_mac: Mac, system_name: &str) -> Vec<u8> {
    let mut tlvs = Vec::new();
    let mut tlv = |t: u16, value: &[u8]| {
        let header = (t << 9) | (value.len() as u16 & 0x1ff);
        tlvs.extend_from_slice(&header.to_be_bytes());
        tlvs.extend_from_slice(value);
    };
    let mut chassis = vec![4u8];
    chassis.extend_from_slice(&switch_mac);
    tlv(1, &chassis);
    tlv(2, b"\x05port1");
    tlv(3, &120u16.to_be_bytes());
    tlv(5, system_name.as_bytes());
    tlv(0, &[]);
    ethernet_raw(switch_mac, [0x01, 0x80, 0xc2, 0, 0, 0x0e], EtherType(0x88cc), &tlvs)
}
