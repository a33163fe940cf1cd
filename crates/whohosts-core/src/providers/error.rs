//! Errors of the providers module; each names the file or asset and the offending entry.

use std::path::PathBuf;

/// Why range data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{} is {size} bytes, more than the {limit}-byte limit for a range file", path.display())]
    TooLarge { path: PathBuf, size: u64, limit: u64 },
    #[error("{} is {kind}, not a regular file: give a range file saved on disk", path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{} is not valid JSON: {source}", path.display())]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{}: unrecognised range file format ({detail})", path.display())]
    UnknownFormat { path: PathBuf, detail: String },
    #[error("{}: {entry}: {reason}: {value:?}", path.display())]
    BadEntry {
        path: PathBuf,
        /// Where in the file: `prefixes[12]`, `line 7`, ...
        entry: String,
        value: String,
        reason: &'static str,
    },
    #[error("{}: a plain CIDR list needs a provider: add a '# provider: NAME' line or pass one", path.display())]
    NoProvider { path: PathBuf },
    #[error("{}: no prefixes found", path.display())]
    Empty { path: PathBuf },
    #[error("built-in asset {asset} is corrupt at {position}: {reason}")]
    Asset {
        asset: &'static str,
        /// `line N` for text tables, `byte N` for binary ones.
        position: String,
        reason: String,
    },
}
