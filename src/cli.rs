//! Command-line arguments, and their check into a config before anything runs.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::analysis::AnalysisConfig;
use crate::locality::LocalPolicy;

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
}

impl AnalysisArgs {
    /// Checks the options and turns them into an analysis config; errors name the flag.
    pub fn to_config(&self) -> Result<AnalysisConfig, String> {
        let local = match &self.local {
            Some(list) => LocalPolicy::parse_list(list).map_err(|e| format!("--local: {e}"))?,
            None => LocalPolicy::default(),
        };
        Ok(AnalysisConfig { local })
    }
}
