//! Hand-built snapshots with several owners and names, for the views' tests, the views demo
//! and benchmarks. Deterministic: no clock, no randomness beyond a fixed formula.

use std::net::{IpAddr, Ipv4Addr};

use whohosts_core::flows::{DirectionStats, Flow};
use whohosts_core::snapshot::Snapshot;

use crate::builder::{owner_of, SnapshotBuilder};

/// 2026-11-25 09:30:00 UTC, in nanoseconds since the Unix epoch.
pub const START_NS: i64 = 1_795_599_000 * 1_000_000_000;
const SECOND: i64 = 1_000_000_000;

struct Remote {
    ip: [u8; 4],
    name: Option<&'static str>,
    owner: (&'static str, Option<&'static str>, Option<&'static str>),
    weight: u64,
}

const REMOTES: &[Remote] = &[
    Remote {
        ip: [52, 239, 148, 20],
        name: Some("p47-content.icloud.com"),
        owner: ("Azure", Some("Storage"), Some("westeurope")),
        weight: 900,
    },
    Remote {
        ip: [52, 239, 148, 21],
        name: Some("p47-content.icloud.com"),
        owner: ("Azure", Some("Storage"), Some("westeurope")),
        weight: 500,
    },
    Remote {
        ip: [54, 231, 0, 4],
        name: Some("p47-content.icloud.com"),
        owner: ("AWS", Some("S3"), Some("us-east-1")),
        weight: 650,
    },
    Remote {
        ip: [3, 5, 20, 10],
        name: Some("s3.amazonaws.com"),
        owner: ("AWS", Some("S3"), Some("us-east-1")),
        weight: 300,
    },
    Remote {
        ip: [18, 200, 7, 9],
        name: Some("api.example-shop.com"),
        owner: ("AWS", Some("EC2"), Some("eu-west-1")),
        weight: 180,
    },
    Remote { ip: [17, 248, 130, 6], name: Some("gateway.icloud.com"), owner: ("Apple", None, None), weight: 240 },
    Remote { ip: [17, 253, 144, 10], name: Some("time.apple.com"), owner: ("Apple", None, None), weight: 8 },
    Remote { ip: [142, 250, 74, 46], name: Some("www.google.com"), owner: ("Google Cloud", None, None), weight: 120 },
    Remote { ip: [104, 16, 132, 229], name: Some("cdn.cloudflare.net"), owner: ("Cloudflare", None, None), weight: 90 },
    Remote { ip: [23, 45, 12, 8], name: Some("static.akamaized.net"), owner: ("Akamai", None, None), weight: 70 },
    Remote { ip: [151, 101, 1, 69], name: Some("assets.fastly.net"), owner: ("Fastly", None, None), weight: 40 },
    Remote { ip: [198, 51, 100, 23], name: None, owner: ("AS64500 Example Net", None, None), weight: 25 },
    Remote { ip: [203, 0, 113, 77], name: None, owner: ("Unknown", None, None), weight: 12 },
];

const HOSTS: [[u8; 4]; 3] = [[192, 168, 1, 10], [192, 168, 1, 11], [192, 168, 1, 20]];

/// A small capture: three local hosts, thirteen remote addresses, nine owners over a minute.
pub fn demo() -> Snapshot {
    let mut flows = Vec::new();
    for (r, remote) in REMOTES.iter().enumerate() {
        for h in 0..HOSTS.len() {
            // Not every host talks to every remote: a fixed pattern keeps the picture varied.
            if (r + 2 * h) % 3 == 2 && r > 1 {
                continue;
            }
            let bytes = remote.weight * 10_000 * (3 - h as u64) / 3 + 4_000;
            let first = START_NS + ((r * 7 + h * 13) % 40) as i64 * SECOND;
            let last = first + (5 + (r * 3 + h) % 17) as i64 * SECOND;
            flows.push((h, r, bytes, first, last));
        }
    }
    build(&flows)
}

/// The demo's flows with every other one moved three years later: two stretches of traffic
/// and a long silence between them, for the timeline's broken axis.
pub fn with_gap() -> Snapshot {
    let later = 3 * 365 * 86_400 * SECOND;
    let mut flows = Vec::new();
    for (r, remote) in REMOTES.iter().enumerate() {
        for h in 0..HOSTS.len() {
            let bytes = remote.weight * 10_000 + 4_000;
            let shift = if (r + h) % 2 == 1 { later } else { 0 };
            let first = START_NS + shift + ((r * 7 + h * 13) % 40) as i64 * SECOND;
            flows.push((h, r, bytes, first, first + 10 * SECOND));
        }
    }
    build(&flows)
}

/// `count` flows over the demo's remotes and 200 hosts, for timing the views.
pub fn large(count: usize) -> Snapshot {
    let flows: Vec<_> = (0..count)
        .map(|i| {
            let r = i % REMOTES.len();
            let h = i % 200;
            let first = START_NS + (i as i64 % 3_600) * SECOND;
            (h, r, 1_000 + (i as u64 * 7919) % 50_000, first, first + 2 * SECOND)
        })
        .collect();
    build(&flows)
}

fn build(flows_in: &[(usize, usize, u64, i64, i64)]) -> Snapshot {
    let mut builder = SnapshotBuilder::new();
    for remote in REMOTES {
        builder.remote(IpAddr::V4(Ipv4Addr::from(remote.ip)), remote.name, owner_of(remote.owner));
    }
    for (i, &(h, r, bytes, first, last)) in flows_in.iter().enumerate() {
        let host = HOSTS.get(h % HOSTS.len()).copied().unwrap_or([10, 0, 0, 1]);
        let host = if h < HOSTS.len() { host } else { [10, 0, (h / 250) as u8, (h % 250) as u8 + 1] };
        let packets = (bytes / 1_000).clamp(2, 40);
        let Some(remote) = REMOTES.get(r) else { continue };
        let half = DirectionStats { packets: packets / 2, bytes: bytes / 2, captured_bytes: bytes / 2, tcp_flags: 0 };
        let flow = Flow {
            proto: 6,
            src: IpAddr::V4(Ipv4Addr::from(host)),
            src_port: 40_000 + (i % 20_000) as u16,
            dst: IpAddr::V4(Ipv4Addr::from(remote.ip)),
            dst_port: 443,
            forward: half,
            reverse: DirectionStats {
                bytes: bytes - bytes / 2,
                captured_bytes: bytes - bytes / 2,
                packets: packets - packets / 2,
                ..half
            },
            first_ns: first,
            last_ns: last,
            first_frame: i as u64 + 1,
            remote_is_dst: true,
            other: false,
        };
        // Spread the flow's packets evenly over its life; a little burst in the middle.
        let samples: Vec<(i64, u64)> = (0..packets)
            .map(|p| {
                let t = first + (last - first) * p as i64 / packets as i64;
                (t, bytes / packets + if p == packets / 2 { bytes % packets } else { 0 })
            })
            .collect();
        builder.flow(flow, remote.name, owner_of(remote.owner), samples);
    }
    builder.build()
}
