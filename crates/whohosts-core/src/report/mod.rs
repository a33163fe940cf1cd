//! The report over a finished analysis: one serialisable structure, printed as text for
//! people or as JSON for programs. Reads a snapshot; changes nothing.

mod endpoints;
mod flow_json;
mod flows;
mod json;
mod live;
mod text;
mod timeline;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::decode::link_type;
use crate::snapshot::Snapshot;

pub use endpoints::{EndpointRecord, EndpointRecords, NameRecord, ProviderRecord};
pub use flows::{proto_name, DirectionRecord, FlowRecord, FlowRecords};
pub use live::LiveRecord;
pub use text::{human_bytes, write_text};
pub use timeline::{TimelineBin, TimelineRecord, TimelineSeries};

#[derive(Debug, Serialize)]
pub struct Report {
    pub file: String,
    pub capture: CaptureSummary,
    /// Owners by bytes, largest first.
    pub providers: Vec<ProviderRecord>,
    /// Every remote endpoint, largest first.
    pub endpoints: EndpointRecords,
    /// Every flow, in order of first packet.
    pub flows: FlowRecords,
    pub timeline: TimelineRecord,
    /// Where the provider data came from.
    pub datasets: Vec<DatasetRecord>,
    pub warnings: Vec<String>,
    /// Set for a live capture: interface, duration and packet counters with drops.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveRecord>,
}

#[derive(Debug, Serialize)]
pub struct CaptureSummary {
    pub packets: u64,
    pub bytes: u64,
    pub captured_bytes: u64,
    /// Seconds since the Unix epoch.
    pub first_ts: Option<f64>,
    pub last_ts: Option<f64>,
    pub duration: f64,
    pub link_types: Vec<LinkTypeCount>,
    pub ip_packets: u64,
    pub non_ip_packets: u64,
    pub fragments: u64,
    pub reassembled_datagrams: u64,
    pub flows: usize,
    pub endpoints: usize,
}

#[derive(Debug, Serialize)]
pub struct LinkTypeCount {
    pub link_type: i32,
    pub name: String,
    pub packets: u64,
}

#[derive(Debug, Serialize)]
pub struct DatasetRecord {
    pub name: String,
    pub source: String,
    pub date: String,
    pub licence: String,
    pub prefixes: usize,
}

pub fn seconds(ns: i64) -> f64 {
    ns as f64 / 1e9
}

impl Report {
    pub fn build(file: &str, analysis: &Analysis) -> Report {
        let snapshot = Snapshot::of(analysis);
        let t = &snapshot.totals;
        let frag = analysis.fragment_stats();
        let capture = CaptureSummary {
            packets: t.frames,
            bytes: t.bytes,
            captured_bytes: t.captured_bytes,
            first_ts: t.first_ns.map(seconds),
            last_ts: t.last_ns.map(seconds),
            duration: t.first_ns.zip(t.last_ns).map_or(0.0, |(f, l)| seconds(l.saturating_sub(f))),
            link_types: t
                .link_types
                .iter()
                .map(|(&lt, &n)| LinkTypeCount { link_type: lt, name: link_type::name(lt), packets: n })
                .collect(),
            ip_packets: t.ip_frames,
            non_ip_packets: t.non_ip.values().sum(),
            fragments: frag.fragments,
            reassembled_datagrams: frag.reassembled,
            flows: snapshot.flows.len(),
            endpoints: snapshot.endpoints.len(),
        };
        let datasets = analysis
            .providers()
            .datasets()
            .iter()
            .map(|d| DatasetRecord {
                name: d.name.clone(),
                source: d.source.clone(),
                date: d.date.clone(),
                licence: d.licence.clone(),
                prefixes: d.prefixes,
            })
            .collect();
        Report {
            file: file.to_string(),
            providers: endpoints::provider_records(&snapshot),
            endpoints: EndpointRecords::new(snapshot.clone()),
            flows: FlowRecords::new(snapshot.clone()),
            timeline: timeline::timeline_record(&snapshot),
            capture,
            datasets,
            warnings: analysis.warnings(),
            live: None,
        }
    }
}
