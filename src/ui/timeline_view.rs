//! Stand-in for the views helper's timeline view (same signatures); replaced on merge.

use crate::snapshot::Snapshot;
use crate::ui::view_filter::{ViewCommand, ViewFilter};

#[derive(Debug, Default)]
pub struct TimelineState {}

pub fn timeline_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    _filter: &ViewFilter,
    _state: &mut TimelineState,
) -> Option<ViewCommand> {
    ui.centered_and_justified(|ui| ui.weak(format!("timeline: {} flows", snapshot.flows.len())));
    None
}
