//! A hand-built snapshot with several owners and names, for tests and screenshots of states a
//! real capture cannot show yet (providers and names are wired in later).

use std::net::{IpAddr, Ipv4Addr};

use whohosts_core::flows::{DirectionStats, Flow};
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;

use crate::builder::SnapshotBuilder;

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
    let mut builder = SnapshotBuilder::new().with_sightings();
    let mut frame = 1;
    for (id, (octets, name, owner_name)) in DEMO_ENDPOINTS.iter().enumerate() {
        let remote = IpAddr::V4(Ipv4Addr::from(*octets));
        let scale = (DEMO_ENDPOINTS.len() - id) as u64;
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
            let (packets, per_packet) = (flow.packets(), flow.bytes() / flow.packets());
            let samples: Vec<(i64, u64)> = (0..packets)
                .map(|step| (first_ns + (last_ns - first_ns) * step as i64 / packets as i64, per_packet))
                .collect();
            builder.flow(flow, *name, Owner::from_label(owner_name), samples);
        }
    }
    builder.build()
}
