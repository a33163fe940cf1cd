//! The print figure: title, the graph and/or timeline (drawn by injected closures, so the
//! app's real views plug in), a legend of owners with their share of the bytes shown, and
//! a caption naming the capture, the time range and the range data's sources. Draws into
//! any `Ui`; independent of any window.

pub mod png;
pub mod render;
pub mod views;

use egui::{Align2, Color32, FontId, Rect, Stroke, Ui};

use crate::theme::{human_bytes, owner_color};
use whohosts_core::export::filter::{selected_flows, ViewFilter};
use whohosts_core::export::records::tables;
use whohosts_core::export::timefmt::utc_range;
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;

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
    /// The author's own words, first line of the caption; may be empty.
    pub caption: String,
    /// The capture's file name, for the caption.
    pub capture_name: String,
    /// One line per range data source with its date, e.g. "AWS ip-ranges.json, 2026-10-01".
    pub sources: Vec<String>,
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
            caption: String::new(),
            capture_name: String::new(),
            sources: Vec::new(),
        }
    }
}

/// Draws a view into the given rectangle of the `Ui`.
pub type ViewDrawer<'a> = &'a mut dyn FnMut(&mut Ui, Rect);

const MARGIN: f32 = 28.0;
const GAP: f32 = 16.0;
const TITLE_SIZE: f32 = 26.0;
const LEGEND_TEXT: f32 = 14.0;
const CAPTION_TEXT: f32 = 12.5;
/// Narrower figures put the legend in a row under the views instead of a column beside.
const LEGEND_COLUMN_MIN_WIDTH: f32 = 760.0;
const LEGEND_COLUMN_WIDTH: f32 = 230.0;
const MAX_LEGEND_ENTRIES: usize = 12;

/// The figure's background and ink: pure white and near-black for print.
pub fn figure_colors(dark: bool) -> (Color32, Color32, Color32) {
    if dark {
        (Color32::from_gray(24), Color32::from_gray(235), Color32::from_gray(160))
    } else {
        (Color32::WHITE, Color32::from_gray(20), Color32::from_gray(90))
    }
}

/// Lays the figure out over the whole `ui`.
pub fn draw_figure(
    ui: &mut Ui,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    spec: &FigureSpec,
    graph: ViewDrawer<'_>,
    timeline: ViewDrawer<'_>,
) {
    let (background, ink, weak) = figure_colors(spec.dark);
    let full = ui.max_rect();
    ui.painter().rect_filled(full, 0.0, background);
    let inner = full.shrink(MARGIN);
    let painter = ui.painter().clone();

    let mut top = inner.top();
    if !spec.title.trim().is_empty() {
        let galley =
            painter.layout(spec.title.trim().to_string(), FontId::proportional(TITLE_SIZE), ink, inner.width());
        painter.galley(inner.left_top(), galley.clone(), ink);
        top += galley.size().y + GAP;
    }

    let caption = caption_text(snapshot, filter, spec);
    let caption_galley = painter.layout(caption, FontId::proportional(CAPTION_TEXT), weak, inner.width());
    let caption_top = inner.bottom() - caption_galley.size().y;
    painter.galley(egui::pos2(inner.left(), caption_top), caption_galley, weak);
    let rule_y = caption_top - GAP / 2.0;
    painter.hline(inner.x_range(), rule_y, Stroke::new(0.75, weak.gamma_multiply(0.5)));

    let entries = legend_entries(snapshot, filter);
    let body = Rect::from_min_max(egui::pos2(inner.left(), top), egui::pos2(inner.right(), rule_y - GAP / 2.0));
    let views = if inner.width() >= LEGEND_COLUMN_MIN_WIDTH {
        let (views, legend) = body.split_left_right_at_x(body.right() - LEGEND_COLUMN_WIDTH);
        legend_ui(
            ui,
            legend.shrink2(egui::vec2(GAP / 2.0, 0.0)).translate(egui::vec2(GAP / 2.0, 0.0)),
            &entries,
            spec.dark,
            ink,
            weak,
            true,
        );
        views.shrink2(egui::vec2(0.0, 0.0))
    } else {
        let rows = legend_rows(inner.width(), entries.len());
        let height = rows as f32 * (LEGEND_TEXT + 10.0);
        let (views, legend) = body.split_top_bottom_at_y(body.bottom() - height);
        legend_ui(ui, legend, &entries, spec.dark, ink, weak, false);
        views.with_max_y(views.bottom() - GAP / 2.0)
    };

    match spec.view {
        View::Graph => child(ui, views, graph),
        View::Timeline => child(ui, views, timeline),
        View::Figure => {
            let (upper, lower) = views.split_top_bottom_at_fraction(0.6);
            child(ui, upper.with_max_y(upper.bottom() - GAP / 2.0), graph);
            child(ui, lower.with_min_y(lower.top() + GAP / 2.0), timeline);
        }
    }
}

/// Runs a view drawer in its own child `Ui`, clipped to its rectangle.
fn child(ui: &mut Ui, rect: Rect, draw: ViewDrawer<'_>) {
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        ui.set_clip_rect(rect);
        draw(ui, rect);
    });
}

/// One legend line: owner name, bytes in the selection and share of them.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub owner: String,
    pub bytes: u64,
    pub share: f64,
}

/// Owners of the selected flows, one per name, largest first.
pub fn legend_entries(snapshot: &Snapshot, filter: &ViewFilter) -> Vec<LegendEntry> {
    let providers = tables(snapshot, &selected_flows(snapshot, filter)).providers;
    let mut entries: Vec<LegendEntry> = Vec::new();
    for p in providers {
        match entries.iter_mut().find(|e| e.owner == p.owner) {
            Some(e) => {
                e.bytes += p.bytes;
                e.share += p.share;
            }
            None => entries.push(LegendEntry { owner: p.owner, bytes: p.bytes, share: p.share }),
        }
    }
    entries.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.owner.cmp(&b.owner)));
    entries
}

fn legend_rows(width: f32, entries: usize) -> usize {
    let per_row = ((width / 240.0).floor() as usize).max(1);
    entries.min(MAX_LEGEND_ENTRIES + 1).div_ceil(per_row).max(1)
}

fn legend_ui(ui: &Ui, rect: Rect, entries: &[LegendEntry], dark: bool, ink: Color32, weak: Color32, column: bool) {
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(LEGEND_TEXT);
    let small = FontId::proportional(LEGEND_TEXT - 2.0);
    let line = LEGEND_TEXT + 10.0;
    let mut pos = rect.left_top();
    if column {
        painter.text(pos, Align2::LEFT_TOP, "Owner · bytes · share of bytes", small.clone(), weak);
        pos.y += line;
    }
    let shown = entries.len().min(MAX_LEGEND_ENTRIES);
    for entry in entries.iter().take(shown) {
        let chip = Rect::from_min_size(pos + egui::vec2(0.0, 2.0), egui::vec2(LEGEND_TEXT, LEGEND_TEXT));
        painter.rect_filled(chip, 2.0, owner_color(&Owner::from_label(&entry.owner), dark));
        let text_left = chip.right() + 6.0;
        let name_width = if column { rect.right() - text_left } else { 200.0 };
        let name = painter.layout_no_wrap(fit(&painter, &entry.owner, &font, name_width), font.clone(), ink);
        let name_rect = Rect::from_min_size(egui::pos2(text_left, pos.y), name.size());
        painter.galley(name_rect.min, name, ink);
        let numbers = format!("{} · {:.1} %", human_bytes(entry.bytes), entry.share * 100.0);
        if column {
            // Numbers under the name: long AS owner names never collide with them.
            painter.text(
                egui::pos2(text_left, name_rect.bottom() + 1.0),
                Align2::LEFT_TOP,
                numbers,
                small.clone(),
                weak,
            );
            pos.y += line + LEGEND_TEXT + 2.0;
        } else {
            let after = painter.text(
                name_rect.right_top() + egui::vec2(6.0, 2.0),
                Align2::LEFT_TOP,
                numbers,
                small.clone(),
                weak,
            );
            pos.x = (after.right() + 24.0).max(pos.x + 240.0);
            if pos.x + 200.0 > rect.right() {
                pos = egui::pos2(rect.left(), pos.y + line);
            }
        }
    }
    if entries.len() > shown {
        let rest: u64 = entries.iter().skip(shown).map(|e| e.bytes).sum();
        let text = format!("+{} more · {}", entries.len() - shown, human_bytes(rest));
        painter.text(pos, Align2::LEFT_TOP, text, small, weak);
    }
}

/// `text`, cut with an ellipsis to fit `width` points in `font`.
fn fit(painter: &egui::Painter, text: &str, font: &FontId, width: f32) -> String {
    let fits = |t: &str| painter.layout_no_wrap(t.to_string(), font.clone(), Color32::WHITE).size().x <= width;
    if fits(text) {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>() + "…";
        if fits(&candidate) {
            return candidate;
        }
    }
    String::new()
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
        lines.push(format!("Address ranges: {}", spec.sources.join("; ")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::fixtures::{three_owner_snapshot, T0_NS};

    #[test]
    fn legend_follows_the_filter() {
        let s = three_owner_snapshot();
        let all = legend_entries(&s, &ViewFilter::default());
        assert_eq!(all.iter().map(|e| e.owner.as_str()).collect::<Vec<_>>(), ["AWS", "Apple", "Azure", "Unknown"]);
        let filter = ViewFilter { hidden_owners: ["AWS".to_string()].into(), ..ViewFilter::default() };
        let rest = legend_entries(&s, &filter);
        assert_eq!(rest[0].owner, "Apple");
        assert!((rest.iter().map(|e| e.share).sum::<f64>() - 1.0).abs() < 1e-9);
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
            "Figure 1.\nCapture: icloud.pcap · 2023-11-14 22:13:20 – 22:13:50 UTC (30 s)\nAddress ranges: AWS ip-ranges.json, 2026-10-01"
        );
        let range = ViewFilter { time_range: Some((T0_NS, T0_NS + 5_000_000_000)), ..ViewFilter::default() };
        assert!(caption_text(&s, &range, &spec).contains("22:13:20 – 22:13:25 UTC (5 s)"));
    }
}
