//! An immutable picture of an analysis at one moment, cheap to hand to another thread.
//! The UI and exporters read snapshots only; they never see the mutable analysis.

use std::sync::Arc;

use serde::Serialize;

use crate::analysis::{Analysis, CaptureTotals, Endpoint, EndpointId};
use crate::flows::Flow;
use crate::timeline::Timeline;

/// Who owns a remote address, as shown to users. `name` is a canonical provider name
/// ("AWS", "Azure", "Apple" ...), "AS1234 Org" when only the AS is known, "Local" for
/// special-purpose space, or "Unknown".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub name: String,
    pub service: Option<String>,
    pub region: Option<String>,
}

impl Owner {
    pub fn unknown() -> Self {
        Owner { name: "Unknown".into(), service: None, region: None }
    }
}

/// A remote endpoint with what is known about it.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointView {
    pub endpoint: Endpoint,
    /// The name the client asked for (SNI or DNS query name), when the capture revealed one.
    pub best_name: Option<String>,
    /// Index into `Snapshot::owners`.
    pub owner: usize,
}

/// Totals per owner (provider), for legends and tables.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerTotals {
    pub owner: Owner,
    pub bytes: u64,
    pub packets: u64,
    pub endpoints: u32,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub totals: CaptureTotals,
    pub flows: Arc<Vec<Flow>>,
    /// Remote endpoint of each flow, indexed like `flows`.
    pub flow_endpoint: Arc<Vec<EndpointId>>,
    pub endpoints: Arc<Vec<EndpointView>>,
    /// Owners, largest by bytes first.
    pub owners: Arc<Vec<OwnerTotals>>,
    /// Per-endpoint timeline (series = `EndpointId`), flushed.
    pub timeline: Arc<Timeline>,
    pub warnings: Vec<String>,
}

impl Snapshot {
    pub fn empty() -> Self {
        Snapshot {
            totals: CaptureTotals::default(),
            flows: Arc::default(),
            flow_endpoint: Arc::default(),
            endpoints: Arc::default(),
            owners: Arc::default(),
            timeline: Arc::default(),
            warnings: Vec::new(),
        }
    }

    /// Takes a snapshot of `analysis`; flushes its timeline's open bins first.
    pub fn of(analysis: &mut Analysis) -> Snapshot {
        analysis.flush_timeline();
        let (endpoints, owners) = endpoint_views(analysis);
        Snapshot {
            totals: analysis.totals().clone(),
            flows: Arc::new(analysis.flows().flows().to_vec()),
            flow_endpoint: Arc::new(analysis.flow_endpoints().to_vec()),
            endpoints: Arc::new(endpoints),
            owners: Arc::new(owners),
            timeline: Arc::new(analysis.timeline().clone()),
            warnings: analysis.warnings(),
        }
    }

    /// The owner of a flow's remote endpoint.
    pub fn flow_owner(&self, flow: usize) -> Option<usize> {
        let endpoint = *self.flow_endpoint.get(flow)?;
        Some(self.endpoints.get(endpoint as usize)?.owner)
    }
}

fn endpoint_views(analysis: &Analysis) -> (Vec<EndpointView>, Vec<OwnerTotals>) {
    let mut owners: Vec<OwnerTotals> = Vec::new();
    let mut views = Vec::with_capacity(analysis.endpoints().len());
    for (id, endpoint) in analysis.endpoints().iter().enumerate() {
        let owner = analysis.owner_of(id as EndpointId);
        let index = match owners.iter().position(|o| o.owner == owner) {
            Some(i) => i,
            None => {
                owners.push(OwnerTotals { owner, bytes: 0, packets: 0, endpoints: 0 });
                owners.len() - 1
            }
        };
        if let Some(o) = owners.get_mut(index) {
            o.bytes += endpoint.bytes;
            o.packets += endpoint.packets;
            o.endpoints += 1;
        }
        views.push(EndpointView {
            endpoint: endpoint.clone(),
            best_name: analysis.best_name_of(id as EndpointId),
            owner: index,
        });
    }
    // Largest first, keeping endpoint indices valid through a remap.
    let mut order: Vec<usize> = (0..owners.len()).collect();
    order.sort_by(|&a, &b| owners[b].bytes.cmp(&owners[a].bytes).then(owners[a].owner.name.cmp(&owners[b].owner.name)));
    let mut new_index = vec![0; owners.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    for v in &mut views {
        v.owner = new_index.get(v.owner).copied().unwrap_or(0);
    }
    let sorted = order.iter().filter_map(|&i| owners.get(i).cloned()).collect();
    (views, sorted)
}
