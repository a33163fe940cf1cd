//! The one filter, seen from every view: on real captures (../shared/captures, skipped with
//! a message when absent) and the bundled sample, the flow table, the graph, the timeline,
//! the status-bar totals and the exported tables select exactly the same flows for the same
//! filter text, and the words mean what the filter's docs say.

use std::collections::BTreeSet;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use whohosts_app::flow_table::model::{FilteredFlows, SortOrder};
use whohosts_app::graph::model::build;
use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::export::records::tables;
use whohosts_core::filter::{selected_flows, FlowMatcher, ViewFilter};
use whohosts_core::ingest::analyse_file;
use whohosts_core::providers::ProviderDb;
use whohosts_core::snapshot::Snapshot;

const FILTERS: [&str; 9] = ["aws", "443", "aws 443", "udp", "tcp 443", "google", "53", "AS", "icloud"];

fn captures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths = vec![root.join("samples/icloud.pcap")];
    match std::fs::read_dir(root.join("../shared/captures")) {
        Ok(dir) => {
            let mut real: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
                .collect();
            real.sort();
            paths.extend(real);
        }
        Err(_) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED (real captures): ../shared/captures is not here");
        }
    }
    paths
}

fn snapshot(path: &Path) -> Snapshot {
    let providers = Arc::new(ProviderDb::builtin().unwrap());
    let config = AnalysisConfig { providers, ..AnalysisConfig::default() };
    let analysis = analyse_file(path, config, |_, _| ControlFlow::Continue(())).unwrap();
    Snapshot::of(&analysis)
}

#[test]
fn every_view_selects_the_same_flows_on_real_captures() {
    for path in captures() {
        let s = snapshot(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for text in FILTERS {
            let filter = ViewFilter { text: text.into(), ..ViewFilter::default() };
            let selected = selected_flows(&s, &filter);
            let chosen: BTreeSet<usize> = selected.iter().copied().collect();

            let table = FilteredFlows::compute(&s, &filter, SortOrder::default());
            let rows: BTreeSet<usize> = table.rows.iter().map(|&r| r as usize).collect();
            assert_eq!(rows, chosen, "{name} {text:?}: flow table");

            let graph = build(&s, &filter, &BTreeSet::new(), [usize::MAX; 3]);
            let drawn: BTreeSet<usize> = graph.links.iter().flat_map(|l| l.flows.iter().copied()).collect();
            assert_eq!(drawn, chosen, "{name} {text:?}: graph ribbons");

            let shown = FlowMatcher::new(&s, &filter).endpoints_with_passing_flows();
            let endpoints: BTreeSet<u32> = selected.iter().map(|&f| s.flow_endpoint[f]).collect();
            let timeline: BTreeSet<u32> = (0..shown.len() as u32).filter(|&e| shown[e as usize]).collect();
            assert_eq!(timeline, endpoints, "{name} {text:?}: timeline series");

            let exported = tables(&s, &selected);
            assert_eq!(exported.flows.len(), chosen.len(), "{name} {text:?}: CSV/JSON flows");
            let bytes: u64 = exported.flows.iter().map(|r| r.bytes).sum();
            assert_eq!(bytes, table.totals.bytes, "{name} {text:?}: status bar bytes vs export");
            assert_eq!(table.totals.flows, chosen.len() as u64, "{name} {text:?}: status bar flows");
        }
    }
}

#[test]
fn words_mean_what_the_filter_says() {
    for path in captures() {
        let s = snapshot(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let pick = |text: &str| selected_flows(&s, &ViewFilter { text: text.into(), ..ViewFilter::default() });
        for f in pick("443") {
            let flow = &s.flows[f];
            assert!(
                flow.src_port == 443 || flow.dst_port == 443 || flow.src.to_string().split('.').any(|p| p == "443")
            );
        }
        for f in pick("udp") {
            assert_eq!(s.flows[f].proto, 17, "{name}: udp");
        }
        let aws_443 = pick("aws 443");
        for &f in &aws_443 {
            // "aws" is in the owner's label or in the endpoint's name (s3.amazonaws.com).
            let owner = &s.owners[s.flow_owner(f).unwrap()].owner;
            let endpoint = &s.endpoints[s.flow_endpoint[f] as usize];
            let named = endpoint.best_name.as_deref().is_some_and(|n| n.contains("aws"));
            assert!(owner.label() == "AWS" || named, "{name}: aws 443 picked {owner} {:?}", endpoint.best_name);
        }
        // Both words narrow: "aws 443" is inside both "aws" and "443".
        let (aws, port): (BTreeSet<usize>, BTreeSet<usize>) =
            (pick("aws").into_iter().collect(), pick("443").into_iter().collect());
        let both: BTreeSet<usize> = aws.intersection(&port).copied().collect();
        assert_eq!(aws_443.into_iter().collect::<BTreeSet<_>>(), both, "{name}");
    }
    // The sample's AWS traffic is HTTPS: the export no longer says 0 flows for "aws 443".
    let sample = snapshot(&captures()[0]);
    let filter = ViewFilter { text: "aws 443".into(), ..ViewFilter::default() };
    assert!(!selected_flows(&sample, &filter).is_empty());
}
