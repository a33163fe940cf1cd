//! The timeline view: bytes per second over real capture time, stacked by owner, with bins
//! that follow the zoom level; dragging selects a time range for every view. Owns its plot
//! state and a cache of the binned series; reads only the snapshot and the view filter.

use std::collections::BTreeSet;
use std::sync::Arc;

use egui::{Color32, PointerButton, Vec2b};
use egui_plot::{uniform_grid_spacer, FilledArea, GridInput, Plot, PlotTransform};

use crate::theme::{self, human_bytes, human_rate};
use crate::view_command::ViewCommand;
use whohosts_core::filter::{Chip, FlowMatcher, ViewFilter};
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::timeline::{ActivitySpan, LEVEL_WIDTHS_NS};

const NS_PER_S: f64 = 1e9;
const DAY_NS: i64 = 86_400_000_000_000;
/// Bins narrower than this many points get too thin to read; the level is chosen to match.
const MIN_BIN_PX: f32 = 3.0;
/// Owner groups drawn as bands of their own; the rest share one.
const MAX_BANDS: usize = 16;

/// What the timeline keeps between frames.
#[derive(Debug, Default)]
pub struct TimelineState {
    /// Visible x range (seconds since the origin) of the last frame.
    visible: Option<(f64, f64)>,
    /// Where a range-selecting drag started (seconds since the origin) and where it is now.
    selecting: Option<(f64, f64)>,
    cache: Option<Binned>,
    /// The capture's stretches of traffic, for the timeline and frames they were read from.
    activity: Option<(usize, u64, Arc<Vec<ActivitySpan>>)>,
    /// An x range (ns) the plot shows next frame: a toolbar button or the first fit.
    show_next: Option<(i64, i64)>,
}

/// No packets for longer than this is a gap worth saying so (and the axis skips it).
pub const LONG_GAP_NS: i64 = 3_600_000_000_000;

/// The accessible text of the gap warning (tests find it by its start).
pub const GAP_WARNING: &str = "Gap in the capture";

impl TimelineState {
    /// The capture's stretches of traffic, worked out once per snapshot.
    fn activity(&mut self, snapshot: &Snapshot) -> Arc<Vec<ActivitySpan>> {
        let key = (Arc::as_ptr(&snapshot.timeline) as usize, snapshot.totals.frames);
        match &self.activity {
            Some((timeline, frames, spans)) if (*timeline, *frames) == key => Arc::clone(spans),
            _ => {
                let spans = Arc::new(snapshot.timeline.activity_spans(LONG_GAP_NS));
                self.activity = Some((key.0, key.1, Arc::clone(&spans)));
                spans
            }
        }
    }

    /// The visible range in ns, once the plot was drawn.
    fn visible_ns(&self, origin: i64) -> Option<(i64, i64)> {
        self.visible.map(|(a, b)| (ns_at(origin, a), ns_at(origin, b)))
    }
}

/// The busiest stretch of traffic, with a little room either side.
fn busiest(spans: &[ActivitySpan]) -> Option<(i64, i64)> {
    let span = spans.iter().max_by_key(|s| s.bytes)?;
    let pad = (span.to_ns - span.from_ns) / 20;
    Some((span.from_ns.saturating_sub(pad), span.to_ns.saturating_add(pad)))
}

/// The range `visible` zoomed by `factor` about its middle (factor < 1 zooms in).
fn zoomed(visible: (i64, i64), factor: f64) -> (i64, i64) {
    let middle = visible.0 as f64 / 2.0 + visible.1 as f64 / 2.0;
    let half = ((visible.1 - visible.0) as f64 / 2.0 * factor).max(5e5);
    ((middle - half) as i64, (middle + half) as i64)
}

/// The stretch before (`step` -1) or after (+1) the one in the middle of `visible`.
fn neighbour(spans: &[ActivitySpan], visible: (i64, i64), step: i64) -> Option<(i64, i64)> {
    let middle = visible.0 / 2 + visible.1 / 2;
    let current = spans.iter().position(|s| middle < s.to_ns).unwrap_or(spans.len().saturating_sub(1));
    let next = usize::try_from(current as i64 + step).ok()?;
    let span = spans.get(next)?;
    let pad = (span.to_ns - span.from_ns) / 20;
    Some((span.from_ns.saturating_sub(pad), span.to_ns.saturating_add(pad)))
}

/// Zoom buttons, and when the capture has long gaps a warning with ways to jump between its
/// stretches of traffic. Returns nothing: it only moves the timeline's own view.
fn zoom_and_gaps_ui(ui: &mut egui::Ui, snapshot: &Snapshot, state: &mut TimelineState) {
    let (Some(first), Some(last)) = (snapshot.totals.first_ns, snapshot.totals.last_ns) else { return };
    let origin = origin_ns(snapshot);
    let visible = state.visible_ns(origin).unwrap_or((first, last));
    if ui.small_button("−").on_hover_text("Zoom out (Ctrl+scroll on the plot)").clicked() {
        state.show_next = Some(zoomed(visible, 2.0));
    }
    if ui.small_button("+").on_hover_text("Zoom in (Ctrl+scroll on the plot)").clicked() {
        state.show_next = Some(zoomed(visible, 0.5));
    }
    if ui.small_button("Whole").on_hover_text("Show the whole capture (or double-click the plot)").clicked() {
        state.show_next = Some((first, last.max(first.saturating_add(1))));
    }
    let spans = state.activity(snapshot);
    if spans.len() < 2 {
        return;
    }
    let longest = spans.windows(2).map(|w| w[1].from_ns.saturating_sub(w[0].to_ns)).max().unwrap_or(0);
    let warning = format!(
        "{GAP_WARNING}: {} stretches of traffic, up to {} apart",
        spans.len(),
        crate::format::duration_ns(longest)
    );
    if ui.small_button("◀").on_hover_text("Previous stretch of traffic").clicked() {
        state.show_next = neighbour(&spans, visible, -1).or(state.show_next);
    }
    if ui.small_button("Fit to activity").on_hover_text("Show the busiest stretch of traffic").clicked() {
        state.show_next = busiest(&spans);
    }
    if ui.small_button("▶").on_hover_text("Next stretch of traffic").clicked() {
        state.show_next = neighbour(&spans, visible, 1).or(state.show_next);
    }
    // At most half of what is left, cut short with "…" (the whole text on hover), so the
    // line never runs past the panel.
    let room = ui.available_width() * 0.5;
    ui.scope(|ui| {
        ui.set_max_width(room);
        let text = egui::RichText::new(&warning).color(ui.visuals().warn_fg_color);
        ui.add(egui::Label::new(text).truncate()).on_hover_text(format!(
            "{warning}.\nNo packets for over an hour between them. The plot shows one stretch at a time: \
             use the buttons to move between them, or \"Whole\" for everything."
        ));
    });
}

#[derive(Debug, Clone, PartialEq)]
struct BinKey {
    timeline: usize,
    endpoints: usize,
    frames: u64,
    level: usize,
    from_ns: i64,
    to_ns: i64,
    text: String,
    chips: Vec<Chip>,
}

/// One owner's band of the stack, as plot points (seconds, bytes/s), step-shaped.
#[derive(Debug, Clone)]
struct Band {
    owner: Owner,
    /// How many smaller owners this band stands for (0: it is `owner`'s alone).
    merged: usize,
    xs: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

#[derive(Debug, Clone)]
struct Binned {
    key: BinKey,
    width_ns: i64,
    /// Owner groups, stacking order (largest at the bottom).
    owners: Vec<Owner>,
    /// Smaller owner groups sharing the top band (empty when each has its own).
    folded: BTreeSet<Owner>,
    /// Bin start and bytes per owner.
    bins: Vec<(i64, Vec<u64>)>,
    /// Shared with the plot's closure each frame without copying.
    bands: Arc<Vec<Band>>,
}

/// Nanoseconds at `seconds` past the origin (saturating: a wild axis value cannot overflow).
fn ns_at(origin: i64, seconds: f64) -> i64 {
    origin.saturating_add((seconds * NS_PER_S) as i64)
}

/// The wall-clock day the x axis counts from: midnight UTC before the first packet.
fn origin_ns(snapshot: &Snapshot) -> i64 {
    snapshot.totals.first_ns.unwrap_or(0).div_euclid(DAY_NS) * DAY_NS
}

/// Draws the timeline; returns a time range to set or clear, or an owner to toggle.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    state: &mut TimelineState,
) -> Option<ViewCommand> {
    let mut command = None;
    ui.horizontal(|ui| {
        let hint = if ui.available_width() > 1000.0 { "Drag: select · right-drag: pan · Ctrl+scroll: zoom" } else { "Drag: select" };
        ui.weak(hint).on_hover_text(
            "Drag: select a time range for every view · click: clear it\nRight-drag or scroll: pan · Ctrl+scroll: zoom · double-click: fit",
        );
        zoom_and_gaps_ui(ui, snapshot, state);
        ui.separator();
        let entries = theme::legend_entries(&snapshot.owners);
        if let Some(owner) = theme::owner_legend_ui(ui, &entries, &filter.hidden_owners) {
            command = Some(ViewCommand::ToggleOwner(owner));
        }
    });
    command.or(timeline_plot_ui(ui, snapshot, filter, state))
}

/// The timeline's plot alone, without toolbar or legend (for exported figures).
pub fn timeline_plot_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    state: &mut TimelineState,
) -> Option<ViewCommand> {
    let mut command = None;
    let (Some(first), Some(last)) = (snapshot.totals.first_ns, snapshot.totals.last_ns) else {
        ui.centered_and_justified(|ui| ui.weak("No packets yet"));
        return command;
    };
    let origin = origin_ns(snapshot);
    if state.visible.is_none() && state.show_next.is_none() {
        // Years of nothing between bursts would leave a blank plot: start on the busiest.
        let spans = state.activity(snapshot);
        if spans.len() > 1 {
            state.show_next = busiest(&spans);
        }
    }
    let show_next = state.show_next.take();
    if let Some(range) = show_next {
        state.visible =
            Some((range.0.saturating_sub(origin) as f64 / NS_PER_S, range.1.saturating_sub(origin) as f64 / NS_PER_S));
    }
    let dark = ui.visuals().dark_mode;
    let width_px = ui.available_width().max(100.0);
    let (vis_from, vis_to) =
        state.visible.map_or((first, last.max(first.saturating_add(1))), |(a, b)| (ns_at(origin, a), ns_at(origin, b)));
    let level = snapshot.timeline.level_for(vis_from, vis_to, (width_px / MIN_BIN_PX) as usize);
    refresh_bins(snapshot, filter, state, level, (vis_from, vis_to), (first, last));
    let to_x = move |ns: i64| ns.saturating_sub(origin) as f64 / NS_PER_S;

    // Clock times count from the midnight before what is shown, so a stretch years after the
    // first packet reads "05:20:00" under its own date, not "+2199d".
    let day_s = DAY_NS as f64 / NS_PER_S;
    let shown_day = (vis_from.clamp(first, last).saturating_sub(origin) as f64 / NS_PER_S / day_s).floor().max(0.0);
    let date = whohosts_core::units::utc_date(origin.saturating_add((shown_day * day_s * NS_PER_S) as i64));
    let plot = Plot::new("whohosts_timeline")
        .x_axis_label(format!("Capture time, UTC, {date}"))
        // A short plot has no room for the long label turned on its side.
        .y_axis_label(if ui.available_height() < 150.0 { "B/s" } else { "Bytes per second" })
        .x_axis_formatter(move |mark, _| time_of_day(mark.value - shown_day * day_s))
        .y_axis_formatter(|mark, _| if mark.value < 0.0 { String::new() } else { human_rate(mark.value) })
        .x_grid_spacer(uniform_grid_spacer(time_steps))
        .y_axis_min_width(64.0)
        .include_x(to_x(first))
        .include_x(to_x(last))
        .include_y(0.0)
        .allow_drag(Vec2b::new(true, false))
        .allow_zoom(Vec2b::new(true, false))
        .allow_scroll(Vec2b::new(true, false))
        .allow_boxed_zoom(false)
        .pan_pointer_button(PointerButton::Secondary)
        .show_crosshair(false)
        .label_formatter(|_| None)
        .set_margin_fraction(egui::Vec2::new(0.0, 0.05));
    let bands = state.cache.as_ref().map(|c| Arc::clone(&c.bands)).unwrap_or_default();
    let palette = theme::snapshot_palette(snapshot, dark);
    let shown = plot.show(ui, move |plot_ui| {
        if let Some((from, to)) = show_next {
            plot_ui.set_plot_bounds_x(to_x(from)..=to_x(to));
        }
        for band in bands.iter() {
            let (color, name) = match band.merged {
                0 => (theme::color32(palette.colour_in(&band.owner, dark)), band.owner.label().into_owned()),
                n => (theme::ink(dark).gamma_multiply(0.35), format!("{n} smaller owners")),
            };
            plot_ui.add(
                FilledArea::new(name, &band.xs, &band.lower, &band.upper)
                    .fill_color(color.gamma_multiply(0.85))
                    .stroke(egui::Stroke::new(0.75, color))
                    .allow_hover(false),
            );
        }
    });
    let transform = shown.transform;
    let bounds = transform.bounds();
    let (lo, hi) = (bounds.min()[0], bounds.max()[0]);
    // An empty plot's bounds are infinite: keep the last real ones.
    if lo.is_finite() && hi.is_finite() && lo < hi {
        state.visible = Some((lo, hi));
    }
    let response = shown.response;
    let pointer_x = response.interact_pointer_pos().map(|p| transform.value_from_position(p).x);
    if response.drag_started_by(PointerButton::Primary) {
        state.selecting = pointer_x.map(|x| (x, x));
    } else if response.dragged_by(PointerButton::Primary) {
        if let (Some(sel), Some(x)) = (state.selecting.as_mut(), pointer_x) {
            sel.1 = x;
        }
    }
    if response.drag_stopped_by(PointerButton::Primary) {
        if let Some((a, b)) = state.selecting.take() {
            let (lo, hi) = (a.min(b), a.max(b));
            if hi > lo {
                let range = (ns_at(origin, lo), ns_at(origin, hi).saturating_add(1));
                command = Some(ViewCommand::SetTimeRange(Some(range)));
            }
        }
    } else if response.clicked_by(PointerButton::Primary) && filter.time_range.is_some() {
        command = Some(ViewCommand::SetTimeRange(None));
    }
    let band = state.selecting.or_else(|| filter.time_range.map(|(a, b)| (to_x(a), to_x(b))));
    if let Some((a, b)) = band {
        paint_selection(ui, &transform, a.min(b), a.max(b), dark);
    }
    if state.selecting.is_none() {
        if let (Some(cache), Some(pos)) = (&state.cache, response.hover_pos()) {
            let x_ns = ns_at(origin, transform.value_from_position(pos).x);
            response.on_hover_ui_at_pointer(|ui| bin_tooltip_ui(ui, cache, x_ns, dark));
        }
    }
    command
}

/// Recomputes the stacked bins when the level, the snapshot or the filter's owners changed,
/// or when the visible range moved outside what is cached.
fn refresh_bins(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    state: &mut TimelineState,
    level: usize,
    visible: (i64, i64),
    extent: (i64, i64),
) {
    let width = LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(LEVEL_WIDTHS_NS[0]);
    let span = (visible.1 - visible.0).max(width);
    let wanted = |from: i64, to: i64| BinKey {
        timeline: Arc::as_ptr(&snapshot.timeline) as usize,
        endpoints: Arc::as_ptr(&snapshot.endpoints) as usize,
        frames: snapshot.totals.frames,
        level,
        from_ns: from,
        to_ns: to,
        text: filter.text.trim().to_lowercase(),
        chips: filter.chips.clone(),
    };
    if let Some(c) = &state.cache {
        let same = wanted(c.key.from_ns, c.key.to_ns) == c.key;
        let covers =
            c.key.from_ns <= visible.0.max(extent.0) && c.key.to_ns >= visible.1.min(extent.1.saturating_add(width));
        let hidden_same = c.owners.iter().chain(&c.folded).all(|o| !filter.hidden_owners.contains(o.label().as_ref()));
        if same && covers && hidden_same && !owners_unhidden(c, snapshot, filter) {
            return;
        }
    }
    // Cache half a screen either side so that small pans reuse the bins.
    let from = visible.0.saturating_sub(span / 2).max(extent.0).div_euclid(width).saturating_mul(width);
    let to = (visible.1.saturating_add(span / 2).min(extent.1.saturating_add(width)))
        .div_euclid(width)
        .saturating_mul(width)
        .saturating_add(width);
    state.cache = Some(stack(snapshot, filter, level, wanted(from, to), width));
}

/// Whether an owner the cache left out is no longer hidden.
fn owners_unhidden(cache: &Binned, snapshot: &Snapshot, filter: &ViewFilter) -> bool {
    snapshot.owners.iter().any(|o| {
        let group = o.owner.group();
        !filter.hidden_owners.contains(o.owner.label().as_ref())
            && !cache.owners.contains(&group)
            && !cache.folded.contains(&group)
    })
}

fn stack(snapshot: &Snapshot, filter: &ViewFilter, level: usize, key: BinKey, width: i64) -> Binned {
    stack_bands(snapshot, filter, level, key, width, MAX_BANDS)
}

/// [`stack`] with at most `max_bands` bands.
fn stack_bands(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    level: usize,
    key: BinKey,
    width: i64,
    max_bands: usize,
) -> Binned {
    let entries = theme::legend_entries(&snapshot.owners);
    let mut owners: Vec<Owner> = entries
        .iter()
        .map(|e| e.owner.clone())
        .filter(|o| !filter.hidden_owners.contains(o.label().as_ref()))
        .collect();
    // Past MAX_BANDS, the smaller owners share one band: hundreds of thin bands (a capture
    // full of AS owners) cost far more to draw each frame than they show.
    let folded: BTreeSet<Owner> = if owners.len() > max_bands {
        owners.split_off(max_bands.max(2) - 1).into_iter().collect()
    } else {
        BTreeSet::new()
    };
    let slots = owners.len() + usize::from(!folded.is_empty());
    let group_of_owner: Vec<usize> = snapshot
        .owners
        .iter()
        .map(|o| {
            let group = o.owner.group();
            owners.iter().position(|n| *n == group).unwrap_or(if folded.contains(&group) {
                owners.len()
            } else {
                slots
            })
        })
        .collect();
    let endpoints = Arc::clone(&snapshot.endpoints);
    // Series are endpoints: the one filter (without its time range, which the timeline
    // shows itself) keeps the endpoints with at least one passing flow.
    let shown = (!key.text.is_empty() || !key.chips.is_empty())
        .then(|| FlowMatcher::new(snapshot, &filter.without_time()).endpoints_with_passing_flows());
    let group_of = |series: u32| {
        if shown.as_ref().is_some_and(|s| !s.get(series as usize).copied().unwrap_or(false)) {
            return slots;
        }
        endpoints.get(series as usize).and_then(|e| group_of_owner.get(e.owner)).copied().unwrap_or(slots)
    };
    let grouped = snapshot.timeline.grouped(level, key.from_ns, key.to_ns, slots + 1, group_of);
    let bins: Vec<(i64, Vec<u64>)> = grouped
        .into_iter()
        .map(|(start, counts)| (start, counts.iter().take(slots).map(|c| c.bytes).collect()))
        .collect();
    let origin = origin_ns(snapshot);
    let seconds = width as f64 / NS_PER_S;
    let x = |ns: i64| ns.saturating_sub(origin) as f64 / NS_PER_S;
    // Dense steps: every bin in the cached range, zero where nothing was sent.
    let count = (key.to_ns.saturating_sub(key.from_ns) / width).clamp(0, 20_000) as usize;
    let mut dense = vec![vec![0u64; slots]; count];
    for (start, bytes) in &bins {
        if let Some(slot) =
            usize::try_from(start.saturating_sub(key.from_ns) / width).ok().and_then(|i| dense.get_mut(i))
        {
            *slot = bytes.clone();
        }
    }
    let mut below = vec![0.0f64; count];
    let mut bands = Vec::new();
    for g in 0..slots {
        let (owner, merged) = match owners.get(g) {
            Some(owner) => (owner.clone(), 0),
            None => (Owner::Other, folded.len()),
        };
        let mut band = Band { owner, merged, xs: Vec::with_capacity(2 * count), lower: Vec::new(), upper: Vec::new() };
        for (i, row) in dense.iter().enumerate() {
            let start = key.from_ns + i as i64 * width;
            let rate = row.get(g).copied().unwrap_or(0) as f64 / seconds;
            let base = below.get(i).copied().unwrap_or(0.0);
            for xv in [x(start), x(start.saturating_add(width))] {
                band.xs.push(xv);
                band.lower.push(base);
                band.upper.push(base + rate);
            }
            if let Some(b) = below.get_mut(i) {
                *b += rate;
            }
        }
        bands.push(band);
    }
    Binned { key, width_ns: width, owners, folded, bins, bands: Arc::new(bands) }
}

fn paint_selection(ui: &egui::Ui, transform: &PlotTransform, from: f64, to: f64, dark: bool) {
    let frame = *transform.frame();
    let left = transform.position_from_point_x(from).max(frame.left());
    let right = transform.position_from_point_x(to).min(frame.right());
    if right <= left {
        return;
    }
    let rect = egui::Rect::from_x_y_ranges(left..=right, frame.y_range());
    let tint = if dark { Color32::from_white_alpha(40) } else { Color32::from_black_alpha(30) };
    let painter = ui.painter_at(frame);
    painter.rect_filled(rect, 0.0, tint);
    let edge = egui::Stroke::new(1.0, theme::ink(dark).gamma_multiply(0.6));
    painter.vline(left, frame.y_range(), edge);
    painter.vline(right, frame.y_range(), edge);
}

fn bin_tooltip_ui(ui: &mut egui::Ui, cache: &Binned, x_ns: i64, dark: bool) {
    let start = x_ns.div_euclid(cache.width_ns) * cache.width_ns;
    let seconds = cache.width_ns as f64 / NS_PER_S;
    ui.strong(format!("{} + {}", crate::format::utc_time(start), duration_label(cache.width_ns)));
    let Some((_, bytes)) = cache.bins.iter().find(|(s, _)| *s == start) else {
        ui.weak("No traffic");
        return;
    };
    if let Some(&rest) = bytes.get(cache.owners.len()).filter(|&&b| b > 0) {
        ui.label(format!(
            "{} smaller owners: {} ({})",
            cache.folded.len(),
            human_rate(rest as f64 / seconds),
            human_bytes(rest)
        ));
    }
    for (owner, &b) in cache.owners.iter().zip(bytes).rev().filter(|(_, &b)| b > 0) {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, theme::owner_color(owner, dark));
            ui.label(format!("{}: {} ({})", owner.label(), human_rate(b as f64 / seconds), human_bytes(b)));
        });
    }
}

fn duration_label(ns: i64) -> String {
    match ns {
        n if n >= 3_600_000_000_000 => format!("{} h", n / 3_600_000_000_000),
        n if n >= 60_000_000_000 => format!("{} min", n / 60_000_000_000),
        n if n >= 1_000_000_000 => format!("{} s", n / 1_000_000_000),
        n => format!("{} ms", n / 1_000_000),
    }
}

/// Grid steps in seconds that read well as clock times (1 ms ... 1 day).
fn time_steps(input: GridInput) -> [f64; 3] {
    const NICE: [f64; 22] = [
        0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0,
        600.0, 1800.0, 3600.0, 21600.0,
    ];
    let base = input.base_step_size.max(1e-3);
    let at = |min: f64| NICE.iter().copied().find(|&s| s >= min).unwrap_or(86_400.0);
    let small = at(base);
    let medium = at(small * 4.0);
    [small, medium, at(medium * 4.0)]
}

/// Seconds since the origin's midnight as a clock time, "HH:MM:SS.mmm" ("+1d" past a day).
fn time_of_day(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round() as i64;
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (h, m, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    let clock = format!("{h:02}:{m:02}:{s:02}.{milli:03}");
    if days == 0 {
        clock
    } else {
        format!("{clock} {days:+}d")
    }
}

#[cfg(test)]
#[path = "timeline_view_tests.rs"]
mod tests;
