//! The app's own graph and timeline, drawn into a figure's rectangles, so an exported figure
//! shows exactly what the window shows (without toolbars: the figure has its own legend).

use egui::{Rect, Ui, UiBuilder};

use super::command::FigureViews;
use super::filter::ViewFilter;
use crate::snapshot::Snapshot;
use crate::ui::graph::{graph_canvas_ui, GraphState};
use crate::ui::timeline_view::{timeline_plot_ui, TimelineState};

#[derive(Default)]
pub struct AppViews {
    pub graph: GraphState,
    pub timeline: TimelineState,
}

impl FigureViews for AppViews {
    fn graph_ui(&mut self, ui: &mut Ui, rect: Rect, snapshot: &Snapshot, filter: &ViewFilter, _dark: bool) {
        ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
            let _ = graph_canvas_ui(ui, snapshot, filter, &mut self.graph);
        });
    }

    fn timeline_ui(&mut self, ui: &mut Ui, rect: Rect, snapshot: &Snapshot, filter: &ViewFilter, _dark: bool) {
        ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
            let _ = timeline_plot_ui(ui, snapshot, filter, &mut self.timeline);
        });
    }
}
