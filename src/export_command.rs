//! `whohosts export FILE ...`: analyses a capture and writes the requested figure, tables
//! and pcap. Checks every option and destination before reading the capture, so a typo
//! costs nothing and no export is left half done.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use whohosts_app::figure::views::AppViews;
use whohosts_app::figure::{png, FigureSpec, View};
use whohosts_core::export::timefmt::parse_time;
use whohosts_core::export::{csv, dataset_lines, json, pcap, selected_flows, Overwrite, ViewFilter};
use whohosts_core::ingest::analyse_file;
use whohosts_core::snapshot::Snapshot;

use crate::cli::AnalysisArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Theme {
    /// Black on white, for print.
    #[default]
    Light,
    Dark,
}

/// Which view the figure shows (the app's [`View`], as a command-line value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FigureView {
    Graph,
    Timeline,
    /// The graph above the timeline.
    #[default]
    Figure,
}

impl From<FigureView> for View {
    fn from(view: FigureView) -> View {
        match view {
            FigureView::Graph => View::Graph,
            FigureView::Timeline => View::Timeline,
            FigureView::Figure => View::Figure,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The pcap or pcapng file to read.
    pub file: PathBuf,
    /// Write a figure as PNG.
    #[arg(long, value_name = "OUT.png")]
    pub png: Option<PathBuf>,
    /// What the figure shows.
    #[arg(long, value_enum, default_value_t = FigureView::Figure)]
    pub view: FigureView,
    /// Figure width in points.
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(200..=4000))]
    pub width: u32,
    /// Figure height in points.
    #[arg(long, default_value_t = 800, value_parser = clap::value_parser!(u32).range(150..=4000))]
    pub height: u32,
    /// Pixels per point: the PNG has width*scale x height*scale pixels.
    #[arg(long, default_value_t = 2.0)]
    pub scale: f32,
    #[arg(long, value_enum, default_value_t = Theme::Light)]
    pub theme: Theme,
    /// Start of the time range: seconds since the epoch, RFC 3339 (UTC), or +OFFSET from the capture start (+30s).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub from: Option<String>,
    /// End of the time range (exclusive), same forms as --from.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub to: Option<String>,
    /// Leave out an owner (provider) by name; repeatable.
    #[arg(long, value_name = "OWNER")]
    pub hide: Vec<String>,
    /// The figure's title (default: names the capture).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Words of your own for the first line of the figure's caption.
    #[arg(long, value_name = "TEXT")]
    pub caption: Option<String>,
    /// Write flows.csv, endpoints.csv and providers.csv into this directory.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Write the same tables as one JSON document.
    #[arg(long, value_name = "OUT.json")]
    pub json: Option<PathBuf>,
    /// Write the frames of the selected flows as a pcap.
    #[arg(long, value_name = "OUT.pcap")]
    pub pcap: Option<PathBuf>,
    /// With --pcap: only flows whose addresses, ports, name or owner contain TEXT.
    #[arg(long, value_name = "TEXT", requires = "pcap")]
    pub flows: Option<String>,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// Runs the export with the app's own graph and timeline; the caption names the range data.
pub fn run_export(args: &ExportArgs) -> anyhow::Result<()> {
    run_export_with(args, &[])
}

/// Runs the export; `sources` are the range data lines for the caption (default: the
/// datasets the attribution used).
pub fn run_export_with(args: &ExportArgs, sources: &[String]) -> anyhow::Result<()> {
    let config = args.analysis.to_config().map_err(anyhow::Error::msg)?;
    let sources = if sources.is_empty() { dataset_lines(&config) } else { sources.to_vec() };
    check_outputs(args)?;
    let started = Instant::now();
    let analysis = analyse_file(&args.file, config, |_, _| ControlFlow::Continue(()))?;
    let snapshot = Snapshot::of(&analysis);
    for warning in &snapshot.warnings {
        eprintln!("whohosts: warning: {warning}");
    }
    let filter = filter_from_args(args, &snapshot)?;
    let overwrite = if args.force { Overwrite::Replace } else { Overwrite::Refuse };
    let file_name = display_name(&args.file);
    let analysed = started.elapsed();

    if let Some(path) = &args.png {
        let started = Instant::now();
        let spec = FigureSpec {
            view: args.view.into(),
            width: args.width,
            height: args.height,
            scale: args.scale,
            dark: args.theme == Theme::Dark,
            title: args.title.clone().unwrap_or_else(|| png::default_title(&file_name)),
            caption: args.caption.clone().unwrap_or_default(),
            capture_name: file_name.clone(),
            sources: sources.clone(),
        };
        let image = png::render_figure_with(&snapshot, &filter, &spec, &mut AppViews::default())?;
        let rendered = started.elapsed();
        png::write_png(path, &image, overwrite)?;
        println!(
            "{}: {}x{} px figure (capture read in {} ms, rendered in {} ms, written in {} ms)",
            path.display(),
            image.width(),
            image.height(),
            analysed.as_millis(),
            rendered.as_millis(),
            started.elapsed().saturating_sub(rendered).as_millis()
        );
    }
    if let Some(dir) = &args.csv {
        for written in csv::write_csv_dir(dir, &snapshot, &filter, overwrite)? {
            println!("{}", written.display());
        }
    }
    if let Some(path) = &args.json {
        println!("{}", json::write_json(path, &file_name, &snapshot, &filter, overwrite)?.display());
    }
    if let Some(path) = &args.pcap {
        let pcap_filter = ViewFilter { text: args.flows.clone().unwrap_or_default(), ..filter.clone() };
        let flows: Vec<_> = selected_flows(&snapshot, &pcap_filter)
            .into_iter()
            .filter_map(|i| snapshot.flows.get(i).cloned())
            .collect();
        let written = pcap::write_pcap(&args.file, path, &flows, overwrite)?;
        println!("{}: {} flows, {} packets, {} bytes", path.display(), flows.len(), written.packets, written.bytes);
    }
    Ok(())
}

/// Refuses up front: no output asked for, a bad scale, or (without --force) an output
/// that exists, named.
fn check_outputs(args: &ExportArgs) -> anyhow::Result<()> {
    if args.png.is_none() && args.csv.is_none() && args.json.is_none() && args.pcap.is_none() {
        bail!("nothing to export: give --png, --csv, --json or --pcap");
    }
    if !(0.5..=4.0).contains(&args.scale) {
        bail!("--scale {} is out of range (0.5 to 4)", args.scale);
    }
    if args.force {
        return Ok(());
    }
    let mut outputs: Vec<PathBuf> = [&args.png, &args.json, &args.pcap].into_iter().flatten().cloned().collect();
    if let Some(dir) = &args.csv {
        outputs.extend([csv::FLOWS_FILE, csv::ENDPOINTS_FILE, csv::PROVIDERS_FILE].map(|f| dir.join(f)));
    }
    if let Some(existing) = outputs.iter().find(|p| p.exists()) {
        bail!("{} already exists (use --force to overwrite it)", existing.display());
    }
    Ok(())
}

fn filter_from_args(args: &ExportArgs, snapshot: &Snapshot) -> anyhow::Result<ViewFilter> {
    let start = snapshot.totals.first_ns;
    let parse = |flag: &str, value: &Option<String>| -> anyhow::Result<Option<i64>> {
        value.as_deref().map(|v| parse_time(v, start).with_context(|| format!("--{flag}"))).transpose()
    };
    let from = parse("from", &args.from)?;
    let to = parse("to", &args.to)?;
    let time_range = match (from, to) {
        (None, None) => None,
        (from, to) => {
            let from = from.or(start).unwrap_or(0);
            let to = to.or(snapshot.totals.last_ns.map(|l| l.saturating_add(1))).unwrap_or(i64::MAX);
            if from >= to {
                bail!("--from must be before --to (the range is empty)");
            }
            Some((from, to))
        }
    };
    Ok(ViewFilter {
        time_range,
        hidden_owners: args.hide.iter().cloned().collect(),
        text: String::new(),
        chips: Vec::new(),
    })
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use test_support::fixtures::{three_owner_snapshot, T0_NS};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        export: ExportArgs,
    }

    fn args(list: &[&str]) -> ExportArgs {
        Cli::try_parse_from(std::iter::once("export").chain(list.iter().copied())).unwrap().export
    }

    #[test]
    fn time_bounds_accept_offsets_and_default_to_the_capture() {
        let s = three_owner_snapshot();
        let f = filter_from_args(&args(&["x.pcap", "--json", "o.json", "--from", "+5s", "--hide", "AWS"]), &s).unwrap();
        assert_eq!(f.time_range, Some((T0_NS + 5_000_000_000, T0_NS + 30_000_000_001)));
        assert!(f.hidden_owners.contains("AWS"));
        let f = filter_from_args(&args(&["x.pcap", "--json", "o.json"]), &s).unwrap();
        assert_eq!(f, ViewFilter::default());
        let err = filter_from_args(&args(&["x.pcap", "--json", "o", "--from", "+10s", "--to", "+5s"]), &s).unwrap_err();
        assert!(err.to_string().contains("--from must be before --to"), "{err}");
        let err = filter_from_args(&args(&["x.pcap", "--json", "o", "--to", "soon"]), &s).unwrap_err();
        assert!(format!("{err:#}").contains("--to") && format!("{err:#}").contains("\"soon\""), "{err:#}");
    }

    #[test]
    fn outputs_are_checked_before_reading() {
        let err = check_outputs(&args(&["x.pcap"])).unwrap_err();
        assert!(err.to_string().contains("nothing to export"));
        let err = check_outputs(&args(&["x.pcap", "--png", "o.png", "--scale", "9"])).unwrap_err();
        assert!(err.to_string().contains("--scale"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("providers.csv"), "").unwrap();
        let csv_dir = dir.path().display().to_string();
        let err = check_outputs(&args(&["x.pcap", "--csv", &csv_dir])).unwrap_err();
        assert!(err.to_string().contains("providers.csv") && err.to_string().contains("--force"));
        assert!(check_outputs(&args(&["x.pcap", "--csv", &csv_dir, "--force"])).is_ok());
        assert!(Cli::try_parse_from(["export", "x.pcap", "--flows", "443"]).is_err(), "--flows needs --pcap");
    }
}
