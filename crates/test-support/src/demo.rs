//! A hand-built snapshot with several owners and names, for tests and screenshots of states a
//! real capture cannot show yet (providers and names are wired in later).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use whohosts_core::analysis::{CaptureTotals, Endpoint};
use whohosts_core::flows::{DirectionStats, Flow};
use whohosts_core::names::{NameSighting, NameSource};
use whohosts_core::snapshot::{EndpointView, Owner, OwnerTotals, Snapshot};
use whohosts_core::timeline::Timeline;

/// Capture start of the demo: 2011-06-06 17:00:00 UTC (the day iCloud was announced).
pub const DEMO_START_NS: i64 = 1_307_379_600_000_000_000;

/// (remote address, name, owner) of the demo's endpoints.
const DEMO_ENDPOINTS: [([u8; 4], Option<&str>, &str); 6] = [
    ([17, 248, 176, 20], Some("p01-contacts.icloud.com"), "Apple"),
    ([52, 216, 8, 3], Some("s3.amazonaws.com"), "AWS"),
    ([13, 107, 42, 14], Some("icloud-content.blob.core.windows.net"), "Azure"),
    ([104, 16, 12, 7], Some("cdn.example.net"), "Cloudflare"),
    ([93, 184, 216, 34], None, "AS15133 Edgecast"),
    ([198, 51, 100, 9], None, "Unknown"),
];

/// A local client (192.168.1.10) talking to six endpoints of five owners, two flows each.
pub fn demo_snapshot() -> Snapshot {
    let local = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 10));
    let mut flows = Vec::new();
    let mut flow_endpoint = Vec::new();
    let mut endpoints = Vec::new();
    let mut owners: Vec<OwnerTotals> = Vec::new();
    let mut timeline = Timeline::default();
    let mut frame = 1;
    for (id, (octets, name, owner_name)) in DEMO_ENDPOINTS.iter().enumerate() {
        let remote = IpAddr::V4(Ipv4Addr::from(*octets));
        let scale = (DEMO_ENDPOINTS.len() - id) as u64;
        let mut endpoint =
            Endpoint { ip: remote, packets: 0, bytes: 0, flows: 0, first_ns: i64::MAX, last_ns: i64::MIN };
        for k in 0..2u64 {
            let first_ns = DEMO_START_NS + (id as i64) * 700_000_000 + (k as i64) * 3_000_000_000;
            let last_ns = first_ns + 1_500_000_000 + (scale as i64) * 400_000_000;
            let forward = DirectionStats {
                packets: 10 * scale,
                bytes: 1_200 * scale,
                captured_bytes: 1_200 * scale,
                tcp_flags: 0x1a,
            };
            let reverse = DirectionStats {
                packets: 30 * scale,
                bytes: 40_000 * scale * scale,
                captured_bytes: 40_000 * scale,
                tcp_flags: 0x1a,
            };
            let flow = Flow {
                proto: if id == 3 { 17 } else { 6 },
                src: local,
                src_port: 50_000 + (id as u16) * 10 + k as u16,
                dst: remote,
                dst_port: 443,
                forward,
                reverse,
                first_ns,
                last_ns,
                first_frame: frame,
                remote_is_dst: true,
                other: false,
            };
            frame += flow.packets();
            for step in 0..flow.packets() {
                let ts = first_ns + (last_ns - first_ns) * step as i64 / flow.packets() as i64;
                timeline.add(id as u32, ts, flow.bytes() / flow.packets());
            }
            endpoint.packets += flow.packets();
            endpoint.bytes += flow.bytes();
            endpoint.flows += 1;
            endpoint.first_ns = endpoint.first_ns.min(first_ns);
            endpoint.last_ns = endpoint.last_ns.max(last_ns);
            flows.push(flow);
            flow_endpoint.push(id as u32);
        }
        let owner = match owners.iter().position(|o| o.owner.label() == *owner_name) {
            Some(i) => i,
            None => {
                let owner = Owner::from_label(owner_name);
                owners.push(OwnerTotals { owner, bytes: 0, packets: 0, endpoints: 0 });
                owners.len() - 1
            }
        };
        if let Some(o) = owners.get_mut(owner) {
            o.bytes += endpoint.bytes;
            o.packets += endpoint.packets;
            o.endpoints += 1;
        }
        let names = name
            .map(|n| {
                vec![NameSighting {
                    name: n.to_string(),
                    source: NameSource::Sni,
                    frame: 1,
                    ech_outer: false,
                    log: None,
                }]
            })
            .unwrap_or_default();
        endpoints.push(EndpointView {
            endpoint,
            best_name: name.map(str::to_string),
            owner,
            names,
            cname_chain: Vec::new(),
        });
    }
    timeline.flush();
    let totals = CaptureTotals {
        frames: flows.iter().map(Flow::packets).sum(),
        bytes: flows.iter().map(Flow::bytes).sum(),
        first_ns: flows.iter().map(|f| f.first_ns).min(),
        last_ns: flows.iter().map(|f| f.last_ns).max(),
        ..CaptureTotals::default()
    };
    Snapshot {
        totals,
        flows: Arc::new(flows),
        flow_endpoint: Arc::new(flow_endpoint),
        endpoints: Arc::new(endpoints),
        owners: Arc::new(owners),
        timeline: Arc::new(timeline),
        warnings: Vec::new(),
        providers: None,
    }
}
