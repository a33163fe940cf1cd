//! The timeline view: bytes per second over capture time, stacked by owner, with bins that
//! follow the zoom level; dragging selects a time range for every view. When the capture has
//! silences over an hour, the axis cuts them out (the core's [`CompressedAxis`], the mapping the
//! exported figure uses) unless the user asks for the real, linear axis. Owns its plot state
//! and caches; reads only the snapshot and the view filter.
//!
//! Split by job: `toolbar.rs` (zoom, the gap warning, moving between stretches, the axis
//! switch), `plot.rs` (the plot, selection, break marks), `bins.rs` (the stacked bins and their
//! cache), `ticks.rs` (grid steps and tick labels).

mod bins;
mod plot;
mod ticks;
mod toolbar;

use std::sync::Arc;

use egui_plot::PlotTransform;

use crate::theme;
use crate::view_command::ViewCommand;
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::timeline::{ActivitySpan, CompressedAxis};

pub use plot::timeline_plot_ui;

const NS_PER_S: f64 = 1e9;
const DAY_NS: i64 = 86_400_000_000_000;
/// Plot units (seconds) per nanosecond, on both kinds of axis.
const SECONDS_PER_NS: f64 = 1e-9;

/// No packets for longer than this is a gap worth saying so (and the axis cuts it out).
pub const LONG_GAP_NS: i64 = 3_600_000_000_000;

/// The accessible text of the gap warning (tests find it by its start).
pub const GAP_WARNING: &str = "Gap in the capture";

/// The switch between the axis with silences cut out and the real, linear one.
pub const CUT_GAPS_LABEL: &str = "Cut gaps";

/// What the timeline keeps between frames.
#[derive(Debug, Default)]
pub struct TimelineState {
    /// Visible x range (positions on the axis) of the last frame.
    visible: Option<(f64, f64)>,
    /// Where a range-selecting drag started and where it is now (positions on the axis).
    selecting: Option<(f64, f64)>,
    cache: Option<bins::Binned>,
    /// The capture's stretches of traffic, for the timeline and frames they were read from.
    activity: Option<(usize, u64, Arc<Vec<ActivitySpan>>)>,
    /// An x range (real ns) the plot shows next frame: a toolbar button, or the axis changed.
    show_next: Option<(i64, i64)>,
    /// The user asked for the real, linear time axis although the capture has long gaps.
    real_axis: bool,
    /// The axis of the last frame, and what it was built from (stretches, linear or not).
    axis: Option<(usize, bool, i64, Arc<CompressedAxis>)>,
    /// Where the last frame drew the plot.
    transform: Option<PlotTransform>,
    /// The x tick labels of the last frame, left to right.
    tick_labels: Vec<String>,
}

impl TimelineState {
    /// The capture's stretches of traffic, worked out once per snapshot.
    fn activity(&mut self, snapshot: &Snapshot) -> Arc<Vec<ActivitySpan>> {
        let key = (Arc::as_ptr(&snapshot.timeline) as usize, snapshot.totals.frames);
        match &self.activity {
            Some((timeline, frames, spans)) if (*timeline, *frames) == key => Arc::clone(spans),
            _ => {
                let mut spans = snapshot.timeline.activity_spans(LONG_GAP_NS);
                snapshot.timeline.trim_spans(&mut spans);
                let spans = Arc::new(spans);
                self.activity = Some((key.0, key.1, Arc::clone(&spans)));
                spans
            }
        }
    }

    /// The x axis: the stretches of traffic side by side with the silences cut out, or the
    /// real axis (seconds since the origin) when there is nothing to cut or the user asked.
    fn axis(&mut self, snapshot: &Snapshot) -> Arc<CompressedAxis> {
        let spans = self.activity(snapshot);
        let origin = origin_ns(snapshot);
        let key = (Arc::as_ptr(&spans) as usize, self.real_axis, origin);
        if let Some((spans_key, real, at, axis)) = &self.axis {
            if (*spans_key, *real, *at) == key {
                return Arc::clone(axis);
            }
        }
        let axis = Arc::new(if spans.len() > 1 && !self.real_axis {
            // Stretches are whole minutes; the axis starts at the first packet and ends at
            // the last, as the real one does.
            let (first, last) =
                (snapshot.totals.first_ns.unwrap_or(i64::MIN), snapshot.totals.last_ns.unwrap_or(i64::MAX));
            let stretches: Vec<(i64, i64)> =
                spans.iter().map(|s| (s.from_ns.max(first), s.to_ns.min(last.saturating_add(1)))).collect();
            let active: i64 = stretches.iter().map(|(a, b)| b - a).sum();
            CompressedAxis::new(stretches, SECONDS_PER_NS, break_width(active, spans.len()))
        } else {
            CompressedAxis::linear(origin, SECONDS_PER_NS)
        });
        self.axis = Some((key.0, key.1, key.2, Arc::clone(&axis)));
        axis
    }

    /// The visible range in real ns, once the plot was drawn.
    fn visible_ns(&self) -> Option<(i64, i64)> {
        let (_, _, _, axis) = self.axis.as_ref()?;
        self.visible.map(|(a, b)| (axis.time_at(a), axis.time_at(b)))
    }

    /// Switches between the axis with silences cut out and the real one, keeping what is
    /// shown in view.
    fn set_real_axis(&mut self, real: bool) {
        if real != self.real_axis {
            self.show_next = self.show_next.or(self.visible_ns());
            self.real_axis = real;
            self.selecting = None;
        }
    }

    /// The axis the last frame drew, when it was drawn.
    pub fn shown_axis(&self) -> Option<&CompressedAxis> {
        self.axis.as_ref().map(|(_, _, _, axis)| axis.as_ref())
    }

    /// The real time range (ns) the last frame showed.
    pub fn shown_range_ns(&self) -> Option<(i64, i64)> {
        self.visible_ns()
    }

    /// Where real time `ns` was drawn in the last frame (screen x), if the plot was drawn.
    pub fn screen_x_of(&self, ns: i64) -> Option<f32> {
        let axis = self.shown_axis()?;
        Some(self.transform?.position_from_point_x(axis.position_of(ns)))
    }

    /// The plot's rectangle on screen in the last frame.
    pub fn plot_rect(&self) -> Option<egui::Rect> {
        self.transform.map(|t| *t.frame())
    }

    /// The x axis' tick labels as the last frame drew them (left to right).
    pub fn tick_labels(&self) -> &[String] {
        &self.tick_labels
    }
}

/// Width of one break between stretches, in seconds of the axis: a twentieth of the traffic's
/// time, less when there are many breaks, so that together they never take over the axis.
fn break_width(active_ns: i64, stretches: usize) -> f64 {
    let share = (0.3 / stretches.saturating_sub(1).max(1) as f64).min(0.05);
    (active_ns as f64 * SECONDS_PER_NS * share).max(1e-3)
}

/// The wall-clock day the real axis counts from: midnight UTC before the first packet.
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
        toolbar::zoom_and_gaps_ui(ui, snapshot, state);
        ui.separator();
        let entries = theme::legend_entries(&snapshot.owners);
        if let Some(owner) = theme::owner_legend_ui(ui, &entries, &filter.hidden_owners) {
            command = Some(ViewCommand::ToggleOwner(owner));
        }
    });
    command.or(timeline_plot_ui(ui, snapshot, filter, state))
}

#[cfg(test)]
mod tests;
