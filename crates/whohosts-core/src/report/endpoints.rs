//! Endpoint and provider records of the report: who each remote address is, who owns it,
//! and the evidence for both.

use std::borrow::Cow;
use std::net::IpAddr;

use serde::Serialize;

use crate::names::NameSighting;
use crate::providers::evidence::{Asn, Attribution, Conflict, ProviderInfo};
use crate::providers::hints::NameHint;
use crate::providers::owner::UNKNOWN_LABEL;
use crate::snapshot::{EndpointView, Snapshot};

#[derive(Debug, Serialize)]
pub struct ProviderRecord {
    pub name: String,
    pub bytes: u64,
    pub packets: u64,
    pub endpoints: u32,
    /// Fraction of all endpoint bytes, 0..1.
    pub share: f64,
}

#[derive(Debug, Serialize)]
pub struct NameRecord<'a> {
    pub name: &'a str,
    /// "dns", "sni", "quic" or "http".
    pub source: &'static str,
    /// First frame (1-based) that revealed the name; for Zeek logs, the sighting's place in
    /// time order (`log` and `uid` say where it is).
    pub frame: u64,
    /// The Zeek log the name was read from (`dns.log`, `ssl.log` ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<&'static str>,
    /// The uid of the connection the log line belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<&'a str>,
    /// An Encrypted Client Hello's outer (public) name, not the real destination.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ech_outer: bool,
}

/// Borrows from the snapshot; the evidence is made for this record only.
#[derive(Debug, Serialize)]
pub struct EndpointRecord<'a> {
    pub ip: IpAddr,
    pub packets: u64,
    pub bytes: u64,
    pub flows: u32,
    pub best_name: Option<&'a str>,
    pub names: Vec<NameRecord<'a>>,
    pub cname_chain: &'a [String],
    /// Owner shown for this address (provider, AS, "Local network" or "Unknown").
    pub owner: Cow<'a, str>,
    pub provider: Option<ProviderInfo>,
    pub asn: Option<Asn>,
    /// Special-purpose category (private, loopback ...) when the address is one.
    pub special: Option<&'static str>,
    /// Providers that the names point at through well-known suffixes.
    pub hints: Vec<NameHint>,
    /// Names that point at another provider than the address range: a finding.
    pub conflicts: Vec<Conflict>,
}

fn name_record(s: &NameSighting) -> NameRecord<'_> {
    NameRecord {
        name: &s.name,
        source: s.source.as_str(),
        frame: s.frame,
        log: s.log.as_ref().map(|l| l.log),
        uid: s.log.as_ref().map(|l| l.uid.as_str()),
        ech_outer: s.ech_outer,
    }
}

fn endpoint_record<'a>(snapshot: &'a Snapshot, e: &'a EndpointView) -> EndpointRecord<'a> {
    let attribution = snapshot.attribution(e).unwrap_or_else(|| Attribution::none(e.endpoint.ip));
    EndpointRecord {
        ip: e.endpoint.ip,
        packets: e.endpoint.packets,
        bytes: e.endpoint.bytes,
        flows: e.endpoint.flows,
        best_name: e.best_name.as_deref(),
        names: e.names.iter().map(name_record).collect(),
        cname_chain: &e.cname_chain,
        owner: snapshot.owner(e).map_or(Cow::Borrowed(UNKNOWN_LABEL), |o| o.label()),
        provider: attribution.provider,
        asn: attribution.asn,
        special: attribution.special,
        hints: attribution.hints,
        conflicts: attribution.conflicts,
    }
}

/// Every endpoint of a snapshot, largest first, made into records one at a time when
/// serialised.
#[derive(Debug, Clone)]
pub struct EndpointRecords {
    snapshot: Snapshot,
    order: Vec<u32>,
}

impl EndpointRecords {
    pub(super) fn new(snapshot: Snapshot) -> Self {
        let endpoints = &snapshot.endpoints;
        let mut order: Vec<u32> = (0..endpoints.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&endpoints[a as usize].endpoint, &endpoints[b as usize].endpoint);
            b.bytes.cmp(&a.bytes).then_with(|| a.ip.cmp(&b.ip))
        });
        EndpointRecords { snapshot, order }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Records, largest endpoint first.
    pub fn iter(&self) -> impl Iterator<Item = EndpointRecord<'_>> + '_ {
        let s = &self.snapshot;
        self.order.iter().filter_map(|&i| s.endpoints.get(i as usize)).map(|e| endpoint_record(s, e))
    }
}

impl Serialize for EndpointRecords {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Totals per provider name (services and regions of one provider added together).
pub(super) fn provider_records(snapshot: &Snapshot) -> Vec<ProviderRecord> {
    let total: u64 = snapshot.owners.iter().map(|o| o.bytes).sum();
    let mut records: Vec<ProviderRecord> = Vec::new();
    for o in snapshot.owners.iter() {
        let record = match records.iter_mut().find(|r| r.name == o.owner.label()) {
            Some(r) => r,
            None => {
                records.push(ProviderRecord {
                    name: o.owner.label().into_owned(),
                    bytes: 0,
                    packets: 0,
                    endpoints: 0,
                    share: 0.0,
                });
                let last = records.len() - 1;
                &mut records[last]
            }
        };
        record.bytes += o.bytes;
        record.packets += o.packets;
        record.endpoints += o.endpoints;
    }
    for r in &mut records {
        r.share = if total == 0 { 0.0 } else { r.bytes as f64 / total as f64 };
    }
    records.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    records
}
