//! Tests over the shipped snapshot: known addresses land where they should.

use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Instant;

use super::evidence::attribute;
use super::{ProviderDb, CANONICAL_PROVIDERS};

fn db() -> &'static ProviderDb {
    static DB: OnceLock<ProviderDb> = OnceLock::new();
    DB.get_or_init(|| ProviderDb::builtin().expect("builtin snapshot loads"))
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

/// (provider, service, region, prefix) of the longest match.
fn at(s: &str) -> Option<(String, Option<String>, Option<String>, String)> {
    db().lookup(ip(s))
        .map(|m| (m.provider.to_string(), m.service.map(Into::into), m.region.map(Into::into), m.prefix.to_string()))
}

fn provider_at(s: &str) -> Option<String> {
    at(s).map(|m| m.0)
}

#[test]
fn known_addresses_land_on_their_provider() {
    let cases = [
        ("17.253.144.10", "Apple"),
        ("17.0.0.1", "Apple"),
        ("2620:149:a44::1", "Apple"),
        ("52.216.0.1", "AWS"),
        ("13.32.0.1", "AWS"),
        ("2600:9000:2000::1", "AWS"),
        ("13.68.163.33", "Azure"),
        ("52.239.152.1", "Azure"),
        ("104.16.132.229", "Cloudflare"),
        ("2606:4700::1111", "Cloudflare"),
        ("8.34.208.1", "Google Cloud"),
        ("40.233.64.1", "Oracle Cloud"),
        ("159.89.0.1", "DigitalOcean"),
        ("23.32.0.1", "Akamai"),
        ("184.24.0.1", "Akamai"),
        ("2a02:26f0::1", "Akamai"),
        ("151.101.1.1", "Fastly"),
        ("2a04:4e42::1", "Fastly"),
    ];
    for (addr, provider) in cases {
        assert_eq!(provider_at(addr).as_deref(), Some(provider), "{addr}");
    }
}

#[test]
fn services_and_regions_are_reported() {
    let s3 = at("52.216.0.1").expect("S3");
    assert_eq!((s3.1.as_deref(), s3.2.as_deref()), (Some("S3"), Some("us-east-1")));
    let cf = at("13.32.0.1").expect("CloudFront");
    assert_eq!(cf.1.as_deref(), Some("CLOUDFRONT"));
    let storage = at("13.68.163.33").expect("Azure Storage");
    assert_eq!((storage.1.as_deref(), storage.2.as_deref()), (Some("STORAGE"), Some("eastus")));
    let apple = at("17.253.144.10").expect("Apple");
    assert_eq!(apple.1.as_deref(), Some("AS714"));
}

#[test]
fn longest_prefix_wins_in_the_snapshot() {
    // A CloudFront /24 inside a broader AMAZON/EC2 prefix of ap-northeast-1.
    let inner = at("13.113.203.1").expect("inner");
    assert_eq!((inner.1.as_deref(), inner.3.as_str()), (Some("CLOUDFRONT"), "13.113.203.0/24"));
    let outer = at("13.113.0.1").expect("outer");
    assert_eq!(outer.0, "AWS");
    assert_ne!(outer.1.as_deref(), Some("CLOUDFRONT"));
}

#[test]
fn special_purpose_addresses_are_nobodys() {
    for addr in [
        "10.1.2.3",
        "192.168.1.1",
        "172.16.0.1",
        "100.64.1.1",
        "127.0.0.1",
        "169.254.1.1",
        "224.0.0.251",
        "192.0.2.1",
        "198.18.0.1",
        "0.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fd00::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:10.0.0.1",
    ] {
        assert_eq!(db().lookup(ip(addr)), None, "{addr}");
        assert_eq!(db().asn(ip(addr)), None, "{addr}");
    }
}

#[test]
fn asn_table_gives_every_public_address_an_owner() {
    let google = db().asn(ip("8.8.8.8")).expect("AS15169");
    assert_eq!(google.number, 15169);
    assert!(google.org.contains("Google"), "{}", google.org);
    assert_eq!(db().asn(ip("1.1.1.1")).map(|a| a.number), Some(13335));
    assert_eq!(db().asn(ip("17.253.144.10")).map(|a| a.number), Some(714));
    assert_eq!(db().asn(ip("151.101.1.1")).map(|a| a.number), Some(54113));
    assert_eq!(db().asn(ip("2606:4700::1111")).map(|a| a.number), Some(13335));
    // Not in any cloud range, but still owned.
    assert_eq!(db().lookup(ip("8.8.8.8")), None);
}

#[test]
fn datasets_describe_the_snapshot() {
    let sets = db().datasets();
    assert_eq!(sets.len(), 3);
    assert!(sets.iter().all(|d| !d.date.is_empty() && !d.licence.is_empty() && d.prefixes > 0));
    assert!(sets.iter().any(|d| d.licence == "CC BY 4.0" && d.attribution.contains("DB-IP")));
    let m = db().lookup(ip("52.216.0.1")).expect("S3");
    assert_eq!((m.dataset, m.date), ("cloudip-db", "2026-10-26"));
}

#[test]
fn every_snapshot_provider_name_is_canonical() {
    // Sample one address per provider; the names must be exactly the canonical ones.
    for addr in [
        "52.216.0.1",
        "13.68.163.33",
        "17.0.0.1",
        "8.34.208.1",
        "40.233.64.1",
        "104.16.0.1",
        "159.89.0.1",
        "23.32.0.1",
        "151.101.1.1",
    ] {
        let provider = provider_at(addr).expect("provider");
        assert!(CANONICAL_PROVIDERS.contains(&provider.as_str()), "{provider}");
    }
}

#[test]
fn database_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ProviderDb>();
}

#[test]
fn icloud_name_on_azure_range_is_a_conflict() {
    let a = attribute(db(), ip("52.239.152.1"), ["p42-content.icloud.com", "blob.example.org"]);
    assert_eq!(a.provider.as_ref().map(|p| p.name.as_str()), Some("Azure"));
    assert_eq!(a.hints.len(), 1);
    assert_eq!(a.conflicts.len(), 1);
    assert_eq!((a.conflicts[0].hinted, a.conflicts[0].range_provider.as_str()), ("Apple", "Azure"));
    let json = serde_json::to_string(&a).expect("serialises");
    assert!(json.contains("\"conflicts\""), "{json}");
    // A matching hint is supporting evidence, not a conflict.
    let a = attribute(db(), ip("52.239.152.1"), ["acct.blob.core.windows.net"]);
    assert!(a.conflicts.is_empty());
    assert_eq!(a.owner_label().as_deref(), Some("Azure"));
    // No range: the AS names the owner, and hints alone never make a conflict.
    let a = attribute(db(), ip("8.8.8.8"), ["dns.google", "x.1e100.net"]);
    assert!(a.provider.is_none() && a.conflicts.is_empty());
    assert!(a.owner_label().is_some_and(|l| l.starts_with("AS15169")));
    let a = attribute(db(), ip("192.168.1.1"), ["nas.icloud.com"]);
    assert_eq!(a.special, Some("private"));
    assert_eq!(a.owner_label().as_deref(), Some("private"));
}

/// Load and lookup timing; run with
/// `cargo test --release --lib providers::tests_shipped::timing -p whohosts-core -- --ignored --nocapture`.
/// CPU seconds this process has used (all threads), from /proc; 0 where unavailable.
fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<f64> = after_name.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    (fields.get(10).unwrap_or(&0.0) + fields.get(11).unwrap_or(&0.0)) / 100.0
}

#[test]
#[ignore = "timing report, meaningful in release builds"]
fn timing() {
    const RUNS: u32 = 5;
    let cpu_before = process_cpu_seconds();
    let mut best = std::time::Duration::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        drop(ProviderDb::builtin().expect("builtin"));
        best = best.min(start.elapsed());
    }
    let cpu = (process_cpu_seconds() - cpu_before) / f64::from(RUNS);
    let start = Instant::now();
    let db = ProviderDb::builtin().expect("builtin");
    let load = start.elapsed();
    println!(
        "builtin load: best of {RUNS} {:.1} ms wall, {:.1} ms CPU per load (all threads)",
        best.as_secs_f64() * 1e3,
        cpu * 1e3
    );
    // Scattered over the whole IPv4 space (mostly misses), then over three cloud-dense /8s.
    let scatter = |i: u32| i.wrapping_mul(2_654_435_761);
    let mut probes: Vec<IpAddr> = (0..100_000u32).map(|i| IpAddr::from(std::net::Ipv4Addr::from(scatter(i)))).collect();
    probes.extend((0..100_000u32).map(|i| {
        let first_octet = [13u32, 20, 52][(i % 3) as usize];
        IpAddr::from(std::net::Ipv4Addr::from((first_octet << 24) | (scatter(i) >> 8)))
    }));
    let start = Instant::now();
    let hits = probes.iter().filter(|&&p| db.lookup(p).is_some()).count();
    let lookup = start.elapsed();
    let start = Instant::now();
    let owned = probes.iter().filter(|&&p| db.asn(p).is_some()).count();
    let asn = start.elapsed();
    let n = probes.len() as f64;
    let rss_kb = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().to_string()))
        .unwrap_or_default();
    println!("process RSS with two databases alive at most: {rss_kb}");
    println!(
        "builtin load {:.1} ms; {} prefixes; lookup {:.0} ns/address ({hits} hits); asn {:.0} ns/address ({owned} owned)",
        load.as_secs_f64() * 1e3,
        db.prefix_count(),
        lookup.as_secs_f64() * 1e9 / n,
        asn.as_secs_f64() * 1e9 / n,
    );
}
