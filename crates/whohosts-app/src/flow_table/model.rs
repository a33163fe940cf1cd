//! The flows the view filter lets through, in the table's sort order, with their totals.
//! Computed once per (snapshot, filter, sort) change and cached by the caller; never per frame.
//! Pure data: no egui here, so it is tested directly.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use whohosts_core::filter::{FlowMatcher, ViewFilter};
use whohosts_core::snapshot::Snapshot;

/// What the flow table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortColumn {
    Name,
    Owner,
    Remote,
    Local,
    Protocol,
    Packets,
    Bytes,
    Start,
    Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortOrder {
    pub column: SortColumn,
    pub descending: bool,
}

impl Default for SortOrder {
    fn default() -> Self {
        SortOrder { column: SortColumn::Bytes, descending: true }
    }
}

/// Totals over what the filter lets through (what the status bar shows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilteredTotals {
    pub packets: u64,
    pub bytes: u64,
    pub flows: u64,
    pub endpoints: u64,
    pub owners: u64,
    /// The span the totals cover: the time range when set, else the capture's.
    pub duration_ns: i64,
}

/// Flow indices that pass the filter, sorted, plus their totals.
#[derive(Debug, Clone, Default)]
pub struct FilteredFlows {
    pub rows: Vec<u32>,
    pub totals: FilteredTotals,
}

impl FilteredFlows {
    pub fn compute(snapshot: &Snapshot, filter: &ViewFilter, sort: SortOrder) -> FilteredFlows {
        let mut rows: Vec<u32> =
            FlowMatcher::new(snapshot, filter).passing().into_iter().filter_map(|i| u32::try_from(i).ok()).collect();
        sort_rows(snapshot, &mut rows, sort);
        let totals = totals_of(snapshot, filter, &rows);
        FilteredFlows { rows, totals }
    }
}

fn sort_rows(snapshot: &Snapshot, rows: &mut [u32], sort: SortOrder) {
    let flows = &snapshot.flows;
    if let Some(key_of) = numeric_key(sort.column) {
        // Quantities: sort (key, index) pairs, far cheaper than a comparator that looks the
        // flows up on every comparison.
        let mut keyed: Vec<(i64, u32)> = rows.iter().map(|&r| (flows.get(r as usize).map_or(0, key_of), r)).collect();
        if sort.descending {
            keyed.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        } else {
            keyed.sort_unstable();
        }
        for (slot, (_, row)) in rows.iter_mut().zip(keyed) {
            *slot = row;
        }
        return;
    }
    let name_of = |i: u32| {
        let e = snapshot.flow_endpoint.get(i as usize)?;
        snapshot.endpoints.get(*e as usize)?.best_name.as_deref()
    };
    let owner_of = |i: u32| {
        let o = snapshot.flow_owner(i as usize)?;
        snapshot.owners.get(o).map(|o| &o.owner)
    };
    let compare = |a: &u32, b: &u32| -> Ordering {
        let (Some(fa), Some(fb)) = (flows.get(*a as usize), flows.get(*b as usize)) else {
            return Ordering::Equal;
        };
        let by_column = match sort.column {
            // Unnamed flows go last either way round: they are the least informative.
            SortColumn::Name => match (name_of(*a), name_of(*b)) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            SortColumn::Owner => owner_of(*a).cmp(&owner_of(*b)),
            SortColumn::Remote => fa.remote().cmp(&fb.remote()),
            SortColumn::Local => fa.local().cmp(&fb.local()),
            SortColumn::Protocol => fa.proto.cmp(&fb.proto),
            SortColumn::Packets => fa.packets().cmp(&fb.packets()),
            SortColumn::Bytes => fa.bytes().cmp(&fb.bytes()),
            SortColumn::Start => fa.first_ns.cmp(&fb.first_ns),
            SortColumn::Duration => fa.duration_ns().cmp(&fb.duration_ns()),
        };
        let by_column = if sort.descending { by_column.reverse() } else { by_column };
        by_column.then(a.cmp(b))
    };
    rows.sort_unstable_by(compare);
}

/// The sort key of a quantity column.
fn numeric_key(column: SortColumn) -> Option<fn(&whohosts_core::flows::Flow) -> i64> {
    match column {
        SortColumn::Packets => Some(|f| i64::try_from(f.packets()).unwrap_or(i64::MAX)),
        SortColumn::Bytes => Some(|f| i64::try_from(f.bytes()).unwrap_or(i64::MAX)),
        SortColumn::Start => Some(|f| f.first_ns),
        SortColumn::Duration => Some(|f| f.duration_ns()),
        SortColumn::Protocol => Some(|f| i64::from(f.proto)),
        _ => None,
    }
}

fn totals_of(snapshot: &Snapshot, filter: &ViewFilter, rows: &[u32]) -> FilteredTotals {
    let mut endpoint_seen = vec![false; snapshot.endpoints.len()];
    // Owners count as the legends show them: one per group (AWS S3 and AWS CloudFront are one).
    let mut groups: Vec<whohosts_core::providers::Owner> = Vec::new();
    let group_of: Vec<usize> = snapshot
        .owners
        .iter()
        .map(|o| {
            let group = o.owner.group();
            groups.iter().position(|g| *g == group).unwrap_or_else(|| {
                groups.push(group);
                groups.len() - 1
            })
        })
        .collect();
    let mut owner_seen = vec![false; groups.len()];
    let mut totals = FilteredTotals { flows: rows.len() as u64, ..FilteredTotals::default() };
    for &row in rows {
        if let Some(flow) = snapshot.flows.get(row as usize) {
            totals.packets += flow.packets();
            totals.bytes += flow.bytes();
        }
        if let Some(seen) = snapshot.flow_endpoint.get(row as usize).and_then(|&e| endpoint_seen.get_mut(e as usize)) {
            if !*seen {
                *seen = true;
                totals.endpoints += 1;
            }
        }
        let group = snapshot.flow_owner(row as usize).and_then(|o| group_of.get(o));
        if let Some(seen) = group.and_then(|&g| owner_seen.get_mut(g)) {
            if !*seen {
                *seen = true;
                totals.owners += 1;
            }
        }
    }
    let capture = &snapshot.totals;
    totals.duration_ns = match (capture.first_ns, capture.last_ns) {
        (Some(first), Some(last)) => last.saturating_sub(first),
        _ => 0,
    };
    if let Some((from, to)) = filter.time_range {
        // A flow overlapping the range counts only with its traffic inside it: sum the timeline.
        let level = snapshot.timeline.level_for(from, to, 200_000);
        let (mut packets, mut bytes) = (0, 0);
        for (_, series, counts) in snapshot.timeline.bins(level, from, to) {
            if endpoint_seen.get(series as usize).copied().unwrap_or(false) {
                packets += counts.packets;
                bytes += counts.bytes;
            }
        }
        totals.packets = packets;
        totals.bytes = bytes;
        totals.duration_ns = to.saturating_sub(from);
    } else if filter.is_empty() {
        // Nothing filtered: the capture's own counts, which include non-IP frames too.
        totals.packets = capture.frames;
        totals.bytes = capture.bytes;
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::demo::{demo_snapshot, DEMO_START_NS};

    fn names(snapshot: &Snapshot, rows: &[u32]) -> Vec<Option<String>> {
        rows.iter()
            .map(|&r| {
                let e = snapshot.flow_endpoint[r as usize] as usize;
                snapshot.endpoints[e].best_name.clone()
            })
            .collect()
    }

    #[test]
    fn no_filter_keeps_every_flow_and_the_capture_totals() {
        let s = demo_snapshot();
        let f = FilteredFlows::compute(&s, &ViewFilter::default(), SortOrder::default());
        assert_eq!(f.rows.len(), s.flows.len());
        assert_eq!(f.totals.packets, s.totals.frames);
        assert_eq!(f.totals.endpoints, 6);
        assert_eq!(f.totals.owners, 6);
        // Largest first.
        let bytes: Vec<u64> = f.rows.iter().map(|&r| s.flows[r as usize].bytes()).collect();
        assert!(bytes.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn text_matches_names_owners_addresses_and_whole_ports() {
        let s = demo_snapshot();
        let by = |text: &str| {
            let filter = ViewFilter { text: text.into(), ..ViewFilter::default() };
            FilteredFlows::compute(&s, &filter, SortOrder::default())
        };
        assert_eq!(names(&s, &by("AMAZONAWS").rows), vec![Some("s3.amazonaws.com".into()); 2]);
        assert_eq!(by("azure").rows.len(), 2);
        assert_eq!(by("198.51.100").rows.len(), 2);
        assert_eq!(by("443").rows.len(), s.flows.len());
        assert_eq!(by("44").rows.len(), 0, "ports match whole");
        assert_eq!(by("50010").rows.len(), 1);
        assert_eq!(by("udp").rows.len(), 2);
        // Every word must match.
        assert_eq!(by("apple 50001").rows.len(), 1);
        let none = by("nothing-like-this");
        assert!(none.rows.is_empty());
        assert_eq!(none.totals, FilteredTotals { duration_ns: none.totals.duration_ns, ..FilteredTotals::default() });
    }

    #[test]
    fn hidden_owners_and_time_ranges_narrow_rows_and_totals() {
        let s = demo_snapshot();
        let filter = ViewFilter { hidden_owners: ["Apple".to_string()].into(), ..ViewFilter::default() };
        let f = FilteredFlows::compute(&s, &filter, SortOrder::default());
        assert_eq!(f.rows.len(), 10);
        assert_eq!(f.totals.owners, 5);
        assert_eq!(f.totals.packets, s.flows.iter().skip(2).map(|f| f.packets()).sum::<u64>());

        // The first second holds only the first flow's start.
        let range = (DEMO_START_NS, DEMO_START_NS + 500_000_000);
        let filter = ViewFilter { time_range: Some(range), ..ViewFilter::default() };
        let f = FilteredFlows::compute(&s, &filter, SortOrder::default());
        assert_eq!(f.rows, vec![0]);
        assert!(f.totals.packets > 0 && f.totals.packets < s.flows[0].packets());
        assert_eq!(f.totals.duration_ns, 500_000_000);
    }

    #[test]
    fn sorts_by_every_column_both_ways_and_unnamed_last() {
        let s = demo_snapshot();
        for column in [
            SortColumn::Name,
            SortColumn::Owner,
            SortColumn::Remote,
            SortColumn::Local,
            SortColumn::Protocol,
            SortColumn::Packets,
            SortColumn::Bytes,
            SortColumn::Start,
            SortColumn::Duration,
        ] {
            for descending in [false, true] {
                let f = FilteredFlows::compute(&s, &ViewFilter::default(), SortOrder { column, descending });
                assert_eq!(f.rows.len(), s.flows.len());
            }
        }
        let by_name = FilteredFlows::compute(
            &s,
            &ViewFilter::default(),
            SortOrder { column: SortColumn::Name, descending: false },
        );
        let n = names(&s, &by_name.rows);
        assert_eq!(n[0].as_deref(), Some("cdn.example.net"));
        assert!(n[n.len() - 1].is_none());
        let start = FilteredFlows::compute(
            &s,
            &ViewFilter::default(),
            SortOrder { column: SortColumn::Start, descending: false },
        );
        let starts: Vec<i64> = start.rows.iter().map(|&r| s.flows[r as usize].first_ns).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    }
}
