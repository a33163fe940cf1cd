//! The options that shape the analysis (local networks, range data, names), shared by every
//! command that reads a capture, checked into the core's configuration; and the range data
//! they load (the shipped snapshot, the user's range folder, `--ranges` files).

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;

use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::locality::LocalPolicy;
use whohosts_core::providers::ProviderDb;

use crate::usage::usage;

/// Options that shape the analysis itself, shared by every command that reads a capture.
#[derive(Debug, clap::Args)]
pub struct AnalysisArgs {
    /// Local networks, comma-separated CIDRs (default: private, CGNAT, link-local, loopback and
    /// ULA space; failing that, the side that opened the flow).
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
    /// Checks the options and turns them into an analysis config; errors name the flag (a
    /// bad option is a usage error, an unreadable range file a runtime one).
    pub fn to_config(&self) -> anyhow::Result<AnalysisConfig> {
        let config = self.config_without_ranges()?;
        let ranges = if self.no_ranges {
            ProviderDb::empty()
        } else {
            load_providers(&self.ranges).map_err(anyhow::Error::msg)?
        };
        Ok(AnalysisConfig { providers: Arc::new(ranges), ..config })
    }

    /// Like `to_config`, but the range data (about 60 ms of work) loads on its own thread
    /// while the caller starts reading; the config holds no ranges until it is put in with
    /// [`Analysis::set_providers`](whohosts_core::analysis::Analysis::set_providers).
    pub fn to_config_loading_ranges(&self) -> anyhow::Result<(AnalysisConfig, RangesLoading)> {
        let config = self.config_without_ranges()?;
        let ranges =
            if self.no_ranges { RangesLoading::ready(ProviderDb::empty()) } else { RangesLoading::start(&self.ranges) };
        Ok((config, ranges))
    }

    fn config_without_ranges(&self) -> anyhow::Result<AnalysisConfig> {
        let local = match &self.local {
            Some(list) => LocalPolicy::parse_list(list).map_err(|e| usage(format!("--local: {e}")))?,
            None => LocalPolicy::default(),
        };
        Ok(AnalysisConfig { local, providers: Arc::new(ProviderDb::empty()), learn_names: !self.no_names })
    }
}

/// Range data being loaded on another thread.
pub struct RangesLoading {
    receiver: Receiver<Result<ProviderDb, String>>,
    done: Option<Result<ProviderDb, String>>,
}

impl RangesLoading {
    fn ready(db: ProviderDb) -> Self {
        RangesLoading { receiver: channel().1, done: Some(Ok(db)) }
    }

    fn start(extra: &[PathBuf]) -> Self {
        let (sender, receiver) = channel();
        let extra = extra.to_vec();
        std::thread::spawn(move || {
            // Nobody waiting any more (the reading failed first) is fine.
            let _ = sender.send(load_providers(&extra));
        });
        RangesLoading { receiver, done: None }
    }

    /// Whether loading has already failed (so that reading can stop early).
    pub fn failed(&mut self) -> bool {
        if self.done.is_none() {
            self.done = self.receiver.try_recv().ok();
        }
        matches!(self.done, Some(Err(_)))
    }

    /// Waits for the data.
    pub fn wait(self) -> Result<ProviderDb, String> {
        match self.done {
            Some(done) => done,
            None => self.receiver.recv().unwrap_or_else(|_| Err("the range data loader stopped".into())),
        }
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
