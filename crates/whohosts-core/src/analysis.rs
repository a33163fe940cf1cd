//! Ties the core together: frames in, flows, remote endpoints, timeline and capture totals
//! out. Owns all mutable analysis state; callers feed it frames and read it when done (or
//! take snapshots while reading).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;

use crate::capture::Frame;
use crate::decode::{self, Datagram, Decoded};
use crate::flows::{FlowHit, FlowId, FlowPacket, FlowTable};
use crate::fragments::{Defragmenter, FragmentStats, Release};
use crate::locality::LocalPolicy;
use crate::names::NameBook;
use crate::providers::Owner;
use crate::providers::ProviderDb;
use crate::timeline::Timeline;

/// Settings that shape an analysis, checked before any frame is read.
#[derive(Debug, Clone)]
pub struct AnalysisConfig {
    pub local: LocalPolicy,
    /// Published ranges and the AS table, loaded once and shared.
    pub providers: Arc<ProviderDb>,
    /// Whether to read names from DNS, TLS, QUIC and HTTP payloads.
    pub learn_names: bool,
}

impl Default for AnalysisConfig {
    /// No local networks beyond private space, and no range data (every owner "Unknown").
    fn default() -> Self {
        AnalysisConfig { local: LocalPolicy::default(), providers: Arc::new(ProviderDb::empty()), learn_names: true }
    }
}

/// Whole-capture counters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaptureTotals {
    pub frames: u64,
    /// Sum of on-wire frame lengths.
    pub bytes: u64,
    pub captured_bytes: u64,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    /// Frames per pcap link type.
    pub link_types: BTreeMap<i32, u64>,
    pub ip_frames: u64,
    /// ARP, LLDP and other frames without IP, counted per ether type.
    pub non_ip: BTreeMap<u16, u64>,
    /// Frames of link types this tool cannot decode, per link type.
    pub unsupported_link: BTreeMap<i32, u64>,
    /// Frames whose headers were too broken to find an IP datagram.
    pub undecodable: u64,
    /// Frames whose timestamp is earlier than the frame before.
    pub out_of_order: u64,
}

/// A remote address, with everything counted towards it.
#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub packets: u64,
    pub bytes: u64,
    pub flows: u32,
    pub first_ns: i64,
    pub last_ns: i64,
}

pub type EndpointId = u32;

/// Remote addresses kept apart; later ones share one "other" endpoint. Bounds memory (an
/// endpoint with its owner, timeline bins and evidence costs about a kilobyte) on floods
/// from spoofed sources.
pub const MAX_ENDPOINTS: usize = 100_000;

pub struct Analysis {
    config: AnalysisConfig,
    totals: CaptureTotals,
    flows: FlowTable,
    /// Remote endpoint of every flow, indexed by `FlowId`.
    flow_endpoint: Vec<EndpointId>,
    endpoints: Vec<Endpoint>,
    /// Owner of each endpoint's address, decided from the ranges when the timeline is
    /// flushed or the capture finished (not per packet), so that the ranges may still be
    /// loading while the first frames are read. Shorter than `endpoints` until then.
    endpoint_owner: Vec<Owner>,
    endpoint_index: HashMap<IpAddr, EndpointId, ahash::RandomState>,
    /// The endpoint that stands for every address seen once the endpoint table was full.
    other_endpoint: Option<EndpointId>,
    /// Flows whose remote address was folded into `other_endpoint`.
    folded_endpoint_flows: u64,
    /// Shared with snapshots; copied on write only while a snapshot still holds it.
    timeline: Arc<Timeline>,
    defrag: Defragmenter,
    names: NameBook,
    notes: Vec<String>,
    /// Frames whose recorded wire length was beyond belief (counted at their captured length).
    implausible_wire_lengths: u64,
    finished: bool,
}

impl Analysis {
    pub fn new(config: AnalysisConfig) -> Self {
        Analysis {
            config,
            totals: CaptureTotals::default(),
            flows: FlowTable::default(),
            flow_endpoint: Vec::new(),
            endpoints: Vec::new(),
            endpoint_owner: Vec::new(),
            endpoint_index: HashMap::default(),
            other_endpoint: None,
            folded_endpoint_flows: 0,
            timeline: Arc::default(),
            defrag: Defragmenter::default(),
            names: NameBook::new(),
            notes: Vec::new(),
            implausible_wire_lengths: 0,
            finished: false,
        }
    }

    pub fn totals(&self) -> &CaptureTotals {
        &self.totals
    }
    pub fn flows(&self) -> &FlowTable {
        &self.flows
    }
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }
    /// The remote endpoint of a flow.
    pub fn flow_endpoint(&self, flow: FlowId) -> Option<EndpointId> {
        self.flow_endpoint.get(flow as usize).copied()
    }
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
    /// The timeline, shared without copying.
    pub fn shared_timeline(&self) -> Arc<Timeline> {
        Arc::clone(&self.timeline)
    }
    /// The remote endpoint of every flow, indexed by `FlowId`.
    pub fn flow_endpoints(&self) -> &[EndpointId] {
        &self.flow_endpoint
    }
    /// Writes the timeline's open bins so it can be read mid-capture.
    pub fn flush_timeline(&mut self) {
        Arc::make_mut(&mut self.timeline).flush();
        self.resolve_owners();
    }
    /// Who owns an endpoint's address (looked up now if not yet decided).
    pub fn owner_of(&self, endpoint: EndpointId) -> Cow<'_, Owner> {
        if let Some(owner) = self.endpoint_owner.get(endpoint as usize) {
            return Cow::Borrowed(owner);
        }
        Cow::Owned(self.decide_owner(endpoint))
    }

    fn decide_owner(&self, endpoint: EndpointId) -> Owner {
        match self.endpoints.get(endpoint as usize) {
            _ if self.other_endpoint == Some(endpoint) => Owner::Other,
            Some(e) => Owner::of_address(&self.config.providers, e.ip),
            None => Owner::Unknown,
        }
    }

    /// Decides the owners of endpoints seen since the last call.
    fn resolve_owners(&mut self) {
        for id in self.endpoint_owner.len()..self.endpoints.len() {
            let owner = self.decide_owner(id as EndpointId);
            self.endpoint_owner.push(owner);
        }
    }

    /// Replaces the range data (e.g. once it has loaded beside the reading) and decides
    /// every owner again.
    pub fn set_providers(&mut self, providers: Arc<ProviderDb>) {
        self.config.providers = providers;
        self.endpoint_owner.clear();
        self.resolve_owners();
    }
    pub fn providers(&self) -> &ProviderDb {
        &self.config.providers
    }
    /// The range data, shared without copying.
    pub fn shared_providers(&self) -> Arc<ProviderDb> {
        Arc::clone(&self.config.providers)
    }
    /// Names learned from the capture (DNS, SNI, QUIC, HTTP).
    pub fn names(&self) -> &NameBook {
        &self.names
    }
    pub fn fragment_stats(&self) -> FragmentStats {
        self.defrag.stats()
    }

    /// Records a problem met while reading (e.g. a truncated file) for the report.
    pub fn note(&mut self, message: impl Into<String>) {
        self.notes.push(message.into());
    }

    /// Counts one frame and everything in it.
    pub fn ingest(&mut self, frame: &Frame<'_>) {
        let capped;
        let frame = match crate::capture::capped_wire_len(frame) {
            Some(wire_len) => {
                self.implausible_wire_lengths += 1;
                capped = Frame { wire_len, ..*frame };
                &capped
            }
            None => frame,
        };
        let t = &mut self.totals;
        t.frames += 1;
        let number = t.frames;
        t.bytes += u64::from(frame.wire_len);
        t.captured_bytes += frame.data.len() as u64;
        if t.last_ns.is_some_and(|last| frame.ts_ns < last) {
            t.out_of_order += 1;
        }
        t.first_ns = Some(t.first_ns.map_or(frame.ts_ns, |f| f.min(frame.ts_ns)));
        t.last_ns = Some(t.last_ns.map_or(frame.ts_ns, |l| l.max(frame.ts_ns)));
        *t.link_types.entry(frame.link_type).or_default() += 1;

        match decode::decode(frame.link_type, frame.data) {
            Ok(Decoded::Ip(datagram)) => {
                t.ip_frames += 1;
                self.ingest_datagram(frame, number, &datagram);
            }
            Ok(Decoded::NonIp { ether_type }) => *t.non_ip.entry(ether_type).or_default() += 1,
            Err(decode::DecodeError::UnsupportedLinkType(lt)) => *t.unsupported_link.entry(lt).or_default() += 1,
            Err(_) => t.undecodable += 1,
        }
    }

    fn ingest_datagram(&mut self, frame: &Frame<'_>, number: u64, datagram: &Datagram<'_>) {
        let counted = |transport| FlowPacket {
            ts_ns: frame.ts_ns,
            frame: number,
            wire_len: frame.wire_len,
            captured_len: u32::try_from(frame.data.len()).unwrap_or(u32::MAX),
            src: datagram.src,
            dst: datagram.dst,
            proto: datagram.proto,
            transport,
        };
        if datagram.fragment.is_none() {
            let packet = datagram.packet();
            self.count(&counted(packet.transport));
            if self.config.learn_names {
                self.names.observe(number, &packet);
            }
            return;
        }
        let outcome = self.defrag.add(frame.ts_ns, frame.wire_len, number, datagram);
        for release in outcome.releases {
            self.count_release(&release);
        }
        if let Some(transport) = outcome.transport {
            self.count(&counted(transport));
        }
        if let Some(whole) = outcome.reassembled {
            if self.config.learn_names {
                let packet = decode::packet_from_ip_payload(datagram.src, datagram.dst, datagram.proto, &whole);
                self.names.observe(number, &packet);
            }
        }
    }

    fn count_release(&mut self, release: &Release) {
        for held in &release.fragments {
            self.count(&FlowPacket {
                ts_ns: held.ts_ns,
                frame: held.frame,
                wire_len: held.wire_len,
                captured_len: 0,
                src: release.src,
                dst: release.dst,
                proto: release.proto,
                transport: release.transport,
            });
        }
    }

    fn count(&mut self, packet: &FlowPacket) -> FlowHit {
        let hit = self.flows.ingest(packet, &self.config.local);
        if hit.created {
            let (remote, other) =
                self.flows.get(hit.id).map_or((packet.dst, false), |f| (f.remote().0, f.stands_for_every_address()));
            let endpoint = self.endpoint_for(remote, packet.ts_ns, other);
            self.flow_endpoint.push(endpoint);
            if let Some(e) = self.endpoints.get_mut(endpoint as usize) {
                e.flows += 1;
            }
        }
        if let Some(&endpoint) = self.flow_endpoint.get(hit.id as usize) {
            if let Some(e) = self.endpoints.get_mut(endpoint as usize) {
                e.packets += 1;
                e.bytes += u64::from(packet.wire_len);
                e.first_ns = e.first_ns.min(packet.ts_ns);
                e.last_ns = e.last_ns.max(packet.ts_ns);
            }
            Arc::make_mut(&mut self.timeline).add(endpoint, packet.ts_ns, u64::from(packet.wire_len));
        }
        hit
    }

    fn endpoint_for(&mut self, ip: IpAddr, ts_ns: i64, other: bool) -> EndpointId {
        if let Some(&id) = self.endpoint_index.get(&ip) {
            return id;
        }
        if other || self.endpoints.len() >= MAX_ENDPOINTS {
            // Full (or the folded "other" flow): one explicit endpoint stands for the rest.
            if !other {
                self.folded_endpoint_flows += 1;
            }
            if let Some(id) = self.other_endpoint {
                return id;
            }
        }
        let other = other || self.endpoints.len() >= MAX_ENDPOINTS;
        let id = EndpointId::try_from(self.endpoints.len()).unwrap_or(EndpointId::MAX);
        self.endpoints.push(Endpoint { ip, packets: 0, bytes: 0, flows: 0, first_ns: ts_ns, last_ns: ts_ns });
        if other {
            self.other_endpoint = Some(id);
        } else {
            self.endpoint_index.insert(ip, id);
        }
        id
    }

    /// Ends the capture: counts fragments still waiting for their datagram and writes the
    /// timeline's open bins. Idempotent.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        for release in self.defrag.finish() {
            self.count_release(&release);
        }
        Arc::make_mut(&mut self.timeline).flush();
        self.resolve_owners();
    }

    /// Human-readable warnings about what was skipped or odd, for reports and the UI.
    pub fn warnings(&self) -> Vec<String> {
        let t = &self.totals;
        let mut out = self.notes.clone();
        for (lt, n) in &t.unsupported_link {
            out.push(format!("{n} frames of unsupported link type {} skipped", decode::link_type::name(*lt)));
        }
        if t.undecodable > 0 {
            out.push(format!("{} frames too malformed to find an IP header", t.undecodable));
        }
        if t.out_of_order > 0 {
            out.push(format!("{} frames have timestamps earlier than the frame before", t.out_of_order));
        }
        if self.implausible_wire_lengths > 0 {
            out.push(format!(
                "{} frames claim a wire length over {} bytes; each was counted at its captured length",
                self.implausible_wire_lengths,
                crate::capture::MAX_WIRE_LEN
            ));
        }
        let frag = self.defrag.stats();
        if self.flows.folded_packets() > 0 {
            out.push(format!(
                "more than {} flows: {} packets of later new flows are counted together per remote address as \"other\"",
                crate::flows::MAX_FLOWS,
                self.flows.folded_packets()
            ));
        }
        if self.folded_endpoint_flows > 0 {
            out.push(format!(
                "more than {MAX_ENDPOINTS} remote addresses: {} later flows are counted under one \"other\" endpoint",
                self.folded_endpoint_flows
            ));
        }
        if frag.incomplete > 0 {
            out.push(format!(
                "{} fragmented datagrams never completed (their fragments are still counted)",
                frag.incomplete
            ));
        }
        out
    }
}

mod connections;
#[cfg(test)]
mod tests;
