//! The inspector: everything known about the selected flow, its endpoints, names and owner
//! evidence, and a small chart of its remote endpoint's traffic over time.

use egui::{RichText, Sense};
use egui_plot::{Bar, BarChart, Plot};

use crate::app::command::AppCommand;
use crate::format;
use crate::theme::owner_color;
use crate::view_command::ViewCommand;
use whohosts_core::flows::Flow;
use whohosts_core::names::NameSource;
use whohosts_core::providers::evidence::Attribution;
use whohosts_core::snapshot::{EndpointView, OwnerTotals, Snapshot};

/// Bars in the endpoint chart, at most.
const CHART_BINS: usize = 120;

/// The chart's bars, kept until the snapshot or the flow changes.
#[derive(Default)]
pub struct InspectorState {
    chart: Option<((u64, usize), ChartData)>,
}

#[derive(Clone)]
struct ChartData {
    /// (seconds from capture start, bytes)
    bars: Vec<(f64, f64)>,
    width_seconds: f64,
}

#[must_use]
pub fn inspector_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    snapshot_version: u64,
    selection: &[usize],
    state: &mut InspectorState,
    dark: bool,
) -> Vec<AppCommand> {
    let Some(&flow_index) = selection.first() else { return Vec::new() };
    let mut commands = Vec::new();
    let Some(flow) = snapshot.flows.get(flow_index) else {
        ui.weak("The selected flow is not in this capture.");
        return commands;
    };
    let endpoint_id = snapshot.flow_endpoint.get(flow_index).copied();
    let endpoint = endpoint_id.and_then(|e| snapshot.endpoints.get(e as usize));
    let owner = endpoint.and_then(|e| snapshot.owners.get(e.owner));

    ui.horizontal(|ui| {
        ui.heading(format!("{} flow", format::protocol(flow.proto)));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("×").on_hover_text("Close the inspector (Esc)").clicked() {
                commands.push(AppCommand::View(ViewCommand::SelectFlows(Vec::new())));
            }
        });
    });
    if selection.len() > 1 {
        ui.weak(format!("The first of {} selected flows", selection.len()));
    }
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        endpoints_ui(ui, flow, endpoint, owner, dark);
        section(ui, "Traffic");
        traffic_ui(ui, flow);
        section(ui, "Time");
        time_ui(ui, flow, snapshot.totals.first_ns.unwrap_or(flow.first_ns));
        section(ui, "Names");
        names_ui(ui, endpoint);
        section(ui, "Provider evidence");
        evidence_ui(ui, endpoint.and_then(|e| snapshot.attribution(e)).as_ref(), owner, dark);
        if let Some(id) = endpoint_id {
            section(ui, "Remote endpoint over time");
            chart_ui(ui, snapshot, snapshot_version, id as usize, state, dark, owner);
        }
    });
    commands
}

fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(10.0);
    ui.label(RichText::new(title).strong());
    ui.separator();
}

fn endpoints_ui(
    ui: &mut egui::Ui,
    flow: &Flow,
    endpoint: Option<&EndpointView>,
    owner: Option<&OwnerTotals>,
    dark: bool,
) {
    let (local, local_port) = flow.local();
    let (remote, remote_port) = flow.remote();
    egui::Grid::new("inspector_endpoints").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
        ui.weak("Local");
        ui.monospace(format!("{local} port {local_port}"));
        ui.end_row();
        ui.weak("Remote");
        ui.monospace(format!("{remote} port {remote_port}"));
        ui.end_row();
        ui.weak("Name");
        match endpoint.and_then(|e| e.best_name.as_deref()) {
            Some(name) => ui.label(RichText::new(name).strong()),
            None => ui.weak("none seen"),
        };
        ui.end_row();
        ui.weak("Owner");
        match owner {
            Some(o) => owner_label_ui(ui, o, dark),
            None => {
                ui.weak("Unknown");
            }
        }
        ui.end_row();
    });
}

fn owner_label_ui(ui: &mut egui::Ui, owner: &OwnerTotals, dark: bool) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), Sense::hover());
        ui.painter().circle_filled(rect.center(), 5.0, owner_color(&owner.owner, dark));
        let detail = owner.owner.detail();
        let label = owner.owner.label();
        ui.label(if detail.is_empty() { label.into_owned() } else { format!("{label} · {detail}") });
    });
}

fn traffic_ui(ui: &mut egui::Ui, flow: &Flow) {
    // `forward` is src -> dst; show it from the local machine's point of view.
    let (out, back) = if flow.remote_is_dst { (&flow.forward, &flow.reverse) } else { (&flow.reverse, &flow.forward) };
    // Fixed-width number columns, right-aligned, so the digits line up.
    let number = |ui: &mut egui::Ui, text: String, weak: bool| {
        ui.allocate_ui_with_layout(
            egui::vec2(70.0, ui.spacing().interact_size.y),
            egui::Layout::right_to_left(egui::Align::Center),
            |ui| if weak { ui.weak(text) } else { ui.label(text) },
        );
    };
    egui::Grid::new("inspector_traffic").num_columns(3).spacing([12.0, 4.0]).show(ui, |ui| {
        ui.weak("");
        number(ui, "Packets".into(), true);
        number(ui, "Bytes".into(), true);
        ui.end_row();
        for (label, packets, bytes) in [
            ("Local → remote", out.packets, out.bytes),
            ("Remote → local", back.packets, back.bytes),
            ("Total", flow.packets(), flow.bytes()),
        ] {
            ui.weak(label);
            number(ui, format::count(packets), false);
            number(ui, format::bytes(bytes), false);
            ui.end_row();
        }
    });
}

fn time_ui(ui: &mut egui::Ui, flow: &Flow, capture_start: i64) {
    egui::Grid::new("inspector_time").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
        ui.weak("Start");
        ui.label(format!("{}  ({})", format::utc_time(flow.first_ns), format::offset_ns(flow.first_ns, capture_start)));
        ui.end_row();
        ui.weak("End");
        ui.label(format!("{}  ({})", format::utc_time(flow.last_ns), format::offset_ns(flow.last_ns, capture_start)));
        ui.end_row();
        ui.weak("Duration");
        ui.label(format::duration_ns(flow.duration_ns()));
        ui.end_row();
        ui.weak("First frame");
        ui.label(format!("#{}", flow.first_frame));
        ui.end_row();
    });
}

/// Names the capture revealed for the remote address, each with where it came from and the
/// first frame that showed it, then the CNAME chain of the DNS answer.
fn names_ui(ui: &mut egui::Ui, endpoint: Option<&EndpointView>) {
    let Some(endpoint) = endpoint.filter(|e| !e.names.is_empty() || !e.cname_chain.is_empty()) else {
        ui.weak("No names seen in the capture for this address.");
        return;
    };
    egui::Grid::new("inspector_names").num_columns(3).spacing([10.0, 3.0]).show(ui, |ui| {
        for sighting in &endpoint.names {
            let strong = endpoint.best_name.as_deref() == Some(sighting.name.as_str());
            let name = if strong { RichText::new(&sighting.name).strong() } else { RichText::new(&sighting.name) };
            ui.label(name);
            let source = match sighting.source {
                NameSource::Dns => "DNS answer",
                NameSource::Sni => "TLS SNI",
                NameSource::Quic => "QUIC SNI",
                NameSource::Http => "HTTP Host",
            };
            if sighting.ech_outer {
                ui.weak(format!("{source} (ECH outer name)"));
            } else {
                ui.weak(source);
            }
            match &sighting.log {
                Some(log) => ui.monospace(format!("{} {}", log.log, log.uid)),
                None => ui.monospace(format!("#{}", sighting.frame)),
            };
            ui.end_row();
        }
    });
    if endpoint.cname_chain.len() > 1 {
        ui.add_space(4.0);
        ui.weak("CNAME chain");
        for (i, hop) in endpoint.cname_chain.iter().enumerate() {
            let arrow = if i == 0 { "  " } else { "→ " };
            ui.monospace(format!("{arrow}{hop}"));
        }
    }
}

/// Why the owner is who we say it is: the matching published range with its dataset and
/// date, the AS, the provider hints in the names, and any conflict between them.
fn evidence_ui(ui: &mut egui::Ui, attribution: Option<&Attribution>, owner: Option<&OwnerTotals>, dark: bool) {
    let Some(attribution) = attribution else {
        ui.weak("Not attributed: no provider range or AS matched this address.");
        return;
    };
    if let Some(o) = owner {
        owner_label_ui(ui, o, dark);
    }
    if let Some(special) = attribution.special {
        ui.label(format!("Special-purpose address ({special}): never attributed to a provider."));
    }
    egui::Grid::new("inspector_evidence").num_columns(2).spacing([10.0, 3.0]).show(ui, |ui| {
        if let Some(p) = &attribution.provider {
            ui.weak("Range");
            ui.monospace(p.prefix.to_string());
            ui.end_row();
            let detail: Vec<&str> =
                [Some(p.name.as_str()), p.service.as_deref(), p.region.as_deref()].into_iter().flatten().collect();
            ui.weak("Published as");
            ui.label(detail.join(" · "));
            ui.end_row();
            ui.weak("Dataset");
            ui.label(format!("{}, {}", p.dataset, p.date));
            ui.end_row();
        }
        if let Some(a) = &attribution.asn {
            ui.weak("AS");
            ui.label(format!("AS{} {}", a.number, a.org));
            ui.end_row();
        }
    });
    if attribution.provider.is_none() && attribution.asn.is_none() && attribution.special.is_none() {
        ui.weak("No published range or AS matched this address.");
    }
    for hint in &attribution.hints {
        ui.label(format!("Hint: {} ends in {} ({})", hint.name, hint.suffix, hint.provider));
    }
    for c in &attribution.conflicts {
        let text = format!(
            "Conflict: {} points at {} ({}), but the address is {}'s",
            c.name, c.hinted, c.suffix, c.range_provider
        );
        ui.label(RichText::new(text).color(ui.visuals().warn_fg_color));
    }
}

fn chart_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    snapshot_version: u64,
    endpoint: usize,
    state: &mut InspectorState,
    dark: bool,
    owner: Option<&OwnerTotals>,
) {
    let key = (snapshot_version, endpoint);
    let data = match &state.chart {
        Some((k, data)) if *k == key => data.clone(),
        _ => {
            let data = chart_data(snapshot, endpoint);
            state.chart = Some((key, data.clone()));
            data
        }
    };
    if data.bars.is_empty() {
        ui.weak("No traffic in the timeline for this endpoint.");
        return;
    }
    let color = owner.map_or(ui.visuals().weak_text_color(), |o| owner_color(&o.owner, dark));
    let bars: Vec<Bar> = data
        .bars
        .iter()
        .map(|&(x, bytes)| Bar::new(x + data.width_seconds / 2.0, bytes).width(data.width_seconds).fill(color))
        .collect();
    Plot::new("inspector_chart")
        .height(130.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_axes([false, false])
        .show_grid([false, true])
        .show(ui, |plot| plot.bar_chart(BarChart::new("bytes", bars).color(color)));
    // Axis ticks do not fit a chart this small; say the scale in words instead.
    let first = data.bars.first().map_or(0.0, |b| b.0);
    let last = data.bars.last().map_or(0.0, |b| b.0) + data.width_seconds;
    let peak = data.bars.iter().map(|b| b.1).fold(0.0, f64::max);
    ui.weak(format!(
        "+{first:.1} s to +{last:.1} s · peak {} per {}",
        format::bytes(peak as u64),
        format::duration_ns((data.width_seconds * 1e9) as i64)
    ));
}

/// Bytes per bin of the endpoint over its lifetime, at a resolution giving about CHART_BINS bars.
fn chart_data(snapshot: &Snapshot, endpoint: usize) -> ChartData {
    let Some(view) = snapshot.endpoints.get(endpoint) else {
        return ChartData { bars: Vec::new(), width_seconds: 1.0 };
    };
    let (from, to) = (view.endpoint.first_ns, view.endpoint.last_ns.saturating_add(1));
    let timeline = &snapshot.timeline;
    let level = timeline.level_for(from, to, CHART_BINS);
    let width_ns = whohosts_core::timeline::LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(1_000_000_000);
    let start = snapshot.totals.first_ns.unwrap_or(from);
    let bars = timeline
        .bins(level, from, to)
        .into_iter()
        .filter(|(_, series, _)| *series as usize == endpoint)
        .map(|(bin_start, _, counts)| (bin_start.saturating_sub(start) as f64 / 1e9, counts.bytes as f64))
        .collect();
    ChartData { bars, width_seconds: width_ns as f64 / 1e9 }
}
