//! Export for further analysis: CSV and JSON tables and the frames of selected flows as a
//! pcap (the figure is drawn by the app crate). Every exporter honours
//! the same [`ViewFilter`] as the views and writes its files atomically.

pub mod atomic;
pub mod csv;
pub mod filter;
pub mod json;
pub mod parquet;
pub mod pcap;
pub mod pcapng_names;
pub mod records;
pub mod timefmt;

use std::path::PathBuf;

pub use atomic::{AtomicError, Overwrite};
pub use filter::{selected_flows, ViewFilter};

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
