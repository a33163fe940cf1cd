//! The one filter's chips: exact terms made by clicking the graph, honoured by every view and
//! exporter through `FlowMatcher`.

use test_support::demo::demo_snapshot;
use whohosts_core::filter::{selected_flows, Chip, ChipKind, ViewFilter};
use whohosts_core::snapshot::Snapshot;

fn remotes(snapshot: &Snapshot, filter: &ViewFilter) -> Vec<String> {
    selected_flows(snapshot, filter).iter().map(|&i| snapshot.flows[i].remote().0.to_string()).collect()
}

#[test]
fn endpoint_chips_match_a_name_or_an_address_exactly() {
    let s = demo_snapshot();
    let mut filter = ViewFilter::default();
    filter.add_chip(Chip::new(ChipKind::Endpoint, "S3.amazonaws.com"));
    assert_eq!(remotes(&s, &filter), ["52.216.8.3", "52.216.8.3"]);
    // A part of a name is not the name.
    let part = ViewFilter { chips: vec![Chip::new(ChipKind::Endpoint, "amazonaws.com")], ..ViewFilter::default() };
    assert!(selected_flows(&s, &part).is_empty());
    let address = ViewFilter { chips: vec![Chip::new(ChipKind::Endpoint, "93.184.216.34")], ..ViewFilter::default() };
    assert_eq!(remotes(&s, &address), ["93.184.216.34", "93.184.216.34"]);
}

#[test]
fn owner_and_host_chips_combine_with_the_text_and_each_other() {
    let s = demo_snapshot();
    let owner = ViewFilter { chips: vec![Chip::new(ChipKind::Owner, "Azure")], ..ViewFilter::default() };
    assert_eq!(remotes(&s, &owner), ["13.107.42.14", "13.107.42.14"]);
    // Chips and words must all match.
    let narrower = ViewFilter { text: "50021".into(), ..owner.clone() };
    assert_eq!(selected_flows(&s, &narrower).len(), 1);
    let host = ViewFilter { chips: vec![Chip::new(ChipKind::Host, "192.168.1.10")], ..ViewFilter::default() };
    assert_eq!(selected_flows(&s, &host).len(), s.flows.len());
    let other_host = ViewFilter { chips: vec![Chip::new(ChipKind::Host, "10.0.0.1")], ..ViewFilter::default() };
    assert!(selected_flows(&s, &other_host).is_empty());
    let both = ViewFilter {
        chips: vec![Chip::new(ChipKind::Owner, "Azure"), Chip::new(ChipKind::Endpoint, "s3.amazonaws.com")],
        ..ViewFilter::default()
    };
    assert!(selected_flows(&s, &both).is_empty());
}

#[test]
fn chips_are_added_once_and_described_as_shown() {
    let mut filter = ViewFilter::default();
    let chip = Chip::new(ChipKind::Endpoint, "teams.microsoft.com");
    filter.add_chip(chip.clone());
    filter.add_chip(chip.clone());
    assert_eq!(filter.chips.len(), 1);
    assert!(!filter.is_empty());
    assert_eq!(chip.describe(), "endpoint: teams.microsoft.com");
}

#[test]
fn a_chip_for_a_fold_matches_any_of_its_members_and_only_them() {
    let s = demo_snapshot();
    // A graph fold of two endpoints, one named and one by address.
    let members = vec!["s3.amazonaws.com".to_string(), "93.184.216.34".to_string()];
    let fold = Chip::group(ChipKind::Endpoint, "2 more · AWS", members);
    assert_eq!(fold.describe(), "endpoints: 2 more · AWS");
    let filter = ViewFilter { chips: vec![fold], ..ViewFilter::default() };
    let mut got = remotes(&s, &filter);
    got.sort();
    assert_eq!(got, ["52.216.8.3", "52.216.8.3", "93.184.216.34", "93.184.216.34"]);
    // Its label is not one of its terms.
    let empty = ViewFilter {
        chips: vec![Chip::group(ChipKind::Endpoint, "s3.amazonaws.com", vec!["x".into()])],
        ..ViewFilter::default()
    };
    assert!(selected_flows(&s, &empty).is_empty());
    // Owners and hosts work the same way.
    let owners = Chip::group(ChipKind::Owner, "2 more", vec!["Azure".into(), "Nobody".into()]);
    let filter = ViewFilter { chips: vec![owners], ..ViewFilter::default() };
    assert_eq!(remotes(&s, &filter), ["13.107.42.14", "13.107.42.14"]);
    let hosts = Chip::group(ChipKind::Host, "2 more hosts", vec!["10.0.0.1".into(), "192.168.1.10".into()]);
    let filter = ViewFilter { chips: vec![hosts], ..ViewFilter::default() };
    assert_eq!(selected_flows(&s, &filter).len(), s.flows.len());
}
