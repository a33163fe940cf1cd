//! CSV export: flows.csv, endpoints.csv and providers.csv in one directory, each written
//! atomically, over the flows a [`ViewFilter`] selects.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::atomic::{write_atomically, Overwrite};
use super::filter::{selected_flows, ViewFilter};
use super::records::{tables, Tables};
use super::ExportError;
use crate::snapshot::Snapshot;

pub const FLOWS_FILE: &str = "flows.csv";
pub const ENDPOINTS_FILE: &str = "endpoints.csv";
pub const PROVIDERS_FILE: &str = "providers.csv";

/// Writes the three tables into `dir` (created when missing); returns the files written.
/// With [`Overwrite::Refuse`] nothing is written when any of the three exists.
pub fn write_csv_dir(
    dir: &Path,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    overwrite: Overwrite,
) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::Io { path: dir.to_path_buf(), reason: e.to_string() })?;
    let paths = [FLOWS_FILE, ENDPOINTS_FILE, PROVIDERS_FILE].map(|name| dir.join(name));
    if overwrite == Overwrite::Refuse {
        if let Some(existing) = paths.iter().find(|p| p.exists()) {
            return Err(super::atomic::AtomicError::Exists { path: existing.clone() }.into());
        }
    }
    let Tables { flows, endpoints, providers } = tables(snapshot, &selected_flows(snapshot, filter));
    let [flows_path, endpoints_path, providers_path] = paths;
    Ok(vec![
        write_atomically(&flows_path, overwrite, |w| write_rows(w, &flows))?,
        write_atomically(&endpoints_path, overwrite, |w| write_rows(w, &endpoints))?,
        write_atomically(&providers_path, overwrite, |w| write_rows(w, &providers))?,
    ])
}

/// One CSV table with a header row (also written when there are no rows, so that readers
/// always find the columns).
pub fn write_rows<T: Serialize + Default>(out: &mut dyn Write, rows: &[T]) -> std::io::Result<()> {
    if rows.is_empty() {
        return out.write_all(&header_line::<T>()?);
    }
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row).map_err(std::io::Error::other)?;
    }
    writer.flush()
}

/// The csv crate writes headers with the first record; get them from a default record.
fn header_line<T: Serialize + Default>() -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.serialize(T::default()).map_err(std::io::Error::other)?;
    let bytes = writer.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    let end = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| i + 1);
    Ok(bytes.get(..end).unwrap_or_default().to_vec())
}
