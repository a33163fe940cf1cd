//! Flat, serialisable rows of flows, endpoints and providers for the data exporters (CSV
//! and JSON share them). Counts cover the selected flows only, whole flows (a flow that
//! overlaps a time range counts with all its packets), so rows add up across files.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::report::{proto_name, seconds};
use crate::snapshot::{Owner, Snapshot};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowRow {
    /// Index into the snapshot's flows (stable for one analysis of one file).
    pub flow: usize,
    pub proto: String,
    pub src: String,
    pub sport: u16,
    pub dst: String,
    pub dport: u16,
    /// The remote side's address and port.
    pub remote: String,
    pub remote_port: u16,
    /// The name the client asked for, when the capture revealed one.
    pub name: String,
    pub owner: String,
    pub service: String,
    pub region: String,
    pub packets: u64,
    pub bytes: u64,
    /// src -> dst
    pub fwd_packets: u64,
    pub fwd_bytes: u64,
    /// dst -> src
    pub rev_packets: u64,
    pub rev_bytes: u64,
    /// Seconds since the Unix epoch.
    pub first_ts: f64,
    pub last_ts: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointRow {
    pub ip: String,
    pub name: String,
    pub owner: String,
    pub service: String,
    pub region: String,
    pub flows: u64,
    pub packets: u64,
    pub bytes: u64,
    pub first_ts: f64,
    pub last_ts: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub owner: String,
    pub service: String,
    pub region: String,
    pub endpoints: u64,
    pub flows: u64,
    pub packets: u64,
    pub bytes: u64,
    /// Share of the selected bytes, 0..=1.
    pub share: f64,
}

/// The three tables over the selected flows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tables {
    pub flows: Vec<FlowRow>,
    pub endpoints: Vec<EndpointRow>,
    pub providers: Vec<ProviderRow>,
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

/// Builds the tables over `flows` (indices into `snapshot.flows`, e.g. from
/// [`super::filter::selected_flows`]). Endpoints and providers come largest first.
pub fn tables(snapshot: &Snapshot, flows: &[usize]) -> Tables {
    let unknown = Owner::Unknown;
    let mut out = Tables::default();
    // Endpoint id -> row index; owner index -> (row, endpoints seen).
    let mut endpoint_rows: BTreeMap<u32, usize> = BTreeMap::new();
    let mut provider_rows: BTreeMap<usize, usize> = BTreeMap::new();
    let mut provider_endpoints: BTreeSet<(usize, u32)> = BTreeSet::new();
    for &index in flows {
        let Some(flow) = snapshot.flows.get(index) else { continue };
        let endpoint_id = snapshot.flow_endpoint.get(index).copied();
        let view = endpoint_id.and_then(|e| snapshot.endpoints.get(e as usize));
        let owner_index = view.map(|v| v.owner);
        let owner = owner_index.and_then(|o| snapshot.owners.get(o)).map_or(&unknown, |o| &o.owner);
        let name = view.and_then(|v| v.best_name.clone()).unwrap_or_default();
        let (remote, remote_port) = flow.remote();
        out.flows.push(FlowRow {
            flow: index,
            proto: proto_name(flow.proto).into_owned(),
            src: flow.src.to_string(),
            sport: flow.src_port,
            dst: flow.dst.to_string(),
            dport: flow.dst_port,
            remote: remote.to_string(),
            remote_port,
            name: name.clone(),
            owner: owner.label().into_owned(),
            service: text(owner.service()),
            region: text(owner.region()),
            packets: flow.packets(),
            bytes: flow.bytes(),
            fwd_packets: flow.forward.packets,
            fwd_bytes: flow.forward.bytes,
            rev_packets: flow.reverse.packets,
            rev_bytes: flow.reverse.bytes,
            first_ts: seconds(flow.first_ns),
            last_ts: seconds(flow.last_ns),
        });

        let endpoint_key = endpoint_id.unwrap_or(u32::MAX);
        let row = *endpoint_rows.entry(endpoint_key).or_insert_with(|| {
            out.endpoints.push(EndpointRow {
                ip: remote.to_string(),
                name,
                owner: owner.label().into_owned(),
                service: text(owner.service()),
                region: text(owner.region()),
                flows: 0,
                packets: 0,
                bytes: 0,
                first_ts: seconds(flow.first_ns),
                last_ts: seconds(flow.last_ns),
            });
            out.endpoints.len() - 1
        });
        if let Some(e) = out.endpoints.get_mut(row) {
            e.flows += 1;
            e.packets += flow.packets();
            e.bytes += flow.bytes();
            e.first_ts = e.first_ts.min(seconds(flow.first_ns));
            e.last_ts = e.last_ts.max(seconds(flow.last_ns));
        }

        let owner_key = owner_index.unwrap_or(usize::MAX);
        let row = *provider_rows.entry(owner_key).or_insert_with(|| {
            out.providers.push(ProviderRow {
                owner: owner.label().into_owned(),
                service: text(owner.service()),
                region: text(owner.region()),
                endpoints: 0,
                flows: 0,
                packets: 0,
                bytes: 0,
                share: 0.0,
            });
            out.providers.len() - 1
        });
        let new_endpoint = provider_endpoints.insert((owner_key, endpoint_key));
        if let Some(p) = out.providers.get_mut(row) {
            p.endpoints += u64::from(new_endpoint);
            p.flows += 1;
            p.packets += flow.packets();
            p.bytes += flow.bytes();
        }
    }
    let total: u64 = out.providers.iter().map(|p| p.bytes).sum();
    for p in &mut out.providers {
        p.share = if total == 0 { 0.0 } else { p.bytes as f64 / total as f64 };
    }
    out.endpoints.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.ip.cmp(&b.ip)));
    out.providers.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.owner.cmp(&b.owner)));
    out
}
