//! Which flows an export covers: the same narrowing the views apply (time range, hidden
//! owners, free text), so that a file exported from the app holds what the user sees.

use crate::snapshot::Snapshot;

pub use crate::filter::ViewFilter;

/// Indices into `snapshot.flows` of the flows that pass `filter`, in flow order.
///
/// A flow passes when its [first_ns, last_ns] overlaps the time range, its remote
/// endpoint's owner is not hidden, and the text (case-insensitive) occurs in one of its
/// addresses, ports, the remote endpoint's name, or the owner's name, service or region.
pub fn selected_flows(snapshot: &Snapshot, filter: &ViewFilter) -> Vec<usize> {
    let needle = filter.text.trim().to_lowercase();
    (0..snapshot.flows.len()).filter(|&i| flow_passes(snapshot, i, filter, &needle)).collect()
}

fn flow_passes(snapshot: &Snapshot, index: usize, filter: &ViewFilter, needle: &str) -> bool {
    let Some(flow) = snapshot.flows.get(index) else { return false };
    if let Some((from, to)) = filter.time_range {
        if flow.first_ns >= to || flow.last_ns < from {
            return false;
        }
    }
    let endpoint = snapshot.flow_endpoint.get(index).and_then(|&e| snapshot.endpoints.get(e as usize));
    let owner = endpoint.and_then(|e| snapshot.owners.get(e.owner)).map(|o| &o.owner);
    let owner_name = owner.map_or("Unknown", |o| o.name.as_str());
    if filter.hidden_owners.contains(owner_name) {
        return false;
    }
    if needle.is_empty() {
        return true;
    }
    let contains = |text: &str| text.to_lowercase().contains(needle);
    contains(&flow.src.to_string())
        || contains(&flow.dst.to_string())
        || flow.src_port.to_string().contains(needle)
        || flow.dst_port.to_string().contains(needle)
        || endpoint.and_then(|e| e.best_name.as_deref()).is_some_and(contains)
        || owner.is_some_and(|o| {
            contains(&o.name) || o.service.as_deref().is_some_and(contains) || o.region.as_deref().is_some_and(contains)
        })
}
