use super::*;
use crate::decode::link_type;
use etherparse::PacketBuilder;

fn frame(ts_ns: i64, data: &[u8]) -> Frame<'_> {
    Frame { ts_ns, wire_len: data.len() as u32, link_type: link_type::RAW, data }
}

fn udp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4(src, dst, 64).udp(sport, dport).write(&mut out, payload).unwrap();
    out
}

const PHONE: [u8; 4] = [192, 168, 1, 23];
const SERVER: [u8; 4] = [17, 253, 144, 10];

#[test]
fn flows_endpoints_and_totals_add_up() {
    let mut a = Analysis::new(AnalysisConfig::default());
    let out = udp(PHONE, 5000, SERVER, 443, &[1; 100]);
    let back = udp(SERVER, 443, PHONE, 5000, &[2; 1000]);
    a.ingest(&frame(1_000_000_000, &out));
    a.ingest(&frame(1_500_000_000, &back));
    a.ingest(&frame(2_000_000_000, &[0x45]));
    a.finish();
    let t = a.totals();
    assert_eq!((t.frames, t.ip_frames, t.undecodable), (3, 2, 1));
    assert_eq!(a.flows().len(), 1);
    let f = &a.flows().flows()[0];
    assert_eq!(f.bytes(), (out.len() + back.len()) as u64);
    assert_eq!(a.endpoints().len(), 1);
    assert_eq!(a.endpoints()[0].ip, IpAddr::from(SERVER));
    assert_eq!(a.endpoints()[0].bytes, f.bytes());
    let timeline_bytes: u64 = a.timeline().bins(3, 0, 10_000_000_000).iter().map(|(_, _, c)| c.bytes).sum();
    assert_eq!(timeline_bytes, f.bytes());
    assert!(a.warnings().iter().any(|w| w.contains("malformed")));
}

/// Splits an IPv4 packet into fragments of `chunk` payload bytes (a multiple of 8).
fn fragment(packet: &[u8], chunk: usize) -> Vec<Vec<u8>> {
    let header = &packet[..20];
    let payload = &packet[20..];
    payload
        .chunks(chunk)
        .enumerate()
        .map(|(i, piece)| {
            let mut h = header.to_vec();
            let offset = (i * chunk / 8) as u16;
            let more = (i + 1) * chunk < payload.len();
            let flags_offset = offset | if more { 0x2000 } else { 0 };
            h[6..8].copy_from_slice(&flags_offset.to_be_bytes());
            h[2..4].copy_from_slice(&((20 + piece.len()) as u16).to_be_bytes());
            h[4..6].copy_from_slice(&77u16.to_be_bytes());
            h.extend_from_slice(piece);
            h
        })
        .collect()
}

#[test]
fn every_fragment_counts_towards_the_datagrams_flow_in_any_order() {
    let whole = udp(SERVER, 53, PHONE, 5000, &[7; 3000]);
    let mut pieces = fragment(&whole, 1480);
    assert_eq!(pieces.len(), 3);
    pieces.swap(0, 2);
    let mut a = Analysis::new(AnalysisConfig::default());
    for (i, p) in pieces.iter().enumerate() {
        a.ingest(&frame(i as i64, p));
    }
    a.finish();
    assert_eq!(a.flows().len(), 1);
    let f = &a.flows().flows()[0];
    assert_eq!((f.src_port, f.dst_port), (53, 5000));
    assert_eq!(f.packets(), 3);
    assert_eq!(f.bytes(), pieces.iter().map(|p| p.len() as u64).sum::<u64>());
    assert_eq!(a.fragment_stats().reassembled, 1);
}

#[test]
fn fragments_whose_first_never_comes_are_counted_by_address_pair() {
    let whole = udp(SERVER, 53, PHONE, 5000, &[7; 3000]);
    let pieces = fragment(&whole, 1480);
    let mut a = Analysis::new(AnalysisConfig::default());
    a.ingest(&frame(0, &pieces[1]));
    a.ingest(&frame(1, &pieces[2]));
    a.finish();
    assert_eq!(a.totals().ip_frames, 2);
    assert_eq!(a.flows().len(), 1);
    let f = &a.flows().flows()[0];
    assert_eq!((f.proto, f.src_port, f.dst_port, f.packets()), (17, 0, 0, 2));
    assert!(a.warnings().iter().any(|w| w.contains("never completed")));
}

#[test]
fn non_ip_and_unsupported_link_types_are_counted_not_dropped() {
    let mut a = Analysis::new(AnalysisConfig::default());
    let mut arp = vec![0xff; 12];
    arp.extend_from_slice(&[0x08, 0x06]);
    arp.extend_from_slice(&[0; 28]);
    a.ingest(&Frame { ts_ns: 0, wire_len: 42, link_type: link_type::ETHERNET, data: &arp });
    a.ingest(&Frame { ts_ns: 1, wire_len: 10, link_type: 147, data: &[0; 10] });
    a.finish();
    let t = a.totals();
    assert_eq!(t.frames, 2);
    assert_eq!(t.bytes, 52);
    assert_eq!(t.non_ip.get(&0x0806), Some(&1));
    assert_eq!(t.unsupported_link.get(&147), Some(&1));
    assert!(a.warnings().iter().any(|w| w.contains("LINKTYPE_147")));
}

#[test]
fn past_the_endpoint_limit_new_addresses_share_one_other_endpoint() {
    let mut a = Analysis::new(AnalysisConfig::default());
    let extra = 5;
    for i in 0..(MAX_ENDPOINTS + extra) as u32 {
        let remote = (0x0b00_0000 + i).to_be_bytes(); // 11.x.y.z, distinct and public
        let packet = udp(PHONE, 5000, remote, 443, &[0; 8]);
        a.ingest(&frame(i64::from(i), &packet));
    }
    a.finish();
    assert_eq!(a.endpoints().len(), MAX_ENDPOINTS + 1);
    let other = a.endpoints().last().unwrap();
    assert_eq!(other.flows as usize, extra);
    assert_eq!(*a.owner_of((a.endpoints().len() - 1) as u32), crate::providers::Owner::Other);
    assert_eq!(a.flows().len(), MAX_ENDPOINTS + extra, "flows stay apart");
    assert!(a.warnings().iter().any(|w| w.contains("remote addresses")));
}
