//! The exported figure on real captures we did not make (../shared/captures, see its
//! README; skipped with a message when absent) and on the committed icloud sample: distinct
//! colours, no label overlap, no text outside, no endpoint -> owner crossing, legend numbers
//! equal to the graph's; the SVG parses and renders like the PNG in a real renderer.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use whohosts_app::figure::files::figure_scene;
use whohosts_app::figure::{png, svg, FigureScene, FigureSpec};
use whohosts_app::palette::MIN_DELTA_E;
use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::export::ViewFilter;
use whohosts_core::ingest::analyse_file;
use whohosts_core::snapshot::Snapshot;

fn captures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures")
}

fn snapshot_of(path: &Path) -> Snapshot {
    let providers = Arc::new(whohosts::cli::load_providers(&[]).expect("shipped range data"));
    let config = AnalysisConfig { providers, ..AnalysisConfig::default() };
    let analysis = analyse_file(path, config, |_, _| ControlFlow::Continue(())).expect("capture reads");
    Snapshot::of(&analysis)
}

fn spec_for(name: &str) -> FigureSpec {
    FigureSpec {
        title: format!("Who hosts the traffic in {name}"),
        capture_name: name.to_string(),
        sources: vec!["AWS ip-ranges.json, 2026-10-01".into()],
        ..FigureSpec::default()
    }
}

/// The bar for one figure; returns a one-line summary.
fn check(name: &str, scene: &FigureScene) -> String {
    let c = &scene.dump.checks;
    if let Some(d) = c.min_delta_e {
        assert!(d >= MIN_DELTA_E, "{name}: two legend colours only ΔE {d:.1} apart");
    }
    assert_eq!(c.label_overlaps, 0, "{name}: labels overlap");
    assert_eq!(c.labels_outside, 0, "{name}: text leaves the figure");
    assert_eq!(c.endpoint_owner_crossings, 0, "{name}: endpoint -> owner ribbons cross");
    assert_eq!(c.legend_bytes, c.graph_bytes, "{name}: legend and graph disagree");
    assert!(scene.dump.nodes.iter().all(|n| n.bytes > 0), "{name}: a 0-byte node is shown");
    let shares: f64 = scene.dump.legend.iter().map(|e| e.share).sum();
    assert!(scene.dump.legend.is_empty() || (shares - 1.0).abs() < 1e-6, "{name}: shares sum to {shares}");
    format!(
        "{name}: {} legend entries, min ΔE {}, crossings host->endpoint {} endpoint->owner {}, {} nodes",
        scene.dump.legend.len(),
        c.min_delta_e.map_or("-".into(), |d| format!("{d:.1}")),
        c.host_endpoint_crossings,
        c.endpoint_owner_crossings,
        scene.dump.nodes.len()
    )
}

#[test]
fn real_captures_give_figures_an_editor_would_print() {
    let dir = captures_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no real captures in {} (they sit beside the checkout in CI)", dir.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    paths.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap"));
    paths.sort();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let snapshot = snapshot_of(&path);
        for (width, height, dark) in [(1200, 800, false), (1200, 675, true), (600, 450, false)] {
            let spec = FigureSpec { width, height, dark, ..spec_for(&name) };
            let scene = figure_scene(&snapshot, &ViewFilter::default(), &spec);
            let summary = check(&format!("{name} {width}x{height}{}", if dark { " dark" } else { "" }), &scene);
            eprintln!("{summary}");
        }
        // A range: the legend still counts exactly what the graph shows.
        if let (Some(first), Some(last)) = (snapshot.totals.first_ns, snapshot.totals.last_ns) {
            let filter = ViewFilter { time_range: Some((first + (last - first) / 3, last)), ..ViewFilter::default() };
            let scene = figure_scene(&snapshot, &filter, &spec_for(&name));
            check(&format!("{name} (last two thirds)"), &scene);
        }
    }
}

#[test]
fn the_svg_parses_and_renders_like_the_png() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap");
    let snapshot = snapshot_of(&path);
    let spec = FigureSpec { width: 900, height: 600, scale: 1.0, ..spec_for("icloud.pcap") };
    let scene = figure_scene(&snapshot, &ViewFilter::default(), &spec);
    let text = svg::to_svg(&scene);
    // A strict XML and SVG parser.
    assert_eq!(svg::parse_size(&text), Ok((900.0, 600.0)));
    assert!(text.contains(">Azure</text>") && text.contains(">AWS</text>"), "labels are text");
    let pdf = whohosts_app::figure::pdf::to_pdf(&scene).expect("PDF");
    assert!(pdf.starts_with(b"%PDF"));

    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("figure.svg");
    std::fs::write(&svg_path, &text).unwrap();
    let rendered = dir.path().join("rsvg.png");
    match Command::new("rsvg-convert").arg("-o").arg(&rendered).arg(&svg_path).status() {
        Ok(status) => assert!(status.success(), "rsvg-convert failed"),
        Err(e) => {
            eprintln!("skipped the renderer comparison: rsvg-convert not found ({e}); apt install librsvg2-bin");
            return;
        }
    }
    let by_rsvg = image::open(&rendered).unwrap().to_rgba8();
    let by_egui = png::render_figure(&snapshot, &ViewFilter::default(), &spec).unwrap();
    assert_eq!(by_rsvg.dimensions(), by_egui.dimensions());
    // Loosely the same picture: most pixels within a small difference (anti-aliasing and
    // font hinting differ between the two renderers).
    let close = by_rsvg
        .pixels()
        .zip(by_egui.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0).take(3).all(|(x, y)| x.abs_diff(y) <= 40))
        .count();
    let share = close as f64 / f64::from(by_rsvg.width() * by_rsvg.height());
    eprintln!("rsvg-convert vs egui: {:.1} % of pixels alike", share * 100.0);
    assert!(share > 0.97, "only {:.1} % of pixels alike", share * 100.0);
}

/// The benchmark capture's size in flows (100,000, as `examples/make_bench` writes): the
/// figure's scene and its 2x PNG. Debug builds are several times slower than release; the
/// bound here is loose, the numbers are printed (README, Performance).
#[test]
fn a_benchmark_sized_figure_renders_quickly() {
    let snapshot = test_support::scenes::large(100_000);
    let spec = FigureSpec { scale: 2.0, ..spec_for("bench.pcap") };
    let started = std::time::Instant::now();
    let scene = figure_scene(&snapshot, &ViewFilter::default(), &spec);
    let built = started.elapsed();
    let image = png::render_figure(&snapshot, &ViewFilter::default(), &spec).unwrap();
    let total = started.elapsed();
    eprintln!(
        "100k flows: scene {} ms, scene + 2x PNG {} ms ({}x{} px)",
        built.as_millis(),
        total.as_millis(),
        image.width(),
        image.height()
    );
    check("100k flows", &scene);
    assert!(total.as_secs_f32() < 30.0);
}

/// `whohosts export --svg --pdf --layout-json` end to end on the committed sample.
#[test]
fn the_cli_writes_svg_pdf_and_the_layout_dump() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        export: whohosts::export_command::ExportArgs,
    }
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap").display().to_string();
    let (svg_path, pdf_path, json_path) = (out("f.svg"), out("f.pdf"), out("f.json"));
    let args = [
        "export",
        &sample,
        "--svg",
        &svg_path,
        "--pdf",
        &pdf_path,
        "--layout-json",
        &json_path,
        "--preset",
        "web",
        "--subtitle",
        "One sync session",
        "--colours",
        "4",
        "--colour",
        "Apple=#AA0000",
        "--font-scale",
        "1.1",
    ];
    let cli = Cli::try_parse_from(args).unwrap();
    whohosts::export_command::run_export(&cli.export).unwrap();
    let svg_text = std::fs::read_to_string(&svg_path).unwrap();
    assert_eq!(svg::parse_size(&svg_text), Ok((1200.0, 675.0)));
    assert!(svg_text.contains(">One sync session</text>"));
    assert!(std::fs::read(&pdf_path).unwrap().starts_with(b"%PDF"));
    let dump: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let legend = dump["legend"].as_array().unwrap();
    let apple = legend.iter().find(|e| e["owner"] == "Apple").unwrap();
    assert_eq!(apple["colour"], "#AA0000");
    assert_eq!(dump["checks"]["endpoint_owner_crossings"], 0);
    assert!(dump["ribbons"].as_array().is_some_and(|r| !r.is_empty()));
    let err = Cli::try_parse_from(["export", &sample, "--svg", &out("g.svg"), "--preset", "poster"]).err().unwrap();
    assert!(err.to_string().contains("--preset") && err.to_string().contains("print-column"), "{err}");
}
