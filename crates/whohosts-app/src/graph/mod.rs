//! The graph view: who talks to whom, and who hosts them. Local hosts -> remote endpoints ->
//! owners, as a layered Sankey-like diagram (default) or a force-directed graph. Owns the
//! view's state (pan, zoom, expanded folds, layout mode, cached scene); reads a snapshot and a
//! view filter, and answers with a `ViewCommand`, never touching other views.

mod background;
mod chips;
pub mod columns;
pub mod filtering;
pub mod fold;
pub mod force;
pub mod layout;
pub mod model;
pub mod ordering;
pub mod scene;
mod view;

pub use chips::{FILTER_TO_NODE_LABEL, SHOW_FOLDED_LABEL};

use std::collections::BTreeSet;

use crate::theme;
use crate::view_command::ViewCommand;
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

/// Which picture the graph draws.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LayoutMode {
    /// Columns left to right, ribbons as wide as their bytes.
    #[default]
    Layered,
    /// Nodes pushed apart, links pulling them together.
    Force,
}

/// Everything the graph view keeps between frames.
#[derive(Debug)]
pub struct GraphState {
    pub mode: LayoutMode,
    /// Keys of "N more" folds the user opened (see `model::more_key`).
    pub expanded: BTreeSet<String>,
    /// Screen offset of the graph's origin from the canvas corner, in points.
    pub pan: egui::Vec2,
    pub zoom: f32,
    hovered: Option<view::Hit>,
    /// The node whose right-click menu is open.
    menu_node: Option<usize>,
    cache: Option<view::CachedScene>,
    /// Build big models on a worker thread (the window); an exported figure builds at once.
    pub build_in_background: bool,
    pending: Option<background::PendingModel<view::ModelKey>>,
}

impl GraphState {
    /// For the window: big models are built on a worker thread.
    pub fn in_background() -> Self {
        GraphState { build_in_background: true, ..GraphState::default() }
    }

    /// Whether a model is being built (the picture shown is from before the last change).
    pub fn is_building(&self) -> bool {
        self.pending.is_some()
    }
}

impl Default for GraphState {
    fn default() -> Self {
        GraphState {
            mode: LayoutMode::Layered,
            expanded: BTreeSet::new(),
            pan: egui::Vec2::ZERO,
            zoom: 1.0,
            hovered: None,
            menu_node: None,
            cache: None,
            build_in_background: false,
            pending: None,
        }
    }
}

impl GraphState {
    /// Back to the whole graph, unzoomed.
    pub fn reset_view(&mut self) {
        self.pan = egui::Vec2::ZERO;
        self.zoom = 1.0;
    }

    /// Where a node whose first label line is `label` was last drawn, in screen space
    /// (for tests and for the app to point at a node).
    pub fn node_screen_rect(&self, label: &str) -> Option<egui::Rect> {
        self.cache.as_ref().and_then(|c| c.node_screen_rect(self, label))
    }
}

/// Draws the graph with its toolbar and legend; returns what the user asked for.
pub fn graph_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    state: &mut GraphState,
) -> Option<ViewCommand> {
    let mut command = None;
    // One line: the legend keeps what fits and folds the rest into "+N more".
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.mode, LayoutMode::Layered, "Layered");
        ui.selectable_value(&mut state.mode, LayoutMode::Force, "Force");
        if ui.button("Reset view").on_hover_text("Undo pan and zoom (or double-click the graph)").clicked() {
            state.reset_view();
        }
        if !state.expanded.is_empty()
            && ui.button("Fold again").on_hover_text("Fold the groups you opened back into \"N more\"").clicked()
        {
            state.expanded.clear();
        }
        ui.separator();
        let entries = theme::legend_entries(&snapshot.owners);
        // The graph's own colours: owners it folded for room show the fold's grey.
        let clicked = match state.cache.as_ref().map(view::CachedScene::palette) {
            Some(palette) => theme::owner_legend_with_ui(ui, &entries, &filter.hidden_owners, palette),
            None => theme::owner_legend_ui(ui, &entries, &filter.hidden_owners),
        };
        if let Some(owner) = clicked {
            command = Some(ViewCommand::ToggleOwner(owner));
        }
    });
    let canvas_command = view::canvas_ui(ui, snapshot, filter, state);
    command.or(canvas_command)
}

/// The graph's canvas alone, without toolbar or legend (for exported figures).
pub fn graph_canvas_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    state: &mut GraphState,
) -> Option<ViewCommand> {
    view::canvas_ui(ui, snapshot, filter, state)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use test_support::scenes as fake_snapshot;

    /// Builds the scene for the engine's benchmark size (100k flows) and reports the time.
    #[test]
    fn a_100k_flow_snapshot_lays_out_quickly() {
        let snapshot = fake_snapshot::large(100_000);
        let measure = |s: &str| s.len() as f32 * 7.0;
        let start = Instant::now();
        let model = model::build(&snapshot, &ViewFilter::default(), &BTreeSet::new(), scene::capacity_for(700.0));
        let built = start.elapsed();
        let scene = scene::layered_scene(&model, 1200.0, 700.0, &measure);
        let total = start.elapsed();
        eprintln!(
            "100k flows: model {built:?}, model+layout {total:?}, {} nodes, {} links",
            scene.nodes.len(),
            scene.links.len()
        );
        assert!(scene.nodes.len() <= 3 * scene::capacity_for(700.0)[0]);
        // Generous bound for debug builds on a shared machine; release numbers are in the report.
        assert!(total.as_secs_f32() < 5.0);
    }
}
