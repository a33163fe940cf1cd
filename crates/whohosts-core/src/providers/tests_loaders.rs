//! Loader tests on real-format fixtures in `testdata/` and broken variants of them.

use std::net::IpAddr;
use std::path::PathBuf;

use super::{ProviderDb, ProviderError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata").join(name)
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn load(name: &str) -> (ProviderDb, super::LoadSummary) {
    let mut db = ProviderDb::empty();
    let summary = db.load_file(&fixture(name)).expect("fixture loads");
    (db, summary)
}

fn load_error(name: &str) -> String {
    let mut db = ProviderDb::empty();
    let err = db.load_file(&fixture(name)).expect_err("broken fixture is refused");
    let msg = err.to_string();
    assert!(msg.contains(name), "error names the file: {msg}");
    msg
}

#[test]
fn aws_official_file() {
    let (db, s) = load("aws-ip-ranges.json");
    assert_eq!((s.format, s.date.as_str()), ("aws-ip-ranges", "2025-10-31-07-08-41"));
    assert_eq!(s.providers, ["AWS"]);
    let m = db.lookup(ip("52.216.10.1")).expect("S3");
    assert_eq!((m.service, m.region), (Some("S3"), Some("us-east-1")));
    assert_eq!((m.dataset, m.date), ("aws-ip-ranges.json", "2025-10-31-07-08-41"));
    // 3.5.0.0/19 is listed as AMAZON, S3 and EC2: the most specific service is kept.
    assert_eq!(db.lookup(ip("3.5.0.1")).and_then(|m| m.service), Some("S3"));
    let cf = db.lookup(ip("13.113.203.9")).expect("CloudFront in AMAZON /14");
    assert_eq!((cf.service, cf.prefix.to_string().as_str()), (Some("CLOUDFRONT"), "13.113.203.0/24"));
    let outer = db.lookup(ip("13.112.0.1")).expect("the /14 around it");
    assert_eq!((outer.service, outer.prefix.to_string().as_str()), (Some("EC2"), "13.112.0.0/14"));
    assert_eq!(db.lookup(ip("2600:1fa0:2c00::1")).and_then(|m| m.service), Some("S3"));
    assert_eq!(db.datasets().len(), 1);
    assert!(db.datasets()[0].user_loaded && db.datasets()[0].prefixes == s.prefixes);
}

#[test]
fn azure_service_tags() {
    let (db, s) = load("ServiceTags_Public_20261102.json");
    assert_eq!(s.format, "azure-service-tags");
    assert_eq!(s.date, "2026-11-02 (changeNumber 389, cloud Public)");
    let m = db.lookup(ip("13.68.163.33")).expect("Storage");
    assert_eq!((m.provider, m.service, m.region), ("Azure", Some("Storage"), Some("eastus")));
    let m = db.lookup(ip("13.68.200.1")).expect("AzureCloud");
    assert_eq!((m.service, m.region), (Some("AzureCloud"), Some("eastus")));
    assert_eq!(db.lookup(ip("2603:1030:40a:4::9")).map(|m| m.provider), Some("Azure"));
}

#[test]
fn gcp_cloud_json() {
    let (db, s) = load("cloud.json");
    assert_eq!((s.format, s.date.as_str()), ("gcp-cloud-json", "2026-11-01T10:00:00.000000"));
    let m = db.lookup(ip("8.34.210.7")).expect("GCP");
    assert_eq!((m.provider, m.region), ("Google Cloud", Some("us-central1")));
    assert!(db.lookup(ip("2600:1900:4001::1")).is_some());
}

#[test]
fn oracle_public_ip_ranges() {
    let (db, s) = load("public_ip_ranges.json");
    assert_eq!(s.format, "oracle-public-ip-ranges");
    assert_eq!(s.date, "2026-10-30T21:41:05.621434");
    let m = db.lookup(ip("51.170.40.1")).expect("OCI");
    assert_eq!((m.provider, m.service, m.region), ("Oracle Cloud", Some("OCI"), Some("eu-madrid-1")));
}

#[test]
fn plain_cidr_list_with_header() {
    let (db, s) = load("hetzner.txt");
    assert_eq!((s.format, s.date.as_str(), s.prefixes, s.skipped_special), ("cidr-list", "2026-11-01", 2, 1));
    assert_eq!(db.lookup(ip("5.9.1.1")).map(|m| m.provider), Some("Hetzner"));
    assert_eq!(db.lookup(ip("2a01:4f8:1::1")).map(|m| m.provider), Some("Hetzner"));
    assert_eq!(db.lookup(ip("10.0.0.1")), None);
}

#[test]
fn plain_list_provider_from_caller_and_mtime_date() {
    let mut db = ProviderDb::empty();
    let err = db.load_file(&fixture("no-provider.txt")).expect_err("needs a provider");
    assert!(matches!(err, ProviderError::NoProvider { .. }), "{err}");
    let dir = std::env::temp_dir().join(format!("whohosts-providers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("mine.txt");
    std::fs::write(&path, "45.90.28.0/22\n").expect("write list");
    let s = db.load_file_as(&path, Some("digital ocean")).expect("caller names provider");
    assert_eq!(s.providers, ["DigitalOcean"]);
    // No date in the file: the modification date, YYYY-MM-DD.
    assert_eq!(s.date.len(), 10, "{}", s.date);
    assert!(s.date.starts_with("20"), "{}", s.date);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn user_file_wins_over_snapshot_for_the_same_prefix() {
    let mut db = ProviderDb::builtin().expect("builtin");
    assert_eq!(db.lookup(ip("104.16.0.1")).map(|m| m.provider), Some("Cloudflare"));
    let s = db.load_file(&fixture("override.txt")).expect("loads");
    assert_eq!(s.replaced, 1);
    let m = db.lookup(ip("104.16.0.1")).expect("match");
    assert_eq!((m.provider, m.dataset), ("Example Edge", "override.txt"));
    assert_eq!(db.datasets().last().map(|d| d.user_loaded), Some(true));
}

#[test]
fn broken_files_name_the_entry_and_value() {
    let msg = load_error("aws-bad-prefix.json");
    assert!(msg.contains("prefixes[2]") && msg.contains("3.5.0.0/99"), "{msg}");
    let msg = load_error("aws-missing-field.json");
    assert!(msg.contains("ipv6_prefixes[1]") && msg.contains("missing prefix"), "{msg}");
    let msg = load_error("aws-truncated.json");
    assert!(msg.contains("not valid JSON") && msg.contains("line"), "{msg}");
    let msg = load_error("ServiceTags_Public_bad.json");
    assert!(msg.contains("values[1].properties.addressPrefixes[1]") && msg.contains("13.68.165.x/28"), "{msg}");
    let msg = load_error("cloud-missing-prefix.json");
    assert!(msg.contains("prefixes[1]"), "{msg}");
    let msg = load_error("oracle-bad-cidr.json");
    assert!(msg.contains("regions[1].cidrs[0]") && msg.contains("51.170.32.0/40"), "{msg}");
    let msg = load_error("bad-line.txt");
    assert!(msg.contains("line 4") && msg.contains("300.1.2.0/24"), "{msg}");
    let msg = load_error("unknown.json");
    assert!(msg.contains("unrecognised"), "{msg}");
}

#[test]
fn hostile_files_are_refused_without_panics() {
    let dir = std::env::temp_dir().join(format!("whohosts-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut db = ProviderDb::empty();
    let binary = dir.join("garbage.bin");
    std::fs::write(&binary, [0xffu8, 0xfe, 0x00, 0x80, 0x81]).expect("write");
    assert!(matches!(db.load_file(&binary), Err(ProviderError::UnknownFormat { .. })));
    let huge = dir.join("huge.txt");
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(super::load::MAX_FILE_BYTES + 1).expect("sparse file");
    assert!(matches!(db.load_file(&huge), Err(ProviderError::TooLarge { .. })));
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "# provider: X\n# nothing else\n").expect("write");
    assert!(matches!(db.load_file(&empty), Err(ProviderError::Empty { .. })));
    let missing = dir.join("missing.json");
    let err = db.load_file(&missing).expect_err("missing file");
    assert!(err.to_string().contains("missing.json"), "{err}");
    for text in [
        "{",
        "{\"createDate\": 1, \"prefixes\": 5}",
        "{\"createDate\": \"x\", \"prefixes\": [7]}",
        "{\"values\": [{\"name\": \"A\"}], \"cloud\": \"Public\"}",
        "{\"regions\": [{\"cidrs\": [1]}], \"last_updated_timestamp\": 1}",
    ] {
        let path = dir.join("odd.json");
        std::fs::write(&path, text).expect("write");
        assert!(db.load_file(&path).is_err(), "{text}");
    }
    assert!(db.datasets().is_empty(), "failed loads add no dataset");
    std::fs::remove_dir_all(&dir).ok();
}

/// Loads a real official file over the snapshot and reports what changed:
/// `WHOHOSTS_RANGE_FILE=path cargo test --lib tests_loaders::any_official_file -- --ignored --nocapture`.
#[test]
#[ignore = "needs WHOHOSTS_RANGE_FILE"]
fn any_official_file() {
    let Some(path) = std::env::var_os("WHOHOSTS_RANGE_FILE") else {
        return;
    };
    let mut db = ProviderDb::builtin().expect("builtin");
    let start = std::time::Instant::now();
    let summary = db.load_file(std::path::Path::new(&path)).expect("loads");
    println!("{summary:?} in {:?}", start.elapsed());
}
