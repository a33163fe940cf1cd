//! JSON export: one document with the capture's summary, the filter applied and the
//! flows, endpoints and providers tables (the same rows as the CSV files).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{write_atomically, Overwrite};
use super::filter::{selected_flows, ViewFilter};
use super::records::{tables, EndpointRow, FlowRow, ProviderRow};
use super::ExportError;
use crate::report::seconds;
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDocument {
    /// The capture file the data comes from.
    pub file: String,
    pub capture: CaptureRecord,
    pub filter: FilterRecord,
    pub flows: Vec<FlowRow>,
    pub endpoints: Vec<EndpointRow>,
    pub providers: Vec<ProviderRow>,
    pub warnings: Vec<String>,
}

/// Whole-capture totals, independent of the filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureRecord {
    pub packets: u64,
    pub bytes: u64,
    /// Seconds since the Unix epoch.
    pub first_ts: Option<f64>,
    pub last_ts: Option<f64>,
    pub flows: usize,
    pub endpoints: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterRecord {
    /// Seconds since the Unix epoch; flows overlapping [from_ts, to_ts) are included.
    pub from_ts: Option<f64>,
    pub to_ts: Option<f64>,
    pub hidden_owners: Vec<String>,
    pub text: String,
}

/// The document for the flows `filter` selects.
pub fn document(file: &str, snapshot: &Snapshot, filter: &ViewFilter) -> ExportDocument {
    let t = tables(snapshot, &selected_flows(snapshot, filter));
    ExportDocument {
        file: file.to_string(),
        capture: CaptureRecord {
            packets: snapshot.totals.frames,
            bytes: snapshot.totals.bytes,
            first_ts: snapshot.totals.first_ns.map(seconds),
            last_ts: snapshot.totals.last_ns.map(seconds),
            flows: snapshot.flows.len(),
            endpoints: snapshot.endpoints.len(),
        },
        filter: FilterRecord {
            from_ts: filter.time_range.map(|r| seconds(r.0)),
            to_ts: filter.time_range.map(|r| seconds(r.1)),
            hidden_owners: filter.hidden_owners.iter().cloned().collect(),
            text: filter.text.clone(),
        },
        flows: t.flows,
        endpoints: t.endpoints,
        providers: t.providers,
        warnings: snapshot.warnings.clone(),
    }
}

/// Writes the document for `filter` to `path`, pretty-printed, atomically.
pub fn write_json(
    path: &Path,
    file: &str,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    overwrite: Overwrite,
) -> Result<PathBuf, ExportError> {
    let doc = document(file, snapshot, filter);
    Ok(write_atomically(path, overwrite, |w| {
        serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })?)
}
