//! One data export as a value: which tables or frames to write where, from which snapshot
//! under which filter. `whohosts export` and the window's export dialog both describe what
//! the user asked for as an [`ExportRequest`] and call [`ExportRequest::write`], so the two
//! cannot drift apart. (The figure is drawn by the app crate.)

use std::path::PathBuf;

use super::{csv, json, parquet, pcap, pcapng_names, ExportError, Overwrite, ViewFilter};
use crate::snapshot::Snapshot;

/// What an export writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportTarget {
    /// flows.csv, endpoints.csv and providers.csv in a folder (created when missing).
    Csv(PathBuf),
    /// The same tables as Parquet files in a folder.
    Parquet(PathBuf),
    /// The same tables as one JSON document.
    Json(PathBuf),
    /// The frames of `flows` (indices into the snapshot's flows), read again from `captures`
    /// (several are merged in time order): pcapng with a Name Resolution Block of the
    /// learned names when `path` ends in `.pcapng`, pcap otherwise.
    Frames { path: PathBuf, captures: Vec<PathBuf>, flows: Vec<usize> },
}

/// The snapshot and filter an export is taken from.
#[derive(Debug, Clone, Copy)]
pub struct ExportRequest<'a> {
    pub snapshot: &'a Snapshot,
    /// The views' filter: the tables hold the flows it selects.
    pub filter: &'a ViewFilter,
    /// The capture's name as the JSON document shows it.
    pub capture_name: &'a str,
    pub overwrite: Overwrite,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The files written, in order.
    Files(Vec<PathBuf>),
    /// A capture file of the selected flows' frames.
    Frames { path: PathBuf, flows: usize, packets: u64, bytes: u64 },
}

impl Written {
    /// The files written (one for frames).
    pub fn paths(&self) -> Vec<PathBuf> {
        match self {
            Written::Files(paths) => paths.clone(),
            Written::Frames { path, .. } => vec![path.clone()],
        }
    }
}

impl ExportRequest<'_> {
    /// Writes `target`; errors name the file concerned.
    pub fn write(&self, target: &ExportTarget) -> Result<Written, ExportError> {
        let ExportRequest { snapshot, filter, capture_name, overwrite } = *self;
        match target {
            ExportTarget::Csv(dir) => csv::write_csv_dir(dir, snapshot, filter, overwrite).map(Written::Files),
            ExportTarget::Parquet(dir) => {
                parquet::write_parquet_dir(dir, snapshot, filter, overwrite).map(Written::Files)
            }
            ExportTarget::Json(path) => {
                json::write_json(path, capture_name, snapshot, filter, overwrite).map(|p| Written::Files(vec![p]))
            }
            ExportTarget::Frames { path, captures, flows } => {
                let flows: Vec<_> = flows.iter().filter_map(|&i| snapshot.flows.get(i).cloned()).collect();
                let written = if pcapng_names::wants_pcapng(path) {
                    let names = pcapng_names::learned_names(snapshot);
                    pcapng_names::write_pcapng_with_names_from(captures, path, &flows, &names, overwrite)?
                } else {
                    pcap::write_pcap_from(captures, path, &flows, overwrite)?
                };
                Ok(Written::Frames {
                    path: path.clone(),
                    flows: flows.len(),
                    packets: written.packets,
                    bytes: written.bytes,
                })
            }
        }
    }
}
