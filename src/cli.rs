//! Command-line arguments, and their check into a config before anything runs.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

pub use crate::analysis_args::{load_providers, user_ranges_dir, AnalysisArgs, RangesLoading};

#[derive(Debug, Parser)]
#[command(
    name = "whohosts",
    version,
    about = "Who really hosts what this machine talks to?",
    after_help = "Exit status: 0 success, 1 an error while running (a file that cannot be read or written), \
                  2 a usage error (an unknown command or option, a bad value, options that do not fit together)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A capture, a folder of captures, or Zeek logs to open in the window.
    #[arg(value_name = "FILE_OR_DIR")]
    pub file: Option<PathBuf>,
    /// Read FILE, save the window as this PNG once it is drawn, and exit (for tests and docs).
    #[arg(long, value_name = "PNG", requires = "file")]
    pub screenshot: Option<PathBuf>,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Open the window already capturing on this interface (see `whohosts interfaces`).
    #[arg(long, value_name = "IFACE", conflicts_with = "file")]
    pub live: Option<String>,
    /// Capture filter for --live (tcpdump syntax, e.g. "tcp port 443 or udp port 53").
    #[arg(long, value_name = "EXPR", requires = "live")]
    pub filter: Option<String>,
    /// The window's inner size in points, e.g. 800x600 or 2560x1440 (also for --screenshot).
    #[arg(long, value_name = "WxH", value_parser = parse_window_size)]
    pub window_size: Option<(u32, u32)>,
}

/// "1280x800" as (1280, 800); each side between 320 and 16384.
pub fn parse_window_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("window size {text:?}: expected WIDTHxHEIGHT, e.g. 1280x800"))?;
    let side = |s: &str| -> Result<u32, String> {
        let n: u32 = s.trim().parse().map_err(|_| format!("window size {text:?}: {s:?} is not a whole number"))?;
        if (320..=16_384).contains(&n) {
            Ok(n)
        } else {
            Err(format!("window size {text:?}: each side must be 320 to 16384, got {n}"))
        }
    };
    Ok((side(w)?, side(h)?))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print who hosts what a capture talks to: the providers and ASes (bytes, share), the
    /// endpoints with their names and the evidence, totals, top flows and warnings.
    Report(ReportArgs),
    /// List the network interfaces that can be captured on.
    Interfaces(InterfacesArgs),
    /// Write a print-ready PNG figure, and the data behind it as CSV, JSON or pcap.
    Export(Box<crate::export_args::ExportArgs>),
}

#[derive(Debug, clap::Args)]
pub struct InterfacesArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Indent the JSON for reading (with --json).
    #[arg(long, requires = "json")]
    pub pretty: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// What to read (or give --live): pcap/pcapng files or folders of them, read as one
    /// capture in time order; or Zeek logs (conn, dns, ssl, http, quic; TSV or JSON, plain
    /// or gzip, files or a log archive tree). Told apart by content.
    #[arg(value_name = "FILE_OR_DIR")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Print everything (every flow and endpoint) as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Indent the JSON for reading (with --json).
    #[arg(long, requires = "json")]
    pub pretty: bool,
    /// How many flows the text summary lists.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// Capturing live instead of reading a file (`report --live IFACE --duration 10s`).
#[derive(Debug, Default, clap::Args)]
pub struct LiveArgs {
    /// Capture on this interface instead of reading a file (see `whohosts interfaces`).
    #[arg(long, value_name = "IFACE")]
    pub live: Option<String>,
    /// Capture filter (tcpdump syntax), checked before capturing starts.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// How long to capture: 500ms, 10s, 2m, 1h. Required with --live.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Also save what was captured as pcapng.
    #[arg(long, value_name = "FILE.pcapng")]
    pub write: Option<PathBuf>,
}

/// What a `report` reads, once its options are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportInput {
    Files(Vec<PathBuf>),
    Live { interface: String, filter: Option<String>, duration: Duration, write: Option<PathBuf> },
}

impl ReportArgs {
    /// Exactly one of FILE and --live; --duration with --live; the live-only flags only with
    /// it. Errors name the flag.
    pub fn input(&self) -> Result<ReportInput, String> {
        let live = &self.live;
        match (self.files.first(), &live.live) {
            (Some(_), Some(_)) => Err("give either a capture FILE or --live IFACE, not both".into()),
            (None, None) => Err("give a capture FILE or --live IFACE".into()),
            (Some(_), None) => {
                for (set, flag) in [
                    (live.filter.is_some(), "--filter"),
                    (live.duration.is_some(), "--duration"),
                    (live.write.is_some(), "--write"),
                ] {
                    if set {
                        return Err(format!("{flag} only applies to --live captures"));
                    }
                }
                Ok(ReportInput::Files(self.files.clone()))
            }
            (None, Some(interface)) => {
                let duration = live
                    .duration
                    .ok_or_else(|| "--live needs --duration (e.g. --duration 10s) to know when to stop".to_string())?;
                Ok(ReportInput::Live {
                    interface: interface.clone(),
                    filter: live.filter.clone(),
                    duration,
                    write: live.write.clone(),
                })
            }
        }
    }
}

/// `500ms`, `10s`, `2m`, `1h` (a bare number is seconds). Zero is refused.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match whohosts_core::units::parse_duration(text) {
        Ok(duration) if duration.is_zero() => Err(format!("'{}' is not a positive duration", text.trim())),
        other => other.map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("whohosts").chain(args.iter().copied()))
    }

    fn report_input(args: &[&str]) -> Result<ReportInput, String> {
        match parse(args).map_err(|e| e.to_string())?.command {
            Some(Command::Report(r)) => r.input(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_window_size("800x600"), Ok((800, 600)));
        assert_eq!(parse_window_size("2560X1440"), Ok((2560, 1440)));
        assert!(parse_window_size("800").is_err());
        assert!(parse_window_size("10x10").unwrap_err().contains("320 to 16384"));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        for bad in ["", "0s", "ten", "5x", "-1s", "1e999s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn report_takes_a_file_or_a_live_interface() {
        assert_eq!(report_input(&["report", "x.pcap"]), Ok(ReportInput::Files(vec!["x.pcap".into()])));
        assert_eq!(
            report_input(&["report", "a.pcap", "logs/"]),
            Ok(ReportInput::Files(vec!["a.pcap".into(), "logs/".into()]))
        );
        assert_eq!(
            report_input(&["report", "--live", "eth0", "--filter", "udp", "--duration", "10s", "--write", "o.pcapng"]),
            Ok(ReportInput::Live {
                interface: "eth0".into(),
                filter: Some("udp".into()),
                duration: Duration::from_secs(10),
                write: Some("o.pcapng".into()),
            })
        );
        assert!(report_input(&["report", "--live", "eth0", "x.pcap", "--duration", "1s"])
            .unwrap_err()
            .contains("not both"));
        assert!(report_input(&["report"]).unwrap_err().contains("--live"));
        assert!(report_input(&["report", "--live", "eth0"]).unwrap_err().contains("--duration"));
        assert!(report_input(&["report", "x.pcap", "--write", "o.pcapng"]).unwrap_err().contains("--write"));
        assert!(report_input(&["report", "--live", "eth0", "--duration", "soon"]).unwrap_err().contains("--duration"));
    }

    #[test]
    fn the_app_can_open_capturing() {
        let cli = parse(&["--live", "eth0", "--filter", "tcp"]).unwrap();
        assert_eq!((cli.live.as_deref(), cli.filter.as_deref()), (Some("eth0"), Some("tcp")));
        assert!(parse(&["--filter", "tcp"]).is_err(), "--filter needs --live");
        assert!(parse(&["interfaces", "--json", "--pretty"]).is_ok());
        assert!(parse(&["report", "x.pcap", "--pretty"]).is_err(), "--pretty needs --json");
    }
}
