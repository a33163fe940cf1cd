//! Every sample against what tshark found in it (tests/expected/, made by
//! scripts/expectations.py): per-flow packets and bytes as tshark's Conversations counts them,
//! and every name (DNS query names, CNAMEs and addresses, TLS and QUIC SNI, HTTP Host).

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde_json::Value;
use whohosts_core::analysis::{Analysis, AnalysisConfig};
use whohosts_core::ingest::analyse_file;
use whohosts_core::names::NameSource;

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected")
}

/// (stem, capture path) of every sample that has tshark expectations.
fn samples_with(suffix: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(expected_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(suffix) else { continue };
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let path = ["pcap", "pcapng"].iter().map(|ext| samples.join(format!("{stem}.{ext}"))).find(|p| p.exists());
        out.push((stem.to_string(), path.unwrap_or_else(|| panic!("no capture for {stem}"))));
    }
    out.sort();
    assert!(out.len() >= 20, "expected files for every sample, found {}", out.len());
    out
}

fn analyse(path: &Path) -> Analysis {
    analyse_file(path, AnalysisConfig::default(), |_, _| ControlFlow::Continue(())).unwrap()
}

fn read_json(path: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

type Side = (IpAddr, u16);

/// Our flows as {(proto, lower side, upper side) -> (packets, bytes, packets from lower side)}.
fn our_conversations(a: &Analysis) -> Vec<(String, Side, Side, u64, u64, u64)> {
    a.flows()
        .flows()
        .iter()
        .filter(|f| f.proto == 6 || f.proto == 17)
        .map(|f| {
            let proto = if f.proto == 6 { "tcp" } else { "udp" }.to_string();
            let (src, dst) = ((f.src, f.src_port), (f.dst, f.dst_port));
            let (lo, hi, from_lo) =
                if src <= dst { (src, dst, f.forward.packets) } else { (dst, src, f.reverse.packets) };
            (proto, lo, hi, f.packets(), f.bytes(), from_lo)
        })
        .collect()
}

#[test]
fn flows_match_tshark_conversations_for_every_sample() {
    for (stem, path) in samples_with(".conv.json") {
        let analysis = analyse(&path);
        let ours = our_conversations(&analysis);
        let expected = read_json(expected_dir().join(format!("{stem}.conv.json")));
        let expected = expected.as_array().unwrap();
        assert_eq!(ours.len(), expected.len(), "{stem}: flow count");
        for conv in expected {
            let side = |addr: &str, port: &str| -> Side {
                (conv[addr].as_str().unwrap().parse().unwrap(), conv[port].as_u64().unwrap() as u16)
            };
            let (a, b) = (side("a", "a_port"), side("b", "b_port"));
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let proto = conv["proto"].as_str().unwrap();
            let found = ours
                .iter()
                .find(|o| o.0 == proto && o.1 == lo && o.2 == hi)
                .unwrap_or_else(|| panic!("{stem}: no flow {proto} {a:?} {b:?}"));
            // tshark counts a fragmented datagram once; we count every fragment, which the
            // expectations give as wire_frames / wire_bytes.
            assert_eq!(found.3, conv["wire_frames"].as_u64().unwrap(), "{stem}: packets of {a:?} <-> {b:?}");
            assert_eq!(found.4, conv["wire_bytes"].as_u64().unwrap(), "{stem}: bytes of {a:?} <-> {b:?}");
            if conv["wire_frames"] == conv["frames"] {
                let from_a = conv["frames_a_to_b"].as_u64().unwrap();
                let from_lo = if a == lo { from_a } else { found.3 - from_a };
                assert_eq!(found.5, from_lo, "{stem}: direction split of {a:?} <-> {b:?}");
            }
        }
    }
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str()).map(|s| s.to_ascii_lowercase()).collect()
}

#[test]
fn names_match_what_tshark_extracts_for_every_sample() {
    for (stem, path) in samples_with(".names.json") {
        let analysis = analyse(&path);
        let names = analysis.names();
        let expected = read_json(expected_dir().join(format!("{stem}.names.json")));

        // DNS: every (address, query name) pair and every CNAME.
        let mut want_pairs = BTreeSet::new();
        let mut want_addrs = BTreeSet::new();
        let mut want_cnames = BTreeSet::new();
        let mut want_local = BTreeSet::new();
        for response in expected["dns"].as_array().unwrap() {
            let addrs: Vec<String> = strings(&response["a"]).into_iter().chain(strings(&response["aaaa"])).collect();
            if response["mdns"].as_bool().unwrap() {
                want_local.extend(strings(&response["answer_names"]));
                continue;
            }
            want_cnames.extend(strings(&response["cnames"]));
            want_addrs.extend(addrs.iter().map(|a| a.parse::<IpAddr>().unwrap()));
            // Where records for other names ride along (glue in the additional section),
            // tshark's fields no longer say which address belongs to which name.
            let mut chain_names = strings(&response["query"]);
            chain_names.extend(strings(&response["cnames"]));
            if !strings(&response["answer_names"]).is_subset(&chain_names) {
                continue;
            }
            for query in strings(&response["query"]) {
                for addr in &addrs {
                    want_pairs.insert((addr.parse::<IpAddr>().unwrap(), query.clone()));
                }
            }
        }
        let got_pairs: BTreeSet<(IpAddr, String)> =
            names.dns_answers().iter().map(|a| (a.addr, a.query.clone())).collect();
        assert!(want_pairs.is_subset(&got_pairs), "{stem}: DNS (address, query) pairs {want_pairs:?} in {got_pairs:?}");
        let got_addrs: BTreeSet<IpAddr> = names.dns_answers().iter().map(|a| a.addr).collect();
        assert_eq!(got_addrs, want_addrs, "{stem}: answered addresses");
        let got_cnames: BTreeSet<String> =
            names.dns_answers().iter().flat_map(|a| a.chain.iter().skip(1).cloned()).collect();
        assert_eq!(got_cnames, want_cnames, "{stem}: CNAME targets");
        let got_local: BTreeSet<String> = names.local_names().iter().map(|n| n.name.to_ascii_lowercase()).collect();
        assert!(want_local.is_subset(&got_local), "{stem}: mDNS names {want_local:?} not in {got_local:?}");

        // SNI (TLS and QUIC) and HTTP Host, by source.
        let sightings = |source: NameSource| -> BTreeSet<String> {
            names
                .endpoints()
                .flat_map(|(_, e)| e.names.iter())
                .filter(|n| n.source == source)
                .map(|n| n.name.clone())
                .collect()
        };
        let field = |key: &str, name: &str| -> BTreeSet<String> {
            expected[key].as_array().unwrap().iter().map(|v| v[name].as_str().unwrap().to_ascii_lowercase()).collect()
        };
        assert_eq!(sightings(NameSource::Sni), field("tls_sni", "name"), "{stem}: TLS SNI");
        assert_eq!(sightings(NameSource::Quic), field("quic_sni", "name"), "{stem}: QUIC SNI");
        let hosts: BTreeSet<String> = field("http_host", "host")
            .into_iter()
            .map(|h| {
                h.rsplit_once(':').filter(|(_, p)| p.parse::<u16>().is_ok()).map_or(h.clone(), |(n, _)| n.to_string())
            })
            .filter(|h| h.parse::<IpAddr>().is_err())
            .collect();
        assert_eq!(sightings(NameSource::Http), hosts, "{stem}: HTTP Host names (IP literals are not names)");
    }
}

#[test]
fn a_cut_file_keeps_what_came_before_and_warns() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/truncated.pcap");
    let analysis = analyse(&path);
    assert_eq!(analysis.totals().frames, 11);
    assert!(analysis.warnings().iter().any(|w| w.contains("truncated.pcap") && w.contains("cut short")));
}
