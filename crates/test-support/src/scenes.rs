//! Hand-built snapshots with several owners and names, for the views' tests, the views demo
//! and benchmarks. Deterministic: no clock, no randomness beyond a fixed formula.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use whohosts_core::analysis::{CaptureTotals, Endpoint};
use whohosts_core::flows::{DirectionStats, Flow};
use whohosts_core::snapshot::{EndpointView, Owner, OwnerTotals, Snapshot};
use whohosts_core::timeline::Timeline;

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
    let mut owners: Vec<OwnerTotals> = Vec::new();
    let mut endpoints: Vec<EndpointView> = REMOTES
        .iter()
        .map(|remote| {
            let owner = owner_of(remote.owner);
            let index = owners.iter().position(|o| o.owner == owner).unwrap_or_else(|| {
                owners.push(OwnerTotals { owner, bytes: 0, packets: 0, endpoints: 0 });
                owners.len() - 1
            });
            let ip = IpAddr::V4(Ipv4Addr::from(remote.ip));
            EndpointView {
                endpoint: Endpoint { ip, packets: 0, bytes: 0, flows: 0, first_ns: i64::MAX, last_ns: i64::MIN },
                best_name: remote.name.map(Into::into),
                owner: index,
                names: Vec::new(),
                cname_chain: Vec::new(),
            }
        })
        .collect();
    let mut flows = Vec::with_capacity(flows_in.len());
    let mut flow_endpoint = Vec::with_capacity(flows_in.len());
    let mut timeline = Timeline::default();
    let mut totals = CaptureTotals::default();
    for (i, &(h, r, bytes, first, last)) in flows_in.iter().enumerate() {
        let host = HOSTS.get(h % HOSTS.len()).copied().unwrap_or([10, 0, 0, 1]);
        let host = if h < HOSTS.len() { host } else { [10, 0, (h / 250) as u8, (h % 250) as u8 + 1] };
        let packets = (bytes / 1_000).clamp(2, 40);
        let (Some(endpoint), Some(remote)) = (endpoints.get_mut(r), REMOTES.get(r)) else { continue };
        let half = DirectionStats { packets: packets / 2, bytes: bytes / 2, captured_bytes: bytes / 2, tcp_flags: 0 };
        flows.push(Flow {
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
        });
        flow_endpoint.push(r as u32);
        let e = &mut endpoint.endpoint;
        e.bytes += bytes;
        e.packets += packets;
        e.flows += 1;
        e.first_ns = e.first_ns.min(first);
        e.last_ns = e.last_ns.max(last);
        if let Some(o) = owners.get_mut(endpoint.owner) {
            o.bytes += bytes;
            o.packets += packets;
        }
        // Spread the flow's packets evenly over its life; a little burst in the middle.
        for p in 0..packets {
            let t = first + (last - first) * p as i64 / packets as i64;
            let share = bytes / packets + if p == packets / 2 { bytes % packets } else { 0 };
            timeline.add(r as u32, t, share);
        }
        totals.frames += packets;
        totals.bytes += bytes;
        totals.first_ns = Some(totals.first_ns.map_or(first, |f| f.min(first)));
        totals.last_ns = Some(totals.last_ns.map_or(last, |l| l.max(last)));
    }
    timeline.flush();
    for o in &mut owners {
        o.endpoints = 0;
    }
    for e in &endpoints {
        if let Some(o) = owners.get_mut(e.owner) {
            o.endpoints += 1;
        }
    }
    // Owners largest first, as real snapshots have them.
    let mut order: Vec<usize> = (0..owners.len()).collect();
    order.sort_by(|&a, &b| owners[b].bytes.cmp(&owners[a].bytes).then(a.cmp(&b)));
    let mut new_index = vec![0; owners.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    for e in &mut endpoints {
        e.owner = new_index.get(e.owner).copied().unwrap_or(0);
    }
    let owners = order.iter().filter_map(|&i| owners.get(i).cloned()).collect();
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

/// The owner a fixture names: a provider's label with its service and region, or an AS,
/// "Local network" or "Unknown" label.
fn owner_of((label, service, region): (&str, Option<&str>, Option<&str>)) -> Owner {
    match Owner::from_label(label) {
        Owner::Provider { name, .. } => {
            Owner::Provider { name, service: service.map(Into::into), region: region.map(Into::into) }
        }
        other => other,
    }
}
