//! The share of an endpoint's bytes inside a time range, so ribbon widths follow the range
//! rather than whole flows. No egui types.

use whohosts_core::snapshot::Snapshot;

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
