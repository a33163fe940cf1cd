//! Export for further analysis: CSV and JSON tables and the frames of selected flows as a
//! pcap (the figure is drawn by the app crate). Every exporter honours
//! the same [`ViewFilter`] as the views and writes its files atomically.

pub mod atomic;
pub mod csv;
pub mod filter;
pub mod json;
pub mod parquet;
pub mod pcap;
mod pcap_merge;
pub mod pcapng_names;
pub mod records;
pub mod request;
pub mod timefmt;

use std::path::PathBuf;

pub use atomic::{AtomicError, Overwrite};
pub use filter::{selected_flows, ViewFilter};
pub use request::{ExportRequest, ExportTarget, Written};

/// A problem while exporting; each variant names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Atomic(#[from] AtomicError),
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("the packet filter for the selected flows does not compile ({reason}): {expression}")]
    Filter { expression: String, reason: String },
    #[error("{flows} flows selected; a pcap export takes at most {max}: narrow the selection")]
    TooManyFlows { flows: usize, max: usize },
}

/// One caption line per dataset the attribution used: name, date, licence.
pub fn dataset_lines(config: &crate::analysis::AnalysisConfig) -> Vec<String> {
    let datasets = config.providers.datasets();
    let mut lines: Vec<String> =
        datasets.iter().map(|d| format!("{} ({}, data of {}, {})", d.name, d.source, d.date, d.licence)).collect();
    // Licences such as CC BY require their credit line wherever the data is shown.
    for d in datasets {
        // Compared as pushed (without the full stop), so a credit shared by two datasets shows once.
        let credit = d.attribution.trim_end_matches('.').to_string();
        if !credit.is_empty() && !lines.contains(&credit) {
            lines.push(credit);
        }
    }
    lines
}

/// Writes the flows, endpoints and providers tables of the selected flows into `dir`
/// (created when missing) as `names`, each encoded by `encode(table_index, tables, out)`.
/// All three are written before any is put in place, so a refused or failed file leaves
/// none of them changed; with [`Overwrite::Refuse`] nothing is written when one exists.
pub(crate) fn write_table_dir(
    dir: &std::path::Path,
    names: [&str; 3],
    snapshot: &crate::snapshot::Snapshot,
    filter: &ViewFilter,
    overwrite: Overwrite,
    encode: impl Fn(usize, &records::Tables, &mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<Vec<PathBuf>, ExportError> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| ExportError::Io { path: dir.to_path_buf(), reason: e.to_string() })?;
    let paths = names.map(|name| dir.join(name));
    if overwrite == Overwrite::Refuse {
        if let Some(existing) = paths.iter().find(|p| p.exists()) {
            return Err(AtomicError::Exists { path: existing.clone() }.into());
        }
    }
    let tables = records::tables(snapshot, &selected_flows(snapshot, filter));
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
        files.push(atomic::AtomicFile::create(path, overwrite)?);
    }
    for (table, file) in files.iter_mut().enumerate() {
        let path = file.destination().to_path_buf();
        let mut out = std::io::BufWriter::new(file.file());
        encode(table, &tables, &mut out)
            .and_then(|()| out.flush())
            .map_err(|e| ExportError::Io { path, reason: e.to_string() })?;
    }
    files.into_iter().map(|f| f.commit().map_err(ExportError::from)).collect()
}
