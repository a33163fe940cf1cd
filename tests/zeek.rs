//! Zeek logs as input (samples/zeek/, see its README): the icloud story told from the logs
//! alone matches the capture's endpoints, names, CNAME chains, owners and byte shares; TSV,
//! JSON and the gzip archive tree read the same; bad lines are reported with file and line.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use whohosts_core::analysis::{Analysis, AnalysisConfig};
use whohosts_core::ingest::{analyse_input, zeek_logs::SPREAD_NOTE};
use whohosts_core::input::Input;
use whohosts_core::snapshot::Snapshot;

pub fn sample(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(rel)
}

pub fn config() -> AnalysisConfig {
    let providers = Arc::new(whohosts::cli::load_providers(&[]).expect("shipped range data"));
    AnalysisConfig { providers, ..AnalysisConfig::default() }
}

pub fn analyse(paths: &[PathBuf]) -> Analysis {
    let input = Input::detect(paths).unwrap();
    analyse_input(&input, config(), |_, _| ControlFlow::Continue(())).unwrap()
}

/// Per endpoint: best name, (name, source) pairs, CNAME chain, owner.
type Story = BTreeMap<IpAddr, (Option<String>, Vec<(String, &'static str)>, Vec<String>, String)>;

fn story(a: &Analysis) -> Story {
    let s = Snapshot::of(a);
    s.endpoints
        .iter()
        .map(|e| {
            let mut names: Vec<_> = e.names.iter().map(|n| (n.name.clone(), n.source.as_str())).collect();
            names.sort();
            let owner = s.owner(e).map(|o| format!("{o:?}")).unwrap_or_default();
            (e.endpoint.ip, (e.best_name.clone(), names, e.cname_chain.clone(), owner))
        })
        .collect()
}

/// Owner -> share of all endpoint bytes.
fn shares(a: &Analysis) -> BTreeMap<String, f64> {
    let s = Snapshot::of(a);
    let total: u64 = s.owners.iter().map(|o| o.bytes).sum();
    s.owners.iter().map(|o| (format!("{:?}", o.owner), o.bytes as f64 / total as f64)).collect()
}

#[test]
fn the_icloud_story_from_zeek_logs_alone_matches_the_capture() {
    let capture = analyse(&[sample("icloud.pcap")]);
    let logs = analyse(&[sample("zeek/icloud")]);
    assert_eq!(story(&logs), story(&capture));
    let (ours, theirs) = (shares(&logs), shares(&capture));
    assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>());
    for (owner, share) in &ours {
        // Logs count IP bytes, a capture counts frames (14 bytes of Ethernet more each).
        assert!((share - theirs[owner]).abs() < 0.002, "{owner}: {share} vs {}", theirs[owner]);
    }
    // Packets per endpoint agree, except the DNS server: Zeek counts the 2 IP fragments of
    // one datagram as one packet.
    let packets = |a: &Analysis| -> BTreeMap<IpAddr, u64> { a.endpoints().iter().map(|e| (e.ip, e.packets)).collect() };
    let (ours, theirs) = (packets(&logs), packets(&capture));
    for (ip, n) in &ours {
        let fragments = u64::from(*ip == "192.168.1.1".parse::<IpAddr>().unwrap());
        assert_eq!(*n + fragments, theirs[ip], "{ip}");
    }
    assert_eq!(logs.flows().len(), capture.flows().len());
    assert_eq!(logs.totals().bytes, 9_364_220, "the README's total conn IP bytes");
}

#[test]
fn names_carry_their_log_and_uid_as_evidence() {
    let logs = analyse(&[sample("zeek/icloud")]);
    let azure: IpAddr = "13.88.144.120".parse().unwrap();
    let names = logs.names().endpoint(azure).unwrap();
    let dns = names.names.iter().find(|n| n.source.as_str() == "dns").unwrap();
    let log = dns.log.as_ref().unwrap();
    assert_eq!((log.log, log.uid.as_str()), ("dns.log", "CbFhviqooQ8lW5K2CC"));
    assert_eq!(
        names.cname_chain,
        [
            "p12-content.icloud.com",
            "p12-content.fe.icloud-content.com",
            "apcs12prod.blob.core.windows.net",
            "blob.by4prdstr05a.store.core.windows.net"
        ]
    );
    let sni = names.names.iter().find(|n| n.source.as_str() == "sni").unwrap();
    assert_eq!(sni.log.as_ref().unwrap().log, "ssl.log");
    // QUIC's TLS is in ssl.log too; joined by uid to quic.log it counts as QUIC.
    let quic: IpAddr = "17.248.170.4".parse().unwrap();
    let sources: Vec<_> = logs.names().endpoint(quic).unwrap().names.iter().map(|n| n.source.as_str()).collect();
    assert!(sources.contains(&"quic") && !sources.contains(&"sni"), "{sources:?}");
    assert!(logs.warnings().iter().any(|w| w == SPREAD_NOTE));
}

#[test]
fn tsv_json_and_the_gzip_archive_tree_read_the_same() {
    let tsv = story(&analyse(&[sample("zeek/icloud")]));
    assert_eq!(story(&analyse(&[sample("zeek/icloud-json")])), tsv);
    let archive = analyse(&[sample("zeek/icloud-archive")]);
    assert_eq!(story(&archive), tsv);
    assert!(
        archive.warnings().iter().any(|w| w.contains("weird") && w.contains("skipped")),
        "{:?}",
        archive.warnings()
    );
    // Single files given one by one read the same as their directory.
    let files: Vec<PathBuf> = ["conn.log", "dns.log", "ssl.log", "http.log", "quic.log"]
        .iter()
        .map(|f| sample("zeek/icloud").join(f))
        .collect();
    assert_eq!(story(&analyse(&files)), tsv);
}

#[test]
fn bad_lines_are_reported_with_file_and_line_and_the_rest_kept() {
    let a = analyse(&[sample("zeek/bad-lines")]);
    assert_eq!(a.flows().len(), 5, "the 5 good conn.log lines");
    let bad: Vec<_> = a.warnings().into_iter().filter(|w| w.starts_with("bad line skipped")).collect();
    assert_eq!(bad.len(), 9, "{bad:#?}");
    assert!(bad.iter().any(|w| w.contains("conn.log:") && w.contains("192.168.1.300")), "{bad:#?}");
    assert!(bad.iter().any(|w| w.contains("dns.log:") && w.contains("not-an-address")), "{bad:#?}");
    // In file order, then line order, though conn.log and dns.log are read by two threads.
    let place = |w: &String| {
        let at = w.find(".log:").unwrap();
        let line: u64 = w[at + 5..].split(':').next().unwrap().parse().unwrap();
        (w.contains("dns.log:"), line)
    };
    let places: Vec<_> = bad.iter().map(place).collect();
    assert!(places.is_sorted(), "{bad:#?}");
}

#[test]
fn the_timeline_spreads_each_connection_over_its_duration() {
    let a = analyse(&[sample("zeek/icloud")]);
    let t = a.timeline();
    assert!(!t.is_available(0), "no millisecond bins from a log");
    let level = t.level_for(0, i64::MAX / 2, usize::MAX);
    let total: u64 = t.bins(level, 0, i64::MAX / 2).iter().map(|b| b.2.bytes).sum();
    assert_eq!(total, a.totals().bytes);
}

#[test]
fn the_cli_reports_zeek_logs_and_refuses_a_mix() {
    let bin = env!("CARGO_BIN_EXE_whohosts");
    let out =
        std::process::Command::new(bin).args(["report", "--json"]).arg(sample("zeek/icloud-archive")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = &report["endpoints"][0]["names"];
    assert!(names.as_array().unwrap().iter().all(|n| n["log"].is_string() && n["uid"].is_string()), "{names}");
    let out = std::process::Command::new(bin)
        .args(["report"])
        .arg(sample("icloud.pcap"))
        .arg(sample("zeek/icloud/conn.log"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not both"));
}

#[test]
fn a_conn_log_out_of_time_order_reads_as_the_sorted_one() {
    // Zeek writes a connection when it ends, so conn.log is not sorted by start: the
    // streamed reading must still number flows and endpoints in order of start.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(sample("zeek/icloud")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if path.ends_with("conn.log") {
            let (header, data): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with('#'));
            let mut lines: Vec<&str> = header.iter().copied().filter(|l| !l.starts_with("#close")).collect();
            lines.extend(data.iter().rev());
            lines.join("\n") + "\n"
        } else {
            text
        };
        std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
    }
    let sorted = analyse(&[sample("zeek/icloud")]);
    let reversed = analyse(&[dir.path().to_path_buf()]);
    assert_eq!(story(&reversed), story(&sorted));
    let flows = |a: &Analysis| -> Vec<_> {
        a.flows().flows().iter().map(|f| (f.src, f.src_port, f.dst, f.dst_port, f.bytes(), f.first_ns)).collect()
    };
    assert_eq!(flows(&reversed), flows(&sorted));
    let endpoints = |a: &Analysis| -> Vec<_> { a.endpoints().iter().map(|e| (e.ip, e.bytes, e.first_ns)).collect() };
    assert_eq!(endpoints(&reversed), endpoints(&sorted));
    assert_eq!(reversed.flow_endpoints(), sorted.flow_endpoints());
}

#[test]
fn logs_read_the_same_whatever_their_file_names() {
    // conn-named files and the others are read by two threads at once: a conn.log under
    // another name, or split between a conn-named file and another, must count the same.
    let text = std::fs::read_to_string(sample("zeek/icloud/conn.log")).unwrap();
    let (header, data): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with('#'));
    let part = |lines: &[&str]| header.iter().chain(lines).copied().collect::<Vec<_>>().join("\n") + "\n";
    let (first, second) = data.split_at(data.len() / 2);
    let names_only = |dir: &Path| {
        for entry in std::fs::read_dir(sample("zeek/icloud")).unwrap() {
            let path = entry.unwrap().path();
            if !path.ends_with("conn.log") {
                std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
            }
        }
    };
    let renamed = tempfile::tempdir().unwrap();
    names_only(renamed.path());
    std::fs::write(renamed.path().join("connections-of-the-day.tsv"), &text).unwrap();
    let mixed = tempfile::tempdir().unwrap();
    names_only(mixed.path());
    std::fs::write(mixed.path().join("conn.log"), part(first)).unwrap();
    std::fs::write(mixed.path().join("a-second-half.log"), part(second)).unwrap();
    let expected = analyse(&[sample("zeek/icloud")]);
    let flows = |a: &Analysis| -> Vec<_> {
        a.flows().flows().iter().map(|f| (f.src, f.src_port, f.dst, f.dst_port, f.bytes(), f.first_ns)).collect()
    };
    for dir in [&renamed, &mixed] {
        let got = analyse(&[dir.path().to_path_buf()]);
        assert_eq!(story(&got), story(&expected), "{}", dir.path().display());
        assert_eq!(flows(&got), flows(&expected), "{}", dir.path().display());
        assert_eq!(got.totals().bytes, expected.totals().bytes);
    }
}

#[test]
fn names_read_the_same_from_files_named_like_conn_logs() {
    // The reader of the other files learns their names ahead; names found in conn-named
    // files too must still be learned, all together in time order.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(sample("zeek/icloud")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let text = std::fs::read_to_string(sample("zeek/icloud/dns.log")).unwrap();
    let (header, data): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with('#'));
    let part = |lines: &[&str]| header.iter().chain(lines).copied().collect::<Vec<_>>().join("\n") + "\n";
    let (first, second) = data.split_at(data.len() / 2);
    std::fs::write(dir.path().join("dns.log"), part(first)).unwrap();
    std::fs::write(dir.path().join("conn-names.log"), part(second)).unwrap();
    std::fs::rename(dir.path().join("ssl.log"), dir.path().join("conn-ssl.log")).unwrap();
    let expected = analyse(&[sample("zeek/icloud")]);
    assert_eq!(story(&analyse(&[dir.path().to_path_buf()])), story(&expected));
}

#[test]
fn the_timeline_holds_every_connection_counted_whenever_progress_looks() {
    // Connections are spread over the timeline on a thread of their own while they are
    // counted: whatever looks at the analysis during the reading must see them all.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sample("zeek/icloud/conn.log")).unwrap();
    let (header, data): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with('#'));
    let mut log: Vec<String> = header.iter().map(|l| l.to_string()).collect();
    for n in 0..80_000 {
        let mut columns: Vec<&str> = data[n % data.len()].split('\t').collect();
        let port = (1024 + n % 60_000).to_string();
        columns[3] = &port;
        log.push(columns.join("\t"));
    }
    std::fs::write(dir.path().join("conn.log"), log.join("\n") + "\n").unwrap();
    let mut looks = Vec::new();
    let (analysis, _) =
        whohosts_core::ingest::zeek_logs::analyse_zeek_logs_with(&[dir.path().to_path_buf()], config(), |_, a| {
            a.flush_timeline();
            let t = a.timeline();
            let level = t.level_for(0, i64::MAX / 2, usize::MAX);
            let spread: u64 = t.bins(level, 0, i64::MAX / 2).iter().map(|b| b.2.bytes).sum();
            looks.push((spread, a.totals().bytes));
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(looks.iter().any(|&(_, counted)| counted > 0), "{looks:?}");
    for (spread, counted) in &looks {
        assert_eq!(spread, counted, "{looks:?}");
    }
    let t = analysis.timeline();
    let level = t.level_for(0, i64::MAX / 2, usize::MAX);
    assert_eq!(t.bins(level, 0, i64::MAX / 2).iter().map(|b| b.2.bytes).sum::<u64>(), analysis.totals().bytes);
}
