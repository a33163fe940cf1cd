//! Simple stand-ins for the graph and timeline views, so the figure pipeline runs and is
//! tested before the app's views are plugged in: bars of the top endpoints by bytes, and
//! stacked bars of bytes over time per owner. Both honour the filter and use owner colours.

use std::collections::BTreeMap;

use egui::{Align2, FontId, Rect, Stroke, Ui};

use super::figure::figure_colors;
use super::filter::{selected_flows, ViewFilter};
use super::palette::{human_bytes, owner_color};
use super::timefmt::utc_seconds;
use crate::snapshot::Snapshot;

const TOP_ENDPOINTS: usize = 12;
const LABEL: f32 = 13.0;

/// Horizontal bars: the endpoints with the most bytes, labelled by name, coloured by owner.
pub fn endpoint_bars_ui(ui: &mut Ui, rect: Rect, snapshot: &Snapshot, filter: &ViewFilter, dark: bool) {
    let (_, ink, weak) = figure_colors(dark);
    let painter = ui.painter_at(rect);
    let mut per_endpoint: BTreeMap<u32, u64> = BTreeMap::new();
    for i in selected_flows(snapshot, filter) {
        let (Some(&e), Some(flow)) = (snapshot.flow_endpoint.get(i), snapshot.flows.get(i)) else { continue };
        *per_endpoint.entry(e).or_default() += flow.bytes();
    }
    let mut bars: Vec<(u32, u64)> = per_endpoint.into_iter().collect();
    bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    bars.truncate(TOP_ENDPOINTS);
    painter.text(
        rect.left_top(),
        Align2::LEFT_TOP,
        "Bytes per remote endpoint",
        FontId::proportional(LABEL + 1.0),
        ink,
    );
    let Some(&(_, max)) = bars.first() else { return };
    let top = rect.top() + LABEL + 12.0;
    let row = ((rect.bottom() - top) / TOP_ENDPOINTS as f32).clamp(10.0, 30.0);
    let label_width = (rect.width() * 0.35).min(260.0);
    let bar_left = rect.left() + label_width + 8.0;
    let bar_span = (rect.right() - bar_left - 80.0).max(10.0);
    for (n, (endpoint, bytes)) in bars.iter().enumerate() {
        let Some(view) = snapshot.endpoints.get(*endpoint as usize) else { continue };
        let owner = snapshot.owners.get(view.owner).map_or("Unknown", |o| o.owner.name.as_str());
        let y = top + n as f32 * row;
        let name = view.best_name.clone().unwrap_or_else(|| view.endpoint.ip.to_string());
        painter.text(
            egui::pos2(bar_left - 8.0, y + row / 2.0),
            Align2::RIGHT_CENTER,
            name,
            FontId::proportional(LABEL),
            ink,
        );
        let width = (*bytes as f32 / max.max(1) as f32 * bar_span).max(1.0);
        let bar = Rect::from_min_size(egui::pos2(bar_left, y + row * 0.15), egui::vec2(width, row * 0.7));
        painter.rect_filled(bar, 2.0, owner_color(owner, dark));
        painter.text(
            bar.right_center() + egui::vec2(6.0, 0.0),
            Align2::LEFT_CENTER,
            human_bytes(*bytes),
            FontId::proportional(LABEL - 1.0),
            weak,
        );
    }
}

/// Stacked bars of bytes per time bin, one colour per owner, with a time axis in UTC.
pub fn owner_timeline_ui(ui: &mut Ui, rect: Rect, snapshot: &Snapshot, filter: &ViewFilter, dark: bool) {
    let (_, ink, weak) = figure_colors(dark);
    let painter = ui.painter_at(rect);
    painter.text(rect.left_top(), Align2::LEFT_TOP, "Bytes over time by owner", FontId::proportional(LABEL + 1.0), ink);
    let Some((from, to)) = filter.time_range.or(snapshot.totals.first_ns.zip(snapshot.totals.last_ns.map(|l| l + 1)))
    else {
        return;
    };
    let plot = Rect::from_min_max(
        egui::pos2(rect.left(), rect.top() + LABEL + 14.0),
        egui::pos2(rect.right(), rect.bottom() - LABEL - 8.0),
    );
    if plot.height() < 10.0 || plot.width() < 10.0 {
        return;
    }
    let timeline = &snapshot.timeline;
    // Bars at least 8 points wide read well in print.
    let level = timeline.level_for(from, to, (plot.width() / 8.0) as usize);
    let owners: Vec<&str> = snapshot.owners.iter().map(|o| o.owner.name.as_str()).collect();
    let group_of = |series: u32| snapshot.endpoints.get(series as usize).map_or(usize::MAX, |e| e.owner);
    let bins = timeline.grouped(level, from, to, owners.len(), group_of);
    let width_ns = crate::timeline::LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(1).max(1);
    let visible = |owner: usize| owners.get(owner).is_some_and(|name| !filter.hidden_owners.contains(*name));
    let stack = |counts: &[crate::timeline::Counts]| -> u64 {
        counts.iter().enumerate().filter(|(o, _)| visible(*o)).map(|(_, c)| c.bytes).sum()
    };
    let max = bins.iter().map(|(_, c)| stack(c)).max().unwrap_or(0).max(1);
    // Whole bins: the last one may reach past the range's end.
    let end = bins.last().map_or(to, |(start, _)| to.max(start.saturating_add(width_ns)));
    let span = end.saturating_sub(from).max(1) as f32;
    let x_of = |ns: i64| plot.left() + ((ns - from) as f32 / span).clamp(0.0, 1.0) * plot.width();
    for (start, counts) in &bins {
        let (x0, x1) = (x_of(*start), x_of(start.saturating_add(width_ns)));
        let mut y = plot.bottom();
        for (owner, c) in counts.iter().enumerate().filter(|(o, _)| visible(*o)) {
            let h = c.bytes as f32 / max as f32 * plot.height();
            let name = owners.get(owner).copied().unwrap_or("Unknown");
            let bar = Rect::from_min_max(egui::pos2(x0, y - h), egui::pos2((x1 - 0.5).max(x0 + 1.0), y));
            painter.rect_filled(bar, 0.0, owner_color(name, dark));
            y -= h;
        }
    }
    painter.hline(plot.x_range(), plot.bottom(), Stroke::new(1.0, weak));
    let axis = FontId::proportional(LABEL - 1.0);
    let below = plot.bottom() + 4.0;
    painter.text(egui::pos2(plot.left(), below), Align2::LEFT_TOP, utc_seconds(from), axis.clone(), weak);
    painter.text(egui::pos2(plot.right(), below), Align2::RIGHT_TOP, utc_seconds(end), axis.clone(), weak);
    let per_bin = format!("max {} per {}", human_bytes(max), super::timefmt::human_duration(width_ns));
    painter.text(egui::pos2(plot.right(), plot.top() - 2.0), Align2::RIGHT_BOTTOM, per_bin, axis, weak);
}
