//! Which flows an export covers: the same narrowing the views apply (time range, hidden
//! owners, free text), so that a file exported from the app holds what the user sees.

use crate::snapshot::Snapshot;

pub use crate::ui::view_filter::ViewFilter;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fixtures::{three_owner_snapshot, T0_NS};

    #[test]
    fn no_filter_keeps_everything() {
        let s = three_owner_snapshot();
        assert_eq!(selected_flows(&s, &ViewFilter::default()), vec![0, 1, 2, 3]);
    }

    #[test]
    fn hidden_owners_time_ranges_and_text_narrow_the_flows() {
        let s = three_owner_snapshot();
        let hidden = ViewFilter { hidden_owners: ["AWS".to_string()].into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &hidden), vec![1, 2, 3]);
        // Flow 3 runs from 20 s to 30 s; [25 s, 26 s) overlaps only it.
        let s25 = T0_NS + 25_000_000_000;
        let range = ViewFilter { time_range: Some((s25, s25 + 1_000_000_000)), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &range), vec![3]);
        let text = ViewFilter { text: " ICLOUD ".into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &text), vec![1]);
        let port = ViewFilter { text: "8443".into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &port), vec![2]);
        let service = ViewFilter { text: "s3".into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &service), vec![0]);
    }
}
