//! The timeline's plot: the stacked bands on the axis (real, or with silences cut out and
//! break marks where they were), the dragged time range, and hover details. Positions on the
//! plot go through the axis both ways, so a range dragged on it is the real time range.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use egui::{Color32, PointerButton, Stroke, Vec2b};
use egui_plot::{uniform_grid_spacer, FilledArea, Plot, PlotTransform};

use super::bins::{refresh_bins, Binned};
use super::ticks::{self, Tick};
use super::{origin_ns, toolbar, TimelineState, DAY_NS, NS_PER_S};
use crate::theme::{self, human_bytes, human_rate};
use crate::view_command::ViewCommand;
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::timeline::CompressedAxis;

/// Bins narrower than this many points get too thin to read; the level is chosen to match.
const MIN_BIN_PX: f32 = 3.0;
/// egui_plot's smallest grid spacing in points (its default), to turn its step hint into a scale.
const GRID_SPACING_MIN_PX: f64 = 8.0;

/// The timeline's plot alone, without toolbar or legend (for exported figures too).
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
    let axis = state.axis(snapshot);
    if state.visible.is_none() && state.show_next.is_none() && !axis.is_broken() {
        // On the real axis, years of nothing between bursts would leave a blank plot: start
        // on the busiest stretch.
        let spans = state.activity(snapshot);
        if spans.len() > 1 {
            state.show_next = toolbar::busiest(&spans);
        }
    }
    let show_next = state.show_next.take().map(|(a, b)| (axis.position_of(a), axis.position_of(b)));
    if let Some(range) = show_next {
        state.visible = Some(range);
    }
    let dark = ui.visuals().dark_mode;
    let width_px = ui.available_width().max(100.0);
    let end = last.max(first.saturating_add(1));
    let visible = state.visible.unwrap_or((axis.position_of(first), axis.position_of(end)));
    // Bins as fine as the width allows, over the time actually drawn (silences cut out).
    let drawn_ns = ((visible.1 - visible.0).max(0.0) / axis.scale()).min(i64::MAX as f64) as i64;
    let level = snapshot.timeline.level_for(0, drawn_ns, (width_px / MIN_BIN_PX) as usize);
    refresh_bins(snapshot, filter, &mut state.cache, &axis, level, visible, (first, last));

    let shown_ticks: Rc<RefCell<Vec<Tick>>> = Rc::default();
    let plot = Plot::new("whohosts_timeline")
        // A short plot has no room for the long label turned on its side.
        .y_axis_label(if ui.available_height() < 150.0 { "B/s" } else { "Bytes per second" })
        .y_axis_formatter(|mark, _| if mark.value < 0.0 { String::new() } else { human_rate(mark.value) })
        .y_axis_min_width(64.0)
        .include_x(axis.position_of(first))
        .include_x(axis.position_of(end))
        .include_y(0.0)
        .allow_drag(Vec2b::new(true, false))
        .allow_zoom(Vec2b::new(true, false))
        .allow_scroll(Vec2b::new(true, false))
        .allow_boxed_zoom(false)
        .pan_pointer_button(PointerButton::Secondary)
        .show_crosshair(false)
        .label_formatter(|_| None)
        .set_margin_fraction(egui::Vec2::new(0.0, 0.05));
    let plot = if axis.is_broken() {
        broken_time_axis(plot, &axis, &shown_ticks)
    } else {
        real_time_axis(plot, snapshot, visible, (first, last))
    };
    let bands = state.cache.as_ref().map(|c| Arc::clone(&c.bands)).unwrap_or_default();
    let palette = theme::snapshot_palette(snapshot, dark);
    let shown = plot.show(ui, move |plot_ui| {
        if let Some((from, to)) = show_next {
            plot_ui.set_plot_bounds_x(from..=to);
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
    state.transform = Some(transform);
    state.tick_labels = shown_ticks.borrow().iter().map(|t| t.label.clone()).collect();
    let bounds = transform.bounds();
    let (lo, hi) = (bounds.min()[0], bounds.max()[0]);
    // An empty plot's bounds are infinite: keep the last real ones.
    if lo.is_finite() && hi.is_finite() && lo < hi {
        state.visible = Some((lo, hi));
    }
    if axis.is_broken() {
        paint_breaks(ui, &transform, &axis, dark);
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
                // Back to real time: a range across a break keeps the silence inside it.
                let range = (axis.time_at(lo), axis.time_at(hi).saturating_add(1));
                command = Some(ViewCommand::SetTimeRange(Some(range)));
            }
        }
    } else if response.clicked_by(PointerButton::Primary) && filter.time_range.is_some() {
        command = Some(ViewCommand::SetTimeRange(None));
    }
    let band = state.selecting.or_else(|| filter.time_range.map(|(a, b)| (axis.position_of(a), axis.position_of(b))));
    if let Some((a, b)) = band {
        paint_selection(ui, &transform, a.min(b), a.max(b), dark);
    }
    if state.selecting.is_none() {
        if let Some(pos) = response.hover_pos() {
            let x = transform.value_from_position(pos).x;
            let x_ns = axis.time_at(x);
            match (axis.is_broken() && axis.stretch_at(x).is_none(), &state.cache) {
                (true, _) => {
                    response.on_hover_ui_at_pointer(|ui| silence_tooltip_ui(ui, &axis, x));
                }
                (false, Some(cache)) => {
                    response.on_hover_ui_at_pointer(|ui| bin_tooltip_ui(ui, cache, x_ns, dark));
                }
                (false, None) => {}
            }
        }
    }
    command
}

/// The real axis: seconds since the origin, clock-time ticks under the date shown.
fn real_time_axis<'a>(plot: Plot<'a>, snapshot: &Snapshot, visible: (f64, f64), (first, last): (i64, i64)) -> Plot<'a> {
    let origin = origin_ns(snapshot);
    // Clock times count from the midnight before what is shown, so a stretch years after the
    // first packet reads "05:20:00" under its own date, not "+2199d".
    let day_s = DAY_NS as f64 / NS_PER_S;
    let vis_from = origin.saturating_add((visible.0 * NS_PER_S) as i64);
    let shown_day = (vis_from.clamp(first, last).saturating_sub(origin) as f64 / NS_PER_S / day_s).floor().max(0.0);
    let date = whohosts_core::units::utc_date(origin.saturating_add((shown_day * day_s * NS_PER_S) as i64));
    plot.x_axis_label(format!("Capture time, UTC, {date}"))
        .x_axis_formatter(move |mark, _| ticks::time_of_day(mark.value - shown_day * day_s))
        .x_grid_spacer(uniform_grid_spacer(ticks::time_steps))
}

/// The axis with silences cut out: ticks at round real times in each stretch (dated at the
/// start of each), their labels kept in `shown` for the formatter and for tests.
fn broken_time_axis<'a>(plot: Plot<'a>, axis: &Arc<CompressedAxis>, shown: &Rc<RefCell<Vec<Tick>>>) -> Plot<'a> {
    let (spacer_axis, spacer_ticks, label_ticks) = (Arc::clone(axis), Rc::clone(shown), Rc::clone(shown));
    plot.x_axis_label("Capture time, UTC · silences over an hour cut out at the break marks")
        .x_grid_spacer(move |input| {
            let px_per_unit = GRID_SPACING_MIN_PX / input.base_step_size.max(f64::MIN_POSITIVE);
            let ticks = ticks::broken_axis_ticks(&spacer_axis, input.bounds, px_per_unit);
            let marks = ticks::grid_marks(&ticks);
            *spacer_ticks.borrow_mut() = ticks;
            marks
        })
        .x_axis_formatter(move |mark, _| ticks::label_at(&label_ticks.borrow(), mark.value))
}

/// Break marks where silences were cut out: the cut shaded, two slanted strokes at the top
/// and across the x axis, as on a paper chart with a broken axis.
fn paint_breaks(ui: &egui::Ui, transform: &PlotTransform, axis: &CompressedAxis, dark: bool) {
    let frame = *transform.frame();
    let painter = ui.painter().with_clip_rect(frame.expand(8.0));
    let ink = theme::ink(dark).gamma_multiply(0.8);
    let shade = if dark { Color32::from_white_alpha(18) } else { Color32::from_black_alpha(18) };
    for cut in axis.breaks() {
        let (left, right) =
            (transform.position_from_point_x(cut.from_pos), transform.position_from_point_x(cut.to_pos));
        if right < frame.left() || left > frame.right() {
            continue;
        }
        let shaded = egui::Rect::from_x_y_ranges(left.max(frame.left())..=right.min(frame.right()), frame.y_range());
        painter.rect_filled(shaded, 0.0, shade);
        // Across the x axis, and just inside the top edge (above it is the toolbar).
        let x = (left + right) / 2.0;
        for y in [frame.top() + 7.0, frame.bottom()] {
            for dx in [-3.0, 3.0] {
                painter.line_segment(
                    [egui::pos2(x + dx - 3.0, y + 6.0), egui::pos2(x + dx + 3.0, y - 6.0)],
                    Stroke::new(1.5, ink),
                );
            }
        }
    }
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

/// Over a break: how long the silence cut out there lasted.
fn silence_tooltip_ui(ui: &mut egui::Ui, axis: &CompressedAxis, x: f64) {
    let Some(cut) = axis.breaks().find(|b| b.from_pos <= x && x <= b.to_pos) else { return };
    let (from, to) = cut.silence;
    ui.strong(format!("No packets for {}", crate::format::duration_ns(to - from)));
    ui.label(format!("{} to {}", crate::format::utc_time(from), crate::format::utc_time(to)));
    ui.weak("Cut out of the axis (\"Cut gaps\" switches to real time)");
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
