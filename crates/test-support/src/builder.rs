//! The one way tests build a snapshot by hand: add flows (each with its remote endpoint's
//! name, owner and timeline samples), then `build` assembles endpoints, owners (largest
//! first, as real snapshots have them), totals and the timeline exactly as the analysis
//! would lay them out. The scenes in this crate are data fed to it.

use std::net::IpAddr;
use std::sync::Arc;

use whohosts_core::analysis::{CaptureTotals, Endpoint};
use whohosts_core::flows::Flow;
use whohosts_core::names::{NameSighting, NameSource};
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::{EndpointView, OwnerTotals, Snapshot};
use whohosts_core::timeline::Timeline;

/// A remote endpoint as the fixture describes it.
struct Remote {
    ip: IpAddr,
    name: Option<String>,
    owner: Owner,
}

#[derive(Default)]
pub struct SnapshotBuilder {
    remotes: Vec<Remote>,
    flows: Vec<Flow>,
    flow_endpoint: Vec<u32>,
    timeline: Timeline,
    /// Record each name as a TLS SNI sighting in frame 1 (what the inspector lists).
    sightings: bool,
}

impl SnapshotBuilder {
    pub fn new() -> SnapshotBuilder {
        SnapshotBuilder::default()
    }

    /// Names become SNI sightings of frame 1 as well as the endpoints' best names.
    pub fn with_sightings(mut self) -> SnapshotBuilder {
        self.sightings = true;
        self
    }

    /// Declares a remote endpoint ahead of its flows, so endpoint order follows the fixture.
    pub fn remote(&mut self, ip: IpAddr, name: Option<&str>, owner: Owner) -> u32 {
        if let Some(i) = self.remotes.iter().position(|r| r.ip == ip) {
            return i as u32;
        }
        self.remotes.push(Remote { ip, name: name.map(str::to_string), owner });
        (self.remotes.len() - 1) as u32
    }

    /// Adds a flow to `flow.remote()`'s endpoint (declared with [`SnapshotBuilder::remote`]
    /// or here with `name` and `owner`), and its traffic to the timeline as `(ns, bytes)`.
    pub fn flow(
        &mut self,
        flow: Flow,
        name: Option<&str>,
        owner: Owner,
        samples: impl IntoIterator<Item = (i64, u64)>,
    ) -> &mut Self {
        let endpoint = self.remote(flow.remote().0, name, owner);
        for (ns, bytes) in samples {
            self.timeline.add(endpoint, ns, bytes);
        }
        self.flows.push(flow);
        self.flow_endpoint.push(endpoint);
        self
    }

    pub fn build(mut self) -> Snapshot {
        self.timeline.flush();
        let mut endpoints: Vec<Endpoint> = self
            .remotes
            .iter()
            .map(|r| Endpoint { ip: r.ip, packets: 0, bytes: 0, flows: 0, first_ns: i64::MAX, last_ns: i64::MIN })
            .collect();
        let mut totals = CaptureTotals::default();
        for (flow, &e) in self.flows.iter().zip(&self.flow_endpoint) {
            if let Some(endpoint) = endpoints.get_mut(e as usize) {
                endpoint.packets += flow.packets();
                endpoint.bytes += flow.bytes();
                endpoint.flows += 1;
                endpoint.first_ns = endpoint.first_ns.min(flow.first_ns);
                endpoint.last_ns = endpoint.last_ns.max(flow.last_ns);
            }
            totals.frames += flow.packets();
            totals.bytes += flow.bytes();
            totals.first_ns = Some(totals.first_ns.map_or(flow.first_ns, |f| f.min(flow.first_ns)));
            totals.last_ns = Some(totals.last_ns.map_or(flow.last_ns, |l| l.max(flow.last_ns)));
        }
        // Owners in first-seen order, then largest first (stable, as the analysis sorts).
        let mut owners: Vec<OwnerTotals> = Vec::new();
        let mut owner_of = Vec::with_capacity(self.remotes.len());
        for (remote, endpoint) in self.remotes.iter().zip(&endpoints) {
            let index = match owners.iter().position(|o| o.owner == remote.owner) {
                Some(i) => i,
                None => {
                    owners.push(OwnerTotals { owner: remote.owner.clone(), bytes: 0, packets: 0, endpoints: 0 });
                    owners.len() - 1
                }
            };
            if let Some(o) = owners.get_mut(index) {
                o.bytes += endpoint.bytes;
                o.packets += endpoint.packets;
                o.endpoints += 1;
            }
            owner_of.push(index);
        }
        let mut order: Vec<usize> = (0..owners.len()).collect();
        order.sort_by(|&a, &b| owners[b].bytes.cmp(&owners[a].bytes).then(a.cmp(&b)));
        let mut new_index = vec![0; owners.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let views = self
            .remotes
            .iter()
            .zip(endpoints)
            .zip(&owner_of)
            .map(|((remote, endpoint), &owner)| EndpointView {
                endpoint,
                best_name: remote.name.clone(),
                owner: new_index.get(owner).copied().unwrap_or(0),
                names: match (&remote.name, self.sightings) {
                    (Some(name), true) => vec![NameSighting {
                        name: name.clone(),
                        source: NameSource::Sni,
                        frame: 1,
                        ech_outer: false,
                        log: None,
                    }],
                    _ => Vec::new(),
                },
                cname_chain: Vec::new(),
            })
            .collect();
        let owners = order.iter().filter_map(|&i| owners.get(i).cloned()).collect();
        Snapshot {
            totals,
            flows: Arc::new(self.flows),
            flow_endpoint: Arc::new(self.flow_endpoint),
            endpoints: Arc::new(views),
            owners: Arc::new(owners),
            timeline: Arc::new(self.timeline),
            warnings: Vec::new(),
            providers: None,
        }
    }
}

/// The owner a fixture names: a provider's label with its service and region, or an AS,
/// "Local network" or "Unknown" label.
pub fn owner_of((label, service, region): (&str, Option<&str>, Option<&str>)) -> Owner {
    match Owner::from_label(label) {
        Owner::Provider { name, .. } => {
            Owner::Provider { name, service: service.map(Into::into), region: region.map(Into::into) }
        }
        other => other,
    }
}
