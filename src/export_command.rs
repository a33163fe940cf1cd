//! `whohosts export FILE ...`: analyses a capture and writes the requested figure, tables
//! and pcap. Checks every option and destination before reading the capture, so a typo
//! costs nothing and no export is left half done.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use whohosts_app::figure::files::{self, FigureFormat};
use whohosts_app::figure::{png, svg, FigureSpec, View, PRESETS};
use whohosts_app::palette::{PaletteOptions, Rgb};
use whohosts_core::export::timefmt::parse_time;
use whohosts_core::export::{
    csv, dataset_lines, json, parquet, pcap, pcapng_names, selected_flows, Overwrite, ViewFilter,
};
use whohosts_core::ingest::analyse_input;
use whohosts_core::input::Input;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::terminal::terminal_safe;

use crate::analysis_args::AnalysisArgs;

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
    /// What to read: pcap/pcapng files or folders of them (one capture in time order), or
    /// Zeek logs (files or a log archive tree). Told apart by content.
    #[arg(value_name = "FILE_OR_DIR", required = true)]
    pub files: Vec<PathBuf>,
    /// Write a figure as PNG.
    #[arg(long, value_name = "OUT.png")]
    pub png: Option<PathBuf>,
    /// Write the same figure as SVG (text stays text; the font is named).
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Write the same figure as PDF (text stays text; the font is embedded).
    #[arg(long, value_name = "OUT.pdf")]
    pub pdf: Option<PathBuf>,
    /// Write what the figure draws (nodes, ribbons, labels with boxes, legend with colours and
    /// numbers, crossing and overlap counts) as JSON.
    #[arg(long, value_name = "OUT.json")]
    pub layout_json: Option<PathBuf>,
    /// A size preset: web (1200x675), print-column (600x450), print-page (1000x1300), slide (1600x900).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["width", "height"])]
    pub preset: Option<String>,
    /// A second heading line under the title.
    #[arg(long, value_name = "TEXT")]
    pub subtitle: Option<String>,
    /// Text size relative to the default.
    #[arg(long, default_value_t = 1.0)]
    pub font_scale: f32,
    /// How many owners get a colour of their own (default: from the data, at most 9); the
    /// rest fold into "Other ASes".
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=16))]
    pub colours: Option<u16>,
    /// Fold this owner into "Other ASes" whatever its size; repeatable.
    #[arg(long, value_name = "OWNER")]
    pub fold: Vec<String>,
    /// Give an owner a colour of your choosing: OWNER=#RRGGBB; repeatable.
    #[arg(long, value_name = "OWNER=#RRGGBB")]
    pub colour: Vec<String>,
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
    /// Write the same tables as flows.parquet, endpoints.parquet and providers.parquet into
    /// this directory (for DuckDB, Spark, ClickHouse; schema in the README).
    #[arg(long, value_name = "DIR")]
    pub parquet: Option<PathBuf>,
    /// Write the same tables as one JSON document.
    #[arg(long, value_name = "OUT.json")]
    pub json: Option<PathBuf>,
    /// Write the frames of the selected flows as a pcap; OUT.pcapng writes pcapng with a
    /// Name Resolution Block of the names learned, which Wireshark shows.
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

/// Runs the export with the app's own graph and timeline; the caption names the range data
/// the attribution used.
pub fn run_export(args: &ExportArgs) -> anyhow::Result<()> {
    let config = args.analysis.to_config().map_err(anyhow::Error::msg)?;
    let sources = dataset_lines(&config);
    check_outputs(args)?;
    let input = Input::detect(&args.files)?;
    let pcap_sources = match (&args.pcap, &input) {
        (None, _) => None,
        (Some(_), Input::Captures(paths)) => Some(paths.clone()),
        (Some(_), Input::ZeekLogs(_)) => {
            bail!("--pcap needs packets, and Zeek logs hold none: give the captures the logs were made from")
        }
    };
    let started = Instant::now();
    let analysis = analyse_input(&input, config, |_, _| ControlFlow::Continue(()))?;
    let snapshot = Snapshot::of(&analysis);
    for warning in &snapshot.warnings {
        eprintln!("whohosts: warning: {}", terminal_safe(warning));
    }
    let filter = filter_from_args(args, &snapshot)?;
    for name in unmatched_hidden_owners(args, &snapshot) {
        eprintln!("whohosts: warning: --hide {}: no owner of that name in this capture", terminal_safe(&name));
    }
    let overwrite = if args.force { Overwrite::Replace } else { Overwrite::Refuse };
    let file_name = input.display_name();
    let analysed = started.elapsed();

    let spec = figure_spec(args, &file_name, &sources)?;
    if let Some(path) = &args.png {
        let started = Instant::now();
        let image = png::render_figure(&snapshot, &filter, &spec)?;
        let rendered = started.elapsed();
        png::write_png(path, &image, overwrite)?;
        println!(
            "{}: {}x{} px figure (capture read in {} ms, rendered in {} ms, written in {} ms)",
            terminal_safe(&path.display().to_string()),
            image.width(),
            image.height(),
            analysed.as_millis(),
            rendered.as_millis(),
            started.elapsed().saturating_sub(rendered).as_millis()
        );
    }
    if args.svg.is_some() || args.pdf.is_some() || args.layout_json.is_some() {
        let started = Instant::now();
        let scene = files::figure_scene(&snapshot, &filter, &spec);
        let built = started.elapsed();
        if let Some(path) = &args.svg {
            files::write_text(path, &svg::to_svg(&scene), overwrite)?;
            println!("{}: SVG figure (scene built in {} ms)", path.display(), built.as_millis());
        }
        if let Some(path) = &args.pdf {
            files::write_figure(path, FigureFormat::Pdf, &snapshot, &filter, &spec, overwrite)?;
            println!("{}: PDF figure", path.display());
        }
        if let Some(path) = &args.layout_json {
            files::write_text(path, &scene.layout_json(), overwrite)?;
            let c = &scene.dump.checks;
            println!(
                "{}: layout ({} nodes, {} ribbons; crossings host->endpoint {}, endpoint->owner {}; {} label overlaps; min ΔE {})",
                path.display(),
                scene.dump.nodes.len(),
                scene.dump.ribbons.len(),
                c.host_endpoint_crossings,
                c.endpoint_owner_crossings,
                c.label_overlaps,
                c.min_delta_e.map_or("-".to_string(), |d| format!("{d:.1}"))
            );
        }
    }
    if let Some(dir) = &args.csv {
        for written in csv::write_csv_dir(dir, &snapshot, &filter, overwrite)? {
            println!("{}", terminal_safe(&written.display().to_string()));
        }
    }
    if let Some(dir) = &args.parquet {
        for written in parquet::write_parquet_dir(dir, &snapshot, &filter, overwrite)? {
            println!("{}", written.display());
        }
    }
    if let Some(path) = &args.json {
        let written = json::write_json(path, &file_name, &snapshot, &filter, overwrite)?;
        println!("{}", terminal_safe(&written.display().to_string()));
    }
    if let (Some(path), Some(sources)) = (&args.pcap, &pcap_sources) {
        let pcap_filter = ViewFilter { text: args.flows.clone().unwrap_or_default(), ..filter.clone() };
        let flows: Vec<_> = selected_flows(&snapshot, &pcap_filter)
            .into_iter()
            .filter_map(|i| snapshot.flows.get(i).cloned())
            .collect();
        let written = if pcapng_names::wants_pcapng(path) {
            let names = pcapng_names::learned_names(&snapshot);
            pcapng_names::write_pcapng_with_names_from(sources, path, &flows, &names, overwrite)?
        } else {
            pcap::write_pcap_from(sources, path, &flows, overwrite)?
        };
        let shown = terminal_safe(&path.display().to_string()).into_owned();
        println!("{shown}: {} flows, {} packets, {} bytes", flows.len(), written.packets, written.bytes);
    }
    Ok(())
}

/// The figure's settings from the flags (checked: preset names, colours).
fn figure_spec(args: &ExportArgs, file_name: &str, sources: &[String]) -> anyhow::Result<FigureSpec> {
    let (width, height) = match &args.preset {
        None => (args.width, args.height),
        Some(name) => match PRESETS.iter().find(|p| p.0 == name.as_str()) {
            Some(&(_, w, h)) => (w, h),
            None => {
                let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
                bail!("--preset {name:?} is not one of {}", names.join(", "))
            }
        },
    };
    let mut overrides = Vec::new();
    for entry in &args.colour {
        let Some((owner, hex)) = entry.rsplit_once('=') else {
            bail!("--colour {entry:?} is not OWNER=#RRGGBB");
        };
        let rgb = parse_hex(hex).with_context(|| format!("--colour {entry:?}"))?;
        overrides.push((owner.trim().to_string(), rgb));
    }
    Ok(FigureSpec {
        view: args.view.into(),
        width,
        height,
        scale: args.scale,
        dark: args.theme == Theme::Dark,
        title: args.title.clone().unwrap_or_else(|| png::default_title(file_name)),
        subtitle: args.subtitle.clone().unwrap_or_default(),
        caption: args.caption.clone().unwrap_or_default(),
        capture_name: file_name.to_string(),
        sources: sources.to_vec(),
        font_scale: args.font_scale,
        palette: PaletteOptions {
            max_coloured: args.colours.map(usize::from),
            fold: args.fold.iter().cloned().collect(),
            overrides,
            room: None,
        },
    })
}

/// "#RRGGBB" (or without the '#') as a colour.
fn parse_hex(text: &str) -> anyhow::Result<Rgb> {
    let hex = text.trim().trim_start_matches('#');
    let byte = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
    match (hex.len(), byte(0), byte(2), byte(4)) {
        (6, Some(r), Some(g), Some(b)) => Ok(Rgb(r, g, b)),
        _ => bail!("{text:?} is not a colour like #1F77B4"),
    }
}

/// Refuses up front: no output asked for, a bad scale, or (without --force) an output
/// that exists, named.
fn check_outputs(args: &ExportArgs) -> anyhow::Result<()> {
    let figures = [&args.png, &args.svg, &args.pdf, &args.layout_json];
    if figures.iter().all(|f| f.is_none())
        && args.csv.is_none()
        && args.json.is_none()
        && args.pcap.is_none()
        && args.parquet.is_none()
    {
        bail!("nothing to export: give --png, --svg, --pdf, --layout-json, --csv, --parquet, --json or --pcap");
    }
    if !(0.5..=4.0).contains(&args.scale) {
        bail!("--scale {} is out of range (0.5 to 4)", args.scale);
    }
    if !(0.5..=3.0).contains(&args.font_scale) {
        bail!("--font-scale {} is out of range (0.5 to 3)", args.font_scale);
    }
    // A pipe cannot be read twice; a folder of captures can.
    if let Some(file) = args.files.iter().find(|f| args.pcap.is_some() && !is_regular_file(f) && !f.is_dir()) {
        bail!(
            "--pcap reads the captures again for the selected flows, which needs capture files or a folder of them, not {}",
            file.display()
        );
    }
    let mut outputs: Vec<PathBuf> = [&args.png, &args.svg, &args.pdf, &args.layout_json, &args.json, &args.pcap]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    for output in &outputs {
        let folder = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            bail!("{}: the folder {} does not exist", output.display(), folder.display());
        }
    }
    if let Some(dir) = &args.csv {
        if dir.exists() && !dir.is_dir() {
            bail!("--csv {}: not a folder", dir.display());
        }
        outputs.extend([csv::FLOWS_FILE, csv::ENDPOINTS_FILE, csv::PROVIDERS_FILE].map(|f| dir.join(f)));
    }
    if let Some(dir) = &args.parquet {
        outputs.extend([parquet::FLOWS_FILE, parquet::ENDPOINTS_FILE, parquet::PROVIDERS_FILE].map(|f| dir.join(f)));
    }
    for output in &outputs {
        let Ok(meta) = std::fs::symlink_metadata(output) else { continue };
        if !meta.file_type().is_file() {
            bail!("{} is not a regular file: whohosts only replaces regular files", output.display());
        }
        if !args.force {
            bail!("{} already exists (use --force to overwrite it)", output.display());
        }
    }
    Ok(())
}

/// Whether `path` is a capture file that can be opened again (not `-`, a pipe or a device).
fn is_regular_file(path: &Path) -> bool {
    !whohosts_core::capture::is_stdin(path) && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// `--hide` names that match no owner in the capture, said once each on stderr: a typo
/// would otherwise leave the owner in the figure unnoticed.
/// Asks the filter itself (the one place that decides what hiding means).
fn unmatched_hidden_owners(args: &ExportArgs, snapshot: &Snapshot) -> Vec<String> {
    let all = selected_flows(snapshot, &ViewFilter::default()).len();
    args.hide
        .iter()
        .filter(|name| {
            let only =
                ViewFilter { hidden_owners: std::iter::once((*name).clone()).collect(), ..ViewFilter::default() };
            selected_flows(snapshot, &only).len() == all
        })
        .cloned()
        .collect()
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

    #[test]
    fn missing_folders_and_special_files_are_refused_before_reading() {
        let err = check_outputs(&args(&["x.pcap", "--json", "/no/such/folder/o.json"])).unwrap_err();
        assert!(err.to_string().contains("/no/such/folder") && err.to_string().contains("does not exist"), "{err}");
        let err = check_outputs(&args(&["x.pcap", "--json", "/dev/null", "--force"])).unwrap_err();
        assert!(err.to_string().contains("/dev/null") && err.to_string().contains("not a regular file"), "{err}");
        let err = check_outputs(&args(&["-", "--pcap", "o.pcap"])).unwrap_err();
        assert!(err.to_string().contains("--pcap"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("taken");
        std::fs::write(&file, "").unwrap();
        let err = check_outputs(&args(&["x.pcap", "--csv", file.to_str().unwrap()])).unwrap_err();
        assert!(err.to_string().contains("not a folder"), "{err}");
    }

    #[test]
    fn hidden_owners_that_match_nothing_are_reported() {
        let s = three_owner_snapshot();
        let a = args(&["x.pcap", "--json", "o.json", "--hide", "AWS", "--hide", "Amazon Web Servcies"]);
        assert_eq!(unmatched_hidden_owners(&a, &s), vec!["Amazon Web Servcies".to_string()]);
    }
}
