//! Export for articles and further analysis: a print-ready PNG figure rendered off-screen,
//! CSV and JSON tables, and the frames of selected flows as a pcap. Every exporter honours
//! the same [`ViewFilter`] as the views and writes its files atomically.

pub mod atomic;
pub mod command;
pub mod csv;
pub mod figure;
pub mod filter;
pub mod fixtures;
pub mod json;
pub mod palette;
pub mod pcap;
pub mod placeholder;
pub mod png;
pub mod records;
pub mod render;
pub mod timefmt;
pub mod views;

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
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error("the packet filter for the selected flows does not compile ({reason}): {expression}")]
    Filter { expression: String, reason: String },
    #[error("{flows} flows selected; a pcap export takes at most {max}: narrow the selection")]
    TooManyFlows { flows: usize, max: usize },
}
