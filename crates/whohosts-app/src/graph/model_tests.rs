//! Unit tests for `model`.
use super::*;
use test_support::scenes as fake_snapshot;

fn roomy() -> [usize; 3] {
    [100, 100, 100]
}

#[test]
fn three_columns_with_names_grouped_and_owners_with_detail() {
    let snapshot = fake_snapshot::demo();
    let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), roomy());
    let labels = |c: usize| model.nodes.iter().filter(|n| n.column == c).map(|n| n.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(HOSTS).len(), 3);
    // One name is one node per owner: iCloud's name served from Azure and from AWS shows
    // under each of them (that is the story), its two Azure addresses in one node.
    assert_eq!(labels(ENDPOINTS).iter().filter(|l| *l == "p47-content.icloud.com").count(), 2);
    let icloud = model.nodes.iter().find(|n| n.label == "p47-content.icloud.com").unwrap();
    assert_eq!(icloud.detail.as_deref(), Some("2 addresses"));
    assert_eq!(icloud.owner, Some(Owner::provider("Azure")));
    let aws = model.nodes.iter().find(|n| n.column == OWNERS && n.detail.as_deref() == Some("S3 · us-east-1")).unwrap();
    assert_eq!(aws.label, "AWS");
    // Unnamed endpoints show their address.
    assert!(labels(ENDPOINTS).contains(&"203.0.113.77".to_string()));
}

#[test]
fn bytes_are_conserved_through_the_columns() {
    let snapshot = fake_snapshot::demo();
    let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), roomy());
    let total: u64 = snapshot.flows.iter().map(|f| f.bytes()).sum();
    let into_endpoints: u64 =
        model.links.iter().filter(|l| model.nodes[l.source].column == HOSTS).map(|l| l.bytes).sum();
    let into_owners: u64 = model.links.iter().filter(|l| model.nodes[l.target].column == OWNERS).map(|l| l.bytes).sum();
    assert_eq!(into_endpoints, total);
    assert_eq!(into_owners, total);
    let flows: usize =
        model.links.iter().filter(|l| model.nodes[l.source].column == HOSTS).map(|l| l.flows.len()).sum();
    assert_eq!(flows, snapshot.flows.len());
}

#[test]
fn hidden_owners_and_text_filter_remove_flows() {
    let snapshot = fake_snapshot::demo();
    let mut filter = ViewFilter::default();
    filter.hidden_owners.insert("Azure".into());
    let model = build(&snapshot, &filter, &BTreeSet::new(), roomy());
    assert!(model.nodes.iter().all(|n| n.owner != Some(Owner::provider("Azure"))));
    let filter = ViewFilter { text: "google".into(), ..ViewFilter::default() };
    let model = build(&snapshot, &filter, &BTreeSet::new(), roomy());
    let endpoints: Vec<_> = model.nodes.iter().filter(|n| n.column == ENDPOINTS).map(|n| n.label.as_str()).collect();
    assert_eq!(endpoints, vec!["www.google.com"]);
}

#[test]
fn a_time_range_keeps_overlapping_flows_with_bytes_inside_it() {
    let snapshot = fake_snapshot::demo();
    let from = fake_snapshot::START_NS + 10_000_000_000;
    let to = from + 5_000_000_000;
    let filter = ViewFilter { time_range: Some((from, to)), ..ViewFilter::default() };
    let model = build(&snapshot, &filter, &BTreeSet::new(), roomy());
    let shown: BTreeSet<usize> = model.links.iter().flat_map(|l| l.flows.iter().copied()).collect();
    for (i, f) in snapshot.flows.iter().enumerate() {
        assert_eq!(shown.contains(&i), f.first_ns < to && f.last_ns >= from, "flow {i}");
    }
    let bytes: u64 = model.links.iter().filter(|l| model.nodes[l.target].column == OWNERS).map(|l| l.bytes).sum();
    let whole: u64 = shown.iter().map(|&i| snapshot.flows[i].bytes()).sum();
    assert!(bytes < whole && bytes > 0, "{bytes} vs {whole}");
}

#[test]
fn crowded_endpoints_fold_per_provider_and_expand() {
    let snapshot = fake_snapshot::demo();
    let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), [100, 6, 100]);
    let middle: Vec<&GraphNode> = model.nodes.iter().filter(|n| n.column == ENDPOINTS).collect();
    // At most the capacity, or one fold per owner node when there are more owners than that.
    let owner_nodes = model.nodes.iter().filter(|n| n.column == OWNERS).count();
    assert!(middle.len() <= 6.max(owner_nodes), "{middle:?}");
    // Folds never mix owners: each fold's ribbons go to one owner node.
    for (i, n) in model.nodes.iter().enumerate().filter(|(_, n)| matches!(n.kind, NodeKind::More { .. })) {
        let targets: BTreeSet<usize> = model.links.iter().filter(|l| l.source == i).map(|l| l.target).collect();
        assert!(n.column != ENDPOINTS || targets.len() == 1, "{n:?} -> {targets:?}");
    }
    let more: Vec<&GraphNode> = middle.iter().copied().filter(|n| matches!(n.kind, NodeKind::More { .. })).collect();
    assert!(!more.is_empty());
    // Every flow still reaches the owners column through some node.
    let flows: usize =
        model.links.iter().filter(|l| model.nodes[l.source].column == HOSTS).map(|l| l.flows.len()).sum();
    assert_eq!(flows, snapshot.flows.len());
    let NodeKind::More { key } = &more[0].kind else { unreachable!() };
    let expanded: BTreeSet<String> = [key.clone()].into();
    let model = build(&snapshot, &ViewFilter::default(), &expanded, [100, 6, 100]);
    let group = more[0].owner.clone();
    assert!(model
        .nodes
        .iter()
        .filter(|n| n.column == ENDPOINTS && n.owner == group)
        .all(|n| n.kind == NodeKind::Endpoint));
}

#[test]
fn node_flows_are_the_flows_of_its_ribbons() {
    let snapshot = fake_snapshot::demo();
    let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), roomy());
    let apple = model.nodes.iter().position(|n| n.column == OWNERS && n.label == "Apple").unwrap();
    let flows = model.flows_of_node(apple);
    assert!(!flows.is_empty());
    for f in flows {
        let owner = snapshot.flow_owner(f).unwrap();
        assert_eq!(snapshot.owners[owner].owner.label(), "Apple");
    }
}

#[test]
fn the_same_snapshot_gives_the_same_model() {
    let snapshot = fake_snapshot::demo();
    let a = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), [4, 6, 5]);
    let b = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), [4, 6, 5]);
    assert_eq!(a, b);
}

#[test]
fn names_list_their_addresses_and_folds_their_members() {
    let snapshot = fake_snapshot::demo();
    let model = build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), [100, 6, 100]);
    let icloud = model.nodes.iter().find(|n| n.label == "p47-content.icloud.com").unwrap();
    assert_eq!(icloud.members, vec!["52.239.148.20", "52.239.148.21"]);
    let fold = model.nodes.iter().find(|n| matches!(n.kind, NodeKind::More { .. })).unwrap();
    assert!(!fold.members.is_empty());
}
