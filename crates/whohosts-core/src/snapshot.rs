//! An immutable picture of an analysis at one moment, cheap to hand to another thread.
//! The UI and exporters read snapshots only; they never see the mutable analysis.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::analysis::{Analysis, CaptureTotals, Endpoint, EndpointId};
use crate::flows::Flow;
use crate::names::NameSighting;
use crate::providers::evidence::{attribute, Attribution};
use crate::providers::ProviderDb;
use crate::timeline::Timeline;

pub use crate::providers::owner::Owner;

/// A remote endpoint with what is known about it.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointView {
    pub endpoint: Endpoint,
    /// The name the client asked for (SNI or DNS query name), when the capture revealed one.
    pub best_name: Option<String>,
    /// Index into `Snapshot::owners`: this address's owner, with the service and region
    /// of its range.
    pub owner: usize,
    /// Every name seen for this address, with its source and first frame.
    pub names: Vec<NameSighting>,
    /// The CNAME chain of the DNS answer that gave this address, query first.
    pub cname_chain: Vec<String>,
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
    /// Owners by provider, service and region, largest by bytes first (the same provider
    /// name can appear several times, e.g. AWS S3 us-east-1 and AWS CLOUDFRONT).
    pub owners: Arc<Vec<OwnerTotals>>,
    /// Per-endpoint timeline (series = `EndpointId`), flushed.
    pub timeline: Arc<Timeline>,
    pub warnings: Vec<String>,
    /// The range data the owners came from, for the evidence of one endpoint at a time
    /// (see [`Snapshot::attribution`]); `None` in hand-made snapshots.
    pub providers: Option<Arc<ProviderDb>>,
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
            providers: None,
        }
    }

    /// Takes a snapshot of `analysis`. Its timeline shows what was flushed (see
    /// [`Analysis::flush_timeline`]; a finished analysis is flushed).
    pub fn of(analysis: &Analysis) -> Snapshot {
        let (endpoints, owners) = endpoint_views(analysis);
        Snapshot {
            totals: analysis.totals().clone(),
            flows: analysis.flows().shared(),
            flow_endpoint: Arc::new(analysis.flow_endpoints().to_vec()),
            endpoints: Arc::new(endpoints),
            owners: Arc::new(owners),
            timeline: analysis.shared_timeline(),
            warnings: analysis.warnings(),
            providers: Some(analysis.shared_providers()),
        }
    }

    /// The range, AS, hints and conflicts behind an endpoint's owner. Made on request
    /// rather than kept per endpoint: it is wanted for one endpoint at a time (the
    /// inspector) or once each (the report).
    pub fn attribution(&self, view: &EndpointView) -> Option<Attribution> {
        let providers = self.providers.as_ref()?;
        let names = view.names.iter().map(|n| n.name.as_str()).chain(view.cname_chain.iter().map(String::as_str));
        Some(attribute(providers, view.endpoint.ip, names))
    }

    /// The owner of an endpoint.
    pub fn owner(&self, view: &EndpointView) -> Option<&Owner> {
        self.owners.get(view.owner).map(|o| &o.owner)
    }

    /// The owner of a flow's remote endpoint.
    pub fn flow_owner(&self, flow: usize) -> Option<usize> {
        let endpoint = *self.flow_endpoint.get(flow)?;
        Some(self.endpoints.get(endpoint as usize)?.owner)
    }
}

fn endpoint_views(analysis: &Analysis) -> (Vec<EndpointView>, Vec<OwnerTotals>) {
    let mut owners: Vec<OwnerTotals> = Vec::new();
    let mut owner_index: HashMap<Cow<'_, Owner>, usize> = HashMap::new();
    let mut views = Vec::with_capacity(analysis.endpoints().len());
    for (id, endpoint) in analysis.endpoints().iter().enumerate() {
        let id = id as EndpointId;
        let owner = analysis.owner_of(id);
        let index = match owner_index.get(owner.as_ref()) {
            Some(&index) => index,
            None => {
                owners.push(OwnerTotals { owner: owner.clone().into_owned(), bytes: 0, packets: 0, endpoints: 0 });
                owner_index.insert(owner, owners.len() - 1);
                owners.len() - 1
            }
        };
        if let Some(o) = owners.get_mut(index) {
            o.bytes += endpoint.bytes;
            o.packets += endpoint.packets;
            o.endpoints += 1;
        }
        let names = analysis.names().endpoint(endpoint.ip);
        views.push(EndpointView {
            endpoint: endpoint.clone(),
            best_name: names.and_then(|n| n.best_name()).map(str::to_string),
            owner: index,
            names: names.map(|n| n.names.clone()).unwrap_or_default(),
            cname_chain: names.map(|n| n.cname_chain.clone()).unwrap_or_default(),
        });
    }
    // Largest first, keeping endpoint indices valid through a remap.
    let mut order: Vec<usize> = (0..owners.len()).collect();
    order.sort_by(|&a, &b| owners[b].bytes.cmp(&owners[a].bytes).then_with(|| owners[a].owner.cmp(&owners[b].owner)));
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
