//! `whohosts export FILE ...`: analyses a capture and writes the requested figure, tables
//! and pcap. Checks every option and destination before reading the capture, so a typo
//! costs nothing and no export is left half done.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::bail;
use whohosts_app::figure::files::{self, FigureFormat};
use whohosts_app::figure::{png, svg, FigureSpec, PRESETS};
use whohosts_app::palette::PaletteOptions;
use whohosts_core::export::timefmt::{parse_time, utc_seconds};
use whohosts_core::export::{
    csv, dataset_lines, parquet, selected_flows, ExportRequest, ExportTarget, Overwrite, ViewFilter, Written,
};
use whohosts_core::ingest::analyse_input;
use whohosts_core::input::Input;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::terminal::terminal_safe;
use whohosts_core::units::human_duration;

pub use crate::export_args::{ExportArgs, FigureView, Theme};
use crate::usage::usage;

/// Runs the export with the app's own graph and timeline; the caption names the range data
/// the attribution used.
pub fn run_export(args: &ExportArgs) -> anyhow::Result<()> {
    let config = args.analysis.to_config()?;
    let sources = dataset_lines(&config);
    check_outputs(args)?;
    let input = Input::detect(&args.files)?;
    let pcap_sources = match (&args.pcap, &input) {
        (None, _) => None,
        (Some(_), Input::Captures(paths)) => Some(paths.clone()),
        (Some(_), Input::ZeekLogs(_)) => {
            return Err(usage(
                "--pcap needs packets, and Zeek logs hold none: give the captures the logs were made from",
            ));
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

    let spec = figure_spec(args, &file_name, &sources);
    if let Some(path) = &args.png {
        let started = Instant::now();
        let image = png::render_figure(&snapshot, &filter, &spec)?;
        let rendered = started.elapsed();
        png::write_png(path, &image, overwrite)?;
        println!(
            "{}: {}x{} px figure (capture read in {} ms, rendered in {} ms, written in {} ms)",
            shown(path),
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
            println!("{}: SVG figure (scene built in {} ms)", shown(path), built.as_millis());
        }
        if let Some(path) = &args.pdf {
            files::write_figure(path, FigureFormat::Pdf, &snapshot, &filter, &spec, overwrite)?;
            println!("{}: PDF figure", shown(path));
        }
        if let Some(path) = &args.layout_json {
            files::write_text(path, &scene.layout_json(), overwrite)?;
            let c = &scene.dump.checks;
            println!(
                "{}: layout ({} nodes, {} ribbons; crossings host->endpoint {}, endpoint->owner {}; {} label overlaps; min ΔE {})",
                shown(path),
                scene.dump.nodes.len(),
                scene.dump.ribbons.len(),
                c.host_endpoint_crossings,
                c.endpoint_owner_crossings,
                c.label_overlaps,
                c.min_delta_e.map_or("-".to_string(), |d| format!("{d:.1}"))
            );
        }
    }
    let request = ExportRequest { snapshot: &snapshot, filter: &filter, capture_name: &file_name, overwrite };
    let mut targets: Vec<ExportTarget> = Vec::new();
    targets.extend(args.csv.clone().map(ExportTarget::Csv));
    targets.extend(args.parquet.clone().map(ExportTarget::Parquet));
    targets.extend(args.json.clone().map(ExportTarget::Json));
    if let (Some(path), Some(captures)) = (&args.pcap, &pcap_sources) {
        let pcap_filter = ViewFilter { text: args.flows.clone().unwrap_or_default(), ..filter.clone() };
        let flows = selected_flows(&snapshot, &pcap_filter);
        targets.push(ExportTarget::Frames { path: path.clone(), captures: captures.clone(), flows });
    }
    for target in &targets {
        match request.write(target)? {
            Written::Files(paths) => {
                for path in paths {
                    println!("{}", shown(&path));
                }
            }
            Written::Frames { path, flows, packets, bytes } => {
                println!("{}: {flows} flows, {packets} packets, {bytes} bytes", shown(&path));
            }
        }
    }
    Ok(())
}

/// A path as printed: user-chosen names pass through the terminal sanitiser too.
fn shown(path: &Path) -> String {
    terminal_safe(&path.display().to_string()).into_owned()
}

/// The figure's settings from the flags.
fn figure_spec(args: &ExportArgs, file_name: &str, sources: &[String]) -> FigureSpec {
    // clap has checked the name against PRESETS.
    let preset = args.preset.as_deref().and_then(|name| PRESETS.iter().find(|p| p.0 == name));
    let (width, height) = preset.map_or((args.width, args.height), |&(_, w, h)| (w, h));
    FigureSpec {
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
            overrides: args.colour.clone(),
            room: None,
        },
    }
}

/// Refuses up front: no output asked for (a usage error), or an output that exists (without
/// --force) or cannot be written, named.
fn check_outputs(args: &ExportArgs) -> anyhow::Result<()> {
    let figures = [&args.png, &args.svg, &args.pdf, &args.layout_json];
    if figures.iter().all(|f| f.is_none())
        && args.csv.is_none()
        && args.json.is_none()
        && args.pcap.is_none()
        && args.parquet.is_none()
    {
        return Err(usage(
            "nothing to export: give --png, --svg, --pdf, --layout-json, --csv, --parquet, --json or --pcap",
        ));
    }
    // A pipe cannot be read twice; a folder of captures can.
    if let Some(file) = args.files.iter().find(|f| args.pcap.is_some() && !is_regular_file(f) && !f.is_dir()) {
        return Err(usage(format!(
            "--pcap reads the captures again for the selected flows, which needs capture files or a folder of them, not {}",
            file.display()
        )));
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
    let end = snapshot.totals.last_ns.map(|last| last.saturating_add(1));
    let parse = |flag: &str, value: &Option<String>| -> anyhow::Result<Option<i64>> {
        value.as_deref().map(|v| parse_time(v, start).map_err(|e| usage(format!("--{flag}: {e}")))).transpose()
    };
    let from = parse("from", &args.from)?;
    let to = parse("to", &args.to)?;
    let time_range = match (from, to) {
        (None, None) => None,
        (from, to) => {
            if let (Some(first), Some(end)) = (start, end) {
                let lasts = || {
                    format!(
                        "the capture runs from {} UTC for {}",
                        utc_seconds(first),
                        human_duration(end.saturating_sub(first))
                    )
                };
                if from.is_some_and(|from| from >= end) {
                    return Err(usage(format!("--from is after the capture's end ({})", lasts())));
                }
                if to.is_some_and(|to| to <= first) {
                    return Err(usage(format!("--to is before the capture's start ({})", lasts())));
                }
            }
            let from = from.or(start).unwrap_or(0);
            let to = to.or(end).unwrap_or(i64::MAX);
            if from >= to {
                return Err(usage("--from must be before --to (the range is empty)"));
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
        assert!(crate::usage::is_usage(&err));
    }

    #[test]
    fn a_range_outside_the_capture_says_where_the_capture_is() {
        let s = three_owner_snapshot();
        let err = filter_from_args(&args(&["x.pcap", "--json", "o", "--from", "+500s"]), &s).unwrap_err();
        assert!(err.to_string().contains("--from is after the capture's end"), "{err}");
        assert!(err.to_string().contains("for 30 s"), "{err}");
        let err = filter_from_args(&args(&["x.pcap", "--json", "o", "--to", "1000"]), &s).unwrap_err();
        assert!(err.to_string().contains("--to is before the capture's start"), "{err}");
        assert!(crate::usage::is_usage(&err));
    }

    #[test]
    fn outputs_are_checked_before_reading() {
        let err = check_outputs(&args(&["x.pcap"])).unwrap_err();
        assert!(err.to_string().contains("nothing to export"));
        assert!(crate::usage::is_usage(&err));
        let err = Cli::try_parse_from(["export", "x.pcap", "--png", "o.png", "--scale", "9"]).err().unwrap();
        assert!(err.to_string().contains("--scale") && err.to_string().contains("0.5 to 4"), "{err}");
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
