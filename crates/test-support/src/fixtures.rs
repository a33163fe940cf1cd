//! A hand-built snapshot with several owners and names, for exporter tests and previews
//! while the capture analysis still attributes every address to "Unknown".

use whohosts_core::flows::{DirectionStats, Flow};
use whohosts_core::snapshot::Snapshot;

use crate::builder::{owner_of, SnapshotBuilder};

/// Start of the fixture's capture: 2023-11-14T22:13:20Z.
pub const T0_NS: i64 = 1_700_000_000 * 1_000_000_000;
const S: i64 = 1_000_000_000;

struct Spec {
    remote: &'static str,
    port: u16,
    proto: u8,
    owner: (&'static str, Option<&'static str>, Option<&'static str>),
    name: Option<&'static str>,
    from_s: i64,
    to_s: i64,
    bytes: u64,
}

const SPECS: [Spec; 4] = [
    Spec {
        remote: "52.216.1.1",
        port: 443,
        proto: 6,
        owner: ("AWS", Some("S3"), Some("us-east-1")),
        name: Some("s3.amazonaws.com"),
        from_s: 0,
        to_s: 10,
        bytes: 600_000,
    },
    Spec {
        remote: "17.253.1.1",
        port: 443,
        proto: 6,
        owner: ("Apple", None, None),
        name: Some("p42-content.icloud.com"),
        from_s: 5,
        to_s: 15,
        bytes: 300_000,
    },
    Spec {
        remote: "13.107.1.1",
        port: 8443,
        proto: 6,
        owner: ("Azure", Some("Storage"), Some("westeurope")),
        name: Some("blob.core.windows.net"),
        from_s: 2,
        to_s: 12,
        bytes: 200_000,
    },
    Spec {
        remote: "203.0.113.9",
        port: 53,
        proto: 17,
        owner: ("Unknown", None, None),
        name: None,
        from_s: 20,
        to_s: 30,
        bytes: 1_000,
    },
];

/// Four flows from one local host to AWS (largest), Apple, Azure and an unknown server,
/// spread over 30 s with one packet per second each.
pub fn three_owner_snapshot() -> Snapshot {
    let local: std::net::IpAddr = [192, 168, 1, 10].into();
    let mut builder = SnapshotBuilder::new();
    for (i, spec) in SPECS.iter().enumerate() {
        let remote = spec.remote.parse().unwrap_or(local);
        let seconds = (spec.to_s - spec.from_s + 1) as u64;
        let per_packet = spec.bytes / seconds;
        let half = seconds / 2;
        let stats = |packets: u64| DirectionStats {
            packets,
            bytes: packets * per_packet,
            captured_bytes: packets * per_packet,
            tcp_flags: 0,
        };
        let flow = Flow {
            proto: spec.proto,
            src: local,
            src_port: 50_000 + i as u16,
            dst: remote,
            dst_port: spec.port,
            forward: stats(half),
            reverse: stats(seconds - half),
            first_ns: T0_NS + spec.from_s * S,
            last_ns: T0_NS + spec.to_s * S,
            first_frame: i as u64 + 1,
            remote_is_dst: true,
            other: false,
        };
        let samples = (spec.from_s..=spec.to_s).map(|t| (T0_NS + t * S, per_packet));
        builder.flow(flow, spec.name, owner_of(spec.owner), samples);
    }
    builder.build()
}
