//! What passes the view filter at the level of remote endpoints: text matches on address,
//! name and owner, and the share of an endpoint's bytes inside a time range. No egui types.

use whohosts_core::snapshot::Snapshot;

/// Per endpoint, whether its address, name or owner (name, service, region) contains the
/// lower-case `needle`; empty when there is no needle.
pub fn endpoint_matches(snapshot: &Snapshot, needle: &str) -> Vec<bool> {
    if needle.is_empty() {
        return Vec::new();
    }
    let owners = &snapshot.owners;
    snapshot
        .endpoints
        .iter()
        .map(|e| {
            let owner = owners.get(e.owner).map(|o| &o.owner);
            e.endpoint.ip.to_string().contains(needle)
                || e.best_name.as_deref().is_some_and(|n| n.to_lowercase().contains(needle))
                || owner.is_some_and(|o| {
                    o.name.to_lowercase().contains(needle)
                        || o.service.as_deref().is_some_and(|s| s.to_lowercase().contains(needle))
                        || o.region.as_deref().is_some_and(|s| s.to_lowercase().contains(needle))
                })
        })
        .collect()
}

/// Per endpoint, the share of its overlapping flows' bytes that the timeline puts inside
/// [from, to): ribbon widths then follow the range, not whole flows.
pub fn in_range_factors(snapshot: &Snapshot, from: i64, to: i64) -> Vec<f64> {
    let timeline = &snapshot.timeline;
    let level = timeline.level_for(from, to, 100_000);
    let mut in_range = vec![0u64; snapshot.endpoints.len()];
    for (_, series, counts) in timeline.bins(level, from, to) {
        if let Some(slot) = in_range.get_mut(series as usize) {
            *slot += counts.bytes;
        }
    }
    let mut overlapping = vec![0u64; snapshot.endpoints.len()];
    for (i, flow) in snapshot.flows.iter().enumerate() {
        if flow.first_ns < to && flow.last_ns >= from {
            if let Some(slot) = snapshot.flow_endpoint.get(i).and_then(|&ep| overlapping.get_mut(ep as usize)) {
                *slot += flow.bytes();
            }
        }
    }
    in_range
        .iter()
        .zip(&overlapping)
        .map(|(&a, &b)| if b == 0 { 1.0 } else { (a as f64 / b as f64).min(1.0) })
        .collect()
}
