//! Stand-in for the views helper's graph view (same signatures); replaced on merge.

use crate::snapshot::Snapshot;
use crate::ui::view_filter::{ViewCommand, ViewFilter};

#[derive(Debug, Default)]
pub struct GraphState {}

pub fn graph_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    _filter: &ViewFilter,
    _state: &mut GraphState,
) -> Option<ViewCommand> {
    ui.centered_and_justified(|ui| ui.weak(format!("graph: {} endpoints", snapshot.endpoints.len())));
    None
}
