//! Command-line arguments, and their check into a config before anything runs.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::analysis::AnalysisConfig;
use crate::locality::LocalPolicy;
use crate::providers::ProviderDb;

#[derive(Debug, Parser)]
#[command(name = "whohosts", version, about = "Who really hosts what this machine talks to?")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A capture to open in the window.
    pub file: Option<PathBuf>,
    /// Read FILE, save the window as this PNG once it is drawn, and exit (for tests and docs).
    #[arg(long, value_name = "PNG", requires = "file")]
    pub screenshot: Option<PathBuf>,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a summary of a capture: totals, link types, top flows, warnings.
    Report(ReportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The pcap or pcapng file to read.
    pub file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// How many flows the text summary lists.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// Options that shape the analysis itself, shared by every command that reads a capture.
#[derive(Debug, clap::Args)]
pub struct AnalysisArgs {
    /// Local networks, comma-separated CIDRs (default: private, link-local and ULA space).
    #[arg(long, value_name = "CIDR,...")]
    pub local: Option<String>,
    /// Newer official range files to load over the shipped snapshot (AWS ip-ranges.json,
    /// Azure ServiceTags_Public_*.json, Google Cloud cloud.json, Oracle public_ip_ranges.json,
    /// or a CIDR list with a `# provider: NAME` line). Repeatable.
    #[arg(long = "ranges", value_name = "FILE")]
    pub ranges: Vec<PathBuf>,
    /// Use no range or AS data: every owner is "Unknown" (faster; flows only).
    #[arg(long, conflicts_with = "ranges")]
    pub no_ranges: bool,
    /// Learn no names from DNS, TLS, QUIC or HTTP (faster; flows only).
    #[arg(long)]
    pub no_names: bool,
}

impl AnalysisArgs {
    /// Checks the options and turns them into an analysis config; errors name the flag.
    pub fn to_config(&self) -> Result<AnalysisConfig, String> {
        let local = match &self.local {
            Some(list) => LocalPolicy::parse_list(list).map_err(|e| format!("--local: {e}"))?,
            None => LocalPolicy::default(),
        };
        let providers = if self.no_ranges { ProviderDb::empty() } else { load_providers(&self.ranges)? };
        Ok(AnalysisConfig { local, providers: Arc::new(providers), learn_names: !self.no_names })
    }
}

/// The folder whose range files are loaded at every start: `$XDG_CONFIG_HOME/whohosts/ranges`
/// or `~/.config/whohosts/ranges`.
pub fn user_ranges_dir() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("whohosts").join("ranges"))
}

/// The shipped snapshot, then the user's range folder, then `--ranges` files, in that order
/// (later files win for the same prefix). Errors name the file and the bad entry.
pub fn load_providers(extra: &[PathBuf]) -> Result<ProviderDb, String> {
    let mut db = ProviderDb::builtin().map_err(|e| format!("shipped range data: {e}"))?;
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(dir) = user_ranges_dir() {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut found: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
            found.sort();
            files.extend(found);
        }
    }
    for file in &files {
        db.load_file(file).map_err(|e| format!("range folder: {e}"))?;
    }
    for file in extra {
        db.load_file(file).map_err(|e| format!("--ranges: {e}"))?;
    }
    Ok(db)
}
