//! The app's own graph and timeline, drawn into a figure's rectangles, so an exported figure
//! shows exactly what the window shows (without toolbars: the figure has its own legend).

use crate::graph::{graph_canvas_ui, GraphState};
use crate::timeline_view::{timeline_plot_ui, TimelineState};
use egui::{Rect, Ui, UiBuilder};
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

#[derive(Default)]
pub struct AppViews {
    pub graph: GraphState,
    pub timeline: TimelineState,
}

impl AppViews {
    pub fn graph_ui(&mut self, ui: &mut Ui, rect: Rect, snapshot: &Snapshot, filter: &ViewFilter) {
        ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
            let _ = graph_canvas_ui(ui, snapshot, filter, &mut self.graph);
        });
    }

    pub fn timeline_ui(&mut self, ui: &mut Ui, rect: Rect, snapshot: &Snapshot, filter: &ViewFilter) {
        ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
            let _ = timeline_plot_ui(ui, snapshot, filter, &mut self.timeline);
        });
    }
}
