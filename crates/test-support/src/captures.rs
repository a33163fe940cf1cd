//! Tiny pcap files built byte by byte, for states no real capture at hand shows: a capture
//! whose packets are years apart.

/// 2016-04-07 03:33:20 UTC.
pub const GAP_FIRST_S: u32 = 1_460_000_000;
/// 2022-04-15 05:20:00 UTC.
pub const GAP_LAST_S: u32 = 1_650_000_000;

/// A raw-IP pcap (link type 101) with a burst of UDP in 2016 and another in 2022: six years
/// with no packets in between.
pub fn gap_capture() -> Vec<u8> {
    let mut records = Vec::new();
    let bursts: [(u32, [u8; 4], u16); 2] = [(GAP_FIRST_S, [8, 8, 8, 8], 53), (GAP_LAST_S, [1, 1, 1, 1], 443)];
    for (start, remote, port) in bursts {
        for i in 0..20u32 {
            let outbound = i % 2 == 0;
            let (src, dst) = if outbound { ([192, 168, 1, 10], remote) } else { (remote, [192, 168, 1, 10]) };
            let (sport, dport) = if outbound { (50_000, port) } else { (port, 50_000) };
            records.push((start + i * 3, i * 1000, udp_packet(src, dst, sport, dport, 100 + 10 * i as usize)));
        }
    }
    pcap_file(LINKTYPE_RAW, &records)
}

/// pcap's link type for raw IP packets.
pub const LINKTYPE_RAW: u32 = 101;
/// pcap's link type for Ethernet frames.
pub const LINKTYPE_ETHERNET: u32 = 1;

/// A classic little-endian microsecond pcap: the global header, then each record as
/// (seconds, microseconds, packet bytes), captured whole.
pub fn pcap_file(link_type: u32, records: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    // Global header: magic, version 2.4, zone, sigfigs, snaplen, link type.
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65_535u32.to_le_bytes());
    out.extend_from_slice(&link_type.to_le_bytes());
    for (seconds, micros, packet) in records {
        out.extend_from_slice(&seconds.to_le_bytes());
        out.extend_from_slice(&micros.to_le_bytes());
        out.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        out.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        out.extend_from_slice(packet);
    }
    out
}

/// An IPv4/UDP packet with `payload` zero bytes (UDP checksum left out, as IPv4 allows).
fn udp_packet(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: usize) -> Vec<u8> {
    let udp_len = 8 + payload;
    let total = 20 + udp_len;
    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, 17, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    let sum = checksum(&p);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&(udp_len as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.resize(total, 0);
    p
}

/// The ones' complement sum of 16-bit words (the IPv4 header checksum).
fn checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header.chunks(2).map(|w| u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)]))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
